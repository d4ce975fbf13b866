//! `/api/v1` for warnings, and the public CAP messages and Atom feed another town reads.

use crate::AppState;
use crate::api::{JsonBody, created, err};
use crate::ctx::Api;
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use safegrid_domain::cap_import::Subscriptions;
use safegrid_domain::delivery::Channels;
use safegrid_domain::warning::{ActionRules, Issuer, Policy, WarningInput};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/warnings", get(list).post(create))
        .route("/warnings/{id}", get(detail).put(edit))
        .route("/warnings/{id}/approve", post(approve))
        .route("/warnings/{id}/issue", post(issue))
        .route("/warnings/{id}/update", post(update))
        .route("/warnings/{id}/cancel", post(cancel))
        .route("/alarms/{id}/warning-draft", get(from_alarm))
        .route("/warning-policy", get(policy).put(set_policy))
        .route("/cap-issuer", get(issuer).put(set_issuer))
        .route("/channels", get(channels).put(set_channels))
        .route("/required-actions", get(action_rules).put(set_action_rules))
        .route("/warnings/{id}/board", get(board))
        .route("/sms-replies/unmatched", get(unmatched))
        .route("/cap/import", post(import))
        .route("/cap-feeds", get(cap_feeds).put(set_cap_feeds))
        .route("/cap-feeds/status", get(feed_statuses))
}

/// A CAP 1.2 message from another sender, as the request body.
async fn import(
    State(s): State<AppState>,
    a: Api,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .import_cap(&a.who, &body, "api")
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn cap_feeds(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    if !a.who.can_write_warnings() {
        return Err(err(a.lang)(safegrid_service::Error::Forbidden));
    }
    Ok(Json(s.svc.cap_feeds().await.map_err(err(a.lang))?).into_response())
}

async fn set_cap_feeds(
    State(s): State<AppState>,
    a: Api,
    JsonBody(f): JsonBody<Subscriptions>,
) -> Result<Response, ApiError> {
    s.svc.set_cap_feeds(&a.who, &f).await.map_err(err(a.lang))?;
    Ok(Json(f).into_response())
}

async fn feed_statuses(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.feed_statuses(&a.who).await.map_err(err(a.lang))?).into_response())
}

/// Public: no login, as the district's and the neighbours' systems read them.
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/cap/feed.atom", get(feed))
        .route("/cap/{file}", get(message))
        .route("/api/v1/sms/inbound", post(sms_inbound))
        .route("/api/v1/sms/receipt", post(sms_receipt))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    live: Option<bool>,
}

async fn list(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let rows = s
        .svc
        .warnings(&a.who, q.live.unwrap_or(false))
        .await
        .map_err(err(a.lang))?;
    Ok(Json(rows).into_response())
}

async fn create(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<WarningInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc
            .create_warning(&a.who, &i)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn detail(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.warning(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

async fn edit(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<WarningInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .edit_warning(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn approve(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .approve_warning(&a.who, id)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn issue(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.issue_warning(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

async fn update(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<WarningInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .update_warning(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn cancel(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .cancel_warning(&a.who, id)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn from_alarm(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .warning_from_alarm(&a.who, id)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn policy(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.warning_policy().await.map_err(err(a.lang))?).into_response())
}

async fn set_policy(
    State(s): State<AppState>,
    a: Api,
    JsonBody(p): JsonBody<Policy>,
) -> Result<Response, ApiError> {
    s.svc
        .set_warning_policy(&a.who, &p)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(p).into_response())
}

async fn issuer(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.cap_issuer().await.map_err(err(a.lang))?).into_response())
}

async fn set_issuer(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<Issuer>,
) -> Result<Response, ApiError> {
    s.svc
        .set_cap_issuer(&a.who, &i)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(i).into_response())
}

/// The base URL the request came to, for the feed's links.
fn base_of(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

async fn feed(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let lang = safegrid_service::Lang::default();
    let xml = s
        .svc
        .cap_feed(&base_of(&headers))
        .await
        .map_err(err(lang))?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// `/cap/{id}.xml`: one of the town's CAP messages.
async fn message(
    State(s): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let lang = safegrid_service::Lang::default();
    let id = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or_else(|| err(lang)(safegrid_service::Error::NotFound))?;
    let m = s.svc.cap_message(id).await.map_err(err(lang))?;
    Ok((
        [(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")],
        m.xml,
    )
        .into_response())
}

async fn channels(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    if !a.who.can_configure() {
        return Err(err(a.lang)(safegrid_service::Error::Forbidden));
    }
    Ok(Json(s.svc.channels().await.map_err(err(a.lang))?).into_response())
}

async fn set_channels(
    State(s): State<AppState>,
    a: Api,
    JsonBody(c): JsonBody<Channels>,
) -> Result<Response, ApiError> {
    s.svc.set_channels(&a.who, &c).await.map_err(err(a.lang))?;
    Ok(Json(c).into_response())
}

async fn action_rules(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.action_rules().await.map_err(err(a.lang))?).into_response())
}

async fn set_action_rules(
    State(s): State<AppState>,
    a: Api,
    JsonBody(r): JsonBody<ActionRules>,
) -> Result<Response, ApiError> {
    s.svc
        .set_action_rules(&a.who, &r)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(r).into_response())
}

async fn board(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.warning_board(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

async fn unmatched(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.unmatched_replies(&a.who).await.map_err(err(a.lang))?).into_response())
}

/// The gateway's secret, sent with every reply and receipt.
fn gateway_secret(headers: &HeaderMap) -> &str {
    headers
        .get("x-safegrid-secret")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InboundSms {
    from: String,
    text: String,
}

/// An SMS a person sent back, passed on by the gateway. Answered 200 with what became of it
/// (also when it matched no one: the gateway has done its part, the office sees the reply).
async fn sms_inbound(
    State(s): State<AppState>,
    headers: HeaderMap,
    JsonBody(m): JsonBody<InboundSms>,
) -> Result<Response, ApiError> {
    let lang = safegrid_service::Lang::default();
    let outcome = s
        .svc
        .sms_reply(gateway_secret(&headers), &m.from, &m.text)
        .await
        .map_err(err(lang))?;
    Ok(Json(serde_json::json!({ "outcome": outcome })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Receipt {
    /// The delivery's id, as sent in the request's `msgid`.
    id: String,
    /// `delivered` or `failed`.
    status: String,
    #[serde(default)]
    error: Option<String>,
}

async fn sms_receipt(
    State(s): State<AppState>,
    headers: HeaderMap,
    JsonBody(r): JsonBody<Receipt>,
) -> Result<Response, ApiError> {
    let lang = safegrid_service::Lang::default();
    let bad = |f: &str| {
        err(lang)(safegrid_service::Error::Invalid(
            safegrid_domain::Invalid::one(f, "choice"),
        ))
    };
    let id: i64 = r.id.trim().parse().map_err(|_| bad("id"))?;
    let delivered = match r.status.as_str() {
        "delivered" => true,
        "failed" => false,
        _ => return Err(bad("status")),
    };
    let found = s
        .svc
        .sms_receipt(gateway_secret(&headers), id, delivered, r.error.as_deref())
        .await
        .map_err(err(lang))?;
    if !found {
        return Err(err(lang)(safegrid_service::Error::NotFound));
    }
    Ok(Json(serde_json::json!({ "ok": true })).into_response())
}
