//! Emergency plans (应急预案) with their revisions and the date the next one is due, and drills
//! (演练) with the count per village and year against a quota (task 19: 加快应急预案修订，强化
//! 实战化演练; task 21: joint drills with neighbouring towns).

use crate::Invalid;
use crate::enterprise::{parse_id, text_enum};
use crate::error::{optional_text, required_text};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

text_enum!(
    /// Whose plan it is.
    PlanLevel { Town = "town", Village = "village", Enterprise = "enterprise" }
);

text_enum!(
    /// What the plan is for: the comprehensive plan and the special ones.
    PlanKind {
        Comprehensive = "comprehensive",
        Flood = "flood",
        GeoHazard = "geo_hazard",
        ForestFire = "forest_fire",
        ProductionSafety = "production_safety",
        HazardousChemicals = "hazardous_chemicals",
        Other = "other",
    }
);

/// Months between revisions when the plan names none: a plan is evaluated and revised at least
/// every three years (practice of the 2024 emergency plan measures; configurable per plan).
pub const DEFAULT_PERIOD_MONTHS: u32 = 36;

/// When the next revision of a plan revised on `revised_on` is due.
pub fn next_revision(revised_on: NaiveDate, period_months: u32) -> NaiveDate {
    revised_on
        .checked_add_months(Months::new(period_months))
        .unwrap_or(revised_on)
}

/// A plan as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlanInput {
    pub name: String,
    pub level: String,
    pub kind: String,
    pub region_id: String,
    /// The department that answers for it.
    pub department: String,
    pub version: String,
    /// `2025-03-01`.
    pub revised_on: String,
    /// Months between revisions; blank is three years.
    pub period_months: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanDraft {
    pub title: String,
    pub level: PlanLevel,
    pub kind: PlanKind,
    pub region_id: i64,
    pub department: Option<String>,
    pub version: String,
    pub revised_on: NaiveDate,
    pub period_months: u32,
}

fn date(errs: &mut Invalid, field: &str, v: &str, today: NaiveDate) -> NaiveDate {
    match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
        Ok(d) if d <= today => d,
        Ok(_) => {
            errs.push(field, "date.future");
            today
        }
        Err(_) => {
            errs.push(
                field,
                if v.trim().is_empty() {
                    "required"
                } else {
                    "date.form"
                },
            );
            today
        }
    }
}

impl PlanInput {
    pub fn validate(&self, today: NaiveDate) -> Result<PlanDraft, Invalid> {
        let mut errs = Invalid::default();
        let title = required_text(&mut errs, "name", &self.name, 100);
        let level = PlanLevel::parse(self.level.trim());
        if level.is_none() {
            errs.push("level", "choice");
        }
        let kind = PlanKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let department = optional_text(&mut errs, "department", Some(&self.department), 60);
        let version = required_text(&mut errs, "version", &self.version, 20);
        let revised_on = date(&mut errs, "revised_on", &self.revised_on, today);
        let period_months = match self.period_months.trim() {
            "" => DEFAULT_PERIOD_MONTHS,
            v => match v.parse::<u32>() {
                Ok(n) if (1..=120).contains(&n) => n,
                _ => {
                    errs.push("period_months", "number.range");
                    DEFAULT_PERIOD_MONTHS
                }
            },
        };
        errs.into_result()?;
        Ok(PlanDraft {
            title,
            level: level.unwrap_or(PlanLevel::Town),
            kind: kind.unwrap_or(PlanKind::Other),
            region_id,
            department,
            version,
            revised_on,
            period_months,
        })
    }
}

/// A revision as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RevisionInput {
    pub version: String,
    pub revised_on: String,
    /// What changed.
    pub note: String,
}

impl RevisionInput {
    /// A revision must be newer than the one before.
    pub fn validate(
        &self,
        today: NaiveDate,
        last: NaiveDate,
    ) -> Result<(String, NaiveDate, Option<String>), Invalid> {
        let mut errs = Invalid::default();
        let version = required_text(&mut errs, "version", &self.version, 20);
        let on = date(&mut errs, "revised_on", &self.revised_on, today);
        if errs.is_empty() && on < last {
            errs.push("revised_on", "plans.revision_before_last");
        }
        let note = optional_text(&mut errs, "note", Some(&self.note), 500);
        errs.into_result()?;
        Ok((version, on, note))
    }
}

/// A drill as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DrillInput {
    /// The plan drilled, if one.
    pub drilled_plan_id: String,
    pub region_id: String,
    pub held_on: String,
    pub place: String,
    pub scenario: String,
    /// People who took part.
    pub participants: String,
    /// Teams that took part.
    pub teams: String,
    /// Neighbouring towns in a joint drill (联合演练).
    pub joint_with: String,
    pub evaluation: String,
    /// Problems found, one per line.
    pub problems: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrillDraft {
    pub plan_id: Option<i64>,
    pub region_id: i64,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub scenario: String,
    pub participants: i64,
    pub teams: Option<String>,
    pub joint_with: Option<String>,
    pub evaluation: Option<String>,
    pub problems: Vec<String>,
}

impl DrillInput {
    pub fn validate(&self, today: NaiveDate) -> Result<DrillDraft, Invalid> {
        let mut errs = Invalid::default();
        let plan_id = match self.drilled_plan_id.trim() {
            "" => None,
            v => Some(parse_id(&mut errs, "drilled_plan_id", v)),
        };
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let held_on = date(&mut errs, "held_on", &self.held_on, today);
        let place = optional_text(&mut errs, "place", Some(&self.place), 100);
        let scenario = required_text(&mut errs, "scenario", &self.scenario, 500);
        let participants = match self.participants.trim().parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => {
                errs.push("participants", "number.range");
                0
            }
        };
        let teams = optional_text(&mut errs, "teams", Some(&self.teams), 200);
        let joint_with = optional_text(&mut errs, "joint_with", Some(&self.joint_with), 200);
        let evaluation = optional_text(&mut errs, "evaluation", Some(&self.evaluation), 2000);
        let problems: Vec<String> = self
            .problems
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        if problems.iter().any(|p| p.chars().count() > 200) {
            errs.push("problems", "too_long");
        }
        errs.into_result()?;
        Ok(DrillDraft {
            plan_id,
            region_id,
            held_on,
            place,
            scenario,
            participants,
            teams,
            joint_with,
            evaluation,
            problems,
        })
    }
}

/// Drills a year asks of each village and of the town itself (configuration).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DrillQuota {
    pub per_village: i64,
    pub per_town: i64,
}

impl Default for DrillQuota {
    fn default() -> Self {
        DrillQuota {
            per_village: 1,
            per_town: 2,
        }
    }
}

impl DrillQuota {
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        for (f, v) in [
            ("per_village", self.per_village),
            ("per_town", self.per_town),
        ] {
            if !(0..=52).contains(&v) {
                errs.push(f, "number.range");
            }
        }
        errs.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_next_revision_is_the_period_after_the_last() {
        assert_eq!(next_revision(d("2023-05-31"), 36), d("2026-05-31"));
        // The end of a short month.
        assert_eq!(next_revision(d("2024-02-29"), 12), d("2025-02-28"));
        assert_eq!(next_revision(d("2025-08-31"), 6), d("2026-02-28"));
    }

    #[test]
    fn plans_revisions_and_drills_name_their_fields() {
        let today = d("2026-07-01");
        let e = PlanInput {
            level: "county".into(),
            kind: "flood".into(),
            region_id: "2".into(),
            revised_on: "2026-08-01".into(),
            period_months: "0".into(),
            ..PlanInput::default()
        }
        .validate(today)
        .unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "level", "version", "revised_on", "period_months"]
        );
        let r = RevisionInput {
            version: "2026版".into(),
            revised_on: "2025-01-01".into(),
            note: String::new(),
        };
        assert_eq!(
            r.validate(today, d("2025-06-01")).unwrap_err(),
            Invalid::one("revised_on", "plans.revision_before_last")
        );
        let drill = DrillInput {
            region_id: "3".into(),
            held_on: "2026-06-15".into(),
            scenario: "石坝村3号滑坡险情避险转移演练".into(),
            participants: "85".into(),
            problems: "报警器电池失效\n\n转移路线标识不清\n".into(),
            ..DrillInput::default()
        }
        .validate(today)
        .unwrap();
        assert_eq!(drill.problems, ["报警器电池失效", "转移路线标识不清"]);
        let e = DrillInput {
            participants: "0".into(),
            ..DrillInput::default()
        }
        .validate(today)
        .unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["region_id", "held_on", "scenario", "participants"]);
    }
}
