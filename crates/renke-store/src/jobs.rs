//! The job queue: rows in `jobs`, claimed by workers on any number of app servers.
//!
//! - **Enqueue** inside the transaction of the write that causes the job ([`Enqueue`] on a
//!   transaction's connection), so a job exists exactly when its cause was committed.
//! - **Dedupe keys** make an enqueue idempotent for ever: a second job with the same key is
//!   silently not created, even after the first has run. A reminder keyed by task, unit and
//!   day is therefore sent once however often the scheduler reruns.
//! - **Claiming** marks due jobs `running` with a lease (`locked_until`). On PostgreSQL the
//!   candidate rows are locked with `FOR UPDATE SKIP LOCKED`, so two servers claiming at once
//!   get disjoint jobs without waiting on each other; SQLite has a single writer, so the same
//!   `UPDATE … RETURNING` is already exclusive. A lease that runs out (a server died
//!   mid-job) makes the job claimable again.
//! - A job that fails is retried with a growing delay until `max_attempts`, then `failed`.

use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// What the worker does with it, e.g. `mail`.
    pub kind: String,
    /// JSON the handler of `kind` reads.
    pub payload: String,
    /// At most one job with this key is ever created.
    pub dedupe_key: Option<String>,
    /// Not before this time.
    pub run_at: DateTime<Utc>,
}

impl NewJob {
    /// A job of `kind` with a serialised payload, due at `run_at`.
    pub fn new<T: Serialize>(
        kind: &str,
        payload: &T,
        run_at: DateTime<Utc>,
    ) -> Result<NewJob, StoreError> {
        Ok(NewJob {
            kind: kind.to_owned(),
            payload: serde_json::to_string(payload)
                .map_err(|e| StoreError::Payload(e.to_string()))?,
            dedupe_key: None,
            run_at,
        })
    }

    /// The same job, created at most once for `key`.
    pub fn dedupe(mut self, key: impl Into<String>) -> NewJob {
        self.dedupe_key = Some(key.into());
        self
    }
}

/// A claimed job, to be passed back to [`complete`] or [`fail`].
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// A job as the queue page and tests see it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct JobRow {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub dedupe_key: Option<String>,
    pub status: String,
    pub run_at: DateTime<Utc>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub finished_at: Option<DateTime<Utc>>,
}

const INSERT: &str = "INSERT INTO jobs (kind, payload, dedupe_key, run_at, created_at) \
                      VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id";

/// Enqueues on a transaction, so the job commits or rolls back with the write that caused
/// it: `tx.enqueue(&job, now).await?` on a [`Tx`] or on its connection ([`crate::on_tx!`]).
pub trait Enqueue {
    /// The new job's id, or `None` when a job with the same dedupe key already exists.
    fn enqueue(
        &mut self,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<i64>, sqlx::Error>> + Send;
}

impl Enqueue for sqlx::SqliteConnection {
    async fn enqueue(
        &mut self,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(INSERT)
            .bind(&job.kind)
            .bind(&job.payload)
            .bind(job.dedupe_key.as_deref())
            .bind(job.run_at)
            .bind(now)
            .fetch_optional(self)
            .await
    }
}

impl Enqueue for sqlx::PgConnection {
    async fn enqueue(
        &mut self,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(INSERT)
            .bind(&job.kind)
            .bind(&job.payload)
            .bind(job.dedupe_key.as_deref())
            .bind(job.run_at)
            .bind(now)
            .fetch_optional(self)
            .await
    }
}

impl Enqueue for Tx {
    async fn enqueue(
        &mut self,
        job: &NewJob,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, sqlx::Error> {
        on_tx!(self, |c| c.enqueue(job, now).await)
    }
}

/// Enqueues one job in transaction `tx`; `None` when the dedupe key was already used.
pub async fn enqueue_in(
    tx: &mut Tx,
    job: &NewJob,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    Ok(tx.enqueue(job, now).await?)
}

/// Enqueues one job on its own; `None` when the dedupe key was already used.
pub async fn enqueue(db: &Db, job: &NewJob, now: DateTime<Utc>) -> Result<Option<i64>, StoreError> {
    Ok(on_db!(db, |p| {
        let mut c = p.acquire().await?;
        c.enqueue(job, now).await
    })?)
}

/// Claims up to `limit` due jobs for `worker`, leasing them for `lease`.
pub async fn claim(
    db: &Db,
    worker: &str,
    limit: i64,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Vec<Job>, StoreError> {
    // Due: queued and run_at has come, or running with a lease that ran out.
    const DUE: &str = "(status = 'queued' AND run_at <= $1) \
                       OR (status = 'running' AND locked_until <= $1)";
    let returning = "RETURNING id, kind, payload, dedupe_key, attempts, max_attempts";
    // DIALECT: PostgreSQL locks the candidates and skips rows another server holds;
    // SQLite's single writer makes the plain subquery exclusive already.
    let mut jobs: Vec<Job> = match db {
        Db::Sqlite(crate::Sqlite { pool: p, .. }) => {
            let sql = format!(
                "UPDATE jobs SET status = 'running', locked_by = $2, locked_until = $3, \
                 attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM jobs WHERE {DUE} ORDER BY run_at, id LIMIT $4) \
                 {returning}"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .bind(worker)
                .bind(now + lease)
                .bind(limit)
                .fetch_all(p)
                .await?
        }
        Db::Pg(p) => {
            let sql = format!(
                "UPDATE jobs SET status = 'running', locked_by = $2, locked_until = $3, \
                 attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM jobs WHERE {DUE} ORDER BY run_at, id LIMIT $4 \
                              FOR UPDATE SKIP LOCKED) \
                 {returning}"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .bind(worker)
                .bind(now + lease)
                .bind(limit)
                .fetch_all(p)
                .await?
        }
    };
    jobs.sort_by_key(|j| j.id);
    Ok(jobs)
}

/// Marks a claimed job done. Only the worker holding the lease may: a worker whose lease
/// ran out and was re-claimed elsewhere gets `false` back.
pub async fn complete(
    db: &Db,
    id: i64,
    worker: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let sql = "UPDATE jobs SET status = 'done', finished_at = $1, locked_until = NULL, \
               last_error = NULL WHERE id = $2 AND locked_by = $3 AND status = 'running'";
    let n = on_db!(db, |p| sqlx::query(sql)
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records a failure: the job runs again after a delay that doubles with each attempt
/// (1, 2, 4 … minutes), or is marked `failed` once it has used its attempts.
pub async fn fail(
    db: &Db,
    job: &Job,
    worker: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let exhausted = job.attempts >= job.max_attempts;
    let retry_at = now + retry_delay(job.attempts);
    let sql = "UPDATE jobs SET status = $1, run_at = $2, locked_until = NULL, last_error = $3, \
               finished_at = $4 WHERE id = $5 AND locked_by = $6 AND status = 'running'";
    on_db!(db, |p| sqlx::query(sql)
        .bind(if exhausted { "failed" } else { "queued" })
        .bind(retry_at)
        .bind(error)
        .bind(exhausted.then_some(now))
        .bind(job.id)
        .bind(worker)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

fn retry_delay(attempts: i32) -> Duration {
    Duration::minutes(1i64 << attempts.clamp(1, 10).saturating_sub(1))
}

/// Jobs of `kind` (all kinds when `None`), newest first.
pub async fn list(
    db: &Db,
    kind: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<JobRow>, StoreError> {
    let sql = "SELECT id, kind, payload, dedupe_key, status, run_at, attempts, last_error, \
               finished_at FROM jobs WHERE ($1 IS NULL OR kind = $1) ORDER BY id DESC \
               LIMIT $2 OFFSET $3";
    Ok(on_db!(db, |p| sqlx::query_as(sql)
        .bind(kind)
        .bind(limit)
        .bind(offset)
        .fetch_all(p)
        .await)?)
}

/// Jobs of `kind` in trouble — given up (`failed`) or waiting to be retried after an
/// error — newest first, with how many there are.
pub async fn troubled(
    db: &Db,
    kind: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<JobRow>, i64), StoreError> {
    let filter =
        "kind = $1 AND (status = 'failed' OR (status = 'queued' AND last_error IS NOT NULL))";
    let sql = format!(
        "SELECT id, kind, payload, dedupe_key, status, run_at, attempts, last_error, \
         finished_at FROM jobs WHERE {filter} ORDER BY id DESC LIMIT $2 OFFSET $3"
    );
    let rows = on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(kind)
        .bind(limit)
        .bind(offset)
        .fetch_all(p)
        .await)?;
    let count = format!("SELECT COUNT(*) FROM jobs WHERE {filter}");
    let total: i64 = on_db!(db, |p| sqlx::query_scalar(sqlx::AssertSqlSafe(
        count.as_str()
    ))
    .bind(kind)
    .fetch_one(p)
    .await)?;
    Ok((rows, total))
}

/// Puts a job of `kind` that was given up back in the queue, due at `now` with all its
/// attempts again (its last error kept until it runs). Returns whether there was such a job.
/// The job queue is not audited row by row: a person's requeue is recorded as an event.
pub async fn requeue(db: &Db, kind: &str, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let sql = "UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1, finished_at = NULL \
               WHERE id = $2 AND kind = $3 AND status = 'failed'";
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |c| sqlx::query(sql)
        .bind(now)
        .bind(id)
        .bind(kind)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 1 && crate::audit::current().is_some() {
        let e = crate::audit::Event {
            op: "update",
            object_kind: "jobs",
            object_id: Some(id.to_string()),
            parent: None,
            details: serde_json::json!({ "kind": [null, kind], "status": ["failed", "queued"] }),
        };
        crate::audit::record_in(&mut tx, None, &e).await?;
    }
    tx.commit().await?;
    Ok(done == 1)
}

/// How many jobs are in each status.
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = "SELECT status, COUNT(*) FROM jobs GROUP BY status ORDER BY status";
    Ok(on_db!(db, |p| sqlx::query_as(sql).fetch_all(p).await)?)
}
