//! Rescue teams, their members, and the incidents they are sent to.

use crate::{Result, Src, Store, Tx, on_read, on_src, on_tx, path_upper};
use chrono::{DateTime, Utc};
use safegrid_domain::team::{MemberDraft, TeamDraft};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub region_id: i64,
    pub region_path: String,
    pub region_name: String,
    pub specialty: Option<String>,
    pub leader: String,
    pub leader_mobile: String,
    pub call_out: Option<String>,
    pub members: i64,
}

const TEAM: &str = "SELECT t.id, t.name, t.kind, t.region_id, t.region_path, r.name AS region_name, t.specialty,
    t.leader, t.leader_mobile, t.call_out, (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) AS members
    FROM teams t JOIN regions r ON r.id = t.region_id";

pub async fn insert_team(tx: &mut Tx, d: &TeamDraft, region_path: &str) -> Result<Option<i64>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO teams (name, kind, region_id, region_path, specialty, leader, leader_mobile, call_out, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (region_id, name) DO NOTHING RETURNING id")
        .bind(d.name.clone()).bind(d.kind.as_str()).bind(d.region_id).bind(region_path.to_string())
        .bind(d.specialty.clone()).bind(d.leader.clone()).bind(d.leader_mobile.clone()).bind(d.call_out.clone())
        .bind(Utc::now()).fetch_optional(c).await?))
}

pub async fn team(src: impl Into<Src<'_>>, id: i64) -> Result<Option<TeamRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{TEAM} WHERE t.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, TeamRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

pub async fn teams(store: &Store, path: &str) -> Result<Vec<TeamRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{TEAM} WHERE t.region_path >= $1 AND t.region_path < $2 ORDER BY t.region_path, t.kind, t.name"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, TeamRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

/// Adds a member; false when the team has one with that mobile number already.
pub async fn add_member(tx: &mut Tx, team_id: i64, d: &MemberDraft) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "INSERT INTO team_members (team_id, name, mobile, skills, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (team_id, mobile) DO NOTHING")
        .bind(team_id).bind(d.name.clone()).bind(d.mobile.clone()).bind(d.skills.clone()).bind(Utc::now())
        .execute(c).await?.rows_affected());
    Ok(n == 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MemberRow {
    pub team_id: i64,
    pub name: String,
    pub mobile: String,
    pub skills: Option<String>,
}

pub async fn members(store: &Store, path: &str) -> Result<Vec<MemberRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, MemberRow>(
        "SELECT m.team_id, m.name, m.mobile, m.skills FROM team_members m JOIN teams t ON t.id = m.team_id
         WHERE t.region_path >= $1 AND t.region_path < $2 ORDER BY m.team_id, m.id")
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

/// Sends a team to an incident; false when it was sent already.
pub async fn send(tx: &mut Tx, incident_id: i64, team_id: i64, by: Option<i64>) -> Result<bool> {
    let n = on_tx!(tx, c => sqlx::query(
        "INSERT INTO incident_teams (incident_id, team_id, sent_at, sent_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (incident_id, team_id) DO NOTHING")
        .bind(incident_id).bind(team_id).bind(Utc::now()).bind(by).execute(c).await?.rows_affected());
    Ok(n == 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SentRow {
    pub team_id: i64,
    pub name: String,
    pub leader: String,
    pub leader_mobile: String,
    pub members: i64,
    pub sent_at: DateTime<Utc>,
}

pub async fn sent_to(src: impl Into<Src<'_>>, incident_id: i64) -> Result<Vec<SentRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, SentRow>(
        "SELECT t.id AS team_id, t.name, t.leader, t.leader_mobile,
            (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) AS members, s.sent_at
         FROM incident_teams s JOIN teams t ON t.id = s.team_id WHERE s.incident_id = $1 ORDER BY s.sent_at")
        .bind(incident_id).fetch_all(c).await?))
}
