//! Homogeneity check, ISO 13528:2022 Annex B (B.2, B.3), with the expanded criterion of B.2.3
//! (factors of Table B.1), the analysis-of-variance F test and Cochran's test (ISO 5725-2).

use crate::data::{mean_sd, non_negative, positive};
use crate::special::{chi2_quantile, f_quantile};
use crate::{Method, PtError};
use serde::Serialize;

/// Factors F1 and F2 of B.2.3 (Table B.1) for g items each measured m times:
/// F1 = χ²₀.₉₅(g − 1)/(g − 1), F2 = (F₀.₉₅(g − 1, g(m − 1)) − 1)/m.
///
/// # Examples
/// ```
/// let (f1, f2) = renke_pt::homogeneity::expanded_factors(10, 2)?;
/// assert!((f1 - 1.88).abs() < 0.005 && (f2 - 1.01).abs() < 0.005);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn expanded_factors(g: usize, m: usize) -> Result<(f64, f64), PtError> {
    if g < 2 || m < 2 {
        return Err(PtError::invalid("g", "g ≥ 2 items and m ≥ 2 replicates"));
    }
    let d1 = (g - 1) as f64;
    let f1 = chi2_quantile(0.95, d1)? / d1;
    let f2 = (f_quantile(0.95, d1, (g * (m - 1)) as f64)? - 1.0) / m as f64;
    Ok((f1, f2))
}

/// Expanded criterion of B.2.3: √c with c = F1·(0.3σpt)² + F2·s_w², i.e.
/// `criterion` = 0.3·σpt.
///
/// # Examples
/// ```
/// let c = renke_pt::homogeneity::expanded_criterion(0.00842, 0.00556, 1.88, 1.01)?;
/// assert!((c - 0.012828).abs() < 1e-5);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn expanded_criterion(criterion: f64, s_w: f64, f1: f64, f2: f64) -> Result<f64, PtError> {
    non_negative(criterion, "criterion")?;
    non_negative(s_w, "s_w")?;
    non_negative(f1, "f1")?;
    non_negative(f2, "f2")?;
    Ok((f1 * criterion * criterion + f2 * s_w * s_w).sqrt())
}

/// Cochran's critical value (ISO 5725-2) for k variances each from n results at level α:
/// C_crit = F/(F + k − 1), F = F_{1−α/k}(n − 1, (k − 1)(n − 1)).
///
/// # Examples
/// ```
/// let c = renke_pt::homogeneity::cochran_critical(10, 2, 0.05)?;
/// assert!((c - 0.602).abs() < 0.0005);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn cochran_critical(k: usize, n: usize, alpha: f64) -> Result<f64, PtError> {
    if k < 2 || n < 2 {
        return Err(PtError::invalid("k", "k ≥ 2 variances from n ≥ 2 results"));
    }
    if !(alpha > 0.0 && alpha < 1.0) {
        return Err(PtError::invalid("alpha", "must lie in (0, 1)"));
    }
    let f = f_quantile(
        1.0 - alpha / k as f64,
        (n - 1) as f64,
        ((k - 1) * (n - 1)) as f64,
    )?;
    Ok(f / (f + k as f64 - 1.0))
}

/// Cochran's test of the within-item variances.
///
/// # Examples
/// ```
/// let items = vec![vec![1.0, 1.1], vec![1.0, 1.02], vec![0.9, 1.3]];
/// let h = renke_pt::homogeneity::homogeneity(&items, None)?;
/// assert_eq!(h.cochran.as_ref().map(|c| c.item), Some(2));
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cochran {
    /// C = max sᵢ²/Σsᵢ².
    pub c: f64,
    /// 0-based index of the item with the largest variance.
    pub item: usize,
    /// Critical value at 95 %.
    pub critical_95: f64,
    /// Critical value at 99 %.
    pub critical_99: f64,
    /// C > critical value at 99 % (outlier); between 95 % and 99 %: straggler.
    pub outlier: bool,
    /// C > critical value at 95 %.
    pub straggler: bool,
}

/// Result of the homogeneity check.
///
/// # Examples
/// ```
/// let items = vec![vec![1.0, 1.1], vec![1.05, 1.0], vec![0.95, 1.0]];
/// let h = renke_pt::homogeneity::homogeneity(&items, Some(0.2))?;
/// assert_eq!(h.sufficient, Some(true));
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Homogeneity {
    /// Number of items g.
    pub g: usize,
    /// Replicates per item m.
    pub m: usize,
    /// General mean x̿.
    pub mean: f64,
    /// SD of the item averages s_x (B.7/B.14).
    pub s_x: f64,
    /// Within-item SD s_w (B.8/B.15).
    pub s_w: f64,
    /// Between-item SD s_s = √max(0, s_x² − s_w²/m) (B.10/B.16).
    pub s_s: f64,
    /// 0.3·σpt (B.2.2), if σpt given.
    pub criterion: Option<f64>,
    /// s_s ≤ 0.3·σpt.
    pub sufficient: Option<bool>,
    /// F1 of Table B.1.
    pub f1: f64,
    /// F2 of Table B.1.
    pub f2: f64,
    /// √(F1·(0.3σpt)² + F2·s_w²) (B.2.3), if σpt given.
    pub expanded_criterion: Option<f64>,
    /// s_s ≤ expanded criterion.
    pub sufficient_expanded: Option<bool>,
    /// ANOVA F = m·s_x²/s_w² (None when s_w = 0).
    pub f_statistic: Option<f64>,
    /// F₀.₉₅(g − 1, g(m − 1)).
    pub f_critical: f64,
    /// F > critical.
    pub f_significant: Option<bool>,
    /// Cochran's test (None when all within-item variances are zero).
    pub cochran: Option<Cochran>,
    /// Method record.
    pub method: Method,
}

/// Homogeneity check of g ≥ 2 items measured m ≥ 2 times each (balanced), ISO 13528:2022
/// B.3, Formulae (B.4) to (B.16); `sigma_pt` enables the criterion of B.2.2 and the expanded
/// criterion of B.2.3 (F1, F2 computed exactly; Table B.1 prints them to two decimals).
///
/// # Examples
/// ```
/// let items = vec![vec![0.185, 0.194], vec![0.187, 0.189], vec![0.182, 0.186]];
/// let h = renke_pt::homogeneity::homogeneity(&items, Some(0.028))?;
/// assert!(h.s_w > 0.0);
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn homogeneity(items: &[Vec<f64>], sigma_pt: Option<f64>) -> Result<Homogeneity, PtError> {
    let g = items.len();
    if g < 2 {
        return Err(PtError::TooFew {
            what: "homogeneity items",
            needed: 2,
            got: g,
        });
    }
    let m = items[0].len();
    if m < 2 {
        return Err(PtError::TooFew {
            what: "homogeneity replicates",
            needed: 2,
            got: m,
        });
    }
    for (i, it) in items.iter().enumerate() {
        if it.len() != m {
            return Err(PtError::invalid(
                "items",
                format!(
                    "balanced design needed: item {} has {} results, not {m}",
                    i + 1,
                    it.len()
                ),
            ));
        }
        crate::data::check(it, "homogeneity", m)?;
    }
    if let Some(s) = sigma_pt {
        positive(s, "sigma_pt")?;
    }
    let stats: Vec<(f64, f64)> = items.iter().map(|it| mean_sd(it)).collect();
    let means: Vec<f64> = stats.iter().map(|s| s.0).collect();
    let vars: Vec<f64> = stats.iter().map(|s| s.1 * s.1).collect();
    let (mean, s_x) = mean_sd(&means);
    let s_w2 = vars.iter().sum::<f64>() / g as f64;
    let s_w = s_w2.sqrt();
    let s_s = (s_x * s_x - s_w2 / m as f64).max(0.0).sqrt();
    let (f1, f2) = expanded_factors(g, m)?;
    let criterion = sigma_pt.map(|s| 0.3 * s);
    let expanded = match criterion {
        Some(c) => Some(expanded_criterion(c, s_w, f1, f2)?),
        None => None,
    };
    let f_critical = f_quantile(0.95, (g - 1) as f64, (g * (m - 1)) as f64)?;
    let f_statistic = (s_w2 > 0.0).then(|| m as f64 * s_x * s_x / s_w2);
    let total: f64 = vars.iter().sum();
    let cochran = if total > 0.0 {
        let (item, vmax) =
            vars.iter().enumerate().fold(
                (0, f64::MIN),
                |a, (i, v)| if *v > a.1 { (i, *v) } else { a },
            );
        let c = vmax / total;
        let critical_95 = cochran_critical(g, m, 0.05)?;
        let critical_99 = cochran_critical(g, m, 0.01)?;
        Some(Cochran {
            c,
            item,
            critical_95,
            critical_99,
            outlier: c > critical_99,
            straggler: c > critical_95,
        })
    } else {
        None
    };
    Ok(Homogeneity {
        g,
        m,
        mean,
        s_x,
        s_w,
        s_s,
        criterion,
        sufficient: criterion.map(|c| s_s <= c),
        f1,
        f2,
        expanded_criterion: expanded,
        sufficient_expanded: expanded.map(|c| s_s <= c),
        f_statistic,
        f_critical,
        f_significant: f_statistic.map(|f| f > f_critical),
        cochran,
        method: Method::new("homogeneity", "ISO 13528:2022 B.3, B.2.2–B.2.4")
            .with(
                "f_factors",
                "exact (chi2, F quantiles; Table B.1 rounds them)",
            )
            .with("criterion", "s_s ≤ 0.3·sigma_pt")
            .with("anova_alpha", 0.05)
            .with("cochran", "ISO 5725-2, F approximation"),
    })
}
