//! Construction projects with their safety review and 三同时 milestones.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::{NaiveDate, Utc};
use safegrid_domain::project::ProjectDraft;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProjectRow {
    pub id: i64,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    pub name: String,
    pub category: String,
    pub review: String,
    pub reviewed_on: Option<String>,
    pub review_note: Option<String>,
    pub main_designed_on: Option<String>,
    pub safety_designed_on: Option<String>,
    pub main_built_on: Option<String>,
    pub safety_built_on: Option<String>,
    pub main_in_use_on: Option<String>,
    pub safety_in_use_on: Option<String>,
    pub length_m: Option<i64>,
    pub completed_on: Option<String>,
}

const SELECT: &str = "SELECT p.id, p.region_id, r.name AS region_name, p.region_path, p.enterprise_id,
    e.name AS enterprise_name, p.name, p.category, p.review, p.reviewed_on, p.review_note, p.main_designed_on,
    p.safety_designed_on, p.main_built_on, p.safety_built_on, p.main_in_use_on, p.safety_in_use_on,
    p.length_m, p.completed_on
    FROM construction_projects p JOIN regions r ON r.id = p.region_id
    LEFT JOIN enterprises e ON e.id = p.enterprise_id";

fn day(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

pub async fn insert(
    tx: &mut Tx,
    d: &ProjectDraft,
    region_path: &str,
    by: Option<i64>,
) -> Result<i64> {
    let now = Utc::now();
    let m = &d.milestones;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO construction_projects (region_id, region_path, enterprise_id, name, category, review,
            reviewed_on, review_note, main_designed_on, safety_designed_on, main_built_on, safety_built_on,
            main_in_use_on, safety_in_use_on, length_m, completed_on, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id")
        .bind(d.region_id).bind(region_path.to_string()).bind(d.enterprise_id).bind(d.name.clone())
        .bind(d.category.as_str()).bind(d.review.as_str()).bind(day(d.reviewed_on)).bind(d.review_note.clone())
        .bind(day(m.design.0)).bind(day(m.design.1)).bind(day(m.construction.0)).bind(day(m.construction.1))
        .bind(day(m.in_use.0)).bind(day(m.in_use.1)).bind(d.length_m).bind(day(d.completed_on)).bind(by)
        .bind(now).fetch_one(c).await?))
}

pub async fn update(tx: &mut Tx, id: i64, d: &ProjectDraft, region_path: &str) -> Result<()> {
    let m = &d.milestones;
    on_tx!(tx, c => sqlx::query(
        "UPDATE construction_projects SET region_id = $2, region_path = $3, enterprise_id = $4, name = $5,
            category = $6, review = $7, reviewed_on = $8, review_note = $9, main_designed_on = $10,
            safety_designed_on = $11, main_built_on = $12, safety_built_on = $13, main_in_use_on = $14,
            safety_in_use_on = $15, length_m = $16, completed_on = $17, updated_at = $18 WHERE id = $1")
        .bind(id).bind(d.region_id).bind(region_path.to_string()).bind(d.enterprise_id).bind(d.name.clone())
        .bind(d.category.as_str()).bind(d.review.as_str()).bind(day(d.reviewed_on)).bind(d.review_note.clone())
        .bind(day(m.design.0)).bind(day(m.design.1)).bind(day(m.construction.0)).bind(day(m.construction.1))
        .bind(day(m.in_use.0)).bind(day(m.in_use.1)).bind(d.length_m).bind(day(d.completed_on))
        .bind(Utc::now()).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<ProjectRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE p.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, ProjectRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The projects inside `path`, newest first.
pub async fn within(store: &Store, path: &str) -> Result<Vec<ProjectRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE p.region_path >= $1 AND p.region_path < $2 ORDER BY p.id DESC"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, ProjectRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}
