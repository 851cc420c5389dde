//! Grubbs' test for one outlying observation (ISO 5725-2, referenced by ISO 13528:2022 6.6.3
//! NOTE 1 and D.1.2).

use crate::data::{mean_sd, sorted};
use crate::special::t_quantile;
use crate::{Method, PtError};
use serde::Serialize;

/// Result of Grubbs' test.
///
/// # Examples
/// ```
/// let g = renke_pt::grubbs::grubbs(&[1.0, 1.1, 0.9, 1.0, 5.0], 0.01)?;
/// assert!(g.high_outlier);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grubbs {
    /// G for the largest value, (x_max − x̄)/s.
    pub g_high: f64,
    /// G for the smallest value, (x̄ − x_min)/s.
    pub g_low: f64,
    /// Critical value at level α.
    pub critical: f64,
    /// g_high > critical.
    pub high_outlier: bool,
    /// g_low > critical.
    pub low_outlier: bool,
    /// Method record.
    pub method: Method,
}

/// Critical value of Grubbs' single-outlier test for n values (two-sided, α/(2n) in the t
/// quantile): G_crit = (n − 1)/√n · √(t²/(n − 2 + t²)), t = t_{1−α/(2n)}(n − 2).
///
/// # Examples
/// ```
/// let g = renke_pt::grubbs::grubbs_critical(10, 0.05)?;
/// assert!((g - 2.290).abs() < 0.001);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn grubbs_critical(n: usize, alpha: f64) -> Result<f64, PtError> {
    if n < 3 {
        return Err(PtError::TooFew {
            what: "grubbs",
            needed: 3,
            got: n,
        });
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(PtError::invalid("alpha", "must lie in (0, 1)"));
    }
    let nf = n as f64;
    let t = t_quantile(1.0 - alpha / (2.0 * nf), nf - 2.0)?;
    Ok((nf - 1.0) / nf.sqrt() * (t * t / (nf - 2.0 + t * t)).sqrt())
}

/// Grubbs' test for the largest and the smallest value at level α (ISO 5725-2: α = 0.01 for
/// outliers, 0.05 for stragglers). Identical values are [`PtError::ZeroScale`].
///
/// # Examples
/// ```
/// let g = renke_pt::grubbs::grubbs(&[1.0, 1.1, 0.9, 1.0, 1.05], 0.05)?;
/// assert!(!g.high_outlier && !g.low_outlier);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn grubbs(x: &[f64], alpha: f64) -> Result<Grubbs, PtError> {
    let v = sorted(x, "grubbs", 3)?;
    let (m, s) = mean_sd(&v);
    if s == 0.0 {
        return Err(PtError::ZeroScale { what: "grubbs" });
    }
    let g_high = (v[v.len() - 1] - m) / s;
    let g_low = (m - v[0]) / s;
    let critical = grubbs_critical(v.len(), alpha)?;
    Ok(Grubbs {
        g_high,
        g_low,
        critical,
        high_outlier: g_high > critical,
        low_outlier: g_low > critical,
        method: Method::new("grubbs", "ISO 5725-2:2019 7.3.4; ISO 13528:2022 6.6.3")
            .with("alpha", alpha),
    })
}
