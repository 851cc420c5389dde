//! Performance statistics, ISO 13528:2022 Clause 9, and their classes (9.4.2, 9.7.2,
//! CNAS-GL002).

use crate::PtError;
use crate::data::{finite, non_negative, positive};
use serde::Serialize;

/// Difference D = x − x_pt, ISO 13528:2022 9.3.1, Formula (11).
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::scores::difference(5.0, 3.0)?, 2.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn difference(x: f64, x_pt: f64) -> Result<f64, PtError> {
    Ok(finite(x, "x")? - finite(x_pt, "x_pt")?)
}

/// Percentage difference D% = 100·(x − x_pt)/x_pt, 9.3.1 Formula (12). x_pt = 0 is an error.
///
/// # Examples
/// ```
/// let d = renke_pt::scores::percent_difference(0.013, 0.044)?;
/// assert!((d - (-70.45454545454545)).abs() < 1e-9);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn percent_difference(x: f64, x_pt: f64) -> Result<f64, PtError> {
    finite(x, "x")?;
    if finite(x_pt, "x_pt")? == 0.0 {
        return Err(PtError::invalid("x_pt", "D% is undefined for x_pt = 0"));
    }
    Ok(100.0 * (x - x_pt) / x_pt)
}

/// Percentage of allowed deviation PA = 100·(x − x_pt)/δ_E, 9.3.6 Formula (13).
///
/// # Examples
/// ```
/// let pa = renke_pt::scores::percent_allowed(0.013, 0.044, 3.0 * 0.0066)?;
/// assert!((pa + 156.56565656565655).abs() < 1e-9);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn percent_allowed(x: f64, x_pt: f64, delta_e: f64) -> Result<f64, PtError> {
    positive(delta_e, "delta_e")?;
    Ok(100.0 * difference(x, x_pt)? / delta_e)
}

/// z = (x − x_pt)/σpt, 9.4.1 Formula (14).
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::scores::z(6.0, 5.0, 0.5)?, 2.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn z(x: f64, x_pt: f64, sigma_pt: f64) -> Result<f64, PtError> {
    let x = finite(x, "x")?;
    Ok(Scorer::new(x_pt, sigma_pt, 0.0)?.z(x))
}

/// z′ = (x − x_pt)/√(σpt² + u²(x_pt)), 9.5.1 Formula (15).
///
/// # Examples
/// ```
/// let z = renke_pt::scores::z_prime(7.0, 5.0, 0.6, 0.8)?;
/// assert!((z - 2.0).abs() < 1e-12);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn z_prime(x: f64, x_pt: f64, sigma_pt: f64, u_x_pt: f64) -> Result<f64, PtError> {
    let x = finite(x, "x")?;
    Ok(Scorer::new(x_pt, sigma_pt, u_x_pt)?.z_prime(x))
}

/// The scores of many results against one x_pt, σpt and u(x_pt): the inputs checked and the
/// denominators computed once, then each result's D, D%, z and z′ by arithmetic alone (the
/// formulas of [`difference`], [`percent_difference`], [`z`] and [`z_prime`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scorer {
    x_pt: f64,
    sigma_pt: f64,
    /// √(σpt² + u²(x_pt)), Formula (15).
    z_prime_den: f64,
}

impl Scorer {
    pub(crate) fn new(x_pt: f64, sigma_pt: f64, u_x_pt: f64) -> Result<Self, PtError> {
        let sigma_pt = positive(sigma_pt, "sigma_pt")?;
        let u_x_pt = non_negative(u_x_pt, "u_x_pt")?;
        Ok(Scorer {
            x_pt: finite(x_pt, "x_pt")?,
            sigma_pt,
            z_prime_den: sigma_pt.hypot(u_x_pt),
        })
    }

    /// D = x − x_pt, for a finite x (the caller has checked it).
    pub(crate) fn d(&self, x: f64) -> f64 {
        x - self.x_pt
    }

    /// D%, None for x_pt = 0.
    pub(crate) fn d_percent(&self, x: f64) -> Option<f64> {
        (self.x_pt != 0.0).then(|| 100.0 * (x - self.x_pt) / self.x_pt)
    }

    pub(crate) fn z(&self, x: f64) -> f64 {
        self.d(x) / self.sigma_pt
    }

    pub(crate) fn z_prime(&self, x: f64) -> f64 {
        self.d(x) / self.z_prime_den
    }
}

/// ζ = (x − x_pt)/√(u²(x) + u²(x_pt)), 9.6.1 Formula (19), standard uncertainties.
///
/// # Examples
/// ```
/// let z = renke_pt::scores::zeta(7.0, 5.0, 0.6, 0.8)?;
/// assert!((z - 2.0).abs() < 1e-12);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn zeta(x: f64, x_pt: f64, u_x: f64, u_x_pt: f64) -> Result<f64, PtError> {
    non_negative(u_x, "u_x")?;
    non_negative(u_x_pt, "u_x_pt")?;
    let den = u_x.hypot(u_x_pt);
    if den == 0.0 {
        return Err(PtError::invalid(
            "u_x",
            "u(x) and u(x_pt) cannot both be zero",
        ));
    }
    Ok(difference(x, x_pt)? / den)
}

/// En = (x − x_pt)/√(U²(x) + U²(x_pt)), 9.7.1 Formula (20), expanded uncertainties.
///
/// # Examples
/// ```
/// let en = renke_pt::scores::en(7.0, 5.0, 1.2, 1.6)?;
/// assert!((en - 1.0).abs() < 1e-12);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn en(x: f64, x_pt: f64, big_u_x: f64, big_u_x_pt: f64) -> Result<f64, PtError> {
    non_negative(big_u_x, "U_x")?;
    non_negative(big_u_x_pt, "U_x_pt")?;
    let den = big_u_x.hypot(big_u_x_pt);
    if den == 0.0 {
        return Err(PtError::invalid(
            "U_x",
            "U(x) and U(x_pt) cannot both be zero",
        ));
    }
    Ok(difference(x, x_pt)? / den)
}

/// A performance class (CNAS-GL002 wording; ISO 13528 9.4.2 acceptable / warning / action).
///
/// # Examples
/// ```
/// use renke_pt::scores::Class;
/// assert_eq!(Class::Questionable.zh(), "有问题");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// 满意 satisfactory (ISO: acceptable, no signal).
    Satisfactory,
    /// 有问题 questionable (ISO: warning signal).
    Questionable,
    /// 不满意 unsatisfactory (ISO: action signal).
    Unsatisfactory,
}

impl Class {
    /// Chinese label.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::scores::Class::Satisfactory.zh(), "满意");
    /// ```
    pub fn zh(self) -> &'static str {
        match self {
            Class::Satisfactory => "满意",
            Class::Questionable => "有问题",
            Class::Unsatisfactory => "不满意",
        }
    }
    /// English label.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::scores::Class::Unsatisfactory.en(), "unsatisfactory");
    /// ```
    pub fn en(self) -> &'static str {
        match self {
            Class::Satisfactory => "satisfactory",
            Class::Questionable => "questionable",
            Class::Unsatisfactory => "unsatisfactory",
        }
    }
}

/// Whether a score exactly at |En| = 1 is satisfactory.
///
/// # Examples
/// ```
/// use renke_pt::scores::EnAtLimit;
/// assert_eq!(EnAtLimit::default(), EnAtLimit::Satisfactory);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnAtLimit {
    /// |En| ≤ 1 satisfactory, > 1 unsatisfactory (CNAS-GL002). The default.
    #[default]
    Satisfactory,
    /// |En| < 1 satisfactory, ≥ 1 an action signal (ISO 13528:2022 9.7.2).
    Unsatisfactory,
}

/// Class limits and boundary convention, stated in every evaluation.
///
/// Default: |z| ≤ 2 satisfactory, 2 < |z| < 3 questionable, |z| ≥ 3 unsatisfactory
/// (ISO 13528:2022 9.4.2, CNAS-GL002; the same limits for z′ and ζ); |En| ≤ 1 satisfactory.
///
/// # Examples
/// ```
/// use renke_pt::scores::{Boundaries, Class};
/// let b = Boundaries::default();
/// assert_eq!(b.classify_z(2.0)?, Class::Satisfactory);
/// assert_eq!(b.classify_z(-3.0)?, Class::Unsatisfactory);
/// assert_eq!(b.classify_en(1.0)?, Class::Satisfactory);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Boundaries {
    /// Warning limit (2.0).
    pub warning: f64,
    /// Action limit (3.0).
    pub action: f64,
    /// En limit (1.0).
    pub en_limit: f64,
    /// Class of |En| exactly at the limit.
    pub en_at_limit: EnAtLimit,
}

impl Default for Boundaries {
    fn default() -> Self {
        Boundaries {
            warning: 2.0,
            action: 3.0,
            en_limit: 1.0,
            en_at_limit: EnAtLimit::Satisfactory,
        }
    }
}

impl Boundaries {
    /// Class of a z, z′ or ζ score: |s| ≤ warning satisfactory, warning < |s| < action
    /// questionable, |s| ≥ action unsatisfactory.
    ///
    /// # Examples
    /// ```
    /// use renke_pt::scores::{Boundaries, Class};
    /// assert_eq!(Boundaries::default().classify_z(2.5)?, Class::Questionable);
    /// # Ok::<(), renke_pt::PtError>(())
    /// ```
    pub fn classify_z(&self, score: f64) -> Result<Class, PtError> {
        let a = finite(score, "score")?.abs();
        Ok(if a <= self.warning {
            Class::Satisfactory
        } else if a < self.action {
            Class::Questionable
        } else {
            Class::Unsatisfactory
        })
    }

    /// Class of an En score under [`EnAtLimit`].
    ///
    /// # Examples
    /// ```
    /// use renke_pt::scores::{Boundaries, Class, EnAtLimit};
    /// let iso = Boundaries { en_at_limit: EnAtLimit::Unsatisfactory, ..Default::default() };
    /// assert_eq!(iso.classify_en(1.0)?, Class::Unsatisfactory);
    /// # Ok::<(), renke_pt::PtError>(())
    /// ```
    pub fn classify_en(&self, score: f64) -> Result<Class, PtError> {
        let a = finite(score, "score")?.abs();
        let ok = match self.en_at_limit {
            EnAtLimit::Satisfactory => a <= self.en_limit,
            EnAtLimit::Unsatisfactory => a < self.en_limit,
        };
        Ok(if ok {
            Class::Satisfactory
        } else {
            Class::Unsatisfactory
        })
    }

    /// The convention in words, for reports.
    ///
    /// # Examples
    /// ```
    /// let s = renke_pt::scores::Boundaries::default().describe();
    /// assert!(s.contains("|z| ≤ 2"));
    /// ```
    pub fn describe(&self) -> String {
        let en = match self.en_at_limit {
            EnAtLimit::Satisfactory => format!("|En| ≤ {} satisfactory", self.en_limit),
            EnAtLimit::Unsatisfactory => format!("|En| < {} satisfactory", self.en_limit),
        };
        format!(
            "|z| ≤ {w} satisfactory; {w} < |z| < {a} questionable; |z| ≥ {a} unsatisfactory; {en}",
            w = self.warning,
            a = self.action
        )
    }
}

/// Plausibility flag of a reported uncertainty (ISO 13528:2022 9.8), letters of Table E.6.
///
/// # Examples
/// ```
/// use renke_pt::scores::{uncertainty_flag, UncertaintyFlag};
/// assert_eq!(uncertainty_flag(0.003, 0.0041, 0.0247)?, UncertaintyFlag::B);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UncertaintyFlag {
    /// a: u_min ≤ u ≤ u_max, plausible.
    A,
    /// b: u < u_min, implausibly small (9.8.3).
    B,
    /// c: u > u_max, implausibly large (9.8.4).
    C,
}

/// Screens a reported uncertainty against a lower limit (typically u(x_pt), 9.8.3) and an
/// upper limit (typically 1.5·s*, 9.8.4). Table E.6's flags are reproduced with the reported
/// expanded U against u(x_pt) = 0.0041 and 1.5·s* (s* of Algorithm A, E.7); see the E.4 test.
///
/// # Examples
/// ```
/// use renke_pt::scores::{uncertainty_flag, UncertaintyFlag};
/// assert_eq!(uncertainty_flag(0.03, 0.0041, 0.0247)?, UncertaintyFlag::C);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn uncertainty_flag(u: f64, u_min: f64, u_max: f64) -> Result<UncertaintyFlag, PtError> {
    non_negative(u, "u")?;
    non_negative(u_min, "u_min")?;
    non_negative(u_max, "u_max")?;
    if u_min > u_max {
        return Err(PtError::invalid("u_min", "must not exceed u_max"));
    }
    Ok(if u < u_min {
        UncertaintyFlag::B
    } else if u > u_max {
        UncertaintyFlag::C
    } else {
        UncertaintyFlag::A
    })
}
