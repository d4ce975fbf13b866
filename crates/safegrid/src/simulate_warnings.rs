//! The end of the simulated storm: a red alarm becomes a warning (drafted from the alarm, approved
//! by the leader, issued by the office), and, when the town has no SMS gateway of its own, a
//! simulated one on loopback takes the messages and answers for the people — most of them within
//! a minute, some with the number of people they moved, one in five not at all, so that the answer
//! board fills up and the silent are escalated while a newcomer watches.

use anyhow::{Context, Result};
use axum::Router;
use axum::body::Bytes;
use rand::Rng;
use safegrid_domain::delivery::{Channels, SmsGateway};
use safegrid_service::{Service, system};
use std::collections::HashSet;
use std::time::Duration;

pub struct Responder {
    base: String,
    /// Objects warned of in this run: one warning per place, however often its alarm comes back.
    warned: HashSet<i64>,
}

/// The six digits after "回复" in a message: the reply code.
fn reply_code(text: &str) -> Option<String> {
    let at = text.find("回复")?;
    let digits: String = text[at..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() == 6).then_some(digits)
}

impl Responder {
    /// Points the town's SMS at a simulated gateway unless it has a gateway of its own.
    pub async fn start(svc: &Service, base: &str) -> Result<Responder> {
        let base = base.trim_end_matches('/').to_string();
        let mut channels: Channels = svc.channels().await?;
        if channels.sms.is_none() {
            let secret = format!("simulated-{:016x}", rand::random::<u64>());
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let gateway = format!("http://{}/sms", listener.local_addr()?);
            let app = Router::new().fallback({
                let (base, secret) = (base.clone(), secret.clone());
                move |body: Bytes| {
                    answer_later(base.clone(), secret.clone(), body);
                    async { r#"{"result":"accepted"}"# }
                }
            });
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            channels.base_url = base.clone();
            channels.sms = Some(SmsGateway {
                url: gateway.clone(),
                inbound_secret: secret,
                ..SmsGateway::default()
            });
            svc.set_channels(&system(), &channels).await?;
            println!(
                "SMS goes to a simulated gateway at {gateway}: people answer within a minute, one in five stays silent"
            );
        }
        Ok(Responder {
            base,
            warned: HashSet::new(),
        })
    }

    /// Issues a warning for each place with a red alarm that has none yet.
    pub async fn check(&mut self, svc: &Service) -> Result<()> {
        let sys = system();
        let open = svc.alarms(&sys, None, true).await?;
        let warned: HashSet<i64> = svc
            .warnings(&sys, false)
            .await?
            .iter()
            .filter_map(|w| w.alarm_id)
            .collect();
        for a in open.iter().filter(|a| a.level == "red") {
            if warned.contains(&a.id) || !self.warned.insert(a.object_id) {
                continue;
            }
            let who = |name: &'static str| async move {
                let u = safegrid_store::users::by_username(&svc.store, name)
                    .await?
                    .with_context(|| format!("the demo account {name}"))?;
                anyhow::Ok(svc.principal_of(&u).await?)
            };
            let (office, leader) = (who("office").await?, who("leader").await?);
            let input = svc.warning_from_alarm(&office, a.id).await?;
            let w = svc.create_warning(&office, &input).await?;
            svc.approve_warning(&leader, w.id).await?;
            let d = svc.issue_warning(&office, w.id).await?;
            println!(
                "warning issued: {} — {} people; watch {}/warnings/{}/board",
                d.warning.headline,
                d.recipients.len(),
                self.base,
                w.id
            );
        }
        Ok(())
    }
}

/// Answers a message the way a person might, a little later (or not at all).
fn answer_later(base: String, secret: String, body: Bytes) {
    let Ok(msg) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return;
    };
    let (Some(mobile), Some(text)) = (msg["mobile"].as_str(), msg["content"].as_str()) else {
        return;
    };
    let Some(code) = reply_code(text) else {
        return;
    };
    let mut rng = rand::thread_rng();
    if rng.gen_bool(0.2) {
        return;
    }
    let reply = if text.contains("撤离N") {
        format!("收到 {code} 撤离{}人", rng.gen_range(3..30))
    } else {
        format!("收到 {code}")
    };
    let wait = Duration::from_secs(rng.gen_range(3..60));
    let mobile = mobile.to_string();
    tokio::spawn(async move {
        tokio::time::sleep(wait).await;
        let _ = reqwest::Client::new()
            .post(format!("{base}/api/v1/sms/inbound"))
            .header("x-safegrid-secret", secret)
            .json(&serde_json::json!({ "from": mobile, "text": reply }))
            .send()
            .await;
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_reply_code_is_read_from_the_message() {
        assert_eq!(
            super::reply_code("有效至11月29日。收到请回复123456，已撤离").as_deref(),
            Some("123456")
        );
        assert_eq!(super::reply_code("no code here 123456"), None);
        assert_eq!(super::reply_code("回复12345"), None);
    }
}
