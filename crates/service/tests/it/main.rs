//! Service tests: the use cases on both backends, and every permission rule tried from the wrong
//! side.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a helper that fails fails its test

mod audit_chain;
mod clocks;
mod demo_town;
mod hazards;
mod import_export;
mod inspections;
mod permissions;
mod risks;
mod targets;

use safegrid_domain::access::Principal;
use safegrid_service::auth::UserInput;
use safegrid_service::{Service, system};
use safegrid_store::testing::{self, TestDb};

/// Every backend of this run, each with the demo town loaded.
pub async fn demo_towns() -> Vec<(TestDb, Service)> {
    let mut out = Vec::new();
    for db in testing::all().await {
        let svc = Service::new(db.store.clone());
        svc.load_demo(0, |_, _| {}).await.unwrap();
        out.push((db, svc));
    }
    out
}

/// The principal of a demo account.
pub async fn as_user(svc: &Service, username: &str) -> Principal {
    let u = safegrid_store::users::by_username(&svc.store, username)
        .await
        .unwrap()
        .unwrap();
    svc.principal_of(&u).await.unwrap()
}

/// Creates an account bound as given and returns its principal.
pub async fn make_user(svc: &Service, input: UserInput) -> Principal {
    let name = input.username.clone();
    svc.add_user(
        &system(),
        &UserInput {
            password: "long-enough-pw".into(),
            ..input
        },
    )
    .await
    .unwrap();
    as_user(svc, &name).await
}
