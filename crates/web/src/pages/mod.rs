//! Server-rendered pages. Every page works without JavaScript; forms carry a CSRF token and are
//! re-shown with their values and field errors when the service refuses them.

mod answer;
mod auth;
mod campaigns;
mod cases;
mod command;
mod duty;
mod hazards;
mod inbox;
mod incidents;
mod inspections;
mod monitoring;
mod patrols;
mod plans;
mod posts;
mod ratings;
mod recovery;
mod registry;
mod risk_lists;
mod risks;
mod stock;
mod targets;
mod teams;
mod tipoffs;
mod training;
mod warning_board;
mod warning_settings;
mod warning_sources;
mod warnings;
mod workplans;

use crate::AppState;
use crate::ctx::{LANG_COOKIE, lang_of};
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use serde::de::DeserializeOwned;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(registry::routes())
        .merge(hazards::routes())
        .merge(incidents::routes())
        .merge(cases::routes())
        .merge(tipoffs::routes())
        .merge(campaigns::routes())
        .merge(ratings::routes())
        .merge(targets::routes())
        .merge(workplans::routes())
        .merge(training::routes())
        .merge(command::routes())
        .merge(duty::routes())
        .merge(stock::routes())
        .merge(plans::routes())
        .merge(recovery::routes())
        .merge(teams::routes())
        .merge(inspections::routes())
        .merge(risks::routes())
        .merge(risk_lists::routes())
        .merge(posts::routes())
        .merge(inbox::routes())
        .merge(monitoring::routes())
        .merge(patrols::routes())
        .merge(warnings::routes())
        .merge(answer::routes())
        .merge(warning_board::routes())
        .merge(warning_sources::routes())
        .merge(warning_settings::routes())
        .layer(middleware::from_fn(remember_lang))
}

/// A `?lang=` choice is remembered in a cookie, so the next pages speak it too.
async fn remember_lang(req: Request, next: Next) -> Response {
    let chosen = req
        .uri()
        .query()
        .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
        .is_some();
    let (parts, body) = req.into_parts();
    let l = lang_of(&parts);
    let mut res = next.run(Request::from_parts(parts, body)).await;
    if chosen
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            l.code()
        ))
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Builds a use case's input from form fields: fields named in `lists` collect every value (a
/// group of checkboxes), the others keep their last; the CSRF token is not part of the input.
pub fn input_from<T: DeserializeOwned>(
    pairs: &[(String, String)],
    lists: &[&str],
) -> Result<T, serde_json::Error> {
    let mut map = serde_json::Map::new();
    for l in lists {
        map.insert((*l).into(), serde_json::Value::Array(vec![]));
    }
    for (k, v) in pairs {
        if k == "csrf" {
            continue;
        }
        if lists.contains(&k.as_str()) {
            if let Some(serde_json::Value::Array(a)) = map.get_mut(k) {
                a.push(serde_json::Value::String(v.clone()));
            }
        } else {
            map.insert(k.clone(), serde_json::Value::String(v.clone()));
        }
    }
    serde_json::from_value(serde_json::Value::Object(map))
}

/// The CSRF token of a multipart form, which travels in the query: the body is read once, files
/// and all.
#[derive(serde::Deserialize)]
pub struct CsrfQuery {
    pub csrf: String,
}

/// A form field's value, trimmed; empty when the form lacks it.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// A refusal in the user's words, each field named, for a page's error box.
pub fn words(p: &crate::ctx::Page, e: &safegrid_domain::Invalid) -> String {
    refusal(p.lang, e)
}

/// [`words`] for a page without a session (the public ones), in their language.
pub fn refusal(lang: safegrid_service::Lang, e: &safegrid_domain::Invalid) -> String {
    e.errors
        .iter()
        .map(|x| lang.field_error(&x.field, &x.code))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A live page's event stream: `event: changed` (with the new mark) whenever `poll` gives a mark
/// other than the last, looked at every half second; it ends when `poll` fails (the record went
/// or the session may no longer see it).
pub fn changes<F, Fut>(
    first: String,
    poll: F,
) -> axum::response::sse::Sse<
    impl futures_util::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>,
>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = safegrid_service::Result<String>> + Send,
{
    use axum::response::sse::{Event, KeepAlive, Sse};
    let stream = futures_util::stream::unfold(first, move |last| {
        let poll = poll.clone();
        async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                match poll().await {
                    Ok(m) if m != last => {
                        let e = Event::default().event("changed").data(m.clone());
                        return Some((Ok(e), m));
                    }
                    Ok(_) => {}
                    Err(_) => return None,
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// A form's fields as a use case's input, once its CSRF token is checked; a form that cannot be
/// read as the input (a field of the wrong shape, which the pages never send) is not found.
pub fn form_input<T: DeserializeOwned>(
    p: &crate::ctx::Page,
    pairs: &[(String, String)],
) -> Result<T, crate::error::PageError> {
    p.check_csrf(csrf_of(pairs))?;
    input_from(pairs, &[]).map_err(|_| crate::view::fail(p.lang)(safegrid_service::Error::NotFound))
}

/// The CSRF token a form sent.
pub fn csrf_of(pairs: &[(String, String)]) -> &str {
    pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// (id, name) of the enterprises the caller sees, for a select.
pub async fn enterprise_choices(
    s: &crate::AppState,
    p: &crate::ctx::Page,
) -> Result<Vec<(i64, String)>, crate::error::PageError> {
    let q = safegrid_service::registry::EnterpriseQuery {
        per_page: Some(500),
        ..Default::default()
    };
    Ok(s.svc
        .enterprises(&p.who, &q)
        .await
        .map_err(crate::view::fail(p.lang))?
        .rows
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect())
}
