//! The worker: a loop in every safegrid process that claims due jobs from the database (with
//! leases, so processes share the table and a job of a dead process is taken up again) and has
//! the service run them.

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

/// Runs due jobs every `interval` until `stop` turns true.
pub async fn run(svc: Service, id: String, interval: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        match svc.run_due_jobs(&id, chrono::Utc::now(), 100).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(worker = %id, "ran {n} jobs"),
            Err(e) => tracing::warn!(worker = %id, "job loop: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
    }
}
