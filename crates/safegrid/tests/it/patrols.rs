//! Monitor patrols over real HTTP: reports through the API and the phone form (photos included),
//! the alarm a precursor raises and raises again, every bad field named with nothing stored, who
//! may report, and the missed-patrol report against a hand count of the demo's flood season.

use super::monitoring::{get_json, post, token};
use super::{body_of, client, csrf_in, login, servers};
use chrono::{Datelike, Duration, Utc};
use safegrid_service::system;
use serde_json::{Value, json};

async fn site_id(s: &super::Server, name: &str) -> i64 {
    s.svc
        .objects(&system(), None)
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == name)
        .unwrap()
        .id
}

async fn patrol_count(s: &super::Server, object: i64) -> usize {
    s.svc
        .patrols(&system(), Some(object), 5000)
        .await
        .unwrap()
        .len()
}

/// The flood season the demo's patrols fall in (the last one that has ended).
fn demo_year() -> i32 {
    let today = safegrid_domain::local_time::day_of(Utc::now());
    if today.month() >= 10 {
        today.year()
    } else {
        today.year() - 1
    }
}

#[tokio::test]
async fn a_precursor_raises_one_alarm_that_later_reports_raise_or_add_to() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let monitor = token(&s, "monitor").await;
        let office = token(&s, "office").await;
        let sb3 = site_id(&s, "石坝村3号滑坡").await;
        let before = patrol_count(&s, sb3).await;

        // A check-in with a measurement: stored, no alarm, the crack compared with the last one.
        let (st, b) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": sb3.to_string(), "no_anomaly": true, "cracks": [{"point": "L1", "width_mm": "9.5"}]}),
        )
        .await;
        assert_eq!(st, 201, "{b}");
        assert!(b["notice"].is_null());
        assert_eq!(b["widening"][0]["point"], "L1");
        assert_eq!(b["widening"][0]["now_mm"], 9.5);
        assert!(b["widening"][0]["before_mm"].as_f64().unwrap() < 9.5);
        // The patrol's own page tells the same change later.
        let detail = get_json(format!("{api}/patrols/{}", b["patrol"]["id"]), &office).await;
        assert_eq!(detail["widening"], b["widening"], "{detail}");

        // One sign: an orange patrol alarm on the site.
        let (st, b) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": sb3.to_string(), "precursors": ["new_cracks"], "note": "后缘新裂缝"}),
        )
        .await;
        assert_eq!(st, 201, "{b}");
        assert_eq!(b["notice"]["kind"], "opened");
        assert_eq!(b["notice"]["level"], "orange");
        let alarm = b["notice"]["alarm_id"].as_i64().unwrap();
        assert_eq!(b["patrol"]["alarm_id"], alarm);

        // Two signs at once: the same alarm goes red; the same sign again adds to its history.
        let (st, b) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": sb3.to_string(), "precursors": ["bulging", "house_deformation"]}),
        )
        .await;
        assert_eq!(st, 201, "{b}");
        assert_eq!(
            (
                b["notice"]["kind"].as_str(),
                b["notice"]["alarm_id"].as_i64()
            ),
            (Some("raised"), Some(alarm))
        );
        assert_eq!(b["notice"]["level"], "red");
        let (st, b) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": sb3.to_string(), "precursors": ["sounds"]}),
        )
        .await;
        assert_eq!(st, 201, "{b}");
        assert_eq!(b["notice"]["kind"], "recurred");
        let detail = get_json(format!("{api}/alarms/{alarm}"), &office).await;
        assert_eq!(detail["alarm"]["level"], "red", "{detail}");
        assert_eq!(detail["alarm"]["source"], "patrol");
        let kinds: Vec<&str> = detail["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, vec!["opened", "raised", "reported"]);
        let open: Value = get_json(format!("{api}/alarms?object_id={sb3}"), &office).await;
        let patrol_alarms = open
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["source"] == "patrol")
            .count();
        assert_eq!(patrol_alarms, 1);
        assert_eq!(patrol_count(&s, sb3).await, before + 4);

        // Once resolved, the next sign opens a new alarm.
        let (st, _) = post(
            &format!("{api}/alarms/{alarm}/resolve"),
            &office,
            json!({"note": "地质队员复核"}),
        )
        .await;
        assert_eq!(st, 200);
        let (_, b) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": sb3.to_string(), "precursors": ["tilted_trees"]}),
        )
        .await;
        assert_eq!(b["notice"]["kind"], "opened");
        assert_ne!(b["notice"]["alarm_id"].as_i64(), Some(alarm));
    }
}

#[tokio::test]
async fn bad_reports_and_wrong_people_store_nothing() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let monitor = token(&s, "monitor").await;
        let sb3 = site_id(&s, "石坝村3号滑坡").await;
        let before = patrol_count(&s, sb3).await;
        let future = (Utc::now() + Duration::hours(2)).to_rfc3339();
        let (st, b) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": sb3.to_string(), "no_anomaly": true, "precursors": ["bulging", "landslide"],
                   "patrolled_at": future, "cracks": [{"point": "L1", "width_mm": "NaN"}, {"point": "", "width_mm": "2"}],
                   "latitude": "95", "longitude": "107.5"}),
        )
        .await;
        assert_eq!(st, 422, "{b}");
        let fields: Vec<(&str, &str)> = b["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("patrolled_at", "time.future"),
                ("precursors", "choice"),
                ("no_anomaly", "patrol.anomaly_contradiction"),
                ("cracks.1.width_mm", "not_a_number"),
                ("cracks.2.point", "required"),
                ("latitude", "number.range"),
            ]
        );
        // In the user's words, naming the row.
        let msgs: Vec<&str> = b["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap())
            .collect();
        assert!(
            msgs.contains(&"裂缝测量 1 宽度(毫米)：不是有效的数字"),
            "{msgs:?}"
        );
        // Fields nobody knows and a body that is not a patrol.
        let (st, _) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": sb3.to_string(), "no_anomaly": true, "severity": "high"}),
        )
        .await;
        assert_eq!(st, 422);
        // A rain gauge is not walked.
        let soil = site_id(&s, "石坝村墒情站").await;
        let (st, b) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": soil.to_string(), "no_anomaly": true}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["code"], "patrol.not_patrolled");
        // Another village's site is not the Shiba monitor's to see; departments and enterprises
        // do not report patrols.
        let bz = site_id(&s, "堡子村危岩崩塌").await;
        let (st, _) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": bz.to_string(), "no_anomaly": true}),
        )
        .await;
        assert_eq!(st, 404);
        for user in ["yjb", "firm"] {
            let t = token(&s, user).await;
            let (st, _) = post(
                &format!("{api}/patrols"),
                &t,
                json!({"object_id": sb3.to_string(), "no_anomaly": true}),
            )
            .await;
            assert!(st == 403 || st == 404, "{user} reported a patrol: {st}");
        }
        assert_eq!(patrol_count(&s, sb3).await, before);
        assert_eq!(patrol_count(&s, bz).await, 0);
        // The Shiba monitor sees none of another village's patrols either.
        let list = get_json(format!("{api}/patrols"), &monitor).await;
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|p| p["region_name"] == "石坝村"),
            "{list}"
        );
    }
}

/// Missed stretches of one site in a report.
fn missed_of(report: &Value, site: &str) -> Vec<(String, bool, u64, u64)> {
    report["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["object_name"] == site)
        .unwrap_or_else(|| panic!("{site} in {report}"))["missed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["from"].as_str().unwrap().to_string(),
                m["warning"].as_bool().unwrap(),
                m["required"].as_u64().unwrap(),
                m["done"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn missed_patrols_follow_the_policy_per_site_monitor_and_village() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let y = demo_year();
        // Four whole weeks around the demo's July gap: the Monday on or after 6 July to the
        // Sunday four weeks on.
        let mut from = chrono::NaiveDate::from_ymd_opt(y, 7, 6).unwrap();
        while from.weekday() != chrono::Weekday::Mon {
            from += Duration::days(1);
        }
        let to = from + Duration::days(27);
        let url = format!("{api}/patrols/missed?from={from}&to={to}");
        let r = get_json(&url, &office).await;
        // Site 3 was walked every Tuesday and Friday: nothing missed.
        assert_eq!(missed_of(&r, "石坝村3号滑坡"), vec![]);
        // Site 1 skipped 13-26 July: the whole weeks inside that gap, 0 of 2 each.
        let gap: Vec<(String, bool, u64, u64)> = (0..4)
            .map(|w| from + Duration::days(7 * w))
            .filter(|m| {
                let sun = *m + Duration::days(6);
                let (a, b) = (
                    chrono::NaiveDate::from_ymd_opt(y, 7, 13).unwrap(),
                    chrono::NaiveDate::from_ymd_opt(y, 7, 26).unwrap(),
                );
                // A week with no Tuesday or Friday outside the gap.
                (0..7)
                    .map(|d| *m + Duration::days(d))
                    .filter(|d| matches!(d.weekday(), chrono::Weekday::Tue | chrono::Weekday::Fri))
                    .all(|d| d >= a && d <= b)
                    && sun >= a
            })
            .map(|m| (m.to_string(), false, 2, 0))
            .collect();
        assert!(!gap.is_empty());
        assert_eq!(missed_of(&r, "石坝村1号滑坡"), gap);
        // Sites nobody walked miss every week.
        assert_eq!(missed_of(&r, "堡子村危岩崩塌").len(), 4);
        let village = r["by_village"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "石坝村")
            .unwrap();
        assert_eq!(village["patrols_missing"], 2 * gap.len() as u64);
        let monitor_name = s
            .svc
            .object_detail(&system(), site_id(&s, "石坝村1号滑坡").await)
            .await
            .unwrap()
            .duties
            .into_iter()
            .find(|d| d.role == "monitor")
            .unwrap()
            .name;
        let m = r["by_monitor"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == monitor_name.as_str())
            .unwrap();
        // The same monitor walks both Shiba sites, and only site 1 missed weeks.
        assert_eq!(m["patrols_missing"], 2 * gap.len() as u64);
        assert_eq!(m["sites"], 2);

        // The office asks for three a week: site 3's two are now short every week. Others may
        // not change the policy, and a season that is no date is named.
        let r = client()
            .put(format!("{api}/patrol-policy"))
            .bearer_auth(token(&s, "monitor").await)
            .json(&json!({"per_week_in_season": 3}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = client()
            .put(format!("{api}/patrol-policy"))
            .bearer_auth(&office)
            .json(&json!({"season_start": [2, 30]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["fields"][0]["field"], "season_start");
        let r = client()
            .put(format!("{api}/patrol-policy"))
            .bearer_auth(&office)
            .json(&json!({"per_week_in_season": 3}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = get_json(&url, &office).await;
        assert_eq!(missed_of(&r, "石坝村3号滑坡").len(), 4);
        assert!(
            missed_of(&r, "石坝村3号滑坡")
                .iter()
                .all(|m| m.2 == 3 && m.3 == 2)
        );
        // A period backwards is named.
        let r = client()
            .get(format!("{api}/patrols/missed?from={to}&to={from}"))
            .bearer_auth(&office)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
    }
}

#[tokio::test]
async fn a_rain_alarm_makes_today_a_day_of_rounds() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let today = safegrid_domain::local_time::day_of(Utc::now());
        let url = format!("{api}/patrols/missed?from={today}&to={today}");
        let r = get_json(&url, &office).await;
        assert_eq!(missed_of(&r, "石坝村3号滑坡"), vec![]);
        // A downpour at Shiba's site 1 gauge: an alarm over the village.
        let gw = s.svc.create_gateway(&system(), "雨量测试").await.unwrap();
        let (st, _) = post(
            &format!("{api}/readings"),
            &gw.token,
            json!([{"sensor": "SB1-RAIN", "value": 85}]),
        )
        .await;
        assert_eq!(st, 200);
        let r = get_json(&url, &office).await;
        assert_eq!(
            missed_of(&r, "石坝村3号滑坡"),
            vec![(today.to_string(), true, 1, 0)]
        );
        // Another village's sites are not under Shiba's rain.
        assert_eq!(missed_of(&r, "堡子村危岩崩塌"), vec![]);
        let monitor = token(&s, "monitor").await;
        let sb3 = site_id(&s, "石坝村3号滑坡").await;
        let (st, _) = post(
            &format!("{api}/patrols"),
            &monitor,
            json!({"object_id": sb3.to_string(), "no_anomaly": true}),
        )
        .await;
        assert_eq!(st, 201);
        let r = get_json(&url, &office).await;
        assert_eq!(missed_of(&r, "石坝村3号滑坡"), vec![]);
    }
}

#[tokio::test]
async fn the_phone_form_reports_with_photos_and_keeps_what_was_typed() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "monitor").await;
        let sb1 = site_id(&s, "石坝村1号滑坡").await;
        let form_url = format!("{}/monitoring/patrols/new?object_id={sb1}", s.base);
        let page = body_of(&c, &form_url).await;
        assert!(page.contains("capture=\"environment\"") && page.contains("出现新裂缝或裂缝加宽"));
        let i = page.find("csrf=").unwrap() + 5;
        let csrf: String = page[i..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        let png = [&b"\x89PNG\r\n\x1a\n"[..], b"rest of a png"].concat();
        let base_form = || {
            reqwest::multipart::Form::new()
                .text("object_id", sb1.to_string())
                .text("precursors", "springs_or_turbid_water")
                .text("point", "L1")
                .text("width_mm", "4.2")
                .text("note", "坡脚泉水变浑")
        };
        // A forged token changes nothing.
        let r = c
            .post(format!("{}/monitoring/patrols?csrf=forged", s.base))
            .multipart(base_form())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // A wrong width: the form comes back with the row named and everything typed kept.
        let before = patrol_count(&s, sb1).await;
        let r = c
            .post(format!("{}/monitoring/patrols?csrf={csrf}", s.base))
            .multipart(base_form().text("point", "L2").text("width_mm", "-3").part(
                "photos",
                reqwest::multipart::Part::bytes(png.clone()).file_name("坡脚.png"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("裂缝测量 2 宽度(毫米)"), "row named");
        assert!(html.contains("value=\"springs_or_turbid_water\" checked"));
        assert!(html.contains("坡脚泉水变浑") && html.contains("value=\"4.2\""));
        assert_eq!(patrol_count(&s, sb1).await, before);
        // A file that is no picture is refused by name, nothing stored.
        let r = c
            .post(format!("{}/monitoring/patrols?csrf={csrf}", s.base))
            .multipart(
                base_form().part(
                    "photos",
                    reqwest::multipart::Part::bytes(b"MZ\x90\x00 not a photo".to_vec())
                        .file_name("a.exe"),
                ),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert_eq!(patrol_count(&s, sb1).await, before);
        // The good report: stored with its photo, an alarm raised, shown on the patrol's page.
        let r = c
            .post(format!("{}/monitoring/patrols?csrf={csrf}", s.base))
            .multipart(base_form().part(
                "photos",
                reqwest::multipart::Part::bytes(png.clone()).file_name("坡脚.png"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let page = body_of(&c, format!("{}{to}", s.base)).await;
        assert!(page.contains("id=\"alarm-raised\"") && page.contains("泉水新出、断流或变浑"));
        let file = page
            .split("href=\"/files/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let r = c
            .get(format!("{}/files/{file}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().to_vec(), png);
        // The photo is not for an enterprise's eyes.
        let firm = client();
        login(&firm, &s.base, "firm").await;
        let r = firm
            .get(format!("{}/files/{file}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        // The office's pages: the site's patrols and cracks, the report and its workbook, home.
        let office = client();
        login(&office, &s.base, "office").await;
        let site = body_of(&office, format!("{}/monitoring/objects/{sb1}", s.base)).await;
        assert!(site.contains("id=\"patrols\"") && site.contains("id=\"crack-history\""));
        let report = body_of(&office, format!("{}/monitoring/patrols", s.base)).await;
        assert!(report.contains("id=\"by-village\"") && report.contains("id=\"by-monitor\""));
        let r = office
            .get(format!("{}/monitoring/patrols/missed.xlsx", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));
        let home = body_of(&office, format!("{}/", s.base)).await;
        assert!(home.contains("应巡未巡"));
        // The policy form: a wrong season is named and nothing changes.
        let policy = body_of(&office, format!("{}/monitoring/patrol-policy", s.base)).await;
        let r = office
            .post(format!("{}/monitoring/patrol-policy", s.base))
            .form(&[
                ("csrf", csrf_in(&policy).as_str()),
                ("season_start", "10-01"),
                ("season_end", "05-01"),
                ("per_week_in_season", "2"),
                ("per_week_off_season", "0"),
                ("per_warning_day", "1"),
                ("precursor_level", "orange"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("汛期结束日应晚于开始日"));
        assert_eq!(
            s.svc.patrol_policy().await.unwrap(),
            safegrid_domain::patrol::Policy::default()
        );
        // The monitor may not open the policy form's action.
        let r = c
            .post(format!("{}/monitoring/patrol-policy", s.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("season_start", "05-01"),
                ("season_end", "09-30"),
                ("per_week_in_season", "7"),
                ("per_week_off_season", "0"),
                ("per_warning_day", "1"),
                ("precursor_level", "orange"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
}
