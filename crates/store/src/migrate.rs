//! Schema migrations: one folder per backend, embedded in the binary, applied in order, each in
//! its own transaction. On PostgreSQL an advisory lock makes processes that start together take
//! turns.

use crate::{Backend, Result, Store, StoreError};
use sqlx::{AssertSqlSafe, Connection};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "registry",
    sqlite: include_str!("../migrations/sqlite/0001_registry.sql"),
    postgres: include_str!("../migrations/postgres/0001_registry.sql"),
}];

const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)";
/// Any fixed number; it only has to be the same in every safegrid process.
const PG_LOCK_KEY: i64 = 0x5AFE_6121;

impl Store {
    /// Applies the migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> Result<usize> {
        let mut applied = 0;
        match &self.backend {
            Backend::Sqlite { write, .. } => {
                let mut c = write.acquire().await?;
                sqlx::query(CREATE_TABLE).execute(&mut *c).await?;
                for m in MIGRATIONS {
                    let mut tx = c.begin().await?;
                    let done: Option<i64> = sqlx::query_scalar(
                        "SELECT version FROM schema_migrations WHERE version = $1",
                    )
                    .bind(m.version)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if done.is_some() {
                        continue;
                    }
                    sqlx::raw_sql(AssertSqlSafe(m.sqlite))
                        .execute(&mut *tx)
                        .await
                        .map_err(|source| StoreError::Migration {
                            version: m.version,
                            source,
                        })?;
                    sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                        .bind(m.version)
                        .bind(m.name)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    applied += 1;
                }
            }
            Backend::Postgres(p) => {
                let mut c = p.acquire().await?;
                let mut tx = c.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(PG_LOCK_KEY)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(CREATE_TABLE).execute(&mut *tx).await?;
                for m in MIGRATIONS {
                    let done: Option<i64> = sqlx::query_scalar(
                        "SELECT version FROM schema_migrations WHERE version = $1",
                    )
                    .bind(m.version)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if done.is_some() {
                        continue;
                    }
                    sqlx::raw_sql(AssertSqlSafe(m.postgres))
                        .execute(&mut *tx)
                        .await
                        .map_err(|source| StoreError::Migration {
                            version: m.version,
                            source,
                        })?;
                    sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                        .bind(m.version)
                        .bind(m.name)
                        .execute(&mut *tx)
                        .await?;
                    applied += 1;
                }
                tx.commit().await?;
            }
        }
        Ok(applied)
    }
}
