//! Connecting to SQLite or PostgreSQL, chosen from the URL scheme.

use crate::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;

/// The database: a pool of one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Pg(PgPool),
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

impl Db {
    /// Opens the database named by `url`: `sqlite://PATH` (created when missing, WAL,
    /// foreign keys, busy timeout) or `postgres://…`. Does not run migrations.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        Self::connect_with(url, 16).await
    }

    /// Like [`Db::connect`] with a chosen maximum pool size.
    pub async fn connect_with(url: &str, max_connections: u32) -> Result<Db, StoreError> {
        match Backend::from_url(url)? {
            Backend::Sqlite => {
                let opts = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
                    .pragma("cache_size", "-4000")
                    .pragma("temp_store", "memory");
                let pool = SqlitePoolOptions::new()
                    .max_connections(max_connections)
                    .min_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts)
                    .await?;
                Ok(Db::Sqlite(pool))
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

    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Db::Pg(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
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
            Db::Sqlite(p) => PoolStats {
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

    pub async fn close(&self) {
        crate::on_db!(self, |p| p.close().await)
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
