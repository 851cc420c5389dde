//! Traceability: every result carries the method, its options, the ISO 13528 clause and, for
//! iterative methods, the iteration trace.

use serde::Serialize;
use std::collections::BTreeMap;

/// How a figure was computed.
///
/// # Examples
/// ```
/// use renke_pt::Method;
/// let m = Method::new("niqr", "ISO 13528:2022 C.2.3").with("quartile_rule", "linear");
/// assert_eq!(m.options["quartile_rule"], "linear");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Method {
    /// Method name, e.g. `algorithm_a`.
    pub name: String,
    /// The clause implemented, e.g. `ISO 13528:2022 C.3.1`.
    pub clause: String,
    /// Every option used, as text.
    pub options: BTreeMap<String, String>,
    /// Iterations run (iterative methods only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iterations: Option<usize>,
    /// Iteration trace: step 0 is the start.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceStep>,
}

impl Method {
    /// A method record with no options.
    ///
    /// # Examples
    /// ```
    /// let m = renke_pt::Method::new("median", "ISO 13528:2022 C.2.1");
    /// assert!(m.options.is_empty());
    /// ```
    pub fn new(name: &str, clause: &str) -> Self {
        Method {
            name: name.to_string(),
            clause: clause.to_string(),
            options: BTreeMap::new(),
            iterations: None,
            trace: Vec::new(),
        }
    }

    /// Adds an option (builder style).
    ///
    /// # Examples
    /// ```
    /// let m = renke_pt::Method::new("made", "ISO 13528:2022 C.2.2").with("factor", "1.483");
    /// assert_eq!(m.options.len(), 1);
    /// ```
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.options.insert(key.to_string(), value.to_string());
        self
    }
}

/// One step of an iteration: step 0 holds the starting values.
///
/// # Examples
/// ```
/// let s = renke_pt::TraceStep { iteration: 0, location: 0.262, scale: 0.038558 };
/// assert_eq!(s.iteration, 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TraceStep {
    /// Iteration number (0 = start).
    pub iteration: usize,
    /// Location (x*) after this step.
    pub location: f64,
    /// Scale (s* or w*) after this step.
    pub scale: f64,
}

/// A single figure with its method.
///
/// # Examples
/// ```
/// let e = renke_pt::estimators::median(&[1.0, 3.0, 2.0])?;
/// assert_eq!(e.value, 2.0);
/// assert_eq!(e.method.name, "median");
/// # Ok::<(), renke_pt::PtError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The value.
    pub value: f64,
    /// How it was computed.
    pub method: Method,
}
