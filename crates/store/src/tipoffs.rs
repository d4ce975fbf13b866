//! Tip-offs from the public, their handling and rewards.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A tip-off as staff see it. The reporter's name and phone are not here: they are read
/// through [`reporter`] only, which the service audits.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct TipOffRow {
    pub id: i64,
    pub code: String,
    pub region_id: Option<i64>,
    pub region_name: Option<String>,
    pub region_path: String,
    pub place: String,
    pub text: String,
    pub subject: Option<String>,
    /// Whether the reporter left a name or a phone.
    pub named: bool,
    pub status: String,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    pub hazard_id: Option<i64>,
    pub case_id: Option<i64>,
    pub reply: Option<String>,
    pub note: Option<String>,
    pub reward_fen: Option<i64>,
    pub reward_decided_on: Option<String>,
    pub reward_paid_on: Option<String>,
    pub reward_voucher: Option<String>,
    pub received_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT t.id, t.code, t.region_id, r.name AS region_name, t.region_path, t.place,
    t.text, t.subject, (t.reporter_name IS NOT NULL OR t.reporter_phone IS NOT NULL) AS named, t.status,
    t.department_id, d.name AS department_name, t.enterprise_id, e.name AS enterprise_name, t.hazard_id,
    t.case_id, t.reply, t.note, t.reward_fen, t.reward_decided_on, t.reward_paid_on, t.reward_voucher,
    t.received_at, t.updated_at
    FROM tip_offs t LEFT JOIN regions r ON r.id = t.region_id
    LEFT JOIN departments d ON d.id = t.department_id LEFT JOIN enterprises e ON e.id = t.enterprise_id";

/// A tip-off as it arrives.
pub struct NewTipOff<'a> {
    pub code: &'a str,
    pub region_id: Option<i64>,
    pub region_path: &'a str,
    pub draft: &'a safegrid_domain::tipoff::TipOffDraft,
    pub address_hash: &'a str,
}

pub async fn insert(tx: &mut Tx, t: &NewTipOff<'_>) -> Result<i64> {
    let now = Utc::now();
    let d = t.draft;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO tip_offs (code, region_id, region_path, place, text, subject, reporter_name, reporter_phone,
            address_hash, status, received_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'received', $10, $10) RETURNING id")
        .bind(t.code.to_string()).bind(t.region_id).bind(t.region_path.to_string()).bind(d.place.clone())
        .bind(d.text.clone()).bind(d.subject.clone()).bind(d.reporter_name.clone())
        .bind(d.reporter_phone.clone()).bind(t.address_hash.to_string()).bind(now)
        .fetch_one(c).await?))
}

/// How many tip-offs came from one address since a moment.
pub async fn count_from(tx: &mut Tx, address_hash: &str, since: DateTime<Utc>) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM tip_offs WHERE address_hash = $1 AND received_at >= $2")
        .bind(address_hash.to_string()).bind(since).fetch_one(c).await?))
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<TipOffRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE t.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, TipOffRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

pub async fn by_code(store: &Store, code: &str) -> Result<Option<TipOffRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE t.code = $1"));
    Ok(on_read!(store, c => sqlx::query_as::<_, TipOffRow>(sql)
        .bind(code.to_string()).fetch_optional(c).await?))
}

/// The tip-offs inside a region (or given to one department), newest first.
pub async fn within(
    store: &Store,
    path: &str,
    department_id: Option<i64>,
) -> Result<Vec<TipOffRow>> {
    let sql = store.optional_id(
        format!(
        "{SELECT} WHERE t.region_path >= $1 AND t.region_path < $2 AND ($3 IS NULL OR t.department_id = $3)
         ORDER BY t.received_at DESC, t.id DESC"
        ),
        3,
    );
    Ok(on_read!(store, c => sqlx::query_as::<_, TipOffRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(department_id).fetch_all(c).await?))
}

/// The reporter's name and phone.
pub async fn reporter(tx: &mut Tx, id: i64) -> Result<(Option<String>, Option<String>)> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT reporter_name, reporter_phone FROM tip_offs WHERE id = $1")
        .bind(id).fetch_one(c).await?))
}

/// Writes the handled fields, when the tip-off still stands where it was read (`status`).
pub async fn handle(tx: &mut Tx, id: i64, status: &str, t: &TipOffRow) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE tip_offs SET status = $1, department_id = $2, enterprise_id = $3, hazard_id = $4, case_id = $5,
            reply = $6, note = $7, updated_at = $8
         WHERE id = $9 AND status = $10")
        .bind(t.status.clone()).bind(t.department_id).bind(t.enterprise_id).bind(t.hazard_id).bind(t.case_id)
        .bind(t.reply.clone()).bind(t.note.clone()).bind(Utc::now()).bind(id).bind(status.to_string())
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// Records the reward decided, once.
pub async fn decide_reward(tx: &mut Tx, id: i64, fen: i64, on: chrono::NaiveDate) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE tip_offs SET reward_fen = $1, reward_decided_on = $2, updated_at = $3
         WHERE id = $4 AND reward_fen IS NULL AND status = 'substantiated'")
        .bind(fen).bind(on.to_string()).bind(Utc::now()).bind(id).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// Records the reward's payment, once.
pub async fn pay_reward(
    tx: &mut Tx,
    id: i64,
    on: chrono::NaiveDate,
    voucher: &str,
) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE tip_offs SET reward_paid_on = $1, reward_voucher = $2, updated_at = $3
         WHERE id = $4 AND reward_fen IS NOT NULL AND reward_paid_on IS NULL")
        .bind(on.to_string()).bind(voucher.to_string()).bind(Utc::now()).bind(id)
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}
