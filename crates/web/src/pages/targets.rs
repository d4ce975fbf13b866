//! Target pages: the year's targets with their colours, the scorecards of a town's villages and
//! departments, the settings of goals, weights and vetoes, and the year-end report (print and
//! Excel).

use super::words;
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{FormState, Ui, YearQuery, fail, render, render_status};
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use safegrid_domain::target::{Line, Measure, Metric, TargetConfigInput, UnitKind};
use safegrid_service::Error;
use safegrid_service::targets::{Dashboard, Scorecards};

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/targets", get(dashboard))
        .route("/targets/scorecards", get(scorecards))
        .route("/targets/scorecards.xlsx", get(scorecards_xlsx))
        .route("/targets/settings", get(settings).post(save_settings))
        .route("/targets/report", get(report))
        .route("/targets/report.xlsx", get(report_xlsx))
}

/// The figure of a measure in its unit, e.g. `0.300‰`, `75.0%`, `4700米`.
pub(super) fn figure(ui: &Ui, metric: Metric, m: Measure) -> String {
    let unit = metric.unit();
    match m.text(unit) {
        Some(v) => format!("{v}{}", ui.t(&format!("unit.{}", unit.as_str()))),
        None => ui.t("target.no_data").to_string(),
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TownYear {
    year: Option<i32>,
    town: Option<i64>,
}

impl TownYear {
    fn year(&self) -> i32 {
        YearQuery { year: self.year }.or_this()
    }
}

#[derive(askama::Template)]
#[template(path = "targets.html")]
struct DashboardPage {
    ui: Ui,
    d: Dashboard,
}

impl DashboardPage {
    fn pct(&self, m: &Measure) -> i64 {
        match m {
            Measure::Ratio { num, den } if *den > 0 => (num * 100 / den).clamp(0, 100),
            _ => 0,
        }
    }
}

async fn dashboard(State(s): State<AppState>, p: Page, Query(q): Query<YearQuery>) -> PageResult {
    let d = s
        .svc
        .target_dashboard(&p.who, q.or_this())
        .await
        .map_err(fail(p.lang))?;
    Ok(render(&DashboardPage {
        ui: Ui::new(&p, "targets"),
        d,
    }))
}

#[derive(askama::Template)]
#[template(path = "scorecards.html")]
struct ScorecardsPage {
    ui: Ui,
    s: Scorecards,
    village_metrics: Vec<Metric>,
    department_metrics: Vec<Metric>,
}

impl ScorecardsPage {
    fn cell(&self, l: &Line) -> String {
        figure(&self.ui, l.metric, l.measure)
    }
}

fn metrics_of(s: &Scorecards, kind: UnitKind) -> Vec<Metric> {
    s.config
        .targets
        .iter()
        .filter(|t| t.metric.applies_to(kind))
        .map(|t| t.metric)
        .collect()
}

async fn scorecards(State(s): State<AppState>, p: Page, Query(q): Query<TownYear>) -> PageResult {
    let sc = s
        .svc
        .scorecards(&p.who, q.town, q.year())
        .await
        .map_err(fail(p.lang))?;
    Ok(render(&ScorecardsPage {
        ui: Ui::new(&p, "targets"),
        village_metrics: metrics_of(&sc, UnitKind::Village),
        department_metrics: metrics_of(&sc, UnitKind::Department),
        s: sc,
    }))
}

async fn scorecards_xlsx(
    State(s): State<AppState>,
    p: Page,
    Query(q): Query<TownYear>,
) -> PageResult {
    let sc = s
        .svc
        .scorecards(&p.who, q.town, q.year())
        .await
        .map_err(fail(p.lang))?;
    let tables = safegrid_service::targets::scorecard_tables(&sc, p.lang);
    crate::view::xlsx(&tables, "scorecards.xlsx", p.lang)
}

#[derive(askama::Template)]
#[template(path = "target_settings.html")]
struct SettingsPage {
    ui: Ui,
    metrics: Vec<&'static str>,
    i: TargetConfigInput,
    village_sum: i64,
    department_sum: i64,
    f: FormState,
    saved: bool,
    error: Option<String>,
}

impl SettingsPage {
    fn applies(&self, m: &str, kind: &str) -> bool {
        let kind = UnitKind::parse(kind).unwrap_or(UnitKind::Village);
        Metric::parse(m).is_some_and(|m| m.applies_to(kind))
    }
    fn at<'a>(&self, v: &'a [String], k: &usize) -> &'a str {
        v.get(*k).map(String::as_str).unwrap_or("")
    }
    fn ticked(&self, v: &[String], m: &str) -> bool {
        v.iter().any(|x| x == m)
    }
}

fn sums(i: &TargetConfigInput) -> (i64, i64) {
    let sum = |v: &[String], kind: UnitKind| {
        i.metric
            .iter()
            .enumerate()
            .filter(|(_, m)| i.enabled.contains(m))
            .filter(|(_, m)| Metric::parse(m).is_some_and(|m| m.applies_to(kind)))
            .filter_map(|(k, _)| v.get(k)?.trim().parse::<i64>().ok())
            .sum()
    };
    (
        sum(&i.village_weight, UnitKind::Village),
        sum(&i.department_weight, UnitKind::Department),
    )
}

async fn settings_show(
    s: &AppState,
    p: &Page,
    i: Option<TargetConfigInput>,
    f: FormState,
    saved: bool,
    error: Option<String>,
) -> PageResult {
    if !p.who.can_configure() {
        return Err(fail(p.lang)(Error::Forbidden));
    }
    let year = YearQuery::default().or_this();
    let i = match i {
        Some(i) => i,
        None => TargetConfigInput::of(&s.svc.target_config(year).await.map_err(fail(p.lang))?),
    };
    let (village_sum, department_sum) = sums(&i);
    Ok(render_status(
        crate::view::error_status(&error),
        &SettingsPage {
            ui: Ui::new(p, "targets"),
            metrics: Metric::ALL.iter().map(|m| m.as_str()).collect(),
            i,
            village_sum,
            department_sum,
            f,
            saved,
            error,
        },
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: Option<String>,
}

async fn settings(State(s): State<AppState>, p: Page, Query(q): Query<Saved>) -> PageResult {
    settings_show(&s, &p, None, FormState::default(), q.saved.is_some(), None).await
}

async fn save_settings(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(super::csrf_of(&pairs))?;
    let input: TargetConfigInput = super::input_from(
        &pairs,
        &[
            "metric",
            "goal",
            "amber",
            "village_weight",
            "department_weight",
            "enabled",
            "veto",
        ],
    )
    .map_err(|_| fail(p.lang)(Error::NotFound))?;
    match s.svc.put_target_config(&p.who, &input).await {
        Ok(_) => Ok(Redirect::to("/targets/settings?saved=1").into_response()),
        Err(Error::Invalid(e)) => {
            let f = FormState::from_pairs(&[]).with_errors(&e, p.lang);
            settings_show(&s, &p, Some(input), f, false, Some(words(&p, &e))).await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

#[derive(askama::Template)]
#[template(path = "year_report.html")]
struct ReportPage {
    ui: Ui,
    year: i32,
    tables: Vec<safegrid_service::xlsx::Table>,
}

async fn report(State(s): State<AppState>, p: Page, Query(q): Query<TownYear>) -> PageResult {
    let year = q.year();
    let tables = s
        .svc
        .year_end_tables(&p.who, q.town, year, p.lang)
        .await
        .map_err(fail(p.lang))?;
    Ok(render(&ReportPage {
        ui: Ui::new(&p, "targets"),
        year,
        tables,
    }))
}

async fn report_xlsx(State(s): State<AppState>, p: Page, Query(q): Query<TownYear>) -> PageResult {
    let tables = s
        .svc
        .year_end_tables(&p.who, q.town, q.year(), p.lang)
        .await
        .map_err(fail(p.lang))?;
    crate::view::xlsx(&tables, "year-end-report.xlsx", p.lang)
}
