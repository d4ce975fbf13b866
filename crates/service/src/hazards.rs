//! Hazards (事故隐患): reporting, the lifecycle's steps with who may take them, lists and the
//! progress tables (打表推进).

use crate::{Error, Result, Service, audit, ensure};
use chrono::NaiveDate;
use safegrid_domain::Invalid;
use safegrid_domain::access::{EnterpriseFacts, Principal, Role};
use safegrid_domain::error::{optional_text, required_text};
use safegrid_domain::hazard::{
    self, Action, HazardFacts, HazardGrade, HazardSource, HazardStatus, RectificationInput, Side,
    parse_date,
};
use safegrid_domain::industry;
use safegrid_store::Page;
use safegrid_store::hazards::{self, HazardFilter, HazardRow, Lifecycle, NewHazard, SummaryRow};
use safegrid_store::{enterprises, regions};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Today in Beijing time, the day deadlines are counted in.
pub fn today() -> NaiveDate {
    safegrid_domain::local_time::day_of(chrono::Utc::now())
}

/// A hazard as reported by a form or the API.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HazardInput {
    pub enterprise_id: String,
    pub region_id: String,
    pub name: String,
    pub description: String,
    pub location: String,
    pub source: String,
    /// `YYYY-MM-DD`; today when empty.
    pub found_on: String,
    pub criterion: String,
}

/// A lifecycle step as a form or the API sends it; which fields matter depends on `action`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StepInput {
    pub action: String,
    pub grade: String,
    pub reason: String,
    pub responsible: String,
    pub measures: String,
    pub funds: String,
    pub deadline: String,
    pub contingency: String,
    pub evidence: String,
    /// `true`/`false` for a verification.
    pub passed: String,
    pub supervising_body: String,
}

impl StepInput {
    fn to_action(&self, today: NaiveDate) -> std::result::Result<Action, Invalid> {
        let date = |field: &str, v: &str| -> std::result::Result<NaiveDate, Invalid> {
            if v.trim().is_empty() {
                return Err(Invalid::one(field, "required"));
            }
            parse_date(v).ok_or_else(|| Invalid::one(field, "date.form"))
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(match self.action.as_str() {
            "grade" => Action::Grade {
                grade: HazardGrade::parse(self.grade.trim())
                    .ok_or_else(|| Invalid::one("grade", "choice"))?,
                reason: opt(&self.reason),
            },
            "order_rectification" => Action::OrderRectification(
                RectificationInput {
                    responsible: self.responsible.clone(),
                    measures: self.measures.clone(),
                    funds: self.funds.clone(),
                    deadline: self.deadline.clone(),
                    contingency: self.contingency.clone(),
                }
                .validate(today)?,
            ),
            "request_extension" => Action::RequestExtension {
                deadline: date("deadline", &self.deadline)?,
                reason: self.reason.clone(),
            },
            "approve_extension" => Action::ApproveExtension,
            "refuse_extension" => Action::RefuseExtension {
                reason: self.reason.clone(),
            },
            "submit_rectification" => Action::SubmitRectification {
                evidence: self.evidence.clone(),
            },
            "verify" => Action::Verify {
                passed: match self.passed.trim() {
                    "true" => true,
                    "false" => false,
                    _ => return Err(Invalid::one("passed", "choice")),
                },
                reason: opt(&self.reason),
            },
            "close_on_spot" => Action::CloseOnSpot {
                evidence: self.evidence.clone(),
            },
            "list" => Action::List {
                body: self.supervising_body.clone(),
                deadline: date("deadline", &self.deadline)?,
            },
            "delist" => Action::Delist,
            _ => return Err(Invalid::one("action", "choice")),
        })
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HazardQuery {
    pub region_id: Option<String>,
    pub enterprise_id: Option<String>,
    pub status: Option<String>,
    pub grade: Option<String>,
    /// `open`, `overdue`, `due_week`, `listed` or empty.
    pub view: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn facts_of(h: &HazardRow) -> HazardFacts {
    HazardFacts {
        status: HazardStatus::parse(&h.status).unwrap_or(HazardStatus::Reported),
        grade: h.grade.as_deref().and_then(HazardGrade::parse),
        criterion: h.criterion.clone(),
        listed: h.listed,
        deadline: h.deadline,
        requested_deadline: h.requested_deadline,
        rectified_by: h.rectified_by,
    }
}

/// Which side of the lifecycle a caller is on for a hazard, if any.
pub fn side_of(who: &Principal, h: &HazardRow) -> Option<Side> {
    let inside = who.role == Role::Admin
        || safegrid_domain::region::is_within(&h.region_path, &who.region_path);
    match who.role {
        Role::Enterprise => (h.enterprise_id.is_some() && h.enterprise_id == who.enterprise_id)
            .then_some(Side::Enterprise),
        Role::Admin | Role::Leader | Role::EmergencyOffice if inside => Some(Side::Government),
        // A department acts on hazards of the industries it supervises, and on places.
        Role::Department if inside => match &h.industry_code {
            Some(code) => industry::supervises(who.supervised.iter().map(String::as_str), code)
                .then_some(Side::Government),
            None => Some(Side::Government),
        },
        // Village cadres look after hazards of places in their village that belong to no enterprise.
        Role::Village if inside && h.enterprise_id.is_none() => Some(Side::Government),
        _ => None,
    }
}

fn can_see(who: &Principal, h: &HazardRow) -> bool {
    match who.role {
        Role::Enterprise => h.enterprise_id.is_some() && h.enterprise_id == who.enterprise_id,
        _ => who.can_read_region(&h.region_path),
    }
}

/// Stores a reported hazard with its audit entry, inside the caller's transaction (an
/// inspection creates its hazards in the same transaction as its results).
pub(crate) async fn insert_hazard(
    tx: &mut safegrid_store::Tx,
    who: &Principal,
    new: &NewHazard<'_>,
) -> Result<HazardRow> {
    let id = hazards::insert(tx, new).await?;
    let row = hazards::get(&mut *tx, id).await?.ok_or(Error::NotFound)?;
    audit::record(tx, who, "report", "hazard", id, None::<&()>, Some(&row)).await?;
    Ok(row)
}

/// One line of a progress table (打表推进).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProgressLine {
    pub key: String,
    pub label: String,
    pub found: i64,
    pub rectifying: i64,
    pub overdue: i64,
    pub closed: i64,
    pub major: i64,
    /// Major hazards not yet closed.
    pub major_open: i64,
    pub listed_open: i64,
    /// Closed ÷ found, in per cent with one decimal.
    pub closure_rate: f64,
    /// Average days from found to closed, of the closed ones.
    pub avg_days_to_close: f64,
}

impl Service {
    pub async fn report_hazard(&self, who: &Principal, input: &HazardInput) -> Result<HazardRow> {
        let mut tx = self.store.begin().await?;
        let row = self.report_hazard_in(&mut tx, who, input).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// [`Service::report_hazard`] inside a transaction of the caller's (a hazard made from
    /// something else, recorded with it at once).
    pub(crate) async fn report_hazard_in(
        &self,
        tx: &mut safegrid_store::Tx,
        who: &Principal,
        input: &HazardInput,
    ) -> Result<HazardRow> {
        let today = today();
        let mut errs = Invalid::default();
        let title = required_text(&mut errs, "name", &input.name, 100);
        let description = optional_text(&mut errs, "description", Some(&input.description), 2000);
        let location = optional_text(&mut errs, "location", Some(&input.location), 200);
        let criterion = optional_text(&mut errs, "criterion", Some(&input.criterion), 40);
        let source = match input.source.trim() {
            "" => HazardSource::Inspection,
            s => HazardSource::parse(s).unwrap_or_else(|| {
                errs.push("source", "choice");
                HazardSource::Other
            }),
        };
        let found_on = match input.found_on.trim() {
            "" => today,
            s => match parse_date(s) {
                Some(d) if d > today => {
                    errs.push("found_on", "date.future");
                    today
                }
                Some(d) => d,
                None => {
                    errs.push("found_on", "date.form");
                    today
                }
            },
        };
        let enterprise_id = crate::registry::parse_opt_id(Some(&input.enterprise_id));
        let region_id = crate::registry::parse_opt_id(Some(&input.region_id));
        if enterprise_id.is_none() && region_id.is_none() {
            errs.push("region_id", "required");
        }
        errs.into_result()?;
        let region_id = match enterprise_id {
            Some(eid) => {
                let e = enterprises::get(&mut *tx, eid)
                    .await?
                    .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
                ensure(who.can_read_enterprise(EnterpriseFacts {
                    id: Some(e.id),
                    region_path: &e.region_path,
                    industry_code: &e.industry_code,
                }))?;
                e.region_id
            }
            None => {
                let rid = region_id.unwrap_or_default();
                let r = regions::get(&mut *tx, rid)
                    .await?
                    .ok_or_else(|| Invalid::one("region_id", "not_a_reference"))?;
                ensure(who.can_read_region(&r.path))?;
                rid
            }
        };
        let new = NewHazard {
            enterprise_id,
            region_id,
            title: &title,
            description: description.as_deref(),
            location: location.as_deref(),
            source: source.as_str(),
            found_on,
            criterion: criterion.as_deref(),
            reported_by: who.user_id,
        };
        insert_hazard(tx, who, &new).await
    }

    pub async fn hazard(&self, who: &Principal, id: i64) -> Result<HazardRow> {
        let h = hazards::get(&self.store, id)
            .await?
            .ok_or(Error::NotFound)?;
        if !can_see(who, &h) {
            return Err(Error::NotFound);
        }
        Ok(h)
    }

    /// Takes one step of a hazard's lifecycle.
    pub async fn hazard_step(
        &self,
        who: &Principal,
        id: i64,
        input: &StepInput,
    ) -> Result<HazardRow> {
        self.hazard_step_on(who, id, input, today()).await
    }

    /// [`Service::hazard_step`] as of a given day (the demo writes history with it).
    pub async fn hazard_step_on(
        &self,
        who: &Principal,
        id: i64,
        input: &StepInput,
        today: NaiveDate,
    ) -> Result<HazardRow> {
        let action = input.to_action(today)?;
        let mut tx = self.store.begin().await?;
        let before = hazards::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        if !can_see(who, &before) {
            return Err(Error::NotFound);
        }
        let side = side_of(who, &before).ok_or(Error::Forbidden)?;
        let after = hazard::apply(&facts_of(&before), &action, side, who.user_id, today)?;
        let (mut responsible, mut measures, mut funds, mut contingency) = (
            before.responsible.clone(),
            before.measures.clone(),
            before.funds_fen,
            before.contingency.clone(),
        );
        let (mut body, mut listing_deadline) =
            (before.listing_body.clone(), before.listing_deadline);
        match &action {
            Action::OrderRectification(r) => {
                responsible = Some(r.responsible.clone());
                measures = Some(r.measures.clone());
                funds = Some(r.funds_fen);
                contingency = Some(r.contingency.clone());
            }
            Action::List { body: b, deadline } => {
                body = Some(b.clone());
                listing_deadline = Some(*deadline);
            }
            _ => {}
        }
        let closed_on = if after.status == HazardStatus::Closed {
            before.closed_on.or(Some(today))
        } else {
            None
        };
        hazards::update_lifecycle(
            &mut tx,
            id,
            &Lifecycle {
                status: after.status.as_str(),
                grade: after.grade.map(|g| g.as_str()),
                listed: after.listed,
                listing_body: body.as_deref(),
                listing_deadline,
                responsible: responsible.as_deref(),
                measures: measures.as_deref(),
                funds_fen: funds,
                deadline: after.deadline,
                contingency: contingency.as_deref(),
                requested_deadline: after.requested_deadline,
                rectified_by: after.rectified_by,
                closed_on,
            },
        )
        .await?;
        let row = hazards::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        if matches!(
            action,
            Action::OrderRectification(_)
                | Action::ApproveExtension
                | Action::Verify { passed: false, .. }
        ) {
            crate::clocks::schedule(&mut tx, self, &row).await?;
        }
        // The step's own words (reason, evidence) go into the history with the record.
        let step = serde_json::json!({ "step": input, "hazard": &row });
        audit::record(
            &mut tx,
            who,
            action.name(),
            "hazard",
            id,
            Some(&before),
            Some(&step),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// The steps the caller may take on a hazard now (for the buttons of its page).
    pub fn hazard_steps(&self, who: &Principal, h: &HazardRow) -> Vec<&'static str> {
        let Some(side) = side_of(who, h) else {
            return vec![];
        };
        let f = facts_of(h);
        let probe_day = today();
        let far = probe_day + chrono::Duration::days(3650);
        let probes: Vec<Action> = vec![
            Action::Grade {
                grade: HazardGrade::General,
                reason: Some("x".into()),
            },
            Action::OrderRectification(hazard::Rectification {
                responsible: "x".into(),
                measures: "x".into(),
                funds_fen: 0,
                deadline: far,
                contingency: "x".into(),
            }),
            Action::RequestExtension {
                deadline: far + chrono::Duration::days(1),
                reason: "x".into(),
            },
            Action::ApproveExtension,
            Action::RefuseExtension { reason: "x".into() },
            Action::SubmitRectification {
                evidence: "x".into(),
            },
            Action::Verify {
                passed: true,
                reason: Some("x".into()),
            },
            Action::CloseOnSpot {
                evidence: "x".into(),
            },
            Action::List {
                body: "x".into(),
                deadline: far,
            },
            Action::Delist,
        ];
        // A step is offered when the lifecycle would accept it from this caller with complete input.
        probes
            .into_iter()
            .filter(|a| hazard::apply(&f, a, side, who.user_id, probe_day).is_ok())
            .map(|a| a.name())
            .collect()
    }

    pub async fn hazards(&self, who: &Principal, q: &HazardQuery) -> Result<Page<HazardRow>> {
        let scope = who.scope();
        let region_path = match crate::registry::parse_opt_id(q.region_id.as_deref()) {
            Some(id) => Some(
                self.region(who, id)
                    .await
                    .map_err(|_| Error::Forbidden)?
                    .path,
            ),
            None => None,
        };
        let view = q.view.as_deref().unwrap_or("");
        let f = HazardFilter {
            scope,
            region_path,
            enterprise_id: crate::registry::parse_opt_id(q.enterprise_id.as_deref()),
            status: q.status.clone(),
            open: view == "open",
            grade: q.grade.clone(),
            listed: (view == "listed").then_some(true),
            overdue_on: (view == "overdue").then(today),
            due_between: (view == "due_week")
                .then(|| (today(), today() + chrono::Duration::days(7))),
            q: q.q.clone(),
            page: q.page.unwrap_or(1),
            per_page: q.per_page.unwrap_or(20),
        };
        Ok(hazards::list(&self.store, &f).await?)
    }

    /// A progress table with its total line.
    pub async fn hazard_progress_with_total(
        &self,
        who: &Principal,
        by: &str,
        lang: crate::Lang,
    ) -> Result<(Vec<ProgressLine>, ProgressLine)> {
        let lines = self.hazard_progress(who, by, lang).await?;
        let total = self
            .hazard_progress(who, "all", lang)
            .await?
            .into_iter()
            .next()
            .unwrap_or_default();
        Ok((lines, total))
    }

    /// A progress table (打表推进) grouped by `by`: `village`, `industry`, `grade`, `status`, or
    /// `all` for one line of everything. Read from the summary the write paths keep, plus the
    /// open hazards past their deadline today; an enterprise's own table is counted directly.
    pub async fn hazard_progress(
        &self,
        who: &Principal,
        by: &str,
        lang: crate::Lang,
    ) -> Result<Vec<ProgressLine>> {
        let today = today();
        let summary = if who.role == Role::Enterprise {
            None
        } else {
            hazards::summary(&self.store, &who.region_path, by).await?
        };
        let (rows, overdue) = match summary {
            Some(rows) => (
                rows,
                hazards::overdue_counts(&self.store, &who.region_path, today, by).await?,
            ),
            // An enterprise's own table, or a scope below the village level, is counted directly.
            None => {
                let enterprise =
                    (who.role == Role::Enterprise).then(|| who.enterprise_id.unwrap_or(-1));
                let own = hazards::tallies(&self.store, &who.region_path, enterprise).await?;
                summarise(&own, today)
            }
        };
        let villages: BTreeMap<String, String> = if by == "village" {
            regions::at_level(&self.store, &who.region_path, "village")
                .await?
                .into_iter()
                .map(|r| (r.path, r.name))
                .collect()
        } else {
            BTreeMap::new()
        };
        let label_of = |r: &SummaryRow| -> (String, String) {
            match by {
                "village" => match villages.get(&r.village_path) {
                    Some(n) => (r.village_path.clone(), n.clone()),
                    None => ("~".into(), lang.t("progress.town_level").to_string()),
                },
                "industry" => {
                    let label = industry::find(&r.section)
                        .map(|i| {
                            if lang == crate::Lang::Zh {
                                i.name_zh
                            } else {
                                i.name_en
                            }
                        })
                        .unwrap_or(lang.t("progress.no_enterprise"));
                    (r.section.clone(), label.to_string())
                }
                "all" => ("all".to_string(), lang.t("progress.total").to_string()),
                "grade" => (
                    r.grade.clone(),
                    lang.t(&format!("hazard_grade.{}", r.grade)).to_string(),
                ),
                _ => (
                    r.status.clone(),
                    lang.t(&format!("hazard_status.{}", r.status)).to_string(),
                ),
            }
        };
        let mut lines: BTreeMap<String, ProgressLine> = BTreeMap::new();
        // Every village has its line, a village with nothing found included.
        for (path, name) in &villages {
            lines.insert(
                path.clone(),
                ProgressLine {
                    key: path.clone(),
                    label: name.clone(),
                    ..Default::default()
                },
            );
        }
        let mut days: BTreeMap<String, i64> = BTreeMap::new();
        for r in &rows {
            let (key, label) = label_of(r);
            let line = lines.entry(key.clone()).or_insert_with(|| ProgressLine {
                key: key.clone(),
                label,
                ..Default::default()
            });
            line.found += r.n;
            if r.status == "closed" {
                line.closed += r.n;
                *days.entry(key).or_default() += r.closed_days;
            } else {
                line.rectifying += r.n;
                if r.listed {
                    line.listed_open += r.n;
                }
                if r.grade == "major" {
                    line.major_open += r.n;
                }
            }
            if r.grade == "major" {
                line.major += r.n;
            }
        }
        for r in &overdue {
            let (key, label) = label_of(r);
            lines
                .entry(key.clone())
                .or_insert_with(|| ProgressLine {
                    key,
                    label,
                    ..Default::default()
                })
                .overdue += r.n;
        }
        let mut out: Vec<ProgressLine> = lines.into_values().collect();
        for l in &mut out {
            l.closure_rate = if l.found > 0 {
                (l.closed as f64 * 1000.0 / l.found as f64).round() / 10.0
            } else {
                0.0
            };
            l.avg_days_to_close = if l.closed > 0 {
                (*days.get(&l.key).unwrap_or(&0) as f64 * 10.0 / l.closed as f64).round() / 10.0
            } else {
                0.0
            };
        }
        Ok(out)
    }
}

/// Counts hazards by summary key, and those open past their deadline on `today`.
fn summarise(
    rows: &[hazards::HazardTally],
    today: NaiveDate,
) -> (Vec<SummaryRow>, Vec<SummaryRow>) {
    let mut all: BTreeMap<(String, String, String, String, bool), (i64, i64)> = BTreeMap::new();
    let mut late: BTreeMap<(String, String, String, String, bool), i64> = BTreeMap::new();
    for t in rows {
        let key = (
            safegrid_domain::region::village_path_of(&t.region_path),
            t.industry_code
                .as_deref()
                .map(hazards::section_of)
                .unwrap_or_else(|| "-".into()),
            t.grade.clone().unwrap_or_else(|| "ungraded".into()),
            t.status.clone(),
            t.listed,
        );
        let e = all.entry(key.clone()).or_default();
        e.0 += 1;
        e.1 += t
            .closed_on
            .map(|c| (c - t.found_on).num_days().max(0))
            .unwrap_or(0);
        if t.status != "closed" && t.deadline.is_some_and(|d| d < today) {
            *late.entry(key).or_default() += 1;
        }
    }
    let row =
        |(v, s, g, st, l): (String, String, String, String, bool), n: i64, d: i64| SummaryRow {
            village_path: v,
            section: s,
            grade: g,
            status: st,
            listed: l,
            n,
            closed_days: d,
        };
    (
        all.into_iter().map(|(k, (n, d))| row(k, n, d)).collect(),
        late.into_iter().map(|(k, n)| row(k, n, 0)).collect(),
    )
}
