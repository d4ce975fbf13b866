//! The in-app inbox: reminders and escalations addressed to the user.

use super::csrf_of;
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, render};
use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_store::jobs::InboxRow;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(inbox))
        .route("/inbox/read", post(read))
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    ui: Ui,
    rows: Vec<InboxRow>,
}

async fn inbox(State(s): State<AppState>, p: Page) -> Result<Response, PageError> {
    let rows = s
        .svc
        .inbox(&p.who)
        .await
        .map_err(|e| PageError::Service(e, p.lang))?;
    Ok(render(&InboxPage {
        ui: Ui::new(&p, "home"),
        rows,
    }))
}

async fn read(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    p.check_csrf(csrf_of(&pairs))?;
    s.svc
        .mark_inbox_read(&p.who)
        .await
        .map_err(|e| PageError::Service(e, p.lang))?;
    Ok(Redirect::to("/inbox").into_response())
}
