use crate::fixtures::now;
use chrono::Duration;
use renke_store::jobs::{self, NewJob};
use renke_store::testing::backends;
use renke_store::{Db, StoreError};
use std::collections::BTreeSet;

fn job(n: i64) -> NewJob {
    NewJob::new("mail", &serde_json::json!({ "n": n }), now()).unwrap()
}

#[tokio::test]
async fn dedupe_key_enqueues_once_ever() {
    for t in backends().await {
        let db = &t.db;
        let k = "reminder:task:1:org:2:2022-06-17";
        let first = jobs::enqueue(db, &job(1).dedupe(k), now()).await.unwrap();
        assert!(first.is_some(), "{}", t.label());
        // Again while queued, and again after it ran: never a second job.
        assert_eq!(
            jobs::enqueue(db, &job(2).dedupe(k), now()).await.unwrap(),
            None
        );
        let claimed = jobs::claim(db, "w1", 10, now(), Duration::minutes(5))
            .await
            .unwrap();
        assert!(
            jobs::complete(db, claimed[0].id, "w1", now())
                .await
                .unwrap()
        );
        assert_eq!(
            jobs::enqueue(db, &job(3).dedupe(k), now()).await.unwrap(),
            None
        );
        // Jobs without a key are never deduplicated.
        assert!(jobs::enqueue(db, &job(4), now()).await.unwrap().is_some());
        assert!(jobs::enqueue(db, &job(5), now()).await.unwrap().is_some());
        assert_eq!(jobs::list(db, Some("mail"), 0, 10).await.unwrap().len(), 3);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_job_enqueued_in_a_rolled_back_transaction_does_not_exist() {
    for t in backends().await {
        let db = &t.db;
        let r: Result<(), StoreError> = async {
            let mut tx = db.write().await?;
            jobs::enqueue_in(&mut tx, &job(1), now()).await?;
            // A later step of the same write fails: `?` leaves early, dropping the
            // transaction, which rolls back.
            renke_store::on_tx!(&mut tx, |c| sqlx::query("UPDATE no_such_table SET x = 1")
                .execute(&mut *c)
                .await
                .map(|_| ()))?;
            tx.commit().await
        }
        .await;
        assert!(r.is_err());
        assert!(
            jobs::list(db, None, 0, 10).await.unwrap().is_empty(),
            "{}",
            t.label()
        );
        let r: Result<Option<i64>, StoreError> = async {
            let mut tx = db.write().await?;
            let id = jobs::enqueue_in(&mut tx, &job(2), now()).await?;
            tx.commit().await?;
            Ok(id)
        }
        .await;
        assert!(r.unwrap().is_some());
        assert_eq!(jobs::list(db, None, 0, 10).await.unwrap().len(), 1);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn only_due_jobs_are_claimed_and_each_by_one_worker() {
    for t in backends().await {
        let db = &t.db;
        for n in 0..40 {
            jobs::enqueue(db, &job(n), now()).await.unwrap();
        }
        let mut later = job(99);
        later.run_at = now() + Duration::hours(1);
        jobs::enqueue(db, &later, now()).await.unwrap();

        // Four workers claim at once, in batches, until nothing is due.
        let mut handles = Vec::new();
        for w in 0..4 {
            let db: Db = db.clone();
            handles.push(tokio::spawn(async move {
                let name = format!("w{w}");
                let mut got = Vec::new();
                loop {
                    let batch = jobs::claim(&db, &name, 3, now(), Duration::minutes(5))
                        .await
                        .unwrap();
                    if batch.is_empty() {
                        break got;
                    }
                    for j in batch {
                        assert!(jobs::complete(&db, j.id, &name, now()).await.unwrap());
                        got.push(j.id);
                    }
                }
            }));
        }
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        let distinct: BTreeSet<i64> = all.iter().copied().collect();
        assert_eq!(
            all.len(),
            40,
            "{}: every due job claimed exactly once",
            t.label()
        );
        assert_eq!(distinct.len(), 40, "{}", t.label());
        // The future job waits for its time.
        let at = now() + Duration::hours(1);
        let due = jobs::claim(db, "w0", 10, at, Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(due.len(), 1);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_expired_lease_is_reclaimed_and_the_old_worker_cannot_complete() {
    for t in backends().await {
        let db = &t.db;
        jobs::enqueue(db, &job(1), now()).await.unwrap();
        let a = jobs::claim(db, "a", 1, now(), Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(a.len(), 1);
        // Held: nobody else gets it within the lease.
        let t1 = now() + Duration::minutes(4);
        assert!(
            jobs::claim(db, "b", 1, t1, Duration::minutes(5))
                .await
                .unwrap()
                .is_empty()
        );
        // Lease ran out: b takes it over; a's late completion is refused.
        let t2 = now() + Duration::minutes(6);
        let b = jobs::claim(db, "b", 1, t2, Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(b[0].id, a[0].id);
        assert_eq!(b[0].attempts, 2);
        assert!(
            !jobs::complete(db, a[0].id, "a", t2).await.unwrap(),
            "{}",
            t.label()
        );
        assert!(jobs::complete(db, b[0].id, "b", t2).await.unwrap());
        t.cleanup().await;
    }
}

#[tokio::test]
async fn failures_retry_with_backoff_then_give_up() {
    for t in backends().await {
        let db = &t.db;
        let mut j = job(1);
        j.dedupe_key = Some("x".into());
        jobs::enqueue(db, &j, now()).await.unwrap();
        let mut at = now();
        for attempt in 1..=5 {
            let c = jobs::claim(db, "w", 1, at, Duration::minutes(5))
                .await
                .unwrap();
            assert_eq!(c.len(), 1, "{}: attempt {attempt}", t.label());
            assert_eq!(c[0].attempts, attempt);
            jobs::fail(db, &c[0], "w", "smtp: connection refused", at)
                .await
                .unwrap();
            // Not due again straight away.
            assert!(
                jobs::claim(db, "w", 1, at, Duration::minutes(5))
                    .await
                    .unwrap()
                    .is_empty()
            );
            at += Duration::hours(1);
        }
        let rows = jobs::list(db, None, 0, 10).await.unwrap();
        assert_eq!(rows[0].status, "failed", "{}", t.label());
        assert_eq!(
            rows[0].last_error.as_deref(),
            Some("smtp: connection refused")
        );
        assert!(
            jobs::claim(db, "w", 1, at, Duration::minutes(5))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            jobs::counts(db).await.unwrap(),
            vec![("failed".to_owned(), 1)]
        );
        t.cleanup().await;
    }
}
