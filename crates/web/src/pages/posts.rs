//! Posts and their 两单两卡: the form and the printable pocket cards.

use super::{csrf_of, input_from};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{FormState, Ui, fail, render, render_status};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use safegrid_domain::access::EnterpriseFacts;
use safegrid_domain::cards::PostInput;
use safegrid_service::Error;
use safegrid_service::posts::PostView;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/posts", axum::routing::post(save))
        .route("/posts/new", get(new_form))
        .route("/posts/{id}", get(cards))
        .route("/posts/{id}/edit", get(edit))
}

const AREAS1: &[(&str, &str)] = &[
    ("duties", "field.duties_list"),
    ("prohibited", "field.prohibited"),
];
const AREAS2: &[(&str, &str)] = &[
    ("pre_checks", "field.pre_checks"),
    ("steps", "field.steps"),
    ("prohibitions", "field.prohibitions"),
];
const AREAS3: &[(&str, &str)] = &[
    ("emergency_steps", "field.emergency_steps"),
    ("cautions", "field.cautions"),
];

#[derive(Template)]
#[template(path = "post_form.html")]
struct FormPage {
    ui: Ui,
    f: FormState,
    enterprise_name: String,
    areas1: &'static [(&'static str, &'static str)],
    areas2: &'static [(&'static str, &'static str)],
    areas3: &'static [(&'static str, &'static str)],
}

async fn form(s: &AppState, p: &Page, f: FormState, status: StatusCode) -> PageResult {
    let id = safegrid_service::registry::parse_opt_id(Some(f.v("enterprise_id")))
        .ok_or(PageError::Service(Error::NotFound, p.lang))?;
    let e = s.svc.enterprise(&p.who, id).await.map_err(fail(p.lang))?;
    Ok(render_status(
        status,
        &FormPage {
            ui: Ui::new(p, "dual"),
            f,
            enterprise_name: e.name,
            areas1: AREAS1,
            areas2: AREAS2,
            areas3: AREAS3,
        },
    ))
}

async fn new_form(
    State(s): State<AppState>,
    p: Page,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    form(&s, &p, FormState::from_pairs(&pairs), StatusCode::OK).await
}

async fn edit(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let v = s.svc.post(&p.who, id).await.map_err(fail(p.lang))?;
    let input = v.cards.to_input(v.post.enterprise_id, &v.post.name);
    let pairs: Vec<(String, String)> = match serde_json::to_value(&input) {
        Ok(serde_json::Value::Object(m)) => m
            .into_iter()
            .map(|(k, v)| (k, v.as_str().unwrap_or("").to_string()))
            .collect(),
        _ => vec![],
    };
    // Multi-line values are kept whole (FormState joins repeated keys, not lines).
    let mut f = FormState::default();
    f.values = pairs.into_iter().collect();
    form(&s, &p, f, StatusCode::OK).await
}

async fn save(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: PostInput =
        input_from(&pairs, &[]).map_err(|_| PageError::Service(Error::NotFound, p.lang))?;
    match s.svc.put_post(&p.who, &input).await {
        Ok(post) => Ok(Redirect::to(&format!("/posts/{}", post.id)).into_response()),
        Err(Error::Invalid(inv)) => {
            form(
                &s,
                &p,
                FormState::from_pairs(&pairs).with_errors(&inv, p.lang),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::Service(e, p.lang)),
    }
}

#[derive(Template)]
#[template(path = "post_cards.html")]
struct CardsPage {
    ui: Ui,
    v: PostView,
    can_edit: bool,
}

async fn cards(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let v = s.svc.post(&p.who, id).await.map_err(fail(p.lang))?;
    let can_edit = p.who.can_write_enterprise(EnterpriseFacts {
        id: Some(v.post.enterprise_id),
        region_path: &v.post.region_path,
        industry_code: &v.post.industry_code,
    });
    Ok(render(&CardsPage {
        ui: Ui::new(&p, "dual"),
        v,
        can_edit,
    }))
}
