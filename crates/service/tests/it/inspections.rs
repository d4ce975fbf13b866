use super::{as_user, demo_towns};
use safegrid_service::inspections::{InspectionInput, ItemInput};
use safegrid_service::{Error, system};

fn item(item: &str, outcome: &str, note: &str) -> ItemInput {
    ItemInput {
        item: item.into(),
        outcome: outcome.into(),
        note: note.into(),
    }
}

#[tokio::test]
async fn the_quarry_missed_five_daily_checks_last_week() {
    for (db, svc) in demo_towns().await {
        let missed = svc.missed_inspections(&system(), 14).await.unwrap();
        let quarry: Vec<_> = missed.iter().filter(|m| m.cadence == "daily").collect();
        assert_eq!(quarry.len(), 5, "{}: {missed:?}", db.backend());
        assert!(quarry.iter().all(|m| m.period_start == m.period_end));
        assert_eq!(missed.len(), 5, "the weekly and monthly plans were kept");
    }
}

#[tokio::test]
async fn a_failed_item_becomes_a_hazard_in_the_same_step() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let yjb = as_user(&svc, "yjb").await; // 应急办 as a department: supervises manufacturing classes
        let furniture = svc
            .all_enterprises(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.industry_code == "C21")
            .unwrap();
        let input = InspectionInput {
            enterprise_id: furniture.id.to_string(),
            template: "trade-2023".into(),
            kind: "government".into(),
            results: vec![
                item("dust.3", "fail", "干式除尘器无泄爆"),
                item("dust.7", "pass", ""),
                item("confined.1", "na", ""),
            ],
            ..Default::default()
        };
        let view = svc.record_inspection(&yjb, &input).await.unwrap();
        assert_eq!(view.inspection.failed, 1, "{}", db.backend());
        let hid = view
            .results
            .iter()
            .find(|r| r.item == "dust.3")
            .unwrap()
            .hazard_id
            .unwrap();
        let h = svc.hazard(&sys, hid).await.unwrap();
        assert_eq!(
            (h.criterion.as_deref(), h.source.as_str(), h.status.as_str()),
            (Some("dust.3"), "inspection", "reported")
        );
        assert!(h.title.contains("泄爆"));
        // The criterion lets it be graded major without a written reason.
        let grade = safegrid_service::hazards::StepInput {
            action: "grade".into(),
            grade: "major".into(),
            ..Default::default()
        };
        assert_eq!(
            svc.hazard_step(&yjb, hid, &grade)
                .await
                .unwrap()
                .grade
                .as_deref(),
            Some("major")
        );
    }
}

#[tokio::test]
async fn inspections_refuse_what_does_not_fit() {
    for (_db, svc) in demo_towns().await {
        let sys = system();
        let firm = as_user(&svc, "firm").await;
        let own = firm.enterprise_id.unwrap().to_string();
        let base = InspectionInput {
            enterprise_id: own.clone(),
            template: "daily-self-check".into(),
            kind: "self_check".into(),
            ..Default::default()
        };
        let err = |e: Error| match e {
            Error::Invalid(i) => i
                .errors
                .iter()
                .map(|f| format!("{}:{}", f.field, f.code))
                .collect::<Vec<_>>(),
            other => vec![format!("{other:?}")],
        };
        // An item not in the checklist, and a failure without a word.
        let bad = InspectionInput {
            results: vec![item("dust.3", "pass", ""), item("daily.1", "fail", "")],
            ..base.clone()
        };
        assert_eq!(
            err(svc.record_inspection(&firm, &bad).await.unwrap_err()),
            [
                "results.dust.3:inspection.unknown_item",
                "results.daily.1:inspection.fail_needs_note"
            ]
        );
        let none = InspectionInput {
            results: vec![],
            ..base.clone()
        };
        assert_eq!(
            err(svc.record_inspection(&firm, &none).await.unwrap_err()),
            ["results:inspection.no_results"]
        );
        let future = InspectionInput {
            done_on: "2999-01-01".into(),
            results: vec![item("daily.1", "pass", "")],
            ..base.clone()
        };
        assert_eq!(
            err(svc.record_inspection(&firm, &future).await.unwrap_err()),
            ["done_on:date.future"]
        );
        // The enterprise checks itself, but does not pose as the government, nor check others.
        let ok = InspectionInput {
            results: vec![item("daily.1", "pass", "")],
            ..base.clone()
        };
        assert!(svc.record_inspection(&firm, &ok).await.is_ok());
        let posing = InspectionInput {
            kind: "government".into(),
            ..ok.clone()
        };
        assert!(matches!(
            svc.record_inspection(&firm, &posing).await,
            Err(Error::Forbidden)
        ));
        let other = svc
            .all_enterprises(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.id.to_string() != own)
            .unwrap();
        let elsewhere = InspectionInput {
            enterprise_id: other.id.to_string(),
            ..ok.clone()
        };
        assert!(matches!(
            svc.record_inspection(&firm, &elsewhere).await,
            Err(Error::Forbidden)
        ));
        // A village cadre does not inspect enterprises.
        let shiba = as_user(&svc, "shiba").await;
        let gov = InspectionInput {
            kind: "government".into(),
            ..ok
        };
        assert!(matches!(
            svc.record_inspection(&shiba, &gov).await,
            Err(Error::Forbidden)
        ));
        // The enterprise sees only its own inspections.
        let mine = svc.inspections(&firm, None, 1).await.unwrap();
        assert!(mine.rows.iter().all(|i| i.enterprise_id.to_string() == own));
    }
}
