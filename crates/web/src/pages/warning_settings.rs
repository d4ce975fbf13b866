//! The office's warning settings on a page: what a warning asks of each kind of recipient (the
//! required-action rules, in order, first match wins) and the channels messages go out by (the
//! answer-link address, the SMS gateway, SMTP and the group robots).

use super::{csrf_of, field, words};
use crate::AppState;
use crate::ctx::Page;
use crate::error::PageError;
use crate::view::{Ui, fail, render_status};
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use safegrid_domain::Invalid;
use safegrid_domain::alarm::Level;
use safegrid_domain::delivery::{
    Channel, Channels, SmsGateway, Smtp, SmtpSecurity, Webhook, WebhookFormat,
};
use safegrid_domain::warning::{ActionRule, ActionRules, Reached, RequiredAction, WarningKind};
use safegrid_service::Error;
use serde::Deserialize;

type PageResult = Result<Response, PageError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/warnings/settings", get(page))
        .route("/warnings/settings/actions", post(save_rules))
        .route("/warnings/settings/channels", post(save_channels))
}

/// A rule as the form shows it: codes throughout.
struct RuleRow {
    reached: Vec<String>,
    kinds: Vec<String>,
    min_level: String,
    actions: Vec<String>,
}

impl RuleRow {
    fn of(r: &ActionRule) -> RuleRow {
        RuleRow {
            reached: r.reached.clone(),
            kinds: r.kinds.iter().map(|k| k.as_str().to_string()).collect(),
            min_level: r.min_level.as_str().into(),
            actions: r.actions.iter().map(|a| a.as_str().to_string()).collect(),
        }
    }

    /// Whether `codes` (one of this row's lists) holds `code`, for the form's selections.
    fn has(&self, codes: &[String], code: &str) -> bool {
        codes.iter().any(|c| c == code)
    }

    fn blank() -> RuleRow {
        RuleRow {
            reached: vec![],
            kinds: vec![],
            min_level: Level::Orange.as_str().into(),
            actions: vec![],
        }
    }
}

#[derive(askama::Template)]
#[template(path = "warning_settings.html")]
struct SettingsPage {
    ui: Ui,
    rules: Vec<RuleRow>,
    channels: Channels,
    /// (key, label) of every way someone can be reached.
    reached: Vec<(String, String)>,
    kinds: Vec<&'static str>,
    levels: Vec<&'static str>,
    actions: Vec<&'static str>,
    all_channels: Vec<&'static str>,
    formats: Vec<&'static str>,
    securities: Vec<&'static str>,
    /// (path, name): the whole town and each village, for a robot's group.
    regions: Vec<(String, String)>,
    message: Option<String>,
    error: Option<String>,
}

impl SettingsPage {
    /// Whether the channels send first by `c`, for the form's checkboxes.
    fn first_has(&self, c: &str) -> bool {
        self.channels.first.iter().any(|x| x.as_str() == c)
    }
}

async fn show(
    s: &AppState,
    p: &Page,
    rules: Option<Vec<RuleRow>>,
    channels: Option<Channels>,
    message: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let fl = fail(p.lang);
    if !p.who.can_configure() {
        return Err(fl(Error::Forbidden));
    }
    let mut rules = match rules {
        Some(r) => r,
        None => s
            .svc
            .action_rules()
            .await
            .map_err(&fl)?
            .rules
            .iter()
            .map(RuleRow::of)
            .collect(),
    };
    rules.push(RuleRow::blank());
    let channels = match channels {
        Some(c) => c,
        None => s.svc.channels().await.map_err(&fl)?,
    };
    let ui = Ui::new(p, "monitoring");
    let mut regions = vec![("/".to_string(), ui.t("settings.whole_town").to_string())];
    regions.extend(
        s.svc
            .villages(&p.who)
            .await
            .map_err(&fl)?
            .into_iter()
            .map(|r| (r.path, r.name)),
    );
    let reached = Reached::keys()
        .into_iter()
        .map(|k| {
            let l = p.lang.reached(&k);
            (k, l)
        })
        .collect();
    Ok(render_status(
        status,
        &SettingsPage {
            rules,
            channels,
            reached,
            kinds: WarningKind::ALL.iter().map(|k| k.as_str()).collect(),
            levels: Level::ALL.iter().map(|l| l.as_str()).collect(),
            actions: RequiredAction::ALL.iter().map(|a| a.as_str()).collect(),
            all_channels: Channel::ALL.iter().map(|c| c.as_str()).collect(),
            formats: WebhookFormat::ALL.iter().map(|f| f.as_str()).collect(),
            securities: SmtpSecurity::ALL.iter().map(|x| x.as_str()).collect(),
            regions,
            message,
            error,
            ui,
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Saved {
    saved: Option<String>,
}

async fn page(State(s): State<AppState>, p: Page, Query(q): Query<Saved>) -> PageResult {
    let message = q.saved.map(|_| p.lang.t("settings.saved").to_string());
    show(&s, &p, None, None, message, None, StatusCode::OK).await
}

/// Every value of a repeated field (a group of checkboxes, a multiple select).
fn all<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
        .collect()
}

/// The rules from the form: rows `r{i}.*` in the order of their position numbers; a row marked
/// to drop, and the blank row left blank, are left out.
fn rules_of(pairs: &[(String, String)]) -> (Vec<RuleRow>, Result<ActionRules, Invalid>) {
    let rows: usize = field(pairs, "rows").parse().unwrap_or(0).min(200);
    let mut kept: Vec<(f64, usize, RuleRow)> = Vec::new();
    for i in 0..rows {
        let f = |x: &str| format!("r{i}.{x}");
        let row = RuleRow {
            reached: all(pairs, &f("reached"))
                .into_iter()
                .map(String::from)
                .collect(),
            kinds: all(pairs, &f("kinds"))
                .into_iter()
                .map(String::from)
                .collect(),
            min_level: field(pairs, &f("min_level")).to_string(),
            actions: all(pairs, &f("actions"))
                .into_iter()
                .map(String::from)
                .collect(),
        };
        if !field(pairs, &f("drop")).is_empty()
            || (row.reached.is_empty() && row.actions.is_empty())
        {
            continue;
        }
        let pos = field(pairs, &f("pos")).parse().unwrap_or(i as f64 + 1.0);
        kept.push((pos, i, row));
    }
    kept.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let rows: Vec<RuleRow> = kept.into_iter().map(|(_, _, r)| r).collect();
    let mut errs = Invalid::default();
    let mut rules = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let mut pick = |field: &str, codes: &[String], ok: &dyn Fn(&str) -> bool| {
            if codes.iter().any(|c| !ok(c)) {
                errs.push(format!("rules.{i}.{field}"), "choice");
            }
        };
        pick("kinds", &r.kinds, &|c| WarningKind::parse(c).is_some());
        pick("actions", &r.actions, &|c| {
            RequiredAction::parse(c).is_some()
        });
        let min_level = Level::parse(&r.min_level);
        if min_level.is_none() {
            errs.push(format!("rules.{i}.min_level"), "choice");
        }
        rules.push(ActionRule {
            reached: r.reached.clone(),
            kinds: r
                .kinds
                .iter()
                .filter_map(|c| WarningKind::parse(c))
                .collect(),
            min_level: min_level.unwrap_or(Level::Red),
            actions: r
                .actions
                .iter()
                .filter_map(|c| RequiredAction::parse(c))
                .collect(),
        });
    }
    let out = errs.into_result().map(|()| ActionRules { rules });
    (rows, out)
}

async fn save_rules(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let (rows, rules) = rules_of(&pairs);
    let result = match rules {
        Ok(r) => s.svc.set_action_rules(&p.who, &r).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/warnings/settings?saved=1#actions").into_response()),
        Err(Error::Invalid(e)) => {
            let msg = Some(words(&p, &e));
            show(
                &s,
                &p,
                Some(rows),
                None,
                None,
                msg,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}

/// A number field; not a number reads as zero, which the checks name.
fn num<T: std::str::FromStr + Default>(pairs: &[(String, String)], name: &str) -> T {
    field(pairs, name).parse().unwrap_or_default()
}

/// The channels from the form. A secret left blank keeps the one stored; the SMS gateway is on
/// when it has an address, SMTP when it has a sender; a robot row with neither name nor address
/// is left out.
fn channels_of(pairs: &[(String, String)], before: &Channels) -> Channels {
    let text = |n: &str| field(pairs, n).to_string();
    let keep = |n: &str, old: Option<&str>| match field(pairs, n) {
        "" => old.unwrap_or("").to_string(),
        v => v.to_string(),
    };
    let sms = (!field(pairs, "sms.url").is_empty()).then(|| SmsGateway {
        url: text("sms.url"),
        content_type: text("sms.content_type"),
        body_template: text("sms.body_template"),
        per_second: num(pairs, "sms.per_second"),
        inbound_secret: keep(
            "sms.inbound_secret",
            before.sms.as_ref().map(|s| s.inbound_secret.as_str()),
        ),
    });
    let smtp = (!field(pairs, "smtp.from").is_empty()).then(|| Smtp {
        host: text("smtp.host"),
        port: num(pairs, "smtp.port"),
        security: SmtpSecurity::parse(field(pairs, "smtp.security")).unwrap_or(SmtpSecurity::None),
        from: text("smtp.from"),
        username: Some(text("smtp.username")).filter(|u| !u.is_empty()),
        password: Some(keep(
            "smtp.password",
            before.smtp.as_ref().and_then(|m| m.password.as_deref()),
        ))
        .filter(|p| !p.is_empty()),
        per_second: num(pairs, "smtp.per_second"),
    });
    let rows: usize = num::<usize>(pairs, "webhook_rows").min(100);
    let webhooks = (0..rows)
        .filter_map(|i| {
            let f = |x: &str| format!("w{i}.{x}");
            if field(pairs, &f("name")).is_empty() && field(pairs, &f("url")).is_empty()
                || !field(pairs, &f("drop")).is_empty()
            {
                return None;
            }
            Some(Webhook {
                name: field(pairs, &f("name")).into(),
                format: WebhookFormat::parse(field(pairs, &f("format")))
                    .unwrap_or(WebhookFormat::Json),
                url: field(pairs, &f("url")).into(),
                region_path: field(pairs, &f("region_path")).into(),
                per_minute: num(pairs, &f("per_minute")),
            })
        })
        .collect();
    Channels {
        base_url: text("base_url"),
        first: all(pairs, "first")
            .into_iter()
            .filter_map(Channel::parse)
            .collect(),
        sms,
        smtp,
        webhooks,
        timeout_secs: num(pairs, "timeout_secs"),
    }
}

async fn save_channels(
    State(s): State<AppState>,
    p: Page,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    p.check_csrf(csrf_of(&pairs))?;
    let before = s.svc.channels().await.map_err(fail(p.lang))?;
    let c = channels_of(&pairs, &before);
    match s.svc.set_channels(&p.who, &c).await {
        Ok(()) => Ok(Redirect::to("/warnings/settings?saved=1#channels").into_response()),
        Err(Error::Invalid(e)) => {
            let msg = Some(words(&p, &e));
            show(
                &s,
                &p,
                None,
                Some(c),
                None,
                msg,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(fail(p.lang)(e)),
    }
}
