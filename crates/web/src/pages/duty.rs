//! The duty roster page: who is on duty now, the month's roster (printable, to post on the
//! office wall), and the form the office sets a day with.

use super::{csrf_of, input_from, words};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render_status};
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate, Utc};
use safegrid_domain::duty::{RosterInput, duty_day};
use safegrid_service::Error;
use safegrid_store::duty::RosterRow;
use safegrid_store::people::PersonRow;
use safegrid_store::regions::RegionRow;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new().route("/duty", get(page).post(set_day))
}

#[derive(askama::Template)]
#[template(path = "duty.html")]
struct DutyPage {
    ui: Ui,
    now: Option<RosterRow>,
    month: String,
    prev: String,
    next: String,
    rows: Vec<RosterRow>,
    /// The towns the caller keeps the roster of, with who may stand duty.
    places: Vec<(RegionRow, Vec<PersonRow>)>,
    today: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Month {
    /// `2026-07`.
    month: Option<String>,
}

async fn show(s: &AppState, p: &Page, month: Option<&str>, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let today = duty_day(Utc::now());
    let first = month
        .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let last = first + chrono::Months::new(1) - chrono::Days::new(1);
    let ym = |d: NaiveDate| format!("{:04}-{:02}", d.year(), d.month());
    let status = crate::view::error_status(&error);
    Ok(render_status(
        status,
        &DutyPage {
            now: s
                .svc
                .on_duty(&p.who.region_path, Utc::now())
                .await
                .map_err(&fl)?,
            month: ym(first),
            prev: ym(first - chrono::Months::new(1)),
            next: ym(first + chrono::Months::new(1)),
            rows: s.svc.duty_roster(&p.who, first, last).await.map_err(&fl)?,
            places: s.svc.duty_places(&p.who).await.map_err(&fl)?,
            today: today.to_string(),
            ui: Ui::new(p, "response"),
            error,
        },
    ))
}

async fn page(State(s): State<AppState>, p: Page, Query(q): Query<Month>) -> PageResult {
    show(&s, &p, q.month.as_deref(), None).await
}

async fn set_day(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: RosterInput = input_from(&pairs, &[]).map_err(|_| fail(p.lang)(Error::NotFound))?;
    match s.svc.set_duty_day(&p.who, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/duty?month={}", &d.day[..7])).into_response()),
        Err(Error::Invalid(e)) => show(&s, &p, None, Some(words(&p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}
