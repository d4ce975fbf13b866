//! People with their roles, and key units.

use crate::{
    Filter, Page, Param, Result, Src, Store, StoreError, Tx, bind_params, on_read, on_src, on_tx,
    path_upper,
};
use chrono::Utc;
use safegrid_domain::registry::{KeyUnitDraft, PersonDraft};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub mobile: String,
    pub email: Option<String>,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    /// Comma-separated role codes, sorted: few per person, filtered with `LIKE '%,code,%'`.
    pub roles: String,
}

const SELECT: &str =
    "SELECT p.id, p.name, p.mobile, p.email, p.region_id, CASE WHEN r.level = 'group' THEN pr.name || ' ' || r.name ELSE r.name END AS region_name, r.path AS region_path,
    p.organisation, p.title, p.roles FROM people p JOIN regions r ON r.id = p.region_id
    LEFT JOIN regions pr ON pr.id = r.parent_id";

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    pub region_path: String,
    pub role: Option<String>,
    pub q: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

fn person_where(f: &PersonFilter) -> Filter {
    let mut w = Filter::default();
    if f.region_path != "/" {
        w.push2(
            "r.path >= ? AND r.path < ?",
            Param::Text(f.region_path.clone()),
            Param::Text(path_upper(&f.region_path)),
        );
    }
    if let Some(role) = f.role.as_deref().filter(|s| !s.is_empty()) {
        w.push(
            "(',' || p.roles || ',') LIKE ?",
            Param::Text(format!("%,{role},%")),
        );
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        w.push2(
            "(p.name LIKE ? ESCAPE '\\' OR p.mobile LIKE ? ESCAPE '\\')",
            Param::Text(like.clone()),
            Param::Text(like),
        );
    }
    w
}

pub async fn list(store: &Store, f: &PersonFilter) -> Result<Page<PersonRow>> {
    let w = person_where(f);
    let per_page = f.per_page.clamp(1, 500);
    let page = f.page.max(1);
    let n = w.next();
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT}{} ORDER BY p.id LIMIT ${n} OFFSET ${}",
        w.where_sql(),
        n + 1
    ));
    let count_sql = sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM people p JOIN regions r ON r.id = p.region_id{}",
        w.where_sql()
    ));
    let (rows, total) = on_read!(store, c => {
        let rows = bind_params!(sqlx::query_as::<_, PersonRow>(sql), &w.params)
            .bind(per_page).bind((page - 1) * per_page).fetch_all(c).await?;
        let total: i64 = bind_params!(sqlx::query_scalar(count_sql), &w.params).fetch_one(c).await?;
        (rows, total)
    });
    Ok(Page {
        rows,
        total,
        page,
        per_page,
    })
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<PersonRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE p.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, PersonRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The person with a mobile number, if any; mobiles identify people in imports.
pub async fn by_mobile(src: impl Into<Src<'_>>, mobile: &str) -> Result<Option<PersonRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE p.mobile = $1 ORDER BY p.id LIMIT 1"
    ));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, PersonRow>(sql).bind(mobile.to_string()).fetch_optional(c).await?),
    )
}

/// Every person inside a path, for export.
pub async fn all_within(store: &Store, path: &str) -> Result<Vec<PersonRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.path >= $1 AND r.path < $2 ORDER BY p.id"
    ));
    Ok(
        on_read!(store, c => sqlx::query_as::<_, PersonRow>(sql).bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?),
    )
}

fn roles_text(d: &PersonDraft) -> String {
    let mut r: Vec<&str> = d.roles.iter().map(|r| r.as_str()).collect();
    r.sort_unstable();
    r.join(",")
}

pub async fn insert(tx: &mut Tx, d: &PersonDraft) -> Result<i64> {
    let now = Utc::now();
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO people (name, mobile, region_id, organisation, title, roles, created_at, updated_at, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING id")
        .bind(d.name.clone()).bind(d.mobile.to_string()).bind(d.region_id).bind(d.organisation.clone())
        .bind(d.title.clone()).bind(roles_text(d)).bind(now).bind(d.email.clone()).fetch_one(c).await?);
    Ok(id)
}

pub async fn update(tx: &mut Tx, id: i64, d: &PersonDraft) -> Result<()> {
    let r = on_tx!(tx, c => sqlx::query(
        "UPDATE people SET name = $1, mobile = $2, region_id = $3, organisation = $4, title = $5, roles = $6,
         updated_at = $7, email = $9 WHERE id = $8")
        .bind(d.name.clone()).bind(d.mobile.to_string()).bind(d.region_id).bind(d.organisation.clone())
        .bind(d.title.clone()).bind(roles_text(d)).bind(Utc::now()).bind(id).bind(d.email.clone()).execute(c).await?.rows_affected());
    if r == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct KeyUnitRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_mobile: Option<String>,
    pub occupants: i64,
}

const KEY_UNIT_SELECT: &str = "SELECT k.id, k.name, k.kind, k.region_id, CASE WHEN r.level = 'group' THEN pr.name || ' ' || r.name ELSE r.name END AS region_name, r.path AS region_path,
    k.address, k.contact_name, k.contact_mobile, k.occupants FROM key_units k JOIN regions r ON r.id = k.region_id
    LEFT JOIN regions pr ON pr.id = r.parent_id";

pub async fn insert_key_unit(tx: &mut Tx, d: &KeyUnitDraft) -> Result<i64> {
    let now = Utc::now();
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO key_units (name, kind, region_id, address, contact_name, contact_mobile, occupants, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id")
        .bind(d.name.clone()).bind(d.kind.as_str()).bind(d.region_id).bind(d.address.clone())
        .bind(d.contact_name.clone()).bind(d.contact_mobile.as_ref().map(|m| m.to_string())).bind(d.occupants)
        .bind(now).fetch_one(c).await?))
}

pub async fn key_units_within(store: &Store, path: &str) -> Result<Vec<KeyUnitRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{KEY_UNIT_SELECT} WHERE r.path >= $1 AND r.path < $2 ORDER BY r.path, k.name"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, KeyUnitRow>(sql)
        .bind(path.to_string()).bind(path_upper(path)).fetch_all(c).await?))
}

pub async fn get_key_unit(src: impl Into<Src<'_>>, id: i64) -> Result<Option<KeyUnitRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{KEY_UNIT_SELECT} WHERE k.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, KeyUnitRow>(sql).bind(id).fetch_optional(c).await?),
    )
}
