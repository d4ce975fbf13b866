//! Logging in and out.

use crate::AppState;
use crate::ctx::{L, Page, SESSION_COOKIE, constant_time_eq, cookie};
use crate::error::PageError;
use crate::view::render;
use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_service::{Error, Lang};
use serde::Deserialize;

const LOGIN_COOKIE: &str = "sg_login";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Next {
    next: String,
}

/// Only paths on this site are followed after login, never another site.
fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/".into()
    }
}

fn cookie_header(
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
    secure: bool,
) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .ok()
}

fn login_page(
    lang: Lang,
    next: &str,
    username: &str,
    error: Option<String>,
    secure: bool,
) -> Response {
    let csrf = safegrid_service::auth::random_token();
    let page = LoginPage {
        lang,
        csrf: csrf.clone(),
        next: safe_next(next),
        username: username.into(),
        error,
    };
    let mut res = render(&page);
    if let Some(v) = cookie_header(LOGIN_COOKIE, &csrf, "/login", 3600, secure) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

async fn login_form(State(s): State<AppState>, L(lang): L, Query(n): Query<Next>) -> Response {
    login_page(lang, &n.next, "", None, s.secure_cookies)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: String,
}

/// The login form's CSRF check: the token in the form must equal the one in the cookie set with
/// the form, which another site can neither read nor set.
struct LoginCookie(Option<String>);

impl FromRequestParts<AppState> for LoginCookie {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(LoginCookie(cookie(parts, LOGIN_COOKIE).map(String::from)))
    }
}

async fn login(
    State(s): State<AppState>,
    L(lang): L,
    LoginCookie(c): LoginCookie,
    Form(f): Form<LoginForm>,
) -> Response {
    if !c.is_some_and(|c| constant_time_eq(c.as_bytes(), f.csrf.as_bytes())) {
        return login_page(
            lang,
            &f.next,
            &f.username,
            Some(lang.t("error.csrf").into()),
            s.secure_cookies,
        );
    }
    match s.svc.login(f.username.trim(), &f.password).await {
        Ok(session) => {
            let mut headers = HeaderMap::new();
            let max_age = s.svc.settings.session_hours * 3600;
            if let Some(v) = cookie_header(
                SESSION_COOKIE,
                &session.token,
                "/",
                max_age,
                s.secure_cookies,
            ) {
                headers.append(header::SET_COOKIE, v);
            }
            if let Some(v) = cookie_header(LOGIN_COOKIE, "", "/login", 0, s.secure_cookies) {
                headers.append(header::SET_COOKIE, v);
            }
            (headers, Redirect::to(&safe_next(&f.next))).into_response()
        }
        Err(Error::Throttled) => login_page(
            lang,
            &f.next,
            &f.username,
            Some(lang.t("error.throttled").into()),
            s.secure_cookies,
        ),
        Err(Error::Unauthenticated) => login_page(
            lang,
            &f.next,
            &f.username,
            Some(lang.t("error.login_failed").into()),
            s.secure_cookies,
        ),
        Err(e) => PageError::Service(e, lang).into_response(),
    }
}

async fn logout(
    State(s): State<AppState>,
    page: Page,
    parts: HeaderMap,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    page.check_csrf(super::csrf_of(&f))?;
    let token = parts
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            kv.trim()
                .strip_prefix(&format!("{SESSION_COOKIE}="))
                .map(String::from)
        });
    if let Some(t) = token {
        s.svc
            .logout(&t)
            .await
            .map_err(|e| PageError::Service(e, page.lang))?;
    }
    let mut headers = HeaderMap::new();
    if let Some(v) = cookie_header(SESSION_COOKIE, "", "/", 0, s.secure_cookies) {
        headers.append(header::SET_COOKIE, v);
    }
    Ok((headers, Redirect::to("/login")).into_response())
}
