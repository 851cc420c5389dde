//! A whole round for one measurand: summary statistics, the assigned value and its
//! uncertainty, σpt, the check of 9.2.1 and every participant's scores and class.
//!
//! This is what `renke pt evaluate` prints; the platform's PT rounds call it too.

use crate::algorithm_a::{AlgorithmAOptions, algorithm_a};
use crate::assigned::{
    AssignedValue, Consensus, MedianScale, ScoreKind, Source, check_uncertainty, consensus_reusing,
    from_reference,
};
use crate::data::mean_sd;
use crate::estimators::{made, median, niqr, quartiles};
use crate::qn::{QnVariant, q_hampel, qn};
use crate::scores::{Boundaries, Class, Scorer, en, zeta};
use crate::sigma_pt::{MassFraction, from_robust_sd, horwitz, prescribed};
use crate::{PtError, QuartileRule};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One participant's result: value and, optionally, its expanded uncertainty U with coverage
/// factor k.
///
/// # Examples
/// ```
/// let r = renke_pt::evaluate::ParticipantResult::new("L01", 0.053);
/// assert_eq!(r.uncertainty, None);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParticipantResult {
    /// Participant code, shared with its score (a round of 10,000 copies no strings).
    #[serde(serialize_with = "as_str")]
    pub participant: Arc<str>,
    /// Reported value.
    pub value: f64,
    /// Expanded uncertainty U.
    pub uncertainty: Option<f64>,
    /// Coverage factor k of U (default [`EvaluateOptions::k_default`]).
    pub k: Option<f64>,
}

impl ParticipantResult {
    /// A result without uncertainty.
    ///
    /// # Examples
    /// ```
    /// let r = renke_pt::evaluate::ParticipantResult::new("A", 1.0);
    /// assert_eq!(&*r.participant, "A");
    /// ```
    pub fn new(participant: &str, value: f64) -> Self {
        ParticipantResult {
            participant: participant.into(),
            value,
            uncertainty: None,
            k: None,
        }
    }
}

/// How x_pt is obtained.
///
/// # Examples
/// ```
/// use renke_pt::evaluate::AssignedChoice;
/// let a = AssignedChoice::Reference { value: 0.044, u: Some(0.0041) };
/// assert!(matches!(a, AssignedChoice::Reference { .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum AssignedChoice {
    /// Consensus of the participants (7.7).
    Consensus(Consensus),
    /// A reference value with its standard uncertainty (7.5; 0 when not given).
    Reference {
        /// x_pt.
        value: f64,
        /// u(x_pt).
        u: Option<f64>,
    },
}

/// Mass unit of the results, for Horwitz.
///
/// # Examples
/// ```
/// assert_eq!(renke_pt::evaluate::MassUnit::MgPerKg.name(), "mg/kg");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MassUnit {
    /// mg/kg (10⁻⁶).
    MgPerKg,
    /// µg/kg (10⁻⁹).
    UgPerKg,
    /// g/100 g (10⁻²).
    Percent,
    /// Dimensionless mass fraction.
    Fraction,
}

impl MassUnit {
    /// Name.
    ///
    /// # Examples
    /// ```
    /// assert_eq!(renke_pt::evaluate::MassUnit::Fraction.name(), "fraction");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            MassUnit::MgPerKg => "mg/kg",
            MassUnit::UgPerKg => "ug/kg",
            MassUnit::Percent => "percent",
            MassUnit::Fraction => "fraction",
        }
    }
    fn factor(self) -> f64 {
        match self {
            MassUnit::MgPerKg => 1e-6,
            MassUnit::UgPerKg => 1e-9,
            MassUnit::Percent => 1e-2,
            MassUnit::Fraction => 1.0,
        }
    }
}

/// How σpt is obtained.
///
/// # Examples
/// ```
/// use renke_pt::evaluate::SigmaChoice;
/// assert_eq!(SigmaChoice::Rsd(25.0), SigmaChoice::Rsd(25.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum SigmaChoice {
    /// The robust SD of this round (8.6): s* of the consensus estimator (Algorithm A s* when
    /// x_pt is a reference value).
    Robust,
    /// Horwitz/Thompson (8.4) at x_pt, converted from `unit` to a mass fraction and back.
    Horwitz(MassUnit),
    /// Relative SD in percent of x_pt (8.2).
    Rsd(f64),
    /// Prescribed value (8.2).
    Fixed(f64),
}

/// Which summary statistics (the `statistics` of an [`Evaluation`]) [`evaluate`] computes and
/// reports besides what the round itself needs. The assigned value, its uncertainty, σpt and
/// the scores are always computed; an estimator that x_pt or σpt needs (e.g. Algorithm A for
/// `--assigned algorithm-a`, ISO 13528:2022 C.3.1) is computed once and reported whether
/// listed or not. A statistic neither listed nor needed is not computed and is `None`.
/// The default, [`Report::ALL`], reports everything (the JSON of `renke pt evaluate`);
/// [`Report::ROUND_ONLY`] computes only the round.
///
/// # Examples
/// ```
/// use renke_pt::evaluate::{evaluate, EvaluateOptions, ParticipantResult, Report};
/// let rs: Vec<_> = [9.8, 10.1, 10.0, 9.9, 10.2, 10.0, 13.0]
///     .iter().enumerate()
///     .map(|(i, v)| ParticipantResult::new(&format!("L{i}"), *v)).collect();
/// let all = evaluate(&rs, &EvaluateOptions::default())?;
/// let o = EvaluateOptions { report: Report::ROUND_ONLY, ..Default::default() };
/// let round = evaluate(&rs, &o)?;
/// assert_eq!(round.statistics.qn, None);
/// assert!(all.statistics.qn.is_some());
/// // Algorithm A gives x_pt here, so it is reported anyway.
/// assert_eq!(round.statistics.algorithm_a, all.statistics.algorithm_a);
/// assert_eq!(round.participants, all.participants);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Arithmetic mean and SD (7.7.1).
    pub mean_sd: bool,
    /// Median, quartiles, MADe and nIQR (C.2).
    pub median_quartiles: bool,
    /// Algorithm A (C.3.1).
    pub algorithm_a: bool,
    /// Q/Hampel (C.5.4); O(p log p) but the slowest of the statistics.
    pub q_hampel: bool,
    /// Qn (C.5.2, as amended in 2026).
    pub qn: bool,
}

impl Report {
    /// Every statistic. The default.
    pub const ALL: Report = Report {
        mean_sd: true,
        median_quartiles: true,
        algorithm_a: true,
        q_hampel: true,
        qn: true,
    };
    /// No statistic beyond what x_pt and σpt need.
    pub const ROUND_ONLY: Report = Report {
        mean_sd: false,
        median_quartiles: false,
        algorithm_a: false,
        q_hampel: false,
        qn: false,
    };

    /// The names of the statistics listed, comma-separated (`none` when empty).
    ///
    /// # Examples
    /// ```
    /// use renke_pt::evaluate::Report;
    /// assert_eq!(Report::ROUND_ONLY.describe(), "none");
    /// let r = Report { qn: true, ..Report::ROUND_ONLY };
    /// assert_eq!(r.describe(), "qn");
    /// ```
    pub fn describe(&self) -> String {
        let names: Vec<&str> = [
            (self.mean_sd, "mean_sd"),
            (self.median_quartiles, "median_quartiles"),
            (self.algorithm_a, "algorithm_a"),
            (self.q_hampel, "q_hampel"),
            (self.qn, "qn"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect();
        if names.is_empty() {
            "none".into()
        } else {
            names.join(",")
        }
    }
}

impl Default for Report {
    fn default() -> Self {
        Report::ALL
    }
}

/// Options of [`evaluate`].
///
/// # Examples
/// ```
/// let o = renke_pt::evaluate::EvaluateOptions::default();
/// assert_eq!(o.k_default, 2.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EvaluateOptions {
    /// x_pt.
    pub assigned: AssignedChoice,
    /// σpt.
    pub sigma_pt: SigmaChoice,
    /// Quartile rule for nIQR.
    pub quartile_rule: QuartileRule,
    /// Algorithm A options (stop rule, factor).
    pub algorithm_a: AlgorithmAOptions,
    /// Evaluate log10 of the values (E.6); uncertainties are then not used (ζ, En null).
    pub log10: bool,
    /// Class boundaries.
    pub boundaries: Boundaries,
    /// Coverage factor assumed when a row gives U without k.
    pub k_default: f64,
    /// Summary statistics to compute and report (default: all).
    pub report: Report,
    /// Standard uncertainty from between-item inhomogeneity (Annex B: s_s), carried into
    /// u(x_pt) by ISO 13528:2022 7.2.2 Formula (3); 0 when none.
    pub u_hom: f64,
    /// Standard uncertainty from instability (B.5), carried into u(x_pt) likewise; 0 when
    /// none.
    pub u_stab: f64,
}

impl Default for EvaluateOptions {
    fn default() -> Self {
        EvaluateOptions {
            assigned: AssignedChoice::Consensus(
                Consensus::AlgorithmA(AlgorithmAOptions::default()),
            ),
            sigma_pt: SigmaChoice::Robust,
            quartile_rule: QuartileRule::Linear,
            algorithm_a: AlgorithmAOptions::default(),
            log10: false,
            boundaries: Boundaries::default(),
            k_default: 2.0,
            report: Report::ALL,
            u_hom: 0.0,
            u_stab: 0.0,
        }
    }
}

/// Algorithm A summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlgorithmASummary {
    /// x*.
    pub mean: f64,
    /// s*.
    pub sd: f64,
    /// Iterations.
    pub iterations: usize,
}

/// Q/Hampel summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QHampelSummary {
    /// x*.
    pub mean: f64,
    /// s*.
    pub sd: f64,
}

/// Summary statistics of the (possibly transformed) values; a figure that cannot be
/// computed is `None` and a warning says why. A figure not asked for in
/// [`EvaluateOptions::report`] (and not needed for x_pt or σpt) is `None` without a warning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statistics {
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// SD.
    pub sd: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// Q1 under the quartile rule.
    pub q1: Option<f64>,
    /// Q3 under the quartile rule.
    pub q3: Option<f64>,
    /// MADe.
    pub made: Option<f64>,
    /// nIQR.
    pub niqr: Option<f64>,
    /// Algorithm A.
    pub algorithm_a: Option<AlgorithmASummary>,
    /// Q/Hampel.
    pub q_hampel: Option<QHampelSummary>,
    /// Qn (Amd 1:2026).
    pub qn: Option<f64>,
}

/// One participant's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParticipantScore {
    /// Participant code (the same allocation as its [`ParticipantResult`]'s).
    #[serde(serialize_with = "as_str")]
    pub participant: Arc<str>,
    /// Value as evaluated (log10 when transformed).
    pub value: f64,
    /// D = x − x_pt.
    pub d: f64,
    /// D% (None when x_pt = 0).
    pub d_percent: Option<f64>,
    /// z.
    pub z: f64,
    /// z′.
    pub z_prime: f64,
    /// ζ (None without uncertainty).
    pub zeta: Option<f64>,
    /// En (None without uncertainty).
    pub en: Option<f64>,
    /// The score the class is based on (`z`, or `z_prime` when u(x_pt) > 0.3σpt).
    pub score_used: ScoreKind,
    /// Class from that score.
    pub class: Class,
    /// Class from En, when En exists.
    pub en_class: Option<Class>,
}

/// The evaluation of a round.
///
/// # Examples
/// ```
/// use renke_pt::evaluate::{evaluate, EvaluateOptions, ParticipantResult};
/// let rs: Vec<_> = [9.8, 10.1, 10.0, 9.9, 10.2, 10.0, 13.0]
///     .iter().enumerate()
///     .map(|(i, v)| ParticipantResult::new(&format!("L{i}"), *v)).collect();
/// let e = evaluate(&rs, &EvaluateOptions::default())?;
/// assert_eq!(e.n, 7);
/// assert_eq!(e.participants.len(), 7);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Number of results.
    pub n: usize,
    /// Summary statistics.
    pub statistics: Statistics,
    /// x_pt.
    pub assigned_value: f64,
    /// u(x_pt).
    pub u_assigned: f64,
    /// σpt.
    pub sigma_pt: f64,
    /// 0.3·σpt.
    pub u_limit: f64,
    /// u(x_pt) ≤ 0.3·σpt.
    pub u_negligible: bool,
    /// Scores.
    pub participants: Vec<ParticipantScore>,
    /// Every option used, with clauses.
    pub method: BTreeMap<String, String>,
    /// Figures that could not be computed, and why.
    pub warnings: Vec<String>,
    /// Assigned-value record (with Algorithm A trace when used).
    pub assigned_detail: AssignedValue,
}

fn as_str<S: serde::Serializer>(s: &Arc<str>, to: S) -> Result<S::Ok, S::Error> {
    to.serialize_str(s)
}

fn opt<T>(r: Result<T, PtError>, what: &str, warnings: &mut Vec<String>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e) => {
            warnings.push(format!("{what}: {e}"));
            None
        }
    }
}

/// Evaluates a round (ISO 13528:2022 7, 8, 9): the statistics, x_pt and u(x_pt), σpt, the
/// check u(x_pt) ≤ 0.3·σpt with the switch to z′ when it fails (9.2.1), and per participant
/// D, D%, z, z′, ζ, En and the class.
///
/// # Examples
/// ```
/// use renke_pt::evaluate::*;
/// let rs: Vec<_> = [0.013, 0.044, 0.045, 0.040, 0.053]
///     .iter().enumerate()
///     .map(|(i, v)| ParticipantResult::new(&format!("L{i}"), *v)).collect();
/// let o = EvaluateOptions {
///     assigned: AssignedChoice::Reference { value: 0.044, u: Some(0.0041) },
///     sigma_pt: SigmaChoice::Fixed(0.0066),
///     ..Default::default()
/// };
/// let e = evaluate(&rs, &o)?;
/// assert!(!e.u_negligible);
/// assert!((e.participants[0].z_prime - (-3.99)).abs() < 0.005);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn evaluate(results: &[ParticipantResult], o: &EvaluateOptions) -> Result<Evaluation, PtError> {
    let raw: Vec<f64> = results.iter().map(|r| r.value).collect();
    crate::data::check(&raw, "evaluate", 1)?;
    let values = if o.log10 {
        crate::transform::log10(&raw)?
    } else {
        raw
    };
    let mut w = Vec::new();
    let r = o.report;
    let consensus_by = match o.assigned {
        AssignedChoice::Consensus(c) => Some(c),
        AssignedChoice::Reference { .. } => None,
    };
    // Algorithm A: listed, the consensus estimator, or the robust σpt of a reference value.
    let aa_res = (r.algorithm_a
        || matches!(consensus_by, Some(Consensus::AlgorithmA(_)))
        || (consensus_by.is_none() && matches!(o.sigma_pt, SigmaChoice::Robust)))
    .then(|| algorithm_a(&values, &o.algorithm_a));
    let qh_res =
        (r.q_hampel || matches!(consensus_by, Some(Consensus::QHampel))).then(|| q_hampel(&values));
    let (m, s) = if r.mean_sd {
        let (m, s) = mean_sd(&values);
        (Some(m), (values.len() >= 2).then_some(s))
    } else {
        (None, None)
    };
    let q = if r.median_quartiles {
        opt(quartiles(&values, o.quartile_rule), "quartiles", &mut w)
    } else {
        None
    };
    let aa = aa_res
        .clone()
        .and_then(|res| opt(res, "algorithm_a", &mut w));
    let qh = qh_res.clone().and_then(|res| opt(res, "q_hampel", &mut w));
    let statistics = Statistics {
        mean: m,
        sd: s,
        median: if r.median_quartiles {
            opt(median(&values), "median", &mut w).map(|e| e.value)
        } else {
            None
        },
        q1: q.as_ref().map(|q| q.q1),
        q3: q.as_ref().map(|q| q.q3),
        made: if r.median_quartiles {
            opt(made(&values), "made", &mut w).map(|e| e.value)
        } else {
            None
        },
        niqr: if r.median_quartiles {
            opt(niqr(&values, o.quartile_rule), "niqr", &mut w).map(|e| e.value)
        } else {
            None
        },
        algorithm_a: aa.as_ref().map(|r| AlgorithmASummary {
            mean: r.x_star,
            sd: r.s_star,
            iterations: r.iterations,
        }),
        q_hampel: qh.as_ref().map(|r| QHampelSummary {
            mean: r.x_star,
            sd: r.s_star,
        }),
        qn: if r.qn {
            opt(qn(&values, QnVariant::Amd2026), "qn", &mut w).map(|e| e.value)
        } else {
            None
        },
    };
    let consensus_choice = |c: Consensus| match c {
        Consensus::AlgorithmA(_) => Consensus::AlgorithmA(o.algorithm_a),
        other => other,
    };
    let assigned = match o.assigned {
        AssignedChoice::Consensus(c) => consensus_reusing(
            &values,
            consensus_choice(c),
            o.quartile_rule,
            aa_res.as_ref(),
            qh_res.as_ref(),
        )?,
        AssignedChoice::Reference { value, u } => {
            from_reference(Source::ReferenceLaboratory, value, u.unwrap_or(0.0))?
        }
    };
    // u(x_pt) = √(u²_char + u²_hom + u²_stab), 7.2.2 Formula (3).
    let mut assigned = assigned;
    let u_char = assigned.u_x_pt;
    if o.u_hom != 0.0 || o.u_stab != 0.0 {
        assigned.u_x_pt = crate::assigned::combine_uncertainty(u_char, o.u_hom, 0.0, o.u_stab)?;
    }
    let sigma = match o.sigma_pt {
        SigmaChoice::Fixed(v) => prescribed(v)?,
        SigmaChoice::Rsd(p) => crate::sigma_pt::from_rsd(assigned.x_pt, p)?,
        SigmaChoice::Horwitz(unit) => {
            if o.log10 {
                return Err(PtError::invalid(
                    "sigma_pt",
                    "Horwitz does not apply to log10 values",
                ));
            }
            let c = MassFraction::new(assigned.x_pt * unit.factor())?;
            let mut e = horwitz(c)?;
            e.value /= unit.factor();
            e.method = e.method.with("input_unit", unit.name());
            e
        }
        SigmaChoice::Robust => match (o.assigned, assigned.scale) {
            (AssignedChoice::Consensus(c), Some(s)) => from_robust_sd(s, c.name())?,
            _ => match &aa {
                Some(r) => from_robust_sd(r.s_star, "algorithm-a")?,
                None => return Err(PtError::ZeroScale { what: "sigma_pt" }),
            },
        },
    };
    let sigma_pt = sigma.value;
    let check = check_uncertainty(assigned.u_x_pt, sigma_pt)?;
    let big_u_pt = 2.0 * assigned.u_x_pt;
    // The values are finite (checked above), so each score is arithmetic on checked inputs.
    let scorer = Scorer::new(assigned.x_pt, sigma_pt, assigned.u_x_pt)?;
    let mut participants = Vec::with_capacity(results.len());
    for (r, x) in results.iter().zip(&values) {
        let zs = scorer.z(*x);
        let zp = scorer.z_prime(*x);
        let (zeta_v, en_v) = match (r.uncertainty, o.log10) {
            (Some(big_u), false) => {
                let k = r.k.unwrap_or(o.k_default);
                crate::data::positive(k, "k")?;
                let u = big_u / k;
                (
                    zeta(*x, assigned.x_pt, u, assigned.u_x_pt).ok(),
                    en(*x, assigned.x_pt, big_u, big_u_pt).ok(),
                )
            }
            _ => (None, None),
        };
        let (used, score) = if check.negligible {
            (ScoreKind::Z, zs)
        } else {
            (ScoreKind::ZPrime, zp)
        };
        participants.push(ParticipantScore {
            participant: r.participant.clone(),
            value: *x,
            d: scorer.d(*x),
            d_percent: scorer.d_percent(*x),
            z: zs,
            z_prime: zp,
            zeta: zeta_v,
            en: en_v,
            score_used: used,
            class: o.boundaries.classify_z(score)?,
            en_class: match en_v {
                Some(e) => Some(o.boundaries.classify_en(e)?),
                None => None,
            },
        });
    }
    let mut method = BTreeMap::new();
    let assigned_name = match o.assigned {
        AssignedChoice::Consensus(c) => c.name().to_string(),
        AssignedChoice::Reference { value, u } => match u {
            Some(u) => format!("reference:{value}:{u}"),
            None => format!("reference:{value}"),
        },
    };
    method.insert("assigned".into(), assigned_name);
    method.insert("assigned_clause".into(), assigned.method.clause.clone());
    if let AssignedChoice::Consensus(Consensus::Median { scale }) = o.assigned {
        method.insert(
            "median_u_scale".into(),
            match scale {
                MedianScale::Niqr => "niqr",
                MedianScale::Made => "made",
            }
            .into(),
        );
    }
    method.insert(
        "u_assigned_formula".into(),
        assigned
            .method
            .options
            .get("u_formula")
            .cloned()
            .unwrap_or_else(|| "given".into()),
    );
    if o.u_hom != 0.0 || o.u_stab != 0.0 {
        method.insert("u_char".into(), u_char.to_string());
        method.insert("u_hom".into(), o.u_hom.to_string());
        method.insert("u_stab".into(), o.u_stab.to_string());
        method.insert(
            "u_combined_clause".into(),
            "u(x_pt) = √(u_char² + u_hom² + u_stab²) (ISO 13528:2022 7.2.2, Formula 3)".into(),
        );
    }
    method.insert(
        "sigma_pt".into(),
        match o.sigma_pt {
            SigmaChoice::Robust => "robust".to_string(),
            SigmaChoice::Horwitz(u) => format!("horwitz ({})", u.name()),
            SigmaChoice::Rsd(p) => format!("rsd:{p}"),
            SigmaChoice::Fixed(v) => format!("fixed:{v}"),
        },
    );
    method.insert("sigma_pt_clause".into(), sigma.method.clause.clone());
    for (k, v) in &sigma.method.options {
        method.insert(format!("sigma_pt.{k}"), v.clone());
    }
    method.insert("quartile_rule".into(), o.quartile_rule.name().into());
    method.insert("stop".into(), o.algorithm_a.stop.name().into());
    method.insert("factor".into(), o.algorithm_a.factor.name().into());
    method.insert("log10".into(), o.log10.to_string());
    method.insert("qn".into(), QnVariant::Amd2026.name().into());
    method.insert("k_default".into(), o.k_default.to_string());
    method.insert("boundaries".into(), o.boundaries.describe());
    if o.report != Report::ALL {
        method.insert("statistics".into(), o.report.describe());
    }
    method.insert(
        "uncertainty_check".into(),
        "u(x_pt) ≤ 0.3·sigma_pt, else z′ (ISO 13528:2022 9.2.1)".into(),
    );
    method.insert(
        "scores_clause".into(),
        "ISO 13528:2022 9.3 (D, D%), 9.4 (z), 9.5 (z′), 9.6 (ζ), 9.7 (En)".into(),
    );
    Ok(Evaluation {
        n: values.len(),
        statistics,
        assigned_value: assigned.x_pt,
        u_assigned: assigned.u_x_pt,
        sigma_pt,
        u_limit: check.limit,
        u_negligible: check.negligible,
        participants,
        method,
        warnings: w,
        assigned_detail: assigned,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inhomogeneity and instability enter u(x_pt) (7.2.2 Formula 3), and with it the
    /// 0.3·σpt check, z′ and En: E.4's reference value with u_hom and u_stab.
    #[test]
    fn homogeneity_and_stability_enter_the_uncertainty_of_the_assigned_value() {
        let rs: Vec<_> = [0.013, 0.044, 0.045, 0.040, 0.053]
            .iter()
            .enumerate()
            .map(|(i, v)| ParticipantResult {
                uncertainty: Some(0.004),
                k: Some(2.0),
                ..ParticipantResult::new(&format!("L{i}"), *v)
            })
            .collect();
        let base = EvaluateOptions {
            assigned: AssignedChoice::Reference {
                value: 0.044,
                u: Some(0.0012),
            },
            sigma_pt: SigmaChoice::Fixed(0.0066),
            ..Default::default()
        };
        let plain = evaluate(&rs, &base).unwrap();
        assert!((plain.u_assigned - 0.0012).abs() < 1e-15);
        assert!(plain.u_negligible, "0.0012 ≤ 0.3·0.0066 = 0.00198");
        assert!(!plain.method.contains_key("u_hom"));
        let with = evaluate(
            &rs,
            &EvaluateOptions {
                u_hom: 0.0016,
                u_stab: 0.0012,
                ..base
            },
        )
        .unwrap();
        let u = (0.0012f64.powi(2) + 0.0016f64.powi(2) + 0.0012f64.powi(2)).sqrt();
        assert!((with.u_assigned - u).abs() < 1e-15);
        assert!(!with.u_negligible, "{u} > 0.00198: z′ is used");
        let p = &with.participants[0];
        assert_eq!(p.score_used, ScoreKind::ZPrime);
        assert!((p.z_prime - (0.013 - 0.044) / (0.0066f64.powi(2) + u * u).sqrt()).abs() < 1e-12);
        assert!(
            (p.en.unwrap() - (0.013 - 0.044) / (0.004f64.powi(2) + (2.0 * u).powi(2)).sqrt()).abs()
                < 1e-12
        );
        assert_eq!(with.method["u_hom"], "0.0016");
    }
}
