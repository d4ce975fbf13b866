//! Hazards (事故隐患).

use crate::{
    Filter, Page, Param, Result, Src, Store, StoreError, Tx, bind_params, on_read, on_src, on_tx,
    path_upper,
};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Scope;
use safegrid_domain::region::village_path_of;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HazardRow {
    pub id: i64,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    pub industry_code: Option<String>,
    pub region_id: i64,
    pub region_name: String,
    pub region_path: String,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub source: String,
    pub found_on: NaiveDate,
    pub criterion: Option<String>,
    pub status: String,
    pub grade: Option<String>,
    pub listed: bool,
    pub listing_body: Option<String>,
    pub listing_deadline: Option<NaiveDate>,
    pub responsible: Option<String>,
    pub measures: Option<String>,
    pub funds_fen: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub contingency: Option<String>,
    pub requested_deadline: Option<NaiveDate>,
    pub rectified_by: Option<i64>,
    pub closed_on: Option<NaiveDate>,
    pub reported_by: i64,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "SELECT h.id, h.enterprise_id, e.name AS enterprise_name, e.industry_code, h.region_id,
    CASE WHEN r.level = 'group' THEN pr.name || ' ' || r.name ELSE r.name END AS region_name, h.region_path,
    h.title, h.description, h.location, h.source, h.found_on, h.criterion, h.status, h.grade, h.listed, h.listing_body,
    h.listing_deadline, h.responsible, h.measures, h.funds_fen, h.deadline, h.contingency, h.requested_deadline,
    h.rectified_by, h.closed_on, h.reported_by, h.updated_at";
const FROM: &str =
    "LEFT JOIN enterprises e ON e.id = h.enterprise_id JOIN regions r ON r.id = h.region_id
    LEFT JOIN regions pr ON pr.id = r.parent_id";

/// A hazard as reported.
pub struct NewHazard<'a> {
    pub enterprise_id: Option<i64>,
    pub region_id: i64,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub location: Option<&'a str>,
    pub source: &'a str,
    pub found_on: NaiveDate,
    pub criterion: Option<&'a str>,
    pub reported_by: i64,
}

pub async fn insert(tx: &mut Tx, h: &NewHazard<'_>) -> Result<i64> {
    let now = Utc::now();
    let region_path: String = on_tx!(tx, c => sqlx::query_scalar("SELECT path FROM regions WHERE id = $1").bind(h.region_id).fetch_one(c).await?);
    let section = match h.enterprise_id {
        Some(eid) => section_of(
            &on_tx!(tx, c => sqlx::query_scalar::<_, String>("SELECT industry_code FROM enterprises WHERE id = $1").bind(eid).fetch_one(c).await?),
        ),
        None => "-".to_string(),
    };
    let village_path = village_path_of(&region_path);
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO hazards (enterprise_id, region_id, region_path, village_path, section, title, description, location, source,
            found_on, criterion, status, listed, reported_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'reported', FALSE, $12, $13, $13)
         RETURNING id")
        .bind(h.enterprise_id).bind(h.region_id).bind(region_path).bind(village_path.clone()).bind(section.clone())
        .bind(h.title.to_string()).bind(h.description.map(str::to_string))
        .bind(h.location.map(str::to_string)).bind(h.source.to_string()).bind(h.found_on).bind(h.criterion.map(str::to_string))
        .bind(h.reported_by).bind(now).fetch_one(c).await?);
    let key = SummaryKey {
        village_path,
        section,
        grade: "ungraded".into(),
        status: "reported".into(),
        listed: false,
    };
    summary_add(tx, &key, 1, 0).await?;
    if let Some(e) = h.enterprise_id {
        enterprise_add(tx, e, 1, 0).await?;
    }
    Ok(id)
}

/// The GB/T 4754 section (first letter) of an industry code.
pub fn section_of(code: &str) -> String {
    code.chars()
        .next()
        .map(String::from)
        .unwrap_or_else(|| "-".into())
}

/// Where a hazard is counted in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, sqlx::FromRow)]
pub struct SummaryKey {
    pub village_path: String,
    pub section: String,
    pub grade: String,
    pub status: String,
    pub listed: bool,
}

/// The paths a village path is counted under: the district, the town and the village itself.
pub fn levels(village_path: &str) -> Vec<(String, i64)> {
    let ids: Vec<&str> = village_path.split('/').filter(|s| !s.is_empty()).collect();
    (1..=ids.len())
        .map(|d| (format!("/{}/", ids[..d].join("/")), d as i64))
        .collect()
}

async fn summary_add(tx: &mut Tx, k: &SummaryKey, n: i64, days: i64) -> Result<()> {
    for (path, depth) in levels(&k.village_path) {
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO hazard_summary (village_path, depth, section, grade, status, listed, n, closed_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (village_path, section, grade, status, listed)
             DO UPDATE SET n = hazard_summary.n + excluded.n, closed_days = hazard_summary.closed_days + excluded.closed_days")
            .bind(path).bind(depth).bind(k.section.clone()).bind(k.grade.clone()).bind(k.status.clone()).bind(k.listed)
            .bind(n).bind(days).execute(c).await?.rows_affected());
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Counted {
    enterprise_id: Option<i64>,
    village_path: String,
    section: String,
    grade: Option<String>,
    status: String,
    listed: bool,
    found_on: NaiveDate,
    closed_on: Option<NaiveDate>,
}

impl Counted {
    fn key(&self) -> SummaryKey {
        SummaryKey {
            village_path: self.village_path.clone(),
            section: self.section.clone(),
            grade: self.grade.clone().unwrap_or_else(|| "ungraded".into()),
            status: self.status.clone(),
            listed: self.listed,
        }
    }
    /// (open, open and major): what the hazard adds to its enterprise's counts.
    fn open(&self) -> (i64, i64) {
        let open = self.status != "closed";
        let major = open && self.grade.as_deref() == Some("major");
        (i64::from(open), i64::from(major))
    }
    fn days(&self) -> i64 {
        self.closed_on
            .map(|c| (c - self.found_on).num_days().max(0))
            .unwrap_or(0)
    }
}

async fn counted(tx: &mut Tx, id: i64) -> Result<Counted> {
    Ok(on_tx!(tx, c => sqlx::query_as::<_, Counted>(
        "SELECT enterprise_id, village_path, section, grade, status, listed, found_on, closed_on FROM hazards WHERE id = $1")
        .bind(id).fetch_one(c).await?))
}

/// Brings the copied place of hazards up to date after a region move or an enterprise's change of
/// village or industry, moving their counts in the summary along.
pub async fn relocate(tx: &mut Tx, filter_sql: &str, params: &[Param]) -> Result<()> {
    #[derive(sqlx::FromRow)]
    struct Place {
        id: i64,
        path: String,
        industry_code: Option<String>,
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT h.id, r.path, e.industry_code FROM hazards h JOIN regions r ON r.id = h.region_id
         LEFT JOIN enterprises e ON e.id = h.enterprise_id WHERE {filter_sql}"
    ));
    let places: Vec<Place> =
        on_tx!(tx, c => bind_params!(sqlx::query_as::<_, Place>(sql), params).fetch_all(c).await?);
    for p in places {
        let before = counted(tx, p.id).await?;
        let vp = village_path_of(&p.path);
        let section = p
            .industry_code
            .as_deref()
            .map(section_of)
            .unwrap_or_else(|| "-".into());
        on_tx!(tx, c => sqlx::query("UPDATE hazards SET region_path = $1, village_path = $2, section = $3 WHERE id = $4")
            .bind(p.path.clone()).bind(vp).bind(section).bind(p.id).execute(c).await?.rows_affected());
        let after = counted(tx, p.id).await?;
        if before.key() != after.key() {
            summary_add(tx, &before.key(), -1, -before.days()).await?;
            summary_add(tx, &after.key(), 1, after.days()).await?;
        }
    }
    Ok(())
}

pub async fn get(src: impl Into<Src<'_>>, id: i64) -> Result<Option<HazardRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{COLUMNS} FROM hazards h {FROM} WHERE h.id = $1"));
    Ok(
        on_src!(src.into(), c => sqlx::query_as::<_, HazardRow>(sql).bind(id).fetch_optional(c).await?),
    )
}

/// The lifecycle columns a step may change.
pub struct Lifecycle<'a> {
    pub status: &'a str,
    pub grade: Option<&'a str>,
    pub listed: bool,
    pub listing_body: Option<&'a str>,
    pub listing_deadline: Option<NaiveDate>,
    pub responsible: Option<&'a str>,
    pub measures: Option<&'a str>,
    pub funds_fen: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub contingency: Option<&'a str>,
    pub requested_deadline: Option<NaiveDate>,
    pub rectified_by: Option<i64>,
    pub closed_on: Option<NaiveDate>,
}

pub async fn update_lifecycle(tx: &mut Tx, id: i64, l: &Lifecycle<'_>) -> Result<()> {
    let before = counted(tx, id).await?;
    let s = |v: Option<&str>| v.map(str::to_string);
    let n = on_tx!(tx, c => sqlx::query(
        "UPDATE hazards SET status = $1, grade = $2, listed = $3, listing_body = $4, listing_deadline = $5, responsible = $6,
            measures = $7, funds_fen = $8, deadline = $9, contingency = $10, requested_deadline = $11, rectified_by = $12,
            closed_on = $13, updated_at = $14 WHERE id = $15")
        .bind(l.status.to_string()).bind(s(l.grade)).bind(l.listed).bind(s(l.listing_body)).bind(l.listing_deadline)
        .bind(s(l.responsible)).bind(s(l.measures)).bind(l.funds_fen).bind(l.deadline).bind(s(l.contingency))
        .bind(l.requested_deadline).bind(l.rectified_by).bind(l.closed_on).bind(Utc::now()).bind(id)
        .execute(c).await?.rows_affected());
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    let after = counted(tx, id).await?;
    summary_add(tx, &before.key(), -1, -before.days()).await?;
    summary_add(tx, &after.key(), 1, after.days()).await?;
    let ((o0, m0), (o1, m1)) = (before.open(), after.open());
    if let Some(e) = after.enterprise_id
        && (o0, m0) != (o1, m1)
    {
        enterprise_add(tx, e, o1 - o0, m1 - m0).await?;
    }
    Ok(())
}

/// Moves an enterprise's counts of open and open major hazards.
async fn enterprise_add(tx: &mut Tx, enterprise_id: i64, open: i64, major: i64) -> Result<()> {
    on_tx!(tx, c => sqlx::query(
        "UPDATE enterprises SET open_hazards = open_hazards + $1, open_major_hazards = open_major_hazards + $2
         WHERE id = $3")
        .bind(open).bind(major).bind(enterprise_id).execute(c).await?.rows_affected());
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct HazardFilter {
    pub scope: Scope,
    pub region_path: Option<String>,
    pub enterprise_id: Option<i64>,
    pub status: Option<String>,
    /// `open` for every status but closed.
    pub open: bool,
    pub grade: Option<String>,
    pub listed: Option<bool>,
    /// Open and past their deadline on this day.
    pub overdue_on: Option<NaiveDate>,
    /// Open with a deadline in this range (inclusive).
    pub due_between: Option<(NaiveDate, NaiveDate)>,
    pub q: Option<String>,
    pub page: i64,
    pub per_page: i64,
}

fn where_of(f: &HazardFilter) -> Filter {
    let mut w = Filter::default();
    let path = f.region_path.as_deref().unwrap_or(&f.scope.region_path);
    if path != "/" {
        w.push2(
            "h.region_path >= ? AND h.region_path < ?",
            Param::Text(path.into()),
            Param::Text(path_upper(path)),
        );
    }
    // An enterprise's own scope and an enterprise filter both apply (they contradict when they differ).
    for id in [f.scope.enterprise_id, f.enterprise_id]
        .into_iter()
        .flatten()
    {
        w.push("h.enterprise_id = ?", Param::Int(id));
    }
    if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
        w.push("h.status = ?", Param::Text(s.into()));
    }
    if f.open {
        w.push("h.status <> ?", Param::Text("closed".into()));
    }
    if let Some(g) = f.grade.as_deref().filter(|s| !s.is_empty()) {
        w.push("h.grade = ?", Param::Text(g.into()));
    }
    if let Some(l) = f.listed {
        w.push("h.listed = ?", Param::Bool(l));
    }
    if let Some(d) = f.overdue_on {
        // Written as the partial index's own condition, so the index serves the list in order.
        w.push("h.status <> 'closed' AND h.deadline < ?", Param::Date(d));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        w.push("h.title LIKE ? ESCAPE '\\'", Param::Text(like));
    }
    w
}

pub async fn list(store: &Store, f: &HazardFilter) -> Result<Page<HazardRow>> {
    let w = where_of(f);
    let per_page = f.per_page.clamp(1, 500);
    let page = f.page.max(1);
    let n = w.next();
    let sql = sqlx::AssertSqlSafe(format!(
        "{COLUMNS} FROM hazards h {FROM}{} ORDER BY h.deadline, h.id LIMIT ${n} OFFSET ${}",
        w.where_sql(),
        n + 1
    ));
    let count_sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM hazards h{}", w.where_sql()));
    let (rows, total) = on_read!(store, c => {
        let rows = bind_params!(sqlx::query_as::<_, HazardRow>(sql), &w.params)
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

/// What the progress tables count, one row per hazard, slim.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HazardTally {
    pub region_path: String,
    pub enterprise_id: Option<i64>,
    pub industry_code: Option<String>,
    pub status: String,
    pub grade: Option<String>,
    pub listed: bool,
    pub found_on: NaiveDate,
    pub deadline: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

pub async fn tallies(
    store: &Store,
    path: &str,
    enterprise_id: Option<i64>,
) -> Result<Vec<HazardTally>> {
    let mut w = Filter::default();
    w.push2(
        "h.region_path >= ? AND h.region_path < ?",
        Param::Text(path.into()),
        Param::Text(path_upper(path)),
    );
    if let Some(id) = enterprise_id {
        w.push("h.enterprise_id = ?", Param::Int(id));
    }
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT h.region_path, h.enterprise_id, e.industry_code, h.status, h.grade, h.listed, h.found_on, h.deadline, h.closed_on
         FROM hazards h LEFT JOIN enterprises e ON e.id = h.enterprise_id{}",
        w.where_sql()
    ));
    Ok(
        on_read!(store, c => bind_params!(sqlx::query_as::<_, HazardTally>(sql), &w.params).fetch_all(c).await?),
    )
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SummaryRow {
    pub village_path: String,
    pub section: String,
    pub grade: String,
    pub status: String,
    pub listed: bool,
    pub n: i64,
    pub closed_days: i64,
}

/// The summary of the caller's scope `path`, added up in the database by `by` (`village`,
/// `industry`, or anything else for grade and status alone): the village rows inside the path
/// for `village`, else the rows of the path's own level (all districts' for `/`). The columns a
/// grouping does not use come back empty. `None` when the path is below the village level.
pub async fn summary(store: &Store, path: &str, by: &str) -> Result<Option<Vec<SummaryRow>>> {
    let depth = path.matches('/').count() as i64 - 1;
    if depth > 3 {
        return Ok(None);
    }
    // PostgreSQL refuses constants in GROUP BY, so only real columns are listed there.
    let (village, section, group) = match by {
        "village" => ("village_path", "''", "village_path, "),
        "industry" => ("''", "section", "section, "),
        _ => ("''", "''", ""),
    };
    let (filter, a, b) = match (by, depth) {
        ("village", _) => (
            "depth = 3 AND village_path >= $1 AND village_path < $2",
            path.to_string(),
            path_upper(path),
        ),
        (_, 0) => ("depth = 1 AND $1 = $2", String::new(), String::new()),
        _ => (
            "village_path = $1 AND $2 = $2",
            path.to_string(),
            String::new(),
        ),
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {village} AS village_path, {section} AS section, grade, status, listed, CAST(SUM(n) AS BIGINT) AS n,
                CAST(SUM(closed_days) AS BIGINT) AS closed_days
         FROM hazard_summary WHERE {filter} AND n <> 0
         GROUP BY {group}grade, status, listed"
    ));
    Ok(Some(
        on_read!(store, c => sqlx::query_as::<_, SummaryRow>(sql).bind(a).bind(b).fetch_all(c).await?),
    ))
}

/// The summary rows as kept, one per key (for tests).
pub async fn summary_rows(store: &Store) -> Result<Vec<SummaryRow>> {
    Ok(on_read!(store, c => sqlx::query_as::<_, SummaryRow>(
        "SELECT village_path, section, grade, status, listed, n, closed_days FROM hazard_summary WHERE n <> 0
         ORDER BY village_path, section, grade, status, listed").fetch_all(c).await?))
}

/// Open hazards past their deadline on `today`, counted by the columns grouping `by` needs (as in
/// [`summary`]), from the covering index of open hazards by deadline.
pub async fn overdue_counts(
    store: &Store,
    path: &str,
    today: NaiveDate,
    by: &str,
) -> Result<Vec<SummaryRow>> {
    let (village, section, group) = match by {
        "village" => ("village_path", "''", "village_path, "),
        "industry" => ("''", "section", "section, "),
        _ => ("''", "''", ""),
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {village} AS village_path, {section} AS section, COALESCE(grade, 'ungraded') AS grade, status, listed,
                COUNT(*) AS n, CAST(0 AS BIGINT) AS closed_days
         FROM hazards WHERE status IN ('reported', 'graded', 'rectifying', 'extension_requested', 'rectified')
           AND deadline < $3 AND village_path >= $1 AND village_path < $2
         GROUP BY {group}COALESCE(grade, 'ungraded'), status, listed"
    ));
    Ok(
        on_read!(store, c => sqlx::query_as::<_, SummaryRow>(sql).bind(path.to_string()).bind(path_upper(path)).bind(today).fetch_all(c).await?),
    )
}

/// How many enterprises carry counts of open (or open major) hazards that a recount from the
/// hazards does not give: 0 when the kept counts are right.
pub async fn miscounted_enterprises(store: &Store) -> Result<i64> {
    Ok(on_read!(store, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM enterprises e WHERE
            e.open_hazards <> (SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = e.id AND h.status <> 'closed')
            OR e.open_major_hazards <> (SELECT COUNT(*) FROM hazards h
                WHERE h.enterprise_id = e.id AND h.status <> 'closed' AND h.grade = 'major')")
        .fetch_one(c).await?))
}

/// The summary recounted from the hazards, for tests that check the kept one.
pub async fn recount(store: &Store) -> Result<Vec<SummaryRow>> {
    let rows: Vec<Counted> = on_read!(store, c => sqlx::query_as::<_, Counted>(
        "SELECT enterprise_id, village_path, section, grade, status, listed, found_on, closed_on FROM hazards").fetch_all(c).await?);
    let mut sums: std::collections::BTreeMap<SummaryKey, (i64, i64)> = Default::default();
    for c in rows {
        for (path, _) in levels(&c.village_path) {
            let e = sums
                .entry(SummaryKey {
                    village_path: path,
                    ..c.key()
                })
                .or_default();
            e.0 += 1;
            e.1 += c.days();
        }
    }
    Ok(sums
        .into_iter()
        .map(|(k, (n, d))| SummaryRow {
            village_path: k.village_path,
            section: k.section,
            grade: k.grade,
            status: k.status,
            listed: k.listed,
            n,
            closed_days: d,
        })
        .collect())
}
