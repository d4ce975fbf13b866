//! User accounts, browser sessions, API tokens and failed-login records.
//!
//! Session and API tokens are random; only their SHA-256 is stored, so a copy of the database
//! does not let anyone log in.

use crate::{Result, Src, Store, StoreError, Tx, on_read, on_src, on_tx};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: String,
    pub region_id: Option<i64>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT id, username, password_hash, role, region_id, department_id, enterprise_id, disabled, created_at FROM users";

pub struct NewUser<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub region_id: Option<i64>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
}

pub async fn insert(tx: &mut Tx, u: &NewUser<'_>) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO users (username, password_hash, role, region_id, department_id, enterprise_id, disabled, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7) RETURNING id")
        .bind(u.username.to_string()).bind(u.password_hash.to_string()).bind(u.role.to_string())
        .bind(u.region_id).bind(u.department_id).bind(u.enterprise_id).bind(Utc::now())
        .fetch_one(c).await?))
}

pub async fn by_username(src: impl Into<Src<'_>>, username: &str) -> Result<Option<UserRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE username = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, UserRow>(sql).bind(username.to_string()).fetch_optional(c).await?),
    )
}

pub async fn by_id(src: impl Into<Src<'_>>, id: i64) -> Result<Option<UserRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, UserRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

pub async fn list(store: &Store) -> Result<Vec<UserRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY username"));
    Ok(on_read!(store, c => sqlx::query_as::<_, UserRow>(sql).fetch_all(c).await?))
}

pub async fn count(store: &Store) -> Result<i64> {
    Ok(on_read!(store, c => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await?))
}

pub async fn set_password(tx: &mut Tx, id: i64, hash: &str) -> Result<()> {
    let r = on_tx!(tx, c => sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash.to_string()).bind(id).execute(c).await?.rows_affected());
    if r == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Disables an account and ends its sessions and tokens at once.
pub async fn set_disabled(tx: &mut Tx, id: i64, disabled: bool) -> Result<()> {
    let r = on_tx!(tx, c => sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2").bind(disabled).bind(id).execute(c).await?.rows_affected());
    if r == 0 {
        return Err(StoreError::NotFound);
    }
    if disabled {
        on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(c).await?.rows_affected());
        on_tx!(tx, c => sqlx::query("DELETE FROM api_tokens WHERE user_id = $1").bind(id).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// A session or token joined with the user it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_session(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash.to_string()).bind(user_id).bind(csrf.to_string()).bind(Utc::now()).bind(expires_at)
        .execute(c).await?.rows_affected());
    Ok(())
}

pub async fn session(store: &Store, token_hash: &str) -> Result<Option<SessionUser>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, SessionUser>(
        "SELECT s.user_id, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND u.disabled = FALSE")
        .bind(token_hash.to_string()).fetch_optional(c).await?))
}

pub async fn delete_session(tx: &mut Tx, token_hash: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash.to_string()).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn delete_expired_sessions(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64> {
    Ok(
        on_tx!(tx, c => sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(c).await?.rows_affected()),
    )
}

pub async fn insert_token(tx: &mut Tx, token_hash: &str, user_id: i64, name: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash.to_string()).bind(user_id).bind(name.to_string()).bind(Utc::now()).execute(c).await?.rows_affected());
    Ok(())
}

/// The user id behind an API token, if the token exists and its user is enabled.
pub async fn token_user(store: &Store, token_hash: &str) -> Result<Option<i64>> {
    Ok(on_read!(store, c => sqlx::query_scalar(
        "SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND u.disabled = FALSE")
        .bind(token_hash.to_string()).fetch_optional(c).await?))
}

pub async fn record_login_failure(tx: &mut Tx, username: &str, at: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, c => sqlx::query("INSERT INTO login_failures (username, at) VALUES ($1, $2)")
        .bind(username.to_string()).bind(at).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn login_failures_since(
    store: &Store,
    username: &str,
    since: DateTime<Utc>,
) -> Result<i64> {
    Ok(
        on_read!(store, c => sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at >= $2")
        .bind(username.to_string()).bind(since).fetch_one(c).await?),
    )
}

pub async fn clear_login_failures(tx: &mut Tx, username: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(username.to_string()).execute(c).await?.rows_affected());
    Ok(())
}

/// Links an account to the person of the registry it belongs to (whose warnings then reach its
/// inbox), or unlinks it.
pub async fn link_person(tx: &mut Tx, user_id: i64, person_id: Option<i64>) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE users SET person_id = $1 WHERE id = $2")
        .bind(person_id).bind(user_id).execute(c).await?.rows_affected());
    Ok(())
}
