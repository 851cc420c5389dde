//! Property tests: invariance under permutation, equivariance under x → a·x + b, and no panic
//! (and no NaN) on arbitrary finite and non-finite input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use renke_pt::QuartileRule;
use renke_pt::algorithm_a::{
    AlgorithmAOptions, ConsistencyFactor, ScaleMode, algorithm_a, algorithm_a_reference,
};
use renke_pt::algorithm_s::algorithm_s;
use renke_pt::estimators::{made, mean, median, niqr, sd};
use renke_pt::evaluate::{EvaluateOptions, ParticipantResult, evaluate};
use renke_pt::qn::{QnVariant, q_hampel, q_method, qn};

/// Data with decimal ties (results reported to 0.1) and a few outliers.
fn data() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![
            8 => (0i32..200).prop_map(|k| 10.0 + f64::from(k) / 10.0),
            1 => (-5000i32..5000).prop_map(|k| f64::from(k) / 7.0),
        ],
        4..40,
    )
}

fn close(a: f64, b: f64, scale: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * scale.abs().max(b.abs() * 1e-3).max(1e-300)
}

/// The O(log p) iteration of `algorithm_a` and the plain one of `algorithm_a_reference` give
/// the same outcome: the same error, or the same iterates (every trace step to 1e-12
/// relative to that step's s*, or 1e-14 per iteration after the hundredth: both add up
/// their own rounding, some 1e-16 relative a step, and the iteration carries a difference
/// forward without enlarging it, so over a slow run of thousands of iterations the iterates
/// drift apart by up to the sum; a run of 2,684 found 1.0e-12). The stop rule compares a
/// change with 1e-10·s*; when rounding
/// puts that change on different sides of the threshold the counts differ by one, so the
/// results are compared to 1e-9 relative to s* (the iteration is only converged to about
/// 1e-10·s*/(1 − contraction) anyway).
fn same_algorithm_a(x: &[f64], o: &AlgorithmAOptions) -> Result<(), TestCaseError> {
    let (fast, plain) = (algorithm_a(x, o), algorithm_a_reference(x, o));
    match (fast, plain) {
        (Ok(f), Ok(p)) => {
            for (a, b) in f.method.trace.iter().zip(&p.method.trace) {
                let tol = b.scale * 1e-12_f64.max(1e-14 * a.iteration as f64);
                prop_assert!(
                    (a.location - b.location).abs()
                        <= tol.max(4.0 * f64::EPSILON * b.location.abs()),
                    "{a:?} {b:?}"
                );
                prop_assert!((a.scale - b.scale).abs() <= tol, "{a:?} {b:?}");
            }
            let tol = 1e-9 * p.s_star;
            prop_assert!(
                (f.x_star - p.x_star).abs() <= tol,
                "fast {f:?}\nplain {p:?}"
            );
            prop_assert!(
                (f.s_star - p.s_star).abs() <= tol,
                "fast {f:?}\nplain {p:?}"
            );
            prop_assert!(f.iterations.abs_diff(p.iterations) <= 1);
        }
        (Err(f), Err(p)) => prop_assert_eq!(f.code(), p.code()),
        (f, p) => prop_assert!(false, "fast {f:?}\nplain {p:?}"),
    }
    Ok(())
}

/// Larger samples: normal core, contamination, ties from rounding, and sometimes a large
/// block of identical results.
fn big_data() -> impl Strategy<Value = Vec<f64>> {
    (3usize..3000, any::<u64>(), 0u32..4, 0usize..100).prop_map(|(n, seed, digits, tie_pct)| {
        let mut s = seed | 1;
        let mut u = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let scale = 10f64.powi(digits as i32);
        (0..n)
            .map(|_| {
                if u() * 100.0 < tie_pct as f64 {
                    return 42.0;
                }
                let z = (-2.0 * u().ln()).sqrt() * (2.0 * std::f64::consts::PI * u()).cos();
                let x = if u() < 0.1 { 50.0 + 20.0 * z } else { 42.0 + z };
                (x * scale).round() / scale
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn algorithm_a_fast_iteration_equals_plain_iteration(v in big_data(), w in data()) {
        for o in [
            AlgorithmAOptions::default(),
            AlgorithmAOptions { factor: ConsistencyFactor::Exact, ..Default::default() },
            AlgorithmAOptions { scale: ScaleMode::Fixed(None), ..Default::default() },
            AlgorithmAOptions { scale: ScaleMode::Fixed(Some(0.7)), ..Default::default() },
        ] {
            same_algorithm_a(&v, &o)?;
            same_algorithm_a(&w, &o)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn permutation_does_not_change_results(v in data(), seed in any::<u64>()) {
        let mut w = v.clone();
        // deterministic shuffle from the seed
        let mut s = seed | 1;
        for i in (1..w.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            w.swap(i, (s % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(median(&v).unwrap().value, median(&w).unwrap().value);
        prop_assert_eq!(made(&v).unwrap().value, made(&w).unwrap().value);
        for r in [QuartileRule::Linear, QuartileRule::NPlusOne] {
            prop_assert_eq!(niqr(&v, r).unwrap().value, niqr(&w, r).unwrap().value);
        }
        prop_assert_eq!(qn(&v, QnVariant::Amd2026).ok().map(|e| e.value), qn(&w, QnVariant::Amd2026).ok().map(|e| e.value));
        prop_assert_eq!(q_method(&v).ok().map(|e| e.value), q_method(&w).ok().map(|e| e.value));
        let (a, b) = (algorithm_a(&v, &AlgorithmAOptions::default()), algorithm_a(&w, &AlgorithmAOptions::default()));
        prop_assert_eq!(a.is_ok(), b.is_ok());
        if let (Ok(a), Ok(b)) = (a, b) {
            // the iteration sorts its input: identical arithmetic
            prop_assert_eq!(a.x_star, b.x_star);
            prop_assert_eq!(a.s_star, b.s_star);
        }
        let (a, b) = (q_hampel(&v), q_hampel(&w));
        prop_assert_eq!(a.is_ok(), b.is_ok());
        if let (Ok(a), Ok(b)) = (a, b) {
            prop_assert_eq!(a.x_star, b.x_star);
            prop_assert_eq!(a.s_star, b.s_star);
        }
        let (ma, mb) = (mean(&v).unwrap().value, mean(&w).unwrap().value);
        prop_assert!(close(ma, mb, sd(&v).unwrap().value.max(1e-12), 1e-12));
    }

    /// Location estimators map to a·T + b and scale estimators to |a|·S.
    #[test]
    fn affine_transform(v in data(),
                        a in prop::sample::select(vec![-3.0, -1.0, 0.5, 2.0, 10.0, 1e-3]),
                        b in prop::sample::select(vec![-100.0, 0.0, 273.15, 1e3])) {
        let w: Vec<f64> = v.iter().map(|x| a * x + b).collect();
        let tol = 1e-9;
        let m = median(&v).unwrap().value;
        let s0 = made(&v).unwrap().value.max(niqr(&v, QuartileRule::Linear).unwrap().value);
        let scale = (s0 * a).abs().max(1e-9 * (a * m + b).abs());
        prop_assert!(close(median(&w).unwrap().value, a * m + b, scale, tol));
        prop_assert!(close(made(&w).unwrap().value, a.abs() * made(&v).unwrap().value, scale, tol));
        for r in [QuartileRule::Linear, QuartileRule::NPlusOne] {
            prop_assert!(close(niqr(&w, r).unwrap().value, a.abs() * niqr(&v, r).unwrap().value, scale, tol));
        }
        if let (Ok(qa), Ok(qb)) = (qn(&v, QnVariant::Amd2026), qn(&w, QnVariant::Amd2026)) {
            prop_assert!(close(qb.value, a.abs() * qa.value, scale, tol));
        }
        if let (Ok(x), Ok(y)) = (algorithm_a(&v, &AlgorithmAOptions::default()), algorithm_a(&w, &AlgorithmAOptions::default())) {
            let sc = (a * x.s_star).abs();
            prop_assert!(close(y.x_star, a * x.x_star + b, sc, 1e-8), "x* {} vs {}", y.x_star, a * x.x_star + b);
            prop_assert!(close(y.s_star, a.abs() * x.s_star, sc, 1e-8));
        }
        if let (Ok(x), Ok(y)) = (q_hampel(&v), q_hampel(&w)) {
            let sc = (a * x.s_star).abs();
            prop_assert!(close(y.s_star, a.abs() * x.s_star, sc, 1e-8), "s* {} vs {}", y.s_star, a.abs() * x.s_star);
            prop_assert!(close(y.x_star, a * x.x_star + b, sc, 1e-7), "x* {} vs {}", y.x_star, a * x.x_star + b);
        }
    }

    /// Arbitrary floats, finite or not: every function returns Ok with finite figures or a
    /// typed error, and never panics.
    #[test]
    fn no_panic_no_nan(v in prop::collection::vec(prop::num::f64::ANY, 0..30)) {
        let fin = |r: Result<f64, renke_pt::PtError>| match r { Ok(x) => x.is_finite(), Err(_) => true };
        prop_assert!(fin(median(&v).map(|e| e.value)));
        prop_assert!(fin(made(&v).map(|e| e.value)));
        prop_assert!(fin(niqr(&v, QuartileRule::NPlusOne).map(|e| e.value)));
        prop_assert!(fin(mean(&v).map(|e| e.value)));
        prop_assert!(fin(sd(&v).map(|e| e.value)));
        prop_assert!(fin(qn(&v, QnVariant::RousseeuwCroux).map(|e| e.value)));
        prop_assert!(fin(q_method(&v).map(|e| e.value)));
        prop_assert!(fin(algorithm_a(&v, &AlgorithmAOptions::default()).map(|r| r.x_star + r.s_star)));
        prop_assert!(fin(q_hampel(&v).map(|r| r.x_star + r.s_star)));
        prop_assert!(fin(algorithm_s(&v, 3, Default::default()).map(|r| r.w_star)));
        prop_assert!(fin(renke_pt::kde::kde_mode(&v, 0.5).map(|e| e.value)));
        prop_assert!(fin(renke_pt::grubbs::grubbs(&v, 0.05).map(|g| g.g_high + g.g_low)));
        let rs: Vec<ParticipantResult> = v.iter().enumerate().map(|(i, x)| ParticipantResult::new(&i.to_string(), *x)).collect();
        if let Ok(e) = evaluate(&rs, &EvaluateOptions::default()) {
            prop_assert!(e.assigned_value.is_finite() && e.sigma_pt.is_finite());
            for p in &e.participants { prop_assert!(p.z.is_finite() && p.z_prime.is_finite()); }
        }
    }

    /// Finite values of any magnitude (overflow of squares and differences).
    #[test]
    fn no_nan_on_extreme_finite_values(v in prop::collection::vec(prop::num::f64::NORMAL | prop::num::f64::ZERO | prop::num::f64::SUBNORMAL, 3..20)) {
        let fin = |r: Result<f64, renke_pt::PtError>| match r { Ok(x) => x.is_finite(), Err(_) => true };
        prop_assert!(fin(algorithm_a(&v, &AlgorithmAOptions::default()).map(|r| r.x_star.max(r.s_star))));
        prop_assert!(fin(qn(&v, QnVariant::Amd2026).map(|e| e.value)));
        prop_assert!(fin(q_hampel(&v).map(|r| r.x_star.max(r.s_star))));
        prop_assert!(fin(made(&v).map(|e| e.value)));
        prop_assert!(fin(niqr(&v, QuartileRule::Linear).map(|e| e.value)));
        prop_assert!(fin(sd(&v).map(|e| e.value)));
    }
}

#[test]
fn degenerate_data_is_a_typed_error() {
    use renke_pt::PtError;
    let same = [5.0; 10];
    assert!(matches!(
        algorithm_a(&same, &AlgorithmAOptions::default()),
        Err(PtError::ZeroScale { .. })
    ));
    assert!(matches!(q_hampel(&same), Err(PtError::ZeroScale { .. })));
    assert!(matches!(
        algorithm_a(&[1.0, 2.0], &AlgorithmAOptions::default()),
        Err(PtError::TooFew { .. })
    ));
    assert!(matches!(median(&[]), Err(PtError::Empty)));
    assert!(matches!(
        median(&[1.0, f64::NAN]),
        Err(PtError::NonFinite { index: 1 })
    ));
    // a large majority identical: s* collapses
    let mut x = vec![3.0; 20];
    x.push(7.0);
    assert!(matches!(
        algorithm_a(&x, &AlgorithmAOptions::default()),
        Err(PtError::ZeroScale { .. })
    ));
    assert_eq!(qn(&same, QnVariant::Amd2026).unwrap().value, 0.0);
    let rs: Vec<ParticipantResult> = same
        .iter()
        .map(|v| ParticipantResult::new("a", *v))
        .collect();
    assert!(evaluate(&rs, &EvaluateOptions::default()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Computing only what the round needs changes nothing in the round.
    #[test]
    fn round_only_report_gives_the_same_round(v in data()) {
        use renke_pt::assigned::{Consensus, MedianScale};
        use renke_pt::evaluate::{AssignedChoice, Report, SigmaChoice};
        let rs: Vec<ParticipantResult> = v
            .iter()
            .enumerate()
            .map(|(i, x)| ParticipantResult::new(&format!("L{i}"), *x))
            .collect();
        for assigned in [
            AssignedChoice::Consensus(Consensus::AlgorithmA(AlgorithmAOptions::default())),
            AssignedChoice::Consensus(Consensus::QHampel),
            AssignedChoice::Consensus(Consensus::Median { scale: MedianScale::Made }),
            AssignedChoice::Consensus(Consensus::Mean),
            AssignedChoice::Reference { value: 12.0, u: Some(0.01) },
        ] {
            for sigma_pt in [SigmaChoice::Robust, SigmaChoice::Rsd(10.0)] {
                let all = EvaluateOptions { assigned, sigma_pt, ..Default::default() };
                let round = EvaluateOptions { report: Report::ROUND_ONLY, ..all };
                match (evaluate(&rs, &all), evaluate(&rs, &round)) {
                    (Ok(a), Ok(b)) => {
                        prop_assert_eq!(a.assigned_value, b.assigned_value);
                        prop_assert_eq!(a.u_assigned, b.u_assigned);
                        prop_assert_eq!(a.sigma_pt, b.sigma_pt);
                        prop_assert_eq!(&a.assigned_detail, &b.assigned_detail);
                        prop_assert_eq!(&a.participants, &b.participants);
                    }
                    (Err(a), Err(b)) => prop_assert_eq!(a, b),
                    (a, b) => prop_assert!(false, "{a:?}\n{b:?}"),
                }
            }
        }
    }
}
