//! Incidents over real HTTP: recorded by whom the area allows, graded from their figures (up
//! only), reported against their clocks, a late report escalated through the job table, and the
//! pages.

use super::monitoring::{get_json, post, put, token};
use super::{body_of, client, csrf_in, login, servers, village};
use chrono::{Duration, Utc};
use safegrid_domain::local_time::form_value;
use safegrid_service::system;
use serde_json::json;

async fn office_inbox(s: &super::Server) -> Vec<String> {
    let u = safegrid_store::users::by_username(&s.svc.store, "office")
        .await
        .unwrap()
        .unwrap();
    let who = s.svc.principal_of(&u).await.unwrap();
    s.svc
        .inbox(&who)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.title)
        .collect()
}

#[tokio::test]
async fn an_accident_is_graded_up_only_and_its_late_report_escalated() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let shiba = village(&s, "石坝村").await;
        let baozi = village(&s, "堡子村").await;
        let accident = |region: i64, known: chrono::DateTime<Utc>| {
            json!({
                "kind": "production_accident", "name": "石坝村采石场坍塌事故",
                "occurred_at": form_value(known - Duration::minutes(10)),
                "known_at": form_value(known),
                "region_id": region.to_string(), "place": "石坝村3组采石场"
            })
        };

        // Who may record where: the village in its own area, not another's; no department,
        // monitor or enterprise.
        let shiba_t = token(&s, "shiba").await;
        let (st, b) = post(
            &format!("{api}/incidents"),
            &shiba_t,
            accident(baozi, Utc::now()),
        )
        .await;
        assert_eq!(st, 422, "{b}");
        assert_eq!(b["fields"][0]["field"], "region_id");
        for user in ["yjb", "monitor", "firm"] {
            let t = token(&s, user).await;
            let (st, _) = post(&format!("{api}/incidents"), &t, accident(shiba, Utc::now())).await;
            assert!(st == 403 || st == 422, "{user}: {st}");
        }
        let (st, b) = post(
            &format!("{api}/incidents"),
            &office,
            json!({"kind": "meteor", "occurred_at": "tomorrow", "region_id": "x"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"].as_array().unwrap().len(), 4, "{b}");

        // Learned of two hours ago: the hour for the accident report has passed.
        let (st, d) = post(
            &format!("{api}/incidents"),
            &office,
            accident(shiba, Utc::now() - Duration::hours(2)),
        )
        .await;
        assert_eq!(st, 201, "{d}");
        let id = d["incident"]["id"].as_i64().unwrap();
        assert_eq!(d["incident"]["grade"], "general");
        assert_eq!(d["next_report"]["stage"], "accident");
        assert_eq!(d["next_report"]["overdue"], true);

        // The clock fires once: the office and the leaders are told, the timeline says so.
        s.svc.run_due_jobs("test", Utc::now(), 100).await.unwrap();
        s.svc.run_due_jobs("test", Utc::now(), 100).await.unwrap();
        let late: Vec<String> = office_inbox(&s)
            .await
            .into_iter()
            .filter(|t| t.contains("采石场坍塌") && t.contains("已超时"))
            .collect();
        assert_eq!(late.len(), 1, "{late:?}");
        let d = get_json(format!("{api}/incidents/{id}"), &office).await;
        assert!(
            d["log"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["entry"].as_str().unwrap().contains("超时未报")),
            "{d}"
        );

        // Figures: three dead is 较大; corrected to two, it stays 较大.
        let figures = |deaths: &str| json!({"deaths": deaths, "serious_injuries": "4", "direct_loss_yuan": "1,800,000"});
        let (st, d) = put(
            &format!("{api}/incidents/{id}/figures"),
            &office,
            figures("3"),
        )
        .await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["incident"]["grade"], "larger");
        assert_eq!(d["incident"]["direct_loss_fen"], 180_000_000);
        let (_, d) = put(
            &format!("{api}/incidents/{id}/figures"),
            &office,
            figures("2"),
        )
        .await;
        assert_eq!(d["incident"]["grade"], "larger");
        assert_eq!(d["incident"]["deaths"], 2);
        let (st, b) = put(
            &format!("{api}/incidents/{id}/figures"),
            &office,
            json!({"deaths": "-1", "direct_loss_yuan": "很多"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][1]["field"], "direct_loss_yuan", "{b}");
        let still = get_json(format!("{api}/incidents/{id}"), &office).await;
        assert_eq!(still["incident"]["deaths"], 2, "nothing half-changed");

        // Reported: a follow-up is owed a day later. A final report waits for the end.
        let (st, d) = post(
            &format!("{api}/incidents/{id}/reports"),
            &office,
            json!({"stage": "accident", "summary": "采石场边坡坍塌，3人被埋，已组织救援"}),
        )
        .await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["next_report"]["stage"], "update");
        assert_eq!(d["next_report"]["overdue"], false);
        let (st, b) = post(
            &format!("{api}/incidents/{id}/reports"),
            &office,
            json!({"stage": "final", "summary": "核报"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["code"], "incident.final_before_end");
        let (st, d) = post(&format!("{api}/incidents/{id}/end"), &office, json!({})).await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["next_report"]["stage"], "final");
        let (st, _) = post(&format!("{api}/incidents/{id}/end"), &office, json!({})).await;
        assert_eq!(st, 422);
        let (st, d) = post(
            &format!("{api}/incidents/{id}/reports"),
            &office,
            json!({"stage": "final", "summary": "核报：死亡2人，重伤4人，直接经济损失180万元"}),
        )
        .await;
        assert_eq!(st, 200, "{d}");
        assert!(d["next_report"].is_null());

        // An enterprise sees none of it.
        let firm = token(&s, "firm").await;
        let r = client()
            .get(format!("{api}/incidents"))
            .bearer_auth(&firm)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
}

#[tokio::test]
async fn a_report_made_in_time_raises_no_alarm() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let shiba = village(&s, "石坝村").await;
        let (st, d) = post(
            &format!("{api}/incidents"),
            &office,
            json!({
                "kind": "geo_hazard", "name": "石坝村3号滑坡险情",
                "occurred_at": form_value(Utc::now() - Duration::minutes(30)),
                "region_id": shiba.to_string()
            }),
        )
        .await;
        assert_eq!(st, 201, "{d}");
        assert_eq!(d["next_report"]["stage"], "initial");
        let id = d["incident"]["id"].as_i64().unwrap();
        let (st, _) = post(
            &format!("{api}/incidents/{id}/reports"),
            &office,
            json!({"stage": "initial", "summary": "滑坡前缘垮塌约200方，无人员伤亡"}),
        )
        .await;
        assert_eq!(st, 200);
        // Three hours on, the initial report's clock finds it made.
        s.svc
            .run_due_jobs("test", Utc::now() + Duration::hours(3), 100)
            .await
            .unwrap();
        assert!(
            !office_inbox(&s)
                .await
                .iter()
                .any(|t| t.contains("3号滑坡险情")),
            "a report made in time was called late"
        );
    }
}

#[tokio::test]
async fn the_village_records_an_incident_on_the_pages() {
    for s in servers().await {
        let shiba = village(&s, "石坝村").await;
        let c = client();
        login(&c, &s.base, "shiba").await;
        let html = body_of(&c, format!("{}/incidents/new", s.base)).await;
        assert!(
            html.contains("石坝村") && !html.contains("堡子村"),
            "only its own village offered"
        );
        let csrf = csrf_in(&html);
        let form = |name: &str| {
            vec![
                ("csrf", csrf.clone()),
                ("kind", "forest_fire".to_string()),
                ("name", name.to_string()),
                (
                    "occurred_at",
                    form_value(Utc::now() - Duration::minutes(20)),
                ),
                ("known_at", String::new()),
                ("region_id", shiba.to_string()),
                ("place", "石坝村后山".to_string()),
                ("course", "村民烧荒引发山火".to_string()),
            ]
        };
        let r = c
            .post(format!("{}/incidents", s.base))
            .form(&form(""))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("名称"));
        let r = c
            .post(format!("{}/incidents", s.base))
            .form(&form("石坝村后山森林火灾"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let page = body_of(&c, format!("{}{to}", s.base)).await;
        assert!(
            page.contains("森林火灾") && page.contains("初报(2小时)"),
            "{page}"
        );
        // Burned area: 1.5 ha makes it 较大.
        let csrf = csrf_in(&page);
        let r = c
            .post(format!("{}{to}/figures", s.base))
            .form(&[("csrf", csrf.as_str()), ("burned_hectares", "1.5")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let page = body_of(&c, format!("{}{to}", s.base)).await;
        assert!(page.contains("id=\"grade\">较大"), "{page}");
        let list = body_of(&c, format!("{}/incidents", s.base)).await;
        assert!(list.contains("石坝村后山森林火灾"));
        let r = c
            .get(format!("{}/incidents.xlsx", s.base))
            .send()
            .await
            .unwrap();
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = calamine::Reader::worksheet_range_at(&mut book, 0)
            .unwrap()
            .unwrap();
        assert!(
            sheet
                .rows()
                .any(|r| r.iter().any(|c| *c == "石坝村后山森林火灾")
                    && r.iter().any(|c| *c == "较大")),
            "the fire and its grade in the sheet"
        );
    }
}

#[tokio::test]
async fn the_office_keeps_the_duty_roster_and_a_village_does_not() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        // The demo roster names today's pair.
        let now = get_json(format!("{api}/duty-roster/now"), &office).await;
        assert!(now["officer_name"].is_string(), "{now}");
        let town = now["region_id"].as_i64().unwrap();
        let staff = s
            .svc
            .duty_places(&system())
            .await
            .unwrap()
            .into_iter()
            .find(|(t, _)| t.id == town)
            .unwrap()
            .1;
        let shiba_head = s
            .svc
            .people(
                &system(),
                &safegrid_service::registry::PersonQuery {
                    role: Some("village_head".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .rows
            .into_iter()
            .find(|p| p.roles.contains("village_head"))
            .unwrap();
        let day = |officer: i64| {
            json!({
                "day": "2027-03-15", "region_id": town.to_string(),
                "duty_leader_id": staff[0].id.to_string(), "duty_officer_id": officer.to_string()
            })
        };
        // A village cadre is not the town's duty officer; a bad day is named.
        let (st, b) = put(&format!("{api}/duty-roster"), &office, day(shiba_head.id)).await;
        assert_eq!(st, 422, "{b}");
        assert_eq!(b["fields"][0]["field"], "duty_officer_id");
        let mut bad = day(staff[1].id);
        bad["day"] = json!("12月24日");
        let (st, b) = put(&format!("{api}/duty-roster"), &office, bad).await;
        assert_eq!((st, &b["fields"][0]["field"]), (422, &json!("day")));
        for user in ["shiba", "yjb", "monitor"] {
            let t = token(&s, user).await;
            // A village does not even see the town as a region it may name.
            let (st, _) = put(&format!("{api}/duty-roster"), &t, day(staff[1].id)).await;
            assert!(st == 403 || st == 422, "{user}: {st}");
        }
        let none = get_json(
            format!("{api}/duty-roster?from=2027-03-15&to=2027-03-15"),
            &office,
        )
        .await;
        assert_eq!(none, json!([]), "nothing stored by the refused");
        let (st, d) = put(&format!("{api}/duty-roster"), &office, day(staff[1].id)).await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["officer_id"], staff[1].id);
        // Set again: replaced, not doubled.
        put(&format!("{api}/duty-roster"), &office, day(staff[2].id)).await;
        let dec = get_json(
            format!("{api}/duty-roster?from=2027-03-15&to=2027-03-15"),
            &office,
        )
        .await;
        let dec = dec.as_array().unwrap();
        assert_eq!(dec.len(), 1, "{dec:?}");
        assert_eq!(dec[0]["officer_id"], staff[2].id);
        // The page shows who is on duty now.
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/duty", s.base)).await;
        assert!(
            page.contains(now["officer_name"].as_str().unwrap()),
            "{page}"
        );
    }
}

#[tokio::test]
async fn the_command_page_shows_the_incident_live() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let shiba = village(&s, "石坝村").await;
        let (_, d) = post(
            &format!("{api}/incidents"),
            &office,
            json!({"kind": "geo_hazard", "name": "石坝村3号滑坡灾情",
                   "occurred_at": form_value(Utc::now() - Duration::minutes(90)),
                   "region_id": shiba.to_string()}),
        )
        .await;
        let id = d["incident"]["id"].as_i64().unwrap();
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/incidents/{id}/command", s.base)).await;
        assert!(
            page.contains("data-live=\"/incidents/") && page.contains("初报(2小时)"),
            "{page}"
        );
        // The event stream says "changed" once a timeline entry is written.
        let mut events = c
            .get(format!("{}/incidents/{id}/command/events", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(events.status(), 200);
        post(
            &format!("{api}/incidents/{id}/log"),
            &office,
            json!({"entry": "抢险队已到达现场"}),
        )
        .await;
        let mut seen = String::new();
        while !seen.contains("event: changed") {
            let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), events.chunk())
                .await
                .expect("a change within 10 s")
                .unwrap()
                .expect("the stream stays open");
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
        let body = body_of(&c, format!("{}/incidents/{id}/command?fragment=1", s.base)).await;
        assert!(
            body.contains("抢险队已到达现场") && !body.contains("<html"),
            "{body}"
        );
        // An enterprise account sees no incident.
        let firm = client();
        login(&firm, &s.base, "firm").await;
        let r = firm
            .get(format!("{}/incidents/{id}/command", s.base))
            .send()
            .await
            .unwrap();
        assert!(r.status() == 403 || r.status() == 404, "{}", r.status());
    }
}

#[tokio::test]
async fn plans_come_due_and_drills_count_against_the_quota() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let shiba = village(&s, "石坝村").await;
        let town = get_json(format!("{api}/duty-roster/now"), &office).await["region_id"]
            .as_i64()
            .unwrap();
        let plan = |name: &str, region: i64, revised_on: &str| {
            json!({"name": name, "level": "town", "kind": "flood", "region_id": region.to_string(),
                   "department": "应急办", "version": "2021版", "revised_on": revised_on})
        };
        // Revised four years ago: overdue. Revised last year: not.
        let (st, old) = post(
            &format!("{api}/plans"),
            &office,
            plan("马武镇防汛应急预案", town, "2022-05-01"),
        )
        .await;
        assert_eq!(st, 201, "{old}");
        let (st, _) = post(
            &format!("{api}/plans"),
            &office,
            plan("马武镇地质灾害应急预案", town, "2026-01-10"),
        )
        .await;
        assert_eq!(st, 201);
        let (st, b) = post(
            &format!("{api}/plans"),
            &office,
            plan("", town, "2030-01-01"),
        )
        .await;
        assert_eq!(st, 422);
        let fields: Vec<&str> = b["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["name", "revised_on"]);
        let p = get_json(format!("{api}/preparedness"), &office).await;
        let status = |name: &str| {
            p["plans"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["plan"]["title"] == name)
                .unwrap()
                .clone()
        };
        assert_eq!(status("马武镇防汛应急预案")["overdue"], true);
        assert_eq!(status("马武镇防汛应急预案")["next_due"], "2025-05-01");
        assert_eq!(status("马武镇地质灾害应急预案")["overdue"], false);

        // Revised now: no longer overdue; a revision older than the last is refused.
        let id = old["id"].as_i64().unwrap();
        let (st, b) = post(
            &format!("{api}/plans/{id}/revisions"),
            &office,
            json!({"version": "2020版", "revised_on": "2021-01-01"}),
        )
        .await;
        assert_eq!(
            (st, &b["fields"][0]["code"]),
            (422, &json!("plans.revision_before_last"))
        );
        let today = safegrid_domain::local_time::day_of(Utc::now()).to_string();
        let (st, d) = post(
            &format!("{api}/plans/{id}/revisions"),
            &office,
            json!({"version": "2026版", "revised_on": today, "note": "按新机构调整职责"}),
        )
        .await;
        assert_eq!(st, 200, "{d}");
        let p = get_json(format!("{api}/preparedness"), &office).await;
        assert_eq!(
            p["plans"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["plan"]["id"] == id)
                .unwrap()["overdue"],
            false
        );
        assert_eq!(
            p["revisions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["plan_id"] == id)
                .count(),
            2
        );

        // Shiba holds its drill, a joint one with the neighbouring town; the village may record
        // its own, not another's.
        let shiba_t = token(&s, "shiba").await;
        let held_before = |p: &serde_json::Value, name: &str| {
            let c = p["counts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["region_name"] == name)
                .unwrap()
                .clone();
            (c["held"].as_i64().unwrap(), c["joint"].as_i64().unwrap())
        };
        let before = held_before(
            &get_json(format!("{api}/preparedness"), &office).await,
            "石坝村",
        );
        let drill = |region: i64| {
            json!({"region_id": region.to_string(), "held_on": today, "scenario": "滑坡险情避险转移",
                   "participants": "60", "joint_with": "邻镇", "problems": "报警器电池失效\n转移路线标识不清",
                   "drilled_plan_id": id.to_string()})
        };
        let (st, d) = post(&format!("{api}/drills"), &shiba_t, drill(shiba)).await;
        assert_eq!(st, 201, "{d}");
        // A problem it found becomes a hazard of Shiba in one step, once.
        let drill_id = d["id"].as_i64().unwrap();
        let (st, h) = post(
            &format!("{api}/drills/{drill_id}/problems/1/hazard"),
            &shiba_t,
            json!({}),
        )
        .await;
        assert_eq!(st, 201, "{h}");
        assert_eq!(
            (h["title"].as_str(), h["region_id"].as_i64()),
            (Some("转移路线标识不清"), Some(shiba))
        );
        let hazards_now =
            get_json(format!("{api}/hazards?per_page=1"), &office).await["total"].clone();
        assert!(hazards_now.as_i64().unwrap() > 0, "{hazards_now}");
        let (st, b) = post(
            &format!("{api}/drills/{drill_id}/problems/1/hazard"),
            &shiba_t,
            json!({}),
        )
        .await;
        assert_eq!(
            (st, &b["fields"][0]["code"]),
            (422, &json!("plans.problem_reported"))
        );
        let (st, b) = post(
            &format!("{api}/drills/{drill_id}/problems/5/hazard"),
            &shiba_t,
            json!({}),
        )
        .await;
        assert_eq!((st, &b["fields"][0]["field"]), (422, &json!("problem")));
        assert_eq!(
            get_json(format!("{api}/hazards?per_page=1"), &office).await["total"],
            hazards_now,
            "the refused second one left no hazard behind"
        );
        let baozi = village(&s, "堡子村").await;
        let (st, _) = post(&format!("{api}/drills"), &shiba_t, drill(baozi)).await;
        assert!(st == 403 || st == 422, "{st}");
        let p = get_json(format!("{api}/preparedness"), &office).await;
        let count = |name: &str| {
            p["counts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["region_name"] == name)
                .unwrap()
                .clone()
        };
        // One more than the demo's, and one more joint.
        assert_eq!(held_before(&p, "石坝村"), (before.0 + 1, before.1 + 1));
        assert_eq!(count("堡子村")["held"], 0);
        assert_eq!(count("马武镇")["quota"], 2);
        // The page lists them.
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/plans", s.base)).await;
        assert!(
            page.contains("滑坡险情避险转移") && page.contains("马武镇防汛应急预案"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn a_team_is_registered_with_its_members_and_sent_to_an_incident() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let town = get_json(format!("{api}/duty-roster/now"), &office).await["region_id"]
            .as_i64()
            .unwrap();
        let team = json!({"name": "马武镇森林消防半专业队", "kind": "professional", "region_id": town.to_string(),
                          "specialty": "抗洪抢险、地灾排危", "leader": "王强", "leader_mobile": "13800002222",
                          "call_out": "值班电话通知，30分钟内镇政府集结"});
        let (st, t) = post(&format!("{api}/teams"), &office, team.clone()).await;
        assert_eq!(st, 201, "{t}");
        let (st, b) = post(&format!("{api}/teams"), &office, team).await;
        assert_eq!((st, &b["fields"][0]["code"]), (422, &json!("duplicate")));
        let id = t["id"].as_i64().unwrap();
        for (name, mobile) in [("李明", "13900003333"), ("赵亮", "13900004444")] {
            let (st, t) = post(
                &format!("{api}/teams/{id}/members"),
                &office,
                json!({"name": name, "mobile": mobile, "skills": "急救证"}),
            )
            .await;
            assert_eq!(st, 200, "{t}");
        }
        let (st, _) = post(
            &format!("{api}/teams/{id}/members"),
            &office,
            json!({"name": "李明", "mobile": "139 0000 3333"}),
        )
        .await;
        assert_eq!(st, 422, "the same number twice");
        // A village may not register a team for the town.
        let shiba_t = token(&s, "shiba").await;
        let (st, _) = post(
            &format!("{api}/teams/{id}/members"),
            &shiba_t,
            json!({"name": "x", "mobile": "13900005555"}),
        )
        .await;
        assert!(st == 403 || st == 404, "{st}");

        let shiba = village(&s, "石坝村").await;
        let (_, inc) = post(
            &format!("{api}/incidents"),
            &office,
            json!({"kind": "natural_disaster", "name": "石坝村山洪灾害",
                   "occurred_at": form_value(Utc::now() - Duration::minutes(30)),
                   "region_id": shiba.to_string()}),
        )
        .await;
        let incident = inc["incident"]["id"].as_i64().unwrap();
        let (st, sent) = post(
            &format!("{api}/incidents/{incident}/teams"),
            &office,
            json!({"team_id": id}),
        )
        .await;
        assert_eq!(st, 200, "{sent}");
        assert_eq!(
            (sent[0]["name"].as_str(), sent[0]["members"].as_i64()),
            (Some("马武镇森林消防半专业队"), Some(2))
        );
        let (st, b) = post(
            &format!("{api}/incidents/{incident}/teams"),
            &office,
            json!({"team_id": id}),
        )
        .await;
        assert_eq!(
            (st, &b["fields"][0]["code"]),
            (422, &json!("incident.team_sent"))
        );
        // On the command page and in the timeline.
        let c = client();
        login(&c, &s.base, "office").await;
        let body = body_of(
            &c,
            format!("{}/incidents/{incident}/command?fragment=1", s.base),
        )
        .await;
        assert!(
            body.contains("马武镇森林消防半专业队") && body.contains("调派马武镇森林消防半专业队"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_plan_keeps_its_files_for_those_who_may_see_it() {
    use reqwest::multipart::{Form, Part};
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let prep = get_json(format!("{api}/preparedness"), &office).await;
        let plan = prep["plans"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["plan"]["level"] == "town")
            .unwrap()["plan"]["id"]
            .as_i64()
            .unwrap();
        let upload = |token: &str, name: &str, bytes: Vec<u8>| {
            let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
            client()
                .post(format!("{api}/plans/{plan}/files"))
                .bearer_auth(token)
                .multipart(form)
                .send()
        };
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let r = upload(&office, "总体预案(签发稿).pdf", pdf.clone())
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let row: serde_json::Value = r.json().await.unwrap();
        assert_eq!(row["mime"], "application/pdf");
        let file_id = row["id"].as_i64().unwrap();
        // A script named .pdf is refused for what it is, not for its name.
        let r = upload(&office, "预案.pdf", b"<script>alert(1)</script>".to_vec())
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        // A village cannot attach to the town's plan; an enterprise cannot read its files.
        let shiba = token(&s, "shiba").await;
        let r = upload(&shiba, "x.pdf", pdf.clone()).await.unwrap();
        assert!(r.status() == 403 || r.status() == 404, "{}", r.status());
        let files = get_json(format!("{api}/plans/{plan}/files"), &office).await;
        assert_eq!(files.as_array().unwrap().len(), 1, "{files}");
        // The page lists it and serves it to the office, not to the enterprise.
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/plans", s.base)).await;
        assert!(page.contains(&format!("/files/{file_id}")), "{page}");
        let r = c
            .get(format!("{}/files/{file_id}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
        let firm = client();
        login(&firm, &s.base, "firm").await;
        let r = firm
            .get(format!("{}/files/{file_id}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        // The upload form of the page stores a file too.
        let csrf = csrf_in(&page);
        let form = Form::new().part(
            "file",
            Part::bytes(pdf.clone()).file_name("附件2 通讯录.pdf"),
        );
        let r = c
            .post(format!("{}/plans/{plan}/files?csrf={csrf}", s.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let files = get_json(format!("{api}/plans/{plan}/files"), &office).await;
        assert_eq!(files.as_array().unwrap().len(), 2);
    }
}
