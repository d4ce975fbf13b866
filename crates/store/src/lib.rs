//! Every SQL statement of safegrid, for SQLite and PostgreSQL.
//!
//! One method per use case rather than a generic repository. A method's SQL is written once where
//! the dialects agree (`$1` placeholders work on both) and the body is compiled once per backend by
//! the [`on_tx!`] and [`on_read!`] macros, so each backend gets its native driver and types; where
//! dialects differ the method matches on the backend itself.
//!
//! SQLite keeps one writer connection and a pool of readers (WAL): writes queue in the process
//! instead of failing with "database is locked", and reads never wait for writes.

pub mod audit;
pub mod bulk;
pub mod campaigns;
pub mod coverage;
pub mod deliveries;
pub mod disaster;
pub mod duty;
pub mod enforcement;
pub mod enterprises;
pub mod files;
pub mod hazards;
pub mod incidents;
pub mod inspections;
pub mod jobs;
pub mod migrate;
pub mod monitoring;
pub mod organisations;
pub mod patrols;
pub mod people;
pub mod plans;
pub mod posts;
pub mod projects;
pub mod ratings;
pub mod readings;
pub mod regions;
pub mod risks;
pub mod stock;
pub mod targets;
pub mod teams;
pub mod testing;
pub mod tipoffs;
pub mod training;
pub mod users;
pub mod warnings;
pub mod workplans;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// The database safegrid runs on.
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// An open write transaction. Dropping it without [`Tx::commit`] rolls everything back, so a use
/// case that fails half-way changes nothing.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the row (recognised by error kind, not by constraint name).
    #[error("duplicate")]
    Duplicate,
    /// A foreign key refused the row: it points at something that does not exist or is in use.
    #[error("reference")]
    Reference,
    #[error("not found")]
    NotFound,
    #[error("database: {0}")]
    Db(sqlx::Error),
    #[error("migration {version}: {source}")]
    Migration { version: i64, source: sqlx::Error },
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Duplicate,
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::Reference,
            _ => StoreError::Db(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Runs `$body` with `$c` bound to the transaction's connection, compiled once per backend.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Runs `$body` with `$c` bound to a read pool, compiled once per backend.
#[macro_export]
macro_rules! on_read {
    ($store:expr, $c:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite { read, .. } => {
                let $c = read;
                $body
            }
            $crate::Backend::Postgres(p) => {
                let $c = p;
                $body
            }
        }
    };
}

/// Where a read runs: on the read pool, or inside a write transaction when a use case must see
/// its own uncommitted changes (or lock what it read).
pub enum Src<'a> {
    Store(&'a Store),
    Tx(&'a mut Tx),
}

impl Src<'_> {
    /// The same place to read from, for one more read (a use case reading twice from a `Src`).
    pub fn reborrow(&mut self) -> Src<'_> {
        match self {
            Src::Store(s) => Src::Store(s),
            Src::Tx(t) => Src::Tx(t),
        }
    }
}

impl<'a> From<&'a Store> for Src<'a> {
    fn from(s: &'a Store) -> Self {
        Src::Store(s)
    }
}

impl<'a> From<&'a mut Tx> for Src<'a> {
    fn from(t: &'a mut Tx) -> Self {
        Src::Tx(t)
    }
}

/// Runs `$body` with `$c` bound to wherever a [`Src`] reads, compiled once per backend and kind.
#[macro_export]
macro_rules! on_src {
    ($src:expr, $c:ident => $body:expr) => {
        match $src {
            $crate::Src::Store(s) => $crate::on_read!(s, $c => $body),
            $crate::Src::Tx(t) => $crate::on_tx!(t, $c => $body),
        }
    };
}

/// A value bound to a query assembled at run time (list filters).
#[derive(Debug, Clone)]
pub enum Param {
    Int(i64),
    Text(String),
    Bool(bool),
    Date(chrono::NaiveDate),
    OptText(Option<String>),
    OptDate(Option<chrono::NaiveDate>),
    OptInt(Option<i64>),
    Time(chrono::DateTime<chrono::Utc>),
}

/// Assembles `WHERE` clauses with numbered placeholders, so filters are bound, never spliced.
#[derive(Debug, Default)]
pub struct Filter {
    clauses: Vec<String>,
    pub params: Vec<Param>,
}

impl Filter {
    /// Adds a clause in which `?` stands for the next parameter.
    pub fn push(&mut self, clause: &str, value: Param) {
        self.params.push(value);
        self.clauses
            .push(clause.replacen('?', &format!("${}", self.params.len()), 1));
    }
    /// Adds a clause whose two `?` take the two values in order.
    pub fn push2(&mut self, clause: &str, a: Param, b: Param) {
        self.params.push(a);
        let c = clause.replacen('?', &format!("${}", self.params.len()), 1);
        self.params.push(b);
        self.clauses
            .push(c.replacen('?', &format!("${}", self.params.len()), 1));
    }
    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
    /// The placeholder number the next parameter will take.
    pub fn next(&self) -> usize {
        self.params.len() + 1
    }
}

/// Binds a [`Filter`]'s parameters to a query, whichever backend it is compiled for.
#[macro_export]
macro_rules! bind_params {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                $crate::Param::Int(v) => q.bind(*v),
                $crate::Param::Text(v) => q.bind(v.clone()),
                $crate::Param::Bool(v) => q.bind(*v),
                $crate::Param::Date(v) => q.bind(*v),
                $crate::Param::OptText(v) => q.bind(v.clone()),
                $crate::Param::OptDate(v) => q.bind(*v),
                $crate::Param::OptInt(v) => q.bind(*v),
                $crate::Param::Time(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub backend: Backend,
}

impl Store {
    /// Opens (creating if needed) an SQLite database file.
    pub async fn open_sqlite(path: &Path) -> Result<Store> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // The writer syncs every commit to disk (FULL): an accepted reading or a saved form
        // survives a power cut, not only a crash of the process. Writes are grouped (readings
        // commit in batches), so the sync is paid per batch, not per row.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                opts.clone()
                    .synchronous(SqliteSynchronous::Full)
                    // 64 MB of page cache: the rollups are kept per sensor, so each batch of
                    // readings touches one page per sensor; with SQLite's default 2 MB those
                    // pages were read back from the OS on every batch.
                    .pragma("cache_size", "-65536"),
            )
            .await?;
        // Four readers serve an office's pages; idle ones close after a minute, so a quiet server
        // holds little memory.
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .idle_timeout(Duration::from_secs(60))
            .connect_with(opts.read_only(true))
            .await?;
        Ok(Store {
            backend: Backend::Sqlite { read, write },
        })
    }

    /// Connects to PostgreSQL.
    pub async fn open_postgres(url: &str) -> Result<Store> {
        let opts = sqlx::postgres::PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        Ok(Store {
            backend: Backend::Postgres(pool),
        })
    }

    /// Opens the database a URL names: `postgres://…`/`postgresql://…`, or `sqlite://PATH` / a path.
    pub async fn open(url: &str) -> Result<Store> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::open_postgres(url).await
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            Self::open_sqlite(Path::new(path)).await
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.backend {
            // IMMEDIATE takes the write lock at once, so a second process writing the same file
            // waits its turn (busy_timeout) instead of failing when its snapshot goes stale.
            Backend::Sqlite { write, .. } => Tx::Sqlite(write.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Refreshes the planner's statistics after a bulk load (the demo town, an import of many
    /// rows), so that the first queries after it are planned on what is really there. On
    /// PostgreSQL it also sets the visibility map that lets counts read indexes alone.
    pub async fn after_bulk_load(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite { write, .. } => {
                sqlx::query("ANALYZE").execute(write).await?;
            }
            Backend::Postgres(p) => {
                sqlx::query("VACUUM (ANALYZE) enterprises")
                    .execute(p)
                    .await?;
                sqlx::query("ANALYZE").execute(p).await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Backend::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    /// Whether statements take numbered parameters (`$1`, PostgreSQL) rather than `?` (SQLite).
    pub fn numbered(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// `(…),(…)` placeholders for a multi-row VALUES list of `rows` rows of `per_row` values.
///
/// SQLite gets anonymous `?`: it looks a numbered parameter's name up by walking a list, and the
/// driver asks for every parameter's name, so `$n` costs time quadratic in the number of
/// parameters (at 8,000 parameters, 90% of an insert's time). PostgreSQL needs `$n`.
/// Ids as a comma-separated list for `IN (…)`: integers only, so nothing from outside is spliced.
pub(crate) fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

pub fn values_list(numbered: bool, rows: usize, per_row: usize) -> String {
    let mut s = String::with_capacity(rows * per_row * 6);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for p in 0..per_row {
            if p > 0 {
                s.push(',');
            }
            if numbered {
                s.push('$');
                s.push_str(&(r * per_row + p + 1).to_string());
            } else {
                s.push('?');
            }
        }
        s.push(')');
    }
    s
}

/// The upper bound of a materialised-path prefix range: every path inside `prefix` sorts at or
/// after `prefix` and before `prefix~` (paths hold only digits and `/`, which sort below `~`).
pub fn path_upper(prefix: &str) -> String {
    format!("{prefix}~")
}

impl Store {
    /// `sql` with `$n IS NULL` on an optional id made typed for PostgreSQL, which cannot infer
    /// the type of a parameter that is only ever compared with NULL there.
    pub(crate) fn optional_id(&self, sql: String, n: u8) -> sqlx::AssertSqlSafe<String> {
        sqlx::AssertSqlSafe(match self.backend {
            Backend::Postgres(_) => sql.replace(
                &format!("${n} IS NULL"),
                &format!("CAST(${n} AS BIGINT) IS NULL"),
            ),
            Backend::Sqlite { .. } => sql,
        })
    }
}

/// One page of a list and the number of rows the filter matched.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}
