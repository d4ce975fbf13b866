//! The recovery page (灾后救助与重建): the year's 五有 guarantee rate per village as bars against
//! the plan's 100%, the households not yet fully assured, where the rebuilding of each damaged
//! house stands, and every investigation with its due day. It prints for the leaders' meeting.

use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render};
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use safegrid_service::disaster::{InvestigationView, ReliefSummary};
use safegrid_store::disaster::HouseRow;

pub fn routes() -> Router<AppState> {
    Router::new().route("/recovery", get(page))
}

#[derive(askama::Template)]
#[template(path = "recovery.html")]
struct RecoveryPage {
    ui: Ui,
    year: i32,
    relief: ReliefSummary,
    chart: String,
    /// (incident title, house), and how many are completed.
    houses: Vec<(String, HouseRow)>,
    completed: usize,
    investigations: Vec<(String, InvestigationView)>,
}

async fn page(
    State(s): State<AppState>,
    p: Page,
    Query(y): Query<crate::view::YearQuery>,
) -> Result<Response, PageError> {
    let fl = fail(p.lang);
    let year = y.or_this();
    let relief = s.svc.relief_summary(&p.who, year).await.map_err(&fl)?;
    let chart = crate::svg::rate_bars(
        &format!("{year} {}", p.lang.t("disaster.rate")),
        &relief.rates,
        p.lang,
    );
    let houses = s.svc.rebuilding(&p.who).await.map_err(&fl)?;
    Ok(render(&RecoveryPage {
        completed: houses.iter().filter(|h| h.1.rebuild == "completed").count(),
        investigations: s.svc.investigations(&p.who).await.map_err(&fl)?,
        ui: Ui::new(&p, "response"),
        year,
        relief,
        chart,
        houses,
    }))
}
