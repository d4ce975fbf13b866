//! Monitoring pages: the board of every object coloured by its alarm level (kept live over
//! server-sent events), an object's page with its people, latest values, alarms and charts, and
//! the alarm actions.

use super::csrf_of;
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::svg;
use crate::view::{Ui, fail, render};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::monitoring::ObjectKind;
use safegrid_domain::telemetry::Metric;
use safegrid_service::monitoring::{BoardTile, ObjectDetail, RANGES};
use safegrid_store::monitoring::AlarmRow;
use safegrid_store::patrols::{CrackRow, PatrolRow};
use serde::Deserialize;
use std::convert::Infallible;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitoring", get(board))
        .route("/monitoring/events", get(events))
        .route("/monitoring/objects/{id}", get(object))
        .route("/monitoring/objects/{id}/chart.svg", get(chart))
        .route("/monitoring/alarms/{id}/acknowledge", post(acknowledge))
        .route("/monitoring/alarms/{id}/resolve", post(resolve))
}

#[derive(Template)]
#[template(path = "monitoring.html")]
struct BoardPage {
    ui: Ui,
    tiles: Vec<BoardTile>,
    alarms: Vec<AlarmRow>,
}

/// Only the tiles and the alarm table, for the live refresh.
#[derive(Template)]
#[template(path = "monitoring_board.html")]
struct BoardFragment {
    ui: Ui,
    tiles: Vec<BoardTile>,
    alarms: Vec<AlarmRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BoardQuery {
    fragment: Option<String>,
}

async fn board(State(s): State<AppState>, p: Page, Query(q): Query<BoardQuery>) -> PageResult {
    let tiles = s.svc.board(&p.who).await.map_err(fail(p.lang))?;
    let alarms = s
        .svc
        .alarms(&p.who, None, true)
        .await
        .map_err(fail(p.lang))?;
    let ui = Ui::new(&p, "monitoring");
    Ok(if q.fragment.is_some() {
        render(&BoardFragment { ui, tiles, alarms })
    } else {
        render(&BoardPage { ui, tiles, alarms })
    })
}

/// Alarm changes as server-sent events (`event: alarm`), only those of objects the caller sees.
async fn events(State(s): State<AppState>, p: Page) -> Result<impl IntoResponse, PageError> {
    if !p.who.can_read_monitoring(&p.who.region_path) {
        return Err(fail(p.lang)(safegrid_service::Error::Forbidden));
    }
    let rx = s.ingest.subscribe();
    let who = p.who.clone();
    let stream = futures_util::stream::unfold((rx, who), |(mut rx, who)| async move {
        loop {
            match rx.recv().await {
                Ok(n) if who.can_read_monitoring(&n.region_path) => {
                    let data = serde_json::to_string(&n).unwrap_or_default();
                    return Some((
                        Ok::<_, Infallible>(Event::default().event("alarm").data(data)),
                        (rx, who),
                    ));
                }
                Ok(_) => {}
                // Missed some: tell the page to refresh all.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    return Some((Ok(Event::default().event("alarm").data("{}")), (rx, who)));
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[derive(Template)]
#[template(path = "monitoring_object.html")]
struct ObjectPage {
    ui: Ui,
    d: ObjectDetail,
    alarms: Vec<AlarmRow>,
    /// (sensor code, metric, value, time) of the object's sensors.
    latest: Vec<(String, Metric, f64, i64)>,
    /// (sensor id, sensor code, metric) for the charts.
    charts: Vec<(i64, String, Metric)>,
    range: String,
    ranges: Vec<&'static str>,
    can_ack: bool,
    can_resolve: bool,
    patrols: Vec<PatrolRow>,
    /// Each marked point's measurements in time order.
    cracks: Vec<(String, Vec<CrackRow>)>,
    can_patrol: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RangeQuery {
    range: Option<String>,
}

async fn object(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<RangeQuery>,
) -> PageResult {
    let d = s
        .svc
        .object_detail(&p.who, id)
        .await
        .map_err(fail(p.lang))?;
    let alarms = s
        .svc
        .alarms(&p.who, Some(id), false)
        .await
        .map_err(fail(p.lang))?;
    let latest = s
        .svc
        .latest_of_object(&p.who, id)
        .await
        .map_err(fail(p.lang))?;
    let patrols = s
        .svc
        .patrols(&p.who, Some(id), 10)
        .await
        .map_err(fail(p.lang))?;
    let cracks = s
        .svc
        .crack_history(&p.who, id)
        .await
        .map_err(fail(p.lang))?;
    let charts = d
        .sensors
        .iter()
        .filter_map(|s| Some((s.id, s.code.clone(), Metric::from_code(s.metric)?)))
        .collect();
    let range = q
        .range
        .filter(|r| RANGES.iter().any(|x| x.0 == r))
        .unwrap_or_else(|| "24h".into());
    Ok(render(&ObjectPage {
        can_ack: p.who.can_acknowledge_alarm(&d.object.region_path),
        can_resolve: p.who.can_resolve_alarm(&d.object.region_path),
        can_patrol: p.who.can_record_patrol(&d.object.region_path)
            && ObjectKind::code_is_patrolled(&d.object.kind),
        patrols,
        cracks,
        d,
        alarms,
        latest,
        charts,
        range,
        ranges: RANGES.iter().map(|r| r.0).collect(),
        ui: Ui::new(&p, "monitoring"),
    }))
}

#[derive(Deserialize)]
struct ChartQuery {
    sensor_id: i64,
    metric: String,
    #[serde(default)]
    range: Option<String>,
}

async fn chart(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<ChartQuery>,
) -> PageResult {
    let metric =
        Metric::parse(&q.metric).ok_or_else(|| fail(p.lang)(safegrid_service::Error::NotFound))?;
    let range = q.range.unwrap_or_else(|| "24h".into());
    let series = s
        .svc
        .series(
            &p.who,
            id,
            q.sensor_id,
            metric,
            &range,
            chrono::Utc::now().timestamp_millis(),
        )
        .await
        .map_err(fail(p.lang))?;
    let title = format!(
        "{} ({}) · {}",
        p.lang.t(&format!("metric.{}", metric.as_str())),
        metric.unit(),
        range
    );
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg::series_chart(&title, &series, p.lang),
    )
        .into_response())
}

async fn acknowledge(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&f))?;
    let a = s
        .svc
        .acknowledge_alarm(&p.who, id)
        .await
        .map_err(fail(p.lang))?;
    Ok(Redirect::to(&format!("/monitoring/objects/{}", a.object_id)).into_response())
}

async fn resolve(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(f): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&f))?;
    let note = f
        .iter()
        .find(|(k, _)| k == "note")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let a = s
        .svc
        .resolve_alarm(&p.who, id, note)
        .await
        .map_err(fail(p.lang))?;
    Ok(Redirect::to(&format!("/monitoring/objects/{}", a.object_id)).into_response())
}
