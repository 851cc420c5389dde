//! Evaluation and release: per measurand the provider chooses how x_pt and σpt are
//! obtained and the estimators' options; `renke-pt` computes the statistics and every
//! participant's scores, each evaluation is kept as a version with its method record, and
//! release publishes the latest versions, locks the results and opens the follow-ups.

use super::{kind_of, path, round_status, round_to_run};
use crate::error::AppError;
use crate::{App, Caller};
use chrono::Duration;
use renke_domain::pt::{
    AssignedMethod, MeasurandKind, ResultEntry, RoundStatus, ScoreClass, SigmaMethod,
};
use renke_domain::{FieldError, Invalid};
use renke_pt::QuartileRule;
use renke_pt::algorithm_a::{AlgorithmAOptions, ConsistencyFactor, StopRule};
use renke_pt::assigned::{Consensus, MedianScale, ScoreKind};
use renke_pt::evaluate::{
    AssignedChoice, EvaluateOptions, MassUnit, ParticipantResult, Report, SigmaChoice,
};
use renke_pt::scores::Class;
use renke_store::pt::{self as store, Measurand};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Days a lab has to answer a follow-up opened at release.
pub const FOLLOWUP_DAYS: i64 = 30;

/// How one measurand is evaluated.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct EvaluationForm {
    pub measurand_id: i64,
    /// x_pt: `algorithm_a` (default), `q_hampel`, `median`, `reference`, `certified`.
    #[serde(default)]
    pub assigned: String,
    /// The reference or certified value.
    #[serde(default)]
    pub assigned_value: String,
    /// Its standard uncertainty u(x_pt).
    #[serde(default)]
    pub assigned_u: String,
    /// σpt: `robust` (default), `horwitz`, `rsd` (percent of x_pt), `fixed`.
    #[serde(default)]
    pub sigma: String,
    /// The RSD in percent, or the prescribed σpt.
    #[serde(default)]
    pub sigma_value: String,
    /// Quartile rule: `n_plus_1` ((n+1)p, default in Chinese practice) or `linear`.
    #[serde(default)]
    pub quartile_rule: String,
    /// Algorithm A stopping rule: `converge` (default) or `three_figures`.
    #[serde(default)]
    pub stop: String,
    /// Algorithm A factor: `printed` (1.134, default) or `exact`.
    #[serde(default)]
    pub factor: String,
    /// A qualitative measurand's expected category.
    #[serde(default)]
    pub expected: String,
    /// The sealed target's lower acceptance limit, in the measurand's unit (e.g. an
    /// insulation resistance of at least 100 MΩ); empty for none.
    #[serde(default)]
    pub acceptance_low: String,
    /// The upper acceptance limit; empty for none. With either limit the range judges
    /// every value and the peer z is informative only (at five participants a peer |z|
    /// cannot exceed 1.79, so peers alone never judge a small round harshly).
    #[serde(default)]
    pub acceptance_high: String,
}

/// A sealed target's acceptance range: values within it are satisfactory, others
/// unsatisfactory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Acceptance {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl Acceptance {
    fn parse(f: &EvaluationForm) -> Result<Option<Acceptance>, Invalid> {
        let mut errs = Invalid::default();
        let mut limit = |field: &str, raw: &str| match raw.trim() {
            "" => None,
            _ => number(field, raw).map_err(|e| errs.push(e)).ok(),
        };
        let low = limit("acceptance_low", &f.acceptance_low);
        let high = limit("acceptance_high", &f.acceptance_high);
        if let (Some(l), Some(h)) = (low, high)
            && l >= h
        {
            errs.push(
                FieldError::new("acceptance_high", "not_above").with("other", "acceptance_low"),
            );
        }
        errs.into_result()?;
        Ok((low.is_some() || high.is_some()).then_some(Acceptance { low, high }))
    }

    fn judges(&self, v: f64) -> ScoreClass {
        if self.low.is_some_and(|l| v < l) || self.high.is_some_and(|h| v > h) {
            ScoreClass::Unsatisfactory
        } else {
            ScoreClass::Satisfactory
        }
    }
}

/// One participant's line of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeRow {
    pub sample_code: String,
    pub enrolment_id: i64,
    /// The result as shown (formatted, `<0.01`, a category).
    pub result: String,
    /// The value evaluated (log10 for counts), if it entered the statistics.
    pub value: Option<f64>,
    pub z: Option<f64>,
    pub z_prime: Option<f64>,
    pub zeta: Option<f64>,
    pub en: Option<f64>,
    pub d_percent: Option<f64>,
    /// `z`, `z_prime`, `qualitative`, or `none` (not scored, with `reason`).
    pub score_kind: String,
    pub class: Option<ScoreClass>,
    pub late: bool,
    /// Why it was not scored (below LOQ, not tested).
    pub reason: Option<String>,
}

impl OutcomeRow {
    /// The score that judged it (z or z′ as used); none for a qualitative or unscored row.
    pub fn score(&self) -> Option<f64> {
        match self.score_kind.as_str() {
            "z" => self.z,
            "z_prime" => self.z_prime,
            _ => None,
        }
    }
}

/// What an evaluation computed, as stored and shown on "how this was computed".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub kind: MeasurandKind,
    pub n: usize,
    pub assigned: Option<f64>,
    pub u_assigned: Option<f64>,
    pub sigma_pt: Option<f64>,
    /// 0.3·σpt.
    pub u_limit: Option<f64>,
    /// u(x_pt) ≤ 0.3·σpt: z is used; otherwise z′.
    pub u_negligible: Option<bool>,
    pub log10: bool,
    pub expected: Option<String>,
    /// The sealed target's acceptance range, when it judged instead of the peer z.
    #[serde(default)]
    pub acceptance: Option<Acceptance>,
    /// Every option with its clause (from `renke-pt`).
    pub method: BTreeMap<String, String>,
    /// Summary statistics (from `renke-pt`).
    pub statistics: serde_json::Value,
    /// The assigned value's record with the iteration trace (from `renke-pt`).
    pub trace: serde_json::Value,
    pub warnings: Vec<String>,
    pub rows: Vec<OutcomeRow>,
}

fn class_of(c: Class) -> ScoreClass {
    match c {
        Class::Satisfactory => ScoreClass::Satisfactory,
        Class::Questionable => ScoreClass::Questionable,
        Class::Unsatisfactory => ScoreClass::Unsatisfactory,
    }
}

fn number(field: &str, raw: &str) -> Result<f64, FieldError> {
    if raw.trim().is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    renke_domain::pt::number(field, raw)
}

/// The `renke-pt` options of form `f` for measurand `m`; errors name the form's fields.
/// `raw` trimmed, or `default` when empty.
fn pick<'a>(raw: &'a str, default: &'a str) -> &'a str {
    if raw.trim().is_empty() {
        default
    } else {
        raw.trim()
    }
}

fn options(f: &EvaluationForm, m: &Measurand) -> Result<EvaluateOptions, Invalid> {
    let mut errs = Invalid::default();
    let assigned = AssignedMethod::parse("assigned", pick(&f.assigned, "algorithm_a"))
        .map_err(|e| errs.push(e))
        .ok();
    let sigma = SigmaMethod::parse("sigma", pick(&f.sigma, "robust"))
        .map_err(|e| errs.push(e))
        .ok();
    let quartile_rule = match pick(&f.quartile_rule, "n_plus_1") {
        "n_plus_1" => QuartileRule::NPlusOne,
        "linear" => QuartileRule::Linear,
        other => {
            errs.push(FieldError::new("quartile_rule", "unknown_value").with("value", other));
            QuartileRule::NPlusOne
        }
    };
    let stop = match pick(&f.stop, "converge") {
        "converge" => StopRule::default(),
        "three_figures" => StopRule::ThreeFigures {
            compare_with_start: false,
        },
        other => {
            errs.push(FieldError::new("stop", "unknown_value").with("value", other));
            StopRule::default()
        }
    };
    let factor = match pick(&f.factor, "printed") {
        "printed" => ConsistencyFactor::Printed,
        "exact" => ConsistencyFactor::Exact,
        other => {
            errs.push(FieldError::new("factor", "unknown_value").with("value", other));
            ConsistencyFactor::Printed
        }
    };
    let aa = AlgorithmAOptions {
        stop,
        factor,
        ..Default::default()
    };
    let assigned = match assigned {
        Some(AssignedMethod::AlgorithmA) => {
            Some(AssignedChoice::Consensus(Consensus::AlgorithmA(aa)))
        }
        Some(AssignedMethod::QHampel) => Some(AssignedChoice::Consensus(Consensus::QHampel)),
        Some(AssignedMethod::Median) => Some(AssignedChoice::Consensus(Consensus::Median {
            scale: MedianScale::Niqr,
        })),
        Some(AssignedMethod::Reference | AssignedMethod::Certified) => {
            let v = number("assigned_value", &f.assigned_value)
                .map_err(|e| errs.push(e))
                .ok();
            let u = if f.assigned_u.trim().is_empty() {
                None
            } else {
                number("assigned_u", &f.assigned_u)
                    .map_err(|e| errs.push(e))
                    .ok()
            };
            if u.is_some_and(|u| u < 0.0) {
                errs.push(FieldError::new("assigned_u", "must_be_positive"));
            }
            let v = match (v, m.log10) {
                (Some(v), true) if v <= 0.0 => {
                    errs.push(FieldError::new("assigned_value", "must_be_positive"));
                    None
                }
                (Some(v), true) => Some(v.log10()),
                (v, _) => v,
            };
            v.map(|value| AssignedChoice::Reference { value, u })
        }
        None => None,
    };
    let sigma = match sigma {
        Some(SigmaMethod::Robust) => Some(SigmaChoice::Robust),
        Some(SigmaMethod::Horwitz) => {
            let unit = match m.unit.as_deref().map(str::trim) {
                Some("mg/kg") => Some(MassUnit::MgPerKg),
                Some("μg/kg" | "µg/kg" | "ug/kg") => Some(MassUnit::UgPerKg),
                Some("%" | "g/100g" | "g/100 g") => Some(MassUnit::Percent),
                _ => None,
            };
            match unit {
                Some(u) if !m.log10 => Some(SigmaChoice::Horwitz(u)),
                _ => {
                    errs.push(FieldError::new("sigma", "horwitz_needs_mass_fraction"));
                    None
                }
            }
        }
        Some(SigmaMethod::Rsd) => match number("sigma_value", &f.sigma_value) {
            Ok(p) if p > 0.0 && p < 100.0 => Some(SigmaChoice::Rsd(p)),
            Ok(_) => {
                errs.push(
                    FieldError::new("sigma_value", "out_of_range")
                        .with("min", 0)
                        .with("max", 100),
                );
                None
            }
            Err(e) => {
                errs.push(e);
                None
            }
        },
        Some(SigmaMethod::Fixed) => match number("sigma_value", &f.sigma_value) {
            Ok(v) if v > 0.0 => Some(SigmaChoice::Fixed(v)),
            Ok(_) => {
                errs.push(FieldError::new("sigma_value", "must_be_positive"));
                None
            }
            Err(e) => {
                errs.push(e);
                None
            }
        },
        None => None,
    };
    let (Some(assigned), Some(sigma_pt), true) = (assigned, sigma, errs.is_empty()) else {
        return Err(errs);
    };
    Ok(EvaluateOptions {
        assigned,
        sigma_pt,
        quartile_rule,
        algorithm_a: aa,
        log10: m.log10,
        // The summary a round page shows beside x_pt: mean and SD, median and quartiles
        // (MADe, nIQR) and Algorithm A; Q/Hampel is computed when it gives x_pt, Qn not
        // at all (both are costly on large rounds and not needed to judge).
        report: Report {
            mean_sd: true,
            median_quartiles: true,
            algorithm_a: true,
            q_hampel: false,
            qn: false,
        },
        ..Default::default()
    })
}

/// A submitted result with its lab's code, as the evaluation takes it.
pub(super) struct Submitted {
    enrolment_id: i64,
    code: String,
    entry: ResultEntry,
    late: bool,
}

/// The submitted results of measurand `measurand_id` of round `round_id`.
pub(super) async fn read_submitted(
    app: &App,
    round_id: i64,
    measurand_id: i64,
) -> Result<Vec<Submitted>, AppError> {
    let mut submitted = Vec::new();
    for r in store::submitted_results(&app.db, round_id, measurand_id).await? {
        let entry: ResultEntry =
            serde_json::from_str(&r.entry).map_err(|x| AppError::Internal(x.into()))?;
        submitted.push(Submitted {
            enrolment_id: r.enrolment_id,
            code: r.sample_code.unwrap_or_default(),
            entry,
            late: r.late,
        });
    }
    Ok(submitted)
}

/// What [`evaluate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Evaluated {
    /// Evaluated at once: the new version's id.
    Evaluation(i64),
    /// Queued for the worker (a large round): the run's id, to follow its progress.
    Run(i64),
}

/// A measurand of more submitted results than this is evaluated in the background (the
/// default of [`App::pt_job_threshold`]).
pub const JOB_THRESHOLD: usize = 500;

/// How a measurand is computed: the form checked against it, before anything is read.
pub(super) enum Method {
    Qualitative {
        expected: String,
    },
    Quantitative {
        options: Box<EvaluateOptions>,
        acceptance: Option<Acceptance>,
    },
}

impl Method {
    /// The method of form `f` for measurand `m` of round `round_id`, with the u_hom and
    /// u_stab of its latest studies; bad options are refused on their fields.
    pub(super) async fn of(
        app: &App,
        round_id: i64,
        f: &EvaluationForm,
        m: &Measurand,
    ) -> Result<Method, AppError> {
        match kind_of(m) {
            MeasurandKind::Qualitative => {
                let cats = m.category_list();
                let expected = f.expected.trim();
                if !cats.iter().any(|c| c == expected) {
                    let code = if expected.is_empty() {
                        "required"
                    } else {
                        "unknown_category"
                    };
                    return Err(FieldError::new("expected", code)
                        .with("allowed", cats.join("/"))
                        .into());
                }
                Ok(Method::Qualitative {
                    expected: expected.to_owned(),
                })
            }
            MeasurandKind::Quantitative => {
                let mut options = options(f, m)?;
                let acceptance = Acceptance::parse(f)?;
                (options.u_hom, options.u_stab) =
                    super::studies::carried(app, round_id, m.id).await?;
                Ok(Method::Quantitative {
                    options: Box::new(options),
                    acceptance,
                })
            }
        }
    }

    /// The outcome for `submitted` (the statistics off the async runtime). Statistical
    /// failures (too few results, zero spread) are refused on `assigned` with the
    /// statistics' message.
    pub(super) async fn compute(
        self,
        m: &Measurand,
        submitted: Vec<Submitted>,
    ) -> Result<Outcome, AppError> {
        if submitted.is_empty() {
            return Err(AppError::Conflict("no_results"));
        }
        match self {
            Method::Qualitative { expected } => Ok(qualitative(&expected, &submitted)),
            Method::Quantitative {
                options,
                acceptance,
            } => {
                let mm = m.clone();
                tokio::task::spawn_blocking(move || {
                    quantitative(&options, acceptance, &mm, &submitted)
                })
                .await
                .map_err(|x| AppError::Internal(x.into()))?
            }
        }
    }
}

/// The scores stored for outcome rows `rows` (those with a class).
pub(super) fn scores_of(rows: &[OutcomeRow]) -> Vec<store::Score> {
    rows.iter()
        .filter_map(|r| {
            r.class.map(|class| store::Score {
                evaluation_id: 0,
                enrolment_id: r.enrolment_id,
                score_kind: r.score_kind.clone(),
                score: r.score(),
                class: class.as_str().to_owned(),
                z: r.z,
                zeta: r.zeta,
                en: r.en,
                late: r.late,
            })
        })
        .collect()
}

/// Inserts `outcome` (computed with the options `options_json`) as the next version of
/// measurand `measurand_id`, with the scores `scores`, in `tx`.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_outcome(
    tx: &mut renke_store::Tx,
    round_id: i64,
    measurand_id: i64,
    options_json: &str,
    outcome: &Outcome,
    scores: &[store::Score],
    by: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<i64, AppError> {
    let outcome_json = serde_json::to_string(outcome).map_err(|x| AppError::Internal(x.into()))?;
    Ok(store::insert_evaluation(
        tx,
        &store::NewEvaluation {
            round_id,
            measurand_id,
            options: options_json,
            outcome: &outcome_json,
            n: outcome.n as i32,
            assigned: outcome.assigned,
            sigma_pt: outcome.sigma_pt,
        },
        scores,
        by,
        now,
    )
    .await?)
}

/// Refuses (`evaluation_running`) while an evaluation of round `round_id` runs in the
/// background: checked before a release reads the evaluations (and again under the
/// round's lock by [`lock_idle`]).
pub(super) async fn refuse_while_running(app: &App, round_id: i64) -> Result<(), AppError> {
    let runs = store::evaluation_runs(&app.db, round_id).await?;
    if runs
        .iter()
        .any(|r| r.status == "queued" || r.status == "running")
    {
        return Err(AppError::Conflict("evaluation_running"));
    }
    Ok(())
}

/// Takes round `round_id`'s lock in `tx` and refuses (`evaluation_running`) while an
/// evaluation of `measurand_id` (of any measurand, for `None`) runs in the background.
pub(super) async fn lock_idle(
    tx: &mut renke_store::Tx,
    round_id: i64,
    measurand_id: Option<i64>,
) -> Result<store::Round, AppError> {
    let round = store::lock_round(tx, round_id).await?;
    let running = store::active_run_measurands(tx, round_id).await?;
    if running.iter().any(|x| measurand_id.is_none_or(|m| m == *x)) {
        return Err(AppError::Conflict("evaluation_running"));
    }
    Ok(round)
}

/// Evaluates one measurand of round `round_id` with the options of `f` and stores it as the
/// measurand's next version (unreleased). Refused in enrolment, and while the measurand is
/// being evaluated in the background (`evaluation_running`); after release a
/// re-evaluation is stored beside the released version, which stays what labs see.
/// Options are checked first; a measurand of more submitted results than
/// [`App::pt_job_threshold`] is then queued as a run ([`super::EvaluateMeasurand`], the
/// same computation) and its id returned, a smaller one is evaluated at once. Statistical
/// failures (too few results, zero spread) are refused on `assigned` with the statistics'
/// message.
pub async fn evaluate(
    app: &App,
    me: &Caller,
    round_id: i64,
    f: &EvaluationForm,
) -> Result<Evaluated, AppError> {
    let round = round_to_run(app, me, round_id).await?;
    if round_status(&round)? == RoundStatus::Enrolment {
        return Err(AppError::Conflict("round_in_enrolment"));
    }
    let m = store::measurands(&app.db, round.scheme_id)
        .await?
        .into_iter()
        .find(|m| m.id == f.measurand_id)
        .ok_or_else(|| AppError::field("measurand_id", "unknown_measurand"))?;
    let method = Method::of(app, round.id, f, &m).await?;
    let options_json = serde_json::to_string(f).map_err(|x| AppError::Internal(x.into()))?;
    let n = store::submitted_count(&app.db, round.id, m.id).await?;
    if n == 0 {
        return Err(AppError::Conflict("no_results"));
    }
    if n as usize > app.pt_job_threshold {
        let run = super::runs::queue(app, me, round.id, m.id, &options_json, n).await?;
        return Ok(Evaluated::Run(run));
    }
    let submitted = read_submitted(app, round.id, m.id).await?;
    let outcome = method.compute(&m, submitted).await?;
    let scores = scores_of(&outcome.rows);
    let mut tx = app.db.write().await?;
    lock_idle(&mut tx, round.id, Some(m.id)).await?;
    let id = insert_outcome(
        &mut tx,
        round.id,
        m.id,
        &options_json,
        &outcome,
        &scores,
        me.id,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(Evaluated::Evaluation(id))
}

fn quantitative(
    o: &EvaluateOptions,
    acceptance: Option<Acceptance>,
    m: &Measurand,
    submitted: &[Submitted],
) -> Result<Outcome, AppError> {
    let scored: Vec<&Submitted> = submitted
        .iter()
        .filter(|s| s.entry.value().is_some())
        .collect();
    let input: Vec<ParticipantResult> = scored
        .iter()
        .map(|s| ParticipantResult {
            participant: s.code.as_str().into(),
            value: s.entry.value().unwrap_or_default(),
            uncertainty: s.entry.u,
            k: s.entry.k,
        })
        .collect();
    if input.is_empty() {
        return Err(AppError::Conflict("no_results"));
    }
    let e = renke_pt::evaluate::evaluate(&input, o).map_err(|x| {
        AppError::Invalid(Invalid::one(
            FieldError::new("assigned", "statistics_failed").with("message", x),
        ))
    })?;
    let mut rows = Vec::with_capacity(submitted.len());
    for (s, p) in scored.iter().zip(&e.participants) {
        rows.push(OutcomeRow {
            sample_code: s.code.clone(),
            enrolment_id: s.enrolment_id,
            result: s.entry.display(m.decimals as u8),
            value: Some(p.value),
            z: Some(p.z),
            z_prime: Some(p.z_prime),
            zeta: p.zeta,
            en: p.en,
            d_percent: p.d_percent,
            score_kind: match p.score_used {
                ScoreKind::Z => "z",
                ScoreKind::ZPrime => "z_prime",
            }
            .to_owned(),
            class: Some(match (acceptance, s.entry.value()) {
                (Some(a), Some(v)) => a.judges(v),
                _ => class_of(p.class),
            }),
            late: s.late,
            reason: None,
        });
    }
    for s in submitted.iter().filter(|s| s.entry.value().is_none()) {
        rows.push(OutcomeRow {
            sample_code: s.code.clone(),
            enrolment_id: s.enrolment_id,
            result: s.entry.display(m.decimals as u8),
            value: None,
            z: None,
            z_prime: None,
            zeta: None,
            en: None,
            d_percent: None,
            score_kind: "none".into(),
            class: None,
            late: s.late,
            reason: Some(match &s.entry.reported {
                renke_domain::pt::Reported::BelowLoq { .. } => "below_loq".into(),
                renke_domain::pt::Reported::NotTested { reason } => reason.clone(),
                _ => "not_scored".into(),
            }),
        });
    }
    Ok(Outcome {
        kind: MeasurandKind::Quantitative,
        n: e.n,
        assigned: Some(e.assigned_value),
        u_assigned: Some(e.u_assigned),
        sigma_pt: Some(e.sigma_pt),
        u_limit: Some(e.u_limit),
        u_negligible: Some(e.u_negligible),
        log10: o.log10,
        expected: None,
        acceptance,
        method: {
            let mut method = e.method.clone();
            if let Some(a) = acceptance {
                let show = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| v.to_string());
                method.insert(
                    "class_basis".into(),
                    format!(
                        "acceptance range [{}, {}] of the provider's sealed target judges each value; z is informative",
                        show(a.low),
                        show(a.high)
                    ),
                );
            }
            method
        },
        statistics: serde_json::to_value(&e.statistics).unwrap_or_default(),
        trace: serde_json::to_value(&e.assigned_detail).unwrap_or_default(),
        warnings: e.warnings.clone(),
        rows,
    })
}

fn qualitative(expected: &str, submitted: &[Submitted]) -> Outcome {
    let rows: Vec<OutcomeRow> = submitted
        .iter()
        .map(|s| {
            let (class, reason) = match &s.entry.reported {
                renke_domain::pt::Reported::Category { category } if category == expected => {
                    (Some(ScoreClass::Satisfactory), None)
                }
                renke_domain::pt::Reported::Category { .. } => {
                    (Some(ScoreClass::Unsatisfactory), None)
                }
                renke_domain::pt::Reported::NotTested { reason } => (None, Some(reason.clone())),
                _ => (None, Some("not_scored".into())),
            };
            OutcomeRow {
                sample_code: s.code.clone(),
                enrolment_id: s.enrolment_id,
                result: s.entry.display(0),
                value: None,
                z: None,
                z_prime: None,
                zeta: None,
                en: None,
                d_percent: None,
                score_kind: if class.is_some() {
                    "qualitative"
                } else {
                    "none"
                }
                .into(),
                class,
                late: s.late,
                reason,
            }
        })
        .collect();
    let mut method = BTreeMap::new();
    method.insert("expected".into(), expected.to_owned());
    method.insert(
        "rule".into(),
        "结果与预期一致为满意，否则为不满意 (ISO 13528:2022 11.3)".into(),
    );
    Outcome {
        kind: MeasurandKind::Qualitative,
        n: rows.iter().filter(|r| r.class.is_some()).count(),
        assigned: None,
        u_assigned: None,
        sigma_pt: None,
        u_limit: None,
        u_negligible: None,
        log10: false,
        expected: Some(expected.to_owned()),
        acceptance: None,
        method,
        statistics: serde_json::Value::Null,
        trace: serde_json::Value::Null,
        warnings: Vec::new(),
        rows,
    }
}

/// An evaluation with its outcome read back.
#[derive(Debug, Clone, Serialize)]
pub struct EvaluationView {
    pub evaluation: store::Evaluation,
    pub options: EvaluationForm,
    pub outcome: Outcome,
}

impl EvaluationView {
    pub(super) fn read(e: store::Evaluation) -> Result<EvaluationView, AppError> {
        Ok(EvaluationView {
            options: serde_json::from_str(&e.options).map_err(|x| AppError::Internal(x.into()))?,
            outcome: serde_json::from_str(&e.outcome).map_err(|x| AppError::Internal(x.into()))?,
            evaluation: e,
        })
    }
}

/// A measurand's evaluations: the latest, the released one, and how many versions; its
/// background runs; and, when a version newer than the released one exists, the
/// difference a release of it would make.
#[derive(Debug, Clone, Serialize)]
pub struct MeasurandEvaluations {
    pub measurand: Measurand,
    pub latest: Option<EvaluationView>,
    pub released: Option<EvaluationView>,
    pub versions: usize,
    /// Its latest background runs, newest first (at most [`RUNS_SHOWN`]).
    pub runs: Vec<super::RunView>,
    /// The released version against the latest, when that is newer.
    pub diff: Option<super::EvaluationDiff>,
}

/// Runs listed per measurand.
pub const RUNS_SHOWN: usize = 5;

/// Round `round_id` for those who read its evaluations: its provider and the
/// administration above it (`NotFound` for anyone else).
pub(super) async fn round_to_read(
    app: &App,
    me: &Caller,
    round_id: i64,
) -> Result<store::Round, AppError> {
    let round = store::round(&app.db, round_id).await?;
    let provider = path(&round.provider_path)?;
    let a = me.actor();
    if !(a.runs_pt(&provider) || a.oversees_pt(&provider)) {
        return Err(AppError::NotFound);
    }
    Ok(round)
}

/// The evaluations of round `round_id` per measurand, for its provider and the
/// administration above it.
pub async fn evaluations(
    app: &App,
    me: &Caller,
    round_id: i64,
) -> Result<Vec<MeasurandEvaluations>, AppError> {
    let round = round_to_read(app, me, round_id).await?;
    let all = store::evaluations(&app.db, round.id).await?;
    let runs = store::evaluation_runs(&app.db, round.id).await?;
    let mut out = Vec::new();
    for m in store::measurands(&app.db, round.scheme_id).await? {
        let mine: Vec<&store::Evaluation> = all.iter().filter(|e| e.measurand_id == m.id).collect();
        let latest = mine
            .last()
            .map(|e| EvaluationView::read((*e).clone()))
            .transpose()?;
        let released = mine
            .iter()
            .rev()
            .find(|e| e.released)
            .map(|e| EvaluationView::read((*e).clone()))
            .transpose()?;
        let diff = match (&released, &latest) {
            (Some(r), Some(l)) => super::EvaluationDiff::of(r, l),
            _ => None,
        };
        let runs = runs
            .iter()
            .filter(|r| r.measurand_id == m.id)
            .take(RUNS_SHOWN)
            .map(|r| super::RunView::read(r.clone()))
            .collect::<Result<_, _>>()?;
        out.push(MeasurandEvaluations {
            versions: mine.len(),
            measurand: m,
            latest,
            released,
            runs,
            diff,
        });
    }
    Ok(out)
}

/// Releases round `round_id`: every measurand with submitted results needs an evaluation
/// (`not_evaluated` on `measurand_id` naming it) made after its last submission
/// (`evaluation_outdated`); the latest versions become what labs and
/// their bureaus see, results lock, and each questionable or unsatisfactory result opens a
/// follow-up due in [`FOLLOWUP_DAYS`] days. Refused while an evaluation of the round runs
/// in the background (`evaluation_running`).
pub async fn release(app: &App, me: &Caller, round_id: i64) -> Result<(), AppError> {
    let round = round_to_run(app, me, round_id).await?;
    let next = round_status(&round)?
        .next("release")
        .map_err(AppError::Conflict)?;
    refuse_while_running(app, round.id).await?;
    let all = store::current_evaluations(&app.db, round.id).await?;
    let mut latest: BTreeMap<i64, &store::Evaluation> = BTreeMap::new();
    for e in &all {
        latest.insert(e.measurand_id, e);
    }
    let newest: BTreeMap<i64, _> = store::newest_submissions(&app.db, round.id)
        .await?
        .into_iter()
        .collect();
    for m in store::measurands(&app.db, round.scheme_id).await? {
        match (latest.get(&m.id), newest.get(&m.id)) {
            (None, Some(_)) => {
                return Err(AppError::Invalid(Invalid::one(
                    FieldError::new("measurand_id", "not_evaluated").with("value", &m.name),
                )));
            }
            // A result submitted after the latest evaluation would be published unscored:
            // evaluate again first.
            (Some(e), Some(t)) if *t > e.created_at => {
                return Err(AppError::Invalid(Invalid::one(
                    FieldError::new("measurand_id", "evaluation_outdated").with("value", &m.name),
                )));
            }
            _ => {}
        }
    }
    if latest.is_empty() {
        return Err(AppError::Conflict("no_results"));
    }
    let mut follow = Vec::new();
    for e in latest.values() {
        for s in store::scores(&app.db, e.id).await? {
            if ScoreClass::from_code(&s.class).is_some_and(ScoreClass::needs_follow_up) {
                follow.push((s.enrolment_id, e.measurand_id, s.class.clone()));
            }
        }
    }
    let now = app.clock.now();
    let due = followup_due(now);
    let ids: Vec<i64> = latest.values().map(|e| e.id).collect();
    let mut tx = app.db.write().await?;
    if lock_idle(&mut tx, round.id, None).await?.status != round.status {
        return Err(AppError::Conflict("round_changed"));
    }
    store::release_evaluations(&mut tx, &ids).await?;
    store::open_followups(&mut tx, &follow, due, now).await?;
    store::set_round_status(&mut tx, round.id, next.as_str(), now).await?;
    tx.commit().await?;
    Ok(())
}

/// When a follow-up opened at `now` is due: [`FOLLOWUP_DAYS`] days later (Beijing date).
pub(super) fn followup_due(now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    now.with_timezone(&renke_domain::clock::SHANGHAI)
        .date_naive()
        + Duration::days(FOLLOWUP_DAYS)
}

/// A lab's released outcome for one measurand, with the anonymised distribution. The
/// distribution and the scores by code are the round's, shared by every lab's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct LabOutcome {
    pub measurand: Measurand,
    pub row: Option<OutcomeRow>,
    pub assigned: Option<f64>,
    pub u_assigned: Option<f64>,
    pub sigma_pt: Option<f64>,
    pub method: BTreeMap<String, String>,
    pub expected: Option<String>,
    /// Every participant's evaluated value (no codes): the distribution the lab sees.
    pub values: Arc<[f64]>,
    /// Every participant's score with its code (codes only, never names).
    pub scores: Arc<[(String, f64)]>,
    pub log10: bool,
}

/// One measurand's outcome as the letters of a round read it: parsed once and shared by
/// every lab's letter, with its rows found by enrolment.
#[derive(Debug)]
struct SharedOutcome {
    measurand: Measurand,
    outcome: Outcome,
    row_of: HashMap<i64, usize>,
    values: Arc<[f64]>,
    scores: Arc<[(String, f64)]>,
}

/// The outcomes of a round's measurands as one caller sees them, each evaluation read
/// once: the released versions, or with `latest` (the provider before release) the newest.
/// A zip of every letter reads the round once instead of once per lab.
#[derive(Debug)]
pub struct RoundOutcomes(Vec<SharedOutcome>);

impl RoundOutcomes {
    /// Round `round`'s outcomes: the released versions, or the latest with `latest`.
    pub(crate) async fn load(
        app: &App,
        round: &store::Round,
        latest: bool,
    ) -> Result<RoundOutcomes, AppError> {
        let all = store::current_evaluations(&app.db, round.id).await?;
        let mut out = Vec::new();
        for m in store::measurands(&app.db, round.scheme_id).await? {
            let pick = all
                .iter()
                .rev()
                .filter(|x| x.measurand_id == m.id)
                .find(|x| x.released || latest);
            let Some(ev) = pick else { continue };
            let outcome: Outcome =
                serde_json::from_str(&ev.outcome).map_err(|x| AppError::Internal(x.into()))?;
            let row_of = outcome
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| (r.enrolment_id, i))
                .collect();
            let values = outcome.rows.iter().filter_map(|r| r.value).collect();
            let scores = outcome
                .rows
                .iter()
                .filter_map(|r| Some((r.sample_code.clone(), r.score()?)))
                .collect();
            out.push(SharedOutcome {
                measurand: m,
                outcome,
                row_of,
                values,
                scores,
            });
        }
        Ok(RoundOutcomes(out))
    }

    /// Enrolment `enrolment_id`'s outcome in each measurand it has a row in.
    pub fn of(&self, enrolment_id: i64) -> Vec<LabOutcome> {
        self.0
            .iter()
            .filter_map(|s| {
                let o = &s.outcome;
                let row = o.rows.get(*s.row_of.get(&enrolment_id)?)?;
                Some(LabOutcome {
                    measurand: s.measurand.clone(),
                    row: Some(row.clone()),
                    assigned: o.assigned,
                    u_assigned: o.u_assigned,
                    sigma_pt: o.sigma_pt,
                    method: o.method.clone(),
                    expected: o.expected.clone(),
                    values: Arc::clone(&s.values),
                    scores: Arc::clone(&s.scores),
                    log10: o.log10,
                })
            })
            .collect()
    }
}

/// Enrolment `enrolment_id`'s released outcomes: for the lab and those who read its
/// outcomes, only after release (`NotFound` before, so nothing leaks); the provider always
/// sees the latest versions.
pub async fn lab_outcomes(
    app: &App,
    me: &Caller,
    enrolment_id: i64,
) -> Result<(store::Enrolment, store::Round, Vec<LabOutcome>), AppError> {
    let e = store::enrolment(&app.db, enrolment_id).await?;
    let round = store::round(&app.db, e.round_id).await?;
    let a = me.actor();
    let runs = a.runs_pt(&path(&round.provider_path)?);
    let released = round_status(&round)? == RoundStatus::Released;
    if !(runs || released && a.reads_pt_of(&path(&e.lab_path)?)) {
        return Err(AppError::NotFound);
    }
    let outcomes = RoundOutcomes::load(app, &round, runs && !released).await?;
    let mine = outcomes.of(e.id);
    Ok((e, round, mine))
}
