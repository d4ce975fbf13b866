//! `/api/v1` for monitoring: readings from gateways, monitored objects, sensors, rules, alarms
//! and chart series.

use crate::AppState;
use crate::api::{JsonBody, body_bytes, created, err};
use crate::ctx::{Api, lang_of};
use crate::error::ApiError;
use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use safegrid_domain::alarm::Condition;
use safegrid_domain::monitoring::{ObjectInput, SensorInput};
use safegrid_domain::patrol::{PatrolInput, Policy};
use safegrid_domain::telemetry::Metric;
use safegrid_service::ingest::{self, Batch};
use serde::{Deserialize, Serialize};

/// Largest readings body: 32 MB holds about 400,000 JSON readings.
pub const READINGS_LIMIT: usize = 32 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/readings",
            post(readings).layer(DefaultBodyLimit::max(READINGS_LIMIT)),
        )
        .route("/ingest/rejects", get(rejects))
        .route("/objects", get(objects).post(create_object))
        .route("/objects/{id}", get(object).put(update_object))
        .route("/objects/{id}/duties/{role}", put(set_duty))
        .route("/objects/{id}/households", put(set_households))
        .route("/objects/{id}/rules", post(create_rule))
        .route("/objects/{id}/series", get(series))
        .route("/sensors", post(create_sensor))
        .route("/gateways", get(gateways).post(create_gateway))
        .route("/alarms", get(alarms))
        .route("/alarms/{id}", get(alarm))
        .route("/alarms/{id}/acknowledge", post(acknowledge))
        .route("/alarms/{id}/resolve", post(resolve))
        .route("/patrols", get(patrols).post(create_patrol))
        .route("/patrols/missed", get(missed_patrols))
        .route("/patrols/{id}", get(patrol))
        .route("/patrol-policy", get(patrol_policy).put(set_patrol_policy))
}

#[derive(Deserialize)]
struct PatrolQuery {
    #[serde(default)]
    object_id: Option<i64>,
}

async fn patrols(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<PatrolQuery>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .patrols(&a.who, q.object_id, 500)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

/// A patrol as JSON (photos go up through the patrol page's form).
async fn create_patrol(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<PatrolInput>,
) -> Result<Response, ApiError> {
    let receipt = s
        .svc
        .record_patrol(&a.who, &i, &[])
        .await
        .map_err(err(a.lang))?;
    if let Some(n) = &receipt.notice {
        s.ingest.publish(n.clone());
    }
    Ok(created(receipt))
}

async fn patrol(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.patrol(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

#[derive(Deserialize)]
struct PeriodQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

async fn missed_patrols(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let (from, to) = safegrid_domain::patrol::report_period(
        q.from.as_deref().unwrap_or(""),
        q.to.as_deref().unwrap_or(""),
        safegrid_domain::local_time::day_of(chrono::Utc::now()),
    )
    .map_err(|inv| err(a.lang)(inv.into()))?;
    Ok(Json(
        s.svc
            .missed_patrols(&a.who, from, to)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn patrol_policy(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.patrol_policy().await.map_err(err(a.lang))?).into_response())
}

async fn set_patrol_policy(
    State(s): State<AppState>,
    a: Api,
    JsonBody(p): JsonBody<Policy>,
) -> Result<Response, ApiError> {
    s.svc
        .set_patrol_policy(&a.who, &p)
        .await
        .map_err(err(a.lang))?;
    Ok(Json(p).into_response())
}

#[derive(Serialize)]
struct RefusedOut {
    item: String,
    sensor: Option<String>,
    reason: &'static str,
    message: String,
    detail: Option<String>,
}

#[derive(Serialize)]
struct ReadingsOut {
    accepted: usize,
    rejected: Vec<RefusedOut>,
}

/// `POST /readings` with `Authorization: Bearer <gateway token>`; a JSON batch
/// (`{"readings": [{"sensor", "metric", "ts", "value"}]}` or the bare array) or CSV
/// (`sensor,metric,ts,value` per line). 200 with what was accepted and every refusal named,
/// once everything accepted is committed.
async fn readings(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let lang = lang_of(&parts);
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let gateway = s.ingest.gateway(token).await.map_err(err(lang))?;
    let kind = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bytes = body_bytes(Request::from_parts(parts, body), &s, lang).await?;
    let items = if kind.starts_with("application/json") {
        let batch: Batch = serde_json::from_slice(&bytes).map_err(|e| {
            let mut a = ApiError::field(
                StatusCode::BAD_REQUEST,
                "json.malformed",
                "body",
                "json.malformed",
                lang,
            );
            a.message = format!("{} (line {}, column {})", a.message, e.line(), e.column());
            a
        })?;
        ingest::label_json(batch.into_vec())
    } else if kind.starts_with("text/csv") || kind.starts_with("text/plain") {
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                "csv.not_utf8",
                "body",
                "csv.not_utf8",
                lang,
            )
        })?;
        ingest::parse_csv(text)
    } else {
        return Err(ApiError::field(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "readings.media_type",
            "body",
            "readings.media_type",
            lang,
        ));
    };
    let out = s
        .ingest
        .submit("http", Some(gateway), items)
        .await
        .map_err(|e| match e {
            safegrid_service::Error::Internal(_) | safegrid_service::Error::Store(_) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "readings.not_stored", lang)
            }
            e => ApiError::service(e, lang),
        })?;
    Ok(Json(ReadingsOut {
        accepted: out.accepted,
        rejected: out
            .rejected
            .into_iter()
            .map(|r| RefusedOut {
                message: lang.t(&r.reason.code()).to_string(),
                item: r.item,
                sensor: r.sensor,
                reason: r.reason.as_str(),
                detail: r.detail,
            })
            .collect(),
    })
    .into_response())
}

async fn rejects(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    let (recent, counts) = s.svc.ingest_report(&a.who).await.map_err(err(a.lang))?;
    Ok(Json(serde_json::json!({ "recent": recent, "counts": counts })).into_response())
}

#[derive(Deserialize)]
struct KindQuery {
    #[serde(default)]
    kind: Option<String>,
}

async fn objects(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<KindQuery>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .objects(&a.who, q.kind.as_deref())
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn create_object(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<ObjectInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc.create_object(&a.who, &i).await.map_err(err(a.lang))?,
    ))
}

async fn object(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(s.svc.object_detail(&a.who, id).await.map_err(err(a.lang))?).into_response())
}

async fn update_object(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<ObjectInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .update_object(&a.who, id, &i)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DutyInput {
    people: Vec<i64>,
}

async fn set_duty(
    State(s): State<AppState>,
    a: Api,
    Path((id, role)): Path<(i64, String)>,
    JsonBody(i): JsonBody<DutyInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .set_duty(&a.who, id, &role, &i.people)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

/// The households threatened at an object, the whole list.
async fn set_households(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(rows): JsonBody<Vec<safegrid_domain::monitoring::HouseholdInput>>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .set_households(&a.who, id, &rows)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

async fn create_sensor(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<SensorInput>,
) -> Result<Response, ApiError> {
    let rows = s.svc.create_sensor(&a.who, &i).await.map_err(err(a.lang))?;
    s.ingest.refresh().await.map_err(err(a.lang))?;
    Ok(created(rows))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GatewayInput {
    name: String,
}

async fn create_gateway(
    State(s): State<AppState>,
    a: Api,
    JsonBody(i): JsonBody<GatewayInput>,
) -> Result<Response, ApiError> {
    Ok(created(
        s.svc
            .create_gateway(&a.who, &i.name)
            .await
            .map_err(err(a.lang))?,
    ))
}

async fn gateways(State(s): State<AppState>, a: Api) -> Result<Response, ApiError> {
    Ok(Json(s.svc.gateways(&a.who).await.map_err(err(a.lang))?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleInput {
    name: String,
    conditions: Vec<Condition>,
}

async fn create_rule(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<RuleInput>,
) -> Result<Response, ApiError> {
    let row = s
        .svc
        .create_rule(&a.who, id, &i.name, &i.conditions)
        .await
        .map_err(err(a.lang))?;
    s.ingest.refresh().await.map_err(err(a.lang))?;
    Ok(created(row))
}

#[derive(Deserialize)]
struct SeriesQuery {
    sensor_id: i64,
    metric: String,
    #[serde(default)]
    range: Option<String>,
}

/// Chart points of one sensor's metric over 24 h (10-minute buckets), 7 d or 30 d (hourly).
async fn series(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    Query(q): Query<SeriesQuery>,
) -> Result<Response, ApiError> {
    let metric = Metric::parse(&q.metric).ok_or_else(|| {
        ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "metric",
            "choice",
            a.lang,
        )
    })?;
    let range = q.range.as_deref().unwrap_or("24h");
    let out = s
        .svc
        .series(
            &a.who,
            id,
            q.sensor_id,
            metric,
            range,
            chrono::Utc::now().timestamp_millis(),
        )
        .await
        .map_err(err(a.lang))?;
    Ok(Json(out).into_response())
}

#[derive(Deserialize)]
struct AlarmQuery {
    #[serde(default)]
    object_id: Option<i64>,
    #[serde(default)]
    all: Option<bool>,
}

async fn alarms(
    State(s): State<AppState>,
    a: Api,
    Query(q): Query<AlarmQuery>,
) -> Result<Response, ApiError> {
    let rows = s
        .svc
        .alarms(&a.who, q.object_id, !q.all.unwrap_or(false))
        .await
        .map_err(err(a.lang))?;
    Ok(Json(rows).into_response())
}

async fn alarm(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (alarm, events) = s.svc.alarm(&a.who, id).await.map_err(err(a.lang))?;
    Ok(Json(serde_json::json!({ "alarm": alarm, "events": events })).into_response())
}

async fn acknowledge(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .acknowledge_alarm(&a.who, id)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolveInput {
    #[serde(default)]
    note: String,
}

async fn resolve(
    State(s): State<AppState>,
    a: Api,
    Path(id): Path<i64>,
    JsonBody(i): JsonBody<ResolveInput>,
) -> Result<Response, ApiError> {
    Ok(Json(
        s.svc
            .resolve_alarm(&a.who, id, &i.note)
            .await
            .map_err(err(a.lang))?,
    )
    .into_response())
}
