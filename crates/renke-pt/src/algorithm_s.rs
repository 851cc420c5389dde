//! Algorithm S, ISO 13528:2022 C.4: a robust pooled standard deviation (or range) from p
//! standard deviations or ranges wᵢ, each with ν degrees of freedom.
//!
//! Start w* = med(wᵢ) (when 0, √(Σwᵢ²/p), C.4 NOTE); iterate ψ = η·w*,
//! wᵢ* = min(wᵢ, ψ), w* = ξ·√(Σ(wᵢ*)²/p) with η and ξ from Table C.1.

use crate::algorithm_a::StopRule;
use crate::data::{median_sorted, sorted};
use crate::{Method, PtError, TraceStep};
use serde::Serialize;

/// Table C.1: (limit factor η, adjustment factor ξ) for ν = 1..10.
const TABLE_C1: [(f64, f64); 10] = [
    (1.645, 1.097),
    (1.517, 1.054),
    (1.444, 1.039),
    (1.395, 1.032),
    (1.359, 1.027),
    (1.332, 1.024),
    (1.310, 1.021),
    (1.292, 1.019),
    (1.277, 1.018),
    (1.264, 1.017),
];

/// The factors η and ξ of Table C.1 for `nu` degrees of freedom (1 ≤ ν ≤ 10).
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::algorithm_s::table_c1(3)?, (1.444, 1.039));
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn table_c1(nu: usize) -> Result<(f64, f64), PtError> {
    if (1..=10).contains(&nu) {
        Ok(TABLE_C1[nu - 1])
    } else {
        Err(PtError::invalid("nu", "Table C.1 covers nu = 1..10"))
    }
}

/// Result of Algorithm S.
///
/// # Examples
/// ```
/// use renke_pt::algorithm_s::algorithm_s;
/// use renke_pt::algorithm_a::StopRule;
/// let r = algorithm_s(&[0.1, 0.2, 0.15, 0.12, 0.9], 3, StopRule::default())?;
/// assert!(r.w_star > 0.1 && r.w_star < 0.3);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlgorithmSResult {
    /// Robust pooled value w*.
    pub w_star: f64,
    /// Iterations run.
    pub iterations: usize,
    /// Method record with trace (location = scale = w*).
    pub method: Method,
}

/// Algorithm S (C.4). `stop` as for Algorithm A: converge (relative to w*) or the
/// three-significant-figure rule.
///
/// Errors: negative wᵢ, ν outside 1..10, all wᵢ zero or w* collapsing to zero
/// ([`PtError::ZeroScale`]).
///
/// # Examples
/// ```
/// use renke_pt::{algorithm_s::algorithm_s, algorithm_a::StopRule};
/// let r = algorithm_s(&[1.0, 1.0, 1.0], 1, StopRule::default())?;
/// assert!((r.w_star - 1.097).abs() < 1e-12);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn algorithm_s(w: &[f64], nu: usize, stop: StopRule) -> Result<AlgorithmSResult, PtError> {
    let (eta, xi) = table_c1(nu)?;
    let v = sorted(w, "algorithm_s", 1)?;
    if v[0] < 0.0 {
        return Err(PtError::invalid(
            "w",
            "ranges and standard deviations cannot be negative",
        ));
    }
    let mut method = Method::new("algorithm_s", "ISO 13528:2022 C.4")
        .with("nu", nu)
        .with("eta", eta)
        .with("xi", xi)
        .with("stop", stop.name());
    let m = v[v.len() - 1];
    if m == 0.0 {
        return Err(PtError::ZeroScale {
            what: "algorithm_s",
        });
    }
    let a: Vec<f64> = v.iter().map(|x| x / m).collect();
    let p = a.len() as f64;
    let mut w_star = median_sorted(&a);
    if w_star == 0.0 {
        w_star = (a.iter().map(|x| x * x).sum::<f64>() / p).sqrt();
    }
    let w0 = w_star;
    let mut trace = vec![TraceStep {
        iteration: 0,
        location: m * w_star,
        scale: m * w_star,
    }];
    for it in 1..=10_000 {
        let psi = eta * w_star;
        let new = xi * (a.iter().map(|x| x.min(psi).powi(2)).sum::<f64>() / p).sqrt();
        let below_positive = a.iter().any(|x| *x <= psi && *x > 0.0);
        if new < 1e-9 * w0 || (new < w_star && !below_positive) {
            return Err(PtError::ZeroScale {
                what: "algorithm_s",
            });
        }
        let done = match stop {
            StopRule::Converge { rel_tol } => {
                (new - w_star).abs() < (rel_tol * new).max(8.0 * f64::EPSILON * new)
            }
            StopRule::ThreeFigures { compare_with_start } => {
                (it > 1 || compare_with_start)
                    && format!("{:.2e}", m * new) == format!("{:.2e}", m * w_star)
            }
        };
        w_star = new;
        trace.push(TraceStep {
            iteration: it,
            location: m * w_star,
            scale: m * w_star,
        });
        if done {
            method.iterations = Some(it);
            method.trace = trace;
            return Ok(AlgorithmSResult {
                w_star: m * w_star,
                iterations: it,
                method,
            });
        }
    }
    Err(PtError::NoConvergence {
        what: "algorithm_s",
        iterations: 10_000,
    })
}
