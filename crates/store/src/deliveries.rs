//! Deliveries of warnings and the SMS replies that come back. A delivery is queued together with
//! the job that sends it (same key), in the transaction that issued or escalated the warning.

use crate::{Param, Result, Src, Tx, jobs, on_src, on_tx};
use chrono::{DateTime, Utc};
use safegrid_domain::delivery::DeliveryStatus;
use serde::Serialize;

/// A delivery to queue.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    pub key: String,
    pub warning_id: i64,
    pub recipient_id: Option<i64>,
    pub about_id: Option<i64>,
    pub channel: String,
    pub address: String,
    pub purpose: String,
}

/// Queues deliveries and their send jobs, many per statement; a key already queued is skipped.
/// Returns how many were queued.
pub async fn queue(tx: &mut Tx, ds: &[NewDelivery], run_at: DateTime<Utc>) -> Result<u64> {
    use Param::{Int, OptInt, Text, Time};
    let now = Utc::now();
    let rows = ds
        .iter()
        .map(|d| {
            vec![
                Text(d.key.clone()),
                Int(d.warning_id),
                OptInt(d.recipient_id),
                OptInt(d.about_id),
                Text(d.channel.clone()),
                Text(d.address.clone()),
                Text(d.purpose.clone()),
                Text("queued".into()),
                Int(0),
                Time(now),
            ]
        })
        .collect();
    let n = crate::bulk::insert_then(
        tx,
        "deliveries",
        &[
            "key",
            "warning_id",
            "recipient_id",
            "about_id",
            "channel",
            "address",
            "purpose",
            "status",
            "attempts",
            "queued_at",
        ],
        rows,
        "ON CONFLICT (key) DO NOTHING",
    )
    .await?;
    let items: Vec<(String, String, DateTime<Utc>)> = ds
        .iter()
        .map(|d| (d.key.clone(), d.key.clone(), run_at))
        .collect();
    jobs::schedule_many(tx, jobs::DELIVER, &items).await?;
    Ok(n)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: i64,
    pub key: String,
    pub warning_id: i64,
    pub recipient_id: Option<i64>,
    pub about_id: Option<i64>,
    pub channel: String,
    pub address: String,
    pub purpose: String,
    pub status: String,
    pub attempts: i64,
    pub error: Option<String>,
    pub external_id: Option<String>,
    pub queued_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
}

const SELECT: &str =
    "SELECT id, key, warning_id, recipient_id, about_id, channel, address, purpose, status,
    attempts, error, external_id, queued_at, sent_at, delivered_at, failed_at FROM deliveries";

/// Deliveries by their keys (a claimed batch), in one statement.
pub async fn by_keys(src: impl Into<Src<'_>>, keys: &[String]) -> Result<Vec<DeliveryRow>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE key IN ({})", marks.join(", ")));
    let params: Vec<Param> = keys.iter().map(|k| Param::Text(k.clone())).collect();
    Ok(
        on_src!(src.into(), c => crate::bind_params!(sqlx::query_as::<_, DeliveryRow>(sql), &params).fetch_all(c).await?),
    )
}

/// What became of one try, for [`record_many`].
#[derive(Debug, Clone)]
pub struct Tried {
    pub id: i64,
    pub status: DeliveryStatus,
    pub error: Option<String>,
    pub external_id: Option<String>,
}

/// Records many tries in a few statements (one per status): the new status, each one's error and
/// channel id, one more attempt each.
pub async fn record_many(tx: &mut Tx, tried: &[Tried], at: DateTime<Utc>) -> Result<()> {
    for status in DeliveryStatus::ALL.iter().copied() {
        let group: Vec<&Tried> = tried.iter().filter(|t| t.status == status).collect();
        for chunk in group.chunks(400) {
            let mut params = vec![Param::Text(status.as_str().into()), Param::Time(at)];
            let mut err = String::from("CASE id");
            let mut ext = String::from("CASE id");
            for t in chunk {
                params.push(Param::Int(t.id));
                let id_at = params.len();
                params.push(Param::OptText(t.error.clone()));
                err.push_str(&format!(" WHEN ${id_at} THEN ${}", params.len()));
                params.push(Param::OptText(t.external_id.clone()));
                ext.push_str(&format!(
                    " WHEN ${id_at} THEN COALESCE(${}, external_id)",
                    params.len()
                ));
            }
            err.push_str(" END");
            ext.push_str(" ELSE external_id END");
            let ids = chunk
                .iter()
                .map(|t| t.id.to_string())
                .collect::<Vec<_>>()
                .join(",");
            // The time of this try goes to the column of its status.
            let (sent, delivered, failed) = match status {
                DeliveryStatus::Sent => ("$2", "delivered_at", "failed_at"),
                DeliveryStatus::Delivered => ("$2", "$2", "failed_at"),
                DeliveryStatus::Failed => ("sent_at", "delivered_at", "$2"),
                DeliveryStatus::Queued => ("sent_at", "delivered_at", "failed_at"),
            };
            let sql = sqlx::AssertSqlSafe(format!(
                "UPDATE deliveries SET status = $1, error = {err}, external_id = {ext}, attempts = attempts + 1,
                    sent_at = COALESCE(sent_at, {sent}), delivered_at = COALESCE(delivered_at, {delivered}),
                    failed_at = COALESCE(failed_at, {failed}) WHERE id IN ({ids})"
            ));
            on_tx!(tx, c => crate::bind_params!(sqlx::query(sql), &params).execute(c).await?.rows_affected());
        }
    }
    Ok(())
}

pub async fn of_warning(src: impl Into<Src<'_>>, warning_id: i64) -> Result<Vec<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE warning_id = $1 ORDER BY id"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, DeliveryRow>(sql).bind(warning_id).fetch_all(c).await?),
    )
}

pub async fn of_recipient(src: impl Into<Src<'_>>, recipient_id: i64) -> Result<Vec<DeliveryRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE recipient_id = $1 ORDER BY id"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, DeliveryRow>(sql).bind(recipient_id).fetch_all(c).await?),
    )
}

/// Tries made so far.
pub async fn attempts(src: impl Into<Src<'_>>, id: i64) -> Result<i64> {
    Ok(
        on_src!(src.into(), c => sqlx::query_scalar("SELECT attempts FROM deliveries WHERE id = $1").bind(id).fetch_one(c).await?),
    )
}

/// Counts of a warning's deliveries by channel and status.
pub async fn counts(
    src: impl Into<Src<'_>>,
    warning_id: i64,
) -> Result<Vec<(String, String, i64)>> {
    Ok(on_src!(src.into(), c => sqlx::query_as(
        "SELECT channel, status, COUNT(*) FROM deliveries WHERE warning_id = $1 GROUP BY channel, status ORDER BY channel, status")
        .bind(warning_id).fetch_all(c).await?))
}

/// A channel's report on a message it accepted earlier (an SMS gateway's receipt), found by the
/// delivery's id; false when there is no such delivery on that channel.
pub async fn report(
    tx: &mut Tx,
    channel: &str,
    id: i64,
    delivered: bool,
    error: Option<&str>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = if delivered {
        on_tx!(tx, c => sqlx::query(
            "UPDATE deliveries SET status = 'delivered', delivered_at = $1 WHERE id = $2 AND channel = $3")
            .bind(at).bind(id).bind(channel.to_string()).execute(c).await?.rows_affected())
    } else {
        on_tx!(tx, c => sqlx::query(
            "UPDATE deliveries SET status = 'failed', failed_at = $1, error = $2 WHERE id = $3 AND channel = $4")
            .bind(at).bind(error.map(str::to_string)).bind(id).bind(channel.to_string()).execute(c).await?.rows_affected())
    };
    Ok(n == 1)
}

/// How to reach each recipient of a warning besides their mobile: the e-mail of their person and
/// the account linked to that person.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Contact {
    pub recipient_id: i64,
    pub mobile: String,
    pub region_path: String,
    pub email: Option<String>,
    pub user_id: Option<i64>,
}

const CONTACT: &str = "SELECT r.id AS recipient_id, r.mobile, r.region_path, p.email,
        (SELECT MIN(u.id) FROM users u WHERE u.person_id = r.person_id AND u.disabled = FALSE) AS user_id
     FROM warning_recipients r LEFT JOIN people p ON p.id = r.person_id";

pub async fn contacts(src: impl Into<Src<'_>>, warning_id: i64) -> Result<Vec<Contact>> {
    let sql = sqlx::AssertSqlSafe(format!("{CONTACT} WHERE r.warning_id = $1 ORDER BY r.id"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, Contact>(sql).bind(warning_id).fetch_all(c).await?),
    )
}

/// The contacts of some of a warning's recipients, by number.
pub async fn contacts_by_mobile(
    src: impl Into<Src<'_>>,
    warning_id: i64,
    mobiles: &[String],
) -> Result<Vec<Contact>> {
    if mobiles.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..mobiles.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = sqlx::AssertSqlSafe(format!(
        "{CONTACT} WHERE r.warning_id = $1 AND r.mobile IN ({}) ORDER BY r.id",
        marks.join(", ")
    ));
    let mut params = vec![Param::Int(warning_id)];
    params.extend(mobiles.iter().map(|m| Param::Text(m.clone())));
    Ok(
        on_src!(src.into(), c => crate::bind_params!(sqlx::query_as::<_, Contact>(sql), &params).fetch_all(c).await?),
    )
}

/// Records an SMS reply as it came, with what became of it.
pub async fn record_reply(
    tx: &mut Tx,
    channel: &str,
    sender: &str,
    body: &str,
    recipient_id: Option<i64>,
    outcome: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO inbound_replies (channel, sender, body, received_at, recipient_id, outcome) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(channel.to_string()).bind(sender.to_string()).bind(body.to_string()).bind(at).bind(recipient_id)
        .bind(outcome.to_string()).execute(c).await?.rows_affected());
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReplyRow {
    pub id: i64,
    pub channel: String,
    pub sender: String,
    pub body: String,
    pub received_at: DateTime<Utc>,
    pub recipient_id: Option<i64>,
    pub outcome: String,
}

/// The latest replies that matched no one, for the office to look at.
pub async fn unmatched_replies(src: impl Into<Src<'_>>, limit: i64) -> Result<Vec<ReplyRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, ReplyRow>(
        "SELECT id, channel, sender, body, received_at, recipient_id, outcome FROM inbound_replies
         WHERE recipient_id IS NULL ORDER BY id DESC LIMIT $1")
        .bind(limit).fetch_all(c).await?))
}

/// A cheap mark of how far a warning's answers and deliveries have come: it changes whenever
/// either does (for the live board to know when to redraw).
pub async fn progress_mark(src: impl Into<Src<'_>>, warning_id: i64) -> Result<String> {
    let (a, b, c2, d): (i64, i64, i64, i64) = on_src!(src.into(), c => sqlx::query_as(
        "SELECT
            (SELECT COUNT(*) FROM warning_recipients WHERE warning_id = $1),
            (SELECT CAST(COUNT(answered_at) + COALESCE(SUM(COALESCE(evacuated, 0)), 0) + COUNT(escalated_at)
                  + COALESCE(SUM(LENGTH(COALESCE(actions_done, ''))), 0) AS BIGINT)
               FROM warning_recipients WHERE warning_id = $1),
            (SELECT COUNT(*) FROM deliveries WHERE warning_id = $1 AND status <> 'queued'),
            (SELECT COUNT(*) FROM deliveries WHERE warning_id = $1 AND status = 'delivered')")
        .bind(warning_id).fetch_one(c).await?);
    Ok(format!("{a}.{b}.{c2}.{d}"))
}
