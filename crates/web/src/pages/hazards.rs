//! The dual-prevention pages (双重预防): the hazard list, one hazard with its next steps, the
//! report form, and the progress tables (打表推进).

use super::{csrf_of, input_from};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::upload::Upload;
use crate::view::{FormState, Pager, Ui, fail, region_choices, render, render_status, xlsx};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::hazard::{HazardSource, HazardStatus};
use safegrid_service::Error;
use safegrid_service::hazards::{HazardInput, HazardQuery, ProgressLine, StepInput};
use safegrid_service::registry::EnterpriseQuery;
use safegrid_service::xlsx::Table;
use safegrid_store::files::AttachmentRow;
use safegrid_store::hazards::HazardRow;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/hazards", get(list).post(report))
        .route("/hazards.xlsx", get(list_xlsx))
        .route("/hazards/new", get(new_form))
        .route("/hazards/progress", get(progress))
        .route("/hazards/board", get(board))
        .route("/hazards/progress.xlsx", get(progress_xlsx))
        .route("/hazards/{id}", get(detail))
        .route("/hazards/{id}/steps", post(step))
        .route("/hazards/{id}/files", post(upload))
        .route("/files/{id}", get(file))
}

const VIEWS: &[(&str, &str)] = &[
    ("", "view.all"),
    ("open", "view.open"),
    ("overdue", "view.overdue"),
    ("due_week", "home.due_week"),
    ("listed", "view.listed"),
];

#[derive(Template)]
#[template(path = "hazards.html")]
struct ListPage {
    ui: Ui,
    rows: Vec<HazardRow>,
    pager: Pager,
    villages: Vec<(i64, String)>,
    statuses: Vec<&'static str>,
    views: &'static [(&'static str, &'static str)],
    filter_view: String,
    filter_region: String,
    filter_status: String,
    filter_grade: String,
    filter_q: String,
    query: String,
}

async fn list(State(s): State<AppState>, p: Page, Query(q): Query<HazardQuery>) -> PageResult {
    let f = fail(p.lang);
    let page = s.svc.hazards(&p.who, &q).await.map_err(&f)?;
    let villages = s
        .svc
        .villages(&p.who)
        .await
        .map_err(&f)?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    let query = p
        .here
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    Ok(render(&ListPage {
        pager: Pager::new(&p.here, page.page, page.per_page, page.total),
        rows: page.rows,
        villages,
        statuses: HazardStatus::ALL.iter().map(|x| x.as_str()).collect(),
        views: VIEWS,
        filter_view: q.view.unwrap_or_default(),
        filter_region: q.region_id.unwrap_or_default(),
        filter_status: q.status.unwrap_or_default(),
        filter_grade: q.grade.unwrap_or_default(),
        filter_q: q.q.unwrap_or_default(),
        query,
        ui: Ui::new(&p, "dual"),
    }))
}

/// The hazards a list shows, all pages, as a table (for Excel).
async fn list_xlsx(
    State(s): State<AppState>,
    p: Page,
    Query(mut q): Query<HazardQuery>,
) -> PageResult {
    q.page = Some(1);
    q.per_page = Some(500);
    let mut rows = Vec::new();
    loop {
        let page = s.svc.hazards(&p.who, &q).await.map_err(fail(p.lang))?;
        let done = page.page * page.per_page >= page.total;
        rows.extend(page.rows);
        if done {
            break;
        }
        q.page = Some(page.page + 1);
    }
    let l = p.lang;
    let t = |k: &str| l.t(k).to_string();
    let table = Table {
        title: t("nav.hazards"),
        headers: [
            "field.name",
            "field.enterprise_id",
            "field.region_id",
            "field.grade",
            "field.status",
            "field.deadline",
            "field.found_on",
            "field.responsible",
            "badge.listed",
        ]
        .iter()
        .map(|k| t(k))
        .collect(),
        rows: rows
            .into_iter()
            .map(|h| {
                vec![
                    h.title,
                    h.enterprise_name.unwrap_or_default(),
                    h.region_name,
                    h.grade
                        .map(|g| l.t(&format!("hazard_grade.{g}")).to_string())
                        .unwrap_or_default(),
                    l.t(&format!("hazard_status.{}", h.status)).to_string(),
                    h.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    h.found_on.to_string(),
                    h.responsible.unwrap_or_default(),
                    t(if h.listed { "yes" } else { "no" }),
                ]
            })
            .collect(),
    };
    xlsx(&[table], "hazards.xlsx", p.lang)
}

#[derive(Template)]
#[template(path = "hazard.html")]
struct DetailPage {
    ui: Ui,
    h: HazardRow,
    steps: Vec<&'static str>,
    f: FormState,
    saved: bool,
    files: Vec<AttachmentRow>,
    can_upload: bool,
    upload_error: Option<String>,
}

impl DetailPage {
    async fn load(
        s: &AppState,
        p: &Page,
        id: i64,
        f: FormState,
        saved: bool,
        upload_error: Option<String>,
    ) -> Result<DetailPage, PageError> {
        let h = s.svc.hazard(&p.who, id).await.map_err(fail(p.lang))?;
        let steps = s.svc.hazard_steps(&p.who, &h);
        let files = s
            .svc
            .hazard_attachments(&p.who, id)
            .await
            .map_err(fail(p.lang))?;
        let can_upload = safegrid_service::hazards::side_of(&p.who, &h).is_some();
        Ok(DetailPage {
            ui: Ui::new(p, "dual"),
            h,
            steps,
            f,
            saved,
            files,
            can_upload,
            upload_error,
        })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Flash {
    saved: Option<String>,
}

async fn detail(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> PageResult {
    Ok(render(
        &DetailPage::load(
            &s,
            &p,
            id,
            FormState::default(),
            flash.saved.is_some(),
            None,
        )
        .await?,
    ))
}

/// Uploads evidence (multipart). The CSRF token travels in the query, which the form's action
/// carries, because the file part may be read only once.
async fn upload(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(c): Query<super::CsrfQuery>,
    mut form: Multipart,
) -> PageResult {
    p.check_csrf(&c.csrf)?;
    let message = match crate::upload::first_file(&mut form).await {
        Upload::File(name, bytes) => {
            match s.svc.attach_to_hazard(&p.who, id, &name, &bytes).await {
                Ok(_) => return Ok(Redirect::to(&format!("/hazards/{id}?saved=1")).into_response()),
                Err(Error::Invalid(inv)) => inv
                    .errors
                    .iter()
                    .map(|e| p.lang.t(&e.code).to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
                Err(e) => return Err(PageError::Service(e, p.lang)),
            }
        }
        Upload::Empty => p.lang.t("file.empty").to_string(),
        Upload::TooLarge => p.lang.t("file.too_large").to_string(),
    };
    let page = DetailPage::load(&s, &p, id, FormState::default(), false, Some(message)).await?;
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// Serves an attachment to someone who may see its record.
async fn file(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let (a, bytes) = s.svc.attachment(&p.who, id).await.map_err(fail(p.lang))?;
    let disposition = format!(
        "inline; filename*=UTF-8''{}",
        crate::error::url_encode(&a.name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, a.mime),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::HeaderName::from_static("x-content-type-options"),
                "nosniff".to_string(),
            ),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
        ],
        bytes,
    )
        .into_response())
}

async fn step(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: StepInput =
        input_from(&pairs, &[]).map_err(|_| PageError::Service(Error::NotFound, p.lang))?;
    match s.svc.hazard_step(&p.who, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/hazards/{id}?saved=1")).into_response()),
        Err(Error::Invalid(inv)) => {
            let f = FormState::from_pairs(&pairs);
            let mut f = f.with_errors(&inv, p.lang);
            // Name the field in the summary too: step forms are several on one page.
            for e in &inv.errors {
                if let Some(m) = f.errors.get_mut(&e.field) {
                    *m = p.lang.field_error(&e.field, &e.code);
                }
            }
            Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DetailPage::load(&s, &p, id, f, false, None).await?,
            ))
        }
        Err(e) => Err(PageError::Service(e, p.lang)),
    }
}

#[derive(Template)]
#[template(path = "hazard_form.html")]
struct ReportForm {
    ui: Ui,
    f: FormState,
    enterprises: Vec<(i64, String)>,
    regions: Vec<(i64, String)>,
    sources: Vec<&'static str>,
}

async fn report_form(s: &AppState, p: &Page, f: FormState, status: StatusCode) -> PageResult {
    let q = EnterpriseQuery {
        per_page: Some(500),
        ..Default::default()
    };
    let enterprises = s
        .svc
        .enterprises(&p.who, &q)
        .await
        .map_err(fail(p.lang))?
        .rows
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let regions = region_choices(&s.svc.region_tree(&p.who).await.unwrap_or_default());
    let form = ReportForm {
        ui: Ui::new(p, "dual"),
        f,
        enterprises,
        regions,
        sources: HazardSource::ALL.iter().map(|x| x.as_str()).collect(),
    };
    Ok(render_status(status, &form))
}

async fn new_form(
    State(s): State<AppState>,
    p: Page,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let mut f = FormState::from_pairs(&pairs);
    f.values
        .entry("found_on".into())
        .or_insert_with(|| safegrid_service::hazards::today().to_string());
    report_form(&s, &p, f, StatusCode::OK).await
}

async fn report(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: HazardInput =
        input_from(&pairs, &[]).map_err(|_| PageError::Service(Error::NotFound, p.lang))?;
    match s.svc.report_hazard(&p.who, &input).await {
        Ok(h) => Ok(Redirect::to(&format!("/hazards/{}?saved=1", h.id)).into_response()),
        Err(Error::Invalid(inv)) => {
            report_form(
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

const GROUPINGS: &[(&str, &str)] = &[
    ("village", "progress.by_village"),
    ("industry", "progress.by_industry"),
    ("grade", "progress.by_grade"),
    ("status", "progress.by_status"),
];

#[derive(Template)]
#[template(path = "progress.html")]
struct ProgressPage {
    ui: Ui,
    by: String,
    by_key: &'static str,
    groupings: &'static [(&'static str, &'static str)],
    lines: Vec<ProgressLine>,
    total: ProgressLine,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct By {
    by: String,
}

fn grouping(by: &str) -> (&'static str, &'static str) {
    GROUPINGS
        .iter()
        .copied()
        .find(|(b, _)| *b == by)
        .unwrap_or(GROUPINGS[0])
}

async fn progress(State(s): State<AppState>, p: Page, Query(b): Query<By>) -> PageResult {
    let (by, by_key) = grouping(&b.by);
    let (lines, total) = s
        .svc
        .hazard_progress_with_total(&p.who, by, p.lang)
        .await
        .map_err(fail(p.lang))?;
    Ok(render(&ProgressPage {
        ui: Ui::new(&p, "dual"),
        by: by.into(),
        by_key,
        groupings: GROUPINGS,
        lines,
        total,
    }))
}

async fn progress_xlsx(State(s): State<AppState>, p: Page, Query(b): Query<By>) -> PageResult {
    let (by, by_key) = grouping(&b.by);
    let (lines, total) = s
        .svc
        .hazard_progress_with_total(&p.who, by, p.lang)
        .await
        .map_err(fail(p.lang))?;
    let l = p.lang;
    let t = |k: &str| l.t(k).to_string();
    let row = |x: &ProgressLine| {
        vec![
            x.label.clone(),
            x.found.to_string(),
            x.rectifying.to_string(),
            x.overdue.to_string(),
            x.closed.to_string(),
            x.major.to_string(),
            x.listed_open.to_string(),
            format!("{}%", x.closure_rate),
            x.avg_days_to_close.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = lines.iter().map(row).collect();
    rows.push(row(&total));
    let table = Table {
        title: format!("{} {}", t("nav.progress"), t(by_key)),
        headers: [
            by_key,
            "progress.found",
            "progress.open",
            "progress.overdue",
            "progress.closed",
            "progress.major",
            "progress.listed_open",
            "progress.closure_rate",
            "progress.avg_days",
        ]
        .iter()
        .map(|k| t(k))
        .collect(),
        rows,
    };
    xlsx(&[table], "progress.xlsx", p.lang)
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    ui: Ui,
    svg: String,
}

/// 挂图作战: the villages as a board coloured by their open hazards.
async fn board(State(s): State<AppState>, p: Page) -> PageResult {
    let f = fail(p.lang);
    let lines = s
        .svc
        .hazard_progress(&p.who, "village", p.lang)
        .await
        .map_err(&f)?;
    let ids: Vec<(String, i64)> = s
        .svc
        .villages(&p.who)
        .await
        .map_err(&f)?
        .into_iter()
        .map(|v| (v.path, v.id))
        .collect();
    let title = format!(
        "{} · {}",
        p.lang.t("nav.board"),
        safegrid_service::hazards::today()
    );
    let svg = crate::svg::hazard_board(&title, &lines, &ids, p.lang);
    Ok(render(&BoardPage {
        ui: Ui::new(&p, "dual"),
        svg,
    }))
}
