//! The duty roster.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx};
use chrono::{NaiveDate, Utc};
use safegrid_domain::duty::RosterDay;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RosterRow {
    pub day: String,
    pub region_id: i64,
    pub region_name: String,
    pub leader_id: i64,
    pub leader_name: String,
    pub leader_mobile: String,
    pub officer_id: i64,
    pub officer_name: String,
    pub officer_mobile: String,
    pub note: Option<String>,
}

const SELECT: &str = "SELECT d.day, d.region_id, r.name AS region_name,
    d.leader_id, l.name AS leader_name, l.mobile AS leader_mobile,
    d.officer_id, o.name AS officer_name, o.mobile AS officer_mobile, d.note
    FROM duty_roster d JOIN regions r ON r.id = d.region_id
    JOIN people l ON l.id = d.leader_id JOIN people o ON o.id = d.officer_id";

/// Sets one day of a region's roster (replacing what it held).
pub async fn set_day(tx: &mut Tx, d: &RosterDay, region_path: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO duty_roster (region_id, region_path, day, leader_id, officer_id, note, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (region_id, day) DO UPDATE SET leader_id = excluded.leader_id, officer_id = excluded.officer_id,
            note = excluded.note, updated_at = excluded.updated_at")
        .bind(d.region_id).bind(region_path.to_string()).bind(d.day.to_string()).bind(d.leader_id)
        .bind(d.officer_id).bind(d.note.clone()).bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(())
}

/// The roster of the regions inside `path` from `from` to `to`, by day.
pub async fn between(
    store: &Store,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<RosterRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE d.day >= $1 AND d.day <= $2 AND d.region_path >= $3 AND d.region_path < $4 ORDER BY d.day, r.name"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, RosterRow>(sql)
        .bind(from.to_string()).bind(to.to_string()).bind(path.to_string()).bind(crate::path_upper(path))
        .fetch_all(c).await?))
}

/// Who is on duty on `day` for a place at `path`: the roster of the nearest region holding it.
pub async fn on_duty(
    src: impl Into<Src<'_>>,
    path: &str,
    day: NaiveDate,
) -> Result<Option<RosterRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE d.day = $1 AND d.region_path = substr($2, 1, length(d.region_path))
         ORDER BY length(d.region_path) DESC LIMIT 1"
    ));
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, RosterRow>(sql)
        .bind(day.to_string()).bind(path.to_string()).fetch_optional(c).await?))
}
