//! Incidents (事故、灾害、火灾、地灾险情) as one record type: production safety accidents graded by
//! Decree 493, forest fires by the Forest Fire Prevention Regulations, geological hazard events by
//! the national emergency plan for sudden geological disasters, and natural disasters, which have
//! no grade of their own (their response level is the relief plan's). The grade follows the
//! casualty figures, and within the window after the event (30 days; 7 for road traffic and
//! fire) only ever goes up; the statutory reports each have a clock.
//!
//! Boundaries follow the regulations' words: "以上" includes the number, "以下" excludes it, and
//! the highest grade any one criterion reaches is the grade.

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::error::{optional_reference, optional_text, required_text};
use crate::hazard::parse_yuan;
use crate::local_time;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

text_enum!(
    /// What happened.
    IncidentKind {
        /// 生产安全事故 (Decree 493).
        ProductionAccident = "production_accident",
        /// 道路交通事故: graded as an accident, its late casualties count for 7 days.
        RoadTraffic = "road_traffic",
        /// 火灾事故 (buildings, not forest): graded as an accident, 7 days.
        Fire = "fire",
        /// 森林火灾.
        ForestFire = "forest_fire",
        /// 地质灾害灾情/险情 (landslide, collapse, debris flow).
        GeoHazard = "geo_hazard",
        /// 自然灾害 (flood, rainstorm, drought, …): reported by the statistics system.
        NaturalDisaster = "natural_disaster",
    }
);

/// Whether the town learned of an accident later than the hour in which the unit must report it
/// (Decree 493 Art. 9: the unit's principal reports within one hour): 迟报 or 瞒报 by the unit.
pub fn unit_reported_late(occurred_at: DateTime<Utc>, known_at: DateTime<Utc>) -> bool {
    known_at - occurred_at > Duration::hours(1)
}

text_enum!(
    /// The four grades, lowest first: 一般, 较大, 重大, 特别重大 (for a geological hazard event
    /// 小型, 中型, 大型, 特大型).
    Grade {
        General = "general",
        Larger = "larger",
        Major = "major",
        EspeciallyMajor = "especially_major",
    }
);

impl Grade {
    fn rank(self) -> u8 {
        match self {
            Grade::General => 0,
            Grade::Larger => 1,
            Grade::Major => 2,
            Grade::EspeciallyMajor => 3,
        }
    }

    fn of_rank(r: u8) -> Grade {
        match r {
            0 => Grade::General,
            1 => Grade::Larger,
            2 => Grade::Major,
            _ => Grade::EspeciallyMajor,
        }
    }

    /// From 较大 up: the plan's target "no accident of grade 较大 or above" is broken.
    pub fn is_larger_or_above(self) -> bool {
        self.rank() >= 1
    }
}

impl PartialOrd for Grade {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Grade {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl IncidentKind {
    /// Casualties that come to light later count towards the grade for this long after the
    /// event (Decree 493 Art. 13).
    pub fn window(self) -> Duration {
        match self {
            IncidentKind::RoadTraffic | IncidentKind::Fire => Duration::days(7),
            _ => Duration::days(30),
        }
    }

    /// Counted by the natural disaster statistics system, with its ledgers (everything but an
    /// accident, which is reported by Decree 493 instead).
    pub fn keeps_statistics(self) -> bool {
        !self.is_accident()
    }

    /// Graded by Decree 493 (production accidents, road traffic, fire).
    pub fn is_accident(self) -> bool {
        matches!(
            self,
            IncidentKind::ProductionAccident | IncidentKind::RoadTraffic | IncidentKind::Fire
        )
    }
}

/// The figures a grade is computed from (and the disaster statistics' main counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub deaths: i64,
    pub missing: i64,
    /// 重伤, acute industrial poisoning included.
    pub serious_injuries: i64,
    /// 直接经济损失, in fen.
    pub direct_loss_fen: i64,
    /// Burned forest, in square metres (1 ha = 10 000 m²).
    pub burned_m2: i64,
}

/// 万元 in fen.
const WAN: i64 = 10_000 * 100;
use crate::disaster::HECTARE;

/// The grade a criterion reaches: the index of the highest threshold `v` is at or above
/// (thresholds lowest grade first, the first being 较大's).
fn reach(v: i64, larger: i64, major: i64, especially: i64) -> u8 {
    if v >= especially {
        3
    } else if v >= major {
        2
    } else if v >= larger {
        1
    } else {
        0
    }
}

/// The grade the figures give, by kind; `None` for a natural disaster (not graded this way).
/// Missing people count as dead once `missing_count_as_dead` (the window has passed, rules.md
/// §1.3).
pub fn grade_of(kind: IncidentKind, f: &Figures, missing_count_as_dead: bool) -> Option<Grade> {
    let dead = f.deaths + if missing_count_as_dead { f.missing } else { 0 };
    let r = match kind {
        // Decree 493 Art. 3: deaths 3/10/30, serious injuries 10/50/100, loss 1000万/5000万/1亿.
        k if k.is_accident() => reach(dead, 3, 10, 30)
            .max(reach(f.serious_injuries, 10, 50, 100))
            .max(reach(
                f.direct_loss_fen,
                1_000 * WAN,
                5_000 * WAN,
                10_000 * WAN,
            )),
        // 森林防火条例 Art. 40: burned forest 1/100/1000 ha, deaths 3/10/30, serious injuries
        // 10/50/100; any forest fire is at least 一般.
        IncidentKind::ForestFire => reach(f.burned_m2, HECTARE, 100 * HECTARE, 1_000 * HECTARE)
            .max(reach(dead, 3, 10, 30))
            .max(reach(f.serious_injuries, 10, 50, 100)),
        // 国家突发地质灾害应急预案 (2006) 4.1: deaths 3/10/30, direct loss 100万/500万/1000万
        // (小型, 中型, 大型, 特大型).
        IncidentKind::GeoHazard => {
            reach(dead, 3, 10, 30).max(reach(f.direct_loss_fen, 100 * WAN, 500 * WAN, 1_000 * WAN))
        }
        _ => return None,
    };
    Some(Grade::of_rank(r))
}

/// The grade after the figures change at `now`: within the kind's window after `occurred_at`
/// it rises with them and never falls; after the window it stays as it was (a death on day 10
/// of a road accident does not change its grade), except that an incident not graded yet is.
pub fn regrade(
    kind: IncidentKind,
    current: Option<Grade>,
    f: &Figures,
    occurred_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Grade> {
    let within = now <= occurred_at + kind.window();
    let computed = grade_of(kind, f, !within);
    match (current, computed) {
        (Some(c), Some(n)) if within => Some(c.max(n)),
        (Some(c), _) => Some(c),
        (None, n) => n,
    }
}

text_enum!(
    /// A report the town owes upward.
    ReportStage {
        /// An accident's report to the county (Decree 493 Art. 9: within 1 hour).
        Accident = "accident",
        /// A disaster's initial report (初报, within 2 hours).
        Initial = "initial",
        /// A follow-up (续报), daily while the incident is open.
        Update = "update",
        /// The final, verified report (核报) after the incident ends.
        Final = "final",
    }
);

/// The reporting clocks (configuration; defaults of rules.md §1.2 and §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportClocks {
    pub accident_minutes: i64,
    pub initial_minutes: i64,
    /// Hours between follow-ups while open.
    pub update_hours: i64,
    /// Days after the end the final report is due.
    pub final_days: i64,
}

impl Default for ReportClocks {
    fn default() -> Self {
        ReportClocks {
            accident_minutes: 60,
            initial_minutes: 120,
            update_hours: 24,
            final_days: 2,
        }
    }
}

impl ReportClocks {
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut errs = Invalid::default();
        for (f, v, max) in [
            ("accident_minutes", self.accident_minutes, 24 * 60),
            ("initial_minutes", self.initial_minutes, 24 * 60),
            ("update_hours", self.update_hours, 24 * 7),
            ("final_days", self.final_days, 60),
        ] {
            if !(1..=max).contains(&v) {
                errs.push(f, "number.range");
            }
        }
        errs.into_result()
    }

    /// The first report an incident owes and when: an accident's within the hour, a disaster's
    /// (forest fire and geological event included) initial report within two, from when the
    /// town learned of it.
    pub fn first(
        &self,
        kind: IncidentKind,
        known_at: DateTime<Utc>,
    ) -> (ReportStage, DateTime<Utc>) {
        if kind.is_accident() {
            (
                ReportStage::Accident,
                known_at + Duration::minutes(self.accident_minutes),
            )
        } else {
            (
                ReportStage::Initial,
                known_at + Duration::minutes(self.initial_minutes),
            )
        }
    }

    /// The next report due after the reports made so far (`made`: stage and time, in order),
    /// or none when the final one is in; `ended_at` when the incident has ended.
    pub fn next_due(
        &self,
        kind: IncidentKind,
        known_at: DateTime<Utc>,
        made: &[(ReportStage, DateTime<Utc>)],
        ended_at: Option<DateTime<Utc>>,
    ) -> Option<(ReportStage, DateTime<Utc>)> {
        if made.iter().any(|(s, _)| *s == ReportStage::Final) {
            return None;
        }
        let first = self.first(kind, known_at);
        if !made.iter().any(|(s, _)| *s == first.0) {
            return Some(first);
        }
        if let Some(end) = ended_at {
            return Some((ReportStage::Final, end + Duration::days(self.final_days)));
        }
        let last = made.iter().map(|(_, t)| *t).max().unwrap_or(known_at);
        Some((
            ReportStage::Update,
            last + Duration::hours(self.update_hours),
        ))
    }
}

/// An incident as typed in the form or the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IncidentInput {
    pub kind: String,
    /// What it is called (石坝村3号滑坡险情).
    pub name: String,
    /// Beijing time as typed, or RFC 3339.
    pub occurred_at: String,
    /// When the town learned of it; blank is now.
    pub known_at: String,
    pub region_id: String,
    pub place: String,
    /// What happened (经过).
    pub course: String,
    /// The enterprise an accident happened at, if any.
    pub enterprise_id: String,
    /// The monitored object (a disaster site, a reservoir) it happened at, if any.
    pub object_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentDraft {
    pub kind: IncidentKind,
    pub name: String,
    pub occurred_at: DateTime<Utc>,
    pub known_at: DateTime<Utc>,
    pub region_id: i64,
    pub place: Option<String>,
    pub course: Option<String>,
    pub enterprise_id: Option<i64>,
    pub object_id: Option<i64>,
}

impl IncidentInput {
    pub fn validate(&self, now: DateTime<Utc>) -> Result<IncidentDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = IncidentKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push(
                "kind",
                if self.kind.trim().is_empty() {
                    "required"
                } else {
                    "choice"
                },
            );
        }
        let name = required_text(&mut errs, "name", &self.name, 100);
        let mut time = |field: &str, v: &str, blank: Option<DateTime<Utc>>| match v.trim() {
            "" => {
                if blank.is_none() {
                    errs.push(field, "required");
                }
                blank
            }
            v => match local_time::parse(v) {
                // An event cannot be learned of before it happened, nor happen in the future.
                Some(t) if t > now + Duration::minutes(5) => {
                    errs.push(field, "time.future");
                    None
                }
                Some(t) => Some(t),
                None => {
                    errs.push(field, "time.invalid");
                    None
                }
            },
        };
        let occurred_at = time("occurred_at", &self.occurred_at, None);
        let known_at = time("known_at", &self.known_at, Some(now));
        if let (Some(o), Some(k)) = (occurred_at, known_at)
            && k < o
        {
            errs.push("known_at", "incident.known_before");
        }
        let region_id = match self.region_id.trim().parse::<i64>() {
            Ok(id) if id > 0 => id,
            _ => {
                errs.push("region_id", "not_a_reference");
                0
            }
        };
        let place = optional_text(&mut errs, "place", Some(&self.place), 200);
        let course = optional_text(&mut errs, "course", Some(&self.course), 4000);
        let enterprise_id = optional_reference(&mut errs, "enterprise_id", &self.enterprise_id);
        let object_id = optional_reference(&mut errs, "object_id", &self.object_id);
        errs.into_result()?;
        let (Some(kind), Some(occurred_at), Some(known_at)) = (kind, occurred_at, known_at) else {
            return Err(Invalid::one("kind", "required"));
        };
        Ok(IncidentDraft {
            kind,
            name,
            occurred_at,
            known_at,
            region_id,
            place,
            course,
            enterprise_id,
            object_id,
        })
    }
}

/// A grade set by hand, as typed: the grade and, when it is not the one the figures give, the
/// written reason.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GradeInput {
    pub grade: String,
    pub reason: String,
}

impl GradeInput {
    /// The grade to set and its reason. A natural disaster has no grade of this kind; a grade
    /// other than the figures' needs its reason written.
    pub fn validate(
        &self,
        kind: IncidentKind,
        f: &Figures,
    ) -> Result<(Grade, Option<String>), Invalid> {
        let mut errs = Invalid::default();
        let Some(computed) = grade_of(kind, f, false) else {
            return Err(Invalid::one("grade", "incident.not_graded"));
        };
        let grade = Grade::parse(self.grade.trim());
        if grade.is_none() {
            errs.push("grade", "choice");
        }
        let reason = optional_text(&mut errs, "reason", Some(&self.reason), 1000);
        if grade.is_some_and(|g| g != computed) && reason.is_none() {
            errs.push("reason", "incident.grade_reason");
        }
        errs.into_result()?;
        Ok((grade.unwrap_or(computed), reason))
    }
}

/// A warning or a hazard to link to an incident, as typed: exactly one of the two.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkInput {
    pub warning_id: String,
    pub hazard_id: String,
}

/// What a link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Link {
    Warning(i64),
    Hazard(i64),
}

impl Link {
    pub fn kind(self) -> &'static str {
        match self {
            Link::Warning(_) => "warning",
            Link::Hazard(_) => "hazard",
        }
    }
}

impl LinkInput {
    pub fn validate(&self) -> Result<Link, Invalid> {
        let id = |field: &str, v: &str| -> Result<Option<i64>, Invalid> {
            match v.trim().trim_start_matches('#') {
                "" => Ok(None),
                v => match v.parse::<i64>() {
                    Ok(n) if n > 0 => Ok(Some(n)),
                    _ => Err(Invalid::one(field, "not_a_reference")),
                },
            }
        };
        match (
            id("warning_id", &self.warning_id)?,
            id("hazard_id", &self.hazard_id)?,
        ) {
            (Some(w), None) => Ok(Link::Warning(w)),
            (None, Some(h)) => Ok(Link::Hazard(h)),
            _ => Err(Invalid::one("hazard_id", "incident.link_one")),
        }
    }
}

/// A report made upward, as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportInput {
    pub stage: String,
    /// When it was sent; blank is now.
    pub reported_at: String,
    /// What was reported (Decree 493 Art. 12: the unit, time and place, course, casualties and
    /// loss, measures taken).
    pub summary: String,
}

/// Whether `stage` may be reported now, after the stages `made`: the first report is the
/// kind's own (an accident report for an accident, an initial report for a disaster) and is made
/// once; follow-ups and the final report come after it; the final one needs the incident ended
/// and closes the reporting.
pub fn check_stage(
    kind: IncidentKind,
    made: &[ReportStage],
    stage: ReportStage,
    ended: bool,
) -> Result<(), &'static str> {
    let first = if kind.is_accident() {
        ReportStage::Accident
    } else {
        ReportStage::Initial
    };
    if made.contains(&ReportStage::Final) {
        return Err("incident.reporting_closed");
    }
    match stage {
        ReportStage::Accident | ReportStage::Initial if stage != first => {
            Err("incident.stage_kind")
        }
        s if s == first && made.contains(&first) => Err("incident.report_twice"),
        s if s != first && !made.contains(&first) => Err("incident.report_order"),
        ReportStage::Final if !ended => Err("incident.final_before_end"),
        _ => Ok(()),
    }
}

impl ReportInput {
    /// Checks a report against the kind of incident and the reports made so far.
    pub fn validate(
        &self,
        now: DateTime<Utc>,
        kind: IncidentKind,
        made: &[ReportStage],
        ended: bool,
    ) -> Result<(ReportStage, DateTime<Utc>, String), Invalid> {
        let mut errs = Invalid::default();
        let stage = ReportStage::parse(self.stage.trim());
        match stage {
            None => errs.push("stage", "choice"),
            Some(s) => {
                if let Err(code) = check_stage(kind, made, s, ended) {
                    errs.push("stage", code);
                }
            }
        }
        let at = match self.reported_at.trim() {
            "" => Some(now),
            v => match local_time::parse(v) {
                Some(t) if t <= now + Duration::minutes(5) => Some(t),
                Some(_) => {
                    errs.push("reported_at", "time.future");
                    None
                }
                None => {
                    errs.push("reported_at", "time.invalid");
                    None
                }
            },
        };
        let summary = required_text(&mut errs, "summary", &self.summary, 4000);
        errs.into_result()?;
        match (stage, at) {
            (Some(s), Some(t)) => Ok((s, t, summary)),
            _ => Err(Invalid::one("stage", "choice")),
        }
    }
}

/// The figures as typed: counts, the loss in yuan, the burned forest in hectares.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FiguresInput {
    pub deaths: String,
    pub missing: String,
    pub serious_injuries: String,
    pub direct_loss_yuan: String,
    pub burned_hectares: String,
}

impl FiguresInput {
    pub fn validate(&self) -> Result<Figures, Invalid> {
        let mut errs = Invalid::default();
        let mut count = |field: &str, v: &str| match v.trim() {
            "" => 0,
            v => match v.parse::<i64>() {
                Ok(n) if (0..=1_000_000).contains(&n) => n,
                _ => {
                    errs.push(field, "number.range");
                    0
                }
            },
        };
        let deaths = count("deaths", &self.deaths);
        let missing = count("missing", &self.missing);
        let serious_injuries = count("serious_injuries", &self.serious_injuries);
        let direct_loss_fen = match self.direct_loss_yuan.trim() {
            "" => 0,
            v => parse_yuan(v).unwrap_or_else(|| {
                errs.push("direct_loss_yuan", "money.form");
                0
            }),
        };
        // Hectares to square metres, to four decimals (one square metre).
        let burned_m2 = match self.burned_hectares.trim() {
            "" => 0,
            v => crate::disaster::parse_hectares(v).unwrap_or_else(|| {
                errs.push("burned_hectares", "number.range");
                0
            }),
        };
        errs.into_result()?;
        Ok(Figures {
            deaths,
            missing,
            serious_injuries,
            direct_loss_fen,
            burned_m2,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(deaths: i64, serious_injuries: i64, loss_wan: i64) -> Figures {
        Figures {
            deaths,
            serious_injuries,
            direct_loss_fen: loss_wan * WAN,
            ..Figures::default()
        }
    }

    fn g(kind: IncidentKind, fig: Figures) -> Grade {
        grade_of(kind, &fig, false).unwrap()
    }

    #[test]
    fn accident_grades_at_every_boundary_of_decree_493() {
        use Grade::*;
        let k = IncidentKind::ProductionAccident;
        // Deaths: 3 以上 includes 3, 10 以下 excludes 10.
        for (d, want) in [
            (0, General),
            (2, General),
            (3, Larger),
            (9, Larger),
            (10, Major),
            (29, Major),
            (30, EspeciallyMajor),
        ] {
            assert_eq!(g(k, f(d, 0, 0)), want, "{d} deaths");
        }
        for (s, want) in [
            (9, General),
            (10, Larger),
            (49, Larger),
            (50, Major),
            (99, Major),
            (100, EspeciallyMajor),
        ] {
            assert_eq!(g(k, f(0, s, 0)), want, "{s} serious injuries");
        }
        // Loss in fen, one fen either side of each boundary.
        for (fen, want) in [
            (1_000 * WAN - 1, General),
            (1_000 * WAN, Larger),
            (5_000 * WAN - 1, Larger),
            (5_000 * WAN, Major),
            (10_000 * WAN - 1, Major),
            (10_000 * WAN, EspeciallyMajor),
        ] {
            let fig = Figures {
                direct_loss_fen: fen,
                ..Figures::default()
            };
            assert_eq!(g(k, fig), want, "{fen} fen");
        }
        // The highest criterion wins.
        assert_eq!(g(k, f(1, 55, 1_200)), Major);
        assert_eq!(g(IncidentKind::RoadTraffic, f(3, 0, 0)), Larger);
        assert_eq!(g(IncidentKind::Fire, f(0, 0, 5_000)), Major);
        // Missing count once they are taken as dead.
        let m = Figures {
            deaths: 2,
            missing: 1,
            ..Figures::default()
        };
        assert_eq!(grade_of(k, &m, false), Some(General));
        assert_eq!(grade_of(k, &m, true), Some(Larger));
    }

    #[test]
    fn forest_fire_grades_by_area_deaths_and_injuries() {
        use Grade::*;
        let k = IncidentKind::ForestFire;
        let area = |m2| Figures {
            burned_m2: m2,
            ..Figures::default()
        };
        for (m2, want) in [
            (0, General),
            (HECTARE - 1, General),
            (HECTARE, Larger),
            (100 * HECTARE - 1, Larger),
            (100 * HECTARE, Major),
            (1_000 * HECTARE - 1, Major),
            (1_000 * HECTARE, EspeciallyMajor),
        ] {
            assert_eq!(g(k, area(m2)), want, "{m2} m²");
        }
        assert_eq!(g(k, f(3, 0, 0)), Larger);
        assert_eq!(g(k, f(0, 100, 0)), EspeciallyMajor);
        // Loss does not grade a forest fire.
        assert_eq!(g(k, f(0, 0, 50_000)), General);
    }

    #[test]
    fn geological_events_grade_by_deaths_and_loss() {
        use Grade::*;
        let k = IncidentKind::GeoHazard;
        for (wan, want) in [
            (99, General),
            (100, Larger),
            (499, Larger),
            (500, Major),
            (999, Major),
            (1_000, EspeciallyMajor),
        ] {
            assert_eq!(g(k, f(0, 0, wan)), want, "{wan} 万元");
        }
        assert_eq!(g(k, f(10, 0, 0)), Major);
        // Injuries do not grade it.
        assert_eq!(g(k, f(0, 500, 0)), General);
        assert_eq!(
            grade_of(IncidentKind::NaturalDisaster, &f(50, 0, 0), false),
            None
        );
    }

    #[test]
    fn within_the_window_the_grade_only_rises_after_it_stays() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let occurred = at("2026-07-01T08:00:00Z");
        let k = IncidentKind::ProductionAccident;
        let two = f(2, 0, 0);
        let three = f(3, 0, 0);
        let g1 = regrade(k, None, &two, occurred, occurred);
        assert_eq!(g1, Some(Grade::General));
        // A third death on day 30 raises it; figures corrected down do not lower it.
        let day30 = occurred + Duration::days(30);
        let g2 = regrade(k, g1, &three, occurred, day30);
        assert_eq!(g2, Some(Grade::Larger));
        assert_eq!(regrade(k, g2, &two, occurred, day30), Some(Grade::Larger));
        // A second after the window: unchanged.
        let after = day30 + Duration::seconds(1);
        assert_eq!(
            regrade(k, g1, &three, occurred, after),
            Some(Grade::General)
        );
        // Road traffic and fire: seven days. A death on day 10 does not change the grade.
        let road = IncidentKind::RoadTraffic;
        assert_eq!(
            regrade(road, g1, &three, occurred, occurred + Duration::days(7)),
            Some(Grade::Larger)
        );
        assert_eq!(
            regrade(road, g1, &three, occurred, occurred + Duration::days(10)),
            Some(Grade::General)
        );
    }

    #[test]
    fn the_reports_owed_in_turn() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let c = ReportClocks::default();
        let known = at("2026-07-01T08:00:00Z");
        let acc = IncidentKind::ProductionAccident;
        assert_eq!(
            c.next_due(acc, known, &[], None),
            Some((ReportStage::Accident, at("2026-07-01T09:00:00Z")))
        );
        let dis = IncidentKind::NaturalDisaster;
        assert_eq!(
            c.next_due(dis, known, &[], None),
            Some((ReportStage::Initial, at("2026-07-01T10:00:00Z")))
        );
        let made = [(ReportStage::Initial, at("2026-07-01T09:30:00Z"))];
        assert_eq!(
            c.next_due(dis, known, &made, None),
            Some((ReportStage::Update, at("2026-07-02T09:30:00Z")))
        );
        let end = at("2026-07-03T00:00:00Z");
        assert_eq!(
            c.next_due(dis, known, &made, Some(end)),
            Some((ReportStage::Final, at("2026-07-05T00:00:00Z")))
        );
        let all = [made[0], (ReportStage::Final, end)];
        assert_eq!(c.next_due(dis, known, &all, Some(end)), None);
    }

    #[test]
    fn bad_input_is_named() {
        let now = DateTime::parse_from_rfc3339("2026-07-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let e = IncidentInput {
            kind: "meteor".into(),
            occurred_at: "2026-07-02T08:00".into(),
            known_at: "yesterday".into(),
            region_id: "x".into(),
            ..IncidentInput::default()
        }
        .validate(now)
        .unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            ["kind", "name", "occurred_at", "known_at", "region_id"]
        );
        let e = FiguresInput {
            deaths: "-1".into(),
            direct_loss_yuan: "十万".into(),
            burned_hectares: "NaN".into(),
            ..FiguresInput::default()
        }
        .validate()
        .unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["deaths", "direct_loss_yuan", "burned_hectares"]);
        let ok = FiguresInput {
            deaths: "2".into(),
            direct_loss_yuan: "1,234.56".into(),
            burned_hectares: "0.5".into(),
            ..FiguresInput::default()
        }
        .validate()
        .unwrap();
        assert_eq!(
            (ok.deaths, ok.direct_loss_fen, ok.burned_m2),
            (2, 123_456, 5_000)
        );
    }

    #[test]
    fn reports_come_in_their_order() {
        use ReportStage::*;
        let acc = IncidentKind::ProductionAccident;
        let dis = IncidentKind::NaturalDisaster;
        type Case<'a> = (
            IncidentKind,
            &'a [ReportStage],
            ReportStage,
            bool,
            Result<(), &'a str>,
        );
        let cases: &[Case] = &[
            (acc, &[], Accident, false, Ok(())),
            (acc, &[], Initial, false, Err("incident.stage_kind")),
            (dis, &[], Accident, false, Err("incident.stage_kind")),
            (dis, &[], Initial, false, Ok(())),
            // A final report (or a follow-up) before the first one.
            (dis, &[], Final, true, Err("incident.report_order")),
            (acc, &[], Update, false, Err("incident.report_order")),
            (
                dis,
                &[Initial],
                Initial,
                false,
                Err("incident.report_twice"),
            ),
            (dis, &[Initial], Update, false, Ok(())),
            (dis, &[Initial, Update], Update, false, Ok(())),
            (
                dis,
                &[Initial],
                Final,
                false,
                Err("incident.final_before_end"),
            ),
            (dis, &[Initial], Final, true, Ok(())),
            (
                acc,
                &[Accident, Final],
                Update,
                true,
                Err("incident.reporting_closed"),
            ),
        ];
        for (kind, made, stage, ended, want) in cases {
            assert_eq!(
                check_stage(*kind, made, *stage, *ended),
                *want,
                "{stage:?} after {made:?}"
            );
        }
        let r = ReportInput {
            stage: "final".into(),
            summary: "核报".into(),
            ..ReportInput::default()
        };
        let e = r.validate(Utc::now(), dis, &[], true).unwrap_err();
        assert_eq!(e.errors[0].code, "incident.report_order");
    }

    #[test]
    fn a_grade_by_hand_against_the_figures_needs_its_reason() {
        let k = IncidentKind::ProductionAccident;
        let three = f(3, 0, 0);
        let input = |g: &str, r: &str| GradeInput {
            grade: g.into(),
            reason: r.into(),
        };
        assert_eq!(
            input("larger", "").validate(k, &three).unwrap(),
            (Grade::Larger, None)
        );
        let e = input("general", " ").validate(k, &three).unwrap_err();
        assert_eq!(
            (e.errors[0].field.as_str(), e.errors[0].code.as_str()),
            ("reason", "incident.grade_reason")
        );
        assert_eq!(
            input("general", "一人系自身疾病死亡")
                .validate(k, &three)
                .unwrap(),
            (Grade::General, Some("一人系自身疾病死亡".into()))
        );
        assert_eq!(
            input("huge", "x").validate(k, &three).unwrap_err().errors[0].field,
            "grade"
        );
        let e = input("general", "")
            .validate(IncidentKind::NaturalDisaster, &three)
            .unwrap_err();
        assert_eq!(e.errors[0].code, "incident.not_graded");
    }

    #[test]
    fn a_link_names_one_warning_or_one_hazard() {
        let l = |w: &str, h: &str| {
            LinkInput {
                warning_id: w.into(),
                hazard_id: h.into(),
            }
            .validate()
        };
        assert_eq!(l("3", "").unwrap(), Link::Warning(3));
        assert_eq!(l("", "#12").unwrap(), Link::Hazard(12));
        assert_eq!(l("", "").unwrap_err().errors[0].code, "incident.link_one");
        assert_eq!(l("1", "2").unwrap_err().errors[0].code, "incident.link_one");
        assert_eq!(l("x", "").unwrap_err().errors[0].field, "warning_id");
        assert_eq!(l("", "-4").unwrap_err().errors[0].field, "hazard_id");
    }
}
