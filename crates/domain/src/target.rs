//! The plan's targets (目标) and the year's assessment (考核): a catalogue of measures computed
//! from the records (never typed in), the goals the town sets on them, the colour each stands at,
//! and the weighted scorecards of villages and departments with the one-vote veto (一票否决).
//!
//! Measures are kept as whole numbers or as fractions so that a goal is met or not met exactly:
//! the forest fire damage rate at 0.3‰ to the square metre is met, a square metre more is not.

use crate::Invalid;
use crate::enterprise::text_enum;
use serde::{Deserialize, Serialize};

text_enum!(
    /// What can be measured. The first ones are the work plan's own targets; the others are
    /// there to be chosen as the town's own.
    Metric {
        /// 较大及以上生产安全事故 (count): none.
        LargerAccidents = "larger_accidents",
        /// Accidents the town learned of more than an hour after they happened: the unit did not
        /// report within the hour of Decree 493 Art. 9 (迟报、瞒报).
        LateReports = "late_reports",
        /// 因灾死亡（失踪）人数.
        DisasterDeaths = "disaster_deaths",
        /// Deaths and missing at disaster sites with monitoring in place.
        MonitoredSiteDeaths = "monitored_site_deaths",
        /// 森林火灾受害率 (‰): burned forest area over forest area.
        ForestFireRate = "forest_fire_rate",
        /// Share of the office's staff qualified by degree or experience (%).
        StaffQualifiedShare = "staff_qualified_share",
        /// 农村公路护栏 built in the year (m).
        GuardrailMetres = "guardrail_metres",
        /// 五有 生活保障率 (%): affected households with all five guarantees.
        FiveGuaranteeRate = "five_guarantee_rate",
        /// Hazards on the books closed (%).
        HazardClosureRate = "hazard_closure_rate",
        /// Enterprises inspected in the year (%).
        InspectionCompletionRate = "inspection_completion_rate",
        /// Plan tasks done by their deadline, of those due (%).
        PlanTasksOnTime = "plan_tasks_on_time",
        /// Outreach activities held in the year (count).
        OutreachActivities = "outreach_activities",
        /// Enterprise principals, safety managers and new employees trained as required (%).
        TrainingCompliance = "training_compliance",
        /// Projects keeping 三同时 and their safety review (%).
        ThreeSimultaneousRate = "three_simultaneous_rate",
        /// Standardisation aspects rated met (of 8).
        StandardisationMet = "standardisation_met",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    AtMost,
    AtLeast,
}

text_enum!(
    /// How a measure is written.
    Unit { Count = "count", Metres = "metres", Percent = "percent", PerMille = "per_mille" }
);

impl Unit {
    /// A fraction times this is the figure written (‰ or %).
    fn factor(self) -> i128 {
        match self {
            Unit::PerMille => 1000,
            Unit::Percent => 100,
            _ => 1,
        }
    }
}

text_enum!(
    /// Who a scorecard is for.
    UnitKind { Village = "village", Department = "department" }
);

impl Metric {
    pub fn direction(self) -> Direction {
        use Metric::*;
        match self {
            LargerAccidents | LateReports | DisasterDeaths | MonitoredSiteDeaths
            | ForestFireRate => Direction::AtMost,
            _ => Direction::AtLeast,
        }
    }

    pub fn unit(self) -> Unit {
        use Metric::*;
        match self {
            ForestFireRate => Unit::PerMille,
            GuardrailMetres => Unit::Metres,
            LargerAccidents | LateReports | DisasterDeaths | MonitoredSiteDeaths
            | OutreachActivities | StandardisationMet => Unit::Count,
            _ => Unit::Percent,
        }
    }

    /// The goal the settings form offers for a measure not yet in use: none of what must not
    /// happen, all of a share, and for the counts the plan's own (ten activities, eight aspects).
    pub fn suggested_goal(self) -> Milli {
        match (self.direction(), self.unit()) {
            (Direction::AtMost, _) => Milli(0),
            (_, Unit::Percent) => Milli(100_000),
            (_, Unit::Metres) => Milli(5_000_000),
            _ if self == Metric::StandardisationMet => Milli(8_000),
            _ => Milli(10_000),
        }
    }

    /// Whether the measure can be taken for one village, or for one department (over the
    /// enterprises of the industries it supervises and the plan tasks it leads).
    pub fn applies_to(self, kind: UnitKind) -> bool {
        use Metric::*;
        match kind {
            UnitKind::Village => matches!(
                self,
                LargerAccidents
                    | LateReports
                    | DisasterDeaths
                    | MonitoredSiteDeaths
                    | ForestFireRate
                    | FiveGuaranteeRate
                    | HazardClosureRate
                    | InspectionCompletionRate
                    | OutreachActivities
            ),
            UnitKind::Department => matches!(
                self,
                LargerAccidents
                    | LateReports
                    | HazardClosureRate
                    | InspectionCompletionRate
                    | PlanTasksOnTime
            ),
        }
    }
}

/// A measure as counted: a whole number, or a fraction (`den` 0 when there is nothing to count,
/// e.g. no forest in a village).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    Count(i64),
    Ratio { num: i64, den: i64 },
}

impl Measure {
    /// The figure as written in `unit` (‰ to three decimals, % to one); `None` for a fraction
    /// of nothing.
    pub fn text(self, unit: Unit) -> Option<String> {
        let places = if unit == Unit::PerMille { 3 } else { 1 };
        match self {
            Measure::Count(n) => Some(n.to_string()),
            Measure::Ratio { den: 0, .. } => None,
            Measure::Ratio { num, den } => {
                let v = num as f64 * unit.factor() as f64 / den as f64;
                Some(format!("{v:.places$}"))
            }
        }
    }

    /// The figure scaled by 1000 in thousandths of `unit`, as a fraction (value ≥ 0).
    fn thousandths(self, unit: Unit) -> Option<(i128, i128)> {
        match self {
            Measure::Count(n) => Some((n as i128 * 1000, 1)),
            Measure::Ratio { den: 0, .. } => None,
            Measure::Ratio { num, den } => Some((num as i128 * unit.factor() * 1000, den as i128)),
        }
    }
}

/// A goal or margin in thousandths of its unit ("0.3" ‰ is 300, "5000" m is 5 000 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Milli(pub i64);

impl Milli {
    /// Decimal text with at most three places, not negative.
    pub fn parse(s: &str) -> Option<Milli> {
        let s = s.trim();
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 3
            || whole.len() > 12
        {
            return None;
        }
        let w: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().ok()?
        };
        let f: i64 = format!("{frac:0<3}").parse().ok()?;
        Some(Milli(w * 1000 + f))
    }

    pub fn text(self) -> String {
        let (w, f) = (self.0 / 1000, self.0 % 1000);
        if f == 0 {
            w.to_string()
        } else {
            format!("{w}.{f:03}").trim_end_matches('0').to_string()
        }
    }
}

text_enum!(
    /// The colour a target stands at. A fraction of nothing (no forest, no affected household)
    /// has nothing that could fail: it shows as no data and scores as met.
    Status { Green = "green", Amber = "amber", Red = "red", NoData = "no_data" }
);

/// Where a measure stands against a goal, with a margin inside which a miss is amber.
pub fn status(metric: Metric, m: Measure, goal: Milli, amber: Milli) -> Status {
    let Some((num, den)) = m.thousandths(metric.unit()) else {
        return Status::NoData;
    };
    // value = num / den (thousandths); compare num ≤ goal × den without dividing.
    let at = |limit: i128| match metric.direction() {
        Direction::AtMost => num <= limit * den,
        Direction::AtLeast => num >= limit * den,
    };
    let g = goal.0 as i128;
    let a = amber.0 as i128;
    if at(g) {
        Status::Green
    } else if a > 0
        && at(match metric.direction() {
            Direction::AtMost => g + a,
            Direction::AtLeast => g - a,
        })
    {
        Status::Amber
    } else {
        Status::Red
    }
}

/// One target the town sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetDef {
    pub metric: Metric,
    pub goal: Milli,
    pub amber: Milli,
    pub village_weight: i64,
    pub department_weight: i64,
    /// Missing it (red) fails the whole assessment of the unit, whatever the score.
    pub veto: bool,
}

/// The town's targets and the total the weights of each scorecard add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetConfig {
    pub weight_total: i64,
    pub targets: Vec<TargetDef>,
}

impl TargetConfig {
    /// The work plan's targets for `year`: no 较大 accident (veto), no accident reported late
    /// (veto), deaths at monitored sites none (veto), the fire damage rate within 0.3‰, the
    /// qualified share of task 7, 5 km of guardrail (task 9), 五有 at 100% (task 20), and the
    /// dual-prevention rates.
    pub fn defaults(year: i32) -> TargetConfig {
        let t = |metric, goal: i64, amber: i64, vw, dw, veto| TargetDef {
            metric,
            goal: Milli(goal),
            amber: Milli(amber),
            village_weight: vw,
            department_weight: dw,
            veto,
        };
        use Metric::*;
        TargetConfig {
            weight_total: 100,
            targets: vec![
                t(LargerAccidents, 0, 0, 15, 20, true),
                t(LateReports, 0, 0, 10, 10, true),
                t(DisasterDeaths, 0, 0, 10, 0, false),
                t(MonitoredSiteDeaths, 0, 0, 15, 0, true),
                t(ForestFireRate, 300, 100, 15, 0, false),
                t(
                    StaffQualifiedShare,
                    crate::training::qualified_share_goal(year) * 1000,
                    5000,
                    0,
                    0,
                    false,
                ),
                t(GuardrailMetres, 5_000_000, 1_000_000, 0, 0, false),
                t(FiveGuaranteeRate, 100_000, 0, 10, 0, false),
                t(HazardClosureRate, 95_000, 10_000, 10, 25, false),
                t(InspectionCompletionRate, 100_000, 10_000, 15, 25, false),
                t(PlanTasksOnTime, 100_000, 20_000, 0, 20, false),
            ],
        }
    }

    pub fn get(&self, m: Metric) -> Option<&TargetDef> {
        self.targets.iter().find(|t| t.metric == m)
    }

    /// The sum of the weights of the targets that apply to a kind of unit.
    pub fn weight_sum(&self, kind: UnitKind) -> i64 {
        self.targets
            .iter()
            .filter(|t| t.metric.applies_to(kind))
            .map(|t| match kind {
                UnitKind::Village => t.village_weight,
                UnitKind::Department => t.department_weight,
            })
            .sum()
    }
}

/// The targets as typed in the settings form: one entry per metric of the catalogue, in
/// [`Metric::ALL`] order, and the metrics ticked as used and as vetoing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TargetConfigInput {
    pub weight_total: String,
    pub metric: Vec<String>,
    pub goal: Vec<String>,
    pub amber: Vec<String>,
    pub village_weight: Vec<String>,
    pub department_weight: Vec<String>,
    /// Metric codes in use.
    pub enabled: Vec<String>,
    /// Metric codes whose miss vetoes.
    pub veto: Vec<String>,
}

impl TargetConfigInput {
    /// The form's fields for a config, to show it again.
    pub fn of(c: &TargetConfig) -> TargetConfigInput {
        let mut i = TargetConfigInput {
            weight_total: c.weight_total.to_string(),
            ..Default::default()
        };
        for m in Metric::ALL {
            let t = c.get(*m);
            i.metric.push(m.as_str().into());
            i.goal.push(t.map_or(m.suggested_goal(), |t| t.goal).text());
            i.amber.push(t.map(|t| t.amber.text()).unwrap_or_default());
            i.village_weight
                .push(t.map_or(0, |t| t.village_weight).to_string());
            i.department_weight
                .push(t.map_or(0, |t| t.department_weight).to_string());
            if t.is_some() {
                i.enabled.push(m.as_str().into());
            }
            if t.is_some_and(|t| t.veto) {
                i.veto.push(m.as_str().into());
            }
        }
        i
    }

    /// Every bad entry is named by its metric (`target.forest_fire_rate`); weights that do not
    /// add up to the total are named by the scorecard they belong to.
    pub fn validate(&self) -> Result<TargetConfig, Invalid> {
        let mut errs = Invalid::default();
        let weight_total = match self.weight_total.trim().parse::<i64>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => {
                errs.push("weight_total", "number.invalid");
                0
            }
        };
        let mut targets = Vec::new();
        for (i, code) in self.metric.iter().enumerate() {
            let Some(metric) = Metric::parse(code.trim()) else {
                errs.push(format!("metric.{}", i + 1), "choice");
                continue;
            };
            if !self.enabled.iter().any(|e| e == code) {
                continue;
            }
            if targets.iter().any(|t: &TargetDef| t.metric == metric) {
                errs.push(format!("target.{code}"), "target.duplicate");
                continue;
            }
            let field = format!("target.{code}");
            let cell = |v: &Vec<String>| v.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
            let goal = Milli::parse(&cell(&self.goal));
            if goal.is_none() {
                errs.push(field.clone(), "target.goal_form");
            }
            let amber = match cell(&self.amber).as_str() {
                "" => Some(Milli(0)),
                v => Milli::parse(v),
            };
            if amber.is_none() {
                errs.push(field.clone(), "target.amber_form");
            }
            let weight = |v: &Vec<String>| match cell(v).as_str() {
                "" => Some(0),
                v => v.parse::<i64>().ok().filter(|n| (0..=1000).contains(n)),
            };
            let (vw, dw) = (
                weight(&self.village_weight),
                weight(&self.department_weight),
            );
            if vw.is_none() || dw.is_none() {
                errs.push(field.clone(), "target.weight_form");
            }
            if let (Some(goal), Some(amber), Some(vw), Some(dw)) = (goal, amber, vw, dw) {
                targets.push(TargetDef {
                    metric,
                    goal,
                    amber,
                    village_weight: if metric.applies_to(UnitKind::Village) {
                        vw
                    } else {
                        0
                    },
                    department_weight: if metric.applies_to(UnitKind::Department) {
                        dw
                    } else {
                        0
                    },
                    veto: self.veto.iter().any(|v| v == code),
                });
            }
        }
        let config = TargetConfig {
            weight_total,
            targets,
        };
        if errs.is_empty() {
            for (kind, field) in [
                (UnitKind::Village, "village_weights"),
                (UnitKind::Department, "department_weights"),
            ] {
                if config.weight_sum(kind) != weight_total {
                    errs.push(field, "target.weights_sum");
                }
            }
        }
        errs.into_result()?;
        Ok(config)
    }
}

/// One line of a scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Line {
    pub metric: Metric,
    pub measure: Measure,
    pub status: Status,
    pub weight: i64,
    /// Points scored, in halves (amber scores half the weight).
    pub half_points: i64,
    pub veto: bool,
}

/// A unit's assessment: its lines, its score out of the total, and whether a veto target was
/// missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    pub lines: Vec<Line>,
    /// Score in halves of a point.
    pub half_points: i64,
    pub total: i64,
    pub vetoed: bool,
}

impl Scorecard {
    /// The score as written, e.g. `87.5`.
    pub fn score_text(&self) -> String {
        if self.half_points % 2 == 0 {
            (self.half_points / 2).to_string()
        } else {
            format!("{}.5", self.half_points / 2)
        }
    }
}

/// Scores a unit from its measures (those missing are left off): green scores the weight, amber
/// half of it, red nothing; no data scores the weight. A red veto target vetoes.
pub fn score(
    config: &TargetConfig,
    kind: UnitKind,
    measure: impl Fn(Metric) -> Option<Measure>,
) -> Scorecard {
    let mut lines = Vec::new();
    for t in config.targets.iter().filter(|t| t.metric.applies_to(kind)) {
        let Some(m) = measure(t.metric) else { continue };
        let weight = match kind {
            UnitKind::Village => t.village_weight,
            UnitKind::Department => t.department_weight,
        };
        let st = status(t.metric, m, t.goal, t.amber);
        let half_points = match st {
            Status::Green | Status::NoData => weight * 2,
            Status::Amber => weight,
            Status::Red => 0,
        };
        lines.push(Line {
            metric: t.metric,
            measure: m,
            status: st,
            weight,
            half_points,
            veto: t.veto,
        });
    }
    Scorecard {
        half_points: lines.iter().map(|l| l.half_points).sum(),
        vetoed: lines.iter().any(|l| l.veto && l.status == Status::Red),
        total: config.weight_total,
        lines,
    }
}

/// Forest fire damage rate as a fraction: burned square metres over forest square metres.
pub fn fire_rate(burned_m2: i64, forest_m2: i64) -> Measure {
    Measure::Ratio {
        num: burned_m2,
        den: forest_m2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fire_rate_is_met_at_exactly_0_3_per_mille_and_not_a_square_metre_above() {
        // 1 000 ha of forest: 0.3‰ is 0.3 ha, 3 000 m².
        let forest = 1_000 * 10_000;
        let goal = Milli::parse("0.3").unwrap();
        let f = Metric::ForestFireRate;
        assert_eq!(
            status(f, fire_rate(3_000, forest), goal, Milli(0)),
            Status::Green
        );
        assert_eq!(
            status(f, fire_rate(3_001, forest), goal, Milli(0)),
            Status::Red
        );
        assert_eq!(status(f, fire_rate(0, 0), goal, Milli(0)), Status::NoData);
        let amber = Milli::parse("0.1").unwrap();
        assert_eq!(
            status(f, fire_rate(4_000, forest), goal, amber),
            Status::Amber
        );
        assert_eq!(
            status(f, fire_rate(4_001, forest), goal, amber),
            Status::Red
        );
        assert_eq!(
            fire_rate(3_000, forest).text(Unit::PerMille).unwrap(),
            "0.300"
        );
    }

    #[test]
    fn counts_and_shares_meet_their_goals_exactly() {
        let g = |s| Milli::parse(s).unwrap();
        let acc = Metric::LargerAccidents;
        assert_eq!(
            status(acc, Measure::Count(0), g("0"), Milli(0)),
            Status::Green
        );
        assert_eq!(
            status(acc, Measure::Count(1), g("0"), Milli(0)),
            Status::Red
        );
        let share = Metric::StaffQualifiedShare;
        // 3 of 5 is 60%: met; 2 of 5 is not, within a 20-point margin it is amber.
        let r = |num, den| Measure::Ratio { num, den };
        assert_eq!(status(share, r(3, 5), g("60"), Milli(0)), Status::Green);
        assert_eq!(status(share, r(2, 5), g("60"), Milli(0)), Status::Red);
        assert_eq!(status(share, r(2, 5), g("60"), g("20")), Status::Amber);
        let rail = Metric::GuardrailMetres;
        assert_eq!(
            status(rail, Measure::Count(5_000), g("5000"), Milli(0)),
            Status::Green
        );
        assert_eq!(
            status(rail, Measure::Count(4_999), g("5000"), Milli(0)),
            Status::Red
        );
    }

    #[test]
    fn milli_reads_at_most_three_places() {
        assert_eq!(Milli::parse("0.3"), Some(Milli(300)));
        assert_eq!(Milli::parse("5000"), Some(Milli(5_000_000)));
        assert_eq!(Milli::parse(".5"), Some(Milli(500)));
        assert_eq!(Milli::parse("0.0005"), None);
        assert_eq!(Milli::parse("-1"), None);
        assert_eq!(Milli::parse("abc"), None);
        assert_eq!(Milli::parse(""), None);
        assert_eq!(Milli(300).text(), "0.3");
        assert_eq!(Milli(75_000).text(), "75");
    }

    #[test]
    fn the_defaults_add_up_and_weights_that_do_not_are_named() {
        let c = TargetConfig::defaults(2021);
        assert_eq!(c.weight_sum(UnitKind::Village), 100);
        assert_eq!(c.weight_sum(UnitKind::Department), 100);
        let mut i = TargetConfigInput::of(&c);
        assert_eq!(i.validate().unwrap(), c);
        let k = Metric::ALL
            .iter()
            .position(|m| *m == Metric::ForestFireRate)
            .unwrap();
        i.village_weight[k] = "5".into();
        let e = i.validate().unwrap_err();
        assert_eq!(e.errors[0].field, "village_weights");
        assert_eq!(e.errors[0].code, "target.weights_sum");
        i.village_weight[k] = "15".into();
        i.goal[k] = "0,3".into();
        let e = i.validate().unwrap_err();
        assert_eq!(
            (e.errors[0].field.as_str(), e.errors[0].code.as_str()),
            ("target.forest_fire_rate", "target.goal_form")
        );
    }

    #[test]
    fn a_red_veto_target_vetoes_whatever_the_score() {
        let c = TargetConfig::defaults(2021);
        let ok = |m: Metric| {
            Some(match m.unit() {
                Unit::Count | Unit::Metres => Measure::Count(0),
                Unit::PerMille => Measure::Ratio { num: 0, den: 1 },
                Unit::Percent => Measure::Ratio { num: 1, den: 1 },
            })
        };
        let s = score(&c, UnitKind::Village, ok);
        assert_eq!((s.score_text().as_str(), s.vetoed), ("100", false));
        let s = score(&c, UnitKind::Village, |m| {
            if m == Metric::LargerAccidents {
                Some(Measure::Count(1))
            } else {
                ok(m)
            }
        });
        assert_eq!((s.score_text().as_str(), s.vetoed), ("85", true));
        // Amber scores half: hazard closure at 90% against 95% with a 10-point margin.
        let s = score(&c, UnitKind::Department, |m| {
            if m == Metric::HazardClosureRate {
                Some(Measure::Ratio { num: 9, den: 10 })
            } else {
                ok(m)
            }
        });
        assert_eq!((s.score_text().as_str(), s.vetoed), ("87.5", false));
    }
}
