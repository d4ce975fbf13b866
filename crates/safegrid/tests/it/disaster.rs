//! After an incident, over real HTTP: the statistics per village checked against each other and
//! their ledgers, relief with the 五有 and the guarantee rate, rebuilding to completion, the
//! investigation to its accountability (and its late report escalated), the grade set by hand,
//! and reports in their order. Each refusal names its field and changes nothing.

use super::monitoring::{get_json, post, put, token};
use super::{servers, village};
use chrono::{Duration, Utc};
use safegrid_domain::local_time::form_value;
use safegrid_service::system;
use serde_json::{Value, json};

/// The town the villages belong to.
async fn town(s: &super::Server) -> i64 {
    let v = s
        .svc
        .villages(&system())
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    v.parent_id.unwrap()
}

fn field_codes(b: &Value) -> Vec<(String, String)> {
    b["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["field"].as_str().unwrap_or_default().to_string(),
                        f["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_flood_is_counted_per_village_with_its_ledgers_relief_and_rebuilding() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let shiba = village(&s, "石坝村").await;
        let baozi = village(&s, "堡子村").await;
        let town = town(&s).await;
        let (st, d) = post(
            &format!("{api}/incidents"),
            &office,
            json!({
                "kind": "natural_disaster", "name": "7·12暴雨洪涝灾害",
                "occurred_at": form_value(Utc::now() - Duration::hours(5)),
                "region_id": town.to_string()
            }),
        )
        .await;
        assert_eq!(st, 201, "{d}");
        let id = d["incident"]["id"].as_i64().unwrap();
        assert!(d["disaster"]["investigation"].is_null(), "{d}");

        // Deaths greater than the affected population: refused, nothing kept.
        let url = format!("{api}/incidents/{id}/statistics");
        let (st, b) = put(
            &url,
            &office,
            json!({"region_id": shiba.to_string(), "affected": "2", "deaths": "3"}),
        )
        .await;
        assert_eq!(st, 422, "{b}");
        assert_eq!(
            field_codes(&b),
            [("deaths".into(), "disaster.more_than_affected".into())]
        );
        assert!(
            b["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("受灾人口"),
            "{b}"
        );
        let (st, b) = put(
            &url,
            &office,
            json!({"region_id": shiba.to_string(), "affected": "-5", "crop_affected_hectares": "1", "crop_damaged_hectares": "2"}),
        )
        .await;
        assert_eq!(st, 422, "{b}");
        assert_eq!(field_codes(&b)[0].0, "affected");
        let d = get_json(format!("{api}/incidents/{id}"), &office).await;
        assert!(d["disaster"]["villages"].as_array().unwrap().is_empty());

        // Shiba: one dead, one missing, two households' houses down.
        let (st, v) = put(
            &url,
            &office,
            json!({
                "region_id": shiba.to_string(), "affected": "320", "deaths": "1", "missing": "1",
                "relocated": "85", "urgent_aid": "40", "crop_affected_hectares": "26.5",
                "crop_damaged_hectares": "12", "crop_lost_hectares": "3.2",
                "collapsed_households": "1", "collapsed_rooms": "3",
                "general_households": "1", "general_rooms": "2", "direct_loss_yuan": "1,850,000"
            }),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["villages"][0]["row"]["crop_lost_m2"], 32_000);
        // The ledgers do not bear the counts out yet.
        let gaps = v["villages"][0]["gaps"].as_array().unwrap();
        assert_eq!(gaps.len(), 3, "{v}");
        // A death counted opens the investigation and assessment.
        assert_eq!(v["investigation"]["row"]["kind"], "assessment", "{v}");
        let (st, _) = put(
            &url,
            &office,
            json!({"region_id": baozi.to_string(), "affected": "60", "relocated": "12"}),
        )
        .await;
        assert_eq!(st, 200);
        let d = get_json(format!("{api}/incidents/{id}"), &office).await;
        assert_eq!(d["disaster"]["total"]["affected"], 380);
        assert_eq!(d["disaster"]["total"]["relocated"], 97);

        // The ledgers.
        let cas = format!("{api}/incidents/{id}/casualties");
        let (st, b) = post(
            &cas,
            &office,
            json!({"region_id": shiba.to_string(), "status": "injured", "age": "200"}),
        )
        .await;
        assert_eq!(st, 422);
        let fields: Vec<String> = field_codes(&b).into_iter().map(|f| f.0).collect();
        assert_eq!(fields, ["full_name", "status", "age"]);
        for (name, status) in [("张德明", "dead"), ("李秀英", "missing")] {
            let (st, b) = post(
                &cas,
                &office,
                json!({"region_id": shiba.to_string(), "full_name": name, "status": status, "gender": "男", "age": "67"}),
            )
            .await;
            assert_eq!(st, 201, "{b}");
        }
        let houses = format!("{api}/incidents/{id}/damaged-houses");
        let mut house_ids = Vec::new();
        for (head, damage, rooms) in [("王建国", "collapsed", "3"), ("赵明", "general", "2")] {
            let (st, b) = post(
                &houses,
                &office,
                json!({"region_id": shiba.to_string(), "head_name": head, "damage": damage, "rooms": rooms}),
            )
            .await;
            assert_eq!(st, 201, "{b}");
            house_ids.push(
                b["houses"].as_array().unwrap().last().unwrap()["id"]
                    .as_i64()
                    .unwrap(),
            );
        }
        let d = get_json(format!("{api}/incidents/{id}"), &office).await;
        let shiba_line = d["disaster"]["villages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["row"]["region_id"] == shiba)
            .unwrap()
            .clone();
        assert!(
            shiba_line["gaps"].as_array().unwrap().is_empty(),
            "{shiba_line}"
        );

        // A line outside the incident's area (another town's village would be; a village is
        // inside this town), or for a region the caller cannot see, is refused.
        let (st, b) = post(
            &houses,
            &office,
            json!({"region_id": "999999", "head_name": "某", "damage": "general", "rooms": "1"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(field_codes(&b)[0].0, "region_id");

        // Rebuilding goes forward to a dated completion, never back.
        let rb = |h: i64| format!("{api}/damaged-houses/{h}/rebuild");
        let (st, b) = post(&rb(house_ids[0]), &office, json!({"rebuild": "completed"})).await;
        assert_eq!(st, 422);
        assert_eq!(
            field_codes(&b),
            [("completed_on".into(), "required".into())]
        );
        let (st, _) = post(&rb(house_ids[0]), &office, json!({"rebuild": "underway"})).await;
        assert_eq!(st, 200);
        let (st, b) = post(&rb(house_ids[0]), &office, json!({"rebuild": "pending"})).await;
        assert_eq!(st, 422);
        assert_eq!(
            field_codes(&b),
            [("rebuild".into(), "disaster.rebuild_backwards".into())]
        );
        let today = safegrid_domain::local_time::day_of(Utc::now()).to_string();
        let (st, b) = post(
            &rb(house_ids[0]),
            &office,
            json!({"rebuild": "completed", "completed_on": today}),
        )
        .await;
        assert_eq!(st, 200, "{b}");
        let r = get_json(format!("{api}/rebuilding"), &office).await;
        let done: Vec<&Value> = r
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x[1]["rebuild"] == "completed")
            .collect();
        assert_eq!(done.len(), 1, "{r}");

        // Relief: three households; the rate is 2 of 3 until the third has shelter (the
        // demo's own households are counted on the year's page too).
        let base = get_json(format!("{api}/relief"), &office).await["rate"]["households"]
            .as_i64()
            .unwrap();
        let relief = format!("{api}/incidents/{id}/relief");
        let all = |head: &str, region: i64, shelter: bool| {
            json!({"region_id": region.to_string(), "head_name": head, "members": "4",
                "food": "true", "clothing": "true", "water": "true",
                "safe_shelter": shelter.to_string(), "medical": "true"})
        };
        for (h, r, sh) in [
            ("王建国", shiba, true),
            ("赵明", shiba, false),
            ("刘强", baozi, true),
        ] {
            let (st, b) = put(&relief, &office, all(h, r, sh)).await;
            assert_eq!(st, 200, "{b}");
        }
        let (st, b) = put(&relief, &office, json!({"region_id": shiba.to_string(), "head_name": "", "members": "0", "food": "maybe"})).await;
        assert_eq!(st, 422);
        assert_eq!(field_codes(&b).len(), 3, "{b}");
        let d = get_json(format!("{api}/incidents/{id}"), &office).await;
        assert_eq!(d["disaster"]["rate"]["met"], 2);
        assert_eq!(d["disaster"]["rate"]["households"], 3);
        let (st, _) = put(&relief, &office, all("赵明", shiba, true)).await;
        assert_eq!(st, 200);
        let sum = get_json(format!("{api}/relief"), &office).await;
        assert_eq!(sum["rate"]["met"], base + 3, "{sum}");
        assert_eq!(sum["rate"]["households"], base + 3, "{sum}");
        assert!(sum["rates"].as_array().unwrap().len() >= 2);
        // A year with no incident has no households.
        let sum = get_json(format!("{api}/relief?year=2001"), &office).await;
        assert_eq!(sum["rate"]["households"], 0);

        // Who may: a village over its own area only; a department reads but does not record; an
        // enterprise sees nothing.
        let shiba_t = token(&s, "shiba").await;
        let (st, _) = put(
            &url,
            &shiba_t,
            json!({"region_id": shiba.to_string(), "affected": "1"}),
        )
        .await;
        assert!(
            st == 404 || st == 403,
            "a village recorded on a town incident: {st}"
        );
        let yjb = token(&s, "yjb").await;
        let (st, _) = put(&relief, &yjb, all("孙", shiba, true)).await;
        assert!(st == 404 || st == 403, "a department recorded relief: {st}");
        let firm = token(&s, "firm").await;
        let r = super::client()
            .get(format!("{api}/incidents/{id}"))
            .bearer_auth(&firm)
            .send()
            .await
            .unwrap();
        assert!(r.status() == 404 || r.status() == 403);
        let (st, _) = post(
            &format!("{api}/incidents/{id}/investigation"),
            &shiba_t,
            json!({"action": "report", "findings": "x"}),
        )
        .await;
        assert!(
            st == 404 || st == 403,
            "a village stepped the investigation: {st}"
        );
    }
}

#[tokio::test]
async fn an_accident_opens_a_dual_investigation_tracked_to_its_accountability() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let shiba = village(&s, "石坝村").await;
        let (st, d) = post(
            &format!("{api}/incidents"),
            &office,
            json!({
                "kind": "production_accident", "name": "石坝村砖厂机械伤害事故",
                "occurred_at": form_value(Utc::now() - Duration::minutes(20)),
                "region_id": shiba.to_string()
            }),
        )
        .await;
        assert_eq!(st, 201, "{d}");
        let id = d["incident"]["id"].as_i64().unwrap();
        let inv = &d["disaster"]["investigation"];
        assert_eq!(inv["row"]["kind"], "dual", "{d}");
        assert_eq!(inv["row"]["status"], "open");
        let opened = chrono::NaiveDate::parse_from_str(
            inv["row"]["opened_on"].as_str().unwrap(),
            "%Y-%m-%d",
        )
        .unwrap();
        assert_eq!(inv["due"], (opened + Duration::days(60)).to_string());
        // An accident keeps no disaster statistics.
        let (st, b) = put(
            &format!("{api}/incidents/{id}/statistics"),
            &office,
            json!({"region_id": shiba.to_string()}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(
            field_codes(&b),
            [("kind".into(), "disaster.accident_no_stats".into())]
        );

        // Reports in their order: no follow-up or final before the accident report, no initial
        // report for an accident.
        let rep = format!("{api}/incidents/{id}/reports");
        for (stage, code) in [
            ("update", "incident.report_order"),
            ("initial", "incident.stage_kind"),
            ("final", "incident.report_order"),
        ] {
            let (st, b) = post(&rep, &office, json!({"stage": stage, "summary": "x"})).await;
            assert_eq!(st, 422, "{stage}");
            assert_eq!(field_codes(&b), [("stage".into(), code.into())], "{stage}");
        }
        let (st, _) = post(
            &rep,
            &office,
            json!({"stage": "accident", "summary": "砖厂1人被机械卷入，送医"}),
        )
        .await;
        assert_eq!(st, 200);
        let (st, b) = post(
            &rep,
            &office,
            json!({"stage": "accident", "summary": "again"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(
            field_codes(&b),
            [("stage".into(), "incident.report_twice".into())]
        );
        let d = get_json(format!("{api}/incidents/{id}"), &office).await;
        assert_eq!(d["reports"].as_array().unwrap().len(), 1);

        // A grade by hand against the figures needs its reason.
        let (st, _) = put(
            &format!("{api}/incidents/{id}/figures"),
            &office,
            json!({"deaths": "3"}),
        )
        .await;
        assert_eq!(st, 200);
        let g = format!("{api}/incidents/{id}/grade");
        let (st, b) = put(&g, &office, json!({"grade": "general"})).await;
        assert_eq!(st, 422);
        assert_eq!(
            field_codes(&b),
            [("reason".into(), "incident.grade_reason".into())]
        );
        let d = get_json(format!("{api}/incidents/{id}"), &office).await;
        assert_eq!(d["incident"]["grade"], "larger");
        let (st, d) = put(
            &g,
            &office,
            json!({"grade": "general", "reason": "经县调查组认定，其中1人系自身疾病死亡"}),
        )
        .await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["incident"]["grade"], "general");
        assert!(
            d["incident"]["grade_reason"]
                .as_str()
                .unwrap()
                .contains("疾病")
        );
        let shiba_t = token(&s, "shiba").await;
        let (st, _) = put(&g, &shiba_t, json!({"grade": "major", "reason": "x"})).await;
        assert_eq!(
            st, 200,
            "the village records incidents in its own area and may grade them"
        );

        // The investigation: decide before the report is refused; a dual report needs both
        // halves; extended once; reported; decided.
        let step = format!("{api}/incidents/{id}/investigation");
        let (st, b) = post(
            &step,
            &office,
            json!({"action": "decide", "accountability": "x"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(
            field_codes(&b),
            [("action".into(), "investigation.out_of_order".into())]
        );
        let (st, b) = post(
            &step,
            &office,
            json!({"action": "report", "findings": "违章操作"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(
            field_codes(&b),
            [("regulator_findings".into(), "required".into())]
        );
        let (st, b) = post(
            &step,
            &office,
            json!({"action": "extend", "days": "61", "reason": "技术鉴定"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(field_codes(&b)[0].0, "days");
        let (st, v) = post(
            &step,
            &office,
            json!({"action": "extend", "days": "30", "reason": "技术鉴定"}),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(
            v["investigation"]["due"],
            (opened + Duration::days(90)).to_string()
        );
        let (st, b) = post(
            &step,
            &office,
            json!({"action": "extend", "days": "10", "reason": "again"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(field_codes(&b)[0].1, "investigation.extended_once");
        let (st, v) = post(&step, &office, json!({"action": "report", "findings": "违章操作，企业安全培训不到位", "regulator_findings": "镇安监站年度检查未覆盖该砖厂"})).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["investigation"]["row"]["status"], "reported");
        let (st, v) = post(
            &step,
            &office,
            json!({"action": "decide", "accountability": "企业主要负责人罚款；安监站站长诫勉谈话"}),
        )
        .await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["investigation"]["row"]["status"], "decided");
        let list = get_json(format!("{api}/investigations"), &office).await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .any(|x| x[0] == "石坝村砖厂机械伤害事故" && x[1]["row"]["status"] == "decided"),
            "{list}"
        );
    }
}

#[tokio::test]
async fn an_investigation_report_not_in_by_its_day_is_escalated_once() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let shiba = village(&s, "石坝村").await;
        let (st, d) = post(
            &format!("{api}/incidents"),
            &office,
            json!({
                "kind": "geo_hazard", "name": "石坝村5组崩塌灾情",
                "occurred_at": form_value(Utc::now() - Duration::hours(1)),
                "region_id": shiba.to_string()
            }),
        )
        .await;
        assert_eq!(st, 201);
        let id = d["incident"]["id"].as_i64().unwrap();
        let (st, d) = put(
            &format!("{api}/incidents/{id}/figures"),
            &office,
            json!({"missing": "1"}),
        )
        .await;
        assert_eq!(st, 200);
        assert_eq!(d["disaster"]["investigation"]["row"]["kind"], "assessment");
        // Sixty days on it is not late; sixty-two days on it is, and it is said once.
        let late = |s: &super::Server| {
            let s = s.svc.clone();
            async move {
                let u = safegrid_store::users::by_username(&s.store, "office")
                    .await
                    .unwrap()
                    .unwrap();
                let who = s.principal_of(&u).await.unwrap();
                s.inbox(&who)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|m| m.title.contains("5组崩塌") && m.title.contains("调查报告已超期"))
                    .count()
            }
        };
        s.svc
            .run_due_jobs("test", Utc::now() + Duration::days(59), 500)
            .await
            .unwrap();
        assert_eq!(late(&s).await, 0);
        s.svc
            .run_due_jobs("test", Utc::now() + Duration::days(62), 500)
            .await
            .unwrap();
        s.svc
            .run_due_jobs("test", Utc::now() + Duration::days(63), 500)
            .await
            .unwrap();
        assert_eq!(late(&s).await, 1);
    }
}

#[tokio::test]
async fn the_village_keeps_its_ledgers_and_relief_on_the_pages() {
    use super::{body_of, client, csrf_in, login};
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "shiba").await;
        // The demo's landslide in Shiba already holds its statistics, houses and relief.
        let landslide = safegrid_store::incidents::list(&s.svc.store, "", 50)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.title.contains("3号滑坡"))
            .unwrap();
        let url = format!("{}/incidents/{}", s.base, landslide.id);
        let page = body_of(&c, &url).await;
        assert!(
            page.contains("灾情统计") && page.contains("张永富") && page.contains("施工中"),
            "{page}"
        );
        assert!(
            page.contains("id=\"relief-rate\" class=\"badge green\">100.0%"),
            "{page}"
        );
        let csrf = csrf_in(&page);

        // A household short of clean water brings the rate down, in red.
        let r = c
            .post(format!("{url}/relief"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("region_id", &landslide.region_id.to_string()),
                ("head_name", "陈大贵"),
                ("members", "5"),
                ("food", "on"),
                ("clothing", "on"),
                ("safe_shelter", "on"),
                ("medical", "on"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let page = body_of(&c, &url).await;
        assert!(
            page.contains("id=\"relief-rate\" class=\"badge red\">75.0%"),
            "{page}"
        );

        // Statistics that contradict themselves come back with the field named, in Chinese.
        let r = c
            .post(format!("{url}/statistics"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("region_id", &landslide.region_id.to_string()),
                ("affected", "10"),
                ("relocated", "12"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("紧急转移安置") && body.contains("不能多于受灾人口"),
            "{body}"
        );

        // The recovery page shows the rate per village and the household short of water.
        let rec = body_of(&c, format!("{}/recovery", s.base)).await;
        assert!(rec.contains("<svg") && rec.contains("石坝村"), "{rec}");
        assert!(
            rec.contains("陈大贵") && rec.contains("有干净水喝"),
            "{rec}"
        );

        // The ledgers in Excel: statistics, the dead and missing, houses, relief.
        let r = c.get(format!("{url}/ledgers.xlsx")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        assert_eq!(calamine::Reader::sheet_names(&book).len(), 4);
        let houses = calamine::Reader::worksheet_range_at(&mut book, 2)
            .unwrap()
            .unwrap();
        assert!(houses.rows().any(|r| r.iter().any(|c| *c == "张永富")));

        // The investigation steps are the office's: the village sees no form for them.
        let accident = safegrid_store::incidents::list(&s.svc.store, "", 50)
            .await
            .unwrap()
            .into_iter()
            .find(|i| i.title.contains("木材加工厂"))
            .unwrap();
        let c2 = client();
        login(&c2, &s.base, "office").await;
        let page = body_of(&c2, format!("{}/incidents/{}", s.base, accident.id)).await;
        assert!(
            page.contains("一案双查") && page.contains("id=\"decide-form\""),
            "{page}"
        );
        let csrf = csrf_in(&page);
        let r = c2
            .post(format!(
                "{}/incidents/{}/investigation",
                s.base, accident.id
            ))
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "decide"),
                ("accountability", ""),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("责任追究决定"));
        let r = c2
            .post(format!(
                "{}/incidents/{}/investigation",
                s.base, accident.id
            ))
            .form(&[
                ("csrf", csrf.as_str()),
                ("action", "decide"),
                ("accountability", "对企业处以罚款，对镇安监站负责人诫勉谈话"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let page = body_of(&c2, format!("{}/incidents/{}", s.base, accident.id)).await;
        assert!(
            page.contains("id=\"investigation-status\">已追责"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn an_incident_names_its_commander_and_links_warnings_and_hazards() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let shiba = village(&s, "石坝村").await;
        let town = town(&s).await;
        let (st, d) = post(
            &format!("{api}/incidents"),
            &office,
            json!({
                "kind": "geo_hazard", "name": "石坝村3组崩塌险情",
                "occurred_at": form_value(Utc::now() - Duration::minutes(30)),
                "region_id": shiba.to_string()
            }),
        )
        .await;
        assert_eq!(st, 201, "{d}");
        let id = d["incident"]["id"].as_i64().unwrap();
        let people = safegrid_store::people::all_within(&s.svc.store, "")
            .await
            .unwrap();
        let town_path = safegrid_store::regions::get(&s.svc.store, town)
            .await
            .unwrap()
            .unwrap()
            .path;
        let staff = people.iter().find(|p| p.region_path == town_path).unwrap();
        let elsewhere = people.iter().find(|p| p.region_name == "堡子村").unwrap();

        // A cadre of another village cannot command here; the town's staff can.
        let url = format!("{api}/incidents/{id}/commander");
        let (st, b) = put(
            &url,
            &office,
            json!({"person_id": elsewhere.id.to_string()}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(field_codes(&b)[0].0, "person_id");
        let (st, d) = put(&url, &office, json!({"person_id": staff.id.to_string()})).await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["incident"]["commander_name"], staff.name.as_str());

        // Links: one of the two at a time, each once, only what the caller may see.
        let links = format!("{api}/incidents/{id}/links");
        let (st, b) = post(&links, &office, json!({})).await;
        assert_eq!(st, 422);
        assert_eq!(field_codes(&b)[0].1, "incident.link_one");
        let hazard = get_json(format!("{api}/hazards?page=1"), &office).await["rows"][0]["id"]
            .as_i64()
            .unwrap();
        let (st, d) = post(&links, &office, json!({"hazard_id": hazard.to_string()})).await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["linked_hazards"][0]["id"], hazard);
        let (st, b) = post(&links, &office, json!({"hazard_id": hazard.to_string()})).await;
        assert_eq!(st, 422);
        assert_eq!(field_codes(&b)[0].1, "incident.linked_already");
        let (st, b) = post(&links, &office, json!({"warning_id": "999999"})).await;
        assert_eq!(st, 422);
        assert_eq!(field_codes(&b)[0].0, "warning_id");
        let shiba_t = token(&s, "shiba").await;
        let (st, _) = put(
            &url,
            &token(&s, "yjb").await,
            json!({"person_id": staff.id.to_string()}),
        )
        .await;
        assert!(
            st == 403 || st == 404,
            "a department named a commander: {st}"
        );
        let d = get_json(format!("{api}/incidents/{id}"), &shiba_t).await;
        assert!(
            d["log"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["entry"].as_str().unwrap().starts_with("现场指挥官")),
            "{d}"
        );

        // The command page shows the commander and the hazard.
        let c = super::client();
        super::login(&c, &s.base, "office").await;
        let page = super::body_of(&c, format!("{}/incidents/{id}/command", s.base)).await;
        assert!(
            page.contains(&staff.name) && page.contains(&format!("/hazards/{hazard}")),
            "{page}"
        );
    }
}
