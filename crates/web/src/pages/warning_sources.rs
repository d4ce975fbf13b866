//! Where warnings come from besides the town itself: a CAP 1.2 file the office takes in by hand
//! (the district's message received by e-mail or on a stick), and the feeds the town reads, with
//! how each read went.

use super::{csrf_of, field, words};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render_status};
use axum::Router;
use axum::extract::{Form, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::cap_import::Subscription;
use safegrid_service::Error;
use safegrid_service::cap_feeds::FeedStatus;
use safegrid_service::cap_import::Outcome;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/warnings/sources", get(page))
        .route("/warnings/sources/import", post(import))
        .route("/warnings/sources/feeds", post(add_feed))
        .route("/warnings/sources/feeds/remove", post(remove_feed))
}

#[derive(askama::Template)]
#[template(path = "warning_sources.html")]
struct SourcesPage {
    ui: Ui,
    feeds: Vec<FeedStatus>,
    can_configure: bool,
    message: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Said {
    /// What the last import did (an outcome's name).
    outcome: Option<String>,
}

async fn show(
    s: &AppState,
    p: &Page,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let feeds = s.svc.feed_statuses(&p.who).await.map_err(fail(p.lang))?;
    Ok(render_status(
        status,
        &SourcesPage {
            ui: Ui::new(p, "monitoring"),
            can_configure: p.who.can_configure(),
            feeds,
            message,
            error,
        },
    ))
}

async fn page(State(s): State<AppState>, p: Page, Query(q): Query<Said>) -> PageResult {
    let message = q
        .outcome
        .filter(|o| ["already_held", "unrelated"].contains(&o.as_str()))
        .map(|o| p.lang.t(&format!("cap_outcome.{o}")).to_string());
    show(&s, &p, message, None, StatusCode::OK).await
}

/// Takes in a CAP file (or pasted text). The CSRF token travels in the query: the multipart body
/// is read once.
async fn import(
    State(s): State<AppState>,
    p: Page,
    Query(c): Query<super::CsrfQuery>,
    mut form: Multipart,
) -> PageResult {
    p.check_csrf(&c.csrf)?;
    let mut xml = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or("").to_string();
                let Ok(bytes) = f.bytes().await else {
                    return too_large(&s, &p).await;
                };
                // The file when one was chosen, else the pasted text.
                if (name == "file" || name == "xml") && !bytes.is_empty() && xml.is_empty() {
                    xml = bytes.to_vec();
                }
            }
            Ok(None) => break,
            Err(_) => return too_large(&s, &p).await,
        }
    }
    if xml.is_empty() {
        let e = safegrid_domain::Invalid::one("file", "required");
        return show(
            &s,
            &p,
            None,
            Some(words(&p, &e)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match s.svc.import_cap(&p.who, &xml, "file").await {
        Ok(got) => match (got.outcome, got.warning_id) {
            (Outcome::AlreadyHeld | Outcome::Unrelated, _) | (_, None) => {
                let o = serde_json::to_value(got.outcome)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                Ok(Redirect::to(&format!("/warnings/sources?outcome={o}")).into_response())
            }
            (_, Some(id)) => Ok(Redirect::to(&format!("/warnings/{id}")).into_response()),
        },
        Err(Error::Invalid(e)) => {
            show(
                &s,
                &p,
                None,
                Some(words(&p, &e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn too_large(s: &AppState, p: &Page) -> PageResult {
    let e = safegrid_domain::Invalid::one("file", "file.too_large");
    show(
        s,
        p,
        None,
        Some(words(p, &e)),
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await
}

/// Sets the feed list; a refusal is shown on the page.
async fn set_feeds(
    s: &AppState,
    p: &Page,
    change: impl FnOnce(&mut Vec<Subscription>),
) -> PageResult {
    let mut feeds = s.svc.cap_feeds().await.map_err(fail(p.lang))?;
    change(&mut feeds.feeds);
    match s.svc.set_cap_feeds(&p.who, &feeds).await {
        Ok(()) => Ok(Redirect::to("/warnings/sources").into_response()),
        Err(Error::Invalid(e)) => {
            show(
                s,
                p,
                None,
                Some(words(p, &e)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn add_feed(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let feed = Subscription {
        name: field(&pairs, "name").into(),
        url: field(&pairs, "url").into(),
        // Not a number: zero, which the check names.
        every_secs: field(&pairs, "every_secs").parse().unwrap_or(0),
    };
    set_feeds(&s, &p, |f| f.push(feed)).await
}

async fn remove_feed(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let name = field(&pairs, "name").to_string();
    set_feeds(&s, &p, |f| f.retain(|x| x.name.trim() != name)).await
}
