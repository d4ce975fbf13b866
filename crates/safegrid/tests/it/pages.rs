use super::{body_of, client, csrf_in, login, servers};

#[tokio::test]
async fn pages_need_a_login_and_forms_need_their_token() {
    for s in servers().await {
        let c = client();
        let r = c
            .get(format!("{}/enterprises?industry=C", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", s.db.backend());
        assert_eq!(
            r.headers()["location"],
            "/login?next=/enterprises%3Findustry%3DC"
        );
        // A login form posted without the token set with the form is refused.
        let r = c
            .post(format!("{}/login", s.base))
            .form(&[
                ("username", "office"),
                ("password", safegrid_service::demo::DEMO_PASSWORD),
                ("csrf", "forged"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("页面已过期"));
        login(&c, &s.base, "office").await;
        let html = body_of(&c, format!("{}/enterprises/new", s.base)).await;
        assert!(html.contains("统一社会信用代码"));
        // A form without its CSRF token changes nothing.
        let r = c
            .post(format!("{}/enterprises", s.base))
            .form(&[("name", "x"), ("csrf", "wrong")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // With it, a bad USCC comes back beside its field with every value kept.
        let csrf = csrf_in(&html);
        let town = s.svc.villages(&safegrid_service::system()).await.unwrap()[0]
            .id
            .to_string();
        let form = [
            ("csrf", csrf.as_str()),
            ("name", "马武新材料厂"),
            ("uscc", "91350100M000100Y44"),
            ("region_id", town.as_str()),
            ("industry_code", "C30"),
            ("scale", "small"),
            ("legal_representative", "周八"),
        ];
        let r = c
            .post(format!("{}/enterprises", s.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains("id=\"err-uscc\""), "error beside the field");
        assert!(html.contains("校验位不正确"));
        assert!(
            html.contains("value=\"马武新材料厂\""),
            "typed values are kept"
        );
        let mut fixed = form;
        fixed[2].1 = "91350100M000100Y43";
        let r = c
            .post(format!("{}/enterprises", s.base))
            .form(&fixed)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let list = body_of(
            &c,
            format!("{}/enterprises?q=%E6%96%B0%E6%9D%90%E6%96%99", s.base),
        )
        .await;
        assert!(list.contains("马武新材料厂"));
    }
}

#[tokio::test]
async fn every_registry_page_renders_for_the_office_and_speaks_english_on_request() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        for path in [
            "/",
            "/coverage",
            "/regions",
            "/committees",
            "/departments",
            "/enterprises",
            "/enterprises/1",
            "/enterprises/1/edit",
            "/liaison-groups",
            "/key-units",
            "/people",
            "/people/new",
            "/history/enterprise/1",
            "/audit",
        ] {
            let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path} on {}", s.db.backend());
            let html = r.text().await.unwrap();
            assert!(html.starts_with("<!doctype html>"), "{path}");
            assert!(
                !html.contains("nav.") && !html.contains("field."),
                "{path} shows an untranslated key"
            );
        }
        let en = c
            .get(format!("{}/coverage?lang=en", s.base))
            .send()
            .await
            .unwrap();
        assert!(
            en.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .contains("sg_lang=en")
        );
        let html = en.text().await.unwrap();
        assert!(html.contains("Enterprises without a liaison group"));
        // The choice sticks for the next page.
        let html = body_of(&c, format!("{}/enterprises", s.base)).await;
        assert!(html.contains("Unified social credit code"));
        // Excel exports are real workbooks.
        for path in [
            "/enterprises.xlsx",
            "/people.xlsx",
            "/coverage.xlsx",
            "/hazards.xlsx?view=open",
            "/hazards/progress.xlsx?by=village",
        ] {
            let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
            assert_eq!(r.status(), 200);
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .contains("spreadsheetml")
            );
            assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
        }
    }
}

#[tokio::test]
async fn pages_refuse_what_the_user_may_not_see() {
    for s in servers().await {
        let sys = safegrid_service::system();
        let all = s.svc.all_enterprises(&sys).await.unwrap();
        let other = all
            .iter()
            .find(|e| e.region_name != "石坝村" && e.name.contains(&e.region_name))
            .unwrap();
        let c = client();
        login(&c, &s.base, "shiba").await;
        let r = c
            .get(format!("{}/enterprises/{}", s.base, other.id))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{}", s.db.backend());
        let r = c
            .get(format!("{}/enterprises/{}/edit", s.base, other.id))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let r = c.get(format!("{}/audit", s.base)).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let r = c.get(format!("{}/users", s.base)).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let list = body_of(&c, format!("{}/enterprises?per_page=500", s.base)).await;
        assert!(!list.contains(&other.name));
        // Logging out ends the session.
        let html = body_of(&c, format!("{}/", s.base)).await;
        let r = c
            .post(format!("{}/logout", s.base))
            .form(&[("csrf", csrf_in(&html))])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(
            c.get(format!("{}/", s.base)).send().await.unwrap().status(),
            303
        );
    }
}

#[tokio::test]
async fn a_hazard_step_form_names_its_errors_and_then_moves_the_hazard() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        let sys = safegrid_service::system();
        let graded = s
            .svc
            .hazards(
                &sys,
                &safegrid_service::hazards::HazardQuery {
                    status: Some("graded".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .rows
            .remove(0);
        let url = format!("{}/hazards/{}", s.base, graded.id);
        let html = body_of(&c, &url).await;
        assert!(
            html.contains("id=\"step-order_rectification\""),
            "{}",
            s.db.backend()
        );
        let csrf = csrf_in(&html);
        let bad = [
            ("csrf", csrf.as_str()),
            ("action", "order_rectification"),
            ("responsible", "王五"),
            ("measures", "更换"),
            ("funds", "-1"),
            ("deadline", "2020-01-01"),
            ("contingency", "停用"),
        ];
        let r = c
            .post(format!("{url}/steps"))
            .form(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("整改资金(元)：金额须为不小于0的数字"),
            "the error names its field"
        );
        assert_eq!(
            s.svc.hazard(&sys, graded.id).await.unwrap().status,
            "graded",
            "nothing changed"
        );
        let deadline =
            (safegrid_service::hazards::today() + chrono::Duration::days(30)).to_string();
        let good = [
            ("csrf", csrf.as_str()),
            ("action", "order_rectification"),
            ("responsible", "王五"),
            ("measures", "更换"),
            ("funds", "1200"),
            ("deadline", deadline.as_str()),
            ("contingency", "停用"),
        ];
        let r = c
            .post(format!("{url}/steps"))
            .form(&good)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let h = s.svc.hazard(&sys, graded.id).await.unwrap();
        assert_eq!(
            (h.status.as_str(), h.funds_fen),
            ("rectifying", Some(120_000))
        );
    }
}

#[tokio::test]
async fn an_inspection_by_checklist_turns_a_failed_item_into_a_hazard() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        let sys = safegrid_service::system();
        let furniture = s
            .svc
            .all_enterprises(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.industry_code == "C21")
            .unwrap();
        let url = format!(
            "{}/inspections/new?enterprise_id={}&template=trade-2023",
            s.base, furniture.id
        );
        let html = body_of(&c, &url).await;
        assert!(
            html.contains("干式除尘系统未采取泄爆"),
            "{}",
            s.db.backend()
        );
        let csrf = csrf_in(&html);
        let eid = furniture.id.to_string();
        // The checklist is multipart: answers, notes and a photo per item.
        let form = |note: &str, photo: &[u8]| {
            reqwest::multipart::Form::new()
                .text("enterprise_id", eid.clone())
                .text("template", "trade-2023")
                .text("kind", "government")
                .text("outcome.dust.3", "fail")
                .text("note.dust.3", note.to_string())
                .text("outcome.dust.7", "pass")
                .part(
                    "photo.dust.3",
                    reqwest::multipart::Part::bytes(photo.to_vec()).file_name("除尘器.jpg"),
                )
        };
        let jpeg: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1];
        let post = |f: reqwest::multipart::Form| {
            c.post(format!("{}/inspections?csrf={csrf}", s.base))
                .multipart(f)
                .send()
        };
        let r = post(form("", jpeg)).await.unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("检查项 dust.3：不合格项须写明情况"),
            "the failed item is named"
        );
        assert!(
            html.contains("value=\"fail\" checked"),
            "the answers are kept"
        );
        // A "photo" that is not one is refused at its item, and nothing is stored.
        let before = s.svc.inspections(&sys, None, 1).await.unwrap().total;
        let r = post(form("干式除尘器无泄爆片", b"<script>x</script>"))
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("照片 dust.3"));
        assert_eq!(
            s.svc.inspections(&sys, None, 1).await.unwrap().total,
            before
        );
        // Without a token nothing is read.
        let r = c
            .post(format!("{}/inspections", s.base))
            .multipart(form("干式除尘器无泄爆片", jpeg))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
        let r = post(form("干式除尘器无泄爆片", jpeg)).await.unwrap();
        assert_eq!(r.status(), 303);
        let location = r.headers()["location"].to_str().unwrap().to_string();
        let page = body_of(&c, format!("{}{location}", s.base)).await;
        assert!(page.contains("已生成隐患"));
        assert!(page.contains("alt=\"除尘器.jpg\""), "{page}");
        // The photo is also the evidence of the hazard the failed item became.
        let id: i64 = location
            .trim_start_matches("/inspections/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let v = s.svc.inspection(&sys, id).await.unwrap();
        let hazard = v.results.iter().find_map(|r| r.hazard_id).unwrap();
        let evidence = s.svc.hazard_attachments(&sys, hazard).await.unwrap();
        assert_eq!(evidence.len(), 1);
        assert_eq!(evidence[0].sha256, v.photos[0].sha256);
        let home = body_of(&c, format!("{}/", s.base)).await;
        assert!(home.contains("近7天漏查"));
    }
}

#[tokio::test]
async fn risk_bands_are_set_by_form_and_regrading_is_asked_for() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        let sys = safegrid_service::system();
        let furniture = s
            .svc
            .all_enterprises(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.industry_code == "C21")
            .unwrap();
        let svg = c
            .get(format!(
                "{}/enterprises/{}/risk-map.svg",
                s.base, furniture.id
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(
            svg.headers()["content-type"],
            "image/svg+xml; charset=utf-8",
            "{}",
            s.db.backend()
        );
        let svg = svg.text().await.unwrap();
        assert!(svg.contains("打磨除尘系统") && svg.contains("重大风险"));
        let html = body_of(&c, format!("{}/risks/bands", s.base)).await;
        let csrf = csrf_in(&html);
        let wrong = [
            ("csrf", csrf.as_str()),
            ("lec0", "70"),
            ("lec1", "160"),
            ("lec2", "320"),
            ("ls0", "20"),
            ("ls1", "9"),
            ("ls2", "4"),
        ];
        let r = c
            .post(format!("{}/risks/bands", s.base))
            .form(&wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("LEC 分级界限：分级界限须从重大到一般依次递减")
        );
        let right = [
            ("csrf", csrf.as_str()),
            ("lec0", "320"),
            ("lec1", "160"),
            ("lec2", "70"),
            ("ls0", "20"),
            ("ls1", "10"),
            ("ls2", "4"),
        ];
        assert_eq!(
            c.post(format!("{}/risks/bands", s.base))
                .form(&right)
                .send()
                .await
                .unwrap()
                .status(),
            303
        );
        let r = c
            .post(format!("{}/risks/regrade", s.base))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(
            r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/risks/bands?changed=")
        );
        // A village cadre may not even see the bands page.
        let v = client();
        login(&v, &s.base, "shiba").await;
        assert_eq!(
            v.get(format!("{}/risks/bands", s.base))
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
    }
}

#[tokio::test]
async fn evidence_uploads_over_the_page() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        let sys = safegrid_service::system();
        let h = s
            .svc
            .hazards(&sys, &Default::default())
            .await
            .unwrap()
            .rows
            .remove(0);
        let url = format!("{}/hazards/{}", s.base, h.id);
        let csrf = csrf_in(&body_of(&c, &url).await);
        let png = [&b"\x89PNG\r\n\x1a\n"[..], b"rest of a png"].concat();
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png.clone()).file_name("现场.png"),
        );
        let r = c
            .post(format!("{url}/files?csrf={csrf}"))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{}", s.db.backend());
        let page = body_of(&c, &url).await;
        let id: String = page
            .split("href=\"/files/")
            .nth(1)
            .unwrap()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let file = c
            .get(format!("{}/files/{id}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(file.headers()["content-type"], "image/png");
        assert_eq!(file.headers()["x-content-type-options"], "nosniff");
        assert_eq!(file.bytes().await.unwrap().to_vec(), png);
        // Text posing as a photo is refused with the reason on the page; so is a forged form.
        let fake = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"not an image".to_vec()).file_name("x.jpg"),
        );
        let r = c
            .post(format!("{url}/files?csrf={csrf}"))
            .multipart(fake)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("只能上传 JPG、PNG 照片或 PDF 文件")
        );
        let forged = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png.clone()).file_name("x.png"),
        );
        assert_eq!(
            c.post(format!("{url}/files?csrf=forged"))
                .multipart(forged)
                .send()
                .await
                .unwrap()
                .status(),
            403
        );
        // A 30 MB upload is refused without taking the server down.
        let huge = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(vec![0xFFu8; 30 * 1024 * 1024]).file_name("big.jpg"),
        );
        let r = c
            .post(format!("{url}/files?csrf={csrf}"))
            .multipart(huge)
            .send()
            .await
            .unwrap();
        assert!(r.status() == 422 || r.status() == 413, "{}", r.status());
        assert_eq!(c.get(&url).send().await.unwrap().status(), 200);
    }
}

#[tokio::test]
async fn risk_lists_are_drawn_up_and_exported_on_their_page() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        let page = body_of(&c, format!("{}/risks/lists", s.base)).await;
        assert!(
            page.contains("马武镇第三届李子节") && page.contains("未开始"),
            "{page}"
        );
        assert!(page.contains("舞台及摊位临时用电"), "{page}");
        let csrf = csrf_in(&page);
        let region = s.svc.villages(&safegrid_service::system()).await.unwrap()[0]
            .id
            .to_string();
        let r = c
            .post(format!("{}/risks/lists", s.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("kind", "major_change"),
                ("name", "采石场扩建"),
                ("region_id", &region),
                ("starts_on", "2026-09-10"),
                ("ends_on", "2026-09-01"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("结束日期不能早于开始日期"));
        let r = c
            .post(format!("{}/risks/lists", s.base))
            .form(&[
                ("csrf", csrf.as_str()),
                ("kind", "major_change"),
                ("name", "采石场扩建"),
                ("region_id", &region),
                ("starts_on", "2026-09-01"),
                ("ends_on", "2026-12-31"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let lists = s.svc.risk_lists(&safegrid_service::system()).await.unwrap();
        let festival = lists
            .iter()
            .find(|v| v.list.name.contains("李子节"))
            .unwrap();
        let r = c
            .get(format!("{}/risks/lists/{}/xlsx", s.base, festival.list.id))
            .send()
            .await
            .unwrap();
        let bytes = r.bytes().await.unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = calamine::Reader::worksheet_range_at(&mut book, 0)
            .unwrap()
            .unwrap();
        assert!(sheet.rows().any(|r| r.iter().any(|c| *c == "主街人员聚集")));
        assert!(lists.iter().any(|v| v.list.name == "采石场扩建"));
    }
}
