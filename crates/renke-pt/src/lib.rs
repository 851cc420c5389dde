//! Proficiency-testing statistics per ISO 13528:2022 (with Amd 1:2026 where noted) and
//! CNAS-GL002.
//!
//! Pure: no I/O, no async. Every estimator documents its formula and the clause it implements,
//! returns a [`PtError`] on empty or degenerate input (never `NaN`), and carries a [`Method`]
//! record (method name, options, ISO 13528 clause and, for iterative methods, the iteration
//! trace) so that every figure of a round report can be traced.
//!
//! | module | what | clause |
//! |---|---|---|
//! | [`estimators`] | mean, SD, median, quartiles ([`QuartileRule`]), MADe, nIQR, small-sample estimators | C.2, D.1.4.2 |
//! | [`algorithm_a`] | Algorithm A, fixed-scale variant, stopping rules, factor 1.134 or exact | C.3 |
//! | [`algorithm_s`] | Algorithm S (robust pooled SD) | C.4 |
//! | [`qn`] | Qn (Amd 1:2026), Q method, Hampel, Q/Hampel | C.5 |
//! | [`kde`] | kernel density and its mode | 10.3, E.6 |
//! | [`assigned`] | assigned value and its uncertainty, the 0.3·σpt check | 7, 9.2 |
//! | [`sigma_pt`] | σpt: prescribed, RSD, Horwitz/Thompson, precision, previous rounds | 8 |
//! | [`scores`] | D, D%, PA, z, z′, ζ, En and their classes | 9 |
//! | [`homogeneity`] | homogeneity (B.3, Table B.1, ANOVA F, Cochran) | Annex B |
//! | [`stability`] | stability (B.5) with a t-test | B.5 |
//! | [`grubbs`] | Grubbs' test for one outlier | 6.6, D.1.2 |
//! | [`transform`] | log10 transform for counts | E.6 |
//! | [`qualitative`] | nominal and ordinal results | 11 |
//! | [`evaluate`] | a whole round: statistics, assigned value, σpt, scores | 7–9 |
//!
//! # Examples
//! ```
//! use renke_pt::algorithm_a::{algorithm_a, AlgorithmAOptions};
//! let x = [2.9, 3.1, 3.4, 3.4, 3.7, 3.7, 2.8, 2.5, 28.95];
//! let r = algorithm_a(&x, &AlgorithmAOptions::default())?;
//! assert!(r.x_star < 4.0 && r.s_star > 0.0);
//! assert_eq!(r.method.clause, "ISO 13528:2022 C.3.1");
//! # Ok::<(), renke_pt::PtError>(())
//! ```
#![warn(missing_docs)]

pub mod algorithm_a;
pub mod algorithm_s;
pub mod assigned;
mod data;
pub mod error;
pub mod estimators;
pub mod evaluate;
pub mod grubbs;
pub mod homogeneity;
pub mod kde;
pub mod method;
pub mod qn;
pub mod qualitative;
pub mod scores;
pub mod sigma_pt;
mod special;
pub mod stability;
pub mod transform;

pub use error::PtError;
pub use estimators::QuartileRule;
pub use method::{Estimate, Method, TraceStep};
