//! Schema migrations: one folder per backend, embedded in the binary, applied in order in one
//! transaction. On PostgreSQL an advisory lock makes processes that start together take turns.

use crate::{Backend, Result, Store, StoreError, Tx, on_tx};
use sqlx::AssertSqlSafe;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "registry",
        sqlite: include_str!("../migrations/sqlite/0001_registry.sql"),
        postgres: include_str!("../migrations/postgres/0001_registry.sql"),
    },
    Migration {
        version: 2,
        name: "hazards",
        sqlite: include_str!("../migrations/sqlite/0002_hazards.sql"),
        postgres: include_str!("../migrations/postgres/0002_hazards.sql"),
    },
    Migration {
        version: 3,
        name: "inspections",
        sqlite: include_str!("../migrations/sqlite/0003_inspections.sql"),
        postgres: include_str!("../migrations/postgres/0003_inspections.sql"),
    },
    Migration {
        version: 4,
        name: "risks",
        sqlite: include_str!("../migrations/sqlite/0004_risks.sql"),
        postgres: include_str!("../migrations/postgres/0004_risks.sql"),
    },
    Migration {
        version: 5,
        name: "posts",
        sqlite: include_str!("../migrations/sqlite/0005_posts.sql"),
        postgres: include_str!("../migrations/postgres/0005_posts.sql"),
    },
    Migration {
        version: 6,
        name: "jobs",
        sqlite: include_str!("../migrations/sqlite/0006_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0006_jobs.sql"),
    },
    Migration {
        version: 7,
        name: "files",
        sqlite: include_str!("../migrations/sqlite/0007_files.sql"),
        postgres: include_str!("../migrations/postgres/0007_files.sql"),
    },
    Migration {
        version: 8,
        name: "hazard_summary",
        sqlite: include_str!("../migrations/sqlite/0008_hazard_summary.sql"),
        postgres: include_str!("../migrations/postgres/0008_hazard_summary.sql"),
    },
    Migration {
        version: 9,
        name: "hazard_list_indexes",
        sqlite: include_str!("../migrations/sqlite/0009_hazard_list_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0009_hazard_list_indexes.sql"),
    },
    Migration {
        version: 10,
        name: "monitoring",
        sqlite: include_str!("../migrations/sqlite/0010_monitoring.sql"),
        postgres: include_str!("../migrations/postgres/0010_monitoring.sql"),
    },
    Migration {
        version: 11,
        name: "patrols",
        sqlite: include_str!("../migrations/sqlite/0011_patrols.sql"),
        postgres: include_str!("../migrations/postgres/0011_patrols.sql"),
    },
    Migration {
        version: 12,
        name: "warnings",
        sqlite: include_str!("../migrations/sqlite/0012_warnings.sql"),
        postgres: include_str!("../migrations/postgres/0012_warnings.sql"),
    },
    Migration {
        version: 13,
        name: "deliveries",
        sqlite: include_str!("../migrations/sqlite/0013_deliveries.sql"),
        postgres: include_str!("../migrations/postgres/0013_deliveries.sql"),
    },
    Migration {
        version: 14,
        name: "households",
        sqlite: include_str!("../migrations/sqlite/0014_households.sql"),
        postgres: include_str!("../migrations/postgres/0014_households.sql"),
    },
    Migration {
        version: 15,
        name: "incidents",
        sqlite: include_str!("../migrations/sqlite/0015_incidents.sql"),
        postgres: include_str!("../migrations/postgres/0015_incidents.sql"),
    },
    Migration {
        version: 16,
        name: "duty_roster",
        sqlite: include_str!("../migrations/sqlite/0016_duty_roster.sql"),
        postgres: include_str!("../migrations/postgres/0016_duty_roster.sql"),
    },
    Migration {
        version: 17,
        name: "stock",
        sqlite: include_str!("../migrations/sqlite/0017_stock.sql"),
        postgres: include_str!("../migrations/postgres/0017_stock.sql"),
    },
    Migration {
        version: 18,
        name: "plans",
        sqlite: include_str!("../migrations/sqlite/0018_plans.sql"),
        postgres: include_str!("../migrations/postgres/0018_plans.sql"),
    },
    Migration {
        version: 19,
        name: "teams",
        sqlite: include_str!("../migrations/sqlite/0019_teams.sql"),
        postgres: include_str!("../migrations/postgres/0019_teams.sql"),
    },
    Migration {
        version: 20,
        name: "drill_hazards",
        sqlite: include_str!("../migrations/sqlite/0020_drill_hazards.sql"),
        postgres: include_str!("../migrations/postgres/0020_drill_hazards.sql"),
    },
    Migration {
        version: 21,
        name: "disaster",
        sqlite: include_str!("../migrations/sqlite/0021_disaster.sql"),
        postgres: include_str!("../migrations/postgres/0021_disaster.sql"),
    },
    Migration {
        version: 22,
        name: "risk_lists",
        sqlite: include_str!("../migrations/sqlite/0022_risk_lists.sql"),
        postgres: include_str!("../migrations/postgres/0022_risk_lists.sql"),
    },
    Migration {
        version: 23,
        name: "enforcement",
        sqlite: include_str!("../migrations/sqlite/0023_enforcement.sql"),
        postgres: include_str!("../migrations/postgres/0023_enforcement.sql"),
    },
    Migration {
        version: 24,
        name: "blacklist",
        sqlite: include_str!("../migrations/sqlite/0024_blacklist.sql"),
        postgres: include_str!("../migrations/postgres/0024_blacklist.sql"),
    },
    Migration {
        version: 25,
        name: "tipoffs",
        sqlite: include_str!("../migrations/sqlite/0025_tipoffs.sql"),
        postgres: include_str!("../migrations/postgres/0025_tipoffs.sql"),
    },
    Migration {
        version: 26,
        name: "campaigns",
        sqlite: include_str!("../migrations/sqlite/0026_campaigns.sql"),
        postgres: include_str!("../migrations/postgres/0026_campaigns.sql"),
    },
    Migration {
        version: 27,
        name: "incident_enterprise",
        sqlite: include_str!("../migrations/sqlite/0027_incident_enterprise.sql"),
        postgres: include_str!("../migrations/postgres/0027_incident_enterprise.sql"),
    },
    Migration {
        version: 28,
        name: "rating_indexes",
        sqlite: include_str!("../migrations/sqlite/0028_rating_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0028_rating_indexes.sql"),
    },
    Migration {
        version: 29,
        name: "targets",
        sqlite: include_str!("../migrations/sqlite/0029_targets.sql"),
        postgres: include_str!("../migrations/postgres/0029_targets.sql"),
    },
];

const CREATE_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)";
/// Any fixed number; it only has to be the same in every safegrid process.
const PG_LOCK_KEY: i64 = 0x5AFE_6121;

impl Store {
    /// Applies the migrations not yet applied, all in one transaction; returns how many ran.
    pub async fn migrate(&self) -> Result<usize> {
        let mut tx = self.begin().await?;
        if let Tx::Postgres(t) = &mut tx {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(PG_LOCK_KEY)
                .execute(&mut **t)
                .await?;
        }
        on_tx!(&mut tx, c => sqlx::query(CREATE_TABLE).execute(c).await?.rows_affected());
        let mut applied = 0;
        for m in MIGRATIONS {
            let done: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(m.version).fetch_optional(c).await?);
            if done.is_some() {
                continue;
            }
            let sql = match self.backend {
                Backend::Sqlite { .. } => m.sqlite,
                Backend::Postgres(_) => m.postgres,
            };
            on_tx!(&mut tx, c => sqlx::raw_sql(AssertSqlSafe(sql)).execute(c).await
                .map_err(|source| StoreError::Migration { version: m.version, source })?.rows_affected());
            on_tx!(&mut tx, c => sqlx::query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)")
                .bind(m.version).bind(m.name).execute(c).await?.rows_affected());
            applied += 1;
        }
        tx.commit().await?;
        Ok(applied)
    }
}
