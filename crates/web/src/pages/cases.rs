//! Enforcement case pages: the list with each case's step and clocks (late ones in red, Excel),
//! the filing form, a case with its steps, documents and the form of the step it stands at, and
//! the public notice of decisions (行政执法公示), which needs no login and masks people.

use super::{field, words};
use crate::AppState;
use crate::ctx::{Page, lang_of};
use crate::error::PageError;
use crate::upload::Upload;
use crate::view::{Ui, fail, render, render_status};
use axum::Router;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::enforcement::{CaseInput, Measure, Penalty, PenaltyInput, StepInput};
use safegrid_service::enforcement::{CaseView, Clock, PublicDecision};
use safegrid_service::{Error, Lang};
use safegrid_store::enforcement::CaseRow;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list).post(file))
        .route("/cases.xlsx", get(export))
        .route("/cases/stats", get(stats))
        .route("/cases/stats.xlsx", get(stats_xlsx))
        .route("/cases/{id}", get(detail))
        .route("/cases/{id}/step", post(step))
        .route("/cases/{id}/documents", post(document))
        .route("/public/decisions", get(public))
        .route("/blacklist", get(blacklist_page).post(list_enterprise))
        .route("/blacklist/{id}/delist", post(delist))
        .route("/public/blacklist", get(public_blacklist))
}

#[derive(askama::Template)]
#[template(path = "cases.html")]
struct ListPage {
    ui: Ui,
    rows: Vec<(CaseRow, Vec<Clock>)>,
    /// (id, name) of the enterprises and the regions a case may be filed on.
    enterprises: Vec<(i64, String)>,
    regions: Vec<(i64, String)>,
    can_file: bool,
    error: Option<String>,
}

async fn list_page(s: &AppState, p: &Page, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let rows = s.svc.cases(&p.who).await.map_err(&fl)?;
    let can_file = p.who.can_enforce(&p.who.region_path, None)
        || p.who.role == safegrid_domain::access::Role::Department;
    let (enterprises, regions) = if can_file {
        (
            super::enterprise_choices(s, p).await?,
            s.svc
                .stock_places(&p.who)
                .await
                .map_err(&fl)?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect(),
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let status = crate::view::error_status(&error);
    Ok(render_status(
        status,
        &ListPage {
            ui: Ui::new(p, "enforcement"),
            rows,
            enterprises,
            regions,
            can_file,
            error,
        },
    ))
}

async fn list(State(s): State<AppState>, p: Page) -> PageResult {
    list_page(&s, &p, None).await
}

async fn file(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let input = CaseInput {
        party_kind: field(&pairs, "party_kind").into(),
        party_name: field(&pairs, "party_name").into(),
        party_id_number: field(&pairs, "party_id_number").into(),
        enterprise_id: field(&pairs, "enterprise_id").into(),
        region_id: field(&pairs, "region_id").into(),
        cause: field(&pairs, "cause").into(),
        basis: field(&pairs, "basis").into(),
        ..CaseInput::default()
    };
    match s.svc.file_case(&p.who, &input).await {
        Ok(v) => Ok(Redirect::to(&format!("/cases/{}", v.case.id)).into_response()),
        Err(Error::Invalid(e)) => list_page(&s, &p, Some(words(&p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

/// The cases in Excel: number, party, cause, step, decision and the clocks.
async fn export(State(s): State<AppState>, p: Page) -> PageResult {
    let l = p.lang;
    let rows = s.svc.cases(&p.who).await.map_err(fail(l))?;
    let table = safegrid_service::xlsx::Table {
        title: l.t("nav.cases").to_string(),
        headers: [
            "case.number",
            "field.party_name",
            "field.cause",
            "field.department_id",
            "case.step",
            "case.filed_on",
            "case.decided_on",
            "case.clocks",
        ]
        .iter()
        .map(|k| l.t(k).to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|(c, clocks)| {
                vec![
                    c.number.clone(),
                    c.party_name.clone(),
                    c.cause.clone(),
                    c.department_name.clone().unwrap_or_default(),
                    l.t(&format!("case_step.{}", c.step)).to_string(),
                    c.filed_on.clone(),
                    c.decided_on.clone().unwrap_or_default(),
                    clocks
                        .iter()
                        .map(|k| {
                            format!(
                                "{}{} {}",
                                if k.overdue {
                                    l.t("incident.overdue")
                                } else {
                                    ""
                                },
                                l.t(&format!("clock_kind.{}", k.kind.as_str())),
                                k.due
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect(),
    };
    crate::view::xlsx(&[table], "cases.xlsx", l)
}

#[derive(askama::Template)]
#[template(path = "case.html")]
struct DetailPage {
    ui: Ui,
    v: CaseView,
    can_act: bool,
    measures: Vec<&'static str>,
    /// (id, name) of the people who may be named officers.
    people: Vec<(i64, String)>,
    error: Option<String>,
}

impl DetailPage {
    /// A penalty stored as JSON, in words.
    fn penalty(&self, json: &Option<String>) -> String {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<Penalty>(j).ok())
            .map(|p| penalty_words(&p, self.ui.lang))
            .unwrap_or_default()
    }
}

/// A penalty in words: the fine, the confiscation, the other penalties.
fn penalty_words(p: &Penalty, l: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(f) = p.fine_fen {
        parts.push(format!(
            "{} {:.2}",
            l.t("field.fine_yuan"),
            f as f64 / 100.0
        ));
    }
    if let Some(f) = p.confiscation_fen {
        parts.push(format!(
            "{} {:.2}",
            l.t("field.confiscation_yuan"),
            f as f64 / 100.0
        ));
    }
    for m in &p.measures {
        parts.push(l.t(&format!("measure.{}", m.as_str())).to_string());
    }
    parts.join("；")
}

async fn detail_page(s: &AppState, p: &Page, id: i64, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let v = s.svc.case(&p.who, id).await.map_err(&fl)?;
    let industry = v.case.industry_code.clone().unwrap_or_default();
    let can_act = p.who.can_enforce(
        &v.case.region_path,
        v.case
            .enterprise_id
            .map(|e| safegrid_domain::access::EnterpriseFacts {
                id: Some(e),
                region_path: &v.case.region_path,
                industry_code: &industry,
            }),
    );
    let people = if can_act && v.case.step == "filed" {
        s.svc
            .officer_choices(&p.who)
            .await
            .map_err(&fl)?
            .into_iter()
            .map(|x| (x.id, x.name))
            .collect()
    } else {
        Vec::new()
    };
    let status = crate::view::error_status(&error);
    Ok(render_status(
        status,
        &DetailPage {
            ui: Ui::new(p, "enforcement"),
            measures: Measure::ALL.iter().map(|m| m.as_str()).collect(),
            v,
            can_act,
            people,
            error,
        },
    ))
}

async fn detail(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    detail_page(&s, &p, id, None).await
}

/// The step form of a case: its fields, the officers and other penalties as repeated fields.
async fn step(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let all = |k: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let input = StepInput {
        action: field(&pairs, "action").into(),
        on: field(&pairs, "on").into(),
        officer_ids: all("officer_ids"),
        penalty: PenaltyInput {
            fine_yuan: field(&pairs, "fine_yuan").into(),
            confiscation_yuan: field(&pairs, "confiscation_yuan").into(),
            other_penalties: all("other_penalties"),
        },
        hearing_notified_on: field(&pairs, "hearing_notified_on").into(),
        record: field(&pairs, "record").into(),
        paid_yuan: field(&pairs, "paid_yuan").into(),
    };
    match s.svc.case_step(&p.who, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(Error::Invalid(e)) => detail_page(&s, &p, id, Some(words(&p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

/// A document of the case's current step (multipart; the CSRF token in the query).
async fn document(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(c): Query<super::CsrfQuery>,
    mut form: Multipart,
) -> PageResult {
    p.check_csrf(&c.csrf)?;
    let v = s.svc.case(&p.who, id).await.map_err(fail(p.lang))?;
    let message = match crate::upload::first_file(&mut form).await {
        Upload::File(name, bytes) => {
            match s
                .svc
                .attach_to_case(&p.who, id, &v.case.step, &name, &bytes)
                .await
            {
                Ok(_) => return Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
                Err(Error::Invalid(e)) => words(&p, &e),
                Err(e) => return Err(fail(p.lang)(e)),
            }
        }
        Upload::Empty => p.lang.t("file.empty").to_string(),
        Upload::TooLarge => p.lang.t("file.too_large").to_string(),
    };
    detail_page(&s, &p, id, Some(message)).await
}

#[derive(askama::Template)]
#[template(path = "public_decisions.html")]
struct PublicPage {
    lang: Lang,
    rows: Vec<PublicDecision>,
}

impl PublicPage {
    fn penalty(&self, d: &PublicDecision) -> String {
        d.penalty
            .as_ref()
            .map(|p| penalty_words(p, self.lang))
            .unwrap_or_default()
    }
}

/// 行政执法公示: the decisions of the town's cases, for anyone, people masked.
async fn public(State(s): State<AppState>, parts: Parts) -> PageResult {
    let lang = lang_of(&parts);
    let fl = fail(lang);
    let region = s.svc.public_region().await.map_err(&fl)?;
    let rows = s.svc.public_decisions(&region).await.map_err(&fl)?;
    Ok(render(&PublicPage { lang, rows }))
}

#[derive(askama::Template)]
#[template(path = "case_stats.html")]
struct StatsPage {
    ui: Ui,
    st: safegrid_service::enforcement::EnforcementStats,
}

async fn stats(
    State(s): State<AppState>,
    p: Page,
    Query(y): Query<crate::view::YearQuery>,
) -> PageResult {
    let st = s
        .svc
        .enforcement_stats(&p.who, y.or_this())
        .await
        .map_err(fail(p.lang))?;
    Ok(render(&StatsPage {
        ui: Ui::new(&p, "enforcement"),
        st,
    }))
}

/// The statistics in Excel: a line per department, a column per month.
async fn stats_xlsx(
    State(s): State<AppState>,
    p: Page,
    Query(y): Query<crate::view::YearQuery>,
) -> PageResult {
    let l = p.lang;
    let st = s
        .svc
        .enforcement_stats(&p.who, y.or_this())
        .await
        .map_err(fail(l))?;
    let mut headers = vec![l.t("field.department_id").to_string()];
    headers.extend((1..=12).map(|m| format!("{m}{}", l.t("stats.month"))));
    headers.extend(
        ["stats.total", "stats.open", "stats.covert", "stats.zero"]
            .iter()
            .map(|k| l.t(k).to_string()),
    );
    let table = safegrid_service::xlsx::Table {
        title: format!("{} {}", st.year, l.t("stats.title")),
        headers,
        rows: st
            .lines
            .iter()
            .map(|d| {
                let mut row = vec![if d.name.is_empty() {
                    l.t("stats.office").to_string()
                } else {
                    d.name.clone()
                }];
                row.extend(d.months.iter().map(|n| n.to_string()));
                row.push(d.total.to_string());
                row.push(d.open_inspections.to_string());
                row.push(d.covert_inspections.to_string());
                row.push(if d.zero { "✗".into() } else { String::new() });
                row
            })
            .collect(),
    };
    crate::view::xlsx(&[table], "enforcement-stats.xlsx", l)
}

#[derive(askama::Template)]
#[template(path = "blacklist.html")]
struct BlacklistPage {
    ui: Ui,
    rows: Vec<safegrid_service::enforcement::ListingView>,
    enterprises: Vec<(i64, String)>,
    error: Option<String>,
}

async fn blacklist_show(s: &AppState, p: &Page, error: Option<String>) -> PageResult {
    let fl = fail(p.lang);
    let rows = s.svc.blacklist(&p.who).await.map_err(&fl)?;
    let enterprises = if p.who.role == safegrid_domain::access::Role::Enterprise {
        Vec::new()
    } else {
        super::enterprise_choices(s, p).await?
    };
    let status = crate::view::error_status(&error);
    Ok(render_status(
        status,
        &BlacklistPage {
            ui: Ui::new(p, "enforcement"),
            rows,
            enterprises,
            error,
        },
    ))
}

async fn blacklist_page(State(s): State<AppState>, p: Page) -> PageResult {
    blacklist_show(&s, &p, None).await
}

async fn list_enterprise(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let input = safegrid_domain::enforcement::BlacklistInput {
        enterprise_id: field(&pairs, "enterprise_id").into(),
        reason: field(&pairs, "reason").into(),
        basis: field(&pairs, "basis").into(),
        starts_on: field(&pairs, "starts_on").into(),
        ends_on: field(&pairs, "ends_on").into(),
    };
    match s.svc.blacklist_enterprise(&p.who, &input).await {
        Ok(_) => Ok(Redirect::to("/blacklist").into_response()),
        Err(Error::Invalid(e)) => blacklist_show(&s, &p, Some(words(&p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn delist(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    match s
        .svc
        .delist_enterprise(&p.who, id, field(&pairs, "reason"))
        .await
    {
        Ok(_) => Ok(Redirect::to("/blacklist").into_response()),
        Err(Error::Invalid(e)) => blacklist_show(&s, &p, Some(words(&p, &e))).await,
        Err(e) => Err(fail(p.lang)(e)),
    }
}

#[derive(askama::Template)]
#[template(path = "public_blacklist.html")]
struct PublicBlacklistPage {
    lang: Lang,
    rows: Vec<safegrid_service::enforcement::ListingView>,
}

/// The public blacklist: the enterprises listed now, with reason, basis and period.
async fn public_blacklist(State(s): State<AppState>, parts: Parts) -> PageResult {
    let lang = lang_of(&parts);
    let fl = fail(lang);
    let region = s.svc.public_region().await.map_err(&fl)?;
    let rows = s.svc.public_blacklist(&region).await.map_err(&fl)?;
    Ok(render(&PublicBlacklistPage { lang, rows }))
}
