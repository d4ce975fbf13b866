//! Rectification campaigns and their targets.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A campaign with the count of its targets and of those cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub starts_on: String,
    pub deadline: String,
    pub description: Option<String>,
    pub total: i64,
    pub cleared: i64,
}

const SELECT: &str = "SELECT c.id, c.name, c.kind, c.region_id, r.name AS region_name, c.region_path,
    c.starts_on, c.deadline, c.description,
    (SELECT COUNT(*) FROM campaign_targets t WHERE t.campaign_id = c.id) AS total,
    (SELECT COUNT(*) FROM campaign_targets t WHERE t.campaign_id = c.id AND t.status = 'cleared') AS cleared
    FROM campaigns c JOIN regions r ON r.id = c.region_id";

pub async fn insert(
    tx: &mut Tx,
    d: &safegrid_domain::campaign::CampaignDraft,
    region_path: &str,
    by: Option<i64>,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO campaigns (name, kind, region_id, region_path, starts_on, deadline, description, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(d.name.clone()).bind(d.kind.as_str()).bind(d.region_id).bind(region_path.to_string())
        .bind(d.starts_on.to_string()).bind(d.deadline.to_string()).bind(d.description.clone()).bind(by)
        .bind(Utc::now()).fetch_one(c).await?))
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<CampaignRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, CampaignRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The campaigns inside a region, and those over it (a town's campaign reaches its villages),
/// latest deadline first.
pub async fn visible_from(store: &Store, path: &str) -> Result<Vec<CampaignRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE (c.region_path >= $1 AND c.region_path < $2) OR substr($1, 1, length(c.region_path)) = c.region_path
         ORDER BY c.deadline DESC, c.id DESC"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, CampaignRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TargetRow {
    pub id: i64,
    pub campaign_id: i64,
    pub kind: String,
    pub label: String,
    pub enterprise_id: Option<i64>,
    pub region_id: Option<i64>,
    pub region_name: Option<String>,
    pub region_path: String,
    pub treatment: Option<String>,
    pub status: String,
    pub note: Option<String>,
    pub cleared_on: Option<String>,
    pub updated_at: DateTime<Utc>,
}

const TARGET: &str = "SELECT t.id, t.campaign_id, t.kind, t.label, t.enterprise_id, t.region_id,
    r.name AS region_name, t.region_path, t.treatment, t.status, t.note, t.cleared_on, t.updated_at
    FROM campaign_targets t LEFT JOIN regions r ON r.id = t.region_id";

/// A target as it is added.
pub struct NewTarget<'a> {
    pub campaign_id: i64,
    pub kind: &'a str,
    pub label: &'a str,
    pub enterprise_id: Option<i64>,
    pub region_id: Option<i64>,
    pub region_path: &'a str,
    pub treatment: Option<&'a str>,
    pub by: Option<i64>,
}

pub async fn insert_target(tx: &mut Tx, t: &NewTarget<'_>) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO campaign_targets (campaign_id, kind, label, enterprise_id, region_id, region_path, treatment,
            status, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING id")
        .bind(t.campaign_id).bind(t.kind.to_string()).bind(t.label.to_string()).bind(t.enterprise_id)
        .bind(t.region_id).bind(t.region_path.to_string()).bind(t.treatment.map(str::to_string)).bind(t.by)
        .bind(Utc::now()).fetch_one(c).await?))
}

/// The targets of a campaign inside a region, in the order they were added.
pub async fn targets(
    src: impl Into<Src<'_>>,
    campaign_id: i64,
    path: &str,
) -> Result<Vec<TargetRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{TARGET} WHERE t.campaign_id = $1 AND t.region_path >= $2 AND t.region_path < $3 ORDER BY t.id"
    ));
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, TargetRow>(sql)
        .bind(campaign_id).bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

pub async fn target(src: impl Into<Src<'_>>, id: i64) -> Result<Option<TargetRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{TARGET} WHERE t.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, TargetRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// Changes a target still at `from`; false when someone changed it first.
#[allow(clippy::too_many_arguments)]
pub async fn update_target(
    tx: &mut Tx,
    id: i64,
    from: &str,
    status: &str,
    note: Option<&str>,
    treatment: Option<&str>,
    cleared_on: Option<chrono::NaiveDate>,
    by: Option<i64>,
) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE campaign_targets SET status = $1, note = COALESCE($2, note), treatment = COALESCE($3, treatment),
            cleared_on = $4, updated_by = $5, updated_at = $6
         WHERE id = $7 AND status = $8")
        .bind(status.to_string()).bind(note.map(str::to_string)).bind(treatment.map(str::to_string))
        .bind(cleared_on.map(|d| d.to_string())).bind(by).bind(Utc::now()).bind(id).bind(from.to_string())
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}
