//! Monitor patrols (群测群防巡查): the precursor checklist a monitor ticks at a site, and how often
//! a site must be patrolled — per week in the flood season, per day under a rain warning
//! (rules.md §5: 汛期 twice a week; under a warning, rounds before, during and after the rain) —
//! with the patrols that were due and not made.

use crate::enterprise::text_enum;
use chrono::{Datelike, Duration, NaiveDate};
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
pub struct Policy {
    /// First and last day of the flood season, as (month, day).
    pub season_start: (u32, u32),
    pub season_end: (u32, u32),
    /// Patrols per week (Monday to Sunday) in the flood season and outside it.
    pub per_week_in_season: u32,
    pub per_week_off_season: u32,
    /// Patrols per day while a rain warning stands (3 for before, during and after the rain).
    pub per_warning_day: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            season_start: (5, 1),
            season_end: (9, 30),
            per_week_in_season: 2,
            per_week_off_season: 0,
            per_warning_day: 1,
        }
    }
}

impl Policy {
    pub fn in_season(&self, d: NaiveDate) -> bool {
        let md = (d.month(), d.day());
        md >= self.season_start && md <= self.season_end
    }
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
