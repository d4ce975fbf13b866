//! Incidents: recorded by the office or the village where they happened, graded from their
//! figures (up only, within the window), reported upward against the statutory clocks, with a
//! timeline. A report not made by its time is flagged and escalated to the office and the
//! leaders, through the job table like every other clock.

use crate::{Error, Result, Service, audit, ensure};
use chrono::{DateTime, Utc};
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::incident::{
    self, FiguresInput, GradeInput, IncidentInput, IncidentKind, Link, LinkInput, ReportClocks,
    ReportInput, ReportStage,
};
use safegrid_domain::region::is_within;
use safegrid_store::Tx;
use safegrid_store::incidents::{self as store, IncidentRow, LogRow, ReportRow};
use safegrid_store::jobs;
use serde::{Deserialize, Serialize};

const CLOCKS_KEY: &str = "incident_clocks";
/// The kind of the job that checks a report was made in time.
pub(crate) const CLOCK: &str = "incident.report_clock";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ClockPayload {
    incident_id: i64,
    stage: ReportStage,
    due: DateTime<Utc>,
}

/// The report owed next and whether its time has passed.
#[derive(Debug, Clone, Serialize)]
pub struct NextReport {
    pub stage: ReportStage,
    pub due: DateTime<Utc>,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentDetail {
    pub incident: IncidentRow,
    pub reports: Vec<ReportRow>,
    pub log: Vec<LogRow>,
    pub next_report: Option<NextReport>,
    /// The statistics, ledgers, relief and investigation.
    pub disaster: crate::disaster::DisasterView,
    /// The hazards and warnings linked to it by hand, those the caller may see.
    pub linked_hazards: Vec<safegrid_store::hazards::HazardRow>,
    pub linked_warnings: Vec<safegrid_store::warnings::WarningRow>,
}

fn kind_of(row: &IncidentRow) -> Result<IncidentKind> {
    IncidentKind::parse(&row.kind).ok_or_else(|| Error::Internal(row.kind.clone()))
}

/// The report an incident owes next by the clocks, from the reports made so far.
fn next_report(
    clocks: &ReportClocks,
    row: &IncidentRow,
    made: &[(ReportStage, DateTime<Utc>)],
    now: DateTime<Utc>,
) -> Result<Option<NextReport>> {
    Ok(clocks
        .next_due(kind_of(row)?, row.known_at, made, row.ended_at)
        .map(|(stage, due)| NextReport {
            stage,
            due,
            overdue: due < now,
        }))
}

/// The reports made, as the clocks read them.
fn made(reports: &[ReportRow]) -> Vec<(ReportStage, DateTime<Utc>)> {
    reports
        .iter()
        .filter_map(|r| ReportStage::parse(&r.stage).map(|s| (s, r.reported_at)))
        .collect()
}

impl Service {
    pub async fn incident_clocks(&self) -> Result<ReportClocks> {
        self.config(CLOCKS_KEY).await
    }

    pub async fn set_incident_clocks(&self, who: &Principal, c: &ReportClocks) -> Result<()> {
        ensure(who.can_configure())?;
        c.validate()?;
        self.put_config(who, CLOCKS_KEY, c).await
    }

    /// Records an incident in a region the caller may record in; its first report's clock starts.
    pub async fn create_incident(
        &self,
        who: &Principal,
        input: &IncidentInput,
    ) -> Result<IncidentDetail> {
        let d = input.validate(Utc::now())?;
        let mut tx = self.store.begin().await?;
        let region =
            crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_record_incident(&region.path))?;
        if let Some(e) = d.enterprise_id {
            safegrid_store::enterprises::get(&mut tx, e)
                .await?
                .filter(|e| e.region_path.starts_with(&region.path))
                .ok_or_else(|| {
                    safegrid_domain::Invalid::one("enterprise_id", "incident.enterprise_elsewhere")
                })?;
        }
        if let Some(o) = d.object_id {
            safegrid_store::monitoring::object(&mut tx, o)
                .await?
                .filter(|o| o.region_path.starts_with(&region.path))
                .ok_or_else(|| {
                    safegrid_domain::Invalid::one("object_id", "incident.object_elsewhere")
                })?;
        }
        let grade = incident::grade_of(d.kind, &incident::Figures::default(), false);
        let id = store::insert(
            &mut tx,
            &d,
            &region.path,
            grade.map(|g| g.as_str()),
            crate::actor(who),
        )
        .await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "incident",
            id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        self.schedule_report_clock(&mut tx, id).await?;
        let row = store::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        self.open_investigation_if_required(&mut tx, who, &row, &row.figures())
            .await?;
        tx.commit().await?;
        self.wake.jobs.notify_one();
        self.incident(who, id).await
    }

    pub async fn incidents(&self, who: &Principal) -> Result<Vec<IncidentRow>> {
        ensure(who.can_read_incident(&who.region_path))?;
        Ok(store::list(&self.store, &who.region_path, 500).await?)
    }

    /// The incidents with the report each owes, for the list and its export: the reports of
    /// all of them read in one query.
    pub async fn incident_list(
        &self,
        who: &Principal,
    ) -> Result<Vec<(IncidentRow, Option<NextReport>)>> {
        let rows = self.incidents(who).await?;
        let reports = store::reports_within(&self.store, &who.region_path).await?;
        let clocks = self.incident_clocks().await?;
        let now = Utc::now();
        rows.into_iter()
            .map(|row| {
                let made: Vec<(ReportStage, DateTime<Utc>)> = reports
                    .iter()
                    .filter(|r| r.0 == row.id)
                    .filter_map(|r| ReportStage::parse(&r.1).map(|s| (s, r.2)))
                    .collect();
                let next = next_report(&clocks, &row, &made, now)?;
                Ok((row, next))
            })
            .collect()
    }

    pub async fn incident(&self, who: &Principal, id: i64) -> Result<IncidentDetail> {
        let row = store::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_incident(&row.region_path) {
            return Err(Error::NotFound);
        }
        let reports = store::reports(&self.store, id).await?;
        let clocks = self.incident_clocks().await?;
        let next_report = next_report(&clocks, &row, &made(&reports), Utc::now())?;
        let mut linked_hazards = Vec::new();
        for h in store::links(&self.store, id, "hazard").await? {
            if let Ok(h) = self.hazard(who, h).await {
                linked_hazards.push(h);
            }
        }
        let mut linked_warnings = Vec::new();
        for w in store::links(&self.store, id, "warning").await? {
            if let Some(w) = safegrid_store::warnings::get(&self.store, w).await?
                && who.can_read_warning(&w.region_path)
            {
                linked_warnings.push(w);
            }
        }
        Ok(IncidentDetail {
            linked_hazards,
            linked_warnings,
            log: store::log(&self.store, id).await?,
            disaster: crate::disaster::load(&self.store, id).await?,
            incident: row,
            reports,
            next_report,
        })
    }

    /// Loads an incident the caller may record on, in the transaction that changes it.
    pub(crate) async fn recording(
        &self,
        tx: &mut Tx,
        who: &Principal,
        id: i64,
    ) -> Result<IncidentRow> {
        let row = store::get(&mut *tx, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_incident(&row.region_path) {
            return Err(Error::NotFound);
        }
        ensure(who.can_record_incident(&row.region_path))?;
        Ok(row)
    }

    /// New casualty and loss figures: the grade is computed again (up only within the window),
    /// a change of grade audited as such and written in the timeline.
    pub async fn set_incident_figures(
        &self,
        who: &Principal,
        id: i64,
        input: &FiguresInput,
    ) -> Result<IncidentDetail> {
        let figures = input.validate()?;
        let mut tx = self.store.begin().await?;
        let before = self.recording(&mut tx, who, id).await?;
        let kind = kind_of(&before)?;
        let current = before.grade.as_deref().and_then(incident::Grade::parse);
        let now = Utc::now();
        let grade = incident::regrade(kind, current, &figures, before.occurred_at, now);
        store::set_figures(&mut tx, id, &figures, grade.map(|g| g.as_str())).await?;
        let after = store::get(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            "set_figures",
            "incident",
            id,
            Some(&before),
            after.as_ref(),
        )
        .await?;
        let mut entry = format!(
            "伤亡损失更新：死亡{}人、失踪{}人、重伤{}人，直接经济损失{:.2}万元",
            figures.deaths,
            figures.missing,
            figures.serious_injuries,
            figures.direct_loss_fen as f64 / 1_000_000.0
        );
        if grade != current {
            audit::record(
                &mut tx,
                who,
                "regrade",
                "incident",
                id,
                Some(&current),
                Some(&grade),
            )
            .await?;
            entry.push_str(&format!(
                "；等级调整为{}",
                grade.map(|g| g.as_str()).unwrap_or("-")
            ));
        }
        store::add_log(&mut tx, id, now, &entry, crate::actor(who)).await?;
        self.open_investigation_if_required(&mut tx, who, &before, &figures)
            .await?;
        tx.commit().await?;
        self.wake.jobs.notify_one();
        self.incident(who, id).await
    }

    /// Sets the grade by hand: one the figures do not give needs a written reason, kept with it
    /// and audited.
    pub async fn set_incident_grade(
        &self,
        who: &Principal,
        id: i64,
        input: &GradeInput,
    ) -> Result<IncidentDetail> {
        let mut tx = self.store.begin().await?;
        let before = self.recording(&mut tx, who, id).await?;
        let (grade, reason) = input.validate(kind_of(&before)?, &before.figures())?;
        store::set_grade(&mut tx, id, grade.as_str(), reason.as_deref()).await?;
        audit::record(
            &mut tx,
            who,
            "set_grade",
            "incident",
            id,
            Some(&(&before.grade, &before.grade_reason)),
            Some(&(grade, &reason)),
        )
        .await?;
        let entry = match &reason {
            Some(r) => format!("等级人工认定为{}：{r}", grade.as_str()),
            None => format!("等级人工确认为{}", grade.as_str()),
        };
        store::add_log(&mut tx, id, Utc::now(), &entry, crate::actor(who)).await?;
        tx.commit().await?;
        self.incident(who, id).await
    }

    /// Names the on-site commander (现场指挥官): one of the town's staff or of the incident's
    /// own area.
    pub async fn set_incident_commander(
        &self,
        who: &Principal,
        id: i64,
        person_id: &str,
    ) -> Result<IncidentDetail> {
        let pid: i64 = person_id
            .trim()
            .parse()
            .map_err(|_| Invalid::one("person_id", "not_a_reference"))?;
        let mut tx = self.store.begin().await?;
        let row = self.recording(&mut tx, who, id).await?;
        let person = safegrid_store::people::get(&mut tx, pid)
            .await?
            .filter(|p| {
                who.can_read_region(&p.region_path)
                    && (is_within(&row.region_path, &p.region_path)
                        || is_within(&p.region_path, &row.region_path))
            })
            .ok_or_else(|| Invalid::one("person_id", "not_a_reference"))?;
        store::set_commander(&mut tx, id, pid).await?;
        audit::record(
            &mut tx,
            who,
            "set_commander",
            "incident",
            id,
            Some(&row.commander_id),
            Some(&pid),
        )
        .await?;
        let entry = format!("现场指挥官：{}（{}）", person.name, person.mobile);
        store::add_log(&mut tx, id, Utc::now(), &entry, crate::actor(who)).await?;
        tx.commit().await?;
        self.incident(who, id).await
    }

    /// What the incident's forms offer: the people who may be named its commander (the caller's
    /// own level and the incident's area) and the live warnings that may be linked.
    pub async fn incident_choices(
        &self,
        who: &Principal,
        row: &IncidentRow,
    ) -> Result<(
        Vec<safegrid_store::people::PersonRow>,
        Vec<safegrid_store::warnings::WarningRow>,
    )> {
        ensure(who.can_read_incident(&row.region_path))?;
        let people = safegrid_store::people::all_within(&self.store, &who.region_path)
            .await?
            .into_iter()
            .filter(|p| {
                p.region_path == who.region_path || is_within(&p.region_path, &row.region_path)
            })
            .collect();
        let warnings = if who.can_read_warning(&who.region_path) {
            safegrid_store::warnings::list(&self.store, &who.region_path, true).await?
        } else {
            Vec::new()
        };
        Ok((people, warnings))
    }

    /// Links a warning or a hazard the caller may see to the incident, once.
    pub async fn link_to_incident(
        &self,
        who: &Principal,
        id: i64,
        input: &LinkInput,
    ) -> Result<IncidentDetail> {
        let link = input.validate()?;
        let entry = match link {
            Link::Hazard(h) => {
                let h = self
                    .hazard(who, h)
                    .await
                    .map_err(|_| Invalid::one("hazard_id", "not_a_reference"))?;
                format!("关联隐患#{}：{}", h.id, h.title)
            }
            Link::Warning(w) => {
                let w = safegrid_store::warnings::get(&self.store, w)
                    .await?
                    .filter(|w| who.can_read_warning(&w.region_path))
                    .ok_or_else(|| Invalid::one("warning_id", "not_a_reference"))?;
                format!("关联预警#{}：{}", w.id, w.headline)
            }
        };
        let (Link::Hazard(target) | Link::Warning(target)) = link;
        let mut tx = self.store.begin().await?;
        self.recording(&mut tx, who, id).await?;
        if !store::link(&mut tx, id, link.kind(), target).await? {
            let field = match link {
                Link::Hazard(_) => "hazard_id",
                Link::Warning(_) => "warning_id",
            };
            return Err(Invalid::one(field, "incident.linked_already").into());
        }
        audit::record(
            &mut tx,
            who,
            "link",
            "incident",
            id,
            None::<&()>,
            Some(&link),
        )
        .await?;
        store::add_log(&mut tx, id, Utc::now(), &entry, crate::actor(who)).await?;
        tx.commit().await?;
        self.incident(who, id).await
    }

    /// A report made upward; the clock of the next one starts.
    pub async fn report_incident(
        &self,
        who: &Principal,
        id: i64,
        input: &ReportInput,
    ) -> Result<IncidentDetail> {
        let mut tx = self.store.begin().await?;
        let row = self.recording(&mut tx, who, id).await?;
        let made: Vec<ReportStage> = made(&store::reports(&mut tx, id).await?)
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        let (stage, at, summary) =
            input.validate(Utc::now(), kind_of(&row)?, &made, row.status == "ended")?;
        let rid =
            store::add_report(&mut tx, id, stage.as_str(), at, &summary, crate::actor(who)).await?;
        audit::record(
            &mut tx,
            who,
            "report",
            "incident",
            id,
            None::<&()>,
            Some(&(rid, stage, at)),
        )
        .await?;
        self.schedule_report_clock(&mut tx, id).await?;
        tx.commit().await?;
        self.wake.jobs.notify_one();
        self.incident(who, id).await
    }

    /// An entry of the timeline (what was done, who arrived, what was found).
    pub async fn log_incident(
        &self,
        who: &Principal,
        id: i64,
        entry: &str,
    ) -> Result<IncidentDetail> {
        let entry = entry.trim();
        if entry.is_empty() {
            return Err(Invalid::one("entry", "required").into());
        }
        if entry.chars().count() > 2000 {
            return Err(Invalid::one("entry", "too_long").into());
        }
        let mut tx = self.store.begin().await?;
        self.recording(&mut tx, who, id).await?;
        store::add_log(&mut tx, id, Utc::now(), entry, crate::actor(who)).await?;
        tx.commit().await?;
        self.incident(who, id).await
    }

    /// Ends the incident (the response is over); the final report's clock starts.
    pub async fn end_incident(&self, who: &Principal, id: i64) -> Result<IncidentDetail> {
        let mut tx = self.store.begin().await?;
        let before = self.recording(&mut tx, who, id).await?;
        let now = Utc::now();
        if !store::end(&mut tx, id, now).await? {
            return Err(Invalid::one("status", "incident.not_open").into());
        }
        let after = store::get(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            "end",
            "incident",
            id,
            Some(&before),
            after.as_ref(),
        )
        .await?;
        store::add_log(&mut tx, id, now, "应急处置结束", crate::actor(who)).await?;
        self.schedule_report_clock(&mut tx, id).await?;
        tx.commit().await?;
        self.wake.jobs.notify_one();
        self.incident(who, id).await
    }

    /// Schedules the check of the report owed next (once per report and due time).
    async fn schedule_report_clock(&self, tx: &mut Tx, id: i64) -> Result<()> {
        let Some(row) = store::get(&mut *tx, id).await? else {
            return Ok(());
        };
        let reports = store::reports(&mut *tx, id).await?;
        let clocks = self.incident_clocks().await?;
        let Some(next) = next_report(&clocks, &row, &made(&reports), Utc::now())? else {
            return Ok(());
        };
        let payload = ClockPayload {
            incident_id: id,
            stage: next.stage,
            due: next.due,
        };
        let json = serde_json::to_string(&payload).map_err(|e| Error::Internal(e.to_string()))?;
        jobs::schedule(
            tx,
            CLOCK,
            &format!(
                "incident:{id}:{}:{}",
                next.stage.as_str(),
                next.due.timestamp()
            ),
            &json,
            next.due,
        )
        .await?;
        Ok(())
    }

    /// At a report's due time: if it is still the one owed, the office and the leaders over the
    /// incident are told it is late, and the timeline says so.
    pub(crate) async fn incident_clock(&self, tx: &mut Tx, job: &jobs::JobRow) -> Result<()> {
        let p: ClockPayload =
            serde_json::from_str(&job.payload).map_err(|e| Error::Internal(e.to_string()))?;
        let Some(row) = store::get(&mut *tx, p.incident_id).await? else {
            return Ok(());
        };
        let reports = store::reports(&mut *tx, p.incident_id).await?;
        let clocks = self.incident_clocks().await?;
        let still_owed = next_report(&clocks, &row, &made(&reports), Utc::now())?
            .is_some_and(|n| n.stage == p.stage && n.due == p.due);
        if !still_owed {
            return Ok(());
        }
        let stage = match p.stage {
            ReportStage::Accident => "事故报告(1小时内)",
            ReportStage::Initial => "灾情初报(2小时内)",
            ReportStage::Update => "续报",
            ReportStage::Final => "核报",
        };
        let title = format!("{}：{stage}已超时", row.title);
        let body = format!(
            "{}（{}）的{stage}应于{}前报送，至今未报，请立即报送。",
            row.title,
            row.region_name,
            safegrid_domain::local_time::display(p.due)
        );
        let link = format!("/incidents/{}", row.id);
        for u in crate::office_and_leaders(tx, &row.region_path).await? {
            jobs::send(tx, u, &title, &body, Some(&link), Some(job.id)).await?;
        }
        store::add_log(
            tx,
            row.id,
            Utc::now(),
            &format!("{stage}超时未报，已提醒应急办和镇领导"),
            None,
        )
        .await?;
        Ok(())
    }
}

/// Everything the command page of an incident shows at once.
#[derive(Debug, Clone, Serialize)]
pub struct CommandView {
    pub detail: IncidentDetail,
    /// Every dispatch of stock to the incident, in order.
    pub dispatched: Vec<safegrid_store::stock::MovementRow>,
    /// Dispatched per item: (item, unit, quantity).
    pub totals: Vec<(String, String, i64)>,
    /// The live warnings over the incident's area or the area holding it.
    pub warnings: Vec<safegrid_store::warnings::WarningRow>,
    /// The rescue teams sent.
    pub teams: Vec<safegrid_store::teams::SentRow>,
    pub mark: String,
}

impl Service {
    /// The command page's view of an incident (for the command centre's big screen).
    pub async fn command(&self, who: &Principal, id: i64) -> Result<CommandView> {
        let detail = self.incident(who, id).await?;
        let dispatched = safegrid_store::stock::dispatched_to(&self.store, id).await?;
        let mut totals: Vec<(String, String, i64)> = Vec::new();
        for m in &dispatched {
            match totals
                .iter_mut()
                .find(|t| t.0 == m.item_name && t.1 == m.unit)
            {
                Some(t) => t.2 += m.quantity,
                None => totals.push((m.item_name.clone(), m.unit.clone(), m.quantity)),
            }
        }
        let path = detail.incident.region_path.clone();
        let mut warnings: Vec<safegrid_store::warnings::WarningRow> = if who
            .can_read_monitoring(&who.region_path)
        {
            safegrid_store::warnings::list(&self.store, &who.region_path, true)
                .await?
                .into_iter()
                .filter(|w| is_within(&path, &w.region_path) || is_within(&w.region_path, &path))
                .collect()
        } else {
            Vec::new()
        };
        for w in &detail.linked_warnings {
            if !warnings.iter().any(|x| x.id == w.id) {
                warnings.push(w.clone());
            }
        }
        Ok(CommandView {
            teams: safegrid_store::teams::sent_to(&self.store, id).await?,
            mark: store::mark(&self.store, id).await?,
            detail,
            dispatched,
            totals,
            warnings,
        })
    }

    /// The mark of the command page (see [`store::mark`]), for its event stream.
    pub async fn command_mark(&self, who: &Principal, id: i64) -> Result<String> {
        let row = store::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_incident(&row.region_path) {
            return Err(Error::NotFound);
        }
        Ok(store::mark(&self.store, id).await?)
    }
}
