//! The safety ratings of the caller's enterprises: how many in each grade (a bar each, a link to
//! them), the list worst first with the reasons a page at a time, and the Excel of all of them the
//! insurers of work plan task 15 price premiums on.

use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render};
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use safegrid_domain::rating::Reason;
use safegrid_service::ratings::{RatingBoard, RatingQuery};

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ratings", get(list))
        .route("/ratings.xlsx", get(export))
}

#[derive(askama::Template)]
#[template(path = "ratings.html")]
struct ListPage {
    ui: Ui,
    board: RatingBoard,
    /// The grade asked for, if one.
    grade: String,
    /// (grade, enterprises, percent of all).
    tally: Vec<(&'static str, usize, usize)>,
    pages: i64,
}

impl ListPage {
    fn reasons(&self, rs: &[Reason]) -> String {
        reasons_text(&self.ui, rs)
    }
}

/// The reasons in words: "重大隐患未整改 1 项 −20；…".
pub(super) fn reasons_text(ui: &Ui, rs: &[Reason]) -> String {
    rs.iter()
        .map(|r| {
            let count = if r.count > 0 {
                format!(" {}", r.count)
            } else {
                String::new()
            };
            let points = match r.points {
                0 => String::new(),
                p if p > 0 => format!(" +{p}"),
                p => format!(" −{}", -p),
            };
            format!("{}{count}{points}", ui.t(r.code))
        })
        .collect::<Vec<_>>()
        .join("；")
}

async fn list(State(s): State<AppState>, p: Page, Query(q): Query<RatingQuery>) -> PageResult {
    let board = s.svc.ratings(&p.who, &q).await.map_err(fail(p.lang))?;
    let total = board.total.max(1);
    let tally = board
        .tally
        .iter()
        .map(|(g, n)| (g.as_str(), *n, n * 100 / total))
        .collect();
    let pages = (board.matched as i64 + board.per_page - 1) / board.per_page;
    Ok(render(&ListPage {
        ui: Ui::new(&p, "enforcement"),
        grade: q.grade.clone().unwrap_or_default(),
        tally,
        pages,
        board,
    }))
}

/// For the insurers: a line per enterprise with its credit code, grade, score and reasons.
async fn export(State(s): State<AppState>, p: Page) -> PageResult {
    let l = p.lang;
    let rows = s.svc.ratings_sheet(&p.who).await.map_err(fail(l))?;
    let ui = Ui::new(&p, "enforcement");
    let headers = [
        "field.name",
        "field.uscc",
        "field.region_id",
        "field.industry_code",
        "rating.grade",
        "rating.score",
        "rating.reasons",
    ]
    .iter()
    .map(|k| l.t(k).to_string())
    .collect();
    let table = safegrid_service::xlsx::Table {
        title: l.t("nav.ratings").to_string(),
        headers,
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.enterprise.name.clone(),
                    r.enterprise.uscc.clone(),
                    r.enterprise.region_name.clone(),
                    r.enterprise.industry_code.clone(),
                    r.rating.grade.as_str().to_string(),
                    r.rating.score.to_string(),
                    reasons_text(&ui, &r.rating.reasons),
                ]
            })
            .collect(),
    };
    crate::view::xlsx(&[table], "safety-ratings.xlsx", l)
}
