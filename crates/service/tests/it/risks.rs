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

fn code<T: std::fmt::Debug>(r: Result<T, Error>) -> String {
    match r {
        Err(Error::Invalid(i)) => format!("{}:{}", i.errors[0].field, i.errors[0].code),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn a_major_event_keeps_its_own_risk_points_and_a_key_period_gathers_known_ones() {
    use safegrid_domain::risk_list::{Phase, RiskListInput};
    for (db, svc) in demo_towns().await {
        let office = as_user(&svc, "office").await;
        let villages = svc.villages(&office).await.unwrap();
        let shiba = villages.iter().find(|v| v.name == "石坝村").unwrap();
        let today = safegrid_service::hazards::today();
        let list = |kind: &str, region: i64, from: i64, to: i64| RiskListInput {
            kind: kind.into(),
            name: "石坝村赶场日".into(),
            region_id: region.to_string(),
            starts_on: (today + chrono::Duration::days(from)).to_string(),
            ends_on: (today + chrono::Duration::days(to)).to_string(),
            description: String::new(),
        };
        assert_eq!(
            code(
                svc.create_risk_list(&office, &list("major_event", shiba.id, 3, 1))
                    .await
            ),
            "ends_on:risk_list.ends_before_start"
        );
        // An enterprise draws up no list; a village none outside its own area.
        let firm = as_user(&svc, "firm").await;
        assert!(
            svc.create_risk_list(&firm, &list("major_event", shiba.id, 0, 1))
                .await
                .is_err()
        );
        let baozi = villages.iter().find(|v| v.name == "堡子村").unwrap();
        let shiba_user = as_user(&svc, "shiba").await;
        assert_eq!(
            code(
                svc.create_risk_list(&shiba_user, &list("major_event", baozi.id, 0, 1))
                    .await
            ),
            "region_id:not_a_reference"
        );
        let event = svc
            .create_risk_list(&shiba_user, &list("major_event", shiba.id, 0, 1))
            .await
            .unwrap();

        // A risk point of the event's own: in its village, graded, on the list.
        let crowd = RiskPointInput {
            name: "赶场人员聚集".into(),
            hazard_factor: "拥挤踩踏".into(),
            controls: "限流疏导".into(),
            method: "ls".into(),
            l: "3".into(),
            s: "4".into(),
            ..RiskPointInput::default()
        };
        let bad = RiskPointInput {
            hazard_factor: String::new(),
            ..crowd.clone()
        };
        assert_eq!(
            code(
                svc.create_list_risk_point(&shiba_user, event.id, &bad)
                    .await
            ),
            "hazard_factor:required"
        );
        let p = svc
            .create_list_risk_point(&shiba_user, event.id, &crowd)
            .await
            .unwrap();
        assert_eq!((p.region_id, p.score), (shiba.id, 12));
        // Once only; and a risk point of another village is not Shiba's event's.
        assert_eq!(
            code(
                svc.add_to_risk_list(&office, event.id, &p.id.to_string())
                    .await
            ),
            "risk_point_id:risk_list.on_already"
        );
        let elsewhere = svc
            .risk_points(&office, None, None)
            .await
            .unwrap()
            .into_iter()
            .find(|r| !r.region_path.starts_with(&shiba.path))
            .unwrap();
        assert_eq!(
            code(
                svc.add_to_risk_list(&office, event.id, &elsewhere.id.to_string())
                    .await
            ),
            "risk_point_id:not_a_reference"
        );
        // Another village's cadre cannot see the list, let alone add to it.
        let lists = svc.risk_lists(&shiba_user).await.unwrap();
        let mine = lists.iter().find(|v| v.list.id == event.id).unwrap();
        assert_eq!(mine.phase, Phase::Active, "{}", db.backend());
        assert_eq!(mine.points.len(), 1);
        // The demo's festival is upcoming and its season active, with their points.
        let all = svc.risk_lists(&office).await.unwrap();
        let festival = all.iter().find(|v| v.list.name.contains("李子节")).unwrap();
        assert_eq!(
            (festival.phase, festival.points.len()),
            (Phase::Upcoming, 2)
        );
        let season = all.iter().find(|v| v.list.kind == "key_period").unwrap();
        assert_eq!((season.phase, season.points.len()), (Phase::Active, 4));
        assert!(
            !svc.risk_lists(&shiba_user)
                .await
                .unwrap()
                .iter()
                .any(|v| v.list.id == festival.list.id)
        );
    }
}
