//! Stockpiles over real HTTP: flags, movements of every kind, never below zero (also when many
//! take at once), a dispatch written in the incident's timeline, who may keep which warehouse,
//! and the page, its export and its count sheet.

use super::monitoring::{get_json, post, token};
use super::{body_of, client, csrf_in, login, servers};
use serde_json::{Value, json};

fn item<'a>(stock: &'a Value, warehouse: &str, name: &str) -> &'a Value {
    stock["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"]["warehouse_name"] == warehouse && i["item"]["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {warehouse}"))
}

const TOWN: &str = "马武镇应急物资仓库";
const SHIBA: &str = "石坝村物资储备点";

#[tokio::test]
async fn stock_moves_in_and_out_and_never_below_zero() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let stock = get_json(format!("{api}/stock"), &office).await;
        // The demo's flags: sandbags short of their minimum, noodles expiring within 30 days.
        assert_eq!(item(&stock, TOWN, "编织袋(沙袋)")["flags"]["low"], true);
        assert_eq!(item(&stock, TOWN, "方便面")["flags"]["expiring"], true);
        assert_eq!(
            item(&stock, TOWN, "救生衣")["flags"],
            json!({"low": false, "expiring": false, "expired": false})
        );

        let quilts = item(&stock, TOWN, "棉被")["item"]["id"].as_i64().unwrap();
        let mv = |id: i64, body: Value| {
            let (api, office) = (api.clone(), office.clone());
            async move { post(&format!("{api}/stock-items/{id}/movements"), &office, body).await }
        };
        // More than there is: refused by name, nothing changed.
        let (st, b) = mv(
            quilts,
            json!({"kind": "issue", "quantity": "161", "reason": "发放受灾群众"}),
        )
        .await;
        assert_eq!(st, 422, "{b}");
        assert_eq!(
            b["fields"][0],
            json!({"field": "quantity", "code": "stock.not_enough", "message": b["fields"][0]["message"]})
        );
        let (st, b) = mv(quilts, json!({"kind": "issue", "quantity": "5"})).await;
        assert_eq!((st, &b["fields"][0]["field"]), (422, &json!("reason")));
        let (st, d) = mv(
            quilts,
            json!({"kind": "issue", "quantity": "10", "reason": "发放受灾群众"}),
        )
        .await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["quantity"], 150);

        // A transfer to the village store makes its line there.
        let village_store = get_json(format!("{api}/stock"), &office).await["warehouses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == SHIBA)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (st, d) = mv(
            quilts,
            json!({"kind": "transfer", "quantity": "20", "to_warehouse_id": village_store.to_string(), "reason": "汛前前置"}),
        )
        .await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["quantity"], 130);
        let stock = get_json(format!("{api}/stock"), &office).await;
        assert_eq!(item(&stock, SHIBA, "棉被")["item"]["quantity"], 20);
        let m = &stock["movements"][0];
        assert_eq!(
            (m["kind"].as_str(), m["to_warehouse"].as_str()),
            (Some("transfer"), Some(SHIBA))
        );

        // A dispatch to an incident is in its timeline and its list.
        let shiba = s.svc.villages(&safegrid_service::system()).await.unwrap()[1].id;
        let (_, inc) = post(
            &format!("{api}/incidents"),
            &office,
            json!({"kind": "natural_disaster", "name": "石坝村洪涝灾害",
                   "occurred_at": safegrid_domain::local_time::form_value(chrono::Utc::now()),
                   "region_id": shiba.to_string()}),
        )
        .await;
        let incident = inc["incident"]["id"].as_i64().unwrap();
        let tents = item(&stock, TOWN, "救灾帐篷")["item"]["id"]
            .as_i64()
            .unwrap();
        let (st, d) = mv(tents, json!({"kind": "dispatch", "quantity": "5", "incident_id": incident.to_string(), "reason": "安置转移群众"})).await;
        assert_eq!(st, 200, "{d}");
        let sent = get_json(format!("{api}/incidents/{incident}/dispatched"), &office).await;
        assert_eq!(sent[0]["quantity"], 5);
        let inc = get_json(format!("{api}/incidents/{incident}"), &office).await;
        assert!(
            inc["log"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["entry"].as_str().unwrap().contains("救灾帐篷5顶")),
            "{inc}"
        );
        let (st, _) = mv(
            tents,
            json!({"kind": "dispatch", "quantity": "1", "incident_id": "999999", "reason": "x"}),
        )
        .await;
        assert_eq!(st, 422);

        // Twenty takings of one at once from ten: ten pass, none goes below zero.
        let pumps_input =
            json!({"name": "抽水泵", "category": "flood", "unit": "台", "min_stock": "2"});
        let (st, pump) = post(
            &format!("{api}/warehouses/{village_store}/items"),
            &office,
            pumps_input.clone(),
        )
        .await;
        assert_eq!(st, 201, "{pump}");
        let (st, _) = post(
            &format!("{api}/warehouses/{village_store}/items"),
            &office,
            pumps_input,
        )
        .await;
        assert_eq!(st, 422, "the same line twice");
        let pump = pump["id"].as_i64().unwrap();
        mv(pump, json!({"kind": "receive", "quantity": "10"})).await;
        let mut takes = tokio::task::JoinSet::new();
        for _ in 0..20 {
            takes.spawn(mv(
                pump,
                json!({"kind": "issue", "quantity": "1", "reason": "抢险"}),
            ));
        }
        let results = takes.join_all().await;
        let ok = results.iter().filter(|(st, _)| *st == 200).count();
        assert_eq!(ok, 10, "{results:?}");
        // The rest are refused as short, not failed.
        assert!(
            results.iter().all(|(st, _)| *st == 200 || *st == 422),
            "{results:?}"
        );
        let stock = get_json(format!("{api}/stock"), &office).await;
        assert_eq!(item(&stock, SHIBA, "抽水泵")["item"]["quantity"], 0);
    }
}

#[tokio::test]
async fn a_village_keeps_its_own_store_only() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let stock = get_json(format!("{api}/stock"), &office).await;
        let own = item(&stock, SHIBA, "手摇报警器")["item"]["id"]
            .as_i64()
            .unwrap();
        let town = item(&stock, TOWN, "救生衣")["item"]["id"].as_i64().unwrap();
        let shiba = token(&s, "shiba").await;
        let body = json!({"kind": "receive", "quantity": "1"});
        let (st, d) = post(
            &format!("{api}/stock-items/{own}/movements"),
            &shiba,
            body.clone(),
        )
        .await;
        assert_eq!(st, 200, "{d}");
        let (st, _) = post(
            &format!("{api}/stock-items/{town}/movements"),
            &shiba,
            body.clone(),
        )
        .await;
        assert_eq!(st, 404, "the town's warehouse is not the village's to see");
        for user in ["yjb", "monitor", "firm"] {
            let t = token(&s, user).await;
            let (st, _) = post(
                &format!("{api}/stock-items/{own}/movements"),
                &t,
                body.clone(),
            )
            .await;
            assert!(st == 403 || st == 404, "{user}: {st}");
        }
        // A village's own view holds its store and not the town's.
        let mine = get_json(format!("{api}/stock"), &shiba).await;
        let names: Vec<&str> = mine["warehouses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, [SHIBA]);
    }
}

#[tokio::test]
async fn the_stock_page_exports_and_prints_a_count_sheet() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/stock", s.base)).await;
        assert!(
            page.contains("低于最低储备") && page.contains("30天内到期"),
            "{page}"
        );
        let r = c
            .get(format!("{}/stock.xlsx", s.base))
            .send()
            .await
            .unwrap();
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));
        let sheet = body_of(&c, format!("{}/stock/count", s.base)).await;
        assert!(sheet.contains("实盘数") && sheet.contains("盘点人"));
        // A movement on the form, refused by name when it asks for too much.
        let stock = s.svc.stock(&safegrid_service::system()).await.unwrap();
        let vests = stock
            .items
            .iter()
            .find(|i| i.item.name == "救生衣")
            .unwrap()
            .item
            .id;
        let csrf = csrf_in(&page);
        let r = c
            .post(format!("{}/stock/move", s.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("item_id", &vests.to_string()),
                ("kind", "issue"),
                ("quantity", "999"),
                ("reason", "演练"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("库存不足"));
        let r = c
            .post(format!("{}/stock/move", s.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("item_id", &vests.to_string()),
                ("kind", "issue"),
                ("quantity", "6"),
                ("reason", "演练"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let after = s.svc.stock(&safegrid_service::system()).await.unwrap();
        assert_eq!(
            after
                .items
                .iter()
                .find(|i| i.item.id == vests)
                .unwrap()
                .item
                .quantity,
            54
        );
    }
}
