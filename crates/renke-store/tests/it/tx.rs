use crate::fixtures::now;
use renke_store::jobs::{self, NewJob};
use renke_store::testing::backends;
use renke_store::{Db, StoreError};
use std::time::Duration;

fn job(n: i64) -> NewJob {
    NewJob::new("mail", &serde_json::json!({ "n": n }), now()).unwrap()
}

async fn jobs_stored(db: &Db) -> usize {
    jobs::list(db, None, 0, 100).await.unwrap().len()
}

#[tokio::test]
async fn writes_of_several_functions_commit_together_or_not_at_all() {
    for t in backends().await {
        let db = &t.db;
        let mut tx = db.write().await.unwrap();
        jobs::enqueue_in(&mut tx, &job(1), now()).await.unwrap();
        jobs::enqueue_in(&mut tx, &job(2), now()).await.unwrap();
        drop(tx);
        assert_eq!(
            jobs_stored(db).await,
            0,
            "{}: dropped, rolled back",
            t.label()
        );

        let mut tx = db.write().await.unwrap();
        jobs::enqueue_in(&mut tx, &job(3), now()).await.unwrap();
        jobs::enqueue_in(&mut tx, &job(4), now()).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(jobs_stored(db).await, 2, "{}: committed once", t.label());
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_write_left_with_an_error_rolls_back() {
    for t in backends().await {
        let db = &t.db;
        let r: Result<(), StoreError> = async {
            let mut tx = db.write().await?;
            jobs::enqueue_in(&mut tx, &job(1), now()).await?;
            Err(StoreError::State("refused"))
        }
        .await;
        assert!(matches!(r, Err(StoreError::State("refused"))), "{r:?}");
        assert_eq!(jobs_stored(db).await, 0, "{}", t.label());
        t.cleanup().await;
    }
}

/// A second write transaction opened by the task that holds one would wait for ever on
/// SQLite; debug builds fail it with an error naming where the first was opened, on both
/// backends, whether the task is a spawned one or the test's own.
#[cfg(debug_assertions)]
#[tokio::test]
async fn a_nested_write_fails_instead_of_waiting_for_ever() {
    for t in backends().await {
        let db = t.db.clone();
        let nested = |db: Db| async move {
            let mut outer = db.write().await?;
            jobs::enqueue_in(&mut outer, &job(1), now()).await?;
            let inner = db.write().await;
            drop(outer);
            inner.map(drop)
        };
        for spawned in [true, false] {
            let r = tokio::time::timeout(Duration::from_secs(30), async {
                if spawned {
                    tokio::spawn(nested(db.clone())).await.unwrap()
                } else {
                    nested(db.clone()).await
                }
            })
            .await
            .expect("a nested write must not wait for ever");
            let Err(StoreError::NestedWrite { outer }) = r else {
                panic!("{}: expected NestedWrite, got {r:?}", t.label());
            };
            assert!(outer.contains("tests/it/tx.rs"), "{}: {outer}", t.label());
        }
        // The outer transaction was rolled back; the database takes writes again.
        assert_eq!(jobs_stored(&db).await, 0, "{}", t.label());
        let mut tx = db.write().await.unwrap();
        jobs::enqueue_in(&mut tx, &job(2), now()).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(jobs_stored(&db).await, 1, "{}", t.label());
        t.cleanup().await;
    }
}

/// Two branches of one task (`tokio::join!`) may each open a write transaction: the second
/// waits for the first to end and is not taken for a nested write.
#[tokio::test]
async fn writes_of_two_branches_of_one_task_both_commit() {
    for t in backends().await {
        let db = &t.db;
        let write = |n: i64| async move {
            let mut tx = db.write().await?;
            jobs::enqueue_in(&mut tx, &job(n), now()).await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
            tx.commit().await
        };
        let (a, b) = tokio::join!(write(1), write(2));
        a.unwrap();
        b.unwrap();
        assert_eq!(jobs_stored(db).await, 2, "{}", t.label());
        t.cleanup().await;
    }
}

/// A task writes to two databases at once (a restore's source and target): no nested write.
#[tokio::test]
async fn transactions_on_two_databases_in_one_task() {
    for t in backends().await {
        let other = t.sibling().await.unwrap();
        let mut a = t.db.write().await.unwrap();
        let mut b = other.db.write().await.unwrap();
        jobs::enqueue_in(&mut a, &job(1), now()).await.unwrap();
        jobs::enqueue_in(&mut b, &job(2), now()).await.unwrap();
        b.commit().await.unwrap();
        a.commit().await.unwrap();
        assert_eq!(jobs_stored(&t.db).await, 1, "{}", t.label());
        assert_eq!(jobs_stored(&other.db).await, 1, "{}", t.label());
        other.cleanup().await;
        t.cleanup().await;
    }
}
