//! The region tree with materialised paths.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::Utc;
use safegrid_domain::region::{RegionDraft, path_for};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RegionRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: String,
    pub kind: Option<String>,
    pub name: String,
    pub code: Option<String>,
    pub path: String,
}

const COLUMNS: &str = "id, parent_id, level, kind, name, code, path";

pub async fn insert(
    tx: &mut Tx,
    draft: &RegionDraft,
    parent: Option<&RegionRow>,
) -> Result<RegionRow> {
    let now = Utc::now();
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO regions (parent_id, level, kind, name, code, path, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, '', $6, $6) RETURNING id")
        .bind(parent.map(|p| p.id))
        .bind(draft.level.as_str())
        .bind(draft.kind.map(|k| k.as_str()))
        .bind(draft.name.clone())
        .bind(draft.code.clone())
        .bind(now)
        .fetch_one(c).await?);
    let path = path_for(parent.map(|p| p.path.as_str()), id);
    on_tx!(tx, c => sqlx::query("UPDATE regions SET path = $1 WHERE id = $2").bind(path.clone()).bind(id).execute(c).await?.rows_affected());
    Ok(RegionRow {
        id,
        parent_id: parent.map(|p| p.id),
        level: draft.level.as_str().into(),
        kind: draft.kind.map(|k| k.as_str().into()),
        name: draft.name.clone(),
        code: draft.code.clone(),
        path,
    })
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<RegionRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM regions WHERE id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, RegionRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The top of the region tree (the town of a one-town install, the city of a city's).
pub async fn root(store: &Store) -> Result<Option<RegionRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM regions WHERE parent_id IS NULL ORDER BY path LIMIT 1"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, RegionRow>(sql).fetch_optional(c).await?))
}

/// Every region inside `path` (itself included), in tree order.
pub async fn within(store: &Store, path: &str) -> Result<Vec<RegionRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM regions WHERE path >= $1 AND path < $2 ORDER BY path"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, RegionRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

/// Regions inside `path` at one level, by name; e.g. the villages of a town.
pub async fn at_level(store: &Store, path: &str, level: &str) -> Result<Vec<RegionRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM regions WHERE path >= $1 AND path < $2 AND level = $3 ORDER BY name"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, RegionRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(level.to_string()).fetch_all(c).await?))
}

/// Renames a region and sets its code.
pub async fn update(tx: &mut Tx, id: i64, name: &str, code: Option<&str>) -> Result<()> {
    let n = on_tx!(tx, c => sqlx::query("UPDATE regions SET name = $1, code = $2, updated_at = $3 WHERE id = $4")
        .bind(name.to_string()).bind(code.map(str::to_string)).bind(Utc::now()).bind(id).execute(c).await?.rows_affected());
    if n == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}

/// Moves a region and its whole subtree under `new_parent` (the caller has checked for cycles),
/// carrying the copied paths of the enterprises, hazards, inspections and risk points inside along.
pub async fn move_under(tx: &mut Tx, region: &RegionRow, new_parent: &RegionRow) -> Result<String> {
    let new_path = path_for(Some(&new_parent.path), region.id);
    on_tx!(tx, c => sqlx::query("UPDATE regions SET parent_id = $1, updated_at = $2 WHERE id = $3")
        .bind(new_parent.id).bind(Utc::now()).bind(region.id).execute(&mut *c).await?.rows_affected());
    // Rewrite the prefix of every path in the subtree, the region's own included.
    on_tx!(tx, c => sqlx::query(
        "UPDATE regions SET path = $1 || substr(path, CAST($2 AS INTEGER)) WHERE path >= $3 AND path < $4")
        .bind(new_path.clone())
        .bind(region.path.len() as i64 + 1)
        .bind(region.path.clone())
        .bind(path_upper(&region.path))
        .execute(c).await?.rows_affected());
    for table in ["enterprises", "hazards", "inspections", "risk_points"] {
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET region_path = $1 || substr(region_path, CAST($2 AS INTEGER)) WHERE region_path >= $3 AND region_path < $4"
        ));
        on_tx!(tx, c => sqlx::query(sql)
            .bind(new_path.clone())
            .bind(region.path.len() as i64 + 1)
            .bind(region.path.clone())
            .bind(path_upper(&region.path))
            .execute(c).await?.rows_affected());
    }
    crate::hazards::relocate(
        tx,
        "r.path >= $1 AND r.path < $2",
        &[
            crate::Param::Text(new_path.clone()),
            crate::Param::Text(path_upper(&new_path)),
        ],
    )
    .await?;
    Ok(new_path)
}
