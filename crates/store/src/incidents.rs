//! Incidents, the reports made upward on them, and their timelines.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::{DateTime, Utc};
use safegrid_domain::incident::{Figures, IncidentDraft};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct IncidentRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub occurred_at: DateTime<Utc>,
    pub known_at: DateTime<Utc>,
    pub region_id: i64,
    pub region_path: String,
    pub region_name: String,
    pub place: Option<String>,
    pub description: Option<String>,
    pub grade: Option<String>,
    /// Why the grade was set by hand to one the figures do not give.
    pub grade_reason: Option<String>,
    pub deaths: i64,
    pub missing: i64,
    pub serious_injuries: i64,
    pub direct_loss_fen: i64,
    pub burned_m2: i64,
    pub status: String,
    pub ended_at: Option<DateTime<Utc>>,
    /// The on-site commander (现场指挥官).
    pub commander_id: Option<i64>,
    pub commander_name: Option<String>,
    pub commander_mobile: Option<String>,
    /// The enterprise an accident happened at.
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    /// The monitored object it happened at.
    pub object_id: Option<i64>,
}

impl IncidentRow {
    pub fn figures(&self) -> Figures {
        Figures {
            deaths: self.deaths,
            missing: self.missing,
            serious_injuries: self.serious_injuries,
            direct_loss_fen: self.direct_loss_fen,
            burned_m2: self.burned_m2,
        }
    }
}

const SELECT: &str =
    "SELECT i.id, i.kind, i.title, i.occurred_at, i.known_at, i.region_id, i.region_path,
    r.name AS region_name, i.place, i.description, i.grade, i.grade_reason, i.deaths, i.missing, i.serious_injuries,
    i.direct_loss_fen, i.burned_m2, i.status, i.ended_at, i.commander_id, c.name AS commander_name,
    c.mobile AS commander_mobile, i.enterprise_id, e.name AS enterprise_name, i.object_id
    FROM incidents i JOIN regions r ON r.id = i.region_id LEFT JOIN people c ON c.id = i.commander_id
    LEFT JOIN enterprises e ON e.id = i.enterprise_id";

pub async fn insert(
    tx: &mut Tx,
    d: &IncidentDraft,
    region_path: &str,
    grade: Option<&str>,
    by: Option<i64>,
) -> Result<i64> {
    let now = Utc::now();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO incidents (kind, title, occurred_at, known_at, region_id, region_path, place, description, grade,
            deaths, missing, serious_injuries, direct_loss_fen, burned_m2, status, created_by, created_at, updated_at,
            enterprise_id, object_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, 0, 0, 0, 'open', $10, $11, $11, $12, $13) RETURNING id")
        .bind(d.kind.as_str()).bind(d.name.clone()).bind(d.occurred_at).bind(d.known_at).bind(d.region_id)
        .bind(region_path.to_string()).bind(d.place.clone()).bind(d.course.clone()).bind(grade.map(str::to_string))
        .bind(by).bind(now).bind(d.enterprise_id).bind(d.object_id)
        .fetch_one(c).await?))
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<IncidentRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE i.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, IncidentRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The incidents inside a region, newest first.
pub async fn list(store: &Store, path: &str, limit: i64) -> Result<Vec<IncidentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE i.region_path >= $1 AND i.region_path < $2 ORDER BY i.occurred_at DESC, i.id DESC LIMIT $3"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, IncidentRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(limit).fetch_all(c).await?))
}

pub async fn set_figures(tx: &mut Tx, id: i64, f: &Figures, grade: Option<&str>) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE incidents SET deaths = $1, missing = $2, serious_injuries = $3, direct_loss_fen = $4, burned_m2 = $5,
            grade = $6, updated_at = $7 WHERE id = $8")
        .bind(f.deaths).bind(f.missing).bind(f.serious_injuries).bind(f.direct_loss_fen).bind(f.burned_m2)
        .bind(grade.map(str::to_string)).bind(Utc::now()).bind(id)
        .execute(c).await?.rows_affected());
    Ok(())
}

/// Sets the grade by hand, with the reason when it is not the figures' grade.
pub async fn set_grade(tx: &mut Tx, id: i64, grade: &str, reason: Option<&str>) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE incidents SET grade = $1, grade_reason = $2, updated_at = $3 WHERE id = $4")
        .bind(grade.to_string()).bind(reason.map(str::to_string)).bind(Utc::now()).bind(id)
        .execute(c).await?.rows_affected());
    Ok(())
}

/// Names the on-site commander.
pub async fn set_commander(tx: &mut Tx, id: i64, person_id: i64) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE incidents SET commander_id = $1, updated_at = $2 WHERE id = $3")
        .bind(person_id).bind(Utc::now()).bind(id)
        .execute(c).await?.rows_affected());
    Ok(())
}

/// Links a warning or a hazard to an incident; false when it was linked already.
pub async fn link(tx: &mut Tx, id: i64, kind: &str, target_id: i64) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "INSERT INTO incident_links (incident_id, kind, target_id, linked_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (incident_id, kind, target_id) DO NOTHING")
        .bind(id).bind(kind.to_string()).bind(target_id).bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// The ids of what is linked to an incident, of one kind, in the order linked.
pub async fn links(src: impl Into<Src<'_>>, id: i64, kind: &str) -> Result<Vec<i64>> {
    Ok(on_src!(src.into(), c => sqlx::query_scalar(
        "SELECT target_id FROM incident_links WHERE incident_id = $1 AND kind = $2 ORDER BY linked_at, target_id")
        .bind(id).bind(kind.to_string()).fetch_all(c).await?))
}

/// Ends an open incident; false when it was not open.
pub async fn end(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE incidents SET status = 'ended', ended_at = $1, updated_at = $1 WHERE id = $2 AND status = 'open'")
        .bind(at).bind(id).execute(c).await?.rows_affected());
    Ok(n == 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub stage: String,
    pub reported_at: DateTime<Utc>,
    pub summary: String,
    pub reported_by: Option<String>,
}

pub async fn add_report(
    tx: &mut Tx,
    incident_id: i64,
    stage: &str,
    at: DateTime<Utc>,
    summary: &str,
    by: Option<i64>,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO incident_reports (incident_id, stage, reported_at, summary, reported_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(incident_id).bind(stage.to_string()).bind(at).bind(summary.to_string()).bind(by).bind(Utc::now())
        .fetch_one(c).await?))
}

pub async fn reports(src: impl Into<Src<'_>>, incident_id: i64) -> Result<Vec<ReportRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, ReportRow>(
        "SELECT r.id, r.stage, r.reported_at, r.summary, u.username AS reported_by FROM incident_reports r
         LEFT JOIN users u ON u.id = r.reported_by WHERE r.incident_id = $1 ORDER BY r.reported_at, r.id")
        .bind(incident_id).fetch_all(c).await?))
}

/// Every report made on the incidents inside a region: `(incident, stage, reported at)`, for the
/// list's clocks in one query.
pub async fn reports_within(
    store: &Store,
    path: &str,
) -> Result<Vec<(i64, String, DateTime<Utc>)>> {
    Ok(
        on_read!(store, c => sqlx::query_as::<_, (i64, String, DateTime<Utc>)>(
        "SELECT r.incident_id, r.stage, r.reported_at FROM incident_reports r JOIN incidents i ON i.id = r.incident_id
         WHERE i.region_path >= $1 AND i.region_path < $2 ORDER BY r.incident_id, r.reported_at")
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LogRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub entry: String,
    pub written_by: Option<String>,
}

pub async fn add_log(
    tx: &mut Tx,
    incident_id: i64,
    at: DateTime<Utc>,
    entry: &str,
    by: Option<i64>,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO incident_log (incident_id, at, entry, written_by, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(incident_id).bind(at).bind(entry.to_string()).bind(by).bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(())
}

pub async fn log(src: impl Into<Src<'_>>, incident_id: i64) -> Result<Vec<LogRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, LogRow>(
        "SELECT l.id, l.at, l.entry, u.username AS written_by FROM incident_log l
         LEFT JOIN users u ON u.id = l.written_by WHERE l.incident_id = $1 ORDER BY l.at, l.id")
        .bind(incident_id).fetch_all(c).await?))
}

/// A cheap mark of everything the command page shows of an incident: it changes when the
/// incident, its timeline, its reports, what was dispatched or linked to it, or its relief changes (the
/// statistics write a timeline entry).
pub async fn mark(src: impl Into<Src<'_>>, id: i64) -> Result<String> {
    type Counts = (Option<DateTime<Utc>>, i64, i64, i64, i64, i64);
    let (updated, log, reports, dispatched, relief, assured): Counts = on_src!(src.into(), c => sqlx::query_as(
            "SELECT (SELECT updated_at FROM incidents WHERE id = $1),
                    (SELECT COUNT(*) FROM incident_log WHERE incident_id = $1),
                    (SELECT COUNT(*) FROM incident_reports WHERE incident_id = $1),
                    (SELECT COUNT(*) FROM stock_movements WHERE incident_id = $1)
                     + (SELECT COUNT(*) FROM incident_links WHERE incident_id = $1),
                    (SELECT COUNT(*) FROM relief_households WHERE incident_id = $1),
                    (SELECT COUNT(*) FROM relief_households
                     WHERE incident_id = $1 AND food AND clothing AND water AND shelter AND medical)")
            .bind(id).fetch_one(c).await?);
    Ok(format!(
        "{}:{log}:{reports}:{dispatched}:{relief}:{assured}",
        updated.map(|t| t.timestamp_millis()).unwrap_or(0)
    ))
}
