//! The Qn estimator, the Q method, the Hampel estimator and Q/Hampel, ISO 13528:2022 C.5
//! (Qn as amended by Amd 1:2026).
//!
//! All pairwise statistics use selection on the sorted data (a bisection over the bit
//! patterns of the candidate difference, with a two-pointer count of pairs per step), so they
//! run in O(p log p + 64·p) per order statistic and never form the p(p−1)/2 differences.

use crate::data::{median_sorted, sorted};
use crate::special::normal_quantile;
use crate::{Method, PtError};
use serde::Serialize;

/// Number of pairs i < j with x[j] − x[i] ≤ t (x sorted ascending, t ≥ 0).
fn count_le(x: &[f64], t: f64) -> u64 {
    let mut c = 0u64;
    let mut i = 0usize;
    for j in 0..x.len() {
        while i < j && x[j] - x[i] > t {
            i += 1;
        }
        c += (j - i) as u64;
    }
    c
}

/// Number of pairs i < j with x[j] − x[i] < t.
fn count_lt(x: &[f64], t: f64) -> u64 {
    let mut c = 0u64;
    let mut i = 0usize;
    for j in 0..x.len() {
        while i < j && x[j] - x[i] >= t {
            i += 1;
        }
        c += (j - i) as u64;
    }
    c
}

/// The k-th smallest (1-based) pairwise difference x[j] − x[i], i < j, of sorted data.
fn kth_difference(x: &[f64], k: u64) -> f64 {
    let n = x.len();
    if n < 2 {
        return 0.0;
    }
    let max = x[n - 1] - x[0];
    // smallest non-negative double t with count_le(t) >= k; doubles >= 0 order like their bits
    let (mut lo, mut hi) = (0u64, max.to_bits());
    if count_le(x, 0.0) >= k {
        return 0.0;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if count_le(x, f64::from_bits(mid)) >= k {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    f64::from_bits(hi)
}

/// Which definition of Qn (C.5.2.1).
///
/// # Examples
/// ```
/// use renke_pt::qn::QnVariant;
/// assert_eq!(QnVariant::default(), QnVariant::Amd2026);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum QnVariant {
    /// ISO 13528:2022/Amd 1:2026: h = ⌊p/2⌋ + 1, k = h(h−1)/2, factor 2.2191, finite-sample
    /// factor b_p from Table C.2 (p ≤ 12) or b_p = 1/(1 + r_p) with
    /// r_p = (1.6019 + (−2.128 − 5.172/p)/p)/p (p odd) or
    /// r_p = (3.6756 + (1.965 + (6.987 − 77/p)/p)/p)/p (p even). The default.
    #[default]
    Amd2026,
    /// Rousseeuw–Croux as in R robustbase ≥ 0.95: the same h and k with factor 2.21914 and the
    /// finite-sample constants to more digits (0.399356, …; 1.60188, −2.1284; 3.67561,
    /// 1.9654).
    RousseeuwCroux,
    /// ISO 13528:2022 as first printed: h = p/2 (p even) or (p − 1)/2 (p odd), factor
    /// 2.2219, b_p as for Amd 2026. Undefined for p < 4.
    Iso2022Literal,
}

impl QnVariant {
    /// Name used in options.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::qn::QnVariant::Amd2026.name(), "amd-2026");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            QnVariant::Amd2026 => "amd-2026",
            QnVariant::RousseeuwCroux => "rousseeuw-croux",
            QnVariant::Iso2022Literal => "iso-2022-literal",
        }
    }
}

const BP_AMD: [f64; 11] = [
    0.3994, 0.9937, 0.5132, 0.8440, 0.6122, 0.8588, 0.6699, 0.8734, 0.7201, 0.8891, 0.7574,
];
const BP_RC: [f64; 11] = [
    0.399356, 0.99365, 0.51321, 0.84401, 0.61220, 0.85877, 0.66993, 0.87344, 0.72014, 0.88906,
    0.75743,
];

fn qn_bp(p: usize, precise: bool) -> f64 {
    if p <= 12 {
        let t = if precise { &BP_RC } else { &BP_AMD };
        return t[p.saturating_sub(2).min(10)];
    }
    let n = p as f64;
    let r = if p % 2 == 1 {
        if precise {
            (1.60188 + (-2.1284 - 5.172 / n) / n) / n
        } else {
            (1.6019 + (-2.128 - 5.172 / n) / n) / n
        }
    } else if precise {
        (3.67561 + (1.9654 + (6.987 - 77.0 / n) / n) / n) / n
    } else {
        (3.6756 + (1.965 + (6.987 - 77.0 / n) / n) / n) / n
    };
    1.0 / (1.0 + r)
}

/// Qn scale estimator, ISO 13528:2022 C.5.2.1 (Formulae C.15 to C.21):
/// Qn = f · b_p · d₍ₖ₎, d₍ₖ₎ the k-th smallest of the p(p−1)/2 differences |xᵢ − xⱼ|, with
/// h, k, f and b_p as [`QnVariant`] states.
///
/// Needs p ≥ 2 (p ≥ 4 for [`QnVariant::Iso2022Literal`]). A Qn of zero (more than about half
/// the results identical) is returned as zero.
///
/// # Examples
/// ```
/// use renke_pt::qn::{qn, QnVariant};
/// let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0];
/// let e = qn(&x, QnVariant::Amd2026)?;
/// assert!(e.value > 3.0 && e.value < 6.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn qn(x: &[f64], variant: QnVariant) -> Result<crate::Estimate, PtError> {
    let mut v = sorted(x, "qn", 2)?;
    let k0 = crate::data::prescale(&mut v);
    let p = v.len();
    let (h, factor) = match variant {
        QnVariant::Amd2026 => (p / 2 + 1, 2.2191),
        QnVariant::RousseeuwCroux => (p / 2 + 1, 2.21914),
        QnVariant::Iso2022Literal => {
            if p < 4 {
                return Err(PtError::TooFew {
                    what: "qn (ISO 13528:2022 as first printed)",
                    needed: 4,
                    got: p,
                });
            }
            (p / 2, 2.2219)
        }
    };
    let k = (h * (h - 1) / 2) as u64;
    let d = kth_difference(&v, k.max(1));
    let bp = qn_bp(p, variant == QnVariant::RousseeuwCroux);
    Ok(crate::Estimate {
        value: crate::data::finite_result(k0 * (factor * bp * d), "qn")?,
        method: Method::new("qn", "ISO 13528:2022/Amd 1:2026 C.5.2.1")
            .with("variant", variant.name())
            .with("h", h)
            .with("k", k)
            .with("factor", factor)
            .with("b_p", bp),
    })
}

/// Q method robust standard deviation, ISO 13528:2022 C.5.2.2 (Formulae C.22 to C.25), one
/// result per participant.
///
/// H₁(t) is the fraction of the p(p−1)/2 pairwise differences ≤ t; G₁ joins, at each distinct
/// positive difference tᵢ, the point (tᵢ, (H₁(tᵢ) + H₁(tᵢ₋₁))/2) (with G₁(0) = 0), linearly.
/// s* = G₁⁻¹(0.25 + 0.75·H₁(0)) / (√2 · Φ⁻¹(0.625 + 0.375·H₁(0))).
///
/// Differences that are equal in decimal arithmetic but differ by binary rounding noise are
/// merged: two differences within 4·ε·max|xᵢ| are one discontinuity of H₁ (and differences
/// below that are zero), so the result does not depend on the unit.
/// Errors: p < 2; all results equal ([`PtError::ZeroScale`]).
///
/// # Examples
/// ```
/// let s = renke_pt::qn::q_method(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])?;
/// assert!(s.value > 1.0 && s.value < 3.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn q_method(x: &[f64]) -> Result<crate::Estimate, PtError> {
    let mut v = sorted(x, "q_method", 2)?;
    let k0 = crate::data::prescale(&mut v);
    let p = v.len() as u64;
    let n_pairs = p * (p - 1) / 2;
    let nf = n_pairs as f64;
    let amax = v.iter().fold(0.0_f64, |a, y| a.max(y.abs()));
    let tie = 4.0 * f64::EPSILON * amax;
    let n0 = count_le(&v, tie);
    if n0 >= n_pairs {
        return Err(PtError::ZeroScale { what: "q_method" });
    }
    let h0 = n0 as f64 / nf;
    let q = 0.25 + 0.75 * h0;
    let g = |t: f64| (count_lt(&v, t - tie) + count_le(&v, t + tie)) as f64 / (2.0 * nf);
    // smallest rank r in (n0, n_pairs] whose difference has G >= q
    let (mut lo, mut hi) = (n0, n_pairs); // predicate false at lo (virtual), true at hi
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if g(kth_difference(&v, mid)) >= q {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let t_r = kth_difference(&v, hi);
    let below = count_lt(&v, t_r - tie);
    let t_hi = kth_difference(&v, below + 1).max(t_r - tie).min(t_r);
    let g_hi = g(t_hi);
    let (t_lo, g_lo) = if below > n0 {
        let t = kth_difference(&v, below);
        (t, g(t))
    } else {
        (0.0, 0.0)
    };
    let num = if g_hi > g_lo {
        t_lo + (q - g_lo) * (t_hi - t_lo) / (g_hi - g_lo)
    } else {
        t_hi
    };
    let den = std::f64::consts::SQRT_2 * normal_quantile(0.625 + 0.375 * h0)?;
    Ok(crate::Estimate {
        value: crate::data::finite_result(k0 * (num / den), "q_method")?,
        method: Method::new("q_method", "ISO 13528:2022 C.5.2.2")
            .with("replicates", "one result per participant")
            .with("tie_tolerance", "4·eps·max|x|"),
    })
}

/// ψ of Formula (C.30) with a = 1.5, b = 3, c = 4.5.
fn hampel_psi(u: f64) -> f64 {
    let a = u.abs();
    let s = u.signum();
    if a <= 1.5 {
        u
    } else if a <= 3.0 {
        1.5 * s
    } else if a <= 4.5 {
        (4.5 - a) * s
    } else {
        0.0
    }
}

fn psi_sum(q: &[f64], d: f64) -> f64 {
    q.iter().map(|qi| hampel_psi(qi - d)).sum()
}

/// Hampel estimator of location with a given scale, finite-step algorithm of
/// ISO 13528:2022 C.5.3.3: the solution x* of Σψ((xᵢ − x*)/s*) = 0 (ψ of Formula C.30 with
/// 1.5, 3, 4.5) nearest the median. Ψ is piecewise linear with nodes at
/// (xᵢ − med)/s* ± {1.5, 3, 4.5}; it is swept once over the sorted nodes (O(p log p)) and the
/// chosen root is recomputed exactly. When no root exists, or two are equally near, the
/// median is returned (documented fallback, as C.5.3.3 prescribes the median when the
/// solution is not unique). A zero scale returns the median.
///
/// # Examples
/// ```
/// let e = renke_pt::qn::hampel(&[1.0, 2.0, 3.0, 4.0, 50.0], 1.5)?;
/// assert!(e.value > 2.0 && e.value < 4.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn hampel(x: &[f64], scale: f64) -> Result<crate::Estimate, PtError> {
    let mut v = sorted(x, "hampel", 1)?;
    crate::data::non_negative(scale, "scale")?;
    let k0 = crate::data::prescale(&mut v);
    let scale = scale / k0;
    let med = median_sorted(&v);
    let out = |r: f64| crate::data::finite_result(k0 * r, "hampel");
    let method = Method::new("hampel", "ISO 13528:2022 C.5.3.3")
        .with("a", 1.5)
        .with("b", 3.0)
        .with("c", 4.5)
        .with("scale", scale);
    if scale == 0.0 {
        return Ok(crate::Estimate {
            value: out(med)?,
            method,
        });
    }
    let q: Vec<f64> = v.iter().map(|y| (y - med) / scale).collect();
    // events: (position, element index, region entered)
    const OFFS: [f64; 6] = [-4.5, -3.0, -1.5, 1.5, 3.0, 4.5];
    let mut nodes: Vec<(f64, usize, usize)> = Vec::with_capacity(6 * q.len());
    for (i, qi) in q.iter().enumerate() {
        for (r, c) in OFFS.iter().enumerate() {
            nodes.push((qi + c, i, r + 1));
        }
    }
    nodes.sort_by(|a, b| a.0.total_cmp(&b.0));
    // coefficient (alpha, beta) of psi(q_i - d) = alpha + beta d in region r (0..=6)
    let coef = |qi: f64, r: usize| -> (f64, f64) {
        match r {
            1 => (4.5 - qi, 1.0),
            2 => (1.5, 0.0),
            3 => (qi, -1.0),
            4 => (-1.5, 0.0),
            5 => (-4.5 - qi, 1.0),
            _ => (0.0, 0.0),
        }
    };
    let (mut alpha, mut beta) = (0.0_f64, 0.0_f64);
    let mut vals: Vec<f64> = Vec::with_capacity(nodes.len());
    for &(pos, i, r) in &nodes {
        let (a0, b0) = coef(q[i], r - 1);
        let (a1, b1) = coef(q[i], r);
        alpha += a1 - a0;
        beta += b1 - b0;
        vals.push(alpha + beta * pos);
    }
    let qmax = q.iter().fold(1.0_f64, |a, y| a.max(y.abs()));
    let zero_tol = 1e-12_f64.max(64.0 * f64::EPSILON * nodes.len() as f64 * (qmax + 4.5));
    let tiny = 1e-12 * qmax;
    // Two roots closer than the rounding noise of the data are one tie. The noise scales with
    // the data's distance from zero in units of `scale` (|med|/scale), so the test stays the
    // same when every value is shifted or rescaled (affine equivariance).
    let tie = tiny.max(64.0 * f64::EPSILON * (med.abs() / scale + qmax));
    // candidate brackets (node index m, node index m+1) or exact node roots
    let mut cands: Vec<(f64, usize)> = Vec::new();
    for m in 0..nodes.len().saturating_sub(1) {
        let (a, b) = (vals[m], vals[m + 1]);
        let (na, nb) = (nodes[m].0, nodes[m + 1].0);
        if a.abs() < zero_tol {
            cands.push((na, m));
        }
        if a * b < 0.0 && nb - na > tiny {
            cands.push((na - a * (nb - na) / (b - a), m));
        }
    }
    if cands.is_empty() {
        return Ok(crate::Estimate {
            value: out(med)?,
            method: method.with("fallback", "median (no root)"),
        });
    }
    // refine the nearest candidates exactly
    cands.sort_by(|a, b| a.0.abs().total_cmp(&b.0.abs()));
    let refine = |m: usize| -> Option<f64> {
        let (na, nb) = (nodes[m].0, nodes[m + 1].0);
        let (a, b) = (psi_sum(&q, na), psi_sum(&q, nb));
        if a.abs() < 1e-12 {
            Some(na)
        } else if b.abs() < 1e-12 {
            Some(nb)
        } else if a * b < 0.0 {
            Some(na - a * (nb - na) / (b - a))
        } else {
            None
        }
    };
    let mut roots: Vec<f64> = Vec::new();
    let best_approx = cands[0].0.abs();
    for (approx, m) in &cands {
        if approx.abs() > best_approx + 1e-6 && !roots.is_empty() {
            break;
        }
        if let Some(r) = refine(*m) {
            roots.push(r);
        }
    }
    roots.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
    roots.dedup_by(|a, b| (*a - *b).abs() <= tie);
    match roots.as_slice() {
        [] => Ok(crate::Estimate {
            value: out(med)?,
            method: method.with("fallback", "median (no root)"),
        }),
        [r] => Ok(crate::Estimate {
            value: out(med + scale * r)?,
            method,
        }),
        [r, s, ..] => {
            if (r.abs() - s.abs()).abs() <= tie {
                Ok(crate::Estimate {
                    value: out(med)?,
                    method: method.with("fallback", "median (two roots equally near)"),
                })
            } else {
                Ok(crate::Estimate {
                    value: out(med + scale * r)?,
                    method,
                })
            }
        }
    }
}

/// Q/Hampel result: Hampel location with the Q-method scale.
///
/// # Examples
/// ```
/// let r = renke_pt::qn::q_hampel(&[1.0, 2.0, 2.5, 3.0, 4.0, 50.0])?;
/// assert!(r.x_star < 4.0 && r.s_star > 0.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QHampelResult {
    /// Robust mean x* (Hampel, C.5.3.3).
    pub x_star: f64,
    /// Robust SD s* (Q method, C.5.2.2).
    pub s_star: f64,
    /// Method record.
    pub method: Method,
}

/// Q/Hampel, ISO 13528:2022 C.5.4: s* from the Q method, x* from the finite-step Hampel
/// estimator with that scale. Needs p ≥ 3; all results equal is [`PtError::ZeroScale`].
///
/// # Examples
/// ```
/// let x = [0.04, 0.055, 0.178, 0.202, 0.206, 0.227, 0.228, 0.23, 0.23, 0.235, 0.4246];
/// let r = renke_pt::qn::q_hampel(&x)?;
/// assert!(r.x_star > 0.2 && r.x_star < 0.24);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn q_hampel(x: &[f64]) -> Result<QHampelResult, PtError> {
    crate::data::check(x, "q_hampel", 3)?;
    let s = q_method(x)?;
    let h = hampel(x, s.value)?;
    let mut method = Method::new("q_hampel", "ISO 13528:2022 C.5.4")
        .with("scale", "q_method C.5.2.2")
        .with("location", "hampel finite-step C.5.3.3");
    if let Some(f) = h.method.options.get("fallback") {
        method = method.with("fallback", f);
    }
    Ok(QHampelResult {
        x_star: h.value,
        s_star: s.value,
        method,
    })
}
