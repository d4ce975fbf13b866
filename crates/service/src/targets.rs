//! The plan's targets measured from the records: the dashboard of a scope and year, the
//! scorecards of a town's villages and departments, the settings of goals and weights, and the
//! year-end report. Nothing here is typed in: every figure is counted from incidents, forests,
//! relief households, hazards, enterprises, trainings, staff, projects, outreach and plan reports.

use crate::training::{compliance, trainee_standings, year_end};
use crate::xlsx::Table;
use crate::{Error, Lang, Result, Service, ensure};
use chrono::{NaiveDate, Utc};
use safegrid_domain::access::Principal;
use safegrid_domain::incident::{Grade, IncidentKind};
use safegrid_domain::industry;
use safegrid_domain::local_time;
use safegrid_domain::target::{
    Measure, Metric, Scorecard, Status, TargetConfig, TargetConfigInput, TargetDef, UnitKind,
    fire_rate, score, status,
};
use safegrid_store::regions::RegionRow;
use safegrid_store::targets::{self as facts, By, Tally};
use safegrid_store::{hazards, organisations, projects, regions, training, workplans};
use serde::Serialize;
use std::collections::BTreeMap;

const CONFIG_KEY: &str = "targets";

/// What the measures of one unit (a scope, a village, a department) are counted from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub larger_accidents: i64,
    pub late_reports: i64,
    pub disaster_deaths: i64,
    pub site_deaths: i64,
    pub burned_m2: i64,
    pub forest_m2: i64,
    pub relief: Share,
    pub hazards: Share,
    pub inspected: Share,
    pub outreach: i64,
    pub guardrail_m: i64,
    pub staff: Share,
    pub tasks: Share,
    pub trainees: Share,
    pub projects: Share,
    pub standard_met: i64,
}

/// Of how many (`of`), how many count (`met`): households with all of 五有, hazards closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Share {
    pub of: i64,
    pub met: i64,
}

impl From<&Tally> for Share {
    fn from(t: &Tally) -> Share {
        Share {
            of: t.n,
            met: t.hit,
        }
    }
}

impl Share {
    fn add(&mut self, of: i64, met: i64) {
        self.of += of;
        self.met += met;
    }

    fn measure(self) -> Measure {
        Measure::Ratio {
            num: self.met,
            den: self.of,
        }
    }
}

impl Facts {
    pub fn measure(&self, m: Metric) -> Measure {
        use Metric::*;
        match m {
            LargerAccidents => Measure::Count(self.larger_accidents),
            LateReports => Measure::Count(self.late_reports),
            DisasterDeaths => Measure::Count(self.disaster_deaths),
            MonitoredSiteDeaths => Measure::Count(self.site_deaths),
            ForestFireRate => fire_rate(self.burned_m2, self.forest_m2),
            StaffQualifiedShare => self.staff.measure(),
            GuardrailMetres => Measure::Count(self.guardrail_m),
            FiveGuaranteeRate => self.relief.measure(),
            HazardClosureRate => self.hazards.measure(),
            InspectionCompletionRate => self.inspected.measure(),
            PlanTasksOnTime => self.tasks.measure(),
            OutreachActivities => Measure::Count(self.outreach),
            TrainingCompliance => self.trainees.measure(),
            ThreeSimultaneousRate => self.projects.measure(),
            StandardisationMet => Measure::Count(self.standard_met),
        }
    }

    /// Adds an incident of the year: a production-safety accident of 较大 or above; the dead and
    /// missing of a disaster, and of one at a monitored site; burned forest.
    fn add_incident(&mut self, i: &facts::IncidentFact) {
        let kind = IncidentKind::parse(&i.kind);
        let grade = i.grade.as_deref().and_then(Grade::parse);
        let accident = kind.is_some_and(|k| k.is_accident());
        if accident && grade.is_some_and(|g| g.is_larger_or_above()) {
            self.larger_accidents += 1;
        }
        if accident && safegrid_domain::incident::unit_reported_late(i.occurred_at, i.known_at) {
            self.late_reports += 1;
        }
        let disaster = matches!(
            kind,
            Some(
                IncidentKind::NaturalDisaster | IncidentKind::GeoHazard | IncidentKind::ForestFire
            )
        );
        if disaster {
            self.disaster_deaths += i.deaths + i.missing;
        }
        if i.monitored {
            self.site_deaths += i.deaths + i.missing;
        }
        if kind == Some(IncidentKind::ForestFire) {
            self.burned_m2 += i.burned_m2;
        }
    }
}

/// The year a dashboard is about: its days and its instants in Beijing time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Period {
    pub year: i32,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The last day counted: the year's end, or today in the year under way.
    pub end: NaiveDate,
    pub current: bool,
}

impl Period {
    pub fn of(year: i32, today: NaiveDate) -> Period {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
        Period {
            year,
            first,
            last,
            end: year_end(year, today),
            current: (first..=last).contains(&today),
        }
    }

    fn instants(&self) -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
        let next = NaiveDate::from_ymd_opt(self.year + 1, 1, 1).unwrap_or(self.last);
        (local_time::midnight(self.first), local_time::midnight(next))
    }
}

/// The village a path lies in (`/district/town/village/`), if it lies that deep.
fn village_of(path: &str) -> Option<String> {
    let ids: Vec<&str> = path.trim_matches('/').split('/').collect();
    (ids.len() >= 3).then(|| format!("/{}/", ids[..3].join("/")))
}

/// Orders units as the assessment ranks them: those not vetoed first, by score, best first.
fn rank(units: &mut [UnitScore]) {
    units.sort_by(|a, b| {
        (
            a.card.vetoed,
            std::cmp::Reverse(a.card.half_points),
            &a.name,
        )
            .cmp(&(
                b.card.vetoed,
                std::cmp::Reverse(b.card.half_points),
                &b.name,
            ))
    });
}

/// The town a path lies in: its second id (`/district/town/…`).
fn town_of(path: &str) -> Option<i64> {
    path.trim_matches('/').split('/').nth(1)?.parse().ok()
}

/// One line of the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct TargetLine {
    pub def: TargetDef,
    pub measure: Measure,
    pub status: Status,
    /// The figure as written in its unit (empty for a fraction of nothing).
    pub value: String,
    pub goal: String,
    /// Numerator and denominator of a fraction, for the reader to check.
    pub detail: String,
}

fn line(def: &TargetDef, m: Measure) -> TargetLine {
    TargetLine {
        def: *def,
        measure: m,
        status: status(def.metric, m, def.goal, def.amber),
        value: m.text(def.metric.unit()).unwrap_or_default(),
        goal: def.goal.text(),
        detail: match m {
            Measure::Ratio { num, den } => format!("{num}/{den}"),
            Measure::Count(_) => String::new(),
        },
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub year: i32,
    pub lines: Vec<TargetLine>,
    pub facts: Facts,
    /// (status, count) in [`Status::ALL`] order.
    pub tally: Vec<(String, usize)>,
}

/// A unit's scorecard with its name.
#[derive(Debug, Clone, Serialize)]
pub struct UnitScore {
    pub id: i64,
    pub name: String,
    pub card: Scorecard,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scorecards {
    pub year: i32,
    pub town: RegionRow,
    pub villages: Vec<UnitScore>,
    pub departments: Vec<UnitScore>,
    pub config: TargetConfig,
}

impl Service {
    /// The town's targets as set, or the work plan's for the year when none were set.
    pub async fn target_config(&self, year: i32) -> Result<TargetConfig> {
        let stored: Option<TargetConfig> = self.config(CONFIG_KEY).await?;
        Ok(stored.unwrap_or_else(|| TargetConfig::defaults(year)))
    }

    /// Sets the targets: goals, margins, weights and vetoes, refused whole when a weight set does
    /// not add up.
    pub async fn put_target_config(
        &self,
        who: &Principal,
        input: &TargetConfigInput,
    ) -> Result<TargetConfig> {
        ensure(who.can_configure())?;
        let c = input.validate()?;
        self.put_config(who, CONFIG_KEY, &Some(c.clone())).await?;
        Ok(c)
    }

    /// Counts the facts of a scope (or of each of its villages, `by_village`) for a year: only
    /// those the targets in `needs` are measured from, so a target the town does not use costs
    /// nothing.
    async fn count(
        &self,
        path: &str,
        p: Period,
        by_village: bool,
        needs: &[Metric],
    ) -> Result<BTreeMap<String, Facts>> {
        use Metric::*;
        let need = |ms: &[Metric]| ms.iter().any(|m| needs.contains(m));
        let mut out: BTreeMap<String, Facts> = BTreeMap::new();
        let key = |path: &str| {
            if by_village {
                village_of(path)
            } else {
                Some(String::new())
            }
        };
        let (from, to) = p.instants();
        let (first, last) = (p.first.to_string(), p.end.to_string());
        let by = if by_village { By::Region } else { By::Scope };
        let add =
            |out: &mut BTreeMap<String, Facts>, rows: Vec<Tally>, f: fn(&mut Facts, &Tally)| {
                for t in rows {
                    if let Some(k) = key(&t.region_path) {
                        f(out.entry(k).or_default(), &t);
                    }
                }
            };
        if need(&[
            LargerAccidents,
            LateReports,
            DisasterDeaths,
            MonitoredSiteDeaths,
            ForestFireRate,
        ]) {
            for i in facts::incidents(&self.store, path, from, to).await? {
                if let Some(k) = key(&i.region_path) {
                    out.entry(k).or_default().add_incident(&i);
                }
            }
        }
        if need(&[ForestFireRate]) {
            add(
                &mut out,
                facts::forests(&self.store, path, by).await?,
                |f, t| {
                    f.forest_m2 += t.hit;
                },
            );
        }
        if need(&[FiveGuaranteeRate]) {
            add(
                &mut out,
                facts::five_guarantees(&self.store, path, from, to, by).await?,
                |f, t| {
                    f.relief.add(t.n, t.hit);
                },
            );
        }
        if need(&[InspectionCompletionRate]) {
            add(
                &mut out,
                facts::inspected(&self.store, path, &first, &last, p.current, by).await?,
                |f, t| {
                    f.inspected.add(t.n, t.hit);
                },
            );
        }
        if need(&[OutreachActivities]) {
            add(
                &mut out,
                facts::outreach(&self.store, path, &first, &last, by).await?,
                |f, t| {
                    f.outreach += t.n;
                },
            );
        }
        if need(&[HazardClosureRate]) {
            // Hazards on the books from the kept summary: the scope's own row, or its villages'.
            let summary =
                hazards::summary(&self.store, path, if by_village { "village" } else { "" })
                    .await?
                    .unwrap_or_default();
            for r in summary {
                let k = if by_village {
                    village_of(&r.village_path)
                } else {
                    Some(String::new())
                };
                if let Some(k) = k {
                    let f = out.entry(k).or_default();
                    f.hazards
                        .add(r.n, if r.status == "closed" { r.n } else { 0 });
                }
            }
        }
        if by_village {
            return Ok(out);
        }
        let f = out.entry(String::new()).or_default();
        if need(&[GuardrailMetres]) {
            f.guardrail_m = facts::guardrail(&self.store, path, &first, &last)
                .await?
                .hit;
        }
        if need(&[TrainingCompliance]) {
            let trainings =
                training::trainings_within(&self.store, path, &p.last.to_string(), None).await?;
            let (of, met) = compliance(&trainee_standings(&trainings, p.year));
            f.trainees = Share {
                of: of as i64,
                met: met as i64,
            };
        }
        if need(&[StaffQualifiedShare]) {
            let t = facts::staff(&self.store, path, &last).await?;
            f.staff = Share::from(&t);
        }
        if need(&[ThreeSimultaneousRate]) {
            let ps: Vec<_> = projects::within(&self.store, path)
                .await?
                .into_iter()
                .map(crate::projects::view)
                .filter(|v| v.project.main_designed_on.is_some())
                .collect();
            f.projects = Share {
                of: ps.len() as i64,
                met: ps.iter().filter(|v| !v.breach).count() as i64,
            };
        }
        if need(&[StandardisationMet]) {
            f.standard_met = training::assessments_within(&self.store, path, p.year)
                .await?
                .iter()
                .filter(|a| a.rating == "met")
                .count() as i64;
        }
        if need(&[PlanTasksOnTime]) {
            for t in facts::plan_tasks(&self.store, path, p.year, &last, false).await? {
                f.tasks = Share::from(&t);
            }
        }
        Ok(out)
    }

    /// The targets of the caller's region for a year, each with its figure and colour.
    pub async fn target_dashboard(&self, who: &Principal, year: i32) -> Result<Dashboard> {
        ensure(who.can_read_targets(&who.region_path))?;
        let config = self.target_config(year).await?;
        let p = Period::of(year, local_time::day_of(Utc::now()));
        let needs: Vec<Metric> = config.targets.iter().map(|t| t.metric).collect();
        let facts = self
            .count(&who.region_path, p, false, &needs)
            .await?
            .remove("")
            .unwrap_or_default();
        let lines: Vec<TargetLine> = config
            .targets
            .iter()
            .map(|d| line(d, facts.measure(d.metric)))
            .collect();
        let tally = Status::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    lines.iter().filter(|l| l.status == *s).count(),
                )
            })
            .collect();
        Ok(Dashboard {
            year,
            lines,
            facts,
            tally,
        })
    }

    /// The scorecards of a town's villages and departments for a year (the caller's town, or the
    /// one asked for).
    pub async fn scorecards(
        &self,
        who: &Principal,
        town_id: Option<i64>,
        year: i32,
    ) -> Result<Scorecards> {
        let town = match town_id {
            Some(id) => regions::get(&self.store, id).await?,
            None => match town_of(&who.region_path) {
                Some(id) => regions::get(&self.store, id).await?,
                None => regions::at_level(&self.store, &who.region_path, "town")
                    .await?
                    .into_iter()
                    .next(),
            },
        }
        .filter(|r| r.level == "town")
        .filter(|r| who.can_read_targets(&r.path) || who.region_path.starts_with(&r.path))
        .ok_or(Error::NotFound)?;
        ensure(who.can_read_targets(&who.region_path))?;
        let config = self.target_config(year).await?;
        let p = Period::of(year, local_time::day_of(Utc::now()));
        let needs: Vec<Metric> = config.targets.iter().map(|t| t.metric).collect();
        let by_village = self.count(&town.path, p, true, &needs).await?;
        let mut villages: Vec<UnitScore> = regions::at_level(&self.store, &town.path, "village")
            .await?
            .into_iter()
            .filter(|v| who.can_read_targets(&v.path))
            .map(|v| {
                let f = by_village.get(&v.path).cloned().unwrap_or_default();
                UnitScore {
                    id: v.id,
                    name: v.name,
                    card: score(&config, UnitKind::Village, |m| Some(f.measure(m))),
                }
            })
            .collect();
        let mut departments = if who.can_read_targets(&town.path) {
            self.department_scores(&town, p, &config).await?
        } else {
            Vec::new()
        };
        rank(&mut villages);
        rank(&mut departments);
        Ok(Scorecards {
            year,
            town,
            villages,
            departments,
            config,
        })
    }

    /// Each department of a town over the enterprises of the industries it supervises and the
    /// plan tasks it leads.
    async fn department_scores(
        &self,
        town: &RegionRow,
        p: Period,
        config: &TargetConfig,
    ) -> Result<Vec<UnitScore>> {
        let (from, to) = p.instants();
        let incidents = facts::incidents(&self.store, &town.path, from, to).await?;
        let enterprises = facts::inspected(
            &self.store,
            &town.path,
            &p.first.to_string(),
            &p.end.to_string(),
            p.current,
            By::Industry,
        )
        .await?;
        let tallies = hazards::tallies(&self.store, &town.path, None).await?;
        let tasks =
            facts::plan_tasks(&self.store, &town.path, p.year, &p.end.to_string(), true).await?;
        let mut out = Vec::new();
        for d in organisations::departments_within(&self.store, &town.path).await? {
            if d.region_id != town.id {
                continue;
            }
            let codes: Vec<&str> = d.industries.split(',').filter(|c| !c.is_empty()).collect();
            let mine = |code: Option<&str>| {
                code.is_some_and(|c| industry::supervises(codes.iter().copied(), c))
            };
            let mut f = Facts::default();
            for i in incidents
                .iter()
                .filter(|i| mine(i.industry_code.as_deref()))
            {
                f.add_incident(i);
            }
            for e in enterprises.iter().filter(|e| mine(Some(&e.industry_code))) {
                f.inspected.add(e.n, e.hit);
            }
            for h in tallies.iter().filter(|h| mine(h.industry_code.as_deref())) {
                f.hazards.add(1, i64::from(h.status == "closed"));
            }
            if let Some(t) = tasks.iter().find(|t| t.industry_code == d.id.to_string()) {
                f.tasks = Share::from(t);
            }
            out.push(UnitScore {
                id: d.id,
                name: d.name,
                card: score(config, UnitKind::Department, |m| Some(f.measure(m))),
            });
        }
        Ok(out)
    }

    /// The year-end report as tables: the targets, the villages' and departments' scorecards,
    /// and the plan's progress table when the town has a plan for the year.
    pub async fn year_end_tables(
        &self,
        who: &Principal,
        town_id: Option<i64>,
        year: i32,
        lang: Lang,
    ) -> Result<Vec<Table>> {
        let d = self.target_dashboard(who, year).await?;
        let t = |k: &str| lang.t(k).to_string();
        let mut tables = vec![Table {
            title: format!("{year} {}", t("target.title")),
            headers: vec![
                t("target.metric"),
                t("target.value"),
                t("target.goal"),
                t("target.status"),
                t("target.veto"),
            ],
            rows: d
                .lines
                .iter()
                .map(|l| {
                    let unit = t(&format!("unit.{}", l.def.metric.unit().as_str()));
                    let cmp = t(match l.def.metric.direction() {
                        safegrid_domain::target::Direction::AtMost => "target.at_most",
                        safegrid_domain::target::Direction::AtLeast => "target.at_least",
                    });
                    vec![
                        t(&format!("metric.{}", l.def.metric.as_str())),
                        if l.value.is_empty() {
                            t("target.no_data")
                        } else {
                            format!("{}{unit} {}", l.value, l.detail)
                        },
                        format!("{cmp}{}{unit}", l.goal),
                        t(&format!("target_status.{}", l.status.as_str())),
                        if l.def.veto {
                            t("target.veto")
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect(),
        }];
        // A scope without a town (the whole city with none) has no scorecards to add.
        match self.scorecards(who, town_id, year).await {
            Ok(s) => {
                tables.extend(scorecard_tables(&s, lang));
                if let Some(plan) = workplans::plan_of(&self.store, s.town.id, year).await? {
                    tables.push(self.plan_progress_table(who, plan.id, lang).await?);
                }
            }
            Err(Error::NotFound) => {}
            Err(e) => return Err(e),
        }
        Ok(tables)
    }
}

/// The scorecards as tables: a row per village (or department), a column per target with its
/// colour, the score and the veto.
pub fn scorecard_tables(s: &Scorecards, lang: Lang) -> Vec<Table> {
    let t = |k: &str| lang.t(k).to_string();
    let mut tables = Vec::new();
    for (title, units) in [
        (t("target.village_scores"), &s.villages),
        (t("target.department_scores"), &s.departments),
    ] {
        if units.is_empty() {
            continue;
        }
        let metrics: Vec<Metric> = units[0].card.lines.iter().map(|l| l.metric).collect();
        let mut headers = vec![t("field.name")];
        headers.extend(metrics.iter().map(|m| t(&format!("metric.{}", m.as_str()))));
        headers.push(t("target.score"));
        headers.push(t("target.veto"));
        tables.push(Table {
            title: format!("{} {}", s.town.name, title),
            headers,
            rows: units
                .iter()
                .map(|u| {
                    let mut row = vec![u.name.clone()];
                    row.extend(
                        u.card
                            .lines
                            .iter()
                            .map(|l| t(&format!("target_status.{}", l.status.as_str()))),
                    );
                    row.push(format!("{}/{}", u.card.score_text(), u.card.total));
                    row.push(if u.card.vetoed {
                        t("target.vetoed")
                    } else {
                        String::new()
                    });
                    row
                })
                .collect(),
        });
    }
    tables
}
