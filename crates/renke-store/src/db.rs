//! Connecting to SQLite or PostgreSQL, chosen from the URL scheme.

use crate::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The database: a pool of one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(Sqlite),
    Pg(PgPool),
}

/// A SQLite database: a pool for reading, and one connection for the transactions that
/// write, taken in turn.
///
/// SQLite lets one transaction write at a time. A transaction that finds the write lock
/// taken waits in SQLite's busy handler, which polls with sleeps growing to 100 ms: under
/// load the lock sat free while every waiter slept, and the unlucky ones waited seconds
/// while later arrivals went first. Writing transactions ([`Tx`](crate::Tx)) therefore
/// queue here, in order of arrival, and run one after the other on the writer connection.
/// Being the only connection that writes, it also keeps its page cache: SQLite empties a
/// connection's cache whenever another connection has written since its last transaction,
/// so with every pooled connection writing, each transaction began by reading its pages
/// again. Statements that write outside a transaction go through the pool and still meet
/// the busy handler, but they hold the lock for one statement.
#[derive(Clone, Debug)]
pub struct Sqlite {
    pub pool: SqlitePool,
    pub(crate) writer: SqlitePool,
    pub(crate) turn: Arc<tokio::sync::Mutex<()>>,
}

/// One writing transaction's turn ([`Sqlite::write_turn`]): the writer connection, until
/// dropped.
pub struct WriteTurn<'a> {
    _turn: tokio::sync::MutexGuard<'a, ()>,
    pub writer: &'a SqlitePool,
}

impl Sqlite {
    /// Waits for this transaction's turn to write (first come, first served).
    pub async fn write_turn(&self) -> WriteTurn<'_> {
        WriteTurn {
            _turn: self.turn.lock().await,
            writer: &self.writer,
        }
    }
}

/// Which backend a [`Db`] runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Pool figures for `/metrics`.
#[derive(Clone, Copy, Debug)]
pub struct PoolStats {
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

impl Backend {
    /// The backend named by a database URL's scheme; anything else is refused.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("sqlite") => Ok(Backend::Sqlite),
            Some("postgres" | "postgresql") => Ok(Backend::Postgres),
            _ => Err(StoreError::UnknownScheme { url: redact(url) }),
        }
    }
}

/// Hides a password in a URL before it is shown in an error or a log.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// How SQLite makes a commit durable (`PRAGMA synchronous`, in WAL mode).
///
/// - `Full` (2): every commit waits until the write-ahead log is on disk. A commit survives
///   a process crash **and** a power loss or kernel crash.
/// - `Normal` (1): the log is synced only at checkpoints. A commit survives a process crash;
///   a power loss can lose the last commits before a checkpoint (never corrupt the file).
///
/// PostgreSQL ignores it (its own `synchronous_commit` applies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Synchronous {
    #[default]
    Full,
    Normal,
}

impl Synchronous {
    pub const ALL: [Synchronous; 2] = [Synchronous::Full, Synchronous::Normal];

    pub fn as_str(self) -> &'static str {
        match self {
            Synchronous::Full => "full",
            Synchronous::Normal => "normal",
        }
    }

    /// `full` or `normal` (any case); `None` for anything else.
    pub fn parse(s: &str) -> Option<Synchronous> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
    }

    fn pragma(self) -> SqliteSynchronous {
        match self {
            Synchronous::Full => SqliteSynchronous::Full,
            Synchronous::Normal => SqliteSynchronous::Normal,
        }
    }
}

/// How to open a [`Db`].
#[derive(Clone, Copy, Debug)]
pub struct DbOptions {
    /// Largest number of pooled connections (SQLite: the readers' pool).
    pub max_connections: u32,
    pub sqlite_synchronous: Synchronous,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            max_connections: 16,
            sqlite_synchronous: Synchronous::Full,
        }
    }
}

impl Db {
    /// Opens the database named by `url` with the default [`DbOptions`] (16 connections,
    /// SQLite commits synced: [`Synchronous::Full`]). Does not run migrations.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        Self::open(url, DbOptions::default()).await
    }

    /// Like [`Db::connect`] with a chosen maximum pool size.
    pub async fn connect_with(url: &str, max_connections: u32) -> Result<Db, StoreError> {
        Self::open(
            url,
            DbOptions {
                max_connections,
                ..DbOptions::default()
            },
        )
        .await
    }

    /// Opens the database named by `url`: `sqlite://PATH` (created when missing, WAL,
    /// `synchronous` as `options` say, foreign keys, busy timeout) or `postgres://…`. Does
    /// not run migrations.
    pub async fn open(url: &str, options: DbOptions) -> Result<Db, StoreError> {
        let max_connections = options.max_connections;
        match Backend::from_url(url)? {
            Backend::Sqlite => {
                let opts = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(options.sqlite_synchronous.pragma())
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("cache_size", "-4000")
                    .pragma("temp_store", "memory");
                let pool = SqlitePoolOptions::new()
                    .max_connections(max_connections)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts.clone())
                    .await?;
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts)
                    .await?;
                Ok(Db::Sqlite(Sqlite {
                    pool,
                    writer,
                    turn: Arc::new(tokio::sync::Mutex::new(())),
                }))
            }
            Backend::Postgres => {
                let opts = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts)
                    .await?;
                Ok(Db::Pg(pool))
            }
        }
    }

    /// Applies every pending migration of this backend, then installs the audit triggers
    /// for the schema as it stands ([`crate::audit::install`]).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(s) => {
                let turn = s.write_turn().await;
                sqlx::migrate!("./migrations/sqlite")
                    .run(turn.writer)
                    .await?
            }
            Db::Pg(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        crate::audit::install(self).await
    }

    /// The newest migration version this binary knows for the backend.
    pub fn latest_migration(&self) -> i64 {
        let m = match self {
            Db::Sqlite(_) => sqlx::migrate!("./migrations/sqlite"),
            Db::Pg(_) => sqlx::migrate!("./migrations/postgres"),
        };
        m.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The newest migration applied to this database, 0 when none.
    pub async fn applied_migration(&self) -> Result<i64, StoreError> {
        let sql = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";
        let v: Result<i64, sqlx::Error> =
            crate::on_db!(self, |p| sqlx::query_scalar(sql).fetch_one(p).await);
        match v {
            Ok(v) => Ok(v),
            Err(sqlx::Error::Database(_)) => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let _: i64 = crate::on_db!(self, |p| sqlx::query_scalar("SELECT CAST(1 AS BIGINT)")
            .fetch_one(p)
            .await)?;
        Ok(())
    }

    pub fn pool_stats(&self) -> PoolStats {
        match self {
            Db::Sqlite(Sqlite { pool: p, .. }) => PoolStats {
                size: p.size(),
                idle: p.num_idle(),
                max: p.options().get_max_connections(),
            },
            Db::Pg(p) => PoolStats {
                size: p.size(),
                idle: p.num_idle(),
                max: p.options().get_max_connections(),
            },
        }
    }

    /// SQLite's `PRAGMA synchronous` as (a pooled reader's, the writer's): 2 is FULL, 1
    /// NORMAL. `None` on PostgreSQL.
    pub async fn sqlite_synchronous(&self) -> Result<Option<(i64, i64)>, StoreError> {
        let Db::Sqlite(s) = self else {
            return Ok(None);
        };
        let sql = "PRAGMA synchronous";
        let reader: i64 = sqlx::query_scalar(sql).fetch_one(&s.pool).await?;
        let turn = s.write_turn().await;
        let writer: i64 = sqlx::query_scalar(sql).fetch_one(turn.writer).await?;
        Ok(Some((reader, writer)))
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(s) => {
                s.writer.close().await;
                s.pool.close().await;
            }
            Db::Pg(p) => p.close().await,
        }
    }
}

/// Rows written at once past which PostgreSQL's statistics are refreshed at once.
const BULK_ROWS: u64 = 5_000;

/// After one write of `rows` rows into `tables` (a comma-separated list of constants), on
/// PostgreSQL, `ANALYZE`s them when `rows` reaches [`BULK_ROWS`]. Until the statistics are
/// refreshed the planner takes a table that was small for small: issuing a notice to 52,000
/// labs then left the dashboard and every submission on plans made for an empty table
/// (a tally update scanned 2,000 rows, 37 ms instead of 1.5 ms) until autovacuum came
/// round, a minute later at best. The small tables joined to the big one go in the list
/// too: with `tasks` never analysed the planner guessed 260 deliveries for a task's notice
/// where there were 52,000, and the first page of its recipients took 145 ms instead of
/// 1.6 ms (autovacuum never analyses a table of fewer than 50 rows). SQLite plans without
/// such statistics. Runs after the write has committed, so a failure here only logs a
/// warning: the write stands.
pub(crate) async fn analyze_after_bulk(db: &Db, tables: &'static str, rows: u64) {
    if let Db::Pg(p) = db
        && rows >= BULK_ROWS
        && let Err(e) = sqlx::query(sqlx::AssertSqlSafe(format!("ANALYZE {tables}")))
            .execute(p)
            .await
    {
        tracing::warn!(tables, error = %e, "ANALYZE after a bulk write failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("sqlite::memory:").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::from_url("postgres://u@h/d").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/d").unwrap(),
            Backend::Postgres
        );
        let e = Backend::from_url("mysql://root:secret@h/d").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("mysql://root:***@h/d"), "{msg}");
        assert!(!msg.contains("secret"));
        assert!(Backend::from_url("renke.db").is_err());
    }
}
