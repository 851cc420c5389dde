//! The error type of the statistics crate (DESIGN convention 5: `thiserror` in libraries).

/// Why a statistic could not be computed. Degenerate input is an error, never `NaN`.
///
/// Each variant has a stable [`code`](PtError::code) that user-facing text is looked up by.
///
/// # Examples
/// ```
/// use renke_pt::{estimators::median, PtError};
/// assert_eq!(median(&[]).unwrap_err(), PtError::Empty);
/// assert_eq!(PtError::Empty.code(), "pt_empty");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PtError {
    /// No values were given.
    #[error("无数据 no data")]
    Empty,
    /// Fewer values than the method needs.
    #[error("{what} 至少需要 {needed} 个数据 needs at least {needed} values, got {got}")]
    TooFew {
        /// The method.
        what: &'static str,
        /// Its minimum.
        needed: usize,
        /// What was given.
        got: usize,
    },
    /// A value is NaN or infinite.
    #[error("第 {index} 个数据不是有限数 value {index} (0-based) is not a finite number")]
    NonFinite {
        /// 0-based position of the value.
        index: usize,
    },
    /// The scale is zero: all values equal, or a large majority identical.
    #[error("{what}: 离散度为零 the scale estimate is zero (values identical)")]
    ZeroScale {
        /// The method.
        what: &'static str,
    },
    /// A parameter is out of its domain.
    #[error("参数 {name} 无效 invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Why.
        reason: String,
    },
    /// An iteration did not meet its stopping rule.
    #[error("{what} 未收敛 did not converge within {iterations} iterations")]
    NoConvergence {
        /// The method.
        what: &'static str,
        /// Iterations run.
        iterations: usize,
    },
}

impl PtError {
    /// The stable error code (`pt_empty`, `pt_too_few`, `pt_non_finite`, `pt_zero_scale`,
    /// `pt_invalid_parameter`, `pt_no_convergence`).
    ///
    /// # Examples
    /// ```
    /// use renke_pt::PtError;
    /// assert_eq!(PtError::ZeroScale { what: "MADe" }.code(), "pt_zero_scale");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            PtError::Empty => "pt_empty",
            PtError::TooFew { .. } => "pt_too_few",
            PtError::NonFinite { .. } => "pt_non_finite",
            PtError::ZeroScale { .. } => "pt_zero_scale",
            PtError::InvalidParameter { .. } => "pt_invalid_parameter",
            PtError::NoConvergence { .. } => "pt_no_convergence",
        }
    }

    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        PtError::InvalidParameter {
            name,
            reason: reason.into(),
        }
    }
}
