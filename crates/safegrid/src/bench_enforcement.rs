//! `safegrid bench enforcement`: the city of `bench hazards` with a year of enforcement on top
//! (inspections of most enterprises, decided cases by a dozen departments, accidents, listings),
//! then the enforcement statistics and the rating of every enterprise, as the city's
//! administrator asks for them, against the limit of the enforcement issue: both in ≤ 200 ms.

use crate::bench::{City, city, pct};
use anyhow::Result;
use chrono::{Datelike, Duration as Days};
use rand::{Rng, SeedableRng};
use safegrid_service::Service;
use safegrid_store::Param::{Date, Int, OptInt, OptText, Text, Time};
use std::time::{Duration, Instant};

pub async fn enforcement(
    database_url: &str,
    towns: usize,
    hazards: usize,
    runs: usize,
) -> Result<()> {
    let svc = Service::open(database_url).await?;
    let City {
        villages,
        enterprises,
        ..
    } = city(&svc, towns, hazards).await?;
    let store = &svc.store;
    let started = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let now = chrono::Utc::now();
    let today = safegrid_domain::local_time::day_of(now);
    let year = today.year();

    // A dozen departments in the district, each filing cases.
    let mut tx = store.begin().await?;
    let departments: Vec<Vec<safegrid_store::Param>> = (1..=12)
        .map(|d| {
            vec![
                Int(d),
                Int(1),
                Text(format!("第{d}局")),
                Time(now),
                Time(now),
            ]
        })
        .collect();
    safegrid_store::bulk::insert(
        &mut tx,
        "departments",
        &["id", "region_id", "name", "created_at", "updated_at"],
        departments,
    )
    .await?;
    tx.commit().await?;

    // Four in five enterprises inspected in the last year, some of them twice.
    let mut rows = Vec::new();
    for (id, _, path, _) in &enterprises {
        for _ in 0..rng.gen_range(0..3) {
            let kind = ["self", "government", "covert"][rng.gen_range(0..3)];
            rows.push(vec![
                Int(*id),
                Text(path.clone()),
                Text("general".into()),
                Text(kind.into()),
                Date(today - Days::days(rng.gen_range(0..365))),
                Int(0),
                Text("检查员".into()),
                Int(rng.gen_range(0..3)),
                Time(now),
            ]);
        }
    }
    let inspections = rows.len();
    let cols = [
        "enterprise_id",
        "region_path",
        "template",
        "kind",
        "done_on",
        "inspector_id",
        "inspector_name",
        "failed",
        "created_at",
    ];
    for chunk in rows.chunks(20_000) {
        let mut tx = store.begin().await?;
        safegrid_store::bulk::insert(&mut tx, "inspections", &cols, chunk.to_vec()).await?;
        tx.commit().await?;
    }

    // One case in twenty enterprises this year, most decided; accidents and listings in fewer.
    let mut cases = Vec::new();
    let mut incidents = Vec::new();
    let mut listings = Vec::new();
    for (n, (id, village, path, _)) in enterprises.iter().enumerate() {
        if n % 20 == 0 {
            let filed = today - Days::days(rng.gen_range(0..330));
            let decided = rng.gen_range(0..10) < 8;
            cases.push(vec![
                Text(format!("罚〔{year}〕{n}号")),
                Int(*village),
                Text(path.clone()),
                OptInt(Some(rng.gen_range(1..=12))),
                OptInt(Some(*id)),
                Text("organisation".into()),
                Text(format!("企业{id}")),
                Text("未按规定排查治理事故隐患".into()),
                Text(
                    if decided {
                        "execution"
                    } else {
                        "investigation"
                    }
                    .into(),
                ),
                Text(filed.to_string()),
                Text(String::new()),
                OptText(decided.then(|| (filed + Days::days(30)).to_string())),
                Time(now),
                Time(now),
            ]);
        }
        if n % 100 == 7 {
            let at = now - Days::days(rng.gen_range(0..1000));
            incidents.push(vec![
                Text("production_accident".into()),
                Text("机械伤害".into()),
                Time(at),
                Time(at),
                Int(*village),
                Text(path.clone()),
                Int(i64::from(rng.gen_range(0..10) == 0)),
                Int(0),
                Int(0),
                Int(0),
                Int(0),
                Text("ended".into()),
                OptInt(Some(*id)),
                Time(now),
                Time(now),
            ]);
        }
        if n % 300 == 11 {
            listings.push(vec![
                Int(*id),
                Text(path.clone()),
                Text("拒不整改".into()),
                Text("失信管理办法".into()),
                Text((today - Days::days(30)).to_string()),
                Text((today + Days::days(335)).to_string()),
                Time(now),
            ]);
        }
    }
    let counts = (cases.len(), incidents.len(), listings.len());
    let mut tx = store.begin().await?;
    for chunk in cases.chunks(5_000) {
        safegrid_store::bulk::insert(
            &mut tx,
            "enforcement_cases",
            &[
                "number",
                "region_id",
                "region_path",
                "department_id",
                "enterprise_id",
                "party_kind",
                "party_name",
                "cause",
                "step",
                "filed_on",
                "officer_ids",
                "decided_on",
                "created_at",
                "updated_at",
            ],
            chunk.to_vec(),
        )
        .await?;
    }
    safegrid_store::bulk::insert(
        &mut tx,
        "incidents",
        &[
            "kind",
            "title",
            "occurred_at",
            "known_at",
            "region_id",
            "region_path",
            "deaths",
            "missing",
            "serious_injuries",
            "direct_loss_fen",
            "burned_m2",
            "status",
            "enterprise_id",
            "created_at",
            "updated_at",
        ],
        incidents,
    )
    .await?;
    safegrid_store::bulk::insert(
        &mut tx,
        "blacklist",
        &[
            "enterprise_id",
            "region_path",
            "reason",
            "basis",
            "starts_on",
            "ends_on",
            "created_at",
        ],
        listings,
    )
    .await?;
    tx.commit().await?;
    safegrid_store::bulk::sync_sequences(
        store,
        &[
            "departments",
            "inspections",
            "enforcement_cases",
            "incidents",
            "blacklist",
        ],
    )
    .await?;
    safegrid_store::bulk::recount_last_inspections(store).await?;
    store.after_bulk_load().await?;
    println!(
        "added {inspections} inspections, {} cases, {} accidents, {} listings over {} villages in {:.1} s",
        counts.0,
        counts.1,
        counts.2,
        villages.len(),
        started.elapsed().as_secs_f64()
    );

    // The city's administrator asks, in process, for the statistics and the ratings page (every
    // enterprise rated and tallied, the worst hundred with their names): the figures are the work
    // of the queries and the rating, not of writing JSON.
    let admin = crate::bench::city_admin(&svc).await?;
    let backend = store.backend_name();
    let mut stats = Vec::with_capacity(runs);
    let mut ratings = Vec::with_capacity(runs);
    let mut both = Vec::with_capacity(runs);
    let mut rated = 0;
    for i in 0..=runs {
        let t = Instant::now();
        let st = svc.enforcement_stats(&admin, year).await?;
        let a = t.elapsed();
        let t = Instant::now();
        let r = svc
            .ratings(&admin, &safegrid_service::ratings::RatingQuery::default())
            .await?;
        let b = t.elapsed();
        rated = r.total;
        std::hint::black_box((st, r));
        // The first round warms the caches and is not counted.
        if i > 0 {
            stats.push(a);
            ratings.push(b);
            both.push(a + b);
        }
    }
    for v in [&mut stats, &mut ratings, &mut both] {
        v.sort();
    }
    let line = |name: &str, v: &[Duration]| {
        println!(
            "{backend} {name}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            pct(v, 0.5),
            pct(v, 0.95),
            pct(v, 1.0)
        )
    };
    line("enforcement statistics, whole city", &stats);
    line(&format!("rating of {rated} enterprises"), &ratings);
    let p95 = pct(&both, 0.95);
    println!(
        "{backend} both: p50 {:.1} ms, p95 {p95:.1} ms (limit 200 ms) {}",
        pct(&both, 0.5),
        if p95 <= 200.0 { "PASS" } else { "FAIL" }
    );
    Ok(())
}
