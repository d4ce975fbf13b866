use super::{as_user, demo_towns};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use safegrid_service::Service;
use safegrid_service::hazards::{HazardInput, StepInput, today};

/// 09:30 Beijing time on a day.
fn morning(day: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(1, 30, 0).unwrap())
}

async fn ordered_hazard(svc: &Service, deadline: NaiveDate) -> i64 {
    let firm = as_user(svc, "firm").await;
    let office = as_user(svc, "office").await;
    let h = svc
        .report_hazard(
            &firm,
            &HazardInput {
                enterprise_id: firm.enterprise_id.unwrap().to_string(),
                name: "灭火器过期".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    svc.hazard_step(
        &office,
        h.id,
        &StepInput {
            action: "grade".into(),
            grade: "general".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let order = StepInput {
        action: "order_rectification".into(),
        responsible: "安全员".into(),
        measures: "更换灭火器".into(),
        funds: "600".into(),
        deadline: deadline.to_string(),
        contingency: "临时调配".into(),
        ..Default::default()
    };
    svc.hazard_step(&office, h.id, &order).await.unwrap();
    h.id
}

#[tokio::test]
async fn reminders_then_escalation_each_once() {
    for (db, svc) in demo_towns().await {
        let d = today() + Duration::days(60);
        ordered_hazard(&svc, d).await;
        let firm = as_user(&svc, "firm").await;
        let office = as_user(&svc, "office").await;
        let leader = as_user(&svc, "leader").await;
        // The demo town's own clocks run first; after them, nothing of this hazard is due yet.
        svc.run_due_jobs("w1", morning(d - Duration::days(4)), 1000)
            .await
            .unwrap();
        assert_eq!(
            svc.run_due_jobs("w1", morning(d - Duration::days(4)), 1000)
                .await
                .unwrap(),
            0,
            "{}",
            db.backend()
        );
        let (f0, o0, l0) = (
            svc.unread(&firm).await.unwrap(),
            svc.unread(&office).await.unwrap(),
            svc.unread(&leader).await.unwrap(),
        );
        // Three days before: the enterprise is reminded, once however often the worker looks.
        assert!(
            svc.run_due_jobs("w1", morning(d - Duration::days(3)), 100)
                .await
                .unwrap()
                >= 1
        );
        assert_eq!(
            svc.run_due_jobs("w1", morning(d - Duration::days(3)), 100)
                .await
                .unwrap(),
            0
        );
        assert_eq!(svc.unread(&firm).await.unwrap(), f0 + 1);
        let msg = &svc.inbox(&firm).await.unwrap()[0];
        assert!(msg.title.contains("还有3天"), "{}", msg.title);
        // The day after the deadline: the office hears of it too.
        svc.run_due_jobs("w1", morning(d + Duration::days(1)), 100)
            .await
            .unwrap();
        assert_eq!(svc.unread(&office).await.unwrap(), o0 + 1);
        assert_eq!(
            svc.unread(&firm).await.unwrap(),
            f0 + 3,
            "reminded at 3 and 1 days, then told it is overdue"
        );
        assert_eq!(svc.unread(&leader).await.unwrap(), l0);
        // Three days after: the leaders.
        svc.run_due_jobs("w1", morning(d + Duration::days(3)), 100)
            .await
            .unwrap();
        assert_eq!(svc.unread(&leader).await.unwrap(), l0 + 1);
        svc.mark_inbox_read(&leader).await.unwrap();
        assert_eq!(svc.unread(&leader).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn a_new_deadline_silences_the_old_clocks() {
    for (db, svc) in demo_towns().await {
        let d = today() + Duration::days(60);
        let id = ordered_hazard(&svc, d).await;
        let firm = as_user(&svc, "firm").await;
        let office = as_user(&svc, "office").await;
        let ext = StepInput {
            action: "request_extension".into(),
            deadline: (d + Duration::days(20)).to_string(),
            reason: "配件未到".into(),
            ..Default::default()
        };
        svc.hazard_step(&firm, id, &ext).await.unwrap();
        svc.hazard_step(
            &office,
            id,
            &StepInput {
                action: "approve_extension".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        // Everything due until the old deadline (the demo's clocks and the old reminders) runs first.
        svc.run_due_jobs("w1", morning(d), 1000).await.unwrap();
        let f0 = svc.unread(&firm).await.unwrap();
        // The old deadline's day passes without a word; the new one's reminder comes.
        svc.run_due_jobs("w1", morning(d + Duration::days(1)), 100)
            .await
            .unwrap();
        assert_eq!(svc.unread(&firm).await.unwrap(), f0, "{}", db.backend());
        svc.run_due_jobs("w1", morning(d + Duration::days(17)), 100)
            .await
            .unwrap();
        assert_eq!(svc.unread(&firm).await.unwrap(), f0 + 1);
    }
}

#[tokio::test]
async fn two_workers_never_run_a_job_twice() {
    for (db, svc) in demo_towns().await {
        let d = today() + Duration::days(60);
        for _ in 0..5 {
            ordered_hazard(&svc, d).await;
        }
        let firm = as_user(&svc, "firm").await;
        // The demo town's clocks, due before these hazards' deadline, run first.
        svc.run_due_jobs("w1", morning(d - Duration::days(4)), 1000)
            .await
            .unwrap();
        let f0 = svc.unread(&firm).await.unwrap();
        let done_before = safegrid_store::jobs::counts(&svc.store)
            .await
            .unwrap()
            .iter()
            .find(|(s, _)| s == "done")
            .map(|(_, n)| *n)
            .unwrap_or(0);
        // A second process on the same database.
        let other = Service::new(safegrid_store::Store::open(&db.url).await.unwrap());
        let at = morning(d + Duration::days(5));
        let (a, b) = tokio::join!(
            svc.run_due_jobs("w1", at, 3),
            other.run_due_jobs("w2", at, 3)
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        // Then whatever is left.
        let rest = svc.run_due_jobs("w1", at, 100).await.unwrap()
            + other.run_due_jobs("w2", at, 100).await.unwrap();
        let counts = safegrid_store::jobs::counts(&svc.store).await.unwrap();
        let done = counts
            .iter()
            .find(|(s, _)| s == "done")
            .map(|(_, n)| *n)
            .unwrap_or(0);
        assert_eq!(
            (a + b + rest) as i64,
            done - done_before,
            "{}: every job done exactly once ({counts:?})",
            db.backend()
        );
        // Five hazards × (two reminders + overdue) reach the enterprise, each once.
        assert_eq!(svc.unread(&firm).await.unwrap(), f0 + 15);
    }
}

#[tokio::test]
async fn an_overdue_hazard_reaches_the_enterprises_liaison_group() {
    for (db, svc) in demo_towns().await {
        let firm = as_user(&svc, "firm").await;
        let eid = firm.enterprise_id.unwrap();
        let group = safegrid_store::organisations::liaison_group_of(&svc.store, eid)
            .await
            .unwrap()
            .expect("the demo firm has a liaison group");
        // The group's leader has an account of their own (a leader of the town).
        let town = safegrid_store::users::by_username(&svc.store, "office")
            .await
            .unwrap()
            .unwrap()
            .region_id;
        super::make_user(
            &svc,
            safegrid_service::auth::UserInput {
                username: "liaison_leader".into(),
                role: "leader".into(),
                region_id: town,
                ..Default::default()
            },
        )
        .await;
        svc.link_person(
            &safegrid_service::system(),
            "liaison_leader",
            Some(group.leader_id),
        )
        .await
        .unwrap();
        let liaison = as_user(&svc, "liaison_leader").await;
        let d = today() + Duration::days(40);
        ordered_hazard(&svc, d).await;
        svc.run_due_jobs("w1", morning(d - Duration::days(1)), 1000)
            .await
            .unwrap();
        let before = svc.unread(&liaison).await.unwrap();
        svc.run_due_jobs("w1", morning(d + Duration::days(1)), 1000)
            .await
            .unwrap();
        let inbox = svc.inbox(&liaison).await.unwrap();
        assert_eq!(
            svc.unread(&liaison).await.unwrap(),
            before + 1,
            "{}: {:?}",
            db.backend(),
            inbox.iter().map(|m| &m.title).collect::<Vec<_>>()
        );
        assert!(inbox[0].title.contains("逾期"), "{}", inbox[0].title);
    }
}
