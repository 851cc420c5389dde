//! Quantiles of the normal, χ², F and t distributions (statrs, refined by Newton steps so that
//! they are accurate to about 1e-12 relative).

use crate::PtError;
use statrs::distribution::{
    ChiSquared, Continuous, ContinuousCDF, FisherSnedecor, Normal, StudentsT,
};

fn refine<D: ContinuousCDF<f64, f64> + Continuous<f64, f64>>(d: &D, p: f64, mut x: f64) -> f64 {
    for _ in 0..8 {
        let f = d.pdf(x);
        if !(f.is_finite() && f > 0.0) {
            break;
        }
        let step = (d.cdf(x) - p) / f;
        let next = x - step;
        if !next.is_finite() || next <= 0.0 {
            break;
        }
        x = next;
        if step.abs() <= 1e-15 * x.abs() {
            break;
        }
    }
    x
}

fn bad(name: &'static str) -> PtError {
    PtError::invalid(name, "degrees of freedom must be positive")
}

/// Standard normal quantile Φ⁻¹(p), 0 < p < 1.
pub(crate) fn normal_quantile(p: f64) -> Result<f64, PtError> {
    if !(p > 0.0 && p < 1.0) {
        return Err(PtError::invalid("p", "must lie strictly between 0 and 1"));
    }
    let n = Normal::standard();
    Ok(n.inverse_cdf(p))
}

/// Standard normal cdf Φ(x).
pub(crate) fn normal_cdf(x: f64) -> f64 {
    Normal::standard().cdf(x)
}

/// Standard normal density φ(x).
pub(crate) fn normal_pdf(x: f64) -> f64 {
    Normal::standard().pdf(x)
}

/// χ² quantile.
pub(crate) fn chi2_quantile(p: f64, df: f64) -> Result<f64, PtError> {
    let d = ChiSquared::new(df).map_err(|_| bad("df"))?;
    let x0 = d.inverse_cdf(p);
    Ok(refine(&d, p, x0))
}

/// F quantile.
pub(crate) fn f_quantile(p: f64, d1: f64, d2: f64) -> Result<f64, PtError> {
    let d = FisherSnedecor::new(d1, d2).map_err(|_| bad("df"))?;
    let x0 = d.inverse_cdf(p);
    Ok(refine(&d, p, x0))
}

/// Student t quantile (upper tail, p > 0.5).
pub(crate) fn t_quantile(p: f64, df: f64) -> Result<f64, PtError> {
    let d = StudentsT::new(0.0, 1.0, df).map_err(|_| bad("df"))?;
    let x0 = d.inverse_cdf(p);
    Ok(refine(&d, p, x0))
}

/// Two-sided p value of a t statistic.
pub(crate) fn t_two_sided_p(t: f64, df: f64) -> Result<f64, PtError> {
    let d = StudentsT::new(0.0, 1.0, df).map_err(|_| bad("df"))?;
    Ok(2.0 * d.sf(t.abs()))
}
