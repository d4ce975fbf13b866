//! What pages share: the chrome around every page ([`Ui`]), paging, form state, and rendering.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use safegrid_domain::Invalid;
use safegrid_domain::access::Role;
use safegrid_service::Lang;
use std::collections::HashMap;

/// A service failure as a page error in the caller's language.
pub fn fail(lang: Lang) -> impl Fn(safegrid_service::Error) -> crate::error::PageError {
    move |e| crate::error::PageError::Service(e, lang)
}

/// Tables as an Excel download.
/// Money in fen as yuan with two decimals, without the unit (for a sheet's cell).
pub fn yuan_text(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

/// A page shown again with a refusal is 422; without one, 200.
pub fn error_status(error: &Option<String>) -> StatusCode {
    if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

pub fn xlsx(
    tables: &[safegrid_service::xlsx::Table],
    filename: &str,
    lang: Lang,
) -> Result<Response, crate::error::PageError> {
    let bytes = safegrid_service::xlsx::workbook(tables).map_err(fail(lang))?;
    let headers = [
        (
            axum::http::header::CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
        ),
        (
            axum::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ),
    ];
    Ok((headers, bytes).into_response())
}

/// Renders a template, or a plain error page if the template fails.
pub fn render<T: Template>(t: &T) -> Response {
    render_status(StatusCode::OK, t)
}

pub fn render_status<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!("template: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// The page around the content: language, who is logged in, which section is open.
pub struct Ui {
    pub lang: Lang,
    pub username: String,
    pub role: Role,
    pub csrf: String,
    /// The section of the work plan the page belongs to, for the navigation.
    pub section: &'static str,
    pub here: String,
    pub unread: i64,
}

impl Ui {
    pub fn new(p: &crate::ctx::Page, section: &'static str) -> Ui {
        Ui {
            lang: p.lang,
            username: p.who.username.clone(),
            role: p.who.role,
            csrf: p.csrf.clone(),
            section,
            here: p.here.clone(),
            unread: p.unread,
        }
    }

    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        self.lang.t(key)
    }

    /// The label of an enumeration value, e.g. `label("scale", "small")`.
    pub fn label(&self, prefix: &str, value: &str) -> String {
        self.lang.t(&format!("{prefix}.{value}")).to_string()
    }

    /// Comma-separated codes as their labels.
    pub fn labels(&self, prefix: &str, values: &str) -> String {
        let sep = if self.lang == Lang::Zh { "、" } else { ", " };
        values
            .split(',')
            .filter(|v| !v.is_empty())
            .map(|v| self.label(prefix, v))
            .collect::<Vec<_>>()
            .join(sep)
    }

    pub fn industry(&self, code: &str) -> String {
        match safegrid_domain::industry::find(code) {
            Some(i) if self.lang == Lang::Zh => format!("{} {}", i.code, i.name_zh),
            Some(i) => format!("{} {}", i.code, i.name_en),
            None => code.to_string(),
        }
    }

    /// `on` for the open section or sub-page, for the navigation's highlight.
    pub fn on(&self, section: &str) -> &'static str {
        if self.section == section || self.here.split('?').next() == Some(section) {
            "on"
        } else {
            ""
        }
    }

    /// The grade of a hazard as a coloured badge with its word (never colour alone).
    pub fn grade_badge(&self, grade: &Option<String>) -> String {
        match grade.as_deref() {
            Some("major") => format!(
                "<span class=\"badge red\">{}</span>",
                self.t("hazard_grade.major")
            ),
            Some("general") => format!(
                "<span class=\"badge yellow\">{}</span>",
                self.t("hazard_grade.general")
            ),
            _ => format!(
                "<span class=\"muted\">{}</span>",
                self.t("hazard_grade.ungraded")
            ),
        }
    }

    /// "逾期 N 天" for an open hazard past its deadline, as a badge; empty otherwise.
    pub fn overdue(&self, h: &safegrid_store::hazards::HazardRow) -> String {
        let today = safegrid_service::hazards::today();
        match h.deadline {
            Some(d) if h.status != "closed" && d < today => {
                let days = (today - d).num_days();
                format!(
                    "<span class=\"badge red\">{}</span>",
                    self.t("hazard.overdue_days")
                        .replace("{n}", &days.to_string())
                )
            }
            _ => String::new(),
        }
    }

    /// Money in fen as yuan with two decimals.
    pub fn yuan(&self, fen: &Option<i64>) -> String {
        match fen {
            Some(f) => format!("{} {}", yuan_text(*f), self.t("unit.yuan")),
            None => String::new(),
        }
    }

    /// A checklist's name in this language.
    pub fn template_name(&self, code: &str) -> String {
        match safegrid_domain::inspection::template(code) {
            Some(t) if self.lang == Lang::Zh => t.name_zh.to_string(),
            Some(t) => t.name_en.to_string(),
            None => code.to_string(),
        }
    }

    /// The text of a checklist item.
    pub fn item_text(&self, template: &str, item: &str) -> &'static str {
        safegrid_domain::inspection::template(template)
            .and_then(|t| t.item(item))
            .map(|i| i.text)
            .unwrap_or("")
    }

    /// `prefix.code`, for form fields named after a checklist item.
    pub fn key2(&self, prefix: &str, code: &str) -> String {
        format!("{prefix}.{code}")
    }

    /// A risk level as a badge in its national colour, with its word.
    pub fn level_badge(&self, level: &str) -> String {
        let class = match level {
            "major" => "red",
            "significant" => "orange",
            "general" => "yellow",
            _ => "blue",
        };
        format!(
            "<span class=\"badge {class}\">{}</span>",
            self.t(&format!("risk_level.{level}"))
        )
    }

    pub fn risk_score(&self, p: &safegrid_store::risks::RiskPointRow) -> String {
        safegrid_service::risks::score_text(p)
    }

    pub fn risk_method(&self, p: &safegrid_store::risks::RiskPointRow) -> &'static str {
        safegrid_service::risks::method_of(p)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn can_audit(&self) -> bool {
        matches!(
            self.role,
            Role::Admin | Role::Leader | Role::EmergencyOffice
        )
    }

    pub fn is_enterprise(&self) -> bool {
        self.role == Role::Enterprise
    }

    /// Sees the year's targets, plan and training (everyone bound to a region but monitors).
    pub fn sees_targets(&self) -> bool {
        !matches!(self.role, Role::Monitor | Role::Enterprise)
    }

    /// Sets town-wide settings such as the targets' goals and weights.
    pub fn can_configure(&self) -> bool {
        matches!(self.role, Role::Admin | Role::EmergencyOffice)
    }

    /// Sees enforcement cases (everyone but monitors; an enterprise its own).
    pub fn sees_cases(&self) -> bool {
        self.role != Role::Monitor
    }

    /// This page in the other language.
    pub fn other_lang_link(&self) -> String {
        let other = if self.lang == Lang::Zh { "en" } else { "zh" };
        with_param(&self.here, "lang", other)
    }

    pub fn other_lang_name(&self) -> &'static str {
        if self.lang == Lang::Zh {
            "English"
        } else {
            "中文"
        }
    }

    pub fn opt<'a>(&self, v: &'a Option<String>) -> &'a str {
        v.as_deref().unwrap_or("")
    }

    /// A time as people read it here: Beijing time, minutes.
    pub fn time(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        safegrid_domain::local_time::display(*t)
    }

    /// A reading's time (ms since the epoch) in Beijing time.
    pub fn ms_time(&self, ms: &i64) -> String {
        chrono::DateTime::from_timestamp_millis(*ms)
            .map(safegrid_domain::local_time::display)
            .unwrap_or_default()
    }

    pub fn time_text(&self, rfc3339: &str) -> String {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .map(|t| self.time(&t.with_timezone(&chrono::Utc)))
            .unwrap_or_else(|_| rfc3339.to_string())
    }

    pub fn today(&self) -> String {
        self.time(&chrono::Utc::now())[..10].to_string()
    }
}

/// `url` with query parameter `key` set to `value` (added or replaced).
pub fn with_param(url: &str, key: &str, value: &str) -> String {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with(&format!("{key}=")))
        .map(String::from)
        .collect();
    parts.push(format!("{key}={}", crate::error::url_encode(value)));
    format!("{path}?{}", parts.join("&"))
}

/// Links of a paged list.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub fn new(here: &str, page: i64, per_page: i64, total: i64) -> Pager {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| with_param(here, "page", &(page - 1).to_string())),
            next: (page < pages).then(|| with_param(here, "page", &(page + 1).to_string())),
        }
    }
}

/// A form's values as typed and its errors by field, so a form re-shown with errors loses nothing.
#[derive(Default)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
}

impl FormState {
    pub fn from_pairs(pairs: &[(String, String)]) -> FormState {
        let mut values: HashMap<String, String> = HashMap::new();
        for (k, v) in pairs {
            values
                .entry(k.clone())
                .and_modify(|e| {
                    e.push(',');
                    e.push_str(v)
                })
                .or_insert_with(|| v.clone());
        }
        FormState {
            values,
            errors: HashMap::new(),
        }
    }

    pub fn with_errors(mut self, inv: &Invalid, lang: Lang) -> FormState {
        for e in &inv.errors {
            self.errors
                .entry(e.field.clone())
                .or_insert_with(|| lang.t(&e.code).to_string());
        }
        self
    }

    pub fn v(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.v(name).split(',').any(|x| x == value)
    }

    pub fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }

    pub fn is_empty_errors(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The choices of the region field for the caller: villages, communities and their groups.
pub fn region_choices(rows: &[safegrid_store::regions::RegionRow]) -> Vec<(i64, String)> {
    let by_id: HashMap<i64, &str> = rows.iter().map(|r| (r.id, r.name.as_str())).collect();
    rows.iter()
        .filter(|r| r.level == "village" || r.level == "group")
        .map(|r| {
            let name = match (r.level.as_str(), r.parent_id.and_then(|p| by_id.get(&p))) {
                ("group", Some(parent)) => format!("{parent} {}", r.name),
                _ => r.name.clone(),
            };
            (r.id, name)
        })
        .collect()
}

/// `?year=` of a yearly page or report: the year asked for (2000 to 2100), or this year in
/// Beijing.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

impl YearQuery {
    pub fn or_this(&self) -> i32 {
        use chrono::Datelike;
        self.year
            .filter(|y| (2000..=2100).contains(y))
            .unwrap_or_else(|| safegrid_domain::local_time::day_of(chrono::Utc::now()).year())
    }
}
