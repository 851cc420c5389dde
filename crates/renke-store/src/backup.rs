//! Backup and restore.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy of the live database to a file; restoring
//! attaches that file and copies every table into the (empty, migrated) target in one
//! transaction.
//!
//! PostgreSQL: a logical dump in Renke's own small container format. Every table is written
//! with `COPY … TO STDOUT` (PostgreSQL's text format, which round-trips every type exactly)
//! inside one REPEATABLE READ transaction, so the dump is a consistent snapshot; restore
//! replays each block with `COPY … FROM STDIN` in one transaction and resets the identity
//! sequences. No external tool (pg_dump) is needed, so versions never mismatch.
//!
//! Both refuse to restore into a database that is not empty or is at another migration.

use crate::{Backend, Db, StoreError, on_db};
use futures_util::StreamExt;
use sqlx::AssertSqlSafe;
use sqlx::Connection;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

/// Every table holding data, parents before children. A test checks this list against the
/// schema, so a migration that adds a table must add it here. Not listed: the audit's
/// bookkeeping and `public_changes` (the public pages' change count, made by the migration;
/// a restored database starts from it).
pub const TABLES: &[&str] = &[
    // The audit trail as it was: restored as is, while the restore itself records nothing
    // (see `audit::RESTORE`).
    "audit_log",
    "orgs",
    "org_counts",
    "accounts",
    "org_aliases",
    "sessions",
    "api_tokens",
    "login_failures",
    "oidc_logins",
    "campaigns",
    "campaign_local_themes",
    "files",
    "notices",
    "notice_recipients",
    "notice_contacts",
    "notice_attachments",
    "notice_deliveries",
    "notice_relays",
    "notice_imports",
    "jobs",
    "tasks",
    "task_recipients",
    "task_tallies",
    "submissions",
    "submission_versions",
    "rollup_sources",
    "submission_files",
    "task_items",
    "task_reminder_plans",
    "reminders",
    "messages",
    "activities",
    "activity_organisers",
    "activity_venues",
    "venue_participants",
    "activity_sessions",
    "registrations",
    "checkins",
    "debug_slots",
    "venue_checks",
    "registration_messages",
    "pt_schemes",
    "pt_measurands",
    "pt_rounds",
    "pt_enrolments",
    "pt_enrolment_measurands",
    "pt_dispatches",
    "pt_results",
    "pt_evaluations",
    "pt_evaluation_runs",
    "pt_scores",
    "pt_followups",
    "pt_followup_files",
    "pt_studies",
    "publicity_materials",
    "industry_stat_sets",
    "industry_stat_rows",
    "industry_reports",
    "industry_report_shares",
    "publicity_shipments",
    "publicity_shipment_lines",
    "publicity_initiatives",
    "publicity_signatures",
    "publicity_certificates",
    "case_calls",
    "case_panel",
    "case_submissions",
    "case_submission_files",
    "case_scores",
    "search_index",
];

/// Tables that have an identity column named `id` to resynchronise after a PostgreSQL restore.
const IDENTITY_TABLES: &[&str] = &[
    "audit_log",
    "orgs",
    "accounts",
    "api_tokens",
    "login_failures",
    "campaigns",
    "notices",
    "jobs",
    "files",
    "tasks",
    "submissions",
    "task_items",
    "reminders",
    "messages",
    "activities",
    "activity_venues",
    "activity_sessions",
    "registrations",
    "debug_slots",
    "registration_messages",
    "pt_schemes",
    "pt_measurands",
    "pt_rounds",
    "pt_enrolments",
    "pt_dispatches",
    "pt_evaluations",
    "pt_evaluation_runs",
    "pt_followups",
    "pt_studies",
    "publicity_materials",
    "industry_stat_sets",
    "industry_stat_rows",
    "industry_reports",
    "publicity_shipments",
    "publicity_shipment_lines",
    "publicity_initiatives",
    "publicity_signatures",
    "publicity_certificates",
    "case_calls",
    "case_submissions",
    "search_index",
];

const PG_MAGIC: &str = "RENKE-BACKUP postgres";

/// Tables that exist in the database, apart from the migration bookkeeping.
pub async fn schema_tables(db: &Db) -> Result<Vec<String>, StoreError> {
    // DIALECT: catalog queries differ.
    let rows: Vec<String> = match db {
        Db::Sqlite(crate::Sqlite { pool: p, .. }) => {
            sqlx::query_scalar(
                // search_fts (FTS5) and its own tables follow search_index through triggers.
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name <> '_sqlx_migrations' AND name NOT LIKE 'search_fts%' \
                 AND name NOT IN ('audit_context', 'audit_triggers', 'public_changes') ORDER BY name",
            )
            .fetch_all(p)
            .await?
        }
        Db::Pg(p) => {
            sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' \
                 AND table_name NOT IN ('audit_triggers', 'public_changes') ORDER BY table_name",
            )
            .fetch_all(p)
            .await?
        }
    };
    Ok(rows)
}

/// Writes a backup of `db` to `to`, which must not exist yet.
pub async fn backup(db: &Db, to: &Path) -> Result<(), StoreError> {
    if to.exists() {
        return Err(StoreError::Backup(format!(
            "目标文件已存在 target exists: {}",
            to.display()
        )));
    }
    match db {
        Db::Sqlite(crate::Sqlite { pool: p, .. }) => {
            let target = to
                .to_str()
                .ok_or_else(|| StoreError::Backup("path is not UTF-8".into()))?;
            sqlx::query("VACUUM INTO $1")
                .bind(target)
                .execute(p)
                .await?;
        }
        Db::Pg(p) => {
            let version = db.applied_migration().await?;
            let mut conn = p.acquire().await?;
            let mut tx = conn.begin().await?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
            let mut out = Vec::new();
            writeln!(out, "{PG_MAGIC} {version}")?;
            for table in TABLES {
                let data = copy_out(&mut tx, table).await?;
                writeln!(out, "TABLE {table} {}", data.len())?;
                out.extend_from_slice(&data);
            }
            writeln!(out, "END")?;
            tx.commit().await?;
            let tmp = to.with_extension("partial");
            tokio::fs::write(&tmp, &out).await?;
            tokio::fs::rename(&tmp, to).await?;
        }
    }
    Ok(())
}

async fn copy_out(conn: &mut sqlx::PgConnection, table: &str) -> Result<Vec<u8>, StoreError> {
    let stmt = format!("COPY {table} TO STDOUT");
    let mut stream = conn.copy_out_raw(&stmt).await?;
    let mut data = Vec::new();
    while let Some(chunk) = stream.next().await {
        data.extend_from_slice(&chunk?);
    }
    Ok(data)
}

/// Checks that `db` is migrated to this binary's newest version and holds no data.
async fn ensure_empty(db: &Db) -> Result<(), StoreError> {
    let applied = db.applied_migration().await?;
    if applied != db.latest_migration() {
        return Err(StoreError::Backup(format!(
            "目标数据库未迁移到最新版本 target is at migration {applied}, expected {}: run `renke migrate` first",
            db.latest_migration()
        )));
    }
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = on_db!(db, |p| sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
            .fetch_one(p)
            .await)?;
        if n > 0 {
            return Err(StoreError::Backup(format!(
                "目标数据库不为空 restore needs an empty database, but table {table} has {n} rows"
            )));
        }
    }
    Ok(())
}

/// Restores the backup at `from` into `db`, which must be empty and migrated.
pub async fn restore(db: &Db, from: &Path) -> Result<(), StoreError> {
    let mut head = [0u8; 21];
    let n = std::fs::File::open(from)?.read(&mut head)?;
    let kind = if head[..n].starts_with(b"SQLite format 3\0") {
        Backend::Sqlite
    } else if head[..n].starts_with(PG_MAGIC.as_bytes()) {
        Backend::Postgres
    } else {
        return Err(StoreError::Backup(format!(
            "不是 Renke 备份文件 not a Renke backup: {}",
            from.display()
        )));
    };
    if kind != db.backend() {
        return Err(StoreError::Backup(format!(
            "备份来自另一种数据库 the backup is from {kind:?}, the target is {:?}",
            db.backend()
        )));
    }
    ensure_empty(db).await?;
    match db {
        Db::Sqlite(crate::Sqlite { pool: p, .. }) => {
            let src = from
                .to_str()
                .ok_or_else(|| StoreError::Backup("path is not UTF-8".into()))?;
            let mut conn = p.acquire().await?;
            sqlx::query("ATTACH DATABASE $1 AS backup")
                .bind(src)
                .execute(&mut *conn)
                .await?;
            let result = async {
                let v: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(version), 0) FROM backup._sqlx_migrations",
                )
                .fetch_one(&mut *conn)
                .await?;
                if v != db.latest_migration() {
                    return Err(StoreError::Backup(format!(
                        "backup is at migration {v}, this binary at {}",
                        db.latest_migration()
                    )));
                }
                let mut tx = conn.begin().await?;
                sqlx::query(crate::audit::RESTORE_SQLITE[0])
                    .execute(&mut *tx)
                    .await?;
                for table in TABLES {
                    sqlx::query(AssertSqlSafe(format!(
                        "INSERT INTO main.{table} SELECT * FROM backup.{table}"
                    )))
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(crate::audit::RESTORE_SQLITE[1])
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }
            .await;
            sqlx::query("DETACH DATABASE backup")
                .execute(&mut *conn)
                .await?;
            result
        }
        Db::Pg(p) => {
            let mut reader = BufReader::new(std::fs::File::open(from)?);
            let mut line = String::new();
            reader.read_line(&mut line)?;
            let version: i64 = line
                .trim()
                .strip_prefix(PG_MAGIC)
                .map(str::trim)
                .and_then(|v| v.parse().ok())
                .unwrap_or(-1);
            if version != db.latest_migration() {
                return Err(StoreError::Backup(format!(
                    "backup is at migration {version}, this binary at {}",
                    db.latest_migration()
                )));
            }
            let mut conn = p.acquire().await?;
            let mut tx = conn.begin().await?;
            sqlx::query(crate::audit::RESTORE_PG)
                .execute(&mut *tx)
                .await?;
            loop {
                line.clear();
                reader.read_line(&mut line)?;
                let parts: Vec<&str> = line.split_whitespace().collect();
                match parts.as_slice() {
                    ["END"] => break,
                    ["TABLE", table, len] => {
                        if !TABLES.contains(table) {
                            return Err(StoreError::Backup(format!(
                                "unknown table {table} in backup"
                            )));
                        }
                        let len: usize = len
                            .parse()
                            .map_err(|_| StoreError::Backup("bad block length".into()))?;
                        let mut data = vec![0u8; len];
                        reader.read_exact(&mut data)?;
                        let mut sink = tx.copy_in_raw(&format!("COPY {table} FROM STDIN")).await?;
                        sink.send(data).await?;
                        sink.finish().await?;
                    }
                    _ => return Err(StoreError::Backup("damaged backup file".into())),
                }
            }
            for table in IDENTITY_TABLES {
                sqlx::query(AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                )))
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        }
    }
}

/// Every row of `table` rendered as text in primary-key order: for comparing databases.
pub async fn table_dump(db: &Db, table: &str) -> Result<Vec<String>, StoreError> {
    if !TABLES.contains(&table) {
        return Err(StoreError::Backup(format!("unknown table {table}")));
    }
    match db {
        Db::Sqlite(crate::Sqlite { pool: p, .. }) => {
            let cols: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                    .bind(table)
                    .fetch_all(p)
                    .await?;
            let expr: Vec<String> = cols.iter().map(|c| format!("quote({c})")).collect();
            let sql = format!(
                "SELECT {} FROM {table} ORDER BY 1",
                expr.join(" || '|' || ")
            );
            Ok(sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
                .fetch_all(p)
                .await?)
        }
        Db::Pg(p) => {
            let sql = format!("SELECT CAST(t AS TEXT) FROM {table} t ORDER BY 1");
            Ok(sqlx::query_scalar(AssertSqlSafe(sql.as_str()))
                .fetch_all(p)
                .await?)
        }
    }
}
