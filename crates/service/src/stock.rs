//! Stockpiles: warehouses of the town and its villages, their items, and every movement of stock
//! with who and why. A taking is checked and made in one statement, so stock never goes below
//! zero even when two people issue the last tents at once; a dispatch to an incident is written
//! in the incident's timeline too.

use crate::{Error, Result, Service, audit, ensure};
use chrono::Utc;
use safegrid_domain::Invalid;
use safegrid_domain::access::Principal;
use safegrid_domain::stock::{self as domain, Flags, ItemInput, MovementInput, WarehouseInput};
use safegrid_store::incidents;
use safegrid_store::regions;
use safegrid_store::stock::{self as store, ItemRow, MovementRow, WarehouseRow};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct StockItem {
    pub item: ItemRow,
    pub flags: Flags,
}

#[derive(Debug, Clone, Serialize)]
pub struct StockView {
    pub warehouses: Vec<WarehouseRow>,
    pub items: Vec<StockItem>,
    pub movements: Vec<MovementRow>,
}

impl Service {
    pub async fn create_warehouse(
        &self,
        who: &Principal,
        input: &WarehouseInput,
    ) -> Result<WarehouseRow> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let region =
            crate::registry::visible_region(&mut tx, who, "region_id", d.region_id).await?;
        ensure(who.can_keep_stock(&region.path))?;
        if store::warehouse_named(&mut tx, region.id, &d.name).await? {
            return Err(Invalid::one("name", "duplicate").into());
        }
        let id = store::insert_warehouse(&mut tx, &d, &region.path).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "warehouse",
            id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        let row = store::warehouse(&mut tx, id)
            .await?
            .ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// A new line in a warehouse, at zero: stock comes in by a movement.
    pub async fn add_stock_item(
        &self,
        who: &Principal,
        warehouse_id: i64,
        input: &ItemInput,
    ) -> Result<ItemRow> {
        let d = input.validate()?;
        let mut tx = self.store.begin().await?;
        let w = store::warehouse(&mut tx, warehouse_id)
            .await?
            .filter(|w| who.can_read_region(&w.region_path))
            .ok_or(Error::NotFound)?;
        ensure(who.can_keep_stock(&w.region_path))?;
        let expires = d.expires_on.map(|e| e.to_string());
        if store::item_like(&mut tx, w.id, &d.name, &d.unit, expires.as_deref())
            .await?
            .is_some()
        {
            return Err(Invalid::one("name", "duplicate").into());
        }
        let id = store::insert_item(&mut tx, w.id, &d).await?;
        audit::record(
            &mut tx,
            who,
            "create",
            "stock_item",
            id,
            None::<&()>,
            Some(&d),
        )
        .await?;
        let row = store::item(&mut tx, id).await?.ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// Moves stock of an item: in, out, to another warehouse, to an incident, or written off.
    /// Returns the item as it stands after.
    pub async fn move_stock(
        &self,
        who: &Principal,
        item_id: i64,
        input: &MovementInput,
    ) -> Result<ItemRow> {
        let m = input.validate()?;
        let mut tx = self.store.begin().await?;
        let item = store::item(&mut tx, item_id)
            .await?
            .filter(|i| who.can_read_region(&i.region_path))
            .ok_or(Error::NotFound)?;
        ensure(who.can_keep_stock(&item.region_path))?;
        let mut to_item = None;
        if let Some(to) = m.to_warehouse_id {
            let target = store::warehouse(&mut tx, to)
                .await?
                .filter(|w| who.can_read_region(&w.region_path) && w.id != item.warehouse_id)
                .ok_or_else(|| Invalid::one("to_warehouse_id", "not_a_reference"))?;
            let line = match store::item_like(
                &mut tx,
                target.id,
                &item.name,
                &item.unit,
                item.expires_on.as_deref(),
            )
            .await?
            {
                Some(id) => id,
                None => {
                    let d = ItemInput {
                        name: item.name.clone(),
                        category: item.category.clone(),
                        unit: item.unit.clone(),
                        min_stock: "0".into(),
                        expires_on: item.expires_on.clone().unwrap_or_default(),
                    }
                    .validate()?;
                    store::insert_item(&mut tx, target.id, &d).await?
                }
            };
            to_item = Some(line);
        }
        if let Some(incident) = m.incident_id {
            let i = incidents::get(&mut tx, incident)
                .await?
                .filter(|i| who.can_read_incident(&i.region_path))
                .ok_or_else(|| Invalid::one("incident_id", "not_a_reference"))?;
            incidents::add_log(
                &mut tx,
                i.id,
                Utc::now(),
                &format!(
                    "调用物资：{}{}{}（{}）",
                    item.name, m.quantity, item.unit, item.warehouse_name
                ),
                crate::actor(who),
            )
            .await?;
        }
        // The rule on the stock as read; then the statement that changes it checks again, so a
        // taking made meanwhile by someone else cannot take it below zero.
        domain::apply(item.quantity, m.kind, m.quantity)?;
        let delta = if m.kind.decreases() {
            -m.quantity
        } else {
            m.quantity
        };
        let after = store::change(&mut tx, item.id, delta)
            .await?
            .ok_or_else(|| Invalid::one("quantity", "stock.not_enough"))?;
        if let Some(to) = to_item {
            store::change(&mut tx, to, m.quantity).await?;
        }
        let id = store::record(
            &mut tx,
            item.id,
            m.kind.as_str(),
            m.quantity,
            after,
            to_item,
            m.incident_id,
            m.reason.as_deref(),
            crate::actor(who),
        )
        .await?;
        audit::record(
            &mut tx,
            who,
            "move",
            "stock_item",
            item.id,
            Some(&item),
            Some(&(id, &m)),
        )
        .await?;
        let row = store::item(&mut tx, item.id)
            .await?
            .ok_or(Error::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    /// The warehouses, items (flagged low, expiring, expired) and recent movements of the
    /// caller's region.
    pub async fn stock(&self, who: &Principal) -> Result<StockView> {
        ensure(who.can_read_region(&who.region_path))?;
        let today = safegrid_domain::local_time::day_of(Utc::now());
        let items = store::items(&self.store, &who.region_path)
            .await?
            .into_iter()
            .map(|item| StockItem {
                flags: domain::flags(
                    item.quantity,
                    item.min_stock,
                    item.expires_on
                        .as_deref()
                        .and_then(|e| chrono::NaiveDate::parse_from_str(e, "%Y-%m-%d").ok()),
                    today,
                    domain::EXPIRY_SOON_DAYS,
                ),
                item,
            })
            .collect();
        Ok(StockView {
            warehouses: store::warehouses(&self.store, &who.region_path).await?,
            items,
            movements: store::movements(&self.store, &who.region_path, 200).await?,
        })
    }

    /// The town and villages the caller may keep a warehouse in.
    pub async fn stock_places(&self, who: &Principal) -> Result<Vec<regions::RegionRow>> {
        ensure(who.can_read_region(&who.region_path))?;
        Ok(regions::within(&self.store, &who.region_path)
            .await?
            .into_iter()
            .filter(|r| {
                who.can_keep_stock(&r.path) && matches!(r.level.as_str(), "town" | "village")
            })
            .collect())
    }

    /// What was dispatched to an incident.
    pub async fn dispatched(&self, who: &Principal, incident_id: i64) -> Result<Vec<MovementRow>> {
        self.incident(who, incident_id).await?;
        Ok(store::dispatched_to(&self.store, incident_id).await?)
    }
}
