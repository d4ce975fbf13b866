//! Risk identification lists (风险辨识清单) on one page: each major event, key period and major
//! change with its dates, whether it is on now, and its risk points by colour; the forms that
//! draw one up, put a known risk point on one, and make a risk point of a list's own. A list
//! exports to Excel and the page prints.

use super::{field, form_input, words};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render_status, xlsx};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::risk::RiskPointInput;
use safegrid_domain::risk_list::{RiskListInput, RiskListKind};
use safegrid_service::Error;
use safegrid_service::risks::RiskListView;
use safegrid_store::regions::RegionRow;
use safegrid_store::risks::RiskPointRow;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/risks/lists", get(page).post(create))
        .route("/risks/lists/add", post(add))
        .route("/risks/lists/{id}/risk-points", post(new_point))
        .route("/risks/lists/{id}/xlsx", get(export))
}

#[derive(askama::Template)]
#[template(path = "risk_lists.html")]
struct ListsPage {
    ui: Ui,
    lists: Vec<RiskListView>,
    /// Where the caller may draw up lists.
    regions: Vec<RegionRow>,
    /// The risk points that may be put on a list.
    points: Vec<RiskPointRow>,
    kinds: Vec<&'static str>,
    error: Option<String>,
}

async fn show(s: &AppState, p: &Page, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let status = crate::view::error_status(&error);
    let regions = s
        .svc
        .stock_places(&p.who)
        .await
        .map_err(&fl)?
        .into_iter()
        .filter(|r| p.who.can_write_people(&r.path))
        .collect();
    Ok(render_status(
        status,
        &ListsPage {
            lists: s.svc.risk_lists(&p.who).await.map_err(&fl)?,
            points: s.svc.risk_points(&p.who, None, None).await.map_err(&fl)?,
            kinds: RiskListKind::ALL.iter().map(|k| k.as_str()).collect(),
            ui: Ui::new(p, "dual"),
            regions,
            error,
        },
    ))
}

async fn page(State(s): State<AppState>, p: Page) -> PageResult {
    show(&s, &p, None).await
}

async fn done<T>(s: &AppState, p: &Page, r: Result<T, Error>) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to("/risks/lists").into_response()),
        Err(Error::Invalid(e)) => show(s, p, Some(words(p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn create(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let i: RiskListInput = form_input(&p, &pairs)?;
    let r = s.svc.create_risk_list(&p.who, &i).await;
    done(&s, &p, r).await
}

async fn add(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let list: i64 = field(&pairs, "list_id").parse().unwrap_or(0);
    let r = s
        .svc
        .add_to_risk_list(&p.who, list, field(&pairs, "risk_point_id"))
        .await;
    done(&s, &p, r).await
}

async fn new_point(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let i: RiskPointInput = form_input(&p, &pairs)?;
    let r = s.svc.create_list_risk_point(&p.who, id, &i).await;
    done(&s, &p, r).await
}

/// One list in Excel: its heading, then its risk points with their grading and controls.
async fn export(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let l = p.lang;
    let lists = s.svc.risk_lists(&p.who).await.map_err(fail(l))?;
    let v = lists
        .into_iter()
        .find(|v| v.list.id == id)
        .ok_or_else(|| fail(l)(Error::NotFound))?;
    let title = format!("{} {}～{}", v.list.name, v.list.starts_on, v.list.ends_on);
    let table = super::risks::risk_table(title, &v.points, l);
    xlsx(&[table], &format!("risk-list-{id}.xlsx"), l)
}
