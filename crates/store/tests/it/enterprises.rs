use super::small_tree;
use safegrid_domain::access::Scope;
use safegrid_domain::enterprise::EnterpriseInput;
use safegrid_store::enterprises::{self, EnterpriseFilter};
use safegrid_store::{StoreError, testing};

fn input(name: &str, uscc: &str, region: i64, industry: &str) -> EnterpriseInput {
    EnterpriseInput {
        name: name.into(),
        uscc: uscc.into(),
        region_id: region.to_string(),
        industry_code: industry.into(),
        legal_representative: "张三".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn insert_list_filter_and_duplicate_uscc() {
    for db in testing::all().await {
        let s = &db.store;
        let (_d, t, v1, v2) = small_tree(s).await;
        let mut tx = s.begin().await.unwrap();
        let a = enterprises::insert(
            &mut tx,
            &input("石坝采石场", "91350100M000100Y43", v1.id, "B10")
                .validate()
                .unwrap(),
        )
        .await
        .unwrap();
        let b = enterprises::insert(
            &mut tx,
            &input("文武家具厂", "91110000600037341L", v2.id, "C21")
                .validate()
                .unwrap(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let all = |f: EnterpriseFilter| async move { enterprises::list(s, &f).await.unwrap() };
        let town = Scope {
            region_path: t.path.clone(),
            enterprise_id: None,
        };
        let page = all(EnterpriseFilter {
            scope: town.clone(),
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await;
        assert_eq!((page.total, page.rows.len()), (2, 2), "{}", db.backend());
        assert_eq!(page.rows[0].id, b, "newest first");

        let village = Scope {
            region_path: v1.path.clone(),
            enterprise_id: None,
        };
        let page = all(EnterpriseFilter {
            scope: village,
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await;
        assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [a]);

        let page = all(EnterpriseFilter {
            scope: town.clone(),
            industry: Some("C".into()),
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await;
        assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [b]);
        let page = all(EnterpriseFilter {
            scope: town.clone(),
            high_risk: Some(true),
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await;
        assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [a]);
        let page = all(EnterpriseFilter {
            scope: town.clone(),
            q: Some("家具".into()),
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await;
        assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [b]);
        // LIKE wildcards typed by a user match themselves only.
        let page = all(EnterpriseFilter {
            scope: town.clone(),
            q: Some("%".into()),
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await;
        assert_eq!(page.total, 0);
        let only_b = Scope {
            region_path: "/".into(),
            enterprise_id: Some(b),
        };
        let page = all(EnterpriseFilter {
            scope: only_b,
            page: 1,
            per_page: 20,
            ..Default::default()
        })
        .await;
        assert_eq!(page.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [b]);
        let page = all(EnterpriseFilter {
            scope: town,
            page: 2,
            per_page: 1,
            ..Default::default()
        })
        .await;
        assert_eq!((page.total, page.rows[0].id), (2, a));

        let mut tx = s.begin().await.unwrap();
        let dup = enterprises::insert(
            &mut tx,
            &input("另一家", "91350100M000100Y43", v2.id, "C21")
                .validate()
                .unwrap(),
        )
        .await;
        assert!(
            matches!(dup, Err(StoreError::Duplicate)),
            "{}: {dup:?}",
            db.backend()
        );
    }
}

#[tokio::test]
async fn update_and_read_back() {
    for db in testing::all().await {
        let s = &db.store;
        let (_d, _t, v1, v2) = small_tree(s).await;
        let mut tx = s.begin().await.unwrap();
        let id = enterprises::insert(
            &mut tx,
            &input("石坝采石场", "91350100M000100Y43", v1.id, "B10")
                .validate()
                .unwrap(),
        )
        .await
        .unwrap();
        let mut i = input("石坝采石场有限公司", "91350100M000100Y43", v2.id, "B10");
        i.chief_engineer = "王工".into();
        enterprises::update(&mut tx, id, &i.validate().unwrap())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let e = enterprises::get(s, id).await.unwrap().unwrap();
        assert_eq!(
            (e.name.as_str(), e.region_id, e.chief_engineer.as_deref()),
            ("石坝采石场有限公司", v2.id, Some("王工"))
        );
        assert!(e.high_risk);
        assert_eq!(
            enterprises::by_uscc(s, "91350100M000100Y43")
                .await
                .unwrap()
                .unwrap()
                .id,
            id
        );
        let mut tx = s.begin().await.unwrap();
        assert!(matches!(
            enterprises::update(&mut tx, id + 100, &i.validate().unwrap()).await,
            Err(StoreError::NotFound)
        ));
    }
}

#[tokio::test]
async fn an_enterprise_moves_with_its_region() {
    for db in testing::all().await {
        let s = &db.store;
        let (_d, _t, v1, v2) = small_tree(s).await;
        let mut tx = s.begin().await.unwrap();
        let g = safegrid_store::regions::insert(
            &mut tx,
            &safegrid_domain::region::RegionDraft::validate(
                "一组",
                "group",
                None,
                None,
                Some(super::facts(&v1)),
            )
            .unwrap(),
            Some(&v1),
        )
        .await
        .unwrap();
        let id = enterprises::insert(
            &mut tx,
            &input("一组砖厂", "91350100M000100Y43", g.id, "C30")
                .validate()
                .unwrap(),
        )
        .await
        .unwrap();
        safegrid_store::regions::move_under(&mut tx, &g, &v2)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let in_v2 = Scope {
            region_path: v2.path.clone(),
            enterprise_id: None,
        };
        let page = enterprises::list(
            s,
            &EnterpriseFilter {
                scope: in_v2,
                page: 1,
                per_page: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            page.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            [id],
            "{}",
            db.backend()
        );
        assert_eq!(page.rows[0].region_name, "文武社区 一组");
        let in_v1 = Scope {
            region_path: v1.path.clone(),
            enterprise_id: None,
        };
        let page = enterprises::list(
            s,
            &EnterpriseFilter {
                scope: in_v1,
                page: 1,
                per_page: 20,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(page.total, 0);
    }
}
