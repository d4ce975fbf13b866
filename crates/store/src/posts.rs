//! Posts and their cards.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx};
use chrono::Utc;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PostRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub region_path: String,
    pub industry_code: String,
    pub name: String,
    /// The cards as JSON (`safegrid_domain::cards::PostCards`).
    pub cards: String,
    pub complete: bool,
}

const SELECT: &str = "SELECT p.id, p.enterprise_id, e.name AS enterprise_name, e.region_path, e.industry_code, p.name, p.cards, p.complete
    FROM posts p JOIN enterprises e ON e.id = p.enterprise_id";

/// Creates the post or replaces its cards (a post is named once per enterprise).
pub async fn put(
    tx: &mut Tx,
    enterprise_id: i64,
    name: &str,
    cards: &str,
    complete: bool,
) -> Result<i64> {
    let now = Utc::now();
    let existing: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM posts WHERE enterprise_id = $1 AND name = $2")
        .bind(enterprise_id).bind(name.to_string()).fetch_optional(c).await?);
    Ok(match existing {
        Some(id) => {
            on_tx!(tx, c => sqlx::query("UPDATE posts SET cards = $1, complete = $2, updated_at = $3 WHERE id = $4")
                .bind(cards.to_string()).bind(complete).bind(now).bind(id).execute(c).await?.rows_affected());
            id
        }
        None => on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO posts (enterprise_id, name, cards, complete, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id")
            .bind(enterprise_id).bind(name.to_string()).bind(cards.to_string()).bind(complete).bind(now).fetch_one(c).await?),
    })
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<PostRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE p.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, PostRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

pub async fn of_enterprise(store: &Store, enterprise_id: i64) -> Result<Vec<PostRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE p.enterprise_id = $1 ORDER BY p.name"
    ));
    Ok(
        on_read!(store, c => sqlx::query_as::<_, PostRow>(sql).bind(enterprise_id).fetch_all(c).await?),
    )
}
