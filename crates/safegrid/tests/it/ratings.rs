//! Safety ratings over real HTTP: an accident and the blacklist move an enterprise's grade with
//! the reasons named, an enterprise sees its own rating only, and the insurers' Excel exports.

use super::monitoring::{get_json, post, token};
use super::{body_of, client, login, servers};
use serde_json::{Value, json};

fn of(list: &Value, id: i64) -> Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["enterprise"]["id"] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

/// Every rating the caller sees, page by page.
async fn all_pages(api: &str, token: &str) -> Value {
    let mut rows = Vec::new();
    for page in 1.. {
        let b = get_json(format!("{api}/ratings?page={page}"), token).await;
        let got = b["rows"].as_array().unwrap().clone();
        if got.is_empty() {
            break;
        }
        rows.extend(got);
    }
    Value::Array(rows)
}

fn codes(r: &Value) -> Vec<String> {
    r["rating"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn accidents_and_the_blacklist_move_the_rating_with_reasons() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let firm_t = token(&s, "firm").await;
        let eid = s
            .svc
            .token_principal(&firm_t)
            .await
            .unwrap()
            .unwrap()
            .enterprise_id
            .unwrap();
        let e = get_json(format!("{api}/enterprises/{eid}"), &office).await;
        let region = e["region_id"].as_i64().unwrap();

        let board = get_json(format!("{api}/ratings"), &office).await;
        let all = all_pages(&api, &office).await;
        assert!(all.as_array().unwrap().len() > 10);
        assert_eq!(
            board["total"].as_u64().unwrap() as usize,
            all.as_array().unwrap().len()
        );
        let tallied: u64 = board["tally"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t[1].as_u64().unwrap())
            .sum();
        assert_eq!(tallied, board["total"].as_u64().unwrap());
        // Worst first.
        let grades: Vec<&str> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rating"]["grade"].as_str().unwrap())
            .collect();
        let mut sorted = grades.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(grades, sorted);
        // The counts kept on each enterprise agree with its hazards, after the demo moved many of
        // them through their lifecycle.
        for r in all.as_array().unwrap().iter().take(40) {
            let id = r["enterprise"]["id"].as_i64().unwrap();
            let open = get_json(
                format!("{api}/hazards?enterprise_id={id}&view=open&per_page=1"),
                &office,
            )
            .await["total"]
                .as_i64()
                .unwrap();
            let major = get_json(
                format!("{api}/hazards?enterprise_id={id}&view=open&grade=major&per_page=1"),
                &office,
            )
            .await["total"]
                .as_i64()
                .unwrap();
            let f = &r["facts"];
            assert_eq!(
                (
                    f["open_general"].as_i64().unwrap() + f["open_major"].as_i64().unwrap(),
                    f["open_major"].as_i64().unwrap()
                ),
                (open, major),
                "enterprise {id}"
            );
        }
        // The demo's inspection history marks some enterprises inspected this year, not all.
        let inspected: Vec<bool> = all
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["facts"]["inspected_12m"].as_bool().unwrap())
            .collect();
        assert!(inspected.contains(&true) && inspected.contains(&false));
        let before = of(&all, eid);
        assert!(!codes(&before).contains(&"rating.accidents".to_string()));

        // An accident at it counts; one said to be at an enterprise of another village is refused.
        let accident = |enterprise: String, region: i64| {
            json!({"kind": "production_accident", "name": "机械伤害", "occurred_at": "2026-11-01T08:00:00+08:00",
                   "region_id": region.to_string(), "enterprise_id": enterprise})
        };
        let elsewhere = get_json(format!("{api}/enterprises?per_page=200"), &office).await["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["region_id"] != region)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (st, b) = post(
            &format!("{api}/incidents"),
            &office,
            accident(elsewhere.to_string(), region),
        )
        .await;
        assert_eq!(st, 422, "{b}");
        assert_eq!(b["fields"][0]["field"], "enterprise_id");
        let (st, b) = post(
            &format!("{api}/incidents"),
            &office,
            accident(eid.to_string(), region),
        )
        .await;
        assert_eq!(st, 201, "{b}");
        let after = of(&all_pages(&api, &office).await, eid);
        assert_eq!(after["facts"]["accidents_3y"], 1);
        assert!(codes(&after).contains(&"rating.accidents".to_string()));
        assert_eq!(
            after["rating"]["score"].as_i64().unwrap(),
            (before["rating"]["score"].as_i64().unwrap() - 15).max(0)
        );

        // On the blacklist it is D whatever its score.
        let (st, b) = post(
            &format!("{api}/blacklist"),
            &office,
            json!({"enterprise_id": eid.to_string(), "reason": "拒不整改重大事故隐患",
                   "basis": "安全生产严重失信主体名单管理办法", "ends_on": "2099-01-01"}),
        )
        .await;
        assert_eq!(st, 201, "{b}");
        let listed = of(&all_pages(&api, &office).await, eid);
        // The grade asked for, and only it.
        let d = get_json(format!("{api}/ratings?grade=D"), &office).await;
        assert!(
            d["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["rating"]["grade"] == "D")
        );
        assert!(of(&d["rows"], eid).is_object());
        assert_eq!(listed["rating"]["grade"], "D");
        assert!(codes(&listed).contains(&"rating.blacklisted".to_string()));

        // A village reads the same facts for its own enterprises, and only those.
        let whole = all_pages(&api, &office).await;
        let village = all_pages(&api, &token(&s, "shiba").await).await;
        let village = village.as_array().unwrap();
        assert!(!village.is_empty() && village.len() < whole.as_array().unwrap().len());
        for r in village {
            let id = r["enterprise"]["id"].as_i64().unwrap();
            assert_eq!(r["facts"], of(&whole, id)["facts"], "enterprise {id}");
        }

        // The enterprise sees its own rating and no other; a monitor none.
        let own = all_pages(&api, &firm_t).await;
        assert_eq!(own.as_array().unwrap().len(), 1);
        assert_eq!(own[0]["enterprise"]["id"], eid);
        let r = client()
            .get(format!("{api}/ratings"))
            .bearer_auth(token(&s, "monitor").await)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // The page, the enterprise's page and the insurers' Excel.
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/ratings", s.base)).await;
        assert!(page.contains("列入失信惩戒名单"), "reasons in words");
        let ent = body_of(&c, format!("{}/enterprises/{eid}", s.base)).await;
        assert!(ent.contains("id=\"rating\"><strong>D</strong>"), "{ent}");
        let r = c
            .get(format!("{}/ratings.xlsx", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    }
}
