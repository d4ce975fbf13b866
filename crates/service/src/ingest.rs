//! Ingestion of sensor readings, shared by HTTP and MQTT.
//!
//! A request (or an MQTT message) is parsed and every reading checked against the sensor
//! catalogue held in memory: unknown sensor, unknown metric, NaN, out of range, too old or in the
//! future. What passes goes to the one writer task of the process, which takes everything queued
//! and commits it in one transaction: new readings appended (resends and in-batch repeats are
//! reported as duplicates), latest values and rollups updated, the alarm rules evaluated and the
//! alarms they open written, the refused readings logged and counted. Only then is the caller
//! answered, so a 2xx or an MQTT PUBACK means committed. Grouping many requests into one commit
//! is what lets a durable commit per batch keep up with hundreds of thousands of readings a
//! second.
//!
//! The rule engine's state lives in the writer. If a commit fails the engine is rebuilt from the
//! database, so memory never runs ahead of what was stored.

use crate::{Error, Result, Service};
use chrono::{DateTime, TimeZone, Utc};
use safegrid_domain::alarm::{Engine, Event, Level, Rule};
use safegrid_domain::telemetry::{self, Metric, Range, Reject};
use safegrid_store::Tx;
use safegrid_store::monitoring::{self as mstore, NewAlarm};
use safegrid_store::readings::{self as rstore, Key, RejectRow, Rollup, Row};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, mpsc, oneshot};

/// The rollup spans kept, in seconds: 10 minutes. Longer charts add these up (a 30-day chart
/// reads 4,320 rows); a second, hourly span would cost every batch another upsert per sensor,
/// which is most of what a batch costs besides the readings themselves.
pub const SPANS: [i64; 1] = [600];
/// Most readings one commit takes; more wait for the next.
const GROUP_MAX: usize = 50_000;
/// Refused readings logged per request (all are counted).
const REJECTS_LOGGED: usize = 20;

/// A reading as it arrived, before any check. Fields are loose so that a bad one is named.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RawReading {
    pub sensor: serde_json::Value,
    pub metric: serde_json::Value,
    pub ts: serde_json::Value,
    pub value: serde_json::Value,
}

/// A JSON batch: `{"readings": [...]}` or the bare array.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Batch {
    Wrapped { readings: Vec<RawReading> },
    Bare(Vec<RawReading>),
}

impl Batch {
    pub fn into_vec(self) -> Vec<RawReading> {
        match self {
            Batch::Wrapped { readings } | Batch::Bare(readings) => readings,
        }
    }
}

/// One refused reading in an answer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Refused {
    /// `readings[3]`, `line 7` or the MQTT topic.
    pub item: String,
    pub sensor: Option<String>,
    pub reason: Reject,
    /// What exactly was wrong (the value, the field), in plain words for the operator.
    pub detail: Option<String>,
}

/// The answer to a batch.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Outcome {
    pub accepted: usize,
    pub rejected: Vec<Refused>,
}

#[derive(Debug, Clone)]
struct SensorInfo {
    id: i64,
    object_id: i64,
    gateway_id: Option<i64>,
    metrics: Vec<(Metric, Range)>,
}

#[derive(Debug, Default)]
struct Catalogue {
    by_code: HashMap<String, SensorInfo>,
    loaded: Option<Instant>,
}

/// A reading that passed the checks, waiting for the writer.
#[derive(Debug, Clone, Copy)]
struct Checked {
    sensor_id: i64,
    object_id: i64,
    metric: Metric,
    ts: i64,
    value: f64,
}

/// What the writer is asked to do, in order.
enum Msg {
    Readings(Job),
    /// Reread the rules and replay (a rule was added); answered when done, so that readings sent
    /// afterwards meet the new rules.
    Reload(oneshot::Sender<Result<()>>),
}

struct Job {
    source: &'static str,
    gateway_id: Option<i64>,
    readings: Vec<Checked>,
    rejects: Vec<Refused>,
    /// Per reading: true when it was a duplicate.
    reply: oneshot::Sender<std::result::Result<Vec<bool>, String>>,
}

/// An alarm change committed by the writer, for live pages.
#[derive(Debug, Clone, Serialize)]
pub struct AlarmNotice {
    pub alarm_id: i64,
    pub object_id: i64,
    /// Where the object is, so that a live page shows a notice only to those who may see it.
    pub region_path: String,
    pub level: Option<Level>,
    pub kind: &'static str,
}

/// The handle HTTP handlers and the MQTT subscriber use; cheap to clone.
#[derive(Clone)]
pub struct Ingest {
    svc: Service,
    catalogue: Arc<RwLock<Catalogue>>,
    jobs: mpsc::Sender<Msg>,
    notices: broadcast::Sender<AlarmNotice>,
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ingest")
    }
}

fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

fn text_of(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Ingest {
    /// Loads the catalogue and the alarm rules, rebuilds the engine from the stored readings and
    /// starts the writer task.
    pub async fn start(svc: Service) -> Result<Ingest> {
        let (jobs, rx) = mpsc::channel(1024);
        let (notices, _) = broadcast::channel(256);
        let ingest = Ingest {
            svc: svc.clone(),
            catalogue: Arc::default(),
            jobs,
            notices: notices.clone(),
        };
        ingest.reload_catalogue().await?;
        let mut writer = Writer {
            svc,
            engine: Engine::default(),
            latest: HashMap::new(),
            notices,
        };
        writer.rebuild().await?;
        tokio::spawn(writer.run(rx));
        Ok(ingest)
    }

    /// Rereads sensors and rules (after one is added or changed).
    pub async fn refresh(&self) -> Result<()> {
        self.reload_catalogue().await?;
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Msg::Reload(tx))
            .await
            .map_err(|_| Error::Internal("ingestion stopped".into()))?;
        rx.await
            .map_err(|_| Error::Internal("ingestion stopped".into()))?
    }

    /// Alarm changes as they are committed.
    pub fn subscribe(&self) -> broadcast::Receiver<AlarmNotice> {
        self.notices.subscribe()
    }

    /// Passes on an alarm change committed outside the writer (a patrol's), for live pages.
    pub fn publish(&self, notice: AlarmNotice) {
        // No live page listening is not an error.
        let _ = self.notices.send(notice);
    }

    async fn reload_catalogue(&self) -> Result<()> {
        let rows = mstore::all_sensor_metrics(&self.svc.store).await?;
        let mut by_code: HashMap<String, SensorInfo> = HashMap::new();
        for r in rows {
            let Some(m) = Metric::from_code(r.metric) else {
                continue;
            };
            let e = by_code.entry(r.code.clone()).or_insert_with(|| SensorInfo {
                id: r.id,
                object_id: r.object_id,
                gateway_id: r.gateway_id,
                metrics: vec![],
            });
            e.metrics.push((
                m,
                Range {
                    min: r.min_value,
                    max: r.max_value,
                },
            ));
        }
        let mut c = self
            .catalogue
            .write()
            .map_err(|_| Error::Internal("catalogue lock".into()))?;
        c.by_code = by_code;
        c.loaded = Some(Instant::now());
        Ok(())
    }

    /// The gateway a token belongs to, unless unknown or disabled.
    pub async fn gateway(&self, token: &str) -> Result<i64> {
        match mstore::gateway_by_token(&self.svc.store, &crate::auth::token_hash(token)).await? {
            Some(g) if !g.disabled => Ok(g.id),
            _ => Err(Error::Unauthenticated),
        }
    }

    /// Checks and stores a batch; refused readings are named in the answer and nothing good
    /// beside them is dropped.
    pub async fn submit(
        &self,
        source: &'static str,
        gateway_id: Option<i64>,
        items: Vec<(String, std::result::Result<RawReading, String>)>,
    ) -> Result<Outcome> {
        let now = now_ms();
        if self.has_unknown(&items) {
            self.maybe_reload().await?;
        }
        let mut readings = Vec::with_capacity(items.len());
        let mut labels = Vec::with_capacity(items.len());
        let mut rejects = Vec::new();
        {
            let cat = self
                .catalogue
                .read()
                .map_err(|_| Error::Internal("catalogue lock".into()))?;
            for (label, item) in items {
                match item
                    .map_err(|d| (None, Reject::Malformed, Some(d)))
                    .and_then(|r| check_one(&cat, gateway_id, &r, now))
                {
                    Ok((code, c)) => {
                        readings.push(c);
                        labels.push((label, code));
                    }
                    Err((sensor, reason, detail)) => rejects.push(Refused {
                        item: label,
                        sensor,
                        reason,
                        detail,
                    }),
                }
            }
        }
        let mut outcome = Outcome {
            accepted: 0,
            rejected: rejects.clone(),
        };
        let (reply, answer) = oneshot::channel();
        let n = readings.len();
        self.jobs
            .send(Msg::Readings(Job {
                source,
                gateway_id,
                readings,
                rejects,
                reply,
            }))
            .await
            .map_err(|_| Error::Internal("ingestion stopped".into()))?;
        let dups = answer
            .await
            .map_err(|_| Error::Internal("ingestion stopped".into()))?
            .map_err(Error::Internal)?;
        for (i, dup) in dups.iter().enumerate() {
            if *dup {
                outcome.rejected.push(Refused {
                    item: labels[i].0.clone(),
                    sensor: Some(labels[i].1.clone()),
                    reason: Reject::Duplicate,
                    detail: None,
                });
            }
        }
        outcome.accepted = n - dups.iter().filter(|d| **d).count();
        Ok(outcome)
    }

    fn has_unknown(&self, items: &[(String, std::result::Result<RawReading, String>)]) -> bool {
        let Ok(cat) = self.catalogue.read() else {
            return false;
        };
        // Runs over every reading of every request: look the code up without copying it.
        items
            .iter()
            .any(|(_, r)| match r.as_ref().map(|r| &r.sensor) {
                Ok(serde_json::Value::String(s)) => !cat.by_code.contains_key(s.as_str()),
                Ok(serde_json::Value::Number(n)) => !cat.by_code.contains_key(&n.to_string()),
                _ => false,
            })
    }

    /// A sensor registered in another process (or a moment ago) is found by rereading the
    /// catalogue, at most once a second so that a flood of unknown codes costs nothing.
    async fn maybe_reload(&self) -> Result<()> {
        let stale = self
            .catalogue
            .read()
            .map(|c| {
                c.loaded
                    .is_none_or(|t| t.elapsed() > Duration::from_secs(1))
            })
            .unwrap_or(true);
        if stale {
            self.reload_catalogue().await?;
        }
        Ok(())
    }
}

type Refusal = (Option<String>, Reject, Option<String>);

fn check_one(
    cat: &Catalogue,
    gateway_id: Option<i64>,
    r: &RawReading,
    now: i64,
) -> std::result::Result<(String, Checked), Refusal> {
    let Some(code) = text_of(&r.sensor) else {
        return Err((None, Reject::Malformed, Some("sensor".into())));
    };
    let Some(info) = cat.by_code.get(&code) else {
        return Err((Some(code), Reject::UnknownSensor, None));
    };
    let refuse = |reason, detail: Option<String>| Err((Some(code.clone()), reason, detail));
    if let (Some(g), Some(own)) = (gateway_id, info.gateway_id)
        && g != own
    {
        return refuse(Reject::NotOwnSensor, None);
    }
    let (metric, range) = match &r.metric {
        serde_json::Value::Null if info.metrics.len() == 1 => info.metrics[0],
        serde_json::Value::Null => return refuse(Reject::Malformed, Some("metric".into())),
        serde_json::Value::String(m) => {
            match Metric::parse(m).and_then(|m| info.metrics.iter().find(|x| x.0 == m)) {
                Some(x) => *x,
                None => return refuse(Reject::UnknownMetric, Some(m.clone())),
            }
        }
        other => return refuse(Reject::Malformed, Some(format!("metric {other}"))),
    };
    let value = match &r.value {
        serde_json::Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        // "NaN", "inf" and numbers written as text.
        serde_json::Value::String(s) => match s.trim().parse::<f64>() {
            Ok(v) => v,
            Err(_) => return refuse(Reject::Malformed, Some(format!("value {s:?}"))),
        },
        serde_json::Value::Null => return refuse(Reject::Malformed, Some("value".into())),
        other => return refuse(Reject::Malformed, Some(format!("value {other}"))),
    };
    let ts = match &r.ts {
        serde_json::Value::Null => now,
        v => match text_of(v).and_then(|t| telemetry::parse_time(&t)) {
            Some(t) => t,
            None => return refuse(Reject::Malformed, Some(format!("ts {v}"))),
        },
    };
    if let Err(reason) = telemetry::check(range, value, ts, now) {
        let detail = match reason {
            Reject::OutOfRange => {
                format!("{value} ∉ [{}, {}] {}", range.min, range.max, metric.unit())
            }
            Reject::NotFinite => format!("{value}"),
            _ => ms_text(ts),
        };
        return refuse(reason, Some(detail));
    }
    let checked = Checked {
        sensor_id: info.id,
        object_id: info.object_id,
        metric,
        ts,
        value,
    };
    Ok((code, checked))
}

fn ms_text(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| ms.to_string())
}

fn at(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_else(Utc::now)
}

/// Parses a CSV body: `sensor,metric,ts,value` per line (metric may be empty for a sensor of one
/// metric), an optional header line starting with `sensor`, blank lines ignored.
pub fn parse_csv(body: &str) -> Vec<(String, std::result::Result<RawReading, String>)> {
    let mut out = Vec::new();
    for (i, line) in body.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.to_ascii_lowercase().starts_with("sensor")) {
            continue;
        }
        let label = format!("line {}", i + 1);
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let item = if f.len() != 4 {
            Err(format!(
                "{} fields, expected 4 (sensor,metric,ts,value)",
                f.len()
            ))
        } else {
            let s = |v: &str| {
                if v.is_empty() {
                    serde_json::Value::Null
                } else {
                    serde_json::Value::String(v.to_string())
                }
            };
            Ok(RawReading {
                sensor: s(f[0]),
                metric: s(f[1]),
                ts: s(f[2]),
                value: s(f[3]),
            })
        };
        out.push((label, item));
    }
    out
}

/// Labels the items of a JSON batch `readings[i]`.
pub fn label_json(
    items: Vec<RawReading>,
) -> Vec<(String, std::result::Result<RawReading, String>)> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, r)| (format!("readings[{i}]"), Ok(r)))
        .collect()
}

struct Writer {
    svc: Service,
    engine: Engine,
    /// Newest stored time per (sensor, metric): a reading newer than this cannot be a resend.
    latest: HashMap<(i64, i16), i64>,
    notices: broadcast::Sender<AlarmNotice>,
}

impl Writer {
    /// Loads the enabled rules and replays the readings their windows need, so that the engine
    /// stands where it stood before the process stopped. Events of the replay are dropped: the
    /// alarms they stand for are in the database already.
    async fn rebuild(&mut self) -> Result<()> {
        let rules: Vec<Rule> = mstore::rules(&self.svc.store, None)
            .await?
            .into_iter()
            .filter(|r| r.enabled)
            .filter_map(|r| {
                serde_json::from_str(&r.conditions)
                    .ok()
                    .map(|conditions| Rule {
                        id: r.id,
                        object_id: r.object_id,
                        conditions,
                    })
            })
            .collect();
        let mut engine = Engine::new(rules);
        self.latest.clear();
        for r in rstore::latest_all(&self.svc.store).await? {
            self.latest.insert((r.sensor_id, r.metric), r.ts);
            engine.note_seen(r.sensor_id, r.ts);
        }
        if !engine.rules().is_empty() {
            let objects = self.objects_of_sensors().await?;
            // Threshold conditions need the last value; windows need their whole span.
            let since = now_ms() - engine.history_ms().max(3_600_000) - 3_600_000;
            let mut sink = Vec::new();
            for r in rstore::since(&self.svc.store, since).await? {
                if let (Some(o), Some(m)) = (objects.get(&r.sensor_id), Metric::from_code(r.metric))
                {
                    engine.feed(
                        safegrid_domain::alarm::Reading {
                            sensor_id: r.sensor_id,
                            object_id: *o,
                            metric: m,
                            ts: r.ts,
                            value: r.value,
                        },
                        &mut sink,
                    );
                }
            }
        }
        self.engine = engine;
        Ok(())
    }

    async fn objects_of_sensors(&self) -> Result<HashMap<i64, i64>> {
        Ok(mstore::all_sensor_metrics(&self.svc.store)
            .await?
            .into_iter()
            .map(|s| (s.id, s.object_id))
            .collect())
    }

    async fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        // A message taken while gathering a group that is not readings waits its turn here.
        let mut next: Option<Msg> = None;
        loop {
            let msg = match next.take() {
                Some(m) => m,
                None => tokio::select! {
                    m = rx.recv() => match m {
                        Some(m) => m,
                        None => return,
                    },
                    _ = tick.tick() => {
                        self.tick().await;
                        continue;
                    }
                },
            };
            match msg {
                Msg::Reload(done) => {
                    let _ = done.send(self.rebuild().await);
                }
                Msg::Readings(first) => {
                    let mut n = first.readings.len();
                    let mut jobs = vec![first];
                    while n < GROUP_MAX {
                        match rx.try_recv() {
                            Ok(Msg::Readings(j)) => {
                                n += j.readings.len();
                                jobs.push(j);
                            }
                            Ok(other) => {
                                next = Some(other);
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    self.commit(jobs).await;
                }
            }
        }
    }

    /// Silence is judged on the clock, not on readings.
    async fn tick(&mut self) {
        let mut events = Vec::new();
        self.engine.tick(now_ms(), &mut events);
        if events.is_empty() {
            return;
        }
        let result = async {
            let mut tx = self.svc.store.begin().await?;
            let notices = write_events(&mut tx, &events).await?;
            tx.commit().await?;
            Ok::<_, Error>(notices)
        }
        .await;
        self.after(result.map(|n| (n, vec![]))).await;
    }

    async fn commit(&mut self, jobs: Vec<Job>) {
        let result = self.write(&jobs, false).await;
        let result = match result {
            // Another process stored some of the readings this one thought new: check them all.
            Err(Error::Internal(e)) if e == RACE => self.write(&jobs, true).await,
            r => r,
        };
        let (dups, notices_and_latest) = match result {
            Ok((dups, notices, latest)) => (Ok(dups), Ok((notices, latest))),
            Err(e) => (Err(e.to_string()), Err(e)),
        };
        self.after(notices_and_latest).await;
        match dups {
            Ok(mut per_job) => {
                for (job, d) in jobs.into_iter().zip(per_job.drain(..)) {
                    let _ = job.reply.send(Ok(d));
                }
            }
            Err(e) => {
                for job in jobs {
                    let _ = job.reply.send(Err(e.clone()));
                }
            }
        }
    }

    /// After a commit: publish its notices and move the cache on; after a failure, rebuild the
    /// engine (it was fed readings that are not stored).
    async fn after(&mut self, result: Result<(Vec<AlarmNotice>, Vec<Row>)>) {
        match result {
            Ok((notices, latest)) => {
                for r in latest {
                    let e = self.latest.entry((r.sensor_id, r.metric)).or_insert(r.ts);
                    *e = (*e).max(r.ts);
                }
                for n in notices {
                    let _ = self.notices.send(n);
                }
            }
            Err(e) => {
                tracing::error!("readings not stored: {e}");
                if let Err(e) = self.rebuild().await {
                    tracing::error!("alarm engine not rebuilt: {e}");
                }
            }
        }
    }

    /// One transaction for a group of jobs. Returns per job which readings were duplicates, the
    /// alarm notices and the newest row per series.
    async fn write(
        &mut self,
        jobs: &[Job],
        check_all: bool,
    ) -> Result<(Vec<Vec<bool>>, Vec<AlarmNotice>, Vec<Row>)> {
        let mut dups: Vec<Vec<bool>> = jobs.iter().map(|j| vec![false; j.readings.len()]).collect();
        let mut seen: HashSet<Key> = HashSet::new();
        let mut fresh: Vec<(usize, usize)> = Vec::new();
        let mut maybe: Vec<(usize, usize)> = Vec::new();
        for (j, job) in jobs.iter().enumerate() {
            for (i, r) in job.readings.iter().enumerate() {
                let key = (r.ts, r.sensor_id, r.metric.code());
                if !seen.insert(key) {
                    dups[j][i] = true;
                } else if !check_all
                    && self
                        .latest
                        .get(&(r.sensor_id, r.metric.code()))
                        .is_none_or(|l| r.ts > *l)
                {
                    fresh.push((j, i));
                } else {
                    maybe.push((j, i));
                }
            }
        }
        let mut tx = self.svc.store.begin().await?;
        if !maybe.is_empty() {
            let keys: Vec<Key> = maybe
                .iter()
                .map(|&(j, i)| {
                    let r = &jobs[j].readings[i];
                    (r.ts, r.sensor_id, r.metric.code())
                })
                .collect();
            let stored = rstore::existing(&mut tx, &keys).await?;
            for (&(j, i), k) in maybe.iter().zip(&keys) {
                if stored.contains(k) {
                    dups[j][i] = true;
                } else {
                    fresh.push((j, i));
                }
            }
        }
        let mut new: Vec<Checked> = fresh.iter().map(|&(j, i)| jobs[j].readings[i]).collect();
        new.sort_unstable_by_key(|r| (r.ts, r.sensor_id, r.metric.code()));
        let rows: Vec<Row> = new
            .iter()
            .map(|r| Row {
                ts: r.ts,
                sensor_id: r.sensor_id,
                metric: r.metric.code(),
                value: r.value,
            })
            .collect();
        let stored = rstore::append(&mut tx, &rows).await?;
        if stored != rows.len() as u64 {
            return Err(Error::Internal(RACE.into()));
        }
        let latest = newest_per_series(&rows);
        rstore::upsert_latest(&mut tx, &latest).await?;
        rstore::upsert_rollups(&mut tx, &rollups_of(&rows)).await?;
        let mut events = Vec::new();
        for r in &new {
            if self.engine.watches(r.object_id, r.metric) {
                self.engine.feed(
                    safegrid_domain::alarm::Reading {
                        sensor_id: r.sensor_id,
                        object_id: r.object_id,
                        metric: r.metric,
                        ts: r.ts,
                        value: r.value,
                    },
                    &mut events,
                );
            }
        }
        let notices = write_events(&mut tx, &events).await?;
        self.log_refusals(&mut tx, jobs, &dups).await?;
        tx.commit().await?;
        Ok((dups, notices, latest))
    }

    async fn log_refusals(&self, tx: &mut Tx, jobs: &[Job], dups: &[Vec<bool>]) -> Result<()> {
        let now = Utc::now();
        let mut counts: HashMap<(String, String), i64> = HashMap::new();
        let mut logged = Vec::new();
        for (job, d) in jobs.iter().zip(dups) {
            let n_dup = d.iter().filter(|x| **x).count();
            *counts
                .entry((job.source.into(), "accepted".into()))
                .or_default() += (d.len() - n_dup) as i64;
            if n_dup > 0 {
                *counts
                    .entry((job.source.into(), Reject::Duplicate.as_str().into()))
                    .or_default() += n_dup as i64;
            }
            for r in &job.rejects {
                *counts
                    .entry((job.source.into(), r.reason.as_str().into()))
                    .or_default() += 1;
            }
            logged.extend(job.rejects.iter().take(REJECTS_LOGGED).map(|r| RejectRow {
                at: now,
                source: job.source.into(),
                gateway_id: job.gateway_id,
                item: r.item.clone(),
                sensor_code: r.sensor.clone(),
                reason: r.reason.as_str().into(),
                detail: r.detail.clone(),
            }));
        }
        rstore::insert_rejects(tx, &logged).await?;
        let counts: Vec<(String, String, i64)> = counts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|((s, r), n)| (s, r, n))
            .collect();
        rstore::add_counts(tx, &now.format("%Y-%m-%d").to_string(), &counts).await?;
        Ok(())
    }
}

/// The marker of a batch that met readings another process stored meanwhile.
const RACE: &str = "readings stored concurrently";

fn newest_per_series(rows: &[Row]) -> Vec<Row> {
    let mut m: HashMap<(i64, i16), Row> = HashMap::new();
    for r in rows {
        let e = m.entry((r.sensor_id, r.metric)).or_insert(*r);
        if r.ts > e.ts {
            *e = *r;
        }
    }
    m.into_values().collect()
}

/// The 10-minute buckets of a set of rows, one per (sensor, metric, bucket).
pub fn rollups_of(rows: &[Row]) -> Vec<Rollup> {
    let mut m: HashMap<(i64, i16, i64, i64), Rollup> = HashMap::new();
    for r in rows {
        for span in SPANS {
            let bucket = telemetry::bucket(r.ts, span * 1000);
            m.entry((r.sensor_id, r.metric, span, bucket))
                .or_insert(Rollup {
                    sensor_id: r.sensor_id,
                    metric: r.metric,
                    span,
                    bucket,
                    n: 0,
                    total: 0.0,
                    min_value: f64::INFINITY,
                    max_value: f64::NEG_INFINITY,
                    last_ts: i64::MIN,
                    last_value: 0.0,
                })
                .add(r.ts, r.value);
        }
    }
    m.into_values().collect()
}

async fn region_of(tx: &mut Tx, object_id: i64) -> Result<String> {
    Ok(mstore::object(&mut *tx, object_id)
        .await?
        .map(|o| o.region_path)
        .unwrap_or_default())
}

/// Writes the engine's events as alarms: a rule opens one alarm and raises it while it is not
/// resolved; clearing marks it inactive and leaves it for a person to resolve.
async fn write_events(tx: &mut Tx, events: &[Event]) -> Result<Vec<AlarmNotice>> {
    let mut notices = Vec::new();
    for e in events {
        match e {
            Event::Raised {
                rule_id,
                object_id,
                level,
                ts,
                trigger,
                ..
            } => {
                let region_path = region_of(tx, *object_id).await?;
                let metric = trigger.metric.map(|m| m.as_str());
                let a = NewAlarm {
                    rule_id: Some(*rule_id),
                    object_id: *object_id,
                    source: if trigger.metric.is_none() {
                        "silence"
                    } else {
                        "rule"
                    },
                    level: level.as_str(),
                    level_rank: i64::from(level.rank()),
                    sensor_id: Some(trigger.sensor_id).filter(|s| *s > 0),
                    metric,
                    figure: Some(trigger.figure),
                    window_h: trigger.window_h.map(i64::from),
                    detail: None,
                    at: at(*ts),
                };
                let (alarm_id, kind) = match mstore::open_alarm_of_rule(&mut *tx, *rule_id).await? {
                    Some((id, stored)) => {
                        let higher = Level::parse(&stored).is_none_or(|s| *level > s);
                        mstore::raise_alarm(tx, id, &a, higher).await?;
                        (id, if higher { "raised" } else { "recurred" })
                    }
                    None => (mstore::insert_alarm(tx, &a).await?, "opened"),
                };
                notices.push(AlarmNotice {
                    alarm_id,
                    object_id: *object_id,
                    region_path,
                    level: Some(*level),
                    kind,
                });
            }
            Event::Cleared {
                rule_id,
                object_id,
                ts,
            } => {
                let region_path = region_of(tx, *object_id).await?;
                if let Some((id, _)) = mstore::open_alarm_of_rule(&mut *tx, *rule_id).await? {
                    mstore::clear_alarm(tx, id, at(*ts)).await?;
                    notices.push(AlarmNotice {
                        alarm_id: id,
                        object_id: *object_id,
                        region_path,
                        level: None,
                        kind: "cleared",
                    });
                }
            }
        }
    }
    Ok(notices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_lines_are_named_and_checked_for_shape() {
        let items = parse_csv(
            "sensor,metric,ts,value\nA,rainfall,1780000000,1.5\n\nB,,1780000000\nC,tilt,,2\n",
        );
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].0, "line 2");
        assert!(items[0].1.is_ok());
        assert_eq!(items[1].0, "line 4");
        assert!(items[1].1.as_ref().unwrap_err().contains("3 fields"));
        let c = items[2].1.as_ref().unwrap();
        assert_eq!(c.ts, serde_json::Value::Null);
    }

    #[test]
    fn rollups_merge_per_bucket() {
        let rows = [
            Row {
                ts: 1_000,
                sensor_id: 1,
                metric: 1,
                value: 2.0,
            },
            Row {
                ts: 2_000,
                sensor_id: 1,
                metric: 1,
                value: 5.0,
            },
            Row {
                ts: 700_000,
                sensor_id: 1,
                metric: 1,
                value: 1.0,
            },
        ];
        let mut r = rollups_of(&rows);
        r.sort_by_key(|r| (r.span, r.bucket));
        assert_eq!(r.len(), 2);
        assert_eq!(
            (
                r[0].bucket,
                r[0].n,
                r[0].total,
                r[0].max_value,
                r[0].last_value
            ),
            (0, 2, 7.0, 5.0, 5.0)
        );
        assert_eq!(
            (r[1].bucket, r[1].n, r[1].min_value, r[1].last_ts),
            (600_000, 1, 1.0, 700_000)
        );
    }
}
