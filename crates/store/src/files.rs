//! Evidence files by content hash, and their attachments to records.

use crate::{Result, Store, Tx, on_read, on_tx, path_upper};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A file to attach to a record.
pub struct NewAttachment<'a> {
    pub sha256: &'a str,
    pub mime: &'a str,
    pub content: &'a [u8],
    pub entity_type: &'a str,
    pub entity_id: i64,
    /// The part of the record it shows (an inspection's item), if not the whole.
    pub part: Option<&'a str>,
    pub name: &'a str,
    pub by: i64,
}

/// Stores a file's content once (by its SHA-256) and attaches it to a record; returns the
/// attachment id.
pub async fn attach(tx: &mut Tx, a: &NewAttachment<'_>) -> Result<i64> {
    let now = Utc::now();
    let have: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT sha256 FROM files WHERE sha256 = $1").bind(a.sha256.to_string()).fetch_optional(c).await?);
    if have.is_none() {
        on_tx!(tx, c => sqlx::query("INSERT INTO files (sha256, mime, size, content, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(a.sha256.to_string()).bind(a.mime.to_string()).bind(a.content.len() as i64).bind(a.content.to_vec()).bind(now)
            .execute(c).await?.rows_affected());
    }
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO attachments (entity_type, entity_id, part, sha256, name, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
        .bind(a.entity_type.to_string()).bind(a.entity_id).bind(a.part.map(str::to_string)).bind(a.sha256.to_string())
        .bind(a.name.to_string()).bind(a.by).bind(now)
        .fetch_one(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub entity_type: String,
    pub entity_id: i64,
    pub part: Option<String>,
    pub sha256: String,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str =
    "SELECT a.id, a.entity_type, a.entity_id, a.part, a.sha256, a.name, f.mime, f.size, a.created_at
    FROM attachments a JOIN files f ON f.sha256 = a.sha256";

pub async fn of(store: &Store, entity_type: &str, entity_id: i64) -> Result<Vec<AttachmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE a.entity_type = $1 AND a.entity_id = $2 ORDER BY a.id"
    ));
    Ok(
        on_read!(store, c => sqlx::query_as::<_, AttachmentRow>(sql).bind(entity_type.to_string()).bind(entity_id).fetch_all(c).await?),
    )
}

pub async fn get(store: &Store, id: i64) -> Result<Option<AttachmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE a.id = $1"));
    Ok(
        on_read!(store, c => sqlx::query_as::<_, AttachmentRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

pub async fn content(store: &Store, sha256: &str) -> Result<Option<Vec<u8>>> {
    Ok(
        on_read!(store, c => sqlx::query_scalar("SELECT content FROM files WHERE sha256 = $1").bind(sha256.to_string()).fetch_optional(c).await?),
    )
}

/// The attachments of the plans inside a region (plans keep their signed text and annexes).
pub async fn of_plans_within(store: &Store, path: &str) -> Result<Vec<AttachmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} JOIN plans p ON p.id = a.entity_id
         WHERE a.entity_type = 'plan' AND p.region_path >= $1 AND p.region_path < $2 ORDER BY a.id"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, AttachmentRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}
