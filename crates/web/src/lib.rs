//! safegrid's HTTP face: `/api/v1` JSON (with its OpenAPI document) for machines, and
//! server-rendered pages in Chinese and English for people. Handlers are thin: they extract the
//! request, call the service and render its answer.

mod api;
mod assets;
mod ctx;
mod disaster_api;
mod enforcement_api;
mod error;
mod monitoring_api;
mod openapi;
mod pages;
mod response_api;
mod svg;
mod targets_api;
mod upload;
mod view;
mod warnings_api;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use safegrid_service::Service;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Largest JSON body the API accepts; registry records are far smaller.
pub const JSON_LIMIT: usize = 256 * 1024;
/// Largest upload (an xlsx import).
pub const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub svc: Service,
    /// Where readings go (HTTP here, MQTT in the worker): one writer per process.
    pub ingest: safegrid_service::ingest::Ingest,
    /// Mark cookies `Secure` (when served behind TLS).
    pub secure_cookies: bool,
}

/// The whole application: pages, API and static assets.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest(
            "/api/v1",
            api::routes()
                .merge(monitoring_api::routes())
                .merge(warnings_api::routes())
                .merge(response_api::routes())
                .merge(disaster_api::routes())
                .merge(enforcement_api::routes())
                .merge(targets_api::routes())
                .layer(DefaultBodyLimit::max(JSON_LIMIT)),
        )
        .merge(warnings_api::public_routes())
        .merge(assets::routes())
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT))
        .with_state(state)
}

/// Serves until `shutdown` completes; in-flight requests are finished first.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    /// Every word a template or handler asks the catalogue for is there, in both languages.
    #[test]
    fn every_key_used_is_in_the_catalogue() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for sub in ["templates", "src", "src/pages"] {
            for e in std::fs::read_dir(dir.join(sub)).unwrap() {
                let p = e.unwrap().path();
                if p.is_file() {
                    files.push(p);
                }
            }
        }
        let mut checked = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for part in text.split(".t(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                if key.contains('{') {
                    continue;
                }
                assert!(
                    safegrid_service::locale::has(key),
                    "{} uses missing key {key}",
                    f.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} keys found");
    }
}
