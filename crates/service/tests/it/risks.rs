use super::{as_user, demo_towns};
use safegrid_domain::risk::{RiskBands, RiskPointInput};
use safegrid_service::{Error, system};

#[tokio::test]
async fn risk_points_are_graded_by_the_bands_and_regraded_only_on_request() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let office = as_user(&svc, "office").await;
        let points = svc.risk_points(&sys, None, None).await.unwrap();
        assert!(points.len() >= 15, "{}", db.backend());
        // Most severe first, and every level graded by the default bands.
        assert_eq!(points[0].level, "major");
        let dust = points.iter().find(|p| p.name == "打磨除尘系统").unwrap();
        assert_eq!(
            (dust.level.as_str(), dust.tier.as_str(), dust.score),
            ("major", "company", 72000)
        );
        let machine = points.iter().find(|p| p.name == "木工机械").unwrap();
        assert_eq!(machine.level, "significant"); // R = 9, variant A
        // New bands (variant B) change nothing until re-grading is asked for.
        let variant_b = RiskBands {
            ls: [20, 10, 4],
            ..RiskBands::default()
        };
        svc.set_risk_bands(&office, &variant_b).await.unwrap();
        assert_eq!(
            svc.risk_points(&sys, None, None)
                .await
                .unwrap()
                .iter()
                .find(|p| p.id == machine.id)
                .unwrap()
                .level,
            "significant"
        );
        let changed = svc.regrade_risks(&office).await.unwrap();
        assert!(changed >= 1);
        let after = svc.risk_points(&sys, None, None).await.unwrap();
        assert_eq!(
            after.iter().find(|p| p.id == machine.id).unwrap().level,
            "general"
        );
        let history = svc
            .entity_history(&sys, "risk_point", machine.id)
            .await
            .unwrap_or_default();
        assert!(
            history.iter().any(|h| h.action == "regrade"),
            "the re-grading is in the history"
        );
        // Bands in the wrong order are refused; a village may not set bands at all.
        let bad = RiskBands {
            lec: [70, 160, 320],
            ..RiskBands::default()
        };
        assert!(matches!(
            svc.set_risk_bands(&office, &bad).await,
            Err(Error::Invalid(_))
        ));
        let shiba = as_user(&svc, "shiba").await;
        assert!(matches!(
            svc.set_risk_bands(&shiba, &RiskBands::default()).await,
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            svc.regrade_risks(&shiba).await,
            Err(Error::Forbidden)
        ));
    }
}

#[tokio::test]
async fn an_enterprise_keeps_its_own_risk_points() {
    for (_db, svc) in demo_towns().await {
        let sys = system();
        let firm = as_user(&svc, "firm").await;
        let own = firm.enterprise_id.unwrap();
        let input = RiskPointInput {
            enterprise_id: own.to_string(),
            post: "叉车司机".into(),
            name: "厂内运输".into(),
            hazard_factor: "叉车倒车盲区".into(),
            controls: "倒车警报、人车分流".into(),
            method: "ls".into(),
            l: "2".into(),
            s: "4".into(),
            ..Default::default()
        };
        let p = svc.create_risk_point(&firm, &input).await.unwrap();
        assert_eq!(p.level, "general");
        assert!(
            svc.risk_points(&firm, None, None)
                .await
                .unwrap()
                .iter()
                .all(|r| r.enterprise_id == Some(own))
        );
        let other = svc
            .all_enterprises(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.id != own)
            .unwrap();
        let elsewhere = RiskPointInput {
            enterprise_id: other.id.to_string(),
            ..input
        };
        assert!(matches!(
            svc.create_risk_point(&firm, &elsewhere).await,
            Err(Error::Forbidden)
        ));
    }
}

#[tokio::test]
async fn posts_carry_their_cards_and_their_risk_list() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let quarry = svc
            .all_enterprises(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.industry_code == "B10")
            .unwrap();
        let posts = svc.posts(&sys, quarry.id).await.unwrap();
        let blaster = posts.iter().find(|p| p.name == "爆破工").unwrap();
        assert!(blaster.complete, "{}", db.backend());
        let view = svc.post(&sys, blaster.id).await.unwrap();
        assert_eq!(
            view.risks
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>(),
            ["采场爆破作业"]
        );
        assert_eq!(view.cards.emergency_steps.len(), 4);
        // An enterprise writes its own posts only; incomplete cards are marked.
        let firm = as_user(&svc, "firm").await;
        let own = firm.enterprise_id.unwrap().to_string();
        let input = safegrid_domain::cards::PostInput {
            enterprise_id: own,
            name: "叉车司机".into(),
            duties: "持证驾驶".into(),
            ..Default::default()
        };
        let p = svc.put_post(&firm, &input).await.unwrap();
        assert!(!p.complete);
        let other = safegrid_domain::cards::PostInput {
            enterprise_id: quarry.id.to_string(),
            ..input
        };
        assert!(matches!(
            svc.put_post(&firm, &other).await,
            Err(Error::Forbidden)
        ));
    }
}
