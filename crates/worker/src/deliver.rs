//! Sending warnings: the loop that claims delivery jobs, hands each message to its channel (the
//! inbox, SMTP, a webhook, an SMS gateway) at the channel's pace, and has the service record what
//! became of it. A channel that hangs or refuses holds up only its own messages.
//!
//! A message is recorded as sent in the transaction that finishes its job, within a tenth of a
//! second of the channel accepting it. A process killed in between leaves the job to be claimed
//! again when its lease runs out, so those few messages go out a second time: every message
//! carries its delivery's id (`msgid` in the SMS template, `X-Safegrid-Delivery` on webhooks, the
//! e-mail's Message-ID), by which the receiving end drops the repeat. Nothing is lost.

use chrono::Utc;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use safegrid_domain::delivery::{self, Channel, SmtpSecurity, WebhookFormat};
use safegrid_service::Service;
use safegrid_service::deliveries::{Outcome, Outgoing, Prepared};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, Semaphore, watch};

/// Messages claimed at a time.
const BATCH: i64 = 500;
/// Longest a sent message waits to be recorded as sent.
const RECORD_EVERY: Duration = Duration::from_millis(100);
/// Messages in flight at once, over all channels.
const IN_FLIGHT: usize = 64;

/// A way of getting a message to someone.
pub trait Carrier: Sync {
    fn send(&self, o: &Outgoing) -> impl Future<Output = Outcome> + Send;
}

/// Spaces messages of one channel (or one robot) evenly at its rate, so a gateway is never
/// sent more than it takes.
#[derive(Debug)]
pub struct Pace {
    gap: Duration,
    next: Mutex<Instant>,
}

impl Pace {
    pub fn per_second(n: f64) -> Pace {
        Pace {
            gap: Duration::from_secs_f64(1.0 / n.max(0.001)),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this message's turn.
    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + self.gap;
            at
        };
        tokio::time::sleep_until(at.into()).await;
    }
}

/// The inbox of an account: written by the service in the database.
pub struct Inbox {
    pub svc: Service,
}

impl Carrier for Inbox {
    async fn send(&self, o: &Outgoing) -> Outcome {
        match self.svc.put_in_inbox(o).await {
            Ok(()) => Outcome::Delivered,
            Err(e) => Outcome::Failed {
                reason: format!("inbox: {e}"),
                retry: true,
                wait: None,
            },
        }
    }
}

/// What an HTTP answer means for a message: 2xx accepted, 429 and 5xx worth another try (after
/// the Retry-After the server names), other refusals final.
fn http_failure(
    status: reqwest::StatusCode,
    headers: &reqwest::header::HeaderMap,
    body: &str,
) -> Outcome {
    let wait = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(chrono::Duration::seconds);
    let snippet: String = body.chars().take(200).collect();
    Outcome::Failed {
        reason: format!("HTTP {}: {snippet}", status.as_u16()),
        retry: status.as_u16() == 429 || status.is_server_error(),
        wait,
    }
}

fn transport_failure(e: &reqwest::Error) -> Outcome {
    let what = if e.is_timeout() {
        "no answer in time"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    Outcome::Failed {
        reason: format!("{what}: {e}"),
        retry: true,
        wait: None,
    }
}

/// An SMS gateway over HTTP, its request made from the configured template.
pub struct Sms {
    pub http: reqwest::Client,
}

impl Carrier for Sms {
    async fn send(&self, o: &Outgoing) -> Outcome {
        let Some(g) = &o.sms else {
            return Outcome::Failed {
                reason: "未配置短信网关".into(),
                retry: false,
                wait: None,
            };
        };
        let json = g.content_type == "application/json";
        let id = o.delivery_id.to_string();
        let body = delivery::fill_template(
            &g.body_template,
            &[("mobile", &o.address), ("text", &o.text), ("id", &id)],
            json,
        );
        let req = self
            .http
            .post(&g.url)
            .timeout(o.timeout)
            .header(reqwest::header::CONTENT_TYPE, g.content_type.as_str())
            .header("X-Safegrid-Delivery", &id)
            .body(body);
        match req.send().await {
            Ok(resp) => {
                let status = resp.status();
                let headers = resp.headers().clone();
                let text = resp.text().await.unwrap_or_default();
                if status.is_success() {
                    // The gateway's own id when it gives one (`msgid` or `id`), else ours.
                    let ext = serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|v| {
                            v.get("msgid")
                                .or_else(|| v.get("id"))
                                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        })
                        .unwrap_or(id);
                    Outcome::Sent {
                        external_id: Some(ext),
                    }
                } else {
                    http_failure(status, &headers, &text)
                }
            }
            Err(e) => transport_failure(&e),
        }
    }
}

/// A group robot or JSON endpoint. WeCom and DingTalk answer 200 with an `errcode` that must
/// be 0; their rate-limit codes are worth another try.
pub struct Hook {
    pub http: reqwest::Client,
}

impl Carrier for Hook {
    async fn send(&self, o: &Outgoing) -> Outcome {
        let Some((wh, body)) = &o.webhook else {
            return Outcome::Failed {
                reason: "no webhook".into(),
                retry: false,
                wait: None,
            };
        };
        let req = self
            .http
            .post(&wh.url)
            .timeout(o.timeout)
            .header("X-Safegrid-Delivery", o.delivery_id.to_string())
            .json(body);
        match req.send().await {
            Ok(resp) => {
                let status = resp.status();
                let headers = resp.headers().clone();
                let text = resp.text().await.unwrap_or_default();
                if !status.is_success() {
                    return http_failure(status, &headers, &text);
                }
                if wh.format == WebhookFormat::Json {
                    return Outcome::Sent { external_id: None };
                }
                let code = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|v| v.get("errcode").and_then(serde_json::Value::as_i64));
                match code {
                    Some(0) => Outcome::Sent { external_id: None },
                    // WeCom 45009 and DingTalk 130101: sent too often.
                    Some(c @ (45009 | 130101)) => Outcome::Failed {
                        reason: format!("robot rate limit (errcode {c})"),
                        retry: true,
                        wait: Some(chrono::Duration::seconds(60)),
                    },
                    Some(c) => Outcome::Failed {
                        reason: format!(
                            "robot refused (errcode {c}): {}",
                            text.chars().take(200).collect::<String>()
                        ),
                        retry: false,
                        wait: None,
                    },
                    None => Outcome::Failed {
                        reason: format!(
                            "robot answered without errcode: {}",
                            text.chars().take(200).collect::<String>()
                        ),
                        retry: false,
                        wait: None,
                    },
                }
            }
            Err(e) => transport_failure(&e),
        }
    }
}

/// E-mail over SMTP (a relay the town runs or is given).
pub struct Email;

impl Carrier for Email {
    async fn send(&self, o: &Outgoing) -> Outcome {
        let fail = |reason: String, retry: bool| Outcome::Failed {
            reason,
            retry,
            wait: None,
        };
        let Some(s) = &o.smtp else {
            return fail("未配置邮件服务器".into(), false);
        };
        let (Ok(from), Ok(to)) = (s.from.parse(), o.address.parse()) else {
            return fail(format!("bad address {} or {}", s.from, o.address), false);
        };
        let msg = Message::builder()
            .from(from)
            .to(to)
            .subject(o.title.clone())
            .message_id(Some(format!("<delivery-{}@safegrid>", o.delivery_id)))
            .header(ContentType::TEXT_PLAIN)
            .body(o.text.clone());
        let msg = match msg {
            Ok(m) => m,
            Err(e) => return fail(format!("message: {e}"), false),
        };
        type Smtp = AsyncSmtpTransport<Tokio1Executor>;
        let b = match s.security {
            SmtpSecurity::None => Ok(Smtp::builder_dangerous(&s.host)),
            SmtpSecurity::Starttls => Smtp::starttls_relay(&s.host),
            SmtpSecurity::Tls => Smtp::relay(&s.host),
        };
        let mut b = match b {
            Ok(b) => b.port(s.port).timeout(Some(o.timeout)),
            Err(e) => return fail(format!("SMTP {}: {e}", s.host), false),
        };
        if let (Some(u), Some(p)) = (&s.username, &s.password) {
            b = b.credentials(Credentials::new(u.clone(), p.clone()));
        }
        match b.build().send(msg).await {
            Ok(_) => Outcome::Sent { external_id: None },
            // 4xx from the server is temporary, 5xx permanent; a broken connection is worth
            // another try.
            Err(e) => fail(format!("SMTP: {e}"), !e.is_permanent()),
        }
    }
}

/// Every carrier, with a pace for each channel (and for each robot by name).
pub struct Carriers {
    pub svc: Service,
    inbox: Inbox,
    sms: Sms,
    hook: Hook,
    email: Email,
    paces: Mutex<HashMap<String, Arc<Pace>>>,
}

impl Carriers {
    pub fn new(svc: Service) -> Carriers {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .build()
            .unwrap_or_default();
        Carriers {
            inbox: Inbox { svc: svc.clone() },
            sms: Sms { http: http.clone() },
            hook: Hook { http },
            email: Email,
            svc,
            paces: Mutex::new(HashMap::new()),
        }
    }

    /// The pace of a message's channel at its configured rate (a rate changed in the settings
    /// takes effect for a channel not yet paced in this process, or after a restart).
    async fn pace(&self, o: &Outgoing) -> Option<Arc<Pace>> {
        let (key, per_second) = match o.channel {
            Channel::Inbox => return None,
            Channel::Sms => ("sms".to_string(), f64::from(o.sms.as_ref()?.per_second)),
            Channel::Email => ("email".to_string(), f64::from(o.smtp.as_ref()?.per_second)),
            Channel::Webhook => {
                let (wh, _) = o.webhook.as_ref()?;
                (
                    format!("webhook:{}", wh.name),
                    f64::from(wh.per_minute) / 60.0,
                )
            }
        };
        let mut m = self.paces.lock().await;
        Some(
            m.entry(key)
                .or_insert_with(|| Arc::new(Pace::per_second(per_second)))
                .clone(),
        )
    }

    pub async fn send(&self, o: &Outgoing) -> Outcome {
        if let Some(p) = self.pace(o).await {
            p.wait().await;
        }
        let sent = async {
            match o.channel {
                Channel::Inbox => self.inbox.send(o).await,
                Channel::Sms => self.sms.send(o).await,
                Channel::Email => self.email.send(o).await,
                Channel::Webhook => self.hook.send(o).await,
            }
        };
        // Nothing may hold a message past its lease.
        match tokio::time::timeout(o.timeout * 3, sent).await {
            Ok(out) => out,
            Err(_) => Outcome::Failed {
                reason: "channel did not answer".into(),
                retry: true,
                wait: None,
            },
        }
    }
}

/// Claims and sends one batch; returns how many messages were recorded.
pub async fn run_once(ch: &Arc<Carriers>, worker: &str) -> safegrid_service::Result<usize> {
    let claimed = ch.svc.claim_deliveries(worker, Utc::now(), BATCH).await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    // While the batch is worked through (a slow channel's pace can take longer than a lease),
    // its leases are renewed; if this process dies they run out and another takes the rest.
    let ids: Vec<i64> = claimed.iter().map(|j| j.id).collect();
    let (beat_stop, mut beat_rx) = watch::channel(false);
    let beat = {
        let svc = ch.svc.clone();
        let worker = worker.to_string();
        tokio::spawn(async move {
            let every = Duration::from_secs(3);
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = beat_rx.changed() => return,
                }
                if let Err(e) = svc.extend_deliveries(&worker, &ids).await {
                    tracing::warn!(worker = %worker, "renewing leases: {e}");
                }
            }
        })
    };
    let result = send_batch(ch, worker, &claimed).await;
    let _ = beat_stop.send(true);
    let _ = beat.await;
    result
}

async fn send_batch(
    ch: &Arc<Carriers>,
    worker: &str,
    claimed: &[safegrid_service::deliveries::JobRow],
) -> safegrid_service::Result<usize> {
    let prepared = ch.svc.prepare_deliveries(worker, claimed).await?;
    let limit = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    let mut settled = 0;
    for p in prepared {
        match p {
            Prepared::Settled => settled += 1,
            Prepared::Send(o) => {
                let ch = ch.clone();
                let limit = limit.clone();
                tasks.spawn(async move {
                    let _permit = limit.acquire_owned().await;
                    let out = ch.send(&o).await;
                    (*o, out)
                });
            }
        }
    }
    let mut results = Vec::with_capacity(tasks.len());
    // Recorded as they finish, at least every tenth of a second: a message the channel took is
    // marked sent almost at once, so a crash can repeat only those of its last moment, and a
    // slow robot does not hold back the record of the others.
    let mut tick = tokio::time::interval(RECORD_EVERY);
    loop {
        tokio::select! {
            r = tasks.join_next() => match r {
                Some(Ok(r)) => results.push(r),
                Some(Err(e)) => tracing::warn!("send task: {e}"),
                None => break,
            },
            _ = tick.tick() => {
                if !results.is_empty() {
                    settled += ch.svc.deliveries_done(worker, &results).await?;
                    results.clear();
                }
            }
        }
        if results.len() >= 200 {
            settled += ch.svc.deliveries_done(worker, &results).await?;
            results.clear();
        }
    }
    settled += ch.svc.deliveries_done(worker, &results).await?;
    Ok(settled)
}

/// Sends messages until `stop` turns true: at once when the service rings, when the next retry
/// is due, and at least every `interval`.
pub async fn run(svc: Service, id: String, interval: Duration, mut stop: watch::Receiver<bool>) {
    let ch = Arc::new(Carriers::new(svc.clone()));
    loop {
        let busy = match run_once(&ch, &id).await {
            Ok(0) => false,
            Ok(n) => {
                tracing::info!(worker = %id, "recorded {n} deliveries");
                true
            }
            Err(e) => {
                tracing::warn!(worker = %id, "delivery loop: {e}");
                false
            }
        };
        if busy {
            if *stop.borrow() {
                return;
            }
            continue;
        }
        let next = svc.next_delivery_due().await.ok().flatten();
        if !crate::idle(next, interval, &svc.wake.deliveries, &mut stop).await {
            return;
        }
    }
}
