use super::small_tree;
use safegrid_domain::region::RegionDraft;
use safegrid_store::{regions, testing};

#[tokio::test]
async fn migrating_twice_changes_nothing() {
    for db in testing::all().await {
        assert_eq!(db.store.migrate().await.unwrap(), 0, "{}", db.backend());
    }
}

#[tokio::test]
async fn paths_follow_the_tree_and_moves_carry_the_subtree() {
    for db in testing::all().await {
        let s = &db.store;
        let (d, t, v1, v2) = small_tree(s).await;
        assert_eq!(t.path, format!("{}{}/", d.path, t.id));
        assert_eq!(v1.path, format!("{}{}/", t.path, v1.id));
        let mut tx = s.begin().await.unwrap();
        let facts = safegrid_domain::region::ParentFacts {
            level: safegrid_domain::region::RegionLevel::Village,
            path: &v1.path,
        };
        let g = regions::insert(
            &mut tx,
            &RegionDraft::validate("一组", "group", None, None, Some(facts)).unwrap(),
            Some(&v1),
        )
        .await
        .unwrap();
        // Move the group under the other village.
        let new_path = regions::move_under(&mut tx, &g, &v2).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(new_path, format!("{}{}/", v2.path, g.id));
        let moved = regions::get(s, g.id).await.unwrap().unwrap();
        assert_eq!(moved.path, new_path);
        assert_eq!(moved.parent_id, Some(v2.id));
        let within_v2: Vec<_> = regions::within(s, &v2.path)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(within_v2, [v2.id, g.id], "{}", db.backend());
        let villages = regions::at_level(s, &t.path, "village").await.unwrap();
        assert_eq!(villages.len(), 2);
    }
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_nothing() {
    for db in testing::all().await {
        let s = &db.store;
        let mut tx = s.begin().await.unwrap();
        let d = regions::insert(
            &mut tx,
            &RegionDraft::validate("涪陵区", "district", None, None, None).unwrap(),
            None,
        )
        .await
        .unwrap();
        drop(tx);
        assert!(
            regions::get(s, d.id).await.unwrap().is_none(),
            "{}",
            db.backend()
        );
    }
}
