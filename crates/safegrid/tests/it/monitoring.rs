//! Monitoring over real HTTP: objects, sensors, gateways and rules through the API; readings in
//! JSON and CSV, each bad one named; resends stored once; alarms opened by rules, acknowledged and
//! resolved by the people allowed to.

use super::{client, servers};
use serde_json::{Value, json};

pub async fn token(s: &super::Server, user: &str) -> String {
    s.svc
        .issue_token(&safegrid_service::system(), user, "test")
        .await
        .unwrap()
}

/// Posts JSON with a bearer token; returns status and body.
pub async fn post(url: &str, token: &str, body: Value) -> (u16, Value) {
    send(reqwest::Method::POST, url, token, body).await
}

/// Puts JSON with a bearer token; returns status and body.
pub async fn put(url: &str, token: &str, body: Value) -> (u16, Value) {
    send(reqwest::Method::PUT, url, token, body).await
}

async fn send(method: reqwest::Method, url: &str, token: &str, body: Value) -> (u16, Value) {
    let r = client()
        .request(method, url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A landslide site in Shiba village with a rain gauge and a crack meter on one gateway, a rain
/// rule and a combined rule. Returns (object id, gateway token, rain sensor id, crack sensor id).
pub async fn site(s: &super::Server, office: &str) -> (i64, String, i64, i64) {
    let api = format!("{}/api/v1", s.base);
    let shiba = s
        .svc
        .villages(&safegrid_service::system())
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.name == "石坝村")
        .unwrap()
        .id;
    let (st, o) = post(
        &format!("{api}/objects"),
        office,
        json!({"kind": "hazard_site", "name": "测试滑坡", "region_id": shiba.to_string(),
               "hazard_type": "landslide", "scale": "small", "households": "12", "residents": "41"}),
    )
    .await;
    assert_eq!(st, 201, "{o}");
    let object = o["id"].as_i64().unwrap();
    let (st, g) = post(
        &format!("{api}/gateways"),
        office,
        json!({"name": "测试网关"}),
    )
    .await;
    assert_eq!(st, 201, "{g}");
    let gw = g["token"].as_str().unwrap().to_string();
    let gid = g["id"].as_i64().unwrap().to_string();
    let mut ids = vec![];
    for (code, metrics) in [
        ("T-RAIN", vec!["rainfall"]),
        ("T-CRACK", vec!["crack_width:0:500"]),
    ] {
        let (st, b) = post(
            &format!("{api}/sensors"),
            office,
            json!({"code": code, "object_id": object.to_string(), "gateway_id": gid, "metrics": metrics}),
        )
        .await;
        assert_eq!(st, 201, "{b}");
        ids.push(b[0]["id"].as_i64().unwrap());
    }
    let (st, b) = post(
        &format!("{api}/objects/{object}/rules"),
        office,
        json!({"name": "1小时雨量", "conditions": [{"kind": "rainfall", "windows": [{"hours": 1, "bands": [10, 20, 30, 40]}]}]}),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    let (st, b) = post(
        &format!("{api}/objects/{object}/rules"),
        office,
        json!({"name": "雨量+裂缝", "conditions": [
            {"kind": "rainfall", "sensor_id": ids[0], "windows": [{"hours": 3, "bands": [10, null, null, 30]}]},
            {"kind": "threshold", "metric": "crack_width", "sensor_id": ids[1], "bands": [5, 10, 15, 20], "hysteresis": 0.5}
        ]}),
    )
    .await;
    assert_eq!(st, 201, "{b}");
    (object, gw, ids[0], ids[1])
}

/// Gets JSON with a bearer token.
pub async fn get_json(url: impl reqwest::IntoUrl, token: &str) -> Value {
    client()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn reasons(b: &Value) -> Vec<(String, String)> {
    b["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["item"].as_str().unwrap().to_string(),
                r["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn readings_are_checked_stored_once_and_raise_alarms() {
    for s in servers().await {
        let office = token(&s, "office").await;
        let (object, gw, rain, _crack) = site(&s, &office).await;
        let url = format!("{}/api/v1/readings", s.base);
        let now = chrono::Utc::now().timestamp();
        let t = |min_ago: i64| (now - min_ago * 60).to_string();
        let batch = json!({"readings": [
            {"sensor": "T-RAIN", "metric": "rainfall", "ts": t(50), "value": 6.0},
            {"sensor": "T-RAIN", "ts": t(40), "value": 8.0},
            {"sensor": "T-RAIN", "ts": t(30), "value": "NaN"},
            {"sensor": "T-RAIN", "ts": t(20), "value": -5},
            {"sensor": "NOPE", "ts": t(20), "value": 1},
            {"sensor": "T-RAIN", "ts": (now + 3600).to_string(), "value": 1},
            {"sensor": "T-RAIN", "ts": "946684799", "value": 1},
            {"sensor": "T-RAIN", "ts": t(10), "value": "abc"},
            {"sensor": "T-RAIN", "metric": "tilt", "ts": t(10), "value": 1},
            {"sensor": "T-RAIN", "ts": t(40), "value": 8.0},
            {"sensor": "T-CRACK", "ts": t(5), "value": 2.5},
            {"sensor": "T-RAIN", "ts": t(5), "value": 7.0}
        ]});
        let (st, b) = post(&url, &gw, batch.clone()).await;
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["accepted"], 4, "{b}");
        let mut got = reasons(&b);
        got.sort();
        let mut want: Vec<(String, String)> = [
            (2, "not_finite"),
            (3, "out_of_range"),
            (4, "unknown_sensor"),
            (5, "in_future"),
            (6, "too_old"),
            (7, "malformed"),
            (8, "unknown_metric"),
            (9, "duplicate"),
        ]
        .iter()
        .map(|(i, r)| (format!("readings[{i}]"), r.to_string()))
        .collect();
        want.sort();
        assert_eq!(got, want);
        // Each refusal is explained in the caller's language.
        assert!(b["rejected"][0]["message"].as_str().unwrap().len() > 3);

        // The gateway resends the whole batch after an outage: nothing is stored twice.
        let (st, b) = post(&url, &gw, batch).await;
        assert_eq!(st, 200);
        assert_eq!(b["accepted"], 0, "{b}");
        assert_eq!(reasons(&b).iter().filter(|r| r.1 == "duplicate").count(), 5);
        let stored = safegrid_store::readings::raw(&s.svc.store, rain, 1, 0, i64::MAX)
            .await
            .unwrap();
        assert_eq!(
            stored.iter().map(|r| r.value).collect::<Vec<_>>(),
            vec![6.0, 8.0, 7.0]
        );

        // 21 mm in the last hour: the 1 h rule's yellow band (20).
        let alarms: Value = get_json(
            format!("{}/api/v1/alarms?object_id={object}", s.base),
            &office,
        )
        .await;
        let alarms = alarms.as_array().unwrap();
        assert_eq!(alarms.len(), 1, "{alarms:?}");
        assert_eq!(alarms[0]["level"], "yellow");
        assert_eq!(alarms[0]["figure"], 21.0);
        assert_eq!(alarms[0]["window_h"], 1);
        assert_eq!(alarms[0]["status"], "open");

        // CSV: a late reading and a malformed line; the good line is kept.
        let csv = format!(
            "sensor,metric,ts,value\nT-RAIN,rainfall,{},12\nT-RAIN,rainfall,{}\nT-CRACK,,{},11\n",
            t(45),
            t(44),
            t(1)
        );
        let r = client()
            .post(&url)
            .bearer_auth(&gw)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["accepted"], 2, "{b}");
        assert_eq!(reasons(&b), vec![("line 3".into(), "malformed".into())]);

        // The late 12 mm puts the hour at 33 mm (orange) and the combined rule now holds: 3 h
        // rainfall 33 (red band 30) with the crack at 11 mm (yellow): yellow.
        let alarms: Value = get_json(
            format!("{}/api/v1/alarms?object_id={object}", s.base),
            &office,
        )
        .await;
        let mut levels: Vec<(String, String)> = alarms
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["rule_name"].as_str().unwrap().to_string(),
                    a["level"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        levels.sort();
        assert_eq!(
            levels,
            vec![
                ("1小时雨量".to_string(), "orange".to_string()),
                ("雨量+裂缝".to_string(), "yellow".to_string())
            ]
        );

        // Chart series come from the rollups.
        let series: Value = get_json(
            format!(
                "{}/api/v1/objects/{object}/series?sensor_id={rain}&metric=rainfall&range=24h",
                s.base
            ),
            &office,
        )
        .await;
        let total: f64 = series["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["total"].as_f64().unwrap())
            .sum();
        assert_eq!(total, 33.0);

        // The operator sees the refusals counted.
        let report: Value = get_json(format!("{}/api/v1/ingest/rejects", s.base), &office).await;
        let counts = report["counts"].as_array().unwrap();
        let count = |reason: &str| -> i64 {
            counts
                .iter()
                .filter(|c| c[1] == "http" && c[2] == reason)
                .map(|c| c[3].as_i64().unwrap())
                .sum()
        };
        assert_eq!(count("accepted"), 6);
        assert_eq!(count("duplicate"), 6);
        assert_eq!(count("malformed"), 3);
        assert!(report["recent"].as_array().unwrap().len() >= 10);
    }
}

#[tokio::test]
async fn bad_requests_are_refused_whole_and_named() {
    for s in servers().await {
        let office = token(&s, "office").await;
        let (_, gw, _, _) = site(&s, &office).await;
        let url = format!("{}/api/v1/readings", s.base);
        let one = json!([{"sensor": "T-RAIN", "value": 1}]);
        // No token, a wrong token, a user's token in place of a gateway's.
        for t in ["", "wrong", office.as_str()] {
            let (st, b) = post(&url, t, one.clone()).await;
            assert_eq!(st, 401, "token {t:?}: {b}");
        }
        // Not JSON, not a batch, not a known media type.
        let r = client()
            .post(&url)
            .bearer_auth(&gw)
            .header("content-type", "application/json")
            .body("[{\"sensor\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["code"], "json.malformed");
        assert!(b["message"].as_str().unwrap().contains("line 1"));
        let r = client()
            .post(&url)
            .bearer_auth(&gw)
            .header("content-type", "application/xml")
            .body("<r/>")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415);
        // A body over the limit (100 MB is refused once 32 MB have arrived).
        let big = vec![b' '; 100 * 1024 * 1024];
        let r = client()
            .post(&url)
            .bearer_auth(&gw)
            .header("content-type", "application/json")
            .body(big)
            .send()
            .await;
        match r {
            Ok(r) => assert_eq!(r.status(), 413),
            // The server may close the connection before the client has sent it all.
            Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
        }
        // A sensor of another gateway cannot be written with this gateway's token.
        let (st, g2) = post(
            &format!("{}/api/v1/gateways", s.base),
            &office,
            json!({"name": "另一网关"}),
        )
        .await;
        assert_eq!(st, 201);
        let (_, b) = post(&url, g2["token"].as_str().unwrap(), one.clone()).await;
        assert_eq!(
            reasons(&b),
            vec![("readings[0]".into(), "not_own_sensor".into())]
        );
        // Good input still works afterwards.
        let (st, b) = post(&url, &gw, one.clone()).await;
        assert_eq!((st, b["accepted"].as_i64()), (200, Some(1)), "{b}");
        // A renewed token replaces the old one, which stops working at once.
        let renewed = s
            .svc
            .gateway_token(&safegrid_service::system(), "测试网关")
            .await
            .unwrap();
        let (st, _) = post(&url, &gw, one.clone()).await;
        assert_eq!(st, 401, "the old token still works");
        let (st, _) = post(&url, &renewed.token, one).await;
        assert_eq!(st, 200);
        // Only the office, leaders and admins register gateways and sensors.
        for user in ["monitor", "shiba", "yjb", "firm"] {
            let t = token(&s, user).await;
            let (st, _) = post(
                &format!("{}/api/v1/gateways", s.base),
                &t,
                json!({"name": "私设网关"}),
            )
            .await;
            assert_eq!(st, 403, "{user} registered a gateway");
            let (st, _) = post(
                &format!("{}/api/v1/sensors", s.base),
                &t,
                json!({"code": "X-1", "object_id": "1", "metrics": ["tilt"]}),
            )
            .await;
            assert!(st == 403 || st == 404, "{user} registered a sensor: {st}");
        }
    }
}

#[tokio::test]
async fn alarms_are_handled_by_those_allowed() {
    for s in servers().await {
        let office = token(&s, "office").await;
        let (object, gw, _, _) = site(&s, &office).await;
        let (st, _) = post(
            &format!("{}/api/v1/readings", s.base),
            &gw,
            json!([{"sensor": "T-RAIN", "value": 45}]),
        )
        .await;
        assert_eq!(st, 200);
        let list: Value = get_json(
            format!("{}/api/v1/alarms?object_id={object}", s.base),
            &office,
        )
        .await;
        let id = list[0]["id"].as_i64().unwrap();
        assert_eq!(list[0]["level"], "red");
        let alarm = format!("{}/api/v1/alarms/{id}", s.base);
        // An enterprise sees no alarms; a department reads but does not handle them.
        let firm = token(&s, "firm").await;
        let (st, _) = post(&format!("{alarm}/acknowledge"), &firm, json!({})).await;
        assert_eq!(st, 403);
        let r = client()
            .get(&alarm)
            .bearer_auth(&firm)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let dept = token(&s, "yjb").await;
        let (st, _) = post(&format!("{alarm}/acknowledge"), &dept, json!({})).await;
        assert_eq!(st, 403);
        // The village's monitor acknowledges but may not resolve.
        let monitor = token(&s, "monitor").await;
        let (st, b) = post(&format!("{alarm}/acknowledge"), &monitor, json!({})).await;
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["status"], "acknowledged");
        let (st, _) = post(&format!("{alarm}/acknowledge"), &monitor, json!({})).await;
        assert_eq!(st, 422, "acknowledged twice");
        let (st, _) = post(&format!("{alarm}/resolve"), &monitor, json!({"note": "ok"})).await;
        assert_eq!(st, 403);
        // The office resolves, with a note of what was done.
        let (st, b) = post(&format!("{alarm}/resolve"), &office, json!({"note": ""})).await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["field"], "note");
        let (st, b) = post(
            &format!("{alarm}/resolve"),
            &office,
            json!({"note": "已组织撤离并复核"}),
        )
        .await;
        assert_eq!(st, 200, "{b}");
        assert_eq!(b["status"], "resolved");
        let detail: Value = get_json(&alarm, &office).await;
        let kinds: Vec<&str> = detail["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, vec!["opened", "acknowledged", "resolved"]);
    }
}

#[tokio::test]
async fn monitoring_pages_show_the_town_and_handle_alarms() {
    use super::{body_of, csrf_in, login};
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        let board = body_of(&c, format!("{}/monitoring", s.base)).await;
        for name in ["石坝村3号滑坡", "龙池水库", "马武河石坝段"] {
            assert!(board.contains(name), "{name}");
        }
        assert!(board.contains("data-live=\"/monitoring/events\""));
        let sites = s
            .svc
            .objects(&safegrid_service::system(), Some("hazard_site"))
            .await
            .unwrap();
        let one = sites.iter().find(|o| o.name == "石坝村1号滑坡").unwrap();
        let page = body_of(&c, format!("{}/monitoring/objects/{}", s.base, one.id)).await;
        // The roster with its gap, and a chart per sensor.
        assert!(page.contains("群测群防员") && page.contains("驻守地质队员"));
        assert!(page.contains("badge gap"));
        assert!(page.contains("chart.svg?sensor_id="));
        let sensor = s
            .svc
            .object_detail(&safegrid_service::system(), one.id)
            .await
            .unwrap()
            .sensors
            .into_iter()
            .find(|x| x.code == "SB1-RAIN")
            .unwrap()
            .id;
        let r = c
            .get(format!(
                "{}/monitoring/objects/{}/chart.svg?sensor_id={sensor}&metric=rainfall&range=7d",
                s.base, one.id
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-type"], "image/svg+xml; charset=utf-8");
        // Rainfall is drawn as bars, one per hour over 7 days.
        let svg = r.text().await.unwrap();
        assert!(
            svg.starts_with("<svg") && svg.matches("<rect").count() > 10,
            "{svg}"
        );

        // A red rain alarm at site 1, acknowledged and resolved from the page.
        let gw = s
            .svc
            .create_gateway(&safegrid_service::system(), "页面测试")
            .await
            .unwrap();
        let (st, _) = post(
            &format!("{}/api/v1/readings", s.base),
            &gw.token,
            json!([{"sensor": "SB1-RAIN", "value": 85}]),
        )
        .await;
        assert_eq!(st, 200);
        let page = body_of(&c, format!("{}/monitoring/objects/{}", s.base, one.id)).await;
        assert!(page.contains("badge red"));
        let alarm = s
            .svc
            .alarms(&safegrid_service::system(), Some(one.id), true)
            .await
            .unwrap()[0]
            .id;
        // Without the form's token nothing changes.
        let r = c
            .post(format!("{}/monitoring/alarms/{alarm}/acknowledge", s.base))
            .form(&[("csrf", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = c
            .post(format!("{}/monitoring/alarms/{alarm}/acknowledge", s.base))
            .form(&[("csrf", csrf_in(&page).as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let r = c
            .post(format!("{}/monitoring/alarms/{alarm}/resolve", s.base))
            .form(&[
                ("csrf", csrf_in(&page).as_str()),
                ("note", "雨停，已巡查无异常"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (a, _) = s
            .svc
            .alarm(&safegrid_service::system(), alarm)
            .await
            .unwrap();
        assert_eq!(a.status, "resolved");

        // An enterprise's account has no monitoring pages.
        let firm = client();
        login(&firm, &s.base, "firm").await;
        let r = firm
            .get(format!("{}/monitoring", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = firm
            .get(format!("{}/monitoring/objects/{}", s.base, one.id))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
    }
}

#[tokio::test]
async fn simulate_brings_a_storm_that_raises_alarms() {
    for s in servers().await {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_safegrid"))
            .args(["--database-url", &s.db.url, "simulate", "--url", &s.base])
            .args([
                "--duration-secs",
                "9",
                "--interval-secs",
                "0.3",
                "--speed",
                "1800",
            ])
            .args(["--storm-after-secs", "1"])
            .env("RUST_LOG", "warn")
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let alarms = s
            .svc
            .alarms(&safegrid_service::system(), None, true)
            .await
            .unwrap();
        let got = |object: &str, rule: &str| {
            alarms
                .iter()
                .find(|a| a.object_name == object && a.rule_name.as_deref() == Some(rule))
                .map(|a| a.level.clone())
        };
        // About 125 mm in three storm hours: red by the hour and by three hours.
        assert_eq!(
            got("石坝村3号滑坡", "降雨量(1/3/6/24小时)").as_deref(),
            Some("red"),
            "{alarms:?}"
        );
        assert!(
            got("石坝村3号滑坡", "强降雨且裂缝加速").is_some(),
            "{alarms:?}"
        );
        assert_eq!(
            got("马武河石坝段", "河道水位(警戒/保证)").as_deref(),
            Some("red")
        );
        assert!(got("龙池水库", "库水位(汛限水位)").is_some());
        // The storm ends in warnings: one per place with a red alarm, issued, each with its people
        // and their messages queued to the simulated gateway.
        let warnings = s
            .svc
            .warnings(&safegrid_service::system(), true)
            .await
            .unwrap();
        let slope = warnings
            .iter()
            .filter(|w| w.headline.starts_with("石坝村3号滑坡"))
            .collect::<Vec<_>>();
        assert_eq!(slope.len(), 1, "{warnings:?}");
        assert_eq!(slope[0].status, "issued");
        let board = s
            .svc
            .warning_board(&safegrid_service::system(), slope[0].id)
            .await
            .unwrap();
        assert!(!board.rows.is_empty());
        assert!(
            board.deliveries.iter().any(|c| c.0 == "sms"),
            "{:?}",
            board.deliveries
        );
        assert!(s.svc.channels().await.unwrap().sms.is_some());
    }
}
