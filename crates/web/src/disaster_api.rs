//! `/api/v1` for what an incident gathers after it is recorded: its on-site commander, the
//! warnings and hazards linked to it, the grade set by hand, the disaster statistics per
//! village and their ledgers, the rebuilding of damaged houses, the affected households' 五有
//! and the guarantee rate, and the investigation.

use crate::AppState;
use crate::api::{JsonBody, created, err};
use crate::ctx::Api;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use safegrid_domain::disaster::{CasualtyInput, HouseInput, ReliefInput, StatsInput};
use safegrid_domain::incident::{GradeInput, LinkInput};
use safegrid_domain::investigation::StepInput;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/grade", put(grade))
        .route("/incidents/{id}/commander", put(commander))
        .route("/incidents/{id}/links", post(link))
        .route("/incidents/{id}/statistics", put(statistics))
        .route("/incidents/{id}/casualties", post(casualty))
        .route("/incidents/{id}/damaged-houses", post(house))
        .route("/damaged-houses/{id}/rebuild", post(rebuild))
        .route("/incidents/{id}/relief", put(relief))
        .route("/incidents/{id}/investigation", post(investigation_step))
        .route("/relief", get(relief_summary))
        .route("/rebuilding", get(rebuilding))
        .route("/investigations", get(investigations))
}

async fn grade(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<GradeInput>,
) -> Result<Response, ApiError> {
    let d = s.svc.set_incident_grade(&a.who, id, &i).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

async fn statistics(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<StatsInput>,
) -> Result<Response, ApiError> {
    let d = s.svc.set_disaster_stats(&a.who, id, &i).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

async fn casualty(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<CasualtyInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc
            .add_casualty(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn house(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<HouseInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc
            .add_damaged_house(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct CommanderInput {
    person_id: String,
}

async fn commander(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<CommanderInput>,
) -> Result<Response, ApiError> {
    let d = s.svc.set_incident_commander(&a.who, id, &i.person_id).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

async fn link(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<LinkInput>,
) -> Result<Response, ApiError> {
    let d = s.svc.link_to_incident(&a.who, id, &i).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RebuildInput {
    rebuild: String,
    completed_on: String,
}

async fn rebuild(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<RebuildInput>,
) -> Result<Response, ApiError> {
    let d = s
        .svc
        .advance_rebuild(&a.who, id, &i.rebuild, &i.completed_on)
        .await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

async fn relief(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<ReliefInput>,
) -> Result<Response, ApiError> {
    let d = s.svc.set_relief_household(&a.who, id, &i).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

async fn investigation_step(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<StepInput>,
) -> Result<Response, ApiError> {
    let d = s.svc.investigation_step(&a.who, id, &i).await;
    Ok(Json(d.map_err(err(a.lang))?).into_response())
}

async fn relief_summary(
    State(s): State<AppState>,
    a: Api,
    Query(y): Query<crate::view::YearQuery>,
) -> Result<Response, ApiError> {
    let r = s.svc.relief_summary(&a.who, y.or_this()).await;
    Ok(Json(r.map_err(err(a.lang))?).into_response())
}

async fn rebuilding(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.rebuilding(&a.who).await.map_err(err(a.lang))?).into_response())
}

async fn investigations(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.investigations(&a.who).await.map_err(err(a.lang))?).into_response())
}
