//! Enterprise safety ratings: the facts of every enterprise of the caller's region read in one
//! grouped pass each, rated by [`safegrid_domain::rating`], worst first.

use crate::{Result, Service, ensure};
use chrono::{Duration, Months, Utc};
use safegrid_domain::access::{Principal, Role};
use safegrid_domain::enterprise::StandardGrade;
use safegrid_domain::local_time;
use safegrid_domain::rating::{Facts, Rating, rate};
use safegrid_store::ratings::{self as store, RatedEnterprise, RatingScope, Windows};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct EnterpriseRating {
    pub enterprise: RatedEnterprise,
    pub facts: Facts,
    pub rating: Rating,
}

fn windows() -> Windows {
    let now = Utc::now();
    let today = local_time::day_of(now);
    Windows {
        today,
        year_ago: today.checked_sub_months(Months::new(12)).unwrap_or(today),
        year_ago_at: now - Duration::days(365),
        three_years_ago_at: now - Duration::days(3 * 365 + 1),
    }
}

impl Service {
    /// The rating of every enterprise the caller sees (an enterprise: its own), worst first.
    pub async fn ratings(&self, who: &Principal) -> Result<Vec<EnterpriseRating>> {
        let root = self.public_region().await?;
        let scope = match who.role {
            Role::Monitor => return Err(crate::Error::Forbidden),
            Role::Enterprise => RatingScope::Enterprise(who.enterprise_id.unwrap_or(-1)),
            _ if who.region_path == "/" || who.region_path == root => RatingScope::All,
            _ => RatingScope::Within(&who.region_path),
        };
        let mut all = self.rate(scope).await?;
        all.sort_by(|a, b| {
            b.rating
                .grade
                .as_str()
                .cmp(a.rating.grade.as_str())
                .then(a.rating.score.cmp(&b.rating.score))
                .then(a.enterprise.id.cmp(&b.enterprise.id))
        });
        Ok(all)
    }

    /// One enterprise's rating, for its page.
    pub async fn rating_of(
        &self,
        who: &Principal,
        enterprise_id: i64,
    ) -> Result<Option<EnterpriseRating>> {
        ensure(who.role != Role::Monitor)?;
        let r = self
            .rate(RatingScope::Enterprise(enterprise_id))
            .await?
            .pop();
        Ok(r.filter(|r| {
            who.can_read_enterprise(safegrid_domain::access::EnterpriseFacts {
                id: Some(r.enterprise.id),
                region_path: &r.enterprise.region_path,
                industry_code: &r.enterprise.industry_code,
            })
        }))
    }

    async fn rate(&self, scope: RatingScope<'_>) -> Result<Vec<EnterpriseRating>> {
        let w = windows();
        let s = &self.store;
        let (enterprises, hazards, inspections, accidents, penalties, listed) = tokio::try_join!(
            store::enterprises(s, scope),
            store::open_hazards(s, scope, w.today),
            store::inspections(s, scope, w.year_ago),
            store::accidents(s, scope, &w),
            store::penalties(s, scope, w.year_ago),
            store::blacklisted(s, scope, w.today),
        )?;
        let hazards: HashMap<i64, (i64, i64, i64)> = hazards
            .into_iter()
            .map(|(e, g, m, o)| (e, (g, m, o)))
            .collect();
        let inspections: HashMap<i64, i64> = inspections.into_iter().collect();
        let accidents: HashMap<i64, (i64, i64)> =
            accidents.into_iter().map(|(e, a, f)| (e, (a, f))).collect();
        let penalties: HashMap<i64, i64> = penalties.into_iter().collect();
        let listed: HashSet<i64> = listed.into_iter().collect();
        Ok(enterprises
            .into_iter()
            .map(|e| {
                let (open_general, open_major, overdue) =
                    hazards.get(&e.id).copied().unwrap_or_default();
                let (accidents_3y, fatal_12m) = accidents.get(&e.id).copied().unwrap_or_default();
                let facts = Facts {
                    open_general,
                    open_major,
                    overdue,
                    inspections_12m: inspections.get(&e.id).copied().unwrap_or_default(),
                    accidents_3y,
                    fatal_12m,
                    penalties_12m: penalties.get(&e.id).copied().unwrap_or_default(),
                    blacklisted: listed.contains(&e.id),
                    standard: StandardGrade::parse(&e.standard_grade),
                };
                EnterpriseRating {
                    rating: rate(&facts),
                    facts,
                    enterprise: e,
                }
            })
            .collect())
    }
}
