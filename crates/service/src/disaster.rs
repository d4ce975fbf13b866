//! After an incident: the disaster statistics per village with their ledgers, the affected
//! households' 五有 and the guarantee rate, the rebuilding of damaged houses, and the
//! investigation (一案双查 or 调查评估) tracked to its report and the accountability decided. A
//! report not in by its day is escalated to the office and the leaders through the job table.

use crate::{Error, Result, Service, audit, ensure};
use chrono::{NaiveDate, Utc};
use safegrid_domain::access::Principal;
use safegrid_domain::disaster::{
    CasualtyInput, GuaranteeRate, HouseInput, LedgerCounts, Rebuild, ReliefInput, StatsInput,
    VillageStats,
};
use safegrid_domain::incident::{Figures, IncidentKind};
use safegrid_domain::investigation::{
    self, InvestigationFacts, InvestigationKind, InvestigationStatus, StepInput,
};
use safegrid_domain::region::is_within;
use safegrid_domain::{Invalid, local_time};
use safegrid_store::disaster::{
    self as store, CasualtyRow, HouseRow, InvestigationRow, ReliefRow, StatsRow,
};
use safegrid_store::incidents::{self as incidents_store, IncidentRow};
use safegrid_store::{Store, Tx, jobs};
use serde::{Deserialize, Serialize};

/// The kind of the job that checks an investigation reported by its day.
pub(crate) const CLOCK: &str = "investigation.report_clock";

/// A village's statistics and where its ledgers fall short of them.
#[derive(Debug, Clone, Serialize)]
pub struct VillageLine {
    pub row: StatsRow,
    /// Locale codes: `disaster.gap_dead`, `disaster.gap_missing`, `disaster.gap_houses`.
    pub gaps: Vec<&'static str>,
}

/// An investigation with its due day.
#[derive(Debug, Clone, Serialize)]
pub struct InvestigationView {
    pub row: InvestigationRow,
    pub due: NaiveDate,
    pub overdue: bool,
}

/// Everything after the incident itself, as its page, the command page and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct DisasterView {
    pub villages: Vec<VillageLine>,
    pub total: VillageStats,
    pub casualties: Vec<CasualtyRow>,
    pub houses: Vec<HouseRow>,
    pub relief: Vec<ReliefRow>,
    /// The guarantee rate per village, and over all.
    pub rates: Vec<(String, GuaranteeRate)>,
    pub rate: GuaranteeRate,
    pub investigation: Option<InvestigationView>,
}

fn facts_of(row: &InvestigationRow) -> Result<InvestigationFacts> {
    let bad = || Error::Internal(format!("investigation {}", row.id));
    Ok(InvestigationFacts {
        kind: InvestigationKind::parse(&row.kind).ok_or_else(bad)?,
        status: InvestigationStatus::parse(&row.status).ok_or_else(bad)?,
        opened_on: safegrid_domain::hazard::parse_date(&row.opened_on).ok_or_else(bad)?,
        extended_days: row.extended_days,
    })
}

fn investigation_view(row: InvestigationRow, today: NaiveDate) -> Result<InvestigationView> {
    let f = facts_of(&row)?;
    Ok(InvestigationView {
        due: f.due(),
        overdue: f.overdue(today),
        row,
    })
}

/// The guarantee rate per village of the households given, villages in the order first met.
pub fn rates_by_village(relief: &[ReliefRow]) -> Vec<(String, GuaranteeRate)> {
    let mut names: Vec<&str> = Vec::new();
    for r in relief {
        if !names.contains(&r.region_name.as_str()) {
            names.push(&r.region_name);
        }
    }
    names
        .into_iter()
        .map(|n| {
            let fives: Vec<_> = relief
                .iter()
                .filter(|r| r.region_name == n)
                .map(|r| r.five())
                .collect();
            (n.to_string(), GuaranteeRate::of(&fives))
        })
        .collect()
}

/// Reads the view of an incident.
pub(crate) async fn load(st: &Store, incident_id: i64) -> Result<DisasterView> {
    let stats = store::stats(st, incident_id).await?;
    let casualties = store::casualties(st, incident_id).await?;
    let houses = store::houses(st, incident_id).await?;
    let relief = store::relief(st, incident_id).await?;
    let investigation = store::investigation(st, incident_id).await?;
    let villages = stats
        .into_iter()
        .map(|row| {
            let ledger = LedgerCounts {
                dead: casualties
                    .iter()
                    .filter(|c| c.region_id == row.region_id && c.status == "dead")
                    .count() as i64,
                missing: casualties
                    .iter()
                    .filter(|c| c.region_id == row.region_id && c.status == "missing")
                    .count() as i64,
                houses: houses
                    .iter()
                    .filter(|h| h.region_id == row.region_id)
                    .count() as i64,
            };
            VillageLine {
                gaps: row.stats().ledger_gaps(&ledger),
                row,
            }
        })
        .collect::<Vec<_>>();
    let total = VillageStats::total(villages.iter().map(|v| v.row.stats()));
    let fives: Vec<_> = relief.iter().map(|r| r.five()).collect();
    let today = local_time::day_of(Utc::now());
    Ok(DisasterView {
        total,
        rates: rates_by_village(&relief),
        rate: GuaranteeRate::of(&fives),
        investigation: investigation
            .map(|r| investigation_view(r, today))
            .transpose()?,
        villages,
        casualties,
        houses,
        relief,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ClockPayload {
    investigation_id: i64,
    incident_id: i64,
    due: NaiveDate,
}

/// The guarantee rates of a region since a time: per village and over all.
#[derive(Debug, Clone, Serialize)]
pub struct ReliefSummary {
    pub rates: Vec<(String, GuaranteeRate)>,
    pub rate: GuaranteeRate,
    pub households: Vec<ReliefRow>,
}

impl Service {
    /// A region inside the incident's that the caller may record in (the village of a line).
    async fn village_of(
        &self,
        tx: &mut Tx,
        who: &Principal,
        row: &IncidentRow,
        region_id: i64,
    ) -> Result<safegrid_store::regions::RegionRow> {
        let region = crate::registry::visible_region(&mut *tx, who, "region_id", region_id).await?;
        if !is_within(&region.path, &row.region_path) {
            return Err(Invalid::one("region_id", "disaster.outside_incident").into());
        }
        Ok(region)
    }

    /// Loads an incident that keeps disaster statistics (not an accident: those are reported by
    /// Decree 493, not by the statistics system).
    async fn disaster_recording(
        &self,
        tx: &mut Tx,
        who: &Principal,
        id: i64,
    ) -> Result<IncidentRow> {
        let row = self.recording(tx, who, id).await?;
        if !IncidentKind::parse(&row.kind).is_some_and(|k| k.keeps_statistics()) {
            return Err(Invalid::one("kind", "disaster.accident_no_stats").into());
        }
        Ok(row)
    }

    /// A village's statistics for the incident; an investigation opens when they count a death
    /// or a missing person.
    pub async fn set_disaster_stats(
        &self,
        who: &Principal,
        id: i64,
        input: &StatsInput,
    ) -> Result<DisasterView> {
        let (region_id, stats) = input.validate()?;
        let mut tx = self.store.begin().await?;
        let row = self.disaster_recording(&mut tx, who, id).await?;
        let region = self.village_of(&mut tx, who, &row, region_id).await?;
        let all = store::stats(&mut tx, id).await?;
        let before = all.iter().find(|s| s.region_id == region_id);
        store::set_stats(&mut tx, id, region_id, &region.path, &stats).await?;
        audit::record(
            &mut tx,
            who,
            "set_stats",
            "incident",
            id,
            before,
            Some(&(region_id, &stats)),
        )
        .await?;
        incidents_store::add_log(
            &mut tx,
            id,
            Utc::now(),
            &format!(
                "{}灾情统计：受灾{}人，死亡{}人，失踪{}人，紧急转移安置{}人，倒塌房屋{}户{}间",
                region.name,
                stats.affected,
                stats.deaths,
                stats.missing,
                stats.relocated,
                stats.collapsed_households,
                stats.collapsed_rooms
            ),
            crate::actor(who),
        )
        .await?;
        // The town's figures with this village's new line in place of its old one.
        let total = VillageStats::total(
            all.iter()
                .filter(|s| s.region_id != region_id)
                .map(|s| s.stats())
                .chain([stats]),
        );
        let figures = Figures {
            deaths: row.deaths.max(total.deaths),
            missing: row.missing.max(total.missing),
            ..row.figures()
        };
        self.open_investigation_if_required(&mut tx, who, &row, &figures)
            .await?;
        tx.commit().await?;
        self.wake.jobs.notify_one();
        load(&self.store, id).await
    }

    /// A line of the ledger of the dead and missing.
    pub async fn add_casualty(
        &self,
        who: &Principal,
        id: i64,
        input: &CasualtyInput,
    ) -> Result<DisasterView> {
        let c = input.validate()?;
        let mut tx = self.store.begin().await?;
        let row = self.disaster_recording(&mut tx, who, id).await?;
        self.village_of(&mut tx, who, &row, c.region_id).await?;
        let cid = store::add_casualty(&mut tx, id, &c).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "casualty",
            cid,
            None::<&()>,
            Some(&c),
        )
        .await?;
        tx.commit().await?;
        load(&self.store, id).await
    }

    /// A line of the ledger of damaged houses; its rebuilding starts pending.
    pub async fn add_damaged_house(
        &self,
        who: &Principal,
        id: i64,
        input: &HouseInput,
    ) -> Result<DisasterView> {
        let h = input.validate()?;
        let mut tx = self.store.begin().await?;
        let row = self.disaster_recording(&mut tx, who, id).await?;
        self.village_of(&mut tx, who, &row, h.region_id).await?;
        let hid = store::add_house(&mut tx, id, &h).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "damaged_house",
            hid,
            None::<&()>,
            Some(&h),
        )
        .await?;
        tx.commit().await?;
        load(&self.store, id).await
    }

    /// Moves a damaged house's rebuilding forward (to completion, with its date).
    pub async fn advance_rebuild(
        &self,
        who: &Principal,
        house_id: i64,
        to: &str,
        completed_on: &str,
    ) -> Result<DisasterView> {
        let mut tx = self.store.begin().await?;
        let house = store::house(&mut tx, house_id)
            .await?
            .ok_or(Error::NotFound)?;
        self.recording(&mut tx, who, house.incident_id).await?;
        let from =
            Rebuild::parse(&house.rebuild).ok_or_else(|| Error::Internal(house.rebuild.clone()))?;
        let (to, on) = from.advance(to, completed_on, local_time::day_of(Utc::now()))?;
        if !store::set_rebuild(&mut tx, house_id, from.as_str(), to.as_str(), on).await? {
            return Err(Invalid::one("rebuild", "disaster.rebuild_backwards").into());
        }
        audit::record(
            &mut tx,
            who,
            "rebuild",
            "damaged_house",
            house_id,
            Some(&house.rebuild),
            Some(&(to, on)),
        )
        .await?;
        tx.commit().await?;
        load(&self.store, house.incident_id).await
    }

    /// An affected household and its 五有 (a household already held is updated).
    pub async fn set_relief_household(
        &self,
        who: &Principal,
        id: i64,
        input: &ReliefInput,
    ) -> Result<DisasterView> {
        let h = input.validate()?;
        let mut tx = self.store.begin().await?;
        let row = self.recording(&mut tx, who, id).await?;
        self.village_of(&mut tx, who, &row, h.region_id).await?;
        let hid = store::set_relief(&mut tx, id, &h).await?;
        audit::record(
            &mut tx,
            who,
            "set",
            "relief_household",
            hid,
            None::<&()>,
            Some(&h),
        )
        .await?;
        tx.commit().await?;
        load(&self.store, id).await
    }

    /// The guarantee rate of the caller's area for the incidents of a year (Beijing time), for
    /// the relief page and the plan's target.
    pub async fn relief_summary(&self, who: &Principal, year: i32) -> Result<ReliefSummary> {
        ensure(who.can_read_incident(&who.region_path))?;
        let start = |y: i32| {
            NaiveDate::from_ymd_opt(y, 1, 1)
                .map(local_time::midnight)
                .ok_or_else(|| Error::Invalid(Invalid::one("year", "number.range")))
        };
        let households = store::relief_within(
            &self.store,
            &who.region_path,
            start(year)?,
            start(year + 1)?,
        )
        .await?;
        let fives: Vec<_> = households.iter().map(|r| r.five()).collect();
        Ok(ReliefSummary {
            rates: rates_by_village(&households),
            rate: GuaranteeRate::of(&fives),
            households,
        })
    }

    /// The damaged houses of the caller's area and where their rebuilding stands.
    pub async fn rebuilding(&self, who: &Principal) -> Result<Vec<(String, HouseRow)>> {
        ensure(who.can_read_incident(&who.region_path))?;
        Ok(store::houses_within(&self.store, &who.region_path).await?)
    }

    /// The investigations of the caller's area, each with its due day.
    pub async fn investigations(
        &self,
        who: &Principal,
    ) -> Result<Vec<(String, InvestigationView)>> {
        ensure(who.can_read_incident(&who.region_path))?;
        let today = local_time::day_of(Utc::now());
        store::investigations_within(&self.store, &who.region_path)
            .await?
            .into_iter()
            .map(|(t, r)| Ok((t, investigation_view(r, today)?)))
            .collect()
    }

    /// Opens the investigation the incident's figures require, if it has none yet, and starts
    /// the clock of its report.
    pub(crate) async fn open_investigation_if_required(
        &self,
        tx: &mut Tx,
        who: &Principal,
        row: &IncidentRow,
        figures: &Figures,
    ) -> Result<()> {
        let Some(kind) = IncidentKind::parse(&row.kind) else {
            return Err(Error::Internal(row.kind.clone()));
        };
        let Some(required) = investigation::required(kind, figures) else {
            return Ok(());
        };
        let today = local_time::day_of(Utc::now());
        if !store::open_investigation(tx, row.id, required, today).await? {
            return Ok(());
        }
        let inv = store::investigation(&mut *tx, row.id)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(
            tx,
            who,
            "open",
            "investigation",
            inv.id,
            None::<&()>,
            Some(&inv),
        )
        .await?;
        let entry = match required {
            InvestigationKind::Dual => "启动一案双查：企业主体责任和部门监管责任同步调查",
            InvestigationKind::Assessment => "因灾造成人员死亡失踪，启动自然灾害调查评估",
        };
        incidents_store::add_log(tx, row.id, Utc::now(), entry, crate::actor(who)).await?;
        self.schedule_investigation_clock(tx, &inv).await
    }

    async fn schedule_investigation_clock(
        &self,
        tx: &mut Tx,
        inv: &InvestigationRow,
    ) -> Result<()> {
        let due = facts_of(inv)?.due();
        let payload = ClockPayload {
            investigation_id: inv.id,
            incident_id: inv.incident_id,
            due,
        };
        let json = serde_json::to_string(&payload).map_err(|e| Error::Internal(e.to_string()))?;
        // Checked at the end of the due day, Beijing time.
        let at = local_time::midnight(due + chrono::Duration::days(1));
        jobs::schedule(
            tx,
            CLOCK,
            &format!("investigation:{}:{due}", inv.id),
            &json,
            at,
        )
        .await?;
        Ok(())
    }

    /// A step of an incident's investigation: extend once, report, decide the accountability.
    /// The office and the leaders over the incident track it.
    pub async fn investigation_step(
        &self,
        who: &Principal,
        id: i64,
        input: &StepInput,
    ) -> Result<DisasterView> {
        let mut tx = self.store.begin().await?;
        let row = incidents_store::get(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        if !who.can_read_incident(&row.region_path) {
            return Err(Error::NotFound);
        }
        ensure(who.can_track_investigation(&row.region_path))?;
        let Some(inv) = store::investigation(&mut tx, id).await? else {
            return Err(Invalid::one("action", "investigation.none").into());
        };
        let facts = facts_of(&inv)?;
        let (step, next) = input.validate(&facts, local_time::day_of(Utc::now()))?;
        if !store::apply_step(&mut tx, inv.id, &inv.status, next.as_str(), &step).await? {
            return Err(Invalid::one("action", "investigation.out_of_order").into());
        }
        let after = store::investigation(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            step.name(),
            "investigation",
            inv.id,
            Some(&inv),
            after.as_ref(),
        )
        .await?;
        let entry = match &step {
            investigation::Step::Extend { days, reason } => {
                format!("调查报告期限延长{days}日：{reason}")
            }
            investigation::Step::Report { on, .. } => format!("调查报告{on}提交"),
            investigation::Step::Decide { on, .. } => format!("责任追究{on}作出决定"),
        };
        incidents_store::add_log(&mut tx, id, Utc::now(), &entry, crate::actor(who)).await?;
        if let (investigation::Step::Extend { .. }, Some(after)) = (&step, after.as_ref()) {
            self.schedule_investigation_clock(&mut tx, after).await?;
        }
        tx.commit().await?;
        self.wake.jobs.notify_one();
        load(&self.store, id).await
    }

    /// After the due day: if the report is still not in (and the day was not moved), the office
    /// and the leaders over the incident are told.
    pub(crate) async fn investigation_clock(&self, tx: &mut Tx, job: &jobs::JobRow) -> Result<()> {
        let p: ClockPayload =
            serde_json::from_str(&job.payload).map_err(|e| Error::Internal(e.to_string()))?;
        let Some(inv) = store::investigation(&mut *tx, p.incident_id).await? else {
            return Ok(());
        };
        let f = facts_of(&inv)?;
        if f.status != InvestigationStatus::Open || f.due() != p.due {
            return Ok(());
        }
        let Some(row) = incidents_store::get(&mut *tx, p.incident_id).await? else {
            return Ok(());
        };
        let title = format!("{}：调查报告已超期", row.title);
        let body = format!("{}的调查报告应于{}前提交，至今未交。", row.title, p.due);
        let link = format!("/incidents/{}", row.id);
        for u in crate::office_and_leaders(tx, &row.region_path).await? {
            jobs::send(tx, u, &title, &body, Some(&link), Some(job.id)).await?;
        }
        incidents_store::add_log(
            tx,
            row.id,
            Utc::now(),
            "调查报告超期未交，已提醒应急办和镇领导",
            None,
        )
        .await?;
        Ok(())
    }
}
