//! Warning pages: the list, the form (by hand or prefilled from an alarm), and a warning with its
//! areas, CAP messages, the people it reached and who has answered, and the actions its state
//! allows.

use super::{csrf_of, input_from};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{FormState, Ui, fail, render, render_status};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::alarm::Level;
use safegrid_domain::warning::{self, Action, Status, WarningInput, WarningKind};
use safegrid_service::Error;
use safegrid_service::warnings::WarningDetail;
use safegrid_store::warnings::WarningRow;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/warnings", get(list).post(create))
        .route("/warnings/new", get(new_form))
        .route("/warnings/{id}", get(detail))
        .route("/warnings/{id}/{action}", post(act))
}

#[derive(askama::Template)]
#[template(path = "warnings.html")]
struct ListPage {
    ui: Ui,
    rows: Vec<WarningRow>,
    can_write: bool,
    can_configure: bool,
}

async fn list(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s.svc.warnings(&p.who, false).await.map_err(fail(p.lang))?;
    Ok(render(&ListPage {
        can_write: p.who.can_write_warnings(),
        can_configure: p.who.can_configure(),
        rows,
        ui: Ui::new(&p, "monitoring"),
    }))
}

#[derive(askama::Template)]
#[template(path = "warning_form.html")]
struct FormPage {
    ui: Ui,
    f: FormState,
    kinds: Vec<&'static str>,
    levels: Vec<&'static str>,
    /// (id, name, chosen) of the villages and of the monitored objects.
    regions: Vec<(i64, String, bool)>,
    objects: Vec<(i64, String, bool)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    alarm_id: Option<i64>,
}

async fn form_page(
    s: &AppState,
    p: &Page,
    input: &WarningInput,
    f: FormState,
    status: StatusCode,
) -> PageResult {
    let fl = fail(p.lang);
    let chosen = |list: &[String], id: i64| list.iter().any(|x| x.trim() == id.to_string());
    let regions = s
        .svc
        .villages(&p.who)
        .await
        .map_err(&fl)?
        .into_iter()
        .map(|r| (r.id, r.name, chosen(&input.region_ids, r.id)))
        .collect();
    let objects = s
        .svc
        .objects(&p.who, None)
        .await
        .map_err(&fl)?
        .into_iter()
        .map(|o| (o.id, o.name, chosen(&input.object_ids, o.id)))
        .collect();
    let mut f = f;
    for (k, v) in [
        ("kind", &input.kind),
        ("level", &input.level),
        ("headline", &input.headline),
        ("description", &input.description),
        ("instruction", &input.instruction),
        ("onset", &input.onset),
        ("expires", &input.expires),
        ("polygon", &input.polygon),
        ("alarm_id", &input.alarm_id),
    ] {
        f.values.insert(k.to_string(), v.clone());
    }
    Ok(render_status(
        status,
        &FormPage {
            ui: Ui::new(p, "monitoring"),
            f,
            kinds: WarningKind::ALL.iter().map(|k| k.as_str()).collect(),
            levels: Level::ALL.iter().map(|l| l.as_str()).collect(),
            regions,
            objects,
        },
    ))
}

async fn new_form(State(s): State<AppState>, p: Page, Query(q): Query<NewQuery>) -> PageResult {
    let input = match q.alarm_id {
        Some(a) => s
            .svc
            .warning_from_alarm(&p.who, a)
            .await
            .map_err(fail(p.lang))?,
        None => WarningInput::default(),
    };
    form_page(&s, &p, &input, FormState::default(), StatusCode::OK).await
}

async fn create(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: WarningInput = input_from(&pairs, &["region_ids", "object_ids"])
        .map_err(|_| fail(p.lang)(Error::NotFound))?;
    match s.svc.create_warning(&p.who, &input).await {
        Ok(w) => Ok(Redirect::to(&format!("/warnings/{}", w.id)).into_response()),
        Err(Error::Invalid(inv)) => {
            let f = FormState::default().with_errors(&inv, p.lang);
            form_page(&s, &p, &input, f, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

#[derive(askama::Template)]
#[template(path = "warning.html")]
struct DetailPage {
    ui: Ui,
    d: WarningDetail,
    /// The actions its state allows, for buttons.
    actions: Vec<&'static str>,
    error: Option<String>,
    now: chrono::DateTime<chrono::Utc>,
}

async fn detail_page(
    s: &AppState,
    p: &Page,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let d = s.svc.warning(&p.who, id).await.map_err(fail(p.lang))?;
    let actions = match Status::parse(&d.warning.status) {
        Some(st) if p.who.can_write_warnings() => [Action::Approve, Action::Issue, Action::Cancel]
            .into_iter()
            .filter(|a| warning::next(st, *a).is_some())
            .map(|a| a.as_str())
            .collect(),
        _ => Vec::new(),
    };
    Ok(render_status(
        status,
        &DetailPage {
            ui: Ui::new(p, "monitoring"),
            d,
            actions,
            error,
            now: chrono::Utc::now(),
        },
    ))
}

async fn detail(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    detail_page(&s, &p, id, None, StatusCode::OK).await
}

async fn act(
    State(s): State<AppState>,
    p: Page,
    Path((id, action)): Path<(i64, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let result = match action.as_str() {
        "approve" => s.svc.approve_warning(&p.who, id).await.map(|_| ()),
        "issue" => s.svc.issue_warning(&p.who, id).await.map(|_| ()),
        "cancel" => s.svc.cancel_warning(&p.who, id).await.map(|_| ()),
        _ => Err(Error::NotFound),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/warnings/{id}")).into_response()),
        Err(Error::Invalid(inv)) => {
            let msg = inv
                .errors
                .iter()
                .map(|e| p.lang.t(&e.code).to_string())
                .collect::<Vec<_>>()
                .join("; ");
            detail_page(&s, &p, id, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}
