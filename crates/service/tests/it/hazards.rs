use super::{as_user, demo_towns};
use safegrid_service::hazards::{HazardInput, HazardQuery, StepInput, today};
use safegrid_service::{Error, Lang, system};

fn step(action: &str) -> StepInput {
    StepInput {
        action: action.into(),
        ..Default::default()
    }
}

fn code(e: Error) -> String {
    match e {
        Error::Invalid(i) => format!("{}:{}", i.errors[0].field, i.errors[0].code),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn the_demo_has_hazards_in_every_state_and_the_tables_add_up() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let all = svc
            .hazards(
                &sys,
                &HazardQuery {
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .rows;
        for status in [
            "reported",
            "graded",
            "rectifying",
            "extension_requested",
            "rectified",
            "closed",
        ] {
            assert!(
                all.iter().any(|h| h.status == status),
                "{status} on {}",
                db.backend()
            );
        }
        let t = today();
        let overdue = svc
            .hazards(
                &sys,
                &HazardQuery {
                    view: Some("overdue".into()),
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let by_hand = all
            .iter()
            .filter(|h| h.status != "closed" && h.deadline.is_some_and(|d| d < t))
            .count();
        assert_eq!(overdue.total as usize, by_hand);
        assert_eq!(
            by_hand, 3,
            "three overdue, as in the Monday-morning journey"
        );
        assert!(
            overdue
                .rows
                .iter()
                .any(|h| h.grade.as_deref() == Some("major") && h.listed)
        );
        // The progress table by village adds up to the list, line by line.
        let lines = svc
            .hazard_progress(&sys, "village", Lang::Zh)
            .await
            .unwrap();
        assert_eq!(
            lines.iter().map(|l| l.found).sum::<i64>() as usize,
            all.len()
        );
        assert_eq!(
            lines.iter().map(|l| l.overdue).sum::<i64>() as usize,
            by_hand
        );
        assert_eq!(
            lines.iter().map(|l| l.closed).sum::<i64>() as usize,
            all.iter().filter(|h| h.status == "closed").count()
        );
        let by_status = svc.hazard_progress(&sys, "status", Lang::Zh).await.unwrap();
        assert_eq!(
            by_status
                .iter()
                .find(|l| l.key == "closed")
                .unwrap()
                .closure_rate,
            100.0
        );
    }
}

#[tokio::test]
async fn each_side_takes_only_its_own_steps() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let firm = as_user(&svc, "firm").await;
        let eid = firm.enterprise_id.unwrap();
        // The enterprise reports its own hazard and sees only its own.
        let h = svc
            .report_hazard(
                &firm,
                &HazardInput {
                    enterprise_id: eid.to_string(),
                    name: "叉车制动失灵".into(),
                    source: "self_check".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let mine = svc
            .hazards(
                &firm,
                &HazardQuery {
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            mine.rows.iter().all(|r| r.enterprise_id == Some(eid)),
            "{}",
            db.backend()
        );
        let other = svc
            .hazards(
                &sys,
                &HazardQuery {
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .rows
            .into_iter()
            .find(|r| r.enterprise_id != Some(eid))
            .unwrap();
        assert!(matches!(
            svc.hazard(&firm, other.id).await,
            Err(Error::NotFound)
        ));
        // It cannot grade; the office can.
        let grade = StepInput {
            grade: "general".into(),
            ..step("grade")
        };
        assert_eq!(
            code(svc.hazard_step(&firm, h.id, &grade).await.unwrap_err()),
            "action:hazard.side"
        );
        let office = as_user(&svc, "office").await;
        svc.hazard_step(&office, h.id, &grade).await.unwrap();
        // A department that does not supervise the enterprise's industry has no side at all.
        let jhb = as_user(&svc, "jhb").await; // construction
        let order = StepInput {
            responsible: "张三".into(),
            measures: "更换制动片".into(),
            funds: "1500".into(),
            deadline: (today() + chrono::Duration::days(10))
                .format("%Y-%m-%d")
                .to_string(),
            contingency: "停用叉车".into(),
            ..step("order_rectification")
        };
        let enterprise = svc.enterprise(&sys, eid).await.unwrap();
        if !enterprise.industry_code.starts_with('E') {
            assert!(matches!(
                svc.hazard_step(&jhb, h.id, &order).await,
                Err(Error::Forbidden)
            ));
        }
        // Bad five-implementations change nothing.
        let bad = StepInput {
            funds: "-3".into(),
            deadline: "2020-01-01".into(),
            ..order.clone()
        };
        assert_eq!(
            code(svc.hazard_step(&office, h.id, &bad).await.unwrap_err()),
            "funds:money.form"
        );
        assert_eq!(svc.hazard(&sys, h.id).await.unwrap().status, "graded");
        svc.hazard_step(&office, h.id, &order).await.unwrap();
        // A step from the wrong state is refused.
        assert_eq!(
            code(
                svc.hazard_step(
                    &office,
                    h.id,
                    &StepInput {
                        passed: "true".into(),
                        ..step("verify")
                    }
                )
                .await
                .unwrap_err()
            ),
            "action:hazard.wrong_state"
        );
        // The enterprise submits; it may not verify; the same person may not either.
        svc.hazard_step(
            &firm,
            h.id,
            &StepInput {
                evidence: "已更换".into(),
                ..step("submit_rectification")
            },
        )
        .await
        .unwrap();
        assert_eq!(
            code(
                svc.hazard_step(
                    &firm,
                    h.id,
                    &StepInput {
                        passed: "true".into(),
                        ..step("verify")
                    }
                )
                .await
                .unwrap_err()
            ),
            "action:hazard.side"
        );
        let closed = svc
            .hazard_step(
                &office,
                h.id,
                &StepInput {
                    passed: "true".into(),
                    ..step("verify")
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (closed.status.as_str(), closed.closed_on),
            ("closed", Some(today()))
        );
        // Every step is in the history.
        let history = svc.entity_history(&sys, "hazard", h.id).await.unwrap();
        let actions: Vec<_> = history.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "report",
                "grade",
                "order_rectification",
                "submit_rectification",
                "verify"
            ]
        );
    }
}

#[tokio::test]
async fn the_rectifier_cannot_verify_their_own_work() {
    for (_db, svc) in demo_towns().await {
        let office = as_user(&svc, "office").await;
        let villages = svc.villages(&office).await.unwrap();
        let h = svc
            .report_hazard(
                &office,
                &HazardInput {
                    region_id: villages[0].id.to_string(),
                    name: "河堤护栏缺失".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        svc.hazard_step(
            &office,
            h.id,
            &StepInput {
                grade: "general".into(),
                ..step("grade")
            },
        )
        .await
        .unwrap();
        let order = StepInput {
            responsible: "村主任".into(),
            measures: "安装护栏".into(),
            funds: "0".into(),
            deadline: today().format("%Y-%m-%d").to_string(),
            contingency: "设置警示牌".into(),
            ..step("order_rectification")
        };
        svc.hazard_step(&office, h.id, &order).await.unwrap();
        svc.hazard_step(
            &office,
            h.id,
            &StepInput {
                evidence: "已安装".into(),
                ..step("submit_rectification")
            },
        )
        .await
        .unwrap();
        let e = svc
            .hazard_step(
                &office,
                h.id,
                &StepInput {
                    passed: "true".into(),
                    ..step("verify")
                },
            )
            .await
            .unwrap_err();
        assert_eq!(code(e), "action:hazard.same_person");
        let leader = as_user(&svc, "leader").await;
        let failed = svc
            .hazard_step(
                &leader,
                h.id,
                &StepInput {
                    passed: "false".into(),
                    reason: "护栏高度不足".into(),
                    ..step("verify")
                },
            )
            .await
            .unwrap();
        assert_eq!(failed.status, "rectifying");
    }
}

#[tokio::test]
async fn evidence_is_sniffed_stored_once_and_shown_only_to_those_who_may_see() {
    for (db, svc) in demo_towns().await {
        let firm = as_user(&svc, "firm").await;
        let h = svc
            .report_hazard(
                &firm,
                &HazardInput {
                    enterprise_id: firm.enterprise_id.unwrap().to_string(),
                    name: "配电箱门缺失".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let jpeg = [
            &[0xFF, 0xD8, 0xFF, 0xE0][..],
            b"fake but starts like a jpeg",
        ]
        .concat();
        let a = svc
            .attach_to_hazard(&firm, h.id, "C:\\photos\\现场.jpg", &jpeg)
            .await
            .unwrap();
        assert_eq!(
            (a.name.as_str(), a.mime.as_str()),
            ("现场.jpg", "image/jpeg"),
            "{}",
            db.backend()
        );
        let again = svc
            .attach_to_hazard(&firm, h.id, "again.jpg", &jpeg)
            .await
            .unwrap();
        assert_eq!(a.sha256, again.sha256, "the same content is stored once");
        // A text file named .jpg is refused; so is one over the limit.
        let e = svc
            .attach_to_hazard(&firm, h.id, "photo.jpg", b"just text")
            .await
            .unwrap_err();
        assert_eq!(code(e), "file:file.type");
        let big = [&[0xFF, 0xD8, 0xFF][..], &vec![0u8; 10 * 1024 * 1024]].concat();
        assert_eq!(
            code(
                svc.attach_to_hazard(&firm, h.id, "big.jpg", &big)
                    .await
                    .unwrap_err()
            ),
            "file:file.too_large"
        );
        assert_eq!(svc.hazard_attachments(&firm, h.id).await.unwrap().len(), 2);
        // The office sees it; a village elsewhere does not.
        let office = as_user(&svc, "office").await;
        assert_eq!(svc.attachment(&office, a.id).await.unwrap().1, jpeg);
        let shiba = as_user(&svc, "shiba").await;
        if !h.region_path.starts_with(&shiba.region_path) {
            assert!(matches!(
                svc.attachment(&shiba, a.id).await,
                Err(Error::NotFound)
            ));
        }
        // The audit chain holds the file's hash.
        let history = svc.entity_history(&system(), "hazard", h.id).await.unwrap();
        assert!(
            history.iter().any(|e| e.action == "attach"
                && e.after_json.as_deref().unwrap_or("").contains(&a.sha256))
        );
    }
}

/// The summary the write paths keep equals a recount from the hazards, after a long random run
/// of steps, new hazards, enterprises changing village and industry, and regions moving.
#[tokio::test]
async fn the_kept_summary_equals_a_recount_after_random_transitions() {
    use rand::{Rng, SeedableRng};
    for (db, svc) in demo_towns().await {
        let sys = system();
        let office = as_user(&svc, "office").await;
        let leader = as_user(&svc, "leader").await;
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let enterprises = svc.all_enterprises(&sys).await.unwrap();
        let villages = svc.villages(&sys).await.unwrap();
        let day = |d: i64| (today() + chrono::Duration::days(d)).to_string();
        for round in 0..120 {
            let all = svc
                .hazards(
                    &sys,
                    &HazardQuery {
                        per_page: Some(500),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .rows;
            match rng.gen_range(0..10) {
                0 => {
                    let e = &enterprises[rng.gen_range(0..enterprises.len())];
                    let _ = svc
                        .report_hazard(
                            &office,
                            &HazardInput {
                                enterprise_id: e.id.to_string(),
                                name: format!("随机隐患{round}"),
                                ..Default::default()
                            },
                        )
                        .await;
                }
                1 => {
                    // An enterprise with hazards moves to another village, or changes industry.
                    let e = &enterprises[rng.gen_range(0..enterprises.len())];
                    let mut input = safegrid_service::registry::row_input(
                        &svc.enterprise(&sys, e.id).await.unwrap(),
                    );
                    if rng.gen_bool(0.5) {
                        input.region_id = villages[rng.gen_range(0..villages.len())].id.to_string();
                    } else {
                        input.industry_code = ["C21", "F", "H", "C13"][rng.gen_range(0..4)].into();
                    }
                    let _ = svc.update_enterprise(&sys, e.id, &input).await;
                }
                2 => {
                    // A group moves to another village.
                    let tree = svc.region_tree(&sys).await.unwrap();
                    let groups: Vec<_> = tree.iter().filter(|r| r.level == "group").collect();
                    let g = groups[rng.gen_range(0..groups.len())];
                    let v = &villages[rng.gen_range(0..villages.len())];
                    let _ = svc.move_region(&sys, g.id, v.id).await;
                }
                _ => {
                    let h = &all[rng.gen_range(0..all.len())];
                    let step = match rng.gen_range(0..7) {
                        0 => StepInput {
                            action: "grade".into(),
                            grade: if rng.gen_bool(0.2) {
                                "major"
                            } else {
                                "general"
                            }
                            .into(),
                            reason: "随机".into(),
                            ..Default::default()
                        },
                        1 => StepInput {
                            action: "list".into(),
                            supervising_body: "镇安委办".into(),
                            deadline: day(30),
                            ..Default::default()
                        },
                        2 => StepInput {
                            action: "order_rectification".into(),
                            responsible: "某人".into(),
                            measures: "整改".into(),
                            funds: "100".into(),
                            deadline: day(rng.gen_range(0..20)),
                            contingency: "预案".into(),
                            ..Default::default()
                        },
                        3 => StepInput {
                            action: "submit_rectification".into(),
                            evidence: "照片".into(),
                            ..Default::default()
                        },
                        4 => StepInput {
                            action: "verify".into(),
                            passed: rng.gen_bool(0.7).to_string(),
                            reason: "复查".into(),
                            ..Default::default()
                        },
                        5 => StepInput {
                            action: "close_on_spot".into(),
                            evidence: "当场".into(),
                            ..Default::default()
                        },
                        _ => StepInput {
                            action: "delist".into(),
                            ..Default::default()
                        },
                    };
                    let who = if rng.gen_bool(0.5) { &office } else { &leader };
                    let _ = svc.hazard_step(who, h.id, &step).await;
                }
            }
        }
        let kept = safegrid_store::hazards::summary_rows(&svc.store)
            .await
            .unwrap();
        let recount = safegrid_store::hazards::recount(&svc.store).await.unwrap();
        assert_eq!(kept, recount, "{}", db.backend());
        assert!(recount.iter().any(|r| r.status == "closed"));
        // So are each enterprise's counts of open and open major hazards.
        assert_eq!(
            safegrid_store::hazards::miscounted_enterprises(&svc.store)
                .await
                .unwrap(),
            0,
            "{}",
            db.backend()
        );
    }
}
