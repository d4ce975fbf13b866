//! Readings: appended in batches, never row by row (multi-row VALUES on SQLite, UNNEST arrays on
//! PostgreSQL), with the latest value per sensor and metric and rollups per 10 minutes and per
//! hour kept in the same transaction. Also the log of refused readings and the daily counts.

use crate::{Result, Store, Tx, on_read, on_tx};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::AssertSqlSafe;
use std::collections::HashSet;

/// One reading as stored.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, sqlx::FromRow)]
pub struct Row {
    pub ts: i64,
    pub sensor_id: i64,
    pub metric: i16,
    pub value: f64,
}

/// The key that makes a reading unique.
pub type Key = (i64, i64, i16);

/// Rows per statement on SQLite: 4 parameters each, well under SQLite's 32766.
const SQLITE_CHUNK: usize = 2000;

/// Which of `keys` are stored already (read inside the batch's transaction).
pub async fn existing(tx: &mut Tx, keys: &[Key]) -> Result<HashSet<Key>> {
    let mut found = HashSet::new();
    for chunk in keys.chunks(1000) {
        let sql = AssertSqlSafe(format!(
            "SELECT ts, sensor_id, metric FROM readings WHERE (ts, sensor_id, metric) IN (VALUES {})",
            crate::values_list(tx.numbered(), chunk.len(), 3)
        ));
        let rows: Vec<Key> = on_tx!(tx, c => {
            let mut q = sqlx::query_as::<_, Key>(sql);
            for k in chunk {
                q = q.bind(k.0).bind(k.1).bind(k.2);
            }
            q.fetch_all(c).await?
        });
        found.extend(rows);
    }
    Ok(found)
}

/// Appends readings, skipping any already stored; returns how many were new.
pub async fn append(tx: &mut Tx, rows: &[Row]) -> Result<u64> {
    let mut n = 0;
    match tx {
        Tx::Sqlite(t) => {
            for chunk in rows.chunks(SQLITE_CHUNK) {
                let sql = AssertSqlSafe(format!(
                    "INSERT INTO readings (ts, sensor_id, metric, value) VALUES {} ON CONFLICT DO NOTHING",
                    crate::values_list(false, chunk.len(), 4)
                ));
                let mut q = sqlx::query(sql);
                for r in chunk {
                    q = q.bind(r.ts).bind(r.sensor_id).bind(r.metric).bind(r.value);
                }
                n += q.execute(&mut **t).await?.rows_affected();
            }
        }
        Tx::Postgres(t) => {
            // One statement however many rows: four arrays, unnested by the server.
            for chunk in rows.chunks(50_000) {
                n += sqlx::query(
                    "INSERT INTO readings (ts, sensor_id, metric, value)
                     SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::smallint[], $4::float8[]) ON CONFLICT DO NOTHING",
                )
                .bind(chunk.iter().map(|r| r.ts).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.sensor_id).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.metric).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.value).collect::<Vec<_>>())
                .execute(&mut **t)
                .await?
                .rows_affected();
            }
        }
    }
    Ok(n)
}

/// Sets the latest value of each (sensor, metric) in `rows` (one row each) unless a newer one is
/// stored.
pub async fn upsert_latest(tx: &mut Tx, rows: &[Row]) -> Result<()> {
    const TAIL: &str =
        " ON CONFLICT (sensor_id, metric) DO UPDATE SET ts = excluded.ts, value = excluded.value
        WHERE excluded.ts > reading_latest.ts";
    match tx {
        Tx::Sqlite(t) => {
            for chunk in rows.chunks(SQLITE_CHUNK) {
                let sql = AssertSqlSafe(format!(
                    "INSERT INTO reading_latest (ts, sensor_id, metric, value) VALUES {}{TAIL}",
                    crate::values_list(false, chunk.len(), 4)
                ));
                let mut q = sqlx::query(sql);
                for r in chunk {
                    q = q.bind(r.ts).bind(r.sensor_id).bind(r.metric).bind(r.value);
                }
                q.execute(&mut **t).await?;
            }
        }
        Tx::Postgres(t) => {
            let sql = AssertSqlSafe(format!(
                "INSERT INTO reading_latest (ts, sensor_id, metric, value)
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::smallint[], $4::float8[]){TAIL}"
            ));
            sqlx::query(sql)
                .bind(rows.iter().map(|r| r.ts).collect::<Vec<_>>())
                .bind(rows.iter().map(|r| r.sensor_id).collect::<Vec<_>>())
                .bind(rows.iter().map(|r| r.metric).collect::<Vec<_>>())
                .bind(rows.iter().map(|r| r.value).collect::<Vec<_>>())
                .execute(&mut **t)
                .await?;
        }
    }
    Ok(())
}

/// A bucket of readings of one sensor's metric: count, sum, extremes and the last value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, sqlx::FromRow)]
pub struct Rollup {
    pub sensor_id: i64,
    pub metric: i16,
    /// Bucket length in seconds.
    pub span: i64,
    /// Bucket start, ms since the epoch.
    pub bucket: i64,
    pub n: i64,
    pub total: f64,
    pub min_value: f64,
    pub max_value: f64,
    pub last_ts: i64,
    pub last_value: f64,
}

impl Rollup {
    /// Folds one reading into the bucket.
    pub fn add(&mut self, ts: i64, value: f64) {
        self.n += 1;
        self.total += value;
        self.min_value = self.min_value.min(value);
        self.max_value = self.max_value.max(value);
        if ts >= self.last_ts {
            self.last_ts = ts;
            self.last_value = value;
        }
    }
}

/// Merges partial buckets (one per key in `rows`) into the stored ones.
pub async fn upsert_rollups(tx: &mut Tx, rows: &[Rollup]) -> Result<()> {
    match tx {
        Tx::Sqlite(t) => {
            for chunk in rows.chunks(1000) {
                let sql = AssertSqlSafe(format!(
                    "INSERT INTO reading_rollups (sensor_id, metric, span, bucket, n, total, min_value, max_value, last_ts, last_value)
                     VALUES {} ON CONFLICT (sensor_id, metric, span, bucket) DO UPDATE SET
                       n = reading_rollups.n + excluded.n, total = reading_rollups.total + excluded.total,
                       min_value = MIN(reading_rollups.min_value, excluded.min_value),
                       max_value = MAX(reading_rollups.max_value, excluded.max_value),
                       last_value = CASE WHEN excluded.last_ts >= reading_rollups.last_ts THEN excluded.last_value ELSE reading_rollups.last_value END,
                       last_ts = MAX(reading_rollups.last_ts, excluded.last_ts)",
                    crate::values_list(false, chunk.len(), 10)
                ));
                let mut q = sqlx::query(sql);
                for r in chunk {
                    q = q
                        .bind(r.sensor_id)
                        .bind(r.metric)
                        .bind(r.span)
                        .bind(r.bucket)
                        .bind(r.n)
                        .bind(r.total)
                        .bind(r.min_value)
                        .bind(r.max_value)
                        .bind(r.last_ts)
                        .bind(r.last_value);
                }
                q.execute(&mut **t).await?;
            }
        }
        Tx::Postgres(t) => {
            let col = |f: fn(&Rollup) -> i64| rows.iter().map(f).collect::<Vec<i64>>();
            let colf = |f: fn(&Rollup) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
            sqlx::query(
                "INSERT INTO reading_rollups (sensor_id, metric, span, bucket, n, total, min_value, max_value, last_ts, last_value)
                 SELECT * FROM UNNEST($1::bigint[], $2::smallint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::float8[],
                    $7::float8[], $8::float8[], $9::bigint[], $10::float8[])
                 ON CONFLICT (sensor_id, metric, span, bucket) DO UPDATE SET
                   n = reading_rollups.n + excluded.n, total = reading_rollups.total + excluded.total,
                   min_value = LEAST(reading_rollups.min_value, excluded.min_value),
                   max_value = GREATEST(reading_rollups.max_value, excluded.max_value),
                   last_value = CASE WHEN excluded.last_ts >= reading_rollups.last_ts THEN excluded.last_value ELSE reading_rollups.last_value END,
                   last_ts = GREATEST(reading_rollups.last_ts, excluded.last_ts)",
            )
            .bind(col(|r| r.sensor_id))
            .bind(rows.iter().map(|r| r.metric).collect::<Vec<i16>>())
            .bind(col(|r| r.span))
            .bind(col(|r| r.bucket))
            .bind(col(|r| r.n))
            .bind(colf(|r| r.total))
            .bind(colf(|r| r.min_value))
            .bind(colf(|r| r.max_value))
            .bind(col(|r| r.last_ts))
            .bind(colf(|r| r.last_value))
            .execute(&mut **t)
            .await?;
        }
    }
    Ok(())
}

/// A chart point: the 10-minute buckets in one `span_ms` added up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, sqlx::FromRow)]
pub struct Point {
    pub t: i64,
    pub n: i64,
    pub total: f64,
    pub min_value: f64,
    pub max_value: f64,
}

/// One sensor's metric from `from` to `to` in points of `span_ms`, added up by the database from
/// the 10-minute rollups (a 30-day chart returns 720 rows, not 4,320).
pub async fn points(
    store: &Store,
    sensor_id: i64,
    metric: i16,
    from: i64,
    to: i64,
    span_ms: i64,
) -> Result<Vec<Point>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, Point>(
        "SELECT (bucket / $5) * $5 AS t, CAST(SUM(n) AS BIGINT) AS n, SUM(total) AS total, MIN(min_value) AS min_value, MAX(max_value) AS max_value
         FROM reading_rollups WHERE sensor_id = $1 AND metric = $2 AND span = 600 AND bucket >= $3 AND bucket < $4
         GROUP BY (bucket / $5) ORDER BY 1")
        .bind(sensor_id).bind(metric).bind(from).bind(to).bind(span_ms).fetch_all(c).await?))
}

/// Every latest value (to seed the ingestion's cache on start).
pub async fn latest_all(store: &Store) -> Result<Vec<Row>> {
    Ok(
        on_read!(store, c => sqlx::query_as::<_, Row>("SELECT ts, sensor_id, metric, value FROM reading_latest").fetch_all(c).await?),
    )
}

/// Latest values of an object's sensors.
pub async fn latest_of_object(store: &Store, object_id: i64) -> Result<Vec<Row>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, Row>(
        "SELECT l.ts, l.sensor_id, l.metric, l.value FROM reading_latest l JOIN sensors s ON s.id = l.sensor_id
         WHERE s.object_id = $1 ORDER BY s.code, l.metric").bind(object_id).fetch_all(c).await?))
}

/// Buckets of one sensor's metric from `from` (inclusive) to `to` (exclusive), oldest first.
pub async fn rollups(
    store: &Store,
    sensor_id: i64,
    metric: i16,
    span: i64,
    from: i64,
    to: i64,
) -> Result<Vec<Rollup>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, Rollup>(
        "SELECT sensor_id, metric, span, bucket, n, total, min_value, max_value, last_ts, last_value FROM reading_rollups
         WHERE sensor_id = $1 AND metric = $2 AND span = $3 AND bucket >= $4 AND bucket < $5 ORDER BY bucket")
        .bind(sensor_id).bind(metric).bind(span).bind(from).bind(to).fetch_all(c).await?))
}

/// Readings from `since` on, in time order (for rebuilding the alarm engine's windows; reads the
/// time-ordered key, so it costs what that span holds).
pub async fn since(store: &Store, since: i64) -> Result<Vec<Row>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, Row>(
        "SELECT ts, sensor_id, metric, value FROM readings WHERE ts >= $1 ORDER BY ts, sensor_id, metric")
        .bind(since).fetch_all(c).await?))
}

/// Readings of one sensor's metric in a span, oldest first (tests and exports; scans the span).
pub async fn raw(
    store: &Store,
    sensor_id: i64,
    metric: i16,
    from: i64,
    to: i64,
) -> Result<Vec<Row>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, Row>(
        "SELECT ts, sensor_id, metric, value FROM readings WHERE ts >= $1 AND ts < $2 AND sensor_id = $3 AND metric = $4 ORDER BY ts")
        .bind(from).bind(to).bind(sensor_id).bind(metric).fetch_all(c).await?))
}

pub async fn count(store: &Store) -> Result<i64> {
    Ok(
        on_read!(store, c => sqlx::query_scalar("SELECT COUNT(*) FROM readings").fetch_one(c).await?),
    )
}

/// A refused reading as logged.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct RejectRow {
    pub at: DateTime<Utc>,
    pub source: String,
    pub gateway_id: Option<i64>,
    /// Which item of the request or message: `readings[3]`, `line 7`, a topic.
    pub item: String,
    pub sensor_code: Option<String>,
    pub reason: String,
    pub detail: Option<String>,
}

pub async fn insert_rejects(tx: &mut Tx, rows: &[RejectRow]) -> Result<()> {
    for r in rows {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO ingest_rejects (at, source, gateway_id, item, sensor_code, reason, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(r.at).bind(r.source.clone()).bind(r.gateway_id).bind(r.item.clone()).bind(r.sensor_code.clone())
            .bind(r.reason.clone()).bind(r.detail.clone()).execute(c).await?.rows_affected());
    }
    Ok(())
}

/// Adds to the day's counts per source and outcome.
pub async fn add_counts(tx: &mut Tx, day: &str, counts: &[(String, String, i64)]) -> Result<()> {
    for (source, reason, n) in counts {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO ingest_counts (day, source, reason, n) VALUES ($1, $2, $3, $4)
             ON CONFLICT (day, source, reason) DO UPDATE SET n = ingest_counts.n + excluded.n")
            .bind(day.to_string()).bind(source.clone()).bind(reason.clone()).bind(*n).execute(c).await?.rows_affected());
    }
    Ok(())
}

pub async fn recent_rejects(store: &Store, limit: i64) -> Result<Vec<RejectRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, RejectRow>(
        "SELECT at, source, gateway_id, item, sensor_code, reason, detail FROM ingest_rejects ORDER BY id DESC LIMIT $1")
        .bind(limit).fetch_all(c).await?))
}

/// Counts by day, source and outcome, newest day first.
pub async fn counts(store: &Store, days: i64) -> Result<Vec<(String, String, String, i64)>> {
    Ok(
        on_read!(store, c => sqlx::query_as::<_, (String, String, String, i64)>(
        "SELECT day, source, reason, n FROM ingest_counts WHERE day >= $1 ORDER BY day DESC, source, reason")
        .bind((Utc::now() - chrono::Duration::days(days)).format("%Y-%m-%d").to_string()).fetch_all(c).await?),
    )
}
