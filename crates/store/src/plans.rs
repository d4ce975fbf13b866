//! Emergency plans, their revisions, and drills.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::Utc;
use safegrid_domain::plan::{DrillDraft, PlanDraft};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub title: String,
    pub level: String,
    pub kind: String,
    pub region_id: i64,
    pub region_path: String,
    pub region_name: String,
    pub department: Option<String>,
    pub version: String,
    pub revised_on: String,
    pub period_months: i64,
}

const PLAN: &str = "SELECT p.id, p.title, p.level, p.kind, p.region_id, p.region_path, r.name AS region_name,
    p.department, p.version, p.revised_on, p.period_months FROM plans p JOIN regions r ON r.id = p.region_id";

pub async fn insert_plan(tx: &mut Tx, d: &PlanDraft, region_path: &str) -> Result<i64> {
    let now = Utc::now();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO plans (title, level, kind, region_id, region_path, department, version, revised_on, period_months,
            created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id")
        .bind(d.title.clone()).bind(d.level.as_str()).bind(d.kind.as_str()).bind(d.region_id)
        .bind(region_path.to_string()).bind(d.department.clone()).bind(d.version.clone())
        .bind(d.revised_on.to_string()).bind(i64::from(d.period_months)).bind(now)
        .fetch_one(c).await?))
}

pub async fn plan(src: impl Into<Src<'_>>, id: i64) -> Result<Option<PlanRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{PLAN} WHERE p.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, PlanRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

pub async fn plans(store: &Store, path: &str) -> Result<Vec<PlanRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{PLAN} WHERE p.region_path >= $1 AND p.region_path < $2 ORDER BY p.region_path, p.kind, p.title"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, PlanRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

/// Records a revision and makes it the plan's current one.
pub async fn revise(
    tx: &mut Tx,
    plan_id: i64,
    version: &str,
    revised_on: &str,
    note: Option<&str>,
    by: Option<i64>,
) -> Result<()> {
    let now = Utc::now();
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO plan_revisions (plan_id, version, revised_on, note, revised_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(plan_id).bind(version.to_string()).bind(revised_on.to_string()).bind(note.map(str::to_string))
        .bind(by).bind(now).execute(&mut *c).await?.rows_affected());
    on_tx!(tx, c => sqlx::query("UPDATE plans SET version = $1, revised_on = $2, updated_at = $3 WHERE id = $4")
        .bind(version.to_string()).bind(revised_on.to_string()).bind(now).bind(plan_id)
        .execute(c).await?.rows_affected());
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RevisionRow {
    pub plan_id: i64,
    pub version: String,
    pub revised_on: String,
    pub note: Option<String>,
    pub revised_by: Option<String>,
}

pub async fn revisions(store: &Store, path: &str) -> Result<Vec<RevisionRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, RevisionRow>(
        "SELECT v.plan_id, v.version, v.revised_on, v.note, u.username AS revised_by FROM plan_revisions v
         JOIN plans p ON p.id = v.plan_id LEFT JOIN users u ON u.id = v.revised_by
         WHERE p.region_path >= $1 AND p.region_path < $2 ORDER BY v.plan_id, v.revised_on, v.id")
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DrillRow {
    pub id: i64,
    pub plan_id: Option<i64>,
    pub plan_title: Option<String>,
    pub region_id: i64,
    pub region_path: String,
    pub region_name: String,
    pub held_on: String,
    pub place: Option<String>,
    pub scenario: String,
    pub participants: i64,
    pub teams: Option<String>,
    pub joint_with: Option<String>,
    pub evaluation: Option<String>,
    pub problems: String,
}

pub async fn insert_drill(
    tx: &mut Tx,
    d: &DrillDraft,
    region_path: &str,
    by: Option<i64>,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO drills (plan_id, region_id, region_path, held_on, place, scenario, participants, teams, joint_with,
            evaluation, problems, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
        .bind(d.plan_id).bind(d.region_id).bind(region_path.to_string()).bind(d.held_on.to_string())
        .bind(d.place.clone()).bind(d.scenario.clone()).bind(d.participants).bind(d.teams.clone())
        .bind(d.joint_with.clone()).bind(d.evaluation.clone()).bind(d.problems.join("\n")).bind(by).bind(Utc::now())
        .fetch_one(c).await?))
}

/// The drills inside a region held in a year, newest first.
pub async fn drills(store: &Store, path: &str, year: i32) -> Result<Vec<DrillRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, DrillRow>(
        "SELECT d.id, d.plan_id, p.title AS plan_title, d.region_id, d.region_path, r.name AS region_name, d.held_on,
            d.place, d.scenario, d.participants, d.teams, d.joint_with, d.evaluation, d.problems
         FROM drills d JOIN regions r ON r.id = d.region_id LEFT JOIN plans p ON p.id = d.plan_id
         WHERE d.region_path >= $1 AND d.region_path < $2 AND d.held_on >= $3 AND d.held_on < $4
         ORDER BY d.held_on DESC, d.id DESC")
        .bind(path.to_string()).bind(path_upper(path)).bind(format!("{year}-01-01")).bind(format!("{}-01-01", year + 1))
        .fetch_all(c).await?))
}

pub async fn drill(src: impl Into<Src<'_>>, id: i64) -> Result<Option<DrillRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, DrillRow>(
        "SELECT d.id, d.plan_id, p.title AS plan_title, d.region_id, d.region_path, r.name AS region_name, d.held_on,
            d.place, d.scenario, d.participants, d.teams, d.joint_with, d.evaluation, d.problems
         FROM drills d JOIN regions r ON r.id = d.region_id LEFT JOIN plans p ON p.id = d.plan_id WHERE d.id = $1")
        .bind(id).fetch_optional(c).await?))
}

/// Records that a drill's problem became a hazard; false when it already had.
pub async fn link_hazard(tx: &mut Tx, drill_id: i64, index: i64, hazard_id: i64) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "INSERT INTO drill_hazards (drill_id, problem_index, hazard_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
        .bind(drill_id).bind(index).bind(hazard_id).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// The hazards a drill's problems became: (problem index, hazard id).
pub async fn drill_hazards(store: &Store, path: &str) -> Result<Vec<(i64, i64, i64)>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT h.drill_id, h.problem_index, h.hazard_id FROM drill_hazards h JOIN drills d ON d.id = h.drill_id
         WHERE d.region_path >= $1 AND d.region_path < $2 ORDER BY h.drill_id, h.problem_index")
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}
