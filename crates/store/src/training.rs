//! Training records, the emergency office's staff, its standardisation self-assessment and
//! outreach activities.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::{DateTime, Utc};
use safegrid_domain::training::{AssessmentDraft, OutreachDraft, StaffDraft, TrainingDraft};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TrainingRow {
    pub id: i64,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    /// Whether the trainee's enterprise is in a high-risk trade.
    pub high_risk: Option<bool>,
    pub person_id: Option<i64>,
    pub trainee: String,
    pub category: String,
    pub kind: String,
    pub course: String,
    pub starts_on: String,
    pub ends_on: String,
    pub minutes: i64,
    pub passed: bool,
}

const TRAINING: &str = "SELECT t.id, t.region_id, r.name AS region_name, t.region_path, t.enterprise_id,
    e.name AS enterprise_name, e.high_risk, t.person_id, t.trainee, t.category, t.kind, t.course, t.starts_on,
    t.ends_on, t.minutes, t.passed
    FROM trainings t JOIN regions r ON r.id = t.region_id LEFT JOIN enterprises e ON e.id = t.enterprise_id";

pub async fn insert_training(
    tx: &mut Tx,
    d: &TrainingDraft,
    region_id: i64,
    region_path: &str,
    by: Option<i64>,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO trainings (region_id, region_path, enterprise_id, person_id, trainee, category, kind, course,
            starts_on, ends_on, minutes, passed, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id")
        .bind(region_id).bind(region_path.to_string()).bind(d.enterprise_id).bind(d.person_id)
        .bind(d.trainee.clone()).bind(d.category.as_str()).bind(d.kind.as_str()).bind(d.course.clone())
        .bind(d.starts_on.to_string()).bind(d.ends_on.to_string()).bind(d.minutes).bind(d.passed)
        .bind(by).bind(Utc::now()).fetch_one(c).await?))
}

pub async fn training(src: impl Into<Src<'_>>, id: i64) -> Result<Option<TrainingRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{TRAINING} WHERE t.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, TrainingRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The trainings inside `path` that began by the end of `until` (`YYYY-MM-DD`), optionally of one
/// enterprise, newest first: compliance needs the earlier years' initial training too.
pub async fn trainings_within(
    store: &Store,
    path: &str,
    until: &str,
    enterprise_id: Option<i64>,
) -> Result<Vec<TrainingRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{TRAINING} WHERE t.region_path >= $1 AND t.region_path < $2 AND t.starts_on <= $3
           AND ($4 = 0 OR t.enterprise_id = $4)
         ORDER BY t.starts_on DESC, t.id DESC"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, TrainingRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(until.to_string())
        .bind(enterprise_id.unwrap_or(0)).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StaffRow {
    pub person_id: i64,
    pub name: String,
    pub title: Option<String>,
    pub region_path: String,
    pub joined_on: String,
    pub qualification: String,
    pub left_on: Option<String>,
}

pub async fn put_staff(tx: &mut Tx, d: &StaffDraft, region_path: &str) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO emergency_staff (person_id, region_path, joined_on, qualification, left_on, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (person_id) DO UPDATE SET region_path = excluded.region_path, joined_on = excluded.joined_on,
             qualification = excluded.qualification, left_on = excluded.left_on, updated_at = excluded.updated_at")
        .bind(d.person_id).bind(region_path.to_string()).bind(d.joined_on.to_string())
        .bind(d.qualification.as_str()).bind(d.left_on.map(|d| d.to_string())).bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(())
}

pub async fn staff_within(src: impl Into<Src<'_>>, path: &str) -> Result<Vec<StaffRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, StaffRow>(
        "SELECT s.person_id, p.name, p.title, s.region_path, s.joined_on, s.qualification, s.left_on
         FROM emergency_staff s JOIN people p ON p.id = s.person_id
         WHERE s.region_path >= $1 AND s.region_path < $2 ORDER BY s.joined_on, p.id")
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AspectRow {
    pub region_id: i64,
    pub year: i64,
    pub aspect: String,
    pub rating: String,
    pub note: Option<String>,
    pub assessed_at: DateTime<Utc>,
}

pub async fn put_assessment(tx: &mut Tx, d: &AssessmentDraft, by: Option<i64>) -> Result<()> {
    let now = Utc::now();
    for (aspect, rating, note) in &d.lines {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO standardisation (region_id, year, aspect, rating, note, assessed_by, assessed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (region_id, year, aspect) DO UPDATE SET rating = excluded.rating, note = excluded.note,
                 assessed_by = excluded.assessed_by, assessed_at = excluded.assessed_at")
            .bind(d.region_id).bind(d.year as i64).bind(aspect.as_str()).bind(rating.as_str())
            .bind(note.clone()).bind(by).bind(now).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// The assessments of the regions inside `path` for a year.
pub async fn assessments_within(store: &Store, path: &str, year: i32) -> Result<Vec<AspectRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, AspectRow>(
        "SELECT s.region_id, s.year, s.aspect, s.rating, s.note, s.assessed_at FROM standardisation s
         JOIN regions r ON r.id = s.region_id
         WHERE r.path >= $1 AND r.path < $2 AND s.year = $3 ORDER BY s.region_id, s.aspect")
        .bind(path.to_string()).bind(path_upper(path)).bind(year as i64).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OutreachRow {
    pub id: i64,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub kind: String,
    pub held_on: String,
    pub title: String,
    pub participants: i64,
    pub note: Option<String>,
}

pub async fn insert_outreach(
    tx: &mut Tx,
    d: &OutreachDraft,
    region_path: &str,
    by: Option<i64>,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO outreach (region_id, region_path, kind, held_on, title, participants, note, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(d.region_id).bind(region_path.to_string()).bind(d.kind.as_str()).bind(d.held_on.to_string())
        .bind(d.title.clone()).bind(d.participants).bind(d.note.clone()).bind(by).bind(Utc::now())
        .fetch_one(c).await?))
}

/// The activities inside `path` held between two days (both included), latest first.
pub async fn outreach_within(
    store: &Store,
    path: &str,
    from: &str,
    to: &str,
) -> Result<Vec<OutreachRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, OutreachRow>(
        "SELECT o.id, o.region_id, r.name AS region_name, o.region_path, o.kind, o.held_on, o.title,
                o.participants, o.note
         FROM outreach o JOIN regions r ON r.id = o.region_id
         WHERE o.region_path >= $1 AND o.region_path < $2 AND o.held_on >= $3 AND o.held_on <= $4
         ORDER BY o.held_on DESC, o.id DESC")
        .bind(path.to_string()).bind(path_upper(path)).bind(from.to_string()).bind(to.to_string())
        .fetch_all(c).await?))
}
