//! The answer page (叫应) a recipient opens from the link in their message: no login, the link's
//! token is the key. It shows the warning and what is asked of them, takes "received" with the
//! actions done and the people moved, and takes later updates while the warning stands.

use crate::AppState;
use crate::ctx::lang_of;
use crate::view::{fail, render, render_status};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use safegrid_domain::delivery::AnswerInput;
use safegrid_domain::warning::RequiredAction;
use safegrid_service::Lang;
use safegrid_service::deliveries::AnswerView;

pub fn routes() -> Router<AppState> {
    Router::new().route("/a/{token}", get(show).post(answer))
}

#[derive(askama::Template)]
#[template(path = "answer.html")]
struct AnswerPage {
    lang: Lang,
    token: String,
    v: AnswerView,
    /// (code, label, done) of each action asked.
    actions: Vec<(&'static str, String, bool)>,
    asks_evacuation: bool,
    /// What the last post did: "first" or "updated".
    saved: Option<&'static str>,
    errors: Vec<String>,
    evacuated: String,
    note: String,
}

impl AnswerPage {
    fn new(lang: Lang, token: String, v: AnswerView) -> AnswerPage {
        let actions = v
            .required
            .iter()
            .map(|a| {
                (
                    a.as_str(),
                    lang.t(&format!("required_action.{}", a.as_str()))
                        .to_string(),
                    v.done.contains(a),
                )
            })
            .collect();
        AnswerPage {
            lang,
            asks_evacuation: v.required.contains(&RequiredAction::Evacuate),
            evacuated: v
                .recipient
                .evacuated
                .map(|n| n.to_string())
                .unwrap_or_default(),
            note: String::new(),
            token,
            v,
            actions,
            saved: None,
            errors: Vec::new(),
        }
    }

    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        safegrid_domain::local_time::display(*t)
    }
}

async fn show(State(s): State<AppState>, parts: Parts, Path(token): Path<String>) -> Response {
    let lang = lang_of(&parts);
    match s.svc.answer_view(&token).await {
        Ok(v) => render(&AnswerPage::new(lang, token, v)),
        Err(e) => crate::error::PageError::Service(e, lang).into_response(),
    }
}

async fn answer(
    State(s): State<AppState>,
    parts: Parts,
    Path(token): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = lang_of(&parts);
    let mut input = AnswerInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "actions" => input.actions.push(v),
            "evacuated" => input.evacuated = v,
            "note" => input.note = v,
            _ => {}
        }
    }
    match s.svc.answer_by_link(&token, &input).await {
        Ok((v, first)) => {
            let mut page = AnswerPage::new(lang, token, v);
            page.saved = Some(if first { "first" } else { "updated" });
            render(&page)
        }
        Err(safegrid_service::Error::Invalid(inv)) => match s.svc.answer_view(&token).await {
            Ok(v) => {
                let mut page = AnswerPage::new(lang, token, v);
                page.errors = inv
                    .errors
                    .iter()
                    .map(|e| {
                        let field = e.field.split('.').next().unwrap_or("");
                        let name = match field {
                            "evacuated" => lang.t("answer.evacuated"),
                            "note" => lang.t("field.note"),
                            "actions" => lang.t("warning.actions"),
                            _ => lang.t("answer.warning"),
                        };
                        format!("{name}：{}", lang.t(&e.code))
                    })
                    .collect();
                page.evacuated = input.evacuated.clone();
                page.note = input.note.clone();
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
            }
            Err(e) => fail(lang)(e).into_response(),
        },
        Err(e) => fail(lang)(e).into_response(),
    }
}
