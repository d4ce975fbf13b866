use super::{client, csrf_in, login, servers};
use serde_json::{Value, json};

async fn token(s: &super::Server, user: &str) -> String {
    s.svc
        .issue_token(&safegrid_service::system(), user, "test")
        .await
        .unwrap()
}

#[tokio::test]
async fn the_api_names_what_is_wrong_and_changes_nothing() {
    for s in servers().await {
        let t = token(&s, "office").await;
        let c = client();
        let url = format!("{}/api/v1/enterprises", s.base);
        let village = s.svc.villages(&safegrid_service::system()).await.unwrap()[0]
            .id
            .to_string();
        let before: Value = c
            .get(&url)
            .bearer_auth(&t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let total = before["total"].as_i64().unwrap();

        let post = |body: String| {
            c.post(&url)
                .bearer_auth(&t)
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        // Malformed JSON.
        let r = post("{\"name\": ".into()).await.unwrap();
        assert_eq!(r.status(), 400, "{}", s.db.backend());
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "json.malformed");
        // Unknown field, named.
        let r = post(json!({"name": "x", "colour": "red"}).to_string())
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let e: Value = r.json().await.unwrap();
        assert_eq!(
            (e["code"].as_str(), e["fields"][0]["field"].as_str()),
            (Some("json.invalid"), Some("colour"))
        );
        // Wrong type, named.
        let r = post(json!({"name": 5}).to_string()).await.unwrap();
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["fields"][0]["field"], "name");
        // Not JSON at all.
        let r = c
            .post(&url)
            .bearer_auth(&t)
            .header("content-type", "text/plain")
            .body("hello")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415);
        // Too large.
        let big = json!({"name": "x".repeat(300 * 1024)}).to_string();
        let r = post(big).await.unwrap();
        assert_eq!(r.status(), 413);
        assert_eq!(r.json::<Value>().await.unwrap()["code"], "body.too_large");
        // Invalid USCC and phone, each named, in the caller's language.
        let bad = json!({"name": "测试厂", "uscc": "91350100M000100Y44", "region_id": village, "industry_code": "C21",
                         "legal_representative": "张三", "legal_representative_mobile": "1234"});
        let r = c
            .post(&url)
            .bearer_auth(&t)
            .header("accept-language", "en")
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let e: Value = r.json().await.unwrap();
        let fields: Vec<&str> = e["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["uscc", "legal_representative_mobile"]);
        assert_eq!(
            e["fields"][0]["message"],
            "Unified social credit code: has a wrong check digit; check the business licence"
        );
        // A good one is created; the same USCC again is a duplicate.
        let mut good = bad.clone();
        good["uscc"] = json!("91350100M000100Y43");
        good["legal_representative_mobile"] = json!("13912345678");
        let r = c
            .post(&url)
            .bearer_auth(&t)
            .json(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let created: Value = r.json().await.unwrap();
        let r = c
            .post(&url)
            .bearer_auth(&t)
            .json(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert_eq!(
            r.json::<Value>().await.unwrap()["fields"][0]["code"],
            "uscc.duplicate"
        );
        let after: Value = c
            .get(&url)
            .bearer_auth(&t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            after["total"].as_i64().unwrap(),
            total + 1,
            "only the good one was added"
        );
        let one: Value = c
            .get(format!("{url}/{}", created["id"]))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(one["name"], "测试厂");
        // Its history has the creation.
        let h: Value = c
            .get(format!(
                "{}/api/v1/audit/enterprise/{}",
                s.base, created["id"]
            ))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(h[0]["action"], "create");
    }
}

#[tokio::test]
async fn the_api_refuses_strangers_and_other_villages() {
    for s in servers().await {
        let c = client();
        let url = format!("{}/api/v1/enterprises", s.base);
        assert_eq!(
            c.get(&url).send().await.unwrap().status(),
            401,
            "{}",
            s.db.backend()
        );
        assert_eq!(
            c.get(&url)
                .bearer_auth("not-a-token")
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        let t = token(&s, "shiba").await;
        let all = s
            .svc
            .all_enterprises(&safegrid_service::system())
            .await
            .unwrap();
        let other = all.iter().find(|e| e.region_name != "石坝村").unwrap();
        assert_eq!(
            c.get(format!("{url}/{}", other.id))
                .bearer_auth(&t)
                .send()
                .await
                .unwrap()
                .status(),
            404
        );
        let body = safegrid_service::registry::row_input(other);
        let r = c
            .put(format!("{url}/{}", other.id))
            .bearer_auth(&t)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let r = c
            .get(format!("{}/api/v1/coverage", s.base))
            .bearer_auth(&token(&s, "firm").await)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let dept = &s
            .svc
            .departments(&safegrid_service::system())
            .await
            .unwrap()[0];
        let r = c
            .delete(format!("{}/api/v1/departments/{}", s.base, dept.id))
            .bearer_auth(&token(&s, "office").await)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert_eq!(
            r.json::<Value>().await.unwrap()["fields"][0]["code"],
            "department.still_supervises"
        );
        // A region cannot move under its own child, over the API either.
        let sys = safegrid_service::system();
        let tree = s.svc.region_tree(&sys).await.unwrap();
        let village = tree.iter().find(|r| r.level == "village").unwrap();
        let group = tree
            .iter()
            .find(|r| r.parent_id == Some(village.id))
            .unwrap();
        let office = token(&s, "office").await;
        let r = c
            .post(format!("{}/api/v1/regions/{}/move", s.base, village.id))
            .bearer_auth(&office)
            .json(&json!({"parent_id": group.id}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert_eq!(
            r.json::<Value>().await.unwrap()["fields"][0]["code"],
            "region.cycle"
        );
        // A village cannot rename its neighbour.
        let other_village = tree
            .iter()
            .find(|r| r.level == "village" && r.name != "石坝村")
            .unwrap();
        let r = c
            .put(format!("{}/api/v1/regions/{}", s.base, other_village.id))
            .bearer_auth(&t)
            .json(&json!({"name": "改名村"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // A disabled account's token stops working.
        s.svc
            .set_disabled(&safegrid_service::system(), "shiba", true)
            .await
            .unwrap();
        assert_eq!(
            c.get(&url).bearer_auth(&t).send().await.unwrap().status(),
            401
        );
    }
}

#[tokio::test]
async fn a_browser_session_writes_to_the_api_only_with_its_csrf_token() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        let html = c
            .get(format!("{}/", s.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_in(&html);
        let me: Value = c
            .get(format!("{}/api/v1/me", s.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], "emergency_office", "{}", s.db.backend());
        let village = s.svc.villages(&safegrid_service::system()).await.unwrap()[0]
            .id
            .to_string();
        let body = json!({"name": "新人", "mobile": "13911112222", "region_id": village, "roles": ["grid_member"]});
        let r = c
            .post(format!("{}/api/v1/people", s.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let r = c
            .post(format!("{}/api/v1/people", s.base))
            .header("x-csrf-token", csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
}

#[tokio::test]
async fn the_openapi_document_covers_every_route() {
    for s in servers().await.into_iter().take(1) {
        let doc: Value = client()
            .get(format!("{}/api/v1/openapi.json", s.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let paths = doc["paths"].as_object().unwrap();
        let t = token(&s, "office").await;
        let c = client();
        for (path, ops) in paths {
            for method in ops.as_object().unwrap().keys() {
                let url = format!(
                    "{}/api/v1{}",
                    s.base,
                    path.replace("{id}", "1")
                        .replace("{entity_type}", "enterprise")
                );
                let r = c
                    .request(method.to_uppercase().parse().unwrap(), &url)
                    .bearer_auth(&t)
                    .send()
                    .await
                    .unwrap();
                // Every documented operation exists: the router answers it (never with its 404 for no route).
                let status = r.status().as_u16();
                let body: Value = r.json().await.unwrap_or(Value::Null);
                assert!(
                    !(status == 404
                        && body["code"] == "error.not_found"
                        && path.matches('{').count() == 0),
                    "{method} {path}"
                );
                assert_ne!(status, 405, "{method} {path}");
            }
        }
        for schema in ["EnterpriseInput", "PersonInput", "DepartmentInput", "Error"] {
            assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
        }
    }
}

#[tokio::test]
async fn hazards_over_the_api_keep_each_side_to_its_steps() {
    for s in servers().await {
        let c = client();
        let firm = token(&s, "firm").await;
        let office = token(&s, "office").await;
        let firm_id = s
            .svc
            .token_principal(&firm)
            .await
            .unwrap()
            .unwrap()
            .enterprise_id
            .unwrap();
        let r = c
            .post(format!("{}/api/v1/hazards", s.base))
            .bearer_auth(&firm)
            .json(&json!({"enterprise_id": firm_id.to_string(), "name": "消防通道堵塞", "source": "self_check"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", s.db.backend());
        let h: Value = r.json().await.unwrap();
        let steps = format!("{}/api/v1/hazards/{}/steps", s.base, h["id"]);
        let r = c
            .post(&steps)
            .bearer_auth(&firm)
            .json(&json!({"action": "grade", "grade": "general"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert_eq!(
            r.json::<Value>().await.unwrap()["fields"][0]["code"],
            "hazard.side"
        );
        let r = c
            .post(&steps)
            .bearer_auth(&office)
            .json(&json!({"action": "grade", "grade": "general"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = c
            .post(&steps)
            .bearer_auth(&office)
            .json(&json!({"action": "fly"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.json::<Value>().await.unwrap()["fields"][0]["field"],
            "action"
        );
        let r = c
            .post(&steps)
            .bearer_auth(&office)
            .json(&json!({"action": "verify", "passed": "true"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.json::<Value>().await.unwrap()["fields"][0]["code"],
            "hazard.wrong_state"
        );
        // Another enterprise's hazards stay out of reach.
        let all: Value = c
            .get(format!("{}/api/v1/hazards?per_page=500", s.base))
            .bearer_auth(&office)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let other = all["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["enterprise_id"] != json!(firm_id))
            .unwrap();
        let r = c
            .get(format!("{}/api/v1/hazards/{}", s.base, other["id"]))
            .bearer_auth(&firm)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let mine: Value = c
            .get(format!("{}/api/v1/hazards", s.base))
            .bearer_auth(&firm)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            mine["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["enterprise_id"] == json!(firm_id))
        );
        let progress: Value = c
            .get(format!("{}/api/v1/hazards/progress?by=status", s.base))
            .bearer_auth(&office)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            progress
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["key"] == "closed")
        );
    }
}

#[tokio::test]
async fn an_inspection_over_the_api_carries_photos_per_item() {
    use reqwest::multipart::{Form, Part};
    for s in servers().await {
        let firm = token(&s, "firm").await;
        let eid = s
            .svc
            .token_principal(&firm)
            .await
            .unwrap()
            .unwrap()
            .enterprise_id
            .unwrap();
        let body = |photo_item: &str, bytes: Vec<u8>| {
            let input = serde_json::json!({
                "enterprise_id": eid.to_string(), "template": "daily-self-check", "kind": "self_check",
                "results": [{"item": "daily.1", "outcome": "pass", "note": ""}]
            });
            Form::new().text("inspection", input.to_string()).part(
                format!("photo.{photo_item}"),
                Part::bytes(bytes).file_name("现场.png"),
            )
        };
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0].to_vec();
        let url = format!("{}/api/v1/inspections", s.base);
        let post = |f: Form| client().post(&url).bearer_auth(&firm).multipart(f).send();
        // A photo of an item the inspection did not answer is refused, naming it.
        let r = post(body("daily.9", png.clone())).await.unwrap();
        assert_eq!(r.status(), 422);
        let b: Value = r.json().await.unwrap();
        assert_eq!(b["fields"][0]["field"], "photo.daily.9", "{b}");
        let r = post(body("daily.1", png.clone())).await.unwrap();
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["photos"][0]["part"], "daily.1", "{v}");
        assert_eq!(v["photos"][0]["mime"], "image/png");
        // JSON alone still records one.
        let r = client()
            .post(&url)
            .bearer_auth(&firm)
            .json(&serde_json::json!({
                "enterprise_id": eid.to_string(), "template": "daily-self-check", "kind": "self_check",
                "results": [{"item": "daily.1", "outcome": "pass", "note": ""}]
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
}
