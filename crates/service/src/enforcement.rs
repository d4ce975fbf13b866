//! Enforcement cases: filed by the office or the department over the party, moved through the
//! penalty procedure by [`safegrid_domain::enforcement`], each step written with its day and its
//! record, its documents stored by content hash in the audit chain, and its statutory clocks
//! shown. A decided case is published with a person's name and identity number masked.

use crate::{Error, Result, Service, audit, ensure};
use chrono::{Datelike, NaiveDate, Utc};
use safegrid_domain::Invalid;
use safegrid_domain::access::{EnterpriseFacts, Principal, Role};
use safegrid_domain::enforcement::{
    CaseFacts, CaseInput, CaseRules, CaseStep, ClockKind, PartyKind, Penalty, Step, StepInput,
    WorkCalendar, clocks, public_id, public_name,
};
use safegrid_domain::hazard::parse_date;
use safegrid_domain::local_time;
use safegrid_store::enforcement::{self as store, CaseRow, NewCase, StepRow, StepWrite};
use safegrid_store::files::{self, AttachmentRow};
use safegrid_store::{Src, Tx, enterprises, people, regions};
use serde::Serialize;

const RULES_KEY: &str = "case_rules";
/// The kind of the job that checks a case's clock at its end.
pub(crate) const CLOCK: &str = "case.clock";

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
struct ClockPayload {
    case_id: i64,
    kind: ClockKind,
    due: NaiveDate,
}
const CALENDAR_KEY: &str = "work_calendar";

/// A statutory clock of a case and whether it has run out.
#[derive(Debug, Clone, Serialize)]
pub struct Clock {
    pub kind: ClockKind,
    pub due: NaiveDate,
    pub overdue: bool,
}

/// A case with its steps, the hazards it is about, its documents and its clocks.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub case: CaseRow,
    pub steps: Vec<StepRow>,
    pub hazards: Vec<i64>,
    pub documents: Vec<AttachmentRow>,
    pub clocks: Vec<Clock>,
    /// The officers' names.
    pub officers: Vec<String>,
}

/// A decided case as the public notice (行政执法公示) shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicDecision {
    pub number: String,
    pub party: String,
    pub party_id: String,
    pub cause: String,
    pub basis: Option<String>,
    pub penalty: Option<Penalty>,
    pub decided_on: Option<String>,
    pub department: Option<String>,
}

fn today() -> NaiveDate {
    local_time::day_of(Utc::now())
}

/// The clocks running on a case today, each with whether it has run out.
fn clocks_of(c: &CaseRow, cal: &WorkCalendar, rules: &CaseRules) -> Result<Vec<Clock>> {
    let today = today();
    Ok(clocks(&facts_of(c)?, cal, rules)
        .into_iter()
        .map(|(kind, due)| Clock {
            kind,
            due,
            overdue: due < today,
        })
        .collect())
}

pub(crate) fn facts_of(c: &CaseRow) -> Result<CaseFacts> {
    let bad = || Error::Internal(format!("case {}", c.id));
    let day = |v: &Option<String>| v.as_deref().and_then(parse_date);
    let penalty = |v: &Option<String>| -> Result<Option<Penalty>> {
        v.as_deref()
            .map(|j| serde_json::from_str(j).map_err(|_| bad()))
            .transpose()
    };
    Ok(CaseFacts {
        step: CaseStep::parse(&c.step).ok_or_else(bad)?,
        party: PartyKind::parse(&c.party_kind).ok_or_else(bad)?,
        filed_on: parse_date(&c.filed_on).ok_or_else(bad)?,
        officers: c.officer_ids.split(',').filter(|s| !s.is_empty()).count(),
        proposed: penalty(&c.proposed)?,
        noticed_on: day(&c.noticed_on),
        hearing_requested_on: day(&c.hearing_requested_on),
        hearing_held_on: day(&c.hearing_held_on),
        decided: penalty(&c.decided)?,
        decided_on: day(&c.decided_on),
        served_on: day(&c.served_on),
    })
}

impl Service {
    pub async fn case_rules(&self) -> Result<CaseRules> {
        self.config(RULES_KEY).await
    }

    pub async fn set_case_rules(&self, who: &Principal, r: &CaseRules) -> Result<()> {
        ensure(who.can_configure())?;
        r.validate()?;
        self.put_config(who, RULES_KEY, r).await
    }

    pub async fn work_calendar(&self) -> Result<WorkCalendar> {
        self.config(CALENDAR_KEY).await
    }

    pub async fn set_work_calendar(&self, who: &Principal, c: &WorkCalendar) -> Result<()> {
        ensure(who.can_configure())?;
        c.validate()?;
        self.put_config(who, CALENDAR_KEY, c).await
    }

    /// The holiday calendar and the statutory rules, read once per use case.
    async fn procedure(&self) -> Result<(WorkCalendar, CaseRules)> {
        Ok((self.work_calendar().await?, self.case_rules().await?))
    }

    /// Files a case (立案) against a party the caller may enforce on.
    pub async fn file_case(&self, who: &Principal, input: &CaseInput) -> Result<CaseView> {
        let d = input.validate()?;
        let procedure = self.procedure().await?;
        let mut tx = self.store.begin().await?;
        let (region_id, region_path, enterprise) = match d.enterprise_id {
            Some(eid) => {
                let e = enterprises::get(&mut tx, eid)
                    .await?
                    .filter(|e| who.can_read_region(&e.region_path))
                    .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
                (e.region_id, e.region_path.clone(), Some(e))
            }
            None => {
                let r = crate::registry::visible_region(
                    &mut tx,
                    who,
                    "region_id",
                    d.region_id.unwrap_or(0),
                )
                .await?;
                (r.id, r.path, None)
            }
        };
        ensure(who.can_enforce(
            &region_path,
            enterprise.as_ref().map(|e| EnterpriseFacts {
                id: Some(e.id),
                region_path: &e.region_path,
                industry_code: &e.industry_code,
            }),
        ))?;
        let department_id = match (d.department_id, who.role) {
            (_, Role::Department) => who.department_id,
            (Some(id), _) => Some(
                safegrid_store::organisations::department(&mut tx, id)
                    .await?
                    .filter(|x| who.can_read_region(&x.region_path))
                    .ok_or_else(|| Invalid::one("department_id", "not_a_reference"))?
                    .id,
            ),
            (None, _) => None,
        };
        if let Some(iid) = d.inspection_id {
            let i = safegrid_store::inspections::get(&mut tx, iid).await?;
            if i.is_none_or(|i| Some(i.enterprise_id) != d.enterprise_id) {
                return Err(Invalid::one("inspection_id", "not_a_reference").into());
            }
        }
        for h in &d.hazard_ids {
            let hz = safegrid_store::hazards::get(&mut tx, *h).await?;
            if hz.is_none_or(|hz| {
                hz.enterprise_id != d.enterprise_id || !who.can_read_region(&hz.region_path)
            }) {
                return Err(Invalid::one("hazard_ids", "not_a_reference").into());
            }
        }
        let filed_on = today();
        let n = store::count_in_year(&mut tx, filed_on.year()).await? + 1;
        let number = format!("应急罚〔{}〕{n}号", filed_on.year());
        let id = store::insert(
            &mut tx,
            &NewCase {
                number: &number,
                region_id,
                region_path: &region_path,
                department_id,
                enterprise_id: d.enterprise_id,
                party_kind: d.party_kind.as_str(),
                party_name: &d.party_name,
                party_id_number: d.party_id_number.as_deref(),
                cause: &d.cause,
                basis: d.basis.as_deref(),
                inspection_id: d.inspection_id,
                filed_on,
                by: crate::actor(who),
            },
        )
        .await?;
        for h in &d.hazard_ids {
            store::link_hazard(&mut tx, id, *h).await?;
        }
        store::log_step(
            &mut tx,
            id,
            "filed",
            filed_on,
            Some(&d.cause),
            crate::actor(who),
        )
        .await?;
        audit::record(&mut tx, who, "file", "case", id, None::<&()>, Some(&d)).await?;
        self.schedule_case_clocks(&mut tx, id, &procedure).await?;
        tx.commit().await?;
        self.wake.jobs.notify_one();
        self.case(who, id).await
    }

    /// Schedules a check at the end of each clock now running on a case (once per clock and
    /// due day).
    async fn schedule_case_clocks(
        &self,
        tx: &mut Tx,
        id: i64,
        (cal, rules): &(WorkCalendar, CaseRules),
    ) -> Result<()> {
        let Some(c) = store::get(&mut *tx, id).await? else {
            return Ok(());
        };
        for (kind, due) in clocks(&facts_of(&c)?, cal, rules) {
            let payload = ClockPayload {
                case_id: id,
                kind,
                due,
            };
            let json =
                serde_json::to_string(&payload).map_err(|e| Error::Internal(e.to_string()))?;
            safegrid_store::jobs::schedule(
                tx,
                CLOCK,
                &format!("case:{id}:{}:{due}", kind.as_str()),
                &json,
                local_time::midnight(due + chrono::Duration::days(1)),
            )
            .await?;
        }
        Ok(())
    }

    /// At the end of a clock's last day: if the case still owes it, the office, the leaders and
    /// the department supervising the party are told.
    pub(crate) async fn case_clock(
        &self,
        tx: &mut Tx,
        job: &safegrid_store::jobs::JobRow,
    ) -> Result<()> {
        let p: ClockPayload =
            serde_json::from_str(&job.payload).map_err(|e| Error::Internal(e.to_string()))?;
        let Some(c) = store::get(&mut *tx, p.case_id).await? else {
            return Ok(());
        };
        let (cal, rules) = self.procedure().await?;
        let still = clocks(&facts_of(&c)?, &cal, &rules)
            .into_iter()
            .any(|(k, d)| k == p.kind && d == p.due);
        if !still {
            return Ok(());
        }
        let what = match p.kind {
            ClockKind::Decision => "作出处罚决定",
            ClockKind::HearingRequest => "听证申请期",
            ClockKind::Service => "送达处罚决定书",
            ClockKind::Payment => "缴纳罚款",
        };
        let title = format!("{}：{what}期限已过", c.number);
        let body = format!(
            "{}（{}，{}）的“{what}”期限为{}，已过期，请督办。",
            c.number, c.party_name, c.cause, p.due
        );
        let link = format!("/cases/{}", c.id);
        let mut users = crate::office_and_leaders(tx, &c.region_path).await?;
        if let Some(industry) = &c.industry_code {
            users.extend(
                safegrid_store::jobs::users_for(
                    tx,
                    "department",
                    Some(&c.region_path),
                    None,
                    Some(industry),
                )
                .await?,
            );
        }
        users.sort_unstable();
        users.dedup();
        for u in users {
            safegrid_store::jobs::send(tx, u, &title, &body, Some(&link), Some(job.id)).await?;
        }
        Ok(())
    }

    /// Loads a case the caller may move (in the transaction that moves it).
    async fn enforcing(
        &self,
        src: impl Into<Src<'_>>,
        who: &Principal,
        id: i64,
    ) -> Result<CaseRow> {
        let c = store::get(src, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_case(&c.region_path, c.enterprise_id) {
            return Err(Error::NotFound);
        }
        let industry = c.industry_code.clone().unwrap_or_default();
        ensure(who.can_enforce(
            &c.region_path,
            c.enterprise_id.map(|eid| EnterpriseFacts {
                id: Some(eid),
                region_path: &c.region_path,
                industry_code: &industry,
            }),
        ))?;
        Ok(c)
    }

    /// Takes the next step of a case; each is written with its day and record, and audited.
    pub async fn case_step(&self, who: &Principal, id: i64, input: &StepInput) -> Result<CaseView> {
        let procedure = self.procedure().await?;
        let (cal, rules) = &procedure;
        let mut tx = self.store.begin().await?;
        let before = self.enforcing(&mut tx, who, id).await?;
        let facts = facts_of(&before)?;
        let (step, next) = input.validate(&facts, cal, rules, today())?;
        let json =
            |p: &Penalty| serde_json::to_string(p).map_err(|e| Error::Internal(e.to_string()));
        let mut w = StepWrite::default();
        let (on, record): (NaiveDate, Option<String>) = match &step {
            Step::Investigate { officer_ids } => {
                for o in officer_ids {
                    let p = people::get(&mut tx, *o).await?;
                    if p.is_none_or(|p| !who.can_read_region(&p.region_path)) {
                        return Err(Invalid::one("officer_ids", "not_a_reference").into());
                    }
                }
                w.officer_ids = Some(
                    officer_ids
                        .iter()
                        .map(|o| o.to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                );
                (today(), None)
            }
            Step::Notify { on, penalty } => {
                w.proposed = Some(json(penalty)?);
                w.noticed_on = Some(on.to_string());
                (*on, None)
            }
            Step::RequestHearing { on } => {
                w.hearing_requested_on = Some(on.to_string());
                (*on, None)
            }
            Step::HoldHearing { on, record } => {
                w.hearing_held_on = Some(on.to_string());
                (*on, Some(record.clone()))
            }
            Step::Review { on, record } => (*on, Some(record.clone())),
            Step::Decide { on, penalty } => {
                w.decided = Some(json(penalty)?);
                w.decided_on = Some(on.to_string());
                (*on, None)
            }
            Step::Serve { on, record } => {
                w.served_on = Some(on.to_string());
                (*on, Some(record.clone()))
            }
            Step::Execute { on, paid_fen } => {
                w.paid_fen = Some(*paid_fen);
                (*on, None)
            }
            Step::Close { on } => {
                w.closed_on = Some(on.to_string());
                (*on, None)
            }
        };
        if !store::apply(&mut tx, id, &before.step, next.as_str(), &w).await? {
            return Err(Invalid::one("action", "case.out_of_order").into());
        }
        store::log_step(
            &mut tx,
            id,
            step.name(),
            on,
            record.as_deref(),
            crate::actor(who),
        )
        .await?;
        let after = store::get(&mut tx, id).await?;
        audit::record(
            &mut tx,
            who,
            step.name(),
            "case",
            id,
            Some(&before),
            after.as_ref(),
        )
        .await?;
        self.schedule_case_clocks(&mut tx, id, &procedure).await?;
        tx.commit().await?;
        self.wake.jobs.notify_one();
        self.case(who, id).await
    }

    pub async fn case(&self, who: &Principal, id: i64) -> Result<CaseView> {
        let c = store::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_case(&c.region_path, c.enterprise_id) {
            return Err(Error::NotFound);
        }
        let mut officers = Vec::new();
        for o in c
            .officer_ids
            .split(',')
            .filter_map(|o| o.parse::<i64>().ok())
        {
            if let Some(p) = people::get(&self.store, o).await? {
                officers.push(p.name);
            }
        }
        Ok(CaseView {
            steps: store::steps(&self.store, id).await?,
            hazards: store::hazards_of(&self.store, id).await?,
            documents: files::of(&self.store, "case", id).await?,
            clocks: {
                let (cal, rules) = self.procedure().await?;
                clocks_of(&c, &cal, &rules)?
            },
            officers,
            case: c,
        })
    }

    /// The cases the caller sees, each with its clocks.
    pub async fn cases(&self, who: &Principal) -> Result<Vec<(CaseRow, Vec<Clock>)>> {
        let rows = match who.role {
            Role::Enterprise => match who.enterprise_id {
                Some(e) => store::of_enterprise(&self.store, e).await?,
                None => Vec::new(),
            },
            Role::Monitor => return Err(Error::Forbidden),
            _ => store::within(&self.store, &who.region_path).await?,
        };
        let (cal, rules) = self.procedure().await?;
        rows.into_iter()
            .map(|c| {
                let k = clocks_of(&c, &cal, &rules)?;
                Ok((c, k))
            })
            .collect()
    }

    /// A document of a step (the record of an inquiry, a photo, a recording), stored by its
    /// content hash in the audit chain so that a later change to it shows.
    pub async fn attach_to_case(
        &self,
        who: &Principal,
        id: i64,
        step: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<AttachmentRow> {
        let step = CaseStep::parse(step.trim()).ok_or_else(|| Invalid::one("step", "choice"))?;
        self.enforcing(&self.store, who, id).await?;
        self.attach(who, "case", id, Some(step.as_str()), name, bytes)
            .await
    }

    /// The decisions of the region's cases for the public notice, people masked.
    pub async fn public_decisions(&self, region_path: &str) -> Result<Vec<PublicDecision>> {
        let rows = store::decided_within(&self.store, region_path).await?;
        rows.into_iter()
            .map(|c| {
                let kind = PartyKind::parse(&c.party_kind)
                    .ok_or_else(|| Error::Internal(c.party_kind.clone()))?;
                Ok(PublicDecision {
                    number: c.number,
                    party: public_name(kind, &c.party_name),
                    party_id: c
                        .party_id_number
                        .as_deref()
                        .map(|i| public_id(kind, i))
                        .unwrap_or_default(),
                    cause: c.cause,
                    basis: c.basis,
                    penalty: c
                        .decided
                        .as_deref()
                        .and_then(|j| serde_json::from_str(j).ok()),
                    decided_on: c.decided_on,
                    department: c.department_name,
                })
            })
            .collect()
    }

    /// The people who may be named a case's officers: the staff at the caller's own level.
    pub async fn officer_choices(&self, who: &Principal) -> Result<Vec<people::PersonRow>> {
        ensure(who.can_read_region(&who.region_path))?;
        Ok(people::all_within(&self.store, &who.region_path)
            .await?
            .into_iter()
            .filter(|p| p.region_path == who.region_path)
            .collect())
    }

    /// The region the public pages cover: the top of the tree.
    pub async fn public_region(&self) -> Result<String> {
        Ok(regions::root(&self.store)
            .await?
            .map(|r| r.path)
            .unwrap_or_default())
    }
}

/// One line of the enforcement statistics: a department (or the office, with no department).
#[derive(Debug, Clone, Serialize)]
pub struct DepartmentLine {
    pub department_id: Option<i64>,
    pub name: String,
    /// Cases filed in each month, January first.
    pub months: [i64; 12],
    pub total: i64,
    /// 明查 and 暗访 done by the department's accounts.
    pub open_inspections: i64,
    pub covert_inspections: i64,
    /// No case at all in the year (执法清零), flagged.
    pub zero: bool,
}

/// The year's enforcement statistics of the caller's area.
#[derive(Debug, Clone, Serialize)]
pub struct EnforcementStats {
    pub year: i32,
    pub lines: Vec<DepartmentLine>,
}

impl Service {
    /// Cases per department and month, the departments with none flagged, and the open and
    /// covert inspections each did, over a year.
    pub async fn enforcement_stats(&self, who: &Principal, year: i32) -> Result<EnforcementStats> {
        ensure(who.can_read_region(&who.region_path) && who.role != Role::Monitor)?;
        let jan1 = |y: i32| {
            NaiveDate::from_ymd_opt(y, 1, 1)
                .ok_or_else(|| Error::Invalid(Invalid::one("year", "number.range")))
        };
        let (from, to) = (jan1(year)?, jan1(year + 1)?);
        let path = &who.region_path;
        let departments =
            safegrid_store::organisations::departments_within(&self.store, path).await?;
        let counts = store::counts_by_department_month(&self.store, path, from, to).await?;
        let inspections = store::inspections_by_department(&self.store, path, from, to).await?;
        let mut lines: Vec<DepartmentLine> = departments
            .into_iter()
            .map(|d| (Some(d.id), d.name))
            .chain(std::iter::once((None, String::new())))
            .map(|(department_id, name)| {
                let mut months = [0i64; 12];
                for (d, m, n) in &counts {
                    if *d == department_id
                        && let Ok(m) = m.parse::<usize>()
                        && (1..=12).contains(&m)
                    {
                        months[m - 1] += n;
                    }
                }
                let count = |kind: &str| {
                    inspections
                        .iter()
                        .filter(|(d, k, _)| *d == department_id && k == kind)
                        .map(|x| x.2)
                        .sum()
                };
                let total = months.iter().sum();
                DepartmentLine {
                    department_id,
                    name,
                    months,
                    total,
                    open_inspections: count("government"),
                    covert_inspections: count("covert"),
                    zero: total == 0,
                }
            })
            .collect();
        // The office's own line (no department) only when it did something.
        lines.retain(|l| {
            l.department_id.is_some() || l.total + l.open_inspections + l.covert_inspections > 0
        });
        Ok(EnforcementStats { year, lines })
    }
}

/// A listing with whether it is in force today.
#[derive(Debug, Clone, Serialize)]
pub struct ListingView {
    pub listing: safegrid_store::enforcement::ListingRow,
    pub in_force: bool,
}

fn listing_view(l: safegrid_store::enforcement::ListingRow) -> ListingView {
    let day = |s: &str| parse_date(s).unwrap_or_default();
    ListingView {
        in_force: safegrid_domain::enforcement::listed(
            day(&l.starts_on),
            day(&l.ends_on),
            l.delisted_on.is_some(),
            today(),
        ),
        listing: l,
    }
}

impl Service {
    /// Puts an enterprise on the blacklist; the enterprise and its liaison group are told.
    pub async fn blacklist_enterprise(
        &self,
        who: &Principal,
        input: &safegrid_domain::enforcement::BlacklistInput,
    ) -> Result<ListingView> {
        let d = input.validate(today())?;
        let mut tx = self.store.begin().await?;
        let e = enterprises::get(&mut tx, d.enterprise_id)
            .await?
            .filter(|e| who.can_read_region(&e.region_path))
            .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
        ensure(who.can_enforce(
            &e.region_path,
            Some(EnterpriseFacts {
                id: Some(e.id),
                region_path: &e.region_path,
                industry_code: &e.industry_code,
            }),
        ))?;
        let id = store::insert_listing(&mut tx, &d, &e.region_path, crate::actor(who)).await?;
        audit::record(
            &mut tx,
            who,
            "blacklist",
            "enterprise",
            e.id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        let title = format!("{}已列入失信惩戒名单", e.name);
        let body = format!(
            "{}因“{}”（{}）列入失信惩戒名单，期限{}至{}。",
            e.name, d.reason, d.basis, d.starts_on, d.ends_on
        );
        let link = format!("/enterprises/{}", e.id);
        let mut users = safegrid_store::jobs::users_of_liaison_group(&mut tx, e.id).await?;
        users.extend(
            safegrid_store::jobs::users_for(&mut tx, "enterprise", None, Some(e.id), None).await?,
        );
        users.sort_unstable();
        users.dedup();
        for u in users {
            safegrid_store::jobs::send(&mut tx, u, &title, &body, Some(&link), None).await?;
        }
        let row = store::listing(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(listing_view(row))
    }

    /// Lifts a listing, with the reason.
    pub async fn delist_enterprise(
        &self,
        who: &Principal,
        id: i64,
        reason: &str,
    ) -> Result<ListingView> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Invalid::one("reason", "required").into());
        }
        let mut tx = self.store.begin().await?;
        let l = store::listing(&mut tx, id)
            .await?
            .filter(|l| who.can_read_region(&l.region_path))
            .ok_or(Error::NotFound)?;
        let e = enterprises::get(&mut tx, l.enterprise_id)
            .await?
            .ok_or(Error::NotFound)?;
        ensure(who.can_enforce(
            &e.region_path,
            Some(EnterpriseFacts {
                id: Some(e.id),
                region_path: &e.region_path,
                industry_code: &e.industry_code,
            }),
        ))?;
        if !store::delist(&mut tx, id, today(), reason).await? {
            return Err(Invalid::one("reason", "blacklist.delisted_already").into());
        }
        audit::record(
            &mut tx,
            who,
            "delist",
            "enterprise",
            e.id,
            Some(&l),
            Some(&reason),
        )
        .await?;
        let row = store::listing(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(listing_view(row))
    }

    /// The listings of the caller's area (an enterprise: its own).
    pub async fn blacklist(&self, who: &Principal) -> Result<Vec<ListingView>> {
        let rows = match who.role {
            Role::Enterprise => match who.enterprise_id {
                Some(e) => store::listings(&self.store, "", Some(e)).await?,
                None => Vec::new(),
            },
            Role::Monitor => return Err(Error::Forbidden),
            _ => store::listings(&self.store, &who.region_path, None).await?,
        };
        Ok(rows.into_iter().map(listing_view).collect())
    }

    /// The listings in force of one enterprise, for its page.
    pub async fn listings_of(&self, enterprise_id: i64) -> Result<Vec<ListingView>> {
        Ok(store::listings(&self.store, "", Some(enterprise_id))
            .await?
            .into_iter()
            .map(listing_view)
            .filter(|v| v.in_force)
            .collect())
    }

    /// The public list: the listings in force of the region.
    pub async fn public_blacklist(&self, region_path: &str) -> Result<Vec<ListingView>> {
        Ok(store::listings(&self.store, region_path, None)
            .await?
            .into_iter()
            .map(listing_view)
            .filter(|v| v.in_force)
            .collect())
    }
}
