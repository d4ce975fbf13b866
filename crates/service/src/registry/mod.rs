//! The registry use cases (work plan tasks 1-4): regions, departments, enterprises, people, key
//! units, liaison groups and committees.

pub(crate) mod enterprises;
mod organisations;
pub(crate) mod people;
mod regions;

pub use enterprises::{EnterpriseQuery, row_input};
pub use organisations::CommitteeView;
pub use people::PersonQuery;
pub use regions::{RegionInput, RegionOverview};

use crate::{Error, Result, Service, ensure};
use safegrid_domain::access::{EnterpriseFacts, Principal};
use safegrid_store::audit::AuditRow;
use safegrid_store::{
    Src, enterprises as ent_store, organisations as org_store, people as people_store,
    regions as region_store,
};

/// Parses an id typed into a form or query string; `None` when empty.
pub fn parse_opt_id(s: Option<&str>) -> Option<i64> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| s.parse().ok())
}

/// Loads a region that an input refers to, or names the field that points nowhere.
pub(crate) async fn referenced_region(
    src: impl Into<Src<'_>>,
    field: &str,
    id: i64,
) -> Result<region_store::RegionRow> {
    region_store::get(src, id)
        .await?
        .ok_or_else(|| Error::Invalid(safegrid_domain::Invalid::one(field, "not_a_reference")))
}

/// A region named in an input that the caller may see; one they may not reads as no such
/// region, so nothing is told of regions outside their scope.
pub(crate) async fn visible_region(
    src: impl Into<Src<'_>>,
    who: &safegrid_domain::access::Principal,
    field: &str,
    id: i64,
) -> Result<region_store::RegionRow> {
    let r = referenced_region(src, field, id).await?;
    if who.can_read_region(&r.path) {
        Ok(r)
    } else {
        Err(Error::Invalid(safegrid_domain::Invalid::one(
            field,
            "not_a_reference",
        )))
    }
}

impl Service {
    /// The history of one record, newest first, for a caller who may read the audit and may see
    /// the record.
    pub async fn entity_history(
        &self,
        who: &Principal,
        entity_type: &str,
        id: i64,
    ) -> Result<Vec<AuditRow>> {
        ensure(who.can_read_audit())?;
        let visible = match entity_type {
            "enterprise" => ent_store::get(&self.store, id).await?.is_some_and(|e| {
                who.can_read_enterprise(EnterpriseFacts {
                    id: Some(e.id),
                    region_path: &e.region_path,
                    industry_code: &e.industry_code,
                })
            }),
            "person" => people_store::get(&self.store, id)
                .await?
                .is_some_and(|p| who.can_read_region(&p.region_path)),
            "region" => region_store::get(&self.store, id)
                .await?
                .is_some_and(|r| who.can_read_region(&r.path)),
            "department" => org_store::department(&self.store, id)
                .await?
                .is_some_and(|d| who.can_read_region(&d.region_path)),
            "hazard" => self.hazard(who, id).await.is_ok(),
            "inspection" => self.inspection(who, id).await.is_ok(),
            "risk_point" => safegrid_store::risks::get(&self.store, id)
                .await?
                .is_some_and(|p| who.can_read_region(&p.region_path)),
            _ => who.can_manage_users(),
        };
        ensure(visible)?;
        self.history(who, entity_type, id).await
    }
}
