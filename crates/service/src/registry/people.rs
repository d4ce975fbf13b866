use super::referenced_region;
use crate::{Error, Result, Service, audit, ensure};
use safegrid_domain::access::Principal;
use safegrid_domain::registry::{KeyUnitInput, PersonDraft, PersonInput};
use safegrid_store::people::{self, KeyUnitRow, PersonFilter, PersonRow};
use safegrid_store::{Page, Tx};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersonQuery {
    pub region_id: Option<String>,
    pub role: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl Service {
    pub async fn create_person(&self, who: &Principal, input: &PersonInput) -> Result<PersonRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let row = write_person(&mut tx, who, None, &draft).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn update_person(
        &self,
        who: &Principal,
        id: i64,
        input: &PersonInput,
    ) -> Result<PersonRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let before = people::get(&mut tx, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_region(&before.region_path) {
            return Err(Error::NotFound);
        }
        let row = write_person(&mut tx, who, Some(before), &draft).await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn person(&self, who: &Principal, id: i64) -> Result<PersonRow> {
        let p = people::get(&self.store, id).await?.ok_or(Error::NotFound)?;
        if !who.can_read_region(&p.region_path) {
            return Err(Error::NotFound);
        }
        Ok(p)
    }

    pub async fn people(&self, who: &Principal, q: &PersonQuery) -> Result<Page<PersonRow>> {
        ensure(who.can_read_region(&who.region_path))?;
        let region_path = match super::parse_opt_id(q.region_id.as_deref()) {
            Some(id) => {
                self.region(who, id)
                    .await
                    .map_err(|_| Error::Forbidden)?
                    .path
            }
            None => who.region_path.clone(),
        };
        let f = PersonFilter {
            region_path,
            role: q.role.clone(),
            q: q.q.clone(),
            page: q.page.unwrap_or(1),
            per_page: q.per_page.unwrap_or(20),
        };
        Ok(people::list(&self.store, &f).await?)
    }

    pub async fn create_key_unit(
        &self,
        who: &Principal,
        input: &KeyUnitInput,
    ) -> Result<KeyUnitRow> {
        let draft = input.validate()?;
        let mut tx = self.store.begin().await?;
        let region = referenced_region(&mut tx, "region_id", draft.region_id).await?;
        ensure(who.can_write_people(&region.path))?;
        let id = people::insert_key_unit(&mut tx, &draft).await?;
        let row = people::get_key_unit(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        audit::record(
            &mut tx,
            who,
            "create",
            "key_unit",
            id,
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn key_units(&self, who: &Principal) -> Result<Vec<KeyUnitRow>> {
        ensure(who.can_read_region(&who.region_path))?;
        Ok(people::key_units_within(&self.store, &who.region_path).await?)
    }
}

/// Creates (`before` is `None`) or changes a person inside `tx`, with its audit entry. The caller
/// must be allowed to change people where the person is and where the person will be.
pub(crate) async fn write_person(
    tx: &mut Tx,
    who: &Principal,
    before: Option<PersonRow>,
    draft: &PersonDraft,
) -> Result<PersonRow> {
    let region = referenced_region(&mut *tx, "region_id", draft.region_id).await?;
    if let Some(b) = &before {
        ensure(who.can_write_people(&b.region_path))?;
    }
    ensure(who.can_write_people(&region.path))?;
    let id = match &before {
        Some(b) => {
            people::update(tx, b.id, draft).await?;
            b.id
        }
        None => people::insert(tx, draft).await?,
    };
    let after = people::get(&mut *tx, id).await?.ok_or(Error::NotFound)?;
    let action = if before.is_some() { "update" } else { "create" };
    audit::record(tx, who, action, "person", id, before.as_ref(), Some(&after)).await?;
    Ok(after)
}
