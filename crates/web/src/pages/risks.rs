//! Risk pages: the risk list (with an enterprise's four-colour picture), a new risk point, the
//! bands and re-grading.

use super::{csrf_of, input_from};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{FormState, Ui, fail, render, render_status, xlsx};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::access::Role;
use safegrid_domain::risk::{RiskBands, RiskLevel, RiskPointInput};
use safegrid_service::Error;
use safegrid_service::registry::EnterpriseQuery;
use safegrid_service::xlsx::Table;
use safegrid_store::risks::RiskPointRow;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/risks", get(list).post(create))
        .route("/risks.xlsx", get(list_xlsx))
        .route("/risks/new", get(new_form))
        .route("/risks/bands", get(bands).post(save_bands))
        .route("/risks/regrade", post(regrade))
        .route("/enterprises/{id}/risk-map.svg", get(picture))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    enterprise_id: Option<String>,
    level: Option<String>,
}

#[derive(Template)]
#[template(path = "risks.html")]
struct ListPage {
    ui: Ui,
    rows: Vec<RiskPointRow>,
    levels: Vec<&'static str>,
    filter_enterprise: String,
    filter_level: String,
    can_bands: bool,
    query: String,
}

async fn list(State(s): State<AppState>, p: Page, Query(q): Query<ListQuery>) -> PageResult {
    let eid = safegrid_service::registry::parse_opt_id(q.enterprise_id.as_deref());
    let rows = s
        .svc
        .risk_points(&p.who, eid, q.level.as_deref())
        .await
        .map_err(fail(p.lang))?;
    let query = p
        .here
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    Ok(render(&ListPage {
        rows,
        levels: RiskLevel::ALL.iter().map(|l| l.as_str()).collect(),
        filter_enterprise: eid.map(|e| e.to_string()).unwrap_or_default(),
        filter_level: q.level.unwrap_or_default(),
        can_bands: matches!(p.who.role, Role::Admin | Role::EmergencyOffice),
        query,
        ui: Ui::new(&p, "dual"),
    }))
}

async fn list_xlsx(State(s): State<AppState>, p: Page, Query(q): Query<ListQuery>) -> PageResult {
    let eid = safegrid_service::registry::parse_opt_id(q.enterprise_id.as_deref());
    let rows = s
        .svc
        .risk_points(&p.who, eid, q.level.as_deref())
        .await
        .map_err(fail(p.lang))?;
    let table = risk_table(p.lang.t("nav.risks").to_string(), &rows, p.lang);
    xlsx(&[table], "risks.xlsx", p.lang)
}

/// Risk points as a sheet: where, what, how assessed, the level and tier, the controls.
pub(crate) fn risk_table(title: String, rows: &[RiskPointRow], l: safegrid_service::Lang) -> Table {
    let t = |k: &str| l.t(k).to_string();
    Table {
        title,
        headers: [
            "field.enterprise_id",
            "field.post",
            "field.name",
            "field.hazard_factor",
            "field.accident_type",
            "field.method",
            "field.score",
            "field.risk_level",
            "field.tier",
            "field.controls",
        ]
        .iter()
        .map(|k| t(k))
        .collect(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.enterprise_name.clone().unwrap_or_default(),
                    r.post.clone().unwrap_or_default(),
                    r.name.clone(),
                    r.hazard_factor.clone(),
                    r.accident_type.clone().unwrap_or_default(),
                    safegrid_service::risks::method_of(r).to_string(),
                    safegrid_service::risks::score_text(r),
                    l.t(&format!("risk_level.{}", r.level)).to_string(),
                    l.t(&format!("tier.{}", r.tier)).to_string(),
                    r.controls.clone(),
                ]
            })
            .collect(),
    }
}

async fn picture(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let e = s.svc.enterprise(&p.who, id).await.map_err(fail(p.lang))?;
    let rows = s
        .svc
        .risk_points(&p.who, Some(id), None)
        .await
        .map_err(fail(p.lang))?;
    let title = format!("{} · {}", e.name, p.lang.t("risk.map"));
    let svg = crate::svg::risk_picture(&title, &rows, p.lang);
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "risk_form.html")]
struct FormPage {
    ui: Ui,
    f: FormState,
    enterprises: Vec<(i64, String)>,
}

async fn form(s: &AppState, p: &Page, f: FormState, status: StatusCode) -> PageResult {
    let q = EnterpriseQuery {
        per_page: Some(500),
        ..Default::default()
    };
    let enterprises = s
        .svc
        .enterprises(&p.who, &q)
        .await
        .map_err(fail(p.lang))?
        .rows
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    Ok(render_status(
        status,
        &FormPage {
            ui: Ui::new(p, "dual"),
            f,
            enterprises,
        },
    ))
}

async fn new_form(
    State(s): State<AppState>,
    p: Page,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    form(&s, &p, FormState::from_pairs(&pairs), StatusCode::OK).await
}

async fn create(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: RiskPointInput =
        input_from(&pairs, &[]).map_err(|_| PageError::Service(Error::NotFound, p.lang))?;
    match s.svc.create_risk_point(&p.who, &input).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "/risks?enterprise_id={}#risk-{}",
            r.enterprise_id.unwrap_or_default(),
            r.id
        ))
        .into_response()),
        Err(Error::Invalid(inv)) => {
            form(
                &s,
                &p,
                FormState::from_pairs(&pairs).with_errors(&inv, p.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::Service(e, p.lang)),
    }
}

#[derive(Template)]
#[template(path = "risk_bands.html")]
struct BandsPage {
    ui: Ui,
    bands: RiskBands,
    levels3: [&'static str; 3],
    message: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Flash {
    changed: Option<usize>,
    saved: Option<String>,
}

async fn bands(State(s): State<AppState>, p: Page, Query(flash): Query<Flash>) -> PageResult {
    if !matches!(p.who.role, Role::Admin | Role::EmergencyOffice) {
        return Err(PageError::Service(Error::Forbidden, p.lang));
    }
    let bands = s.svc.risk_bands().await.map_err(fail(p.lang))?;
    let message = match (flash.changed, flash.saved) {
        (Some(n), _) => Some(format!("{} {n}", p.lang.t("msg.regraded"))),
        (None, Some(_)) => Some(p.lang.t("msg.saved").to_string()),
        _ => None,
    };
    Ok(render(&BandsPage {
        ui: Ui::new(&p, "dual"),
        bands,
        levels3: ["major", "significant", "general"],
        message,
        error: None,
    }))
}

async fn save_bands(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let get = |k: &str| super::field(&pairs, k).parse::<u32>().unwrap_or(0);
    let bands = RiskBands {
        lec: [get("lec0"), get("lec1"), get("lec2")],
        ls: [get("ls0"), get("ls1"), get("ls2")],
    };
    match s.svc.set_risk_bands(&p.who, &bands).await {
        Ok(()) => Ok(Redirect::to("/risks/bands?saved=1").into_response()),
        Err(Error::Invalid(inv)) => {
            let error = inv
                .errors
                .iter()
                .map(|e| p.lang.field_error(&e.field, &e.code))
                .collect::<Vec<_>>()
                .join("; ");
            let page = BandsPage {
                ui: Ui::new(&p, "dual"),
                bands,
                levels3: ["major", "significant", "general"],
                message: None,
                error: Some(error),
            };
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(PageError::Service(e, p.lang)),
    }
}

async fn regrade(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let n = s.svc.regrade_risks(&p.who).await.map_err(fail(p.lang))?;
    Ok(Redirect::to(&format!("/risks/bands?changed={n}")).into_response())
}
