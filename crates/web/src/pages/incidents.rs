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
use safegrid_domain::disaster::{CasualtyInput, HouseInput, ReliefInput, StatsInput};
use safegrid_domain::incident::{
    FiguresInput, Grade, GradeInput, IncidentInput, IncidentKind, LinkInput, ReportInput,
    ReportStage,
};
use safegrid_domain::investigation::StepInput;
use safegrid_domain::region::is_within;
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
        .route("/incidents/{id}/ledgers.xlsx", get(ledgers))
        .route("/incidents/{id}/{action}", post(act))
        .route("/damaged-houses/{id}/rebuild", post(rebuild))
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
    /// (id, name) of the enterprises an accident may have happened at.
    enterprises: Vec<(i64, String)>,
    /// (id, name) of the monitored disaster sites and reservoirs it may have happened at.
    objects: Vec<(i64, String)>,
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
            enterprises: super::enterprise_choices(s, p).await?,
            objects: s
                .svc
                .objects(&p.who, None)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|o| {
                    matches!(
                        o.kind.as_str(),
                        "hazard_site" | "reservoir" | "river_section"
                    )
                })
                .map(|o| (o.id, o.name))
                .collect(),
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
    /// (id, name) of the villages inside the incident the caller may record lines for.
    villages: Vec<(i64, String)>,
    /// Not an accident: it keeps the statistics system's figures and ledgers.
    keeps_stats: bool,
    can_track: bool,
    grades: Vec<&'static str>,
    /// (id, name and mobile) of who may be named commander; (id, headline) of live warnings.
    people: Vec<(i64, String)>,
    live_warnings: Vec<(i64, String)>,
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
        ha(self.d.incident.burned_m2)
    }

    fn ha(&self, m2: &i64) -> String {
        ha(*m2)
    }

    fn wan(&self, fen: &i64) -> String {
        format!("{:.2}", *fen as f64 / 1_000_000.0)
    }
}

/// Square metres in hectares, as the statistics write them.
fn ha(m2: i64) -> String {
    let s = format!("{:.4}", m2 as f64 / 10_000.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
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
    let path = d.incident.region_path.clone();
    let mut villages: Vec<(i64, String)> = s
        .svc
        .villages(&p.who)
        .await
        .map_err(fail(p.lang))?
        .into_iter()
        .filter(|r| is_within(&r.path, &path) && p.who.can_record_incident(&r.path))
        .map(|r| (r.id, r.name))
        .collect();
    if villages.is_empty() {
        // An incident recorded at a village: the lines are that village's.
        villages.push((d.incident.region_id, d.incident.region_name.clone()));
    }
    let (people, warnings) = s
        .svc
        .incident_choices(&p.who, &d.incident)
        .await
        .map_err(fail(p.lang))?;
    Ok(render_status(
        status,
        &DetailPage {
            people: people
                .into_iter()
                .map(|x| (x.id, format!("{} {}", x.name, x.mobile)))
                .collect(),
            live_warnings: warnings.into_iter().map(|w| (w.id, w.headline)).collect(),
            can_record: p.who.can_record_incident(&d.incident.region_path),
            stages: ReportStage::ALL.iter().map(|x| x.as_str()).collect(),
            keeps_stats: IncidentKind::parse(&d.incident.kind)
                .is_some_and(|k| k.keeps_statistics()),
            can_track: p.who.can_track_investigation(&d.incident.region_path),
            grades: Grade::ALL.iter().map(|g| g.as_str()).collect(),
            villages,
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

/// The forms of an incident's page: `figures`, `report`, `log`, `end`, `grade`, `statistics`,
/// `casualty`, `house`, `relief`, `investigation`, `commander`, `link`.
async fn act(
    State(s): State<AppState>,
    p: Page,
    Path((id, action)): Path<(i64, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let bad = |_| fail(p.lang)(Error::NotFound);
    let svc = &s.svc;
    let who = &p.who;
    let result = match action.as_str() {
        "figures" => {
            let i: FiguresInput = input_from(&pairs, &[]).map_err(bad)?;
            svc.set_incident_figures(who, id, &i).await.map(drop)
        }
        "report" => {
            let i: ReportInput = input_from(&pairs, &[]).map_err(bad)?;
            svc.report_incident(who, id, &i).await.map(drop)
        }
        "log" => svc
            .log_incident(who, id, field(&pairs, "entry"))
            .await
            .map(drop),
        "end" => svc.end_incident(who, id).await.map(drop),
        "grade" => {
            let i: GradeInput = input_from(&pairs, &[]).map_err(bad)?;
            svc.set_incident_grade(who, id, &i).await.map(drop)
        }
        "statistics" => {
            let i: StatsInput = input_from(&pairs, &[]).map_err(bad)?;
            svc.set_disaster_stats(who, id, &i).await.map(drop)
        }
        "casualty" => {
            let i: CasualtyInput = input_from(&pairs, &[]).map_err(bad)?;
            svc.add_casualty(who, id, &i).await.map(drop)
        }
        "house" => {
            let i: HouseInput = input_from(&pairs, &[]).map_err(bad)?;
            svc.add_damaged_house(who, id, &i).await.map(drop)
        }
        "relief" => {
            let i: ReliefInput = input_from(&pairs, &[]).map_err(bad)?;
            svc.set_relief_household(who, id, &i).await.map(drop)
        }
        "commander" => svc
            .set_incident_commander(who, id, field(&pairs, "person_id"))
            .await
            .map(drop),
        "link" => {
            let i: LinkInput = input_from(&pairs, &[]).map_err(bad)?;
            svc.link_to_incident(who, id, &i).await.map(drop)
        }
        "investigation" => {
            let i: StepInput = input_from(&pairs, &[]).map_err(bad)?;
            svc.investigation_step(who, id, &i).await.map(drop)
        }
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

/// A damaged house's rebuilding moved on, from the incident's page.
async fn rebuild(
    State(s): State<AppState>,
    p: Page,
    Path(house): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let id: i64 = field(&pairs, "incident_id").parse().unwrap_or(0);
    match s
        .svc
        .advance_rebuild(
            &p.who,
            house,
            field(&pairs, "rebuild"),
            field(&pairs, "completed_on"),
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/incidents/{id}#houses")).into_response()),
        Err(Error::Invalid(inv)) if id > 0 => {
            let msg = words(&p, &inv);
            detail_page(&s, &p, id, Some(msg), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

/// The statistics and ledgers of an incident in Excel, one sheet each, as the statistics system
/// asks them of the township.
async fn ledgers(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let l = p.lang;
    let d = s.svc.incident(&p.who, id).await.map_err(fail(l))?;
    let v = &d.disaster;
    let heads = |keys: &[&str]| keys.iter().map(|k| l.t(k).to_string()).collect::<Vec<_>>();
    let mut stats_rows: Vec<Vec<String>> = v
        .villages
        .iter()
        .map(|x| stats_cells(&x.row.region_name, &x.row.stats()))
        .collect();
    stats_rows.push(stats_cells(l.t("disaster.total"), &v.total));
    let stats = safegrid_service::xlsx::Table {
        title: l.t("disaster.title").to_string(),
        headers: heads(&[
            "field.region_id",
            "field.affected",
            "field.deaths",
            "field.missing",
            "field.relocated",
            "field.urgent_aid",
            "field.crop_affected_hectares",
            "field.crop_damaged_hectares",
            "field.crop_lost_hectares",
            "field.collapsed_households",
            "field.collapsed_rooms",
            "field.severe_households",
            "field.severe_rooms",
            "field.general_households",
            "field.general_rooms",
            "field.direct_loss_yuan",
        ]),
        rows: stats_rows,
    };
    let casualties = safegrid_service::xlsx::Table {
        title: l.t("disaster.casualties").to_string(),
        headers: heads(&[
            "field.region_id",
            "field.full_name",
            "field.status",
            "field.gender",
            "field.age",
            "field.address",
            "field.circumstances",
        ]),
        rows: v
            .casualties
            .iter()
            .map(|c| {
                vec![
                    c.region_name.clone(),
                    c.name.clone(),
                    l.t(&format!("casualty_status.{}", c.status)).to_string(),
                    c.gender.clone().unwrap_or_default(),
                    c.age.map(|a| a.to_string()).unwrap_or_default(),
                    c.address.clone().unwrap_or_default(),
                    c.circumstances.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };
    let houses = safegrid_service::xlsx::Table {
        title: l.t("disaster.houses").to_string(),
        headers: heads(&[
            "field.region_id",
            "field.head_name",
            "field.address",
            "field.damage",
            "field.rooms",
            "field.rebuild",
            "field.completed_on",
        ]),
        rows: v
            .houses
            .iter()
            .map(|h| {
                vec![
                    h.region_name.clone(),
                    h.head.clone(),
                    h.address.clone().unwrap_or_default(),
                    l.t(&format!("damage.{}", h.damage)).to_string(),
                    h.rooms.to_string(),
                    l.t(&format!("rebuild.{}", h.rebuild)).to_string(),
                    h.completed_on.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };
    let yes = |b: bool| if b { "✓" } else { "✗" }.to_string();
    let relief = safegrid_service::xlsx::Table {
        title: l.t("disaster.relief").to_string(),
        headers: heads(&[
            "field.region_id",
            "field.head_name",
            "field.members",
            "field.food",
            "field.clothing",
            "field.water",
            "field.safe_shelter",
            "field.medical",
            "field.note",
        ]),
        rows: v
            .relief
            .iter()
            .map(|r| {
                vec![
                    r.region_name.clone(),
                    r.head.clone(),
                    r.people.to_string(),
                    yes(r.food),
                    yes(r.clothing),
                    yes(r.water),
                    yes(r.shelter),
                    yes(r.medical),
                    r.note.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };
    crate::view::xlsx(
        &[stats, casualties, houses, relief],
        &format!("incident-{id}-ledgers.xlsx"),
        l,
    )
}

fn stats_cells(name: &str, x: &safegrid_domain::disaster::VillageStats) -> Vec<String> {
    vec![
        name.to_string(),
        x.affected.to_string(),
        x.deaths.to_string(),
        x.missing.to_string(),
        x.relocated.to_string(),
        x.urgent_aid.to_string(),
        ha(x.crop_affected_m2),
        ha(x.crop_damaged_m2),
        ha(x.crop_lost_m2),
        x.collapsed_households.to_string(),
        x.collapsed_rooms.to_string(),
        x.severe_households.to_string(),
        x.severe_rooms.to_string(),
        x.general_households.to_string(),
        x.general_rooms.to_string(),
        format!("{:.2}", x.direct_loss_fen as f64 / 100.0),
    ]
}
