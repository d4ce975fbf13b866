//! Campaign pages: the campaigns with their count to zero as bars, the form to draw one up, and a
//! campaign's targets (Excel, print) with the form to add them in one go and to move each one.

use super::words;
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render_status};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::campaign::{
    CampaignInput, CampaignKind, TargetKind, TargetUpdate, TargetsInput,
};
use safegrid_domain::enterprise::FringeTreatment;
use safegrid_service::Error;
use safegrid_service::campaigns::{CampaignDetail, CampaignView};

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/campaigns", get(list).post(create))
        .route("/campaigns/{id}", get(detail))
        .route("/campaigns/{id}/xlsx", get(export))
        .route("/campaigns/{id}/targets", post(add))
        .route("/campaigns/{id}/targets/{tid}", post(update))
}

#[derive(askama::Template)]
#[template(path = "campaigns.html")]
struct ListPage {
    ui: Ui,
    rows: Vec<CampaignView>,
    kinds: Vec<&'static str>,
    /// (id, name) of the regions a campaign may be drawn up over; empty when the caller cannot.
    regions: Vec<(i64, String)>,
    error: Option<String>,
}

async fn list_show(s: &AppState, p: &Page, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let rows = s.svc.campaigns(&p.who).await.map_err(&fl)?;
    let regions = if p.who.can_manage_structure(&p.who.region_path) {
        s.svc
            .stock_places(&p.who)
            .await
            .map_err(&fl)?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect()
    } else {
        Vec::new()
    };
    Ok(render_status(
        crate::view::error_status(&error),
        &ListPage {
            ui: Ui::new(p, "enforcement"),
            rows,
            kinds: CampaignKind::ALL.iter().map(|k| k.as_str()).collect(),
            regions,
            error,
        },
    ))
}

async fn list(State(s): State<AppState>, p: Page) -> PageResult {
    list_show(&s, &p, None).await
}

async fn create(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let input: CampaignInput = super::form_input(&p, &pairs)?;
    match s.svc.create_campaign(&p.who, &input).await {
        Ok(v) => Ok(Redirect::to(&format!("/campaigns/{}", v.campaign.id)).into_response()),
        Err(Error::Invalid(e)) => list_show(&s, &p, Some(words(&p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

#[derive(askama::Template)]
#[template(path = "campaign.html")]
struct DetailPage {
    ui: Ui,
    d: CampaignDetail,
    kinds: Vec<&'static str>,
    treatments: Vec<&'static str>,
    /// (id, name) of the enterprises that may be added, for a five-batches campaign.
    enterprises: Vec<(i64, String)>,
    villages: Vec<(i64, String)>,
    error: Option<String>,
}

async fn show(s: &AppState, p: &Page, id: i64, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let d = s.svc.campaign(&p.who, id).await.map_err(&fl)?;
    let (enterprises, villages) = if d.can_add {
        let q = safegrid_service::registry::EnterpriseQuery {
            per_page: Some(500),
            ..Default::default()
        };
        let es = s
            .svc
            .enterprises(&p.who, &q)
            .await
            .map_err(&fl)?
            .rows
            .into_iter()
            .filter(|e| e.region_path.starts_with(&d.campaign.region_path))
            .filter(|e| !d.targets.iter().any(|t| t.enterprise_id == Some(e.id)))
            .map(|e| (e.id, e.name))
            .collect();
        let vs = s
            .svc
            .villages(&p.who)
            .await
            .map_err(&fl)?
            .into_iter()
            .filter(|v| v.path.starts_with(&d.campaign.region_path))
            .map(|v| (v.id, v.name))
            .collect();
        (es, vs)
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(render_status(
        crate::view::error_status(&error),
        &DetailPage {
            ui: Ui::new(p, "enforcement"),
            d,
            kinds: TargetKind::ALL.iter().map(|k| k.as_str()).collect(),
            treatments: FringeTreatment::ALL
                .iter()
                .filter(|t| **t != FringeTreatment::None)
                .map(|t| t.as_str())
                .collect(),
            enterprises,
            villages,
            error,
        },
    ))
}

async fn detail(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    show(&s, &p, id, None).await
}

async fn add(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let input: TargetsInput = super::input_from(&pairs, &["enterprise_ids"])
        .map_err(|_| fail(p.lang)(Error::NotFound))?;
    match s.svc.add_targets(&p.who, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/campaigns/{id}")).into_response()),
        Err(Error::Invalid(e)) => show(&s, &p, id, Some(words(&p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn update(
    State(s): State<AppState>,
    p: Page,
    Path((id, tid)): Path<(i64, i64)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let input: TargetUpdate = super::form_input(&p, &pairs)?;
    match s.svc.update_target(&p.who, tid, &input).await {
        Ok(t) => Ok(Redirect::to(&format!("/campaigns/{}#t{tid}", t.campaign_id)).into_response()),
        Err(Error::Invalid(e)) => show(&s, &p, id, Some(words(&p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

/// The targets in Excel, for the 打表推进 meeting.
async fn export(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let l = p.lang;
    let d = s.svc.campaign(&p.who, id).await.map_err(fail(l))?;
    let ui = Ui::new(&p, "enforcement");
    let headers = [
        "campaign.target",
        "field.kind",
        "field.region_id",
        "field.treatment",
        "field.status",
        "campaign.cleared_on",
        "field.note",
    ]
    .iter()
    .map(|k| l.t(k).to_string())
    .collect();
    let table = safegrid_service::xlsx::Table {
        title: d.campaign.name.clone(),
        headers,
        rows: d
            .targets
            .iter()
            .map(|t| {
                vec![
                    t.label.clone(),
                    ui.label("target_kind", &t.kind),
                    t.region_name.clone().unwrap_or_default(),
                    t.treatment
                        .as_deref()
                        .map(|x| ui.label("fringe", x))
                        .unwrap_or_default(),
                    ui.label("target_status", &t.status),
                    t.cleared_on.clone().unwrap_or_default(),
                    t.note.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };
    crate::view::xlsx(&[table], "campaign.xlsx", l)
}
