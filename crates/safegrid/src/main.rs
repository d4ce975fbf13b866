//! The `safegrid` command: serve a town, load the demo town, migrate, manage accounts, verify the
//! audit chain, import and export the registry.

mod bench;
mod bench_command;
mod bench_enforcement;
mod bench_ingest;
mod bench_targets;
mod bench_warnings;
mod config;
mod simulate;
mod simulate_warnings;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use config::{Config, Overrides};
use indicatif::{ProgressBar, ProgressStyle};
use safegrid_service::audit::Verdict;
use safegrid_service::auth::{UserInput, random_password};
use safegrid_service::{Lang, Service, system};
use std::path::PathBuf;

/// mimalloc returns freed memory to the system promptly. With the system allocator each password
/// hash (Argon2 uses 19 MiB) left its memory behind in a per-thread arena, and an idle server
/// that had seen a few logins held well over 100 MiB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "safegrid",
    version,
    about = "Work safety and natural-disaster prevention for a town: registry, dual prevention, monitoring, warnings and response."
)]
struct Cli {
    #[command(flatten)]
    overrides: Overrides,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database, then serve the pages and the API.
    Serve {
        /// Load the demo town first if the database holds no town yet.
        #[arg(long)]
        demo: bool,
    },
    /// Load the demo town into an empty database.
    Demo {
        /// Also generate this many more enterprises (for load tests).
        #[arg(long, default_value_t = 0)]
        enterprises: usize,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Feed the demo town's sensors with readings and a storm that raises alarms, to a running
    /// server (--url) or through its MQTT broker (--mqtt).
    Simulate {
        /// The server, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        url: Option<String>,
        #[arg(long, default_value_t = 900)]
        duration_secs: u64,
        #[arg(long, default_value_t = 5.0)]
        interval_secs: f64,
        /// Storm seconds per real second.
        #[arg(long, default_value_t = 60.0)]
        speed: f64,
        #[arg(long, default_value_t = 30)]
        storm_after_secs: u64,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check the audit chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import enterprises (sheet 企业/Enterprises) and people (sheet 人员/People) from an xlsx file.
    /// A file with any bad row imports nothing and lists every bad row.
    Import { file: PathBuf },
    /// CAP 1.2 alerts and feeds.
    Cap {
        #[command(subcommand)]
        command: CapCommand,
    },
    /// Measure the figures BENCHMARKS.md records (build with --release first).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Export part of the registry to an xlsx file.
    Export {
        /// What to export.
        #[arg(long, value_parser = ["enterprises", "people", "coverage"])]
        what: String,
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. Without --password a random one is generated and printed once.
    Add {
        username: String,
        /// admin, leader, emergency_office, department, village, monitor or enterprise.
        #[arg(long)]
        role: String,
        #[arg(long)]
        password: Option<String>,
        /// The region (subtree) the account is bound to.
        #[arg(long)]
        region_id: Option<i64>,
        #[arg(long)]
        department_id: Option<i64>,
        #[arg(long)]
        enterprise_id: Option<i64>,
    },
    /// Set a new password. Without --password a random one is generated and printed once.
    Passwd {
        username: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// List accounts.
    List,
    /// Disable an account; its sessions and tokens stop working at once.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Issue an API token for an account (printed once).
    Token {
        username: String,
        #[arg(long, default_value = "api")]
        name: String,
    },
}

#[derive(Subcommand)]
enum CapCommand {
    /// Validate CAP 1.2 alerts (or Atom/RSS feeds of them): one line per file, `ok` or
    /// `invalid: reason`; exits 1 if any file is invalid. A folder is read file by file.
    Validate {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Time `serve --demo` on a fresh data folder until it answers, and its idle memory.
    Startup,
    /// A city-sized data set of hazards, then the progress tables and hazard lists over it.
    Hazards {
        #[arg(long, default_value_t = 1000)]
        towns: usize,
        #[arg(long, default_value_t = 1_000_000)]
        hazards: usize,
        #[arg(long, default_value_t = 200)]
        requests: usize,
    },
    /// The city of `hazards` with a year of enforcement, then the enforcement statistics and the
    /// rating of every enterprise, timed in process.
    Enforcement {
        #[arg(long, default_value_t = 1000)]
        towns: usize,
        #[arg(long, default_value_t = 1_000_000)]
        hazards: usize,
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// The city of `hazards` with a year of the plan's facts, then the targets dashboard of the
    /// whole city, in process and as a page.
    Targets {
        #[arg(long, default_value_t = 1000)]
        towns: usize,
        #[arg(long, default_value_t = 1_000_000)]
        hazards: usize,
        #[arg(long, default_value_t = 20)]
        runs: usize,
    },
    /// Readings over HTTP from concurrent gateways into a fresh database, five rules per reading,
    /// then the raw append ceiling of the same rows.
    Ingest {
        #[arg(long, default_value_t = 300)]
        seconds: u64,
        #[arg(long, default_value_t = 2000)]
        sensors: usize,
        #[arg(long, default_value_t = 4)]
        clients: usize,
        /// Readings per request.
        #[arg(long, default_value_t = 5000)]
        batch: usize,
    },
    /// From a reading's arrival to its alarm committed, under a background load.
    AlarmLatency {
        /// Background readings per second.
        #[arg(long, default_value_t = 1000)]
        background: u64,
        #[arg(long, default_value_t = 500)]
        probes: usize,
    },
    /// Charts of one sensor over 24 h, 7 d and 30 d with many readings stored.
    Charts {
        #[arg(long, default_value_t = 100_000_000)]
        readings: u64,
        #[arg(long, default_value_t = 2000)]
        sensors: usize,
        #[arg(long, default_value_t = 200)]
        requests: usize,
    },
    /// One reading per MQTT message through the broker into the ingestion.
    Mqtt {
        #[arg(long, default_value = "mqtt://127.0.0.1:1883")]
        broker: String,
        #[arg(long, default_value_t = 200_000)]
        messages: u64,
        #[arg(long, default_value_t = 4)]
        connections: usize,
    },
    /// One red warning to many people into an empty database: fan-out, sending to a loopback
    /// gateway, answers over a minute with the live board, escalation of the silent.
    Warnings {
        #[arg(long, default_value_t = 10_000)]
        recipients: usize,
        /// Seconds over which the answers arrive.
        #[arg(long, default_value_t = 60)]
        ack_secs: u64,
        /// People who do not answer (escalated at their deadline).
        #[arg(long, default_value_t = 100)]
        silent: usize,
    },
    /// The command page of an incident with a long timeline and many dispatches, over HTTP.
    Command {
        #[arg(long, default_value_t = 500)]
        timeline: usize,
        #[arg(long, default_value_t = 2000)]
        dispatches: usize,
        #[arg(long, default_value_t = 100)]
        requests: usize,
    },
    /// Latency of filtered enterprise lists (API and page) over a large registry.
    List {
        /// Enterprises to generate into an empty database (the demo town's plus generated ones).
        #[arg(long, default_value_t = 100_000)]
        enterprises: usize,
        /// Requests to time per kind.
        #[arg(long, default_value_t = 400)]
        requests: usize,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the chain from the first entry and report the first broken link.
    Verify,
}

pub(crate) fn bar(len: u64, what: &str) -> ProgressBar {
    let b = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})") {
        b.set_style(style.progress_chars("=> "));
    }
    b.set_message(what.to_string());
    b
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let cfg = Config::load(&cli.overrides)?;
    match cli.command {
        Command::Serve { demo } => serve(cfg, demo).await,
        Command::Demo { enterprises } => {
            let svc = open(&cfg).await?;
            load_demo(&svc, enterprises).await
        }
        Command::Simulate {
            url,
            duration_secs,
            interval_secs,
            speed,
            storm_after_secs,
        } => {
            let svc = open(&cfg).await?;
            simulate::run(
                &svc,
                simulate::Options {
                    url,
                    mqtt: cfg.mqtt.clone(),
                    mqtt_prefix: cfg.mqtt_prefix.clone(),
                    duration: std::time::Duration::from_secs(duration_secs),
                    interval: std::time::Duration::from_secs_f64(interval_secs.max(0.1)),
                    speed: speed.max(1.0),
                    storm_after: std::time::Duration::from_secs(storm_after_secs),
                },
            )
            .await
        }
        Command::Migrate => {
            let store = safegrid_store::Store::open(&cfg.database_url()?).await?;
            let n = store.migrate().await?;
            println!("migrations applied: {n}");
            Ok(())
        }
        Command::User { command } => user(&open(&cfg).await?, command, cfg.lang).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let svc = open(&cfg).await?;
            let (head, _) = safegrid_store::audit::head(&svc.store).await?;
            let b = bar(head as u64, "verify");
            let verdict = svc.verify_audit(|n| b.set_position(n as u64)).await?;
            b.finish_and_clear();
            match verdict {
                Verdict::Intact { entries } => {
                    println!("audit chain intact: {entries} entries");
                    Ok(())
                }
                Verdict::Broken(br) => {
                    println!("audit chain BROKEN: {br:?}");
                    std::process::exit(1);
                }
            }
        }
        Command::Import { file } => {
            let svc = open(&cfg).await?;
            let bytes = std::fs::read(&file).with_context(|| format!("read {}", file.display()))?;
            let b = bar(0, "import");
            let report = svc
                .import_registry(&system(), &bytes, |done, total| {
                    b.set_length(total as u64);
                    b.set_position(done as u64);
                })
                .await
                .map_err(|e| describe(e, cfg.lang))?;
            b.finish_and_clear();
            if report.errors.is_empty() {
                println!("created {}, updated {}", report.created, report.updated);
                Ok(())
            } else {
                for e in &report.errors {
                    eprintln!("{}", e.message(cfg.lang));
                }
                bail!("{} bad rows; nothing was imported", report.errors.len())
            }
        }
        Command::Bench {
            command:
                BenchCommand::Hazards {
                    towns,
                    hazards,
                    requests,
                },
        } => bench::hazards(&cfg.database_url()?, towns, hazards, requests).await,
        Command::Bench {
            command:
                BenchCommand::Enforcement {
                    towns,
                    hazards,
                    runs,
                },
        } => bench_enforcement::enforcement(&cfg.database_url()?, towns, hazards, runs).await,
        Command::Bench {
            command:
                BenchCommand::Targets {
                    towns,
                    hazards,
                    runs,
                },
        } => bench_targets::targets(&cfg.database_url()?, towns, hazards, runs).await,
        Command::Cap {
            command: CapCommand::Validate { paths },
        } => {
            if cap_validate(&paths)? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Command::Bench {
            command: BenchCommand::Startup,
        } => bench::startup().await,
        Command::Bench {
            command:
                BenchCommand::Warnings {
                    recipients,
                    ack_secs,
                    silent,
                },
        } => bench_warnings::warnings(&cfg.database_url()?, recipients, ack_secs, silent).await,
        Command::Bench {
            command:
                BenchCommand::Command {
                    timeline,
                    dispatches,
                    requests,
                },
        } => bench_command::command(&cfg.database_url()?, timeline, dispatches, requests).await,
        Command::Bench {
            command:
                BenchCommand::List {
                    enterprises,
                    requests,
                },
        } => bench::list(&cfg.database_url()?, enterprises, requests).await,
        Command::Bench {
            command:
                BenchCommand::Ingest {
                    seconds,
                    sensors,
                    clients,
                    batch,
                },
        } => bench_ingest::ingest(&cfg.database_url()?, seconds, sensors, clients, batch).await,
        Command::Bench {
            command:
                BenchCommand::Charts {
                    readings,
                    sensors,
                    requests,
                },
        } => bench_ingest::charts(&cfg.database_url()?, readings, sensors, requests).await,
        Command::Bench {
            command: BenchCommand::AlarmLatency { background, probes },
        } => bench_ingest::alarm_latency(&cfg.database_url()?, background, probes).await,
        Command::Bench {
            command:
                BenchCommand::Mqtt {
                    broker,
                    messages,
                    connections,
                },
        } => bench_ingest::mqtt(&cfg.database_url()?, &broker, messages, connections).await,
        Command::Export { what, file } => {
            let svc = open(&cfg).await?;
            let who = system();
            let tables = match what.as_str() {
                "enterprises" => vec![svc.enterprise_table(&who, cfg.lang).await?],
                "people" => vec![svc.people_table(&who, cfg.lang).await?],
                _ => svc.coverage_tables(&who, cfg.lang).await?,
            };
            let bytes = safegrid_service::xlsx::workbook(&tables)?;
            std::fs::write(&file, bytes).with_context(|| format!("write {}", file.display()))?;
            println!(
                "wrote {} ({} rows)",
                file.display(),
                tables.iter().map(|t| t.rows.len()).sum::<usize>()
            );
            Ok(())
        }
    }
}

/// Validates each file (folders file by file, sorted); prints a line each; true when all are valid.
fn cap_validate(paths: &[PathBuf]) -> Result<bool> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inner: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            inner.sort();
            files.extend(inner);
        } else {
            files.push(p.clone());
        }
    }
    let mut all_ok = true;
    for f in files {
        let bytes = std::fs::read(&f).with_context(|| format!("read {}", f.display()))?;
        // A document whose root is a feed is checked as a feed, anything else as an alert.
        let is_feed = safegrid_cap::xml::parse(&bytes)
            .is_ok_and(|root| matches!(root.name.as_str(), "feed" | "rss"));
        let verdict = if is_feed {
            safegrid_cap::feed::parse_feed(&bytes).map(|_| Vec::new())
        } else {
            safegrid_cap::parse(&bytes).map(|(_, w)| w)
        };
        match verdict {
            Ok(warnings) if warnings.is_empty() => println!("{}: ok", f.display()),
            Ok(warnings) => println!(
                "{}: ok ({} warnings: {})",
                f.display(),
                warnings.len(),
                warnings[0].note
            ),
            Err(e) => {
                all_ok = false;
                println!("{}: invalid: {e}", f.display());
            }
        }
    }
    Ok(all_ok)
}

/// A service error in words for the terminal.
fn describe(e: safegrid_service::Error, lang: Lang) -> anyhow::Error {
    match e {
        safegrid_service::Error::Invalid(inv) => {
            anyhow::anyhow!(
                inv.errors
                    .iter()
                    .map(|f| lang.field_error(&f.field, &f.code))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
        e => anyhow::anyhow!(e),
    }
}

async fn open(cfg: &Config) -> Result<Service> {
    let url = cfg.database_url()?;
    Service::open(&url)
        .await
        .with_context(|| format!("open database {}", config::redact(&url)))
}

async fn load_demo(svc: &Service, enterprises: usize) -> Result<()> {
    if svc.has_regions().await? {
        bail!("the database already holds a town; the demo loads only into an empty one");
    }
    let b = bar(enterprises as u64, "enterprises");
    let summary = svc
        .load_demo(enterprises, |done, _| b.set_position(done as u64))
        .await?;
    b.finish_and_clear();
    println!(
        "demo town loaded: {} villages, {} enterprises, {} people",
        summary.villages, summary.enterprises, summary.people
    );
    println!(
        "demo accounts (password {}):",
        safegrid_service::demo::DEMO_PASSWORD
    );
    for (u, r) in &summary.accounts {
        println!("  {u:10} {r}");
    }
    Ok(())
}

async fn serve(cfg: Config, demo: bool) -> Result<()> {
    let svc = open(&cfg).await?;
    if let Some(pw) = svc.bootstrap_admin().await? {
        println!("created account admin with password: {pw}");
        println!("(shown once; change it with: safegrid user passwd admin)");
    }
    if demo && !svc.has_regions().await? {
        load_demo(&svc, 0).await?;
    }
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("listen on {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    println!(
        "safegrid listening on http://{addr}/ ({})",
        svc.store.backend_name()
    );
    let ingest = safegrid_service::ingest::Ingest::start(svc.clone()).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker_id = safegrid_worker::worker_id();
    let sender = tokio::spawn(safegrid_worker::deliver::run(
        svc.clone(),
        worker_id.clone(),
        cfg.worker_interval,
        stop.subscribe(),
    ));
    let feeds = tokio::spawn(safegrid_worker::feeds::run(
        svc.clone(),
        worker_id.clone(),
        cfg.worker_interval,
        stop.subscribe(),
    ));
    let worker = tokio::spawn(safegrid_worker::run(
        svc.clone(),
        worker_id,
        cfg.worker_interval,
        stopped,
    ));
    let mqtt = match &cfg.mqtt {
        Some(url) => {
            let mut m = safegrid_worker::mqtt::Config::from_url(url, &cfg.mqtt_client_id)
                .with_context(|| format!("mqtt address {url}"))?;
            m.prefix = cfg.mqtt_prefix.clone();
            println!("taking readings from {url} on {}/readings/#", m.prefix);
            Some(tokio::spawn(safegrid_worker::mqtt::run(
                ingest.clone(),
                m,
                stop.subscribe(),
            )))
        }
        None => None,
    };
    let state = safegrid_web::AppState {
        ingest,
        svc,
        secure_cookies: cfg.secure_cookies,
    };
    safegrid_web::serve(listener, state, shutdown_signal()).await?;
    let _ = stop.send(true);
    let _ = worker.await;
    let _ = sender.await;
    let _ = feeds.await;
    if let Some(m) = mqtt {
        let _ = m.await;
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn user(svc: &Service, cmd: UserCommand, lang: Lang) -> Result<()> {
    let sys = system();
    match cmd {
        UserCommand::Add {
            username,
            role,
            password,
            region_id,
            department_id,
            enterprise_id,
        } => {
            let generated = password.is_none();
            let password = password.unwrap_or_else(random_password);
            let input = UserInput {
                username: username.clone(),
                password: password.clone(),
                role,
                region_id,
                department_id,
                enterprise_id,
            };
            svc.add_user(&sys, &input)
                .await
                .map_err(|e| describe(e, lang))?;
            println!("created {username}");
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::Passwd { username, password } => {
            let generated = password.is_none();
            let password = password.unwrap_or_else(random_password);
            svc.set_password(&sys, &username, &password)
                .await
                .map_err(|e| describe(e, lang))?;
            println!("password of {username} changed");
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::List => {
            for u in svc.list_users(&sys).await? {
                let binding = [
                    u.region_id.map(|r| format!("region {r}")),
                    u.department_id.map(|d| format!("department {d}")),
                    u.enterprise_id.map(|e| format!("enterprise {e}")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ");
                println!(
                    "{:16} {:18} {:28} {}",
                    u.username,
                    u.role,
                    binding,
                    if u.disabled { "disabled" } else { "active" }
                );
            }
        }
        UserCommand::Disable { username } => {
            svc.set_disabled(&sys, &username, true)
                .await
                .map_err(|e| describe(e, lang))?;
            println!("{username} disabled");
        }
        UserCommand::Enable { username } => {
            svc.set_disabled(&sys, &username, false)
                .await
                .map_err(|e| describe(e, lang))?;
            println!("{username} enabled");
        }
        UserCommand::Token { username, name } => {
            let token = svc
                .issue_token(&sys, &username, &name)
                .await
                .map_err(|e| describe(e, lang))?;
            println!("{token}");
        }
    }
    Ok(())
}
