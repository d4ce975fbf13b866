//! The command page of an incident (应急指挥): on the command centre's big screen, the incident,
//! its grade and figures, the report owed and its clock, the timeline, the stock dispatched and
//! the live warnings over the place, redrawn within a second of any change (SSE).

use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use safegrid_service::incidents::CommandView;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents/{id}/command", get(page))
        .route("/incidents/{id}/command/events", get(events))
}

#[derive(Template)]
#[template(path = "command.html")]
struct CommandPage {
    ui: Ui,
    c: CommandView,
}

/// Only the body, for the live refresh.
#[derive(Template)]
#[template(path = "command_body.html")]
struct CommandBody {
    ui: Ui,
    c: CommandView,
}

/// The loss in 万元 and the time since the event, as the screen shows them.
trait Shown {
    fn view(&self) -> &CommandView;
    fn loss_wan(&self) -> String {
        format!(
            "{:.2}",
            self.view().detail.incident.direct_loss_fen as f64 / 1_000_000.0
        )
    }
    fn elapsed(&self) -> String {
        let d = chrono::Utc::now() - self.view().detail.incident.occurred_at;
        format!("{}:{:02}", d.num_hours(), d.num_minutes() % 60)
    }
}

impl Shown for CommandPage {
    fn view(&self) -> &CommandView {
        &self.c
    }
}

impl Shown for CommandBody {
    fn view(&self) -> &CommandView {
        &self.c
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Fragment {
    fragment: Option<String>,
}

async fn page(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<Fragment>,
) -> Result<Response, PageError> {
    let c = s.svc.command(&p.who, id).await.map_err(fail(p.lang))?;
    let ui = Ui::new(&p, "response");
    Ok(if q.fragment.is_some() {
        render(&CommandBody { ui, c })
    } else {
        render(&CommandPage { ui, c })
    })
}

/// `event: changed` whenever the incident's mark moves (checked every half second).
async fn events(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let first = s.svc.command_mark(&p.who, id).await.map_err(fail(p.lang))?;
    let (svc, who) = (s.svc.clone(), p.who.clone());
    Ok(super::changes(first, move || {
        let (svc, who) = (svc.clone(), who.clone());
        async move { svc.command_mark(&who, id).await }
    }))
}
