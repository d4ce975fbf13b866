//! What the safety rating reads, for every enterprise of a region at once: one grouped query per
//! kind of fact, so that a city of a hundred thousand enterprises is rated in a few passes.
//!
//! The whole tree is read by enterprise, in the order of the enterprise-led indexes, with no
//! region test at all (a region range would make the database sort a third of a million open
//! hazards to group them); a region is read through its own enterprises or its region index.
//!
//! On SQLite each grouped query comes back as one text value (`id,n,n;id,n,n;…`) rather than a
//! row per enterprise: its driver hands rows over one at a time between threads, which costs
//! more than the query itself at a hundred thousand rows (measured: 160 ms for the open hazards
//! as rows, 70 ms as one value).

use crate::{Result, Store, on_read, path_upper};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// Which enterprises.
#[derive(Debug, Clone, Copy)]
pub enum RatingScope<'a> {
    /// Every enterprise (the caller sees the whole tree).
    All,
    /// Those inside a region.
    Within(&'a str),
    /// One enterprise.
    Enterprise(i64),
}

impl RatingScope<'_> {
    /// The test of a fact table's rows, its parameters numbered from `$2` (`$1` is the fact's
    /// own: a day or a moment). `hazards` reach a region through its enterprises.
    fn clause(&self, table: &str) -> String {
        match self {
            // Hazards of no enterprise group under NULL, which the packing drops.
            RatingScope::All if table == "hazards" => "TRUE".into(),
            RatingScope::All => "enterprise_id IS NOT NULL".into(),
            RatingScope::Within(_) if table == "hazards" => {
                "enterprise_id IN (SELECT id FROM enterprises WHERE region_path >= $2 AND region_path < $3)"
                    .into()
            }
            RatingScope::Within(_) => {
                "enterprise_id IS NOT NULL AND region_path >= $2 AND region_path < $3".into()
            }
            RatingScope::Enterprise(_) => "enterprise_id = $2".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RatedEnterprise {
    pub id: i64,
    pub name: String,
    pub uscc: String,
    pub region_name: String,
    pub region_path: String,
    pub industry_code: String,
    pub standard_grade: String,
}

/// `inner` (a query of integer columns) read back as rows of `N` integers. On SQLite it comes
/// as one text value, rows split by `;`, columns by `,` (see the module's note); PostgreSQL sends
/// rows cheaply and builds text slowly, so there it is read as rows.
async fn packed<const N: usize>(
    store: &Store,
    inner: &str,
    bind: impl Fn(Binder) -> Binder,
) -> Result<Vec<[i64; N]>> {
    use sqlx::Row;
    macro_rules! bound {
        ($q:expr) => {{
            let mut q = $q;
            for v in bind(Binder::default()).0 {
                q = match v {
                    Value::Int(i) => q.bind(i),
                    Value::Text(t) => q.bind(t),
                    Value::Day(d) => q.bind(d),
                    Value::Moment(m) => q.bind(m),
                };
            }
            q
        }};
    }
    let text: Option<String> = match &store.backend {
        crate::Backend::Postgres(p) => {
            let sql = sqlx::AssertSqlSafe(inner.to_string());
            let rows = bound!(sqlx::query(sql)).fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                // Rows of no enterprise (a NULL key) are dropped, as the packing drops them.
                if r.try_get::<Option<i64>, _>(0)?.is_none() {
                    continue;
                }
                let mut row = [0i64; N];
                for (i, slot) in row.iter_mut().enumerate() {
                    *slot = r.try_get::<Option<i64>, _>(i)?.unwrap_or(0);
                }
                out.push(row);
            }
            return Ok(out);
        }
        crate::Backend::Sqlite { read, .. } => {
            let cols = (0..N)
                .map(|i| format!("CAST(c{i} AS TEXT)"))
                .collect::<Vec<_>>()
                .join(" || ',' || ");
            let names = (0..N)
                .map(|i| format!("c{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = sqlx::AssertSqlSafe(format!(
                "WITH t({names}) AS ({inner}) SELECT group_concat({cols}, ';') FROM t"
            ));
            bound!(sqlx::query_scalar(sql)).fetch_one(read).await?
        }
    };
    let mut rows = Vec::new();
    for row in text
        .as_deref()
        .unwrap_or("")
        .split(';')
        .filter(|r| !r.is_empty())
    {
        let mut out = [0i64; N];
        for (slot, v) in out.iter_mut().zip(row.split(',')) {
            *slot = v.parse().unwrap_or(0);
        }
        rows.push(out);
    }
    Ok(rows)
}

enum Value {
    Int(i64),
    Text(String),
    Day(NaiveDate),
    Moment(DateTime<Utc>),
}

/// The parameters of a packed query, in order.
#[derive(Default)]
struct Binder(Vec<Value>);

impl Binder {
    fn day(mut self, d: NaiveDate) -> Self {
        self.0.push(Value::Day(d));
        self
    }
    fn text(mut self, t: String) -> Self {
        self.0.push(Value::Text(t));
        self
    }
    fn moment(mut self, m: DateTime<Utc>) -> Self {
        self.0.push(Value::Moment(m));
        self
    }
    fn scope(mut self, s: RatingScope<'_>) -> Self {
        match s {
            RatingScope::All => {}
            RatingScope::Within(p) => {
                self.0.push(Value::Text(p.to_string()));
                self.0.push(Value::Text(path_upper(p)));
            }
            RatingScope::Enterprise(id) => self.0.push(Value::Int(id)),
        }
        self
    }
}

/// The moments the windows of the rating start at.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    pub today: NaiveDate,
    pub year_ago: NaiveDate,
    pub year_ago_at: DateTime<Utc>,
    pub three_years_ago_at: DateTime<Utc>,
}

/// (enterprise, standardisation level: 1 to 3, 0 for none, open hazards, open major ones,
/// 1 when inspected since `since`) of every enterprise in scope; the counts and the last
/// inspection's day are kept on the enterprise as its hazards and inspections are recorded.
pub async fn enterprises(
    store: &Store,
    s: RatingScope<'_>,
    since: NaiveDate,
) -> Result<Vec<[i64; 5]>> {
    let (clause, day) = match s {
        RatingScope::All => ("TRUE", 1),
        RatingScope::Within(_) => ("region_path >= $1 AND region_path < $2", 3),
        RatingScope::Enterprise(_) => ("id = $1", 2),
    };
    let inner = format!(
        "SELECT id, CAST(CASE standard_grade WHEN 'level1' THEN 1 WHEN 'level2' THEN 2 WHEN 'level3' THEN 3 ELSE 0 END AS BIGINT),
            open_hazards, open_major_hazards,
            CAST(CASE WHEN last_inspected_on >= ${day} THEN 1 ELSE 0 END AS BIGINT)
         FROM enterprises WHERE {clause}"
    );
    packed(store, &inner, |b| b.scope(s).text(since.to_string())).await
}

/// The enterprises with these ids, with what a list of them shows.
pub async fn details(store: &Store, ids: &[i64]) -> Result<Vec<RatedEnterprise>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // Ids are integers from the rating itself, so they are written into the statement.
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT e.id, e.name, e.uscc, r.name AS region_name, e.region_path, e.industry_code, e.standard_grade
         FROM enterprises e JOIN regions r ON r.id = e.region_id WHERE e.id IN ({list})"
    ));
    Ok(on_read!(store, c => sqlx::query_as::<_, RatedEnterprise>(sql).fetch_all(c).await?))
}

/// (enterprise, open hazards past their deadline) of each enterprise that has any.
pub async fn overdue(store: &Store, s: RatingScope<'_>, today: NaiveDate) -> Result<Vec<[i64; 2]>> {
    // `+enterprise_id` keeps SQLite from walking the enterprise index for the grouping (every
    // hazard, a million rows) instead of the deadline index (the overdue ones, tens of thousands).
    let inner = format!(
        "SELECT +enterprise_id, COUNT(*) FROM hazards
         WHERE status <> 'closed' AND deadline < $1 AND {} GROUP BY +enterprise_id",
        s.clause("hazards")
    );
    packed(store, &inner, |b| b.day(today).scope(s)).await
}

/// (enterprise, accidents since `w.three_years_ago_at`, those with a death since `w.year_ago_at`).
pub async fn accidents(store: &Store, s: RatingScope<'_>, w: &Windows) -> Result<Vec<[i64; 3]>> {
    // The second moment goes after the scope's parameters.
    let n = match s {
        RatingScope::All => 2,
        RatingScope::Within(_) => 4,
        RatingScope::Enterprise(_) => 3,
    };
    let inner = format!(
        "SELECT enterprise_id, COUNT(*), COUNT(*) FILTER (WHERE deaths > 0 AND occurred_at >= ${n})
         FROM incidents WHERE occurred_at >= $1 AND {} GROUP BY enterprise_id",
        s.clause("incidents")
    );
    packed(store, &inner, |b| {
        b.moment(w.three_years_ago_at)
            .scope(s)
            .moment(w.year_ago_at)
    })
    .await
}

/// (enterprise, penalties decided since a day).
pub async fn penalties(
    store: &Store,
    s: RatingScope<'_>,
    since: NaiveDate,
) -> Result<Vec<[i64; 2]>> {
    let inner = format!(
        "SELECT enterprise_id, COUNT(*) FROM enforcement_cases WHERE decided_on >= $1 AND {} GROUP BY enterprise_id",
        s.clause("enforcement_cases")
    );
    packed(store, &inner, |b| b.text(since.to_string()).scope(s)).await
}

/// The enterprises on the blacklist today.
pub async fn blacklisted(store: &Store, s: RatingScope<'_>, today: NaiveDate) -> Result<Vec<i64>> {
    let inner = format!(
        "SELECT DISTINCT enterprise_id FROM blacklist
         WHERE delisted_on IS NULL AND starts_on <= $1 AND ends_on >= $1 AND {}",
        s.clause("blacklist")
    );
    Ok(
        packed::<1>(store, &inner, |b| b.text(today.to_string()).scope(s))
            .await?
            .into_iter()
            .map(|[id]| id)
            .collect(),
    )
}
