//! `/api/v1` for the year's work: the annual work plan, its tasks (by form or xlsx) and monthly
//! reports; training, the office's staff, the standardisation self-assessment and outreach;
//! construction projects; the targets, scorecards and their settings.

use crate::AppState;
use crate::api::{JsonBody, created, err, uploaded_file};
use crate::ctx::Api;
use crate::error::ApiError;
use crate::view::YearQuery;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use safegrid_domain::project::ProjectInput;
use safegrid_domain::target::TargetConfigInput;
use safegrid_domain::training::{AssessmentInput, OutreachInput, StaffInput, TrainingInput};
use safegrid_domain::workplan::{PlanInput, PlanTaskInput, ReportInput};

type ApiResult = Result<Response, ApiError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work-plans", get(plans).post(create_plan))
        .route("/work-plans/{id}", get(plan))
        .route("/work-plans/{id}/tasks", post(put_task))
        .route("/work-plans/{id}/import", post(import))
        .route("/plan-tasks/{id}", get(task))
        .route("/plan-tasks/{id}/reports", post(report))
        .route("/plan-reports/{id}/files", post(evidence))
        .route("/training", get(training))
        .route("/trainings", post(record_training))
        .route("/emergency-staff", axum::routing::put(put_staff))
        .route("/standardisation", axum::routing::put(assess))
        .route("/outreach", get(outreach).post(record_outreach))
        .route("/projects", get(projects).post(create_project))
        .route("/projects/{id}", get(project).put(update_project))
        .route("/targets", get(targets))
        .route("/scorecards", get(scorecards))
        .route("/target-config", get(config).put(set_config))
}

fn json(v: impl serde::Serialize) -> Response {
    Json(v).into_response()
}

async fn plans(State(s): State<AppState>, a: Api) -> ApiResult {
    Ok(json(s.svc.work_plans(&a.who).await.map_err(err(a.lang))?))
}

async fn create_plan(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<PlanInput>,
) -> ApiResult {
    Ok(created(
        s.svc
            .create_work_plan(&a.who, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn plan(State(s): State<AppState>, a: Api, Path(id): Path<i64>) -> ApiResult {
    Ok(json(
        s.svc.work_plan(&a.who, id).await.map_err(err(a.lang))?,
    ))
}

async fn put_task(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<PlanTaskInput>,
) -> ApiResult {
    Ok(json(
        s.svc
            .put_plan_task(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

/// Multipart upload of the plan's xlsx in the field `file`: 200 with the counts, or 422 with
/// every bad cell (sheet, row, column, message) and nothing written.
async fn import(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> ApiResult {
    let (_, bytes) = uploaded_file(&mut form, a.lang).await?;
    let r = s
        .svc
        .import_plan_tasks(&a.who, id, &bytes)
        .await
        .map_err(err(a.lang))?;
    if r.errors.is_empty() {
        return Ok(json(r));
    }
    let rows: Vec<serde_json::Value> = r
        .errors
        .iter()
        .map(|e| serde_json::json!({ "sheet": e.sheet, "row": e.row, "column": e.column, "code": e.code, "message": e.message(a.lang) }))
        .collect();
    Ok((
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        Json(serde_json::json!({ "error": "plan.import", "rows": rows })),
    )
        .into_response())
}

async fn task(State(s): State<AppState>, a: Api, Path(id): Path<i64>) -> ApiResult {
    Ok(json(
        s.svc.plan_task(&a.who, id).await.map_err(err(a.lang))?,
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct ReportBody {
    department_id: String,
    month: String,
    status: String,
    progress: String,
}

async fn report(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<ReportBody>,
) -> ApiResult {
    let department = b.department_id.trim().parse().unwrap_or(0);
    let i = ReportInput {
        month: b.month,
        status: b.status,
        progress: b.progress,
    };
    Ok(created(
        s.svc
            .report_plan_task(&a.who, id, department, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

/// Multipart upload of one photo or document in the field `file`.
async fn evidence(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> ApiResult {
    let (name, bytes) = uploaded_file(&mut form, a.lang).await?;
    let f = s.svc.attach_to_plan_report(&a.who, id, &name, &bytes).await;
    Ok(created(f.map_err(err(a.lang))?))
}

async fn training(State(s): State<AppState>, a: Api, Query(q): Query<YearQuery>) -> ApiResult {
    Ok(json(
        s.svc
            .training_board(&a.who, q.or_this())
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn record_training(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<TrainingInput>,
) -> ApiResult {
    Ok(created(
        s.svc
            .record_training(&a.who, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn put_staff(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<StaffInput>,
) -> ApiResult {
    s.svc.put_staff(&a.who, &i).await.map_err(err(a.lang))?;
    Ok(json(serde_json::json!({ "saved": true })))
}

async fn assess(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<AssessmentInput>,
) -> ApiResult {
    Ok(json(
        s.svc
            .put_standardisation(&a.who, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn outreach(State(s): State<AppState>, a: Api, Query(q): Query<YearQuery>) -> ApiResult {
    Ok(json(
        s.svc
            .outreach(&a.who, q.or_this())
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn record_outreach(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<OutreachInput>,
) -> ApiResult {
    Ok(created(
        s.svc
            .record_outreach(&a.who, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn projects(State(s): State<AppState>, a: Api) -> ApiResult {
    Ok(json(s.svc.projects(&a.who).await.map_err(err(a.lang))?))
}

async fn create_project(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<ProjectInput>,
) -> ApiResult {
    Ok(created(
        s.svc
            .put_project(&a.who, None, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn project(State(s): State<AppState>, a: Api, Path(id): Path<i64>) -> ApiResult {
    Ok(json(s.svc.project(&a.who, id).await.map_err(err(a.lang))?))
}

async fn update_project(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<ProjectInput>,
) -> ApiResult {
    Ok(json(
        s.svc
            .put_project(&a.who, Some(id), &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn targets(State(s): State<AppState>, a: Api, Query(q): Query<YearQuery>) -> ApiResult {
    Ok(json(
        s.svc
            .target_dashboard(&a.who, q.or_this())
            .await
            .map_err(err(a.lang))?,
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TownYear {
    year: Option<i32>,
    town: Option<i64>,
}

async fn scorecards(State(s): State<AppState>, a: Api, Query(q): Query<TownYear>) -> ApiResult {
    let year = YearQuery { year: q.year }.or_this();
    Ok(json(
        s.svc
            .scorecards(&a.who, q.town, year)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn config(State(s): State<AppState>, a: Api) -> ApiResult {
    let year = YearQuery::default().or_this();
    Ok(json(s.svc.target_config(year).await.map_err(err(a.lang))?))
}

async fn set_config(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<TargetConfigInput>,
) -> ApiResult {
    Ok(json(
        s.svc
            .put_target_config(&a.who, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}
