//! Reading the feeds of CAP alerts the town subscribes to: claim a feed that is due, fetch it
//! (size and time limited), and hand each new entry's alert — embedded, or fetched from its link —
//! to the service, which turns it into a draft warning or holds it with the warning it updates.
//!
//! Entries are taken oldest first, so an Alert is read before the Update that refers to it. An
//! entry already read in this process is not fetched again; after a restart each is fetched once
//! more and recognised by its sender and identifier.

use safegrid_service::{Error, Service, system};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::sync::watch;

/// Largest feed or alert read.
const MAX_BYTES: usize = 5 * 1024 * 1024;

/// Reads feeds until `stop` turns true.
pub async fn run(svc: Service, id: String, interval: Duration, mut stop: watch::Receiver<bool>) {
    if let Err(e) = svc.schedule_feed_reads().await {
        tracing::warn!("feeds: {e}");
    }
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default();
    // Entry ids read, per feed (those of its last read only).
    let mut seen: HashMap<String, HashSet<String>> = HashMap::new();
    loop {
        match svc.claim_feed_reads(&id, chrono::Utc::now()).await {
            Ok(due) => {
                for (job, feed) in due {
                    let ids = seen.entry(feed.name.clone()).or_default();
                    let error = read(&svc, &http, &feed.name, &feed.url, ids).await.err();
                    if let Some(e) = &error {
                        tracing::warn!(feed = %feed.name, "feed: {e}");
                    }
                    if let Err(e) = svc.feed_read(&id, job, &feed, error.as_deref()).await {
                        tracing::warn!(feed = %feed.name, "feed: {e}");
                    }
                }
            }
            Err(e) => tracing::warn!("feeds: {e}"),
        }
        if !crate::idle(
            svc.next_feed_read().await.ok().flatten(),
            interval,
            &svc.wake.feeds,
            &mut stop,
        )
        .await
        {
            return;
        }
    }
}

/// Fetches a document, refusing one over the size limit or answered with an error status.
async fn fetch(http: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    let mut resp = http
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| format!("{url}: {e}"))? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BYTES {
            return Err(format!("{url}: larger than {MAX_BYTES} bytes"));
        }
    }
    Ok(body)
}

/// Reads one feed; the error, when the feed could not be read or an entry was refused.
async fn read(
    svc: &Service,
    http: &reqwest::Client,
    name: &str,
    url: &str,
    seen: &mut HashSet<String>,
) -> Result<(), String> {
    let feed = safegrid_cap::feed::read_feed(&fetch(http, url).await?)
        .map_err(|e| format!("{url}: {e}"))?;
    let mut refused = Vec::new();
    let mut now_seen = HashSet::new();
    for entry in feed.entries.iter().rev() {
        now_seen.insert(entry.id.clone());
        if seen.contains(&entry.id) {
            continue;
        }
        match alert_of(http, entry).await {
            Ok((alert, xml)) => match svc.import_cap_alert(&system(), &alert, &xml, name).await {
                Ok(got) => tracing::info!(feed = name, entry = %entry.id, "{:?}", got.outcome),
                // Expired, an exercise, the town's own: read, and nothing to do.
                Err(Error::Invalid(e)) => {
                    tracing::info!(feed = name, entry = %entry.id, "not taken: {e}")
                }
                Err(e) => {
                    // The database: read it again next time.
                    now_seen.remove(&entry.id);
                    refused.push(format!("{}: {e}", entry.id));
                }
            },
            Err(e) => refused.push(format!("{}: {e}", entry.id)),
        }
    }
    *seen = now_seen;
    match refused.len() {
        0 => Ok(()),
        n => Err(format!("{n} entries not read; {}", refused[0])),
    }
}

/// An entry's alert and its text: the embedded one when it is valid CAP 1.2, else the linked one.
async fn alert_of(
    http: &reqwest::Client,
    entry: &safegrid_cap::feed::Entry,
) -> Result<(safegrid_cap::Alert, String), String> {
    let mut why = String::from("no alert");
    if let Some(el) = &entry.embedded {
        match safegrid_cap::parse_element(el) {
            Ok((a, _)) => {
                let xml = a.to_xml();
                return Ok((a, xml));
            }
            Err(e) => why = e.to_string(),
        }
    }
    if let Some(link) = &entry.link {
        let bytes = fetch(http, link).await?;
        let (a, _) = safegrid_cap::parse(&bytes).map_err(|e| format!("{link}: {e}"))?;
        return Ok((a, String::from_utf8_lossy(&bytes).into_owned()));
    }
    Err(why)
}
