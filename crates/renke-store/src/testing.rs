//! Fresh databases for tests: every store test runs on SQLite, and on PostgreSQL too when
//! `RENKE_TEST_POSTGRES_URL` is set. Each test gets its own database, dropped afterwards.

use crate::{Db, StoreError};
use rand::RngExt;
use sqlx::AssertSqlSafe;

/// The environment variable that switches the PostgreSQL tests on.
pub const POSTGRES_ENV: &str = "RENKE_TEST_POSTGRES_URL";

/// A migrated, empty database that belongs to one test.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    kind: Kind,
}

enum Kind {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Pg { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh SQLite database file in a temporary directory.
    pub async fn sqlite() -> Result<TestDb, StoreError> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}/renke.db", dir.path().display());
        let db = Db::connect_with(&url, 8).await?;
        db.migrate().await?;
        Ok(TestDb {
            db,
            url,
            kind: Kind::Sqlite(dir),
        })
    }

    /// A fresh PostgreSQL database on the server named by `admin_url`.
    pub async fn postgres(admin_url: &str) -> Result<TestDb, StoreError> {
        let name = format!("renke_test_{:016x}", rand::rng().random::<u64>());
        let admin = Db::connect_with(admin_url, 1).await?;
        if let Db::Pg(p) = &admin {
            sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(p)
                .await?;
        }
        admin.close().await;
        let url = with_database(admin_url, &name);
        let db = Db::connect_with(&url, 8).await?;
        db.migrate().await?;
        Ok(TestDb {
            db,
            url,
            kind: Kind::Pg {
                admin_url: admin_url.to_owned(),
                name,
            },
        })
    }

    /// Another empty database on the same backend (e.g. a restore target).
    pub async fn sibling(&self) -> Result<TestDb, StoreError> {
        match &self.kind {
            Kind::Sqlite(_) => TestDb::sqlite().await,
            Kind::Pg { admin_url, .. } => TestDb::postgres(admin_url).await,
        }
    }

    /// A short name for assertion messages: "sqlite" or "postgres".
    pub fn label(&self) -> &'static str {
        match self.kind {
            Kind::Sqlite(_) => "sqlite",
            Kind::Pg { .. } => "postgres",
        }
    }

    /// Closes the pool and drops a PostgreSQL test database.
    pub async fn cleanup(self) {
        self.db.close().await;
        if let Kind::Pg { admin_url, name } = self.kind
            && let Ok(Db::Pg(p)) = Db::connect_with(&admin_url, 1).await
        {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let _ = sqlx::query(AssertSqlSafe(sql)).execute(&p).await;
            p.close().await;
        }
    }
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// One fresh database per backend under test: SQLite always, PostgreSQL when
/// `RENKE_TEST_POSTGRES_URL` is set. A set but unreachable server is an error, never a skip.
pub async fn backends() -> Vec<TestDb> {
    let mut out = Vec::new();
    match TestDb::sqlite().await {
        Ok(db) => out.push(db),
        Err(e) => panic_in_test(&format!("sqlite test database: {e}")),
    }
    if let Ok(url) = std::env::var(POSTGRES_ENV) {
        match TestDb::postgres(&url).await {
            Ok(db) => out.push(db),
            Err(e) => panic_in_test(&format!(
                "{POSTGRES_ENV} is set but the database cannot be used: {e}"
            )),
        }
    }
    out
}

#[allow(clippy::panic)]
fn panic_in_test(msg: &str) -> ! {
    panic!("{msg}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_database_name() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            super::with_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
