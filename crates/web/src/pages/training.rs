//! Training, outreach and project pages: the year's training with each trainee's standing, the
//! office's officers and the qualified share, the standardisation self-assessment; outreach with
//! counts by kind; construction projects with their 三同时 stages.

use super::words;
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{FormState, Ui, YearQuery, fail, render_status};
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::project::{ProjectCategory, ProjectInput, Review};
use safegrid_domain::training::{
    AspectRating, AssessmentInput, OutreachInput, OutreachKind, Qualification, StaffInput,
    TrainingCategory, TrainingInput, TrainingKind,
};
use safegrid_service::Error;
use safegrid_service::projects::ProjectView;
use safegrid_service::training::{OutreachBoard, Standardisation, TrainingBoard};
use safegrid_service::xlsx::Table;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/training", get(training).post(record))
        .route("/training.xlsx", get(training_xlsx))
        .route("/outreach.xlsx", get(outreach_xlsx))
        .route("/projects.xlsx", get(projects_xlsx))
        .route("/training/staff", post(put_staff))
        .route("/training/standardisation", post(assess))
        .route("/outreach", get(outreach).post(record_outreach))
        .route("/projects", get(projects).post(create_project))
        .route("/projects/{id}", get(project).post(update_project))
}

fn codes<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|x| f(*x)).collect()
}

#[derive(askama::Template)]
#[template(path = "training.html")]
struct TrainingPage {
    ui: Ui,
    b: TrainingBoard,
    std: Option<Standardisation>,
    town_id: Option<i64>,
    categories: Vec<&'static str>,
    kinds: Vec<&'static str>,
    qualifications: Vec<&'static str>,
    ratings: Vec<&'static str>,
    enterprises: Vec<(i64, String)>,
    staff: Vec<(i64, String)>,
    regions: Vec<(i64, String)>,
    f: FormState,
    error: Option<String>,
}

impl TrainingPage {
    fn hours(&self, minutes: &i64) -> String {
        let h = *minutes as f64 / 60.0;
        if h.fract() == 0.0 {
            format!("{h:.0}")
        } else {
            format!("{h:.1}")
        }
    }
}

async fn training_show(
    s: &AppState,
    p: &Page,
    year: i32,
    f: FormState,
    error: Option<String>,
) -> PageResult {
    let fl = fail(p.lang);
    let b = s.svc.training_board(&p.who, year).await.map_err(&fl)?;
    let manages = p.who.can_manage_structure(&p.who.region_path);
    let towns = s.svc.plan_towns(&p.who).await.map_err(&fl)?;
    let town_id = towns.first().map(|t| t.id);
    let std = match town_id {
        Some(t) => Some(s.svc.standardisation(&p.who, t, year).await.map_err(&fl)?),
        None => None,
    };
    let enterprises = if p.who.role == safegrid_domain::access::Role::Monitor {
        Vec::new()
    } else {
        super::enterprise_choices(s, p).await?
    };
    let staff = if manages {
        s.svc.staff_choices(&p.who).await.map_err(&fl)?
    } else {
        Vec::new()
    };
    let regions = s
        .svc
        .stock_places(&p.who)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok(render_status(
        crate::view::error_status(&error),
        &TrainingPage {
            ui: Ui::new(p, "targets"),
            b,
            std,
            town_id: town_id.filter(|_| manages),
            categories: codes(TrainingCategory::ALL, TrainingCategory::as_str),
            kinds: codes(TrainingKind::ALL, TrainingKind::as_str),
            qualifications: codes(Qualification::ALL, Qualification::as_str),
            ratings: codes(AspectRating::ALL, AspectRating::as_str),
            enterprises,
            staff,
            regions,
            f,
            error,
        },
    ))
}

async fn training(State(s): State<AppState>, p: Page, Query(q): Query<YearQuery>) -> PageResult {
    training_show(&s, &p, q.or_this(), FormState::default(), None).await
}

/// A table's headings from locale keys.
fn headings(p: &Page, keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| p.lang.t(k).to_string()).collect()
}

/// The year's training records and each trainee's standing, two sheets.
async fn training_xlsx(
    State(s): State<AppState>,
    p: Page,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let b = s
        .svc
        .training_board(&p.who, q.or_this())
        .await
        .map_err(fail(p.lang))?;
    let ui = Ui::new(&p, "targets");
    let records = Table {
        title: p.lang.t("training.records").to_string(),
        headers: headings(
            &p,
            &[
                "field.starts_on",
                "field.ends_on",
                "field.trainee",
                "field.enterprise_id",
                "field.category",
                "field.kind",
                "field.course",
                "field.hours",
                "field.passed",
            ],
        ),
        rows: b
            .records
            .iter()
            .map(|r| {
                vec![
                    r.starts_on.clone(),
                    r.ends_on.clone(),
                    r.trainee.clone(),
                    r.enterprise_name.clone().unwrap_or_default(),
                    ui.label("training_category", &r.category),
                    ui.label("training_kind", &r.kind),
                    r.course.clone(),
                    format!("{:.1}", r.minutes as f64 / 60.0),
                    if r.passed { "✓" } else { "✗" }.to_string(),
                ]
            })
            .collect(),
    };
    let trainees = Table {
        title: p.lang.t("training.trainees").to_string(),
        headers: headings(
            &p,
            &[
                "field.trainee",
                "field.enterprise_id",
                "field.category",
                "field.hours",
                "field.status",
            ],
        ),
        rows: b
            .trainees
            .iter()
            .map(|t| {
                vec![
                    t.trainee.clone(),
                    t.enterprise_name.clone(),
                    ui.label("training_category", &t.category),
                    t.hours.clone(),
                    ui.label("standing", t.standing.as_str()),
                ]
            })
            .collect(),
    };
    crate::view::xlsx(&[records, trainees], "training.xlsx", p.lang)
}

async fn outreach_xlsx(
    State(s): State<AppState>,
    p: Page,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let b = s
        .svc
        .outreach(&p.who, q.or_this())
        .await
        .map_err(fail(p.lang))?;
    let ui = Ui::new(&p, "targets");
    let table = Table {
        title: p.lang.t("outreach.title").to_string(),
        headers: headings(
            &p,
            &[
                "field.held_on",
                "field.kind",
                "field.name",
                "field.region_id",
                "field.participants",
                "field.note",
            ],
        ),
        rows: b
            .rows
            .iter()
            .map(|o| {
                vec![
                    o.held_on.clone(),
                    ui.label("outreach_kind", &o.kind),
                    o.title.clone(),
                    o.region_name.clone(),
                    o.participants.to_string(),
                    o.note.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };
    crate::view::xlsx(&[table], "outreach.xlsx", p.lang)
}

async fn projects_xlsx(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s.svc.projects(&p.who).await.map_err(fail(p.lang))?;
    let ui = Ui::new(&p, "targets");
    let mut headers = headings(
        &p,
        &[
            "field.name",
            "field.category",
            "field.region_id",
            "field.enterprise_id",
            "field.review",
            "field.reviewed_on",
        ],
    );
    headers.extend(
        ["stage.design", "stage.construction", "stage.in_use"]
            .iter()
            .map(|k| p.lang.t(k).to_string()),
    );
    headers.extend(headings(
        &p,
        &["field.length_m", "field.completed_on", "field.status"],
    ));
    let table = Table {
        title: p.lang.t("project.title").to_string(),
        headers,
        rows: rows
            .iter()
            .map(|v| {
                let pr = &v.project;
                let mut row = vec![
                    pr.name.clone(),
                    ui.label("project_category", &pr.category),
                    pr.region_name.clone(),
                    pr.enterprise_name.clone().unwrap_or_default(),
                    ui.label("review", &pr.review),
                    pr.reviewed_on.clone().unwrap_or_default(),
                ];
                row.extend(
                    v.stages
                        .iter()
                        .map(|(_, st)| ui.label("stage_state", st.as_str())),
                );
                row.push(pr.length_m.map(|l| l.to_string()).unwrap_or_default());
                row.push(pr.completed_on.clone().unwrap_or_default());
                row.push(
                    p.lang
                        .t(if v.breach {
                            "project.breach"
                        } else {
                            "project.ok"
                        })
                        .to_string(),
                );
                row
            })
            .collect(),
    };
    crate::view::xlsx(&[table], "projects.xlsx", p.lang)
}

/// Shows a form's refusal on its page with what was typed, or follows a success.
async fn refused(s: &AppState, p: &Page, pairs: &[(String, String)], e: Error) -> PageResult {
    match e {
        Error::Invalid(e) => {
            let f = FormState::from_pairs(pairs).with_errors(&e, p.lang);
            training_show(s, p, YearQuery::default().or_this(), f, Some(words(p, &e))).await
        }
        e => Err(fail(p.lang)(e)),
    }
}

async fn record(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let input: TrainingInput = super::form_input(&p, &pairs)?;
    match s.svc.record_training(&p.who, &input).await {
        Ok(t) => Ok(Redirect::to(&format!("/training#t{}", t.id)).into_response()),
        Err(e) => refused(&s, &p, &pairs, e).await,
    }
}

async fn put_staff(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let input: StaffInput = super::form_input(&p, &pairs)?;
    match s.svc.put_staff(&p.who, &input).await {
        Ok(()) => Ok(Redirect::to("/training#officers").into_response()),
        Err(e) => refused(&s, &p, &pairs, e).await,
    }
}

async fn assess(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let input: AssessmentInput = super::input_from(&pairs, &["ratings", "notes"])
        .map_err(|_| fail(p.lang)(Error::NotFound))?;
    match s.svc.put_standardisation(&p.who, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/training?year={}#standardisation",
            input.year.trim()
        ))
        .into_response()),
        Err(e) => refused(&s, &p, &pairs, e).await,
    }
}

#[derive(askama::Template)]
#[template(path = "outreach.html")]
struct OutreachPage {
    ui: Ui,
    b: OutreachBoard,
    kinds: Vec<&'static str>,
    regions: Vec<(i64, String)>,
    f: FormState,
    error: Option<String>,
}

async fn outreach_show(
    s: &AppState,
    p: &Page,
    year: i32,
    f: FormState,
    error: Option<String>,
) -> PageResult {
    let fl = fail(p.lang);
    let b = s.svc.outreach(&p.who, year).await.map_err(&fl)?;
    let regions = s
        .svc
        .stock_places(&p.who)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| p.who.can_record_outreach(&r.path))
        .map(|r| (r.id, r.name))
        .collect();
    Ok(render_status(
        crate::view::error_status(&error),
        &OutreachPage {
            ui: Ui::new(p, "targets"),
            b,
            kinds: codes(OutreachKind::ALL, OutreachKind::as_str),
            regions,
            f,
            error,
        },
    ))
}

async fn outreach(State(s): State<AppState>, p: Page, Query(q): Query<YearQuery>) -> PageResult {
    outreach_show(&s, &p, q.or_this(), FormState::default(), None).await
}

async fn record_outreach(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let input: OutreachInput = super::form_input(&p, &pairs)?;
    match s.svc.record_outreach(&p.who, &input).await {
        Ok(o) => Ok(Redirect::to(&format!("/outreach#o{}", o.id)).into_response()),
        Err(Error::Invalid(e)) => {
            let f = FormState::from_pairs(&pairs).with_errors(&e, p.lang);
            outreach_show(
                &s,
                &p,
                YearQuery::default().or_this(),
                f,
                Some(words(&p, &e)),
            )
            .await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

#[derive(askama::Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    ui: Ui,
    rows: Vec<ProjectView>,
    /// Metres of guardrail completed this year, and the goal of task 9.
    guardrail: i64,
    categories: Vec<&'static str>,
    reviews: Vec<&'static str>,
    regions: Vec<(i64, String)>,
    enterprises: Vec<(i64, String)>,
    editing: Option<i64>,
    can_keep: bool,
    f: FormState,
    error: Option<String>,
}

async fn projects_show(
    s: &AppState,
    p: &Page,
    editing: Option<ProjectView>,
    f: FormState,
    error: Option<String>,
) -> PageResult {
    let fl = fail(p.lang);
    let rows = s.svc.projects(&p.who).await.map_err(&fl)?;
    let year = YearQuery::default().or_this().to_string();
    let guardrail = rows
        .iter()
        .filter(|v| v.project.category == "road_guardrail")
        .filter(|v| {
            v.project
                .completed_on
                .as_deref()
                .is_some_and(|d| d.starts_with(&year))
        })
        .filter_map(|v| v.project.length_m)
        .sum();
    let regions: Vec<(i64, String)> = s
        .svc
        .stock_places(&p.who)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| p.who.can_keep_projects(&r.path))
        .map(|r| (r.id, r.name))
        .collect();
    let can_keep = !regions.is_empty();
    let enterprises = if can_keep {
        super::enterprise_choices(s, p).await?
    } else {
        Vec::new()
    };
    let f = match (&editing, f.values.is_empty()) {
        (Some(v), true) => project_form(v),
        _ => f,
    };
    Ok(render_status(
        crate::view::error_status(&error),
        &ProjectsPage {
            ui: Ui::new(p, "targets"),
            rows,
            guardrail,
            categories: codes(ProjectCategory::ALL, ProjectCategory::as_str),
            reviews: codes(Review::ALL, Review::as_str),
            regions,
            enterprises,
            editing: editing.map(|v| v.project.id),
            can_keep,
            f,
            error,
        },
    ))
}

/// A project's values as the form shows them, to change it.
fn project_form(v: &ProjectView) -> FormState {
    let p = &v.project;
    let o = |x: &Option<String>| x.clone().unwrap_or_default();
    let pairs: Vec<(String, String)> = [
        ("name", p.name.clone()),
        ("category", p.category.clone()),
        ("region_id", p.region_id.to_string()),
        (
            "enterprise_id",
            p.enterprise_id.map(|e| e.to_string()).unwrap_or_default(),
        ),
        ("review", p.review.clone()),
        ("reviewed_on", o(&p.reviewed_on)),
        ("review_note", o(&p.review_note)),
        ("main_designed_on", o(&p.main_designed_on)),
        ("safety_designed_on", o(&p.safety_designed_on)),
        ("main_built_on", o(&p.main_built_on)),
        ("safety_built_on", o(&p.safety_built_on)),
        ("main_in_use_on", o(&p.main_in_use_on)),
        ("safety_in_use_on", o(&p.safety_in_use_on)),
        (
            "length_m",
            p.length_m.map(|l| l.to_string()).unwrap_or_default(),
        ),
        ("completed_on", o(&p.completed_on)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    FormState::from_pairs(&pairs)
}

async fn projects(State(s): State<AppState>, p: Page) -> PageResult {
    projects_show(&s, &p, None, FormState::default(), None).await
}

async fn project(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let v = s.svc.project(&p.who, id).await.map_err(fail(p.lang))?;
    projects_show(&s, &p, Some(v), FormState::default(), None).await
}

async fn save_project(
    s: &AppState,
    p: &Page,
    id: Option<i64>,
    pairs: &[(String, String)],
) -> PageResult {
    let input: ProjectInput = super::form_input(p, pairs)?;
    match s.svc.put_project(&p.who, id, &input).await {
        Ok(v) => Ok(Redirect::to(&format!("/projects#p{}", v.project.id)).into_response()),
        Err(Error::Invalid(e)) => {
            let f = FormState::from_pairs(pairs).with_errors(&e, p.lang);
            let editing = match id {
                Some(id) => Some(s.svc.project(&p.who, id).await.map_err(fail(p.lang))?),
                None => None,
            };
            projects_show(s, p, editing, f, Some(words(p, &e))).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

async fn create_project(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save_project(&s, &p, None, &pairs).await
}

async fn update_project(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save_project(&s, &p, Some(id), &pairs).await
}
