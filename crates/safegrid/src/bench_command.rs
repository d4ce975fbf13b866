//! `safegrid bench command`: the command page of an incident with a long timeline and many
//! dispatches of stock, timed over HTTP as the office's browser asks for it (the whole page, and
//! the body the live refresh fetches), against the limit of the emergency-response issue:
//! 500 timeline entries and 2,000 dispatch records rendered in ≤ 100 ms.

use crate::bench::{page_session, pct};
use anyhow::{Result, bail};
use safegrid_domain::incident::IncidentInput;
use safegrid_domain::stock::{ItemInput, MovementInput};
use safegrid_service::{Service, system};
use safegrid_store::Param;
use std::time::{Duration, Instant};

pub async fn command(
    database_url: &str,
    timeline: usize,
    dispatches: usize,
    requests: usize,
) -> Result<()> {
    let svc = Service::open(database_url).await?;
    if svc.has_regions().await? {
        bail!("bench command needs an empty database");
    }
    let sys = system();
    svc.load_demo(0, |_, _| {}).await?;
    let village = svc.villages(&sys).await?[1].clone();
    let now = chrono::Utc::now();
    let d = svc
        .create_incident(
            &sys,
            &IncidentInput {
                kind: "geo_hazard".into(),
                name: "石坝村3号滑坡灾情".into(),
                occurred_at: safegrid_domain::local_time::form_value(
                    now - chrono::Duration::hours(30),
                ),
                region_id: village.id.to_string(),
                ..Default::default()
            },
        )
        .await?;
    let id = d.incident.id;

    // The timeline and the dispatches, written many rows per statement (what is measured is
    // the page, not how they came).
    let log: Vec<Vec<Param>> = (0..timeline)
        .map(|i| {
            let at = now - chrono::Duration::minutes((timeline - i) as i64 * 3);
            vec![
                Param::Int(id),
                Param::Time(at),
                Param::Text(format!(
                    "第{}次现场报告：抢险队{}组完成巡查，转移群众{}人",
                    i + 1,
                    i % 7 + 1,
                    i % 13
                )),
                Param::Time(at),
            ]
        })
        .collect();
    let stock = svc.stock(&sys).await?;
    let warehouse = stock.warehouses[0].id;
    let item = svc
        .add_stock_item(
            &sys,
            warehouse,
            &ItemInput {
                name: "应急照明灯".into(),
                category: "equipment".into(),
                unit: "台".into(),
                min_stock: "10".into(),
                expires_on: String::new(),
            },
        )
        .await?;
    svc.move_stock(
        &sys,
        item.id,
        &MovementInput {
            kind: "receive".into(),
            quantity: (dispatches * 2).to_string(),
            reason: "采购".into(),
            ..Default::default()
        },
    )
    .await?;
    let items: Vec<i64> = stock
        .items
        .iter()
        .map(|i| i.item.id)
        .chain([item.id])
        .collect();
    let moves: Vec<Vec<Param>> = (0..dispatches)
        .map(|i| {
            let at = now - chrono::Duration::seconds((dispatches - i) as i64 * 20);
            vec![
                Param::Int(items[i % items.len()]),
                Param::Text("dispatch".into()),
                Param::Int(1),
                Param::Int(0),
                Param::Int(id),
                Param::Text("抢险调用".into()),
                Param::Time(at),
            ]
        })
        .collect();
    let mut tx = svc.store.begin().await?;
    safegrid_store::bulk::insert(
        &mut tx,
        "incident_log",
        &["incident_id", "at", "entry", "created_at"],
        log,
    )
    .await?;
    safegrid_store::bulk::insert(
        &mut tx,
        "stock_movements",
        &[
            "item_id",
            "kind",
            "quantity",
            "balance_after",
            "incident_id",
            "reason",
            "moved_at",
        ],
        moves,
    )
    .await?;
    tx.commit().await?;

    let base = crate::bench::serve_loopback(&svc).await?;
    let client = reqwest::Client::new();
    let cookie = page_session(
        &client,
        &base,
        "office",
        safegrid_service::demo::DEMO_PASSWORD,
    )
    .await?;
    let backend = svc.store.backend_name();
    let view = svc.command(&sys, id).await?;
    println!(
        "{backend}: incident {id} with {} timeline entries and {} dispatches",
        view.detail.log.len(),
        view.dispatched.len()
    );
    let mut rows = Vec::new();
    for (what, path) in [
        ("command page", format!("/incidents/{id}/command")),
        (
            "live refresh (body)",
            format!("/incidents/{id}/command?fragment=1"),
        ),
    ] {
        // Warm up, then measure one request at a time, as a screen asks.
        for _ in 0..3 {
            client
                .get(format!("{base}{path}"))
                .header("cookie", &cookie)
                .send()
                .await?
                .bytes()
                .await?;
        }
        let mut lat: Vec<Duration> = Vec::with_capacity(requests);
        let mut size = 0;
        for _ in 0..requests {
            let t = Instant::now();
            let r = client
                .get(format!("{base}{path}"))
                .header("cookie", &cookie)
                .send()
                .await?;
            let status = r.status();
            size = r.bytes().await?.len();
            lat.push(t.elapsed());
            if !status.is_success() {
                bail!("{path}: {status}");
            }
        }
        lat.sort();
        let p95 = pct(&lat, 0.95);
        rows.push(format!(
            "| {what} ({backend}, {} KB) | p50 {:.1} ms, p95 {p95:.1} ms, max {:.1} ms | ≤ 100 ms | {} |",
            size / 1024,
            pct(&lat, 0.5),
            pct(&lat, 1.0),
            if p95 <= 100.0 { "pass" } else { "FAIL" }
        ));
    }
    println!("\n| what | measured | limit | |\n|---|---|---|---|");
    for r in rows {
        println!("{r}");
    }
    Ok(())
}
