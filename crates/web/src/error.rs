//! How refusals and failures reach people and machines: JSON `{code, message, fields}` for the
//! API, a page (or a redirect to the login form) for browsers.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use safegrid_service::{Error, Lang};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct FieldMessage {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The API's error body.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub fields: Vec<FieldMessage>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, lang: Lang) -> ApiError {
        ApiError {
            status,
            code: code.into(),
            message: lang.t(code).into(),
            fields: vec![],
        }
    }

    pub fn field(
        status: StatusCode,
        code: &str,
        field: &str,
        field_code: &str,
        lang: Lang,
    ) -> ApiError {
        let mut e = ApiError::new(status, code, lang);
        e.fields.push(FieldMessage {
            field: field.into(),
            code: field_code.into(),
            message: lang.field_error(field, field_code),
        });
        e
    }

    pub fn service(e: Error, lang: Lang) -> ApiError {
        match e {
            Error::Invalid(inv) => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "invalid".into(),
                message: lang.t("error.invalid").into(),
                fields: inv
                    .errors
                    .into_iter()
                    .map(|f| FieldMessage {
                        message: lang.field_error(&f.field, &f.code),
                        field: f.field,
                        code: f.code,
                    })
                    .collect(),
            },
            Error::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "error.forbidden", lang),
            Error::NotFound => ApiError::new(StatusCode::NOT_FOUND, "error.not_found", lang),
            Error::Unauthenticated => {
                ApiError::new(StatusCode::UNAUTHORIZED, "error.unauthenticated", lang)
            }
            Error::Throttled => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "error.throttled", lang)
            }
            e => {
                tracing::error!("{e}");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "error.internal", lang)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not logged in: go to the login form and come back to `next` afterwards.
    Login {
        next: String,
    },
    Csrf(Lang),
    Service(Error, Lang),
}

impl From<(Error, Lang)> for PageError {
    fn from((e, l): (Error, Lang)) -> Self {
        PageError::Service(e, l)
    }
}

pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, lang, code) = match self {
            PageError::Login { next } => {
                return Redirect::to(&format!("/login?next={}", url_encode(&next))).into_response();
            }
            PageError::Csrf(l) => (StatusCode::FORBIDDEN, l, "error.csrf"),
            PageError::Service(e, l) => match e {
                Error::Forbidden => (StatusCode::FORBIDDEN, l, "error.forbidden"),
                Error::NotFound => (StatusCode::NOT_FOUND, l, "error.not_found"),
                Error::Unauthenticated => return Redirect::to("/login").into_response(),
                Error::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, l, "error.invalid"),
                Error::Throttled => (StatusCode::TOO_MANY_REQUESTS, l, "error.throttled"),
                e => {
                    tracing::error!("{e}");
                    (StatusCode::INTERNAL_SERVER_ERROR, l, "error.internal")
                }
            },
        };
        let body = format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main class=\"narrow\"><h1>{}</h1><p class=\"error-box\">{}</p><p><a href=\"/\">{}</a></p></main></body></html>",
            lang.code(),
            status.as_u16(),
            status.as_u16(),
            lang.t(code),
            lang.t("nav.home")
        );
        (status, Html(body)).into_response()
    }
}
