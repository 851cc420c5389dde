//! Qualitative results (ISO 13528:2022 Clause 11): nominal (agreement with the expected
//! result) and ordinal (median and mode of ordered categories).

use crate::{Method, PtError};
use serde::Serialize;
use std::collections::BTreeMap;

/// Agreement of nominal results with the expected result (11.3).
///
/// # Examples
/// ```
/// let r = renke_pt::qualitative::nominal(&["pos", "neg", "pos"], &"pos")?;
/// assert_eq!(r.agree, 2);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nominal {
    /// Number of results.
    pub n: usize,
    /// Results equal to the expected one.
    pub agree: usize,
    /// agree / n.
    pub fraction: f64,
    /// Per result: agrees with the expected result.
    pub per_result: Vec<bool>,
    /// Method record.
    pub method: Method,
}

/// Nominal results against the expected result (11.3): each result agrees or not; the
/// fraction agreeing is reported.
///
/// # Examples
/// ```
/// let r = renke_pt::qualitative::nominal(&[1, 1, 2, 1], &1)?;
/// assert_eq!(r.fraction, 0.75);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn nominal<T: PartialEq>(results: &[T], expected: &T) -> Result<Nominal, PtError> {
    if results.is_empty() {
        return Err(PtError::Empty);
    }
    let per_result: Vec<bool> = results.iter().map(|r| r == expected).collect();
    let agree = per_result.iter().filter(|b| **b).count();
    Ok(Nominal {
        n: results.len(),
        agree,
        fraction: agree as f64 / results.len() as f64,
        per_result,
        method: Method::new("nominal", "ISO 13528:2022 11.3"),
    })
}

/// Summary of ordinal results given as ranks of ordered categories (11.4).
///
/// # Examples
/// ```
/// let r = renke_pt::qualitative::ordinal(&[1, 2, 2, 3, 2])?;
/// assert_eq!(r.median, 2.0);
/// assert_eq!(r.modes, vec![2]);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ordinal {
    /// Median rank (the mean of the two middle ranks for even n).
    pub median: f64,
    /// Most frequent ranks (all of them when tied).
    pub modes: Vec<u32>,
    /// Count per rank.
    pub counts: BTreeMap<u32, usize>,
    /// Method record.
    pub method: Method,
}

/// Median and mode of ordinal results (11.4): ranks of ordered categories, e.g. 0 = "−",
/// 1 = "+", 2 = "++".
///
/// # Examples
/// ```
/// let r = renke_pt::qualitative::ordinal(&[0, 0, 1, 1])?;
/// assert_eq!(r.median, 0.5);
/// assert_eq!(r.modes, vec![0, 1]);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn ordinal(ranks: &[u32]) -> Result<Ordinal, PtError> {
    if ranks.is_empty() {
        return Err(PtError::Empty);
    }
    let mut v = ranks.to_vec();
    v.sort_unstable();
    let n = v.len();
    let median = if n % 2 == 1 {
        f64::from(v[n / 2])
    } else {
        0.5 * (f64::from(v[n / 2 - 1]) + f64::from(v[n / 2]))
    };
    let mut counts = BTreeMap::new();
    for r in &v {
        *counts.entry(*r).or_insert(0usize) += 1;
    }
    let max = counts.values().copied().max().unwrap_or(0);
    let modes = counts
        .iter()
        .filter(|(_, c)| **c == max)
        .map(|(r, _)| *r)
        .collect();
    Ok(Ordinal {
        median,
        modes,
        counts,
        method: Method::new("ordinal", "ISO 13528:2022 11.4"),
    })
}
