//! Evaluation of large rounds in the background: [`super::evaluate`] queues a run of one
//! measurand (a `pt_evaluation_runs` row and its [`EvaluateMeasurand`] job, in one
//! transaction) when it has more submitted results than [`App::pt_job_threshold`]; the
//! worker reads the results, computes them with the same code as the direct path, and
//! writes the evaluation and its scores in batches, recording stage and progress (rows
//! written of total) on the run for the evaluation page and the API to poll.
//!
//! A run that fails (the statistics refuse the values, the database errs) is marked
//! `failed` with its error, and the evaluation it had begun to write is removed with its
//! scores. A worker that stops mid-run leaves the job to be claimed again when its lease
//! runs out: the run resumes where its last committed batch ended. While a run of a round
//! is under way its release, the release of a revision and another evaluation of the same
//! measurand are refused (`evaluation_running`).

use super::evaluate::{EvaluationForm, Method, insert_outcome, read_submitted, scores_of};
use crate::error::AppError;
use crate::jobs::Job;
use crate::{App, Caller};
use renke_store::jobs as queue;
use renke_store::pt::{self as store, EvaluationRun};
use serde::{Deserialize, Serialize};

/// The job's stored kind.
pub const EVALUATE_KIND: &str = "pt_evaluate";

/// Outcome rows written per transaction (and per progress step) by a run.
pub const WRITE_BATCH: usize = 500;

/// The job evaluating one measurand for run `run_id` (whose row holds the round, the
/// measurand, the options and who asked).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvaluateMeasurand {
    pub run_id: i64,
}

impl Job for EvaluateMeasurand {
    const KIND: &'static str = EVALUATE_KIND;

    async fn run(self, app: &App) -> Result<(), String> {
        let Err(e) = execute(app, self.run_id).await else {
            return Ok(());
        };
        let error = match &e {
            AppError::Conflict(code) => (*code).to_owned(),
            AppError::Invalid(inv) => inv
                .0
                .iter()
                .map(|f| match f.param("message") {
                    Some(m) => format!("{}: {m}", f.code),
                    None => f.code.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => format!("internal: {other}"),
        };
        tracing::warn!(run = self.run_id, %error, "PT evaluation run failed");
        // Recording the failure can fail too: the job is then retried and resumes.
        store::fail_run(&app.db, self.run_id, &error, app.clock.now())
            .await
            .map_err(|x| {
                format!(
                    "pt_evaluate run {}: {error}; recording it: {x}",
                    self.run_id
                )
            })
    }
}

/// Queues a run of measurand `measurand_id` of round `round_id` with the options
/// `options_json` and `total` submitted results, with its job, in one transaction; refused
/// while one of the same measurand is under way. Returns the run's id.
pub(super) async fn queue(
    app: &App,
    me: &Caller,
    round_id: i64,
    measurand_id: i64,
    options_json: &str,
    total: i64,
) -> Result<i64, AppError> {
    let now = app.clock.now();
    let mut tx = app.db.write().await?;
    super::evaluate::lock_idle(&mut tx, round_id, Some(measurand_id)).await?;
    let run = store::insert_evaluation_run(
        &mut tx,
        round_id,
        measurand_id,
        options_json,
        total,
        me.id,
        now,
    )
    .await?;
    let job = EvaluateMeasurand { run_id: run }
        .to_new_job(now)?
        .dedupe(format!("{EVALUATE_KIND}:{run}"));
    let Some(job_id) = queue::enqueue_in(&mut tx, &job, now).await? else {
        return Err(AppError::Internal(anyhow::anyhow!(
            "job of evaluation run {run} exists already"
        )));
    };
    store::set_run_job(&mut tx, run, job_id).await?;
    tx.commit().await?;
    Ok(run)
}

/// Runs run `run_id`: reads the results, computes, inserts the evaluation, writes its
/// scores in batches of [`WRITE_BATCH`] rows, each with the progress; resumes the writing
/// of a run whose worker stopped. Nothing to do for a run that is over.
async fn execute(app: &App, run_id: i64) -> Result<(), AppError> {
    let Some(run) = store::start_run(&app.db, run_id, app.clock.now()).await? else {
        return Ok(());
    };
    let (evaluation_id, outcome, from) = match run.evaluation_id {
        Some(id) => {
            let e = store::evaluations(&app.db, run.round_id)
                .await?
                .into_iter()
                .find(|e| e.id == id)
                .ok_or(AppError::NotFound)?;
            let v = super::EvaluationView::read(e)?;
            (id, v.outcome, run.done as usize)
        }
        None => match compute(app, &run).await? {
            Some((id, outcome)) => (id, outcome, 0),
            // Another worker holds the run (a lease ran out while this one computed).
            None => return Ok(()),
        },
    };
    let rows = &outcome.rows;
    let mut done = from.min(rows.len());
    while done < rows.len() {
        let end = (done + WRITE_BATCH).min(rows.len());
        let mut tx = app.db.write().await?;
        store::insert_scores(&mut tx, evaluation_id, &scores_of(&rows[done..end])).await?;
        store::run_written(&mut tx, run.id, end as i64, app.clock.now()).await?;
        tx.commit().await?;
        done = end;
    }
    store::finish_run(&app.db, run.id, app.clock.now()).await?;
    Ok(())
}

/// Reads and computes run `run`, then inserts its evaluation (without scores) and starts
/// the writing stage in one transaction: the evaluation's id and outcome, or `None` when
/// another worker got there first.
async fn compute(
    app: &App,
    run: &EvaluationRun,
) -> Result<Option<(i64, super::Outcome)>, AppError> {
    let round = store::round(&app.db, run.round_id).await?;
    let m = store::measurands(&app.db, round.scheme_id)
        .await?
        .into_iter()
        .find(|m| m.id == run.measurand_id)
        .ok_or(AppError::NotFound)?;
    let f: EvaluationForm =
        serde_json::from_str(&run.options).map_err(|x| AppError::Internal(x.into()))?;
    let submitted = read_submitted(app, round.id, m.id).await?;
    let total = submitted.len() as i64;
    store::set_run_progress(&app.db, run.id, "computing", 0, total, app.clock.now()).await?;
    let method = Method::of(app, round.id, &f, &m).await?;
    let outcome = method.compute(&m, submitted).await?;
    let now = app.clock.now();
    let mut tx = app.db.write().await?;
    let id = insert_outcome(
        &mut tx,
        round.id,
        m.id,
        &run.options,
        &outcome,
        &[],
        run.created_by,
        now,
    )
    .await?;
    if !store::begin_run_writing(&mut tx, run.id, id, outcome.rows.len() as i64, now).await? {
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some((id, outcome)))
}

/// A background evaluation with its options read back.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub run: EvaluationRun,
    pub options: EvaluationForm,
    /// Why it failed, as a message code when known (`statistics_failed`, `no_results`,
    /// `internal`, …).
    pub error_code: Option<String>,
    /// The detail: the statistics' message, or the error as recorded.
    pub error_detail: Option<String>,
}

impl RunView {
    pub(super) fn read(run: EvaluationRun) -> Result<RunView, AppError> {
        let options =
            serde_json::from_str(&run.options).map_err(|x| AppError::Internal(x.into()))?;
        let (error_code, error_detail) = match run.error.as_deref() {
            None => (None, None),
            Some(e) => {
                let (code, detail) = e.split_once(": ").unwrap_or((e, ""));
                if !code.is_empty() && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    (
                        Some(code.to_owned()),
                        Some(detail.to_owned()).filter(|d| !d.is_empty()),
                    )
                } else {
                    (None, Some(e.to_owned()))
                }
            }
        };
        Ok(RunView {
            run,
            options,
            error_code,
            error_detail,
        })
    }

    /// Queued or running.
    pub fn active(&self) -> bool {
        matches!(self.run.status.as_str(), "queued" | "running")
    }
}

/// Run `run_id` of round `round_id`, for those who read the round's evaluations (its
/// provider and the administration above it; `NotFound` for anyone else).
pub async fn evaluation_run(
    app: &App,
    me: &Caller,
    round_id: i64,
    run_id: i64,
) -> Result<RunView, AppError> {
    let round = super::evaluate::round_to_read(app, me, round_id).await?;
    let run = store::evaluation_run(&app.db, run_id).await?;
    if run.round_id != round.id {
        return Err(AppError::NotFound);
    }
    RunView::read(run)
}

/// The background runs of round `round_id`, newest first, for those who read its
/// evaluations.
pub async fn evaluation_runs(
    app: &App,
    me: &Caller,
    round_id: i64,
) -> Result<Vec<RunView>, AppError> {
    let round = super::evaluate::round_to_read(app, me, round_id).await?;
    store::evaluation_runs(&app.db, round.id)
        .await?
        .into_iter()
        .map(RunView::read)
        .collect()
}
