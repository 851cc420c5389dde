//! Homogeneity and stability (ISO 13528:2022 Annex B): the provider enters the study data
//! per measurand, `renke-pt` checks them, and the round keeps the outcome and the standard
//! uncertainty each carries into u(x_pt) at evaluation: u_hom = s_s (B.3), u_stab =
//! |ȳ₁ − ȳ₂|/√3 (B.5, a rectangular distribution of the difference).

use super::{kind_of, path, round_to_run};
use crate::error::AppError;
use crate::{App, Caller};
use renke_domain::pt::MeasurandKind;
use renke_domain::{FieldError, Invalid};
use renke_store::pt::{self as store, Measurand, Study};
use serde::{Deserialize, Serialize};

/// A study as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
pub struct StudyForm {
    pub measurand_id: i64,
    /// `homogeneity` 均匀性 or `stability` 稳定性.
    pub kind: String,
    /// Homogeneity: one line per item, its replicate values (a leading item label is
    /// allowed), e.g. `1 0.0437 0.0428`. Stability: the values measured on the first
    /// occasion (typically at the homogeneity study).
    pub data: String,
    /// Stability: the values measured on the second occasion (after the results deadline).
    #[serde(default)]
    pub second: String,
    /// The σpt the criteria 0.3·σpt are judged against (required for stability).
    #[serde(default)]
    pub sigma_pt: String,
}

/// What a study found, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyOutcome {
    /// The standard uncertainty carried into u(x_pt).
    pub u: f64,
    /// Whether the samples pass (s_s ≤ 0.3σpt, or no significant F without σpt;
    /// |ȳ₁ − ȳ₂| ≤ 0.3σpt).
    pub passed: bool,
    /// Every figure of `renke-pt`'s record (s_x, s_w, s_s, F, the criterion …).
    pub detail: serde_json::Value,
}

fn numbers(field: &str, line: &str) -> Result<Vec<f64>, FieldError> {
    line.split([',', '，', ' ', '\t', ';', '；'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| renke_domain::pt::number(field, s))
        .collect()
}

/// `v` on the evaluation's scale: log10 for counts (`must_be_positive` otherwise).
fn scale(field: &str, m: &Measurand, v: Vec<f64>) -> Result<Vec<f64>, FieldError> {
    if !m.log10 {
        return Ok(v);
    }
    if v.iter().any(|x| *x <= 0.0) {
        return Err(FieldError::new(field, "must_be_positive"));
    }
    Ok(v.into_iter().map(f64::log10).collect())
}

/// Records a homogeneity or stability study of one measurand of round `round_id` (the
/// provider only). Errors name the form's fields: `too_few_items` (homogeneity needs at
/// least 2 items), `unequal_replicates` (each item the same number, at least 2),
/// `invalid_number` (with the line), `required`.
pub async fn record_study(
    app: &App,
    me: &Caller,
    round_id: i64,
    f: &StudyForm,
) -> Result<i64, AppError> {
    let round = round_to_run(app, me, round_id).await?;
    let measurands = store::measurands(&app.db, round.scheme_id).await?;
    let m = measurands
        .iter()
        .find(|m| m.id == f.measurand_id)
        .ok_or_else(|| AppError::field("measurand_id", "unknown_measurand"))?;
    if kind_of(m) == MeasurandKind::Qualitative {
        return Err(AppError::field("measurand_id", "qualitative_measurand"));
    }
    let sigma = match f.sigma_pt.trim() {
        "" => None,
        s => match s.parse::<f64>() {
            Ok(v) if v > 0.0 && v.is_finite() => Some(v),
            _ => return Err(AppError::field("sigma_pt", "must_be_positive")),
        },
    };
    let stat = |e: renke_pt::PtError| {
        AppError::Invalid(Invalid::one(
            FieldError::new("data", "statistics_failed").with("message", e),
        ))
    };
    let (kind, data, outcome) = match f.kind.trim() {
        "homogeneity" => {
            let mut items = Vec::new();
            let lines: Vec<(usize, &str)> = f
                .data
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .collect();
            // The first token, split as `numbers` splits (spaces, tabs, commas …).
            fn first(line: &str) -> Option<&str> {
                line.split([',', '，', ' ', '\t', ';', '；'])
                    .find(|s| !s.trim().is_empty())
                    .map(str::trim)
            }
            // Items numbered 1, 2, 3 … in the first column (样品号, as pasted from a
            // spreadsheet: `1 0.0437 0.0428`) are labels, not replicates.
            let numbered = lines.len() >= 2
                && lines.iter().enumerate().all(|(n, (_, l))| {
                    first(l).and_then(|s| s.parse::<usize>().ok()) == Some(n + 1)
                        && numbers("data", l).is_ok_and(|v| v.len() >= 3)
                });
            for (i, line) in lines {
                let field = format!("data.line{}", i + 1);
                // A leading label (样品号) that is not a number, or the item's number, is
                // skipped.
                let rest = match first(line) {
                    Some(label) if numbered || label.parse::<f64>().is_err() => {
                        line.trim_start().strip_prefix(label).unwrap_or(line)
                    }
                    _ => line,
                };
                items.push(scale(&field, m, numbers(&field, rest)?)?);
            }
            if items.len() < 2 {
                return Err(AppError::field("data", "too_few_items"));
            }
            let reps = items[0].len();
            if reps < 2 || items.iter().any(|r| r.len() != reps) {
                return Err(AppError::field("data", "unequal_replicates"));
            }
            let h = renke_pt::homogeneity::homogeneity(&items, sigma).map_err(stat)?;
            let passed = h.sufficient.unwrap_or(!h.f_significant.unwrap_or(false));
            let outcome = StudyOutcome {
                u: h.s_s,
                passed,
                detail: serde_json::to_value(&h).unwrap_or_default(),
            };
            ("homogeneity", serde_json::to_string(&items), outcome)
        }
        "stability" => {
            let Some(sigma) = sigma else {
                return Err(AppError::field("sigma_pt", "required"));
            };
            let first = scale("data", m, numbers("data", &f.data)?)?;
            let second = scale("second", m, numbers("second", &f.second)?)?;
            if first.is_empty() {
                return Err(AppError::field("data", "required"));
            }
            if second.is_empty() {
                return Err(AppError::field("second", "required"));
            }
            let s = renke_pt::stability::stability(&first, &second, sigma, None).map_err(stat)?;
            let outcome = StudyOutcome {
                u: s.difference / 3f64.sqrt(),
                passed: s.stable,
                detail: serde_json::to_value(&s).unwrap_or_default(),
            };
            (
                "stability",
                serde_json::to_string(&(first, second)),
                outcome,
            )
        }
        other => {
            return Err(AppError::Invalid(Invalid::one(
                FieldError::new("kind", "unknown_value").with("value", other),
            )));
        }
    };
    let data = data.map_err(|e| AppError::Internal(e.into()))?;
    let outcome_json = serde_json::to_string(&outcome).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = app.db.write().await?;
    let id = store::insert_study(
        &mut tx,
        &store::NewStudy {
            round_id: round.id,
            measurand_id: m.id,
            kind,
            data: &data,
            outcome: &outcome_json,
            u: outcome.u,
            passed: outcome.passed,
        },
        me.id,
        app.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A recorded study with its outcome read back.
#[derive(Debug, Clone, Serialize)]
pub struct StudyView {
    pub study: Study,
    pub outcome: StudyOutcome,
}

/// The studies of round `round_id`, for its provider and the administration above it.
pub async fn studies(app: &App, me: &Caller, round_id: i64) -> Result<Vec<StudyView>, AppError> {
    let round = store::round(&app.db, round_id).await?;
    let provider = path(&round.provider_path)?;
    let a = me.actor();
    if !(a.runs_pt(&provider) || a.oversees_pt(&provider)) {
        return Err(AppError::NotFound);
    }
    store::studies(&app.db, round.id)
        .await?
        .into_iter()
        .map(|s| {
            Ok(StudyView {
                outcome: serde_json::from_str(&s.outcome)
                    .map_err(|e| AppError::Internal(e.into()))?,
                study: s,
            })
        })
        .collect()
}

/// The u_hom and u_stab of measurand `measurand_id` of round `round_id`: the latest study
/// of each kind, 0 without one.
pub(crate) async fn carried(
    app: &App,
    round_id: i64,
    measurand_id: i64,
) -> Result<(f64, f64), AppError> {
    let mut u = (0.0, 0.0);
    for s in store::studies(&app.db, round_id).await? {
        if s.measurand_id == measurand_id {
            match s.kind.as_str() {
                "homogeneity" => u.0 = s.u,
                "stability" => u.1 = s.u,
                _ => {}
            }
        }
    }
    Ok(u)
}
