//! Plans and drills on one page: the plans with the revision each owes (overdue in red), the
//! year's drills, each village's and the town's count against the quota, and the forms that
//! register a plan, revise one and record a drill.

use super::{field, form_input, words};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::upload::Upload;
use crate::view::{Ui, fail, render_status};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::plan::{DrillInput, PlanInput, PlanKind, PlanLevel, RevisionInput};
use safegrid_service::Error;
use safegrid_service::plans::Preparedness;
use safegrid_store::regions::RegionRow;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/plans", get(page).post(create_plan))
        .route("/plans/revise", post(revise))
        .route("/plans/{id}/files", post(upload))
        .route("/plans/drills", post(record_drill))
        .route(
            "/plans/drills/{id}/problems/{index}",
            post(problem_to_hazard),
        )
}

#[derive(askama::Template)]
#[template(path = "plans.html")]
struct PlansPage {
    ui: Ui,
    p: Preparedness,
    /// Where the caller may register plans and drills.
    regions: Vec<RegionRow>,
    levels: Vec<&'static str>,
    kinds: Vec<&'static str>,
    today: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Year {
    year: Option<i32>,
}

async fn show(s: &AppState, p: &Page, year: Option<i32>, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let status = crate::view::error_status(&error);
    Ok(render_status(
        status,
        &PlansPage {
            p: s.svc.preparedness(&p.who, year).await.map_err(&fl)?,
            regions: s.svc.stock_places(&p.who).await.map_err(&fl)?,
            levels: PlanLevel::ALL.iter().map(|x| x.as_str()).collect(),
            kinds: PlanKind::ALL.iter().map(|x| x.as_str()).collect(),
            today: safegrid_domain::local_time::day_of(chrono::Utc::now()).to_string(),
            ui: Ui::new(p, "response"),
            error,
        },
    ))
}

impl PlansPage {
    /// The files attached to a plan.
    fn files_of(&self, plan: &i64) -> Vec<&safegrid_store::files::AttachmentRow> {
        self.p
            .attachments
            .iter()
            .filter(|a| a.entity_id == *plan)
            .collect()
    }

    /// The hazard a drill's problem became, if it did.
    fn hazard_of(&self, drill: &i64, index: &usize) -> Option<i64> {
        self.p
            .hazards
            .iter()
            .find(|(d, i, _)| d == drill && *i == *index as i64)
            .map(|x| x.2)
    }
}

/// A drill's problem made a hazard, and the hazard shown.
async fn problem_to_hazard(
    State(s): State<AppState>,
    p: Page,
    Path((id, index)): Path<(i64, usize)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    match s.svc.drill_problem_to_hazard(&p.who, id, index).await {
        Ok(h) => Ok(Redirect::to(&format!("/hazards/{}", h.id)).into_response()),
        Err(e) => done(&s, &p, Err(e)).await,
    }
}

async fn page(State(s): State<AppState>, p: Page, Query(q): Query<Year>) -> PageResult {
    show(&s, &p, q.year, None).await
}

async fn done(s: &AppState, p: &Page, r: Result<(), Error>) -> PageResult {
    match r {
        Ok(()) => Ok(Redirect::to("/plans").into_response()),
        Err(Error::Invalid(e)) => show(s, p, None, Some(words(p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn create_plan(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let i: PlanInput = form_input(&p, &pairs)?;
    let r = s.svc.create_plan(&p.who, &i).await.map(|_| ());
    done(&s, &p, r).await
}

async fn revise(
    State(s): State<AppState>,
    p: Page,
    Form(mut pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let id: i64 = field(&pairs, "plan_id").parse().unwrap_or(0);
    pairs.retain(|(k, _)| k != "plan_id");
    let i: RevisionInput = form_input(&p, &pairs)?;
    let r = s.svc.revise_plan(&p.who, id, &i).await.map(|_| ());
    done(&s, &p, r).await
}

async fn record_drill(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let i: DrillInput = form_input(&p, &pairs)?;
    let r = s.svc.record_drill(&p.who, &i).await.map(|_| ());
    done(&s, &p, r).await
}

/// A file attached to a plan (multipart; the CSRF token travels in the query because the file
/// part may be read only once).
async fn upload(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(c): Query<super::CsrfQuery>,
    mut form: axum::extract::Multipart,
) -> PageResult {
    p.check_csrf(&c.csrf)?;
    let message = match crate::upload::first_file(&mut form).await {
        Upload::File(name, bytes) => match s.svc.attach_to_plan(&p.who, id, &name, &bytes).await {
            Ok(_) => return Ok(Redirect::to("/plans").into_response()),
            Err(Error::Invalid(e)) => words(&p, &e),
            Err(e) => return Err(fail(p.lang)(e)),
        },
        Upload::Empty => p.lang.t("file.empty").to_string(),
        Upload::TooLarge => p.lang.t("file.too_large").to_string(),
    };
    show(&s, &p, None, Some(message)).await
}
