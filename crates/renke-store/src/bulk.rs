//! Bulk writes at the database's own speed: ids reserved up front, so that rows that refer to
//! each other (an organisation's path holds its parent's id and its own) are complete before
//! they are written; then multi-row `INSERT`s on SQLite and `COPY` on PostgreSQL, inside the
//! caller's transaction (triggers fire as for single rows).

use crate::{StoreError, Tx};
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::AssertSqlSafe;
use std::fmt::Write as _;

/// One value of a row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
    Time(DateTime<Utc>),
}

/// Parameters per SQLite `INSERT` (rows × columns), below SQLite's oldest limit (999).
/// They are anonymous (`?`): sqlx asks SQLite for each parameter's name while binding, and
/// for numbered ones (`$1`) SQLite finds it in a list as long as the statement's, so binding
/// cost the square of the parameters — 73 % of `bench gen` at 256 rows a statement, still
/// 19 % at 320 parameters.
const SQLITE_PARAMS: usize = 960;
/// Bytes of `COPY` data sent at a time.
const COPY_CHUNK: usize = 1 << 20;

/// `n` new ids for `table`'s `id` column, in increasing order. On SQLite the transaction
/// holds the write lock, so the ids after the largest are free until it ends; on PostgreSQL
/// they are taken from the column's sequence, as a default would.
pub(crate) async fn reserve_ids(
    tx: &mut Tx,
    table: &'static str,
    n: usize,
) -> Result<Vec<i64>, StoreError> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(n).unwrap_or(i64::MAX);
    match tx {
        Tx::Sqlite(t) => {
            let max: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT COALESCE(MAX(id), 0) FROM {table}"
            )))
            .fetch_one(&mut *t.tx)
            .await?;
            Ok((max + 1..=max + count).collect())
        }
        Tx::Pg(t) => {
            let mut ids: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
            )))
            .bind(count)
            .fetch_all(&mut *t.tx)
            .await?;
            ids.sort_unstable();
            Ok(ids)
        }
    }
}

/// Writes `rows` (each with one cell per column, in `columns`' order) into `table`.
pub(crate) async fn insert(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    rows: &[Vec<Cell<'_>>],
) -> Result<(), StoreError> {
    debug_assert!(rows.iter().all(|r| r.len() == columns.len()));
    match tx {
        Tx::Sqlite(t) => {
            let per = (SQLITE_PARAMS / columns.len().max(1)).max(1);
            let mut full = None;
            for chunk in rows.chunks(per) {
                let sql = if chunk.len() == per {
                    full.get_or_insert_with(|| values_sql(table, columns, per))
                        .clone()
                } else {
                    values_sql(table, columns, chunk.len())
                };
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for cell in chunk.iter().flatten() {
                    q = match *cell {
                        Cell::Int(v) => q.bind(v),
                        Cell::Text(v) => q.bind(v),
                        Cell::Time(v) => q.bind(v),
                    };
                }
                q.execute(&mut *t.tx).await?;
            }
            Ok(())
        }
        Tx::Pg(t) => {
            let mut sink =
                t.tx.copy_in_raw(&format!("COPY {table} ({}) FROM STDIN", columns.join(", ")))
                    .await?;
            let mut buf = String::with_capacity(COPY_CHUNK + 4096);
            for row in rows {
                copy_line(&mut buf, row);
                if buf.len() >= COPY_CHUNK {
                    sink.send(std::mem::take(&mut buf).into_bytes()).await?;
                    buf.reserve(COPY_CHUNK + 4096);
                }
            }
            if !buf.is_empty() {
                sink.send(buf.into_bytes()).await?;
            }
            sink.finish().await?;
            Ok(())
        }
    }
}

/// The yardstick of `renke bench gen`: `table`'s rows written again, as they are, into an
/// empty copy of the table with the same indexes, by the same bulk path (multi-row `INSERT`s
/// on SQLite, `COPY` on PostgreSQL), in transactions of `batch` rows as the import's: what a
/// bulk import costs without the platform's own work (reading parents, computing paths,
/// reserving ids, building the rows, the triggers). Returns the rows and the time of the
/// write alone; the copy is dropped after.
pub async fn rewrite_time(
    db: &crate::Db,
    table: &'static str,
    batch: usize,
) -> Result<(usize, std::time::Duration), StoreError> {
    let batch = batch.max(1);
    let (rows, took) = match db {
        crate::Db::Sqlite(crate::Sqlite { pool, .. }) => {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(pool)
                    .await?;
            let data: Vec<sqlx::sqlite::SqliteRow> =
                sqlx::query(AssertSqlSafe(format!("SELECT * FROM {table}")))
                    .fetch_all(pool)
                    .await?;
            let owned = sqlite_cells(&data, columns.len())?;
            let cells: Vec<Vec<Cell<'_>>> = owned
                .iter()
                .map(|r| r.iter().map(Owned::cell).collect())
                .collect();
            let scratch = create_scratch(db, table).await?;
            let names: Vec<&str> = columns.iter().map(String::as_str).collect();
            let t = std::time::Instant::now();
            for chunk in cells.chunks(batch) {
                let mut tx = db.write().await?;
                insert(&mut tx, &scratch, &names, chunk).await?;
                tx.commit().await?;
            }
            (cells.len(), t.elapsed())
        }
        crate::Db::Pg(pool) => {
            let mut conn = pool.acquire().await?;
            let mut out = conn
                .copy_out_raw(&format!("COPY {table} TO STDOUT"))
                .await?;
            let mut text = Vec::new();
            while let Some(chunk) = futures_util::StreamExt::next(&mut out).await {
                text.extend_from_slice(&chunk?);
            }
            drop(out);
            let rows = text.iter().filter(|b| **b == b'\n').count();
            let scratch = create_scratch(db, table).await?;
            // Whole rows, `batch` to a transaction.
            let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
            let t = std::time::Instant::now();
            for chunk in lines.chunks(batch) {
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                let mut sink = tx
                    .copy_in_raw(&format!("COPY {scratch} FROM STDIN"))
                    .await?;
                let mut buf = Vec::with_capacity(COPY_CHUNK + 4096);
                for line in chunk {
                    buf.extend_from_slice(line);
                    if buf.len() >= COPY_CHUNK {
                        sink.send(std::mem::take(&mut buf)).await?;
                    }
                }
                if !buf.is_empty() {
                    sink.send(buf).await?;
                }
                sink.finish().await?;
                tx.commit().await?;
            }
            (rows, t.elapsed())
        }
    };
    drop_scratch(db, table).await?;
    Ok((rows, took))
}

/// An empty copy of `table` named `bench_raw_{table}`, with the same columns (in the same
/// order) and indexes, for the yardsticks; dropped by [`drop_scratch`].
async fn create_scratch(db: &crate::Db, table: &str) -> Result<String, StoreError> {
    let scratch = format!("bench_raw_{table}");
    let mut tx = db.write().await?;
    match &mut tx {
        Tx::Sqlite(t) => {
            let ddl: Vec<String> = sqlx::query_scalar(
                "SELECT sql FROM sqlite_master WHERE tbl_name = $1 AND sql IS NOT NULL \
                 AND type IN ('table', 'index') ORDER BY type DESC",
            )
            .bind(table)
            .fetch_all(&mut *t.tx)
            .await?;
            for (i, sql) in ddl.iter().enumerate() {
                // CREATE TABLE orgs (…) / CREATE INDEX orgs_x ON orgs (…)
                let sql = sql
                    .replacen(&format!(" {table} "), &format!(" {scratch} "), 1)
                    .replacen(&format!(" {table}("), &format!(" {scratch}("), 1)
                    .replacen("INDEX ", &format!("INDEX {scratch}_{i}_"), 1);
                sqlx::query(AssertSqlSafe(sql)).execute(&mut *t.tx).await?;
            }
        }
        Tx::Pg(t) => {
            sqlx::query(AssertSqlSafe(format!(
                "CREATE TABLE {scratch} (LIKE {table} INCLUDING ALL)"
            )))
            .execute(&mut *t.tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(scratch)
}

async fn drop_scratch(db: &crate::Db, table: &str) -> Result<(), StoreError> {
    crate::on_db!(db, |p| sqlx::query(AssertSqlSafe(format!(
        "DROP TABLE IF EXISTS bench_raw_{table}"
    )))
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The tables a submission's sending writes rows into, each with the rows of one
/// submission (`$1`), for [`SubmissionsRewrite`].
const SUBMISSION_ROWS: [(&str, &str); 4] = [
    (
        "files",
        "id IN (SELECT file_id FROM submission_files WHERE submission_id = $1)",
    ),
    ("submissions", "id = $1"),
    ("submission_versions", "submission_id = $1"),
    ("submission_files", "submission_id = $1"),
];

/// The yardstick of `renke bench tasks`' rush: the rows the rush wrote for a task's
/// submissions (each submission's row, its versions, its lists of files and the files'
/// records) written again, as they are, into empty copies of their tables with the same
/// indexes, one transaction per submission as the platform commits them. What those rows
/// cost the database without the platform's own work (HTTP, sessions, checks, tallies,
/// triggers, reading back). The caller times [`SubmissionsRewrite::write`] over
/// [`SubmissionsRewrite::ids`] from as many writers as it likes, then calls
/// [`SubmissionsRewrite::finish`].
pub struct SubmissionsRewrite {
    ids: Vec<i64>,
    /// One `INSERT … SELECT` per table of [`SUBMISSION_ROWS`], made once.
    statements: Vec<String>,
}

impl SubmissionsRewrite {
    /// Copies the tables (empty) and lists the submissions of `task_id`.
    pub async fn prepare(db: &crate::Db, task_id: i64) -> Result<Self, StoreError> {
        for (table, _) in SUBMISSION_ROWS {
            drop_scratch(db, table).await?;
            create_scratch(db, table).await?;
        }
        let ids = crate::on_db!(db, |p| sqlx::query_scalar(
            "SELECT id FROM submissions WHERE task_id = $1 AND version > 0 ORDER BY id"
        )
        .bind(task_id)
        .fetch_all(p)
        .await)?;
        let statements = SUBMISSION_ROWS
            .iter()
            .map(|(table, rows)| {
                format!("INSERT INTO bench_raw_{table} SELECT * FROM {table} WHERE {rows}")
            })
            .collect();
        Ok(Self { ids, statements })
    }

    /// The submissions sent, to pass to [`SubmissionsRewrite::write`] one by one.
    pub fn ids(&self) -> &[i64] {
        &self.ids
    }

    /// One submission's rows, in one transaction.
    pub async fn write(&self, db: &crate::Db, submission_id: i64) -> Result<(), StoreError> {
        let mut tx = db.write().await?;
        for sql in &self.statements {
            crate::on_tx!(&mut tx, |t| sqlx::query(AssertSqlSafe(sql.as_str()))
                .bind(submission_id)
                .execute(&mut *t)
                .await
                .map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Drops the copies.
    pub async fn finish(self, db: &crate::Db) -> Result<(), StoreError> {
        for (table, _) in SUBMISSION_ROWS {
            drop_scratch(db, table).await?;
        }
        Ok(())
    }
}

/// A value read back for [`rewrite_time`].
enum Owned {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Owned {
    fn cell(&self) -> Cell<'_> {
        match self {
            Owned::Int(v) => Cell::Int(*v),
            Owned::Text(v) => Cell::Text(v.as_deref()),
        }
    }
}

fn sqlite_cells(rows: &[sqlx::sqlite::SqliteRow], n: usize) -> Result<Vec<Vec<Owned>>, StoreError> {
    use sqlx::{Row, TypeInfo, ValueRef};
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut cells = Vec::with_capacity(n);
        for i in 0..n {
            let raw = row.try_get_raw(i)?;
            let integer = !raw.is_null() && raw.type_info().name() == "INTEGER";
            cells.push(if raw.is_null() {
                Owned::Text(None)
            } else if integer {
                Owned::Int(row.try_get(i)?)
            } else {
                Owned::Text(row.try_get(i)?)
            });
        }
        out.push(cells);
    }
    Ok(out)
}

/// `INSERT INTO table (columns) VALUES (?, …), (…)` for `rows` rows (SQLite only).
fn values_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        vec![row.as_str(); rows].join(", ")
    )
}

/// One row in `COPY`'s text format: tab-separated, `\N` for NULL, backslash escapes.
fn copy_line(buf: &mut String, row: &[Cell<'_>]) {
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            buf.push('\t');
        }
        match *cell {
            Cell::Int(Some(v)) => {
                let _ = write!(buf, "{v}");
            }
            Cell::Int(None) | Cell::Text(None) => buf.push_str("\\N"),
            Cell::Text(Some(s)) => {
                for ch in s.chars() {
                    match ch {
                        '\\' => buf.push_str("\\\\"),
                        '\t' => buf.push_str("\\t"),
                        '\n' => buf.push_str("\\n"),
                        '\r' => buf.push_str("\\r"),
                        c => buf.push(c),
                    }
                }
            }
            Cell::Time(t) => buf.push_str(&t.to_rfc3339_opts(SecondsFormat::Micros, true)),
        }
    }
    buf.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_would_end_a_field_or_a_row() {
        let mut buf = String::new();
        let t = DateTime::parse_from_rfc3339("2022-06-09T08:30:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        copy_line(
            &mut buf,
            &[
                Cell::Int(Some(7)),
                Cell::Text(Some("广东\t省\\局\n二行\r")),
                Cell::Text(None),
                Cell::Int(None),
                Cell::Time(t),
            ],
        );
        assert_eq!(
            buf,
            "7\t广东\\t省\\\\局\\n二行\\r\t\\N\t\\N\t2022-06-09T08:30:00.000000Z\n"
        );
    }

    #[test]
    fn values_are_anonymous_parameters_row_by_row() {
        assert_eq!(
            values_sql("t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
    }
}
