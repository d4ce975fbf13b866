//! Many rows per statement: for the benchmark data sets (no audit entries; people's changes
//! always go through the use cases) and for the fan-out of a warning to its recipients, their
//! deliveries and their jobs, where one statement per row would be too slow.

use crate::{Backend, Param, Result, Store, Tx, bind_params, on_tx};

/// Rows per INSERT: below both SQLite's and PostgreSQL's limits on bound parameters.
const MAX_PARAMS: usize = 8_000;

/// Inserts rows into `table` (`columns` in order), many per statement, inside `tx`.
pub async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Param>>,
) -> Result<()> {
    insert_then(tx, table, columns, rows, "").await.map(|_| ())
}

/// Like [`insert`], with `tail` after each statement's values (`ON CONFLICT … DO NOTHING`);
/// returns the number of rows inserted.
pub async fn insert_then(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Param>>,
    tail: &str,
) -> Result<u64> {
    if let Tx::Postgres(t) = tx
        && let Some(cols) = Column::of(columns.len(), &rows)
    {
        return insert_unnest(t, table, columns, cols, tail).await;
    }
    let mut inserted = 0;
    let per = (MAX_PARAMS / columns.len()).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Param>> = rows.by_ref().take(per).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {} {tail}",
            columns.join(", "),
            crate::values_list(tx.numbered(), chunk.len(), columns.len())
        );
        let params: Vec<Param> = chunk.into_iter().flatten().collect();
        let sql = sqlx::AssertSqlSafe(sql);
        inserted += on_tx!(tx, c => bind_params!(sqlx::query(sql), &params).execute(c).await?.rows_affected());
    }
    Ok(inserted)
}

/// A column of rows as one PostgreSQL array, for `INSERT … SELECT * FROM UNNEST(…)`: one short
/// statement for any number of rows, instead of statements of thousands of parameters that
/// PostgreSQL must parse and plan one by one.
enum Column {
    Int(Vec<Option<i64>>),
    Text(Vec<Option<String>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<chrono::NaiveDate>>),
    Time(Vec<Option<chrono::DateTime<chrono::Utc>>>),
}

impl Column {
    /// The rows as columns, or `None` when a column mixes kinds (then rows are sent as values).
    fn of(width: usize, rows: &[Vec<Param>]) -> Option<Vec<Column>> {
        let first = rows.first()?;
        let mut cols: Vec<Column> = first
            .iter()
            .map(|p| match p {
                Param::Int(_) | Param::OptInt(_) => Column::Int(Vec::with_capacity(rows.len())),
                Param::Text(_) | Param::OptText(_) => Column::Text(Vec::with_capacity(rows.len())),
                Param::Bool(_) => Column::Bool(Vec::with_capacity(rows.len())),
                Param::Date(_) | Param::OptDate(_) => Column::Date(Vec::with_capacity(rows.len())),
                Param::Time(_) => Column::Time(Vec::with_capacity(rows.len())),
            })
            .collect();
        if cols.len() != width {
            return None;
        }
        for row in rows {
            if row.len() != width {
                return None;
            }
            for (c, p) in cols.iter_mut().zip(row) {
                match (c, p) {
                    (Column::Int(v), Param::Int(x)) => v.push(Some(*x)),
                    (Column::Int(v), Param::OptInt(x)) => v.push(*x),
                    (Column::Text(v), Param::Text(x)) => v.push(Some(x.clone())),
                    (Column::Text(v), Param::OptText(x)) => v.push(x.clone()),
                    (Column::Bool(v), Param::Bool(x)) => v.push(Some(*x)),
                    (Column::Date(v), Param::Date(x)) => v.push(Some(*x)),
                    (Column::Date(v), Param::OptDate(x)) => v.push(*x),
                    (Column::Time(v), Param::Time(x)) => v.push(Some(*x)),
                    _ => return None,
                }
            }
        }
        Some(cols)
    }

    fn sql_type(&self) -> &'static str {
        match self {
            Column::Int(_) => "BIGINT[]",
            Column::Text(_) => "TEXT[]",
            Column::Bool(_) => "BOOLEAN[]",
            Column::Date(_) => "DATE[]",
            Column::Time(_) => "TIMESTAMPTZ[]",
        }
    }
}

async fn insert_unnest(
    t: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    table: &str,
    columns: &[&str],
    cols: Vec<Column>,
    tail: &str,
) -> Result<u64> {
    let arrays: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| format!("CAST(${} AS {})", i + 1, c.sql_type()))
        .collect();
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO {table} ({}) SELECT * FROM UNNEST({}) {tail}",
        columns.join(", "),
        arrays.join(", ")
    ));
    let mut q = sqlx::query(sql);
    for c in cols {
        q = match c {
            Column::Int(v) => q.bind(v),
            Column::Text(v) => q.bind(v),
            Column::Bool(v) => q.bind(v),
            Column::Date(v) => q.bind(v),
            Column::Time(v) => q.bind(v),
        };
    }
    Ok(q.execute(&mut **t).await?.rows_affected())
}

/// After rows were inserted with explicit ids, moves PostgreSQL's id sequences past them.
pub async fn sync_sequences(store: &Store, tables: &[&str]) -> Result<()> {
    if let Backend::Postgres(p) = &store.backend {
        for t in tables {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT MAX(id) FROM {t}))"
            ));
            sqlx::query(sql).execute(p).await?;
        }
    }
    Ok(())
}

/// Recounts the whole hazard summary from the hazards (after a bulk load): the village rows are
/// added up in the database, then rolled up to towns and districts here; and each enterprise's
/// counts of open hazards.
pub async fn rebuild_hazard_summary(store: &Store) -> Result<()> {
    let days = match store.backend {
        Backend::Sqlite { .. } => "CAST(julianday(closed_on) - julianday(found_on) AS INTEGER)",
        Backend::Postgres(_) => "(closed_on - found_on)",
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT village_path, section, COALESCE(grade, 'ungraded') AS grade, status, listed, COUNT(*) AS n,
                CAST(COALESCE(SUM(CASE WHEN closed_on IS NULL THEN 0 ELSE {days} END), 0) AS BIGINT) AS closed_days
         FROM hazards GROUP BY village_path, section, COALESCE(grade, 'ungraded'), status, listed"
    ));
    let villages: Vec<crate::hazards::SummaryRow> = crate::on_read!(store, c => sqlx::query_as::<_, crate::hazards::SummaryRow>(sql).fetch_all(c).await?);
    let mut sums: std::collections::BTreeMap<
        (String, i64, String, String, String, bool),
        (i64, i64),
    > = Default::default();
    for r in villages {
        for (path, depth) in crate::hazards::levels(&r.village_path) {
            let e = sums
                .entry((
                    path,
                    depth,
                    r.section.clone(),
                    r.grade.clone(),
                    r.status.clone(),
                    r.listed,
                ))
                .or_default();
            e.0 += r.n;
            e.1 += r.closed_days;
        }
    }
    let rows: Vec<Vec<Param>> = sums
        .into_iter()
        .map(|((p, d, s, g, st, l), (n, cd))| {
            vec![
                Param::Text(p),
                Param::Int(d),
                Param::Text(s),
                Param::Text(g),
                Param::Text(st),
                Param::Bool(l),
                Param::Int(n),
                Param::Int(cd),
            ]
        })
        .collect();
    let mut tx = store.begin().await?;
    on_tx!(&mut tx, c => sqlx::query("DELETE FROM hazard_summary").execute(&mut *c).await?.rows_affected());
    insert(
        &mut tx,
        "hazard_summary",
        &[
            "village_path",
            "depth",
            "section",
            "grade",
            "status",
            "listed",
            "n",
            "closed_days",
        ],
        rows,
    )
    .await?;
    // Each enterprise's counts of open and open major hazards, from the same rows.
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE enterprises SET
            open_hazards = (SELECT COUNT(*) FROM hazards h WHERE h.enterprise_id = enterprises.id AND h.status <> 'closed'),
            open_major_hazards = (SELECT COUNT(*) FROM hazards h
                WHERE h.enterprise_id = enterprises.id AND h.status <> 'closed' AND h.grade = 'major')")
        .execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    store.after_bulk_load().await?;
    if let Backend::Postgres(p) = &store.backend {
        sqlx::query("VACUUM (ANALYZE) hazards").execute(p).await?;
        sqlx::query("VACUUM (ANALYZE) hazard_summary")
            .execute(p)
            .await?;
    }
    Ok(())
}

/// Sets each enterprise's last inspection day from its inspections (after a bulk load of them).
pub async fn recount_last_inspections(store: &Store) -> Result<()> {
    let max = match store.backend {
        Backend::Sqlite { .. } => "MAX(i.done_on)",
        Backend::Postgres(_) => "CAST(MAX(i.done_on) AS TEXT)",
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE enterprises SET last_inspected_on = (SELECT {max} FROM inspections i WHERE i.enterprise_id = enterprises.id)"
    ));
    let mut tx = store.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(sql).execute(&mut *c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}

/// The highest id of a table (0 when empty), for a bulk load that gives its rows their ids.
pub async fn max_id(store: &Store, table: &str) -> Result<i64> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM {table}"
    ));
    Ok(crate::on_read!(store, c => sqlx::query_scalar::<_, i64>(sql).fetch_one(c).await?))
}

/// Gives every forest area without one a size between 200 and 3 000 hectares (benchmark data).
pub async fn spread_forest_hectares(store: &Store) -> Result<()> {
    let mut tx = store.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "UPDATE monitored_objects SET forest_hectares = 200 + (id % 2800) WHERE kind = 'forest_area' AND forest_hectares IS NULL")
        .execute(c).await?.rows_affected());
    tx.commit().await?;
    Ok(())
}
