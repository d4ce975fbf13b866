//! The coverage report: the first thing a town leader opens. It lists where nobody answers:
//! enterprises without a liaison group or a supervising department, high-risk enterprises without
//! a chief engineer or safety director, villages without a grid member, hazard sites and
//! reservoirs missing one of the people who must answer for them.

use crate::{Result, Service, ensure};
use safegrid_domain::access::Principal;
use safegrid_domain::monitoring::ObjectKind;
pub use safegrid_store::coverage::Coverage;

impl Service {
    pub async fn coverage(&self, who: &Principal) -> Result<Coverage> {
        ensure(who.can_read_region(&who.region_path))?;
        let duties: Vec<(&str, &str)> = ObjectKind::ALL
            .iter()
            .flat_map(|k| k.required_roles().iter().map(|r| (k.as_str(), r.as_str())))
            .collect();
        Ok(safegrid_store::coverage::report(&self.store, &who.region_path, &duties).await?)
    }
}
