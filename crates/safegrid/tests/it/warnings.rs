//! Warnings over real HTTP: drafted from an alarm, approved by whom the level needs, issued with a
//! CAP 1.2 Alert and the people of the area resolved with their actions and answer windows,
//! updated and cancelled with messages that refer back, and the public feed another town reads.

use super::monitoring::{get_json, post, put, token};
use super::{client, servers};
use safegrid_cap as cap;
use safegrid_service::system;
use serde_json::{Value, json};

pub(super) async fn red_alarm_at_site_1(s: &super::Server) -> i64 {
    let gw = s.svc.create_gateway(&system(), "预警测试").await.unwrap();
    let (st, _) = post(
        &format!("{}/api/v1/readings", s.base),
        &gw.token,
        json!([{"sensor": "SB1-RAIN", "value": 85}]),
    )
    .await;
    assert_eq!(st, 200);
    let site = site_1(s).await;
    s.svc.alarms(&system(), Some(site), true).await.unwrap()[0].id
}

/// The demo's landslide site no. 1 of Shiba.
async fn site_1(s: &super::Server) -> i64 {
    s.svc
        .objects(&system(), Some("hazard_site"))
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == "石坝村1号滑坡")
        .unwrap()
        .id
}

/// An account of 堡子村's, a village that is not Shiba: `baozi`.
pub(super) async fn baozi_account(s: &super::Server) {
    let baozi = s
        .svc
        .villages(&system())
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.name == "堡子村")
        .unwrap();
    s.svc
        .add_user(
            &system(),
            &safegrid_service::auth::UserInput {
                username: "baozi".into(),
                password: safegrid_service::demo::DEMO_PASSWORD.into(),
                role: "village".into(),
                region_id: Some(baozi.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

async fn public_get(url: String) -> (u16, String) {
    let r = client().get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_warning_from_an_alarm_is_approved_issued_updated_and_cancelled() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let leader = token(&s, "leader").await;
        let alarm = red_alarm_at_site_1(&s).await;

        // Two clicks: the draft prefilled from the alarm, saved as it is.
        let draft = get_json(format!("{api}/alarms/{alarm}/warning-draft"), &office).await;
        assert_eq!(draft["level"], "red", "{draft}");
        assert_eq!(draft["kind"], "geo_hazard");
        let (st, w) = post(&format!("{api}/warnings"), &office, draft.clone()).await;
        assert_eq!(st, 201, "{w}");
        let id = w["id"].as_i64().unwrap();
        assert_eq!(w["status"], "draft");
        assert_eq!(w["headline"], "石坝村1号滑坡地质灾害红色预警");

        // Red needs a leader: the office may not approve, nor issue before approval.
        let (st, _) = post(&format!("{api}/warnings/{id}/approve"), &office, json!({})).await;
        assert_eq!(st, 403);
        let (st, b) = post(&format!("{api}/warnings/{id}/issue"), &office, json!({})).await;
        assert_eq!(st, 422, "{b}");
        assert_eq!(b["fields"][0]["code"], "warning.wrong_state");
        let (st, b) = post(&format!("{api}/warnings/{id}/approve"), &leader, json!({})).await;
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["status"], "approved");
        // Neither a monitor nor a department issues.
        for user in ["monitor", "yjb"] {
            let t = token(&s, user).await;
            let (st, _) = post(&format!("{api}/warnings/{id}/issue"), &t, json!({})).await;
            assert!(st == 403 || st == 404, "{user}: {st}");
        }
        let (st, d) = post(&format!("{api}/warnings/{id}/issue"), &office, json!({})).await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["warning"]["status"], "issued");

        // Everyone holding a duty at the site, once per number, each with five minutes to answer
        // and what their place needs.
        let duties = s
            .svc
            .object_detail(
                &system(),
                draft["object_ids"][0].as_str().unwrap().parse().unwrap(),
            )
            .await
            .unwrap()
            .duties;
        let recipients = d["recipients"].as_array().unwrap();
        for duty in &duties {
            let r = recipients
                .iter()
                .find(|r| r["mobile"] == duty.mobile.as_str())
                .unwrap_or_else(|| panic!("{} not reached: {d}", duty.name));
            if duty.role == "monitor" {
                assert!(r["actions"].as_str().unwrap().contains("patrol"), "{r}");
            }
        }
        let mut mobiles: Vec<&str> = recipients
            .iter()
            .map(|r| r["mobile"].as_str().unwrap())
            .collect();
        let n = mobiles.len();
        mobiles.dedup();
        assert_eq!(mobiles.len(), n, "a number reached twice");
        let issued: chrono::DateTime<chrono::Utc> =
            d["warning"]["issued_at"].as_str().unwrap().parse().unwrap();
        for r in recipients {
            let due: chrono::DateTime<chrono::Utc> = r["due_at"].as_str().unwrap().parse().unwrap();
            assert_eq!(due - issued, chrono::Duration::minutes(5), "{r}");
            assert!(r["answered_at"].is_null());
            assert_eq!(r["reply_code"].as_str().unwrap().len(), 6);
        }

        // The CAP Alert, public and valid, with the GB/T 35965.1 identifier.
        let m1 = d["messages"][0]["id"].as_i64().unwrap();
        let (st, xml) = public_get(format!("{}/cap/{m1}.xml", s.base)).await;
        assert_eq!(st, 200);
        let (first, _) = cap::parse(xml.as_bytes()).unwrap();
        assert_eq!(first.msg_type, cap::MsgType::Alert);
        assert_eq!(first.identifier.len(), 31);
        assert!(first.identifier.starts_with("50024000000000_"));
        assert!(first.sent.ends_with("+08:00"));
        assert_eq!(first.infos[0].severity, cap::Severity::Extreme);
        assert_eq!(first.infos[0].language.as_deref(), Some("zh-CN"));

        // An update: a new message referring to the first.
        let mut changed = draft.clone();
        changed["instruction"] = json!("立即撤离，避险点为村小学操场");
        let (st, d) = post(&format!("{api}/warnings/{id}/update"), &office, changed).await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["warning"]["status"], "updated");
        assert_eq!(d["warning"]["version"], 2);
        let m2 = d["messages"][1]["id"].as_i64().unwrap();
        let (second, _) = cap::parse(
            public_get(format!("{}/cap/{m2}.xml", s.base))
                .await
                .1
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(second.msg_type, cap::MsgType::Update);
        assert_eq!(second.references, Some(first.reference()));
        assert_ne!(second.identifier, first.identifier);

        // Cancelled: the Cancel refers to both; nothing more can be done to it.
        let (st, b) = post(&format!("{api}/warnings/{id}/cancel"), &office, json!({})).await;
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["status"], "cancelled");
        let d = get_json(format!("{api}/warnings/{id}"), &office).await;
        let m3 = d["messages"][2]["id"].as_i64().unwrap();
        let (third, _) = cap::parse(
            public_get(format!("{}/cap/{m3}.xml", s.base))
                .await
                .1
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(third.msg_type, cap::MsgType::Cancel);
        assert_eq!(
            third.references,
            Some(format!("{} {}", first.reference(), second.reference()))
        );
        let (st, _) = post(
            &format!("{api}/warnings/{id}/update"),
            &office,
            draft.clone(),
        )
        .await;
        assert_eq!(st, 422);

        // The feed holds the three, newest first, each embedding its alert.
        let (st, atom) = public_get(format!("{}/cap/feed.atom", s.base)).await;
        assert_eq!(st, 200);
        let feed = cap::feed::parse_feed(atom.as_bytes()).unwrap();
        assert_eq!(feed.entries.len(), 3);
        assert_eq!(feed.entries[0].id, format!("urn:cap:{}", third.identifier));
        let (st, _) = public_get(format!("{}/cap/999999.xml", s.base)).await;
        assert_eq!(st, 404);

        // The village sees the warning over its site; an enterprise sees no warnings.
        let shiba = token(&s, "shiba").await;
        let list = get_json(format!("{api}/warnings"), &shiba).await;
        assert!(
            list.as_array().unwrap().iter().any(|w| w["id"] == id),
            "{list}"
        );
        let r = client()
            .get(format!("{api}/warnings"))
            .bearer_auth(token(&s, "firm").await)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
}

#[tokio::test]
async fn a_warning_over_a_village_reaches_its_people_units_and_enterprises() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let leader = token(&s, "leader").await;
        let shiba = s
            .svc
            .villages(&system())
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.name == "石坝村")
            .unwrap();
        let expires = safegrid_domain::local_time::form_value(
            chrono::Utc::now() + chrono::Duration::hours(6),
        );
        let input = json!({
            "kind": "rainstorm", "level": "orange", "headline": "石坝村暴雨橙色预警",
            "expires": expires,
            "region_ids": [shiba.id.to_string()]
        });
        let (st, w) = post(&format!("{api}/warnings"), &office, input).await;
        assert_eq!(st, 201, "{w}");
        let id = w["id"].as_i64().unwrap();
        // Orange: the office may approve, but not its own draft.
        let (st, _) = post(&format!("{api}/warnings/{id}/approve"), &office, json!({})).await;
        assert_eq!(st, 403);
        let (st, _) = post(&format!("{api}/warnings/{id}/approve"), &leader, json!({})).await;
        assert_eq!(st, 200);
        let (st, d) = post(&format!("{api}/warnings/{id}/issue"), &leader, json!({})).await;
        assert_eq!(st, 200, "{d}");
        let rs: &Vec<Value> = d["recipients"].as_array().unwrap();
        let reasons: Vec<&str> = rs.iter().map(|r| r["reasons"].as_str().unwrap()).collect();
        // The village's cadres move people; the key units and the enterprises of the village are
        // told; the duties of the village's sites are reached.
        assert!(
            rs.iter()
                .any(|r| r["reasons"].as_str().unwrap().contains("person:")
                    && r["actions"] == "evacuate"),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.contains("duty:monitor")),
            "{reasons:?}"
        );
        // Every enterprise of the village is reached on its safety contact's number (or its legal
        // representative's).
        let firms: Vec<String> = s
            .svc
            .enterprises(
                &system(),
                &safegrid_service::registry::EnterpriseQuery {
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .rows
            .into_iter()
            .filter(|e| e.region_path.starts_with(&shiba.path))
            .filter_map(|e| e.safety_director_mobile.or(e.legal_representative_mobile))
            .collect();
        assert!(!firms.is_empty(), "the demo has enterprises in Shiba");
        for m in &firms {
            assert!(
                rs.iter().any(|r| r["mobile"] == m.as_str()),
                "{m} not reached"
            );
        }
        // Every recipient lives in the village.
        assert!(
            rs.iter()
                .all(|r| r["region_path"].as_str().unwrap().starts_with(&shiba.path))
        );
        // Another village's cadre does not see it; Shiba's does.
        baozi_account(&s).await;
        let other = token(&s, "baozi").await;
        let list = get_json(format!("{api}/warnings"), &other).await;
        assert!(
            !list.as_array().unwrap().iter().any(|w| w["id"] == id),
            "{list}"
        );
        let r = client()
            .get(format!("{api}/warnings/{id}"))
            .bearer_auth(&other)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let mine = get_json(format!("{api}/warnings"), &token(&s, "shiba").await).await;
        assert!(mine.as_array().unwrap().iter().any(|w| w["id"] == id));
        // Bad input is named.
        let (st, b) = post(
            &format!("{api}/warnings"),
            &office,
            json!({"kind": "meteor", "level": "purple", "headline": "", "expires": "tomorrow", "polygon": "1,2 3,4"}),
        )
        .await;
        assert_eq!(st, 422);
        let fields: Vec<&str> = b["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            vec!["kind", "level", "headline", "expires", "polygon"]
        );
    }
}

#[tokio::test]
async fn the_office_makes_a_warning_from_an_alarm_on_the_pages() {
    use super::{body_of, csrf_in, login};
    for s in servers().await {
        let alarm = red_alarm_at_site_1(&s).await;
        let office = client();
        login(&office, &s.base, "office").await;
        let form = body_of(&office, format!("{}/warnings/new?alarm_id={alarm}", s.base)).await;
        assert!(form.contains("石坝村1号滑坡地质灾害红色预警"), "prefilled");
        let csrf = csrf_in(&form);
        let site = s
            .svc
            .alarm(&system(), alarm)
            .await
            .unwrap()
            .0
            .object_id
            .to_string();
        let draft = s.svc.warning_from_alarm(&system(), alarm).await.unwrap();
        let mut fields = vec![
            ("csrf", csrf.clone()),
            ("kind", draft.kind.clone()),
            ("level", draft.level.clone()),
            ("headline", draft.headline.clone()),
            ("onset", draft.onset.clone()),
            ("expires", String::new()),
            ("instruction", draft.instruction.clone()),
            ("object_ids", site.clone()),
            ("alarm_id", alarm.to_string()),
        ];
        // Without an expiry the form comes back naming it, the choices kept.
        let r = office
            .post(format!("{}/warnings", s.base))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("has-err\"><label for=\"f-expires\""),
            "{html}"
        );
        assert!(html.contains(&format!("value=\"{site}\" checked")));
        fields[5].1 = draft.expires.clone();
        let r = office
            .post(format!("{}/warnings", s.base))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let url = format!("{}{}", s.base, r.headers()["location"].to_str().unwrap());
        // The office may not approve red; the leader does, the office issues.
        let page = body_of(&office, &url).await;
        assert!(page.contains("id=\"do-approve\""));
        let r = office
            .post(format!("{url}/approve"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let leader = client();
        login(&leader, &s.base, "leader").await;
        let lp = body_of(&leader, &url).await;
        let r = leader
            .post(format!("{url}/approve"))
            .form(&[("csrf", csrf_in(&lp).as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = office
            .post(format!("{url}/issue"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let page = body_of(&office, &url).await;
        assert!(page.contains("id=\"recipients\"") && page.contains("加密巡查"));
        assert!(page.contains("/cap/") && page.contains("Alert"));
        // Issuing twice is refused in words.
        let r = office
            .post(format!("{url}/issue"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("预警当前状态不允许此操作"));
        let list = body_of(&office, format!("{}/warnings", s.base)).await;
        assert!(list.contains("石坝村1号滑坡地质灾害红色预警"));
    }
}

#[tokio::test]
async fn threatened_households_are_registered_at_a_site_and_told_to_move_at_orange() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let leader = token(&s, "leader").await;
        let site = site_1(&s).await;
        let url = format!("{api}/objects/{site}/households");
        let demo = get_json(format!("{api}/objects/{site}"), &office).await["households"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(demo, 6, "the demo registers the site's six households");

        // A bad list is refused whole, by row and field.
        let (st, b) = put(
            &url,
            &office,
            json!([
                {"head_name": "陈大", "mobile": "13912340001", "people": "4"},
                {"head_name": "陈二", "mobile": "1391234", "people": "0"}
            ]),
        )
        .await;
        assert_eq!(st, 422, "{b}");
        let fields: Vec<&str> = b["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["household.1.mobile", "household.1.people"]);
        let now = get_json(format!("{api}/objects/{site}"), &office).await;
        assert_eq!(now["households"].as_array().unwrap().len(), demo);
        // Neither another village's cadre nor a monitor registers them.
        super::warnings::baozi_account(&s).await;
        for user in ["baozi", "monitor", "shiba"] {
            let t = token(&s, user).await;
            let (st, _) = put(&url, &t, json!([])).await;
            assert!(st == 403 || st == 404, "{user}: {st}");
        }

        let list = json!([
            {"head_name": "陈大", "mobile": "13912340001", "people": "4"},
            {"head_name": "陈二", "mobile": "139 1234 0002", "people": "3", "note": "老人行动不便"}
        ]);
        let (st, d) = put(&url, &office, list).await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["households"][1]["mobile"], "13912340002");

        // An orange landslide warning over the site: each household reached, asked to move.
        let warn = |level: &str| {
            json!({
                "kind": "geo_hazard", "level": level, "headline": format!("石坝村1号滑坡{level}预警"),
                "expires": safegrid_domain::local_time::form_value(chrono::Utc::now() + chrono::Duration::hours(3)),
                "object_ids": [site.to_string()]
            })
        };
        let issue = |level: &'static str| {
            let (api, office, leader) = (api.clone(), office.clone(), leader.clone());
            async move {
                let (_, w) = post(&format!("{api}/warnings"), &office, warn(level)).await;
                let id = w["id"].as_i64().unwrap();
                let (st, b) =
                    post(&format!("{api}/warnings/{id}/approve"), &leader, json!({})).await;
                assert_eq!(st, 200, "{b}");
                let (st, d) = post(&format!("{api}/warnings/{id}/issue"), &office, json!({})).await;
                assert_eq!(st, 200, "{d}");
                d["recipients"].as_array().unwrap().clone()
            }
        };
        let rs = issue("orange").await;
        for m in ["13912340001", "13912340002"] {
            let r = rs
                .iter()
                .find(|r| r["mobile"] == m)
                .unwrap_or_else(|| panic!("{m} not reached: {rs:?}"));
            assert_eq!(r["reasons"], "household:threatened@石坝村1号滑坡");
            assert_eq!(r["actions"], "evacuate");
        }
        // At yellow they stand by.
        let rs = issue("yellow").await;
        let r = rs.iter().find(|r| r["mobile"] == "13912340001").unwrap();
        assert_eq!(r["actions"], "stand_by");
    }
}
