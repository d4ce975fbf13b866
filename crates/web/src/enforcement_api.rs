//! `/api/v1` for enforcement: cases filed, moved step by step, their documents, and the
//! procedure's configuration (the statutory periods and the holiday calendar); the blacklist;
//! tip-offs as staff handle them, and their rules (the public sends tip-offs through its page);
//! rectification campaigns and their targets; the safety ratings of enterprises.

use crate::AppState;
use crate::api::{JsonBody, created, err, uploaded_file};
use crate::ctx::Api;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use safegrid_domain::enforcement::{CaseInput, CaseRules, StepInput, WorkCalendar};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list).post(file))
        .route("/cases/{id}", get(detail))
        .route("/cases/{id}/steps", post(step))
        .route("/cases/{id}/documents/{step}", post(document))
        .route("/case-rules", get(rules).put(set_rules))
        .route("/enforcement-stats", get(stats))
        .route("/blacklist", get(blacklist).post(list_enterprise))
        .route("/blacklist/{id}/delist", post(delist))
        .route("/work-calendar", get(calendar).put(set_calendar))
        .route("/tipoffs", get(tipoffs))
        .route("/tipoffs/{id}", get(tipoff).post(handle_tipoff))
        .route("/tipoffs/{id}/reward", post(reward))
        .route("/tipoffs/{id}/payment", post(payment))
        .route("/tipoffs/{id}/reporter", post(reporter))
        .route("/tipoff-rules", get(tipoff_rules).put(set_tipoff_rules))
        .route("/campaigns", get(campaigns).post(create_campaign))
        .route("/campaigns/{id}", get(campaign))
        .route("/campaigns/{id}/targets", post(add_targets))
        .route("/campaign-targets/{id}", post(update_target))
        .route("/ratings", get(ratings))
}

async fn list(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.cases(&a.who).await.map_err(err(a.lang))?).into_response())
}

async fn file(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<CaseInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc.file_case(&a.who, &i).await.map_err(err(a.lang))?,
    ))
}

async fn detail(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.case(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

async fn step(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<StepInput>,
) -> Result<Response, ApiError> {
    let v = s.svc.case_step(&a.who, id, &i).await;
    Ok(Json(v.map_err(err(a.lang))?).into_response())
}

/// Multipart upload of one document of a step in the field `file`.
async fn document(
    State(s): State<AppState>,
    a: Api,
    Path((id, step)): Path<(i64, String)>,
    mut form: axum::extract::Multipart,
) -> Result<Response, ApiError> {
    let (name, bytes) = uploaded_file(&mut form, a.lang).await?;
    let row = s.svc.attach_to_case(&a.who, id, &step, &name, &bytes).await;
    Ok(created(row.map_err(err(a.lang))?))
}

async fn rules(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.case_rules().await.map_err(err(a.lang))?).into_response())
}

async fn set_rules(
    State(s): State<AppState>,
    a: Api,
    JsonBody(r): JsonBody<CaseRules>,
) -> Result<Response, ApiError> {
    s.svc
        .set_case_rules(&a.who, &r)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(r).into_response())
}

async fn calendar(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.work_calendar().await.map_err(err(a.lang))?).into_response())
}

async fn set_calendar(
    State(s): State<AppState>,
    a: Api,
    JsonBody(c): JsonBody<WorkCalendar>,
) -> Result<Response, ApiError> {
    s.svc
        .set_work_calendar(&a.who, &c)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(c).into_response())
}

async fn stats(
    State(s): State<AppState>,
    a: Api,
    Query(y): Query<crate::view::YearQuery>,
) -> Result<Response, ApiError> {
    let r = s.svc.enforcement_stats(&a.who, y.or_this()).await;
    Ok(Json(r.map_err(err(a.lang))?).into_response())
}

async fn blacklist(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.blacklist(&a.who).await.map_err(err(a.lang))?).into_response())
}

async fn list_enterprise(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<safegrid_domain::enforcement::BlacklistInput>,
) -> Result<Response, ApiError> {
    let v = s.svc.blacklist_enterprise(&a.who, &i).await;
    Ok(created(v.map_err(err(a.lang))?))
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct DelistInput {
    reason: String,
}

async fn delist(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<DelistInput>,
) -> Result<Response, ApiError> {
    let v = s.svc.delist_enterprise(&a.who, id, &i.reason).await;
    Ok(Json(v.map_err(err(a.lang))?).into_response())
}

async fn tipoffs(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.tipoffs(&a.who).await.map_err(err(a.lang))?).into_response())
}

async fn tipoff(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.tipoff(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

async fn handle_tipoff(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<safegrid_domain::tipoff::HandleInput>,
) -> Result<Response, ApiError> {
    let v = s.svc.handle_tipoff(&a.who, id, &i).await;
    Ok(Json(v.map_err(err(a.lang))?).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RewardInput {
    reward_yuan: String,
}

async fn reward(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<RewardInput>,
) -> Result<Response, ApiError> {
    let v = s.svc.decide_reward(&a.who, id, &i.reward_yuan).await;
    Ok(Json(v.map_err(err(a.lang))?).into_response())
}

async fn payment(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<safegrid_domain::tipoff::PaymentInput>,
) -> Result<Response, ApiError> {
    let v = s.svc.pay_reward(&a.who, id, &i).await;
    Ok(Json(v.map_err(err(a.lang))?).into_response())
}

/// Who reported; a POST because each look is written to the audit chain.
async fn reporter(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (name, phone) = s
        .svc
        .tipoff_reporter(&a.who, id)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(serde_json::json!({ "name": name, "phone": phone })).into_response())
}

async fn tipoff_rules(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.tipoff_rules().await.map_err(err(a.lang))?).into_response())
}

async fn set_tipoff_rules(
    State(s): State<AppState>,
    a: Api,
    JsonBody(r): JsonBody<safegrid_domain::tipoff::TipOffRules>,
) -> Result<Response, ApiError> {
    s.svc
        .set_tipoff_rules(&a.who, &r)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(r).into_response())
}

async fn campaigns(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.campaigns(&a.who).await.map_err(err(a.lang))?).into_response())
}

async fn create_campaign(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<safegrid_domain::campaign::CampaignInput>,
) -> Result<Response, ApiError> {
    let v = s.svc.create_campaign(&a.who, &i).await;
    Ok(created(v.map_err(err(a.lang))?))
}

async fn campaign(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.campaign(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

async fn add_targets(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<safegrid_domain::campaign::TargetsInput>,
) -> Result<Response, ApiError> {
    let v = s.svc.add_targets(&a.who, id, &i).await;
    Ok(Json(v.map_err(err(a.lang))?).into_response())
}

async fn update_target(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<safegrid_domain::campaign::TargetUpdate>,
) -> Result<Response, ApiError> {
    let v = s.svc.update_target(&a.who, id, &i).await;
    Ok(Json(v.map_err(err(a.lang))?).into_response())
}

async fn ratings(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<safegrid_service::ratings::RatingQuery>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.ratings(&a.who, &q).await.map_err(err(a.lang))?).into_response())
}
