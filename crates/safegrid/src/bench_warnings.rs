//! `safegrid bench warnings`: one red warning to many people, end to end, against the limits of
//! the early-warning issue — fan-out queued within 1 s of issue; every message to a loopback SMS
//! gateway and robot, and the inbox, within 10 s; answers arriving over a minute at p99 ≤ 50 ms
//! with the live board current within 1 s; escalations within 2 s of their deadline.

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderMap;
use safegrid_domain::delivery::Channels;
use safegrid_domain::warning::{Policy, WarningInput};
use safegrid_service::{Service, system};
use safegrid_store::Param;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn verdict(ok: bool) -> &'static str {
    if ok { "pass" } else { "FAIL" }
}

/// A loopback SMS gateway and robot: answers 200 at once and keeps each message's body.
async fn sink() -> Result<(String, Arc<Mutex<Vec<String>>>)> {
    let kept: Arc<Mutex<Vec<String>>> = Arc::default();
    let k = kept.clone();
    let app = Router::new().fallback(move |_h: HeaderMap, body: Bytes| {
        let k = k.clone();
        async move {
            if let Ok(mut v) = k.lock() {
                v.push(String::from_utf8_lossy(&body).into_owned());
            }
            r#"{"errcode":0}"#
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((base, kept))
}

/// Counts of a warning's deliveries still queued.
async fn queued(svc: &Service, id: i64) -> Result<i64> {
    Ok(safegrid_store::deliveries::counts(&svc.store, id)
        .await?
        .iter()
        .filter(|c| c.1 == "queued")
        .map(|c| c.2)
        .sum())
}

pub async fn warnings(
    database_url: &str,
    recipients: usize,
    ack_secs: u64,
    silent: usize,
) -> Result<()> {
    let svc = Service::open(database_url).await?;
    if svc.has_regions().await? {
        bail!("bench warnings needs an empty database");
    }
    let sys = system();
    svc.load_demo(0, |_, _| {}).await?;

    // The people: `recipients` grid members spread over the villages, numbers 139xxxxxxxx.
    let villages = svc.villages(&sys).await?;
    let now = chrono::Utc::now();
    let rows: Vec<Vec<Param>> = (0..recipients)
        .map(|i| {
            let v = &villages[i % villages.len()];
            vec![
                Param::Text(format!("网格员{i:05}")),
                Param::Text(format!("139{:08}", 10_000_000 + i)),
                Param::Int(v.id),
                Param::Text("grid_member".into()),
                Param::Time(now),
                Param::Time(now),
            ]
        })
        .collect();
    let mut tx = svc.store.begin().await?;
    safegrid_store::bulk::insert(
        &mut tx,
        "people",
        &[
            "name",
            "mobile",
            "region_id",
            "roles",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    .await?;
    tx.commit().await?;

    // A one-minute answer window for red, so the deadline falls inside the run.
    let mut policy = Policy::default();
    for r in &mut policy.levels {
        r.answer_minutes = 1;
    }
    svc.set_warning_policy(&sys, &policy).await?;

    let base = crate::bench::serve_loopback(&svc).await?;
    let (sink_base, kept) = sink().await?;
    let channels: Channels = serde_json::from_value(serde_json::json!({
        "base_url": base,
        "first": ["inbox", "sms", "webhook"],
        "timeout_secs": 5,
        "sms": {"url": format!("{sink_base}/sms"), "content_type": "application/json",
                "body_template": r#"{"mobile":"{mobile}","content":"{text}","msgid":"{id}"}"#,
                "per_second": 10000, "inbound_secret": "bench-secret-0123456789"},
        "webhooks": [{"name": "全镇群", "format": "json", "url": format!("{sink_base}/robot"),
                      "region_path": "/", "per_minute": 600}]
    }))?;
    svc.set_channels(&sys, &channels).await?;

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = safegrid_worker::worker_id();
    tokio::spawn(safegrid_worker::deliver::run(
        svc.clone(),
        worker.clone(),
        Duration::from_secs(1),
        stopped.clone(),
    ));
    tokio::spawn(safegrid_worker::run(
        svc.clone(),
        worker,
        Duration::from_secs(1),
        stopped,
    ));

    // The warning: red, every village.
    let office = svc
        .principal_of(
            &safegrid_store::users::by_username(&svc.store, "office")
                .await?
                .context("office")?,
        )
        .await?;
    let leader = svc
        .principal_of(
            &safegrid_store::users::by_username(&svc.store, "leader")
                .await?
                .context("leader")?,
        )
        .await?;
    let input = WarningInput {
        kind: "rainstorm".into(),
        level: "red".into(),
        headline: "全镇暴雨红色预警".into(),
        instruction: "立即转移受威胁群众".into(),
        expires: safegrid_domain::local_time::form_value(
            chrono::Utc::now() + chrono::Duration::hours(6),
        ),
        region_ids: villages.iter().map(|v| v.id.to_string()).collect(),
        ..Default::default()
    };
    let w = svc.create_warning(&office, &input).await?;
    svc.approve_warning(&leader, w.id).await?;
    let t0 = Instant::now();
    let d = svc.issue_warning(&office, w.id).await?;
    let t_queued = t0.elapsed();
    let reached = d.recipients.len();
    let due = d
        .recipients
        .iter()
        .map(|r| r.due_at)
        .min()
        .context("no recipient")?;
    println!(
        "issued to {reached} people: {} messages queued in {:.3} s",
        safegrid_store::deliveries::of_warning(&svc.store, w.id)
            .await?
            .len(),
        t_queued.as_secs_f64()
    );
    while queued(&svc, w.id).await? > 0 && t0.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let t_sent = t0.elapsed();
    let counts = safegrid_store::deliveries::counts(&svc.store, w.id).await?;
    println!(
        "all sent {:.2} s after issue: {counts:?}",
        t_sent.as_secs_f64()
    );

    // The answer links, from the messages the gateway took.
    let links: Vec<String> = kept
        .lock()
        .map_err(|_| anyhow::anyhow!("sink"))?
        .iter()
        .filter_map(|b| {
            let v: serde_json::Value = serde_json::from_str(b).ok()?;
            let text = v["content"].as_str()?;
            let at = text.find(&format!("{base}/a/"))?;
            text[at..].split_whitespace().next().map(str::to_string)
        })
        .collect();
    let answering = links.len().saturating_sub(silent);

    // The office's live board, listening.
    let session = svc
        .login("office", safegrid_service::demo::DEMO_PASSWORD)
        .await?;
    let http = reqwest::Client::builder().build()?;
    let mut events = http
        .get(format!("{base}/warnings/{}/board/events", w.id))
        .header("cookie", format!("sg_session={}", session.token))
        .send()
        .await?;
    let event_times: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let et = event_times.clone();
    tokio::spawn(async move {
        while let Ok(Some(chunk)) = events.chunk().await {
            if String::from_utf8_lossy(&chunk).contains("event: changed")
                && let Ok(mut v) = et.lock()
            {
                v.push(Instant::now());
            }
        }
    });

    // Answers spread evenly over `ack_secs` less a margin before the deadline.
    let window = Duration::from_secs(ack_secs.saturating_sub(5).max(1));
    let gap = window.as_secs_f64() / answering.max(1) as f64;
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, link) in links.into_iter().take(answering).enumerate() {
        let http = http.clone();
        let at = start + Duration::from_secs_f64(gap * i as f64);
        tasks.spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let t = Instant::now();
            let ok = http
                .post(&link)
                .form(&[("note", "收到")])
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            (t.elapsed().as_secs_f64() * 1000.0, Instant::now(), ok)
        });
    }
    let mut lat = Vec::new();
    let mut done_at = Vec::new();
    let mut failed = 0;
    while let Some(r) = tasks.join_next().await {
        let (ms, at, ok) = r?;
        if !ok {
            failed += 1;
        }
        lat.push(ms);
        done_at.push(at);
    }
    lat.sort_by(f64::total_cmp);
    // For each answer, how long until the board next said it changed.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let events = event_times
        .lock()
        .map_err(|_| anyhow::anyhow!("events"))?
        .clone();
    let mut stale: Vec<f64> = done_at
        .iter()
        .map(|t| {
            events
                .iter()
                .find(|e| *e >= t)
                .map_or(f64::INFINITY, |e| e.duration_since(*t).as_secs_f64())
        })
        .collect();
    stale.sort_by(f64::total_cmp);

    // The silent: escalated once their deadline passes.
    let wait_until = due + chrono::Duration::seconds(30);
    let mut late: Vec<f64> = Vec::new();
    while chrono::Utc::now() < wait_until {
        let rs = safegrid_store::warnings::recipients(&svc.store, w.id).await?;
        let escalated: Vec<f64> = rs
            .iter()
            .filter(|r| r.escalated_from.is_none() && r.answered_at.is_none())
            .filter_map(|r| {
                r.escalated_at
                    .map(|e| (e - r.due_at).num_milliseconds() as f64 / 1000.0)
            })
            .collect();
        let waiting = rs
            .iter()
            .filter(|r| r.escalated_from.is_none() && r.answered_at.is_none())
            .count();
        if escalated.len() == waiting && waiting > 0 {
            late = escalated;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    late.sort_by(f64::total_cmp);
    let _ = stop.send(true);

    println!();
    println!("| what | measured | limit | |");
    println!("|---|---|---|---|");
    println!(
        "| fan-out of one red warning to {reached} people ({}): queued at issue | {:.3} s | ≤ 1 s | {} |",
        svc.store.backend_name(),
        t_queued.as_secs_f64(),
        verdict(t_queued <= Duration::from_secs(1))
    );
    let sent = t_sent.saturating_sub(t_queued);
    println!(
        "| every message (SMS and robot to a loopback sink, inbox) sent | {:.2} s after queueing | ≤ 10 s | {} |",
        sent.as_secs_f64(),
        verdict(sent <= Duration::from_secs(10))
    );
    println!(
        "| {} answers by link over {} s: request latency | p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {failed} failed | p99 ≤ 50 ms | {} |",
        lat.len(),
        window.as_secs(),
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        lat.last().copied().unwrap_or(0.0),
        verdict(pct(&lat, 0.99) <= 50.0 && failed == 0)
    );
    println!(
        "| live board (SSE) after an answer | p99 {:.2} s, max {:.2} s | ≤ 1 s | {} |",
        pct(&stale, 0.99),
        stale.last().copied().unwrap_or(0.0),
        verdict(stale.last().copied().unwrap_or(f64::INFINITY) <= 1.0)
    );
    println!(
        "| escalation of {} silent after their deadline | p99 {:.2} s, max {:.2} s | ≤ 2 s | {} |",
        late.len(),
        pct(&late, 0.99),
        late.last().copied().unwrap_or(f64::NAN),
        verdict(!late.is_empty() && late.last().copied().unwrap_or(f64::INFINITY) <= 2.0)
    );
    Ok(())
}
