//! The feeds of CAP alerts the town subscribes to (the district meteorological bureau, a
//! neighbouring town's safegrid: regional linkage, task 21). Each feed is one recurring job in
//! the job table, so whichever process claims it reads it and no two read it at once; the
//! worker fetches the feed and hands each alert to [`Service::import_cap_alert`].

use crate::{Result, Service, ensure};
use chrono::{DateTime, Duration, Utc};
use safegrid_domain::access::Principal;
use safegrid_domain::cap_import::{Subscription, Subscriptions};
use safegrid_store::jobs::{self, Lane, POLL_FEED};
use serde::Serialize;

const FEEDS_KEY: &str = "cap_feeds";

/// How long a worker holds a feed it is reading.
const LEASE_SECS: i64 = 120;

fn job_key(name: &str) -> String {
    format!("feed:{}", name.trim())
}

/// A feed and how reading it goes.
#[derive(Debug, Clone, Serialize)]
pub struct FeedStatus {
    pub feed: Subscription,
    pub next_at: Option<DateTime<Utc>>,
    pub last_at: Option<DateTime<Utc>>,
    /// Why the last read failed, if it did.
    pub last_error: Option<String>,
}

impl Service {
    pub async fn cap_feeds(&self) -> Result<Subscriptions> {
        self.config(FEEDS_KEY).await
    }

    /// Sets the feeds the town reads; each new one is read at once.
    pub async fn set_cap_feeds(&self, who: &Principal, feeds: &Subscriptions) -> Result<()> {
        ensure(who.can_configure())?;
        feeds.validate()?;
        self.put_config(who, FEEDS_KEY, feeds).await?;
        self.schedule_feed_reads().await?;
        self.wake.feeds.notify_one();
        Ok(())
    }

    /// Makes sure each configured feed has its job (at the worker's start, and when the list
    /// changes); a job of a feed no longer listed ends when next claimed.
    pub async fn schedule_feed_reads(&self) -> Result<()> {
        let feeds = self.cap_feeds().await?;
        let mut tx = self.store.begin().await?;
        for f in &feeds.feeds {
            jobs::schedule(
                &mut tx,
                POLL_FEED,
                &job_key(&f.name),
                f.name.trim(),
                Utc::now(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claims the feeds due to be read by `worker`.
    pub async fn claim_feed_reads(
        &self,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<(i64, Subscription)>> {
        let claimed = jobs::claim(
            &self.store,
            worker,
            now,
            Duration::seconds(LEASE_SECS),
            20,
            Lane::Feeds,
        )
        .await?;
        let feeds = self.cap_feeds().await?;
        let mut out = Vec::new();
        for job in claimed {
            match feeds.get(&job.payload) {
                Some(f) => out.push((job.id, f.clone())),
                None => {
                    let mut tx = self.store.begin().await?;
                    jobs::finish(&mut tx, job.id, worker).await?;
                    tx.commit().await?;
                }
            }
        }
        Ok(out)
    }

    /// Records a read of a feed (`error` when it failed) and sets the next.
    pub async fn feed_read(
        &self,
        worker: &str,
        job_id: i64,
        feed: &Subscription,
        error: Option<&str>,
    ) -> Result<()> {
        let every = Duration::seconds(i64::try_from(feed.every_secs).unwrap_or(60));
        let mut tx = self.store.begin().await?;
        jobs::again(&mut tx, job_id, worker, Utc::now() + every, error).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn next_feed_read(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(jobs::next_due(&self.store, Lane::Feeds).await?)
    }

    /// The feeds with when each was last read, how, and when it is read next.
    pub async fn feed_statuses(&self, who: &Principal) -> Result<Vec<FeedStatus>> {
        ensure(who.can_write_warnings())?;
        let mut out = Vec::new();
        for f in self.cap_feeds().await?.feeds {
            let job = jobs::by_key(&self.store, &job_key(&f.name)).await?;
            out.push(FeedStatus {
                next_at: job.as_ref().map(|j| j.run_at),
                last_at: job.as_ref().and_then(|j| j.done_at),
                last_error: job.and_then(|j| j.last_error),
                feed: f,
            });
        }
        Ok(out)
    }
}
