//! The audit chain's rows. The hashing rules are in `safegrid_domain::audit`.

use crate::{Result, Store, Tx, on_read, on_tx};
use safegrid_domain::audit::{Entry, hash};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    pub fn entry(&self) -> Entry {
        Entry {
            seq: self.seq,
            at: self.at.clone(),
            actor: self.actor.clone(),
            action: self.action.clone(),
            entity_type: self.entity_type.clone(),
            entity_id: self.entity_id.clone(),
            before: self.before_json.clone(),
            after: self.after_json.clone(),
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        }
    }
}

/// What one change was.
pub struct Change<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
}

/// Appends a change to the chain inside the transaction that made it. The head row is locked
/// (`FOR UPDATE` on PostgreSQL; SQLite has a single writer), so concurrent writers queue here and
/// each entry links to the one committed before it. Call it last in a transaction so the lock is
/// held briefly.
pub async fn append(tx: &mut Tx, change: &Change<'_>) -> Result<i64> {
    let head_sql = match tx {
        Tx::Sqlite(_) => "SELECT seq, hash FROM audit_head WHERE id = 1",
        Tx::Postgres(_) => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
    };
    let (seq, prev): (i64, String) = on_tx!(tx, c => sqlx::query_as(head_sql).fetch_one(c).await?);
    let seq = seq + 1;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let h = hash(
        seq,
        &at,
        change.actor,
        change.action,
        change.entity_type,
        change.entity_id,
        change.before,
        change.after,
        &prev,
    );
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, entity_type, entity_id, before_json, after_json, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(seq).bind(at).bind(change.actor.to_string()).bind(change.action.to_string())
        .bind(change.entity_type.to_string()).bind(change.entity_id.to_string())
        .bind(change.before.map(str::to_string)).bind(change.after.map(str::to_string))
        .bind(prev).bind(h.clone()).execute(&mut *c).await?.rows_affected());
    on_tx!(tx, c => sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1").bind(seq).bind(h).execute(c).await?.rows_affected());
    Ok(seq)
}

const SELECT: &str = "SELECT seq, at, actor, action, entity_type, entity_id, before_json, after_json, prev_hash, hash FROM audit_log";

/// Entries after `after_seq`, at most `limit`, in order; for verifying the chain in batches.
pub async fn batch(store: &Store, after_seq: i64, limit: i64) -> Result<Vec<AuditRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE seq > $1 ORDER BY seq LIMIT $2"));
    Ok(
        on_read!(store, c => sqlx::query_as::<_, AuditRow>(sql).bind(after_seq).bind(limit).fetch_all(c).await?),
    )
}

/// The history of one record, newest first.
pub async fn history(store: &Store, entity_type: &str, entity_id: &str) -> Result<Vec<AuditRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE entity_type = $1 AND entity_id = $2 ORDER BY seq DESC"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, AuditRow>(sql)
        .bind(entity_type.to_string()).bind(entity_id.to_string()).fetch_all(c).await?))
}

/// The most recent entries, newest first.
pub async fn recent(store: &Store, limit: i64) -> Result<Vec<AuditRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY seq DESC LIMIT $1"));
    Ok(on_read!(store, c => sqlx::query_as::<_, AuditRow>(sql).bind(limit).fetch_all(c).await?))
}

/// The recorded head of the chain: the last sequence number and its hash.
pub async fn head(store: &Store) -> Result<(i64, String)> {
    Ok(
        on_read!(store, c => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(c).await?),
    )
}
