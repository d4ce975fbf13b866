//! Tip-off pages: the public form (no login, photos, a tracking code back) and its progress page,
//! and for staff the list (Excel), a tip-off with the forms to move it along, reward and pay it,
//! and the audited look at who reported.

use super::{field, refusal, words};
use crate::AppState;
use crate::ctx::{Page, lang_of};
use crate::error::PageError;
use crate::view::{Ui, fail, render, render_status};
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::tipoff::{HandleInput, PaymentInput, TipOffInput, TipStatus};
use safegrid_service::tipoffs::{Photo, TipOffProgress, TipOffView};
use safegrid_service::{Error, Lang};
use safegrid_store::tipoffs::TipOffRow;
use std::net::SocketAddr;

type PageResult = Result<Response, PageError>;

/// The largest public form body read: well above the photos the rules allow, so that a photo
/// too large is read to its end and refused with words rather than a cut connection.
const PUBLIC_LIMIT: usize = 64 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/public/tipoff",
            get(public_form)
                .post(submit)
                .layer(DefaultBodyLimit::max(PUBLIC_LIMIT)),
        )
        .route("/public/tipoff/track", get(track))
        .route("/tipoffs", get(list))
        .route("/tipoffs.xlsx", get(export))
        .route("/tipoffs/{id}", get(detail).post(handle))
        .route("/tipoffs/{id}/reward", post(reward))
        .route("/tipoffs/{id}/payment", post(payment))
        .route("/tipoffs/{id}/reporter", post(reporter))
}

#[derive(askama::Template)]
#[template(path = "public_tipoff.html")]
struct PublicForm {
    lang: Lang,
    places: Vec<(i64, String)>,
    /// What was typed, when the form comes back with an error.
    input: TipOffInput,
    error: Option<String>,
    /// The code of the tip-off just taken.
    code: Option<String>,
    max_photos: u32,
    max_photo_mb: u64,
}

async fn public_show(
    s: &AppState,
    lang: Lang,
    input: TipOffInput,
    error: Option<String>,
    code: Option<String>,
    status: StatusCode,
) -> PageResult {
    let fl = fail(lang);
    let rules = s.svc.tipoff_rules().await.map_err(&fl)?;
    Ok(render_status(
        status,
        &PublicForm {
            lang,
            places: s.svc.tipoff_places().await.map_err(&fl)?,
            input,
            error,
            code,
            max_photos: rules.max_photos,
            max_photo_mb: rules.max_photo_bytes / (1024 * 1024),
        },
    ))
}

async fn public_form(State(s): State<AppState>, parts: Parts) -> PageResult {
    public_show(
        &s,
        lang_of(&parts),
        TipOffInput::default(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// The form's fields and photos. A photo over `max_bytes` is read to its end but not kept, so a
/// 50 MB picture costs no memory and still gets its answer.
async fn read_form(
    form: &mut Multipart,
    max_bytes: u64,
) -> Result<(TipOffInput, Vec<Photo>, bool), &'static str> {
    let mut input = TipOffInput::default();
    let mut photos = Vec::new();
    let mut oversized = false;
    loop {
        let mut f = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err("tipoff.photo_too_large"),
        };
        let name = f.name().unwrap_or("").to_string();
        if name == "photos" {
            let file_name = f.file_name().unwrap_or("photo").to_string();
            let mut bytes = Vec::new();
            let mut size = 0u64;
            loop {
                match f.chunk().await {
                    Ok(Some(c)) => {
                        size += c.len() as u64;
                        if size > max_bytes {
                            oversized = true;
                            bytes = Vec::new();
                        } else {
                            bytes.extend_from_slice(&c);
                        }
                    }
                    Ok(None) => break,
                    Err(_) => return Err("tipoff.photo_too_large"),
                }
            }
            // An empty file input still sends an empty part.
            if !bytes.is_empty() {
                photos.push(Photo {
                    name: file_name,
                    bytes,
                });
            }
            continue;
        }
        let value = f.text().await.map_err(|_| "tipoff.photo_too_large")?;
        match name.as_str() {
            "text" => input.text = value,
            "place" => input.place = value,
            "region_id" => input.region_id = value,
            "subject" => input.subject = value,
            "reporter_name" => input.reporter_name = value,
            "reporter_phone" => input.reporter_phone = value,
            _ => {}
        }
    }
    Ok((input, photos, oversized))
}

/// Takes a tip-off. No session, so no CSRF token: there is nothing of the sender's to misuse.
async fn submit(
    State(s): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    parts: Parts,
    mut form: Multipart,
) -> PageResult {
    let lang = lang_of(&parts);
    let rules = s.svc.tipoff_rules().await.map_err(fail(lang))?;
    let refused = |input, code: &str| {
        let e = safegrid_domain::Invalid::one("photos", code);
        (input, refusal(lang, &e))
    };
    let (input, error) = match read_form(&mut form, rules.max_photo_bytes).await {
        Err(code) => refused(TipOffInput::default(), code),
        Ok((input, _, true)) => refused(input, "tipoff.photo_too_large"),
        Ok((input, photos, false)) => {
            match s
                .svc
                .submit_tipoff(&input, &photos, &addr.ip().to_string())
                .await
            {
                Ok(code) => {
                    return public_show(
                        &s,
                        lang,
                        TipOffInput::default(),
                        None,
                        Some(code),
                        StatusCode::OK,
                    )
                    .await;
                }
                Err(Error::Invalid(e)) => (input, refusal(lang, &e)),
                Err(Error::Throttled) => {
                    return public_show(
                        &s,
                        lang,
                        input,
                        Some(lang.t("tipoff.flood").to_string()),
                        None,
                        StatusCode::TOO_MANY_REQUESTS,
                    )
                    .await;
                }
                Err(e) => return Err(fail(lang)(e)),
            }
        }
    };
    public_show(
        &s,
        lang,
        input,
        Some(error),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(serde::Deserialize)]
struct TrackQuery {
    #[serde(default)]
    code: String,
}

#[derive(askama::Template)]
#[template(path = "public_tipoff_track.html")]
struct TrackPage {
    lang: Lang,
    code: String,
    progress: Option<TipOffProgress>,
    error: Option<String>,
}

impl TrackPage {
    fn status(&self, s: &TipStatus) -> String {
        self.lang
            .t(&format!("tipoff_status.{}", s.as_str()))
            .to_string()
    }
    fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        safegrid_domain::local_time::display(*t)
    }
    fn yuan(&self, fen: &i64) -> String {
        crate::view::yuan_text(*fen)
    }
}

/// Where a tip-off stands, for whoever holds its code.
async fn track(State(s): State<AppState>, parts: Parts, Query(q): Query<TrackQuery>) -> PageResult {
    let lang = lang_of(&parts);
    let (progress, error, status) = if q.code.trim().is_empty() {
        (None, None, StatusCode::OK)
    } else {
        match s.svc.tipoff_progress(&q.code).await {
            Ok(p) => (Some(p), None, StatusCode::OK),
            Err(Error::Invalid(e)) => (None, Some(refusal(lang, &e)), StatusCode::OK),
            Err(Error::NotFound) => (
                None,
                Some(lang.t("tipoff.code_unknown").to_string()),
                StatusCode::NOT_FOUND,
            ),
            Err(e) => return Err(fail(lang)(e)),
        }
    };
    Ok(render_status(
        status,
        &TrackPage {
            lang,
            code: q.code,
            progress,
            error,
        },
    ))
}

#[derive(askama::Template)]
#[template(path = "tipoffs.html")]
struct ListPage {
    ui: Ui,
    rows: Vec<TipOffRow>,
}

async fn list(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s.svc.tipoffs(&p.who).await.map_err(fail(p.lang))?;
    Ok(render(&ListPage {
        ui: Ui::new(&p, "enforcement"),
        rows,
    }))
}

async fn export(State(s): State<AppState>, p: Page) -> PageResult {
    let l = p.lang;
    let rows = s.svc.tipoffs(&p.who).await.map_err(fail(l))?;
    let ui = Ui::new(&p, "enforcement");
    let headers = [
        "tipoff.code",
        "tipoff.received_at",
        "field.place",
        "field.text",
        "field.subject",
        "tipoff.status",
        "field.department_id",
        "field.enterprise_id",
        "tipoff.reward",
        "tipoff.paid_on",
    ]
    .iter()
    .map(|k| l.t(k).to_string())
    .collect();
    let table = safegrid_service::xlsx::Table {
        title: l.t("nav.tipoffs").to_string(),
        headers,
        rows: rows
            .iter()
            .map(|t| {
                vec![
                    t.code.clone(),
                    ui.time(&t.received_at),
                    t.place.clone(),
                    t.text.clone(),
                    t.subject.clone().unwrap_or_default(),
                    ui.label("tipoff_status", &t.status),
                    t.department_name.clone().unwrap_or_default(),
                    t.enterprise_name.clone().unwrap_or_default(),
                    t.reward_fen.map(crate::view::yuan_text).unwrap_or_default(),
                    t.reward_paid_on.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };
    crate::view::xlsx(&[table], "tipoffs.xlsx", l)
}

#[derive(askama::Template)]
#[template(path = "tipoff.html")]
struct DetailPage {
    ui: Ui,
    v: TipOffView,
    next: Vec<&'static str>,
    departments: Vec<(i64, String)>,
    /// Who reported, when the office asked (each ask is audited).
    reporter: Option<(Option<String>, Option<String>)>,
    error: Option<String>,
}

impl DetailPage {
    fn money(&self, fen: &i64) -> String {
        self.ui.yuan(&Some(*fen))
    }
    fn is_department(&self, id: &i64) -> bool {
        self.v.tipoff.department_id == Some(*id)
    }
}

async fn show(
    s: &AppState,
    p: &Page,
    id: i64,
    reporter: Option<(Option<String>, Option<String>)>,
    error: Option<String>,
) -> PageResult {
    let fl = fail(p.lang);
    let v = s.svc.tipoff(&p.who, id).await.map_err(&fl)?;
    let departments = if v.can_handle {
        s.svc
            .departments(&p.who)
            .await
            .map_err(&fl)?
            .into_iter()
            .map(|d| (d.id, d.name))
            .collect()
    } else {
        Vec::new()
    };
    let status = crate::view::error_status(&error);
    Ok(render_status(
        status,
        &DetailPage {
            ui: Ui::new(p, "enforcement"),
            next: v.status.next().iter().map(|s| s.as_str()).collect(),
            v,
            departments,
            reporter,
            error,
        },
    ))
}

async fn detail(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    show(&s, &p, id, None, None).await
}

/// Runs a change and shows the tip-off again: after it on success, with the refusal otherwise.
async fn after(s: &AppState, p: &Page, id: i64, r: Result<TipOffView, Error>) -> PageResult {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/tipoffs/{id}")).into_response()),
        Err(Error::Invalid(e)) => show(s, p, id, None, Some(words(p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn handle(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let input: HandleInput = super::form_input(&p, &pairs)?;
    let r = s.svc.handle_tipoff(&p.who, id, &input).await;
    after(&s, &p, id, r).await
}

async fn reward(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let r = s
        .svc
        .decide_reward(&p.who, id, field(&pairs, "reward_yuan"))
        .await;
    after(&s, &p, id, r).await
}

async fn payment(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let input: PaymentInput = super::form_input(&p, &pairs)?;
    let r = s.svc.pay_reward(&p.who, id, &input).await;
    after(&s, &p, id, r).await
}

/// Shows who reported. A POST, because each look is written to the audit chain.
async fn reporter(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let r = s
        .svc
        .tipoff_reporter(&p.who, id)
        .await
        .map_err(fail(p.lang))?;
    show(&s, &p, id, Some(r), None).await
}
