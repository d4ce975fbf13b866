//! Enforcement cases over real HTTP: filed by whom the party allows, moved through the penalty
//! procedure in its order (no decision before the notice, no hearing skipped, two officers),
//! documents kept by hash, and decisions published with a person masked.

use super::monitoring::{get_json, post, token};
use super::{client, servers};
use serde_json::{Value, json};

fn code(b: &Value) -> (String, String) {
    (
        b["fields"][0]["field"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        b["fields"][0]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

#[tokio::test]
async fn a_case_goes_through_the_procedure_in_its_order() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let firm_t = token(&s, "firm").await;
        let firm = s.svc.token_principal(&firm_t).await.unwrap().unwrap();
        let eid = firm.enterprise_id.unwrap();
        let officers: Vec<String> = safegrid_store::people::all_within(&s.svc.store, "")
            .await
            .unwrap()
            .into_iter()
            .take(2)
            .map(|p| p.id.to_string())
            .collect();
        let file = json!({
            "party_kind": "organisation", "party_name": "demo", "enterprise_id": eid.to_string(),
            "cause": "未按规定对从业人员进行安全生产教育和培训", "basis": "安全生产法第九十七条"
        });
        // Neither a village nor the enterprise itself files a case.
        for user in ["shiba", "firm", "monitor"] {
            let (st, _) = post(
                &format!("{api}/cases"),
                &token(&s, user).await,
                file.clone(),
            )
            .await;
            assert!(st == 403 || st == 422, "{user}: {st}");
        }
        let (st, v) = post(&format!("{api}/cases"), &office, file.clone()).await;
        assert_eq!(st, 201, "{v}");
        let id = v["case"]["id"].as_i64().unwrap();
        let number = v["case"]["number"].as_str().unwrap().to_string();
        assert!(number.starts_with("应急罚〔"));
        assert_eq!(v["clocks"][0]["kind"], "decision");
        let step = |body: Value| {
            let office = office.clone();
            let url = format!("{api}/cases/{id}/steps");
            async move { post(&url, &office, body).await }
        };

        // No decision before the notice; one officer is not enough.
        let (st, b) = step(json!({"action": "decide", "penalty": {"fine_yuan": "2000"}})).await;
        assert_eq!(st, 422);
        assert_eq!(code(&b), ("action".into(), "case.out_of_order".into()));
        let (st, b) =
            step(json!({"action": "investigate", "officer_ids": [officers[0].clone()]})).await;
        assert_eq!(st, 422);
        assert_eq!(code(&b), ("officer_ids".into(), "case.two_officers".into()));
        let (st, v) = step(json!({"action": "investigate", "officer_ids": officers})).await;
        assert_eq!(st, 200, "{v}");
        assert_eq!(v["officers"].as_array().unwrap().len(), 2);

        // A fine of nothing is no fine.
        let (st, b) = step(json!({"action": "notify", "penalty": {"fine_yuan": "0"}})).await;
        assert_eq!(st, 422);
        assert_eq!(code(&b), ("fine_yuan".into(), "case.amount".into()));
        // 80 000 yuan to an organisation: a hearing may be asked for, and a legal review is due.
        let (st, v) = step(json!({"action": "notify", "penalty": {"fine_yuan": "80000"}})).await;
        assert_eq!(st, 200, "{v}");
        assert!(
            v["clocks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["kind"] == "hearing_request")
        );
        let (st, b) = step(json!({"action": "decide", "penalty": {"fine_yuan": "80000"}})).await;
        assert_eq!(st, 422);
        assert_eq!(code(&b), ("action".into(), "case.review_required".into()));
        let (st, b) = step(json!({"action": "review", "record": "同意"})).await;
        assert_eq!(st, 422);
        assert_eq!(code(&b), ("on".into(), "case.hearing_window_open".into()));
        let (st, v) = step(json!({"action": "request_hearing"})).await;
        assert_eq!(st, 200, "{v}");
        let today = safegrid_domain::local_time::day_of(chrono::Utc::now()).to_string();
        let (st, b) = step(
            json!({"action": "hold_hearing", "hearing_notified_on": today, "record": "听证笔录"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(
            code(&b),
            (
                "hearing_notified_on".into(),
                "case.hearing_notice_short".into()
            )
        );

        // The party sees its case but moves nothing; documents are stored by their hash.
        let v = get_json(format!("{api}/cases/{id}"), &firm_t).await;
        assert_eq!(v["case"]["step"], "hearing");
        let (st, _) = post(
            &format!("{api}/cases/{id}/steps"),
            &firm_t,
            json!({"action": "hold_hearing"}),
        )
        .await;
        assert_eq!(st, 403);
        let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
        let r = client()
            .post(format!("{api}/cases/{id}/documents/investigation"))
            .bearer_auth(&office)
            .multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(pdf.clone()).file_name("询问笔录.pdf"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let doc: Value = r.json().await.unwrap();
        assert_eq!(doc["part"], "investigation");
        let sha = doc["sha256"].as_str().unwrap().to_string();
        assert_eq!(sha.len(), 64);
        let history = safegrid_store::audit::history(&s.svc.store, "case", &id.to_string())
            .await
            .unwrap();
        assert!(
            history.iter().any(|h| h.action == "attach"
                && h.after_json.as_deref().unwrap_or_default().contains(&sha)),
            "the document's hash is in the audit chain"
        );
        let steps = get_json(format!("{api}/cases/{id}"), &office).await["steps"].clone();
        let names: Vec<&str> = steps
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["step"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["filed", "investigate", "notify", "request_hearing"]);

        // Ninety days on the decision is late: the office hears of it once; the hearing-request
        // window, which the request closed, says nothing.
        let office_user = s.svc.token_principal(&office).await.unwrap().unwrap();
        let late = |s: &super::Server, what: &'static str| {
            let svc = s.svc.clone();
            let who = office_user.clone();
            let number = number.clone();
            async move {
                svc.inbox(&who)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|m| m.title.starts_with(&number) && m.title.contains(what))
                    .count()
            }
        };
        for days in [89, 92, 93] {
            s.svc
                .run_due_jobs(
                    "test",
                    chrono::Utc::now() + chrono::Duration::days(days),
                    500,
                )
                .await
                .unwrap();
        }
        assert_eq!(late(&s, "作出处罚决定期限已过").await, 1);
        assert_eq!(late(&s, "听证申请期").await, 0);
    }
}

#[tokio::test]
async fn a_small_fine_is_decided_served_paid_closed_and_published_masked() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let shiba = s
            .svc
            .villages(&safegrid_service::system())
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.name == "石坝村")
            .unwrap();
        let officers: Vec<String> = safegrid_store::people::all_within(&s.svc.store, "")
            .await
            .unwrap()
            .into_iter()
            .take(2)
            .map(|p| p.id.to_string())
            .collect();
        let (st, v) = post(
            &format!("{api}/cases"),
            &office,
            json!({
                "party_kind": "person", "party_name": "张三丰", "party_id_number": "500232199001011234",
                "region_id": shiba.id.to_string(), "cause": "野外违规用火"
            }),
        )
        .await;
        assert_eq!(st, 201, "{v}");
        let id = v["case"]["id"].as_i64().unwrap();
        let url = format!("{api}/cases/{id}/steps");
        for body in [
            json!({"action": "investigate", "officer_ids": officers}),
            json!({"action": "notify", "penalty": {"fine_yuan": "200"}}),
            json!({"action": "decide", "penalty": {"fine_yuan": "200"}}),
            json!({"action": "serve", "record": "直接送达，当事人签收"}),
        ] {
            let (st, v) = post(&url, &office, body.clone()).await;
            assert_eq!(st, 200, "{body}: {v}");
        }
        // Paid: the fine exactly (nothing late yet); anything else is refused.
        let (st, b) = post(
            &url,
            &office,
            json!({"action": "execute", "paid_yuan": "150"}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(code(&b).0, "paid_yuan");
        let (st, _) = post(
            &url,
            &office,
            json!({"action": "execute", "paid_yuan": "200"}),
        )
        .await;
        assert_eq!(st, 200);
        let (st, v) = post(&url, &office, json!({"action": "close"})).await;
        assert_eq!(st, 200);
        assert_eq!(v["case"]["step"], "closed");
        let public = s.svc.public_decisions(&shiba.path).await.unwrap();
        let mine = public.iter().find(|d| d.cause == "野外违规用火").unwrap();
        assert_eq!(mine.party, "张**");
        assert_eq!(mine.party_id, "500***********1234");
        assert_eq!(mine.penalty.as_ref().unwrap().fine_fen, Some(20_000));
    }
}

#[tokio::test]
async fn the_office_files_and_decides_a_case_on_the_pages_and_the_public_sees_it_masked() {
    use super::{body_of, csrf_in, login};
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/cases", s.base)).await;
        let csrf = csrf_in(&page);
        let shiba = s
            .svc
            .villages(&safegrid_service::system())
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.name == "石坝村")
            .unwrap();
        // Nothing named: the form comes back with the fields named.
        let r = c
            .post(format!("{}/cases", s.base))
            .form(&[("csrf", csrf.as_str()), ("party_kind", "person")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("当事人：必填") && body.contains("案由：必填"),
            "{body}"
        );
        let r = c
            .post(format!("{}/cases", s.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("party_kind", "person"),
                ("party_name", "李四海"),
                ("party_id_number", "500232198805052345"),
                ("region_id", &shiba.id.to_string()),
                ("cause", "在林区吸烟"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        let page = body_of(&c, format!("{}{to}", s.base)).await;
        assert!(
            page.contains("立案") && page.contains("id=\"step-form\""),
            "{page}"
        );
        let people: Vec<String> = page
            .split("name=\"officer_ids\" value=\"")
            .skip(1)
            .take(2)
            .map(|x| x.split('"').next().unwrap().to_string())
            .collect();
        assert_eq!(people.len(), 2, "{page}");
        let post = |form: Vec<(&str, String)>| {
            let mut form = form;
            form.push(("csrf", csrf.clone()));
            c.post(format!("{}{to}/step", s.base)).form(&form).send()
        };
        let r = post(vec![
            ("action", "investigate".into()),
            ("officer_ids", people[0].clone()),
        ])
        .await
        .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("两名以上执法人员"));
        for form in [
            vec![
                ("action", "investigate".to_string()),
                ("officer_ids", people[0].clone()),
                ("officer_ids", people[1].clone()),
            ],
            vec![("action", "notify".into()), ("fine_yuan", "100".into())],
            vec![("action", "decide".into()), ("fine_yuan", "100".into())],
        ] {
            let r = post(form.clone()).await.unwrap();
            assert_eq!(r.status(), 303, "{form:?}");
        }
        let page = body_of(&c, format!("{}{to}", s.base)).await;
        assert!(page.contains("id=\"step\">决定"), "{page}");
        // The public notice needs no login and masks the person.
        let public = client()
            .get(format!("{}/public/decisions", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(public.status(), 200);
        let html = public.text().await.unwrap();
        assert!(
            html.contains("李**") && html.contains("500***********2345"),
            "{html}"
        );
        assert!(!html.contains("李四海") && !html.contains("198805"));
        // A monitor has no enforcement pages.
        let m = client();
        login(&m, &s.base, "monitor").await;
        let r = m.get(format!("{}/cases", s.base)).send().await.unwrap();
        assert_eq!(r.status(), 403);
    }
}

#[tokio::test]
async fn enforcement_is_counted_per_department_and_month_and_none_is_flagged() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let who = s.svc.token_principal(&office).await.unwrap().unwrap();
        let departments =
            safegrid_store::organisations::departments_within(&s.svc.store, &who.region_path)
                .await
                .unwrap();
        assert!(departments.len() >= 2);
        let shiba = s
            .svc
            .villages(&safegrid_service::system())
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.name == "石坝村")
            .unwrap();
        for _ in 0..2 {
            let (st, v) = post(
                &format!("{api}/cases"),
                &office,
                json!({
                    "party_kind": "person", "party_name": "王五", "region_id": shiba.id.to_string(),
                    "cause": "违规燃放烟花爆竹", "department_id": departments[0].id.to_string()
                }),
            )
            .await;
            assert_eq!(st, 201, "{v}");
        }
        let year = safegrid_domain::local_time::day_of(chrono::Utc::now());
        let st = get_json(format!("{api}/enforcement-stats"), &office).await;
        let line = |id: i64| {
            st["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["department_id"] == id)
                .unwrap()
                .clone()
        };
        let first = line(departments[0].id);
        use chrono::Datelike;
        assert_eq!(first["months"][year.month0() as usize], 2, "{st}");
        assert_eq!(
            (first["total"].as_i64(), first["zero"].as_bool()),
            (Some(2), Some(false))
        );
        let second = line(departments[1].id);
        assert_eq!(
            (second["total"].as_i64(), second["zero"].as_bool()),
            (Some(0), Some(true))
        );
        // A covert inspection by the office counts on the office's own line.
        let office_line = |st: &Value| {
            st["lines"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["department_id"].is_null())
                .map(|l| l["covert_inspections"].as_i64().unwrap())
                .unwrap_or(0)
        };
        let before = office_line(&st);
        let firm = s
            .svc
            .token_principal(&token(&s, "firm").await)
            .await
            .unwrap()
            .unwrap();
        let (code, b) = post(
            &format!("{api}/inspections"),
            &office,
            json!({
                "enterprise_id": firm.enterprise_id.unwrap().to_string(), "template": "daily-self-check",
                "kind": "covert", "results": [{"item": "daily.1", "outcome": "pass", "note": ""}]
            }),
        )
        .await;
        assert_eq!(code, 201, "{b}");
        let after = get_json(format!("{api}/enforcement-stats"), &office).await;
        assert_eq!(office_line(&after), before + 1, "{after}");
        // Another year holds none of them.
        let other = get_json(format!("{api}/enforcement-stats?year=2001"), &office).await;
        assert!(
            other["lines"]
                .as_array()
                .unwrap()
                .iter()
                .all(|l| l["total"] == 0)
        );
        // The page flags the department with none and exports.
        let c = client();
        super::login(&c, &s.base, "office").await;
        let page = super::body_of(&c, format!("{}/cases/stats", s.base)).await;
        assert!(
            page.contains("执法清零") && page.contains(&departments[0].name),
            "{page}"
        );
        let r = c
            .get(format!("{}/cases/stats.xlsx", s.base))
            .send()
            .await
            .unwrap();
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    }
}

#[tokio::test]
async fn an_enterprise_is_blacklisted_shown_told_and_lifted() {
    use super::{body_of, login};
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let firm_t = token(&s, "firm").await;
        let firm = s.svc.token_principal(&firm_t).await.unwrap().unwrap();
        let eid = firm.enterprise_id.unwrap();
        let unread = s.svc.unread(&firm).await.unwrap();
        let body = json!({
            "enterprise_id": eid.to_string(), "reason": "拒不执行停产整顿决定",
            "basis": "安全生产法第一百一十二条", "ends_on": "2099-12-31"
        });
        // Incomplete, or by the enterprise itself or a village: refused.
        let (st, b) = post(
            &format!("{api}/blacklist"),
            &office,
            json!({"enterprise_id": eid.to_string()}),
        )
        .await;
        assert_eq!(st, 422);
        let fields: Vec<&str> = b["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["reason", "basis", "ends_on"]);
        for user in ["firm", "shiba"] {
            let (st, _) = post(
                &format!("{api}/blacklist"),
                &token(&s, user).await,
                body.clone(),
            )
            .await;
            assert!(st == 403 || st == 422, "{user}: {st}");
        }
        let (st, v) = post(&format!("{api}/blacklist"), &office, body).await;
        assert_eq!(st, 201, "{v}");
        assert_eq!(v["in_force"], true);
        let id = v["listing"]["id"].as_i64().unwrap();
        // The enterprise is told, sees its listing, and its page says so; so does the public list.
        assert_eq!(s.svc.unread(&firm).await.unwrap(), unread + 1);
        let own = get_json(format!("{api}/blacklist"), &firm_t).await;
        assert_eq!(own.as_array().unwrap().len(), 1);
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/enterprises/{eid}", s.base)).await;
        assert!(page.contains("id=\"blacklisted\"") && page.contains("拒不执行停产整顿决定"));
        let public = client()
            .get(format!("{}/public/blacklist", s.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(public.contains("拒不执行停产整顿决定"), "{public}");
        // Lifted with a reason, once.
        let (st, b) = post(
            &format!("{api}/blacklist/{id}/delist"),
            &office,
            json!({"reason": ""}),
        )
        .await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["field"], "reason");
        let (st, v) = post(
            &format!("{api}/blacklist/{id}/delist"),
            &office,
            json!({"reason": "整改完成，信用修复"}),
        )
        .await;
        assert_eq!(st, 200);
        assert_eq!(v["in_force"], false);
        let (st, _) = post(
            &format!("{api}/blacklist/{id}/delist"),
            &office,
            json!({"reason": "again"}),
        )
        .await;
        assert_eq!(st, 422);
        let page = body_of(&c, format!("{}/enterprises/{eid}", s.base)).await;
        assert!(!page.contains("id=\"blacklisted\""));
        let public = client()
            .get(format!("{}/public/blacklist", s.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!public.contains("拒不执行停产整顿决定"));
    }
}
