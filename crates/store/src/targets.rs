//! The facts the plan's targets are measured from, for a scope and a year: incidents with their
//! casualties and burned forest, forest areas, 五有 households, enterprises inspected, outreach
//! and guardrail built. Each is counted in the database and grouped only as finely as asked (the
//! whole scope, its villages, or its industries), so the city's dashboard reads a handful of rows.

use crate::{Result, Store, on_read, path_upper};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// How finely a fact is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// One row for the whole scope (its `region_path` and `industry_code` empty).
    Scope,
    /// One row per region path (a village, for enterprises and incidents).
    Region,
    /// One row per industry code (enterprises; incidents by their enterprise's industry).
    Industry,
}

impl By {
    /// (region column, industry column, GROUP BY clause) for a table aliased `x` whose industry
    /// is read from `industry`.
    fn columns(self, industry: &str) -> (String, String, String) {
        match self {
            By::Scope => ("''".into(), "''".into(), String::new()),
            By::Region => (
                "x.region_path".into(),
                "''".into(),
                " GROUP BY x.region_path".into(),
            ),
            By::Industry => (
                "''".into(),
                format!("COALESCE({industry}, '')"),
                format!(" GROUP BY COALESCE({industry}, '')"),
            ),
        }
    }
}

/// Incidents of a year, one row each (a town has a few dozen a year, a city some thousands).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct IncidentFact {
    pub region_path: String,
    pub kind: String,
    pub grade: Option<String>,
    pub deaths: i64,
    pub missing: i64,
    pub burned_m2: i64,
    pub industry_code: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub known_at: DateTime<Utc>,
    /// Whether it happened at a disaster site with a monitor named (监测措施已落实).
    pub monitored: bool,
}

pub async fn incidents(
    store: &Store,
    path: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<IncidentFact>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, IncidentFact>(
        "SELECT i.region_path, i.kind, i.grade, i.deaths, i.missing, i.burned_m2, e.industry_code,
                i.occurred_at, i.known_at,
                COALESCE(o.kind = 'hazard_site' AND EXISTS (SELECT 1 FROM object_duties d
                    WHERE d.object_id = o.id AND d.role = 'monitor'), FALSE) AS monitored
         FROM incidents i LEFT JOIN enterprises e ON e.id = i.enterprise_id
         LEFT JOIN monitored_objects o ON o.id = i.object_id
         WHERE i.region_path >= $1 AND i.region_path < $2 AND i.occurred_at >= $3 AND i.occurred_at < $4")
        .bind(path.to_string()).bind(path_upper(path)).bind(from).bind(to).fetch_all(c).await?))
}

/// Counts by region (or for the whole scope): `n` of something and `hit` of those that count.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Tally {
    pub region_path: String,
    pub industry_code: String,
    pub n: i64,
    pub hit: i64,
}

/// Forest areas (`n`) and their square metres (`hit`), each area's hectares rounded to the
/// square metre as the fire damage rate counts them.
pub async fn forests(store: &Store, path: &str, by: By) -> Result<Vec<Tally>> {
    let (region, industry, group) = by.columns("''");
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {region} AS region_path, {industry} AS industry_code, COUNT(*) AS n,
                CAST(COALESCE(SUM(ROUND(COALESCE(x.forest_hectares, 0) * 10000)), 0) AS BIGINT) AS hit
         FROM monitored_objects x WHERE x.kind = 'forest_area' AND x.region_path >= $1 AND x.region_path < $2{group}"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, Tally>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

/// The office's officers in post on a day (`n`) and those qualified by degree, experience or
/// both (`hit`): in post is joined by then and not left by then, as `training::in_post` has it.
pub async fn staff(store: &Store, path: &str, on: &str) -> Result<Tally> {
    Ok(on_read!(store, c => sqlx::query_as::<_, Tally>(
        "SELECT '' AS region_path, '' AS industry_code, COUNT(*) AS n,
                CAST(COALESCE(SUM(CASE WHEN qualification <> 'none' THEN 1 ELSE 0 END), 0) AS BIGINT) AS hit
         FROM emergency_staff WHERE region_path >= $1 AND region_path < $2
           AND joined_on <= $3 AND (left_on IS NULL OR left_on > $3)")
        .bind(path.to_string()).bind(path_upper(path)).bind(on.to_string()).fetch_one(c).await?))
}

/// Tasks of the plans of `year` inside `path` due by `end` (`n`) and those done on time
/// (`hit`), by lead department (in `industry_code`) or for the whole scope: done on time is
/// reported done by the lead department in a month that began by the deadline, as
/// the progress table's state counts it.
pub async fn plan_tasks(
    store: &Store,
    path: &str,
    year: i32,
    end: &str,
    by_lead: bool,
) -> Result<Vec<Tally>> {
    let (lead, group) = if by_lead {
        (
            "CAST(t.lead_department_id AS TEXT)",
            " GROUP BY t.lead_department_id",
        )
    } else {
        ("''", "")
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT '' AS region_path, {lead} AS industry_code, COUNT(*) AS n,
                CAST(COALESCE(SUM(CASE WHEN (SELECT MIN(r.month) FROM plan_reports r
                    WHERE r.task_id = t.id AND r.department_id = t.lead_department_id AND r.status = 'done') || '-01' <= t.deadline
                    THEN 1 ELSE 0 END), 0) AS BIGINT) AS hit
         FROM plan_tasks t JOIN work_plans p ON p.id = t.plan_id
         WHERE p.year = $3 AND p.region_path >= $1 AND p.region_path < $2 AND t.deadline <= $4{group}"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, Tally>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(year as i64).bind(end.to_string()).fetch_all(c).await?))
}

/// Households affected by the year's disasters (`n`) and those with all of 五有 (`hit`).
pub async fn five_guarantees(
    store: &Store,
    path: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    by: By,
) -> Result<Vec<Tally>> {
    let (region, industry, group) = match by {
        By::Region => (
            "r.path".to_string(),
            "''".to_string(),
            " GROUP BY r.path".to_string(),
        ),
        _ => ("''".into(), "''".into(), String::new()),
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {region} AS region_path, {industry} AS industry_code, COUNT(*) AS n,
                CAST(COALESCE(SUM(CASE WHEN h.food AND h.clothing AND h.water AND h.shelter AND h.medical THEN 1 ELSE 0 END), 0) AS BIGINT) AS hit
         FROM relief_households h JOIN regions r ON r.id = h.region_id JOIN incidents i ON i.id = h.incident_id
         WHERE r.path >= $1 AND r.path < $2 AND i.occurred_at >= $3 AND i.occurred_at < $4{group}"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, Tally>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(from).bind(to).fetch_all(c).await?))
}

/// Enterprises (`n`) and those inspected between two days (`hit`). For the year under way the day
/// each enterprise keeps of its last inspection answers; for a past year, its inspections do.
pub async fn inspected(
    store: &Store,
    path: &str,
    from: &str,
    to: &str,
    current_year: bool,
    by: By,
) -> Result<Vec<Tally>> {
    let (region, industry, group) = by.columns("x.industry_code");
    // The days come twice, as text for the kept last inspection day and as dates for the
    // inspections (a DATE column on PostgreSQL); each statement names all four (`$n = $n`) so
    // that both drivers accept the same binds whichever it reads.
    let hit = if current_year {
        "x.last_inspected_on >= $3 AND x.last_inspected_on <= $4"
    } else {
        "EXISTS (SELECT 1 FROM inspections s WHERE s.enterprise_id = x.id AND s.done_on >= $5 AND s.done_on <= $6)"
    };
    // For a whole scope in the year under way both counts are read from indexes alone (the
    // enterprises by region; by last inspection day and region), never from the wide rows: a
    // city's hundred thousand enterprises in a few milliseconds instead of a table scan.
    let sql = if current_year && by == By::Scope {
        sqlx::AssertSqlSafe(
            "SELECT '' AS region_path, '' AS industry_code,
                (SELECT COUNT(*) FROM enterprises x WHERE x.region_path >= $1 AND x.region_path < $2) AS n,
                (SELECT COUNT(*) FROM enterprises x WHERE x.last_inspected_on >= $3 AND x.last_inspected_on <= $4
                    AND x.region_path >= $1 AND x.region_path < $2 AND $5 = $5 AND $6 = $6) AS hit"
                .to_string(),
        )
    } else {
        sqlx::AssertSqlSafe(format!(
            "SELECT {region} AS region_path, {industry} AS industry_code, COUNT(*) AS n,
                    CAST(COALESCE(SUM(CASE WHEN {hit} THEN 1 ELSE 0 END), 0) AS BIGINT) AS hit
             FROM enterprises x WHERE x.region_path >= $1 AND x.region_path < $2
               AND ($3 = $3 AND $4 = $4 AND $5 = $5 AND $6 = $6){group}"
        ))
    };
    let (f, t) = (
        chrono::NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap_or_default(),
        chrono::NaiveDate::parse_from_str(to, "%Y-%m-%d").unwrap_or_default(),
    );
    Ok(on_read!(store, c => sqlx::query_as::<_, Tally>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(from.to_string()).bind(to.to_string())
        .bind(f).bind(t).fetch_all(c).await?))
}

/// Outreach activities held between two days, by region (`n`; `hit` is the participants).
pub async fn outreach(
    store: &Store,
    path: &str,
    from: &str,
    to: &str,
    by: By,
) -> Result<Vec<Tally>> {
    let (region, industry, group) = by.columns("''");
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {region} AS region_path, {industry} AS industry_code, COUNT(*) AS n,
                CAST(COALESCE(SUM(x.participants), 0) AS BIGINT) AS hit
         FROM outreach x WHERE x.region_path >= $1 AND x.region_path < $2 AND x.held_on >= $3 AND x.held_on <= $4{group}"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, Tally>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(from.to_string()).bind(to.to_string())
        .fetch_all(c).await?))
}

/// Guardrail completed between two days: projects (`n`) and metres (`hit`).
pub async fn guardrail(store: &Store, path: &str, from: &str, to: &str) -> Result<Tally> {
    Ok(on_read!(store, c => sqlx::query_as::<_, Tally>(
        "SELECT '' AS region_path, '' AS industry_code, COUNT(*) AS n, CAST(COALESCE(SUM(length_m), 0) AS BIGINT) AS hit
         FROM construction_projects WHERE category = 'road_guardrail' AND region_path >= $1 AND region_path < $2
           AND completed_on >= $3 AND completed_on <= $4")
        .bind(path.to_string()).bind(path_upper(path)).bind(from.to_string()).bind(to.to_string())
        .fetch_one(c).await?))
}
