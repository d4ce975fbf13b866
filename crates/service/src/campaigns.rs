//! Rectification campaigns: drawn up by the office over a region, their targets added in one go
//! (all or none, a bad line named), each target moved to cleared by whoever works it, and the
//! count to zero against the deadline.

use crate::{Error, Result, Service, audit, ensure};
use chrono::Utc;
use safegrid_domain::Invalid;
use safegrid_domain::access::{Principal, Role};
use safegrid_domain::campaign::{
    CampaignInput, CampaignKind, NewTarget, Progress, TargetStatus, TargetUpdate, TargetsInput,
    progress,
};
use safegrid_domain::enterprise::FringeTreatment;
use safegrid_domain::hazard::parse_date;
use safegrid_domain::local_time;
use safegrid_store::campaigns::{self as store, CampaignRow, TargetRow};
use safegrid_store::{enterprises, regions};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct CampaignView {
    pub campaign: CampaignRow,
    pub progress: Progress,
}

/// A campaign with the targets the caller sees and the tallies of the 五个一批 treatments.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignDetail {
    pub campaign: CampaignRow,
    pub progress: Progress,
    pub targets: Vec<TargetRow>,
    /// (treatment, targets, cleared), for a five-batches campaign.
    pub treatments: Vec<(String, i64, i64)>,
    pub can_add: bool,
    pub can_work: bool,
}

fn view(c: CampaignRow) -> CampaignView {
    let today = local_time::day_of(Utc::now());
    let deadline = parse_date(&c.deadline).unwrap_or(today);
    CampaignView {
        progress: progress(c.total, c.cleared, deadline, today),
        campaign: c,
    }
}

fn kind_of(c: &CampaignRow) -> CampaignKind {
    CampaignKind::parse(&c.kind).unwrap_or(CampaignKind::Special)
}

impl Service {
    pub async fn create_campaign(
        &self,
        who: &Principal,
        input: &CampaignInput,
    ) -> Result<CampaignView> {
        let d = input.validate(local_time::day_of(Utc::now()))?;
        let mut tx = self.store.begin().await?;
        let r = regions::get(&mut tx, d.region_id)
            .await?
            .filter(|r| who.can_read_region(&r.path))
            .ok_or_else(|| Invalid::one("region_id", "not_a_reference"))?;
        ensure(who.can_manage_structure(&r.path))?;
        let id = store::insert(&mut tx, &d, &r.path, crate::actor(who)).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "campaign",
            id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        let c = store::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(view(c))
    }

    /// The campaigns over or inside the caller's region, with their count to zero.
    pub async fn campaigns(&self, who: &Principal) -> Result<Vec<CampaignView>> {
        ensure(who.role != Role::Enterprise)?;
        Ok(store::visible_from(&self.store, &who.region_path)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    async fn visible_campaign(&self, who: &Principal, id: i64) -> Result<CampaignRow> {
        let c = store::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        let over_or_inside =
            who.can_read_region(&c.region_path) || who.region_path.starts_with(&c.region_path);
        if who.role == Role::Enterprise || !over_or_inside {
            return Err(Error::NotFound);
        }
        Ok(c)
    }

    /// A campaign with the targets inside the caller's region (a village sees its own).
    pub async fn campaign(&self, who: &Principal, id: i64) -> Result<CampaignDetail> {
        let c = self.visible_campaign(who, id).await?;
        let scope = if who.region_path.len() > c.region_path.len() {
            who.region_path.clone()
        } else {
            c.region_path.clone()
        };
        let targets = store::targets(&self.store, id, &scope).await?;
        let treatments = if kind_of(&c) == CampaignKind::FiveBatches {
            FringeTreatment::ALL
                .iter()
                .filter(|t| **t != FringeTreatment::None)
                .map(|t| {
                    let of = targets
                        .iter()
                        .filter(|x| x.treatment.as_deref() == Some(t.as_str()));
                    let cleared = of.clone().filter(|x| x.status == "cleared").count() as i64;
                    (t.as_str().to_string(), of.count() as i64, cleared)
                })
                .collect()
        } else {
            Vec::new()
        };
        let v = view(c);
        Ok(CampaignDetail {
            can_add: who.can_manage_structure(&v.campaign.region_path),
            can_work: who.can_work_campaign(&scope),
            campaign: v.campaign,
            progress: v.progress,
            targets,
            treatments,
        })
    }

    /// Adds targets, all or none: a line that is bad, or already on the list, is named.
    pub async fn add_targets(
        &self,
        who: &Principal,
        id: i64,
        input: &TargetsInput,
    ) -> Result<CampaignDetail> {
        let c = self.visible_campaign(who, id).await?;
        ensure(who.can_manage_structure(&c.region_path))?;
        let d = input.validate(kind_of(&c))?;
        let mut tx = self.store.begin().await?;
        let (region_id, region_path) = match d.region_id {
            Some(r) => {
                let r = regions::get(&mut tx, r)
                    .await?
                    .filter(|r| r.path.starts_with(&c.region_path))
                    .ok_or_else(|| Invalid::one("region_id", "not_a_reference"))?;
                (Some(r.id), r.path)
            }
            None => (None, c.region_path.clone()),
        };
        let existing = store::targets(&mut tx, id, "").await?;
        let mut errs = Invalid::default();
        let mut rows = Vec::new();
        let (mut line, mut pick) = (0, 0);
        for t in &d.targets {
            match t {
                NewTarget::Label(label) => {
                    line += 1;
                    if existing
                        .iter()
                        .any(|e| e.enterprise_id.is_none() && &e.label == label)
                    {
                        errs.push(format!("lines.{line}"), "campaign.already_listed");
                        continue;
                    }
                    rows.push((
                        label.clone(),
                        None,
                        region_id,
                        region_path.clone(),
                        d.treatment,
                    ));
                }
                NewTarget::Enterprise(eid) => {
                    pick += 1;
                    let field = format!("enterprise_ids.{pick}");
                    let Some(e) = enterprises::get(&mut tx, *eid)
                        .await?
                        .filter(|e| e.region_path.starts_with(&c.region_path))
                    else {
                        errs.push(field, "not_a_reference");
                        continue;
                    };
                    if existing.iter().any(|x| x.enterprise_id == Some(e.id)) {
                        errs.push(field, "campaign.already_listed");
                        continue;
                    }
                    // The treatment typed, else the one the registry holds for the enterprise.
                    let treatment = d.treatment.or_else(|| {
                        FringeTreatment::parse(&e.fringe_treatment)
                            .filter(|t| *t != FringeTreatment::None)
                    });
                    if kind_of(&c) == CampaignKind::FiveBatches && treatment.is_none() {
                        errs.push(field, "campaign.treatment_required");
                        continue;
                    }
                    rows.push((
                        e.name,
                        Some(e.id),
                        Some(e.region_id),
                        e.region_path,
                        treatment,
                    ));
                }
            }
        }
        errs.into_result()?;
        let by = crate::actor(who);
        for (label, enterprise_id, region_id, region_path, treatment) in &rows {
            store::insert_target(
                &mut tx,
                &store::NewTarget {
                    campaign_id: id,
                    kind: d.kind.as_str(),
                    label,
                    enterprise_id: *enterprise_id,
                    region_id: *region_id,
                    region_path,
                    treatment: treatment.map(|t| t.as_str()),
                    by,
                },
            )
            .await?;
        }
        let after = serde_json::json!({ "added": rows.len(), "kind": d.kind });
        audit::record(
            &mut tx,
            who,
            "add_targets",
            "campaign",
            id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        self.campaign(who, id).await
    }

    /// Moves one target: in progress, cleared (with how), or back open (with why).
    pub async fn update_target(
        &self,
        who: &Principal,
        target_id: i64,
        input: &TargetUpdate,
    ) -> Result<TargetRow> {
        let t = store::target(&self.store, target_id)
            .await?
            .ok_or(Error::NotFound)?;
        self.visible_campaign(who, t.campaign_id).await?;
        if !who.can_read_region(&t.region_path) {
            return Err(Error::NotFound);
        }
        ensure(who.can_work_campaign(&t.region_path))?;
        let now = TargetStatus::parse(&t.status).unwrap_or(TargetStatus::Open);
        let ch = input.validate(now)?;
        let cleared_on = match ch.status {
            TargetStatus::Cleared if now == TargetStatus::Cleared => {
                t.cleared_on.as_deref().and_then(parse_date)
            }
            TargetStatus::Cleared => Some(local_time::day_of(Utc::now())),
            _ => None,
        };
        let mut tx = self.store.begin().await?;
        if !store::update_target(
            &mut tx,
            target_id,
            &t.status,
            ch.status.as_str(),
            ch.note.as_deref(),
            ch.treatment.map(|x| x.as_str()),
            cleared_on,
            crate::actor(who),
        )
        .await?
        {
            return Err(Invalid::one("status", "campaign.changed_meanwhile").into());
        }
        audit::record(
            &mut tx,
            who,
            "update",
            "campaign_target",
            target_id,
            Some(&t),
            Some(&ch),
        )
        .await?;
        let row = store::target(&mut tx, target_id)
            .await?
            .ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }
}
