//! Inspection pages: the list with missed inspections, the checklist form, one inspection.

use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{FormState, Pager, Ui, fail, render, render_status};
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use safegrid_domain::inspection::{self, InspectionKind, Outcome, Template};
use safegrid_service::inspections::{
    InspectionInput, InspectionView, ItemInput, ItemPhoto, Missed,
};
use safegrid_service::registry::EnterpriseQuery;
use safegrid_service::{Error, Lang};
use safegrid_store::inspections::InspectionRow;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspections", get(list).post(record))
        .route("/inspections/new", get(new_form))
        .route("/inspections/{id}", get(detail))
}

#[derive(askama::Template)]
#[template(path = "inspections.html")]
struct ListPage {
    ui: Ui,
    rows: Vec<InspectionRow>,
    pager: Pager,
    missed: Vec<Missed>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    page: Option<i64>,
    enterprise_id: Option<String>,
}

async fn list(State(s): State<AppState>, p: Page, Query(q): Query<ListQuery>) -> PageResult {
    let f = fail(p.lang);
    let eid = safegrid_service::registry::parse_opt_id(q.enterprise_id.as_deref());
    let page = s
        .svc
        .inspections(&p.who, eid, q.page.unwrap_or(1))
        .await
        .map_err(&f)?;
    let missed = s.svc.missed_inspections(&p.who, 14).await.map_err(&f)?;
    Ok(render(&ListPage {
        pager: Pager::new(&p.here, page.page, page.per_page, page.total),
        rows: page.rows,
        missed,
        ui: Ui::new(&p, "dual"),
    }))
}

#[derive(askama::Template)]
#[template(path = "inspection_form.html")]
struct FormPage {
    ui: Ui,
    f: FormState,
    template: Option<&'static Template>,
    enterprise_name: String,
    enterprises: Vec<(i64, String)>,
    templates: Vec<(&'static str, String)>,
    kinds: Vec<&'static str>,
    outcomes: Vec<&'static str>,
}

async fn form(s: &AppState, p: &Page, f: FormState, status: StatusCode) -> PageResult {
    let q = EnterpriseQuery {
        per_page: Some(500),
        ..Default::default()
    };
    let enterprises: Vec<(i64, String)> = s
        .svc
        .enterprises(&p.who, &q)
        .await
        .map_err(fail(p.lang))?
        .rows
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let template = inspection::template(f.v("template"));
    let enterprise_name = enterprises
        .iter()
        .find(|(id, _)| id.to_string() == f.v("enterprise_id"))
        .map(|(_, n)| n.clone());
    // The checklist shows once both the enterprise (one the caller sees) and the checklist are chosen.
    let template = template.filter(|_| enterprise_name.is_some());
    let kinds = if p.who.role == safegrid_domain::access::Role::Enterprise {
        vec![InspectionKind::SelfCheck.as_str()]
    } else {
        InspectionKind::ALL.iter().map(|k| k.as_str()).collect()
    };
    let page = FormPage {
        ui: Ui::new(p, "dual"),
        template,
        enterprise_name: enterprise_name.unwrap_or_default(),
        enterprises,
        templates: inspection::TEMPLATES
            .iter()
            .map(|t| {
                (
                    t.code,
                    if p.lang == Lang::Zh {
                        t.name_zh.to_string()
                    } else {
                        t.name_en.to_string()
                    },
                )
            })
            .collect(),
        kinds,
        outcomes: Outcome::ALL.iter().map(|o| o.as_str()).collect(),
        f,
    };
    Ok(render_status(status, &page))
}

async fn new_form(
    State(s): State<AppState>,
    p: Page,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let mut f = FormState::from_pairs(&pairs);
    f.values
        .entry("done_on".into())
        .or_insert_with(|| safegrid_service::hazards::today().to_string());
    if p.who.role != safegrid_domain::access::Role::Enterprise {
        f.values
            .entry("kind".into())
            .or_insert_with(|| "government".into());
    }
    form(&s, &p, f, StatusCode::OK).await
}

/// The checklist form names its fields `outcome.<item>` and `note.<item>`.
fn input_of(pairs: &[(String, String)]) -> InspectionInput {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let template = get("template");
    let items: Vec<&str> = inspection::template(&template)
        .map(|t| t.items.iter().map(|i| i.code).collect())
        .unwrap_or_default();
    InspectionInput {
        enterprise_id: get("enterprise_id"),
        plan_id: get("plan_id"),
        kind: get("kind"),
        done_on: get("done_on"),
        results: items
            .into_iter()
            .map(|code| ItemInput {
                item: code.into(),
                outcome: get(&format!("outcome.{code}")),
                note: get(&format!("note.{code}")),
            })
            .collect(),
        template,
    }
}

/// The checklist form's multipart body: its text fields, and the photos of each item (fields
/// `photo.<item>`).
async fn read_form(form: &mut Multipart) -> Result<(Vec<(String, String)>, Vec<ItemPhoto>), ()> {
    let mut pairs = Vec::new();
    let mut photos = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|_| ())? {
        let name = field.name().unwrap_or("").to_string();
        if let Some(item) = name.strip_prefix("photo.") {
            let item = item.to_string();
            let file = field.file_name().unwrap_or("photo").to_string();
            let bytes = field.bytes().await.map_err(|_| ())?;
            // An empty file input still sends an empty part.
            if !bytes.is_empty() {
                photos.push(ItemPhoto {
                    item,
                    name: file,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let value = field.text().await.map_err(|_| ())?;
        pairs.push((name, value));
    }
    Ok((pairs, photos))
}

/// Records the checklist. The CSRF token travels in the query: the multipart body, photos and
/// all, is read only once it is checked.
async fn record(
    State(s): State<AppState>,
    p: Page,
    Query(c): Query<super::CsrfQuery>,
    mut body: Multipart,
) -> PageResult {
    p.check_csrf(&c.csrf)?;
    let Ok((pairs, photos)) = read_form(&mut body).await else {
        let f = FormState::default().with_errors(
            &safegrid_domain::Invalid::one("photos", "file.too_large"),
            p.lang,
        );
        return form(&s, &p, f, StatusCode::PAYLOAD_TOO_LARGE).await;
    };
    match s
        .svc
        .record_inspection_with_photos(&p.who, &input_of(&pairs), &photos)
        .await
    {
        Ok(v) => {
            Ok(Redirect::to(&format!("/inspections/{}?saved=1", v.inspection.id)).into_response())
        }
        Err(Error::Invalid(inv)) => {
            let mut f = FormState::from_pairs(&pairs).with_errors(&inv, p.lang);
            for e in &inv.errors {
                f.errors
                    .insert(e.field.clone(), p.lang.field_error(&e.field, &e.code));
            }
            form(&s, &p, f, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(PageError::Service(e, p.lang)),
    }
}

#[derive(askama::Template)]
#[template(path = "inspection.html")]
struct DetailPage {
    ui: Ui,
    v: InspectionView,
    saved: bool,
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
    let v = s.svc.inspection(&p.who, id).await.map_err(fail(p.lang))?;
    Ok(render(&DetailPage {
        ui: Ui::new(&p, "dual"),
        v,
        saved: flash.saved.is_some(),
    }))
}
