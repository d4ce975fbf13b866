//! Readings over MQTT.
//!
//! Topics (with the default prefix `safegrid`):
//! - `safegrid/readings/<sensor code>`: one reading, `{"metric": "rainfall", "ts": "…", "value": 1.5}`
//!   (`metric` may be left out for a sensor of one metric, `ts` for "now"), or a bare number;
//! - `safegrid/readings`: a batch, `{"readings": [...]}` or the bare array, as over HTTP.
//!
//! QoS 1 with a persistent session: the broker keeps what arrives while safegrid is down and
//! sends again whatever safegrid has not acknowledged. A message is acknowledged only after its
//! readings are committed, and acknowledgements go out in the order the messages came (as MQTT
//! asks), so a message is never acknowledged ahead of one still being written. Several
//! connections share one subscription (`$share/…`) because a broker lets only a few unacknowledged
//! messages be in flight per connection (Mosquitto: 20).

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use safegrid_service::ingest::{Batch, Ingest, RawReading, label_json};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};

/// Where and how to subscribe.
#[derive(Debug, Clone)]
pub struct Config {
    pub host: String,
    pub port: u16,
    /// The stable part of the client ids (`<id>-0`, `<id>-1`, …): the broker keeps a session per
    /// id, so it must stay the same across restarts and differ between processes.
    pub client_id: String,
    pub prefix: String,
    pub connections: usize,
}

impl Config {
    /// Reads `mqtt://host[:port]`.
    pub fn from_url(url: &str, client_id: &str) -> Option<Config> {
        let rest = url.strip_prefix("mqtt://").unwrap_or(url);
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (rest, 1883),
        };
        (!host.is_empty()).then(|| Config {
            host: host.into(),
            port,
            client_id: client_id.into(),
            prefix: "safegrid".into(),
            connections: 4,
        })
    }

    /// The topic filter every connection subscribes to.
    pub fn filter(&self) -> String {
        format!("$share/{}/{}/readings/#", self.client_id, self.prefix)
    }
}

/// Turns one message into the items of a batch, each labelled with the topic.
pub fn parse(
    prefix: &str,
    topic: &str,
    payload: &[u8],
) -> Vec<(String, Result<RawReading, String>)> {
    let base = format!("{prefix}/readings");
    let label = topic.to_string();
    if topic == base {
        return match serde_json::from_slice::<Batch>(payload) {
            Ok(b) => label_json(b.into_vec())
                .into_iter()
                .map(|(l, r)| (format!("{label} {l}"), r))
                .collect(),
            Err(e) => vec![(label, Err(format!("not a JSON batch: {e}")))],
        };
    }
    let Some(sensor) = topic
        .strip_prefix(&format!("{base}/"))
        .filter(|s| !s.contains('/'))
    else {
        return vec![(label, Err("topic is not <prefix>/readings/<sensor>".into()))];
    };
    let sensor = serde_json::Value::String(sensor.to_string());
    let item = match serde_json::from_slice::<serde_json::Value>(payload) {
        Ok(serde_json::Value::Number(n)) => Ok(RawReading {
            sensor,
            value: serde_json::Value::Number(n),
            ..RawReading::default()
        }),
        Ok(v @ serde_json::Value::Object(_)) => serde_json::from_value::<RawReading>(v)
            .map(|r| RawReading { sensor, ..r })
            .map_err(|e| e.to_string()),
        Ok(other) => Err(format!("not a reading: {other}")),
        Err(e) => Err(format!("not JSON: {e}")),
    };
    vec![(label, item)]
}

/// Runs the subscriptions until `stop` turns true.
pub async fn run(ingest: Ingest, cfg: Config, stop: watch::Receiver<bool>) {
    let mut tasks = Vec::new();
    for i in 0..cfg.connections.max(1) {
        tasks.push(tokio::spawn(connection(
            ingest.clone(),
            cfg.clone(),
            i,
            stop.clone(),
        )));
    }
    for t in tasks {
        let _ = t.await;
    }
}

async fn connection(ingest: Ingest, cfg: Config, index: usize, mut stop: watch::Receiver<bool>) {
    let mut opts = MqttOptions::new(
        format!("{}-{index}", cfg.client_id),
        cfg.host.clone(),
        cfg.port,
    );
    opts.set_clean_session(false);
    opts.set_manual_acks(true);
    opts.set_keep_alive(Duration::from_secs(30));
    opts.set_max_packet_size(32 * 1024 * 1024, 32 * 1024 * 1024);
    let (client, mut events) = AsyncClient::new(opts, 1024);
    // Acknowledgements in arrival order, each after its commit.
    let (pending, mut acks) = mpsc::channel::<(Publish, oneshot::Receiver<bool>)>(4096);
    let acker = client.clone();
    tokio::spawn(async move {
        while let Some((publish, stored)) = acks.recv().await {
            if stored.await.unwrap_or(false) {
                if acker.ack(&publish).await.is_err() {
                    return;
                }
            } else {
                // Not committed: leave it unacknowledged and reconnect, so the broker sends
                // it again.
                let _ = acker.disconnect().await;
            }
        }
    });
    let filter = cfg.filter();
    loop {
        let event = tokio::select! {
            e = events.poll() => e,
            _ = stop.changed() => return,
        };
        match event {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                // Subscribe again after every connection: a broker that lost its state would
                // otherwise send nothing.
                let c = client.clone();
                let f = filter.clone();
                tokio::spawn(async move {
                    if let Err(e) = c.subscribe(f, QoS::AtLeastOnce).await {
                        tracing::warn!("mqtt subscribe: {e}");
                    }
                });
                tracing::info!("mqtt connection {index} up");
            }
            Ok(Event::Incoming(Packet::Publish(p))) => {
                let items = parse(&cfg.prefix, &p.topic, &p.payload);
                let (done, stored) = oneshot::channel();
                let ing = ingest.clone();
                tokio::spawn(async move {
                    let ok = match ing.submit("mqtt", None, items).await {
                        Ok(_) => true,
                        Err(e) => {
                            tracing::warn!("mqtt readings not stored: {e}");
                            false
                        }
                    };
                    let _ = done.send(ok);
                });
                if pending.send((p, stored)).await.is_err() {
                    return;
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!("mqtt connection {index}: {e}");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.changed() => return,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_and_payloads() {
        let one = parse(
            "safegrid",
            "safegrid/readings/SB-1",
            br#"{"metric":"tilt","value":1.5}"#,
        );
        assert_eq!(one.len(), 1);
        let r = one[0].1.as_ref().unwrap();
        assert_eq!(r.sensor, "SB-1");
        assert_eq!(r.metric, "tilt");
        let bare = parse("safegrid", "safegrid/readings/SB-1", b"2.5");
        assert_eq!(bare[0].1.as_ref().unwrap().value, 2.5);
        let batch = parse(
            "safegrid",
            "safegrid/readings",
            br#"[{"sensor":"A","value":1},{"sensor":"B","value":2}]"#,
        );
        assert_eq!(batch.len(), 2);
        assert_eq!(batch[1].0, "safegrid/readings readings[1]");
        assert!(
            parse("safegrid", "safegrid/readings/SB-1", b"hello")[0]
                .1
                .is_err()
        );
        assert!(
            parse("safegrid", "safegrid/readings/a/b", b"1")[0]
                .1
                .is_err()
        );
        assert!(parse("safegrid", "safegrid/readings", b"{}")[0].1.is_err());
        assert!(Config::from_url("mqtt://127.0.0.1:1883", "sg").is_some_and(|c| c.port == 1883));
        assert!(
            Config::from_url("mqtt://broker", "sg")
                .is_some_and(|c| c.port == 1883 && c.host == "broker")
        );
        assert!(Config::from_url("mqtt://:x", "sg").is_none());
    }
}
