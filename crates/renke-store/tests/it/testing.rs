//! The test helper itself: a PostgreSQL test database is dropped even when its test panics.

use renke_store::Db;
use renke_store::testing::{POSTGRES_ENV, TestDb, backends};

/// How many databases of this name the server has.
async fn databases_named(admin_url: &str, name: &str) -> i64 {
    let Db::Pg(p) = Db::connect_with(admin_url, 1).await.unwrap() else {
        panic!("{POSTGRES_ENV} is not a PostgreSQL URL");
    };
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&p)
        .await
        .unwrap();
    p.close().await;
    n
}

/// A test body that panics inside its runtime, the way a failing `#[tokio::test]` does, with
/// its databases from `backends()` still open and never cleaned up: the PostgreSQL database
/// is gone from `pg_database` afterwards.
#[tokio::test]
async fn postgres_database_is_dropped_when_the_test_panics() {
    let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
        return;
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    let body = tokio::spawn(async move {
        let all = backends().await;
        let name = all
            .iter()
            .find_map(|t| t.postgres_name())
            .unwrap()
            .to_owned();
        tx.send(name).unwrap();
        // A query on each database, so the pools hold connections, then the failure.
        for t in &all {
            renke_store::orgs::get_by_code(&t.db, "N").await.ok();
        }
        panic!("the test body fails with {} databases open", all.len());
    });
    let outcome = body.await;
    assert!(outcome.unwrap_err().is_panic());
    let name = rx.await.unwrap();
    assert_eq!(databases_named(&admin_url, &name).await, 0, "{name} left");
}

/// A panic in a test that is not async at all (its runtime unwinding with it).
#[test]
fn postgres_database_is_dropped_when_a_blocking_test_panics() {
    let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
        return;
    };
    let url = admin_url.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let outcome = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let t = TestDb::postgres(&url).await.unwrap();
            tx.send(t.postgres_name().unwrap().to_owned()).unwrap();
            panic!("the test body fails");
        })
    })
    .join();
    assert!(outcome.is_err());
    let name = rx.recv().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    assert_eq!(
        rt.block_on(databases_named(&admin_url, &name)),
        0,
        "{name} left"
    );
}

/// `cleanup` still drops the database, and the later `Drop` has nothing left to do.
#[tokio::test]
async fn cleanup_drops_the_postgres_database() {
    let Ok(admin_url) = std::env::var(POSTGRES_ENV) else {
        return;
    };
    let t = TestDb::postgres(&admin_url).await.unwrap();
    let name = t.postgres_name().unwrap().to_owned();
    assert_eq!(databases_named(&admin_url, &name).await, 1);
    t.cleanup().await;
    assert_eq!(databases_named(&admin_url, &name).await, 0);
}
