//! The registry's pages (责任体系): home, coverage, regions, committees, departments, enterprises,
//! liaison groups, key units, people, history and users.

use super::{csrf_of, input_from};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{FormState, Pager, Ui, fail, region_choices, render, render_status, xlsx};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use safegrid_domain::access::{EnterpriseFacts, Role};
use safegrid_domain::enterprise::{EnterpriseInput, FringeTreatment, Scale, StandardGrade};
use safegrid_domain::industry::{CATALOGUE, Industry};
use safegrid_domain::registry::{LiaisonGroupInput, PersonInput, PersonRole};
use safegrid_service::Error;
use safegrid_service::coverage::Coverage;
use safegrid_service::hazards::HazardQuery;
use safegrid_service::registry::{
    CommitteeView, EnterpriseQuery, PersonQuery, RegionOverview, row_input,
};
use safegrid_store::audit::AuditRow;
use safegrid_store::enterprises::EnterpriseRow;
use safegrid_store::organisations::{DepartmentRow, LiaisonGroupRow};
use safegrid_store::people::{KeyUnitRow, PersonRow};
use safegrid_store::users::UserRow;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/coverage", get(coverage))
        .route("/coverage.xlsx", get(coverage_xlsx))
        .route("/regions", get(regions))
        .route("/committees", get(committees))
        .route("/departments", get(departments))
        .route("/enterprises", get(enterprises).post(create_enterprise))
        .route("/enterprises.xlsx", get(enterprises_xlsx))
        .route("/enterprises/new", get(new_enterprise))
        .route("/enterprises/{id}", get(enterprise).post(update_enterprise))
        .route("/enterprises/{id}/edit", get(edit_enterprise))
        .route(
            "/liaison-groups",
            get(liaison_groups).post(assign_liaison_group),
        )
        .route("/key-units", get(key_units))
        .route("/people", get(people).post(create_person))
        .route("/people.xlsx", get(people_xlsx))
        .route("/people/new", get(new_person))
        .route("/history/{entity_type}/{id}", get(history))
        .route("/audit", get(audit))
        .route("/users", get(users))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ui: Ui,
    /// (count, label key, link, warn)
    hazard_cards: Vec<(i64, &'static str, &'static str, bool)>,
    coverage: Option<Coverage>,
    /// (count, label key, link, warn) of monitoring: open alarms and missed patrols.
    monitoring_cards: Vec<(i64, &'static str, &'static str, bool)>,
    enterprises: i64,
    high_risk: i64,
    people: i64,
}

async fn home(State(s): State<AppState>, p: Page) -> PageResult {
    let f = fail(p.lang);
    let coverage = if p.who.role == Role::Enterprise {
        None
    } else {
        Some(s.svc.coverage(&p.who).await.map_err(&f)?)
    };
    let q = EnterpriseQuery {
        per_page: Some(1),
        ..Default::default()
    };
    let enterprises = s.svc.enterprises(&p.who, &q).await.map_err(&f)?.total;
    let q = EnterpriseQuery {
        per_page: Some(1),
        high_risk: Some("true".into()),
        ..Default::default()
    };
    let high_risk = s.svc.enterprises(&p.who, &q).await.map_err(&f)?.total;
    let people = if p.who.role == Role::Enterprise {
        0
    } else {
        s.svc
            .people(
                &p.who,
                &PersonQuery {
                    per_page: Some(1),
                    ..Default::default()
                },
            )
            .await
            .map_err(&f)?
            .total
    };
    let mut hazard_cards = Vec::new();
    for (view, status, key, link) in [
        ("overdue", "", "view.overdue", "/hazards?view=overdue"),
        ("due_week", "", "home.due_week", "/hazards?view=due_week"),
        (
            "",
            "rectified",
            "home.awaiting_verification",
            "/hazards?status=rectified",
        ),
        ("listed", "", "view.listed", "/hazards?view=listed"),
    ] {
        let q = HazardQuery {
            view: Some(view.into()),
            status: Some(status.into()),
            per_page: Some(1),
            ..Default::default()
        };
        let n = s.svc.hazards(&p.who, &q).await.map_err(&f)?.total;
        hazard_cards.push((n, key, link, n > 0 && view != "listed"));
    }
    let missed = s.svc.missed_inspections(&p.who, 7).await.map_err(&f)?.len() as i64;
    hazard_cards.push((
        missed,
        "home.missed_inspections",
        "/inspections#missed",
        missed > 0,
    ));
    let mut monitoring_cards = Vec::new();
    if p.who.can_read_monitoring(&p.who.region_path) {
        let open = s.svc.alarms(&p.who, None, true).await.map_err(&f)?.len() as i64;
        monitoring_cards.push((open, "monitoring.open_alarms", "/monitoring", open > 0));
        let (from, to) = safegrid_domain::patrol::default_period(
            safegrid_domain::local_time::day_of(chrono::Utc::now()),
        );
        let missed = s
            .svc
            .missed_patrols(&p.who, from, to)
            .await
            .map_err(&f)?
            .missing_total() as i64;
        monitoring_cards.push((
            missed,
            "home.missed_patrols",
            "/monitoring/patrols#missed",
            missed > 0,
        ));
    }
    Ok(render(&HomePage {
        ui: Ui::new(&p, "home"),
        hazard_cards,
        monitoring_cards,
        coverage,
        enterprises,
        high_risk,
        people,
    }))
}

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    ui: Ui,
    c: Coverage,
    can_assign: bool,
    leaders: Vec<(i64, String)>,
    staff: Vec<(i64, String)>,
    saved: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Flash {
    saved: Option<String>,
    error: Option<String>,
}

async fn people_with_role(
    s: &AppState,
    p: &Page,
    role: &str,
) -> Result<Vec<(i64, String)>, PageError> {
    let q = PersonQuery {
        role: Some(role.into()),
        per_page: Some(500),
        ..Default::default()
    };
    Ok(s.svc
        .people(&p.who, &q)
        .await
        .map_err(fail(p.lang))?
        .rows
        .into_iter()
        .map(|r| (r.id, format!("{} {}", r.name, r.title.unwrap_or_default())))
        .collect())
}

async fn coverage(State(s): State<AppState>, p: Page, Query(flash): Query<Flash>) -> PageResult {
    let c = s.svc.coverage(&p.who).await.map_err(fail(p.lang))?;
    let can_assign = p.who.can_manage_structure(&p.who.region_path);
    let (leaders, staff) = if can_assign {
        let mut staff = people_with_role(&s, &p, "office_staff").await?;
        staff.extend(people_with_role(&s, &p, "department_staff").await?);
        (people_with_role(&s, &p, "town_leader").await?, staff)
    } else {
        (vec![], vec![])
    };
    let error = flash.error.map(|code| p.lang.t(&code).to_string());
    Ok(render(&CoveragePage {
        ui: Ui::new(&p, "registry"),
        c,
        can_assign,
        leaders,
        staff,
        saved: flash.saved.is_some(),
        error,
    }))
}

async fn coverage_xlsx(State(s): State<AppState>, p: Page) -> PageResult {
    let tables = s
        .svc
        .coverage_tables(&p.who, p.lang)
        .await
        .map_err(fail(p.lang))?;
    xlsx(&tables, "coverage.xlsx", p.lang)
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    ui: Ui,
    rows: Vec<RegionOverview>,
}

async fn regions(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s.svc.region_overview(&p.who).await.map_err(fail(p.lang))?;
    Ok(render(&RegionsPage {
        ui: Ui::new(&p, "registry"),
        rows,
    }))
}

#[derive(Template)]
#[template(path = "committees.html")]
struct CommitteesPage {
    ui: Ui,
    rows: Vec<CommitteeView>,
}

async fn committees(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s.svc.committees(&p.who).await.map_err(fail(p.lang))?;
    Ok(render(&CommitteesPage {
        ui: Ui::new(&p, "registry"),
        rows,
    }))
}

#[derive(Template)]
#[template(path = "departments.html")]
struct DepartmentsPage {
    ui: Ui,
    rows: Vec<DepartmentRow>,
}

async fn departments(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s.svc.departments(&p.who).await.map_err(fail(p.lang))?;
    Ok(render(&DepartmentsPage {
        ui: Ui::new(&p, "registry"),
        rows,
    }))
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct EnterprisesPage {
    ui: Ui,
    rows: Vec<EnterpriseRow>,
    pager: Pager,
    villages: Vec<(i64, String)>,
    industries: &'static [Industry],
    filter_region: String,
    filter_industry: String,
    filter_high_risk: String,
    filter_q: String,
    can_create: bool,
}

async fn enterprises(
    State(s): State<AppState>,
    p: Page,
    Query(q): Query<EnterpriseQuery>,
) -> PageResult {
    let f = fail(p.lang);
    let page = s.svc.enterprises(&p.who, &q).await.map_err(&f)?;
    let villages = s
        .svc
        .villages(&p.who)
        .await
        .map_err(&f)?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    let pager = Pager::new(&p.here, page.page, page.per_page, page.total);
    let can_create = p.who.role != Role::Enterprise && p.who.role != Role::Monitor;
    Ok(render(&EnterprisesPage {
        ui: Ui::new(&p, "registry"),
        rows: page.rows,
        pager,
        villages,
        industries: CATALOGUE,
        filter_region: q.region_id.unwrap_or_default(),
        filter_industry: q.industry.unwrap_or_default(),
        filter_high_risk: q.high_risk.unwrap_or_default(),
        filter_q: q.q.unwrap_or_default(),
        can_create,
    }))
}

async fn enterprises_xlsx(State(s): State<AppState>, p: Page) -> PageResult {
    let t = s
        .svc
        .enterprise_table(&p.who, p.lang)
        .await
        .map_err(fail(p.lang))?;
    xlsx(&[t], "enterprises.xlsx", p.lang)
}

#[derive(Template)]
#[template(path = "enterprise_form.html")]
struct EnterpriseForm {
    ui: Ui,
    title: String,
    action: String,
    cancel: String,
    f: FormState,
    regions: Vec<(i64, String)>,
    industries: &'static [Industry],
    scales: Vec<&'static str>,
    grades: Vec<&'static str>,
    fringes: Vec<&'static str>,
}

async fn enterprise_form(
    s: &AppState,
    p: &Page,
    id: Option<i64>,
    f: FormState,
    status: StatusCode,
) -> PageResult {
    let regions = region_choices(&s.svc.region_tree(&p.who).await.unwrap_or_default());
    let (title, action, cancel) = match id {
        Some(id) => (
            p.lang.t("action.edit_enterprise").to_string(),
            format!("/enterprises/{id}"),
            format!("/enterprises/{id}"),
        ),
        None => (
            p.lang.t("action.new_enterprise").to_string(),
            "/enterprises".to_string(),
            "/enterprises".to_string(),
        ),
    };
    let form = EnterpriseForm {
        ui: Ui::new(p, "registry"),
        title,
        action,
        cancel,
        f,
        regions,
        industries: CATALOGUE,
        scales: Scale::ALL.iter().map(|x| x.as_str()).collect(),
        grades: StandardGrade::ALL.iter().map(|x| x.as_str()).collect(),
        fringes: FringeTreatment::ALL.iter().map(|x| x.as_str()).collect(),
    };
    Ok(render_status(status, &form))
}

fn pairs_of(input: &EnterpriseInput) -> Vec<(String, String)> {
    match serde_json::to_value(input) {
        Ok(serde_json::Value::Object(m)) => m
            .into_iter()
            .map(|(k, v)| (k, v.as_str().unwrap_or("").to_string()))
            .collect(),
        _ => vec![],
    }
}

async fn new_enterprise(State(s): State<AppState>, p: Page) -> PageResult {
    let f = FormState::from_pairs(&[("scale".into(), "small".into())]);
    enterprise_form(&s, &p, None, f, StatusCode::OK).await
}

/// Saves a form (create when `id` is `None`); on refusal the form comes back with the values as
/// typed and each error beside its field.
async fn save_enterprise(
    s: &AppState,
    p: &Page,
    id: Option<i64>,
    pairs: Vec<(String, String)>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: EnterpriseInput = input_from(&pairs, &[]).map_err(|_| {
        PageError::Service(
            Error::Invalid(safegrid_domain::Invalid::one("body", "json.invalid")),
            p.lang,
        )
    })?;
    let result = match id {
        Some(id) => s.svc.update_enterprise(&p.who, id, &input).await,
        None => s.svc.create_enterprise(&p.who, &input).await,
    };
    match result {
        Ok(e) => Ok(Redirect::to(&format!("/enterprises/{}?saved=1", e.id)).into_response()),
        Err(Error::Invalid(inv)) => {
            let f = FormState::from_pairs(&pairs).with_errors(&inv, p.lang);
            enterprise_form(s, p, id, f, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(PageError::Service(e, p.lang)),
    }
}

async fn create_enterprise(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save_enterprise(&s, &p, None, pairs).await
}

async fn update_enterprise(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    save_enterprise(&s, &p, Some(id), pairs).await
}

async fn edit_enterprise(State(s): State<AppState>, p: Page, Path(id): Path<i64>) -> PageResult {
    let e = s.svc.enterprise(&p.who, id).await.map_err(fail(p.lang))?;
    let f = FormState::from_pairs(&pairs_of(&row_input(&e)));
    enterprise_form(&s, &p, Some(id), f, StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "enterprise.html")]
struct EnterprisePage {
    ui: Ui,
    e: EnterpriseRow,
    posts: Vec<safegrid_store::posts::PostRow>,
    group: Option<LiaisonGroupRow>,
    /// The blacklist listings in force.
    listings: Vec<safegrid_service::enforcement::ListingView>,
    /// The safety rating: grade, score and its reasons in words.
    rating: Option<(&'static str, i64, String)>,
    can_edit: bool,
    saved: bool,
}

async fn enterprise(
    State(s): State<AppState>,
    p: Page,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> PageResult {
    let f = fail(p.lang);
    let e = s.svc.enterprise(&p.who, id).await.map_err(&f)?;
    let group = s.svc.liaison_group_of(&p.who, id).await.map_err(&f)?;
    let can_edit = p.who.can_write_enterprise(EnterpriseFacts {
        id: Some(e.id),
        region_path: &e.region_path,
        industry_code: &e.industry_code,
    });
    let posts = s.svc.posts(&p.who, id).await.map_err(&f)?;
    Ok(render(&EnterprisePage {
        listings: s.svc.listings_of(e.id).await.map_err(&f)?,
        rating: s.svc.rating_of(&p.who, e.id).await.map_err(&f)?.map(|r| {
            let ui = Ui::new(&p, "registry");
            (
                r.rating.grade.as_str(),
                r.rating.score,
                super::ratings::reasons_text(&ui, &r.rating.reasons),
            )
        }),
        ui: Ui::new(&p, "registry"),
        e,
        posts,
        group,
        can_edit,
        saved: flash.saved.is_some(),
    }))
}

#[derive(Template)]
#[template(path = "liaison_groups.html")]
struct LiaisonGroupsPage {
    ui: Ui,
    rows: Vec<LiaisonGroupRow>,
}

async fn liaison_groups(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s.svc.liaison_groups(&p.who).await.map_err(fail(p.lang))?;
    Ok(render(&LiaisonGroupsPage {
        ui: Ui::new(&p, "registry"),
        rows,
    }))
}

async fn assign_liaison_group(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: LiaisonGroupInput = input_from(&pairs, &["member_ids"])
        .map_err(|_| PageError::Service(Error::NotFound, p.lang))?;
    match s.svc.put_liaison_group(&p.who, &input).await {
        Ok(_) => Ok(Redirect::to("/coverage?saved=1#no-liaison").into_response()),
        Err(Error::Invalid(inv)) => {
            let code = inv
                .errors
                .first()
                .map(|e| e.code.clone())
                .unwrap_or_else(|| "error.invalid".into());
            Ok(Redirect::to(&format!("/coverage?error={code}#no-liaison")).into_response())
        }
        Err(e) => Err(PageError::Service(e, p.lang)),
    }
}

#[derive(Template)]
#[template(path = "key_units.html")]
struct KeyUnitsPage {
    ui: Ui,
    rows: Vec<KeyUnitRow>,
}

async fn key_units(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s.svc.key_units(&p.who).await.map_err(fail(p.lang))?;
    Ok(render(&KeyUnitsPage {
        ui: Ui::new(&p, "registry"),
        rows,
    }))
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    ui: Ui,
    rows: Vec<PersonRow>,
    pager: Pager,
    villages: Vec<(i64, String)>,
    roles: Vec<&'static str>,
    filter_region: String,
    filter_role: String,
    filter_q: String,
    can_create: bool,
}

async fn people(State(s): State<AppState>, p: Page, Query(q): Query<PersonQuery>) -> PageResult {
    let f = fail(p.lang);
    let page = s.svc.people(&p.who, &q).await.map_err(&f)?;
    let villages = s
        .svc
        .villages(&p.who)
        .await
        .map_err(&f)?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    Ok(render(&PeoplePage {
        pager: Pager::new(&p.here, page.page, page.per_page, page.total),
        rows: page.rows,
        villages,
        roles: PersonRole::ALL.iter().map(|r| r.as_str()).collect(),
        filter_region: q.region_id.unwrap_or_default(),
        filter_role: q.role.unwrap_or_default(),
        filter_q: q.q.unwrap_or_default(),
        can_create: p.who.can_write_people(&p.who.region_path),
        ui: Ui::new(&p, "registry"),
    }))
}

async fn people_xlsx(State(s): State<AppState>, p: Page) -> PageResult {
    let t = s
        .svc
        .people_table(&p.who, p.lang)
        .await
        .map_err(fail(p.lang))?;
    xlsx(&[t], "people.xlsx", p.lang)
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonForm {
    ui: Ui,
    f: FormState,
    regions: Vec<(i64, String)>,
    roles: Vec<&'static str>,
}

async fn person_form(s: &AppState, p: &Page, f: FormState, status: StatusCode) -> PageResult {
    let mut regions = region_choices(&s.svc.region_tree(&p.who).await.unwrap_or_default());
    // Town-level people (leaders, office staff) belong to the town itself.
    if let Ok(tree) = s.svc.region_tree(&p.who).await {
        for r in tree.iter().filter(|r| r.level == "town") {
            regions.insert(0, (r.id, r.name.clone()));
        }
    }
    let form = PersonForm {
        ui: Ui::new(p, "registry"),
        f,
        regions,
        roles: PersonRole::ALL.iter().map(|r| r.as_str()).collect(),
    };
    Ok(render_status(status, &form))
}

async fn new_person(
    State(s): State<AppState>,
    p: Page,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    person_form(&s, &p, FormState::from_pairs(&pairs), StatusCode::OK).await
}

async fn create_person(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let input: PersonInput =
        input_from(&pairs, &["roles"]).map_err(|_| PageError::Service(Error::NotFound, p.lang))?;
    match s.svc.create_person(&p.who, &input).await {
        Ok(_) => Ok(Redirect::to("/people").into_response()),
        Err(Error::Invalid(inv)) => {
            person_form(
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

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage {
    ui: Ui,
    title: String,
    rows: Vec<AuditRow>,
}

async fn history(
    State(s): State<AppState>,
    p: Page,
    Path((t, id)): Path<(String, i64)>,
) -> PageResult {
    let rows = s
        .svc
        .entity_history(&p.who, &t, id)
        .await
        .map_err(fail(p.lang))?;
    let title = format!("{} · {t} {id}", p.lang.t("action.history"));
    Ok(render(&HistoryPage {
        ui: Ui::new(&p, "registry"),
        title,
        rows,
    }))
}

async fn audit(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s
        .svc
        .recent_audit(&p.who, 200)
        .await
        .map_err(fail(p.lang))?;
    Ok(render(&HistoryPage {
        ui: Ui::new(&p, "system"),
        title: p.lang.t("nav.audit").into(),
        rows,
    }))
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ui: Ui,
    rows: Vec<UserRow>,
}

async fn users(State(s): State<AppState>, p: Page) -> PageResult {
    let rows = s.svc.list_users(&p.who).await.map_err(fail(p.lang))?;
    Ok(render(&UsersPage {
        ui: Ui::new(&p, "system"),
        rows,
    }))
}
