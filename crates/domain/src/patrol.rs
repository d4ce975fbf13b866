//! Monitor patrols (群测群防巡查): the precursor checklist a monitor ticks at a site, and how often
//! a site must be patrolled — per week in the flood season, per day under a rain warning
//! (rules.md §5: 汛期 twice a week; under a warning, rounds before, during and after the rain) —
//! with the patrols that were due and not made.

use crate::Invalid;
use crate::alarm::Level;
use crate::enterprise::{parse_id, text_enum};
use crate::error::optional_text;
use crate::hazard::parse_date;
use crate::local_time;
use crate::monitoring::{parse_number, parse_position};
use crate::telemetry::{Metric, Range};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

text_enum!(
    /// Signs that a slope is about to move (宏观前兆). Any one ticked raises an alarm.
    Precursor {
        NewCracks = "new_cracks",
        Bulging = "bulging",
        SpringsOrTurbidWater = "springs_or_turbid_water",
        Sounds = "sounds",
        TiltedTrees = "tilted_trees",
        HouseDeformation = "house_deformation",
    }
);

/// How often sites are patrolled. Stored as configuration; these are the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// First and last day of the flood season, as (month, day).
    pub season_start: (u32, u32),
    pub season_end: (u32, u32),
    /// Patrols per week (Monday to Sunday) in the flood season and outside it.
    pub per_week_in_season: u32,
    pub per_week_off_season: u32,
    /// Patrols per day while a rain warning stands (3 for before, during and after the rain).
    pub per_warning_day: u32,
    /// The level of the alarm a patrol raises when it reports one precursor. Several at once
    /// mean the slope is moving (临滑征兆) and always raise red.
    pub precursor_level: Level,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            season_start: (5, 1),
            season_end: (9, 30),
            per_week_in_season: 2,
            per_week_off_season: 0,
            per_warning_day: 1,
            precursor_level: Level::Orange,
        }
    }
}

impl Policy {
    pub fn in_season(&self, d: NaiveDate) -> bool {
        let md = (d.month(), d.day());
        md >= self.season_start && md <= self.season_end
    }

    /// The alarm a patrol's precursors raise, if any.
    pub fn alarm_level(&self, precursors: &[Precursor]) -> Option<Level> {
        match precursors.len() {
            0 => None,
            1 => Some(self.precursor_level),
            _ => Some(Level::Red),
        }
    }

    /// Checks a policy as entered by the office: a real season and counts a person can make.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        let day_ok = |(m, d): (u32, u32)| NaiveDate::from_ymd_opt(2024, m, d).is_some();
        if !day_ok(self.season_start) {
            errs.push("season_start", "date.form");
        }
        if !day_ok(self.season_end) {
            errs.push("season_end", "date.form");
        }
        if errs.is_empty() && self.season_start > self.season_end {
            errs.push("season_end", "patrol.season_order");
        }
        if self.per_week_in_season > 14 {
            errs.push("per_week_in_season", "number.range");
        }
        if self.per_week_off_season > 14 {
            errs.push("per_week_off_season", "number.range");
        }
        if self.per_warning_day > 6 {
            errs.push("per_warning_day", "number.range");
        }
        errs.into_result()
    }
}

/// A patrol as a monitor reports it: text throughout, so that each bad field is named.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PatrolInput {
    pub object_id: String,
    /// When the site was walked: `2026-07-12T14:05` in Beijing time, or RFC 3339; blank is now.
    pub patrolled_at: String,
    /// "Nothing unusual" — a check-in. Cannot go with a precursor.
    pub no_anomaly: bool,
    /// Precursor codes ticked.
    pub precursors: Vec<String>,
    /// Crack widths measured at the site's marked points.
    pub cracks: Vec<CrackInput>,
    pub latitude: String,
    pub longitude: String,
    pub note: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrackInput {
    /// The marked point's name, as painted at the site (e.g. `L1`).
    pub point: String,
    /// Width in mm.
    pub width_mm: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatrolDraft {
    pub object_id: i64,
    pub patrolled_at: DateTime<Utc>,
    pub no_anomaly: bool,
    pub precursors: Vec<Precursor>,
    pub cracks: Vec<Crack>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crack {
    pub point: String,
    pub width_mm: f64,
}

/// Most marked points a site has; more in one report is a mistake.
pub const MAX_CRACK_POINTS: usize = 30;

impl PatrolInput {
    /// Checks the report whole. `now` bounds the time: a patrol is not reported ahead of time
    /// (five minutes of clock drift allowed) nor from before 2000.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<PatrolDraft, Invalid> {
        let mut errs = Invalid::default();
        let object_id = parse_id(&mut errs, "object_id", &self.object_id);
        let at = self.patrolled_at.trim();
        let patrolled_at = if at.is_empty() {
            now
        } else {
            match local_time::parse(at) {
                Some(t) if t > now + Duration::minutes(5) => {
                    errs.push("patrolled_at", "time.future");
                    now
                }
                Some(t) if t.timestamp() < 946_684_800 => {
                    errs.push("patrolled_at", "time.too_early");
                    now
                }
                Some(t) => t,
                None => {
                    errs.push("patrolled_at", "time.invalid");
                    now
                }
            }
        };
        let mut precursors = Vec::new();
        for code in &self.precursors {
            match Precursor::parse(code.trim()) {
                Some(p) if !precursors.contains(&p) => precursors.push(p),
                Some(_) => {}
                None => errs.push("precursors", "choice"),
            }
        }
        if self.no_anomaly && !precursors.is_empty() {
            errs.push("no_anomaly", "patrol.anomaly_contradiction");
        }
        let range = Range::of(Metric::CrackWidth);
        let mut cracks: Vec<Crack> = Vec::new();
        let given: Vec<&CrackInput> = self
            .cracks
            .iter()
            .filter(|c| !(c.point.trim().is_empty() && c.width_mm.trim().is_empty()))
            .collect();
        if given.len() > MAX_CRACK_POINTS {
            errs.push("cracks", "too_many");
        }
        for (i, c) in given.iter().enumerate().take(MAX_CRACK_POINTS) {
            let field = format!("cracks.{}", i + 1);
            let point = c.point.trim();
            if point.is_empty() {
                errs.push(format!("{field}.point"), "required");
                continue;
            }
            if point.chars().count() > 20 {
                errs.push(format!("{field}.point"), "too_long");
                continue;
            }
            if cracks.iter().any(|k| k.point == point) {
                errs.push(format!("{field}.point"), "duplicate");
                continue;
            }
            if c.width_mm.trim().is_empty() {
                errs.push(format!("{field}.width_mm"), "required");
                continue;
            }
            if let Some(w) = parse_number(
                &mut errs,
                &format!("{field}.width_mm"),
                &c.width_mm,
                range.min,
                range.max,
            ) {
                cracks.push(Crack {
                    point: point.to_string(),
                    width_mm: w,
                });
            }
        }
        let (latitude, longitude) = parse_position(&mut errs, &self.latitude, &self.longitude);
        let note = optional_text(&mut errs, "note", Some(&self.note), 1000);
        // A report says something: a check-in, a sign, a measurement or words.
        if !self.no_anomaly && precursors.is_empty() && given.is_empty() && note.is_none() {
            errs.push("no_anomaly", "patrol.empty");
        }
        errs.into_result()?;
        Ok(PatrolDraft {
            object_id,
            patrolled_at,
            no_anomaly: self.no_anomaly,
            precursors,
            cracks,
            latitude,
            longitude,
            note,
        })
    }
}

/// The four whole weeks (Monday to Sunday) before the week `today` is in: what the missed-patrol
/// report shows unless asked for another period.
pub fn default_period(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let last_sunday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()) + 1);
    (last_sunday - Duration::days(27), last_sunday)
}

/// Longest period one missed-patrol report covers.
pub const MAX_PERIOD_DAYS: i64 = 366;

/// A report period: not backwards, at most [`MAX_PERIOD_DAYS`].
pub fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), Invalid> {
    if to < from || (to - from).num_days() > MAX_PERIOD_DAYS {
        return Err(Invalid::one("to", "patrol.period"));
    }
    Ok(())
}

/// A report period as typed (`2026-07-01`; blank for the default's end, and for a start four
/// weeks before the end), checked.
pub fn report_period(
    from: &str,
    to: &str,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), Invalid> {
    let mut errs = Invalid::default();
    let mut date = |field: &str, v: &str, default: NaiveDate| match v.trim() {
        "" => default,
        v => parse_date(v).unwrap_or_else(|| {
            errs.push(field, "date.form");
            default
        }),
    };
    let to = date("to", to, default_period(today).1);
    let from = date("from", from, to - Duration::days(27));
    errs.into_result()?;
    check_period(from, to)?;
    Ok((from, to))
}

/// A stretch that needed patrols and did not get them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missed {
    /// A week (its Monday) or a warning day.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub warning: bool,
    pub required: u32,
    pub done: u32,
}

/// The patrols of one site that were due in `[from, to]` and not made. `done` are the days of the
/// patrols made (one entry per patrol); `warnings` the days a rain warning stood. A warning day is
/// judged by itself; a week by its patrols against the week's rule (a week counts as in season
/// when its Thursday is). Only whole weeks and days up to `to` are judged, so a week still running
/// is never reported.
pub fn missed(
    policy: &Policy,
    from: NaiveDate,
    to: NaiveDate,
    done: &[NaiveDate],
    warnings: &[NaiveDate],
) -> Vec<Missed> {
    let mut out = Vec::new();
    let count =
        |a: NaiveDate, b: NaiveDate| done.iter().filter(|d| **d >= a && **d <= b).count() as u32;
    let mut day = from;
    while day <= to {
        if warnings.contains(&day) && policy.per_warning_day > 0 {
            let n = count(day, day);
            if n < policy.per_warning_day {
                out.push(Missed {
                    from: day,
                    to: day,
                    warning: true,
                    required: policy.per_warning_day,
                    done: n,
                });
            }
        }
        day += Duration::days(1);
    }
    let mut monday = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    if monday < from {
        monday += Duration::days(7);
    }
    while monday + Duration::days(6) <= to {
        let sunday = monday + Duration::days(6);
        let required = if policy.in_season(monday + Duration::days(3)) {
            policy.per_week_in_season
        } else {
            policy.per_week_off_season
        };
        let n = count(monday, sunday);
        if n < required {
            out.push(Missed {
                from: monday,
                to: sunday,
                warning: false,
                required,
                done: n,
            });
        }
        monday += Duration::days(7);
    }
    out.sort_by_key(|m| (m.from, !m.warning));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-07-12T06:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn input() -> PatrolInput {
        PatrolInput {
            object_id: "7".into(),
            ..PatrolInput::default()
        }
    }

    fn fields(e: Invalid) -> Vec<(String, String)> {
        e.errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_check_in_is_a_patrol_at_now() {
        let d = PatrolInput {
            no_anomaly: true,
            ..input()
        }
        .validate(now())
        .unwrap();
        assert_eq!(d.object_id, 7);
        assert_eq!(d.patrolled_at, now());
        assert!(d.precursors.is_empty());
        assert_eq!(Policy::default().alarm_level(&d.precursors), None);
    }

    #[test]
    fn a_typed_time_is_beijing_time() {
        let d = PatrolInput {
            no_anomaly: true,
            patrolled_at: "2026-07-12T08:30".into(),
            ..input()
        }
        .validate(now())
        .unwrap();
        assert_eq!(d.patrolled_at.to_rfc3339(), "2026-07-12T00:30:00+00:00");
        assert_eq!(local_time::day_of(d.patrolled_at).to_string(), "2026-07-12");
        // 07:30 Beijing on the 12th is still the 11th in UTC.
        let t = DateTime::parse_from_rfc3339("2026-07-11T23:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(local_time::day_of(t).to_string(), "2026-07-12");
    }

    #[test]
    fn an_empty_report_and_a_contradiction_are_refused() {
        assert_eq!(
            fields(input().validate(now()).unwrap_err()),
            vec![("no_anomaly".into(), "patrol.empty".into())]
        );
        let e = PatrolInput {
            no_anomaly: true,
            precursors: vec!["bulging".into()],
            ..input()
        }
        .validate(now())
        .unwrap_err();
        assert_eq!(
            fields(e),
            vec![("no_anomaly".into(), "patrol.anomaly_contradiction".into())]
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let e = PatrolInput {
            object_id: "x".into(),
            patrolled_at: "2026-07-12T14:10".into(), // 06:10 UTC: ten minutes ahead
            precursors: vec!["earthquake".into()],
            cracks: vec![
                CrackInput {
                    point: "L1".into(),
                    width_mm: "NaN".into(),
                },
                CrackInput {
                    point: "".into(),
                    width_mm: "3".into(),
                },
                CrackInput {
                    point: "L3".into(),
                    width_mm: "-1".into(),
                },
                CrackInput {
                    point: "L3".into(),
                    width_mm: "2".into(),
                },
                CrackInput {
                    point: "L5".into(),
                    width_mm: "".into(),
                },
            ],
            latitude: "26.1".into(),
            ..input()
        }
        .validate(now())
        .unwrap_err();
        assert_eq!(
            fields(e),
            vec![
                ("object_id".into(), "not_a_reference".into()),
                ("patrolled_at".into(), "time.future".into()),
                ("precursors".into(), "choice".into()),
                ("cracks.1.width_mm".into(), "not_a_number".into()),
                ("cracks.2.point".into(), "required".into()),
                ("cracks.3.width_mm".into(), "number.range".into()),
                ("cracks.5.width_mm".into(), "required".into()),
                ("longitude".into(), "required".into()),
            ]
        );
    }

    #[test]
    fn a_repeated_point_is_refused_once_measured() {
        let e = PatrolInput {
            cracks: vec![
                CrackInput {
                    point: "L1".into(),
                    width_mm: "2.5".into(),
                },
                CrackInput {
                    point: "L1".into(),
                    width_mm: "2.6".into(),
                },
            ],
            ..input()
        }
        .validate(now())
        .unwrap_err();
        assert_eq!(
            fields(e),
            vec![("cracks.2.point".into(), "duplicate".into())]
        );
    }

    #[test]
    fn times_before_2000_and_garbage_are_refused() {
        for (t, code) in [
            ("1999-12-31T23:00", "time.too_early"),
            ("yesterday", "time.invalid"),
        ] {
            let e = PatrolInput {
                no_anomaly: true,
                patrolled_at: t.into(),
                ..input()
            }
            .validate(now())
            .unwrap_err();
            assert_eq!(fields(e), vec![("patrolled_at".into(), code.into())]);
        }
    }

    #[test]
    fn precursors_raise_the_policy_level_and_several_raise_red() {
        let d = PatrolInput {
            precursors: vec!["new_cracks".into(), "new_cracks".into()],
            cracks: vec![CrackInput {
                point: "L1".into(),
                width_mm: "12.5".into(),
            }],
            ..input()
        }
        .validate(now())
        .unwrap();
        assert_eq!(d.precursors, vec![Precursor::NewCracks]);
        assert_eq!(d.cracks[0].width_mm, 12.5);
        let p = Policy::default();
        assert_eq!(p.alarm_level(&d.precursors), Some(Level::Orange));
        assert_eq!(
            p.alarm_level(&[Precursor::Bulging, Precursor::Sounds]),
            Some(Level::Red)
        );
    }

    #[test]
    fn a_policy_needs_a_real_season() {
        assert!(Policy::default().validate().is_ok());
        let bad = Policy {
            season_start: (2, 30),
            per_warning_day: 9,
            ..Policy::default()
        };
        assert_eq!(
            fields(bad.validate().unwrap_err()),
            vec![
                ("season_start".into(), "date.form".into()),
                ("per_warning_day".into(), "number.range".into())
            ]
        );
        let reversed = Policy {
            season_start: (10, 1),
            season_end: (5, 1),
            ..Policy::default()
        };
        assert_eq!(
            fields(reversed.validate().unwrap_err()),
            vec![("season_end".into(), "patrol.season_order".into())]
        );
    }

    #[test]
    fn the_report_period_defaults_to_the_last_four_whole_weeks() {
        // Sunday 29 November 2026: the week running is 23-29, so the default ends on the 22nd.
        let today = d(11, 29);
        assert_eq!(default_period(today), (d(10, 26), d(11, 22)));
        assert_eq!(default_period(d(11, 30)), (d(11, 2), d(11, 29)));
        assert_eq!(
            report_period("", "", today).unwrap(),
            (d(10, 26), d(11, 22))
        );
        assert_eq!(
            report_period("", "2026-07-31", today).unwrap(),
            (d(7, 4), d(7, 31))
        );
        let e = report_period("July", "2026-07-31", today).unwrap_err();
        assert_eq!(
            (e.errors[0].field.as_str(), e.errors[0].code.as_str()),
            ("from", "date.form")
        );
        let e = report_period("2026-08-01", "2026-07-31", today).unwrap_err();
        assert_eq!(e.errors[0].code, "patrol.period");
        assert!(check_period(d(1, 1), d(12, 31)).is_ok());
        assert!(check_period(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), d(12, 31)).is_err());
    }

    #[test]
    fn the_flood_season_is_inclusive() {
        let p = Policy::default();
        assert!(!p.in_season(d(4, 30)));
        assert!(p.in_season(d(5, 1)));
        assert!(p.in_season(d(9, 30)));
        assert!(!p.in_season(d(10, 1)));
    }

    #[test]
    fn twice_a_week_in_season() {
        let p = Policy::default();
        // June 2026: Monday 1st to Sunday 28th are four whole weeks; the 29th and 30th are not
        // judged yet.
        let done = [d(6, 2), d(6, 5), d(6, 9), d(6, 16), d(6, 18), d(6, 29)];
        let m = missed(&p, d(6, 1), d(6, 30), &done, &[]);
        assert_eq!(
            m,
            vec![
                Missed {
                    from: d(6, 8),
                    to: d(6, 14),
                    warning: false,
                    required: 2,
                    done: 1
                },
                Missed {
                    from: d(6, 22),
                    to: d(6, 28),
                    warning: false,
                    required: 2,
                    done: 0
                },
            ]
        );
    }

    #[test]
    fn off_season_needs_nothing_by_default_but_can_be_set() {
        let mut p = Policy::default();
        assert!(missed(&p, d(11, 2), d(11, 29), &[], &[]).is_empty());
        p.per_week_off_season = 1;
        assert_eq!(missed(&p, d(11, 2), d(11, 29), &[d(11, 4)], &[]).len(), 3);
    }

    #[test]
    fn a_warning_day_needs_its_rounds() {
        let p = Policy {
            per_warning_day: 3,
            ..Policy::default()
        };
        let done = [d(7, 6), d(7, 7), d(7, 7), d(7, 7), d(7, 9)];
        let m = missed(&p, d(7, 6), d(7, 12), &done, &[d(7, 6), d(7, 7)]);
        assert_eq!(
            m,
            vec![Missed {
                from: d(7, 6),
                to: d(7, 6),
                warning: true,
                required: 3,
                done: 1
            }]
        );
    }

    #[test]
    fn a_partial_first_week_is_not_judged() {
        // From a Wednesday: the first whole week starts the next Monday.
        let m = missed(&Policy::default(), d(6, 3), d(6, 14), &[], &[]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].from, d(6, 8));
    }
}
