//! Settings, risk points and the risk identification lists that gather them.

use crate::{
    Filter, Param, Result, Src, Store, Tx, bind_params, on_read, on_src, on_tx, path_upper,
};
use chrono::Utc;
use safegrid_domain::access::Scope;
use serde::Serialize;

/// A setting's stored JSON, if set.
pub async fn setting(src: impl Into<Src<'_>>, key: &str) -> Result<Option<String>> {
    Ok(
        on_src!(src.into(), c => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key.to_string()).fetch_optional(c).await?),
    )
}

/// The setting under `key`, storing `value` first if there is none: of several processes
/// starting at once, the first to store wins and all read its value.
pub async fn setting_once(store: &crate::Store, key: &str, value: &str) -> Result<String> {
    let mut tx = store.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING")
        .bind(key.to_string()).bind(value.to_string()).bind(Utc::now()).execute(c).await?.rows_affected());
    tx.commit().await?;
    setting(store, key)
        .await?
        .ok_or(crate::StoreError::NotFound)
}

pub async fn put_setting(tx: &mut Tx, key: &str, value: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM settings WHERE key = $1").bind(key.to_string()).execute(&mut *c).await?.rows_affected());
    on_tx!(tx, c => sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
        .bind(key.to_string()).bind(value.to_string()).bind(Utc::now()).execute(c).await?.rows_affected());
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RiskPointRow {
    pub id: i64,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    pub region_id: i64,
    pub region_path: String,
    pub post: Option<String>,
    pub name: String,
    pub hazard_factor: String,
    pub accident_type: Option<String>,
    pub controls: String,
    pub assessment: String,
    pub score: i64,
    pub level: String,
    pub tier: String,
}

const SELECT: &str = "SELECT p.id, p.enterprise_id, e.name AS enterprise_name, p.region_id, p.region_path, p.post, p.name,
    p.hazard_factor, p.accident_type, p.controls, p.assessment, p.score, p.level, p.tier
    FROM risk_points p LEFT JOIN enterprises e ON e.id = p.enterprise_id";

pub struct NewRiskPoint<'a> {
    pub enterprise_id: Option<i64>,
    pub region_id: i64,
    pub post: Option<&'a str>,
    pub name: &'a str,
    pub hazard_factor: &'a str,
    pub accident_type: Option<&'a str>,
    pub controls: &'a str,
    pub assessment: &'a str,
    pub score: i64,
    pub level: &'a str,
    pub tier: &'a str,
}

pub async fn insert(tx: &mut Tx, p: &NewRiskPoint<'_>) -> Result<i64> {
    let now = Utc::now();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO risk_points (enterprise_id, region_id, region_path, post, name, hazard_factor, accident_type, controls,
            assessment, score, level, tier, created_at, updated_at)
         VALUES ($1, $2, (SELECT path FROM regions WHERE id = $2), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id")
        .bind(p.enterprise_id).bind(p.region_id).bind(p.post.map(str::to_string)).bind(p.name.to_string())
        .bind(p.hazard_factor.to_string()).bind(p.accident_type.map(str::to_string)).bind(p.controls.to_string())
        .bind(p.assessment.to_string()).bind(p.score).bind(p.level.to_string()).bind(p.tier.to_string()).bind(now)
        .fetch_one(c).await?))
}

/// Sets the grading of a risk point (after re-grading with new bands).
pub async fn set_grading(tx: &mut Tx, id: i64, level: &str, tier: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE risk_points SET level = $1, tier = $2, updated_at = $3 WHERE id = $4")
        .bind(level.to_string()).bind(tier.to_string()).bind(Utc::now()).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<RiskPointRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE p.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, RiskPointRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// Risk points in scope, optionally of one enterprise or level, most severe first.
pub async fn list(
    store: &Store,
    scope: &Scope,
    enterprise_id: Option<i64>,
    level: Option<&str>,
) -> Result<Vec<RiskPointRow>> {
    let mut w = Filter::default();
    if scope.region_path != "/" {
        w.push2(
            "p.region_path >= ? AND p.region_path < ?",
            Param::Text(scope.region_path.clone()),
            Param::Text(path_upper(&scope.region_path)),
        );
    }
    for id in [scope.enterprise_id, enterprise_id].into_iter().flatten() {
        w.push("p.enterprise_id = ?", Param::Int(id));
    }
    if let Some(l) = level.filter(|l| !l.is_empty()) {
        w.push("p.level = ?", Param::Text(l.into()));
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT}{} ORDER BY CASE p.level WHEN 'major' THEN 0 WHEN 'significant' THEN 1 WHEN 'general' THEN 2 ELSE 3 END, p.score DESC, p.id",
        w.where_sql()
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, RiskPointRow>(sql), &w.params).fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RiskListRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    /// `2026-07-01`.
    pub starts_on: String,
    pub ends_on: String,
    pub description: Option<String>,
}

const LIST: &str =
    "SELECT l.id, l.kind, l.name, l.region_id, r.name AS region_name, l.region_path, l.starts_on,
    l.ends_on, l.description FROM risk_lists l JOIN regions r ON r.id = l.region_id";

pub async fn insert_list(
    tx: &mut Tx,
    d: &safegrid_domain::risk_list::RiskListDraft,
    region_path: &str,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO risk_lists (kind, name, region_id, region_path, starts_on, ends_on, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(d.kind.as_str()).bind(d.name.clone()).bind(d.region_id).bind(region_path.to_string())
        .bind(d.starts_on.to_string()).bind(d.ends_on.to_string()).bind(d.description.clone()).bind(Utc::now())
        .fetch_one(c).await?))
}

pub async fn list_of(src: impl Into<Src<'_>>, id: i64) -> Result<Option<RiskListRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{LIST} WHERE l.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, RiskListRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The lists inside a region, the latest period first.
pub async fn lists_within(store: &Store, path: &str) -> Result<Vec<RiskListRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{LIST} WHERE l.region_path >= $1 AND l.region_path < $2 ORDER BY l.starts_on DESC, l.id DESC"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, RiskListRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

/// Puts a risk point on a list; false when it was on it already.
pub async fn add_to_list(tx: &mut Tx, list_id: i64, risk_point_id: i64) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "INSERT INTO risk_list_points (list_id, risk_point_id) VALUES ($1, $2)
         ON CONFLICT (list_id, risk_point_id) DO NOTHING")
        .bind(list_id).bind(risk_point_id).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// The risk points on the lists inside a region: (list, point), most severe first in a list.
pub async fn list_points_within(store: &Store, path: &str) -> Result<Vec<(i64, RiskPointRow)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        list_id: i64,
        #[sqlx(flatten)]
        point: RiskPointRow,
    }
    let sql = sqlx::AssertSqlSafe(
        "SELECT lp.list_id, p.id, p.enterprise_id, e.name AS enterprise_name, p.region_id, p.region_path, p.post,
            p.name, p.hazard_factor, p.accident_type, p.controls, p.assessment, p.score, p.level, p.tier
         FROM risk_list_points lp JOIN risk_lists l ON l.id = lp.list_id
         JOIN risk_points p ON p.id = lp.risk_point_id LEFT JOIN enterprises e ON e.id = p.enterprise_id
         WHERE l.region_path >= $1 AND l.region_path < $2
         ORDER BY lp.list_id, CASE p.level WHEN 'major' THEN 0 WHEN 'significant' THEN 1 WHEN 'general' THEN 2 ELSE 3 END,
            p.score DESC, p.id",
    );
    let rows: Vec<Row> = on_read!(store, c => sqlx::query_as::<_, Row>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?);
    Ok(rows.into_iter().map(|r| (r.list_id, r.point)).collect())
}
