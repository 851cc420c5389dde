//! Fresh databases for tests: every store test runs on SQLite, and on PostgreSQL too when
//! `RENKE_TEST_POSTGRES_URL` is set. Each test gets its own database, dropped afterwards:
//! by [`TestDb::cleanup`], or else when the [`TestDb`] is dropped — also while a failing
//! test unwinds — so a panicking test leaves no database behind on the server.

use crate::{Db, StoreError};
use rand::RngExt;
use sqlx::AssertSqlSafe;

/// The environment variable that switches the PostgreSQL tests on.
pub const POSTGRES_ENV: &str = "RENKE_TEST_POSTGRES_URL";

/// A migrated, empty database that belongs to one test. A PostgreSQL database is dropped
/// by [`TestDb::cleanup`] or, failing that, when the value is dropped (see its `Drop`).
pub struct TestDb {
    pub db: Db,
    pub url: String,
    kind: Kind,
}

enum Kind {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Pg {
        admin_url: String,
        name: String,
    },
    /// Already cleaned up.
    Gone,
}

impl TestDb {
    /// A fresh SQLite database file in a temporary directory.
    pub async fn sqlite() -> Result<TestDb, StoreError> {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}/renke.db", dir.path().display());
        // A test's database need not survive a power loss.
        let db = Db::open(
            &url,
            crate::DbOptions {
                max_connections: 8,
                sqlite_synchronous: crate::Synchronous::Normal,
            },
        )
        .await?;
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
            Kind::Gone => Err(StoreError::Io(std::io::Error::other(
                "test database already cleaned up",
            ))),
        }
    }

    /// A short name for assertion messages: "sqlite" or "postgres".
    pub fn label(&self) -> &'static str {
        match self.kind {
            Kind::Sqlite(_) | Kind::Gone => "sqlite",
            Kind::Pg { .. } => "postgres",
        }
    }

    /// The PostgreSQL database's name, `None` on SQLite.
    pub fn postgres_name(&self) -> Option<&str> {
        match &self.kind {
            Kind::Pg { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Closes the pool and drops a PostgreSQL test database.
    pub async fn cleanup(mut self) {
        self.db.close().await;
        if let Kind::Pg { admin_url, name } = std::mem::replace(&mut self.kind, Kind::Gone) {
            drop_database(&admin_url, &name).await;
        }
    }
}

/// A PostgreSQL test database not cleaned up — the test panicked, or returned early — is
/// dropped here. This may run while a test unwinds inside its own runtime, which cannot be
/// waited on from here, so the drop runs on a thread of its own with a runtime of its own,
/// and this waits for it. `WITH (FORCE)` ends the connections the pool still holds.
impl Drop for TestDb {
    fn drop(&mut self) {
        let Kind::Pg { admin_url, name } = std::mem::replace(&mut self.kind, Kind::Gone) else {
            return;
        };
        let dropper =
            std::thread::spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(drop_database(&admin_url, &name)),
                    Err(e) => eprintln!("test database {name} not dropped: {e}"),
                }
            });
        let _ = dropper.join();
    }
}

/// `DROP DATABASE … WITH (FORCE)` on the server of `admin_url`; failures are reported on
/// stderr, never panicked on (this runs in `Drop`, maybe during a panic).
async fn drop_database(admin_url: &str, name: &str) {
    match Db::connect_with(admin_url, 1).await {
        Ok(Db::Pg(p)) => {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            if let Err(e) = sqlx::query(AssertSqlSafe(sql)).execute(&p).await {
                eprintln!("test database {name} not dropped: {e}");
            }
            p.close().await;
        }
        Ok(other) => other.close().await,
        Err(e) => eprintln!("test database {name} not dropped: {e}"),
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

/// The S3-compatible server under test (`.ci/services` starts one): its endpoint and an
/// existing bucket.
pub const S3_ENDPOINT_ENV: &str = "RENKE_TEST_S3_ENDPOINT";
pub const S3_BUCKET_ENV: &str = "RENKE_TEST_S3_BUCKET";

/// A file store in the test S3 server's bucket under a fresh random prefix (so tests never
/// see each other's objects), when `RENKE_TEST_S3_ENDPOINT` is set; `None` otherwise.
pub fn s3_store() -> Option<crate::files::FileStore> {
    let endpoint = std::env::var(S3_ENDPOINT_ENV).ok()?;
    let bucket = std::env::var(S3_BUCKET_ENV).unwrap_or_else(|_| "renke-test".to_owned());
    let options = crate::files::S3Options {
        bucket,
        endpoint: Some(endpoint),
        region: "us-east-1".to_owned(),
        access_key_id: Some("renke-test".to_owned()),
        secret_access_key: Some("renke-test".to_owned()),
        prefix: Some(format!("t{:016x}", rand::rng().random::<u64>())),
    };
    match crate::files::FileStore::s3(&options) {
        Ok(store) => Some(store),
        Err(e) => panic_in_test(&format!(
            "{S3_ENDPOINT_ENV} is set but the store cannot be built: {e}"
        )),
    }
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
