//! What follows an incident: the statistics per village, the ledger of the dead and missing, the
//! ledger of damaged houses with their rebuilding, the affected households' 五有, and the
//! investigation.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::{NaiveDate, Utc};
use safegrid_domain::disaster::{Casualty, FiveGuarantees, House, ReliefHousehold, VillageStats};
use safegrid_domain::investigation::{InvestigationKind, Step};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StatsRow {
    pub region_id: i64,
    pub region_name: String,
    pub affected: i64,
    pub deaths: i64,
    pub missing: i64,
    pub relocated: i64,
    pub urgent_aid: i64,
    pub crop_affected_m2: i64,
    pub crop_damaged_m2: i64,
    pub crop_lost_m2: i64,
    pub collapsed_households: i64,
    pub collapsed_rooms: i64,
    pub severe_households: i64,
    pub severe_rooms: i64,
    pub general_households: i64,
    pub general_rooms: i64,
    pub direct_loss_fen: i64,
}

impl StatsRow {
    pub fn stats(&self) -> VillageStats {
        VillageStats {
            affected: self.affected,
            deaths: self.deaths,
            missing: self.missing,
            relocated: self.relocated,
            urgent_aid: self.urgent_aid,
            crop_affected_m2: self.crop_affected_m2,
            crop_damaged_m2: self.crop_damaged_m2,
            crop_lost_m2: self.crop_lost_m2,
            collapsed_households: self.collapsed_households,
            collapsed_rooms: self.collapsed_rooms,
            severe_households: self.severe_households,
            severe_rooms: self.severe_rooms,
            general_households: self.general_households,
            general_rooms: self.general_rooms,
            direct_loss_fen: self.direct_loss_fen,
        }
    }
}

/// Sets a village's statistics for an incident (replacing what they were).
pub async fn set_stats(
    tx: &mut Tx,
    incident_id: i64,
    region_id: i64,
    region_path: &str,
    s: &VillageStats,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO disaster_stats (incident_id, region_id, region_path, affected, deaths, missing, relocated,
            urgent_aid, crop_affected_m2, crop_damaged_m2, crop_lost_m2, collapsed_households, collapsed_rooms,
            severe_households, severe_rooms, general_households, general_rooms, direct_loss_fen, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT (incident_id, region_id) DO UPDATE SET affected = excluded.affected, deaths = excluded.deaths,
            missing = excluded.missing, relocated = excluded.relocated, urgent_aid = excluded.urgent_aid,
            crop_affected_m2 = excluded.crop_affected_m2, crop_damaged_m2 = excluded.crop_damaged_m2,
            crop_lost_m2 = excluded.crop_lost_m2, collapsed_households = excluded.collapsed_households,
            collapsed_rooms = excluded.collapsed_rooms, severe_households = excluded.severe_households,
            severe_rooms = excluded.severe_rooms, general_households = excluded.general_households,
            general_rooms = excluded.general_rooms, direct_loss_fen = excluded.direct_loss_fen,
            updated_at = excluded.updated_at")
        .bind(incident_id).bind(region_id).bind(region_path.to_string()).bind(s.affected).bind(s.deaths)
        .bind(s.missing).bind(s.relocated).bind(s.urgent_aid).bind(s.crop_affected_m2).bind(s.crop_damaged_m2)
        .bind(s.crop_lost_m2).bind(s.collapsed_households).bind(s.collapsed_rooms).bind(s.severe_households)
        .bind(s.severe_rooms).bind(s.general_households).bind(s.general_rooms).bind(s.direct_loss_fen)
        .bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(())
}

/// An incident's statistics, village by village.
pub async fn stats(src: impl Into<Src<'_>>, incident_id: i64) -> Result<Vec<StatsRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, StatsRow>(
        "SELECT s.region_id, r.name AS region_name, s.affected, s.deaths, s.missing, s.relocated, s.urgent_aid,
            s.crop_affected_m2, s.crop_damaged_m2, s.crop_lost_m2, s.collapsed_households, s.collapsed_rooms,
            s.severe_households, s.severe_rooms, s.general_households, s.general_rooms, s.direct_loss_fen
         FROM disaster_stats s JOIN regions r ON r.id = s.region_id
         WHERE s.incident_id = $1 ORDER BY r.path")
        .bind(incident_id).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CasualtyRow {
    pub id: i64,
    pub region_id: i64,
    pub region_name: String,
    pub name: String,
    pub status: String,
    pub gender: Option<String>,
    pub age: Option<i64>,
    pub address: Option<String>,
    pub circumstances: Option<String>,
}

pub async fn add_casualty(tx: &mut Tx, incident_id: i64, c: &Casualty) -> Result<i64> {
    let x = c;
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO disaster_casualties (incident_id, region_id, name, status, gender, age, address, circumstances,
            created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
        .bind(incident_id).bind(x.region_id).bind(x.name.clone()).bind(x.status.as_str()).bind(x.gender.clone())
        .bind(x.age).bind(x.address.clone()).bind(x.circumstances.clone()).bind(Utc::now())
        .fetch_one(c).await?))
}

/// The ledger of the dead and missing, village by village.
pub async fn casualties(src: impl Into<Src<'_>>, incident_id: i64) -> Result<Vec<CasualtyRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, CasualtyRow>(
        "SELECT x.id, x.region_id, r.name AS region_name, x.name, x.status, x.gender, x.age, x.address,
            x.circumstances
         FROM disaster_casualties x JOIN regions r ON r.id = x.region_id
         WHERE x.incident_id = $1 ORDER BY r.path, x.id")
        .bind(incident_id).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HouseRow {
    pub id: i64,
    pub incident_id: i64,
    pub region_id: i64,
    pub region_name: String,
    pub head: String,
    pub address: Option<String>,
    pub damage: String,
    pub rooms: i64,
    pub rebuild: String,
    /// `2026-10-01`.
    pub completed_on: Option<String>,
}

const HOUSE: &str =
    "SELECT h.id, h.incident_id, h.region_id, r.name AS region_name, h.head, h.address,
    h.damage, h.rooms, h.rebuild, h.completed_on
    FROM disaster_houses h JOIN regions r ON r.id = h.region_id";

pub async fn add_house(tx: &mut Tx, incident_id: i64, h: &House) -> Result<i64> {
    let now = Utc::now();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO disaster_houses (incident_id, region_id, head, address, damage, rooms, rebuild, created_at,
            updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7) RETURNING id")
        .bind(incident_id).bind(h.region_id).bind(h.head.clone()).bind(h.address.clone())
        .bind(h.damage.as_str()).bind(h.rooms).bind(now)
        .fetch_one(c).await?))
}

/// The ledger of damaged houses, village by village.
pub async fn houses(src: impl Into<Src<'_>>, incident_id: i64) -> Result<Vec<HouseRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{HOUSE} WHERE h.incident_id = $1 ORDER BY r.path, h.id"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, HouseRow>(sql).bind(incident_id).fetch_all(c).await?),
    )
}

pub async fn house(src: impl Into<Src<'_>>, id: i64) -> Result<Option<HouseRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{HOUSE} WHERE h.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, HouseRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// Moves a house's rebuilding on, if it still stands where it was read (`from`).
pub async fn set_rebuild(
    tx: &mut Tx,
    id: i64,
    from: &str,
    to: &str,
    completed_on: Option<NaiveDate>,
) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE disaster_houses SET rebuild = $1, completed_on = $2, updated_at = $3 WHERE id = $4 AND rebuild = $5")
        .bind(to.to_string()).bind(completed_on.map(|d| d.to_string())).bind(Utc::now()).bind(id)
        .bind(from.to_string())
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}

/// The rebuilding of damaged houses inside a region, across incidents: (village, incident
/// title, house).
pub async fn houses_within(store: &Store, path: &str) -> Result<Vec<(String, HouseRow)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{HOUSE} JOIN incidents i ON i.id = h.incident_id
         WHERE i.region_path >= $1 AND i.region_path < $2 ORDER BY i.occurred_at DESC, r.path, h.id"
    ));
    let rows: Vec<HouseRow> = on_read!(store, c => sqlx::query_as::<_, HouseRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?);
    titled(store, path, rows, |h| h.incident_id).await
}

/// Each row with the title of its incident (the incidents inside `path`, read in one query).
async fn titled<T>(
    store: &Store,
    path: &str,
    rows: Vec<T>,
    incident_of: impl Fn(&T) -> i64,
) -> Result<Vec<(String, T)>> {
    let titles: Vec<(i64, String)> = on_read!(store, c => sqlx::query_as::<_, (i64, String)>(
        "SELECT id, title FROM incidents WHERE region_path >= $1 AND region_path < $2")
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?);
    Ok(rows
        .into_iter()
        .map(|r| {
            let id = incident_of(&r);
            let t = titles
                .iter()
                .find(|t| t.0 == id)
                .map(|t| t.1.clone())
                .unwrap_or_default();
            (t, r)
        })
        .collect())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReliefRow {
    pub id: i64,
    pub incident_id: i64,
    pub region_id: i64,
    pub region_name: String,
    pub head: String,
    pub address: Option<String>,
    pub people: i64,
    pub food: bool,
    pub clothing: bool,
    pub water: bool,
    pub shelter: bool,
    pub medical: bool,
    pub note: Option<String>,
}

impl ReliefRow {
    pub fn five(&self) -> FiveGuarantees {
        FiveGuarantees {
            food: self.food,
            clothing: self.clothing,
            water: self.water,
            shelter: self.shelter,
            medical: self.medical,
        }
    }
}

const RELIEF: &str =
    "SELECT h.id, h.incident_id, h.region_id, r.name AS region_name, h.head, h.address,
    h.people, h.food, h.clothing, h.water, h.shelter, h.medical, h.note
    FROM relief_households h JOIN regions r ON r.id = h.region_id";

/// Records an affected household, or its 五有 again when it is held already (one line per
/// household head in a village for an incident).
pub async fn set_relief(tx: &mut Tx, incident_id: i64, h: &ReliefHousehold) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO relief_households (incident_id, region_id, head, address, people, food, clothing, water,
            shelter, medical, note, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (incident_id, region_id, head) DO UPDATE SET address = excluded.address,
            people = excluded.people, food = excluded.food, clothing = excluded.clothing, water = excluded.water,
            shelter = excluded.shelter, medical = excluded.medical, note = excluded.note,
            updated_at = excluded.updated_at
         RETURNING id")
        .bind(incident_id).bind(h.region_id).bind(h.head.clone()).bind(h.address.clone()).bind(h.people)
        .bind(h.five.food).bind(h.five.clothing).bind(h.five.water).bind(h.five.shelter).bind(h.five.medical)
        .bind(h.note.clone()).bind(Utc::now())
        .fetch_one(c).await?))
}

pub async fn relief(src: impl Into<Src<'_>>, incident_id: i64) -> Result<Vec<ReliefRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{RELIEF} WHERE h.incident_id = $1 ORDER BY r.path, h.id"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, ReliefRow>(sql).bind(incident_id).fetch_all(c).await?),
    )
}

/// Every affected household of the incidents inside a region that happened in `[from, to)`.
pub async fn relief_within(
    store: &Store,
    path: &str,
    from: chrono::DateTime<Utc>,
    to: chrono::DateTime<Utc>,
) -> Result<Vec<ReliefRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{RELIEF} JOIN incidents i ON i.id = h.incident_id
         WHERE i.region_path >= $1 AND i.region_path < $2 AND i.occurred_at >= $3 AND i.occurred_at < $4
         ORDER BY r.path, h.id"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, ReliefRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).bind(from).bind(to).fetch_all(c).await?))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InvestigationRow {
    pub id: i64,
    pub incident_id: i64,
    pub kind: String,
    pub status: String,
    pub opened_on: String,
    pub extended_days: Option<i64>,
    pub extension_reason: Option<String>,
    pub reported_on: Option<String>,
    pub findings: Option<String>,
    pub regulator_findings: Option<String>,
    pub decided_on: Option<String>,
    pub accountability: Option<String>,
}

const INVESTIGATION: &str = "SELECT v.id, v.incident_id, v.kind, v.status, v.opened_on, v.extended_days,
    v.extension_reason, v.reported_on, v.findings, v.regulator_findings, v.decided_on, v.accountability
    FROM investigations v";

/// Opens the investigation of an incident unless it has one.
pub async fn open_investigation(
    tx: &mut Tx,
    incident_id: i64,
    kind: InvestigationKind,
    on: NaiveDate,
) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "INSERT INTO investigations (incident_id, kind, status, opened_on, updated_at)
         VALUES ($1, $2, 'open', $3, $4) ON CONFLICT (incident_id) DO NOTHING")
        .bind(incident_id).bind(kind.as_str()).bind(on.to_string()).bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}

pub async fn investigation(
    src: impl Into<Src<'_>>,
    incident_id: i64,
) -> Result<Option<InvestigationRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{INVESTIGATION} WHERE v.incident_id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, InvestigationRow>(sql)
        .bind(incident_id).fetch_optional(c).await?),
    )
}

/// The investigations of the incidents inside a region, with each incident's title.
pub async fn investigations_within(
    store: &Store,
    path: &str,
) -> Result<Vec<(String, InvestigationRow)>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{INVESTIGATION} JOIN incidents i ON i.id = v.incident_id
         WHERE i.region_path >= $1 AND i.region_path < $2 ORDER BY v.opened_on DESC, v.id DESC"
    ));
    let rows: Vec<InvestigationRow> = on_read!(store, c => sqlx::query_as::<_, InvestigationRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?);
    titled(store, path, rows, |v| v.incident_id).await
}

/// Applies a step to an investigation still in status `from`; false when it has moved on.
pub async fn apply_step(tx: &mut Tx, id: i64, from: &str, to: &str, step: &Step) -> Result<bool> {
    let now = Utc::now();
    let n = match step {
        Step::Extend { days, reason } => on_tx!(tx, c => sqlx::query(
            "UPDATE investigations SET extended_days = $1, extension_reason = $2, status = $3, updated_at = $4
             WHERE id = $5 AND status = $6 AND extended_days IS NULL")
            .bind(*days).bind(reason.clone()).bind(to.to_string()).bind(now).bind(id).bind(from.to_string())
            .execute(c).await?.rows_affected()),
        Step::Report {
            on,
            findings,
            regulator_findings,
        } => on_tx!(tx, c => sqlx::query(
            "UPDATE investigations SET reported_on = $1, findings = $2, regulator_findings = $3, status = $4,
                updated_at = $5 WHERE id = $6 AND status = $7")
            .bind(on.to_string()).bind(findings.clone()).bind(regulator_findings.clone()).bind(to.to_string())
            .bind(now).bind(id).bind(from.to_string())
            .execute(c).await?.rows_affected()),
        Step::Decide { on, accountability } => on_tx!(tx, c => sqlx::query(
            "UPDATE investigations SET decided_on = $1, accountability = $2, status = $3, updated_at = $4
             WHERE id = $5 AND status = $6")
            .bind(on.to_string()).bind(accountability.clone()).bind(to.to_string()).bind(now).bind(id)
            .bind(from.to_string())
            .execute(c).await?.rows_affected()),
    };
    Ok(n == 1)
}
