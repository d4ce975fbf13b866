//! Enterprise safety ratings: the facts of every enterprise of the caller's region read in one
//! grouped pass each, rated by [`safegrid_domain::rating`], worst first. Every enterprise is
//! rated on each ask; names and places are read only for the rows shown.

use crate::{Result, Service, ensure};
use chrono::{Duration, Months, Utc};
use safegrid_domain::access::{Principal, Role};
use safegrid_domain::enterprise::StandardGrade;
use safegrid_domain::local_time;
use safegrid_domain::rating::{Facts, Grade, Rating, rate};
use safegrid_store::ratings::{self as store, RatedEnterprise, RatingScope, Windows};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// One enterprise's rating, with the facts it was computed from.
#[derive(Debug, Clone, Serialize)]
pub struct Rated {
    pub enterprise_id: i64,
    pub facts: Facts,
    pub rating: Rating,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnterpriseRating {
    pub enterprise: RatedEnterprise,
    pub facts: Facts,
    pub rating: Rating,
}

/// Which page of the ratings, of which grade.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RatingQuery {
    pub grade: Option<String>,
    pub page: Option<i64>,
}

/// Every enterprise counted per grade, and one page of them, worst first.
#[derive(Debug, Clone, Serialize)]
pub struct RatingBoard {
    pub total: usize,
    /// (grade, enterprises), A to D.
    pub tally: Vec<(Grade, usize)>,
    /// How many the grade asked for holds, and the page of them.
    pub matched: usize,
    pub page: i64,
    pub per_page: i64,
    pub rows: Vec<EnterpriseRating>,
}

const PER_PAGE: i64 = 100;

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

fn standard(level: i64) -> Option<StandardGrade> {
    match level {
        1 => Some(StandardGrade::Level1),
        2 => Some(StandardGrade::Level2),
        3 => Some(StandardGrade::Level3),
        _ => Some(StandardGrade::None),
    }
}

impl Service {
    async fn rating_scope<'a>(&self, who: &'a Principal) -> Result<RatingScope<'a>> {
        let root = self.public_region().await?;
        Ok(match who.role {
            Role::Monitor => return Err(crate::Error::Forbidden),
            Role::Enterprise => RatingScope::Enterprise(who.enterprise_id.unwrap_or(-1)),
            _ if who.region_path == "/" || who.region_path == root => RatingScope::All,
            _ => RatingScope::Within(&who.region_path),
        })
    }

    /// Every enterprise the caller sees (an enterprise: itself) rated, worst first.
    pub async fn rate_all(&self, who: &Principal) -> Result<Vec<Rated>> {
        let scope = self.rating_scope(who).await?;
        let mut all = self.rate(scope).await?;
        all.sort_by(|a, b| {
            b.rating
                .grade
                .cmp(&a.rating.grade)
                .then(a.rating.score.cmp(&b.rating.score))
                .then(a.enterprise_id.cmp(&b.enterprise_id))
        });
        Ok(all)
    }

    /// The tally of every grade and one page of the ratings (of one grade, if asked).
    pub async fn ratings(&self, who: &Principal, q: &RatingQuery) -> Result<RatingBoard> {
        let all = self.rate_all(who).await?;
        let tally = Grade::ALL
            .iter()
            .map(|g| (*g, all.iter().filter(|r| r.rating.grade == *g).count()))
            .collect();
        let grade = q.grade.as_deref().and_then(|g| {
            Grade::ALL
                .iter()
                .copied()
                .find(|x| x.as_str().eq_ignore_ascii_case(g))
        });
        let chosen: Vec<&Rated> = all
            .iter()
            .filter(|r| grade.is_none_or(|g| r.rating.grade == g))
            .collect();
        let page = q.page.unwrap_or(1).max(1);
        let shown: Vec<&Rated> = chosen
            .iter()
            .skip(((page - 1) * PER_PAGE) as usize)
            .take(PER_PAGE as usize)
            .copied()
            .collect();
        Ok(RatingBoard {
            total: all.len(),
            tally,
            matched: chosen.len(),
            page,
            per_page: PER_PAGE,
            rows: self.with_details(&shown).await?,
        })
    }

    /// Every rating with the enterprise's name and place, for the insurers' sheet.
    pub async fn ratings_sheet(&self, who: &Principal) -> Result<Vec<EnterpriseRating>> {
        let all = self.rate_all(who).await?;
        let refs: Vec<&Rated> = all.iter().collect();
        self.with_details(&refs).await
    }

    async fn with_details(&self, rated: &[&Rated]) -> Result<Vec<EnterpriseRating>> {
        let mut details: HashMap<i64, RatedEnterprise> = HashMap::new();
        for chunk in rated.chunks(5_000) {
            let ids: Vec<i64> = chunk.iter().map(|r| r.enterprise_id).collect();
            details.extend(
                store::details(&self.store, &ids)
                    .await?
                    .into_iter()
                    .map(|e| (e.id, e)),
            );
        }
        Ok(rated
            .iter()
            .filter_map(|r| {
                details.remove(&r.enterprise_id).map(|e| EnterpriseRating {
                    enterprise: e,
                    facts: r.facts,
                    rating: r.rating.clone(),
                })
            })
            .collect())
    }

    /// One enterprise's rating, for its page.
    pub async fn rating_of(
        &self,
        who: &Principal,
        enterprise_id: i64,
    ) -> Result<Option<EnterpriseRating>> {
        ensure(who.role != Role::Monitor)?;
        let Some(r) = self
            .rate(RatingScope::Enterprise(enterprise_id))
            .await?
            .pop()
        else {
            return Ok(None);
        };
        Ok(self.with_details(&[&r]).await?.pop().filter(|r| {
            who.can_read_enterprise(safegrid_domain::access::EnterpriseFacts {
                id: Some(r.enterprise.id),
                region_path: &r.enterprise.region_path,
                industry_code: &r.enterprise.industry_code,
            })
        }))
    }

    async fn rate(&self, scope: RatingScope<'_>) -> Result<Vec<Rated>> {
        let w = windows();
        let s = &self.store;
        let (enterprises, overdue, accidents, penalties, listed) = tokio::try_join!(
            store::enterprises(s, scope, w.year_ago),
            store::overdue(s, scope, w.today),
            store::accidents(s, scope, &w),
            store::penalties(s, scope, w.year_ago),
            store::blacklisted(s, scope, w.today),
        )?;
        let overdue: HashMap<i64, i64> = overdue.into_iter().map(|[e, n]| (e, n)).collect();
        let accidents: HashMap<i64, [i64; 2]> =
            accidents.into_iter().map(|[e, a, f]| (e, [a, f])).collect();
        let penalties: HashMap<i64, i64> = penalties.into_iter().map(|[e, n]| (e, n)).collect();
        let listed: HashSet<i64> = listed.into_iter().collect();
        Ok(enterprises
            .into_iter()
            .map(|[id, level, open, open_major, inspected]| {
                let [accidents_3y, fatal_12m] = accidents.get(&id).copied().unwrap_or_default();
                let facts = Facts {
                    open_general: open - open_major,
                    open_major,
                    overdue: overdue.get(&id).copied().unwrap_or_default(),
                    inspected_12m: inspected == 1,
                    accidents_3y,
                    fatal_12m,
                    penalties_12m: penalties.get(&id).copied().unwrap_or_default(),
                    blacklisted: listed.contains(&id),
                    standard: standard(level),
                };
                Rated {
                    enterprise_id: id,
                    rating: rate(&facts),
                    facts,
                }
            })
            .collect())
    }
}
