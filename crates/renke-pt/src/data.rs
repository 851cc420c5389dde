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
    sort_f64(&mut v);
    Ok(v)
}

/// Below this length the comparison sort is faster than the radix sort.
const RADIX_MIN: usize = 1024;
/// Bits per radix digit: six passes of 2,048 buckets cover the 64-bit key.
const RADIX_BITS: u32 = 11;

/// The order-preserving key of an f64: its bits with the sign bit flipped for positive
/// values and all bits flipped for negative ones, so that unsigned order is
/// [`f64::total_cmp`] order (−0.0 before +0.0).
fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The inverse of [`order_key`].
fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Sorts ascending in [`f64::total_cmp`] order, with the same result as
/// `v.sort_by(f64::total_cmp)`: a least-significant-digit radix sort on the
/// order-preserving 64-bit key for long slices (passes whose digit is the same for every
/// value are skipped), a comparison sort for short ones.
pub(crate) fn sort_f64(v: &mut [f64]) {
    let n = v.len();
    if n < RADIX_MIN {
        v.sort_unstable_by(f64::total_cmp);
        return;
    }
    const PASSES: usize = 64_usize.div_ceil(RADIX_BITS as usize);
    const BUCKETS: usize = 1 << RADIX_BITS;
    let mask = (BUCKETS - 1) as u64;
    let mut keys: Vec<u64> = v.iter().map(|x| order_key(*x)).collect();
    let mut counts = vec![[0usize; BUCKETS]; PASSES];
    for k in &keys {
        for (p, c) in counts.iter_mut().enumerate() {
            c[((k >> (p as u32 * RADIX_BITS)) & mask) as usize] += 1;
        }
    }
    let mut buf = vec![0u64; n];
    for (p, c) in counts.iter_mut().enumerate() {
        if c.contains(&n) {
            continue; // every key has the same digit here
        }
        let mut total = 0;
        for slot in c.iter_mut() {
            let here = *slot;
            *slot = total;
            total += here;
        }
        let shift = p as u32 * RADIX_BITS;
        for k in &keys {
            let d = ((k >> shift) & mask) as usize;
            buf[c[d]] = *k;
            c[d] += 1;
        }
        std::mem::swap(&mut keys, &mut buf);
    }
    for (x, k) in v.iter_mut().zip(&keys) {
        *x = from_order_key(*k);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_equals_comparison_sort() {
        let mut s = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for n in [0, 1, 2, 1023, 1024, 1025, 5000, 70_000] {
            let specials = [
                0.0,
                -0.0,
                1.0,
                -1.0,
                f64::MIN_POSITIVE,
                -f64::MAX,
                f64::MAX,
                5e-324,
            ];
            let v: Vec<f64> = (0..n)
                .map(|i| match next() % 4 {
                    0 => specials[i % specials.len()],
                    1 => f64::from_bits(next()).clamp(-f64::MAX, f64::MAX),
                    2 => (next() % 1000) as f64 / 1000.0 + 10.0,
                    _ => -((next() % 7) as f64),
                })
                .map(|x| if x.is_nan() { 3.5 } else { x })
                .collect();
            let mut a = v.clone();
            let mut b = v;
            sort_f64(&mut a);
            b.sort_by(f64::total_cmp);
            let bits = |w: &[f64]| w.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a), bits(&b), "n = {n}");
        }
    }
}
