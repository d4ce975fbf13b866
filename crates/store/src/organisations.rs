//! Departments and the industries they supervise, liaison groups (一企一组) and committees.

use crate::{Result, Src, Store, StoreError, Tx, on_read, on_src, on_tx, path_upper};
use chrono::Utc;
use safegrid_domain::registry::{CommitteeDraft, DepartmentDraft, LiaisonGroupDraft};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DepartmentRow {
    pub id: i64,
    pub region_id: i64,
    pub region_path: String,
    pub name: String,
    pub duties: Option<String>,
    /// Comma-separated industry codes it supervises.
    pub industries: String,
}

/// Departments with their industries. The codes are gathered in Rust rather than with
/// `string_agg`/`group_concat`, which the two dialects spell differently.
async fn departments_where(
    src: Src<'_>,
    clause: &str,
    id: Option<i64>,
    path: Option<&str>,
) -> Result<Vec<DepartmentRow>> {
    #[derive(sqlx::FromRow)]
    struct Raw {
        id: i64,
        region_id: i64,
        region_path: String,
        name: String,
        duties: Option<String>,
        industry_code: Option<String>,
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT d.id, d.region_id, r.path AS region_path, d.name, d.duties, di.industry_code
         FROM departments d JOIN regions r ON r.id = d.region_id
         LEFT JOIN department_industries di ON di.department_id = d.id
         WHERE {clause} ORDER BY d.name, d.id, di.industry_code"
    ));
    let raws: Vec<Raw> = on_src!(src, c => {
        let q = sqlx::query_as::<_, Raw>(sql);
        let q = match (id, path) {
            (Some(id), _) => q.bind(id),
            (None, Some(p)) => q.bind(p.to_string()).bind(path_upper(p)),
            (None, None) => q,
        };
        q.fetch_all(c).await?
    });
    let mut out: Vec<DepartmentRow> = Vec::new();
    for r in raws {
        match out.last_mut() {
            Some(last) if last.id == r.id => {
                if let Some(code) = r.industry_code {
                    last.industries.push(',');
                    last.industries.push_str(&code);
                }
            }
            _ => out.push(DepartmentRow {
                id: r.id,
                region_id: r.region_id,
                region_path: r.region_path,
                name: r.name,
                duties: r.duties,
                industries: r.industry_code.unwrap_or_default(),
            }),
        }
    }
    Ok(out)
}

pub async fn departments_within(store: &Store, path: &str) -> Result<Vec<DepartmentRow>> {
    departments_where(
        Src::Store(store),
        "r.path >= $1 AND r.path < $2",
        None,
        Some(path),
    )
    .await
}

pub async fn department(src: impl Into<Src<'_>>, id: i64) -> Result<Option<DepartmentRow>> {
    Ok(departments_where(src.into(), "d.id = $1", Some(id), None)
        .await?
        .pop())
}

async fn write_industries(tx: &mut Tx, id: i64, industries: &[String]) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM department_industries WHERE department_id = $1").bind(id).execute(c).await?.rows_affected());
    for code in industries {
        on_tx!(tx, c => sqlx::query("INSERT INTO department_industries (department_id, industry_code) VALUES ($1, $2)")
            .bind(id).bind(code.clone()).execute(c).await?.rows_affected());
    }
    Ok(())
}

pub async fn insert_department(tx: &mut Tx, d: &DepartmentDraft) -> Result<i64> {
    let now = Utc::now();
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO departments (region_id, name, duties, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id")
        .bind(d.region_id).bind(d.name.clone()).bind(d.duties.clone()).bind(now).fetch_one(c).await?);
    write_industries(tx, id, &d.industries).await?;
    Ok(id)
}

pub async fn update_department(tx: &mut Tx, id: i64, d: &DepartmentDraft) -> Result<()> {
    let r = on_tx!(tx, c => sqlx::query("UPDATE departments SET region_id = $1, name = $2, duties = $3, updated_at = $4 WHERE id = $5")
        .bind(d.region_id).bind(d.name.clone()).bind(d.duties.clone()).bind(Utc::now()).bind(id).execute(c).await?.rows_affected());
    if r == 0 {
        return Err(StoreError::NotFound);
    }
    write_industries(tx, id, &d.industries).await
}

/// Deletes a department that supervises nothing (the service checks) and has no user accounts.
pub async fn delete_department(tx: &mut Tx, id: i64) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM department_industries WHERE department_id = $1").bind(id).execute(c).await?.rows_affected());
    let r = on_tx!(tx, c => sqlx::query("DELETE FROM departments WHERE id = $1").bind(id).execute(c).await?.rows_affected());
    if r == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LiaisonGroupRow {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub region_path: String,
    pub leader_id: i64,
    pub leader_name: String,
    pub leader_mobile: String,
    /// Members other than the leader, as "name mobile" joined by "; ".
    pub members: String,
}

async fn groups_where(
    src: Src<'_>,
    clause: &str,
    bind_id: Option<i64>,
    path: Option<&str>,
) -> Result<Vec<LiaisonGroupRow>> {
    #[derive(sqlx::FromRow)]
    struct Raw {
        id: i64,
        enterprise_id: i64,
        enterprise_name: String,
        region_path: String,
        leader_id: i64,
        leader_name: String,
        leader_mobile: String,
        member: Option<String>,
        member_mobile: Option<String>,
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT g.id, g.enterprise_id, e.name AS enterprise_name, r.path AS region_path, g.leader_id,
                l.name AS leader_name, l.mobile AS leader_mobile, m.name AS member, m.mobile AS member_mobile
         FROM liaison_groups g JOIN enterprises e ON e.id = g.enterprise_id JOIN regions r ON r.id = e.region_id
         JOIN people l ON l.id = g.leader_id
         LEFT JOIN liaison_members lm ON lm.group_id = g.id LEFT JOIN people m ON m.id = lm.person_id
         WHERE {clause} ORDER BY g.id, m.id"
    ));
    let raws: Vec<Raw> = on_src!(src, c => {
        let q = sqlx::query_as::<_, Raw>(sql);
        let q = match (bind_id, path) {
            (Some(id), _) => q.bind(id),
            (None, Some(p)) => q.bind(p.to_string()).bind(path_upper(p)),
            (None, None) => q,
        };
        q.fetch_all(c).await?
    });
    let mut out: Vec<LiaisonGroupRow> = Vec::new();
    for r in raws {
        let member = r
            .member
            .map(|m| format!("{m} {}", r.member_mobile.unwrap_or_default()));
        match out.last_mut() {
            Some(last) if last.id == r.id => {
                if let Some(m) = member {
                    last.members.push_str("; ");
                    last.members.push_str(&m);
                }
            }
            _ => out.push(LiaisonGroupRow {
                id: r.id,
                enterprise_id: r.enterprise_id,
                enterprise_name: r.enterprise_name,
                region_path: r.region_path,
                leader_id: r.leader_id,
                leader_name: r.leader_name,
                leader_mobile: r.leader_mobile,
                members: member.unwrap_or_default(),
            }),
        }
    }
    Ok(out)
}

pub async fn liaison_groups_within(store: &Store, path: &str) -> Result<Vec<LiaisonGroupRow>> {
    groups_where(
        Src::Store(store),
        "r.path >= $1 AND r.path < $2",
        None,
        Some(path),
    )
    .await
}

pub async fn liaison_group_of(
    src: impl Into<Src<'_>>,
    enterprise_id: i64,
) -> Result<Option<LiaisonGroupRow>> {
    Ok(groups_where(
        src.into(),
        "g.enterprise_id = $1",
        Some(enterprise_id),
        None,
    )
    .await?
    .pop())
}

/// Creates or replaces the liaison group of an enterprise; returns the group id.
pub async fn put_liaison_group(tx: &mut Tx, d: &LiaisonGroupDraft) -> Result<i64> {
    let now = Utc::now();
    let existing: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM liaison_groups WHERE enterprise_id = $1")
        .bind(d.enterprise_id).fetch_optional(c).await?);
    let id = match existing {
        Some(id) => {
            on_tx!(tx, c => sqlx::query("UPDATE liaison_groups SET leader_id = $1, updated_at = $2 WHERE id = $3")
                .bind(d.leader_id).bind(now).bind(id).execute(c).await?.rows_affected());
            on_tx!(tx, c => sqlx::query("DELETE FROM liaison_members WHERE group_id = $1").bind(id).execute(c).await?.rows_affected());
            id
        }
        None => on_tx!(tx, c => sqlx::query_scalar(
            "INSERT INTO liaison_groups (enterprise_id, leader_id, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id")
            .bind(d.enterprise_id).bind(d.leader_id).bind(now).fetch_one(c).await?),
    };
    for m in &d.member_ids {
        on_tx!(tx, c => sqlx::query("INSERT INTO liaison_members (group_id, person_id) VALUES ($1, $2)")
            .bind(id).bind(*m).execute(c).await?.rows_affected());
    }
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CommitteeRow {
    pub id: i64,
    pub kind: String,
    pub region_id: i64,
    pub region_path: String,
    pub name: String,
    pub director_id: i64,
    pub director_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CommitteeOfficeRow {
    pub id: i64,
    pub committee_id: i64,
    pub kind: String,
    pub name: String,
    pub head_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CommitteeMemberRow {
    pub committee_id: i64,
    pub person_id: i64,
    pub name: String,
    pub position: String,
}

pub async fn insert_committee(tx: &mut Tx, d: &CommitteeDraft) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO committees (kind, region_id, name, director_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(d.kind.as_str()).bind(d.region_id).bind(d.name.clone()).bind(d.director_id).bind(Utc::now())
        .fetch_one(c).await?))
}

pub async fn insert_committee_office(
    tx: &mut Tx,
    committee_id: i64,
    kind: &str,
    name: &str,
    head_id: i64,
) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO committee_offices (committee_id, kind, name, head_id) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(committee_id).bind(kind.to_string()).bind(name.to_string()).bind(head_id).fetch_one(c).await?))
}

pub async fn put_committee_member(
    tx: &mut Tx,
    committee_id: i64,
    person_id: i64,
    position: &str,
) -> Result<()> {
    on_tx!(tx, c => sqlx::query("DELETE FROM committee_members WHERE committee_id = $1 AND person_id = $2")
        .bind(committee_id).bind(person_id).execute(c).await?.rows_affected());
    on_tx!(tx, c => sqlx::query("INSERT INTO committee_members (committee_id, person_id, position) VALUES ($1, $2, $3)")
        .bind(committee_id).bind(person_id).bind(position.to_string()).execute(c).await?.rows_affected());
    Ok(())
}

pub async fn committee(src: impl Into<Src<'_>>, id: i64) -> Result<Option<CommitteeRow>> {
    Ok(on_src!(src.into(), c => sqlx::query_as::<_, CommitteeRow>(
        "SELECT cm.id, cm.kind, cm.region_id, r.path AS region_path, cm.name, cm.director_id, p.name AS director_name
         FROM committees cm JOIN regions r ON r.id = cm.region_id JOIN people p ON p.id = cm.director_id WHERE cm.id = $1")
        .bind(id).fetch_optional(c).await?))
}

/// Committees inside `path` with their offices and members.
pub async fn committees_within(
    store: &Store,
    path: &str,
) -> Result<(
    Vec<CommitteeRow>,
    Vec<CommitteeOfficeRow>,
    Vec<CommitteeMemberRow>,
)> {
    let (p, up) = (path.to_string(), path_upper(path));
    Ok(on_read!(store, c => {
        let committees = sqlx::query_as::<_, CommitteeRow>(
            "SELECT cm.id, cm.kind, cm.region_id, r.path AS region_path, cm.name, cm.director_id, p.name AS director_name
             FROM committees cm JOIN regions r ON r.id = cm.region_id JOIN people p ON p.id = cm.director_id
             WHERE r.path >= $1 AND r.path < $2 ORDER BY cm.kind, cm.id")
            .bind(p.clone()).bind(up.clone()).fetch_all(c).await?;
        let offices = sqlx::query_as::<_, CommitteeOfficeRow>(
            "SELECT o.id, o.committee_id, o.kind, o.name, p.name AS head_name
             FROM committee_offices o JOIN committees cm ON cm.id = o.committee_id JOIN regions r ON r.id = cm.region_id
             JOIN people p ON p.id = o.head_id WHERE r.path >= $1 AND r.path < $2 ORDER BY o.id")
            .bind(p.clone()).bind(up.clone()).fetch_all(c).await?;
        let members = sqlx::query_as::<_, CommitteeMemberRow>(
            "SELECT m.committee_id, m.person_id, p.name, m.position
             FROM committee_members m JOIN committees cm ON cm.id = m.committee_id JOIN regions r ON r.id = cm.region_id
             JOIN people p ON p.id = m.person_id WHERE r.path >= $1 AND r.path < $2 ORDER BY m.committee_id, p.id")
            .bind(p).bind(up).fetch_all(c).await?;
        (committees, offices, members)
    }))
}
