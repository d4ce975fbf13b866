//! The live board of a warning (叫应看板): who was reached and how, who answered, who is overdue,
//! the escalations, and people moved against people under threat per place. The page redraws
//! itself when the server says the board changed (server-sent events), so the office sees an
//! answer within a second of it arriving, whichever process took it.

use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render, xlsx};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use safegrid_service::deliveries::{Board, BoardRow};
use safegrid_service::xlsx::Table;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/warnings/{id}/board", get(board))
        .route("/warnings/{id}/board.xlsx", get(board_xlsx))
        .route("/warnings/{id}/board/events", get(events))
}

#[derive(Template)]
#[template(path = "warning_board_page.html")]
struct BoardPage {
    ui: Ui,
    b: Board,
}

/// Only the board, for the live refresh.
#[derive(Template)]
#[template(path = "warning_board.html")]
struct BoardFragment {
    ui: Ui,
    b: Board,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BoardQuery {
    fragment: Option<String>,
}

/// Width in percent of a bar of `n` out of `of`.
fn pct(n: i64, of: i64) -> i64 {
    if of <= 0 {
        0
    } else {
        (n * 100 / of).clamp(0, 100)
    }
}

impl BoardFragment {
    fn pct(&self, n: &i64, of: &i64) -> i64 {
        pct(*n, *of)
    }
    fn status_of(&self, r: &BoardRow) -> &'static str {
        status_of(r)
    }
}

impl BoardPage {
    fn pct(&self, n: &i64, of: &i64) -> i64 {
        pct(*n, *of)
    }
    fn status_of(&self, r: &BoardRow) -> &'static str {
        status_of(r)
    }
}

/// `answered`, `overdue` or `waiting`.
fn status_of(r: &BoardRow) -> &'static str {
    if r.recipient.answered_at.is_some() {
        "answered"
    } else if r.overdue {
        "overdue"
    } else {
        "waiting"
    }
}

async fn board(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<BoardQuery>,
) -> Result<Response, PageError> {
    let b = s
        .svc
        .warning_board(&p.who, id)
        .await
        .map_err(fail(p.lang))?;
    let ui = Ui::new(&p, "monitoring");
    Ok(if q.fragment.is_some() {
        render(&BoardFragment { ui, b })
    } else {
        render(&BoardPage { ui, b })
    })
}

async fn board_xlsx(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let b = s
        .svc
        .warning_board(&p.who, id)
        .await
        .map_err(fail(p.lang))?;
    let l = p.lang;
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(safegrid_domain::local_time::display)
            .unwrap_or_default()
    };
    let labels = |codes: &[safegrid_domain::warning::RequiredAction]| {
        codes
            .iter()
            .map(|a| l.t(&format!("required_action.{}", a.as_str())).to_string())
            .collect::<Vec<_>>()
            .join("、")
    };
    let rows = b
        .rows
        .iter()
        .map(|r| {
            vec![
                r.recipient.name.clone(),
                r.recipient.mobile.clone(),
                l.reasons(&r.recipient.reasons),
                r.deliveries
                    .iter()
                    .map(|d| {
                        format!(
                            "{}:{}",
                            l.t(&format!("channel.{}", d.0)),
                            l.t(&format!("delivery_status.{}", d.1))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                labels(&r.required),
                labels(&r.done),
                l.t(&format!("answers.{}", status_of(r))).to_string(),
                time(r.recipient.answered_at),
                r.recipient
                    .evacuated
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                time(r.recipient.escalated_at),
            ]
        })
        .collect();
    let table = Table {
        title: l.t("answers.title").to_string(),
        headers: [
            "field.name",
            "field.mobile",
            "warning.reasons",
            "answers.channels",
            "warning.actions",
            "answers.done",
            "field.status",
            "warning.answered",
            "answer.evacuated",
            "answers.escalated",
        ]
        .iter()
        .map(|k| l.t(k).to_string())
        .collect(),
        rows,
    };
    xlsx(&[table], &format!("warning-{id}-board.xlsx"), l)
}

/// `event: changed` whenever the board's mark moves (checked every second), so every open board
/// redraws within a second of an answer, a delivery or an escalation.
async fn events(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let first = s
        .svc
        .warning_board_mark(&p.who, id)
        .await
        .map_err(fail(p.lang))?;
    let (svc, who) = (s.svc.clone(), p.who.clone());
    Ok(super::changes(first, move || {
        let (svc, who) = (svc.clone(), who.clone());
        async move { svc.warning_board_mark(&who, id).await }
    }))
}
