//! Fresh databases for tests: an SQLite file in a temporary folder always, and a new PostgreSQL
//! database when `SAFEGRID_TEST_POSTGRES_URL` names a server. Each test gets its own database,
//! migrated, and PostgreSQL databases are dropped when the handle is dropped.

use crate::Store;
use rand::Rng;

/// The environment variable that switches the PostgreSQL pass on.
pub const POSTGRES_ENV: &str = "SAFEGRID_TEST_POSTGRES_URL";

pub struct TestDb {
    pub store: Store,
    /// The URL the store was opened with, for a second process or a server under test.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub fn backend(&self) -> &'static str {
        self.store.backend_name()
    }
}

/// A migrated SQLite database in a fresh temporary folder.
pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let path = dir.path().join("safegrid.sqlite");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url)
        .await
        .unwrap_or_else(|e| panic!("open sqlite: {e}"));
    store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate sqlite: {e}"));
    TestDb {
        store,
        url,
        _dir: Some(dir),
        pg: None,
    }
}

/// A migrated new PostgreSQL database, or `None` when the PostgreSQL pass is off.
pub async fn postgres() -> Option<TestDb> {
    let admin = std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty())?;
    let name = format!("sg_test_{:016x}", rand::thread_rng().r#gen::<u64>());
    let admin_store = Store::open_postgres(&admin)
        .await
        .unwrap_or_else(|e| panic!("connect {admin}: {e}"));
    if let crate::Backend::Postgres(p) = &admin_store.backend {
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(p)
            .await
            .unwrap_or_else(|e| panic!("create database: {e}"));
    }
    admin_store.close().await;
    let url = match admin.rfind('/') {
        Some(i) if admin[..i].contains("://") && admin[..i].matches('/').count() >= 2 => {
            let rest = &admin[i + 1..];
            let query = rest.find('?').map(|q| &rest[q..]).unwrap_or("");
            format!("{}/{name}{query}", &admin[..i])
        }
        _ => format!("{}/{name}", admin.trim_end_matches('/')),
    };
    let store = Store::open_postgres(&url)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate postgres: {e}"));
    Some(TestDb {
        store,
        url,
        _dir: None,
        pg: Some((admin, name)),
    })
}

/// Every backend this run tests: SQLite, and PostgreSQL when the pass is on.
pub async fn all() -> Vec<TestDb> {
    let mut v = vec![sqlite().await];
    if let Some(pg) = postgres().await {
        v.push(pg);
    }
    v
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.pg.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(s) = Store::open_postgres(&admin).await {
                    if let crate::Backend::Postgres(p) = &s.backend {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(p)
                        .await;
                    }
                    s.close().await;
                }
            });
        })
        .join();
    }
}
