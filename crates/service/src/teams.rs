//! Rescue teams: registered with their leader and how to call them out, their members and
//! skills, and sent to incidents (the command page lists who is on the way).

use crate::{Error, Result, Service, audit, ensure};
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::team::{MemberInput, TeamInput};
use safegrid_store::incidents;
use safegrid_store::teams::{self as store, MemberRow, SentRow, TeamRow};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Teams {
    pub teams: Vec<TeamRow>,
    pub members: Vec<MemberRow>,
}

impl Service {
    pub async fn create_team(&self, who: &Principal, input: &TeamInput) -> Result<TeamRow> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let region =
            crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_keep_stock(&region.path))?;
        let id = store::insert_team(&mut tx, &d, &region.path)
            .await?
            .ok_or_else(|| Invalid::one("name", "duplicate"))?;
        audit::record(&mut tx, who, "create", "team", id, None::<&()>, Some(&d)).await?;
        let row = store::team(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn add_team_member(
        &self,
        who: &Principal,
        team_id: i64,
        input: &MemberInput,
    ) -> Result<TeamRow> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let team = store::team(&mut tx, team_id)
            .await?
            .filter(|t| who.can_read_region(&t.region_path))
            .ok_or(Error::NotFound)?;
        ensure(who.can_keep_stock(&team.region_path))?;
        if !store::add_member(&mut tx, team.id, &d).await? {
            return Err(Invalid::one("mobile", "duplicate").into());
        }
        audit::record(
            &mut tx,
            who,
            "add_member",
            "team",
            team.id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        let row = store::team(&mut tx, team.id)
            .await?
            .ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn teams(&self, who: &Principal) -> Result<Teams> {
        ensure(who.can_read_region(&who.region_path))?;
        Ok(Teams {
            teams: store::teams(&self.store, &who.region_path).await?,
            members: store::members(&self.store, &who.region_path).await?,
        })
    }

    /// Sends a team the caller can see to an incident the caller records on; written in the
    /// incident's timeline. Sending it twice is said, not repeated.
    pub async fn send_team(
        &self,
        who: &Principal,
        incident_id: i64,
        team_id: i64,
    ) -> Result<Vec<SentRow>> {
        let mut tx = self.store.begin().await?;
        let incident = incidents::get(&mut tx, incident_id)
            .await?
            .filter(|i| who.can_read_incident(&i.region_path))
            .ok_or(Error::NotFound)?;
        ensure(who.can_record_incident(&incident.region_path))?;
        let team = store::team(&mut tx, team_id)
            .await?
            .filter(|t| who.can_read_region(&t.region_path))
            .ok_or_else(|| Invalid::one("team_id", "not_a_reference"))?;
        if !store::send(&mut tx, incident.id, team.id, crate::actor(who)).await? {
            return Err(Invalid::one("team_id", "incident.team_sent").into());
        }
        incidents::add_log(
            &mut tx,
            incident.id,
            chrono::Utc::now(),
            &format!(
                "调派{}（{}人，带队{} {}）",
                team.name, team.members, team.leader, team.leader_mobile
            ),
            crate::actor(who),
        )
        .await?;
        audit::record(
            &mut tx,
            who,
            "send_team",
            "incident",
            incident.id,
            None::<&()>,
            Some(&team.id),
        )
        .await?;
        tx.commit().await?;
        Ok(store::sent_to(&self.store, incident.id).await?)
    }
}
