//! Risk grading (安全风险分级管控), rules.md §2: LEC (D = L × E × C) and the LS matrix (R = L × S),
//! each mapped to the four levels 重大/较大/一般/低 (red/orange/yellow/blue) by bands that are
//! configuration, and each level to the tier that controls it.
//!
//! LEC factors are decimals (0.1 … 10); they are held in tenths so that every product is an exact
//! integer and a boundary such as D = 320 never depends on floating-point rounding.

use crate::Invalid;
use crate::enterprise::text_enum;
use serde::{Deserialize, Serialize};

text_enum!(
    /// 风险等级: 重大 (red), 较大 (orange), 一般 (yellow), 低 (blue).
    RiskLevel { Major = "major", Significant = "significant", General = "general", Low = "low" }
);

text_enum!(
    /// 管控层级: who controls a risk; higher-tier risks are controlled at the lower tiers too.
    ControlTier { Company = "company", Department = "department", Workshop = "workshop", Team = "team" }
);

impl RiskLevel {
    /// The national colour of the level (always shown with the word as well).
    pub fn colour(self) -> &'static str {
        match self {
            RiskLevel::Major => "red",
            RiskLevel::Significant => "orange",
            RiskLevel::General => "yellow",
            RiskLevel::Low => "blue",
        }
    }

    /// The tier that controls a risk of this level (rules.md §2.4, practice).
    pub fn tier(self) -> ControlTier {
        match self {
            RiskLevel::Major => ControlTier::Company,
            RiskLevel::Significant => ControlTier::Department,
            RiskLevel::General => ControlTier::Workshop,
            RiskLevel::Low => ControlTier::Team,
        }
    }
}

/// LEC likelihood L, in tenths: 10 完全可以预料 … 0.1 实际不可能.
pub const LEC_L: &[u32] = &[100, 60, 30, 10, 5, 2, 1];
/// LEC exposure E, in tenths: 10 continuous … 0.5 very rare.
pub const LEC_E: &[u32] = &[100, 60, 30, 20, 10, 5];
/// LEC consequence C: 100 catastrophic … 1 first aid.
pub const LEC_C: &[u32] = &[100, 40, 15, 7, 3, 1];

/// The bands of both methods. LEC: a level applies when D is *greater than* its threshold
/// (rules.md writes `D > 320`, `160 < D ≤ 320`…). LS: a level applies when R is *at least* its
/// threshold (variant A: red 20–25, orange 9–16, yellow 4–8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskBands {
    /// D thresholds for major, significant, general, in D units (not tenths).
    pub lec: [u32; 3],
    /// R minimums for major, significant, general.
    pub ls: [u32; 3],
}

impl Default for RiskBands {
    fn default() -> Self {
        RiskBands {
            lec: [320, 160, 70],
            ls: [20, 9, 4],
        }
    }
}

impl RiskBands {
    /// Bands must fall strictly from major to general and be positive.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        let falls = |t: [u32; 3]| t[0] > t[1] && t[1] > t[2] && t[2] > 0;
        if !falls(self.lec) {
            errs.push("lec", "risk.bands_order");
        }
        if !falls(self.ls) || self.ls[0] > 25 {
            errs.push("ls", "risk.bands_order");
        }
        errs.into_result()
    }
}

/// An assessment by one of the two methods, with its factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Assessment {
    /// Factors in tenths for L and E (see [`LEC_L`], [`LEC_E`]), C as is.
    Lec {
        l: u32,
        e: u32,
        c: u32,
    },
    Ls {
        l: u32,
        s: u32,
    },
}

impl Assessment {
    /// Checks the factors against the score tables.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        match *self {
            Assessment::Lec { l, e, c } => {
                if !LEC_L.contains(&l) {
                    errs.push("l", "risk.factor");
                }
                if !LEC_E.contains(&e) {
                    errs.push("e", "risk.factor");
                }
                if !LEC_C.contains(&c) {
                    errs.push("c", "risk.factor");
                }
            }
            Assessment::Ls { l, s } => {
                if !(1..=5).contains(&l) {
                    errs.push("l", "risk.factor");
                }
                if !(1..=5).contains(&s) {
                    errs.push("s", "risk.factor");
                }
            }
        }
        errs.into_result()
    }

    /// The score: D × 100 for LEC (exact, since L and E are in tenths), R for LS.
    pub fn score(&self) -> u32 {
        match *self {
            Assessment::Lec { l, e, c } => l * e * c,
            Assessment::Ls { l, s } => l * s,
        }
    }

    /// The score as people write it: D with up to two decimals, or R.
    pub fn score_text(&self) -> String {
        match self {
            Assessment::Lec { .. } => {
                let d = self.score();
                if d.is_multiple_of(100) {
                    format!("{}", d / 100)
                } else {
                    format!("{}.{:02}", d / 100, d % 100)
                        .trim_end_matches('0')
                        .to_string()
                }
            }
            Assessment::Ls { .. } => self.score().to_string(),
        }
    }

    pub fn level(&self, bands: &RiskBands) -> RiskLevel {
        let score = self.score();
        match self {
            Assessment::Lec { .. } => {
                let t = bands.lec.map(|x| x * 100);
                if score > t[0] {
                    RiskLevel::Major
                } else if score > t[1] {
                    RiskLevel::Significant
                } else if score > t[2] {
                    RiskLevel::General
                } else {
                    RiskLevel::Low
                }
            }
            Assessment::Ls { .. } => {
                let t = bands.ls;
                if score >= t[0] {
                    RiskLevel::Major
                } else if score >= t[1] {
                    RiskLevel::Significant
                } else if score >= t[2] {
                    RiskLevel::General
                } else {
                    RiskLevel::Low
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lec(l: u32, e: u32, c: u32) -> Assessment {
        Assessment::Lec { l, e, c }
    }

    #[test]
    fn lec_boundaries_follow_the_greater_than_rule() {
        let b = RiskBands::default();
        // D = 6 × 6 × 15 = 540 > 320: major; D = 10 × 2 × 15 = 300: significant.
        assert_eq!(lec(60, 60, 15).level(&b), RiskLevel::Major);
        assert_eq!(lec(100, 20, 15).score(), 30000);
        assert_eq!(lec(100, 20, 15).level(&b), RiskLevel::Significant);
        // Every product the score tables allow, against the rule written out by hand.
        let mut seen = std::collections::BTreeMap::new();
        for &l in LEC_L {
            for &e in LEC_E {
                for &c in LEC_C {
                    seen.insert(l * e * c, lec(l, e, c));
                }
            }
        }
        for (d, a) in &seen {
            let expected = if *d > 32000 {
                RiskLevel::Major
            } else if *d > 16000 {
                RiskLevel::Significant
            } else if *d > 7000 {
                RiskLevel::General
            } else {
                RiskLevel::Low
            };
            assert_eq!(a.level(&b), expected, "D×100 = {d}");
        }
        // Boundaries themselves fall to the lower band (以上/以下 written as > and ≤ in the LEC table).
        let at = |d: u32| RiskBands {
            lec: [d, 160, 70],
            ..b
        };
        assert_eq!(lec(10, 20, 100).level(&at(200)), RiskLevel::Significant); // D = 200, not > 200
        assert_eq!(lec(10, 20, 100).level(&at(199)), RiskLevel::Major);
        assert_eq!(lec(10, 20, 100).level(&b), RiskLevel::Significant); // D = 200
        assert_eq!(lec(60, 10, 15).level(&b), RiskLevel::General); // D = 90
        assert_eq!(lec(100, 60, 7).level(&b), RiskLevel::Major); // D = 420
        assert_eq!(lec(5, 100, 7).level(&b), RiskLevel::Low); // D = 35
    }

    #[test]
    fn ls_variant_a_bands_inclusive() {
        let b = RiskBands::default();
        let ls = |l, s| Assessment::Ls { l, s }.level(&b);
        assert_eq!(ls(4, 5), RiskLevel::Major); // 20
        assert_eq!(ls(4, 4), RiskLevel::Significant); // 16
        assert_eq!(ls(3, 3), RiskLevel::Significant); // 9
        assert_eq!(ls(2, 4), RiskLevel::General); // 8
        assert_eq!(ls(2, 2), RiskLevel::General); // 4
        assert_eq!(ls(1, 3), RiskLevel::Low); // 3
        // Variant B moves 9 to yellow.
        let vb = RiskBands {
            ls: [20, 10, 4],
            ..b
        };
        assert_eq!(Assessment::Ls { l: 3, s: 3 }.level(&vb), RiskLevel::General);
    }

    #[test]
    fn factors_and_bands_are_checked() {
        assert!(lec(60, 60, 15).validate().is_ok());
        let e = lec(70, 60, 16).validate().unwrap_err();
        assert_eq!(
            e.errors
                .iter()
                .map(|e| e.field.as_str())
                .collect::<Vec<_>>(),
            ["l", "c"]
        );
        assert!(Assessment::Ls { l: 0, s: 6 }.validate().is_err());
        assert!(
            RiskBands {
                lec: [160, 320, 70],
                ..Default::default()
            }
            .validate()
            .is_err()
        );
        assert!(
            RiskBands {
                ls: [26, 9, 4],
                ..Default::default()
            }
            .validate()
            .is_err()
        );
        assert!(RiskBands::default().validate().is_ok());
    }

    #[test]
    fn tiers_colours_and_score_text() {
        assert_eq!(RiskLevel::Major.tier(), ControlTier::Company);
        assert_eq!(RiskLevel::Low.tier(), ControlTier::Team);
        assert_eq!(RiskLevel::Significant.colour(), "orange");
        assert_eq!(lec(5, 5, 1).score_text(), "0.25");
        assert_eq!(lec(60, 60, 15).score_text(), "540");
        assert_eq!(lec(5, 10, 3).score_text(), "1.5");
    }
}

/// A risk point (风险点/危险源) as entered: where, what, and the assessment's factors as text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RiskPointInput {
    pub enterprise_id: String,
    /// A place outside enterprises (village, key unit, major event) is named by its region.
    pub region_id: String,
    pub post: String,
    pub name: String,
    /// 危险有害因素: what can go wrong.
    pub hazard_factor: String,
    /// Accident type after GB 6441 (物体打击, 机械伤害, 火灾, 粉尘爆炸…).
    pub accident_type: String,
    /// 管控措施.
    pub controls: String,
    /// `lec` or `ls`.
    pub method: String,
    /// LEC: L, E as written (0.1 … 10), C; LS: L and S (1-5).
    pub l: String,
    pub e: String,
    pub c: String,
    pub s: String,
}

/// A valid risk point without its place (the service resolves that).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskPointDraft {
    pub post: Option<String>,
    pub name: String,
    pub hazard_factor: String,
    pub accident_type: Option<String>,
    pub controls: String,
    pub assessment: Assessment,
}

/// LEC factors as people write them (0.5, 6, 10) into tenths.
fn tenths(s: &str) -> Option<u32> {
    let v: f64 = s.trim().parse().ok()?;
    let t = (v * 10.0).round();
    ((t - v * 10.0).abs() < 1e-6 && (0.0..10_000.0).contains(&t)).then_some(t as u32)
}

impl RiskPointInput {
    pub fn validate(&self) -> Result<RiskPointDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = crate::error::required_text(&mut errs, "name", &self.name, 100);
        let post = crate::error::optional_text(&mut errs, "post", Some(&self.post), 60);
        let hazard_factor =
            crate::error::required_text(&mut errs, "hazard_factor", &self.hazard_factor, 500);
        let accident_type =
            crate::error::optional_text(&mut errs, "accident_type", Some(&self.accident_type), 40);
        let controls = crate::error::required_text(&mut errs, "controls", &self.controls, 2000);
        let factor =
            |errs: &mut Invalid, field: &str, v: &str, parse: fn(&str) -> Option<u32>| -> u32 {
                if v.trim().is_empty() {
                    errs.push(field, "required");
                    return 0;
                }
                parse(v).unwrap_or_else(|| {
                    errs.push(field, "risk.factor");
                    0
                })
            };
        let whole = |s: &str| s.trim().parse::<u32>().ok();
        let assessment = match self.method.trim() {
            "lec" => {
                let l = factor(&mut errs, "l", &self.l, tenths);
                let e = factor(&mut errs, "e", &self.e, tenths);
                let c = factor(&mut errs, "c", &self.c, whole);
                Some(Assessment::Lec { l, e, c })
            }
            "ls" => {
                let l = factor(&mut errs, "l", &self.l, whole);
                let s = factor(&mut errs, "s", &self.s, whole);
                Some(Assessment::Ls { l, s })
            }
            _ => {
                errs.push("method", "choice");
                None
            }
        };
        // Factors that parsed must also be on the score table; keep the table's order of fields.
        if let Some(Err(table)) = assessment.as_ref().map(Assessment::validate) {
            let mut merged = Invalid::default();
            for f in ["l", "e", "c", "s"] {
                if let Some(e) = errs
                    .errors
                    .iter()
                    .find(|e| e.field == f)
                    .or_else(|| table.errors.iter().find(|e| e.field == f))
                {
                    merged.errors.push(e.clone());
                }
            }
            errs.errors
                .retain(|e| !["l", "e", "c", "s"].contains(&e.field.as_str()));
            let rest = std::mem::take(&mut errs.errors);
            errs.errors = rest.into_iter().chain(merged.errors).collect();
        }
        errs.into_result()?;
        let assessment = assessment.ok_or_else(|| Invalid::one("method", "choice"))?;
        Ok(RiskPointDraft {
            post,
            name,
            hazard_factor,
            accident_type,
            controls,
            assessment,
        })
    }
}

#[cfg(test)]
mod input_tests {
    use super::*;

    fn lec_input() -> RiskPointInput {
        RiskPointInput {
            enterprise_id: "3".into(),
            name: "打磨除尘系统".into(),
            hazard_factor: "木粉尘积聚遇点火源爆炸".into(),
            controls: "泄爆片、定时清扫、禁火".into(),
            method: "lec".into(),
            l: "3".into(),
            e: "6".into(),
            c: "40".into(),
            ..Default::default()
        }
    }

    #[test]
    fn factors_are_read_as_written() {
        let d = lec_input().validate().unwrap();
        assert_eq!(
            d.assessment,
            Assessment::Lec {
                l: 30,
                e: 60,
                c: 40
            }
        );
        assert_eq!(d.assessment.level(&RiskBands::default()), RiskLevel::Major); // D = 720
        let half = RiskPointInput {
            l: "0.5".into(),
            ..lec_input()
        };
        assert_eq!(
            half.validate().unwrap().assessment,
            Assessment::Lec { l: 5, e: 60, c: 40 }
        );
    }

    #[test]
    fn bad_factors_are_named() {
        let e = RiskPointInput {
            l: "0.7".into(),
            e: "x".into(),
            c: "".into(),
            ..lec_input()
        }
        .validate()
        .unwrap_err();
        let got: Vec<_> = e
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("l", "risk.factor"),
                ("e", "risk.factor"),
                ("c", "required")
            ]
        );
        let e = RiskPointInput {
            l: "4".into(),
            ..lec_input()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            e.errors[0].field, "l",
            "4 is not on the LEC likelihood scale"
        );
        let ls = RiskPointInput {
            method: "ls".into(),
            l: "6".into(),
            s: "2".into(),
            ..lec_input()
        };
        assert_eq!(ls.validate().unwrap_err().errors[0].field, "l");
        assert_eq!(
            RiskPointInput {
                method: "guess".into(),
                ..lec_input()
            }
            .validate()
            .unwrap_err()
            .errors[0]
                .field,
            "method"
        );
    }
}
