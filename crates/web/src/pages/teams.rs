//! The rescue teams page: each team with its leader, how to call it out and its members (a
//! printable call list), and the forms that register a team and add a member.

use super::{field, form_input, words};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render_status};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::team::{MemberInput, TeamInput, TeamKind};
use safegrid_service::Error;
use safegrid_service::teams::Teams;
use safegrid_store::regions::RegionRow;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teams", get(page).post(create))
        .route("/teams/{id}/members", post(add_member))
        .route("/incidents/{id}/send-team", post(send))
}

#[derive(askama::Template)]
#[template(path = "teams.html")]
struct TeamsPage {
    ui: Ui,
    t: Teams,
    regions: Vec<RegionRow>,
    kinds: Vec<&'static str>,
    error: Option<String>,
}

async fn show(s: &AppState, p: &Page, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let status = crate::view::error_status(&error);
    Ok(render_status(
        status,
        &TeamsPage {
            t: s.svc.teams(&p.who).await.map_err(&fl)?,
            regions: s.svc.stock_places(&p.who).await.map_err(&fl)?,
            kinds: TeamKind::ALL.iter().map(|k| k.as_str()).collect(),
            ui: Ui::new(p, "response"),
            error,
        },
    ))
}

async fn page(State(s): State<AppState>, p: Page) -> PageResult {
    show(&s, &p, None).await
}

async fn done(s: &AppState, p: &Page, r: Result<(), Error>, to: &str) -> PageResult {
    match r {
        Ok(()) => Ok(Redirect::to(to).into_response()),
        Err(Error::Invalid(e)) => show(s, p, Some(words(p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn create(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let i: TeamInput = form_input(&p, &pairs)?;
    let r = s.svc.create_team(&p.who, &i).await.map(|_| ());
    done(&s, &p, r, "/teams").await
}

async fn add_member(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let i: MemberInput = form_input(&p, &pairs)?;
    let r = s.svc.add_team_member(&p.who, id, &i).await.map(|_| ());
    done(&s, &p, r, "/teams").await
}

/// Sends a team from the incident's page, back to it; a refusal is shown on the teams page.
async fn send(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let team: i64 = field(&pairs, "team_id").parse().unwrap_or(0);
    let r = s.svc.send_team(&p.who, id, team).await.map(|_| ());
    done(&s, &p, r, &format!("/incidents/{id}")).await
}
