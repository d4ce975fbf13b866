//! Inspection plans, inspections and their results.

use crate::{
    Filter, Page, Param, Result, Src, Store, Tx, bind_params, on_read, on_src, on_tx, path_upper,
};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Scope;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub region_path: String,
    pub template: String,
    pub kind: String,
    pub cadence: String,
    pub starts_on: NaiveDate,
    pub active: bool,
}

pub struct NewPlan<'a> {
    pub enterprise_id: i64,
    pub template: &'a str,
    pub kind: &'a str,
    pub cadence: &'a str,
    pub starts_on: NaiveDate,
}

pub async fn insert_plan(tx: &mut Tx, p: &NewPlan<'_>) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO inspection_plans (enterprise_id, template, kind, cadence, starts_on, active, created_at)
         VALUES ($1, $2, $3, $4, $5, TRUE, $6) RETURNING id")
        .bind(p.enterprise_id).bind(p.template.to_string()).bind(p.kind.to_string()).bind(p.cadence.to_string())
        .bind(p.starts_on).bind(Utc::now()).fetch_one(c).await?))
}

const PLAN_SELECT: &str = "SELECT p.id, p.enterprise_id, e.name AS enterprise_name, e.region_path, p.template, p.kind, p.cadence,
    p.starts_on, p.active FROM inspection_plans p JOIN enterprises e ON e.id = p.enterprise_id";

pub async fn plan(src: impl Into<Src<'_>>, id: i64) -> Result<Option<PlanRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{PLAN_SELECT} WHERE p.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, PlanRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// Active plans in scope.
pub async fn plans(store: &Store, scope: &Scope) -> Result<Vec<PlanRow>> {
    let mut w = Filter::default();
    w.push2(
        "e.region_path >= ? AND e.region_path < ?",
        Param::Text(scope.region_path.clone()),
        Param::Text(path_upper(&scope.region_path)),
    );
    if let Some(id) = scope.enterprise_id {
        w.push("p.enterprise_id = ?", Param::Int(id));
    }
    w.push("p.active = ?", Param::Bool(true));
    let sql = sqlx::AssertSqlSafe(format!(
        "{PLAN_SELECT}{} ORDER BY e.name, p.id",
        w.where_sql()
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, PlanRow>(sql), &w.params).fetch_all(c).await?),
    )
}

/// The days inspections of each plan were done on, from `since`.
pub async fn done_days(
    store: &Store,
    plan_ids: &[i64],
    since: NaiveDate,
) -> Result<Vec<(i64, NaiveDate)>> {
    if plan_ids.is_empty() {
        return Ok(vec![]);
    }
    let mut w = Filter::default();
    w.push("done_on >= ?", Param::Date(since));
    let list: Vec<String> = plan_ids.iter().map(|id| id.to_string()).collect();
    // Plan ids are integers from the database, so they can stand in the text as they are.
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT plan_id, done_on FROM inspections{} AND plan_id IN ({})",
        w.where_sql(),
        list.join(",")
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, (i64, NaiveDate)>(sql), &w.params).fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InspectionRow {
    pub id: i64,
    pub plan_id: Option<i64>,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub region_path: String,
    pub template: String,
    pub kind: String,
    pub done_on: NaiveDate,
    pub inspector_id: i64,
    pub inspector_name: String,
    pub failed: i64,
    pub created_at: DateTime<Utc>,
}

pub struct NewInspection<'a> {
    pub plan_id: Option<i64>,
    pub enterprise_id: i64,
    pub template: &'a str,
    pub kind: &'a str,
    pub done_on: NaiveDate,
    pub inspector_id: i64,
    pub inspector_name: &'a str,
    pub failed: i64,
}

pub async fn insert(tx: &mut Tx, i: &NewInspection<'_>) -> Result<i64> {
    // The enterprise keeps the day it was last inspected, for its safety rating.
    on_tx!(tx, c => sqlx::query(
        "UPDATE enterprises SET last_inspected_on = $1 WHERE id = $2 AND (last_inspected_on IS NULL OR last_inspected_on < $1)")
        .bind(i.done_on.to_string()).bind(i.enterprise_id).execute(c).await?.rows_affected());
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO inspections (plan_id, enterprise_id, region_path, template, kind, done_on, inspector_id, inspector_name, failed, created_at)
         VALUES ($1, $2, (SELECT region_path FROM enterprises WHERE id = $2), $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(i.plan_id).bind(i.enterprise_id).bind(i.template.to_string()).bind(i.kind.to_string()).bind(i.done_on)
        .bind(i.inspector_id).bind(i.inspector_name.to_string()).bind(i.failed).bind(Utc::now()).fetch_one(c).await?))
}

pub async fn insert_result(
    tx: &mut Tx,
    inspection_id: i64,
    item: &str,
    outcome: &str,
    note: Option<&str>,
    hazard_id: Option<i64>,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO inspection_results (inspection_id, item, outcome, note, hazard_id) VALUES ($1, $2, $3, $4, $5)")
        .bind(inspection_id).bind(item.to_string()).bind(outcome.to_string()).bind(note.map(str::to_string)).bind(hazard_id)
        .execute(c).await?.rows_affected());
    Ok(())
}

const SELECT: &str = "SELECT i.id, i.plan_id, i.enterprise_id, e.name AS enterprise_name, i.region_path, i.template, i.kind, i.done_on,
    i.inspector_id, i.inspector_name, i.failed, i.created_at FROM inspections i JOIN enterprises e ON e.id = i.enterprise_id";

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<InspectionRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE i.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, InspectionRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ResultRow {
    pub item: String,
    pub outcome: String,
    pub note: Option<String>,
    pub hazard_id: Option<i64>,
}

pub async fn results(store: &Store, inspection_id: i64) -> Result<Vec<ResultRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, ResultRow>(
        "SELECT item, outcome, note, hazard_id FROM inspection_results WHERE inspection_id = $1 ORDER BY item")
        .bind(inspection_id).fetch_all(c).await?))
}

pub async fn list(
    store: &Store,
    scope: &Scope,
    enterprise_id: Option<i64>,
    page: i64,
    per_page: i64,
) -> Result<Page<InspectionRow>> {
    let mut w = Filter::default();
    if scope.region_path != "/" {
        w.push2(
            "i.region_path >= ? AND i.region_path < ?",
            Param::Text(scope.region_path.clone()),
            Param::Text(path_upper(&scope.region_path)),
        );
    }
    for id in [scope.enterprise_id, enterprise_id].into_iter().flatten() {
        w.push("i.enterprise_id = ?", Param::Int(id));
    }
    let per_page = per_page.clamp(1, 500);
    let page = page.max(1);
    let n = w.next();
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT}{} ORDER BY i.done_on DESC, i.id DESC LIMIT ${n} OFFSET ${}",
        w.where_sql(),
        n + 1
    ));
    let count_sql = sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM inspections i{}",
        w.where_sql()
    ));
    let (rows, total) = on_read!(store, c => {
        let rows = bind_params!(sqlx::query_as::<_, InspectionRow>(sql), &w.params).bind(per_page).bind((page - 1) * per_page).fetch_all(c);
        let total = bind_params!(sqlx::query_scalar::<_, i64>(count_sql), &w.params).fetch_one(c);
        tokio::try_join!(rows, total)?
    });
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}
