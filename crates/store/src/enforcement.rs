//! Enforcement cases, the record of each step taken, and the hazards a case is about.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::Utc;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CaseRow {
    pub id: i64,
    pub number: String,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub enterprise_id: Option<i64>,
    pub industry_code: Option<String>,
    pub party_kind: String,
    pub party_name: String,
    pub party_id_number: Option<String>,
    pub cause: String,
    pub basis: Option<String>,
    pub inspection_id: Option<i64>,
    pub step: String,
    /// `2026-06-01`, like every day of a case.
    pub filed_on: String,
    pub officer_ids: String,
    /// Penalties as JSON.
    pub proposed: Option<String>,
    pub noticed_on: Option<String>,
    pub hearing_requested_on: Option<String>,
    pub hearing_held_on: Option<String>,
    pub decided: Option<String>,
    pub decided_on: Option<String>,
    pub served_on: Option<String>,
    pub paid_fen: Option<i64>,
    pub closed_on: Option<String>,
}

const SELECT: &str = "SELECT c.id, c.number, c.region_id, r.name AS region_name, c.region_path,
    c.department_id, d.name AS department_name, c.enterprise_id, e.industry_code, c.party_kind, c.party_name,
    c.party_id_number, c.cause, c.basis, c.inspection_id, c.step, c.filed_on, c.officer_ids, c.proposed,
    c.noticed_on, c.hearing_requested_on, c.hearing_held_on, c.decided, c.decided_on, c.served_on,
    c.paid_fen, c.closed_on
    FROM enforcement_cases c JOIN regions r ON r.id = c.region_id
    LEFT JOIN departments d ON d.id = c.department_id LEFT JOIN enterprises e ON e.id = c.enterprise_id";

/// A case as it is filed.
pub struct NewCase<'a> {
    pub number: &'a str,
    pub region_id: i64,
    pub region_path: &'a str,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub party_kind: &'a str,
    pub party_name: &'a str,
    pub party_id_number: Option<&'a str>,
    pub cause: &'a str,
    pub basis: Option<&'a str>,
    pub inspection_id: Option<i64>,
    pub filed_on: chrono::NaiveDate,
    pub by: Option<i64>,
}

pub async fn insert(tx: &mut Tx, c: &NewCase<'_>) -> Result<i64> {
    let now = Utc::now();
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO enforcement_cases (number, region_id, region_path, department_id, enterprise_id, party_kind,
            party_name, party_id_number, cause, basis, inspection_id, step, filed_on, officer_ids, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'filed', $12, '', $13, $14, $14) RETURNING id")
        .bind(c.number.to_string()).bind(c.region_id).bind(c.region_path.to_string()).bind(c.department_id)
        .bind(c.enterprise_id).bind(c.party_kind.to_string()).bind(c.party_name.to_string())
        .bind(c.party_id_number.map(str::to_string)).bind(c.cause.to_string()).bind(c.basis.map(str::to_string))
        .bind(c.inspection_id).bind(c.filed_on.to_string()).bind(c.by).bind(now)
        .fetch_one(conn).await?))
}

/// How many cases were filed in a year inside a region (for the next case number).
pub async fn count_in_year(tx: &mut Tx, year: i32) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM enforcement_cases WHERE filed_on >= $1 AND filed_on < $2")
        .bind(format!("{year}-01-01")).bind(format!("{}-01-01", year + 1))
        .fetch_one(c).await?))
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<CaseRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, CaseRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The cases inside a region, newest first.
pub async fn within(store: &Store, path: &str) -> Result<Vec<CaseRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.region_path >= $1 AND c.region_path < $2 ORDER BY c.filed_on DESC, c.id DESC"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, CaseRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

/// The cases of one enterprise.
pub async fn of_enterprise(store: &Store, enterprise_id: i64) -> Result<Vec<CaseRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.enterprise_id = $1 ORDER BY c.filed_on DESC, c.id DESC"
    ));
    Ok(
        on_read!(store, c => sqlx::query_as::<_, CaseRow>(sql).bind(enterprise_id).fetch_all(c).await?),
    )
}

/// The decided cases inside a region, for the public notice.
pub async fn decided_within(store: &Store, path: &str) -> Result<Vec<CaseRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE c.region_path >= $1 AND c.region_path < $2 AND c.decided_on IS NOT NULL
         ORDER BY c.decided_on DESC, c.id DESC"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, CaseRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

/// What a step writes on the case (the fields it sets; the rest are left as they are).
#[derive(Default)]
pub struct StepWrite {
    pub officer_ids: Option<String>,
    pub proposed: Option<String>,
    pub noticed_on: Option<String>,
    pub hearing_requested_on: Option<String>,
    pub hearing_held_on: Option<String>,
    pub decided: Option<String>,
    pub decided_on: Option<String>,
    pub served_on: Option<String>,
    pub paid_fen: Option<i64>,
    pub closed_on: Option<String>,
}

/// Moves a case from step `from` to `to`, writing what the step sets; false when the case is no
/// longer at `from` (someone else moved it first).
pub async fn apply(tx: &mut Tx, id: i64, from: &str, to: &str, w: &StepWrite) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE enforcement_cases SET step = $1,
            officer_ids = COALESCE($2, officer_ids), proposed = COALESCE($3, proposed),
            noticed_on = COALESCE($4, noticed_on), hearing_requested_on = COALESCE($5, hearing_requested_on),
            hearing_held_on = COALESCE($6, hearing_held_on), decided = COALESCE($7, decided),
            decided_on = COALESCE($8, decided_on), served_on = COALESCE($9, served_on),
            paid_fen = COALESCE($10, paid_fen), closed_on = COALESCE($11, closed_on), updated_at = $12
         WHERE id = $13 AND step = $14")
        .bind(to.to_string()).bind(w.officer_ids.clone()).bind(w.proposed.clone()).bind(w.noticed_on.clone())
        .bind(w.hearing_requested_on.clone()).bind(w.hearing_held_on.clone()).bind(w.decided.clone())
        .bind(w.decided_on.clone()).bind(w.served_on.clone()).bind(w.paid_fen).bind(w.closed_on.clone())
        .bind(Utc::now()).bind(id).bind(from.to_string())
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StepRow {
    pub step: String,
    pub on_day: String,
    pub record: Option<String>,
    pub taken_by: Option<String>,
}

pub async fn log_step(
    tx: &mut Tx,
    case_id: i64,
    step: &str,
    on: chrono::NaiveDate,
    record: Option<&str>,
    by: Option<i64>,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO case_steps (case_id, step, on_day, record, taken_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(case_id).bind(step.to_string()).bind(on.to_string()).bind(record.map(str::to_string)).bind(by)
        .bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(())
}

pub async fn steps(src: impl Into<Src<'_>>, case_id: i64) -> Result<Vec<StepRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, StepRow>(
        "SELECT s.step, s.on_day, s.record, u.username AS taken_by FROM case_steps s
         LEFT JOIN users u ON u.id = s.taken_by WHERE s.case_id = $1 ORDER BY s.id")
        .bind(case_id).fetch_all(c).await?))
}

pub async fn link_hazard(tx: &mut Tx, case_id: i64, hazard_id: i64) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO case_hazards (case_id, hazard_id) VALUES ($1, $2) ON CONFLICT (case_id, hazard_id) DO NOTHING")
        .bind(case_id).bind(hazard_id).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn hazards_of(src: impl Into<Src<'_>>, case_id: i64) -> Result<Vec<i64>> {
    Ok(on_src!(src.into(), c => sqlx::query_scalar(
        "SELECT hazard_id FROM case_hazards WHERE case_id = $1 ORDER BY hazard_id")
        .bind(case_id).fetch_all(c).await?))
}

/// Cases filed in `[from, to)` inside a region, per department and month (`01`…`12`).
pub async fn counts_by_department_month(
    store: &Store,
    path: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<(Option<i64>, String, i64)>> {
    Ok(
        on_read!(store, c => sqlx::query_as::<_, (Option<i64>, String, i64)>(
        "SELECT department_id, substr(filed_on, 6, 2) AS month, COUNT(*) FROM enforcement_cases
         WHERE region_path >= $1 AND region_path < $2 AND filed_on >= $3 AND filed_on < $4
         GROUP BY department_id, substr(filed_on, 6, 2)")
        .bind(path.to_string()).bind(path_upper(path)).bind(from.to_string()).bind(to.to_string())
        .fetch_all(c).await?),
    )
}

/// Government inspections done in `[from, to)` inside a region by the accounts of each
/// department, open (明查, `government`) and covert (暗访, `covert`).
pub async fn inspections_by_department(
    store: &Store,
    path: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<(Option<i64>, String, i64)>> {
    Ok(
        on_read!(store, c => sqlx::query_as::<_, (Option<i64>, String, i64)>(
        "SELECT u.department_id, i.kind, COUNT(*) FROM inspections i JOIN users u ON u.id = i.inspector_id
         WHERE i.region_path >= $1 AND i.region_path < $2 AND i.done_on >= $3 AND i.done_on < $4
           AND i.kind IN ('government', 'covert')
         GROUP BY u.department_id, i.kind")
        .bind(path.to_string()).bind(path_upper(path)).bind(from).bind(to)
        .fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ListingRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub uscc: String,
    pub region_path: String,
    pub reason: String,
    pub basis: String,
    pub starts_on: String,
    pub ends_on: String,
    pub delisted_on: Option<String>,
    pub delist_reason: Option<String>,
}

const LISTING: &str =
    "SELECT b.id, b.enterprise_id, e.name AS enterprise_name, e.uscc, b.region_path, b.reason,
    b.basis, b.starts_on, b.ends_on, b.delisted_on, b.delist_reason
    FROM blacklist b JOIN enterprises e ON e.id = b.enterprise_id";

pub async fn insert_listing(
    tx: &mut Tx,
    d: &safegrid_domain::enforcement::BlacklistDraft,
    region_path: &str,
    by: Option<i64>,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO blacklist (enterprise_id, region_path, reason, basis, starts_on, ends_on, listed_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(d.enterprise_id).bind(region_path.to_string()).bind(d.reason.clone()).bind(d.basis.clone())
        .bind(d.starts_on.to_string()).bind(d.ends_on.to_string()).bind(by).bind(Utc::now())
        .fetch_one(c).await?))
}

pub async fn listing(src: impl Into<Src<'_>>, id: i64) -> Result<Option<ListingRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{LISTING} WHERE b.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, ListingRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The listings inside a region (or of one enterprise), newest first.
pub async fn listings(
    store: &Store,
    path: &str,
    enterprise_id: Option<i64>,
) -> Result<Vec<ListingRow>> {
    let sql = store.optional_id(
        format!(
        "{LISTING} WHERE b.region_path >= $1 AND b.region_path < $2 AND ($3 IS NULL OR b.enterprise_id = $3)
         ORDER BY b.starts_on DESC, b.id DESC"
        ),
        3,
    );
    Ok(on_read!(store, c => sqlx::query_as::<_, ListingRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(enterprise_id).fetch_all(c).await?))
}

/// Lifts a listing not lifted yet; false when it was.
pub async fn delist(tx: &mut Tx, id: i64, on: chrono::NaiveDate, reason: &str) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE blacklist SET delisted_on = $1, delist_reason = $2 WHERE id = $3 AND delisted_on IS NULL")
        .bind(on.to_string()).bind(reason.to_string()).bind(id).execute(c).await?.rows_affected());
    Ok(n == 1)
}
