//! Tests of the running server: real HTTP on 127.0.0.1 with a fresh database per test (SQLite, and
//! PostgreSQL when SAFEGRID_TEST_POSTGRES_URL is set), and the pages in headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a helper that fails fails its test

mod api;
mod browser;
mod campaigns;
mod cap_exchange;
mod deliveries;
mod disaster;
mod enforcement;
mod incidents;
mod monitoring;
mod mqtt;
mod pages;
mod patrols;
mod ratings;
mod sinks;
mod stock;
mod targets;
mod tipoffs;
mod warning_settings;
mod warnings;

use safegrid_service::Service;
use safegrid_store::testing::{self, TestDb};

/// A server on an ephemeral port over a demo town.
pub struct Server {
    pub base: String,
    pub svc: Service,
    pub db: TestDb,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

pub async fn start(db: TestDb) -> Server {
    let svc = Service::new(db.store.clone());
    svc.load_demo(0, |_, _| {}).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = safegrid_web::AppState {
        ingest: safegrid_service::ingest::Ingest::start(svc.clone())
            .await
            .unwrap(),
        svc: svc.clone(),
        secure_cookies: false,
    };
    tokio::spawn(async move {
        let _ = safegrid_web::serve(listener, state, async {
            let _ = rx.await;
        })
        .await;
    });
    Server {
        base,
        svc,
        db,
        stop: Some(tx),
    }
}

/// One server per backend of this run.
pub async fn servers() -> Vec<Server> {
    let mut v = Vec::new();
    for db in testing::all().await {
        v.push(start(db).await);
    }
    v
}

/// A cookie-keeping client that does not follow redirects (so tests see them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of `name="csrf"` in a page.
pub fn csrf_in(html: &str) -> String {
    let i =
        html.find("name=\"csrf\" value=\"").expect("csrf field") + "name=\"csrf\" value=\"".len();
    html[i..].split('"').next().unwrap().to_string()
}

/// The body of a page fetched with the client's session.
pub async fn body_of(c: &reqwest::Client, url: impl reqwest::IntoUrl) -> String {
    c.get(url).send().await.unwrap().text().await.unwrap()
}

/// Logs a client in through the login form.
pub async fn login(c: &reqwest::Client, base: &str, user: &str) {
    let html = c
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("username", user),
            ("password", safegrid_service::demo::DEMO_PASSWORD),
            ("csrf", &csrf_in(&html)),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "login as {user}");
}

/// A free port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `safegrid serve` process over a test's database on a port (0: any), its worker looking
/// every second.
pub fn serve_process(db_url: &str, port: u16, dir: &std::path::Path) -> std::process::Child {
    let cfg = dir.join(format!("safegrid-{port}.toml"));
    std::fs::write(&cfg, "worker_interval_secs = 1\n").unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_safegrid"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(["--database-url", db_url])
        .arg("--config")
        .arg(&cfg)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// The id of a demo village by its name.
pub async fn village(s: &Server, name: &str) -> i64 {
    s.svc
        .villages(&safegrid_service::system())
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.name == name)
        .unwrap()
        .id
}

/// Shiba village and its town.
pub async fn shiba_and_town(s: &Server) -> (i64, i64) {
    let shiba = village(s, "石坝村").await;
    let town = s
        .svc
        .villages(&safegrid_service::system())
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.id == shiba)
        .unwrap()
        .parent_id
        .unwrap();
    (shiba, town)
}
