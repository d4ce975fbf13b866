use super::demo_towns;
use safegrid_service::system;

#[tokio::test]
async fn the_demo_town_is_complete_and_shows_its_gaps() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let tree = svc.region_tree(&sys).await.unwrap();
        assert_eq!(
            tree.iter().filter(|r| r.level == "village").count(),
            12,
            "{}",
            db.backend()
        );
        assert!(tree.iter().filter(|r| r.level == "group").count() >= 36);
        let depts = svc.departments(&sys).await.unwrap();
        for name in ["应急办", "农服中心", "规资所", "产服中心"] {
            assert!(depts.iter().any(|d| d.name == name), "{name}");
        }
        let all = svc.all_enterprises(&sys).await.unwrap();
        assert!((110..=130).contains(&all.len()), "{}", all.len());
        assert!(all.iter().any(|e| e.industry_code == "B10" && e.high_risk));
        assert!(
            all.iter()
                .all(|e| safegrid_domain::Uscc::parse(&e.uscc).is_ok())
        );

        let cov = svc.coverage(&sys).await.unwrap();
        assert_eq!(cov.without_liaison_group.len(), 2);
        assert_eq!(
            cov.villages_without_grid_member
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>(),
            ["木根村"]
        );
        assert!(
            cov.without_supervisor
                .iter()
                .all(|e| e.industry_code == "K")
        );
        assert_eq!(cov.without_supervisor.len(), 1);
        // Every hazard site and reservoir has its people, but for one landslide's geologist.
        assert_eq!(
            cov.objects_missing_duties
                .iter()
                .map(|g| (g.name.as_str(), g.role.as_str()))
                .collect::<Vec<_>>(),
            [("石坝村1号滑坡", "resident_geologist")]
        );
        let sites = svc.objects(&sys, Some("hazard_site")).await.unwrap();
        assert_eq!(sites.len(), 5);
        assert_eq!(svc.objects(&sys, Some("reservoir")).await.unwrap().len(), 2);
        // A quiet day of readings, every one stored, and no alarm raised by it.
        assert_eq!(
            safegrid_store::readings::count(&svc.store).await.unwrap(),
            144 * safegrid_service::demo_monitoring::DEMO_SENSORS.len() as i64
        );
        // The only alarm is the flood season's patrol report of new cracks, long resolved.
        let alarms = svc.alarms(&sys, None, false).await.unwrap();
        assert_eq!(alarms.len(), 1, "{alarms:?}");
        assert_eq!(
            (alarms[0].source.as_str(), alarms[0].status.as_str()),
            ("patrol", "resolved")
        );
        // The monitor's rounds: twice a week at site 3 all season, site 1 with two weeks missed.
        let patrols = svc.patrols(&sys, None, 5000).await.unwrap();
        assert!(patrols.len() > 60, "{}", patrols.len());
        // High-risk enterprises missing a chief engineer or safety director, counted by hand.
        let by_hand = all
            .iter()
            .filter(|e| e.high_risk && (e.chief_engineer.is_none() || e.safety_director.is_none()))
            .count();
        assert_eq!(cov.high_risk_without_officers.len(), by_hand);
        assert!(by_hand > 0);

        // The first quarry has its posts' cards; the other high-risk enterprises do not yet.
        let quarry = all.iter().find(|e| e.industry_code == "B10").unwrap();
        assert!(
            !cov.high_risk_without_cards
                .iter()
                .any(|e| e.id == quarry.id)
        );
        assert_eq!(
            cov.high_risk_without_cards.len(),
            all.iter().filter(|e| e.high_risk).count() - 1
        );
        let committees = svc.committees(&sys).await.unwrap();
        assert_eq!(committees.len(), 2);
        assert!(
            committees
                .iter()
                .any(|c| c.committee.kind == "disaster_reduction" && c.offices.len() == 4)
        );
        // Every change the demo made is in an intact chain.
        match svc.verify_audit(|_| {}).await.unwrap() {
            safegrid_service::audit::Verdict::Intact { entries } => assert!(entries > 300),
            v => panic!("{v:?}"),
        }
    }
}

#[tokio::test]
async fn the_demo_is_deterministic() {
    let a = demo_towns().await;
    let b = demo_towns().await;
    let sys = system();
    let ua: Vec<_> = a[0]
        .1
        .all_enterprises(&sys)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.name, e.uscc))
        .collect();
    let ub: Vec<_> = b[0]
        .1
        .all_enterprises(&sys)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.name, e.uscc))
        .collect();
    assert_eq!(ua, ub);
}
