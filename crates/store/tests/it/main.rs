//! Store tests. Each runs on SQLite, and on PostgreSQL too when SAFEGRID_TEST_POSTGRES_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a helper that fails fails its test

mod audit_chain;
mod enterprises;
mod region_tree;

use safegrid_domain::region::RegionDraft;
use safegrid_store::regions::RegionRow;
use safegrid_store::{Store, regions};

/// District > town > two villages, committed.
pub async fn small_tree(store: &Store) -> (RegionRow, RegionRow, RegionRow, RegionRow) {
    let mut tx = store.begin().await.unwrap();
    let d = regions::insert(
        &mut tx,
        &RegionDraft::validate("涪陵区", "district", None, Some("500102"), None).unwrap(),
        None,
    )
    .await
    .unwrap();
    let t = regions::insert(
        &mut tx,
        &RegionDraft::validate("马武镇", "town", None, None, Some(facts(&d))).unwrap(),
        Some(&d),
    )
    .await
    .unwrap();
    let v1 = regions::insert(
        &mut tx,
        &RegionDraft::validate("石坝村", "village", None, None, Some(facts(&t))).unwrap(),
        Some(&t),
    )
    .await
    .unwrap();
    let v2 = regions::insert(
        &mut tx,
        &RegionDraft::validate(
            "文武社区",
            "village",
            Some("community"),
            None,
            Some(facts(&t)),
        )
        .unwrap(),
        Some(&t),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (d, t, v1, v2)
}

pub fn facts(r: &RegionRow) -> safegrid_domain::region::ParentFacts<'_> {
    safegrid_domain::region::ParentFacts {
        level: safegrid_domain::region::RegionLevel::parse(&r.level).unwrap(),
        path: &r.path,
    }
}
