//! A red warning on its way to people: configured channels (SMS gateway, SMTP, group robots, the
//! inbox) against real peers on loopback, every delivery recorded, answers by link and by SMS
//! reply, and escalation of the silent at their deadline.

use super::monitoring::{get_json, post, token};
use super::sinks::{HttpSink, SmtpSink};
use super::warnings::red_alarm_at_site_1;
use super::{client, servers};
use safegrid_domain::registry::PersonInput;
use safegrid_service::system;
use serde_json::{Value, json};
use std::sync::Arc;

const SECRET: &str = "gateway-secret-0123456789";

/// Sends every queued message that is due, as the worker does; returns how many were recorded.
pub(super) async fn send_all(s: &super::Server) -> usize {
    let ch = Arc::new(safegrid_worker::deliver::Carriers::new(s.svc.clone()));
    let mut total = 0;
    loop {
        let n = safegrid_worker::deliver::run_once(&ch, "test-worker")
            .await
            .unwrap();
        if n == 0 {
            return total;
        }
        total += n;
    }
}

pub(super) fn channels(s: &super::Server, http: &HttpSink, smtp: &SmtpSink) -> Value {
    json!({
        "base_url": s.base,
        "first": ["inbox", "sms", "webhook", "email"],
        "sms": {"url": format!("{}/sms", http.base), "content_type": "application/json",
                "body_template": r#"{"mobile":"{mobile}","content":"{text}","msgid":"{id}"}"#,
                "per_second": 500, "inbound_secret": SECRET},
        "smtp": {"host": "127.0.0.1", "port": smtp.port, "from": "yjb@mawu.gov.cn", "per_second": 100},
        "webhooks": [
            {"name": "镇应急群", "format": "wecom", "url": format!("{}/robot", http.base), "region_path": "/", "per_minute": 600},
            {"name": "坏掉的接口", "format": "json", "url": format!("{}/fail", http.base), "region_path": "/", "per_minute": 600}
        ]
    })
}

fn row_of<'a>(board: &'a Value, key: &str, value: &Value) -> &'a Value {
    board["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| &x["recipient"][key] == value)
        .unwrap_or_else(|| panic!("no row with {key} = {value}"))
}

async fn inbox_of(s: &super::Server, user: &str) -> Vec<safegrid_store::jobs::InboxRow> {
    let u = safegrid_store::users::by_username(&s.svc.store, user)
        .await
        .unwrap()
        .unwrap();
    s.svc
        .inbox(&s.svc.principal_of(&u).await.unwrap())
        .await
        .unwrap()
}

/// A red warning at Shiba's landslide no. 1, approved and issued; its detail.
pub(super) async fn issue_red_warning(s: &super::Server) -> Value {
    let api = format!("{}/api/v1", s.base);
    let office = token(s, "office").await;
    let leader = token(s, "leader").await;
    let alarm = red_alarm_at_site_1(s).await;
    let draft = get_json(format!("{api}/alarms/{alarm}/warning-draft"), &office).await;
    let (st, w) = post(&format!("{api}/warnings"), &office, draft).await;
    assert_eq!(st, 201, "{w}");
    let id = w["id"].as_i64().unwrap();
    post(&format!("{api}/warnings/{id}/approve"), &leader, json!({})).await;
    let (st, d) = post(&format!("{api}/warnings/{id}/issue"), &office, json!({})).await;
    assert_eq!(st, 200, "{d}");
    d
}

async fn inbound(base: &str, secret: &str, from: &str, text: &str) -> (u16, Value) {
    let r = client()
        .post(format!("{base}/api/v1/sms/inbound"))
        .header("x-safegrid-secret", secret)
        .json(&json!({"from": from, "text": text}))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_red_warning_reaches_its_people_and_their_answers_and_silence_are_seen() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let leader = token(&s, "leader").await;
        let http = HttpSink::start().await;
        let smtp = SmtpSink::start().await;

        // Channels: a template without the number is refused by name; a village may not set them.
        let mut bad = channels(&s, &http, &smtp);
        bad["sms"]["body_template"] = json!(r#"{"content":"{text}"}"#);
        let r = client()
            .put(format!("{api}/channels"))
            .bearer_auth(&office)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["fields"][0]["field"], "sms.body_template", "{b}");
        let village = token(&s, "shiba").await;
        let r = client()
            .put(format!("{api}/channels"))
            .bearer_auth(&village)
            .json(&channels(&s, &http, &smtp))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403);
        let r = client()
            .put(format!("{api}/channels"))
            .bearer_auth(&office)
            .json(&channels(&s, &http, &smtp))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);

        // The monitor of site 1 has an account and an e-mail address.
        let alarm = red_alarm_at_site_1(&s).await;
        let draft = get_json(format!("{api}/alarms/{alarm}/warning-draft"), &office).await;
        let site: i64 = draft["object_ids"][0].as_str().unwrap().parse().unwrap();
        let duties = s.svc.object_detail(&system(), site).await.unwrap().duties;
        let monitor = duties.iter().find(|d| d.role == "monitor").unwrap().clone();
        let p = s.svc.person(&system(), monitor.person_id).await.unwrap();
        s.svc
            .update_person(
                &system(),
                p.id,
                &PersonInput {
                    name: p.name.clone(),
                    mobile: p.mobile.clone(),
                    email: "monitor@mawu.gov.cn".into(),
                    region_id: p.region_id.to_string(),
                    organisation: p.organisation.clone().unwrap_or_default(),
                    title: p.title.clone().unwrap_or_default(),
                    roles: p
                        .roles
                        .split(',')
                        .filter(|r| !r.is_empty())
                        .map(str::to_string)
                        .collect(),
                },
            )
            .await
            .unwrap();
        s.svc
            .link_person(&system(), "monitor", Some(p.id))
            .await
            .unwrap();
        // The demo's village head account aside, the monitor's is the one inbox reached.
        s.svc.link_person(&system(), "shiba", None).await.unwrap();

        // Issued: every recipient's messages are queued with the warning.
        let (st, w) = post(&format!("{api}/warnings"), &office, draft).await;
        assert_eq!(st, 201, "{w}");
        let id = w["id"].as_i64().unwrap();
        post(&format!("{api}/warnings/{id}/approve"), &leader, json!({})).await;
        let (st, d) = post(&format!("{api}/warnings/{id}/issue"), &office, json!({})).await;
        assert_eq!(st, 200, "{d}");
        let recipients = d["recipients"].as_array().unwrap().clone();
        let board = get_json(format!("{api}/warnings/{id}/board"), &office).await;
        let queued: i64 = board["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c[1] == "queued")
            .map(|c| c[2].as_i64().unwrap())
            .sum();
        // An SMS each, the monitor's inbox and e-mail, two robots.
        assert_eq!(
            queued as usize,
            recipients.len() + 2 + 2,
            "{}",
            board["deliveries"]
        );

        // Sent: one SMS per person with their code and link, the robot with the numbers, the
        // broken endpoint tried and kept for another try, the monitor's inbox and e-mail.
        let sent = send_all(&s).await;
        assert_eq!(sent, recipients.len() + 4);
        let mails = smtp.mails.lock().unwrap().clone();
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert!(mails[0].contains("monitor@mawu.gov.cn"), "{}", mails[0]);
        assert!(mails[0].contains("Message-ID: <delivery-"), "{}", mails[0]);
        let sms = http.hits("/sms");
        assert_eq!(sms.len(), recipients.len());
        let mut ids: Vec<&str> = sms.iter().map(|h| h.delivery.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), sms.len(), "a delivery id sent twice");
        for r in &recipients {
            let mobile = r["mobile"].as_str().unwrap();
            let hit = sms
                .iter()
                .find(|h| h.body.contains(mobile))
                .unwrap_or_else(|| panic!("{mobile} got no SMS"));
            let body: Value = serde_json::from_str(&hit.body).unwrap();
            let text = body["content"].as_str().unwrap();
            assert!(text.contains(r["reply_code"].as_str().unwrap()), "{text}");
            assert!(text.contains(&format!("{}/a/", s.base)), "{text}");
            assert_eq!(body["msgid"], hit.delivery.as_str());
        }
        let robot = http.hits("/robot");
        assert_eq!(robot.len(), 1);
        let rb: Value = serde_json::from_str(&robot[0].body).unwrap();
        assert_eq!(rb["msgtype"], "text");
        assert_eq!(
            rb["text"]["mentioned_mobile_list"]
                .as_array()
                .unwrap()
                .len(),
            recipients.len()
        );
        assert_eq!(http.hits("/fail").len(), 1);
        let board = get_json(format!("{api}/warnings/{id}/board"), &office).await;
        let count = |ch: &str, st: &str| {
            board["deliveries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c[0] == ch && c[1] == st)
                .map_or(0, |c| c[2].as_i64().unwrap())
        };
        assert_eq!(
            count("sms", "sent") as usize,
            recipients.len(),
            "{}",
            board["deliveries"]
        );
        assert_eq!(count("inbox", "delivered"), 1);
        assert_eq!(count("email", "sent"), 1);
        assert_eq!(count("webhook", "sent"), 1);
        assert_eq!(
            count("webhook", "queued"),
            1,
            "the failed robot waits for its retry"
        );
        let monitor_row = row_of(&board, "mobile", &json!(monitor.mobile)).clone();
        assert!(
            monitor_row["deliveries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d[0] == "inbox" && d[1] == "delivered"),
            "{monitor_row}"
        );
        let inbox = inbox_of(&s, "monitor").await;
        assert!(
            inbox.iter().any(|m| m.title.contains("地质灾害红色预警")),
            "{inbox:?}"
        );

        // The monitor answers by the link of their SMS: patrolling.
        let hit = sms
            .iter()
            .find(|h| h.body.contains(&monitor.mobile))
            .unwrap();
        let text = serde_json::from_str::<Value>(&hit.body).unwrap()["content"]
            .as_str()
            .unwrap()
            .to_string();
        let link = text[text.find(&format!("{}/a/", s.base)).unwrap()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();
        let page = client().get(&link).send().await.unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("石坝村1号滑坡"), "{html}");
        let r = client()
            .post(&link)
            .form(&[("actions", "patrol"), ("note", "已到现场")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.text().await.unwrap().contains("id=\"saved\""));
        // An action not asked of them is refused by name; a guessed link is not found.
        let r = client()
            .post(&link)
            .form(&[("actions", "stop_work")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let guessed = format!("{}/a/{}", s.base, "0".repeat(24));
        assert_eq!(
            client()
                .get(&guessed)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16(),
            404
        );

        // An SMS reply with the code and the people moved; a wrong secret, an unknown number and
        // a wrong code are each answered for what they are.
        let mover = recipients
            .iter()
            .find(|r| r["actions"].as_str().unwrap().contains("evacuate"))
            .expect("someone is asked to move people")
            .clone();
        let code = mover["reply_code"].as_str().unwrap();
        let mobile = mover["mobile"].as_str().unwrap();
        let (st, _) = inbound(&s.base, "wrong-secret", mobile, code).await;
        assert_eq!(st, 401);
        let (st, b) = inbound(&s.base, SECRET, mobile, &format!("收到 {code} 撤离12人")).await;
        assert_eq!(st, 200);
        assert_eq!(b["outcome"], "answered", "{b}");
        let (_, b) = inbound(&s.base, SECRET, mobile, "收到 999999").await;
        assert_eq!(b["outcome"], "bad_code");
        let (_, b) = inbound(&s.base, SECRET, "13900000001", "123456").await;
        assert_eq!(b["outcome"], "unknown_sender");
        let unmatched = get_json(format!("{api}/sms-replies/unmatched"), &office).await;
        assert!(
            unmatched
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["sender"] == "13900000001")
        );

        let board = get_json(format!("{api}/warnings/{id}/board"), &office).await;
        assert_eq!(board["tally"]["answered"], 2, "{}", board["tally"]);
        let moved: i64 = board["places"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["evacuated"].as_i64().unwrap())
            .sum();
        assert_eq!(moved, 12);
        let threatened: i64 = board["places"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["threatened"].as_i64().unwrap())
            .sum();
        assert!(threatened > 0, "{}", board["places"]);

        // The gateway's receipt marks an SMS delivered.
        let first_sms: i64 = sms[0].delivery.parse().unwrap();
        let r = client()
            .post(format!("{}/api/v1/sms/receipt", s.base))
            .header("x-safegrid-secret", SECRET)
            .json(&json!({"id": first_sms.to_string(), "status": "delivered"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);

        // Past the deadline the silent are escalated: the warning again to them, and their
        // village head and the office told.
        let silent: Vec<&Value> = recipients
            .iter()
            .filter(|r| r["mobile"] != monitor.mobile.as_str() && r["mobile"] != mobile)
            .collect();
        assert!(!silent.is_empty());
        let due: chrono::DateTime<chrono::Utc> =
            recipients[0]["due_at"].as_str().unwrap().parse().unwrap();
        s.svc
            .run_due_jobs("test-worker", due + chrono::Duration::seconds(1), 1000)
            .await
            .unwrap();
        // The repeats go at once, the word to others a second later (naming everyone silent).
        send_all(&s).await;
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        send_all(&s).await;
        let board = get_json(format!("{api}/warnings/{id}/board"), &office).await;
        for r in &silent {
            let row = row_of(&board, "id", &r["id"]);
            assert!(!row["recipient"]["escalated_at"].is_null(), "{row}");
        }
        // The answered were not escalated.
        for m in [monitor.mobile.as_str(), mobile] {
            let row = row_of(&board, "mobile", &json!(m));
            assert!(row["recipient"]["escalated_at"].is_null(), "{row}");
        }
        assert!(!board["escalations"].as_array().unwrap().is_empty());
        // The duty officer of the moment, as the roster names them, is told too.
        let town = s.svc.villages(&system()).await.unwrap()[0].path.clone();
        let duty = s
            .svc
            .on_duty(&town, chrono::Utc::now())
            .await
            .unwrap()
            .expect("the demo roster covers today");
        let officer = row_of(&board, "mobile", &json!(duty.officer_mobile));
        assert!(
            officer["recipient"]["reasons"]
                .as_str()
                .unwrap()
                .contains("escalation:duty_officer@马武镇"),
            "{officer}"
        );
        assert!(
            officer["deliveries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d[0] == "sms"),
            "{officer}"
        );
        let office_inbox = inbox_of(&s, "office").await;
        // One word to the office for the deadline, naming the silent, not one per person.
        let told: Vec<_> = office_inbox
            .iter()
            .filter(|m| m.title.starts_with("【叫应超时】"))
            .collect();
        assert_eq!(told.len(), 1, "{office_inbox:?}");
        for r in silent.iter().take(5) {
            assert!(
                told[0].body.contains(r["name"].as_str().unwrap()),
                "{}",
                told[0].body
            );
        }
        let repeats = http
            .hits("/sms")
            .iter()
            .filter(|h| h.body.contains("未回应，再次通知"))
            .count();
        assert!(
            repeats >= silent.len(),
            "{repeats} repeats for {} silent",
            silent.len()
        );

        // Cancelled: the link says the warning has ended and takes no answer.
        post(&format!("{api}/warnings/{id}/cancel"), &office, json!({})).await;
        let html = client()
            .get(&link)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("id=\"ended\""), "{html}");
        let r = client()
            .post(&link)
            .form(&[("note", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
    }
}

#[tokio::test]
async fn a_gateway_that_limits_and_robots_that_hang_or_refuse_hold_up_no_one() {
    for s in servers().await {
        let http = HttpSink::start().await;
        let smtp = SmtpSink::start().await;
        let mut c = channels(&s, &http, &smtp);
        c["timeout_secs"] = json!(1);
        c["sms"]["url"] = json!(format!("{}/limit", http.base));
        c["webhooks"] = json!([
            {"name": "卡住的群", "format": "json", "url": format!("{}/hang", http.base), "region_path": "/", "per_minute": 600},
            {"name": "拒收的群", "format": "dingtalk", "url": format!("{}/refuse", http.base), "region_path": "/", "per_minute": 600}
        ]);
        let cfg: safegrid_domain::delivery::Channels = serde_json::from_value(c).unwrap();
        s.svc.set_channels(&system(), &cfg).await.unwrap();
        let d = issue_red_warning(&s).await;
        let id = d["warning"]["id"].as_i64().unwrap();
        let n = d["recipients"].as_array().unwrap().len();
        assert!(n >= 3, "{n}");

        // One round: the gateway turns the first two away (429), the rest go; one robot hangs past
        // the timeout, the other refuses for good; none of it stops the others.
        send_all(&s).await;
        let board = s.svc.warning_board(&system(), id).await.unwrap();
        let of = |ch: &str, st: &str| {
            board
                .deliveries
                .iter()
                .find(|c| c.0 == ch && c.1 == st)
                .map_or(0, |c| c.2)
        };
        assert_eq!(of("sms", "sent") as usize, n - 2, "{:?}", board.deliveries);
        assert_eq!(of("sms", "queued"), 2, "{:?}", board.deliveries);
        let all = safegrid_store::deliveries::of_warning(&s.svc.store, id)
            .await
            .unwrap();
        let err_of = |pred: &dyn Fn(&safegrid_store::deliveries::DeliveryRow) -> bool| {
            all.iter()
                .filter(|d| pred(d))
                .filter_map(|d| d.error.clone())
                .collect::<Vec<_>>()
        };
        let limited = err_of(&|d| d.channel == "sms" && d.status == "queued");
        assert!(
            limited.iter().all(|e| e.contains("HTTP 429")),
            "{limited:?}"
        );
        let hung = err_of(&|d| d.address == "卡住的群");
        assert!(hung[0].contains("no answer in time"), "{hung:?}");
        assert_eq!(
            all.iter().find(|d| d.address == "卡住的群").unwrap().status,
            "queued",
            "a hanging robot is tried again"
        );
        let refused = all.iter().find(|d| d.address == "拒收的群").unwrap();
        assert_eq!(refused.status, "failed");
        assert!(
            refused.error.as_deref().unwrap().contains("310000"),
            "{refused:?}"
        );

        // After the gateway's Retry-After, the two go out too.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        send_all(&s).await;
        let board = s.svc.warning_board(&system(), id).await.unwrap();
        let sent = board
            .deliveries
            .iter()
            .find(|c| c.0 == "sms" && c.1 == "sent")
            .map_or(0, |c| c.2);
        assert_eq!(sent as usize, n, "{:?}", board.deliveries);
    }
}

/// A blue rainstorm warning over every village, issued by the office; its id and how many
/// people it reaches.
async fn issue_town_wide(s: &super::Server) -> (i64, usize) {
    let office = s
        .svc
        .principal_of(
            &safegrid_store::users::by_username(&s.svc.store, "office")
                .await
                .unwrap()
                .unwrap(),
        )
        .await
        .unwrap();
    let villages = s.svc.villages(&system()).await.unwrap();
    let input = safegrid_domain::warning::WarningInput {
        kind: "rainstorm".into(),
        level: "blue".into(),
        headline: "全镇暴雨蓝色预警".into(),
        instruction: "注意防范".into(),
        expires: safegrid_domain::local_time::form_value(
            chrono::Utc::now() + chrono::Duration::hours(6),
        ),
        region_ids: villages.iter().map(|v| v.id.to_string()).collect(),
        ..Default::default()
    };
    let w = s.svc.create_warning(&office, &input).await.unwrap();
    s.svc.approve_warning(&office, w.id).await.unwrap();
    let d = s.svc.issue_warning(&office, w.id).await.unwrap();
    (w.id, d.recipients.len())
}

/// Waits until no SMS of the warning is queued; returns the counts by status.
async fn until_sent(
    s: &super::Server,
    id: i64,
    within: std::time::Duration,
) -> Vec<(String, String, i64)> {
    let start = std::time::Instant::now();
    loop {
        let c = safegrid_store::deliveries::counts(&s.svc.store, id)
            .await
            .unwrap();
        if !c.iter().any(|x| x.1 == "queued") || start.elapsed() > within {
            return c;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// How often each delivery id reached the SMS gateway.
fn per_delivery(http: &HttpSink, path: &str) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for h in http.hits(path) {
        *m.entry(h.delivery).or_default() += 1;
    }
    m
}

#[tokio::test]
async fn two_server_processes_send_each_message_once() {
    for s in servers().await {
        let http = HttpSink::start().await;
        let smtp = SmtpSink::start().await;
        let mut c = channels(&s, &http, &smtp);
        c["timeout_secs"] = json!(1);
        c["webhooks"] = json!([]);
        let cfg: safegrid_domain::delivery::Channels = serde_json::from_value(c).unwrap();
        s.svc.set_channels(&system(), &cfg).await.unwrap();
        let (id, n) = issue_town_wide(&s).await;
        assert!(n > 50, "only {n} people reached");
        let dir = tempfile::tempdir().unwrap();
        let mut a = super::serve_process(&s.db.url, 0, dir.path());
        let mut b = super::serve_process(&s.db.url, 0, dir.path());
        let counts = until_sent(&s, id, std::time::Duration::from_secs(60)).await;
        let _ = a.kill();
        let _ = b.kill();
        let _ = a.wait();
        let _ = b.wait();
        assert!(!counts.iter().any(|x| x.1 == "queued"), "{counts:?}");
        let seen = per_delivery(&http, "/sms");
        assert_eq!(seen.len(), n, "every person's SMS went out");
        let twice: Vec<_> = seen.iter().filter(|(_, k)| **k > 1).collect();
        assert!(twice.is_empty(), "sent more than once: {twice:?}");
        let stored = safegrid_store::deliveries::of_warning(&s.svc.store, id)
            .await
            .unwrap();
        assert!(
            stored
                .iter()
                .filter(|d| d.channel == "sms")
                .all(|d| d.status == "sent" && d.attempts == 1)
        );
    }
}

#[tokio::test]
async fn a_killed_sender_is_taken_over_and_loses_nothing() {
    for s in servers().await {
        let http = HttpSink::start().await;
        let smtp = SmtpSink::start().await;
        let mut c = channels(&s, &http, &smtp);
        c["timeout_secs"] = json!(1);
        c["webhooks"] = json!([]);
        // Slow enough to be killed halfway.
        c["sms"]["per_second"] = json!(25);
        let cfg: safegrid_domain::delivery::Channels = serde_json::from_value(c).unwrap();
        s.svc.set_channels(&system(), &cfg).await.unwrap();
        let (id, n) = issue_town_wide(&s).await;
        let dir = tempfile::tempdir().unwrap();
        let mut a = super::serve_process(&s.db.url, 0, dir.path());
        let start = std::time::Instant::now();
        while http.hits("/sms").len() < n / 4
            && start.elapsed() < std::time::Duration::from_secs(30)
        {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        a.kill().unwrap();
        a.wait().unwrap();
        let at_kill = per_delivery(&http, "/sms");
        assert!(at_kill.len() < n, "all {n} were sent before the kill");
        let mut b = super::serve_process(&s.db.url, 0, dir.path());
        let counts = until_sent(&s, id, std::time::Duration::from_secs(90)).await;
        let _ = b.kill();
        let _ = b.wait();
        assert!(!counts.iter().any(|x| x.1 == "queued"), "{counts:?}");
        let seen = per_delivery(&http, "/sms");
        assert_eq!(seen.len(), n, "every person's SMS went out");
        // Only the messages of the kill's last moment (sent, not yet recorded: at this pace a few)
        // go twice, with the same delivery id, so the gateway can drop them.
        let twice: Vec<_> = seen.iter().filter(|(_, k)| **k > 1).collect();
        assert!(twice.len() <= 5, "{twice:?}");
        assert!(
            twice.iter().all(|(id, _)| at_kill.contains_key(*id)),
            "{twice:?}"
        );
    }
}

#[tokio::test]
async fn the_board_shows_an_answer_live_and_only_to_those_who_may_see_it() {
    for s in servers().await {
        let http = HttpSink::start().await;
        let smtp = SmtpSink::start().await;
        let cfg: safegrid_domain::delivery::Channels =
            serde_json::from_value(channels(&s, &http, &smtp)).unwrap();
        s.svc.set_channels(&system(), &cfg).await.unwrap();
        let d = issue_red_warning(&s).await;
        let id = d["warning"]["id"].as_i64().unwrap();
        send_all(&s).await;
        let hit = http.hits("/sms")[0].clone();
        let text = serde_json::from_str::<Value>(&hit.body).unwrap()["content"]
            .as_str()
            .unwrap()
            .to_string();
        let link = text[text.find(&format!("{}/a/", s.base)).unwrap()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_string();

        // The office's board, listening.
        let c = client();
        super::login(&c, &s.base, "office").await;
        let html = super::body_of(&c, format!("{}/warnings/{id}/board", s.base)).await;
        assert!(html.contains("id=\"board-rows\""), "{html}");
        assert!(html.contains("t-answered\">0<"), "{html}");
        let mut events = c
            .get(format!("{}/warnings/{id}/board/events", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(events.status().as_u16(), 200);

        // An answer arrives: the board says so within a second or so.
        let r = client()
            .post(&link)
            .form(&[("note", "收到")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let got = tokio::time::timeout(std::time::Duration::from_secs(3), async {
            let mut buf = String::new();
            while let Some(chunk) = events.chunk().await.unwrap() {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                if buf.contains("event: changed") {
                    return buf;
                }
            }
            buf
        })
        .await
        .expect("no change pushed within 3 s");
        assert!(got.contains("event: changed"), "{got}");
        let html = super::body_of(&c, format!("{}/warnings/{id}/board?fragment=1", s.base)).await;
        assert!(html.contains("t-answered\">1<"), "{html}");
        assert!(html.contains("row-answered"), "{html}");
        let x = c
            .get(format!("{}/warnings/{id}/board.xlsx", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(x.status().as_u16(), 200);
        assert!(x.bytes().await.unwrap().starts_with(b"PK"));

        // Another village's cadre sees neither the board nor its events.
        super::warnings::baozi_account(&s).await;
        let other = client();
        super::login(&other, &s.base, "baozi").await;
        for path in ["board", "board/events", "board.xlsx"] {
            let r = other
                .get(format!("{}/warnings/{id}/{path}", s.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 404, "{path}");
        }
        let r = client()
            .get(format!("{}/api/v1/warnings/{id}/board", s.base))
            .bearer_auth(token(&s, "baozi").await)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 404);
    }
}

#[tokio::test]
async fn what_a_warning_asks_is_the_towns_configuration() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let put = |t: String, body: Value| {
            let url = format!("{api}/required-actions");
            async move {
                let r = client()
                    .put(url)
                    .bearer_auth(t)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                (
                    r.status().as_u16(),
                    r.json::<Value>().await.unwrap_or(Value::Null),
                )
            }
        };
        let mut rules = get_json(format!("{api}/required-actions"), &office).await;
        assert_eq!(rules["rules"][0]["actions"][0], "patrol", "{rules}");
        // Grid members patrol under any rainstorm warning, from blue up: a rule put first.
        rules["rules"].as_array_mut().unwrap().insert(
            0,
            json!({"reached": ["person:grid_member"], "kinds": ["rainstorm"], "min_level": "blue", "actions": ["patrol"]}),
        );
        // A village may not change them; a rule naming no one known is refused by name.
        let (st, _) = put(token(&s, "shiba").await, rules.clone()).await;
        assert_eq!(st, 403);
        let mut bad = rules.clone();
        bad["rules"][0]["reached"][0] = json!("person:mayor");
        let (st, b) = put(office.clone(), bad).await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["field"], "rules.0.reached.0", "{b}");
        let (st, b) = put(office.clone(), rules).await;
        assert_eq!(st, 200, "{b}");

        let (id, _) = issue_town_wide(&s).await;
        let rs = safegrid_store::warnings::recipients(&s.svc.store, id)
            .await
            .unwrap();
        let grid: Vec<_> = rs
            .iter()
            .filter(|r| r.reasons.contains(":grid_member@"))
            .collect();
        assert!(!grid.is_empty());
        assert!(
            grid.iter().all(|r| r.actions.contains("patrol")),
            "{grid:?}"
        );
    }
}

/// The SMTP security setting is honoured: a server that offers no STARTTLS is not sent the
/// message in the clear when STARTTLS was asked for, and the failure says why; without security
/// the same server takes it.
#[tokio::test]
async fn e_mail_asked_to_go_over_starttls_is_not_sent_in_the_clear() {
    use safegrid_domain::delivery::{Channel, Smtp, SmtpSecurity};
    use safegrid_service::deliveries::{Outcome, Outgoing};
    use safegrid_worker::deliver::{Carrier, Email};
    let sink = SmtpSink::start().await;
    let message = |security| Outgoing {
        job_id: 1,
        delivery_id: 7,
        warning_id: 1,
        channel: Channel::Email,
        address: "monitor@mawu.gov.cn".into(),
        title: "暴雨红色预警".into(),
        text: "请立即巡查".into(),
        link: None,
        webhook: None,
        sms: None,
        smtp: Some(Smtp {
            host: "127.0.0.1".into(),
            port: sink.port,
            security,
            from: "yjb@mawu.gov.cn".into(),
            ..Smtp::default()
        }),
        timeout: std::time::Duration::from_secs(5),
    };
    match Email.send(&message(SmtpSecurity::Starttls)).await {
        Outcome::Failed { reason, .. } => assert!(reason.starts_with("SMTP"), "{reason}"),
        other => panic!("sent without TLS: {other:?}"),
    }
    assert!(sink.mails.lock().unwrap().is_empty());
    assert_eq!(
        Email.send(&message(SmtpSecurity::None)).await,
        Outcome::Sent { external_id: None }
    );
    assert_eq!(sink.mails.lock().unwrap().len(), 1);
}
