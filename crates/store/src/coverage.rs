//! The coverage report's queries: who answers for what, and where nobody does.

use crate::{Result, Store, on_read, path_upper};
use serde::Serialize;

/// An enterprise named by a coverage gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct GapEnterprise {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub region_name: String,
    pub industry_code: String,
    pub safety_director: Option<String>,
    pub chief_engineer: Option<String>,
}

/// A village or community named by a coverage gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct GapRegion {
    pub id: i64,
    pub name: String,
    pub path: String,
}

/// A duty at a monitored object that nobody holds (a hazard site without its resident
/// geologist, a reservoir without its patroller).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct GapDuty {
    pub object_id: i64,
    pub name: String,
    pub kind: String,
    pub region_name: String,
    pub role: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Enterprises without a liaison group (一企一组).
    pub without_liaison_group: Vec<GapEnterprise>,
    /// Enterprises whose industry no department of an enclosing region supervises.
    pub without_supervisor: Vec<GapEnterprise>,
    /// High-risk enterprises missing a chief engineer or a safety director.
    pub high_risk_without_officers: Vec<GapEnterprise>,
    /// High-risk enterprises with no post, or a post whose 两单两卡 are incomplete.
    pub high_risk_without_cards: Vec<GapEnterprise>,
    /// Villages and communities without a grid member.
    pub villages_without_grid_member: Vec<GapRegion>,
    /// Monitored objects missing a required duty.
    pub objects_missing_duties: Vec<GapDuty>,
}

const GAP_SELECT: &str = "SELECT e.id, e.name, e.uscc, CASE WHEN r.level = 'group' THEN pr.name || ' ' || r.name ELSE r.name END AS region_name, e.industry_code, e.safety_director,
    e.chief_engineer FROM enterprises e JOIN regions r ON r.id = e.region_id LEFT JOIN regions pr ON pr.id = r.parent_id
    WHERE e.region_path >= $1 AND e.region_path < $2";

/// The report for the region at `path`. `duties` lists the (object kind, role) pairs that must
/// each have a person (the domain's rule, passed in).
pub async fn report(store: &Store, path: &str, duties: &[(&str, &str)]) -> Result<Coverage> {
    let (p, up) = (path.to_string(), path_upper(path));
    let pairs: Vec<String> = duties
        .iter()
        .map(|(k, r)| format!("('{}', '{}')", k.replace('\'', ""), r.replace('\'', "")))
        .collect();
    let q5 = sqlx::AssertSqlSafe(format!(
        "WITH k(kind, role) AS (VALUES {})
         SELECT o.id AS object_id, o.name, o.kind, r.name AS region_name, k.role FROM monitored_objects o
         JOIN k ON k.kind = o.kind JOIN regions r ON r.id = o.region_id
         WHERE o.region_path >= $1 AND o.region_path < $2
           AND NOT EXISTS (SELECT 1 FROM object_duties d WHERE d.object_id = o.id AND d.role = k.role)
         ORDER BY o.region_path, o.name, k.role",
        if pairs.is_empty() { "('', '')".to_string() } else { pairs.join(", ") }
    ));
    let q1 = sqlx::AssertSqlSafe(format!(
        "{GAP_SELECT} AND NOT EXISTS (SELECT 1 FROM liaison_groups g WHERE g.enterprise_id = e.id) ORDER BY e.id"
    ));
    // A department supervises an enterprise when one of its codes is a prefix of the enterprise's
    // industry code and the department's region encloses the enterprise's region.
    let q2 = sqlx::AssertSqlSafe(format!(
        "{GAP_SELECT} AND NOT EXISTS (SELECT 1 FROM department_industries di JOIN departments d ON d.id = di.department_id
            JOIN regions dr ON dr.id = d.region_id
            WHERE substr(e.industry_code, 1, length(di.industry_code)) = di.industry_code
              AND substr(e.region_path, 1, length(dr.path)) = dr.path) ORDER BY e.industry_code, e.id"
    ));
    let q3 = sqlx::AssertSqlSafe(format!(
        "{GAP_SELECT} AND e.high_risk = TRUE AND (e.chief_engineer IS NULL OR e.safety_director IS NULL) ORDER BY e.id"
    ));
    let q4 = sqlx::AssertSqlSafe(format!(
        "{GAP_SELECT} AND e.high_risk = TRUE AND (NOT EXISTS (SELECT 1 FROM posts p WHERE p.enterprise_id = e.id)
            OR EXISTS (SELECT 1 FROM posts p WHERE p.enterprise_id = e.id AND p.complete = FALSE)) ORDER BY e.id"
    ));
    Ok(on_read!(store, c => {
        let without_liaison_group = sqlx::query_as::<_, GapEnterprise>(q1).bind(p.clone()).bind(up.clone()).fetch_all(c).await?;
        let without_supervisor = sqlx::query_as::<_, GapEnterprise>(q2).bind(p.clone()).bind(up.clone()).fetch_all(c).await?;
        let high_risk_without_officers = sqlx::query_as::<_, GapEnterprise>(q3).bind(p.clone()).bind(up.clone()).fetch_all(c).await?;
        let high_risk_without_cards = sqlx::query_as::<_, GapEnterprise>(q4).bind(p.clone()).bind(up.clone()).fetch_all(c).await?;
        let villages_without_grid_member = sqlx::query_as::<_, GapRegion>(
            "SELECT v.id, v.name, v.path FROM regions v WHERE v.level = 'village' AND v.path >= $1 AND v.path < $2
             AND NOT EXISTS (SELECT 1 FROM people pe JOIN regions pr ON pr.id = pe.region_id
                 WHERE (',' || pe.roles || ',') LIKE '%,grid_member,%' AND substr(pr.path, 1, length(v.path)) = v.path)
             ORDER BY v.path")
            .bind(p.clone()).bind(up.clone()).fetch_all(c).await?;
        let objects_missing_duties = sqlx::query_as::<_, GapDuty>(q5).bind(p).bind(up).fetch_all(c).await?;
        Coverage { without_liaison_group, without_supervisor, high_risk_without_officers, high_risk_without_cards, villages_without_grid_member, objects_missing_duties }
    }))
}
