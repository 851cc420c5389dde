//! Stability check, ISO 13528:2022 B.5 (also used for transport, B.6), with a t-test.

use crate::data::{check, mean_sd, non_negative, positive};
use crate::special::{t_quantile, t_two_sided_p};
use crate::{Method, PtError};
use serde::Serialize;

/// Result of the stability check.
///
/// # Examples
/// ```
/// let s = renke_pt::stability::stability(&[1.0, 1.1], &[1.02, 1.04], 0.2, None)?;
/// assert!(s.stable);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stability {
    /// Mean of the first occasion (homogeneity study), ȳ₁.
    pub mean_1: f64,
    /// Mean of the stability study, ȳ₂.
    pub mean_2: f64,
    /// |ȳ₁ − ȳ₂|.
    pub difference: f64,
    /// 0.3·σpt (B.5.1, Formula B.17).
    pub criterion: f64,
    /// difference ≤ criterion.
    pub stable: bool,
    /// 0.3σpt + 2√(u²(ȳ₁) + u²(ȳ₂)) (B.5.2, Formula B.18) when uncertainties given.
    pub expanded_criterion: Option<f64>,
    /// difference ≤ expanded criterion.
    pub stable_expanded: Option<bool>,
    /// Method record.
    pub method: Method,
}

/// |ȳ₁ − ȳ₂| against 0.3·σpt, ISO 13528:2022 B.5.1 (Formula B.17); with `u = Some((u1, u2))`
/// also against the expanded criterion of B.5.2 (Formula B.18).
///
/// # Examples
/// ```
/// let s = renke_pt::stability::stability(&[0.185, 0.194], &[0.191, 0.198], 0.02807, None)?;
/// assert!((s.difference - 0.005).abs() < 1e-12);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn stability(
    first: &[f64],
    second: &[f64],
    sigma_pt: f64,
    u: Option<(f64, f64)>,
) -> Result<Stability, PtError> {
    check(first, "stability (first occasion)", 1)?;
    check(second, "stability (second occasion)", 1)?;
    positive(sigma_pt, "sigma_pt")?;
    let mean_1 = mean_sd(first).0;
    let mean_2 = mean_sd(second).0;
    let difference = (mean_1 - mean_2).abs();
    let criterion = 0.3 * sigma_pt;
    let expanded = match u {
        Some((u1, u2)) => {
            non_negative(u1, "u1")?;
            non_negative(u2, "u2")?;
            Some(criterion + 2.0 * u1.hypot(u2))
        }
        None => None,
    };
    Ok(Stability {
        mean_1,
        mean_2,
        difference,
        criterion,
        stable: difference <= criterion,
        expanded_criterion: expanded,
        stable_expanded: expanded.map(|c| difference <= c),
        method: Method::new("stability", "ISO 13528:2022 B.5.1, B.5.2")
            .with("criterion", "|y1 - y2| ≤ 0.3·sigma_pt"),
    })
}

/// Welch's two-sample t-test (B.5.4 NOTE: use one mean per item, not the test portions).
///
/// # Examples
/// ```
/// let t = renke_pt::stability::t_test(&[1.0, 1.1, 0.9], &[1.5, 1.6, 1.4], 0.05)?;
/// assert!(t.significant);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TTest {
    /// t statistic (first − second).
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom.
    pub df: f64,
    /// Two-sided p value.
    pub p_value: f64,
    /// Two-sided critical |t| at level α.
    pub critical: f64,
    /// p < α.
    pub significant: bool,
}

/// Welch's t-test of two groups of item means (≥ 2 each). Zero variance in both groups is
/// [`PtError::ZeroScale`].
///
/// # Examples
/// ```
/// let t = renke_pt::stability::t_test(&[1.0, 1.2], &[1.0, 1.2], 0.05)?;
/// assert_eq!(t.t, 0.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn t_test(a: &[f64], b: &[f64], alpha: f64) -> Result<TTest, PtError> {
    check(a, "t_test", 2)?;
    check(b, "t_test", 2)?;
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(PtError::invalid("alpha", "must lie in (0, 1)"));
    }
    let (ma, sa) = mean_sd(a);
    let (mb, sb) = mean_sd(b);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let va = sa * sa / na;
    let vb = sb * sb / nb;
    if va + vb == 0.0 {
        return Err(PtError::ZeroScale { what: "t_test" });
    }
    let t = (ma - mb) / (va + vb).sqrt();
    let df = (va + vb).powi(2) / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let p_value = t_two_sided_p(t, df)?;
    Ok(TTest {
        t,
        df,
        p_value,
        critical: t_quantile(1.0 - alpha / 2.0, df)?,
        significant: p_value < alpha,
    })
}
