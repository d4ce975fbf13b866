//! Patrol pages: the monitor's phone form (check-in, precursors, cracks, photos, position), one
//! patrol, the missed-patrol report per village, monitor and site, and the frequency policy.

use super::csrf_of;
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{FormState, Ui, fail, render, render_status, xlsx};
use axum::Router;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use safegrid_domain::Invalid;
use safegrid_domain::alarm::Level;
use safegrid_domain::monitoring::ObjectKind;
use safegrid_domain::patrol::{self, CrackInput, PatrolInput, Policy, Precursor};
use safegrid_service::Error;
use safegrid_service::patrols::{MissedReport, PatrolDetail};
use safegrid_service::xlsx::Table;
use safegrid_store::monitoring::ObjectRow;
use safegrid_store::patrols::PatrolRow;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitoring/patrols", get(report).post(record))
        .route("/monitoring/patrols/missed.xlsx", get(missed_xlsx))
        .route("/monitoring/patrols/new", get(new_form))
        .route("/monitoring/patrols/{id}", get(detail))
        .route(
            "/monitoring/patrol-policy",
            get(policy_form).post(set_policy),
        )
}

#[derive(askama::Template)]
#[template(path = "patrols.html")]
struct ReportPage {
    ui: Ui,
    r: MissedReport,
    recent: Vec<PatrolRow>,
    from: String,
    to: String,
    policy_text: String,
    can_configure: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

fn policy_text(ui: &Ui, p: &Policy) -> String {
    ui.t("patrol.policy_text")
        .replace(
            "{s}",
            &format!("{:02}-{:02}", p.season_start.0, p.season_start.1),
        )
        .replace(
            "{e}",
            &format!("{:02}-{:02}", p.season_end.0, p.season_end.1),
        )
        .replace("{w}", &p.per_week_in_season.to_string())
        .replace("{o}", &p.per_week_off_season.to_string())
        .replace("{d}", &p.per_warning_day.to_string())
}

async fn load_report(
    s: &AppState,
    p: &Page,
    q: &PeriodQuery,
) -> Result<(MissedReport, Option<String>), PageError> {
    let today = safegrid_domain::local_time::day_of(chrono::Utc::now());
    // A period that is no period is named, and the default shown instead.
    let (range, error) = match patrol::report_period(
        q.from.as_deref().unwrap_or(""),
        q.to.as_deref().unwrap_or(""),
        today,
    ) {
        Ok(r) => (r, None),
        Err(inv) => {
            let msg = inv
                .errors
                .iter()
                .map(|e| p.lang.field_error(&e.field, &e.code))
                .collect::<Vec<_>>()
                .join("; ");
            (patrol::default_period(today), Some(msg))
        }
    };
    let r = s
        .svc
        .missed_patrols(&p.who, range.0, range.1)
        .await
        .map_err(fail(p.lang))?;
    Ok((r, error))
}

async fn report(State(s): State<AppState>, p: Page, Query(q): Query<PeriodQuery>) -> PageResult {
    let (r, error) = load_report(&s, &p, &q).await?;
    let recent = s
        .svc
        .patrols(&p.who, None, 50)
        .await
        .map_err(fail(p.lang))?;
    let ui = Ui::new(&p, "monitoring");
    Ok(render(&ReportPage {
        from: r.from.to_string(),
        to: r.to.to_string(),
        policy_text: policy_text(&ui, &r.policy),
        can_configure: p.who.can_configure(),
        r,
        recent,
        error,
        ui,
    }))
}

/// The missed-patrol report as a workbook: sites, villages, monitors.
async fn missed_xlsx(
    State(s): State<AppState>,
    p: Page,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let (r, _) = load_report(&s, &p, &q).await?;
    let l = p.lang;
    let title = format!("{} {} ~ {}", l.t("patrol.missed"), r.from, r.to);
    let sites = Table {
        title: title.clone(),
        headers: [
            "field.village",
            "object.hazard_site",
            "duty.monitor",
            "patrol.done",
            "field.period",
            "field.kind",
            "patrol.patrols_missing",
        ]
        .iter()
        .map(|k| l.t(k).to_string())
        .collect(),
        rows: r
            .sites
            .iter()
            .flat_map(|site| {
                site.missed.iter().map(move |m| {
                    vec![
                        site.region_name.clone(),
                        site.object_name.clone(),
                        site.monitors.join("、"),
                        site.done.to_string(),
                        format!("{} ~ {}", m.from, m.to),
                        l.t(if m.warning {
                            "patrol.stretch_warning"
                        } else {
                            "patrol.stretch_week"
                        })
                        .to_string(),
                        (m.required - m.done).to_string(),
                    ]
                })
            })
            .collect(),
    };
    let tally = |key: &str, rows: &[safegrid_service::patrols::MissedTally]| Table {
        title: l.t(key).to_string(),
        headers: [
            key,
            "patrol.sites",
            "patrol.sites_missing",
            "patrol.patrols_missing",
        ]
        .iter()
        .map(|k| l.t(k).to_string())
        .collect(),
        rows: rows
            .iter()
            .map(|t| {
                vec![
                    if t.name.is_empty() {
                        l.t("patrol.no_monitor").to_string()
                    } else {
                        t.name.clone()
                    },
                    t.sites.to_string(),
                    t.sites_missing.to_string(),
                    t.patrols_missing.to_string(),
                ]
            })
            .collect(),
    };
    xlsx(
        &[
            sites,
            tally("patrol.by_village", &r.by_village),
            tally("patrol.by_monitor", &r.by_monitor),
        ],
        "missed-patrols.xlsx",
        l,
    )
}

#[derive(askama::Template)]
#[template(path = "patrol_form.html")]
struct FormPage {
    ui: Ui,
    f: FormState,
    object: Option<ObjectRow>,
    /// Objects to choose from when none is chosen yet.
    choices: Vec<ObjectRow>,
    /// Each precursor and whether it is ticked.
    precursors: Vec<(&'static str, bool)>,
    /// (point, width) rows: entered ones, then the site's known points, then blanks.
    cracks: Vec<(String, String)>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    object_id: Option<i64>,
}

async fn form_page(
    s: &AppState,
    p: &Page,
    object_id: Option<i64>,
    f: FormState,
    input: Option<&PatrolInput>,
    status: StatusCode,
) -> PageResult {
    let fl = fail(p.lang);
    let object = match object_id {
        Some(id) => Some(s.svc.object_detail(&p.who, id).await.map_err(&fl)?.object),
        None => None,
    };
    let choices = if object.is_none() {
        let mut v = s.svc.objects(&p.who, None).await.map_err(&fl)?;
        v.retain(|o| ObjectKind::code_is_patrolled(&o.kind));
        v.sort_by_key(|o| o.kind != "hazard_site");
        v
    } else {
        Vec::new()
    };
    let mut cracks: Vec<(String, String)> = input
        .map(|i| {
            i.cracks
                .iter()
                .map(|c| (c.point.clone(), c.width_mm.clone()))
                .collect()
        })
        .unwrap_or_default();
    if let (Some(o), None) = (&object, input) {
        for (point, _) in s.svc.crack_history(&p.who, o.id).await.map_err(&fl)? {
            cracks.push((point, String::new()));
        }
    }
    while cracks.len() < 3 || cracks.last().is_some_and(|c| !c.0.is_empty()) && cracks.len() < 6 {
        cracks.push((String::new(), String::new()));
    }
    let page = FormPage {
        ui: Ui::new(p, "monitoring"),
        f,
        object,
        choices,
        precursors: Precursor::ALL
            .iter()
            .map(|x| {
                let on = input.is_some_and(|i| i.precursors.iter().any(|c| c == x.as_str()));
                (x.as_str(), on)
            })
            .collect(),
        cracks,
    };
    Ok(render_status(status, &page))
}

async fn new_form(State(s): State<AppState>, p: Page, Query(q): Query<NewQuery>) -> PageResult {
    form_page(
        &s,
        &p,
        q.object_id,
        FormState::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The patrol form's multipart body: the fields of a [`PatrolInput`] and the photos. Crack rows
/// come as parallel `point` / `width_mm` fields.
async fn read_form(
    form: &mut Multipart,
) -> Result<(PatrolInput, Vec<(String, String)>, Vec<(String, Vec<u8>)>), &'static str> {
    let mut input = PatrolInput::default();
    let mut pairs = Vec::new();
    let mut points = Vec::new();
    let mut widths = Vec::new();
    let mut photos = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err("file.too_large"),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "photos" {
            let file_name = field.file_name().unwrap_or("photo").to_string();
            let bytes = field.bytes().await.map_err(|_| "file.too_large")?;
            // An empty file input still sends an empty part.
            if !bytes.is_empty() {
                photos.push((file_name, bytes.to_vec()));
            }
            continue;
        }
        let value = field.text().await.map_err(|_| "file.too_large")?;
        match name.as_str() {
            "object_id" => input.object_id = value.clone(),
            "patrolled_at" => input.patrolled_at = value.clone(),
            "no_anomaly" => input.no_anomaly = !value.is_empty(),
            "precursors" => input.precursors.push(value.clone()),
            "point" => points.push(value.clone()),
            "width_mm" => widths.push(value.clone()),
            "latitude" => input.latitude = value.clone(),
            "longitude" => input.longitude = value.clone(),
            "note" => input.note = value.clone(),
            _ => {}
        }
        pairs.push((name, value));
    }
    input.cracks = points
        .into_iter()
        .zip(widths.into_iter().chain(std::iter::repeat(String::new())))
        .map(|(point, width_mm)| CrackInput { point, width_mm })
        .collect();
    Ok((input, pairs, photos))
}

/// Stores a patrol from the form. The CSRF token travels in the query: the multipart body is
/// read once, photos and all.
async fn record(
    State(s): State<AppState>,
    p: Page,
    Query(c): Query<super::CsrfQuery>,
    mut form: Multipart,
) -> PageResult {
    p.check_csrf(&c.csrf)?;
    let (input, pairs, photos) = match read_form(&mut form).await {
        Ok(x) => x,
        Err(code) => {
            let f = FormState::default().with_errors(&Invalid::one("photos", code), p.lang);
            return form_page(&s, &p, None, f, None, StatusCode::PAYLOAD_TOO_LARGE).await;
        }
    };
    match s.svc.record_patrol(&p.who, &input, &photos).await {
        Ok(receipt) => {
            if let Some(n) = &receipt.notice {
                s.ingest.publish(n.clone());
            }
            Ok(Redirect::to(&format!(
                "/monitoring/patrols/{}?saved=1",
                receipt.patrol.id
            ))
            .into_response())
        }
        Err(Error::Invalid(inv)) => {
            // Field errors in the user's words, each next to its field; cracks by their row.
            let mut f = FormState::from_pairs(&pairs);
            for e in &inv.errors {
                f.errors
                    .entry(e.field.clone())
                    .or_insert_with(|| p.lang.field_error(&e.field, &e.code));
            }
            let id = input.object_id.trim().parse().ok();
            form_page(
                &s,
                &p,
                id,
                f,
                Some(&input),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

#[derive(askama::Template)]
#[template(path = "patrol.html")]
struct DetailPage {
    ui: Ui,
    d: PatrolDetail,
    saved: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DetailQuery {
    saved: Option<String>,
}

async fn detail(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(q): Query<DetailQuery>,
) -> PageResult {
    let f = fail(p.lang);
    let d = s.svc.patrol(&p.who, id).await.map_err(&f)?;
    Ok(render(&DetailPage {
        ui: Ui::new(&p, "monitoring"),
        saved: q.saved.is_some(),
        d,
    }))
}

#[derive(askama::Template)]
#[template(path = "patrol_policy.html")]
struct PolicyPage {
    ui: Ui,
    f: FormState,
    levels: Vec<&'static str>,
}

fn policy_state(p: &Policy) -> FormState {
    let pairs = [
        (
            "season_start",
            format!("{:02}-{:02}", p.season_start.0, p.season_start.1),
        ),
        (
            "season_end",
            format!("{:02}-{:02}", p.season_end.0, p.season_end.1),
        ),
        ("per_week_in_season", p.per_week_in_season.to_string()),
        ("per_week_off_season", p.per_week_off_season.to_string()),
        ("per_warning_day", p.per_warning_day.to_string()),
        ("precursor_level", p.precursor_level.as_str().to_string()),
    ];
    FormState::from_pairs(&pairs.map(|(k, v)| (k.to_string(), v)))
}

async fn policy_form(State(s): State<AppState>, p: Page) -> PageResult {
    let policy = s.svc.patrol_policy().await.map_err(fail(p.lang))?;
    Ok(render(&PolicyPage {
        ui: Ui::new(&p, "monitoring"),
        f: policy_state(&policy),
        levels: Level::ALL.iter().map(|l| l.as_str()).collect(),
    }))
}

/// Reads the policy form; every field that is not a month-day or a count is named.
fn policy_from(pairs: &[(String, String)]) -> Result<Policy, Invalid> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    };
    let mut errs = Invalid::default();
    let mut md = |k: &str| {
        let v = get(k);
        let parsed = v
            .split_once('-')
            .and_then(|(m, d)| Some((m.trim().parse().ok()?, d.trim().parse().ok()?)));
        if parsed.is_none() {
            errs.push(k, "date.form");
        }
        parsed.unwrap_or((1, 1))
    };
    let season_start = md("season_start");
    let season_end = md("season_end");
    let mut count = |k: &str| match get(k).parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            errs.push(k, "not_a_number");
            0
        }
    };
    let per_week_in_season = count("per_week_in_season");
    let per_week_off_season = count("per_week_off_season");
    let per_warning_day = count("per_warning_day");
    let precursor_level = Level::parse(get("precursor_level")).unwrap_or_else(|| {
        errs.push("precursor_level", "choice");
        Level::Orange
    });
    errs.into_result()?;
    let policy = Policy {
        season_start,
        season_end,
        per_week_in_season,
        per_week_off_season,
        per_warning_day,
        precursor_level,
    };
    policy.validate()?;
    Ok(policy)
}

async fn set_policy(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let result = match policy_from(&pairs) {
        Ok(policy) => s.svc.set_patrol_policy(&p.who, &policy).await,
        Err(inv) => Err(inv.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/monitoring/patrols").into_response()),
        Err(Error::Invalid(inv)) => Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PolicyPage {
                ui: Ui::new(&p, "monitoring"),
                f: FormState::from_pairs(&pairs).with_errors(&inv, p.lang),
                levels: Level::ALL.iter().map(|l| l.as_str()).collect(),
            },
        )),
        Err(e) => Err(fail(p.lang)(e)),
    }
}
