//! The year's work over real HTTP: a plan loaded from Excel all or none (missing and extra
//! columns, a task without a lead department, an unknown department, each named by row and
//! column), departments reporting only on their tasks with evidence, training hours checked
//! against their days, and the target pages kept from enterprises and monitors.

use super::monitoring::{get_json, post, token};
use super::{body_of, client, csrf_in, login, servers};
use reqwest::multipart::{Form, Part};
use safegrid_service::xlsx::{Table, workbook};
use serde_json::{Value, json};

fn sheet(headers: &[&str], rows: &[&[&str]]) -> Vec<u8> {
    workbook(&[Table {
        title: "工作要点".into(),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect(),
    }])
    .unwrap()
}

async fn import(url: &str, token: &str, bytes: Vec<u8>) -> (u16, Value) {
    let r = client()
        .post(url)
        .bearer_auth(token)
        .multipart(Form::new().part("file", Part::bytes(bytes).file_name("plan.xlsx")))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn get_status(url: &str, token: &str) -> (u16, Value) {
    let r = client().get(url).bearer_auth(token).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn cells(b: &Value) -> Vec<(i64, String, String)> {
    b["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_i64().unwrap(),
                r["column"].as_str().unwrap().to_string(),
                r["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_plan_loads_from_excel_all_or_none_with_each_bad_cell_named() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let (_, town) = super::shiba_and_town(&s).await;
        let body = json!({"region_id": town.to_string(), "year": "2030", "name": "2030年工作要点"});
        let (st, _) = post(
            &format!("{api}/work-plans"),
            &token(&s, "yjb").await,
            body.clone(),
        )
        .await;
        assert_eq!(st, 403, "a department does not draw the plan up");
        let (st, plan) = post(&format!("{api}/work-plans"), &office, body.clone()).await;
        assert_eq!(st, 201, "{plan}");
        let (st, b) = post(&format!("{api}/work-plans"), &office, body).await;
        assert_eq!(
            (st, b["fields"][0]["code"].as_str()),
            (422, Some("plan.exists"))
        );
        let id = plan["id"].as_i64().unwrap();
        let url = format!("{api}/work-plans/{id}/import");

        // The lead department's column is missing and a column the plan does not know is there.
        let (st, b) = import(
            &url,
            &office,
            sheet(
                &["序号", "任务", "完成时限", "备注"],
                &[&["1", "压实党政领导责任", "2030-12-31", "x"]],
            ),
        )
        .await;
        assert_eq!(st, 422, "{b}");
        let c = cells(&b);
        assert!(
            c.contains(&(1, "备注".into(), "plan.column_extra".into())),
            "{c:?}"
        );
        assert!(
            c.contains(&(1, "牵头部门".into(), "plan.column_missing".into())),
            "{c:?}"
        );
        assert!(
            b["rows"][0]["message"].as_str().unwrap().contains("第1行"),
            "{b}"
        );

        // Every bad row named: no lead department, a department the town does not have, a
        // number twice, a deadline before the year.
        let headers = [
            "序号",
            "任务",
            "牵头部门",
            "配合部门",
            "工作指标",
            "完成时限",
        ];
        let (st, b) = import(
            &url,
            &office,
            sheet(
                &headers,
                &[
                    &[
                        "1",
                        "压实党政领导责任",
                        "应急办",
                        "",
                        "一企一组",
                        "2030-12-31",
                    ],
                    &["2", "压实行业部门监管责任", "", "规资所", "", "2030-12-31"],
                    &[
                        "3",
                        "改善安全生产基础条件",
                        "交通服务站",
                        "水务局",
                        "护栏5公里",
                        "2030-12-31",
                    ],
                    &["1", "重复", "应急办", "", "", "2030-12-31"],
                    &["4", "早了", "应急办", "", "", "2029-12-31"],
                ],
            ),
        )
        .await;
        assert_eq!(st, 422, "{b}");
        let c = cells(&b);
        assert!(
            c.contains(&(3, "牵头部门".into(), "plan.no_lead".into())),
            "{c:?}"
        );
        assert!(
            c.contains(&(4, "配合部门".into(), "plan.unknown_department".into())),
            "{c:?}"
        );
        assert!(
            c.contains(&(5, "序号".into(), "plan.duplicate_number".into())),
            "{c:?}"
        );
        assert!(
            c.contains(&(6, "完成时限".into(), "plan.deadline_before_year".into())),
            "{c:?}"
        );
        assert_eq!(c.len(), 4, "{c:?}");
        let v = get_json(format!("{api}/work-plans/{id}"), &office).await;
        assert_eq!(v["tasks"].as_array().unwrap().len(), 0, "nothing written");

        // Not an xlsx at all.
        let (st, b) = import(&url, &office, b"number,title\n1,x\n".to_vec()).await;
        assert_eq!(
            (st, b["fields"][0]["code"].as_str()),
            (422, Some("xlsx.not_xlsx")),
            "{b}"
        );

        // A good sheet (headings by code, in any order), then the same numbers again replace.
        let good = |title: &str| {
            sheet(
                &[
                    "task_title",
                    "number",
                    "lead_department",
                    "co_departments",
                    "due_on",
                ],
                &[
                    &[title, "1", "应急办", "", "2030-12-31"],
                    &[
                        "改善安全生产基础条件",
                        "9",
                        "交通服务站",
                        "应急办、产服中心",
                        "2030-12-31",
                    ],
                ],
            )
        };
        let (st, b) = import(&url, &office, good("压实党政领导责任")).await;
        assert_eq!(
            (st, b["added"].as_i64(), b["replaced"].as_i64()),
            (200, Some(2), Some(0)),
            "{b}"
        );
        let (st, b) = import(&url, &office, good("压实党政领导责任（修订）")).await;
        assert_eq!(
            (st, b["added"].as_i64(), b["replaced"].as_i64()),
            (200, Some(0), Some(2)),
            "{b}"
        );
        let v = get_json(format!("{api}/work-plans/{id}"), &office).await;
        assert_eq!(v["tasks"][0]["task"]["title"], "压实党政领导责任（修订）");
        let co: Vec<&str> = v["tasks"][1]["task"]["co"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d[1].as_str().unwrap())
            .collect();
        assert_eq!(co, ["应急办", "产服中心"]);
        // The village cannot load a plan.
        let (st, _) = import(&url, &token(&s, "shiba").await, good("x")).await;
        assert_eq!(st, 403);

        // The progress table as Excel, a row per task and a column per month.
        let c = client();
        login(&c, &s.base, "office").await;
        let bytes = c
            .get(format!("{}/work-plans/{id}/xlsx", s.base))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        assert_eq!(range.rows().count(), 3);
        let head: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert!(
            head.contains(&"1月".to_string()) && head.contains(&"12月".to_string()),
            "{head:?}"
        );
        // The page shows the table, and the form re-shows a task without a lead with the words.
        let html = body_of(&c, format!("{}/work-plans/{id}", s.base)).await;
        assert!(html.contains("改善安全生产基础条件") && html.contains("data-print"));
        let r = c
            .post(format!("{}/work-plans/{id}/tasks", s.base))
            .form(&[
                ("csrf", csrf_in(&html).as_str()),
                ("number", "5"),
                ("task_title", "推动基层应急机构规范化建设"),
                ("lead_department", ""),
                ("due_on", "2030-12-31"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("每项任务须有牵头部门") && html.contains("推动基层应急机构规范化建设")
        );
    }
}

#[tokio::test]
async fn departments_report_only_on_their_tasks_with_evidence() {
    for s in servers().await {
        let api = format!("{}/api/v1", s.base);
        let office = token(&s, "office").await;
        let plans = get_json(format!("{api}/work-plans"), &office).await;
        let plan = plans
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["year"] == 2021)
            .unwrap();
        assert_eq!(plan["tasks"], 21);
        let v = get_json(format!("{api}/work-plans/{}", plan["id"]), &office).await;
        // Task 9 is led by 交通服务站 with 应急办 and 产服中心; 建环办 has no part in it.
        let t9 = v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["task"]["number"] == 9)
            .unwrap();
        assert_eq!(t9["state"], "done");
        let tid = t9["task"]["id"].as_i64().unwrap();
        let lead = t9["task"]["lead_department_id"].as_i64().unwrap();
        let yjb_t = token(&s, "yjb").await;
        let yjb_dept = s
            .svc
            .token_principal(&yjb_t)
            .await
            .unwrap()
            .unwrap()
            .department_id
            .unwrap();
        let url = format!("{api}/plan-tasks/{tid}/reports");
        let report = |dept: i64| json!({"department_id": dept.to_string(), "month": "2021-11", "status": "underway", "progress": "配合排查护栏点位"});
        let (st, _) = post(&url, &token(&s, "jhb").await, report(lead)).await;
        assert_eq!(st, 403, "建环办 is not part of task 9");
        for user in ["firm", "monitor", "shiba"] {
            let (st, _) = post(&url, &token(&s, user).await, report(lead)).await;
            assert!(st == 403 || st == 404, "{user}: {st}");
        }
        let (st, b) = post(&url, &yjb_t, report(lead)).await;
        assert_eq!(
            (st, b["fields"][0]["code"].as_str()),
            (422, Some("plan.not_task_department")),
            "{b}"
        );
        let (st, b) = post(&url, &yjb_t, json!({"department_id": yjb_dept.to_string(), "month": "2099-01", "status": "underway", "progress": "x"})).await;
        assert_eq!(
            (st, b["fields"][0]["field"].as_str()),
            (422, Some("month")),
            "{b}"
        );
        let (st, r) = post(&url, &yjb_t, report(yjb_dept)).await;
        assert_eq!(st, 201, "{r}");
        let rid = r["id"].as_i64().unwrap();

        // Evidence: 应急办 attaches a photo to its report through the page; 建环办 cannot.
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0].to_vec();
        for (user, ok) in [("jhb", false), ("yjb", true)] {
            let c = client();
            login(&c, &s.base, user).await;
            let html = body_of(&c, format!("{}/inbox", s.base)).await;
            let csrf = csrf_in(&html);
            let r = c
                .post(format!("{}/plan-reports/{rid}/files?csrf={csrf}", s.base))
                .multipart(Form::new().part("file", Part::bytes(png.clone()).file_name("护栏.png")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().is_redirection(), ok, "{user}: {}", r.status());
        }
        // The same through the API: 建环办 refused, 应急办 stores a second file.
        for (user, want) in [("jhb", 403), ("yjb", 201)] {
            let r = client()
                .post(format!("{api}/plan-reports/{rid}/files"))
                .bearer_auth(token(&s, user).await)
                .multipart(
                    Form::new().part("file", Part::bytes(png.clone()).file_name("验收单.png")),
                )
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), want, "{user}");
        }
        let d = get_json(format!("{api}/plan-tasks/{tid}"), &office).await;
        let mine = d["reports"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r[0]["id"] == rid)
            .unwrap();
        let names: Vec<&str> = mine[1]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"护栏.png") && names.contains(&"验收单.png"),
            "{d}"
        );
    }
}

#[tokio::test]
async fn training_hours_are_checked_against_their_days_and_named() {
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
        let body = |hours: &str| {
            json!({"trainee": "赵六", "category": "safety_manager", "kind": "annual",
            "course": "安全管理人员再培训", "enterprise_id": eid.to_string(), "starts_on": "2025-04-01",
            "ends_on": "2025-04-04", "hours": hours})
        };
        let url = format!("{api}/trainings");
        let (st, b) = post(&url, &office, body("-4")).await;
        assert_eq!(
            (
                st,
                b["fields"][0]["field"].as_str(),
                b["fields"][0]["code"].as_str()
            ),
            (422, Some("hours"), Some("training.hours_negative")),
            "{b}"
        );
        let (st, b) = post(&url, &office, body("97")).await;
        assert_eq!(
            b["fields"][0]["code"], "training.hours_exceed_days",
            "{st} {b}"
        );
        assert!(
            b["fields"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("学时"),
            "{b}"
        );
        // Who may record: the office and the enterprise itself; not a village or a monitor, and
        // not the enterprise for another one.
        for user in ["shiba", "monitor"] {
            let (st, _) = post(&url, &token(&s, user).await, body("12")).await;
            assert!(st == 403 || st == 422, "{user}: {st}");
        }
        let (st, t) = post(&url, &firm_t, body("12")).await;
        assert_eq!(st, 201, "{t}");
        let other = s
            .svc
            .all_enterprises(&safegrid_service::system())
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.id != eid)
            .unwrap();
        let mut b = body("12");
        b["enterprise_id"] = json!(other.id.to_string());
        let (st, _) = post(&url, &firm_t, b).await;
        assert!(st == 403 || st == 422, "another enterprise: {st}");
        // The enterprise sees its own training only.
        let board = get_json(format!("{api}/training?year=2025"), &firm_t).await;
        assert!(
            board["records"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["enterprise_id"] == eid),
            "{board}"
        );
    }
}

#[tokio::test]
async fn target_pages_show_the_year_and_keep_enterprises_and_monitors_out() {
    for s in servers().await {
        let c = client();
        login(&c, &s.base, "office").await;
        for (path, words) in [
            ("/targets", "森林火灾受害率"),
            ("/targets/scorecards", "石坝村"),
            ("/targets/report?year=2021", "打表推进"),
            ("/training", "应急管理执法人员"),
            ("/outreach", "防灾减灾日"),
            ("/projects", "马武—石坝村道护栏"),
            ("/work-plans", "2021年全镇安全生产与自然灾害防治工作要点"),
            ("/targets/settings", "一票否决"),
        ] {
            let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            let html = r.text().await.unwrap();
            assert!(html.contains(words), "{path} lacks {words}");
        }
        for path in [
            "/targets/report.xlsx?year=2021",
            "/targets/scorecards.xlsx",
            "/training.xlsx",
            "/outreach.xlsx",
            "/projects.xlsx",
            "/work-plans/1/xlsx",
        ] {
            let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            assert!(r.bytes().await.unwrap().starts_with(b"PK"), "{path}");
        }
        // Weights that do not add up: refused with the scorecard named, what was typed kept.
        let html = body_of(&c, format!("{}/targets/settings", s.base)).await;
        let mut form: Vec<(String, String)> = vec![
            ("csrf".into(), csrf_in(&html)),
            ("weight_total".into(), "100".into()),
        ];
        let config = s.svc.target_config(2030).await.unwrap();
        let input = safegrid_domain::target::TargetConfigInput::of(&config);
        for (k, m) in input.metric.iter().enumerate() {
            form.push(("metric".into(), m.clone()));
            form.push(("goal".into(), input.goal[k].clone()));
            form.push(("amber".into(), input.amber[k].clone()));
            let vw = if m == "larger_accidents" {
                "37".to_string()
            } else {
                input.village_weight[k].clone()
            };
            form.push(("village_weight".into(), vw));
            form.push((
                "department_weight".into(),
                input.department_weight[k].clone(),
            ));
        }
        for m in &input.enabled {
            form.push(("enabled".into(), m.clone()));
        }
        let r = c
            .post(format!("{}/targets/settings", s.base))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = r.text().await.unwrap();
        assert!(
            html.contains("村级权重")
                && html.contains("权重合计不等于设定的总分")
                && html.contains("value=\"37\"")
        );
        assert_eq!(
            s.svc.target_config(2030).await.unwrap(),
            config,
            "nothing stored"
        );

        // Enterprises and monitors see no targets; a village sees its own scorecard only.
        for user in ["firm", "monitor"] {
            let (st, _) = get_status(
                &format!("{}/api/v1/targets", s.base),
                &token(&s, user).await,
            )
            .await;
            assert_eq!(st, 403, "{user}");
        }
        let shiba = get_json(
            format!("{}/api/v1/scorecards", s.base),
            &token(&s, "shiba").await,
        )
        .await;
        let names: Vec<&str> = shiba["villages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["石坝村"], "{shiba}");
        assert_eq!(shiba["departments"].as_array().unwrap().len(), 0);
    }
}
