//! Risk points (风险点) and their grading by LEC or LS with the bands in force, which are
//! configuration. Changing the bands re-grades nothing by itself: re-grading is its own, audited
//! action. Risk identification lists gather risk points for a major event, a key period or a
//! major change, with their dates.

use crate::{Error, Result, Service, audit, ensure};
use safegrid_domain::Invalid;
use safegrid_domain::access::{EnterpriseFacts, Principal, Role};
use safegrid_domain::region::is_within;
use safegrid_domain::risk::{Assessment, RiskBands, RiskPointInput};
use safegrid_domain::risk_list::{Phase, RiskListInput, phase};
use safegrid_store::risks::{self, NewRiskPoint, RiskListRow, RiskPointRow};
use safegrid_store::{Tx, enterprises, regions};
use serde::Serialize;

/// A risk identification list with where today falls in its period and its risk points.
#[derive(Debug, Clone, Serialize)]
pub struct RiskListView {
    pub list: RiskListRow,
    pub phase: Phase,
    pub points: Vec<RiskPointRow>,
}

const BANDS_KEY: &str = "risk_bands";

impl Service {
    /// The bands in force (the defaults of rules.md until someone sets others).
    pub async fn risk_bands(&self) -> Result<RiskBands> {
        self.config(BANDS_KEY).await
    }

    /// Sets the bands; existing gradings stay until [`Service::regrade_risks`] is run.
    pub async fn set_risk_bands(&self, who: &Principal, bands: &RiskBands) -> Result<()> {
        ensure(who.can_configure())?;
        bands.validate()?;
        self.put_config(who, BANDS_KEY, bands).await
    }

    /// Grades every risk point in the caller's scope again with the bands in force; returns how
    /// many changed level. Each change is audited.
    pub async fn regrade_risks(&self, who: &Principal) -> Result<usize> {
        ensure(matches!(
            who.role,
            Role::Admin | Role::EmergencyOffice | Role::Leader
        ))?;
        let bands = self.risk_bands().await?;
        let points = risks::list(&self.store, &who.scope(), None, None).await?;
        let mut tx = self.store.begin().await?;
        let mut changed = 0;
        for p in points {
            let a: Assessment =
                serde_json::from_str(&p.assessment).map_err(|e| Error::Internal(e.to_string()))?;
            let level = a.level(&bands);
            if level.as_str() != p.level {
                risks::set_grading(&mut tx, p.id, level.as_str(), level.tier().as_str()).await?;
                let after = risks::get(&mut tx, p.id).await?;
                audit::record(
                    &mut tx,
                    who,
                    "regrade",
                    "risk_point",
                    p.id,
                    Some(&p),
                    after.as_ref(),
                )
                .await?;
                changed += 1;
            }
        }
        tx.commit().await?;
        Ok(changed)
    }

    pub async fn create_risk_point(
        &self,
        who: &Principal,
        input: &RiskPointInput,
    ) -> Result<RiskPointRow> {
        let mut tx = self.store.begin().await?;
        let row = self.insert_risk_point(&mut tx, who, input).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Checks, grades, stores and audits a risk point in the caller's transaction.
    async fn insert_risk_point(
        &self,
        tx: &mut Tx,
        who: &Principal,
        input: &RiskPointInput,
    ) -> Result<RiskPointRow> {
        let draft = input.validate()?;
        let bands = self.risk_bands().await?;
        let enterprise_id = crate::registry::parse_opt_id(Some(&input.enterprise_id));
        let region_id = match enterprise_id {
            Some(id) => {
                let e = enterprises::get(&mut *tx, id)
                    .await?
                    .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
                ensure(who.can_write_enterprise(EnterpriseFacts {
                    id: Some(e.id),
                    region_path: &e.region_path,
                    industry_code: &e.industry_code,
                }))?;
                e.region_id
            }
            None => {
                let rid = crate::registry::parse_opt_id(Some(&input.region_id))
                    .ok_or_else(|| Invalid::one("region_id", "required"))?;
                let r = regions::get(&mut *tx, rid)
                    .await?
                    .ok_or_else(|| Invalid::one("region_id", "not_a_reference"))?;
                ensure(who.can_write_people(&r.path))?;
                rid
            }
        };
        let level = draft.assessment.level(&bands);
        let assessment =
            serde_json::to_string(&draft.assessment).map_err(|e| Error::Internal(e.to_string()))?;
        let id = risks::insert(
            tx,
            &NewRiskPoint {
                enterprise_id,
                region_id,
                post: draft.post.as_deref(),
                name: &draft.name,
                hazard_factor: &draft.hazard_factor,
                accident_type: draft.accident_type.as_deref(),
                controls: &draft.controls,
                assessment: &assessment,
                score: draft.assessment.score() as i64,
                level: level.as_str(),
                tier: level.tier().as_str(),
            },
        )
        .await?;
        let row = risks::get(&mut *tx, id).await?.ok_or(Error::NotFound)?;
        audit::record(tx, who, "create", "risk_point", id, None::<&()>, Some(&row)).await?;
        Ok(row)
    }

    /// A risk identification list (a major event, a key period, a major change) in a region the
    /// caller may keep people and places in.
    pub async fn create_risk_list(
        &self,
        who: &Principal,
        input: &RiskListInput,
    ) -> Result<RiskListRow> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let region =
            crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_write_people(&region.path))?;
        let id = risks::insert_list(&mut tx, &d, &region.path).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "risk_list",
            id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        let row = risks::list_of(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Loads a list the caller may add to, in the transaction that adds.
    async fn keeping_list(&self, tx: &mut Tx, who: &Principal, id: i64) -> Result<RiskListRow> {
        let l = risks::list_of(&mut *tx, id)
            .await?
            .filter(|l| who.can_read_region(&l.region_path))
            .ok_or(Error::NotFound)?;
        ensure(who.can_write_people(&l.region_path))?;
        Ok(l)
    }

    /// Puts a risk point already known, inside the list's region, on the list (once).
    pub async fn add_to_risk_list(
        &self,
        who: &Principal,
        list_id: i64,
        risk_point_id: &str,
    ) -> Result<RiskListRow> {
        let mut tx = self.store.begin().await?;
        let list = self.keeping_list(&mut tx, who, list_id).await?;
        let point = crate::registry::parse_opt_id(Some(risk_point_id));
        let point = match point {
            Some(id) => risks::get(&mut tx, id).await?,
            None => None,
        }
        .filter(|p| is_within(&p.region_path, &list.region_path))
        .ok_or_else(|| Invalid::one("risk_point_id", "not_a_reference"))?;
        if !risks::add_to_list(&mut tx, list_id, point.id).await? {
            return Err(Invalid::one("risk_point_id", "risk_list.on_already").into());
        }
        audit::record(
            &mut tx,
            who,
            "add_point",
            "risk_list",
            list_id,
            None::<&()>,
            Some(&point.id),
        )
        .await?;
        tx.commit().await?;
        Ok(list)
    }

    /// A new risk point of the list's own (a major event's crowd, its temporary power), made and
    /// put on the list in one transaction. It lies in the list's region unless it is an
    /// enterprise's.
    pub async fn create_list_risk_point(
        &self,
        who: &Principal,
        list_id: i64,
        input: &RiskPointInput,
    ) -> Result<RiskPointRow> {
        let mut tx = self.store.begin().await?;
        let list = self.keeping_list(&mut tx, who, list_id).await?;
        let mut input = input.clone();
        if input.enterprise_id.trim().is_empty() && input.region_id.trim().is_empty() {
            input.region_id = list.region_id.to_string();
        }
        let row = self.insert_risk_point(&mut tx, who, &input).await?;
        if !is_within(&row.region_path, &list.region_path) {
            return Err(Invalid::one("region_id", "risk_list.outside").into());
        }
        risks::add_to_list(&mut tx, list_id, row.id).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// The lists of the caller's area, each with its phase today and its risk points.
    pub async fn risk_lists(&self, who: &Principal) -> Result<Vec<RiskListView>> {
        ensure(who.can_read_region(&who.region_path))?;
        let lists = risks::lists_within(&self.store, &who.region_path).await?;
        let mut points = risks::list_points_within(&self.store, &who.region_path).await?;
        let today = safegrid_domain::local_time::day_of(chrono::Utc::now());
        lists
            .into_iter()
            .map(|list| {
                let day = |s: &str| {
                    safegrid_domain::hazard::parse_date(s)
                        .ok_or_else(|| Error::Internal(format!("risk list {} date {s}", list.id)))
                };
                let phase = phase(day(&list.starts_on)?, day(&list.ends_on)?, today);
                let (mine, rest): (Vec<_>, Vec<_>) =
                    points.drain(..).partition(|(l, _)| *l == list.id);
                points = rest;
                Ok(RiskListView {
                    phase,
                    points: mine.into_iter().map(|(_, p)| p).collect(),
                    list,
                })
            })
            .collect()
    }

    /// Risk points the caller sees, most severe first.
    pub async fn risk_points(
        &self,
        who: &Principal,
        enterprise_id: Option<i64>,
        level: Option<&str>,
    ) -> Result<Vec<RiskPointRow>> {
        Ok(risks::list(&self.store, &who.scope(), enterprise_id, level).await?)
    }
}

/// The score of a stored assessment as people write it (D or R).
pub fn score_text(p: &RiskPointRow) -> String {
    serde_json::from_str::<Assessment>(&p.assessment)
        .map(|a| a.score_text())
        .unwrap_or_default()
}

/// "LEC" or "LS".
pub fn method_of(p: &RiskPointRow) -> &'static str {
    match serde_json::from_str::<Assessment>(&p.assessment) {
        Ok(Assessment::Lec { .. }) => "LEC",
        Ok(Assessment::Ls { .. }) => "LS",
        Err(_) => "",
    }
}
