//! Simple and robust estimators of ISO 13528:2022 C.2 and the small-sample estimators of
//! D.1.4.2.

use crate::data::{check, mean_sd, median_sorted, sorted};
use crate::{Estimate, Method, PtError};
use serde::Serialize;

/// Scale factor of MADe, ISO 13528:2022 C.2.2 (1.483 ≈ 1/Φ⁻¹(0.75)).
pub const MADE_FACTOR: f64 = 1.483;
/// Scale factor of nIQR, ISO 13528:2022 C.2.3 (0.7413 ≈ 1/(2·Φ⁻¹(0.75))).
pub const NIQR_FACTOR: f64 = 0.7413;

/// How quartiles are interpolated. The PT provider chooses it and every result states it.
///
/// * `Linear` — position (n−1)p + 1 (Hyndman–Fan type 7): ISO 13528 Table E.5, Excel
///   `QUARTILE.INC`, R and numpy defaults.
/// * `NPlusOne` — position (n+1)p (Hyndman–Fan type 6): common in Chinese PT practice,
///   Minitab, SPSS, Excel `QUARTILE.EXC`. Positions outside 1..n are clamped to the extremes.
///
/// # Examples
/// ```
/// use renke_pt::{estimators::quartiles, QuartileRule};
/// let x = [4.7, 5.0, 6.2, 4.0, 5.3, 4.9, 5.7, 5.0, 4.5];
/// let q = quartiles(&x, QuartileRule::NPlusOne)?;
/// assert!((q.q1 - 4.6).abs() < 1e-12 && (q.q3 - 5.5).abs() < 1e-12);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuartileRule {
    /// (n−1)p + 1, Hyndman–Fan type 7.
    #[default]
    Linear,
    /// (n+1)p, Hyndman–Fan type 6.
    NPlusOne,
}

impl QuartileRule {
    /// The name used in options and on the command line (`linear`, `n-plus-1`).
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::QuartileRule::NPlusOne.name(), "n-plus-1");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            QuartileRule::Linear => "linear",
            QuartileRule::NPlusOne => "n-plus-1",
        }
    }
}

/// Quantile of sorted data at probability `prob` under `rule` (no checks).
pub(crate) fn quantile_sorted(v: &[f64], prob: f64, rule: QuartileRule) -> f64 {
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    // 1-based position h
    let h = match rule {
        QuartileRule::Linear => (n as f64 - 1.0) * prob + 1.0,
        QuartileRule::NPlusOne => (n as f64 + 1.0) * prob,
    };
    if h <= 1.0 {
        return v[0];
    }
    if h >= n as f64 {
        return v[n - 1];
    }
    let lo = h.floor();
    let i = lo as usize; // 1-based index of the lower order statistic
    let frac = h - lo;
    let a = v[i - 1];
    let b = v[i];
    if frac == 0.0 { a } else { a + frac * (b - a) }
}

/// Arithmetic mean x̄ = Σxᵢ/p (ISO 13528:2022 C.1, 7.7.1).
///
/// # Examples
/// ```
/// let m = renke_pt::estimators::mean(&[1.0, 2.0, 6.0])?;
/// assert_eq!(m.value, 3.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn mean(x: &[f64]) -> Result<Estimate, PtError> {
    check(x, "mean", 1)?;
    Ok(Estimate {
        value: crate::data::finite_result(mean_sd(x).0, "mean")?,
        method: Method::new("mean", "ISO 13528:2022 7.7.1"),
    })
}

/// Sample standard deviation s = √(Σ(xᵢ − x̄)²/(p − 1)). Needs p ≥ 2; identical values give
/// exactly 0.
///
/// # Examples
/// ```
/// let s = renke_pt::estimators::sd(&[1.0, 2.0, 3.0])?;
/// assert!((s.value - 1.0).abs() < 1e-15);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn sd(x: &[f64]) -> Result<Estimate, PtError> {
    check(x, "sd", 2)?;
    Ok(Estimate {
        value: crate::data::finite_result(mean_sd(x).1, "sd")?,
        method: Method::new("sd", "ISO 13528:2022 7.7.1"),
    })
}

/// Median, ISO 13528:2022 C.2.1: the middle order statistic, or the mean of the two middle
/// ones for even p.
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::estimators::median(&[4.0, 1.0, 3.0, 2.0])?.value, 2.5);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn median(x: &[f64]) -> Result<Estimate, PtError> {
    let v = sorted(x, "median", 1)?;
    Ok(Estimate {
        value: median_sorted(&v),
        method: Method::new("median", "ISO 13528:2022 C.2.1"),
    })
}

/// Median absolute deviation MAD = med|xᵢ − med(x)| (unscaled; C.2.2).
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::estimators::mad(&[1.0, 2.0, 4.0])?.value, 1.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn mad(x: &[f64]) -> Result<Estimate, PtError> {
    let v = sorted(x, "mad", 1)?;
    Ok(Estimate {
        value: mad_sorted(&v),
        method: Method::new("mad", "ISO 13528:2022 C.2.2"),
    })
}

/// MAD of sorted data without a second sort: the absolute deviations |xᵢ − med| are two
/// sorted sequences (m − xᵢ for xᵢ < med read leftwards, xᵢ − m for xᵢ ≥ med read rightwards;
/// floating-point subtraction is monotone and |x − m| = m − x exactly for x < m), so their
/// median is a k-th order statistic of two sorted sequences, found by binary search in
/// O(log p). Same value as sorting the deviations.
pub(crate) fn mad_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let m = median_sorted(v);
    let split = v.partition_point(|x| *x < m);
    let left = |i: usize| m - v[split - 1 - i];
    let right = |i: usize| v[split + i] - m;
    let kth = |k: usize| kth_of_two(&left, split, &right, n - split, k);
    if n % 2 == 1 {
        kth(n / 2)
    } else {
        0.5 * (kth(n / 2 - 1) + kth(n / 2))
    }
}

/// The k-th smallest (0-based, k < na + nb) of the union of two ascending sequences given by
/// index functions.
fn kth_of_two(
    a: &dyn Fn(usize) -> f64,
    na: usize,
    b: &dyn Fn(usize) -> f64,
    nb: usize,
    k: usize,
) -> f64 {
    // t = how many of the k + 1 smallest come from `a`: the least t with a(t) ≥ b(k − t).
    let (mut lo, mut hi) = ((k + 1).saturating_sub(nb), na.min(k + 1));
    while lo < hi {
        let t = lo + (hi - lo) / 2;
        if a(t) < b(k - t) {
            lo = t + 1;
        } else {
            hi = t;
        }
    }
    let from_a = (lo > 0).then(|| a(lo - 1));
    let from_b = (lo <= k && k - lo < nb).then(|| b(k - lo));
    match (from_a, from_b) {
        (Some(x), Some(y)) => x.max(y),
        (Some(x), None) => x,
        (None, Some(y)) => y,
        (None, None) => 0.0,
    }
}

/// Scaled median absolute deviation, ISO 13528:2022 C.2.2, Formula (C.2):
/// MADe = 1.483 · med|xᵢ − med(x)|. A MADe of zero is returned as zero (the caller decides:
/// Algorithm A falls back to the SD, C.3.1 NOTE 2).
///
/// # Examples
/// ```
/// let e = renke_pt::estimators::made(&[1.0, 2.0, 4.0])?;
/// assert!((e.value - 1.483).abs() < 1e-15);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn made(x: &[f64]) -> Result<Estimate, PtError> {
    let v = sorted(x, "made", 1)?;
    Ok(Estimate {
        value: crate::data::finite_result(MADE_FACTOR * mad_sorted(&v), "made")?,
        method: Method::new("made", "ISO 13528:2022 C.2.2").with("factor", MADE_FACTOR),
    })
}

/// First quartile, median and third quartile.
///
/// # Examples
/// ```
/// let q = renke_pt::estimators::quartiles(&[1.0, 2.0, 3.0, 4.0, 5.0], Default::default())?;
/// assert_eq!((q.q1, q.median, q.q3), (2.0, 3.0, 4.0));
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quartiles {
    /// Q1.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Q3.
    pub q3: f64,
    /// The rule used.
    pub rule: QuartileRule,
}

/// Quartiles of `x` under `rule` (see [`QuartileRule`]).
///
/// # Examples
/// ```
/// use renke_pt::{estimators::quartiles, QuartileRule};
/// let x = [4.7, 5.0, 6.2, 4.0, 5.3, 4.9, 5.7, 5.0, 4.5];
/// let q = quartiles(&x, QuartileRule::Linear)?;
/// assert!((q.q1 - 4.7).abs() < 1e-12 && (q.q3 - 5.3).abs() < 1e-12);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn quartiles(x: &[f64], rule: QuartileRule) -> Result<Quartiles, PtError> {
    let v = sorted(x, "quartiles", 1)?;
    Ok(Quartiles {
        q1: quantile_sorted(&v, 0.25, rule),
        median: median_sorted(&v),
        q3: quantile_sorted(&v, 0.75, rule),
        rule,
    })
}

/// Normalized interquartile range, ISO 13528:2022 C.2.3, Formula (C.3):
/// nIQR = 0.7413 · (Q3 − Q1), quartiles under the stated `rule`.
///
/// # Examples
/// ```
/// use renke_pt::{estimators::niqr, QuartileRule};
/// let x = [4.7, 5.0, 6.2, 4.0, 5.3, 4.9, 5.7, 5.0, 4.5];
/// let e = niqr(&x, QuartileRule::NPlusOne)?;
/// assert!((e.value - 0.66717).abs() < 1e-12);
/// assert_eq!(e.method.options["quartile_rule"], "n-plus-1");
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn niqr(x: &[f64], rule: QuartileRule) -> Result<Estimate, PtError> {
    let q = quartiles(x, rule)?;
    Ok(Estimate {
        value: crate::data::finite_result(NIQR_FACTOR * (q.q3 - q.q1), "niqr")?,
        method: Method::new("niqr", "ISO 13528:2022 C.2.3")
            .with("factor", NIQR_FACTOR)
            .with("quartile_rule", rule.name()),
    })
}

/// Robust SD from the mean absolute deviation from the median, ISO 13528:2022 D.1.4.2
/// NOTE 4, Formula (D.1): s* = Σ|xᵢ − med(x)| / (0.798 · p). For small numbers of results.
///
/// # Examples
/// ```
/// let e = renke_pt::estimators::mean_abs_dev_sd(&[1.0, 2.0, 3.0])?;
/// assert!((e.value - 2.0 / (0.798 * 3.0)).abs() < 1e-15);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn mean_abs_dev_sd(x: &[f64]) -> Result<Estimate, PtError> {
    let v = sorted(x, "mean_abs_dev_sd", 2)?;
    let m = median_sorted(&v);
    let s = v.iter().map(|x| (x - m).abs()).sum::<f64>() / (0.798 * v.len() as f64);
    Ok(Estimate {
        value: s,
        method: Method::new("mean_abs_dev_sd", "ISO 13528:2022 D.1.4.2 NOTE 4")
            .with("factor", 0.798),
    })
}

/// Dispersion of two results, ISO 13528:2022 D.1.4.2 NOTE 3: s = |x₁ − x₂| / √2.
///
/// # Examples
/// ```
/// let e = renke_pt::estimators::sd_two_results(1.0, 3.0)?;
/// assert!((e.value - 2f64.sqrt()).abs() < 1e-15);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn sd_two_results(x1: f64, x2: f64) -> Result<Estimate, PtError> {
    check(&[x1, x2], "sd_two_results", 2)?;
    Ok(Estimate {
        value: (x1 - x2).abs() / std::f64::consts::SQRT_2,
        method: Method::new("sd_two_results", "ISO 13528:2022 D.1.4.2 NOTE 3"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mad_by_sorting(v: &[f64]) -> f64 {
        let m = median_sorted(v);
        let mut d: Vec<f64> = v.iter().map(|x| (x - m).abs()).collect();
        d.sort_by(f64::total_cmp);
        median_sorted(&d)
    }

    #[test]
    fn mad_without_second_sort_equals_sorting_the_deviations() {
        let mut s = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for n in 1..300 {
            for round in 0..20 {
                let modulus = [3, 10, 1000, 1 << 40][round % 4];
                let mut v: Vec<f64> = (0..n)
                    .map(|_| (next() % modulus) as f64 * 0.37 - 1.1)
                    .collect();
                v.sort_by(f64::total_cmp);
                let (a, b) = (mad_sorted(&v), mad_by_sorting(&v));
                assert_eq!(a.to_bits(), b.to_bits(), "n = {n}, {v:?}");
            }
        }
    }
}
