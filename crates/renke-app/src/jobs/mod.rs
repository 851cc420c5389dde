//! Background work: the job kinds of the queue and the worker that runs them.
//!
//! Each kind of job is a type implementing [`Job`]: its payload is the type itself
//! (serialised as JSON in the queue's row), its `KIND` the code stored with it, and
//! [`Job::run`] what the worker does with it. [`Registry::standard`] lists every kind the
//! worker knows; a row of any other kind fails with a clear error instead of being guessed
//! at. Jobs are queued in the transaction of the write that causes them (see
//! `renke_store::jobs`).

pub mod worker;

pub use worker::{Pass, Worker};

use crate::App;
use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use renke_store::StoreError;
use renke_store::jobs::NewJob;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// One kind of background job.
pub trait Job: Serialize + DeserializeOwned + Send + 'static {
    /// The code stored in the queue's `kind` column.
    const KIND: &'static str;

    /// Does the work; an error is recorded on the job, which is retried later.
    fn run(self, app: &App) -> impl Future<Output = Result<(), String>> + Send;

    /// The queue row that runs this job at `at`.
    fn to_new_job(&self, at: DateTime<Utc>) -> Result<NewJob, StoreError> {
        NewJob::new(Self::KIND, self, at)
    }
}

type Handler = for<'a> fn(&'a App, &'a str) -> BoxFuture<'a, Result<(), String>>;

fn handle<'a, J: Job>(app: &'a App, payload: &'a str) -> BoxFuture<'a, Result<(), String>> {
    let parsed = serde_json::from_str::<J>(payload);
    Box::pin(async move {
        let job = parsed.map_err(|e| format!("{} payload: {e}", J::KIND))?;
        job.run(app).await
    })
}

/// The job kinds a worker runs, by their `KIND`.
#[derive(Clone)]
pub struct Registry {
    handlers: BTreeMap<&'static str, Handler>,
}

impl Registry {
    /// An empty registry.
    pub fn empty() -> Registry {
        Registry {
            handlers: BTreeMap::new(),
        }
    }

    /// Every kind of job Renke queues.
    pub fn standard() -> Registry {
        Registry::empty()
            .with::<crate::mail::Mail>()
            .with::<crate::activities::DrainRegistrationMessages>()
            .with::<crate::files::SweepFiles>()
            .with::<crate::pt::EvaluateMeasurand>()
    }

    /// The same registry running jobs of kind `J` too.
    pub fn with<J: Job>(mut self) -> Registry {
        self.handlers.insert(J::KIND, handle::<J>);
        self
    }

    /// The kinds known, in order.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.handlers.keys().copied()
    }

    /// Runs a job of `kind` with its stored `payload`.
    pub async fn run(&self, app: &App, kind: &str, payload: &str) -> Result<(), String> {
        match self.handlers.get(kind) {
            Some(h) => h(app, payload).await,
            None => Err(format!("unknown job kind {kind:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_registry_knows_every_kind_renke_queues() {
        let kinds: Vec<_> = Registry::standard().kinds().collect();
        assert_eq!(
            kinds,
            vec![
                crate::files::SWEEP_KIND,
                crate::mail::KIND,
                crate::pt::EVALUATE_KIND,
                renke_store::activities::MAIL_JOB
            ]
        );
    }
}
