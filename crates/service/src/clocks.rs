//! The clocks of the hazard lifecycle: reminders before a rectification deadline, then
//! escalation when it passes — to the enterprise, its liaison group, the supervising department
//! and the office, then the town's leaders. They are jobs in the database, so they survive restarts, and each
//! takes effect once: its messages and its `done` mark commit together.

use crate::{Error, Result, Service};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use safegrid_store::Tx;
use safegrid_store::hazards::{self, HazardRow};
use safegrid_store::jobs::{self, InboxRow};
use serde::{Deserialize, Serialize};

const KIND: &str = "hazard_clock";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Payload {
    hazard_id: i64,
    deadline: NaiveDate,
    /// `remind:N` (N days before), `overdue`, `escalate`.
    stage: String,
}

/// 09:00 Beijing time on a day, when reminders go out.
fn nine_am(day: NaiveDate) -> DateTime<Utc> {
    safegrid_domain::local_time::at(day, 9, 0)
}

/// Schedules the clocks of a hazard's deadline (once per deadline; a new deadline gets its own).
pub(crate) async fn schedule(tx: &mut Tx, svc: &Service, h: &HazardRow) -> Result<()> {
    let Some(deadline) = h.deadline else {
        return Ok(());
    };
    let mut stages: Vec<(String, NaiveDate)> = svc
        .settings
        .reminder_days
        .iter()
        .map(|d| (format!("remind:{d}"), deadline - Duration::days(*d)))
        .collect();
    stages.push(("overdue".into(), deadline + Duration::days(1)));
    stages.push((
        "escalate".into(),
        deadline + Duration::days(svc.settings.escalate_after_days),
    ));
    for (stage, day) in stages {
        let payload = Payload {
            hazard_id: h.id,
            deadline,
            stage: stage.clone(),
        };
        let json = serde_json::to_string(&payload).map_err(|e| Error::Internal(e.to_string()))?;
        jobs::schedule(
            tx,
            KIND,
            &format!("hazard:{}:{deadline}:{stage}", h.id),
            &json,
            nine_am(day),
        )
        .await?;
    }
    Ok(())
}

/// Who hears of a stage, and what.
async fn deliver(tx: &mut Tx, job_id: i64, h: &HazardRow, p: &Payload) -> Result<usize> {
    let link = format!("/hazards/{}", h.id);
    let place = h
        .enterprise_name
        .clone()
        .unwrap_or_else(|| h.region_name.clone());
    let mut users: Vec<i64> = Vec::new();
    let own = match h.enterprise_id {
        Some(eid) => jobs::users_for(tx, "enterprise", None, Some(eid), None).await?,
        None => jobs::users_for(tx, "village", Some(&h.region_path), None, None).await?,
    };
    let (title, body) = if let Some(days) = p.stage.strip_prefix("remind:") {
        users.extend(own);
        (
            format!("隐患整改期限还有{days}天：{}", h.title),
            format!(
                "{place}的隐患“{}”整改期限为{}，请按期完成整改并提交验收。",
                h.title, p.deadline
            ),
        )
    } else if p.stage == "overdue" {
        users.extend(own);
        users.extend(
            jobs::users_for(
                tx,
                "department",
                Some(&h.region_path),
                None,
                h.industry_code.as_deref(),
            )
            .await?,
        );
        users.extend(
            jobs::users_for(tx, "emergency_office", Some(&h.region_path), None, None).await?,
        );
        // The enterprise's liaison group (一企一组) answers for pushing it along.
        if let Some(eid) = h.enterprise_id {
            users.extend(jobs::users_of_liaison_group(tx, eid).await?);
        }
        (
            format!("隐患整改已逾期：{}", h.title),
            format!(
                "{place}的隐患“{}”整改期限{}已过，尚未整改完成，请督促。",
                h.title, p.deadline
            ),
        )
    } else {
        users.extend(crate::office_and_leaders(tx, &h.region_path).await?);
        (
            format!("隐患逾期未改，请领导督办：{}", h.title),
            format!(
                "{place}的隐患“{}”整改期限{}已过多日，仍未整改完成。",
                h.title, p.deadline
            ),
        )
    };
    users.sort_unstable();
    users.dedup();
    for u in &users {
        jobs::send(tx, *u, &title, &body, Some(&link), Some(job_id)).await?;
    }
    Ok(users.len())
}

impl Service {
    /// Ends the warnings whose time is up and runs the jobs due at `now`; returns how many of
    /// both were done. Called by the worker loop.
    pub async fn run_due_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<usize> {
        let mut done = self.expire_warnings(now).await?;
        let claimed = jobs::claim(
            &self.store,
            worker,
            now,
            Duration::minutes(5),
            limit,
            jobs::Lane::Others,
        )
        .await?;
        for job in claimed {
            match self.run_job(worker, &job).await {
                Ok(true) => done += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(job = job.id, "job failed: {e}");
                    let retry = now + Duration::minutes(5 * job.attempts.max(1));
                    jobs::fail(&self.store, job.id, &e.to_string(), retry).await?;
                }
            }
        }
        if done > 0 {
            // An escalation queues messages: the sender need not wait for its poll.
            self.wake.deliveries.notify_one();
        }
        Ok(done)
    }

    /// When the next job other than a delivery is due (for the worker to sleep until).
    pub async fn next_job_due(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(jobs::next_due(&self.store, jobs::Lane::Others).await?)
    }

    async fn run_job(&self, worker: &str, job: &jobs::JobRow) -> Result<bool> {
        let mut tx = self.store.begin().await?;
        match job.kind.as_str() {
            KIND => {
                let p: Payload = serde_json::from_str(&job.payload)
                    .map_err(|e| Error::Internal(e.to_string()))?;
                if let Some(h) = hazards::get(&mut tx, p.hazard_id).await? {
                    // A hazard closed since, or given another deadline, has nothing to say about this one.
                    if h.status != "closed"
                        && h.status != "rectified"
                        && h.deadline == Some(p.deadline)
                    {
                        deliver(&mut tx, job.id, &h, &p).await?;
                    }
                }
            }
            crate::deliveries::ESCALATE => self.escalate(&mut tx, job).await?,
            crate::incidents::CLOCK => self.incident_clock(&mut tx, job).await?,
            crate::disaster::CLOCK => self.investigation_clock(&mut tx, job).await?,
            crate::enforcement::CLOCK => self.case_clock(&mut tx, job).await?,
            other => {
                // A kind this version does not know (written by a newer one): finished, and said.
                tracing::warn!(
                    job = job.id,
                    kind = other,
                    "job of an unknown kind finished unrun"
                );
            }
        }
        if !jobs::finish(&mut tx, job.id, worker).await? {
            // The lease ran out and another worker has the job: leave it to them.
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn inbox(&self, who: &safegrid_domain::access::Principal) -> Result<Vec<InboxRow>> {
        Ok(jobs::inbox(&self.store, who.user_id, 100).await?)
    }

    pub async fn unread(&self, who: &safegrid_domain::access::Principal) -> Result<i64> {
        Ok(jobs::unread(&self.store, who.user_id).await?)
    }

    pub async fn mark_inbox_read(&self, who: &safegrid_domain::access::Principal) -> Result<()> {
        let mut tx = self.store.begin().await?;
        jobs::mark_read(&mut tx, who.user_id).await?;
        tx.commit().await?;
        Ok(())
    }
}
