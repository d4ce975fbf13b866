//! Enterprises.

use crate::{
    Filter, Page, Param, Result, Src, Store, StoreError, Tx, bind_params, on_read, on_src, on_tx,
    path_upper,
};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Scope;
use safegrid_domain::enterprise::EnterpriseDraft;
use serde::Serialize;

/// An enterprise with the name and path of its region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EnterpriseRow {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub industry_code: String,
    pub scale: String,
    pub high_risk: bool,
    pub address: Option<String>,
    pub legal_representative: String,
    pub legal_representative_mobile: Option<String>,
    pub actual_controller: Option<String>,
    pub safety_director: Option<String>,
    pub safety_director_mobile: Option<String>,
    pub chief_engineer: Option<String>,
    pub standard_grade: String,
    pub fringe_treatment: String,
    pub employees: i64,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "SELECT e.id, e.uscc, e.name, e.region_id, CASE WHEN r.level = 'group' THEN pr.name || ' ' || r.name ELSE r.name END AS region_name, e.region_path,
    e.industry_code, e.scale, e.high_risk, e.address, e.legal_representative, e.legal_representative_mobile,
    e.actual_controller, e.safety_director, e.safety_director_mobile, e.chief_engineer, e.standard_grade,
    e.fringe_treatment, e.employees, e.updated_at";
const FROM: &str =
    "JOIN regions r ON r.id = e.region_id LEFT JOIN regions pr ON pr.id = r.parent_id";

/// What an enterprise list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    pub scope: Scope,
    /// A region inside the scope (a village), already checked to be inside it.
    pub region_path: Option<String>,
    /// An industry code; matches it and every code under it.
    pub industry: Option<String>,
    pub high_risk: Option<bool>,
    /// Part of the name or the USCC.
    pub q: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

fn where_of(f: &EnterpriseFilter) -> Filter {
    let mut w = Filter::default();
    let path = f.region_path.as_deref().unwrap_or(&f.scope.region_path);
    if path != "/" {
        w.push2(
            "e.region_path >= ? AND e.region_path < ?",
            Param::Text(path.into()),
            Param::Text(path_upper(path)),
        );
    }
    if let Some(id) = f.scope.enterprise_id {
        w.push("e.id = ?", Param::Int(id));
    }
    if let Some(ind) = f.industry.as_deref().filter(|s| !s.is_empty()) {
        w.push2(
            "e.industry_code >= ? AND e.industry_code < ?",
            Param::Text(ind.into()),
            Param::Text(format!("{ind}~")),
        );
    }
    if let Some(h) = f.high_risk {
        w.push("e.high_risk = ?", Param::Bool(h));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        w.push2(
            "(e.name LIKE ? ESCAPE '\\' OR e.uscc LIKE ? ESCAPE '\\')",
            Param::Text(like.clone()),
            Param::Text(like),
        );
    }
    w
}

/// One page of enterprises, newest first, with the count of all that match.
///
/// On SQLite the page is read by walking the table backwards in id order (`NOT INDEXED`) and
/// stopping after the page: without statistics SQLite would otherwise pick a filter's index and
/// sort every match, which at 100 000 enterprises costs a hundred milliseconds. Counts use the
/// covering indexes, except a text search, which reads the table straight through.
pub async fn list(store: &Store, f: &EnterpriseFilter) -> Result<Page<EnterpriseRow>> {
    let w = where_of(f);
    let per_page = f.per_page.clamp(1, 500);
    let page = f.page.max(1);
    let n = w.next();
    let sqlite = matches!(store.backend, crate::Backend::Sqlite { .. });
    let scan = if sqlite { " NOT INDEXED" } else { "" };
    let count_scan = if sqlite && f.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
        " NOT INDEXED"
    } else {
        ""
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "{COLUMNS} FROM enterprises e{scan} {FROM}{} ORDER BY e.id DESC LIMIT ${n} OFFSET ${}",
        w.where_sql(),
        n + 1
    ));
    let count_sql = sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM enterprises e{count_scan}{}",
        w.where_sql()
    ));
    // The page and the count run side by side on two connections of the read pool.
    let (rows, total) = on_read!(store, c => {
        let rows = bind_params!(sqlx::query_as::<_, EnterpriseRow>(sql), &w.params)
            .bind(per_page).bind((page - 1) * per_page).fetch_all(c);
        let total = bind_params!(sqlx::query_scalar::<_, i64>(count_sql), &w.params).fetch_one(c);
        tokio::try_join!(rows, total)?
    });
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<EnterpriseRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{COLUMNS} FROM enterprises e {FROM} WHERE e.id = $1"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, EnterpriseRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

pub async fn by_uscc(src: impl Into<Src<'_>>, uscc: &str) -> Result<Option<EnterpriseRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{COLUMNS} FROM enterprises e {FROM} WHERE e.uscc = $1"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, EnterpriseRow>(sql).bind(uscc.to_string()).fetch_optional(c).await?),
    )
}

macro_rules! bind_draft {
    ($q:expr, $d:expr) => {
        $q.bind($d.uscc.to_string())
            .bind($d.name.clone())
            .bind($d.region_id)
            .bind($d.industry_code.clone())
            .bind($d.scale.as_str())
            .bind($d.high_risk)
            .bind($d.address.clone())
            .bind($d.legal_representative.clone())
            .bind(
                $d.legal_representative_mobile
                    .as_ref()
                    .map(|m| m.to_string()),
            )
            .bind($d.actual_controller.clone())
            .bind($d.safety_director.clone())
            .bind($d.safety_director_mobile.as_ref().map(|m| m.to_string()))
            .bind($d.chief_engineer.clone())
            .bind($d.standard_grade.as_str())
            .bind($d.fringe_treatment.as_str())
            .bind($d.employees)
            .bind(Utc::now())
    };
}

pub async fn insert(tx: &mut Tx, d: &EnterpriseDraft) -> Result<i64> {
    Ok(on_tx!(tx, c => bind_draft!(sqlx::query_scalar(
        "INSERT INTO enterprises (uscc, name, region_id, region_path, industry_code, scale, high_risk, address,
            legal_representative, legal_representative_mobile, actual_controller, safety_director,
            safety_director_mobile, chief_engineer, standard_grade, fringe_treatment, employees, created_at, updated_at)
         VALUES ($1, $2, $3, (SELECT path FROM regions WHERE id = $3), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                 $15, $16, $17, $17) RETURNING id"), d)
        .fetch_one(c).await?))
}

pub async fn update(tx: &mut Tx, id: i64, d: &EnterpriseDraft) -> Result<()> {
    let before: Option<(i64, String)> = on_tx!(tx, c => sqlx::query_as("SELECT region_id, industry_code FROM enterprises WHERE id = $1")
        .bind(id).fetch_optional(c).await?);
    let r = on_tx!(tx, c => bind_draft!(sqlx::query(
        "UPDATE enterprises SET uscc = $1, name = $2, region_id = $3, region_path = (SELECT path FROM regions WHERE id = $3),
            industry_code = $4, scale = $5, high_risk = $6,
            address = $7, legal_representative = $8, legal_representative_mobile = $9, actual_controller = $10,
            safety_director = $11, safety_director_mobile = $12, chief_engineer = $13, standard_grade = $14,
            fringe_treatment = $15, employees = $16, updated_at = $17 WHERE id = $18"), d)
        .bind(id).execute(c).await?.rows_affected());
    if r == 0 {
        return Err(StoreError::NotFound);
    }
    // What belongs to the enterprise moves with it (and is counted under its new industry).
    if before
        .as_ref()
        .is_some_and(|(r, i)| *r == d.region_id && *i == d.industry_code)
    {
        return Ok(());
    }
    on_tx!(tx, c => sqlx::query("UPDATE hazards SET region_id = $1 WHERE enterprise_id = $2")
        .bind(d.region_id).bind(id).execute(c).await?.rows_affected());
    crate::hazards::relocate(tx, "h.enterprise_id = $1", &[Param::Int(id)]).await?;
    on_tx!(tx, c => sqlx::query(
        "UPDATE inspections SET region_path = (SELECT path FROM regions WHERE id = $1) WHERE enterprise_id = $2")
        .bind(d.region_id).bind(id).execute(c).await?.rows_affected());
    on_tx!(tx, c => sqlx::query(
        "UPDATE risk_points SET region_id = $1, region_path = (SELECT path FROM regions WHERE id = $1) WHERE enterprise_id = $2")
        .bind(d.region_id).bind(id).execute(c).await?.rows_affected());
    Ok(())
}

/// All enterprises inside a path, for export (ordered by id).
pub async fn all_within(store: &Store, scope: &Scope) -> Result<Vec<EnterpriseRow>> {
    let f = EnterpriseFilter {
        scope: scope.clone(),
        ..Default::default()
    };
    let w = where_of(&f);
    let sql = sqlx::AssertSqlSafe(format!(
        "{COLUMNS} FROM enterprises e {FROM}{} ORDER BY e.id",
        w.where_sql()
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, EnterpriseRow>(sql), &w.params).fetch_all(c).await?),
    )
}

/// How many enterprises each region inside `path` holds directly.
pub async fn count_by_region(store: &Store, path: &str) -> Result<Vec<(i64, i64)>> {
    Ok(on_read!(store, c => sqlx::query_as(
        "SELECT e.region_id, COUNT(*) FROM enterprises e WHERE e.region_path >= $1 AND e.region_path < $2 GROUP BY e.region_id")
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}
