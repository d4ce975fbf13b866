//! Real peers on loopback for the channels: an HTTP endpoint standing in for an SMS gateway and
//! group robots (answering, failing, hanging or rate-limiting by path), and an SMTP server that
//! keeps what it is sent.

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    /// The `X-Safegrid-Delivery` header.
    pub delivery: String,
    pub body: String,
}

/// An HTTP sink. Paths: `/ok` answers `{"errcode":0,"msgid":"gw-N"}`; `/fail` answers 500;
/// `/hang` never answers in time; `/limit` answers 429 (Retry-After: 1) to the first two requests
/// and then like `/ok`; `/refuse` answers 200 with `{"errcode":310000}`.
#[derive(Clone)]
pub struct HttpSink {
    pub base: String,
    pub hits: Arc<Mutex<Vec<Hit>>>,
}

impl HttpSink {
    pub async fn start() -> HttpSink {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let log = hits.clone();
        let limited = Arc::new(Mutex::new(0u32));
        let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let log = log.clone();
            let limited = limited.clone();
            async move {
                let path = uri.path().to_string();
                let delivery = headers
                    .get("x-safegrid-delivery")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let n = {
                    let mut l = log.lock().unwrap();
                    l.push(Hit {
                        path: path.clone(),
                        delivery,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    });
                    l.len()
                };
                let ok = (
                    StatusCode::OK,
                    format!(r#"{{"errcode":0,"msgid":"gw-{n}"}}"#),
                )
                    .into_response();
                match path.as_str() {
                    "/fail" => (StatusCode::INTERNAL_SERVER_ERROR, "down").into_response(),
                    "/hang" => {
                        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                        ok
                    }
                    "/limit" => {
                        let mut c = limited.lock().unwrap();
                        *c += 1;
                        if *c <= 2 {
                            (
                                StatusCode::TOO_MANY_REQUESTS,
                                [("retry-after", "1")],
                                "slow down",
                            )
                                .into_response()
                        } else {
                            ok
                        }
                    }
                    "/refuse" => (
                        StatusCode::OK,
                        r#"{"errcode":310000,"errmsg":"keywords not in content"}"#,
                    )
                        .into_response(),
                    _ => ok,
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        HttpSink { base, hits }
    }

    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.path == path)
            .cloned()
            .collect()
    }
}

/// A minimal SMTP server: accepts every message and keeps its data.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    pub mails: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails: Arc<Mutex<Vec<String>>> = Arc::default();
        let keep = mails.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let keep = keep.clone();
                tokio::spawn(async move {
                    let (r, mut w) = sock.into_split();
                    let mut r = BufReader::new(r);
                    let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                    let mut line = String::new();
                    loop {
                        line.clear();
                        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let cmd = line.trim_end().to_ascii_uppercase();
                        let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                            b"250-sink\r\n250 8BITMIME\r\n"
                        } else if cmd.starts_with("DATA") {
                            let _ = w.write_all(b"354 go ahead\r\n").await;
                            let mut data = String::new();
                            loop {
                                line.clear();
                                if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                                data.push_str(&line);
                            }
                            keep.lock().unwrap().push(data);
                            b"250 queued\r\n"
                        } else if cmd.starts_with("QUIT") {
                            let _ = w.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"250 ok\r\n"
                        };
                        let _ = w.write_all(reply).await;
                    }
                });
            }
        });
        SmtpSink { port, mails }
    }
}
