//! Risk points (风险点) and their grading by LEC or LS with the bands in force, which are
//! configuration. Changing the bands re-grades nothing by itself: re-grading is its own, audited
//! action.

use crate::{Error, Result, Service, audit, ensure};
use safegrid_domain::Invalid;
use safegrid_domain::access::{EnterpriseFacts, Principal, Role};
use safegrid_domain::risk::{Assessment, RiskBands, RiskPointInput};
use safegrid_store::risks::{self, NewRiskPoint, RiskPointRow};
use safegrid_store::{enterprises, regions};

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
        let draft = input.validate()?;
        let bands = self.risk_bands().await?;
        let enterprise_id = crate::registry::parse_opt_id(Some(&input.enterprise_id));
        let mut tx = self.store.begin().await?;
        let region_id = match enterprise_id {
            Some(id) => {
                let e = enterprises::get(&mut tx, id)
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
                let r = regions::get(&mut tx, rid)
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
            &mut tx,
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
        let row = risks::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "create",
            "risk_point",
            id,
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
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
