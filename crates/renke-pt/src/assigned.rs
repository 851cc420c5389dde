//! The assigned value x_pt and its standard uncertainty, ISO 13528:2022 Clause 7, and the
//! check of 9.2.1.

use crate::algorithm_a::{AlgorithmAOptions, AlgorithmAResult, algorithm_a};
use crate::data::{check, mean_sd, non_negative, positive};
use crate::estimators::{made, median, niqr};
use crate::qn::{QHampelResult, q_hampel};
use crate::{Method, PtError, QuartileRule};
use serde::Serialize;

/// An assigned value with its standard uncertainty and how both were obtained.
///
/// # Examples
/// ```
/// use renke_pt::assigned::{from_reference, Source};
/// let a = from_reference(Source::CertifiedValue, 21.62, 0.26)?;
/// assert_eq!(a.x_pt, 21.62);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignedValue {
    /// x_pt.
    pub x_pt: f64,
    /// u(x_pt), standard uncertainty.
    pub u_x_pt: f64,
    /// The scale used for u(x_pt) (s* of a consensus), if any.
    pub scale: Option<f64>,
    /// Number of results behind a consensus value.
    pub p: Option<usize>,
    /// Method record.
    pub method: Method,
}

/// Where a non-consensus assigned value comes from (7.3 to 7.6).
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::assigned::Source::Formulation.name(), "formulation");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 7.3 formulation.
    Formulation,
    /// 7.4 certified reference value.
    CertifiedValue,
    /// 7.5 reference value from one laboratory.
    ReferenceLaboratory,
    /// 7.6 consensus of expert laboratories.
    ExpertConsensus,
}

impl Source {
    /// Name and clause.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::assigned::Source::CertifiedValue.clause(), "ISO 13528:2022 7.4");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Source::Formulation => "formulation",
            Source::CertifiedValue => "certified_value",
            Source::ReferenceLaboratory => "reference_laboratory",
            Source::ExpertConsensus => "expert_consensus",
        }
    }
    /// The clause.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::assigned::Source::Formulation.clause(), "ISO 13528:2022 7.3");
    /// ```
    pub fn clause(self) -> &'static str {
        match self {
            Source::Formulation => "ISO 13528:2022 7.3",
            Source::CertifiedValue => "ISO 13528:2022 7.4",
            Source::ReferenceLaboratory => "ISO 13528:2022 7.5",
            Source::ExpertConsensus => "ISO 13528:2022 7.6",
        }
    }
}

/// An assigned value given with its standard uncertainty (formulation, CRM, reference
/// laboratory, expert consensus).
///
/// # Examples
/// ```
/// use renke_pt::assigned::{from_reference, Source};
/// let a = from_reference(Source::ReferenceLaboratory, 0.044, 0.0041)?;
/// assert_eq!(a.method.name, "reference_laboratory");
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn from_reference(source: Source, x_pt: f64, u_x_pt: f64) -> Result<AssignedValue, PtError> {
    crate::data::finite(x_pt, "x_pt")?;
    non_negative(u_x_pt, "u_x_pt")?;
    Ok(AssignedValue {
        x_pt,
        u_x_pt,
        scale: None,
        p: None,
        method: Method::new(source.name(), source.clause()),
    })
}

/// Value assigned by comparison with a CRM, 7.5.2 Formulae (4) and (5):
/// x_pt = x_CRM + d̄, u_d = s(d)/√n, u(x_pt) = √(u²_CRM + u²_d).
///
/// # Examples
/// ```
/// let a = renke_pt::assigned::from_crm_comparison(10.0, 0.1, &[0.5, 0.7])?;
/// assert!((a.x_pt - 10.6).abs() < 1e-12);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn from_crm_comparison(x_crm: f64, u_crm: f64, d: &[f64]) -> Result<AssignedValue, PtError> {
    crate::data::finite(x_crm, "x_crm")?;
    non_negative(u_crm, "u_crm")?;
    check(d, "crm comparison", 2)?;
    let (dbar, sd) = mean_sd(d);
    let u_d = sd / (d.len() as f64).sqrt();
    Ok(AssignedValue {
        x_pt: x_crm + dbar,
        u_x_pt: u_crm.hypot(u_d),
        scale: Some(u_d),
        p: Some(d.len()),
        method: Method::new("crm_comparison", "ISO 13528:2022 7.5.2")
            .with("x_crm", x_crm)
            .with("u_crm", u_crm)
            .with("u_d", u_d),
    })
}

/// u(x_pt) = 1.25·s*/√p, ISO 13528:2022 7.7.3, Formula (6).
///
/// # Examples
/// ```
/// let u = renke_pt::assigned::u_robust(0.0402, 34)?;
/// assert!((u - 0.008617).abs() < 1e-6);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn u_robust(s_star: f64, p: usize) -> Result<f64, PtError> {
    non_negative(s_star, "s_star")?;
    if p == 0 {
        return Err(PtError::Empty);
    }
    Ok(1.25 * s_star / (p as f64).sqrt())
}

/// u(x_pt) = √(u²_char + u²_hom + u²_trans + u²_stab), ISO 13528:2022 7.2.2, Formula (3).
///
/// # Examples
/// ```
/// let u = renke_pt::assigned::combine_uncertainty(0.3, 0.4, 0.0, 0.0)?;
/// assert!((u - 0.5).abs() < 1e-15);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn combine_uncertainty(
    u_char: f64,
    u_hom: f64,
    u_trans: f64,
    u_stab: f64,
) -> Result<f64, PtError> {
    for (v, n) in [
        (u_char, "u_char"),
        (u_hom, "u_hom"),
        (u_trans, "u_trans"),
        (u_stab, "u_stab"),
    ] {
        non_negative(v, n)?;
    }
    Ok((u_char * u_char + u_hom * u_hom + u_trans * u_trans + u_stab * u_stab).sqrt())
}

/// Consensus estimators for x_pt from participant results (7.7).
///
/// # Examples
/// ```
/// use renke_pt::assigned::{Consensus, MedianScale};
/// let c = Consensus::Median { scale: MedianScale::Niqr };
/// assert_eq!(c.name(), "median");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Consensus {
    /// Median; u(x_pt) from nIQR or MADe (Table E.5 prints u from nIQR).
    Median {
        /// Which scale enters Formula (6).
        scale: MedianScale,
    },
    /// Algorithm A (C.3).
    AlgorithmA(AlgorithmAOptions),
    /// Q/Hampel (C.5.4).
    QHampel,
    /// Arithmetic mean; u(x_pt) = s/√p (Table E.5).
    Mean,
}

impl Consensus {
    /// Name used in options.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::assigned::Consensus::QHampel.name(), "q-hampel");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Consensus::Median { .. } => "median",
            Consensus::AlgorithmA(_) => "algorithm-a",
            Consensus::QHampel => "q-hampel",
            Consensus::Mean => "mean",
        }
    }
}

/// The scale that accompanies the median.
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::assigned::MedianScale::default(), renke_pt::assigned::MedianScale::Niqr);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MedianScale {
    /// nIQR (C.2.3). The default; reproduces Table E.5.
    #[default]
    Niqr,
    /// MADe (C.2.2).
    Made,
}

/// Consensus value of participant results, ISO 13528:2022 7.7, with u(x_pt) = 1.25·s*/√p
/// (Formula 6) for the robust estimators and s/√p for the mean. `rule` is the quartile rule
/// for nIQR. A zero scale is [`PtError::ZeroScale`].
///
/// # Examples
/// ```
/// use renke_pt::assigned::{consensus, Consensus, MedianScale};
/// let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 100.0];
/// let a = consensus(&x, Consensus::Median { scale: MedianScale::Niqr }, Default::default())?;
/// assert_eq!(a.x_pt, 4.5);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn consensus(x: &[f64], how: Consensus, rule: QuartileRule) -> Result<AssignedValue, PtError> {
    consensus_reusing(x, how, rule, None, None)
}

/// [`consensus`], taking the Algorithm A or Q/Hampel result from `algorithm_a` or `q_hampel`
/// when the caller has already computed it on the same `x` with the same options (the result
/// or error is then the same as computing it again).
pub(crate) fn consensus_reusing(
    x: &[f64],
    how: Consensus,
    rule: QuartileRule,
    algorithm_a_done: Option<&Result<AlgorithmAResult, PtError>>,
    q_hampel_done: Option<&Result<QHampelResult, PtError>>,
) -> Result<AssignedValue, PtError> {
    check(x, "consensus", 3)?;
    let p = x.len();
    let (x_pt, s, inner) = match how {
        Consensus::Median { scale } => {
            let m = median(x)?;
            let s = match scale {
                MedianScale::Niqr => niqr(x, rule)?,
                MedianScale::Made => made(x)?,
            };
            (m.value, s.value, s.method)
        }
        Consensus::AlgorithmA(o) => {
            let r = match algorithm_a_done {
                Some(done) => done.clone()?,
                None => algorithm_a(x, &o)?,
            };
            (r.x_star, r.s_star, r.method)
        }
        Consensus::QHampel => {
            let r = match q_hampel_done {
                Some(done) => done.clone()?,
                None => q_hampel(x)?,
            };
            (r.x_star, r.s_star, r.method)
        }
        Consensus::Mean => {
            let (m, s) = mean_sd(x);
            (m, s, Method::new("mean_sd", "ISO 13528:2022 7.7.1"))
        }
    };
    if s <= 0.0 {
        return Err(PtError::ZeroScale { what: "consensus" });
    }
    let u = match how {
        Consensus::Mean => s / (p as f64).sqrt(),
        _ => u_robust(s, p)?,
    };
    let mut method = Method::new(how.name(), "ISO 13528:2022 7.7")
        .with(
            "u_formula",
            if matches!(how, Consensus::Mean) {
                "s/sqrt(p)"
            } else {
                "1.25·s*/sqrt(p) (Formula 6)"
            },
        )
        .with("scale_method", &inner.name);
    for (k, v) in &inner.options {
        method = method.with(&format!("scale.{k}"), v);
    }
    method.iterations = inner.iterations;
    method.trace = inner.trace;
    Ok(AssignedValue {
        x_pt,
        u_x_pt: u,
        scale: Some(s),
        p: Some(p),
        method,
    })
}

/// Which score 9.2.1 recommends.
///
/// # Examples
/// ```
/// use renke_pt::assigned::{check_uncertainty, ScoreKind};
/// assert_eq!(check_uncertainty(0.0041, 0.0066)?.recommended, ScoreKind::ZPrime);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreKind {
    /// z.
    Z,
    /// z′.
    ZPrime,
}

/// Outcome of the check u(x_pt) ≤ 0.3·σpt (9.2.1, Formula 10).
///
/// # Examples
/// ```
/// let c = renke_pt::assigned::check_uncertainty(0.001, 0.01)?;
/// assert!(c.negligible);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UncertaintyCheck {
    /// u(x_pt).
    pub u_x_pt: f64,
    /// 0.3·σpt.
    pub limit: f64,
    /// u(x_pt) ≤ 0.3·σpt.
    pub negligible: bool,
    /// z when negligible, otherwise z′ (9.2.1 b; ζ where participants report uncertainties).
    pub recommended: ScoreKind,
}

/// ISO 13528:2022 9.2.1: u(x_pt) is negligible when u(x_pt) ≤ 0.3·σpt (the issue states the
/// boundary as ≤; 9.2.1 writes <, which differs only at exact equality). Otherwise z′ (or ζ)
/// is to be used.
///
/// # Examples
/// ```
/// let c = renke_pt::assigned::check_uncertainty(0.003, 0.01)?;
/// assert!(c.negligible && (c.limit - 0.003).abs() < 1e-18);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn check_uncertainty(u_x_pt: f64, sigma_pt: f64) -> Result<UncertaintyCheck, PtError> {
    non_negative(u_x_pt, "u_x_pt")?;
    positive(sigma_pt, "sigma_pt")?;
    let limit = 0.3 * sigma_pt;
    let negligible = u_x_pt <= limit;
    Ok(UncertaintyCheck {
        u_x_pt,
        limit,
        negligible,
        recommended: if negligible {
            ScoreKind::Z
        } else {
            ScoreKind::ZPrime
        },
    })
}

/// Comparison of a consensus value with a reference value, 7.8 Formula (7):
/// x_diff = x_ref − x_pt, u_diff = √(u²_ref + u²(x_pt)); investigate when |x_diff| > 2·u_diff.
///
/// # Examples
/// ```
/// let c = renke_pt::assigned::compare_with_reference(0.044, 0.0041, 0.0316, 0.0045)?;
/// assert!(c.investigate);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// x_ref − x_pt.
    pub x_diff: f64,
    /// √(u²_ref + u²(x_pt)).
    pub u_diff: f64,
    /// |x_diff| > 2·u_diff.
    pub investigate: bool,
}

/// See [`Comparison`].
///
/// # Examples
/// ```
/// let c = renke_pt::assigned::compare_with_reference(1.0, 0.1, 1.0, 0.1)?;
/// assert!(!c.investigate);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn compare_with_reference(
    x_ref: f64,
    u_ref: f64,
    x_pt: f64,
    u_x_pt: f64,
) -> Result<Comparison, PtError> {
    crate::data::finite(x_ref, "x_ref")?;
    crate::data::finite(x_pt, "x_pt")?;
    non_negative(u_ref, "u_ref")?;
    non_negative(u_x_pt, "u_x_pt")?;
    let x_diff = x_ref - x_pt;
    let u_diff = u_ref.hypot(u_x_pt);
    Ok(Comparison {
        x_diff,
        u_diff,
        investigate: x_diff.abs() > 2.0 * u_diff,
    })
}
