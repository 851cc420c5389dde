//! The background worker: claims due jobs from the database queue and runs them. Every app
//! server runs one; the queue hands each job to exactly one of them (see
//! [`renke_store::jobs`]). Tests call [`Worker::run_once`] at the time they choose.

use super::Registry;
use crate::App;
use chrono::{DateTime, Duration, Utc};
use renke_store::StoreError;
use renke_store::jobs;
use std::sync::{Arc, Mutex};

/// How long a claimed job is held before another server may take it over.
const LEASE_MINUTES: i64 = 5;
/// Jobs claimed per round trip.
const BATCH: i64 = 20;

/// Versions sent told of per pass at most (a pass every few seconds drains any rush).
const DIGEST_BATCH: i64 = 500;

/// What one pass of the worker did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Reminders (催办) newly recorded.
    pub reminders: usize,
    /// Versions sent that their collectors were told of (the digest of submissions).
    pub told: usize,
    /// E-mail digests queued (see [`crate::digest`]).
    pub digests: usize,
    /// Online sessions' links mailed to their registrants (see
    /// [`crate::activities::queue_watch_links`]).
    pub links: usize,
    /// Jobs run.
    pub done: usize,
    pub failed: usize,
}

/// A job runner with a name unique among the servers (host and process id by default).
#[derive(Clone)]
pub struct Worker {
    app: App,
    name: String,
    /// The kinds of job this worker runs.
    jobs: Registry,
    /// When this worker last scanned for due reminders.
    last_scan: Arc<Mutex<Option<DateTime<Utc>>>>,
    /// When this worker queues the next files sweep: an hour after its first pass, then
    /// every hour.
    next_sweep: Arc<Mutex<Option<DateTime<Utc>>>>,
}

impl Worker {
    pub fn new(app: App, name: impl Into<String>) -> Worker {
        Worker {
            app,
            name: name.into(),
            jobs: Registry::standard(),
            last_scan: Arc::new(Mutex::new(None)),
            next_sweep: Arc::new(Mutex::new(None)),
        }
    }

    /// Sends the reminders due now, tells collectors of the submissions they received since
    /// the last pass, queues the e-mail digests and online sessions' links due (at most once
    /// a minute), queues the files sweep when its hour has come, then runs every job due now,
    /// in batches, until none is left.
    pub async fn run_once(&self) -> Result<Pass, StoreError> {
        let ctx = crate::audit::job_context("scan", self.app.clock.now());
        let mut pass = crate::audit::scope(ctx, self.scan()).await?;
        loop {
            let now = self.app.clock.now();
            let batch = jobs::claim(
                &self.app.db,
                &self.name,
                BATCH,
                now,
                Duration::minutes(LEASE_MINUTES),
            )
            .await?;
            if batch.is_empty() {
                return Ok(pass);
            }
            for job in batch {
                let now = self.app.clock.now();
                // The job's changes are recorded as its kind's (audit trail).
                let ctx = crate::audit::job_context(&job.kind, now);
                let ran =
                    crate::audit::scope(ctx, self.jobs.run(&self.app, &job.kind, &job.payload))
                        .await;
                match ran {
                    Ok(()) => {
                        jobs::complete(&self.app.db, job.id, &self.name, now).await?;
                        pass.done += 1;
                    }
                    Err(error) => {
                        tracing::warn!(job = job.id, kind = %job.kind, %error, "job failed");
                        jobs::fail(&self.app.db, &job, &self.name, &error, now).await?;
                        pass.failed += 1;
                    }
                }
            }
        }
    }

    /// The part of a pass before the jobs: reminders, submissions told of, digests, links,
    /// the hourly files sweep and the audit trail's purge.
    async fn scan(&self) -> Result<Pass, StoreError> {
        let mut pass = Pass::default();
        let scan = self.scan_due();
        if scan {
            pass.reminders = crate::reporting::scheduler::run(&self.app).await?;
        }
        pass.told = renke_store::reminders::digest_submissions(
            &self.app.db,
            self.app.clock.now(),
            DIGEST_BATCH,
        )
        .await?;
        // After the submissions are told of, so the e-mail lists them.
        if scan {
            pass.digests = crate::digest::run(&self.app).await?;
            pass.links = crate::activities::queue_watch_links(&self.app).await?;
        }
        if self.sweep_due() {
            let now = self.app.clock.now();
            jobs::enqueue(&self.app.db, &crate::files::SweepFiles::due(now)?, now).await?;
            match crate::audit::purge(&self.app).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(
                    purged = n,
                    "审计日志 audit entries past their retention purged"
                ),
                Err(error) => tracing::warn!(%error, "audit purge failed"),
            }
        }
        Ok(pass)
    }

    /// Reminders and e-mail digests are scanned at most once a minute per worker; jobs on
    /// every pass.
    fn scan_due(&self) -> bool {
        let now = self.app.clock.now();
        let Ok(mut last) = self.last_scan.lock() else {
            return true;
        };
        if last.is_some_and(|t| now - t < Duration::minutes(1)) {
            return false;
        }
        *last = Some(now);
        true
    }

    /// Whether the hour until the next files sweep has passed (counted from this worker's
    /// first pass, so a short-lived worker, such as a test's, never sweeps). Each server
    /// queues the sweep of the hour; its dedupe key makes it one job for all of them.
    fn sweep_due(&self) -> bool {
        let now = self.app.clock.now();
        let Ok(mut next) = self.next_sweep.lock() else {
            return false;
        };
        match *next {
            Some(t) if now >= t => {
                *next = Some(now + crate::files::SWEEP_EVERY);
                true
            }
            Some(_) => false,
            None => {
                *next = Some(now + crate::files::SWEEP_EVERY);
                false
            }
        }
    }

    /// Runs passes every `every` until the task is dropped or aborted.
    pub async fn run(self, every: std::time::Duration) {
        self.run_until(every, std::future::pending()).await;
    }

    /// Runs passes every `every` until `stop` completes; a pass under way then is finished
    /// first (no job is cut halfway).
    pub async fn run_until(self, every: std::time::Duration, stop: impl Future<Output = ()>) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = &mut stop => return,
            }
            if let Err(e) = self.run_once().await {
                tracing::error!(error = %e, "job queue unavailable");
            }
        }
    }
}
