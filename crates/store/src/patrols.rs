//! Monitor patrols, their crack measurements, and what the missed-patrol list counts.

use crate::monitoring::scope_filter;
use crate::{Param, Result, Src, Store, Tx, bind_params, on_read, on_src, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Scope;
use safegrid_domain::patrol::PatrolDraft;
use serde::Serialize;

/// Stores a patrol and its crack measurements; returns its id.
pub async fn insert_patrol(
    tx: &mut Tx,
    d: &PatrolDraft,
    day: NaiveDate,
    by: i64,
    alarm_id: Option<i64>,
) -> Result<i64> {
    let precursors: Vec<&str> = d.precursors.iter().map(|p| p.as_str()).collect();
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO patrols (object_id, region_path, patrolled_at, day, reported_by, no_anomaly, precursors, latitude,
            longitude, note, alarm_id, created_at)
         VALUES ($1, (SELECT region_path FROM monitored_objects WHERE id = $1), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         RETURNING id")
        .bind(d.object_id).bind(d.patrolled_at).bind(day).bind(by).bind(d.no_anomaly).bind(precursors.join(","))
        .bind(d.latitude).bind(d.longitude).bind(d.note.clone()).bind(alarm_id).bind(Utc::now())
        .fetch_one(c).await?);
    for k in &d.cracks {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO patrol_cracks (patrol_id, object_id, point, width_mm, measured_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id).bind(d.object_id).bind(k.point.clone()).bind(k.width_mm).bind(d.patrolled_at)
            .execute(c).await?.rows_affected());
    }
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PatrolRow {
    pub id: i64,
    pub object_id: i64,
    pub object_name: String,
    pub region_name: String,
    pub region_path: String,
    pub patrolled_at: DateTime<Utc>,
    pub reported_by: String,
    pub no_anomaly: bool,
    /// Precursor codes, comma-separated.
    pub precursors: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub note: Option<String>,
    pub alarm_id: Option<i64>,
    /// The level of the alarm the patrol raised, as it stands now.
    pub alarm_level: Option<String>,
    pub cracks: i64,
}

impl PatrolRow {
    pub fn precursor_codes(&self) -> Vec<&str> {
        self.precursors
            .split(',')
            .filter(|s| !s.is_empty())
            .collect()
    }
}

const SELECT: &str = "SELECT p.id, p.object_id, o.name AS object_name, r.name AS region_name, p.region_path,
    p.patrolled_at, u.username AS reported_by, p.no_anomaly, p.precursors, p.latitude, p.longitude, p.note, p.alarm_id,
    a.level AS alarm_level, (SELECT COUNT(*) FROM patrol_cracks k WHERE k.patrol_id = p.id) AS cracks
    FROM patrols p JOIN monitored_objects o ON o.id = p.object_id JOIN regions r ON r.id = o.region_id
    JOIN users u ON u.id = p.reported_by LEFT JOIN alarms a ON a.id = p.alarm_id";

/// Patrols in scope, newest first: all of one object, or the latest of every object.
pub async fn patrols(
    store: &Store,
    scope: &Scope,
    object_id: Option<i64>,
    limit: i64,
) -> Result<Vec<PatrolRow>> {
    let mut w = scope_filter(scope, "p.region_path");
    if let Some(o) = object_id {
        w.push("p.object_id = ?", Param::Int(o));
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT}{} ORDER BY p.patrolled_at DESC, p.id DESC LIMIT {}",
        w.where_sql(),
        limit.clamp(1, 5000)
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, PatrolRow>(sql), &w.params).fetch_all(c).await?),
    )
}

pub async fn patrol(src: impl Into<Src<'_>>, id: i64) -> Result<Option<PatrolRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE p.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, PatrolRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct CrackRow {
    pub patrol_id: i64,
    pub point: String,
    pub width_mm: f64,
    pub measured_at: DateTime<Utc>,
}

/// Every crack measurement of an object, by point and time, for the widening table.
pub async fn cracks_of_object(store: &Store, object_id: i64) -> Result<Vec<CrackRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, CrackRow>(
        "SELECT patrol_id, point, width_mm, measured_at FROM patrol_cracks WHERE object_id = $1
         ORDER BY point, measured_at, patrol_id").bind(object_id).fetch_all(c).await?))
}

pub async fn cracks_of_patrol(store: &Store, patrol_id: i64) -> Result<Vec<CrackRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, CrackRow>(
        "SELECT patrol_id, point, width_mm, measured_at FROM patrol_cracks WHERE patrol_id = $1 ORDER BY point")
        .bind(patrol_id).fetch_all(c).await?))
}

/// The latest width at each point of an object before a time, to compare a new measurement with.
pub async fn last_widths(
    src: impl Into<Src<'_>>,
    object_id: i64,
    before: DateTime<Utc>,
) -> Result<Vec<(String, f64)>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, (String, f64)>(
        "SELECT k.point, k.width_mm FROM patrol_cracks k WHERE k.object_id = $1 AND k.measured_at < $2
           AND k.measured_at = (SELECT MAX(m.measured_at) FROM patrol_cracks m
                                WHERE m.object_id = k.object_id AND m.point = k.point AND m.measured_at < $2)
         ORDER BY k.point").bind(object_id).bind(before).fetch_all(c).await?))
}

/// (object, day) of every patrol of objects in scope within `[from, to]`, one row per patrol.
pub async fn patrol_days(
    store: &Store,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, NaiveDate)>> {
    let mut w = scope_filter(scope, "region_path");
    w.push("day >= ?", Param::Date(from));
    w.push("day <= ?", Param::Date(to));
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT object_id, day FROM patrols{}",
        w.where_sql()
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, (i64, NaiveDate)>(sql), &w.params).fetch_all(c).await?),
    )
}

/// (object, person id, name) of the monitors (群测群防员) of objects in scope.
pub async fn monitors(store: &Store, scope: &Scope) -> Result<Vec<(i64, i64, String)>> {
    let mut w = scope_filter(scope, "o.region_path");
    w.push("d.role = ?", Param::Text("monitor".into()));
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT d.object_id, p.id, p.name FROM object_duties d JOIN people p ON p.id = d.person_id
         JOIN monitored_objects o ON o.id = d.object_id{} ORDER BY d.object_id, p.name",
        w.where_sql()
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, (i64, i64, String)>(sql), &w.params).fetch_all(c).await?),
    )
}

/// Where and when rain alarms stood: (region path of the gauge's object, opened, ended or
/// `None` while it stands), for those overlapping `[from, to)`.
pub async fn rain_alarm_spans(
    store: &Store,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, DateTime<Utc>, Option<DateTime<Utc>>)>> {
    Ok(
        on_read!(store, c => sqlx::query_as::<_, (String, DateTime<Utc>, Option<DateTime<Utc>>)>(
        "SELECT region_path, opened_at, COALESCE(cleared_at, resolved_at) FROM alarms
         WHERE metric = 'rainfall' AND opened_at < $2 AND (COALESCE(cleared_at, resolved_at) IS NULL OR COALESCE(cleared_at, resolved_at) >= $1)")
        .bind(from).bind(to).fetch_all(c).await?),
    )
}
