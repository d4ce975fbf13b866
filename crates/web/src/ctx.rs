//! What every request carries: the caller's language, and who the caller is (a browser session
//! with its CSRF token, or a machine's bearer token).

use crate::AppState;
use crate::error::{ApiError, PageError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use safegrid_domain::access::Principal;
use safegrid_service::Lang;

pub const SESSION_COOKIE: &str = "sg_session";
pub const LANG_COOKIE: &str = "sg_lang";

/// A cookie's value from the request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// The caller's language: `?lang=`, then the `sg_lang` cookie, then `Accept-Language`; Chinese
/// by default.
pub fn lang_of(parts: &Parts) -> Lang {
    let from_query = parts.uri.query().and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("lang="))
            .and_then(Lang::parse)
    });
    from_query
        .or_else(|| cookie(parts, LANG_COOKIE).and_then(Lang::parse))
        .unwrap_or_else(|| {
            Lang::from_accept_language(
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        })
}

/// The language alone, for pages that need no login.
pub struct L(pub Lang);

impl FromRequestParts<AppState> for L {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        Ok(L(lang_of(parts)))
    }
}

/// A logged-in person on a page. Without a session the page redirects to the login form.
pub struct Page {
    pub who: Principal,
    pub csrf: String,
    pub lang: Lang,
    /// Path and query of this request, to come back to after actions.
    pub here: String,
    /// Unread messages in the user's inbox, for the header.
    pub unread: i64,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = PageError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = lang_of(parts);
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.to_string())
            .unwrap_or_else(|| "/".into());
        let Some(token) = cookie(parts, SESSION_COOKIE) else {
            return Err(PageError::Login { next: here });
        };
        match state.svc.session(token).await {
            Ok(Some((who, csrf))) => {
                let unread = state.svc.unread(&who).await.unwrap_or(0);
                Ok(Page {
                    who,
                    csrf,
                    lang,
                    here,
                    unread,
                })
            }
            Ok(None) => Err(PageError::Login { next: here }),
            Err(e) => Err(PageError::Service(e, lang)),
        }
    }
}

impl Page {
    /// Checks the CSRF token a form sent back.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if constant_time_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(PageError::Csrf(self.lang))
        }
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The caller of an API request: a bearer token, or a browser session. A session may change
/// things only with its CSRF token in the `X-CSRF-Token` header.
pub struct Api {
    pub who: Principal,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for Api {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = lang_of(parts);
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let fail = |e| ApiError::service(e, lang);
        if let Some(token) = bearer {
            return match state.svc.token_principal(token).await.map_err(fail)? {
                Some(who) => Ok(Api { who, lang }),
                None => Err(ApiError::service(
                    safegrid_service::Error::Unauthenticated,
                    lang,
                )),
            };
        }
        if let Some(token) = cookie(parts, SESSION_COOKIE)
            && let Some((who, csrf)) = state.svc.session(token).await.map_err(fail)?
        {
            let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if safe || constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
                return Ok(Api { who, lang });
            }
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "error.csrf",
                lang,
            ));
        }
        Err(ApiError::service(
            safegrid_service::Error::Unauthenticated,
            lang,
        ))
    }
}
