//! Work plan pages: the plans, one plan as its monthly progress table (打表推进, Excel and print)
//! with the forms to add a task and to load tasks from Excel, and a task with its reports, the
//! report form and the evidence uploads.

use super::{field, words};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::upload::Upload;
use crate::view::{FormState, Ui, fail, render_status};
use axum::Router;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::Invalid;
use safegrid_domain::workplan::{PlanInput, PlanTaskInput, ReportInput, ReportStatus};
use safegrid_service::Error;
use safegrid_service::workplans::{PlanImport, PlanView, TaskDetail};
use safegrid_store::workplans::PlanRow;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work-plans", get(list).post(create))
        .route("/work-plans/{id}", get(detail))
        .route("/work-plans/{id}/xlsx", get(export))
        .route("/work-plans/{id}/tasks", post(put_task))
        .route("/work-plans/{id}/import", post(import))
        .route("/plan-tasks/{id}", get(task))
        .route("/plan-tasks/{id}/reports", post(report))
        .route("/plan-reports/{id}/files", post(upload))
}

#[derive(askama::Template)]
#[template(path = "work_plans.html")]
struct ListPage {
    ui: Ui,
    plans: Vec<PlanRow>,
    towns: Vec<(i64, String)>,
    f: FormState,
    error: Option<String>,
}

async fn list_show(s: &AppState, p: &Page, f: FormState, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let plans = s.svc.work_plans(&p.who).await.map_err(&fl)?;
    let towns = s
        .svc
        .plan_towns(&p.who)
        .await
        .map_err(&fl)?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok(render_status(
        crate::view::error_status(&error),
        &ListPage {
            ui: Ui::new(p, "targets"),
            plans,
            towns,
            f,
            error,
        },
    ))
}

async fn list(State(s): State<AppState>, p: Page) -> PageResult {
    list_show(&s, &p, FormState::default(), None).await
}

async fn create(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let input: PlanInput = super::form_input(&p, &pairs)?;
    match s.svc.create_work_plan(&p.who, &input).await {
        Ok(plan) => Ok(Redirect::to(&format!("/work-plans/{}", plan.id)).into_response()),
        Err(Error::Invalid(e)) => {
            let f = FormState::from_pairs(&pairs).with_errors(&e, p.lang);
            list_show(&s, &p, f, Some(words(&p, &e))).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

#[derive(askama::Template)]
#[template(path = "work_plan.html")]
struct DetailPage {
    ui: Ui,
    v: PlanView,
    /// Names of the town's departments, for the task form.
    departments: Vec<String>,
    f: FormState,
    imported: Option<PlanImport>,
    import_errors: Vec<String>,
    error: Option<String>,
}

async fn show(
    s: &AppState,
    p: &Page,
    id: i64,
    f: FormState,
    imported: Option<PlanImport>,
    error: Option<String>,
) -> PageResult {
    let fl = fail(p.lang);
    let v = s.svc.work_plan(&p.who, id).await.map_err(&fl)?;
    let departments = if v.can_edit {
        s.svc
            .departments(&p.who)
            .await
            .map_err(&fl)?
            .into_iter()
            .filter(|d| d.region_id == v.plan.region_id)
            .map(|d| d.name)
            .collect()
    } else {
        Vec::new()
    };
    let import_errors: Vec<String> = imported
        .as_ref()
        .map(|r| r.errors.iter().map(|e| e.message(p.lang)).collect())
        .unwrap_or_default();
    let status = if error.is_some() || !import_errors.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_status(
        status,
        &DetailPage {
            ui: Ui::new(p, "targets"),
            v,
            departments,
            f,
            imported,
            import_errors,
            error,
        },
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Imported {
    added: Option<usize>,
    replaced: Option<usize>,
}

async fn detail(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<Imported>,
) -> PageResult {
    let imported = q.added.map(|added| PlanImport {
        added,
        replaced: q.replaced.unwrap_or(0),
        errors: Vec::new(),
    });
    show(&s, &p, id, FormState::default(), imported, None).await
}

async fn put_task(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let input: PlanTaskInput = super::form_input(&p, &pairs)?;
    match s.svc.put_plan_task(&p.who, id, &input).await {
        Ok(t) => Ok(Redirect::to(&format!("/work-plans/{id}#task{}", t.number)).into_response()),
        Err(Error::Invalid(e)) => {
            let f = FormState::from_pairs(&pairs).with_errors(&e, p.lang);
            show(&s, &p, id, f, None, Some(words(&p, &e))).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

/// Loads tasks from an uploaded xlsx; the CSRF token rides in the query, the file in the body.
async fn import(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(c): Query<super::CsrfQuery>,
    mut form: Multipart,
) -> PageResult {
    p.check_csrf(&c.csrf)?;
    let bytes = match crate::upload::first_file(&mut form).await {
        Upload::File(_, bytes) => bytes,
        Upload::Empty => {
            let e = Invalid::one("file", "file.empty");
            return show(&s, &p, id, FormState::default(), None, Some(words(&p, &e))).await;
        }
        Upload::TooLarge => {
            let e = Invalid::one("file", "file.too_large");
            return show(&s, &p, id, FormState::default(), None, Some(words(&p, &e))).await;
        }
    };
    match s.svc.import_plan_tasks(&p.who, id, &bytes).await {
        Ok(r) if r.errors.is_empty() => Ok(Redirect::to(&format!(
            "/work-plans/{id}?added={}&replaced={}",
            r.added, r.replaced
        ))
        .into_response()),
        Ok(r) => show(&s, &p, id, FormState::default(), Some(r), None).await,
        Err(Error::Invalid(e)) => {
            show(&s, &p, id, FormState::default(), None, Some(words(&p, &e))).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

/// The progress table in Excel.
async fn export(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let t = s
        .svc
        .plan_progress_table(&p.who, id, p.lang)
        .await
        .map_err(fail(p.lang))?;
    crate::view::xlsx(&[t], "work-plan.xlsx", p.lang)
}

#[derive(askama::Template)]
#[template(path = "plan_task.html")]
struct TaskPage {
    ui: Ui,
    d: TaskDetail,
    statuses: Vec<&'static str>,
    f: FormState,
    error: Option<String>,
}

impl TaskPage {
    /// Whether the caller reports for the department of a report (and so may add its evidence).
    fn may_attach(&self, department_id: &i64) -> bool {
        self.d.report_as.iter().any(|(id, _)| id == department_id)
    }
}

async fn task_show(
    s: &AppState,
    p: &Page,
    id: i64,
    f: FormState,
    error: Option<String>,
) -> PageResult {
    let d = s.svc.plan_task(&p.who, id).await.map_err(fail(p.lang))?;
    Ok(render_status(
        crate::view::error_status(&error),
        &TaskPage {
            ui: Ui::new(p, "targets"),
            d,
            statuses: ReportStatus::ALL.iter().map(|s| s.as_str()).collect(),
            f,
            error,
        },
    ))
}

async fn task(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    task_show(&s, &p, id, FormState::default(), None).await
}

async fn report(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let department: i64 = field(&pairs, "department_id").parse().unwrap_or(0);
    let rest: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "department_id")
        .cloned()
        .collect();
    let input: ReportInput =
        super::input_from(&rest, &[]).map_err(|_| fail(p.lang)(Error::NotFound))?;
    match s.svc.report_plan_task(&p.who, id, department, &input).await {
        Ok(r) => Ok(Redirect::to(&format!("/plan-tasks/{id}#r{}", r.id)).into_response()),
        Err(Error::Invalid(e)) => {
            let f = FormState::from_pairs(&pairs).with_errors(&e, p.lang);
            task_show(&s, &p, id, f, Some(words(&p, &e))).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

/// Evidence for a report; the CSRF token rides in the query.
async fn upload(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(c): Query<super::CsrfQuery>,
    mut form: Multipart,
) -> PageResult {
    p.check_csrf(&c.csrf)?;
    let fl = fail(p.lang);
    let task_id = s.svc.plan_report_task(&p.who, id).await.map_err(&fl)?;
    let e = match crate::upload::first_file(&mut form).await {
        Upload::File(name, bytes) => {
            match s.svc.attach_to_plan_report(&p.who, id, &name, &bytes).await {
                Ok(_) => {
                    return Ok(
                        Redirect::to(&format!("/plan-tasks/{task_id}#r{id}")).into_response()
                    );
                }
                Err(Error::Invalid(e)) => e,
                Err(e) => return Err(fl(e)),
            }
        }
        Upload::Empty => Invalid::one("file", "file.empty"),
        Upload::TooLarge => Invalid::one("file", "file.too_large"),
    };
    task_show(&s, &p, task_id, FormState::default(), Some(words(&p, &e))).await
}
