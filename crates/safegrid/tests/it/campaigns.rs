//! Rectification campaigns over real HTTP: drawn up by the office, targets added all or none
//! (a bad plate named by its line), cleared by the village with a word on how, the count to zero,
//! and the five batches as enterprises with their treatment.

use super::monitoring::{get_json, post, token};
use super::{body_of, client, login, servers, shiba_and_town};
use serde_json::json;

#[tokio::test]
async fn a_campaign_counts_its_targets_to_zero() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let (shiba, town) = shiba_and_town(&s).await;
        let body = json!({"name": "改装拖拉机专项整治", "kind": "special", "region_id": town.to_string(),
            "deadline": "2099-12-31"});
        // Neither a village nor a department draws one up.
        for user in ["shiba", "jhb", "firm"] {
            let (st, _) = post(
                &format!("{api}/campaigns"),
                &token(&s, user).await,
                body.clone(),
            )
            .await;
            assert!(st == 403 || st == 422, "{user}: {st}");
        }
        let (st, c) = post(&format!("{api}/campaigns"), &office, body).await;
        assert_eq!(st, 201, "{c}");
        let id = c["campaign"]["id"].as_i64().unwrap();

        // A bad plate is named by its line, and nothing is added.
        let targets = |lines: &str| json!({"kind": "vehicle", "lines": lines, "region_id": shiba.to_string()});
        let url = format!("{api}/campaigns/{id}/targets");
        let (st, b) = post(&url, &office, targets("渝H12345\n拖拉机一台\n渝H5678挂")).await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["field"], "lines.2");
        assert_eq!(b["fields"][0]["code"], "campaign.plate");
        let d = get_json(format!("{api}/campaigns/{id}"), &office).await;
        assert_eq!(d["progress"]["total"], 0);
        // The village cannot add; the office adds three.
        let (st, _) = post(&url, &token(&s, "shiba").await, targets("渝H12345")).await;
        assert_eq!(st, 403);
        let (st, d) = post(&url, &office, targets("渝H12345\n渝H·22222\n渝h 33333")).await;
        assert_eq!(st, 200, "{d}");
        assert_eq!(d["progress"]["remaining"], 3);
        // A plate already on the list is refused.
        let (st, b) = post(&url, &office, targets("渝H44444\n渝H22222")).await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["field"], "lines.2");
        assert_eq!(b["fields"][0]["code"], "campaign.already_listed");

        // The village clears one, saying how; without a word it is refused.
        let t = d["targets"][0]["id"].as_i64().unwrap();
        let cadre = token(&s, "shiba").await;
        let turl = format!("{api}/campaign-targets/{t}");
        let (st, b) = post(&turl, &cadre, json!({"status": "cleared"})).await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["code"], "campaign.note_required");
        for user in ["monitor", "firm"] {
            let (st, _) = post(
                &turl,
                &token(&s, user).await,
                json!({"status": "cleared", "note": "x"}),
            )
            .await;
            assert!(st == 403 || st == 404, "{user}: {st}");
        }
        let (st, row) = post(
            &turl,
            &cadre,
            json!({"status": "cleared", "note": "已拆除改装部件并登记"}),
        )
        .await;
        assert_eq!(st, 200, "{row}");
        assert!(row["cleared_on"].is_string());
        let d = get_json(format!("{api}/campaigns/{id}"), &office).await;
        assert_eq!(
            (
                d["progress"]["cleared"].as_i64(),
                d["progress"]["remaining"].as_i64()
            ),
            (Some(1), Some(2))
        );
        // A department of the town works targets too.
        let t2 = d["targets"][1]["id"].as_i64().unwrap();
        let (st, _) = post(
            &format!("{api}/campaign-targets/{t2}"),
            &token(&s, "jhb").await,
            json!({"status": "in_progress"}),
        )
        .await;
        assert_eq!(st, 200);

        // The page shows the count and exports to Excel; an enterprise does not see it.
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/campaigns/{id}", s.base)).await;
        assert!(page.contains("id=\"remaining\">2<"), "{page}");
        assert!(page.contains("渝H22222"));
        let r = c
            .get(format!("{}/campaigns/{id}/xlsx", s.base))
            .send()
            .await
            .unwrap();
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));
        // The page's own form moves a target: refused without a word, taken with one.
        let t3 = d["targets"][2]["id"].as_i64().unwrap();
        let url = format!("{}/campaigns/{id}/targets/{t3}", s.base);
        let csrf = super::csrf_in(&page);
        let r = c
            .post(&url)
            .form(&[("csrf", csrf.as_str()), ("status", "cleared"), ("note", "")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("清零或重开须说明情况"));
        let r = c
            .post(&url)
            .form(&[
                ("csrf", csrf.as_str()),
                ("status", "cleared"),
                ("note", "已报废"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let list = body_of(&c, format!("{}/campaigns", s.base)).await;
        assert!(list.contains("改装拖拉机专项整治"));
        let firm = client();
        login(&firm, &s.base, "firm").await;
        let r = firm
            .get(format!("{}/campaigns/{id}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
}

#[tokio::test]
async fn five_batches_treat_enterprises_each_with_its_treatment() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let (_, town) = shiba_and_town(&s).await;
        let (st, c) = post(
            &format!("{api}/campaigns"),
            &office,
            json!({"name": "城乡结合部小微企业“五个一批”", "kind": "five_batches",
                   "region_id": town.to_string(), "deadline": "2099-06-30"}),
        )
        .await;
        assert_eq!(st, 201, "{c}");
        let id = c["campaign"]["id"].as_i64().unwrap();
        let url = format!("{api}/campaigns/{id}/targets");
        let firms: Vec<i64> =
            safegrid_store::enterprises::all_within(&s.svc.store, &Default::default())
                .await
                .unwrap()
                .into_iter()
                .filter(|e| e.fringe_treatment == "none")
                .take(2)
                .map(|e| e.id)
                .collect();
        // Sites are not enterprises.
        let (st, b) = post(
            &url,
            &office,
            json!({"kind": "construction_site", "lines": "工地"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["code"], "campaign.five_batches_enterprises");
        // An enterprise with no treatment registered needs one chosen.
        let ids: Vec<String> = firms.iter().map(|i| i.to_string()).collect();
        let (st, b) = post(
            &url,
            &office,
            json!({"kind": "enterprise", "enterprise_ids": ids}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["code"], "campaign.treatment_required");
        let (st, d) = post(
            &url,
            &office,
            json!({"kind": "enterprise", "enterprise_ids": ids, "treatment": "relocate"}),
        )
        .await;
        assert_eq!(st, 200, "{d}");
        let relocate = d["treatments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t[0] == "relocate")
            .unwrap()
            .clone();
        assert_eq!(relocate, json!(["relocate", 2, 0]));
        // The same enterprise twice is refused.
        let (st, b) = post(
            &url,
            &office,
            json!({"kind": "enterprise", "enterprise_ids": [firms[0].to_string()], "treatment": "close"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["code"], "campaign.already_listed");
    }
}
