//! The worker: a loop in every safegrid process that claims due jobs from the database (with
//! leases, so processes share the table and a job of a dead process is taken up again) and has
//! the service run them.

pub mod deliver;
pub mod feeds;
pub mod mqtt;

use rand::Rng;
use safegrid_service::Service;
use std::time::Duration;
use tokio::sync::watch;

/// A name for this process's worker, unique enough to tell leases apart.
pub fn worker_id() -> String {
    format!(
        "{}-{:08x}",
        std::process::id(),
        rand::thread_rng().r#gen::<u32>()
    )
}

/// Jobs claimed at a time.
const BATCH: i64 = 100;

/// Runs due jobs until `stop` turns true: when the next is due, when the service rings after
/// queueing one, and at least every `interval` (jobs another process queued).
pub async fn run(svc: Service, id: String, interval: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        match svc.run_due_jobs(&id, chrono::Utc::now(), BATCH).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(worker = %id, "ran {n} jobs");
                if n as i64 >= BATCH {
                    // More may be due now: no sleep.
                    continue;
                }
            }
            Err(e) => tracing::warn!(worker = %id, "job loop: {e}"),
        }
        if !idle(
            svc.next_job_due().await.ok().flatten(),
            interval,
            &svc.wake.jobs,
            &mut stop,
        )
        .await
        {
            return;
        }
    }
}

/// Sleeps until `next` (when the next job is due), at most `interval`, or until `wake` rings;
/// false when `stop` turned true.
pub(crate) async fn idle(
    next: Option<chrono::DateTime<chrono::Utc>>,
    interval: Duration,
    wake: &tokio::sync::Notify,
    stop: &mut watch::Receiver<bool>,
) -> bool {
    let wait = match next {
        Some(at) => (at - chrono::Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(interval),
        None => interval,
    };
    tokio::select! {
        _ = tokio::time::sleep(wait.max(Duration::from_millis(20))) => {}
        _ = wake.notified() => {}
        _ = stop.changed() => return false,
    }
    !*stop.borrow()
}
