//! Stockpiles (镇村二级物资储备, task 19): warehouses of the town, its villages and its rescue
//! teams, the items in each with a minimum stock and an expiry, and every movement of stock —
//! received, issued, transferred to another warehouse, dispatched to an incident, written off —
//! with who and why. Stock never goes below zero: a movement that would take it there is refused.

use crate::Invalid;
use crate::enterprise::{parse_id, text_enum};
use crate::error::{optional_text, required_text};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

text_enum!(
    /// Whose warehouse it is.
    WarehouseKind {
        Town = "town",
        Village = "village",
        /// A rescue team's or the enforcement staff's equipment.
        Team = "team",
    }
);

text_enum!(
    /// What kind of stock.
    Category {
        /// 救灾生活物资: tents, quilts, food, water.
        Relief = "relief",
        /// 防汛抢险物资: sandbags, pumps, life jackets.
        Flood = "flood",
        /// 森林防灭火物资.
        ForestFire = "forest_fire",
        /// 应急装备: generators, lights, radios.
        Equipment = "equipment",
        /// 医疗药品.
        Medical = "medical",
        Other = "other",
    }
);

text_enum!(
    /// A movement of stock.
    MovementKind {
        /// 入库.
        Receive = "receive",
        /// 出库 (issued for use).
        Issue = "issue",
        /// 调拨 to another warehouse.
        Transfer = "transfer",
        /// 调用 to an incident.
        Dispatch = "dispatch",
        /// 报废 (expired, broken, lost).
        WriteOff = "write_off",
    }
);

impl MovementKind {
    /// Whether it takes stock out of the item's warehouse.
    pub fn decreases(self) -> bool {
        self != MovementKind::Receive
    }
}

/// Most of one item a warehouse may hold (a sanity bound on typing).
pub const MAX_QUANTITY: i64 = 100_000_000;

/// The stock after a movement, or the refusal: never below zero, never above the bound.
pub fn apply(stock: i64, kind: MovementKind, quantity: i64) -> Result<i64, Invalid> {
    let after = if kind.decreases() {
        stock - quantity
    } else {
        stock + quantity
    };
    if after < 0 {
        return Err(Invalid::one("quantity", "stock.not_enough"));
    }
    if after > MAX_QUANTITY {
        return Err(Invalid::one("quantity", "number.range"));
    }
    Ok(after)
}

/// Days before its expiry an item is flagged as expiring.
pub const EXPIRY_SOON_DAYS: i64 = 30;

/// How an item stands: short of its minimum, expiring within `soon_days`, expired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    pub low: bool,
    pub expiring: bool,
    pub expired: bool,
}

pub fn flags(
    quantity: i64,
    min_stock: i64,
    expires_on: Option<NaiveDate>,
    today: NaiveDate,
    soon_days: i64,
) -> Flags {
    let expired = expires_on.is_some_and(|e| e < today);
    Flags {
        low: quantity < min_stock,
        expired,
        expiring: !expired
            && expires_on.is_some_and(|e| e <= today + chrono::Duration::days(soon_days)),
    }
}

/// A warehouse as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WarehouseInput {
    pub name: String,
    pub kind: String,
    pub region_id: String,
    pub address: String,
    pub keeper: String,
    pub keeper_mobile: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WarehouseDraft {
    pub name: String,
    pub kind: WarehouseKind,
    pub region_id: i64,
    pub address: Option<String>,
    pub keeper: Option<String>,
    pub keeper_mobile: Option<String>,
}

impl WarehouseInput {
    pub fn validate(&self) -> Result<WarehouseDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 60);
        let kind = WarehouseKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let region_id = parse_id(&mut errs, "region_id", &self.region_id);
        let address = optional_text(&mut errs, "address", Some(&self.address), 200);
        let keeper = optional_text(&mut errs, "keeper", Some(&self.keeper), 40);
        let keeper_mobile = match self.keeper_mobile.trim() {
            "" => None,
            v => match crate::Mobile::parse(v) {
                Ok(m) => Some(m.as_str().to_string()),
                Err(code) => {
                    errs.push("keeper_mobile", code);
                    None
                }
            },
        };
        errs.into_result()?;
        Ok(WarehouseDraft {
            name,
            kind: kind.unwrap_or(WarehouseKind::Town),
            region_id,
            address,
            keeper,
            keeper_mobile,
        })
    }
}

/// An item as typed (it starts at zero; stock comes in by a movement).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ItemInput {
    pub name: String,
    pub category: String,
    /// 顶, 床, 件, 台, 袋…
    pub unit: String,
    pub min_stock: String,
    /// `2027-06-30`, when it has one.
    pub expires_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemDraft {
    pub name: String,
    pub category: Category,
    pub unit: String,
    pub min_stock: i64,
    pub expires_on: Option<NaiveDate>,
}

fn count(errs: &mut Invalid, field: &str, v: &str, min: i64) -> i64 {
    match v.trim() {
        "" if min == 0 => 0,
        "" => {
            errs.push(field, "required");
            0
        }
        v => match v.parse::<i64>() {
            Ok(n) if (min..=MAX_QUANTITY).contains(&n) => n,
            _ => {
                errs.push(field, "number.range");
                0
            }
        },
    }
}

impl ItemInput {
    pub fn validate(&self) -> Result<ItemDraft, Invalid> {
        let mut errs = Invalid::default();
        let name = required_text(&mut errs, "name", &self.name, 60);
        let category = Category::parse(self.category.trim());
        if category.is_none() {
            errs.push("category", "choice");
        }
        let unit = required_text(&mut errs, "unit", &self.unit, 10);
        let min_stock = count(&mut errs, "min_stock", &self.min_stock, 0);
        let expires_on = match self.expires_on.trim() {
            "" => None,
            v => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errs.push("expires_on", "date.form");
                    None
                }
            },
        };
        errs.into_result()?;
        Ok(ItemDraft {
            name,
            category: category.unwrap_or(Category::Other),
            unit,
            min_stock,
            expires_on,
        })
    }
}

/// A movement as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MovementInput {
    pub kind: String,
    pub quantity: String,
    /// The warehouse a transfer goes to.
    pub to_warehouse_id: String,
    /// The incident a dispatch goes to.
    pub incident_id: String,
    /// Why (required for everything but receiving).
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovementDraft {
    pub kind: MovementKind,
    pub quantity: i64,
    pub to_warehouse_id: Option<i64>,
    pub incident_id: Option<i64>,
    pub reason: Option<String>,
}

impl MovementInput {
    pub fn validate(&self) -> Result<MovementDraft, Invalid> {
        let mut errs = Invalid::default();
        let kind = MovementKind::parse(self.kind.trim());
        if kind.is_none() {
            errs.push("kind", "choice");
        }
        let quantity = count(&mut errs, "quantity", &self.quantity, 1);
        let to_warehouse_id = match kind {
            Some(MovementKind::Transfer) => Some(parse_id(
                &mut errs,
                "to_warehouse_id",
                &self.to_warehouse_id,
            )),
            _ => None,
        };
        let incident_id = match kind {
            Some(MovementKind::Dispatch) => {
                Some(parse_id(&mut errs, "incident_id", &self.incident_id))
            }
            _ => None,
        };
        let reason = optional_text(&mut errs, "reason", Some(&self.reason), 200);
        if reason.is_none() && kind.is_some_and(MovementKind::decreases) {
            errs.push("reason", "required");
        }
        errs.into_result()?;
        Ok(MovementDraft {
            kind: kind.unwrap_or(MovementKind::Receive),
            quantity,
            to_warehouse_id,
            incident_id,
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_never_goes_below_zero() {
        use MovementKind::*;
        assert_eq!(apply(10, Receive, 5), Ok(15));
        assert_eq!(apply(10, Issue, 10), Ok(0));
        for k in [Issue, Transfer, Dispatch, WriteOff] {
            assert_eq!(
                apply(10, k, 11),
                Err(Invalid::one("quantity", "stock.not_enough")),
                "{k:?}"
            );
        }
        assert_eq!(
            apply(MAX_QUANTITY, Receive, 1),
            Err(Invalid::one("quantity", "number.range"))
        );
    }

    #[test]
    fn low_expiring_and_expired() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-07-01");
        assert_eq!(
            flags(4, 5, None, today, 30),
            Flags {
                low: true,
                ..Flags::default()
            }
        );
        assert_eq!(flags(5, 5, None, today, 30), Flags::default());
        let f = flags(9, 5, Some(d("2026-07-31")), today, 30);
        assert!(f.expiring && !f.expired);
        assert!(!flags(9, 5, Some(d("2026-08-01")), today, 30).expiring);
        let f = flags(9, 5, Some(d("2026-06-30")), today, 30);
        assert!(f.expired && !f.expiring);
    }

    #[test]
    fn movements_say_what_they_need() {
        let m = |kind: &str, q: &str, reason: &str| MovementInput {
            kind: kind.into(),
            quantity: q.into(),
            reason: reason.into(),
            ..MovementInput::default()
        };
        assert!(m("receive", "20", "").validate().is_ok());
        let fields = |i: MovementInput| -> Vec<String> {
            i.validate()
                .unwrap_err()
                .errors
                .into_iter()
                .map(|e| format!("{}:{}", e.field, e.code))
                .collect()
        };
        assert_eq!(
            fields(m("issue", "0", "")),
            ["quantity:number.range", "reason:required"]
        );
        assert_eq!(
            fields(m("transfer", "3", "调往文凤村")),
            ["to_warehouse_id:required"]
        );
        assert_eq!(
            fields(m("dispatch", "-3", "x")),
            ["quantity:number.range", "incident_id:required"]
        );
        assert_eq!(
            fields(m("steal", "1.5", "")),
            ["kind:choice", "quantity:number.range"]
        );
    }
}
