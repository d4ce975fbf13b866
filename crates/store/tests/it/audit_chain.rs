use safegrid_domain::audit::{Break, GENESIS, verify};
use safegrid_store::audit::{self, Change};
use safegrid_store::{Backend, testing};

#[tokio::test]
async fn appended_entries_chain_and_tampering_is_found() {
    for db in testing::all().await {
        let s = &db.store;
        for i in 1..=3 {
            let mut tx = s.begin().await.unwrap();
            let after = format!("{{\"n\":{i}}}");
            let seq = audit::append(
                &mut tx,
                &Change {
                    actor: "admin",
                    action: "create",
                    entity_type: "region",
                    entity_id: &i.to_string(),
                    before: None,
                    after: Some(&after),
                },
            )
            .await
            .unwrap();
            assert_eq!(seq, i);
            tx.commit().await.unwrap();
        }
        // A rolled-back change leaves no entry and no gap.
        let mut tx = s.begin().await.unwrap();
        audit::append(
            &mut tx,
            &Change {
                actor: "x",
                action: "create",
                entity_type: "t",
                entity_id: "9",
                before: None,
                after: None,
            },
        )
        .await
        .unwrap();
        drop(tx);

        let rows = audit::batch(s, 0, 100).await.unwrap();
        let entries: Vec<_> = rows.iter().map(|r| r.entry()).collect();
        let (last, hash) = verify((0, GENESIS.into()), &entries).unwrap();
        assert_eq!(
            (last, hash.clone()),
            audit::head(s).await.unwrap(),
            "{}",
            db.backend()
        );
        assert_eq!(audit::history(s, "region", "2").await.unwrap().len(), 1);

        // Edit a row behind the server's back.
        let tamper = "UPDATE audit_log SET after_json = '{\"n\":99}' WHERE seq = 2";
        match &s.backend {
            Backend::Sqlite { write, .. } => sqlx::query(tamper)
                .execute(write)
                .await
                .map(|_| ())
                .unwrap(),
            Backend::Postgres(p) => sqlx::query(tamper).execute(p).await.map(|_| ()).unwrap(),
        }
        let entries: Vec<_> = audit::batch(s, 0, 100)
            .await
            .unwrap()
            .iter()
            .map(|r| r.entry())
            .collect();
        assert_eq!(
            verify((0, GENESIS.into()), &entries),
            Err(Break::Altered { seq: 2 }),
            "{}",
            db.backend()
        );
    }
}

#[tokio::test]
async fn concurrent_appenders_get_gapless_linked_entries() {
    for db in testing::all().await {
        let s = db.store.clone();
        let mut handles = Vec::new();
        for w in 0..4 {
            let s = s.clone();
            handles.push(tokio::spawn(async move {
                for i in 0..10 {
                    let mut tx = s.begin().await.unwrap();
                    let id = format!("{w}-{i}");
                    audit::append(
                        &mut tx,
                        &Change {
                            actor: "w",
                            action: "create",
                            entity_type: "t",
                            entity_id: &id,
                            before: None,
                            after: None,
                        },
                    )
                    .await
                    .unwrap();
                    tx.commit().await.unwrap();
                }
            }));
        }
        for h in handles {
            h.await.unwrap();
        }
        let entries: Vec<_> = audit::batch(&s, 0, 1000)
            .await
            .unwrap()
            .iter()
            .map(|r| r.entry())
            .collect();
        assert_eq!(
            verify((0, GENESIS.into()), &entries).unwrap().0,
            40,
            "{}",
            db.backend()
        );
    }
}
