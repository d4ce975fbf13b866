//! What the safety rating reads, for every enterprise of a region at once: one grouped query per
//! kind of fact, so that a city of a hundred thousand enterprises is rated in a few passes.

use crate::{Result, Store, on_read, path_upper};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// Which enterprises: those inside `path`, or only `enterprise_id`.
#[derive(Debug, Clone, Copy)]
pub struct RatingScope<'a> {
    pub path: &'a str,
    pub enterprise_id: Option<i64>,
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

/// (enterprise, open general, open major, overdue).
pub type HazardCounts = (i64, i64, i64, i64);
/// (enterprise, accidents in three years, fatal ones in the last year).
pub type AccidentCounts = (i64, i64, i64);

fn scoped(store: &Store, sql: String) -> sqlx::AssertSqlSafe<String> {
    store.optional_id(sql, 3)
}

pub async fn enterprises(store: &Store, s: RatingScope<'_>) -> Result<Vec<RatedEnterprise>> {
    let sql = scoped(
        store,
        "SELECT e.id, e.name, e.uscc, r.name AS region_name, e.region_path, e.industry_code, e.standard_grade
         FROM enterprises e JOIN regions r ON r.id = e.region_id
         WHERE e.region_path >= $1 AND e.region_path < $2 AND ($3 IS NULL OR e.id = $3) ORDER BY e.id"
            .into(),
    );
    Ok(
        on_read!(store, c => sqlx::query_as::<_, RatedEnterprise>(sql)
        .bind(s.path.to_string()).bind(path_upper(s.path)).bind(s.enterprise_id).fetch_all(c).await?),
    )
}

/// (enterprise, open general, open major, overdue) for the enterprises with open hazards.
pub async fn open_hazards(
    store: &Store,
    s: RatingScope<'_>,
    today: NaiveDate,
) -> Result<Vec<HazardCounts>> {
    let sql = scoped(
        store,
        "SELECT enterprise_id,
            CAST(SUM(CASE WHEN grade = 'major' THEN 0 ELSE 1 END) AS BIGINT),
            CAST(SUM(CASE WHEN grade = 'major' THEN 1 ELSE 0 END) AS BIGINT),
            CAST(SUM(CASE WHEN deadline < $4 THEN 1 ELSE 0 END) AS BIGINT)
         FROM hazards
         WHERE status <> 'closed' AND enterprise_id IS NOT NULL
           AND region_path >= $1 AND region_path < $2 AND ($3 IS NULL OR enterprise_id = $3)
         GROUP BY enterprise_id"
            .into(),
    );
    Ok(on_read!(store, c => sqlx::query_as(sql)
        .bind(s.path.to_string()).bind(path_upper(s.path)).bind(s.enterprise_id).bind(today)
        .fetch_all(c).await?))
}

/// (enterprise, inspections) since a day.
pub async fn inspections(
    store: &Store,
    s: RatingScope<'_>,
    since: NaiveDate,
) -> Result<Vec<(i64, i64)>> {
    let sql = scoped(
        store,
        "SELECT enterprise_id, COUNT(*) FROM inspections
         WHERE done_on >= $4 AND region_path >= $1 AND region_path < $2 AND ($3 IS NULL OR enterprise_id = $3)
         GROUP BY enterprise_id"
            .into(),
    );
    Ok(on_read!(store, c => sqlx::query_as(sql)
        .bind(s.path.to_string()).bind(path_upper(s.path)).bind(s.enterprise_id).bind(since)
        .fetch_all(c).await?))
}

/// (enterprise, accidents since `w.three_years_ago_at`, those with a death since `w.year_ago_at`).
pub async fn accidents(
    store: &Store,
    s: RatingScope<'_>,
    w: &Windows,
) -> Result<Vec<AccidentCounts>> {
    let sql = scoped(
        store,
        "SELECT enterprise_id, COUNT(*), CAST(SUM(CASE WHEN deaths > 0 AND occurred_at >= $5 THEN 1 ELSE 0 END) AS BIGINT)
         FROM incidents
         WHERE enterprise_id IS NOT NULL AND occurred_at >= $4
           AND region_path >= $1 AND region_path < $2 AND ($3 IS NULL OR enterprise_id = $3)
         GROUP BY enterprise_id"
            .into(),
    );
    Ok(on_read!(store, c => sqlx::query_as(sql)
        .bind(s.path.to_string()).bind(path_upper(s.path)).bind(s.enterprise_id)
        .bind(w.three_years_ago_at).bind(w.year_ago_at).fetch_all(c).await?))
}

/// (enterprise, penalties decided since a day).
pub async fn penalties(
    store: &Store,
    s: RatingScope<'_>,
    since: NaiveDate,
) -> Result<Vec<(i64, i64)>> {
    let sql = scoped(
        store,
        "SELECT enterprise_id, COUNT(*) FROM enforcement_cases
         WHERE enterprise_id IS NOT NULL AND decided_on >= $4
           AND region_path >= $1 AND region_path < $2 AND ($3 IS NULL OR enterprise_id = $3)
         GROUP BY enterprise_id"
            .into(),
    );
    Ok(on_read!(store, c => sqlx::query_as(sql)
        .bind(s.path.to_string()).bind(path_upper(s.path)).bind(s.enterprise_id).bind(since.to_string())
        .fetch_all(c).await?))
}

/// The enterprises on the blacklist today.
pub async fn blacklisted(store: &Store, s: RatingScope<'_>, today: NaiveDate) -> Result<Vec<i64>> {
    let sql = scoped(
        store,
        "SELECT DISTINCT enterprise_id FROM blacklist
         WHERE delisted_on IS NULL AND starts_on <= $4 AND ends_on >= $4
           AND region_path >= $1 AND region_path < $2 AND ($3 IS NULL OR enterprise_id = $3)"
            .into(),
    );
    Ok(on_read!(store, c => sqlx::query_scalar(sql)
        .bind(s.path.to_string()).bind(path_upper(s.path)).bind(s.enterprise_id).bind(today.to_string())
        .fetch_all(c).await?))
}
