//! Warnings from other senders: a CAP message posted to the API becomes a draft, its Update
//! revises it and its Cancel cancels it; and two safegrid processes, each reading the other's
//! Atom feed, pass a warning down and recognise the copy coming back as the same incident.

use super::monitoring::{get_json, token};
use super::{client, servers};
use chrono::{Duration, Utc};
use safegrid_cap as cap;
use safegrid_domain::access::Principal;
use safegrid_domain::warning::{self, CapSource, Issuer, WarningDraft, WarningInput, WarningKind};
use safegrid_service::{Service, system};
use safegrid_store::warnings as wstore;
use serde_json::Value;

fn bureau() -> Issuer {
    Issuer {
        area_code: "500102".into(),
        org_code: "123".into(),
        sender: "qxt.fuling@cma.example".into(),
        sender_name: "涪陵区气象台".into(),
    }
}

/// The bureau's CAP message over one village, by its name and code.
fn bureau_message(
    level: safegrid_domain::alarm::Level,
    village: (&str, &str),
    seq: u8,
    msg_type: cap::MsgType,
    references: &[String],
) -> cap::Alert {
    let now = Utc::now();
    let d = WarningDraft {
        kind: WarningKind::Rainstorm,
        level,
        headline: format!("{}暴雨预警", village.0),
        description: Some("未来6小时降雨量将达50毫米以上。".into()),
        instruction: Some("注意防范山洪、滑坡。".into()),
        headline_en: None,
        description_en: None,
        instruction_en: None,
        onset: now,
        expires: now + Duration::hours(6),
        region_ids: vec![],
        object_ids: vec![],
        polygon: None,
        alarm_id: None,
    };
    let src = CapSource {
        draft: &d,
        area_names: vec![village.0.into()],
        area_codes: vec![village.1.into()],
        web: None,
        exercise: false,
    };
    let issuer = bureau();
    warning::to_cap(
        &src,
        &issuer,
        &issuer.identifier(now, seq),
        now,
        msg_type,
        references,
    )
}

async fn post_xml(url: &str, token: &str, xml: String) -> (u16, Value) {
    let r = client()
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/cap+xml")
        .body(xml)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    (st, r.json().await.unwrap_or(Value::Null))
}

async fn shiba(svc: &Service) -> (i64, String) {
    let v = svc
        .villages(&system())
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.name == "石坝村")
        .unwrap();
    (v.id, v.code.unwrap())
}

#[tokio::test]
async fn a_received_alert_is_drafted_then_revised_then_cancelled() {
    use safegrid_domain::alarm::Level;
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let (shiba_id, code) = shiba(&s.svc).await;
        let first = bureau_message(
            Level::Orange,
            ("石坝村", &code),
            0,
            cap::MsgType::Alert,
            &[],
        );
        let xml = first.to_xml();

        // Only the office (and leaders) take messages in.
        for user in ["monitor", "shiba", "firm", "yjb"] {
            let t = token(&s, user).await;
            let (st, _) = post_xml(&format!("{api}/cap/import"), &t, xml.clone()).await;
            assert_eq!(st, 403, "{user}");
        }
        let (st, got) = post_xml(&format!("{api}/cap/import"), &office, xml.clone()).await;
        assert_eq!(st, 200, "{got}");
        assert_eq!(got["outcome"], "drafted");
        let id = got["warning_id"].as_i64().unwrap();
        let w = get_json(format!("{api}/warnings/{id}"), &office).await;
        assert_eq!(w["warning"]["status"], "draft", "{w}");
        assert_eq!(w["warning"]["origin"], "imported");
        assert_eq!(w["warning"]["kind"], "rainstorm");
        assert_eq!(w["warning"]["level"], "orange");
        assert_eq!(w["areas"][0][0], shiba_id, "{w}");
        assert_eq!(w["messages"][0]["received"], true);
        // The office hears of it.
        let inbox = s
            .svc
            .inbox(&principal(&s.svc, "office").await)
            .await
            .unwrap();
        assert!(
            inbox
                .iter()
                .any(|m| m.title.starts_with("收到涪陵区气象台预警")
                    && m.link.as_deref() == Some(&*format!("/warnings/{id}"))),
            "{inbox:?}"
        );

        // The same message again changes nothing.
        let (st, again) = post_xml(&format!("{api}/cap/import"), &office, xml.clone()).await;
        assert_eq!((st, &again["outcome"]), (200, &Value::from("already_held")));

        // An Update raising it to red revises the draft.
        let update = bureau_message(
            Level::Red,
            ("石坝村", &code),
            1,
            cap::MsgType::Update,
            &[first.reference()],
        );
        let (st, got) = post_xml(&format!("{api}/cap/import"), &office, update.to_xml()).await;
        assert_eq!(st, 200, "{got}");
        assert_eq!(
            (got["outcome"].as_str(), got["warning_id"].as_i64()),
            (Some("revised"), Some(id))
        );
        let w = get_json(format!("{api}/warnings/{id}"), &office).await;
        assert_eq!(w["warning"]["level"], "red");
        assert_eq!(w["messages"].as_array().unwrap().len(), 2);

        // Messages the town does not take, each with its reason.
        let mut exercise =
            bureau_message(Level::Blue, ("石坝村", &code), 2, cap::MsgType::Alert, &[]);
        exercise.status = cap::Status::Exercise;
        let own = {
            let mut a = bureau_message(Level::Blue, ("石坝村", &code), 3, cap::MsgType::Alert, &[]);
            a.sender = s.svc.cap_issuer().await.unwrap().sender;
            a
        };
        let dtd = format!(
            "<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>{}",
            xml.trim_start_matches("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        );
        let cap11 = xml.replace(cap::NS, cap::NS_1_1);
        for (body, code) in [
            (exercise.to_xml(), "warning.cap_not_actual"),
            (own.to_xml(), "warning.cap_own"),
            (dtd, "warning.cap_invalid"),
            (cap11, "warning.cap_invalid"),
            ("not xml at all".to_string(), "warning.cap_invalid"),
        ] {
            let (st, b) = post_xml(&format!("{api}/cap/import"), &office, body).await;
            assert_eq!(st, 422, "{code}: {b}");
            assert_eq!(b["fields"][0]["code"], code, "{b}");
        }

        // The Cancel cancels the draft.
        let cancel = bureau_message(
            Level::Red,
            ("石坝村", &code),
            4,
            cap::MsgType::Cancel,
            &[first.reference(), update.reference()],
        );
        let (st, got) = post_xml(&format!("{api}/cap/import"), &office, cancel.to_xml()).await;
        assert_eq!(st, 200, "{got}");
        assert_eq!(got["outcome"], "cancelled");
        let w = get_json(format!("{api}/warnings/{id}"), &office).await;
        assert_eq!(w["warning"]["status"], "cancelled");
        // Nothing else was drafted by the refused messages.
        let all = get_json(format!("{api}/warnings"), &office).await;
        assert_eq!(
            all.as_array()
                .unwrap()
                .iter()
                .filter(|w| w["origin"] == "imported")
                .count(),
            1,
            "{all}"
        );
    }
}

async fn principal(svc: &Service, user: &str) -> Principal {
    let u = safegrid_store::users::by_username(&svc.store, user)
        .await
        .unwrap()
        .unwrap();
    svc.principal_of(&u).await.unwrap()
}

/// Kills the processes when the test ends, passed or not.
struct Processes(Vec<std::process::Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for p in &mut self.0 {
            let _ = p.kill();
            let _ = p.wait();
        }
    }
}

/// Waits (at most a minute) until `f` gives something.
async fn until<T, F: std::future::Future<Output = Option<T>>>(what: &str, f: impl Fn() -> F) -> T {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(start.elapsed().as_secs() < 60, "waited a minute for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn two_safegrid_processes_exchange_a_warning_through_their_feeds() {
    use safegrid_domain::cap_import::{Subscription, Subscriptions};
    for a in servers().await {
        // The neighbouring town: a database of its own on the same backend.
        let db_b = match a.db.backend() {
            "postgres" => safegrid_store::testing::postgres().await.unwrap(),
            _ => safegrid_store::testing::sqlite().await,
        };
        let b = super::start(db_b).await;
        b.svc
            .set_cap_issuer(
                &system(),
                &Issuer {
                    sender: "yjb.neighbour@safegrid".into(),
                    sender_name: "邻镇应急管理办公室".into(),
                    ..Issuer::default()
                },
            )
            .await
            .unwrap();
        let (port_a, port_b) = (super::free_port(), super::free_port());
        let feed = |name: &str, port: u16| Subscriptions {
            feeds: vec![Subscription {
                name: name.into(),
                url: format!("http://127.0.0.1:{port}/cap/feed.atom"),
                every_secs: 5,
            }],
        };
        b.svc
            .set_cap_feeds(&system(), &feed("马武镇", port_a))
            .await
            .unwrap();
        a.svc
            .set_cap_feeds(&system(), &feed("邻镇", port_b))
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let _procs = Processes(vec![
            super::serve_process(&a.db.url, port_a, dir.path()),
            super::serve_process(&b.db.url, port_b, dir.path()),
        ]);

        // Town A issues a yellow rainstorm warning over its Shiba village.
        let (office_a, leader_a) = (
            principal(&a.svc, "office").await,
            principal(&a.svc, "leader").await,
        );
        let (shiba_a, _) = shiba(&a.svc).await;
        let input = WarningInput {
            kind: "rainstorm".into(),
            level: "yellow".into(),
            headline: "石坝村暴雨黄色预警".into(),
            instruction: "转移低洼地带群众".into(),
            expires: safegrid_domain::local_time::form_value(Utc::now() + Duration::hours(6)),
            region_ids: vec![shiba_a.to_string()],
            ..Default::default()
        };
        let w = a.svc.create_warning(&office_a, &input).await.unwrap();
        a.svc.approve_warning(&leader_a, w.id).await.unwrap();
        a.svc.issue_warning(&office_a, w.id).await.unwrap();

        // Town B's process reads A's feed: a draft over B's own Shiba, found by its code.
        let (shiba_b, _) = shiba(&b.svc).await;
        let office_b = principal(&b.svc, "office").await;
        let drafted = until("B to draft A's warning", || async {
            b.svc
                .warnings(&office_b, false)
                .await
                .unwrap()
                .into_iter()
                .find(|w| w.origin == "imported")
        })
        .await;
        assert_eq!(
            (drafted.status.as_str(), drafted.level.as_str()),
            ("draft", "yellow")
        );
        let areas = wstore::areas(&b.svc.store, drafted.id).await.unwrap();
        assert_eq!(areas[0].0, Some(shiba_b), "{areas:?}");

        // A raises it to orange: B's draft follows.
        let raised = WarningInput {
            level: "orange".into(),
            ..input.clone()
        };
        a.svc
            .update_warning(&leader_a, w.id, &raised)
            .await
            .unwrap();
        until("B to revise its draft", || async {
            let w = wstore::get(&b.svc.store, drafted.id)
                .await
                .unwrap()
                .unwrap();
            (w.level == "orange").then_some(())
        })
        .await;

        // B issues it to its own people; A reads B's feed and holds B's message with its own
        // warning, as the same incident, instead of drafting a new one.
        let leader_b = principal(&b.svc, "leader").await;
        b.svc.approve_warning(&leader_b, drafted.id).await.unwrap();
        b.svc.issue_warning(&office_b, drafted.id).await.unwrap();
        until("A to hold B's message", || async {
            let ms = wstore::messages_of(&a.svc.store, w.id).await.unwrap();
            ms.iter()
                .any(|m| m.received && m.sender == "yjb.neighbour@safegrid")
                .then_some(())
        })
        .await;
        let a_imported = a
            .svc
            .warnings(&office_a, false)
            .await
            .unwrap()
            .into_iter()
            .filter(|w| w.origin == "imported")
            .count();
        assert_eq!(a_imported, 0, "A took its own warning back as new");
        // And each feed read is recorded, without error.
        let st = b.svc.feed_statuses(&office_b).await.unwrap();
        assert!(
            st[0].last_at.is_some() && st[0].last_error.is_none(),
            "{st:?}"
        );
    }
}

#[tokio::test]
async fn the_office_takes_a_cap_file_in_and_subscribes_to_a_feed_on_the_sources_page() {
    use safegrid_domain::alarm::Level;
    for s in servers().await {
        let (_, code) = shiba(&s.svc).await;
        // A village cadre has no such page.
        let village = client();
        super::login(&village, &s.base, "shiba").await;
        let st = village
            .get(format!("{}/warnings/sources", s.base))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(st, 403);

        let c = client();
        super::login(&c, &s.base, "office").await;
        let html = super::body_of(&c, format!("{}/warnings/sources", s.base)).await;
        let csrf = super::csrf_in(&html);
        let import = |body: reqwest::multipart::Form| {
            c.post(format!("{}/warnings/sources/import?csrf={csrf}", s.base))
                .multipart(body)
                .send()
        };
        // A file that is not CAP: the page says which element is wrong.
        let bad = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>x</identifier></alert>".to_vec())
                .file_name("bad.xml"),
        );
        let r = import(bad).await.unwrap();
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("CAP &#60;alert&#62;") && body.contains("不是有效的 CAP 1.2"),
            "{body}"
        );
        // Nothing chosen.
        let r = import(reqwest::multipart::Form::new().text("xml", ""))
            .await
            .unwrap();
        assert_eq!(r.status(), 422);

        // The district's message, pasted: a draft, and the office is taken to it.
        let a = bureau_message(
            Level::Yellow,
            ("石坝村", &code),
            0,
            cap::MsgType::Alert,
            &[],
        );
        let r = import(reqwest::multipart::Form::new().text("xml", a.to_xml()))
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/warnings/"), "{to}");
        let page = super::body_of(&c, format!("{}{to}", s.base)).await;
        assert!(page.contains("石坝村暴雨预警"), "{page}");
        // Again: said, not drafted twice.
        let r = import(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(a.to_xml().into_bytes()).file_name("a.xml"),
        ))
        .await
        .unwrap();
        assert_eq!(
            r.headers()["location"],
            "/warnings/sources?outcome=already_held"
        );

        // A feed with a bad address is refused by name; a good one is listed.
        let add = |name: &str, url: &str, every: &str| {
            c.post(format!("{}/warnings/sources/feeds", s.base))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("name", name),
                    ("url", url),
                    ("every_secs", every),
                ])
                .send()
        };
        let r = add("区气象台", "ftp://qx.example/feed", "60")
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("预警源 0 地址"), "{body}");
        let r = add("区气象台", "http://127.0.0.1:9/feed.atom", "60")
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let page = super::body_of(&c, format!("{}/warnings/sources", s.base)).await;
        assert!(page.contains("http://127.0.0.1:9/feed.atom"), "{page}");
        assert_eq!(s.svc.cap_feeds().await.unwrap().feeds.len(), 1);
        let r = c
            .post(format!("{}/warnings/sources/feeds/remove", s.base))
            .form(&[("csrf", csrf.as_str()), ("name", "区气象台")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(s.svc.cap_feeds().await.unwrap().feeds.is_empty());
    }
}
