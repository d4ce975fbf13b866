//! `safegrid bench ingest|alarm-latency|mqtt`: readings through the real paths (HTTP with a
//! gateway token, MQTT through the broker) into a fresh database, against the limits of the
//! monitoring issue, with the raw append ceiling measured in the same run.

use anyhow::{Result, bail};
use safegrid_domain::alarm::{Condition, Level};
use safegrid_domain::monitoring::{ObjectInput, SensorInput};
use safegrid_domain::telemetry::Metric;
use safegrid_service::ingest::Ingest;
use safegrid_service::{Service, system};
use safegrid_store::readings::{self, Row};
use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Sensors per monitored object in the generated set.
const PER_OBJECT: usize = 10;

/// The five rules every reading of the bench meets (all on crack width, every sensor of the
/// object): bands with hysteresis, a minimum duration, falling bands, wide hysteresis, and a
/// two-level rule.
fn rules() -> Vec<(&'static str, Condition)> {
    let t = |bands: [Option<f64>; 4], below: bool, hysteresis: f64, min_duration_s: i64| {
        Condition::Threshold {
            metric: Metric::CrackWidth,
            sensor_id: None,
            below,
            bands,
            hysteresis,
            min_duration_s,
        }
    };
    vec![
        (
            "裂缝宽度",
            t(
                [Some(50.0), Some(100.0), Some(150.0), Some(200.0)],
                false,
                2.0,
                0,
            ),
        ),
        (
            "裂缝持续",
            t(
                [Some(60.0), Some(120.0), Some(180.0), Some(240.0)],
                false,
                0.0,
                600,
            ),
        ),
        (
            "裂缝闭合",
            t([Some(5.0), Some(4.0), Some(3.0), Some(2.0)], true, 0.5, 0),
        ),
        (
            "裂缝宽滞回",
            t(
                [Some(45.0), Some(90.0), Some(135.0), Some(180.0)],
                false,
                5.0,
                0,
            ),
        ),
        (
            "裂缝红线",
            t([Some(70.0), None, None, Some(300.0)], false, 1.0, 0),
        ),
    ]
}

struct Set {
    svc: Service,
    codes: Vec<String>,
    gateway: String,
    /// The sensor ids in the order of `codes`, and the object of each.
    ids: Vec<i64>,
    objects: Vec<i64>,
}

/// A fresh database with `sensors` crack meters on hazard sites of the demo town, five rules per
/// site, and one gateway.
async fn generate(url: &str, sensors: usize) -> Result<Set> {
    let svc = Service::open(url).await?;
    if svc.has_regions().await? {
        bail!("the database is not empty; give the bench a fresh one");
    }
    svc.load_demo(0, |_, _| {}).await?;
    let sys = system();
    let villages = svc.villages(&sys).await?;
    let gw = svc.create_gateway(&sys, "bench").await?;
    let b = crate::bar(sensors as u64, "sensors");
    let mut codes = Vec::with_capacity(sensors);
    let mut ids = Vec::with_capacity(sensors);
    let mut objects = Vec::with_capacity(sensors);
    for o in 0..sensors.div_ceil(PER_OBJECT) {
        let object = svc
            .create_object(
                &sys,
                &ObjectInput {
                    kind: "hazard_site".into(),
                    name: format!("监测点{o}"),
                    region_id: villages[o % villages.len()].id.to_string(),
                    hazard_type: "landslide".into(),
                    ..Default::default()
                },
            )
            .await?;
        for s in 0..PER_OBJECT.min(sensors - o * PER_OBJECT) {
            let code = format!("B{o}-{s}");
            let rows = svc
                .create_sensor(
                    &sys,
                    &SensorInput {
                        code: code.clone(),
                        object_id: object.id.to_string(),
                        gateway_id: gw.id.to_string(),
                        metrics: vec!["crack_width".into()],
                    },
                )
                .await?;
            ids.push(rows[0].id);
            objects.push(object.id);
            codes.push(code);
            b.inc(1);
        }
        for (name, c) in rules() {
            svc.create_rule(&sys, object.id, name, &[c]).await?;
        }
    }
    b.finish_and_clear();
    Ok(Set {
        svc,
        codes,
        gateway: gw.token,
        ids,
        objects,
    })
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

/// A crack width for reading `seq`: 10–40 mm, and one reading in 100,000 at 210 mm, which
/// raises alarms.
fn value(seq: u64) -> f64 {
    if seq % 100_000 == 99_999 {
        210.0
    } else {
        10.0 + (seq.wrapping_mul(2_654_435_761) % 3000) as f64 / 100.0
    }
}

async fn serve(svc: &Service) -> Result<(String, Ingest, tokio::sync::oneshot::Sender<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let ingest = Ingest::start(svc.clone()).await?;
    let state = safegrid_web::AppState {
        ingest: ingest.clone(),
        svc: svc.clone(),
        secure_cookies: false,
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(safegrid_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    Ok((base, ingest, stop))
}

/// HTTP batches from `clients` concurrent gateways for `seconds`, then the raw append ceiling.
pub async fn ingest(
    url: &str,
    seconds: u64,
    sensors: usize,
    clients: usize,
    batch: usize,
) -> Result<()> {
    let set = generate(url, sensors).await?;
    let backend = set.svc.store.backend_name();
    let (base, _ingest, stop) = serve(&set.svc).await?;
    let n = set.codes.len() as u64;
    // Reading `seq` is sensor `seq % n` at `t0 + seq / n` ms: every key distinct, all in the past.
    let t0 = chrono::Utc::now().timestamp_millis() - 30 * 86_400_000;
    let seq = Arc::new(AtomicU64::new(0));
    let accepted = Arc::new(AtomicU64::new(0));
    let codes = Arc::new(set.codes.clone());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let b = crate::bar(seconds, "ingest");
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (seq, accepted, codes, url, token) = (
            seq.clone(),
            accepted.clone(),
            codes.clone(),
            format!("{base}/api/v1/readings"),
            set.gateway.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut lat = Vec::new();
            let mut body = String::with_capacity(batch * 64);
            while Instant::now() < deadline {
                let first = seq.fetch_add(batch as u64, Ordering::Relaxed);
                body.clear();
                body.push('[');
                for s in first..first + batch as u64 {
                    if s > first {
                        body.push(',');
                    }
                    let _ = write!(
                        body,
                        r#"{{"sensor":"{}","ts":{},"value":{}}}"#,
                        codes[(s % n) as usize],
                        t0 + (s / n) as i64,
                        value(s)
                    );
                }
                body.push(']');
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await?;
                if !r.status().is_success() {
                    bail!("readings answered {}", r.status());
                }
                let out: serde_json::Value = r.json().await?;
                lat.push(t.elapsed());
                accepted.fetch_add(out["accepted"].as_u64().unwrap_or(0), Ordering::Relaxed);
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    // Readings per 10-second window, to show the rate holds for the whole run.
    let mut windows = Vec::new();
    let mut last = 0;
    while Instant::now() < deadline {
        tokio::time::sleep(
            Duration::from_secs(10).min(deadline.saturating_duration_since(Instant::now())),
        )
        .await;
        let now = accepted.load(Ordering::Relaxed);
        windows.push(now - last);
        last = now;
        b.set_position(started.elapsed().as_secs().min(seconds));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    b.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let total = accepted.load(Ordering::Relaxed);
    lat.sort();
    let stored = readings::count(&set.svc.store).await?;
    let alarms = set.svc.alarms(&system(), None, false).await?.len();
    let rate = total as f64 / elapsed;
    let slowest = windows
        .iter()
        .take(windows.len().saturating_sub(1))
        .min()
        .copied()
        .unwrap_or(last) as f64
        / 10.0;
    println!(
        "backend: {backend}; {} sensors, 5 rules per reading, {clients} gateways posting {batch} readings per request",
        n
    );
    println!(
        "http ingest: {total} readings in {elapsed:.1} s = {rate:.0} readings/s (slowest 10 s window {slowest:.0}/s); request p50 {:.1} ms, p99 {:.1} ms, {} requests",
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        lat.len()
    );
    println!("stored readings: {stored}; alarms opened: {alarms}");
    let _ = stop.send(());

    // The ceiling: the same kind of rows appended straight into the table, in transactions of
    // 50,000, without HTTP, checks, rollups or rules.
    let ceiling_for = Duration::from_secs((seconds / 5).clamp(10, 60));
    let t1 = t0 + (total / n) as i64 + 1000;
    let start = Instant::now();
    let mut appended: u64 = 0;
    while start.elapsed() < ceiling_for {
        let rows: Vec<Row> = (appended..appended + 50_000)
            .map(|s| Row {
                ts: t1 + (s / n) as i64,
                sensor_id: set.ids[(s % n) as usize],
                metric: Metric::CrackWidth.code(),
                value: value(s),
            })
            .collect();
        let mut tx = set.svc.store.begin().await?;
        readings::append(&mut tx, &rows).await?;
        tx.commit().await?;
        appended += rows.len() as u64;
    }
    let ceiling = appended as f64 / start.elapsed().as_secs_f64();
    println!(
        "raw append ceiling: {appended} rows in {:.1} s = {ceiling:.0} rows/s; ingest/ceiling = {:.2}",
        start.elapsed().as_secs_f64(),
        rate / ceiling
    );
    Ok(())
}

/// From a reading's arrival to its alarm committed, with `background` readings/s flowing.
pub async fn alarm_latency(url: &str, background: u64, probes: usize) -> Result<()> {
    let set = generate(url, 100).await?;
    let (base, _ingest, stop) = serve(&set.svc).await?;
    let url = format!("{base}/api/v1/readings");
    let n = set.codes.len() as u64;
    let t0 = chrono::Utc::now().timestamp_millis() - 86_400_000;
    // Background: a tenth of the rate every 100 ms, on sensors 1.. (sensor 0 is the probe's).
    let bg = {
        let (url, token, codes) = (url.clone(), set.gateway.clone(), set.codes.clone());
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let per_tick = (background / 10).max(1);
            let mut seq = 0u64;
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            loop {
                tick.tick().await;
                let mut body = String::from("[");
                for i in 0..per_tick {
                    if i > 0 {
                        body.push(',');
                    }
                    let s = seq + i;
                    let _ = write!(
                        body,
                        r#"{{"sensor":"{}","ts":{},"value":{}}}"#,
                        codes[(1 + s % (n - 1)) as usize],
                        t0 + (s / (n - 1)) as i64,
                        20.0
                    );
                }
                body.push(']');
                seq += per_tick;
                let _ = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
            }
        })
    };
    // Probes on sensor 0: alternately 210 mm (raises the rules' alarms) and 10 mm (clears them).
    let client = reqwest::Client::new();
    let mut raise = Vec::new();
    let probe_code = &set.codes[0];
    for i in 0..probes * 2 {
        let v = if i % 2 == 0 { 210.0 } else { 10.0 };
        let body = format!(r#"[{{"sensor":"{probe_code}","value":{v}}}]"#);
        let t = Instant::now();
        let r = client
            .post(&url)
            .bearer_auth(&set.gateway)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?;
        let ok = r.status().is_success();
        let elapsed = t.elapsed();
        if !ok {
            bail!("probe answered {}", r.status());
        }
        if i % 2 == 0 {
            raise.push(elapsed);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bg.abort();
    let _ = stop.send(());
    raise.sort();
    let alarm = set.svc.alarms(&system(), None, false).await?;
    let raised = alarm
        .iter()
        .filter(|a| a.level == Level::Red.as_str())
        .count();
    println!(
        "reading to alarm committed, {background} readings/s in the background: {} probes, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (limit p99 50 ms); {raised} red alarms open",
        raise.len(),
        pct(&raise, 0.5),
        pct(&raise, 0.99),
        pct(&raise, 1.0)
    );
    Ok(())
}

/// Readings stored from MQTT so far (from the daily counts, which cost nothing to read).
async fn mqtt_stored(svc: &Service) -> Result<u64> {
    Ok(readings::counts(&svc.store, 1)
        .await?
        .into_iter()
        .filter(|(_, source, reason, _)| source == "mqtt" && reason == "accepted")
        .map(|c| c.3 as u64)
        .sum())
}

/// One reading per MQTT message at QoS 1 through the local broker into the ingestion.
pub async fn mqtt(url: &str, broker: &str, messages: u64, connections: usize) -> Result<()> {
    use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
    let set = generate(url, 1000).await?;
    let ingest = Ingest::start(set.svc.clone()).await?;
    let tag = format!("{:08x}", rand::random::<u32>());
    let mut cfg = safegrid_worker::mqtt::Config::from_url(broker, &format!("sgbench-{tag}"))
        .ok_or_else(|| anyhow::anyhow!("mqtt address {broker}"))?;
    cfg.prefix = format!("sgbench{tag}");
    cfg.connections = connections;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let sub = tokio::spawn(safegrid_worker::mqtt::run(ingest, cfg.clone(), stopped));
    // Wait for the subscriptions: send one reading until it is stored.
    let mut opts = MqttOptions::new(format!("sgbench-pub-{tag}"), cfg.host.clone(), cfg.port);
    opts.set_inflight(1000);
    let (publisher, mut events) = AsyncClient::new(opts, 10_000);
    let acked = Arc::new(AtomicU64::new(0));
    let counter = acked.clone();
    tokio::spawn(async move {
        loop {
            match events.poll().await {
                Ok(Event::Incoming(Packet::PubAck(_))) => {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                Ok(_) => {}
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    });
    let n = set.codes.len() as u64;
    let t0 = chrono::Utc::now().timestamp_millis() - 86_400_000;
    let topic = |s: u64| format!("{}/readings/{}", cfg.prefix, set.codes[(s % n) as usize]);
    let payload = |s: u64| format!(r#"{{"ts":{},"value":{}}}"#, t0 + (s / n) as i64, value(s));
    let ready = Instant::now();
    while mqtt_stored(&set.svc).await? == 0 {
        if ready.elapsed() > Duration::from_secs(30) {
            bail!("the subscription never came up");
        }
        publisher
            .publish(topic(0), QoS::AtLeastOnce, false, payload(0))
            .await?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Let every connection subscribe before the stream starts.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let base = mqtt_stored(&set.svc).await?;
    let b = crate::bar(messages, "mqtt");
    let start = Instant::now();
    // The publisher stays at most 800 messages ahead of what is stored, so that even one
    // session's queue (Mosquitto keeps 1000 beyond the in-flight ones, then drops) never
    // overflows.
    let mut sent = 0u64;
    while sent < messages {
        let stored = mqtt_stored(&set.svc).await? - base;
        b.set_position(stored);
        while sent < messages && sent < stored + 800 {
            publisher
                .publish(topic(sent + 1), QoS::AtLeastOnce, false, payload(sent + 1))
                .await?;
            sent += 1;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    loop {
        let stored = mqtt_stored(&set.svc).await? - base;
        b.set_position(stored);
        if stored >= messages {
            break;
        }
        if start.elapsed() > Duration::from_secs(600) {
            bail!("only {stored} of {messages} stored after 10 minutes");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let secs = start.elapsed().as_secs_f64();
    b.finish_and_clear();
    let rows = readings::count(&set.svc.store).await? as u64;
    if rows != messages + 1 {
        bail!("{rows} readings stored for {messages} messages and the probe");
    }
    let _ = stop.send(true);
    let _ = sub.await;
    println!(
        "mqtt: {messages} messages (one reading each, QoS 1, {connections} shared connections) stored in {secs:.1} s = {:.0} messages/s (limit 20,000)",
        messages as f64 / secs
    );
    Ok(())
}

/// `total` readings of `sensors` sensors over the last 30 days, loaded straight into the tables
/// (readings and their rollups, as ingestion leaves them), then charts of one sensor over 24 h,
/// 7 d and 30 d through the API.
pub async fn charts(url: &str, total: u64, sensors: usize, requests: usize) -> Result<()> {
    let set = generate(url, sensors).await?;
    let n = set.ids.len() as u64;
    let now = chrono::Utc::now().timestamp_millis();
    let span_ms = 30 * 86_400_000i64;
    let t0 = now - span_ms;
    // Reading `k` is sensor `k % n` at `t0 + (k / n) * step`: evenly spread over 30 days.
    let step = (span_ms as f64 / (total / n).max(1) as f64).max(1.0);
    let ts_of = |k: u64| t0 + ((k / n) as f64 * step) as i64;
    let row = |k: u64| Row {
        ts: ts_of(k),
        sensor_id: set.ids[(k % n) as usize],
        metric: Metric::CrackWidth.code(),
        value: value(k),
    };
    // Readings go in by time and rollups by sensor, each in its table's key order, so both are
    // appends; the rollups hold exactly what ingestion would have summed for these readings.
    let b = crate::bar(total, "readings");
    let started = Instant::now();
    let mut s = 0;
    while s < total {
        let rows: Vec<Row> = (s..(s + 200_000).min(total)).map(row).collect();
        let mut tx = set.svc.store.begin().await?;
        readings::append(&mut tx, &rows).await?;
        tx.commit().await?;
        s += rows.len() as u64;
        b.set_position(s);
    }
    b.finish_and_clear();
    let b = crate::bar(n, "rollups");
    for j in 0..n {
        let own: Vec<Row> = (0..total.div_ceil(n))
            .map(|i| j + i * n)
            .filter(|k| *k < total)
            .map(row)
            .collect();
        let mut rollups = safegrid_service::ingest::rollups_of(&own);
        rollups.sort_by_key(|r| r.bucket);
        let mut tx = set.svc.store.begin().await?;
        readings::upsert_rollups(&mut tx, &rollups).await?;
        tx.commit().await?;
        b.inc(1);
    }
    b.finish_and_clear();
    let stored = readings::count(&set.svc.store).await?;
    println!(
        "loaded {stored} readings of {n} sensors over 30 days with their rollups in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    set.svc.store.after_bulk_load().await?;
    let (base, _ingest, stop) = serve(&set.svc).await?;
    let office = set.svc.issue_token(&system(), "office", "bench").await?;
    let client = reqwest::Client::new();
    for range in ["24h", "7d", "30d"] {
        let mut lat = Vec::new();
        let mut points = 0;
        for i in 0..requests {
            let k = (i as u64 * 7919) % n;
            let (sensor, object) = (set.ids[k as usize], set.objects[k as usize]);
            let url = format!(
                "{base}/api/v1/objects/{object}/series?sensor_id={sensor}&metric=crack_width&range={range}"
            );
            let t = Instant::now();
            let r = client.get(&url).bearer_auth(&office).send().await?;
            if !r.status().is_success() {
                bail!("{url} answered {}", r.status());
            }
            let body: serde_json::Value = r.json().await?;
            lat.push(t.elapsed());
            points += body["points"].as_array().map_or(0, |p| p.len());
        }
        lat.sort();
        println!(
            "chart {range}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms over {requests} sensors, {} points each (limit 30 d: 50 ms)",
            pct(&lat, 0.5),
            pct(&lat, 0.95),
            pct(&lat, 1.0),
            points / requests.max(1)
        );
    }
    let _ = stop.send(());
    Ok(())
}
