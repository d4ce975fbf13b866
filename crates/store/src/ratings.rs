//! What the safety rating reads, for every enterprise of a region at once: one grouped query per
//! kind of fact, so that a city of a hundred thousand enterprises is rated in a few passes.
//!
//! The whole tree is read by enterprise, in the order of the enterprise-led indexes, with no
//! region test at all (a region range would make the database sort a third of a million open
//! hazards to group them); a region is read through its own enterprises or its region index.

use crate::{Result, Store, on_read, path_upper};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// Which enterprises.
#[derive(Debug, Clone, Copy)]
pub enum RatingScope<'a> {
    /// Every enterprise (the caller sees the whole tree).
    All,
    /// Those inside a region.
    Within(&'a str),
    /// One enterprise.
    Enterprise(i64),
}

impl RatingScope<'_> {
    /// The test of a fact table's rows, its parameters numbered from `$2` (`$1` is the fact's
    /// own: a day or a moment). `hazards` reach a region through its enterprises.
    fn clause(&self, table: &str) -> String {
        match self {
            RatingScope::All => "enterprise_id IS NOT NULL".into(),
            RatingScope::Within(_) if table == "hazards" => {
                "enterprise_id IN (SELECT id FROM enterprises WHERE region_path >= $2 AND region_path < $3)"
                    .into()
            }
            RatingScope::Within(_) => {
                "enterprise_id IS NOT NULL AND region_path >= $2 AND region_path < $3".into()
            }
            RatingScope::Enterprise(_) => "enterprise_id = $2".into(),
        }
    }
}

/// Binds the scope's parameters after the fact's own.
macro_rules! bind_scope {
    ($q:expr, $s:expr) => {
        match $s {
            RatingScope::All => $q,
            RatingScope::Within(p) => $q.bind(p.to_string()).bind(path_upper(p)),
            RatingScope::Enterprise(id) => $q.bind(id),
        }
    };
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RatedEnterprise {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub region_name: String,
    pub region_path: String,
    pub industry_code: String,
    pub standard_grade: String,
}

/// The moments the windows of the rating start at.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    pub today: NaiveDate,
    pub year_ago: NaiveDate,
    pub year_ago_at: DateTime<Utc>,
    pub three_years_ago_at: DateTime<Utc>,
}

/// (enterprise, open hazards, open major ones, overdue ones).
pub type HazardCounts = (i64, i64, i64, i64);
/// (enterprise, accidents in three years, fatal ones in the last year).
pub type AccidentCounts = (i64, i64, i64);

pub async fn enterprises(store: &Store, s: RatingScope<'_>) -> Result<Vec<RatedEnterprise>> {
    let clause = match s {
        RatingScope::All => "TRUE",
        RatingScope::Within(_) => "e.region_path >= $1 AND e.region_path < $2",
        RatingScope::Enterprise(_) => "e.id = $1",
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT e.id, e.name, e.uscc, r.name AS region_name, e.region_path, e.industry_code, e.standard_grade
         FROM enterprises e JOIN regions r ON r.id = e.region_id WHERE {clause}"
    ));
    Ok(
        on_read!(store, c => bind_scope!(sqlx::query_as::<_, RatedEnterprise>(sql), s).fetch_all(c).await?),
    )
}

/// The open hazards of each enterprise that has any, with the major and the overdue ones.
pub async fn open_hazards(
    store: &Store,
    s: RatingScope<'_>,
    today: NaiveDate,
) -> Result<Vec<HazardCounts>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT enterprise_id, COUNT(*), COUNT(*) FILTER (WHERE grade = 'major'),
            COUNT(*) FILTER (WHERE deadline < $1)
         FROM hazards WHERE status <> 'closed' AND {} GROUP BY enterprise_id",
        s.clause("hazards")
    ));
    Ok(on_read!(store, c => bind_scope!(sqlx::query_as(sql).bind(today), s).fetch_all(c).await?))
}

/// (enterprise, inspections) since a day.
pub async fn inspections(
    store: &Store,
    s: RatingScope<'_>,
    since: NaiveDate,
) -> Result<Vec<(i64, i64)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT enterprise_id, COUNT(*) FROM inspections WHERE done_on >= $1 AND {} GROUP BY enterprise_id",
        s.clause("inspections")
    ));
    Ok(on_read!(store, c => bind_scope!(sqlx::query_as(sql).bind(since), s).fetch_all(c).await?))
}

/// (enterprise, accidents since `w.three_years_ago_at`, those with a death since `w.year_ago_at`).
pub async fn accidents(
    store: &Store,
    s: RatingScope<'_>,
    w: &Windows,
) -> Result<Vec<AccidentCounts>> {
    // The second moment goes after the scope's parameters.
    let n = match s {
        RatingScope::All => 2,
        RatingScope::Within(_) => 4,
        RatingScope::Enterprise(_) => 3,
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT enterprise_id, COUNT(*), COUNT(*) FILTER (WHERE deaths > 0 AND occurred_at >= ${n})
         FROM incidents WHERE occurred_at >= $1 AND {} GROUP BY enterprise_id",
        s.clause("incidents")
    ));
    Ok(
        on_read!(store, c => bind_scope!(sqlx::query_as(sql).bind(w.three_years_ago_at), s)
        .bind(w.year_ago_at).fetch_all(c).await?),
    )
}

/// (enterprise, penalties decided since a day).
pub async fn penalties(
    store: &Store,
    s: RatingScope<'_>,
    since: NaiveDate,
) -> Result<Vec<(i64, i64)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT enterprise_id, COUNT(*) FROM enforcement_cases WHERE decided_on >= $1 AND {} GROUP BY enterprise_id",
        s.clause("enforcement_cases")
    ));
    Ok(
        on_read!(store, c => bind_scope!(sqlx::query_as(sql).bind(since.to_string()), s).fetch_all(c).await?),
    )
}

/// The enterprises on the blacklist today.
pub async fn blacklisted(store: &Store, s: RatingScope<'_>, today: NaiveDate) -> Result<Vec<i64>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT enterprise_id FROM blacklist
         WHERE delisted_on IS NULL AND starts_on <= $1 AND ends_on >= $1 AND {}",
        s.clause("blacklist")
    ));
    Ok(
        on_read!(store, c => bind_scope!(sqlx::query_scalar(sql).bind(today.to_string()), s).fetch_all(c).await?),
    )
}
