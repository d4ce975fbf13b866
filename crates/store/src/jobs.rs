//! The job table: work that must happen later (reminders, escalations), claimed with leases so
//! that several processes share it and a job whose process died is taken up again.
//!
//! A job's effect and its `done` mark are written in one transaction by the caller (see
//! [`finish`]), so a job takes effect exactly once even when it is claimed twice after a crash.

use crate::{Backend, Result, Store, Tx, on_read, on_tx};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub payload: String,
    pub run_at: DateTime<Utc>,
    pub status: String,
    pub attempts: i64,
}

/// Schedules a job unless one with the same key exists; returns whether it was added.
pub async fn schedule(
    tx: &mut Tx,
    kind: &str,
    key: &str,
    payload: &str,
    run_at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "INSERT INTO jobs (kind, key, payload, run_at, status, attempts, created_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5)
         ON CONFLICT (key) DO NOTHING")
        .bind(kind.to_string()).bind(key.to_string()).bind(payload.to_string()).bind(run_at).bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// Schedules many jobs of one kind in a few statements: `(key, payload, run_at)`, each skipped
/// when a job with its key exists. Returns how many were added.
pub async fn schedule_many(
    tx: &mut Tx,
    kind: &str,
    items: &[(String, String, DateTime<Utc>)],
) -> Result<u64> {
    use crate::Param::{Int, Text, Time};
    let now = Utc::now();
    let rows = items
        .iter()
        .map(|(key, payload, at)| {
            vec![
                Text(kind.to_string()),
                Text(key.clone()),
                Text(payload.clone()),
                Time(*at),
                Text("pending".into()),
                Int(0),
                Time(now),
            ]
        })
        .collect();
    crate::bulk::insert_then(
        tx,
        "jobs",
        &[
            "kind",
            "key",
            "payload",
            "run_at",
            "status",
            "attempts",
            "created_at",
        ],
        rows,
        "ON CONFLICT (key) DO NOTHING",
    )
    .await
}

/// The kind of the jobs that send a message; they have a lane of their own (see [`Lane`]).
pub const DELIVER: &str = "warning.deliver";

/// The kind of the jobs that read a feed of CAP alerts: one per feed, run again and again.
pub const POLL_FEED: &str = "cap.poll";

/// Which jobs a claim takes: the deliveries of messages, which the worker sends many at a time
/// over the network; the reads of feeds, which the worker fetches over the network; or every
/// other job, which the service runs one by one in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Deliveries,
    Feeds,
    Others,
}

/// The earliest time a pending job of the lane is due, if any (for the worker to sleep until).
pub async fn next_due(store: &Store, lane: Lane) -> Result<Option<DateTime<Utc>>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT MIN(run_at) FROM jobs WHERE status = 'pending' AND {}",
        lane_clause(lane)
    ));
    Ok(
        on_read!(store, c => sqlx::query_scalar::<_, Option<DateTime<Utc>>>(sql).fetch_one(c).await?),
    )
}

fn lane_clause(lane: Lane) -> String {
    match lane {
        Lane::Deliveries => format!("kind = '{DELIVER}'"),
        Lane::Feeds => format!("kind = '{POLL_FEED}'"),
        Lane::Others => format!("kind NOT IN ('{DELIVER}', '{POLL_FEED}')"),
    }
}

/// Claims up to `limit` jobs of a lane due at `now` for `worker`, with a lease of `lease`. Jobs
/// whose lease ran out (their worker died) are due again. On PostgreSQL `FOR UPDATE SKIP LOCKED`
/// lets concurrent workers claim disjoint jobs; SQLite has one writer.
pub async fn claim(
    store: &Store,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
    lane: Lane,
) -> Result<Vec<JobRow>> {
    let until = now + lease;
    let pick = format!(
        "SELECT id FROM jobs WHERE ((status = 'pending' AND run_at <= $3) OR (status = 'running' AND locked_until < $3))
                AND {} ORDER BY run_at LIMIT $4",
        lane_clause(lane)
    );
    let lock = match store.backend {
        Backend::Postgres(_) => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite { .. } => "",
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1
         WHERE id IN ({pick}{lock}) RETURNING id, kind, key, payload, run_at, status, attempts"
    ));
    let mut tx = store.begin().await?;
    let rows = on_tx!(&mut tx, c => sqlx::query_as::<_, JobRow>(sql)
        .bind(worker.to_string()).bind(until).bind(now).bind(limit).fetch_all(c).await?);
    tx.commit().await?;
    Ok(rows)
}

/// Extends the lease of the jobs a worker still holds (a batch being worked through), so they
/// stay its own while it lives; returns how many it still held.
pub async fn extend(store: &Store, worker: &str, ids: &[i64], until: DateTime<Utc>) -> Result<u64> {
    let mut n = 0;
    for chunk in ids.chunks(500) {
        let list = crate::id_list(chunk);
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET locked_until = $1 WHERE status = 'running' AND locked_by = $2 AND id IN ({list})"
        ));
        let mut tx = store.begin().await?;
        n += on_tx!(&mut tx, c => sqlx::query(sql).bind(until).bind(worker.to_string()).execute(c).await?.rows_affected());
        tx.commit().await?;
    }
    Ok(n)
}

/// Marks a claimed job done inside the transaction that made its effect; false when the job was
/// no longer this worker's (its lease ran out and another worker took it), in which case the
/// caller must roll back.
pub async fn finish(tx: &mut Tx, id: i64, worker: &str) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE jobs SET status = 'done', done_at = $1, locked_by = NULL, locked_until = NULL
         WHERE id = $2 AND status = 'running' AND locked_by = $3")
        .bind(Utc::now()).bind(id).bind(worker.to_string()).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// Marks many claimed jobs done (see [`finish`]); returns the ids that were still this worker's.
pub async fn finish_many(tx: &mut Tx, ids: &[i64], worker: &str) -> Result<Vec<i64>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let list = crate::id_list(chunk);
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE jobs SET status = 'done', done_at = $1, locked_by = NULL, locked_until = NULL
             WHERE id IN ({list}) AND status = 'running' AND locked_by = $2 RETURNING id"
        ));
        let got: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(sql).bind(Utc::now()).bind(worker.to_string()).fetch_all(c).await?);
        out.extend(got);
    }
    Ok(out)
}

/// Gives a claimed job back to be run again at `retry_at`, inside the transaction that recorded
/// the failed try; false when the job was no longer this worker's.
pub async fn release(
    tx: &mut Tx,
    id: i64,
    worker: &str,
    retry_at: DateTime<Utc>,
    error: &str,
) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE jobs SET status = 'pending', run_at = $1, last_error = $2, locked_by = NULL, locked_until = NULL
         WHERE id = $3 AND status = 'running' AND locked_by = $4")
        .bind(retry_at).bind(error.to_string()).bind(id).bind(worker.to_string()).execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// Finishes a run of a recurring job and sets its next one (inside the transaction of what the
/// run did): pending again at `next_at`, with the run's error or none. False when the job was no
/// longer this worker's.
pub async fn again(
    tx: &mut Tx,
    id: i64,
    worker: &str,
    next_at: DateTime<Utc>,
    error: Option<&str>,
) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE jobs SET status = 'pending', run_at = $1, last_error = $2, attempts = 0, done_at = $3,
            locked_by = NULL, locked_until = NULL
         WHERE id = $4 AND status = 'running' AND locked_by = $5")
        .bind(next_at).bind(error.map(str::to_string)).bind(Utc::now()).bind(id).bind(worker.to_string())
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// A job by its key (a recurring one's state: when it runs next, how its last run went).
pub async fn by_key(store: &Store, key: &str) -> Result<Option<JobState>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, JobState>(
        "SELECT id, key, payload, run_at, status, last_error, done_at FROM jobs WHERE key = $1")
        .bind(key.to_string()).fetch_optional(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct JobState {
    pub id: i64,
    pub key: String,
    pub payload: String,
    pub run_at: DateTime<Utc>,
    pub status: String,
    pub last_error: Option<String>,
    /// When it last ran to the end.
    pub done_at: Option<DateTime<Utc>>,
}

/// Gives a job back after a failure, to be tried again at `retry_at` (or given up after 10 tries).
pub async fn fail(store: &Store, id: i64, error: &str, retry_at: DateTime<Utc>) -> Result<()> {
    let mut tx = store.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE jobs SET status = CASE WHEN attempts >= 10 THEN 'failed' ELSE 'pending' END, run_at = $1, last_error = $2,
            locked_by = NULL, locked_until = NULL WHERE id = $3")
        .bind(retry_at).bind(error.to_string()).bind(id).execute(c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// Counts of jobs by status (for tests and the system page).
pub async fn counts(store: &Store) -> Result<Vec<(String, i64)>> {
    Ok(
        on_read!(store, c => sqlx::query_as("SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status").fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InboxRow {
    pub id: i64,
    pub user_id: i64,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Puts a message in a user's inbox, once per job and user.
pub async fn send(
    tx: &mut Tx,
    user_id: i64,
    title: &str,
    body: &str,
    link: Option<&str>,
    job_id: Option<i64>,
) -> Result<()> {
    // A job's message reaches a user once (the unique key on job and user); one of no job always.
    on_tx!(tx, c => sqlx::query("INSERT INTO inbox (user_id, title, body, link, job_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (job_id, user_id) DO NOTHING")
        .bind(user_id).bind(title.to_string()).bind(body.to_string()).bind(link.map(str::to_string)).bind(job_id).bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(())
}

pub async fn inbox(store: &Store, user_id: i64, limit: i64) -> Result<Vec<InboxRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, InboxRow>(
        "SELECT id, user_id, title, body, link, created_at, read_at FROM inbox WHERE user_id = $1 ORDER BY id DESC LIMIT $2")
        .bind(user_id).bind(limit).fetch_all(c).await?))
}

pub async fn unread(store: &Store, user_id: i64) -> Result<i64> {
    Ok(
        on_read!(store, c => sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id).fetch_one(c).await?),
    )
}

pub async fn mark_read(tx: &mut Tx, user_id: i64) -> Result<()> {
    on_tx!(tx, c => sqlx::query("UPDATE inbox SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(Utc::now()).bind(user_id).execute(c).await?.rows_affected());
    Ok(())
}

/// Users to notify: accounts of a role bound inside a region path, or of one enterprise.
pub async fn users_for(
    tx: &mut Tx,
    role: &str,
    region_path: Option<&str>,
    enterprise_id: Option<i64>,
    department_industry: Option<&str>,
) -> Result<Vec<i64>> {
    // Departments are matched by the industries they supervise (a prefix of the code).
    let sql = "SELECT DISTINCT u.id FROM users u
        LEFT JOIN regions r ON r.id = u.region_id
        LEFT JOIN departments d ON d.id = u.department_id
        LEFT JOIN regions dr ON dr.id = d.region_id
        WHERE u.disabled = FALSE AND u.role = $1
          AND ($2 IS NULL OR substr($2, 1, length(COALESCE(r.path, dr.path, '~'))) = COALESCE(r.path, dr.path, '~'))
          AND ($3 IS NULL OR u.enterprise_id = $3)
          AND ($4 IS NULL OR EXISTS (SELECT 1 FROM department_industries di WHERE di.department_id = u.department_id
               AND substr($4, 1, length(di.industry_code)) = di.industry_code))
        ORDER BY u.id";
    let sql = sqlx::AssertSqlSafe(match tx {
        Tx::Postgres(_) => sql
            .replace("$2 IS NULL", "CAST($2 AS TEXT) IS NULL")
            .replace("$3 IS NULL", "CAST($3 AS BIGINT) IS NULL")
            .replace("$4 IS NULL", "CAST($4 AS TEXT) IS NULL")
            .replace("substr($2", "substr(CAST($2 AS TEXT)")
            .replace("substr($4", "substr(CAST($4 AS TEXT)"),
        Tx::Sqlite(_) => sql.to_string(),
    });
    Ok(on_tx!(tx, c => sqlx::query_scalar(sql)
        .bind(role.to_string()).bind(region_path.map(str::to_string)).bind(enterprise_id).bind(department_industry.map(str::to_string))
        .fetch_all(c).await?))
}

/// The enabled accounts of the people in an enterprise's liaison group (一企一组): its leader and
/// its members, those who have an account.
pub async fn users_of_liaison_group(tx: &mut Tx, enterprise_id: i64) -> Result<Vec<i64>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT DISTINCT u.id FROM users u
         WHERE u.disabled = FALSE AND u.person_id IN (
            SELECT g.leader_id FROM liaison_groups g WHERE g.enterprise_id = $1
            UNION
            SELECT lm.person_id FROM liaison_members lm JOIN liaison_groups g ON g.id = lm.group_id
            WHERE g.enterprise_id = $1)
         ORDER BY u.id")
        .bind(enterprise_id).fetch_all(c).await?))
}
