//! Investigations after an incident. Every accident opens a dual investigation (一案双查: the
//! enterprise's main responsibility and the regulators' supervision, rules.md §9.3); a natural
//! disaster (forest fire and geological event included) with anyone dead or missing requires an
//! investigation and assessment (自然灾害调查评估). Each is tracked to its report, due 60 days
//! after it opens and extendable once by at most 60 days (Decree 493 Art. 29), and then to the
//! accountability decided (三责同追).

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::error::{optional_text, required_text};
use crate::hazard::parse_date;
use crate::incident::{Figures, IncidentKind};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days from opening to the report.
pub const REPORT_DAYS: i64 = 60;
/// The longest one extension may add.
pub const MAX_EXTENSION_DAYS: i64 = 60;

text_enum!(
    InvestigationKind {
        /// 一案双查.
        Dual = "dual",
        /// 自然灾害调查评估.
        Assessment = "assessment",
    }
);

/// The investigation an incident with these figures requires, if any.
pub fn required(kind: IncidentKind, f: &Figures) -> Option<InvestigationKind> {
    if kind.is_accident() {
        Some(InvestigationKind::Dual)
    } else if f.deaths + f.missing > 0 {
        Some(InvestigationKind::Assessment)
    } else {
        None
    }
}

text_enum!(
    /// Where an investigation stands: open until its report, then reported until the
    /// accountability is decided, then decided.
    InvestigationStatus {
        Open = "open",
        Reported = "reported",
        Decided = "decided",
    }
);

/// What an investigation holds that the steps read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvestigationFacts {
    pub kind: InvestigationKind,
    pub status: InvestigationStatus,
    pub opened_on: NaiveDate,
    /// Set once, by the one extension.
    pub extended_days: Option<i64>,
}

impl InvestigationFacts {
    /// The day the report is due.
    pub fn due(&self) -> NaiveDate {
        self.opened_on + Duration::days(REPORT_DAYS + self.extended_days.unwrap_or(0))
    }

    /// Open past its due day.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == InvestigationStatus::Open && today > self.due()
    }
}

/// A step of an investigation as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StepInput {
    /// `extend`, `report` or `decide`.
    pub action: String,
    pub days: String,
    pub reason: String,
    /// The report's date, or the decision's.
    pub on: String,
    /// The cause and the enterprise's main responsibility (for an assessment: the findings).
    pub findings: String,
    /// The regulators' supervision (dual investigations only).
    pub regulator_findings: String,
    /// Who is held to account and how (企业主体责任, 部门监管责任, 党委政府领导责任).
    pub accountability: String,
}

/// A step that may be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Step {
    Extend {
        days: i64,
        reason: String,
    },
    Report {
        on: NaiveDate,
        findings: String,
        regulator_findings: Option<String>,
    },
    Decide {
        on: NaiveDate,
        accountability: String,
    },
}

impl Step {
    pub fn name(&self) -> &'static str {
        match self {
            Step::Extend { .. } => "extend",
            Step::Report { .. } => "report",
            Step::Decide { .. } => "decide",
        }
    }
}

fn day(errs: &mut Invalid, v: &str, today: NaiveDate, not_before: NaiveDate) -> NaiveDate {
    match v.trim() {
        "" => today,
        v => match parse_date(v) {
            Some(d) if d > today => {
                errs.push("on", "date.future");
                today
            }
            Some(d) if d < not_before => {
                errs.push("on", "investigation.before_open");
                today
            }
            Some(d) => d,
            None => {
                errs.push("on", "date.form");
                today
            }
        },
    }
}

impl StepInput {
    /// The step and the status it leads to, or why it may not be taken now.
    pub fn validate(
        &self,
        inv: &InvestigationFacts,
        today: NaiveDate,
    ) -> Result<(Step, InvestigationStatus), Invalid> {
        use InvestigationStatus::*;
        let mut errs = Invalid::default();
        let action = self.action.trim();
        let allowed = match (action, inv.status) {
            ("extend", Open) => inv.extended_days.is_none(),
            ("report", Open) | ("decide", Reported) => true,
            ("extend" | "report" | "decide", _) => false,
            _ => return Err(Invalid::one("action", "choice")),
        };
        if !allowed {
            let code = if action == "extend" && inv.status == Open {
                "investigation.extended_once"
            } else {
                "investigation.out_of_order"
            };
            return Err(Invalid::one("action", code));
        }
        let step = match action {
            "extend" => {
                let days = match self.days.trim().parse::<i64>() {
                    Ok(d) if (1..=MAX_EXTENSION_DAYS).contains(&d) => d,
                    _ => {
                        errs.push("days", "number.range");
                        0
                    }
                };
                let reason = required_text(&mut errs, "reason", &self.reason, 500);
                Step::Extend { days, reason }
            }
            "report" => {
                let on = day(&mut errs, &self.on, today, inv.opened_on);
                let findings = required_text(&mut errs, "findings", &self.findings, 4000);
                let regulator_findings = match inv.kind {
                    InvestigationKind::Dual => Some(required_text(
                        &mut errs,
                        "regulator_findings",
                        &self.regulator_findings,
                        4000,
                    )),
                    InvestigationKind::Assessment => optional_text(
                        &mut errs,
                        "regulator_findings",
                        Some(&self.regulator_findings),
                        4000,
                    ),
                };
                Step::Report {
                    on,
                    findings,
                    regulator_findings,
                }
            }
            _ => {
                let on = day(&mut errs, &self.on, today, inv.opened_on);
                let accountability =
                    required_text(&mut errs, "accountability", &self.accountability, 4000);
                Step::Decide { on, accountability }
            }
        };
        errs.into_result()?;
        let next = match step {
            Step::Extend { .. } => Open,
            Step::Report { .. } => Reported,
            Step::Decide { .. } => Decided,
        };
        Ok((step, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    fn facts(kind: InvestigationKind, status: InvestigationStatus) -> InvestigationFacts {
        InvestigationFacts {
            kind,
            status,
            opened_on: d("2026-06-01"),
            extended_days: None,
        }
    }

    fn full(action: &str) -> StepInput {
        StepInput {
            action: action.into(),
            days: "30".into(),
            reason: "技术鉴定".into(),
            on: "2026-07-01".into(),
            findings: "违章作业".into(),
            regulator_findings: "日常检查未发现".into(),
            accountability: "企业负责人罚款".into(),
        }
    }

    #[test]
    fn which_incidents_require_which_investigation() {
        let none = Figures::default();
        let missing = Figures {
            missing: 1,
            ..Figures::default()
        };
        for k in [
            IncidentKind::ProductionAccident,
            IncidentKind::RoadTraffic,
            IncidentKind::Fire,
        ] {
            assert_eq!(required(k, &none), Some(InvestigationKind::Dual));
        }
        for k in [
            IncidentKind::NaturalDisaster,
            IncidentKind::GeoHazard,
            IncidentKind::ForestFire,
        ] {
            assert_eq!(required(k, &none), None);
            assert_eq!(required(k, &missing), Some(InvestigationKind::Assessment));
        }
    }

    #[test]
    fn every_step_from_every_status() {
        use InvestigationStatus::*;
        let today = d("2026-07-02");
        let mut extended = facts(InvestigationKind::Dual, Open);
        extended.extended_days = Some(30);
        let cases: Vec<(InvestigationFacts, &str, Result<InvestigationStatus, &str>)> = vec![
            (facts(InvestigationKind::Dual, Open), "extend", Ok(Open)),
            (facts(InvestigationKind::Dual, Open), "report", Ok(Reported)),
            (
                facts(InvestigationKind::Dual, Open),
                "decide",
                Err("investigation.out_of_order"),
            ),
            (
                extended.clone(),
                "extend",
                Err("investigation.extended_once"),
            ),
            (extended, "report", Ok(Reported)),
            (
                facts(InvestigationKind::Dual, Reported),
                "extend",
                Err("investigation.out_of_order"),
            ),
            (
                facts(InvestigationKind::Dual, Reported),
                "report",
                Err("investigation.out_of_order"),
            ),
            (
                facts(InvestigationKind::Dual, Reported),
                "decide",
                Ok(Decided),
            ),
            (
                facts(InvestigationKind::Dual, Decided),
                "extend",
                Err("investigation.out_of_order"),
            ),
            (
                facts(InvestigationKind::Dual, Decided),
                "report",
                Err("investigation.out_of_order"),
            ),
            (
                facts(InvestigationKind::Dual, Decided),
                "decide",
                Err("investigation.out_of_order"),
            ),
            (facts(InvestigationKind::Dual, Open), "close", Err("choice")),
        ];
        for (f, action, want) in cases {
            let got = full(action)
                .validate(&f, today)
                .map(|(_, s)| s)
                .map_err(|e| e.errors[0].code.clone());
            assert_eq!(
                got,
                want.map_err(str::to_string),
                "{action} from {:?}",
                f.status
            );
        }
    }

    #[test]
    fn a_dual_report_needs_both_halves_and_dates_are_checked() {
        let today = d("2026-07-02");
        let open = facts(InvestigationKind::Dual, InvestigationStatus::Open);
        let mut i = full("report");
        i.regulator_findings = " ".into();
        let e = i.validate(&open, today).unwrap_err();
        assert_eq!(e.errors[0].field, "regulator_findings");
        // An assessment has no regulators' half to require.
        let a = facts(InvestigationKind::Assessment, InvestigationStatus::Open);
        assert!(i.validate(&a, today).is_ok());
        i.on = "2026-05-31".into();
        assert_eq!(
            i.validate(&a, today).unwrap_err().errors[0].code,
            "investigation.before_open"
        );
        i.on = "2026-07-03".into();
        assert_eq!(
            i.validate(&a, today).unwrap_err().errors[0].code,
            "date.future"
        );
        let mut x = full("extend");
        for (days, ok) in [("0", false), ("1", true), ("60", true), ("61", false)] {
            x.days = days.into();
            assert_eq!(x.validate(&open, today).is_ok(), ok, "{days} days");
        }
        x.days = "10".into();
        x.reason = "".into();
        assert_eq!(
            x.validate(&open, today).unwrap_err().errors[0].field,
            "reason"
        );
    }

    #[test]
    fn the_report_is_due_sixty_days_on_plus_the_extension() {
        let mut f = facts(InvestigationKind::Dual, InvestigationStatus::Open);
        assert_eq!(f.due(), d("2026-07-31"));
        assert!(!f.overdue(d("2026-07-31")));
        assert!(f.overdue(d("2026-08-01")));
        f.extended_days = Some(60);
        assert_eq!(f.due(), d("2026-09-29"));
        assert!(!f.overdue(d("2026-08-01")));
        f.status = InvestigationStatus::Reported;
        assert!(!f.overdue(d("2027-01-01")));
    }
}
