//! Construction projects (建设项目) under the town's eye: the safety review at approval (项目审批要严格
//! 安全审查) and the 三同时 rule — safety facilities designed, built and put into use at the same
//! time as the main works (安全生产法 Art. 31). Road guardrails and disaster-prevention works are
//! projects too; their length built is what task 9's 5 km of guardrail is counted from.

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::error::{optional_reference, optional_text, required_text};
use crate::hazard::parse_date;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(
    ProjectCategory {
        /// 生产经营性建设项目 of an enterprise.
        Production = "production",
        /// Public buildings and facilities.
        Public = "public",
        /// 农村公路护栏.
        RoadGuardrail = "road_guardrail",
        /// 地灾治理、堤防护岸 and the like.
        DisasterWorks = "disaster_works",
    }
);

text_enum!(
    Review { Pending = "pending", Passed = "passed", Rejected = "rejected" }
);

text_enum!(
    /// The three stages of 三同时.
    Stage { Design = "design", Construction = "construction", InUse = "in_use" }
);

text_enum!(
    /// How the safety facilities stand against the main works at one stage.
    StageState {
        /// The main works have not reached the stage.
        NotYet = "not_yet",
        /// The safety facilities reached it no later than the main works.
        Together = "together",
        /// The main works reached it and the safety facilities did not, or later.
        Lagging = "lagging",
    }
);

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProjectInput {
    pub name: String,
    pub category: String,
    pub region_id: String,
    pub enterprise_id: String,
    pub review: String,
    pub reviewed_on: String,
    pub review_note: String,
    pub main_designed_on: String,
    pub safety_designed_on: String,
    pub main_built_on: String,
    pub safety_built_on: String,
    pub main_in_use_on: String,
    pub safety_in_use_on: String,
    /// Metres built (guardrails, embankments).
    pub length_m: String,
    pub completed_on: String,
}

/// The dates of the three stages: (main works, safety facilities) each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Milestones {
    pub design: (Option<NaiveDate>, Option<NaiveDate>),
    pub construction: (Option<NaiveDate>, Option<NaiveDate>),
    pub in_use: (Option<NaiveDate>, Option<NaiveDate>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectDraft {
    pub name: String,
    pub category: ProjectCategory,
    pub region_id: i64,
    pub enterprise_id: Option<i64>,
    pub review: Review,
    pub reviewed_on: Option<NaiveDate>,
    pub review_note: Option<String>,
    pub milestones: Milestones,
    pub length_m: Option<i64>,
    pub completed_on: Option<NaiveDate>,
}

impl ProjectInput {
    pub fn validate(&self, today: NaiveDate) -> Result<ProjectDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 200);
        let category = ProjectCategory::parse(self.category.trim());
        if category.is_none() {
            errs.push("category", "choice");
        }
        let region_id = crate::enterprise::parse_id(&mut errs, "region_id", &self.region_id);
        let enterprise_id = optional_reference(&mut errs, "enterprise_id", &self.enterprise_id);
        let review = match self.review.trim() {
            "" => Some(Review::Pending),
            v => Review::parse(v).or_else(|| {
                errs.push("review", "choice");
                None
            }),
        };
        let mut date = |field: &str, s: &str| match s.trim() {
            "" => None,
            v => match parse_date(v) {
                Some(d) if d > today => {
                    errs.push(field, "date.future");
                    None
                }
                Some(d) => Some(d),
                None => {
                    errs.push(field, "date.form");
                    None
                }
            },
        };
        let reviewed_on = date("reviewed_on", &self.reviewed_on);
        let milestones = Milestones {
            design: (
                date("main_designed_on", &self.main_designed_on),
                date("safety_designed_on", &self.safety_designed_on),
            ),
            construction: (
                date("main_built_on", &self.main_built_on),
                date("safety_built_on", &self.safety_built_on),
            ),
            in_use: (
                date("main_in_use_on", &self.main_in_use_on),
                date("safety_in_use_on", &self.safety_in_use_on),
            ),
        };
        let completed_on = date("completed_on", &self.completed_on);
        let review_note = optional_text(&mut errs, "review_note", Some(&self.review_note), 1000);
        if review.is_some_and(|r| r != Review::Pending) && reviewed_on.is_none() {
            errs.push("reviewed_on", "required");
        }
        let length_m = match self.length_m.trim() {
            "" if category == Some(ProjectCategory::RoadGuardrail) => {
                errs.push("length_m", "required");
                None
            }
            "" => None,
            v => match v.parse::<i64>() {
                Ok(n) if (0..=10_000_000).contains(&n) => Some(n),
                _ => {
                    errs.push("length_m", "number.invalid");
                    None
                }
            },
        };
        errs.into_result()?;
        match (category, review) {
            (Some(category), Some(review)) => Ok(ProjectDraft {
                name,
                category,
                region_id,
                enterprise_id,
                review,
                reviewed_on,
                review_note,
                milestones,
                length_m,
                completed_on,
            }),
            _ => Err(Invalid::one("category", "choice")),
        }
    }
}

/// One stage: the safety facilities may come first, never after.
pub fn stage_state(main: Option<NaiveDate>, safety: Option<NaiveDate>) -> StageState {
    match (main, safety) {
        (None, _) => StageState::NotYet,
        (Some(m), Some(s)) if s <= m => StageState::Together,
        (Some(_), _) => StageState::Lagging,
    }
}

/// The three stages in order.
pub fn stages(m: &Milestones) -> [(Stage, StageState); 3] {
    [
        (Stage::Design, stage_state(m.design.0, m.design.1)),
        (
            Stage::Construction,
            stage_state(m.construction.0, m.construction.1),
        ),
        (Stage::InUse, stage_state(m.in_use.0, m.in_use.1)),
    ]
}

/// A project breaks the rules when a stage lags, or when its main works began building or went
/// into use without a passed safety review.
pub fn breaches(review: Review, m: &Milestones) -> bool {
    let lagging = stages(m).iter().any(|(_, s)| *s == StageState::Lagging);
    let unreviewed =
        review != Review::Passed && (m.construction.0.is_some() || m.in_use.0.is_some());
    lagging || unreviewed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        parse_date(s)
    }

    #[test]
    fn safety_facilities_may_come_first_never_after() {
        assert_eq!(stage_state(None, d("2021-01-01")), StageState::NotYet);
        assert_eq!(
            stage_state(d("2021-03-01"), d("2021-03-01")),
            StageState::Together
        );
        assert_eq!(
            stage_state(d("2021-03-01"), d("2021-02-01")),
            StageState::Together
        );
        assert_eq!(
            stage_state(d("2021-03-01"), d("2021-03-02")),
            StageState::Lagging
        );
        assert_eq!(stage_state(d("2021-03-01"), None), StageState::Lagging);
    }

    #[test]
    fn building_without_a_passed_review_is_a_breach() {
        let mut m = Milestones {
            design: (d("2021-01-10"), d("2021-01-10")),
            ..Default::default()
        };
        assert!(!breaches(Review::Pending, &m));
        m.construction = (d("2021-03-01"), d("2021-03-01"));
        assert!(breaches(Review::Pending, &m));
        assert!(!breaches(Review::Passed, &m));
        m.in_use = (d("2021-09-01"), None);
        assert!(breaches(Review::Passed, &m));
    }

    #[test]
    fn a_guardrail_needs_its_length() {
        let today = parse_date("2021-12-31").unwrap();
        let mut p = ProjectInput {
            name: "马武—石坝公路护栏".into(),
            category: "road_guardrail".into(),
            region_id: "3".into(),
            ..Default::default()
        };
        let e = p.validate(today).unwrap_err();
        assert_eq!(e.errors[0].field, "length_m");
        p.length_m = "1200".into();
        p.review = "passed".into();
        let e = p.validate(today).unwrap_err();
        assert_eq!(e.errors[0].field, "reviewed_on");
        p.reviewed_on = "2021-02-01".into();
        p.completed_on = "2022-01-01".into();
        assert_eq!(p.validate(today).unwrap_err().errors[0].code, "date.future");
    }
}
