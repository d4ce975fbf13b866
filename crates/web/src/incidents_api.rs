//! `/api/v1` for incidents: record, figures (the grade follows), reports upward, the timeline,
//! the end; and the reporting clocks.

use crate::AppState;
use crate::api::{JsonBody, created, err};
use crate::ctx::Api;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use safegrid_domain::incident::{FiguresInput, IncidentInput, ReportClocks, ReportInput};
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
