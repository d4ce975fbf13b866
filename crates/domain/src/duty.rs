//! The town's duty roster (值班表): for each duty day a duty leader (带班领导) and a duty officer
//! (值班员). The duty day changes over at 08:30 Beijing time, so the night belongs to the day
//! that began the morning before; the duty officer of the moment is whom a warning's silent
//! recipients are escalated to.

use crate::Invalid;
use crate::enterprise::parse_id;
use crate::local_time;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// When one duty day hands over to the next, Beijing time.
pub const CHANGEOVER: (u32, u32) = (8, 30);

/// The duty day an instant belongs to.
pub fn duty_day(t: DateTime<Utc>) -> NaiveDate {
    let day = local_time::day_of(t);
    if t < local_time::at(day, CHANGEOVER.0, CHANGEOVER.1) {
        day.pred_opt().unwrap_or(day)
    } else {
        day
    }
}

/// One day of the roster as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RosterInput {
    /// `2026-07-12`.
    pub day: String,
    /// The region (the town) whose roster it is.
    pub region_id: String,
    pub duty_leader_id: String,
    pub duty_officer_id: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterDay {
    pub day: NaiveDate,
    pub region_id: i64,
    pub leader_id: i64,
    pub officer_id: i64,
    pub note: Option<String>,
}

impl RosterInput {
    pub fn validate(&self) -> Result<RosterDay, Invalid> {
        let mut errs = Invalid::default();
        let day = NaiveDate::parse_from_str(self.day.trim(), "%Y-%m-%d").ok();
        if day.is_none() {
            errs.push(
                "day",
                if self.day.trim().is_empty() {
                    "required"
                } else {
                    "date.form"
                },
            );
        }
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let leader_id = parse_id(&mut errs, "duty_leader_id", &self.duty_leader_id);
        let officer_id = parse_id(&mut errs, "duty_officer_id", &self.duty_officer_id);
        let note = crate::error::optional_text(&mut errs, "note", Some(&self.note), 200);
        errs.into_result()?;
        Ok(RosterDay {
            day: day.unwrap_or_default(),
            region_id,
            leader_id,
            officer_id,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duty_day_changes_at_half_past_eight_beijing_time() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // 08:29:59 and 08:30 Beijing are 00:29:59 and 00:30 UTC.
        assert_eq!(duty_day(at("2026-07-12T00:29:59Z")), d("2026-07-11"));
        assert_eq!(duty_day(at("2026-07-12T00:30:00Z")), d("2026-07-12"));
        // 23:00 Beijing, and 03:00 the next morning: the same duty day.
        assert_eq!(duty_day(at("2026-07-12T15:00:00Z")), d("2026-07-12"));
        assert_eq!(duty_day(at("2026-07-12T19:00:00Z")), d("2026-07-12"));
    }

    #[test]
    fn a_roster_day_names_its_fields() {
        let e = RosterInput {
            day: "7月12日".into(),
            duty_leader_id: "x".into(),
            ..RosterInput::default()
        }
        .validate()
        .unwrap_err();
        let got: Vec<(&str, &str)> = e
            .errors
            .iter()
            .map(|x| (x.field.as_str(), x.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("day", "date.form"),
                ("region_id", "required"),
                ("duty_leader_id", "not_a_reference"),
                ("duty_officer_id", "required")
            ]
        );
    }
}
