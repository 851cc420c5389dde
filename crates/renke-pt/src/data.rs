//! Input checks shared by the estimators.

use crate::PtError;

/// Checks that `x` has at least `min` values, all finite.
pub(crate) fn check(x: &[f64], what: &'static str, min: usize) -> Result<(), PtError> {
    if x.is_empty() {
        return Err(PtError::Empty);
    }
    if let Some(index) = x.iter().position(|v| !v.is_finite()) {
        return Err(PtError::NonFinite { index });
    }
    if x.len() < min {
        return Err(PtError::TooFew {
            what,
            needed: min,
            got: x.len(),
        });
    }
    Ok(())
}

/// Checked and sorted copy.
pub(crate) fn sorted(x: &[f64], what: &'static str, min: usize) -> Result<Vec<f64>, PtError> {
    check(x, what, min)?;
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    Ok(v)
}

/// Median of sorted, non-empty data.
pub(crate) fn median_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// A finite, positive parameter.
pub(crate) fn positive(v: f64, name: &'static str) -> Result<f64, PtError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(PtError::invalid(
            name,
            format!("must be finite and positive, got {v}"),
        ))
    }
}

/// A finite, non-negative parameter.
pub(crate) fn non_negative(v: f64, name: &'static str) -> Result<f64, PtError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(PtError::invalid(
            name,
            format!("must be finite and not negative, got {v}"),
        ))
    }
}

/// A finite parameter.
pub(crate) fn finite(v: f64, name: &'static str) -> Result<f64, PtError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(PtError::invalid(name, format!("must be finite, got {v}")))
    }
}

/// Mean and sample SD computed about the first value, so that identical values give an SD of
/// exactly zero, on values rescaled when they are very large or very small (no overflow of
/// squares).
pub(crate) fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let amax = x.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
    let k = if amax > 1e100 || (amax > 0.0 && amax < 1e-100) {
        amax
    } else {
        1.0
    };
    let c = x[0] / k;
    let m = x.iter().map(|v| v / k - c).sum::<f64>() / n as f64;
    let mean = (c + m) * k;
    if n < 2 {
        return (mean, 0.0);
    }
    let ss: f64 = x
        .iter()
        .map(|v| {
            let d = v / k - c - m;
            d * d
        })
        .sum();
    (mean, (ss / (n as f64 - 1.0)).sqrt() * k)
}

/// A figure that overflowed is an error, never an infinity.
pub(crate) fn finite_result(v: f64, what: &'static str) -> Result<f64, PtError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(PtError::invalid(
            what,
            "the result overflows the range of f64",
        ))
    }
}

/// Divides sorted data by max|x| when that exceeds 1e300, so that differences cannot overflow;
/// returns the factor to multiply location and scale results by.
pub(crate) fn prescale(v: &mut [f64]) -> f64 {
    let amax = v.iter().fold(0.0_f64, |a, x| a.max(x.abs()));
    if amax > 1e300 {
        for x in v.iter_mut() {
            *x /= amax;
        }
        amax
    } else {
        1.0
    }
}
