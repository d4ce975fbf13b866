//! `safegrid simulate`: plausible readings for the demo town's sensors, sent to a running
//! server over HTTP (as a gateway) or through an MQTT broker, with a storm that crosses the
//! thresholds so that alarms appear.
//!
//! Given the server's address, the storm ends in warnings (see `simulate_warnings`).
//!
//! The storm is time-compressed: `speed` storm seconds pass per real second (60 by default, an
//! hour a minute), and each reading carries the rain that fell in its share of storm time, stamped
//! with the real time of sending (the server refuses readings from the future).

use anyhow::{Context, Result, bail};
use safegrid_service::demo_monitoring::{DEMO_SENSORS, quiet_value};
use safegrid_service::{Service, system};
use std::time::{Duration, Instant};

pub struct Options {
    pub url: Option<String>,
    pub mqtt: Option<String>,
    pub mqtt_prefix: String,
    pub duration: Duration,
    pub interval: Duration,
    pub speed: f64,
    pub storm_after: Duration,
}

/// The storm's rain in mm/h at `h` storm hours after it began: rising to 70 mm/h at the end of
/// the second hour, easing off over the third, then over; about 125 mm in all, past the red
/// 3-hour threshold of the demo sites (120 mm).
fn intensity(h: f64) -> f64 {
    match h {
        h if h < 0.0 => 0.0,
        h if h < 1.0 => 15.0 + 25.0 * h,
        h if h < 2.0 => 40.0 + 30.0 * (h - 1.0),
        h if h < 3.0 => 70.0 - 55.0 * (h - 2.0),
        _ => 0.0,
    }
}

pub async fn run(svc: &Service, o: Options) -> Result<()> {
    let gw = svc
        .gateway_token(&system(), "模拟器")
        .await
        .context("the simulator's gateway")?;
    let mqtt = match &o.mqtt {
        Some(url) => {
            let cfg = safegrid_worker::mqtt::Config::from_url(url, "safegrid-simulate")
                .with_context(|| format!("mqtt address {url}"))?;
            let opts = rumqttc::MqttOptions::new(
                format!("safegrid-simulate-{:08x}", rand::random::<u32>()),
                cfg.host,
                cfg.port,
            );
            let (client, mut events) = rumqttc::AsyncClient::new(opts, 1000);
            tokio::spawn(async move {
                loop {
                    if events.poll().await.is_err() {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            });
            Some(client)
        }
        None => None,
    };
    let url = match (&o.url, &mqtt) {
        (Some(u), _) => Some(format!("{}/api/v1/readings", u.trim_end_matches('/'))),
        (None, Some(_)) => None,
        (None, None) => bail!("give --url of a running safegrid, or --mqtt of its broker"),
    };
    // With the server's address, the storm ends in warnings that people answer.
    let mut responder = match &o.url {
        Some(u) => Some(crate::simulate_warnings::Responder::start(svc, u).await?),
        None => None,
    };
    let client = reqwest::Client::new();
    let start = Instant::now();
    let mut step = 0u64;
    let mut rain_total = 0.0;
    let mut crack = 3.2;
    let (mut reservoir, mut river) = (509.6, 2.1);
    let storm_secs = o.interval.as_secs_f64() * o.speed;
    println!(
        "sending {} sensors' readings every {:.1} s for {} s; the storm starts after {} s ({}× time)",
        DEMO_SENSORS.len(),
        o.interval.as_secs_f64(),
        o.duration.as_secs(),
        o.storm_after.as_secs(),
        o.speed
    );
    while start.elapsed() < o.duration {
        let elapsed = start.elapsed();
        let storm_h = (elapsed.as_secs_f64() - o.storm_after.as_secs_f64()) * o.speed / 3600.0;
        let rain = intensity(storm_h) * storm_secs / 3600.0;
        rain_total += rain;
        // The slope answers the rain: past 80 mm the crack opens ever faster, and the water
        // rises in the reservoir and the river while it rains.
        if rain_total > 80.0 {
            crack += 0.02 * storm_secs / 60.0 * (rain_total - 80.0).min(60.0) / 60.0;
        }
        if rain > 0.0 {
            reservoir += rain * 0.012;
            river += rain * 0.02;
        }
        let mut batch = Vec::new();
        for (code, _, _) in DEMO_SENSORS {
            let v = match *code {
                "SB3-RAIN" | "SB1-RAIN" => rain,
                "SB3-CRACK" => crack,
                "SB1-CRACK" => 3.2 + (crack - 3.2) * 0.3,
                "LC-LEVEL" => reservoir,
                "GH-LEVEL" => 318.2 + (reservoir - 509.6) * 0.5,
                "MW-RIVER" => river,
                "SB-SOIL" => (34.0 + rain_total * 0.3).min(60.0),
                c => quiet_value(c, step),
            };
            batch.push((*code, (v * 100.0).round() / 100.0));
        }
        let accepted = match (&url, &mqtt) {
            (Some(url), _) => {
                let body: Vec<serde_json::Value> = batch
                    .iter()
                    .map(|(c, v)| serde_json::json!({ "sensor": c, "value": v }))
                    .collect();
                let r = client
                    .post(url)
                    .bearer_auth(&gw.token)
                    .json(&body)
                    .send()
                    .await
                    .context("send readings")?;
                if !r.status().is_success() {
                    bail!("the server answered {}", r.status());
                }
                let out: serde_json::Value = r.json().await?;
                out["accepted"].as_u64().unwrap_or(0) as usize
            }
            (None, Some(m)) => {
                for (c, v) in &batch {
                    m.publish(
                        format!("{}/readings/{c}", o.mqtt_prefix),
                        rumqttc::QoS::AtLeastOnce,
                        false,
                        format!("{{\"value\": {v}}}"),
                    )
                    .await?;
                }
                batch.len()
            }
            (None, None) => 0,
        };
        println!(
            "{:>5.0} s  rain {:>5.1} mm (storm total {:>6.1})  crack {:>5.2} mm  reservoir {:>7.2} m  river {:>5.2} m  sent {accepted}",
            elapsed.as_secs_f64(),
            rain,
            rain_total,
            crack,
            reservoir,
            river
        );
        if let Some(r) = responder.as_mut()
            && let Err(e) = r.check(svc).await
        {
            println!("could not issue a warning: {e}");
        }
        step += 1;
        tokio::time::sleep(o.interval).await;
    }
    Ok(())
}
