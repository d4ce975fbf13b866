//! The duty roster: set a day at a time by the office, read by month, and asked who is on duty
//! now (the escalation of a warning's silent recipients reaches the duty officer).

use crate::{Result, Service, audit, ensure};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::duty::{RosterInput, duty_day};
use safegrid_store::duty::{self as store, RosterRow};
use safegrid_store::{people, regions};

impl Service {
    /// Sets one day of a region's roster; both people must be registered at the region itself
    /// (the town's staff), as the form offers them.
    pub async fn set_duty_day(&self, who: &Principal, input: &RosterInput) -> Result<RosterRow> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let region =
            crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_manage_structure(&region.path))?;
        let mut errs = Invalid::default();
        for (field, id) in [
            ("duty_leader_id", d.leader_id),
            ("duty_officer_id", d.officer_id),
        ] {
            let p = people::get(&mut tx, id).await?;
            // The town's own staff stand its duty, not the cadres of its villages.
            if p.is_none_or(|p| p.region_path != region.path) {
                errs.push(field, "not_a_reference");
            }
        }
        errs.into_result()?;
        let before = store::on_duty(&mut tx, &region.path, d.day).await?;
        store::set_day(&mut tx, &d, &region.path).await?;
        audit::record(
            &mut tx,
            who,
            "set_duty_day",
            "region",
            region.id,
            before.as_ref(),
            Some(&d),
        )
        .await?;
        let row = store::on_duty(&mut tx, &region.path, d.day)
            .await?
            .ok_or_else(|| crate::Error::Internal("roster day not stored".into()))?;
        tx.commit().await?;
        Ok(row)
    }

    /// The roster of the caller's region between two days.
    pub async fn duty_roster(
        &self,
        who: &Principal,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<RosterRow>> {
        ensure(who.can_read_region(&who.region_path))?;
        Ok(store::between(&self.store, &who.region_path, from, to).await?)
    }

    /// Who is on duty at `at` for a place at `path`, if the roster names anyone.
    pub async fn on_duty(&self, path: &str, at: DateTime<Utc>) -> Result<Option<RosterRow>> {
        Ok(store::on_duty(&self.store, path, duty_day(at)).await?)
    }
}

impl Service {
    /// The towns (or other regions above the villages) whose roster the caller keeps, and the
    /// people who may stand duty in each: those registered at that level, not in a village.
    pub async fn duty_places(
        &self,
        who: &Principal,
    ) -> Result<Vec<(regions::RegionRow, Vec<people::PersonRow>)>> {
        ensure(who.can_read_region(&who.region_path))?;
        let towns = regions::at_level(&self.store, &who.region_path, "town").await?;
        let all = people::all_within(&self.store, &who.region_path).await?;
        Ok(towns
            .into_iter()
            .filter(|t| who.can_manage_structure(&t.path))
            .map(|t| {
                let staff = all
                    .iter()
                    .filter(|p| p.region_path == t.path)
                    .cloned()
                    .collect();
                (t, staff)
            })
            .collect())
    }
}
