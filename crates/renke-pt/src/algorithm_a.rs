//! Algorithm A, ISO 13528:2022 C.3.1 (Formulae C.5 to C.10), and its fixed-scale variant
//! C.3.2.
//!
//! Starting from x* = med(x) and s* = MADe(x) (the SD when MADe is 0, C.3.1 NOTE 2), each
//! iteration winsorizes the results at x* ± δ with δ = 1.5·s*, then sets
//! x* = Σxᵢ*/p and s* = f·√(Σ(xᵢ* − x*)²/(p − 1)), with f = 1.134 as printed (Formula C.10) or
//! the exact consistency factor f = 1/√E[ψ²₁.₅(Z)] = 1.133 39…, which makes Algorithm A
//! identical to Huber's proposal 2 (R `MASS::hubers`).
//!
//! The iteration runs on (x − med)/max|x − med| so that neither overflow nor the origin of the
//! data affects it; the results are transformed back.

use crate::data::{mean_sd, median_sorted, sorted};
use crate::estimators::{MADE_FACTOR, mad_sorted};
use crate::special::{normal_cdf, normal_pdf};
use crate::{Method, PtError, TraceStep};
use serde::Serialize;

/// The winsorizing constant of Formula (C.7): δ = 1.5·s*.
pub const DELTA_FACTOR: f64 = 1.5;
/// The consistency factor as printed in Formula (C.10).
pub const PRINTED_FACTOR: f64 = 1.134;

/// When the iteration stops.
///
/// # Examples
/// ```
/// use renke_pt::algorithm_a::StopRule;
/// assert_eq!(StopRule::default().name(), "converge");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum StopRule {
    /// Iterate to convergence: stop when the changes of x* and s* are both below
    /// `rel_tol`·s* (default 1e-10). Independent of unit and origin. The default.
    Converge {
        /// Relative tolerance.
        rel_tol: f64,
    },
    /// ISO 13528:2022 C.3.1 as written: stop when x* and s* keep their third significant
    /// figure "from one iteration to the next". With `compare_with_start = false` (the reading
    /// that reproduces Annex E) the starting values are not an iteration, so the earliest stop
    /// is after the second update; with `true` the first update is compared with
    /// (median, MADe) and the iteration can stop after one update. Both depend on the unit
    /// and origin of the data (see the `algorithm_a_stopping_rule_x11` reference): offered as
    /// reproduction options only.
    ThreeFigures {
        /// Compare the first update with the starting values.
        compare_with_start: bool,
    },
}

impl Default for StopRule {
    fn default() -> Self {
        StopRule::Converge { rel_tol: 1e-10 }
    }
}

impl StopRule {
    /// Name used in options (`converge`, `three-figures`, `three-figures-from-start`).
    ///
    /// # Examples
    /// ```
    /// use renke_pt::algorithm_a::StopRule;
    /// let r = StopRule::ThreeFigures { compare_with_start: false };
    /// assert_eq!(r.name(), "three-figures");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            StopRule::Converge { .. } => "converge",
            StopRule::ThreeFigures {
                compare_with_start: false,
            } => "three-figures",
            StopRule::ThreeFigures {
                compare_with_start: true,
            } => "three-figures-from-start",
        }
    }
}

/// The consistency factor of Formula (C.10).
///
/// # Examples
/// ```
/// use renke_pt::algorithm_a::ConsistencyFactor;
/// assert_eq!(ConsistencyFactor::Printed.value(), 1.134);
/// assert!((ConsistencyFactor::Exact.value() - 1.13339).abs() < 5e-6);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ConsistencyFactor {
    /// 1.134 as printed in ISO 13528. The default.
    #[default]
    Printed,
    /// 1/√θ with θ = 2Φ(1.5) − 1 − 3φ(1.5) + 4.5·(1 − Φ(1.5)), about 1.133 39.
    Exact,
}

impl ConsistencyFactor {
    /// The numeric factor.
    ///
    /// # Examples
    /// ```
    /// let f = renke_pt::algorithm_a::ConsistencyFactor::Exact.value();
    /// assert!(f > 1.1333 && f < 1.1335);
    /// ```
    pub fn value(self) -> f64 {
        match self {
            ConsistencyFactor::Printed => PRINTED_FACTOR,
            ConsistencyFactor::Exact => {
                let k = DELTA_FACTOR;
                let theta = 2.0 * normal_cdf(k) - 1.0 - 2.0 * k * normal_pdf(k)
                    + 2.0 * k * k * (1.0 - normal_cdf(k));
                1.0 / theta.sqrt()
            }
        }
    }

    /// Name used in options (`1.134`, `exact`).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::algorithm_a::ConsistencyFactor::Exact.name(), "exact");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ConsistencyFactor::Printed => "1.134",
            ConsistencyFactor::Exact => "exact",
        }
    }
}

/// Whether s* is updated (C.3.1) or held fixed (C.3.2).
///
/// # Examples
/// ```
/// use renke_pt::algorithm_a::ScaleMode;
/// assert_eq!(ScaleMode::default(), ScaleMode::Iterated);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub enum ScaleMode {
    /// s* updated each iteration (C.3.1). The default.
    #[default]
    Iterated,
    /// s* fixed (C.3.2 b): at MADe when `None`, or at the given value (e.g. the Q-method
    /// estimate, or R's `mad()` to reproduce `MASS::huber`).
    Fixed(Option<f64>),
}

/// Options of Algorithm A.
///
/// # Examples
/// ```
/// use renke_pt::algorithm_a::{AlgorithmAOptions, ConsistencyFactor};
/// let o = AlgorithmAOptions { factor: ConsistencyFactor::Exact, ..Default::default() };
/// assert_eq!(o.max_iter, 10_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AlgorithmAOptions {
    /// Stopping rule.
    pub stop: StopRule,
    /// Consistency factor.
    pub factor: ConsistencyFactor,
    /// Iterated or fixed scale.
    pub scale: ScaleMode,
    /// Upper bound on iterations; reaching it is [`PtError::NoConvergence`].
    pub max_iter: usize,
}

impl Default for AlgorithmAOptions {
    fn default() -> Self {
        AlgorithmAOptions {
            stop: StopRule::default(),
            factor: ConsistencyFactor::default(),
            scale: ScaleMode::default(),
            max_iter: 10_000,
        }
    }
}

/// Robust mean and SD from Algorithm A.
///
/// # Examples
/// ```
/// use renke_pt::algorithm_a::{algorithm_a, AlgorithmAOptions};
/// let x = [9.8, 10.1, 10.0, 9.9, 10.2, 10.0, 13.0];
/// let r = algorithm_a(&x, &AlgorithmAOptions::default())?;
/// assert!(r.x_star < 10.5);
/// assert_eq!(r.method.trace.len(), r.iterations + 1);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlgorithmAResult {
    /// Robust mean x*.
    pub x_star: f64,
    /// Robust SD s*.
    pub s_star: f64,
    /// Iterations run.
    pub iterations: usize,
    /// Method, options, clause and the iteration trace (step 0 = median, MADe).
    pub method: Method,
}

fn sig3(v: f64) -> String {
    format!("{v:.2e}")
}

/// Algorithm A (C.3.1), or its fixed-scale variant (C.3.2) with [`ScaleMode::Fixed`].
///
/// Needs p ≥ 3. Errors: [`PtError::ZeroScale`] when MADe and SD are both zero (all values
/// equal) or when s* collapses towards zero because a large majority of the results is
/// identical; [`PtError::NoConvergence`] after `max_iter` iterations.
///
/// With [`StopRule::Converge`] (the default) each iteration costs O(log p) instead of O(p):
/// the results are sorted once, and with prefix sums Sᵏ(j) of yᵢ and yᵢ² over the sorted
/// (centred and scaled) results, the winsorized sums of Formulae (C.8) and (C.9) are
///
/// Σxᵢ* = i·(x* − δ) + (S¹(j) − S¹(i)) + (p − j)·(x* + δ),
/// Σ(xᵢ* − x̄*)² = i·(x* − δ − x̄*)² + Σᵢ≤ₜ<ⱼ(yₜ − x̄*)² + (p − j)·(x* + δ − x̄*)²,
///
/// where i results lie below x* − δ and p − j above x* + δ (two binary searches) and the
/// middle term is (S²(j) − S²(i)) − x̄*·(2·(S¹(j) − S¹(i)) − (j − i)·x̄*). The prefix sums are
/// anchored at the median, so they hold only the results between the median and the cut
/// points. The iterates, and so the fixed point, are those of the plain iteration
/// [`algorithm_a_reference`] up to rounding: tests check every iterate to 1e-12 (1e-14 per
/// iteration in runs of thousands, where the two roundings drift apart) and the
/// result to 1e-9 relative to s* (rounding can move the stop by one iteration when a change
/// falls right at the 1e-10·s* threshold). The three-significant-figure rule, which compares
/// rounded figures, always uses the plain iteration.
///
/// # Examples
/// ```
/// use renke_pt::algorithm_a::{algorithm_a, AlgorithmAOptions, StopRule};
/// let x = [18.2, 18.2, 18.4, 18.4, 18.4, 18.4, 18.6, 19.8, 20.5, 20.9, 22.3];
/// let conv = algorithm_a(&x, &AlgorithmAOptions::default())?;
/// assert!((conv.s_star - 1.3298937962).abs() < 1e-9);
/// let iso = algorithm_a(&x, &AlgorithmAOptions {
///     stop: StopRule::ThreeFigures { compare_with_start: false },
///     ..Default::default()
/// })?;
/// assert_eq!(iso.iterations, 13);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn algorithm_a(x: &[f64], opts: &AlgorithmAOptions) -> Result<AlgorithmAResult, PtError> {
    let prefix = matches!(opts.stop, StopRule::Converge { .. });
    run(x, opts, prefix)
}

/// Algorithm A computed exactly as ISO 13528:2022 C.3.1 writes it: every iteration
/// winsorizes all p results at x* ± δ (Formula C.7) and sums them (Formulae C.8 to C.10),
/// O(p) per iteration. The reference against which [`algorithm_a`] is tested; same options,
/// errors and results (to rounding).
///
/// # Examples
/// ```
/// use renke_pt::algorithm_a::{algorithm_a, algorithm_a_reference, AlgorithmAOptions};
/// let x = [18.2, 18.2, 18.4, 18.4, 18.4, 18.4, 18.6, 19.8, 20.5, 20.9, 22.3];
/// let plain = algorithm_a_reference(&x, &AlgorithmAOptions::default())?;
/// let fast = algorithm_a(&x, &AlgorithmAOptions::default())?;
/// assert!((plain.s_star - 1.3298937962).abs() < 1e-9);
/// assert!((plain.x_star - fast.x_star).abs() < 1e-12 * plain.x_star.abs());
/// assert_eq!(plain.iterations, fast.iterations);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn algorithm_a_reference(
    x: &[f64],
    opts: &AlgorithmAOptions,
) -> Result<AlgorithmAResult, PtError> {
    run(x, opts, false)
}

/// One iteration's winsorized sums.
struct Step {
    /// x̄* = Σxᵢ*/p (Formula C.8).
    mean: f64,
    /// Σ(xᵢ* − x̄*)² (Formula C.9), when asked for.
    ss: f64,
    /// Whether all results within [x* − δ, x* + δ] are identical (and there is one).
    inside_identical: bool,
}

/// How the winsorized sums are computed over the sorted, centred and scaled results.
enum Sums<'a> {
    /// Winsorize and sum all p results.
    Plain(&'a [f64]),
    /// Prefix sums anchored at `mid`: `s1[k]` = Σ_{mid ≤ t < k} yₜ for k ≥ mid and
    /// −Σ_{k ≤ t < mid} yₜ for k < mid (so S¹(j) − S¹(i) = Σ_{i ≤ t < j} yₜ), `s2` likewise
    /// for yₜ².
    Prefix {
        y: &'a [f64],
        s1: Vec<f64>,
        s2: Vec<f64>,
    },
}

impl<'a> Sums<'a> {
    fn prefix(y: &'a [f64]) -> Self {
        let p = y.len();
        let mid = p / 2;
        let mut s1 = vec![0.0; p + 1];
        let mut s2 = vec![0.0; p + 1];
        let (mut a1, mut a2) = (0.0, 0.0);
        for k in mid..p {
            a1 += y[k];
            a2 += y[k] * y[k];
            s1[k + 1] = a1;
            s2[k + 1] = a2;
        }
        let (mut b1, mut b2) = (0.0, 0.0);
        for k in (0..mid).rev() {
            b1 -= y[k];
            b2 -= y[k] * y[k];
            s1[k] = b1;
            s2[k] = b2;
        }
        Sums::Prefix { y, s1, s2 }
    }

    fn step(&self, lo: f64, hi: f64, need_ss: bool, need_inside: bool) -> Step {
        match self {
            Sums::Plain(a) => {
                let p = a.len() as f64;
                let mean = a.iter().map(|y| y.clamp(lo, hi)).sum::<f64>() / p;
                let ss = if need_ss {
                    a.iter()
                        .map(|y| {
                            let d = y.clamp(lo, hi) - mean;
                            d * d
                        })
                        .sum()
                } else {
                    0.0
                };
                let inside_identical = need_inside && {
                    let mut inside = a.iter().filter(|y| **y >= lo && **y <= hi);
                    let first = inside.next().copied();
                    first.is_some_and(|f| inside.all(|y| *y == f))
                };
                Step {
                    mean,
                    ss,
                    inside_identical,
                }
            }
            Sums::Prefix { y, s1, s2 } => {
                let p = y.len();
                // y[..i] < lo ≤ y[i..j] ≤ hi < y[j..]
                let i = y.partition_point(|v| *v < lo);
                let j = y.partition_point(|v| *v <= hi).max(i);
                let (below, middle, above) = (i as f64, (j - i) as f64, (p - j) as f64);
                let m1 = s1[j] - s1[i];
                let mean = (below * lo + m1 + above * hi) / p as f64;
                let identical = j > i && y[i] == y[j - 1];
                let ss = if need_ss {
                    let mid_ss = if identical {
                        let d = y[i] - mean;
                        middle * d * d
                    } else {
                        let m2 = s2[j] - s2[i];
                        (m2 - mean * (2.0 * m1 - middle * mean)).max(0.0)
                    };
                    let (dl, dh) = (lo - mean, hi - mean);
                    below * dl * dl + mid_ss + above * dh * dh
                } else {
                    0.0
                };
                Step {
                    mean,
                    ss,
                    inside_identical: identical,
                }
            }
        }
    }
}

fn run(x: &[f64], opts: &AlgorithmAOptions, prefix: bool) -> Result<AlgorithmAResult, PtError> {
    let mut v = sorted(x, "algorithm_a", 3)?;
    let k0 = crate::data::prescale(&mut v);
    let p = v.len();
    let factor = opts.factor.value();
    let fixed = match opts.scale {
        ScaleMode::Iterated => None,
        ScaleMode::Fixed(s) => Some(s),
    };
    if let StopRule::Converge { rel_tol } = opts.stop
        && !(rel_tol.is_finite() && rel_tol > 0.0)
    {
        return Err(PtError::invalid("rel_tol", "must be finite and positive"));
    }
    let mut method = Method::new(
        "algorithm_a",
        if fixed.is_some() {
            "ISO 13528:2022 C.3.2"
        } else {
            "ISO 13528:2022 C.3.1"
        },
    )
    .with("stop", opts.stop.name())
    .with("factor", opts.factor.name())
    .with("factor_value", factor)
    .with("delta", DELTA_FACTOR)
    .with(
        "scale",
        match fixed {
            None => "iterated".to_string(),
            Some(None) => "fixed at MADe".to_string(),
            Some(Some(s)) => format!("fixed at {s}"),
        },
    );
    if let StopRule::Converge { rel_tol } = opts.stop {
        method = method.with("rel_tol", rel_tol);
    }

    let c = median_sorted(&v);
    // v is sorted: the largest |x − c| is at one end.
    let m = (v[0] - c).abs().max((v[p - 1] - c).abs());
    if m == 0.0 {
        return Err(PtError::ZeroScale {
            what: "algorithm_a",
        });
    }
    let a: Vec<f64> = v.iter().map(|x| (x - c) / m).collect();
    let mut s_star = match fixed {
        Some(Some(s)) => {
            if !(s.is_finite() && s > 0.0) {
                return Err(PtError::invalid("scale", "must be finite and positive"));
            }
            s / k0 / m
        }
        _ => MADE_FACTOR * mad_sorted(&a),
    };
    if s_star == 0.0 {
        // C.3.1 NOTE 2: MADe = 0, start from the SD.
        s_star = mean_sd(&a).1;
        method = method.with("start_scale", "sd (MADe = 0, C.3.1 NOTE 2)");
    }
    if s_star == 0.0 {
        return Err(PtError::ZeroScale {
            what: "algorithm_a",
        });
    }
    let s0 = s_star;
    let mut x_star = 0.0_f64;
    let mut trace = vec![TraceStep {
        iteration: 0,
        location: k0 * c,
        scale: k0 * m * s_star,
    }];
    let mut ratio: Option<f64> = None;
    let pm1 = (p - 1) as f64;
    let sums = if prefix {
        Sums::prefix(&a)
    } else {
        Sums::Plain(&a)
    };
    for it in 1..=opts.max_iter {
        let delta = DELTA_FACTOR * s_star;
        let (lo, hi) = (x_star - delta, x_star + delta);
        let step = sums.step(lo, hi, fixed.is_none(), fixed.is_none());
        let new_x = step.mean;
        let new_s = if fixed.is_some() {
            s_star
        } else {
            factor * (step.ss / pm1).sqrt()
        };
        let done = match opts.stop {
            StopRule::Converge { rel_tol } => {
                let limit = (rel_tol * new_s).max(8.0 * f64::EPSILON * new_x.abs());
                (new_x - x_star).abs() < limit && (new_s - s_star).abs() < limit
            }
            StopRule::ThreeFigures { compare_with_start } => {
                (it > 1 || compare_with_start)
                    && sig3(k0 * (c + m * new_x)) == sig3(k0 * (c + m * x_star))
                    && sig3(k0 * m * new_s) == sig3(k0 * m * s_star)
            }
        };
        if fixed.is_none() {
            if new_s < 1e-9 * s0 {
                return Err(PtError::ZeroScale {
                    what: "algorithm_a",
                });
            }
            // All results inside the limits identical: s* shrinks by a constant factor for
            // ever, i.e. towards zero.
            let all_same = step.inside_identical;
            if all_same && new_s < s_star {
                let r = new_s / s_star;
                if ratio.is_some_and(|q| (r - q).abs() <= 1e-12) {
                    return Err(PtError::ZeroScale {
                        what: "algorithm_a",
                    });
                }
                ratio = Some(r);
            } else {
                ratio = None;
            }
        }
        x_star = new_x;
        s_star = new_s;
        trace.push(TraceStep {
            iteration: it,
            location: k0 * (c + m * x_star),
            scale: k0 * m * s_star,
        });
        if done {
            method.iterations = Some(it);
            method.trace = trace;
            return Ok(AlgorithmAResult {
                x_star: crate::data::finite_result(k0 * (c + m * x_star), "x_star")?,
                s_star: crate::data::finite_result(k0 * (m * s_star), "s_star")?,
                iterations: it,
                method,
            });
        }
    }
    Err(PtError::NoConvergence {
        what: "algorithm_a",
        iterations: opts.max_iter,
    })
}
