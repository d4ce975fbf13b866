//! Warehouses, stock items and stock movements.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::{DateTime, Utc};
use safegrid_domain::stock::{ItemDraft, WarehouseDraft};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct WarehouseRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub region_id: i64,
    pub region_path: String,
    pub region_name: String,
    pub address: Option<String>,
    pub keeper: Option<String>,
    pub keeper_mobile: Option<String>,
}

const WAREHOUSE: &str =
    "SELECT w.id, w.name, w.kind, w.region_id, w.region_path, r.name AS region_name,
    w.address, w.keeper, w.keeper_mobile FROM warehouses w JOIN regions r ON r.id = w.region_id";

pub async fn insert_warehouse(tx: &mut Tx, d: &WarehouseDraft, region_path: &str) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO warehouses (name, kind, region_id, region_path, address, keeper, keeper_mobile, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
        .bind(d.name.clone()).bind(d.kind.as_str()).bind(d.region_id).bind(region_path.to_string())
        .bind(d.address.clone()).bind(d.keeper.clone()).bind(d.keeper_mobile.clone()).bind(Utc::now())
        .fetch_one(c).await?))
}

pub async fn warehouse(src: impl Into<Src<'_>>, id: i64) -> Result<Option<WarehouseRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{WAREHOUSE} WHERE w.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, WarehouseRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// Whether a region already has a warehouse of that name.
pub async fn warehouse_named(tx: &mut Tx, region_id: i64, name: &str) -> Result<bool> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM warehouses WHERE region_id = $1 AND name = $2")
        .bind(region_id).bind(name.to_string()).fetch_one(c).await?);
    Ok(n > 0)
}

pub async fn warehouses(store: &Store, path: &str) -> Result<Vec<WarehouseRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{WAREHOUSE} WHERE w.region_path >= $1 AND w.region_path < $2 ORDER BY w.region_path, w.name"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, WarehouseRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ItemRow {
    pub id: i64,
    pub warehouse_id: i64,
    pub warehouse_name: String,
    pub region_path: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub quantity: i64,
    pub min_stock: i64,
    /// `2027-06-30`.
    pub expires_on: Option<String>,
}

const ITEM: &str = "SELECT i.id, i.warehouse_id, w.name AS warehouse_name, w.region_path, i.name, i.category,
    i.unit, i.quantity, i.min_stock, i.expires_on FROM stock_items i JOIN warehouses w ON w.id = i.warehouse_id";

pub async fn item(src: impl Into<Src<'_>>, id: i64) -> Result<Option<ItemRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{ITEM} WHERE i.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, ItemRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The line of a warehouse for a thing and expiry, if it has one.
pub async fn item_like(
    tx: &mut Tx,
    warehouse_id: i64,
    name: &str,
    unit: &str,
    expires_on: Option<&str>,
) -> Result<Option<i64>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM stock_items WHERE warehouse_id = $1 AND name = $2 AND unit = $3
            AND COALESCE(expires_on, '') = COALESCE($4, '')")
        .bind(warehouse_id).bind(name.to_string()).bind(unit.to_string()).bind(expires_on.map(str::to_string))
        .fetch_optional(c).await?))
}

pub async fn insert_item(tx: &mut Tx, warehouse_id: i64, d: &ItemDraft) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO stock_items (warehouse_id, name, category, unit, quantity, min_stock, expires_on, updated_at)
         VALUES ($1, $2, $3, $4, 0, $5, $6, $7) RETURNING id")
        .bind(warehouse_id).bind(d.name.clone()).bind(d.category.as_str()).bind(d.unit.clone())
        .bind(d.min_stock).bind(d.expires_on.map(|e| e.to_string())).bind(Utc::now())
        .fetch_one(c).await?))
}

/// The items of the warehouses inside a region.
pub async fn items(store: &Store, path: &str) -> Result<Vec<ItemRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{ITEM} WHERE w.region_path >= $1 AND w.region_path < $2 ORDER BY w.region_path, w.name, i.category, i.name"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, ItemRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

/// Adds to an item's stock, or takes from it only as far as it holds: the new quantity, or none
/// when it holds less than `delta` takes (then nothing changed). The check and the change are
/// one statement, so two takings at once cannot both pass it.
pub async fn change(tx: &mut Tx, id: i64, delta: i64) -> Result<Option<i64>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE stock_items SET quantity = quantity + $1, updated_at = $2
         WHERE id = $3 AND quantity + $1 >= 0 RETURNING quantity")
        .bind(delta).bind(Utc::now()).bind(id).fetch_optional(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MovementRow {
    pub id: i64,
    pub item_id: i64,
    pub item_name: String,
    pub unit: String,
    pub warehouse_name: String,
    pub kind: String,
    pub quantity: i64,
    pub balance_after: i64,
    pub to_warehouse: Option<String>,
    pub incident_id: Option<i64>,
    pub reason: Option<String>,
    pub moved_by: Option<String>,
    pub moved_at: DateTime<Utc>,
}

#[allow(clippy::too_many_arguments)] // one movement's facts, each its own column
pub async fn record(
    tx: &mut Tx,
    item_id: i64,
    kind: &str,
    quantity: i64,
    balance_after: i64,
    to_item_id: Option<i64>,
    incident_id: Option<i64>,
    reason: Option<&str>,
    by: Option<i64>,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO stock_movements (item_id, kind, quantity, balance_after, to_item_id, incident_id, reason, moved_by, moved_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(item_id).bind(kind.to_string()).bind(quantity).bind(balance_after).bind(to_item_id)
        .bind(incident_id).bind(reason.map(str::to_string)).bind(by).bind(Utc::now())
        .fetch_one(c).await?))
}

const MOVEMENT: &str = "SELECT m.id, m.item_id, i.name AS item_name, i.unit, w.name AS warehouse_name, m.kind,
    m.quantity, m.balance_after, tw.name AS to_warehouse, m.incident_id, m.reason, u.username AS moved_by, m.moved_at
    FROM stock_movements m JOIN stock_items i ON i.id = m.item_id JOIN warehouses w ON w.id = i.warehouse_id
    LEFT JOIN stock_items ti ON ti.id = m.to_item_id LEFT JOIN warehouses tw ON tw.id = ti.warehouse_id
    LEFT JOIN users u ON u.id = m.moved_by";

/// The movements of the warehouses inside a region, newest first.
pub async fn movements(store: &Store, path: &str, limit: i64) -> Result<Vec<MovementRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{MOVEMENT} WHERE w.region_path >= $1 AND w.region_path < $2 ORDER BY m.moved_at DESC, m.id DESC LIMIT $3"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, MovementRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(limit).fetch_all(c).await?))
}

/// What was dispatched to an incident.
pub async fn dispatched_to(src: impl Into<Src<'_>>, incident_id: i64) -> Result<Vec<MovementRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{MOVEMENT} WHERE m.incident_id = $1 ORDER BY m.moved_at, m.id"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, MovementRow>(sql).bind(incident_id).fetch_all(c).await?),
    )
}
