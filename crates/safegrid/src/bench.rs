//! `safegrid bench`: the figures BENCHMARKS.md records, measured against the limits the issues
//! name, on this machine, in one run. Requests go to a server on 127.0.0.1 only, bounded in count.

use anyhow::{Context, Result, bail};
use safegrid_service::registry::EnterpriseQuery;
use safegrid_service::{Service, system};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Percentile of sorted durations, in milliseconds.
fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Resident memory of a process in MiB, from /proc.
fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Starts `safegrid serve --demo` on a fresh data folder, times it until it answers, then reads
/// its resident memory after it has sat idle.
pub async fn startup() -> Result<()> {
    let exe = std::env::current_exe()?;
    let mut times = Vec::new();
    let mut rss = Vec::new();
    for run in 0..3 {
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let start = Instant::now();
        let mut child = Command::new(&exe)
            .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(dir.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{port}/login");
        let mut ready = None;
        while start.elapsed() < Duration::from_secs(60) {
            if client
                .get(&url)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                ready = Some(start.elapsed());
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let ready = ready.context("server never answered")?;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let mem = rss_mib(child.id());
        let _ = child.kill();
        let _ = child.wait();
        println!(
            "run {}: ready in {:.2} s, idle RSS {:.1} MiB",
            run + 1,
            ready.as_secs_f64(),
            mem.unwrap_or(f64::NAN)
        );
        times.push(ready.as_secs_f64());
        if let Some(m) = mem {
            rss.push(m);
        }
    }
    let worst = times.iter().cloned().fold(0.0, f64::max);
    let worst_rss = rss.iter().cloned().fold(0.0, f64::max);
    println!(
        "serve --demo ready: worst {worst:.2} s (limit 5 s) {}",
        if worst < 5.0 { "PASS" } else { "FAIL" }
    );
    println!(
        "idle resident memory: worst {worst_rss:.1} MiB (limit 50 MiB) {}",
        if worst_rss < 50.0 { "PASS" } else { "FAIL" }
    );
    Ok(())
}

/// Fills the database to `enterprises` generated enterprises (the demo town plus extras) unless it
/// already holds that many, serves it on a free port and measures filtered enterprise-list pages
/// through the API and the HTML page.
pub async fn list(database_url: &str, enterprises: usize, requests: usize) -> Result<()> {
    let svc = Service::open(database_url).await?;
    let sys = system();
    let have = if svc.has_regions().await? {
        svc.enterprises(
            &sys,
            &EnterpriseQuery {
                per_page: Some(1),
                ..Default::default()
            },
        )
        .await?
        .total as usize
    } else {
        0
    };
    if have == 0 {
        let b = crate::bar(enterprises as u64, "generate");
        let t = Instant::now();
        svc.load_demo(enterprises.saturating_sub(115), |d, _| {
            b.set_position(d as u64)
        })
        .await?;
        b.finish_and_clear();
        println!(
            "generated {enterprises} enterprises in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    } else if have + 200 < enterprises {
        bail!("the database holds {have} enterprises; use an empty one to generate {enterprises}");
    }
    let total = svc
        .enterprises(
            &sys,
            &EnterpriseQuery {
                per_page: Some(1),
                ..Default::default()
            },
        )
        .await?
        .total;
    let token = svc.issue_token(&sys, "office", "bench").await?;
    let villages = svc.villages(&sys).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = safegrid_web::AppState {
        svc: svc.clone(),
        secure_cookies: false,
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(safegrid_web::serve(listener, state, async {
        let _ = stopped.await;
    }));

    // The filters people use: a village, an industry, the high-risk flag, a name search, and
    // deeper pages; each with the count of all matches.
    let mut queries: Vec<String> = Vec::new();
    for (i, v) in villages.iter().enumerate() {
        queries.push(format!("region_id={}&page={}", v.id, 1 + i % 5));
    }
    for ind in ["C", "C21", "B10", "E", "F", "H"] {
        queries.push(format!("industry={ind}"));
    }
    queries.push("high_risk=true".into());
    queries.push("high_risk=true&page=20".into());
    queries.push("q=%E5%AE%B6%E5%85%B7".into());
    queries.push("q=91500102MA".into());
    queries.push(format!(
        "region_id={}&industry=C&high_risk=false",
        villages.first().map_or(0, |v| v.id)
    ));

    let client = reqwest::Client::new();
    let backend = svc.store.backend_name();
    println!(
        "{backend}: {total} enterprises, {requests} requests per kind, {} filters",
        queries.len()
    );
    for (kind, path) in [
        ("API /api/v1/enterprises", "/api/v1/enterprises"),
        ("page /enterprises", "/enterprises"),
    ] {
        // Warm up once per query, then measure.
        let session = if path.starts_with("/api") {
            None
        } else {
            Some(page_session(&client, &base).await?)
        };
        let get = |q: &str| {
            let mut r = client.get(format!("{base}{path}?{q}"));
            r = match &session {
                None => r.bearer_auth(&token),
                Some(cookie) => r.header("cookie", cookie.as_str()),
            };
            r
        };
        for q in &queries {
            let r = get(q).send().await?;
            if !r.status().is_success() {
                bail!("{path}?{q}: {}", r.status());
            }
            r.bytes().await?;
        }
        let mut lat = Vec::with_capacity(requests);
        for i in 0..requests {
            let q = &queries[i % queries.len()];
            let t = Instant::now();
            let r = get(q).send().await?;
            let status = r.status();
            r.bytes().await?;
            lat.push(t.elapsed());
            if !status.is_success() {
                bail!("{path}?{q}: {status}");
            }
        }
        lat.sort();
        let p95 = pct(&lat, 0.95);
        println!(
            "{backend} {kind}: p50 {:.1} ms, p95 {p95:.1} ms, max {:.1} ms (limit p95 50 ms) {}",
            pct(&lat, 0.5),
            pct(&lat, 1.0),
            if p95 < 50.0 { "PASS" } else { "FAIL" }
        );
    }
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}

/// Logs `office` in through the form and returns the session cookie.
async fn page_session(client: &reqwest::Client, base: &str) -> Result<String> {
    let r = client.get(format!("{base}/login")).send().await?;
    let login_cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()
                .filter(|c| c.starts_with("sg_login="))
                .map(String::from)
        })
        .context("no login cookie")?;
    let html = r.text().await?;
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .context("no csrf")?
        .to_string();
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let r = no_redirect
        .post(format!("{base}/login"))
        .header("cookie", login_cookie)
        .form(&[
            ("username", "office"),
            ("password", safegrid_service::demo::DEMO_PASSWORD),
            ("csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .await?;
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()
                .filter(|c| c.starts_with("sg_session="))
                .map(String::from)
        })
        .context("login failed")
}
