//! `safegrid bench`: the figures BENCHMARKS.md records, measured against the limits the issues
//! name, on this machine, in one run. Requests go to a server on 127.0.0.1 only, bounded in count.

use anyhow::{Context, Result, bail};
use safegrid_service::registry::EnterpriseQuery;
use safegrid_service::{Service, system};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Percentile of sorted durations, in milliseconds.
pub(crate) fn pct(sorted: &[Duration], p: f64) -> f64 {
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
        ingest: safegrid_service::ingest::Ingest::start(svc.clone()).await?,
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
            Some(
                page_session(
                    &client,
                    &base,
                    "office",
                    safegrid_service::demo::DEMO_PASSWORD,
                )
                .await?,
            )
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

/// Serves the router over `svc` on a free loopback port for the rest of the run; its base URL.
pub(crate) async fn serve_loopback(svc: &Service) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = safegrid_web::AppState {
        ingest: safegrid_service::ingest::Ingest::start(svc.clone()).await?,
        svc: svc.clone(),
        secure_cookies: false,
    };
    tokio::spawn(safegrid_web::serve(listener, state, std::future::pending()));
    Ok(base)
}

/// The city's administrator (`city`, password `benchmark-password`), added to a generated city.
pub(crate) async fn city_admin(svc: &Service) -> Result<safegrid_domain::access::Principal> {
    let sys = safegrid_service::system();
    let input = safegrid_service::auth::UserInput {
        username: "city".into(),
        password: "benchmark-password".into(),
        role: "admin".into(),
        ..Default::default()
    };
    svc.add_user(&sys, &input).await?;
    let token = svc.issue_token(&sys, "city", "bench").await?;
    svc.token_principal(&token)
        .await?
        .context("no principal for the bench token")
}

/// Logs `user` in through the form and returns the session cookie.
pub(crate) async fn page_session(
    client: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> Result<String> {
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
            ("username", user),
            ("password", password),
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

/// Generates the city of [`hazards`] into an empty database, in bulk, with a progress bar.
pub(crate) async fn city(svc: &Service, towns: usize, total: usize) -> Result<City> {
    use rand::{Rng, SeedableRng};
    use safegrid_store::Param::{Bool, Date, Int, OptDate, OptInt, OptText, Text, Time};
    if svc.has_regions().await? {
        bail!("the database already holds a town; use an empty one");
    }
    let store = &svc.store;
    let started = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(2021);
    let now = chrono::Utc::now();
    let today = safegrid_service::hazards::today();
    let day = |d: i64| today + chrono::Duration::days(d);

    // Regions, with ids given here so that paths are known at once.
    let mut regions = vec![vec![
        Int(1),
        OptInt(None),
        Text("district".into()),
        Text("某市".into()),
        Text("/1/".into()),
        Time(now),
        Time(now),
    ]];
    let mut villages: Vec<(i64, String)> = Vec::new();
    let mut town_paths = Vec::new();
    let mut next = 2i64;
    for t in 0..towns {
        let town = next;
        next += 1;
        let tpath = format!("/1/{town}/");
        town_paths.push((town, tpath.clone()));
        regions.push(vec![
            Int(town),
            OptInt(Some(1)),
            Text("town".into()),
            Text(format!("第{}镇", t + 1)),
            Text(tpath.clone()),
            Time(now),
            Time(now),
        ]);
        for v in 0..12 {
            let id = next;
            next += 1;
            let vpath = format!("{tpath}{id}/");
            regions.push(vec![
                Int(id),
                OptInt(Some(town)),
                Text("village".into()),
                Text(format!("{}村", v + 1)),
                Text(vpath.clone()),
                Time(now),
                Time(now),
            ]);
            villages.push((id, vpath));
        }
    }
    let cols = [
        "id",
        "parent_id",
        "level",
        "name",
        "path",
        "created_at",
        "updated_at",
    ];
    let mut tx = store.begin().await?;
    safegrid_store::bulk::insert(&mut tx, "regions", &cols, regions).await?;
    tx.commit().await?;

    // A hundred enterprises per town, over its villages and the town's industries.
    let industries = [
        "C21", "C13", "C30", "F", "H", "B10", "E47", "C26", "G54", "A",
    ];
    let mut enterprises: Vec<(i64, i64, String, String)> = Vec::new();
    let mut rows = Vec::new();
    for (i, (vid, vpath)) in villages.iter().enumerate() {
        for k in 0..(100 / 12 + usize::from(i % 12 < 100 % 12)) {
            let id = enterprises.len() as i64 + 1;
            let industry = industries[(i + k) % industries.len()];
            // Digits as letters of the USCC alphabet (which has no I).
            let body: String = format!("{:06}", id)
                .chars()
                .map(|c| b"ABCDEFGHJK"[(c as u8 - b'0') as usize] as char)
                .collect();
            let uscc = safegrid_domain::uscc::compose("91", "500102", &format!("MA{body}"))
                .map(|u| u.to_string())
                .unwrap_or_default();
            rows.push(vec![
                Int(id),
                Text(uscc),
                Text(format!("企业{id}")),
                Int(*vid),
                Text(vpath.clone()),
                Text(industry.into()),
                Text("small".into()),
                Bool(safegrid_domain::industry::is_high_risk(industry)),
                Text("法人".into()),
                Text("none".into()),
                Text("none".into()),
                Int(20),
                Time(now),
                Time(now),
            ]);
            enterprises.push((id, *vid, vpath.clone(), industry.to_string()));
        }
    }
    let cols = [
        "id",
        "uscc",
        "name",
        "region_id",
        "region_path",
        "industry_code",
        "scale",
        "high_risk",
        "legal_representative",
        "standard_grade",
        "fringe_treatment",
        "employees",
        "created_at",
        "updated_at",
    ];
    let mut tx = store.begin().await?;
    safegrid_store::bulk::insert(&mut tx, "enterprises", &cols, rows).await?;
    tx.commit().await?;

    // Hazards: two thirds closed, the rest in every other state, some overdue, a few major and listed.
    let b = crate::bar(total as u64, "hazards");
    let cols = [
        "enterprise_id",
        "region_id",
        "region_path",
        "village_path",
        "section",
        "title",
        "source",
        "found_on",
        "status",
        "grade",
        "listed",
        "deadline",
        "closed_on",
        "reported_by",
        "created_at",
        "updated_at",
    ];
    let mut done = 0;
    while done < total {
        let batch = (total - done).min(20_000);
        let mut rows = Vec::with_capacity(batch);
        for i in 0..batch {
            // Each enterprise's hazards together, enterprises in village order, as a town's records grow.
            let (eid, vid, vpath, industry) =
                &enterprises[((done + i) * enterprises.len() / total).min(enterprises.len() - 1)];
            let u: u32 = rng.gen_range(0..100);
            let found = day(-rng.gen_range(1..365));
            let (status, deadline, closed) = match u {
                0..=64 => {
                    let closed = found + chrono::Duration::days(rng.gen_range(1..60));
                    ("closed", Some(closed), Some(closed.min(today)))
                }
                65..=79 => ("rectifying", Some(day(rng.gen_range(-20..40))), None),
                80..=83 => ("extension_requested", Some(day(rng.gen_range(1..30))), None),
                84..=89 => ("rectified", Some(day(rng.gen_range(0..20))), None),
                90..=94 => ("graded", None, None),
                _ => ("reported", None, None),
            };
            let grade = match status {
                "reported" => None,
                _ if rng.gen_range(0..100) < 4 => Some("major"),
                _ => Some("general"),
            };
            let listed = grade == Some("major") && status != "closed";
            rows.push(vec![
                OptInt(Some(*eid)),
                Int(*vid),
                Text(vpath.clone()),
                Text(vpath.clone()),
                Text(industry[..1].to_string()),
                Text(format!("隐患{}", done + i)),
                Text("inspection".into()),
                Date(found),
                Text(status.into()),
                OptText(grade.map(String::from)),
                Bool(listed),
                OptDate(deadline),
                OptDate(closed),
                Int(0),
                Time(now),
                Time(now),
            ]);
        }
        let mut tx = store.begin().await?;
        safegrid_store::bulk::insert(&mut tx, "hazards", &cols, rows).await?;
        tx.commit().await?;
        done += batch;
        b.set_position(done as u64);
    }
    b.finish_and_clear();
    safegrid_store::bulk::sync_sequences(store, &["regions", "enterprises", "hazards"]).await?;
    safegrid_store::bulk::rebuild_hazard_summary(store).await?;
    println!(
        "generated {} towns, {} villages, {} enterprises, {total} hazards in {:.1} s (limit 3 min)",
        towns,
        villages.len(),
        enterprises.len(),
        started.elapsed().as_secs_f64()
    );

    Ok(City {
        villages,
        enterprises,
        town_paths,
    })
}

/// The city generated for a benchmark: its villages (id, path), its enterprises (id, village id,
/// village path, industry) and its towns (id, path).
pub(crate) struct City {
    pub villages: Vec<(i64, String)>,
    pub enterprises: Vec<(i64, i64, String, String)>,
    pub town_paths: Vec<(i64, String)>,
}

/// Generates a city (one district, `towns` towns of twelve villages, a hundred enterprises per town
/// and `total` hazards in a realistic mix of states) into an empty database, then measures over
/// HTTP the progress tables of the whole city and of one town, and a filtered hazard list.
pub async fn hazards(
    database_url: &str,
    towns: usize,
    total: usize,
    requests: usize,
) -> Result<()> {
    let svc = Service::open(database_url).await?;
    let City {
        villages,
        town_paths,
        ..
    } = city(&svc, towns, total).await?;
    let store = &svc.store;

    // Accounts to ask as: the city's administrator, and one town's office.
    let sys = system();
    let (town_id, _) = town_paths[0];
    for (name, role, region) in [
        ("city", "admin", None),
        ("town1", "emergency_office", Some(town_id)),
    ] {
        let input = safegrid_service::auth::UserInput {
            username: name.into(),
            password: "benchmark-password".into(),
            role: role.into(),
            region_id: region,
            ..Default::default()
        };
        svc.add_user(&sys, &input).await?;
    }
    let city = svc.issue_token(&sys, "city", "bench").await?;
    let town = svc.issue_token(&sys, "town1", "bench").await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = safegrid_web::AppState {
        ingest: safegrid_service::ingest::Ingest::start(svc.clone()).await?,
        svc: svc.clone(),
        secure_cookies: false,
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(safegrid_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let backend = store.backend_name();
    let village = villages[3].0;
    let cases: Vec<(&str, &str, Vec<String>, f64)> = vec![
        (
            "progress, whole city",
            &city,
            vec!["by=industry".into(), "by=grade".into(), "by=status".into()],
            100.0,
        ),
        (
            "progress, one town",
            &town,
            vec![
                "by=village".into(),
                "by=industry".into(),
                "by=status".into(),
            ],
            20.0,
        ),
        (
            "hazard list, filtered",
            &city,
            vec![
                format!("region_id={village}&view=open"),
                "view=overdue".into(),
                "grade=major&view=listed".into(),
                format!("region_id={town_id}&status=rectifying"),
                "status=rectified&page=3".into(),
            ],
            50.0,
        ),
    ];
    for (name, token, queries, limit) in cases {
        let path = if name.starts_with("progress") {
            "/api/v1/hazards/progress"
        } else {
            "/api/v1/hazards"
        };
        let mut lat = Vec::new();
        for i in 0..requests + queries.len() {
            let q = &queries[i % queries.len()];
            let t = Instant::now();
            let r = client
                .get(format!("{base}{path}?{q}"))
                .bearer_auth(token)
                .send()
                .await?;
            let status = r.status();
            r.bytes().await?;
            if !status.is_success() {
                bail!("{path}?{q}: {status}");
            }
            // The first round of each query warms the caches and is not counted.
            if i >= queries.len() {
                lat.push(t.elapsed());
            }
        }
        lat.sort();
        let p95 = pct(&lat, 0.95);
        println!(
            "{backend} {name}: p50 {:.1} ms, p95 {p95:.1} ms, max {:.1} ms (limit p95 {limit} ms) {}",
            pct(&lat, 0.5),
            pct(&lat, 1.0),
            if p95 <= limit { "PASS" } else { "FAIL" }
        );
    }
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}
