use safegrid_domain::audit::Break;
use safegrid_service::audit::Verdict;
use safegrid_service::registry::RegionInput;
use safegrid_service::{Service, system};
use safegrid_store::{Backend, testing};

async fn raw(svc: &Service, sql: &'static str) {
    match &svc.store.backend {
        Backend::Sqlite { write, .. } => {
            sqlx::query(sql).execute(write).await.unwrap();
        }
        Backend::Postgres(p) => {
            sqlx::query(sql).execute(p).await.unwrap();
        }
    }
}

async fn three_changes(svc: &Service) {
    let sys = system();
    let d = svc
        .create_region(
            &sys,
            &RegionInput {
                name: "涪陵区".into(),
                level: "district".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let t = svc
        .create_region(
            &sys,
            &RegionInput {
                name: "马武镇".into(),
                level: "town".into(),
                parent_id: Some(d.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    svc.rename_region(&sys, t.id, "马武镇人民政府辖区", "")
        .await
        .unwrap();
}

#[tokio::test]
async fn verify_finds_an_edited_row() {
    for db in testing::all().await {
        let svc = Service::new(db.store.clone());
        three_changes(&svc).await;
        assert_eq!(
            svc.verify_audit(|_| {}).await.unwrap(),
            Verdict::Intact { entries: 3 }
        );
        raw(&svc, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").await;
        assert_eq!(
            svc.verify_audit(|_| {}).await.unwrap(),
            Verdict::Broken(Break::Altered { seq: 2 }),
            "{}",
            db.backend()
        );
    }
}

#[tokio::test]
async fn verify_finds_a_deleted_row_and_a_cut_tail() {
    for db in testing::all().await {
        let svc = Service::new(db.store.clone());
        three_changes(&svc).await;
        raw(&svc, "DELETE FROM audit_log WHERE seq = 3").await;
        assert_eq!(
            svc.verify_audit(|_| {}).await.unwrap(),
            Verdict::Broken(Break::Truncated {
                head_seq: 3,
                last_seq: 2
            }),
            "{}",
            db.backend()
        );
        raw(&svc, "DELETE FROM audit_log WHERE seq = 1").await;
        assert_eq!(
            svc.verify_audit(|_| {}).await.unwrap(),
            Verdict::Broken(Break::Missing {
                after_seq: 0,
                found_seq: 2
            })
        );
    }
}

#[tokio::test]
async fn a_change_and_its_audit_entry_commit_together() {
    for db in testing::all().await {
        let svc = Service::new(db.store.clone());
        three_changes(&svc).await;
        let sys = system();
        let tree = svc.region_tree(&sys).await.unwrap();
        let history = svc
            .entity_history(&sys, "region", tree[1].id)
            .await
            .unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| h.action.as_str())
                .collect::<Vec<_>>(),
            ["update", "create"]
        );
        assert!(
            history[0]
                .before_json
                .as_deref()
                .unwrap()
                .contains("马武镇")
        );
        assert!(
            history[0]
                .after_json
                .as_deref()
                .unwrap()
                .contains("马武镇人民政府辖区")
        );
        // A refused change leaves neither the change nor an entry.
        let bad = svc.rename_region(&sys, tree[1].id, "", "").await;
        assert!(bad.is_err());
        assert_eq!(
            svc.verify_audit(|_| {}).await.unwrap(),
            Verdict::Intact { entries: 3 }
        );
    }
}
