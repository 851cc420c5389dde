//! The standard deviation for proficiency assessment σpt, ISO 13528:2022 Clause 8.

use crate::data::{check, non_negative, positive};
use crate::{Estimate, Method, PtError};
use serde::Serialize;

/// A mass fraction (dimensionless, 0 ≤ c ≤ 1), as the Horwitz/Thompson model needs.
/// Construct it explicitly from the unit the results are in: 1 mg/kg = 10⁻⁶.
///
/// # Examples
/// ```
/// use renke_pt::sigma_pt::MassFraction;
/// let c = MassFraction::from_mg_per_kg(1.195)?;
/// assert!((c.value() - 1.195e-6).abs() < 1e-20);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MassFraction(f64);

impl MassFraction {
    /// From a dimensionless fraction (g/g).
    ///
    /// # Examples
    /// ```
    /// assert!(renke_pt::sigma_pt::MassFraction::new(1.5).is_err());
    /// ```
    pub fn new(c: f64) -> Result<Self, PtError> {
        if c.is_finite() && (0.0..=1.0).contains(&c) {
            Ok(MassFraction(c))
        } else {
            Err(PtError::invalid(
                "c",
                format!("a mass fraction lies in [0, 1], got {c}"),
            ))
        }
    }
    /// From mg/kg (= µg/g = 10⁻⁶).
    ///
    /// # Examples
    /// ```
    /// let c = renke_pt::sigma_pt::MassFraction::from_mg_per_kg(2.0)?;
    /// assert_eq!(c.to_mg_per_kg(2.0e-6), 2.0);
    /// # Ok::<(), renke_pt::PtError>(())
    /// ```
    pub fn from_mg_per_kg(c: f64) -> Result<Self, PtError> {
        Self::new(c * 1e-6)
    }
    /// From µg/kg (10⁻⁹).
    ///
    /// # Examples
    /// ```
    /// let c = renke_pt::sigma_pt::MassFraction::from_ug_per_kg(5.0)?;
    /// assert!((c.value() - 5e-9).abs() < 1e-24);
    /// # Ok::<(), renke_pt::PtError>(())
    /// ```
    pub fn from_ug_per_kg(c: f64) -> Result<Self, PtError> {
        Self::new(c * 1e-9)
    }
    /// From percent (g/100 g, 10⁻²).
    ///
    /// # Examples
    /// ```
    /// let c = renke_pt::sigma_pt::MassFraction::from_percent(20.0)?;
    /// assert!((c.value() - 0.2).abs() < 1e-15);
    /// # Ok::<(), renke_pt::PtError>(())
    /// ```
    pub fn from_percent(c: f64) -> Result<Self, PtError> {
        Self::new(c * 1e-2)
    }
    /// The dimensionless value.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::sigma_pt::MassFraction::new(0.5)?.value(), 0.5);
    /// # Ok::<(), renke_pt::PtError>(())
    /// ```
    pub fn value(self) -> f64 {
        self.0
    }
    /// Converts a mass fraction `v` (e.g. a σ from [`horwitz`]) back to mg/kg.
    ///
    /// # Examples
    /// ```
    /// let c = renke_pt::sigma_pt::MassFraction::new(0.0)?;
    /// assert_eq!(c.to_mg_per_kg(1e-6), 1.0);
    /// # Ok::<(), renke_pt::PtError>(())
    /// ```
    pub fn to_mg_per_kg(self, v: f64) -> f64 {
        v * 1e6
    }
}

/// Horwitz function as modified by Thompson, ISO 13528:2022 8.4 Formula (8), on a mass
/// fraction c: σpt = 0.22c (c < 1.2×10⁻⁷); 0.02c^0.8495 (1.2×10⁻⁷ ≤ c ≤ 0.138);
/// 0.01c^0.5 (c > 0.138). The result is a mass fraction too.
///
/// # Examples
/// ```
/// use renke_pt::sigma_pt::{horwitz, MassFraction};
/// let c = MassFraction::from_mg_per_kg(1.195)?;
/// let s = horwitz(c)?;
/// assert!((c.to_mg_per_kg(s.value) - 0.186).abs() < 0.0005);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn horwitz(c: MassFraction) -> Result<Estimate, PtError> {
    let c = c.value();
    let (v, branch) = if c < 1.2e-7 {
        (0.22 * c, "0.22c")
    } else if c <= 0.138 {
        (0.02 * c.powf(0.8495), "0.02c^0.8495")
    } else {
        (0.01 * c.sqrt(), "0.01c^0.5")
    };
    Ok(Estimate {
        value: v,
        method: Method::new("horwitz_thompson", "ISO 13528:2022 8.4")
            .with("unit", "mass fraction")
            .with("branch", branch),
    })
}

/// Prescribed σpt (8.2), e.g. by legislation or the scheme.
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::sigma_pt::prescribed(0.5)?.value, 0.5);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn prescribed(sigma: f64) -> Result<Estimate, PtError> {
    Ok(Estimate {
        value: positive(sigma, "sigma_pt")?,
        method: Method::new("prescribed", "ISO 13528:2022 8.2"),
    })
}

/// Fitness-for-purpose relative SD (8.2): σpt = RSD% / 100 · |x_pt|.
///
/// # Examples
/// ```
/// let s = renke_pt::sigma_pt::from_rsd(0.18715, 15.0)?;
/// assert!((s.value - 0.0280725).abs() < 1e-15);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn from_rsd(x_pt: f64, percent: f64) -> Result<Estimate, PtError> {
    positive(percent, "percent")?;
    let v = crate::data::finite(x_pt, "x_pt")?.abs() * percent / 100.0;
    Ok(Estimate {
        value: positive(v, "sigma_pt")?,
        method: Method::new("rsd", "ISO 13528:2022 8.2").with("percent", percent),
    })
}

/// From a precision experiment, ISO 13528:2022 8.5.1 Formula (9):
/// σpt = √(σ_R² − σ_r²(1 − 1/m)), m replicates per participant.
///
/// # Examples
/// ```
/// let s = renke_pt::sigma_pt::from_precision(23.2, 14.3, 2)?;
/// assert!((s.value - 20.88).abs() < 0.01);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn from_precision(sigma_r_big: f64, sigma_r: f64, m: usize) -> Result<Estimate, PtError> {
    non_negative(sigma_r_big, "sigma_R")?;
    non_negative(sigma_r, "sigma_r")?;
    if m == 0 {
        return Err(PtError::invalid("m", "at least one replicate"));
    }
    let v = sigma_r_big * sigma_r_big - sigma_r * sigma_r * (1.0 - 1.0 / m as f64);
    if v <= 0.0 {
        return Err(PtError::invalid("sigma_r", "inconsistent with sigma_R"));
    }
    Ok(Estimate {
        value: v.sqrt(),
        method: Method::new("precision_experiment", "ISO 13528:2022 8.5.1").with("m", m),
    })
}

/// Least-squares line of SD on assigned value over previous rounds (8.3, E.8).
///
/// # Examples
/// ```
/// let f = renke_pt::sigma_pt::fit_previous_rounds(&[1.0, 2.0, 3.0], &[0.1, 0.2, 0.3])?;
/// assert!((f.predict(4.0) - 0.4).abs() < 1e-12);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinearFit {
    /// Slope.
    pub slope: f64,
    /// Intercept.
    pub intercept: f64,
    /// Coefficient of determination r².
    pub r_squared: f64,
    /// Adjusted r² = 1 − (1 − r²)(n − 1)/(n − 2).
    pub adjusted_r_squared: f64,
    /// Method record.
    pub method: Method,
}

impl LinearFit {
    /// σpt predicted for an assigned value.
    ///
    /// # Examples
    /// ```
    /// let f = renke_pt::sigma_pt::fit_previous_rounds(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0])?;
    /// assert!((f.predict(5.0) - 5.0).abs() < 1e-12);
    /// # Ok::<(), renke_pt::PtError>(())
    /// ```
    pub fn predict(&self, x_pt: f64) -> f64 {
        self.intercept + self.slope * x_pt
    }
}

/// Fits σ = a + b·x_pt to previous rounds, ISO 13528:2022 8.3.2 (E.8). Needs ≥ 3 rounds and
/// spread in both variables.
///
/// # Examples
/// ```
/// let f = renke_pt::sigma_pt::fit_previous_rounds(&[1.0, 2.0, 3.0, 4.0], &[0.1, 0.25, 0.3, 0.4])?;
/// assert!(f.r_squared > 0.9);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn fit_previous_rounds(assigned: &[f64], sds: &[f64]) -> Result<LinearFit, PtError> {
    check(assigned, "fit_previous_rounds", 3)?;
    check(sds, "fit_previous_rounds", 3)?;
    if assigned.len() != sds.len() {
        return Err(PtError::invalid("sds", "one SD per assigned value"));
    }
    let n = assigned.len() as f64;
    let mx = assigned.iter().sum::<f64>() / n;
    let my = sds.iter().sum::<f64>() / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (x, y) in assigned.iter().zip(sds) {
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
        sxy += (x - mx) * (y - my);
    }
    if sxx == 0.0 || syy == 0.0 {
        return Err(PtError::ZeroScale {
            what: "fit_previous_rounds",
        });
    }
    let slope = sxy / sxx;
    let r_squared = sxy * sxy / (sxx * syy);
    Ok(LinearFit {
        slope,
        intercept: my - slope * mx,
        r_squared,
        adjusted_r_squared: 1.0 - (1.0 - r_squared) * (n - 1.0) / (n - 2.0),
        method: Method::new("previous_rounds", "ISO 13528:2022 8.3.2"),
    })
}

/// σpt from the robust SD of this round (8.6): σpt = s*, which must be positive.
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::sigma_pt::from_robust_sd(0.0395, "algorithm_a")?.value, 0.0395);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn from_robust_sd(s_star: f64, estimator: &str) -> Result<Estimate, PtError> {
    if s_star == 0.0 {
        return Err(PtError::ZeroScale { what: "sigma_pt" });
    }
    Ok(Estimate {
        value: positive(s_star, "s_star")?,
        method: Method::new("robust_sd", "ISO 13528:2022 8.6").with("estimator", estimator),
    })
}
