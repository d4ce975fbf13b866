use super::referenced_region;
use crate::{Error, Result, Service, audit, duplicate_as, ensure};
use safegrid_domain::access::{EnterpriseFacts, Principal, Role};
use safegrid_domain::enterprise::{EnterpriseDraft, EnterpriseInput};
use safegrid_store::enterprises::{self, EnterpriseFilter, EnterpriseRow};
use safegrid_store::{Page, Tx};
use serde::Deserialize;

/// The filters of the enterprise list, as a query string carries them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EnterpriseQuery {
    pub region_id: Option<String>,
    pub industry: Option<String>,
    /// `true`/`false`, or empty for both.
    pub high_risk: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn facts(e: &EnterpriseRow) -> EnterpriseFacts<'_> {
    EnterpriseFacts {
        id: Some(e.id),
        region_path: &e.region_path,
        industry_code: &e.industry_code,
    }
}

impl Service {
    pub async fn create_enterprise(
        &self,
        who: &Principal,
        input: &EnterpriseInput,
    ) -> Result<EnterpriseRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let row = write_enterprise(&mut tx, who, None, &draft).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn update_enterprise(
        &self,
        who: &Principal,
        id: i64,
        input: &EnterpriseInput,
    ) -> Result<EnterpriseRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let before = enterprises::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        if !who.can_read_enterprise(facts(&before)) {
            return Err(Error::NotFound);
        }
        let row = write_enterprise(&mut tx, who, Some(before), &draft).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn enterprise(&self, who: &Principal, id: i64) -> Result<EnterpriseRow> {
        let e = enterprises::get(&self.store, id)
            .await?
            .ok_or(Error::NotFound)?;
        // A record the caller may not see is reported as missing, so ids cannot be probed.
        if !who.can_read_enterprise(facts(&e)) {
            return Err(Error::NotFound);
        }
        Ok(e)
    }

    /// The stored enterprise as a draft, to pre-fill its edit form.
    pub async fn enterprise_input(&self, who: &Principal, id: i64) -> Result<EnterpriseInput> {
        let e = self.enterprise(who, id).await?;
        Ok(row_input(&e))
    }

    pub async fn enterprises(
        &self,
        who: &Principal,
        q: &EnterpriseQuery,
    ) -> Result<Page<EnterpriseRow>> {
        let scope = who.scope();
        let region_path = match super::parse_opt_id(q.region_id.as_deref()) {
            Some(id) => {
                let r = self.region(who, id).await.map_err(|_| Error::Forbidden)?;
                Some(r.path)
            }
            None => None,
        };
        let high_risk = match q.high_risk.as_deref().map(str::trim) {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => None,
        };
        let filter = EnterpriseFilter {
            scope,
            region_path,
            industry: q
                .industry
                .as_deref()
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty()),
            high_risk,
            q: q.q.clone(),
            page: q.page.unwrap_or(1),
            per_page: q.per_page.unwrap_or(20),
        };
        Ok(enterprises::list(&self.store, &filter).await?)
    }

    /// Every enterprise the caller can see; for export.
    pub async fn all_enterprises(&self, who: &Principal) -> Result<Vec<EnterpriseRow>> {
        Ok(enterprises::all_within(&self.store, &who.scope()).await?)
    }
}

/// Creates (`before` is `None`) or changes an enterprise inside `tx`, with its audit entry.
///
/// The caller must be allowed to change the enterprise as it is and as it will be, so a
/// department cannot hand an enterprise to an industry it does not supervise, nor a village to
/// another village. An enterprise's own account cannot change the facts the government
/// determines: its region, industry and high-risk flag.
pub(crate) async fn write_enterprise(
    tx: &mut Tx,
    who: &Principal,
    before: Option<EnterpriseRow>,
    draft: &EnterpriseDraft,
) -> Result<EnterpriseRow> {
    let region = referenced_region(&mut *tx, "region_id", draft.region_id).await?;
    let id = before.as_ref().map(|b| b.id);
    if let Some(b) = &before {
        ensure(who.can_write_enterprise(facts(b)))?;
    }
    ensure(who.can_write_enterprise(EnterpriseFacts {
        id,
        region_path: &region.path,
        industry_code: &draft.industry_code,
    }))?;
    let id = match &before {
        Some(b) => {
            if who.role == Role::Enterprise {
                ensure(
                    draft.region_id == b.region_id
                        && draft.industry_code == b.industry_code
                        && draft.high_risk == b.high_risk,
                )?;
            }
            enterprises::update(tx, b.id, draft)
                .await
                .map_err(duplicate_as("uscc", "uscc.duplicate"))?;
            b.id
        }
        None => enterprises::insert(tx, draft)
            .await
            .map_err(duplicate_as("uscc", "uscc.duplicate"))?,
    };
    let after = enterprises::get(&mut *tx, id)
        .await?
        .ok_or(Error::NotFound)?;
    let action = if before.is_some() { "update" } else { "create" };
    audit::record(
        tx,
        who,
        action,
        "enterprise",
        id,
        before.as_ref(),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// The form input that reproduces a stored enterprise.
pub fn row_input(e: &EnterpriseRow) -> EnterpriseInput {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    EnterpriseInput {
        name: e.name.clone(),
        uscc: e.uscc.clone(),
        region_id: e.region_id.to_string(),
        industry_code: e.industry_code.clone(),
        scale: e.scale.clone(),
        high_risk: e.high_risk.to_string(),
        address: o(&e.address),
        legal_representative: e.legal_representative.clone(),
        legal_representative_mobile: o(&e.legal_representative_mobile),
        actual_controller: o(&e.actual_controller),
        safety_director: o(&e.safety_director),
        safety_director_mobile: o(&e.safety_director_mobile),
        chief_engineer: o(&e.chief_engineer),
        standard_grade: e.standard_grade.clone(),
        fringe_treatment: e.fringe_treatment.clone(),
        employees: e.employees.to_string(),
    }
}
