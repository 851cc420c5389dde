//! Re-evaluation after release: a measurand of a released round may be evaluated again
//! (a new, unreleased version; labs keep seeing the released one). The difference between
//! the released version and the newer one lists every participant's score and class in
//! both, with x_pt and σpt old and new; releasing the revision makes it what labs see (the
//! earlier released version stays stored as history) and opens a follow-up for each
//! result it newly judges questionable or unsatisfactory. Nothing else is sent.

use super::evaluate::{
    EvaluationView, followup_due, lock_idle, refuse_while_running, round_to_read,
};
use super::{round_status, round_to_run};
use crate::error::AppError;
use crate::{App, Caller};
use renke_domain::pt::{RoundStatus, ScoreClass};
use renke_store::pt::{self as store, Round};
use serde::Serialize;
use std::collections::BTreeMap;

/// One version in a difference: its x_pt, u(x_pt) and σpt.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffSide {
    pub evaluation_id: i64,
    pub version: i32,
    pub assigned: Option<f64>,
    pub u_assigned: Option<f64>,
    pub sigma_pt: Option<f64>,
    pub n: usize,
}

impl DiffSide {
    fn of(v: &EvaluationView) -> DiffSide {
        DiffSide {
            evaluation_id: v.evaluation.id,
            version: v.evaluation.version,
            assigned: v.outcome.assigned,
            u_assigned: v.outcome.u_assigned,
            sigma_pt: v.outcome.sigma_pt,
            n: v.outcome.n,
        }
    }
}

/// A participant's score and class in the released version and in the newer one (none
/// where it was not scored, or is not in that version).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffRow {
    pub sample_code: String,
    pub enrolment_id: i64,
    pub released_score: Option<f64>,
    pub released_class: Option<ScoreClass>,
    pub new_score: Option<f64>,
    pub new_class: Option<ScoreClass>,
}

impl DiffRow {
    /// The class differs between the versions.
    pub fn changed(&self) -> bool {
        self.released_class != self.new_class
    }

    /// Releasing the revision opens a follow-up for it: newly questionable or
    /// unsatisfactory.
    pub fn opens_followup(&self) -> bool {
        let needs = |c: Option<ScoreClass>| c.is_some_and(ScoreClass::needs_follow_up);
        needs(self.new_class) && !needs(self.released_class)
    }
}

/// The released version of a measurand against a newer one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationDiff {
    pub measurand_id: i64,
    pub released: DiffSide,
    pub revision: DiffSide,
    /// Every participant of either version, by sample code.
    pub rows: Vec<DiffRow>,
}

impl EvaluationDiff {
    /// `released` against `latest`; `None` unless `latest` is the newer version.
    pub(super) fn of(released: &EvaluationView, latest: &EvaluationView) -> Option<EvaluationDiff> {
        if latest.evaluation.version <= released.evaluation.version {
            return None;
        }
        let mut rows: BTreeMap<(String, i64), DiffRow> = BTreeMap::new();
        fn row<'a>(
            rows: &'a mut BTreeMap<(String, i64), DiffRow>,
            r: &super::OutcomeRow,
        ) -> &'a mut DiffRow {
            rows.entry((r.sample_code.clone(), r.enrolment_id))
                .or_insert_with(|| DiffRow {
                    sample_code: r.sample_code.clone(),
                    enrolment_id: r.enrolment_id,
                    released_score: None,
                    released_class: None,
                    new_score: None,
                    new_class: None,
                })
        }
        for r in &released.outcome.rows {
            let d = row(&mut rows, r);
            d.released_score = r.score();
            d.released_class = r.class;
        }
        for r in &latest.outcome.rows {
            let d = row(&mut rows, r);
            d.new_score = r.score();
            d.new_class = r.class;
        }
        Some(EvaluationDiff {
            measurand_id: latest.evaluation.measurand_id,
            released: DiffSide::of(released),
            revision: DiffSide::of(latest),
            rows: rows.into_values().collect(),
        })
    }

    /// How many participants' classes change.
    pub fn changed(&self) -> usize {
        self.rows.iter().filter(|r| r.changed()).count()
    }
}

/// The newest released version of measurand `measurand_id` of `round` and its latest
/// version (`NotFound` for a measurand not of the round, `no_revision` without a released
/// version).
async fn versions(
    app: &App,
    round: &Round,
    measurand_id: i64,
) -> Result<(EvaluationView, EvaluationView), AppError> {
    if !store::measurands(&app.db, round.scheme_id)
        .await?
        .iter()
        .any(|m| m.id == measurand_id)
    {
        return Err(AppError::NotFound);
    }
    let mine: Vec<store::Evaluation> = store::evaluations(&app.db, round.id)
        .await?
        .into_iter()
        .filter(|e| e.measurand_id == measurand_id)
        .collect();
    let (Some(released), Some(latest)) = (mine.iter().rev().find(|e| e.released), mine.last())
    else {
        return Err(AppError::Conflict("no_revision"));
    };
    Ok((
        EvaluationView::read(released.clone())?,
        EvaluationView::read(latest.clone())?,
    ))
}

/// The difference between the released version of measurand `measurand_id` of round
/// `round_id` and its newer version, for those who read the round's evaluations (its
/// provider and the administration above it; `NotFound` for anyone else); `no_revision`
/// when nothing newer than the released version exists.
pub async fn evaluation_diff(
    app: &App,
    me: &Caller,
    round_id: i64,
    measurand_id: i64,
) -> Result<EvaluationDiff, AppError> {
    let round = round_to_read(app, me, round_id).await?;
    let (released, latest) = versions(app, &round, measurand_id).await?;
    EvaluationDiff::of(&released, &latest).ok_or(AppError::Conflict("no_revision"))
}

/// What releasing a revision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RevisionReleased {
    pub evaluation_id: i64,
    pub version: i32,
    /// Follow-ups opened for results newly questionable or unsatisfactory.
    pub followups: u64,
}

/// Releases the latest version of measurand `measurand_id` of the released round
/// `round_id` (the provider only): labs see it from now on, the version released before
/// stays stored as history, and each result it newly judges questionable or
/// unsatisfactory gets a follow-up due in [`super::FOLLOWUP_DAYS`] days (one already there
/// for the result is kept, never doubled). Refused before release (`round_not_released`),
/// without a newer version (`no_revision`) and while an evaluation runs in the background
/// (`evaluation_running`).
pub async fn release_revision(
    app: &App,
    me: &Caller,
    round_id: i64,
    measurand_id: i64,
) -> Result<RevisionReleased, AppError> {
    let round = round_to_run(app, me, round_id).await?;
    if round_status(&round)? != RoundStatus::Released {
        return Err(AppError::Conflict("round_not_released"));
    }
    refuse_while_running(app, round.id).await?;
    let (released, latest) = versions(app, &round, measurand_id).await?;
    let diff = EvaluationDiff::of(&released, &latest).ok_or(AppError::Conflict("no_revision"))?;
    let follow: Vec<(i64, i64, String)> = diff
        .rows
        .iter()
        .filter(|r| r.opens_followup())
        .filter_map(|r| {
            Some((
                r.enrolment_id,
                measurand_id,
                r.new_class?.as_str().to_owned(),
            ))
        })
        .collect();
    let now = app.clock.now();
    let mut tx = app.db.write().await?;
    lock_idle(&mut tx, round.id, None).await?;
    store::release_evaluations(&mut tx, &[latest.evaluation.id]).await?;
    let followups = store::open_followups(&mut tx, &follow, followup_due(now), now).await?;
    tx.commit().await?;
    Ok(RevisionReleased {
        evaluation_id: latest.evaluation.id,
        version: latest.evaluation.version,
        followups,
    })
}
