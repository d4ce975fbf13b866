//! Disaster statistics and relief, per village of an incident: the indicators of the natural
//! disaster statistics system (自然灾害情况统计调查制度, 应急〔2020〕19号), the two ledgers it requires
//! (因灾死亡失踪人口台账, 因灾倒塌损坏住房户台账), the 五有 of each affected household and the
//! guarantee rate, and the rebuilding of damaged houses to completion.
//!
//! The statistics' own consistency rules are checked here: the dead and missing are among the
//! affected, so are the relocated and those needing aid; failed crops (成灾) are among affected
//! crops (受灾) and lost crops (绝收) among failed ones; a damaged household has at least one room.

use crate::Invalid;
use crate::enterprise::text_enum;
use crate::error::{optional_text, required_text};
use crate::hazard::{parse_date, parse_yuan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One hectare in square metres: areas are kept in m² so that sums stay exact.
pub const HECTARE: i64 = 10_000;

/// The most any one count may be (a town's whole population is far below it).
const MAX_COUNT: i64 = 1_000_000;

/// Hectares as typed (up to four decimals, one square metre) to square metres.
pub fn parse_hectares(s: &str) -> Option<i64> {
    let h = s.trim().replace([',', '，'], "").parse::<f64>().ok()?;
    (h.is_finite() && (0.0..=10_000_000.0).contains(&h))
        .then(|| (h * HECTARE as f64).round() as i64)
}

/// A count as typed: blank is 0, otherwise a whole number from 0.
fn count(errs: &mut Invalid, field: &str, v: &str) -> i64 {
    match v.trim() {
        "" => 0,
        v => match v.parse::<i64>() {
            Ok(n) if (0..=MAX_COUNT).contains(&n) => n,
            _ => {
                errs.push(field, "number.range");
                0
            }
        },
    }
}

/// The statistics of one village for one disaster.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VillageStats {
    /// 受灾人口 (people).
    pub affected: i64,
    /// 因灾死亡人口.
    pub deaths: i64,
    /// 因灾失踪人口.
    pub missing: i64,
    /// 紧急转移安置人口.
    pub relocated: i64,
    /// 需紧急生活救助人口.
    pub urgent_aid: i64,
    /// 农作物受灾面积, m².
    pub crop_affected_m2: i64,
    /// 农作物成灾面积, m².
    pub crop_damaged_m2: i64,
    /// 农作物绝收面积, m².
    pub crop_lost_m2: i64,
    /// 倒塌房屋 (households, rooms).
    pub collapsed_households: i64,
    pub collapsed_rooms: i64,
    /// 严重损坏房屋.
    pub severe_households: i64,
    pub severe_rooms: i64,
    /// 一般损坏房屋.
    pub general_households: i64,
    pub general_rooms: i64,
    /// 直接经济损失, fen.
    pub direct_loss_fen: i64,
}

impl VillageStats {
    /// The sum over villages (the town's figures).
    pub fn total(all: impl IntoIterator<Item = VillageStats>) -> VillageStats {
        all.into_iter()
            .fold(VillageStats::default(), |a, s| VillageStats {
                affected: a.affected + s.affected,
                deaths: a.deaths + s.deaths,
                missing: a.missing + s.missing,
                relocated: a.relocated + s.relocated,
                urgent_aid: a.urgent_aid + s.urgent_aid,
                crop_affected_m2: a.crop_affected_m2 + s.crop_affected_m2,
                crop_damaged_m2: a.crop_damaged_m2 + s.crop_damaged_m2,
                crop_lost_m2: a.crop_lost_m2 + s.crop_lost_m2,
                collapsed_households: a.collapsed_households + s.collapsed_households,
                collapsed_rooms: a.collapsed_rooms + s.collapsed_rooms,
                severe_households: a.severe_households + s.severe_households,
                severe_rooms: a.severe_rooms + s.severe_rooms,
                general_households: a.general_households + s.general_households,
                general_rooms: a.general_rooms + s.general_rooms,
                direct_loss_fen: a.direct_loss_fen + s.direct_loss_fen,
            })
    }

    /// Where the ledgers do not bear the statistics out: each reported death and missing person
    /// needs a line in the casualty ledger, each collapsed or damaged household one in the
    /// house ledger (codes of the locale catalogue, for the page to show).
    pub fn ledger_gaps(&self, ledger: &LedgerCounts) -> Vec<&'static str> {
        let mut gaps = Vec::new();
        if ledger.dead != self.deaths {
            gaps.push("disaster.gap_dead");
        }
        if ledger.missing != self.missing {
            gaps.push("disaster.gap_missing");
        }
        let houses = self.collapsed_households + self.severe_households + self.general_households;
        if ledger.houses != houses {
            gaps.push("disaster.gap_houses");
        }
        gaps
    }
}

/// How many lines of each kind the ledgers of a village hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LedgerCounts {
    pub dead: i64,
    pub missing: i64,
    pub houses: i64,
}

/// A village's statistics as typed: counts, crop areas in hectares, the loss in yuan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StatsInput {
    pub region_id: String,
    pub affected: String,
    pub deaths: String,
    pub missing: String,
    pub relocated: String,
    pub urgent_aid: String,
    pub crop_affected_hectares: String,
    pub crop_damaged_hectares: String,
    pub crop_lost_hectares: String,
    pub collapsed_households: String,
    pub collapsed_rooms: String,
    pub severe_households: String,
    pub severe_rooms: String,
    pub general_households: String,
    pub general_rooms: String,
    pub direct_loss_yuan: String,
}

impl StatsInput {
    /// The village and its statistics, checked whole.
    pub fn validate(&self) -> Result<(i64, VillageStats), Invalid> {
        let mut errs = Invalid::default();
        let region_id = match self.region_id.trim().parse::<i64>() {
            Ok(id) if id > 0 => id,
            _ => {
                errs.push("region_id", "not_a_reference");
                0
            }
        };
        let mut area = |field: &str, v: &str| match v.trim() {
            "" => 0,
            v => parse_hectares(v).unwrap_or_else(|| {
                errs.push(field, "number.range");
                0
            }),
        };
        let crop_affected_m2 = area("crop_affected_hectares", &self.crop_affected_hectares);
        let crop_damaged_m2 = area("crop_damaged_hectares", &self.crop_damaged_hectares);
        let crop_lost_m2 = area("crop_lost_hectares", &self.crop_lost_hectares);
        let direct_loss_fen = match self.direct_loss_yuan.trim() {
            "" => 0,
            v => parse_yuan(v).unwrap_or_else(|| {
                errs.push("direct_loss_yuan", "money.form");
                0
            }),
        };
        let s = VillageStats {
            affected: count(&mut errs, "affected", &self.affected),
            deaths: count(&mut errs, "deaths", &self.deaths),
            missing: count(&mut errs, "missing", &self.missing),
            relocated: count(&mut errs, "relocated", &self.relocated),
            urgent_aid: count(&mut errs, "urgent_aid", &self.urgent_aid),
            crop_affected_m2,
            crop_damaged_m2,
            crop_lost_m2,
            collapsed_households: count(
                &mut errs,
                "collapsed_households",
                &self.collapsed_households,
            ),
            collapsed_rooms: count(&mut errs, "collapsed_rooms", &self.collapsed_rooms),
            severe_households: count(&mut errs, "severe_households", &self.severe_households),
            severe_rooms: count(&mut errs, "severe_rooms", &self.severe_rooms),
            general_households: count(&mut errs, "general_households", &self.general_households),
            general_rooms: count(&mut errs, "general_rooms", &self.general_rooms),
            direct_loss_fen,
        };
        if errs.is_empty() {
            s.check(&mut errs);
        }
        errs.into_result()?;
        Ok((region_id, s))
    }
}

impl VillageStats {
    /// The statistics system's consistency rules.
    fn check(&self, errs: &mut Invalid) {
        if self.deaths + self.missing > self.affected {
            errs.push("deaths", "disaster.more_than_affected");
        }
        if self.relocated > self.affected {
            errs.push("relocated", "disaster.more_than_affected");
        }
        if self.urgent_aid > self.affected {
            errs.push("urgent_aid", "disaster.more_than_affected");
        }
        if self.crop_damaged_m2 > self.crop_affected_m2 {
            errs.push("crop_damaged_hectares", "disaster.crop_order");
        }
        if self.crop_lost_m2 > self.crop_damaged_m2 {
            errs.push("crop_lost_hectares", "disaster.crop_order");
        }
        for (field, households, rooms) in [
            (
                "collapsed_rooms",
                self.collapsed_households,
                self.collapsed_rooms,
            ),
            ("severe_rooms", self.severe_households, self.severe_rooms),
            ("general_rooms", self.general_households, self.general_rooms),
        ] {
            if rooms < households || (rooms > 0 && households == 0) {
                errs.push(field, "disaster.rooms_households");
            }
        }
    }
}

text_enum!(
    /// A line of the casualty ledger: dead or missing.
    CasualtyStatus {
        Dead = "dead",
        Missing = "missing",
    }
);

text_enum!(
    /// How badly a house was damaged, as the statistics count it.
    Damage {
        /// 倒塌.
        Collapsed = "collapsed",
        /// 严重损坏.
        Severe = "severe",
        /// 一般损坏.
        General = "general",
    }
);

/// A line of the 因灾死亡失踪人口台账 as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CasualtyInput {
    pub region_id: String,
    pub full_name: String,
    pub status: String,
    pub gender: String,
    pub age: String,
    pub address: String,
    /// How it happened (遇难经过).
    pub circumstances: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Casualty {
    pub region_id: i64,
    pub name: String,
    pub status: CasualtyStatus,
    pub gender: Option<String>,
    pub age: Option<i64>,
    pub address: Option<String>,
    pub circumstances: Option<String>,
}

fn region_of(errs: &mut Invalid, v: &str) -> i64 {
    match v.trim().parse::<i64>() {
        Ok(id) if id > 0 => id,
        _ => {
            errs.push("region_id", "not_a_reference");
            0
        }
    }
}

impl CasualtyInput {
    pub fn validate(&self) -> Result<Casualty, Invalid> {
        let mut errs = Invalid::default();
        let region_id = region_of(&mut errs, &self.region_id);
        let name = required_text(&mut errs, "full_name", &self.full_name, 50);
        let status = CasualtyStatus::parse(self.status.trim());
        if status.is_none() {
            errs.push("status", "choice");
        }
        let gender = match self.gender.trim() {
            "" => None,
            g @ ("男" | "女") => Some(g.to_string()),
            _ => {
                errs.push("gender", "choice");
                None
            }
        };
        let age = match self.age.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(a) if (0..=130).contains(&a) => Some(a),
                _ => {
                    errs.push("age", "number.range");
                    None
                }
            },
        };
        let address = optional_text(&mut errs, "address", Some(&self.address), 200);
        let circumstances =
            optional_text(&mut errs, "circumstances", Some(&self.circumstances), 1000);
        errs.into_result()?;
        Ok(Casualty {
            region_id,
            name,
            status: status.unwrap_or(CasualtyStatus::Dead),
            gender,
            age,
            address,
            circumstances,
        })
    }
}

/// A line of the 因灾倒塌损坏住房户台账 as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HouseInput {
    pub region_id: String,
    /// 户主.
    pub head_name: String,
    pub address: String,
    pub damage: String,
    pub rooms: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct House {
    pub region_id: i64,
    pub head: String,
    pub address: Option<String>,
    pub damage: Damage,
    pub rooms: i64,
}

impl HouseInput {
    pub fn validate(&self) -> Result<House, Invalid> {
        let mut errs = Invalid::default();
        let region_id = region_of(&mut errs, &self.region_id);
        let head = required_text(&mut errs, "head_name", &self.head_name, 50);
        let address = optional_text(&mut errs, "address", Some(&self.address), 200);
        let damage = Damage::parse(self.damage.trim());
        if damage.is_none() {
            errs.push("damage", "choice");
        }
        let rooms = match self.rooms.trim().parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                errs.push("rooms", "number.range");
                0
            }
        };
        errs.into_result()?;
        Ok(House {
            region_id,
            head,
            address,
            damage: damage.unwrap_or(Damage::General),
            rooms,
        })
    }
}

text_enum!(
    /// Where the rebuilding (倒房重建) or repair (维修加固) of a damaged house stands; it only
    /// moves forward.
    Rebuild {
        Pending = "pending",
        Underway = "underway",
        Completed = "completed",
    }
);

impl Rebuild {
    fn rank(self) -> u8 {
        match self {
            Rebuild::Pending => 0,
            Rebuild::Underway => 1,
            Rebuild::Completed => 2,
        }
    }

    /// The step from `self` to `to` on `on`: forward only, and completion needs its date, not
    /// after `today`.
    pub fn advance(
        self,
        to: &str,
        on: &str,
        today: NaiveDate,
    ) -> Result<(Rebuild, Option<NaiveDate>), Invalid> {
        let Some(to) = Rebuild::parse(to.trim()) else {
            return Err(Invalid::one("rebuild", "choice"));
        };
        if to.rank() <= self.rank() {
            return Err(Invalid::one("rebuild", "disaster.rebuild_backwards"));
        }
        if to != Rebuild::Completed {
            return Ok((to, None));
        }
        match parse_date(on) {
            Some(d) if d <= today => Ok((to, Some(d))),
            Some(_) => Err(Invalid::one("completed_on", "date.future")),
            None => Err(Invalid::one("completed_on", "required")),
        }
    }
}

/// The 五有 of one affected household: food, clothing, clean water, safe temporary shelter and
/// medical care when ill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiveGuarantees {
    pub food: bool,
    pub clothing: bool,
    pub water: bool,
    pub shelter: bool,
    pub medical: bool,
}

impl FiveGuarantees {
    /// The five, in the order the plan names them, with their field names.
    pub fn items(&self) -> [(&'static str, bool); 5] {
        [
            ("food", self.food),
            ("clothing", self.clothing),
            ("water", self.water),
            ("safe_shelter", self.shelter),
            ("medical", self.medical),
        ]
    }

    /// All five are assured: the household counts as guaranteed.
    pub fn met(&self) -> bool {
        self.items().iter().all(|(_, b)| *b)
    }
}

/// The guarantee rate: households with all five assured over all affected households, in
/// per-mille rounded down (so that 100% is shown only when every household is assured).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GuaranteeRate {
    pub met: i64,
    pub households: i64,
}

impl GuaranteeRate {
    pub fn of<'a>(all: impl IntoIterator<Item = &'a FiveGuarantees>) -> GuaranteeRate {
        all.into_iter()
            .fold(GuaranteeRate::default(), |r, g| GuaranteeRate {
                met: r.met + i64::from(g.met()),
                households: r.households + 1,
            })
    }

    pub fn per_mille(&self) -> Option<i64> {
        (self.households > 0).then(|| self.met * 1000 / self.households)
    }

    /// The plan's target: every affected household assured (none affected meets it too).
    pub fn meets_target(&self) -> bool {
        self.met == self.households
    }

    /// As the pages write it: "98.5%", or "—" with no household.
    pub fn percent(&self) -> String {
        match self.per_mille() {
            Some(p) => format!("{}.{}%", p / 10, p % 10),
            None => "—".to_string(),
        }
    }
}

/// An affected household as typed, with its 五有 ticked ("on", "true" or "1").
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReliefInput {
    pub region_id: String,
    pub head_name: String,
    pub address: String,
    /// People in the household.
    pub members: String,
    pub food: String,
    pub clothing: String,
    pub water: String,
    pub safe_shelter: String,
    pub medical: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReliefHousehold {
    pub region_id: i64,
    pub head: String,
    pub address: Option<String>,
    pub people: i64,
    pub five: FiveGuarantees,
    pub note: Option<String>,
}

fn ticked(errs: &mut Invalid, field: &str, v: &str) -> bool {
    match v.trim() {
        "on" | "true" | "1" | "yes" => true,
        "" | "false" | "0" | "no" => false,
        _ => {
            errs.push(field, "choice");
            false
        }
    }
}

impl ReliefInput {
    pub fn validate(&self) -> Result<ReliefHousehold, Invalid> {
        let mut errs = Invalid::default();
        let region_id = region_of(&mut errs, &self.region_id);
        let head = required_text(&mut errs, "head_name", &self.head_name, 50);
        let address = optional_text(&mut errs, "address", Some(&self.address), 200);
        let people = match self.members.trim().parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                errs.push("members", "number.range");
                0
            }
        };
        let five = FiveGuarantees {
            food: ticked(&mut errs, "food", &self.food),
            clothing: ticked(&mut errs, "clothing", &self.clothing),
            water: ticked(&mut errs, "water", &self.water),
            shelter: ticked(&mut errs, "safe_shelter", &self.safe_shelter),
            medical: ticked(&mut errs, "medical", &self.medical),
        };
        let note = optional_text(&mut errs, "note", Some(&self.note), 500);
        errs.into_result()?;
        Ok(ReliefHousehold {
            region_id,
            head,
            address,
            people,
            five,
            note,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(pairs: &[(&str, &str)]) -> StatsInput {
        let mut v = serde_json::json!({"region_id": "7"});
        for (k, x) in pairs {
            v[*k] = serde_json::json!(x);
        }
        serde_json::from_value(v).unwrap()
    }

    fn fields(e: Invalid) -> Vec<(String, String)> {
        e.errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn statistics_are_checked_against_each_other() {
        let (id, s) = input(&[
            ("affected", "120"),
            ("deaths", "1"),
            ("missing", "1"),
            ("relocated", "120"),
            ("crop_affected_hectares", "12.5"),
            ("crop_damaged_hectares", "12.5"),
            ("crop_lost_hectares", "0.0001"),
            ("collapsed_households", "2"),
            ("collapsed_rooms", "5"),
            ("direct_loss_yuan", "1,200,000"),
        ])
        .validate()
        .unwrap();
        assert_eq!(id, 7);
        assert_eq!(s.crop_affected_m2, 125_000);
        assert_eq!(s.crop_lost_m2, 1);
        assert_eq!(s.direct_loss_fen, 120_000_000);

        // The dead and missing are among the affected: exactly as many is allowed, one more is not.
        assert!(
            input(&[("affected", "3"), ("deaths", "2"), ("missing", "1")])
                .validate()
                .is_ok()
        );
        let e = input(&[("affected", "3"), ("deaths", "3"), ("missing", "1")])
            .validate()
            .unwrap_err();
        assert_eq!(
            fields(e),
            [("deaths".into(), "disaster.more_than_affected".into())]
        );
        let e = input(&[
            ("affected", "10"),
            ("relocated", "11"),
            ("urgent_aid", "11"),
            ("crop_affected_hectares", "1"),
            ("crop_damaged_hectares", "2"),
            ("crop_lost_hectares", "3"),
            ("severe_households", "2"),
            ("severe_rooms", "1"),
            ("general_rooms", "4"),
        ])
        .validate()
        .unwrap_err();
        let got: Vec<String> = fields(e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            got,
            [
                "relocated",
                "urgent_aid",
                "crop_damaged_hectares",
                "crop_lost_hectares",
                "severe_rooms",
                "general_rooms"
            ]
        );
        // Negative and non-numbers name their field; the cross checks wait for clean numbers.
        let e = input(&[
            ("affected", "-1"),
            ("deaths", "x"),
            ("crop_lost_hectares", "-2"),
        ])
        .validate()
        .unwrap_err();
        let got: Vec<String> = fields(e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(got, ["crop_lost_hectares", "affected", "deaths"]);
        let e = input(&[]).validate();
        assert!(e.is_ok());
        let mut no_region = input(&[]);
        no_region.region_id = "0".into();
        assert_eq!(
            fields(no_region.validate().unwrap_err()),
            [("region_id".into(), "not_a_reference".into())]
        );
    }

    #[test]
    fn ledgers_must_bear_the_statistics_out() {
        let s = VillageStats {
            affected: 50,
            deaths: 1,
            missing: 2,
            collapsed_households: 1,
            collapsed_rooms: 3,
            general_households: 2,
            general_rooms: 2,
            ..VillageStats::default()
        };
        let full = LedgerCounts {
            dead: 1,
            missing: 2,
            houses: 3,
        };
        assert!(s.ledger_gaps(&full).is_empty());
        assert_eq!(
            s.ledger_gaps(&LedgerCounts {
                dead: 0,
                missing: 2,
                houses: 2
            }),
            ["disaster.gap_dead", "disaster.gap_houses"]
        );
        let t = VillageStats::total([s, s]);
        assert_eq!((t.deaths, t.general_rooms, t.affected), (2, 4, 100));
    }

    #[test]
    fn ledger_lines_name_the_field_at_fault() {
        let c = CasualtyInput {
            region_id: "3".into(),
            full_name: " 张三 ".into(),
            status: "missing".into(),
            gender: "男".into(),
            age: "67".into(),
            ..CasualtyInput::default()
        }
        .validate()
        .unwrap();
        assert_eq!(
            (c.name.as_str(), c.status, c.age),
            ("张三", CasualtyStatus::Missing, Some(67))
        );
        let e = CasualtyInput {
            region_id: "3".into(),
            status: "injured".into(),
            gender: "x".into(),
            age: "-1".into(),
            ..CasualtyInput::default()
        }
        .validate()
        .unwrap_err();
        let got: Vec<String> = fields(e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(got, ["full_name", "status", "gender", "age"]);
        let e = HouseInput {
            region_id: "3".into(),
            head_name: "李四".into(),
            damage: "flattened".into(),
            rooms: "0".into(),
            ..HouseInput::default()
        }
        .validate()
        .unwrap_err();
        let got: Vec<String> = fields(e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(got, ["damage", "rooms"]);
    }

    #[test]
    fn rebuilding_moves_forward_to_a_dated_completion() {
        let today = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let p = Rebuild::Pending;
        assert_eq!(
            p.advance("underway", "", today).unwrap(),
            (Rebuild::Underway, None)
        );
        assert_eq!(
            p.advance("completed", "2026-09-01", today).unwrap(),
            (Rebuild::Completed, Some(today))
        );
        let code = |r: Result<_, Invalid>| fields(r.unwrap_err())[0].clone();
        assert_eq!(
            code(Rebuild::Underway.advance("pending", "", today)),
            ("rebuild".into(), "disaster.rebuild_backwards".into())
        );
        assert_eq!(
            code(Rebuild::Completed.advance("completed", "2026-08-01", today)),
            ("rebuild".into(), "disaster.rebuild_backwards".into())
        );
        assert_eq!(
            code(p.advance("completed", "", today)),
            ("completed_on".into(), "required".into())
        );
        assert_eq!(
            code(p.advance("completed", "2026-09-02", today)),
            ("completed_on".into(), "date.future".into())
        );
        assert_eq!(
            code(p.advance("done", "", today)),
            ("rebuild".into(), "choice".into())
        );
    }

    #[test]
    fn the_guarantee_rate_is_full_only_when_every_household_has_all_five() {
        let all = FiveGuarantees {
            food: true,
            clothing: true,
            water: true,
            shelter: true,
            medical: true,
        };
        let no_water = FiveGuarantees {
            water: false,
            ..all
        };
        assert!(all.met() && !no_water.met());
        let r = GuaranteeRate::of(&[all, all, no_water]);
        assert_eq!((r.met, r.households, r.per_mille()), (2, 3, Some(666)));
        assert_eq!(r.percent(), "66.6%");
        assert!(!r.meets_target());
        // 999 of 1000 is not shown as 100%.
        let many: Vec<FiveGuarantees> = std::iter::repeat_n(all, 999)
            .chain(std::iter::once(no_water))
            .collect();
        assert_eq!(GuaranteeRate::of(&many).percent(), "99.9%");
        let full = GuaranteeRate::of(&[all]);
        assert_eq!(full.percent(), "100.0%");
        assert!(full.meets_target());
        assert_eq!(GuaranteeRate::default().percent(), "—");
        assert!(GuaranteeRate::default().meets_target());

        let h = ReliefInput {
            region_id: "2".into(),
            head_name: "王五".into(),
            members: "4".into(),
            food: "on".into(),
            water: "true".into(),
            ..ReliefInput::default()
        }
        .validate()
        .unwrap();
        assert!(h.five.food && h.five.water && !h.five.shelter);
        let e = ReliefInput {
            region_id: "2".into(),
            head_name: "".into(),
            members: "0".into(),
            food: "maybe".into(),
            ..ReliefInput::default()
        }
        .validate()
        .unwrap_err();
        let got: Vec<String> = fields(e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(got, ["head_name", "members", "food"]);
    }
}
