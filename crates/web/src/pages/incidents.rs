//! Incident pages: the list with each incident's grade and the report it owes (late ones in
//! red), the form that records one, and an incident with its figures, reports, timeline and the
//! forms to add to each. An incident prints as its report.

use super::{csrf_of, field, input_from, words};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{FormState, Ui, fail, render, render_status};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::incident::{
    FiguresInput, IncidentInput, IncidentKind, ReportInput, ReportStage,
};
use safegrid_service::Error;
use safegrid_service::incidents::{IncidentDetail, NextReport};
use safegrid_store::incidents::IncidentRow;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list).post(create))
        .route("/incidents.xlsx", get(export))
        .route("/incidents/new", get(new_form))
        .route("/incidents/{id}", get(detail))
        .route("/incidents/{id}/{action}", post(act))
}

#[derive(askama::Template)]
#[template(path = "incidents.html")]
struct ListPage {
    ui: Ui,
    /// Each incident with the report it owes.
    rows: Vec<(IncidentRow, Option<NextReport>)>,
    can_record: bool,
}

async fn list(State(s): State<AppState>, p: Page) -> PageResult {
    let fl = fail(p.lang);
    let rows = s.svc.incident_list(&p.who).await.map_err(&fl)?;
    Ok(render(&ListPage {
        can_record: p.who.can_record_incident(&p.who.region_path),
        rows,
        ui: Ui::new(&p, "response"),
    }))
}

/// The list in Excel: one row per incident with its figures and the report it owes.
async fn export(State(s): State<AppState>, p: Page) -> PageResult {
    let l = p.lang;
    let fl = fail(l);
    let mut rows = Vec::new();
    for (i, next) in s.svc.incident_list(&p.who).await.map_err(&fl)? {
        rows.push(vec![
            safegrid_domain::local_time::display(i.occurred_at),
            l.t(&format!("incident_kind.{}", i.kind)).to_string(),
            i.title.clone(),
            i.region_name.clone(),
            i.grade
                .as_deref()
                .map(|g| l.t(&format!("incident_grade.{g}")).to_string())
                .unwrap_or_default(),
            i.deaths.to_string(),
            i.missing.to_string(),
            i.serious_injuries.to_string(),
            format!("{:.2}", i.direct_loss_fen as f64 / 1_000_000.0),
            l.t(&format!("incident_status.{}", i.status)).to_string(),
            next.map(|n| {
                format!(
                    "{}{} {}",
                    if n.overdue {
                        l.t("incident.overdue")
                    } else {
                        ""
                    },
                    l.t(&format!("report_stage.{}", n.stage.as_str())),
                    safegrid_domain::local_time::display(n.due)
                )
            })
            .unwrap_or_default(),
        ]);
    }
    let table = safegrid_service::xlsx::Table {
        title: l.t("nav.incidents").to_string(),
        headers: [
            "field.occurred_at",
            "field.kind",
            "field.name",
            "field.region_id",
            "incident.grade",
            "field.deaths",
            "field.missing",
            "field.serious_injuries",
            "incident.loss_wan",
            "field.status",
            "incident.next_report",
        ]
        .iter()
        .map(|k| l.t(k).to_string())
        .collect(),
        rows,
    };
    crate::view::xlsx(&[table], "incidents.xlsx", l)
}

#[derive(askama::Template)]
#[template(path = "incident_form.html")]
struct FormPage {
    ui: Ui,
    f: FormState,
    kinds: Vec<&'static str>,
    /// (id, name) of the regions the caller may record in.
    regions: Vec<(i64, String)>,
}

async fn form_page(s: &AppState, p: &Page, f: FormState, status: StatusCode) -> PageResult {
    let regions = s
        .svc
        .villages(&p.who)
        .await
        .map_err(fail(p.lang))?
        .into_iter()
        .filter(|r| p.who.can_record_incident(&r.path))
        .map(|r| (r.id, r.name))
        .collect();
    Ok(render_status(
        status,
        &FormPage {
            ui: Ui::new(p, "response"),
            f,
            kinds: IncidentKind::ALL.iter().map(|k| k.as_str()).collect(),
            regions,
        },
    ))
}

async fn new_form(State(s): State<AppState>, p: Page) -> PageResult {
    form_page(&s, &p, FormState::default(), StatusCode::OK).await
}

async fn create(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: IncidentInput =
        input_from(&pairs, &[]).map_err(|_| fail(p.lang)(Error::NotFound))?;
    match s.svc.create_incident(&p.who, &input).await {
        Ok(d) => Ok(Redirect::to(&format!("/incidents/{}", d.incident.id)).into_response()),
        Err(Error::Invalid(inv)) => {
            let f = FormState::from_pairs(&pairs).with_errors(&inv, p.lang);
            form_page(&s, &p, f, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

#[derive(askama::Template)]
#[template(path = "incident.html")]
struct DetailPage {
    ui: Ui,
    d: IncidentDetail,
    can_record: bool,
    stages: Vec<&'static str>,
    /// The teams that may be sent.
    teams: Vec<safegrid_store::teams::TeamRow>,
    error: Option<String>,
}

impl DetailPage {
    /// The loss in 万元, as the reports write it.
    fn loss_wan(&self) -> String {
        format!(
            "{:.2}",
            self.d.incident.direct_loss_fen as f64 / 1_000_000.0
        )
    }

    /// The burned forest in hectares.
    fn burned_ha(&self) -> String {
        format!("{:.4}", self.d.incident.burned_m2 as f64 / 10_000.0)
    }
}

async fn detail_page(
    s: &AppState,
    p: &Page,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let d = s.svc.incident(&p.who, id).await.map_err(fail(p.lang))?;
    let teams = s.svc.teams(&p.who).await.map_err(fail(p.lang))?.teams;
    Ok(render_status(
        status,
        &DetailPage {
            can_record: p.who.can_record_incident(&d.incident.region_path),
            stages: ReportStage::ALL.iter().map(|x| x.as_str()).collect(),
            teams,
            ui: Ui::new(p, "response"),
            d,
            error,
        },
    ))
}

async fn detail(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    detail_page(&s, &p, id, None, StatusCode::OK).await
}

/// The forms of an incident's page: `figures`, `report`, `log`, `end`.
async fn act(
    State(s): State<AppState>,
    p: Page,
    Path((id, action)): Path<(i64, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let bad = |_| fail(p.lang)(Error::NotFound);
    let result = match action.as_str() {
        "figures" => {
            let i: FiguresInput = input_from(&pairs, &[]).map_err(bad)?;
            s.svc.set_incident_figures(&p.who, id, &i).await
        }
        "report" => {
            let i: ReportInput = input_from(&pairs, &[]).map_err(bad)?;
            s.svc.report_incident(&p.who, id, &i).await
        }
        "log" => s.svc.log_incident(&p.who, id, field(&pairs, "entry")).await,
        "end" => s.svc.end_incident(&p.who, id).await,
        _ => Err(Error::NotFound),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/incidents/{id}")).into_response()),
        Err(Error::Invalid(inv)) => {
            let msg = words(&p, &inv);
            detail_page(&s, &p, id, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}
