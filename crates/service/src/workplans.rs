//! The annual work plan: drawn up by the office for its town, its tasks added by form or loaded
//! from the xlsx the town keeps (all rows or none, each bad cell named), progress reported monthly
//! by the departments with evidence, and the monthly progress table (打表推进) for print and Excel.

use crate::xlsx::{RowError, Table, heading_is, read_sheets};
use crate::{Error, Lang, Result, Service, audit, ensure};
use chrono::{NaiveDate, Utc};
use safegrid_domain::access::Principal;
use safegrid_domain::hazard::parse_date;
use safegrid_domain::workplan::{
    PLAN_COLUMNS, PlanInput, PlanTaskDraft, PlanTaskInput, REQUIRED_COLUMNS, ReportInput,
    ReportStatus, TaskState, parse_month, task_state,
};
use safegrid_domain::{Invalid, local_time};
use safegrid_store::files::{self, AttachmentRow};
use safegrid_store::organisations::DepartmentRow;
use safegrid_store::workplans::{self as store, NewTask, PlanRow, ReportRow, TaskRow};
use safegrid_store::{organisations, regions};
use serde::Serialize;

/// A task with where it stands and its lead department's report of each month.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub task: TaskRow,
    pub state: TaskState,
    /// The lead department's status for January to December of the plan's year ("" if none).
    pub months: Vec<String>,
    /// The latest report of any department.
    pub latest: Option<ReportRow>,
    pub can_report: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub plan: PlanRow,
    pub tasks: Vec<TaskView>,
    /// (state, count) in [`TaskState::ALL`] order.
    pub tally: Vec<(String, usize)>,
    pub can_edit: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskDetail {
    pub plan: PlanRow,
    pub view: TaskView,
    pub reports: Vec<(ReportRow, Vec<AttachmentRow>)>,
    /// (id, name) of the departments the caller may report for.
    pub report_as: Vec<(i64, String)>,
}

/// The outcome of loading a sheet: tasks added and replaced, or the cells that stopped it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlanImport {
    pub added: usize,
    pub replaced: usize,
    pub errors: Vec<RowError>,
}

fn today() -> NaiveDate {
    local_time::day_of(Utc::now())
}

fn views(
    who: &Principal,
    plan: &PlanRow,
    tasks: Vec<TaskRow>,
    reports: &[ReportRow],
    today: NaiveDate,
) -> Vec<TaskView> {
    tasks
        .into_iter()
        .map(|t| {
            let mine: Vec<&ReportRow> = reports.iter().filter(|r| r.task_id == t.id).collect();
            let lead: Vec<&&ReportRow> = mine
                .iter()
                .filter(|r| r.department_id == t.lead_department_id)
                .collect();
            let latest_lead = lead
                .iter()
                .max_by(|a, b| a.month.cmp(&b.month))
                .and_then(|r| Some((parse_month(&r.month)?, ReportStatus::parse(&r.status)?)));
            let done_month = lead
                .iter()
                .filter(|r| r.status == "done")
                .filter_map(|r| parse_month(&r.month))
                .min();
            let deadline = parse_date(&t.deadline).unwrap_or(today);
            // Once reported done it stays done, whatever was reported after.
            let latest = done_month.map(|m| (m, ReportStatus::Done)).or(latest_lead);
            let state = task_state(deadline, latest, today);
            let months = (1..=12)
                .map(|m| {
                    let key = format!("{}-{m:02}", plan.year);
                    lead.iter()
                        .find(|r| r.month == key)
                        .map(|r| r.status.clone())
                        .unwrap_or_default()
                })
                .collect();
            TaskView {
                can_report: who.can_report_task(
                    &plan.region_path,
                    t.lead_department_id,
                    &t.co_department_ids(),
                ),
                latest: mine
                    .iter()
                    .max_by_key(|r| (&r.month, r.reported_at))
                    .map(|r| (*r).clone()),
                task: t,
                state,
                months,
            }
        })
        .collect()
}

impl Service {
    /// Draws up a year's plan for a town (one per town and year).
    pub async fn create_work_plan(&self, who: &Principal, input: &PlanInput) -> Result<PlanRow> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let r = crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_manage_structure(&r.path))?;
        if store::plan_of(&mut tx, r.id, d.year).await?.is_some() {
            return Err(Invalid::one("year", "plan.exists").into());
        }
        let id = store::insert_plan(&mut tx, &d, &r.path, crate::actor(who)).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "work_plan",
            id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        let p = store::plan(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(p)
    }

    /// The plans over and inside the caller's region, latest year first.
    pub async fn work_plans(&self, who: &Principal) -> Result<Vec<PlanRow>> {
        ensure(who.can_read_targets(&who.region_path))?;
        Ok(store::plans_visible_from(&self.store, &who.region_path).await?)
    }

    async fn visible_work_plan(&self, who: &Principal, id: i64) -> Result<PlanRow> {
        let p = store::plan(&self.store, id).await?.ok_or(Error::NotFound)?;
        let over_or_inside = who.can_read_targets(&p.region_path)
            || (who.can_read_targets(&who.region_path)
                && who.region_path.starts_with(&p.region_path));
        if !over_or_inside {
            return Err(Error::NotFound);
        }
        Ok(p)
    }

    /// A plan with its tasks, where each stands today, and the tally of states.
    pub async fn work_plan(&self, who: &Principal, id: i64) -> Result<PlanView> {
        let plan = self.visible_work_plan(who, id).await?;
        let tasks = store::tasks(&self.store, id).await?;
        let reports = store::reports(&self.store, id).await?;
        let tasks = views(who, &plan, tasks, &reports, today());
        let tally = TaskState::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str().to_string(),
                    tasks.iter().filter(|t| t.state == *s).count(),
                )
            })
            .collect();
        Ok(PlanView {
            can_edit: who.can_manage_structure(&plan.region_path),
            plan,
            tasks,
            tally,
        })
    }

    /// The plan's town's own departments, by which its tasks are named.
    async fn plan_departments(&self, plan: &PlanRow) -> Result<Vec<DepartmentRow>> {
        Ok(
            organisations::departments_within(&self.store, &plan.region_path)
                .await?
                .into_iter()
                .filter(|d| d.region_id == plan.region_id)
                .collect(),
        )
    }

    /// Adds a task by form, or replaces the one with its number.
    pub async fn put_plan_task(
        &self,
        who: &Principal,
        plan_id: i64,
        input: &PlanTaskInput,
    ) -> Result<TaskRow> {
        let plan = self.visible_work_plan(who, plan_id).await?;
        ensure(who.can_manage_structure(&plan.region_path))?;
        let d = input.validate(plan.year as i32)?;
        let (lead, co) = resolve(&self.plan_departments(&plan).await?, &d)?;
        let mut tx = self.store.begin().await?;
        let id = store::put_task(&mut tx, plan_id, &new_task(&d, lead, &co)).await?;
        audit::record(&mut tx, who, "put", "plan_task", id, None::<&()>, Some(&d)).await?;
        tx.commit().await?;
        store::task(&self.store, id).await?.ok_or(Error::NotFound)
    }

    /// Loads a plan's tasks from the first sheet of an xlsx: a header row naming the columns (by
    /// code or by label, in either language), then a task a row. A missing required column, a
    /// column the plan does not know, and every bad cell are reported; then nothing is written.
    pub async fn import_plan_tasks(
        &self,
        who: &Principal,
        plan_id: i64,
        bytes: &[u8],
    ) -> Result<PlanImport> {
        let plan = self.visible_work_plan(who, plan_id).await?;
        ensure(who.can_manage_structure(&plan.region_path))?;
        let sheets = read_sheets(bytes)?;
        let Some(sheet) = sheets.into_iter().next() else {
            return Err(Invalid::one("file", "xlsx.not_xlsx").into());
        };
        let mut report = PlanImport::default();
        let err = |row: usize, column: &str, code: &str| RowError {
            sheet: sheet.name.clone(),
            row,
            column: column.to_string(),
            code: code.to_string(),
        };
        // Each heading to its column; headings that are no column are refused.
        let mut at: Vec<Option<usize>> = vec![None; PLAN_COLUMNS.len()];
        for (i, h) in sheet.headers.iter().enumerate() {
            let h = h.trim();
            if h.is_empty() {
                continue;
            }
            let found = PLAN_COLUMNS.iter().position(|c| heading_is(h, c));
            match found {
                Some(c) if at[c].is_none() => at[c] = Some(i),
                Some(_) => report.errors.push(err(1, h, "plan.column_twice")),
                None => report.errors.push(err(1, h, "plan.column_extra")),
            }
        }
        for (c, name) in PLAN_COLUMNS.iter().enumerate() {
            if at[c].is_none() && REQUIRED_COLUMNS.contains(name) {
                report.errors.push(err(
                    1,
                    Lang::Zh.t(&format!("field.{name}")),
                    "plan.column_missing",
                ));
            }
        }
        if !report.errors.is_empty() {
            return Ok(report);
        }
        let heading = |c: usize| sheet.headers[at[c].unwrap_or(0)].trim().to_string();
        let column_of = |field: &str| {
            PLAN_COLUMNS
                .iter()
                .position(|c| *c == field)
                .filter(|c| at[*c].is_some())
                .map(heading)
                .unwrap_or_else(|| field.to_string())
        };
        let departments = self.plan_departments(&plan).await?;
        let mut drafts: Vec<(PlanTaskDraft, i64, Vec<i64>)> = Vec::new();
        for (n, row) in sheet.rows.iter().enumerate() {
            let excel_row = n + 2;
            if row.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let cell = |c: usize| at[c].and_then(|i| row.get(i)).cloned().unwrap_or_default();
            let input = PlanTaskInput {
                number: cell(0),
                section: cell(1),
                task_title: cell(2),
                lead_department: cell(3),
                co_departments: cell(4),
                indicator: cell(5),
                due_on: cell(6),
            };
            let resolved = input
                .validate(plan.year as i32)
                .and_then(|d| resolve(&departments, &d).map(|(lead, co)| (d, lead, co)));
            match resolved {
                Err(e) => {
                    for x in e.errors {
                        report
                            .errors
                            .push(err(excel_row, &column_of(&x.field), &x.code));
                    }
                }
                Ok((d, lead, co)) => {
                    if drafts.iter().any(|(x, _, _)| x.number == d.number) {
                        report.errors.push(err(
                            excel_row,
                            &column_of("number"),
                            "plan.duplicate_number",
                        ));
                    }
                    drafts.push((d, lead, co));
                }
            }
        }
        if drafts.len() > safegrid_domain::workplan::MAX_TASKS {
            report
                .errors
                .push(err(1, &column_of("number"), "plan.too_many"));
        }
        if !report.errors.is_empty() {
            return Ok(report);
        }
        let mut tx = self.store.begin().await?;
        let existing: Vec<i64> = store::tasks(&mut tx, plan_id)
            .await?
            .into_iter()
            .map(|t| t.number)
            .collect();
        for (d, lead, co) in &drafts {
            if existing.contains(&d.number) {
                report.replaced += 1;
            } else {
                report.added += 1;
            }
            store::put_task(&mut tx, plan_id, &new_task(d, *lead, co)).await?;
        }
        let after = serde_json::json!({ "added": report.added, "replaced": report.replaced });
        audit::record(
            &mut tx,
            who,
            "import",
            "work_plan",
            plan_id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// A task with every report and its evidence, and the departments the caller may report as.
    pub async fn plan_task(&self, who: &Principal, task_id: i64) -> Result<TaskDetail> {
        let t = store::task(&self.store, task_id)
            .await?
            .ok_or(Error::NotFound)?;
        let plan = self.visible_work_plan(who, t.plan_id).await?;
        let all = store::reports(&self.store, plan.id).await?;
        let view = views(who, &plan, vec![t], &all, today()).remove(0);
        let mut reports = Vec::new();
        for r in all.into_iter().filter(|r| r.task_id == task_id).rev() {
            let files = files::of(&self.store, "plan_report", r.id).await?;
            reports.push((r, files));
        }
        let mut report_as = Vec::new();
        if view.can_report {
            let mut all = vec![(
                view.task.lead_department_id,
                view.task.lead_department.clone(),
            )];
            all.extend(view.task.co.iter().cloned());
            report_as = all
                .into_iter()
                .filter(|(id, _)| match who.department_id {
                    Some(mine) if who.role == safegrid_domain::access::Role::Department => {
                        *id == mine
                    }
                    _ => true,
                })
                .collect();
        }
        Ok(TaskDetail {
            plan,
            view,
            reports,
            report_as,
        })
    }

    /// A department's report on a task for a month (a second one for the month replaces it). A
    /// department reports as itself; the office may report for any of the task's departments.
    pub async fn report_plan_task(
        &self,
        who: &Principal,
        task_id: i64,
        department_id: i64,
        input: &ReportInput,
    ) -> Result<ReportRow> {
        let detail = self.plan_task(who, task_id).await?;
        ensure(detail.view.can_report)?;
        if !detail.report_as.iter().any(|(id, _)| *id == department_id) {
            return Err(Invalid::one("department_id", "plan.not_task_department").into());
        }
        let d = input.validate(detail.plan.year as i32, today())?;
        let mut tx = self.store.begin().await?;
        let id = store::put_report(&mut tx, task_id, department_id, &d, crate::actor(who)).await?;
        audit::record(
            &mut tx,
            who,
            "report",
            "plan_task",
            task_id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        tx.commit().await?;
        store::report(&self.store, id).await?.ok_or(Error::NotFound)
    }

    /// Attaches evidence (a photo, a signed document) to a report its department may make.
    pub async fn attach_to_plan_report(
        &self,
        who: &Principal,
        report_id: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<AttachmentRow> {
        let r = store::report(&self.store, report_id)
            .await?
            .ok_or(Error::NotFound)?;
        let detail = self.plan_task(who, r.task_id).await?;
        ensure(
            detail
                .report_as
                .iter()
                .any(|(id, _)| *id == r.department_id),
        )?;
        self.attach(who, "plan_report", report_id, None, name, bytes)
            .await
    }

    /// The task a report belongs to, for someone who may see it.
    pub async fn plan_report_task(&self, who: &Principal, report_id: i64) -> Result<i64> {
        let r = store::report(&self.store, report_id)
            .await?
            .ok_or(Error::NotFound)?;
        self.plan_task(who, r.task_id).await?;
        Ok(r.task_id)
    }

    /// Whether the caller may see a report's files (for serving an attachment).
    pub(crate) async fn plan_report_visible(&self, who: &Principal, report_id: i64) -> bool {
        match store::report(&self.store, report_id).await {
            Ok(Some(r)) => self.plan_task(who, r.task_id).await.is_ok(),
            _ => false,
        }
    }

    /// The monthly progress table (打表推进) of a plan: a row per task with its departments,
    /// indicator, deadline, the lead department's status each month, where it stands and the
    /// latest progress.
    pub async fn plan_progress_table(
        &self,
        who: &Principal,
        plan_id: i64,
        lang: Lang,
    ) -> Result<Table> {
        let v = self.work_plan(who, plan_id).await?;
        let mut headers: Vec<String> = [
            "number",
            "task_title",
            "lead_department",
            "co_departments",
            "indicator",
            "due_on",
        ]
        .iter()
        .map(|f| lang.t(&format!("field.{f}")).to_string())
        .collect();
        headers.extend((1..=12).map(|m| lang.t(&format!("month.{m}")).to_string()));
        headers.push(lang.t("plan.state").to_string());
        headers.push(lang.t("plan.latest").to_string());
        let rows = v
            .tasks
            .iter()
            .map(|t| {
                let mut row = vec![
                    t.task.number.to_string(),
                    t.task.title.clone(),
                    t.task.lead_department.clone(),
                    t.task.co_departments(),
                    t.task.indicator.clone().unwrap_or_default(),
                    t.task.deadline.clone(),
                ];
                row.extend(t.months.iter().map(|s| {
                    if s.is_empty() {
                        String::new()
                    } else {
                        lang.t(&format!("report_status.{s}")).to_string()
                    }
                }));
                row.push(
                    lang.t(&format!("task_state.{}", t.state.as_str()))
                        .to_string(),
                );
                row.push(
                    t.latest
                        .as_ref()
                        .map(|r| format!("{}（{} {}）", r.progress, r.department, r.month))
                        .unwrap_or_default(),
                );
                row
            })
            .collect();
        Ok(Table {
            title: format!("{} {}", v.plan.year, lang.t("plan.progress_table")),
            headers,
            rows,
        })
    }

    /// The towns the caller may draw a plan up for.
    pub async fn plan_towns(&self, who: &Principal) -> Result<Vec<regions::RegionRow>> {
        Ok(regions::within(&self.store, &who.region_path)
            .await?
            .into_iter()
            .filter(|r| r.level == "town" && who.can_manage_structure(&r.path))
            .collect())
    }
}

fn new_task<'a>(d: &'a PlanTaskDraft, lead: i64, co: &'a [i64]) -> NewTask<'a> {
    NewTask {
        number: d.number,
        section: d.section.as_deref(),
        title: &d.title,
        lead,
        co,
        indicator: d.indicator.as_deref(),
        deadline: d.deadline,
    }
}

/// A task's departments, found by name among the town's: the lead and the co-operating ones,
/// each one the town does not have named by its field.
fn resolve(
    departments: &[DepartmentRow],
    d: &PlanTaskDraft,
) -> std::result::Result<(i64, Vec<i64>), Invalid> {
    let find = |name: &str| departments.iter().find(|x| x.name == name).map(|x| x.id);
    let mut errs = Invalid::default();
    let lead = find(&d.lead_department);
    if lead.is_none() {
        errs.push("lead_department", "plan.unknown_department");
    }
    let mut co = Vec::new();
    for n in &d.co_departments {
        match find(n) {
            Some(id) => co.push(id),
            None => errs.push("co_departments", "plan.unknown_department"),
        }
    }
    errs.into_result()?;
    Ok((lead.unwrap_or_default(), co))
}
