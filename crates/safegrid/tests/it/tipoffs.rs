//! Tip-offs over real HTTP: the public form without an account (markup kept as text, a photo too
//! large or not a photo refused, a flood from one address contained), the tracking code, staff
//! moving it to its outcome and reward within the cap, and the reporter seen by the office alone,
//! each look audited.

use super::{body_of, client, csrf_in, login, servers, village};
use reqwest::multipart::{Form, Part};

const PNG: [u8; 10] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];

fn form(text: &str, region: Option<i64>, photo: Option<Vec<u8>>, name: &str) -> Form {
    let mut f = Form::new()
        .text("text", text.to_string())
        .text("place", "老街3号后院".to_string())
        .text("subject", "某某烟花门市".to_string())
        .text(
            "region_id",
            region.map(|r| r.to_string()).unwrap_or_default(),
        )
        .text("reporter_name", name.to_string())
        .text(
            "reporter_phone",
            if name.is_empty() { "" } else { "13800138000" }.to_string(),
        );
    if let Some(p) = photo {
        f = f.part("photos", Part::bytes(p).file_name("现场.png"));
    }
    f
}

/// Sends the public form; the status and the page.
async fn submit(base: &str, f: Form) -> (u16, String) {
    let r = client()
        .post(format!("{base}/public/tipoff"))
        .multipart(f)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn code_in(html: &str) -> String {
    let i = html.find("id=\"code\"").expect("a tracking code");
    let rest = &html[i..];
    let start = rest.find('>').unwrap() + 1;
    rest[start..].split('<').next().unwrap().to_string()
}

async fn count(s: &super::Server) -> usize {
    safegrid_store::tipoffs::within(&s.svc.store, "", None)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn anyone_reports_and_follows_a_tip_off_and_abuse_is_refused() {
    for s in servers().await {
        let shiba = village(&s, "石坝村").await;
        let before = count(&s).await;
        // No account needed to see the form.
        let r = client()
            .get(format!("{}/public/tipoff", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("石坝村"));

        let script = "<script>alert('x')</script>仓库里堆着几十箱烟花";
        let (st, html) = submit(&s.base, form(script, Some(shiba), Some(PNG.to_vec()), "")).await;
        assert_eq!(st, 200, "{html}");
        let code = code_in(&html);
        assert_eq!(code.len(), 14, "{code}");

        // The code works however it is typed back; a made-up one is not found.
        let typed = code.to_lowercase().replace('-', "");
        let r = client()
            .get(format!("{}/public/tipoff/track?code={typed}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("已受理"));
        let r = client()
            .get(format!(
                "{}/public/tipoff/track?code=ABCD-EFGH-JKMN",
                s.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);

        // A 50 MB photo is read to its end and refused in words; so is a file that is no photo,
        // and a text too long. None of them is stored.
        let big = vec![0u8; 50 * 1024 * 1024];
        let (st, html) = submit(&s.base, form("有隐患", None, Some(big), "")).await;
        assert_eq!(st, 422);
        assert!(
            html.contains("照片过大"),
            "{}",
            &html[..html.len().min(2000)]
        );
        let (st, html) = submit(
            &s.base,
            form("有隐患", None, Some(b"#!/bin/sh\nrm -rf /".to_vec()), ""),
        )
        .await;
        assert_eq!(st, 422);
        assert!(html.contains("照片"), "{html}");
        let (st, html) = submit(&s.base, form(&"险".repeat(2001), None, None, "")).await;
        assert_eq!(st, 422);
        assert!(html.contains("举报内容"), "{html}");
        // The text typed comes back in the form, as text.
        assert!(!html.contains("<script>"));
        assert_eq!(count(&s).await, before + 1);

        // Five an hour from one address; the sixth is refused and not stored.
        for i in 0..4 {
            let (st, _) = submit(&s.base, form(&format!("第{i}条"), None, None, "")).await;
            assert_eq!(st, 200);
        }
        let (st, html) = submit(&s.base, form("又一条", None, None, "")).await;
        assert_eq!(st, 429);
        assert!(html.contains("过于频繁"), "{html}");
        assert_eq!(count(&s).await, before + 5);

        // Staff read the script as text.
        let c = client();
        login(&c, &s.base, "office").await;
        let list = body_of(&c, format!("{}/tipoffs", s.base)).await;
        assert!(!list.contains("<script>alert"));
        let id = safegrid_store::tipoffs::by_code(&s.svc.store, &code)
            .await
            .unwrap()
            .unwrap()
            .id;
        let page = body_of(&c, format!("{}/tipoffs/{id}", s.base)).await;
        assert!(page.contains("&#60;script&#62;alert"), "{page}");
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("/files/"), "the photo is shown");
    }
}

#[tokio::test]
async fn a_tip_off_is_checked_rewarded_and_its_reporter_kept_from_all_but_the_office() {
    for s in servers().await {
        let shiba = village(&s, "石坝村").await;
        let (st, html) = submit(
            &s.base,
            form("加油站旁违规储存柴油", Some(shiba), None, "张三"),
        )
        .await;
        assert_eq!(st, 200, "{html}");
        let code = code_in(&html);
        let t = safegrid_store::tipoffs::by_code(&s.svc.store, &code)
            .await
            .unwrap()
            .unwrap();
        let id = t.id;
        let url = format!("{}/tipoffs/{id}", s.base);

        // The enterprise and the monitor never see a tip-off; a department not given it neither.
        for user in ["firm", "monitor", "jhb"] {
            let c = client();
            login(&c, &s.base, user).await;
            let r = c.get(&url).send().await.unwrap();
            assert!(
                r.status() == 404 || r.status() == 403,
                "{user}: {}",
                r.status()
            );
            let r = c.get(format!("{}/tipoffs", s.base)).send().await.unwrap();
            let body = r.text().await.unwrap();
            assert!(!body.contains("违规储存柴油"), "{user} lists it");
        }

        // The leader sees the tip-off but not who sent it, and cannot ask.
        let leader = client();
        login(&leader, &s.base, "leader").await;
        let page = body_of(&leader, &url).await;
        assert!(page.contains("违规储存柴油"));
        assert!(!page.contains("张三") && !page.contains("13800138000"));
        let r = leader
            .post(format!("{url}/reporter"))
            .form(&[("csrf", csrf_in(&page))])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // The office asks; the look is audited.
        let office = client();
        login(&office, &s.base, "office").await;
        let page = body_of(&office, &url).await;
        assert!(!page.contains("张三"), "not shown until asked");
        let csrf = csrf_in(&page);
        let looks = || async {
            safegrid_store::audit::history(&s.svc.store, "tipoff", &id.to_string())
                .await
                .unwrap()
                .into_iter()
                .filter(|a| a.action == "view_reporter")
                .count()
        };
        assert_eq!(looks().await, 0);
        let page = office
            .post(format!("{url}/reporter"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("张三") && page.contains("13800138000"));
        assert_eq!(looks().await, 1);

        // No hazard linked before it is found true; no reward either.
        let post = |path: &str, pairs: Vec<(&str, String)>| {
            let office = office.clone();
            let url = format!("{url}{path}");
            let mut pairs: Vec<(String, String)> =
                pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            pairs.push(("csrf".into(), csrf.clone()));
            async move {
                let r = office.post(url).form(&pairs).send().await.unwrap();
                (r.status().as_u16(), r.text().await.unwrap())
            }
        };
        let hazard = safegrid_store::hazards::list(
            &s.svc.store,
            &safegrid_store::hazards::HazardFilter {
                per_page: 1,
                page: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .rows[0]
            .id;
        let (st, html) = post("", vec![("hazard_id", hazard.to_string())]).await;
        assert_eq!(st, 422);
        assert!(html.contains("属实后才能关联"), "{html}");
        let (st, _) = post("/reward", vec![("reward_yuan", "3000".into())]).await;
        assert_eq!(st, 422);

        // To the department over hazardous chemicals (jhb's), which then sees it and finds it true.
        let jhb_user = s
            .svc
            .token_principal(&super::monitoring::token(&s, "jhb").await)
            .await
            .unwrap()
            .unwrap();
        let dep = jhb_user.department_id.unwrap();
        let (st, html) = post(
            "",
            vec![
                ("status", "verifying".into()),
                ("department_id", dep.to_string()),
            ],
        )
        .await;
        assert_eq!(st, 303, "{html}");
        let jhb = client();
        login(&jhb, &s.base, "jhb").await;
        let page = body_of(&jhb, &url).await;
        assert!(page.contains("违规储存柴油"));
        assert!(!page.contains("张三"));
        let r = jhb
            .post(&url)
            .form(&[
                ("csrf", csrf_in(&page)),
                ("status", "substantiated".into()),
                ("reply", "经核查属实，已责令清理并立案".into()),
                ("hazard_id", hazard.to_string()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        // The department cannot pay.
        let r = jhb
            .post(format!("{url}/reward"))
            .form(&[("csrf", csrf_in(&page)), ("reward_yuan", "3000".into())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        // No fine: the floor is also the cap. A yuan more is refused; the floor is paid.
        let (st, html) = post("/reward", vec![("reward_yuan", "3000.01".into())]).await;
        assert_eq!(st, 422);
        assert!(html.contains("超过奖励上限"), "{html}");
        let (st, _) = post("/reward", vec![("reward_yuan", "3000".into())]).await;
        assert_eq!(st, 303);
        let (st, _) = post("/reward", vec![("reward_yuan", "1000".into())]).await;
        assert_eq!(st, 422, "decided once");
        // The outcome of a rewarded tip-off stays.
        let (st, _) = post(
            "",
            vec![
                ("status", "verifying".into()),
                ("department_id", dep.to_string()),
            ],
        )
        .await;
        assert_eq!(st, 422);
        let (st, html) = post("/payment", vec![("voucher", "".into())]).await;
        assert_eq!(st, 422, "{html}");
        let (st, _) = post("/payment", vec![("voucher", "镇财政 2026-118".into())]).await;
        assert_eq!(st, 303);

        // The reporter follows it with the code: the answer and the reward, nobody's name.
        let track = client()
            .get(format!("{}/public/tipoff/track?code={code}", s.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(track.contains("属实"), "{track}");
        assert!(track.contains("已责令清理"));
        assert!(track.contains("3000.00"));
        assert!(!track.contains("张三"));

        // Excel for the office.
        let r = office
            .get(format!("{}/tipoffs.xlsx", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    }
}

#[tokio::test]
async fn the_api_keeps_tip_offs_from_enterprises_and_checks_the_rules() {
    use super::monitoring::{get_json, put, token};
    for s in servers().await {
        let (st, _) = submit(&s.base, form("桥下堆放废弃油桶", None, None, "李四")).await;
        assert_eq!(st, 200);
        let api = format!("{}/api/v1", s.base);
        let r = client()
            .get(format!("{api}/tipoffs"))
            .bearer_auth(token(&s, "firm").await)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let office = token(&s, "office").await;
        let list = get_json(format!("{api}/tipoffs"), &office).await;
        // The list carries no reporter.
        assert!(!list.to_string().contains("李四"));
        let id = list
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["text"] == "桥下堆放废弃油桶")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (st, _) = super::monitoring::post(
            &format!("{api}/tipoffs/{id}/reporter"),
            &token(&s, "leader").await,
            serde_json::json!({}),
        )
        .await;
        assert_eq!(st, 403);
        let (st, who) = super::monitoring::post(
            &format!("{api}/tipoffs/{id}/reporter"),
            &office,
            serde_json::json!({}),
        )
        .await;
        assert_eq!(st, 200);
        assert_eq!(who["name"], "李四");

        // Rules that contradict themselves are refused, naming the field; the office sets them.
        let mut rules = get_json(format!("{api}/tipoff-rules"), &office).await;
        assert_eq!(rules["min_reward_fen"], 300_000);
        rules["share_pct"] = 70.into();
        let (st, b) = put(&format!("{api}/tipoff-rules"), &office, rules.clone()).await;
        assert_eq!(st, 422);
        assert_eq!(b["fields"][0]["field"], "share_pct");
        rules["share_pct"] = 20.into();
        let (st, _) = put(
            &format!("{api}/tipoff-rules"),
            &token(&s, "leader").await,
            rules.clone(),
        )
        .await;
        assert_eq!(st, 403);
        let (st, _) = put(&format!("{api}/tipoff-rules"), &office, rules.clone()).await;
        assert_eq!(st, 200);
        let v = get_json(format!("{api}/tipoffs/{id}"), &office).await;
        // No fine: the floor is suggested whatever the share.
        assert_eq!(v["suggested_fen"], 300_000);
    }
}
