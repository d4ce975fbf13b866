//! Risk identification lists with a period (风险辨识清单): a major event (重大活动, work plan task
//! 11: a festival, a market day) with its own risk points and dates, and the lists drawn up for
//! key periods (holidays, the flood season) and major changes (task 17), which gather risk
//! points already known. A list is upcoming, active or past by its dates.

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::error::{optional_text, required_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest period a list may span.
pub const MAX_DAYS: i64 = 366;

text_enum!(
    RiskListKind {
        /// 重大活动.
        MajorEvent = "major_event",
        /// 重点时段 (节假日、汛期、森林防火期).
        KeyPeriod = "key_period",
        /// 重大变化 (改扩建、工艺变更、人员变动).
        MajorChange = "major_change",
    }
);

text_enum!(
    /// Where today falls against a list's dates.
    Phase {
        Upcoming = "upcoming",
        Active = "active",
        Past = "past",
    }
);

/// The phase of a period on `today` (both ends count as inside).
pub fn phase(starts_on: NaiveDate, ends_on: NaiveDate, today: NaiveDate) -> Phase {
    if today < starts_on {
        Phase::Upcoming
    } else if today > ends_on {
        Phase::Past
    } else {
        Phase::Active
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RiskListInput {
    pub kind: String,
    pub name: String,
    pub region_id: String,
    pub starts_on: String,
    pub ends_on: String,
    /// Where, who organises, how many people are expected, what changed.
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskListDraft {
    pub kind: RiskListKind,
    pub name: String,
    pub region_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub description: Option<String>,
}

impl RiskListInput {
    pub fn validate(&self) -> Result<RiskListDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = RiskListKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let name = required_text(&mut errs, "name", &self.name, 100);
        let region_id = match self.region_id.trim().parse::<i64>() {
            Ok(id) if id > 0 => id,
            _ => {
                errs.push("region_id", "not_a_reference");
                0
            }
        };
        let starts_on = crate::error::required_date(&mut errs, "starts_on", &self.starts_on);
        let ends_on = crate::error::required_date(&mut errs, "ends_on", &self.ends_on);
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e < s {
                errs.push("ends_on", "risk_list.ends_before_start");
            } else if (e - s).num_days() >= MAX_DAYS {
                errs.push("ends_on", "risk_list.too_long");
            }
        }
        let description = optional_text(&mut errs, "description", Some(&self.description), 2000);
        errs.into_result()?;
        match (kind, starts_on, ends_on) {
            (Some(kind), Some(starts_on), Some(ends_on)) => Ok(RiskListDraft {
                kind,
                name,
                region_id,
                starts_on,
                ends_on,
                description,
            }),
            _ => Err(Invalid::one("kind", "choice")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::hazard::parse_date(s).unwrap()
    }

    fn input(kind: &str, from: &str, to: &str) -> RiskListInput {
        RiskListInput {
            kind: kind.into(),
            name: "马武镇第三届李子节".into(),
            region_id: "4".into(),
            starts_on: from.into(),
            ends_on: to.into(),
            description: String::new(),
        }
    }

    #[test]
    fn a_list_has_a_kind_and_a_period_of_at_most_a_year() {
        let ok = input("major_event", "2026-07-01", "2026-07-03")
            .validate()
            .unwrap();
        assert_eq!(ok.kind, RiskListKind::MajorEvent);
        assert!(
            input("key_period", "2026-01-01", "2026-01-01")
                .validate()
                .is_ok()
        );
        let code = |i: RiskListInput| {
            let e = i.validate().unwrap_err();
            (e.errors[0].field.clone(), e.errors[0].code.clone())
        };
        assert_eq!(
            code(input("key_period", "2026-07-03", "2026-07-01")),
            ("ends_on".into(), "risk_list.ends_before_start".into())
        );
        // 366 days from the first is too long; 365 is not.
        assert!(
            input("key_period", "2026-01-01", "2027-01-01")
                .validate()
                .is_ok()
        );
        assert_eq!(
            code(input("key_period", "2026-01-01", "2027-01-02")),
            ("ends_on".into(), "risk_list.too_long".into())
        );
        assert_eq!(code(input("party", "2026-01-01", "2026-01-02")).0, "kind");
        assert_eq!(
            code(input("major_change", "soon", "2026-01-02")),
            ("starts_on".into(), "date.form".into())
        );
        assert_eq!(
            code(input("major_change", "2026-01-01", "")),
            ("ends_on".into(), "required".into())
        );
    }

    #[test]
    fn phases_include_both_ends() {
        let (s, e) = (d("2026-07-01"), d("2026-07-03"));
        assert_eq!(phase(s, e, d("2026-06-30")), Phase::Upcoming);
        assert_eq!(phase(s, e, d("2026-07-01")), Phase::Active);
        assert_eq!(phase(s, e, d("2026-07-03")), Phase::Active);
        assert_eq!(phase(s, e, d("2026-07-04")), Phase::Past);
    }
}
