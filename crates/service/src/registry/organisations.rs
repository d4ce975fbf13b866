use super::referenced_region;
use crate::{Error, Result, Service, audit, duplicate_as, ensure};
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::registry::{CommitteeInput, DepartmentInput, LiaisonGroupInput, OfficeKind};
use safegrid_store::organisations::{
    self, CommitteeMemberRow, CommitteeOfficeRow, CommitteeRow, DepartmentRow, LiaisonGroupRow,
};
use safegrid_store::{StoreError, Tx, enterprises, people};

async fn referenced_person(tx: &mut Tx, field: &str, id: i64) -> Result<people::PersonRow> {
    people::get(tx, id)
        .await?
        .ok_or_else(|| Error::Invalid(Invalid::one(field, "not_a_reference")))
}

/// A committee with its offices and members, for the committees page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CommitteeView {
    pub committee: CommitteeRow,
    pub offices: Vec<CommitteeOfficeRow>,
    pub members: Vec<CommitteeMemberRow>,
}

impl Service {
    pub async fn create_department(
        &self,
        who: &Principal,
        input: &DepartmentInput,
    ) -> Result<DepartmentRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let region = referenced_region(&mut tx, "region_id", draft.region_id).await?;
        ensure(who.can_manage_structure(&region.path))?;
        let id = organisations::insert_department(&mut tx, &draft)
            .await
            .map_err(duplicate_as("name", "duplicate"))?;
        let row = organisations::department(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "create",
            "department",
            id,
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn update_department(
        &self,
        who: &Principal,
        id: i64,
        input: &DepartmentInput,
    ) -> Result<DepartmentRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let before = organisations::department(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        ensure(who.can_manage_structure(&before.region_path))?;
        let region = referenced_region(&mut tx, "region_id", draft.region_id).await?;
        ensure(who.can_manage_structure(&region.path))?;
        organisations::update_department(&mut tx, id, &draft)
            .await
            .map_err(duplicate_as("name", "duplicate"))?;
        let after = organisations::department(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "update",
            "department",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Deletes a department. One that still supervises an industry is refused: its industries
    /// must first pass to another department (管行业必须管安全), and one with user accounts too.
    pub async fn delete_department(&self, who: &Principal, id: i64) -> Result<()> {
        let mut tx = self.store.begin().await?;
        let before = organisations::department(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        ensure(who.can_manage_structure(&before.region_path))?;
        if !before.industries.is_empty() {
            return Err(Invalid::one("industries", "department.still_supervises").into());
        }
        organisations::delete_department(&mut tx, id)
            .await
            .map_err(|e| match e {
                StoreError::Reference => Error::Invalid(Invalid::one("id", "department.in_use")),
                e => e.into(),
            })?;
        audit::record(
            &mut tx,
            who,
            "delete",
            "department",
            id,
            Some(&before),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn departments(&self, who: &Principal) -> Result<Vec<DepartmentRow>> {
        ensure(who.can_read_region(&who.region_path))?;
        Ok(organisations::departments_within(&self.store, &who.region_path).await?)
    }

    pub async fn department(&self, who: &Principal, id: i64) -> Result<DepartmentRow> {
        let d = organisations::department(&self.store, id)
            .await?
            .ok_or(Error::NotFound)?;
        if !who.can_read_region(&d.region_path) {
            return Err(Error::NotFound);
        }
        Ok(d)
    }

    /// Assigns (or replaces) the liaison group of an enterprise.
    pub async fn put_liaison_group(
        &self,
        who: &Principal,
        input: &LiaisonGroupInput,
    ) -> Result<LiaisonGroupRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let e = enterprises::get(&mut tx, draft.enterprise_id)
            .await?
            .ok_or_else(|| Invalid::one("enterprise_id", "not_a_reference"))?;
        ensure(who.can_manage_structure(&e.region_path))?;
        referenced_person(&mut tx, "leader_id", draft.leader_id).await?;
        for m in &draft.member_ids {
            referenced_person(&mut tx, "member_ids", *m).await?;
        }
        let before = organisations::liaison_group_of(&mut tx, e.id).await?;
        let id = organisations::put_liaison_group(&mut tx, &draft).await?;
        let after = organisations::liaison_group_of(&mut tx, e.id)
            .await?
            .ok_or(Error::NotFound)?;
        let action = if before.is_some() { "update" } else { "create" };
        audit::record(
            &mut tx,
            who,
            action,
            "liaison_group",
            id,
            before.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn liaison_groups(&self, who: &Principal) -> Result<Vec<LiaisonGroupRow>> {
        ensure(who.can_read_region(&who.region_path))?;
        Ok(organisations::liaison_groups_within(&self.store, &who.region_path).await?)
    }

    pub async fn liaison_group_of(
        &self,
        who: &Principal,
        enterprise_id: i64,
    ) -> Result<Option<LiaisonGroupRow>> {
        self.enterprise(who, enterprise_id).await?;
        Ok(organisations::liaison_group_of(&self.store, enterprise_id).await?)
    }

    pub async fn create_committee(&self, who: &Principal, input: &CommitteeInput) -> Result<i64> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let region = referenced_region(&mut tx, "region_id", draft.region_id).await?;
        ensure(who.can_manage_structure(&region.path))?;
        referenced_person(&mut tx, "director_id", draft.director_id).await?;
        let id = organisations::insert_committee(&mut tx, &draft)
            .await
            .map_err(duplicate_as("kind", "duplicate"))?;
        audit::record(
            &mut tx,
            who,
            "create",
            "committee",
            id,
            None::<&()>,
            Some(&draft),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Adds an office (专项办公室) or headquarters (专项指挥部) to a committee.
    pub async fn add_committee_office(
        &self,
        who: &Principal,
        committee_id: i64,
        kind: &str,
        name: &str,
        head_id: i64,
    ) -> Result<i64> {
        let mut errs = Invalid::default();
        let kind = OfficeKind::parse(kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let name = safegrid_domain::error::required_text(&mut errs, "name", name, 60);
        errs.into_result()?;
        let mut tx = self.store.begin().await?;
        self.ensure_committee_manager(&mut tx, who, committee_id)
            .await?;
        referenced_person(&mut tx, "head_id", head_id).await?;
        let kind = kind.map(|k| k.as_str()).unwrap_or("office");
        let id =
            organisations::insert_committee_office(&mut tx, committee_id, kind, &name, head_id)
                .await?;
        let after = serde_json::json!({ "committee_id": committee_id, "kind": kind, "name": name, "head_id": head_id });
        audit::record(
            &mut tx,
            who,
            "create",
            "committee_office",
            id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn put_committee_member(
        &self,
        who: &Principal,
        committee_id: i64,
        person_id: i64,
        position: &str,
    ) -> Result<()> {
        let mut errs = Invalid::default();
        let position = safegrid_domain::error::required_text(&mut errs, "position", position, 60);
        errs.into_result()?;
        let mut tx = self.store.begin().await?;
        self.ensure_committee_manager(&mut tx, who, committee_id)
            .await?;
        referenced_person(&mut tx, "person_id", person_id).await?;
        organisations::put_committee_member(&mut tx, committee_id, person_id, &position).await?;
        let after = serde_json::json!({ "person_id": person_id, "position": position });
        audit::record(
            &mut tx,
            who,
            "put_member",
            "committee",
            committee_id,
            None::<&()>,
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn ensure_committee_manager(
        &self,
        tx: &mut Tx,
        who: &Principal,
        committee_id: i64,
    ) -> Result<()> {
        let c = organisations::committee(tx, committee_id)
            .await?
            .ok_or(Error::NotFound)?;
        ensure(who.can_manage_structure(&c.region_path))
    }

    pub async fn committees(&self, who: &Principal) -> Result<Vec<CommitteeView>> {
        ensure(who.can_read_region(&who.region_path))?;
        let (committees, offices, members) =
            organisations::committees_within(&self.store, &who.region_path).await?;
        Ok(committees
            .into_iter()
            .map(|c| CommitteeView {
                offices: offices
                    .iter()
                    .filter(|o| o.committee_id == c.id)
                    .cloned()
                    .collect(),
                members: members
                    .iter()
                    .filter(|m| m.committee_id == c.id)
                    .cloned()
                    .collect(),
                committee: c,
            })
            .collect())
    }
}
