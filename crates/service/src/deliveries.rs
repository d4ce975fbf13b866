//! Getting an issued warning to its people and hearing back (叫应): the deliveries queued with
//! their jobs in the transaction that issues the warning, each sent by the worker and recorded
//! (sent, failed with its reason, delivered when the channel says so) in the transaction that
//! finishes its job; the personal answer link and the SMS reply; and escalation when someone
//! stays silent past their answer window.

use crate::{Error, Result, Service, audit, ensure};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::alarm::Level;
use safegrid_domain::delivery::{
    self, Answer, AnswerInput, Channel, Channels, DeliveryStatus, Notice, Purpose, SmsGateway,
    Smtp, Webhook,
};
use safegrid_domain::duty::duty_day;
use safegrid_domain::local_time;
use safegrid_domain::region::is_within;
use safegrid_domain::warning::{Policy, RequiredAction, Status, WarningKind};
use safegrid_store::Tx;
use safegrid_store::deliveries::{self as dstore, DeliveryRow, NewDelivery};
use safegrid_store::jobs;
pub use safegrid_store::jobs::JobRow;
use safegrid_store::risks::{setting, setting_once};
use safegrid_store::warnings::{self as wstore, NewRecipient, RecipientRow, WarningRow};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

const CHANNELS_KEY: &str = "channels";
const SECRET_KEY: &str = "answer_secret";
/// The job that escalates a warning's silent recipients at a deadline.
pub const ESCALATE: &str = "warning.escalate";

/// A message ready for its channel: everything the worker needs to send it.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub job_id: i64,
    pub delivery_id: i64,
    pub warning_id: i64,
    pub channel: Channel,
    /// Mobile number, e-mail address, webhook name or account id.
    pub address: String,
    pub title: String,
    pub text: String,
    /// The answer link (relative, for the inbox).
    pub link: Option<String>,
    pub webhook: Option<(Webhook, serde_json::Value)>,
    pub sms: Option<SmsGateway>,
    pub smtp: Option<Smtp>,
    /// Longest wait for the channel to answer.
    pub timeout: std::time::Duration,
}

/// What a channel made of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Accepted; the channel's own id for it if it gave one.
    Sent { external_id: Option<String> },
    /// Known to have arrived (the inbox).
    Delivered,
    /// Refused or unreachable. `retry` when another try may work; `wait` when the channel said
    /// how long to wait.
    Failed {
        reason: String,
        retry: bool,
        wait: Option<Duration>,
    },
}

/// A claimed delivery job: either a message to send, or one that was settled without sending
/// (the warning ended, the channel is gone) and whose job is finished.
#[derive(Debug)]
pub enum Prepared {
    Send(Box<Outgoing>),
    Settled,
}

/// The answer page of one recipient.
#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    pub recipient: RecipientRow,
    pub warning: WarningRow,
    pub required: Vec<RequiredAction>,
    pub done: Vec<RequiredAction>,
    /// The warning is still in force (answers are taken).
    pub live: bool,
}

/// What became of an SMS reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyOutcome {
    Answered,
    Updated,
    UnknownSender,
    NoLiveWarning,
    BadCode,
}

impl ReplyOutcome {
    fn as_str(self) -> &'static str {
        match self {
            ReplyOutcome::Answered => "answered",
            ReplyOutcome::Updated => "updated",
            ReplyOutcome::UnknownSender => "unknown_sender",
            ReplyOutcome::NoLiveWarning => "no_live_warning",
            ReplyOutcome::BadCode => "bad_code",
        }
    }
}

/// One line of the live board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardRow {
    pub recipient: RecipientRow,
    /// (channel, status, error) of each message to them.
    pub deliveries: Vec<(String, String, Option<String>)>,
    pub required: Vec<RequiredAction>,
    pub done: Vec<RequiredAction>,
    pub overdue: bool,
}

/// People under threat and moved, per region of the area.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlaceCount {
    pub path: String,
    pub name: String,
    pub threatened: i64,
    pub evacuated: i64,
    pub recipients: i64,
    pub answered: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub warning: WarningRow,
    pub tally: crate::warnings::Tally,
    pub rows: Vec<BoardRow>,
    pub places: Vec<PlaceCount>,
    /// (channel, status, count).
    pub deliveries: Vec<(String, String, i64)>,
    /// Escalations, newest last: the messages about silent recipients.
    pub escalations: Vec<DeliveryRow>,
    pub mark: String,
}

type HmacSha256 = Hmac<Sha256>;

/// The personal token of a recipient: a keyed hash of the warning and the number, so that every
/// message to them carries the same link, nobody can make one up, and only its hash is stored.
fn answer_token(secret: &[u8], warning_id: i64, mobile: &str) -> Result<String> {
    let mut mac = HmacSha256::new_from_slice(secret).map_err(|e| Error::Internal(e.to_string()))?;
    mac.update(format!("answer:{warning_id}:{mobile}").as_bytes());
    Ok(hex::encode(&mac.finalize().into_bytes()[..12]))
}

pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// What is said of a warning for a purpose, before anything personal is added.
fn notice_of<'a>(w: &'a WarningRow, expires: &'a str, purpose: Purpose) -> Notice<'a> {
    Notice {
        kind: WarningKind::parse(&w.kind).unwrap_or(WarningKind::Other),
        level: Level::parse(&w.level).unwrap_or(Level::Red),
        headline: &w.headline,
        instruction: w.instruction.as_deref(),
        expires,
        purpose,
        link: None,
        reply_code: None,
        actions: &[],
        asks_evacuation: false,
        silent: &[],
        silent_total: 0,
    }
}

fn is_live(w: &WarningRow) -> bool {
    Status::parse(&w.status).is_some_and(Status::is_live)
}

/// The channels a contact can be reached by under the town's configuration.
fn available(cfg: &Channels, c: &dstore::Contact) -> Vec<Channel> {
    let mut v = Vec::new();
    if c.user_id.is_some() {
        v.push(Channel::Inbox);
    }
    if cfg.sms.is_some() {
        v.push(Channel::Sms);
    }
    if cfg.smtp.is_some() && c.email.as_deref().is_some_and(delivery::is_email) {
        v.push(Channel::Email);
    }
    if cfg
        .webhooks
        .iter()
        .any(|w| is_within(&c.region_path, &w.region_path))
    {
        v.push(Channel::Webhook);
    }
    v
}

/// The address of a contact on a channel (a webhook's is the group's name, set by the caller).
fn address_on(ch: Channel, c: &dstore::Contact) -> String {
    match ch {
        Channel::Inbox => c.user_id.map(|u| u.to_string()).unwrap_or_default(),
        Channel::Email => c.email.clone().unwrap_or_default(),
        Channel::Sms | Channel::Webhook => c.mobile.clone(),
    }
}

impl Service {
    /// The town's channels: SMS gateway, SMTP server, group robots, the answer links' address.
    pub async fn channels(&self) -> Result<Channels> {
        self.config(CHANNELS_KEY).await
    }

    pub async fn set_channels(&self, who: &Principal, c: &Channels) -> Result<()> {
        ensure(who.can_configure())?;
        c.validate()?;
        self.put_config(who, CHANNELS_KEY, c).await
    }

    /// The key of the answer tokens, made on first use. Callers that will hold a write
    /// transaction call this before opening it (SQLite has one writer).
    pub(crate) async fn answer_secret(&self) -> Result<Vec<u8>> {
        let s = match setting(&self.store, SECRET_KEY).await? {
            Some(s) => s,
            None => {
                let mut b = [0u8; 32];
                OsRng.fill_bytes(&mut b);
                setting_once(&self.store, SECRET_KEY, &hex::encode(b)).await?
            }
        };
        hex::decode(s).map_err(|e| Error::Internal(format!("stored {SECRET_KEY}: {e}")))
    }

    /// The hash a new recipient's token will have (set when the recipient is stored).
    pub(crate) async fn token_hasher(&self) -> Result<impl Fn(i64, &str) -> Result<String>> {
        let secret = self.answer_secret().await?;
        Ok(move |warning_id: i64, mobile: &str| {
            Ok(token_hash(&answer_token(&secret, warning_id, mobile)?))
        })
    }

    /// Schedules the escalation of every first-hand recipient of a warning at their deadline
    /// (those brought in by an escalation are not escalated again).
    pub(crate) async fn schedule_escalations(&self, tx: &mut Tx, warning_id: i64) -> Result<()> {
        wstore::schedule_escalations(tx, warning_id, ESCALATE).await?;
        Ok(())
    }

    /// Queues the warning's message to every recipient by each of the first channels they have
    /// (or the first they have at all), and one message to each group robot whose region holds
    /// recipients. Keys carry the warning's version, so an update is sent again to everyone.
    pub(crate) async fn queue_notices(&self, tx: &mut Tx, w: &WarningRow) -> Result<u64> {
        let cfg = self.channels().await?;
        let contacts = dstore::contacts(&mut *tx, w.id).await?;
        let mut out = Vec::with_capacity(contacts.len() * 2);
        let mut groups: BTreeMap<&str, ()> = BTreeMap::new();
        for c in &contacts {
            let avail = available(&cfg, c);
            let mut chosen: Vec<Channel> = cfg
                .first
                .iter()
                .copied()
                .filter(|ch| avail.contains(ch))
                .collect();
            if chosen.is_empty() {
                // Nothing of the first choice: the first channel they have, else SMS, which
                // fails visibly when no gateway is set up rather than reaching no one silently.
                chosen.push(avail.first().copied().unwrap_or(Channel::Sms));
            }
            for ch in chosen {
                if ch == Channel::Webhook {
                    for wh in &cfg.webhooks {
                        if is_within(&c.region_path, &wh.region_path) {
                            groups.insert(&wh.name, ());
                        }
                    }
                    continue;
                }
                out.push(NewDelivery {
                    key: format!(
                        "{}:{}:{}:notice:v{}",
                        w.id,
                        c.recipient_id,
                        ch.as_str(),
                        w.version
                    ),
                    warning_id: w.id,
                    recipient_id: Some(c.recipient_id),
                    about_id: None,
                    channel: ch.as_str().into(),
                    address: address_on(ch, c),
                    purpose: Purpose::Notice.as_str().into(),
                });
            }
        }
        for name in groups.keys() {
            out.push(NewDelivery {
                key: format!("{}:group:{name}:notice:v{}", w.id, w.version),
                warning_id: w.id,
                recipient_id: None,
                about_id: None,
                channel: Channel::Webhook.as_str().into(),
                address: (*name).to_string(),
                purpose: Purpose::Notice.as_str().into(),
            });
        }
        Ok(dstore::queue(tx, &out, Utc::now()).await?)
    }

    /// Claims due delivery jobs for this worker, for as long as the channels' lease.
    pub async fn claim_deliveries(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<JobRow>> {
        let lease = self.channels().await?.lease();
        let lane = jobs::Lane::Deliveries;
        Ok(jobs::claim(&self.store, worker, now, lease, limit, lane).await?)
    }

    /// Keeps the claimed delivery jobs this worker is still working through its own for another
    /// lease.
    pub async fn extend_deliveries(&self, worker: &str, ids: &[i64]) -> Result<u64> {
        let until = Utc::now() + self.channels().await?.lease();
        Ok(jobs::extend(&self.store, worker, ids, until).await?)
    }

    /// When the next delivery job is due (for the worker to sleep until).
    pub async fn next_delivery_due(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(jobs::next_due(&self.store, jobs::Lane::Deliveries).await?)
    }

    /// Turns claimed delivery jobs into messages: the warning, the recipient's link and reply
    /// code, the channel's settings. Jobs with nothing left to send are settled here.
    pub async fn prepare_deliveries(
        &self,
        worker: &str,
        claimed: &[JobRow],
    ) -> Result<Vec<Prepared>> {
        let cfg = self.channels().await?;
        let secret = self.answer_secret().await?;
        // Everything the batch needs in a few statements, not a few per message.
        let keys: Vec<String> = claimed.iter().map(|j| j.payload.clone()).collect();
        let ds: HashMap<String, DeliveryRow> = dstore::by_keys(&self.store, &keys)
            .await?
            .into_iter()
            .map(|d| (d.key.clone(), d))
            .collect();
        let mut ids: Vec<i64> = ds
            .values()
            .flat_map(|d| [d.recipient_id, d.about_id])
            .flatten()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let people: HashMap<i64, RecipientRow> = wstore::recipients_by_ids(&self.store, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut warnings: HashMap<i64, WarningRow> = HashMap::new();
        let mut out = Vec::with_capacity(claimed.len());
        for job in claimed {
            let Some(d) = ds.get(&job.payload) else {
                self.settle(worker, job.id, None, "no such delivery")
                    .await?;
                out.push(Prepared::Settled);
                continue;
            };
            if !warnings.contains_key(&d.warning_id)
                && let Some(w) = wstore::get(&self.store, d.warning_id).await?
            {
                warnings.insert(w.id, w);
            }
            let Some(w) = warnings.get(&d.warning_id) else {
                self.settle(worker, job.id, Some(d.id), "no such warning")
                    .await?;
                out.push(Prepared::Settled);
                continue;
            };
            let recipient = d.recipient_id.and_then(|id| people.get(&id));
            let about = d.about_id.and_then(|id| people.get(&id));
            match self
                .compose((&cfg, &secret), job, d, w, recipient, about)
                .await?
            {
                Ok(o) => out.push(Prepared::Send(Box::new(o))),
                Err(reason) => {
                    self.settle(worker, job.id, Some(d.id), &reason).await?;
                    out.push(Prepared::Settled);
                }
            }
        }
        Ok(out)
    }

    /// The message of one delivery, or why it will not be sent.
    async fn compose(
        &self,
        (cfg, secret): (&Channels, &[u8]),
        job: &JobRow,
        d: &DeliveryRow,
        w: &WarningRow,
        recipient: Option<&RecipientRow>,
        about: Option<&RecipientRow>,
    ) -> Result<std::result::Result<Outgoing, String>> {
        if !is_live(w) {
            return Ok(Err("预警已结束，未再发送".into()));
        }
        let Some(channel) = Channel::parse(&d.channel) else {
            return Ok(Err(format!("unknown channel {}", d.channel)));
        };
        let purpose = Purpose::parse(&d.purpose).unwrap_or(Purpose::Notice);
        let expires = local_time::display(w.expires);
        // An escalation names those still silent near the one it was about (for the office,
        // all of the warning's), as they stand when it goes out.
        let (silent, silent_total) = match d.about_id {
            Some(_) => {
                let path = match (recipient, about) {
                    (Some(_), Some(a)) => a.region_path.as_str(),
                    _ => "/",
                };
                wstore::silent(&self.store, w.id, path, 5).await?
            }
            None => (Vec::new(), 0),
        };
        if purpose == Purpose::Escalation && silent_total == 0 {
            return Ok(Err("已全部回应，无需升级通知".into()));
        }
        let silent: Vec<(&str, &str)> = silent
            .iter()
            .map(|(n, m)| (n.as_str(), m.as_str()))
            .collect();
        if purpose == Purpose::Repeat && recipient.is_some_and(|r| r.answered_at.is_some()) {
            return Ok(Err("已回应，无需再次通知".into()));
        }
        let token = match &recipient {
            Some(r) => Some(answer_token(secret, w.id, &r.mobile)?),
            None => None,
        };
        let rel_link = token.as_ref().map(|t| format!("/a/{t}"));
        let abs_link = rel_link
            .as_ref()
            .map(|l| format!("{}{l}", cfg.base_url.trim_end_matches('/')));
        let actions = recipient
            .as_ref()
            .map(|r| delivery::split_actions(&r.actions))
            .unwrap_or_default();
        // Messages go out in Chinese, the actions named as the pages name them.
        let labels: Vec<String> = actions
            .iter()
            .map(|a| {
                crate::Lang::Zh
                    .t(&format!("required_action.{}", a.as_str()))
                    .to_string()
            })
            .collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let notice = Notice {
            link: abs_link.as_deref(),
            reply_code: recipient.as_ref().map(|r| r.reply_code.as_str()),
            actions: &labels,
            asks_evacuation: actions.contains(&RequiredAction::Evacuate),
            silent: &silent,
            silent_total,
            ..notice_of(w, &expires, purpose)
        };
        let mut o = Outgoing {
            job_id: job.id,
            delivery_id: d.id,
            warning_id: w.id,
            channel,
            address: d.address.clone(),
            title: notice.title(),
            text: notice.text(),
            link: rel_link,
            webhook: None,
            sms: None,
            smtp: None,
            timeout: std::time::Duration::from_secs(u64::from(cfg.timeout_secs)),
        };
        match channel {
            Channel::Inbox => {
                if d.address.parse::<i64>().is_err() {
                    return Ok(Err("no account".into()));
                }
            }
            Channel::Sms => match &cfg.sms {
                Some(s) => o.sms = Some(s.clone()),
                None => return Ok(Err("未配置短信网关".into())),
            },
            Channel::Email => match &cfg.smtp {
                Some(s) => o.smtp = Some(s.clone()),
                None => return Ok(Err("未配置邮件服务器".into())),
            },
            Channel::Webhook => {
                let Some(wh) = cfg.webhook(&d.address) else {
                    return Ok(Err(format!("群机器人“{}”已不在配置中", d.address)));
                };
                // The group's people: the recipients of its region, mentioned by number.
                let mut mentions: Vec<String> = wstore::recipients(&self.store, w.id)
                    .await?
                    .into_iter()
                    .filter(|r| is_within(&r.region_path, &wh.region_path))
                    .map(|r| r.mobile)
                    .collect();
                mentions.dedup();
                let facts = serde_json::json!({
                    "id": w.id, "kind": w.kind, "level": w.level, "headline": w.headline,
                    "instruction": w.instruction, "onset": local_time::cap(w.onset),
                    "expires": local_time::cap(w.expires), "version": w.version,
                    "delivery_id": d.id,
                });
                let plain = notice_of(w, &expires, purpose);
                o.text = plain.text();
                o.webhook = Some((
                    wh.clone(),
                    delivery::webhook_body(wh.format, &plain, &mentions, facts),
                ));
            }
        }
        Ok(Ok(o))
    }

    /// Finishes a delivery job that will not be sent, recording why.
    async fn settle(
        &self,
        worker: &str,
        job_id: i64,
        delivery: Option<i64>,
        why: &str,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        if let Some(id) = delivery {
            let tried = dstore::Tried {
                id,
                status: DeliveryStatus::Failed,
                error: Some(why.to_string()),
                external_id: None,
            };
            dstore::record_many(&mut tx, &[tried], Utc::now()).await?;
        }
        if jobs::finish(&mut tx, job_id, worker).await? {
            tx.commit().await?;
        }
        Ok(())
    }

    /// Puts a warning's message in an account's inbox (the inbox channel); once per job.
    pub async fn put_in_inbox(&self, o: &Outgoing) -> Result<()> {
        let user: i64 = o
            .address
            .parse()
            .map_err(|_| Error::Internal(format!("inbox address {}", o.address)))?;
        let mut tx = self.store.begin().await?;
        jobs::send(
            &mut tx,
            user,
            &o.title,
            &o.text,
            o.link.as_deref(),
            Some(o.job_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records what the channels made of a batch of messages, finishing or rescheduling each
    /// one's job, in one transaction. A job whose lease ran out and that another worker now holds
    /// is left to that worker and nothing is recorded for it. Returns how many were recorded.
    pub async fn deliveries_done(
        &self,
        worker: &str,
        done: &[(Outgoing, Outcome)],
    ) -> Result<usize> {
        let now = Utc::now();
        let mut tx = self.store.begin().await?;
        let mut finish = Vec::new();
        let mut tried = Vec::new();
        for (o, outcome) in done {
            let t = |status, error: Option<&String>, external: Option<&String>| dstore::Tried {
                id: o.delivery_id,
                status,
                error: error.cloned(),
                external_id: external.cloned(),
            };
            match outcome {
                Outcome::Sent { external_id } => {
                    finish.push((
                        o.job_id,
                        t(DeliveryStatus::Sent, None, external_id.as_ref()),
                    ));
                }
                Outcome::Delivered => {
                    finish.push((o.job_id, t(DeliveryStatus::Delivered, None, None)))
                }
                Outcome::Failed {
                    reason,
                    retry,
                    wait,
                } => {
                    let tries = dstore::attempts(&mut tx, o.delivery_id).await? + 1;
                    match delivery::retry_after(tries, *wait).filter(|_| *retry) {
                        // Released one by one: failures are few, and each has its own time.
                        Some(after) => {
                            if jobs::release(&mut tx, o.job_id, worker, now + after, reason).await?
                            {
                                tried.push(t(DeliveryStatus::Queued, Some(reason), None));
                            }
                        }
                        None => {
                            finish.push((o.job_id, t(DeliveryStatus::Failed, Some(reason), None)))
                        }
                    }
                }
            }
        }
        let ids: Vec<i64> = finish.iter().map(|(j, _)| *j).collect();
        let ours = jobs::finish_many(&mut tx, &ids, worker).await?;
        // A job whose lease ran out and that another worker now holds is left to that worker.
        tried.extend(
            finish
                .into_iter()
                .filter(|(j, _)| ours.contains(j))
                .map(|(_, t)| t),
        );
        dstore::record_many(&mut tx, &tried, now).await?;
        tx.commit().await?;
        Ok(tried.len())
    }

    /// A channel's receipt for a message it accepted (an SMS gateway's delivery report), checked
    /// by the gateway's shared secret.
    pub async fn sms_receipt(
        &self,
        secret: &str,
        delivery_id: i64,
        delivered: bool,
        error: Option<&str>,
    ) -> Result<bool> {
        self.check_gateway(secret).await?;
        let mut tx = self.store.begin().await?;
        let found =
            dstore::report(&mut tx, "sms", delivery_id, delivered, error, Utc::now()).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn check_gateway(&self, secret: &str) -> Result<()> {
        let cfg = self.channels().await?;
        let Some(sms) = cfg.sms else {
            return Err(Error::Unauthenticated);
        };
        // Compared by hash so the time taken says nothing about the secret.
        if sms.inbound_secret.is_empty()
            || Sha256::digest(secret.as_bytes()) != Sha256::digest(sms.inbound_secret.as_bytes())
        {
            return Err(Error::Unauthenticated);
        }
        Ok(())
    }

    /// The answer page of the holder of a link. An unknown token is not found, whatever it is.
    pub async fn answer_view(&self, token: &str) -> Result<AnswerView> {
        if token.len() != 24 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::NotFound);
        }
        let r = wstore::recipient_by_token(&self.store, &token_hash(token))
            .await?
            .ok_or(Error::NotFound)?;
        let w = wstore::get(&self.store, r.warning_id)
            .await?
            .ok_or(Error::NotFound)?;
        Ok(AnswerView {
            required: delivery::split_actions(&r.actions),
            done: delivery::split_actions(r.actions_done.as_deref().unwrap_or("")),
            live: is_live(&w),
            recipient: r,
            warning: w,
        })
    }

    /// Records an answer given by link: the first one answers (叫应), later ones update what was
    /// done. Refused once the warning has ended. Returns the page and whether it was the first.
    pub async fn answer_by_link(
        &self,
        token: &str,
        input: &AnswerInput,
    ) -> Result<(AnswerView, bool)> {
        let view = self.answer_view(token).await?;
        if !view.live {
            return Err(Invalid::one("warning", "answer.ended").into());
        }
        let a = input.validate(&view.required)?;
        let first = self.record_answer(&view.recipient, "link", &a).await?;
        Ok((self.answer_view(token).await?, first))
    }

    async fn record_answer(&self, r: &RecipientRow, by: &str, a: &Answer) -> Result<bool> {
        let mut done = delivery::split_actions(r.actions_done.as_deref().unwrap_or(""));
        for x in &a.actions {
            if !done.contains(x) {
                done.push(*x);
            }
        }
        let now = Utc::now();
        let mut tx = self.store.begin().await?;
        let first = wstore::answer(
            &mut tx,
            r.id,
            by,
            a.note.as_deref(),
            &delivery::join_actions(&done),
            a.evacuated,
            now,
        )
        .await?;
        let who = crate::system();
        audit::record(
            &mut tx,
            &who,
            if first { "answer" } else { "update_answer" },
            "warning_recipient",
            r.id,
            None::<&()>,
            Some(&serde_json::json!({
                "by": by, "actions": delivery::join_actions(&done), "evacuated": a.evacuated,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(first)
    }

    /// An SMS reply from the gateway: matched to a live warning's recipient by the number and
    /// the reply code, and recorded as their answer. Every reply is kept with what became of it,
    /// so one from an unknown number or with a wrong code is seen by the office.
    pub async fn sms_reply(&self, secret: &str, from: &str, body: &str) -> Result<ReplyOutcome> {
        self.check_gateway(secret).await?;
        let mobile: String = from
            .trim()
            .trim_start_matches("+86")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let reply = delivery::parse_sms_reply(body);
        let live = wstore::live_recipients_by_mobile(&self.store, &mobile).await?;
        let matched = match &reply.code {
            Some(code) => live.iter().find(|r| &r.reply_code == code),
            None => live.first(),
        };
        let outcome = match matched {
            Some(r) => {
                let required = delivery::split_actions(&r.actions);
                let a = Answer {
                    actions: reply
                        .actions
                        .iter()
                        .copied()
                        .filter(|x| required.contains(x))
                        .collect(),
                    evacuated: reply
                        .evacuated
                        .filter(|n| (0..=delivery::MAX_EVACUATED).contains(n)),
                    note: None,
                };
                if self.record_answer(r, "sms", &a).await? {
                    ReplyOutcome::Answered
                } else {
                    ReplyOutcome::Updated
                }
            }
            None if !live.is_empty() => ReplyOutcome::BadCode,
            None if wstore::any_recipient_with_mobile(&self.store, &mobile).await? => {
                ReplyOutcome::NoLiveWarning
            }
            None => ReplyOutcome::UnknownSender,
        };
        if !matches!(outcome, ReplyOutcome::Answered | ReplyOutcome::Updated) {
            tracing::warn!(from = %mobile, outcome = outcome.as_str(), "SMS reply matched no answer");
        }
        let mut tx = self.store.begin().await?;
        dstore::record_reply(
            &mut tx,
            "sms",
            &mobile,
            body,
            matched.map(|r| r.id),
            outcome.as_str(),
            Utc::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Replies that matched no one, for the office.
    pub async fn unmatched_replies(&self, who: &Principal) -> Result<Vec<dstore::ReplyRow>> {
        ensure(who.can_write_warnings())?;
        Ok(dstore::unmatched_replies(&self.store, 50).await?)
    }

    /// Runs the escalations of a deadline: every first-hand recipient of the warning whose answer
    /// window has passed and who has not answered (nor been escalated) is escalated, unless the
    /// warning has ended.
    pub(crate) async fn escalate(&self, tx: &mut Tx, job: &JobRow) -> Result<()> {
        // `<warning>:<deadline in Unix seconds>`: everyone silent whose deadline fell in that
        // second or before it.
        let Some((wid, cutoff)) = job.payload.split_once(':').and_then(|(w, d)| {
            let until = DateTime::<Utc>::from_timestamp(d.parse::<i64>().ok()? + 1, 0)?;
            Some((w.parse::<i64>().ok()?, until))
        }) else {
            return Ok(());
        };
        let Some(w) = wstore::get(&mut *tx, wid).await? else {
            return Ok(());
        };
        if !is_live(&w) {
            return Ok(());
        }
        let cfg = self.channels().await?;
        let policy = self.warning_policy().await?;
        let now = Utc::now();
        for r in wstore::due_silent(&mut *tx, wid, cutoff).await? {
            self.escalate_one(tx, &w, &r, (&cfg, &policy), now).await?;
        }
        Ok(())
    }

    /// Escalates one silent recipient: marked escalated, the warning sent to them again by
    /// another channel, and their village head, the backups at the objects near them and the
    /// office's duty accounts told who is silent.
    async fn escalate_one(
        &self,
        tx: &mut Tx,
        w: &WarningRow,
        r: &RecipientRow,
        (cfg, policy): (&Channels, &Policy),
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !wstore::mark_escalated(tx, r.id, now).await? {
            return Ok(());
        }
        let mut out = Vec::new();
        // The silent one again, by a channel not used yet.
        let own =
            dstore::contacts_by_mobile(&mut *tx, w.id, std::slice::from_ref(&r.mobile)).await?;
        if let Some(c) = own.first() {
            let used: Vec<Channel> = dstore::of_recipient(&mut *tx, r.id)
                .await?
                .iter()
                .filter_map(|d| Channel::parse(&d.channel))
                .collect();
            for ch in delivery::repeat_channels(&available(cfg, c), &used) {
                out.push(NewDelivery {
                    key: format!("{}:{}:{}:repeat", w.id, r.id, ch.as_str()),
                    warning_id: w.id,
                    recipient_id: Some(r.id),
                    about_id: None,
                    channel: ch.as_str().into(),
                    address: address_on(ch, c),
                    purpose: Purpose::Repeat.as_str().into(),
                });
            }
        }
        // Those answering for them: stored as recipients brought in by the escalation (a
        // number already reached keeps its line).
        let hash = self.token_hasher().await?;
        let level = Level::parse(&w.level).unwrap_or(Level::Red);
        let mut targets = Vec::new();
        let mut answering = wstore::escalation_targets(&mut *tx, &r.region_path).await?;
        // The duty officer of the moment, as the roster names them.
        if let Some(d) =
            safegrid_store::duty::on_duty(&mut *tx, &r.region_path, duty_day(now)).await?
        {
            answering.push(wstore::Reachable {
                source: "duty_roster".into(),
                role: "duty_officer".into(),
                person_id: Some(d.officer_id),
                key_unit_id: None,
                enterprise_id: None,
                name: d.officer_name,
                mobile: Some(d.officer_mobile),
                region_path: r.region_path.clone(),
                via: d.region_name,
            });
        }
        for t in answering {
            let Some(mobile) = t
                .mobile
                .clone()
                .filter(|m| !m.trim().is_empty() && *m != r.mobile)
            else {
                continue;
            };
            if targets.iter().any(|x: &NewRecipient| x.mobile == mobile) {
                continue;
            }
            targets.push(NewRecipient {
                person_id: t.person_id,
                key_unit_id: None,
                enterprise_id: None,
                name: t.name.clone(),
                token_hash: hash(w.id, &mobile)?,
                mobile,
                // One role per reason: a person's roles are a list, and they are reached as
                // the village head.
                reasons: format!(
                    "escalation:{}@{}",
                    if t.source == "person" {
                        "village_head"
                    } else {
                        t.role.as_str()
                    },
                    t.via
                ),
                region_path: t.region_path.clone(),
                actions: RequiredAction::StandBy.as_str().into(),
                reply_code: crate::warnings::reply_code(),
                due_at: now + policy.answer_window(level),
                escalated_from: Some(r.id),
            });
        }
        wstore::insert_recipients(tx, w.id, &targets).await?;
        let mobiles: Vec<String> = targets.iter().map(|t| t.mobile.clone()).collect();
        let contacts = dstore::contacts_by_mobile(&mut *tx, w.id, &mobiles).await?;
        // One message per person told and deadline minute, naming everyone silent by then (a
        // village head is not sent one message per silent neighbour).
        let round = r.due_at.timestamp() / 60;
        for t in &targets {
            let Some(c) = contacts.iter().find(|c| c.mobile == t.mobile) else {
                continue;
            };
            let avail = available(cfg, c);
            let mut chans: Vec<Channel> = avail
                .iter()
                .copied()
                .filter(|ch| matches!(ch, Channel::Sms | Channel::Inbox))
                .collect();
            if chans.is_empty() {
                chans.push(Channel::Sms);
            }
            for ch in chans {
                out.push(NewDelivery {
                    key: format!(
                        "{}:{}:{}:escalation:{round}",
                        w.id,
                        c.recipient_id,
                        ch.as_str(),
                    ),
                    warning_id: w.id,
                    recipient_id: Some(c.recipient_id),
                    about_id: Some(r.id),
                    channel: ch.as_str().into(),
                    address: address_on(ch, c),
                    purpose: Purpose::Escalation.as_str().into(),
                });
            }
        }
        // The office's accounts of the area too, in their inbox (the duty officer may not have one).
        for u in jobs::users_for(tx, "emergency_office", Some(&w.region_path), None, None).await? {
            out.push(NewDelivery {
                key: format!("{}:user{u}:inbox:escalation:{round}", w.id),
                warning_id: w.id,
                recipient_id: None,
                about_id: Some(r.id),
                channel: Channel::Inbox.as_str().into(),
                address: u.to_string(),
                purpose: Purpose::Escalation.as_str().into(),
            });
        }
        // The repeat goes at once; the word to others a second later, so that it names everyone
        // of the same deadline who stayed silent.
        let (tell, repeat): (Vec<NewDelivery>, Vec<NewDelivery>) = out
            .into_iter()
            .partition(|d| d.purpose == Purpose::Escalation.as_str());
        dstore::queue(tx, &repeat, now).await?;
        dstore::queue(tx, &tell, now + Duration::seconds(1)).await?;
        let messages = tell.len() + repeat.len();
        audit::record(
            tx,
            &crate::system(),
            "escalate",
            "warning_recipient",
            r.id,
            None::<&()>,
            Some(&serde_json::json!({ "warning": w.id, "messages": messages })),
        )
        .await?;
        Ok(())
    }

    /// The live board of a warning: everyone reached, how, who answered, who is overdue, the
    /// escalations, and people moved against people under threat per place.
    pub async fn warning_board(&self, who: &Principal, id: i64) -> Result<Board> {
        let w = wstore::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_warning(&w.region_path) {
            return Err(Error::NotFound);
        }
        let now = Utc::now();
        let recipients = wstore::recipients(&self.store, id).await?;
        let deliveries = dstore::of_warning(&self.store, id).await?;
        let mut by_recipient: HashMap<i64, Vec<(String, String, Option<String>)>> = HashMap::new();
        let mut escalations = Vec::new();
        for d in &deliveries {
            if let Some(rid) = d.recipient_id {
                by_recipient.entry(rid).or_default().push((
                    d.channel.clone(),
                    d.status.clone(),
                    d.error.clone(),
                ));
            }
            if d.purpose == Purpose::Escalation.as_str() {
                escalations.push(d.clone());
            }
        }
        // The places of the board lie inside the warning's region (those brought in by an
        // escalation may sit above it and are named by their path).
        let names: HashMap<String, String> =
            safegrid_store::regions::within(&self.store, &w.region_path)
                .await?
                .into_iter()
                .map(|r| (r.path, r.name))
                .collect();
        let mut places: BTreeMap<String, PlaceCount> = BTreeMap::new();
        for (path, n) in wstore::threatened(&self.store, id).await? {
            let p = places.entry(path.clone()).or_default();
            p.threatened += n;
        }
        for r in &recipients {
            let p = places.entry(r.region_path.clone()).or_default();
            p.recipients += 1;
            if r.answered_at.is_some() {
                p.answered += 1;
            }
            p.evacuated += r.evacuated.unwrap_or(0);
        }
        for (path, p) in places.iter_mut() {
            p.path = path.clone();
            p.name = names.get(path).cloned().unwrap_or_else(|| path.clone());
        }
        let tally = crate::warnings::Tally::of(&recipients, now);
        let rows = recipients
            .into_iter()
            .map(|r| BoardRow {
                deliveries: by_recipient.remove(&r.id).unwrap_or_default(),
                required: delivery::split_actions(&r.actions),
                done: delivery::split_actions(r.actions_done.as_deref().unwrap_or("")),
                overdue: r.answered_at.is_none() && r.due_at <= now,
                recipient: r,
            })
            .collect();
        Ok(Board {
            mark: dstore::progress_mark(&self.store, id).await?,
            deliveries: dstore::counts(&self.store, id).await?,
            places: places.into_values().collect(),
            escalations,
            rows,
            tally,
            warning: w,
        })
    }

    /// A mark that changes whenever the board would (for the live page to poll cheaply).
    pub async fn warning_board_mark(&self, who: &Principal, id: i64) -> Result<String> {
        let w = wstore::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_warning(&w.region_path) {
            return Err(Error::NotFound);
        }
        Ok(dstore::progress_mark(&self.store, id).await?)
    }
}
