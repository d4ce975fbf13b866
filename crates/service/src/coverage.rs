//! The coverage report: the first thing a town leader opens. It lists where nobody answers:
//! enterprises without a liaison group or a supervising department, high-risk enterprises without
//! a chief engineer or safety director, villages without a grid member.

use crate::{Result, Service, ensure};
use safegrid_domain::access::Principal;
pub use safegrid_store::coverage::Coverage;

impl Service {
    pub async fn coverage(&self, who: &Principal) -> Result<Coverage> {
        ensure(who.can_read_region(&who.region_path))?;
        Ok(safegrid_store::coverage::report(&self.store, &who.region_path).await?)
    }
}
