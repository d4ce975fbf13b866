//! Construction projects: entered with their safety review and 三同时 milestones, each shown with
//! how its safety facilities stand against the main works, and the breaches counted.

use crate::{Error, Result, Service, audit, ensure};
use chrono::Utc;
use safegrid_domain::access::Principal;
use safegrid_domain::hazard::parse_date;
use safegrid_domain::project::{
    Milestones, ProjectInput, Review, Stage, StageState, breaches, stages,
};
use safegrid_domain::{Invalid, local_time};
use safegrid_store::projects::{self as store, ProjectRow};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    pub project: ProjectRow,
    pub stages: Vec<(Stage, StageState)>,
    pub breach: bool,
}

fn day(s: &Option<String>) -> Option<chrono::NaiveDate> {
    s.as_deref().and_then(parse_date)
}

pub(crate) fn view(p: ProjectRow) -> ProjectView {
    let m = Milestones {
        design: (day(&p.main_designed_on), day(&p.safety_designed_on)),
        construction: (day(&p.main_built_on), day(&p.safety_built_on)),
        in_use: (day(&p.main_in_use_on), day(&p.safety_in_use_on)),
    };
    let review = Review::parse(&p.review).unwrap_or(Review::Pending);
    ProjectView {
        stages: stages(&m).to_vec(),
        breach: breaches(review, &m),
        project: p,
    }
}

impl Service {
    /// Enters a project, or changes it (`id`), where the caller keeps projects.
    pub async fn put_project(
        &self,
        who: &Principal,
        id: Option<i64>,
        input: &ProjectInput,
    ) -> Result<ProjectView> {
        let d = input.validate(local_time::day_of(Utc::now()))?;
        let mut tx = self.store.begin().await?;
        let r = crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_keep_projects(&r.path))?;
        if let Some(e) = d.enterprise_id {
            safegrid_store::enterprises::get(&mut tx, e)
                .await?
                .filter(|e| e.region_path.starts_with(&r.path))
                .ok_or_else(|| Invalid::one("enterprise_id", "incident.enterprise_elsewhere"))?;
        }
        let before = match id {
            Some(id) => {
                let old = store::get(&mut tx, id)
                    .await?
                    .filter(|p| who.can_read_targets(&p.region_path))
                    .ok_or(Error::NotFound)?;
                ensure(who.can_keep_projects(&old.region_path))?;
                Some(old)
            }
            None => None,
        };
        let id = match id {
            Some(id) => {
                store::update(&mut tx, id, &d, &r.path).await?;
                id
            }
            None => store::insert(&mut tx, &d, &r.path, crate::actor(who)).await?,
        };
        let action = if before.is_some() { "update" } else { "create" };
        audit::record(
            &mut tx,
            who,
            action,
            "project",
            id,
            before.as_ref(),
            Some(&d),
        )
        .await?;
        let p = store::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(view(p))
    }

    pub async fn projects(&self, who: &Principal) -> Result<Vec<ProjectView>> {
        ensure(who.can_read_targets(&who.region_path))?;
        Ok(store::within(&self.store, &who.region_path)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    pub async fn project(&self, who: &Principal, id: i64) -> Result<ProjectView> {
        store::get(&self.store, id)
            .await?
            .filter(|p| who.can_read_targets(&p.region_path))
            .map(view)
            .ok_or(Error::NotFound)
    }
}
