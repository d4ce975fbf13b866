//! safegrid's use cases. Here a request becomes a decision: the caller's role and region scope are
//! checked, a transaction is opened, the domain's rules are applied, the store is written and the
//! change is appended to the audit chain in the same transaction. Web handlers and CLI commands
//! both call this crate; neither talks SQL.

pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod cap_feeds;
pub mod cap_import;
pub mod clocks;
mod config;
pub mod coverage;
pub mod deliveries;
pub mod demo;
pub mod demo_disaster;
pub mod demo_enforcement;
pub mod demo_monitoring;
pub mod demo_risk_lists;
pub mod demo_targets;
pub mod disaster;
pub mod duty;
pub mod enforcement;
pub mod evidence;
pub mod hazards;
pub mod incidents;
pub mod ingest;
pub mod inspections;
pub mod locale;
pub mod monitoring;
pub mod patrols;
pub mod plans;
pub mod posts;
pub mod projects;
pub mod ratings;
pub mod registry;
pub mod risks;
pub mod stock;
pub mod targets;
pub mod teams;
pub mod tipoffs;
pub mod training;
pub mod warnings;
pub mod workplans;
pub mod xlsx;

use safegrid_domain::Invalid;
use safegrid_domain::access::{Principal, Role};
use safegrid_store::{Store, StoreError};

pub use locale::Lang;

/// Why a use case refused or failed. Each kind maps to one HTTP status and one page.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input broke rules; every broken field is named.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The caller may not do this (or see this record).
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// No valid session or token.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Too many failed logins for this account, or tip-offs from one address; try again later.
    #[error("throttled")]
    Throttled,
    #[error(transparent)]
    Store(StoreError),
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            e => Error::Store(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Settings of the service layer, with the defaults a town uses.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a browser session lasts without logging in again.
    pub session_hours: i64,
    /// Failed logins allowed per account within `throttle_minutes` before logins are refused.
    pub throttle_failures: i64,
    pub throttle_minutes: i64,
    /// Days before a rectification deadline on which the enterprise is reminded.
    pub reminder_days: Vec<i64>,
    /// Days past the deadline after which the town's leaders are told.
    pub escalate_after_days: i64,
    /// Largest evidence file accepted.
    pub upload_max_bytes: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_hours: 12,
            throttle_failures: 5,
            throttle_minutes: 15,
            reminder_days: vec![3, 1],
            escalate_after_days: 3,
            upload_max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// The handle every caller uses; cheap to clone.
#[derive(Clone, Debug)]
pub struct Service {
    pub store: Store,
    pub settings: Settings,
    /// Rung when work was queued, so this process's worker starts on it at once instead of at
    /// its next poll.
    pub wake: std::sync::Arc<Wake>,
}

/// What a use case rings when it queues work for the worker.
#[derive(Debug, Default)]
pub struct Wake {
    /// Messages to send.
    pub deliveries: tokio::sync::Notify,
    /// Other jobs (escalations, reminders) whose times may have changed.
    pub jobs: tokio::sync::Notify,
    /// Feeds to read (their list changed).
    pub feeds: tokio::sync::Notify,
}

impl Wake {
    pub(crate) fn both(&self) {
        self.deliveries.notify_one();
        self.jobs.notify_one();
    }
}

impl Service {
    /// Opens the database a URL names and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Service> {
        let store = Store::open(url).await?;
        store.migrate().await?;
        Ok(Service::new(store))
    }

    pub fn new(store: Store) -> Service {
        Service {
            store,
            settings: Settings::default(),
            wake: Default::default(),
        }
    }
}

/// The principal the CLI and the demo generator act as: an administrator named `system`.
pub fn system() -> Principal {
    Principal {
        user_id: 0,
        username: "system".into(),
        role: Role::Admin,
        region_path: "/".into(),
        department_id: None,
        enterprise_id: None,
        supervised: vec![],
    }
}

/// Refuses unless `allowed`.
pub(crate) fn ensure(allowed: bool) -> Result<()> {
    if allowed {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// The account to record as having done something: none for the system, which has none.
pub(crate) fn actor(who: &Principal) -> Option<i64> {
    (who.user_id > 0).then_some(who.user_id)
}

/// The accounts of the office and of the leaders over a place, each once: whom a late report,
/// an overdue hazard or a warning from elsewhere is told to.
pub(crate) async fn office_and_leaders(
    tx: &mut safegrid_store::Tx,
    path: &str,
) -> Result<Vec<i64>> {
    use safegrid_store::jobs::users_for;
    let mut users = users_for(tx, "emergency_office", Some(path), None, None).await?;
    users.extend(users_for(tx, "leader", Some(path), None, None).await?);
    users.sort_unstable();
    users.dedup();
    Ok(users)
}

/// Turns a unique-constraint refusal into a field error; passes other errors on.
pub(crate) fn duplicate_as(field: &str, code: &str) -> impl FnOnce(StoreError) -> Error {
    let (field, code) = (field.to_string(), code.to_string());
    move |e| match e {
        StoreError::Duplicate => Error::Invalid(Invalid::one(field, code)),
        e => e.into(),
    }
}
