//! Transformations (ISO 13528:2022 E.6: microbiological counts are evaluated as log10).

use crate::PtError;

/// log10 of every value, per measurand, for counts (E.6). Zero or negative counts are an
/// error naming the value (a count of 0 has no logarithm; the scheme must decide on a
/// replacement before scoring).
///
/// # Examples
/// ```
/// let y = renke_pt::transform::log10(&[10.0, 1000.0])?;
/// assert_eq!(y, vec![1.0, 3.0]);
/// assert!(renke_pt::transform::log10(&[0.0]).is_err());
/// # Ok::<(), renke_pt::PtError>(())
/// ```
pub fn log10(x: &[f64]) -> Result<Vec<f64>, PtError> {
    crate::data::check(x, "log10", 1)?;
    x.iter()
        .enumerate()
        .map(|(i, v)| {
            if *v > 0.0 {
                Ok(v.log10())
            } else {
                Err(PtError::invalid(
                    "x",
                    format!("value {i} (0-based) is {v}: log10 needs positive counts"),
                ))
            }
        })
        .collect()
}
