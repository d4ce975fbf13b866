//! `/api/v1` for emergency response: incidents (record, figures with the grade following,
//! reports upward, the timeline, the end) and their reporting clocks; rescue teams;
//! stockpiles; plans and drills; the duty roster.

use crate::AppState;
use crate::api::{JsonBody, created, err};
use crate::ctx::Api;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use chrono::{Datelike, NaiveDate};
use safegrid_domain::Invalid;
use safegrid_domain::duty::RosterInput;
use safegrid_domain::incident::{FiguresInput, IncidentInput, ReportClocks, ReportInput};
use safegrid_domain::plan::{DrillInput, DrillQuota, PlanInput, RevisionInput};
use safegrid_domain::stock::{ItemInput, MovementInput, WarehouseInput};
use safegrid_domain::team::{MemberInput, TeamInput};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list).post(create))
        .route("/incidents/{id}", get(detail))
        .route("/incidents/{id}/figures", put(figures))
        .route("/incidents/{id}/reports", post(report))
        .route("/incidents/{id}/log", post(log))
        .route("/incidents/{id}/end", post(end))
        .route("/incident-clocks", get(clocks).put(set_clocks))
        .route("/stock", get(stock))
        .route("/warehouses", post(create_warehouse))
        .route("/warehouses/{id}/items", post(add_item))
        .route("/stock-items/{id}/movements", post(move_stock))
        .route("/incidents/{id}/dispatched", get(dispatched))
        .route("/teams", get(teams).post(create_team))
        .route("/teams/{id}/members", post(add_member))
        .route("/incidents/{id}/teams", post(send_team))
        .route("/preparedness", get(preparedness))
        .route("/plans", post(create_plan))
        .route("/plans/{id}/revisions", post(revise_plan))
        .route("/plans/{id}/files", get(plan_files).post(upload_plan_file))
        .route("/drills", post(record_drill))
        .route(
            "/drills/{id}/problems/{index}/hazard",
            post(problem_to_hazard),
        )
        .route("/drill-quota", get(drill_quota).put(set_drill_quota))
        .route("/duty-roster", get(roster).put(set_day))
        .route("/duty-roster/now", get(on_duty))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Days {
    /// `2026-07-01`; the current month when left out.
    from: Option<String>,
    to: Option<String>,
}

async fn roster(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<Days>,
) -> Result<Response, ApiError> {
    let day = |v: Option<String>, field: &str, default: NaiveDate| match v {
        None => Ok(default),
        Some(v) => NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
            .map_err(|_| err(a.lang)(Invalid::one(field, "date.form").into())),
    };
    let today = safegrid_domain::duty::duty_day(chrono::Utc::now());
    let first = today.with_day(1).unwrap_or(today);
    let from = day(q.from, "from", first)?;
    let to = day(
        q.to,
        "to",
        first + chrono::Months::new(1) - chrono::Days::new(1),
    )?;
    Ok(Json(
        s.svc
            .duty_roster(&a.who, from, to)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn set_day(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<RosterInput>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.set_duty_day(&a.who, &i).await.map_err(err(a.lang))?).into_response())
}

/// Who is on duty now for the caller's region (null when the roster names no one).
async fn on_duty(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    if !a.who.can_read_region(&a.who.region_path) {
        return Err(err(a.lang)(safegrid_service::Error::Forbidden));
    }
    let d = s.svc.on_duty(&a.who.region_path, chrono::Utc::now()).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

async fn list(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.incidents(&a.who).await.map_err(err(a.lang))?).into_response())
}

async fn create(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<IncidentInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc
            .create_incident(&a.who, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn detail(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.incident(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

async fn figures(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<FiguresInput>,
) -> Result<Response, ApiError> {
    let d = s.svc.set_incident_figures(&a.who, id, &i).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

async fn report(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<ReportInput>,
) -> Result<Response, ApiError> {
    let d = s.svc.report_incident(&a.who, id, &i).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogInput {
    entry: String,
}

async fn log(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<LogInput>,
) -> Result<Response, ApiError> {
    let d = s.svc.log_incident(&a.who, id, &i.entry).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

async fn end(State(s): State<AppState>, a: Api, Path(id): Path<i64>) -> Result<Response, ApiError> {
    Ok(Json(s.svc.end_incident(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

async fn clocks(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.incident_clocks().await.map_err(err(a.lang))?).into_response())
}

async fn set_clocks(
    State(s): State<AppState>,
    a: Api,
    JsonBody(c): JsonBody<ReportClocks>,
) -> Result<Response, ApiError> {
    s.svc
        .set_incident_clocks(&a.who, &c)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(c).into_response())
}

async fn stock(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.stock(&a.who).await.map_err(err(a.lang))?).into_response())
}

async fn create_warehouse(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<WarehouseInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc
            .create_warehouse(&a.who, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn add_item(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<ItemInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc
            .add_stock_item(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn move_stock(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<MovementInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .move_stock(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn dispatched(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.dispatched(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Year {
    year: Option<i32>,
}

async fn preparedness(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<Year>,
) -> Result<Response, ApiError> {
    let p = s.svc.preparedness(&a.who, q.year).await;
    Ok(Json(p.map_err(err(a.lang))?).into_response())
}

async fn create_plan(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<PlanInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc.create_plan(&a.who, &i).await.map_err(err(a.lang))?,
    ))
}

async fn revise_plan(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<RevisionInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .revise_plan(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn record_drill(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<DrillInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc.record_drill(&a.who, &i).await.map_err(err(a.lang))?,
    ))
}

async fn drill_quota(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.drill_quota().await.map_err(err(a.lang))?).into_response())
}

async fn set_drill_quota(
    State(s): State<AppState>,
    a: Api,
    JsonBody(q): JsonBody<DrillQuota>,
) -> Result<Response, ApiError> {
    s.svc
        .set_drill_quota(&a.who, &q)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(q).into_response())
}

async fn teams(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.teams(&a.who).await.map_err(err(a.lang))?).into_response())
}

async fn create_team(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<TeamInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc.create_team(&a.who, &i).await.map_err(err(a.lang))?,
    ))
}

async fn add_member(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<MemberInput>,
) -> Result<Response, ApiError> {
    let t = s.svc.add_team_member(&a.who, id, &i).await;
    Ok(Json(t.map_err(err(a.lang))?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendTeam {
    team_id: i64,
}

async fn send_team(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<SendTeam>,
) -> Result<Response, ApiError> {
    let sent = s.svc.send_team(&a.who, id, i.team_id).await;
    Ok(Json(sent.map_err(err(a.lang))?).into_response())
}

async fn problem_to_hazard(
    State(s): State<AppState>,
    a: Api,
    Path((id, index)): Path<(i64, usize)>,
) -> Result<Response, ApiError> {
    let h = s.svc.drill_problem_to_hazard(&a.who, id, index).await;
    Ok(created(h.map_err(err(a.lang))?))
}

async fn plan_files(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let f = s.svc.plan_attachments(&a.who, id).await;
    Ok(Json(f.map_err(err(a.lang))?).into_response())
}

/// Multipart upload of one file of a plan (PDF, JPEG or PNG) in the field `file`.
async fn upload_plan_file(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let (name, bytes) = crate::api::uploaded_file(&mut form, a.lang).await?;
    let row = s.svc.attach_to_plan(&a.who, id, &name, &bytes).await;
    Ok(created(row.map_err(err(a.lang))?))
}
