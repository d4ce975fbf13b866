//! Annual work plans, their tasks with lead and co-operating departments, and the departments'
//! monthly progress reports.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PlanRow {
    pub id: i64,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub year: i64,
    pub title: String,
    pub tasks: i64,
}

const PLAN: &str =
    "SELECT p.id, p.region_id, r.name AS region_name, p.region_path, p.year, p.title,
    (SELECT COUNT(*) FROM plan_tasks t WHERE t.plan_id = p.id) AS tasks
    FROM work_plans p JOIN regions r ON r.id = p.region_id";

pub async fn insert_plan(
    tx: &mut Tx,
    d: &safegrid_domain::workplan::PlanDraft,
    region_path: &str,
    by: Option<i64>,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO work_plans (region_id, region_path, year, title, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
        .bind(d.region_id).bind(region_path.to_string()).bind(d.year as i64).bind(d.title.clone())
        .bind(by).bind(Utc::now()).fetch_one(c).await?))
}

pub async fn plan(src: impl Into<Src<'_>>, id: i64) -> Result<Option<PlanRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{PLAN} WHERE p.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, PlanRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

pub async fn plan_of(
    src: impl Into<Src<'_>>,
    region_id: i64,
    year: i32,
) -> Result<Option<PlanRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{PLAN} WHERE p.region_id = $1 AND p.year = $2"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, PlanRow>(sql).bind(region_id).bind(year as i64)
        .fetch_optional(c).await?),
    )
}

/// The plans of the regions inside `path` and over it (a village reads its town's plan).
pub async fn plans_visible_from(store: &Store, path: &str) -> Result<Vec<PlanRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{PLAN} WHERE (p.region_path >= $1 AND p.region_path < $2) OR substr($1, 1, length(p.region_path)) = p.region_path
         ORDER BY p.year DESC, p.id"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, PlanRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRow {
    pub id: i64,
    pub plan_id: i64,
    pub number: i64,
    pub section: Option<String>,
    pub title: String,
    pub lead_department_id: i64,
    pub lead_department: String,
    /// The co-operating departments, (id, name).
    pub co: Vec<(i64, String)>,
    pub indicator: Option<String>,
    pub deadline: String,
}

impl TaskRow {
    /// The co-operating departments' names as the plan writes them (规资所、农服中心).
    pub fn co_departments(&self) -> String {
        self.co
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }

    pub fn co_department_ids(&self) -> Vec<i64> {
        self.co.iter().map(|(id, _)| *id).collect()
    }
}

/// A task as stored, its departments resolved to ids.
pub struct NewTask<'a> {
    pub number: i64,
    pub section: Option<&'a str>,
    pub title: &'a str,
    pub lead: i64,
    pub co: &'a [i64],
    pub indicator: Option<&'a str>,
    pub deadline: chrono::NaiveDate,
}

/// Adds a task, or replaces the one with the same number (its reports stay with it).
pub async fn put_task(tx: &mut Tx, plan_id: i64, t: &NewTask<'_>) -> Result<i64> {
    let existing: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM plan_tasks WHERE plan_id = $1 AND number = $2")
        .bind(plan_id).bind(t.number).fetch_optional(c).await?);
    let id = match existing {
        Some(id) => {
            on_tx!(tx, c => sqlx::query(
                "UPDATE plan_tasks SET section = $2, title = $3, lead_department_id = $4, indicator = $5, deadline = $6
                 WHERE id = $1")
                .bind(id).bind(t.section.map(str::to_string)).bind(t.title.to_string()).bind(t.lead)
                .bind(t.indicator.map(str::to_string)).bind(t.deadline.to_string()).execute(c).await?.rows_affected());
            on_tx!(tx, c => sqlx::query("DELETE FROM plan_task_departments WHERE task_id = $1")
                .bind(id).execute(c).await?.rows_affected());
            id
        }
        None => on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO plan_tasks (plan_id, number, section, title, lead_department_id, indicator, deadline)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(plan_id).bind(t.number).bind(t.section.map(str::to_string)).bind(t.title.to_string())
            .bind(t.lead).bind(t.indicator.map(str::to_string)).bind(t.deadline.to_string())
            .fetch_one(c).await?),
    };
    for d in t.co {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO plan_task_departments (task_id, department_id) VALUES ($1, $2)")
            .bind(id).bind(*d).execute(c).await?.rows_affected());
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct TaskBase {
    id: i64,
    plan_id: i64,
    number: i64,
    section: Option<String>,
    title: String,
    lead_department_id: i64,
    lead_department: String,
    indicator: Option<String>,
    deadline: String,
}

#[derive(sqlx::FromRow)]
struct CoRow {
    task_id: i64,
    department_id: i64,
    name: String,
}

/// A plan's tasks in number order, with their co-operating departments.
pub async fn tasks(src: impl Into<Src<'_>>, plan_id: i64) -> Result<Vec<TaskRow>> {
    let mut src = src.into();
    let base: Vec<TaskBase> = on_src!(src.reborrow(), c => sqlx::query_as::<_, TaskBase>(
        "SELECT t.id, t.plan_id, t.number, t.section, t.title, t.lead_department_id, d.name AS lead_department,
                t.indicator, t.deadline
         FROM plan_tasks t JOIN departments d ON d.id = t.lead_department_id
         WHERE t.plan_id = $1 ORDER BY t.number")
        .bind(plan_id).fetch_all(c).await?);
    let co: Vec<CoRow> = on_src!(src, c => sqlx::query_as::<_, CoRow>(
        "SELECT x.task_id, x.department_id, d.name FROM plan_task_departments x
         JOIN plan_tasks t ON t.id = x.task_id JOIN departments d ON d.id = x.department_id
         WHERE t.plan_id = $1 ORDER BY x.task_id, d.id")
        .bind(plan_id).fetch_all(c).await?);
    Ok(base
        .into_iter()
        .map(|t| TaskRow {
            co: co
                .iter()
                .filter(|c| c.task_id == t.id)
                .map(|c| (c.department_id, c.name.clone()))
                .collect(),
            id: t.id,
            plan_id: t.plan_id,
            number: t.number,
            section: t.section,
            title: t.title,
            lead_department_id: t.lead_department_id,
            lead_department: t.lead_department,
            indicator: t.indicator,
            deadline: t.deadline,
        })
        .collect())
}

pub async fn task(src: impl Into<Src<'_>>, id: i64) -> Result<Option<TaskRow>> {
    let mut src = src.into();
    let plan_id: Option<i64> = on_src!(src.reborrow(), c => sqlx::query_scalar(
        "SELECT plan_id FROM plan_tasks WHERE id = $1").bind(id).fetch_optional(c).await?);
    let Some(plan_id) = plan_id else {
        return Ok(None);
    };
    Ok(tasks(src, plan_id).await?.into_iter().find(|t| t.id == id))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReportRow {
    pub id: i64,
    pub task_id: i64,
    pub department_id: i64,
    pub department: String,
    pub month: String,
    pub status: String,
    pub progress: String,
    pub reported_by: Option<i64>,
    pub reported_at: DateTime<Utc>,
}

/// Records a department's report for a month, replacing its earlier one for that month.
pub async fn put_report(
    tx: &mut Tx,
    task_id: i64,
    department_id: i64,
    d: &safegrid_domain::workplan::ReportDraft,
    by: Option<i64>,
) -> Result<i64> {
    let month = d.month.format("%Y-%m").to_string();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO plan_reports (task_id, department_id, month, status, progress, reported_by, reported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (task_id, department_id, month) DO UPDATE SET status = excluded.status,
             progress = excluded.progress, reported_by = excluded.reported_by, reported_at = excluded.reported_at
         RETURNING id")
        .bind(task_id).bind(department_id).bind(month).bind(d.status.as_str()).bind(d.progress.clone())
        .bind(by).bind(Utc::now()).fetch_one(c).await?))
}

/// Every report of a plan, by task, month and department.
pub async fn reports(src: impl Into<Src<'_>>, plan_id: i64) -> Result<Vec<ReportRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, ReportRow>(
        "SELECT r.id, r.task_id, r.department_id, d.name AS department, r.month, r.status, r.progress,
                r.reported_by, r.reported_at
         FROM plan_reports r JOIN plan_tasks t ON t.id = r.task_id JOIN departments d ON d.id = r.department_id
         WHERE t.plan_id = $1 ORDER BY t.number, r.month, d.id")
        .bind(plan_id).fetch_all(c).await?))
}

pub async fn report(src: impl Into<Src<'_>>, id: i64) -> Result<Option<ReportRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, ReportRow>(
        "SELECT r.id, r.task_id, r.department_id, d.name AS department, r.month, r.status, r.progress,
                r.reported_by, r.reported_at
         FROM plan_reports r JOIN departments d ON d.id = r.department_id WHERE r.id = $1")
        .bind(id).fetch_optional(c).await?))
}
