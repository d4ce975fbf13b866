//! Emergency plans and drills: plans of the town, its villages and enterprises with their
//! revisions and the next one due (overdue ones listed), and drills held, counted per village
//! and year against the quota.

use crate::{Error, Result, Service, audit, ensure};
use chrono::{Datelike, NaiveDate, Utc};
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::local_time;
use safegrid_domain::plan::{DrillInput, DrillQuota, PlanInput, RevisionInput, next_revision};
use safegrid_domain::region::is_within;
use safegrid_store::plans::{self as store, DrillRow, PlanRow, RevisionRow};
use safegrid_store::regions;
use serde::Serialize;

const QUOTA_KEY: &str = "drill_quota";

#[derive(Debug, Clone, Serialize)]
pub struct PlanStatus {
    pub plan: PlanRow,
    pub next_due: NaiveDate,
    pub overdue: bool,
}

/// Drills held in a year by one region against its quota.
#[derive(Debug, Clone, Serialize)]
pub struct DrillCount {
    pub region_id: i64,
    pub region_name: String,
    pub held: i64,
    pub quota: i64,
    pub joint: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Preparedness {
    pub plans: Vec<PlanStatus>,
    pub revisions: Vec<RevisionRow>,
    pub year: i32,
    pub drills: Vec<DrillRow>,
    pub counts: Vec<DrillCount>,
    /// The problems made hazards: (drill, problem index, hazard).
    pub hazards: Vec<(i64, i64, i64)>,
    /// The files attached to the plans.
    pub attachments: Vec<safegrid_store::files::AttachmentRow>,
}

fn today() -> NaiveDate {
    local_time::day_of(Utc::now())
}

impl Service {
    pub async fn drill_quota(&self) -> Result<DrillQuota> {
        self.config(QUOTA_KEY).await
    }

    pub async fn set_drill_quota(&self, who: &Principal, q: &DrillQuota) -> Result<()> {
        ensure(who.can_configure())?;
        q.validate()?;
        self.put_config(who, QUOTA_KEY, q).await
    }

    /// Registers a plan (the office and leaders; a village its own).
    pub async fn create_plan(&self, who: &Principal, input: &PlanInput) -> Result<PlanRow> {
        let d = input.validate(today())?;
        let mut tx = self.store.begin().await?;
        let region =
            crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_record_incident(&region.path))?;
        let id = store::insert_plan(&mut tx, &d, &region.path).await?;
        store::revise(
            &mut tx,
            id,
            &d.version,
            &d.revised_on.to_string(),
            Some("登记"),
            crate::actor(who),
        )
        .await?;
        audit::record(&mut tx, who, "create", "plan", id, None::<&()>, Some(&d)).await?;
        let row = store::plan(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// A new version of a plan; the next revision falls due a period after it.
    pub async fn revise_plan(
        &self,
        who: &Principal,
        id: i64,
        input: &RevisionInput,
    ) -> Result<PlanRow> {
        let mut tx = self.store.begin().await?;
        let before = store::plan(&mut tx, id)
            .await?
            .filter(|p| who.can_read_region(&p.region_path))
            .ok_or(Error::NotFound)?;
        ensure(who.can_record_incident(&before.region_path))?;
        let last = NaiveDate::parse_from_str(&before.revised_on, "%Y-%m-%d")
            .map_err(|e| Error::Internal(e.to_string()))?;
        let (version, on, note) = input.validate(today(), last)?;
        store::revise(
            &mut tx,
            id,
            &version,
            &on.to_string(),
            note.as_deref(),
            crate::actor(who),
        )
        .await?;
        let after = store::plan(&mut tx, id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "revise",
            "plan",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records a drill held in a region the caller may record in.
    pub async fn record_drill(&self, who: &Principal, input: &DrillInput) -> Result<DrillRow> {
        let d = input.validate(today())?;
        let mut tx = self.store.begin().await?;
        let region =
            crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_record_incident(&region.path))?;
        // A village drills its own plans and those of the town holding it.
        if let Some(p) = d.plan_id
            && store::plan(&mut tx, p).await?.is_none_or(|p| {
                !who.can_read_region(&p.region_path) && !is_within(&region.path, &p.region_path)
            })
        {
            return Err(Invalid::one("drilled_plan_id", "not_a_reference").into());
        }
        let id = store::insert_drill(&mut tx, &d, &region.path, crate::actor(who)).await?;
        audit::record(&mut tx, who, "create", "drill", id, None::<&()>, Some(&d)).await?;
        tx.commit().await?;
        store::drills(&self.store, &region.path, d.held_on.year())
            .await?
            .into_iter()
            .find(|x| x.id == id)
            .ok_or(Error::NotFound)
    }

    /// A problem a drill found, made a hazard of the drill's area in one step (once: a second
    /// try is refused, naming the problem).
    pub async fn drill_problem_to_hazard(
        &self,
        who: &Principal,
        drill_id: i64,
        index: usize,
    ) -> Result<safegrid_store::hazards::HazardRow> {
        let mut tx = self.store.begin().await?;
        let drill = store::drill(&mut tx, drill_id)
            .await?
            .filter(|d| who.can_read_region(&d.region_path))
            .ok_or(Error::NotFound)?;
        ensure(who.can_record_incident(&drill.region_path))?;
        let problem = drill
            .problems
            .lines()
            .nth(index)
            .ok_or_else(|| Invalid::one("problem", "not_a_reference"))?
            .to_string();
        let input = crate::hazards::HazardInput {
            region_id: drill.region_id.to_string(),
            name: problem.chars().take(100).collect(),
            description: format!("{}演练“{}”发现：{problem}", drill.held_on, drill.scenario),
            location: drill.place.clone().unwrap_or_default(),
            source: "other".into(),
            ..Default::default()
        };
        let hazard = self.report_hazard_in(&mut tx, who, &input).await?;
        if !store::link_hazard(&mut tx, drill.id, index as i64, hazard.id).await? {
            // Already a hazard: the one made here is rolled back with the transaction.
            return Err(Invalid::one("problem", "plans.problem_reported").into());
        }
        audit::record(
            &mut tx,
            who,
            "problem_to_hazard",
            "drill",
            drill.id,
            None::<&()>,
            Some(&hazard.id),
        )
        .await?;
        tx.commit().await?;
        Ok(hazard)
    }

    /// The plans (with their next revision), their revisions, and a year's drills with the count
    /// per village and for the town against the quota.
    pub async fn preparedness(&self, who: &Principal, year: Option<i32>) -> Result<Preparedness> {
        ensure(who.can_read_incident(&who.region_path))?;
        let today = today();
        let year = year.unwrap_or(today.year());
        let plans = store::plans(&self.store, &who.region_path)
            .await?
            .into_iter()
            .map(|p| {
                let last = NaiveDate::parse_from_str(&p.revised_on, "%Y-%m-%d").unwrap_or(today);
                let next_due = next_revision(last, u32::try_from(p.period_months).unwrap_or(36));
                PlanStatus {
                    overdue: next_due < today,
                    next_due,
                    plan: p,
                }
            })
            .collect();
        let drills = store::drills(&self.store, &who.region_path, year).await?;
        let quota = self.drill_quota().await?;
        let mut counts = Vec::new();
        let towns = regions::at_level(&self.store, &who.region_path, "town").await?;
        let villages = regions::at_level(&self.store, &who.region_path, "village").await?;
        for (r, q) in towns
            .iter()
            .map(|t| (t, quota.per_town))
            .chain(villages.iter().map(|v| (v, quota.per_village)))
        {
            // A town's own drills are those held at its level; a village's, those inside it.
            let mine: Vec<&DrillRow> = drills
                .iter()
                .filter(|d| {
                    if r.level == "town" {
                        d.region_path == r.path
                    } else {
                        d.region_path.starts_with(&r.path)
                    }
                })
                .collect();
            counts.push(DrillCount {
                region_id: r.id,
                region_name: r.name.clone(),
                held: mine.len() as i64,
                quota: q,
                joint: mine.iter().filter(|d| d.joint_with.is_some()).count() as i64,
            });
        }
        Ok(Preparedness {
            hazards: store::drill_hazards(&self.store, &who.region_path).await?,
            attachments: safegrid_store::files::of_plans_within(&self.store, &who.region_path)
                .await?,
            plans,
            revisions: store::revisions(&self.store, &who.region_path).await?,
            year,
            drills,
            counts,
        })
    }
}
