//! An enterprise's safety rating, A to D, from what the town knows of it: its open hazards (major
//! ones above all), overdue rectification, whether anyone inspected it this year, its accidents,
//! the penalties decided against it, the blacklist and its standardisation grade. The rating is
//! what the insurers of work plan task 15 link premiums to, so every point comes with its reason.
//!
//! No national standard grades enterprises for a town; the weights below are safegrid's, in the
//! spirit of the credit-rating practice of the 安全生产诚信体系 (blacklisting and a fatal accident
//! put an enterprise at the bottom whatever else is true; a major hazard left open caps it).

use crate::enterprise::StandardGrade;
use serde::{Deserialize, Serialize};

/// The grades, best first; written as the capital letter everywhere, JSON included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    pub const ALL: &'static [Grade] = &[Grade::A, Grade::B, Grade::C, Grade::D];
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }
}

/// What the rating reads, for one enterprise, over the usual windows: hazards open now, whether
/// it was inspected and its penalties in the last twelve months, accidents of the last three years.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub open_general: i64,
    pub open_major: i64,
    /// Open hazards past their rectification deadline.
    pub overdue: i64,
    /// Whether anyone inspected it in the last twelve months.
    pub inspected_12m: bool,
    pub accidents_3y: i64,
    /// Accidents with a death in the last twelve months.
    pub fatal_12m: i64,
    pub penalties_12m: i64,
    pub blacklisted: bool,
    pub standard: Option<StandardGrade>,
}

/// One reason a rating moved: its locale code, the count behind it and the points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub count: i64,
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rating {
    pub grade: Grade,
    /// 0 to 100.
    pub score: i64,
    pub reasons: Vec<Reason>,
}

/// Points off per item, and the most one kind of fact may take.
const MAJOR: (i64, i64) = (20, 40);
const GENERAL: (i64, i64) = (2, 20);
const OVERDUE: (i64, i64) = (5, 20);
const ACCIDENT: (i64, i64) = (15, 30);
const PENALTY: (i64, i64) = (10, 20);
const NOT_INSPECTED: i64 = 10;

fn off(code: &'static str, count: i64, (each, most): (i64, i64)) -> Option<Reason> {
    (count > 0).then(|| Reason {
        code,
        count,
        points: -(count.saturating_mul(each)).min(most),
    })
}

/// Rates one enterprise.
pub fn rate(f: &Facts) -> Rating {
    let mut reasons: Vec<Reason> = [
        off("rating.major", f.open_major, MAJOR),
        off("rating.general", f.open_general, GENERAL),
        off("rating.overdue", f.overdue, OVERDUE),
        off("rating.accidents", f.accidents_3y, ACCIDENT),
        off("rating.penalties", f.penalties_12m, PENALTY),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !f.inspected_12m {
        reasons.push(Reason {
            code: "rating.not_inspected",
            count: 0,
            points: -NOT_INSPECTED,
        });
    }
    let bonus = match f.standard {
        Some(StandardGrade::Level1) => 10,
        Some(StandardGrade::Level2) => 6,
        Some(StandardGrade::Level3) => 3,
        _ => 0,
    };
    if bonus > 0 {
        reasons.push(Reason {
            code: "rating.standardised",
            count: 0,
            points: bonus,
        });
    }
    let score = (100 + reasons.iter().map(|r| r.points).sum::<i64>()).clamp(0, 100);
    let mut grade = match score {
        90.. => Grade::A,
        75..=89 => Grade::B,
        60..=74 => Grade::C,
        _ => Grade::D,
    };
    if f.open_major > 0 && matches!(grade, Grade::A | Grade::B) {
        grade = Grade::C;
        reasons.push(Reason {
            code: "rating.capped_major",
            count: f.open_major,
            points: 0,
        });
    }
    if f.blacklisted {
        grade = Grade::D;
        reasons.push(Reason {
            code: "rating.blacklisted",
            count: 0,
            points: 0,
        });
    }
    if f.fatal_12m > 0 {
        grade = Grade::D;
        reasons.push(Reason {
            code: "rating.fatal",
            count: f.fatal_12m,
            points: 0,
        });
    }
    Rating {
        grade,
        score,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspected() -> Facts {
        Facts {
            inspected_12m: true,
            ..Facts::default()
        }
    }

    #[test]
    fn a_clean_inspected_enterprise_is_a() {
        let r = rate(&inspected());
        assert_eq!((r.grade, r.score), (Grade::A, 100));
        assert!(r.reasons.is_empty());
        // Nobody looked at it this year: it is not known to be clean.
        let r = rate(&Facts::default());
        assert_eq!((r.grade, r.score), (Grade::A, 90));
        assert_eq!(r.reasons[0].code, "rating.not_inspected");
    }

    #[test]
    fn each_fact_takes_its_points_up_to_its_most() {
        let r = rate(&Facts {
            open_general: 30,
            ..inspected()
        });
        assert_eq!(r.score, 80, "general hazards take at most 20");
        assert_eq!(r.grade, Grade::B);
        let r = rate(&Facts {
            open_general: 3,
            overdue: 2,
            penalties_12m: 1,
            ..inspected()
        });
        // 6 + 10 + 10 off.
        assert_eq!((r.score, r.grade), (74, Grade::C));
        let codes: Vec<_> = r.reasons.iter().map(|x| (x.code, x.points)).collect();
        assert_eq!(
            codes,
            [
                ("rating.general", -6),
                ("rating.overdue", -10),
                ("rating.penalties", -10)
            ]
        );
        let r = rate(&Facts {
            open_major: 3,
            accidents_3y: 3,
            overdue: 9,
            ..inspected()
        });
        assert_eq!((r.score, r.grade), (10, Grade::D));
    }

    #[test]
    fn a_major_hazard_caps_blacklist_and_death_floor() {
        // One major hazard costs 20: 80 would be B, but an open major hazard caps it at C.
        let r = rate(&Facts {
            open_major: 1,
            standard: Some(StandardGrade::Level1),
            ..inspected()
        });
        assert_eq!((r.score, r.grade), (90, Grade::C));
        assert!(r.reasons.iter().any(|x| x.code == "rating.capped_major"));
        let r = rate(&Facts {
            blacklisted: true,
            ..inspected()
        });
        assert_eq!((r.score, r.grade), (100, Grade::D));
        let r = rate(&Facts {
            accidents_3y: 1,
            fatal_12m: 1,
            ..inspected()
        });
        assert_eq!(r.grade, Grade::D);
        assert_eq!(r.reasons.last().unwrap().code, "rating.fatal");
    }

    #[test]
    fn standardisation_earns_points_but_never_above_100() {
        let r = rate(&Facts {
            standard: Some(StandardGrade::Level2),
            open_general: 2,
            ..inspected()
        });
        assert_eq!(r.score, 100);
        let r = rate(&Facts {
            standard: Some(StandardGrade::Level3),
            open_general: 5,
            ..inspected()
        });
        assert_eq!((r.score, r.grade), (93, Grade::A));
    }
}
