use super::{as_user, demo_towns};
use safegrid_domain::enterprise::EnterpriseInput;
use safegrid_domain::registry::{DepartmentInput, PersonInput};
use safegrid_service::registry::{EnterpriseQuery, PersonQuery, RegionInput, row_input};
use safegrid_service::{Error, system};

fn code_of(e: Error) -> String {
    match e {
        Error::Invalid(i) => format!("{}:{}", i.errors[0].field, i.errors[0].code),
        other => format!("{other:?}"),
    }
}

#[tokio::test]
async fn a_village_sees_and_changes_only_its_own_village() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let shiba = as_user(&svc, "shiba").await;
        let all = svc.all_enterprises(&sys).await.unwrap();
        let mine: Vec<_> = all.iter().filter(|e| e.region_name == "石坝村").collect();
        let other = all.iter().find(|e| e.region_name == "文观村").unwrap();
        let page = svc
            .enterprises(
                &shiba,
                &EnterpriseQuery {
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.total as usize, mine.len(), "{}", db.backend());
        assert!(page.rows.iter().all(|e| e.region_name == "石坝村"));
        // Another village's enterprise: not visible, not changeable, not movable into.
        assert!(matches!(
            svc.enterprise(&shiba, other.id).await,
            Err(Error::NotFound)
        ));
        assert!(matches!(
            svc.update_enterprise(&shiba, other.id, &row_input(other))
                .await,
            Err(Error::NotFound)
        ));
        let mut moved = row_input(mine[0]);
        moved.region_id = other.region_id.to_string();
        assert!(matches!(
            svc.update_enterprise(&shiba, mine[0].id, &moved).await,
            Err(Error::Forbidden)
        ));
        let mut new = row_input(other);
        new.uscc = "91350100M000100Y43".into();
        assert!(matches!(
            svc.create_enterprise(&shiba, &new).await,
            Err(Error::Forbidden)
        ));
        // Its own: allowed.
        let mut own = row_input(mine[0]);
        own.safety_director = "石坝新安全总监".into();
        assert_eq!(
            svc.update_enterprise(&shiba, mine[0].id, &own)
                .await
                .unwrap()
                .safety_director
                .as_deref(),
            Some("石坝新安全总监")
        );
        // Filtering by another village is refused rather than silently widened.
        let q = EnterpriseQuery {
            region_id: Some(other.region_id.to_string()),
            ..Default::default()
        };
        assert!(matches!(
            svc.enterprises(&shiba, &q).await,
            Err(Error::Forbidden)
        ));
        // No structure, no users, no audit.
        let town = svc
            .region_tree(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.level == "town")
            .unwrap();
        let r = RegionInput {
            name: "新村".into(),
            level: "village".into(),
            parent_id: Some(town.id),
            ..Default::default()
        };
        assert!(matches!(
            svc.create_region(&shiba, &r).await,
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            svc.list_users(&shiba).await,
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            svc.entity_history(&shiba, "enterprise", mine[0].id).await,
            Err(Error::Forbidden)
        ));
        let people = svc
            .people(
                &shiba,
                &PersonQuery {
                    per_page: Some(500),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(
            people
                .rows
                .iter()
                .all(|p| p.region_path.starts_with(&shiba.region_path))
        );
        let person = PersonInput {
            name: "外村人".into(),
            mobile: "13900000001".into(),
            region_id: other.region_id.to_string(),
            ..Default::default()
        };
        assert!(matches!(
            svc.create_person(&shiba, &person).await,
            Err(Error::Forbidden)
        ));
    }
}

#[tokio::test]
async fn a_department_changes_only_the_industries_it_supervises() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let jhb = as_user(&svc, "jhb").await; // 建环办: construction (E)
        let all = svc.all_enterprises(&sys).await.unwrap();
        let site = all
            .iter()
            .find(|e| e.industry_code.starts_with('E'))
            .unwrap();
        let furniture = all.iter().find(|e| e.industry_code == "C21").unwrap();
        let mut ok = row_input(site);
        ok.chief_engineer = "新总工".into();
        assert!(
            svc.update_enterprise(&jhb, site.id, &ok).await.is_ok(),
            "{}",
            db.backend()
        );
        // It can read the furniture factory but not change it.
        assert!(svc.enterprise(&jhb, furniture.id).await.is_ok());
        assert!(matches!(
            svc.update_enterprise(&jhb, furniture.id, &row_input(furniture))
                .await,
            Err(Error::Forbidden)
        ));
        // Nor hand its construction site to an industry it does not supervise.
        let mut away = row_input(site);
        away.industry_code = "C21".into();
        assert!(matches!(
            svc.update_enterprise(&jhb, site.id, &away).await,
            Err(Error::Forbidden)
        ));
        // Nor create one outside its industries.
        let mut new = EnterpriseInput {
            uscc: "91350100M000100Y43".into(),
            ..row_input(furniture)
        };
        assert!(matches!(
            svc.create_enterprise(&jhb, &new).await,
            Err(Error::Forbidden)
        ));
        new.industry_code = "E47".into();
        assert!(svc.create_enterprise(&jhb, &new).await.is_ok());
        // Departments do not manage the town's structure or people.
        let dept = DepartmentInput {
            name: "新部门".into(),
            region_id: site.region_id.to_string(),
            ..Default::default()
        };
        assert!(matches!(
            svc.create_department(&jhb, &dept).await,
            Err(Error::Forbidden)
        ));
        let p = PersonInput {
            name: "某人".into(),
            mobile: "13900000002".into(),
            region_id: site.region_id.to_string(),
            ..Default::default()
        };
        assert!(matches!(
            svc.create_person(&jhb, &p).await,
            Err(Error::Forbidden)
        ));
    }
}

#[tokio::test]
async fn an_enterprise_sees_only_itself() {
    for (db, svc) in demo_towns().await {
        let firm = as_user(&svc, "firm").await;
        let own_id = firm.enterprise_id.unwrap();
        let page = svc
            .enterprises(&firm, &EnterpriseQuery::default())
            .await
            .unwrap();
        assert_eq!(
            page.rows.iter().map(|e| e.id).collect::<Vec<_>>(),
            [own_id],
            "{}",
            db.backend()
        );
        let all = svc.all_enterprises(&system()).await.unwrap();
        let other = all.iter().find(|e| e.id != own_id).unwrap();
        assert!(matches!(
            svc.enterprise(&firm, other.id).await,
            Err(Error::NotFound)
        ));
        let own = svc.enterprise(&firm, own_id).await.unwrap();
        let mut edit = row_input(&own);
        edit.safety_director_mobile = "13700001111".into();
        assert!(svc.update_enterprise(&firm, own_id, &edit).await.is_ok());
        // The government decides its industry, region and risk flag.
        let mut edit2 = row_input(&own);
        edit2.industry_code = "A".into();
        assert!(matches!(
            svc.update_enterprise(&firm, own_id, &edit2).await,
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            svc.people(&firm, &PersonQuery::default()).await,
            Err(Error::Forbidden)
        ));
        assert!(matches!(svc.coverage(&firm).await, Err(Error::Forbidden)));
        assert!(matches!(
            svc.region_tree(&firm).await,
            Err(Error::Forbidden)
        ));
        assert_eq!(svc.all_enterprises(&firm).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn monitors_and_leaders_have_their_limits() {
    for (_db, svc) in demo_towns().await {
        let monitor = as_user(&svc, "monitor").await;
        let page = svc
            .enterprises(&monitor, &EnterpriseQuery::default())
            .await
            .unwrap();
        let e = &page.rows[0];
        assert!(matches!(
            svc.update_enterprise(&monitor, e.id, &row_input(e)).await,
            Err(Error::Forbidden)
        ));
        let office = as_user(&svc, "office").await;
        assert!(matches!(
            svc.list_users(&office).await,
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            svc.set_disabled(&office, "shiba", true).await,
            Err(Error::Forbidden)
        ));
        // The office of one town cannot touch a neighbouring town of the same district.
        let sys = system();
        let district = svc
            .region_tree(&sys)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.level == "district")
            .unwrap();
        let other_town = svc
            .create_region(
                &sys,
                &RegionInput {
                    name: "珍溪镇".into(),
                    level: "town".into(),
                    parent_id: Some(district.id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let v = RegionInput {
            name: "某村".into(),
            level: "village".into(),
            parent_id: Some(other_town.id),
            ..Default::default()
        };
        assert!(matches!(
            svc.create_region(&office, &v).await,
            Err(Error::Forbidden)
        ));
        let leader = as_user(&svc, "leader").await;
        assert!(!leader.can_manage_structure(&other_town.path));
    }
}

#[tokio::test]
async fn sessions_logins_and_throttling() {
    for (db, svc) in demo_towns().await {
        let s = svc
            .login("shiba", safegrid_service::demo::DEMO_PASSWORD)
            .await
            .unwrap();
        let (p, csrf) = svc.session(&s.token).await.unwrap().unwrap();
        assert_eq!((p.username.as_str(), csrf), ("shiba", s.csrf.clone()));
        assert!(svc.session("not-a-token").await.unwrap().is_none());
        // Disabling the account ends its session at once.
        svc.set_disabled(&system(), "shiba", true).await.unwrap();
        assert!(
            svc.session(&s.token).await.unwrap().is_none(),
            "{}",
            db.backend()
        );
        assert!(matches!(
            svc.login("shiba", safegrid_service::demo::DEMO_PASSWORD)
                .await,
            Err(Error::Unauthenticated)
        ));
        // Five wrong passwords lock the account for a while, even against the right password.
        for _ in 0..5 {
            assert!(matches!(
                svc.login("office", "wrong-password").await,
                Err(Error::Unauthenticated)
            ));
        }
        assert!(matches!(
            svc.login("office", safegrid_service::demo::DEMO_PASSWORD)
                .await,
            Err(Error::Throttled)
        ));
        // API tokens.
        let t = svc
            .issue_token(&system(), "leader", "dashboard")
            .await
            .unwrap();
        assert_eq!(
            svc.token_principal(&t).await.unwrap().unwrap().username,
            "leader"
        );
        assert!(svc.token_principal("bogus").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn bad_input_gets_a_named_error_and_changes_nothing() {
    for (db, svc) in demo_towns().await {
        let sys = system();
        let all = svc.all_enterprises(&sys).await.unwrap();
        let before = svc.verify_audit(|_| {}).await.unwrap();
        // Duplicate USCC.
        let dup = EnterpriseInput {
            name: "重名".into(),
            ..row_input(&all[0])
        };
        assert_eq!(
            code_of(svc.create_enterprise(&sys, &dup).await.unwrap_err()),
            "uscc:uscc.duplicate",
            "{}",
            db.backend()
        );
        // Bad USCC and phone.
        let mut bad = row_input(&all[0]);
        bad.uscc = "91350100M000100Y44".into();
        assert_eq!(
            code_of(svc.create_enterprise(&sys, &bad).await.unwrap_err()),
            "uscc:uscc.check_digit"
        );
        bad.uscc = "91350100M000100Y43".into();
        bad.legal_representative_mobile = "1381234".into();
        assert_eq!(
            code_of(svc.create_enterprise(&sys, &bad).await.unwrap_err()),
            "legal_representative_mobile:mobile.length"
        );
        // A region that does not exist.
        bad.legal_representative_mobile = String::new();
        bad.region_id = "999999".into();
        assert_eq!(
            code_of(svc.create_enterprise(&sys, &bad).await.unwrap_err()),
            "region_id:not_a_reference"
        );
        // A region moved under its own child.
        let tree = svc.region_tree(&sys).await.unwrap();
        let village = tree.iter().find(|r| r.level == "village").unwrap();
        let group = tree
            .iter()
            .find(|r| r.parent_id == Some(village.id))
            .unwrap();
        assert_eq!(
            code_of(
                svc.move_region(&sys, village.id, group.id)
                    .await
                    .unwrap_err()
            ),
            "parent_id:region.cycle"
        );
        // Deleting a department that still supervises an industry.
        let dept = &svc.departments(&sys).await.unwrap()[0];
        assert_eq!(
            code_of(svc.delete_department(&sys, dept.id).await.unwrap_err()),
            "industries:department.still_supervises"
        );
        assert_eq!(
            svc.verify_audit(|_| {}).await.unwrap(),
            before,
            "nothing was written"
        );
        assert_eq!(svc.all_enterprises(&sys).await.unwrap().len(), all.len());
        // A department with nothing to supervise and no accounts can go.
        let d = svc
            .create_department(
                &sys,
                &DepartmentInput {
                    name: "临时专班".into(),
                    region_id: dept.region_id.to_string(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        svc.delete_department(&sys, d.id).await.unwrap();
    }
}
