//! Timing of the heavy estimators and of a whole round on generated data, for the
//! side-by-side comparison with the Python reference implementation pt13528 in
//! `bench/compare.py` (which runs this example, times pt13528 on the same data, checks the
//! answers and prints the ratios; see the crate README).
//!
//! `cargo run --release -p renke-pt --example bench -- OUT_DIR` writes `data_<n>.csv` and
//! `renke_<n>.json` (answers and median seconds) for n = 1,000 and 100,000.
//!
//! Timed, each as the median of several runs:
//! * `algorithm_a`: Algorithm A to convergence (C.3.1, default options) from the raw values.
//! * `q_hampel`: Q/Hampel (C.5.4).
//! * `round`: `evaluate` with `Report::ROUND_ONLY`: x_pt by Algorithm A, u(x_pt) (Formula 6),
//!   σpt = s*, the check of 9.2.1, and per participant D, D%, z, z′ and the class, from
//!   results already in memory.
//! * `round_all_statistics`: the same with every summary statistic (mean, SD, median,
//!   quartiles, MADe, nIQR, Q/Hampel, Qn), as `renke pt evaluate` prints; no Python
//!   counterpart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use renke_pt::algorithm_a::{AlgorithmAOptions, algorithm_a};
use renke_pt::evaluate::{EvaluateOptions, ParticipantResult, Report, evaluate};
use renke_pt::qn::q_hampel;
use renke_pt::scores::Class;
use std::time::Instant;

/// Deterministic data: normal(10, 1) with 5 % contamination normal(14, 3) (xorshift + Box–Muller),
/// rounded to 0.001.
fn generate(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    let mut u = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        ((s >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let z = (-2.0 * u().ln()).sqrt() * (2.0 * std::f64::consts::PI * u()).cos();
            let x = if u() < 0.05 { 14.0 + 3.0 * z } else { 10.0 + z };
            (x * 1000.0).round() / 1000.0
        })
        .collect()
}

/// The result of the last run and the median time of `reps` runs.
fn median_time<T>(reps: usize, mut f: impl FnMut() -> T) -> (T, f64) {
    let mut out = None;
    let mut t = Vec::with_capacity(reps);
    for _ in 0..reps {
        let s = Instant::now();
        let r = std::hint::black_box(f());
        t.push(s.elapsed().as_secs_f64());
        out = Some(r);
    }
    t.sort_by(f64::total_cmp);
    (out.unwrap(), t[t.len() / 2])
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&dir).unwrap();
    for n in [1_000usize, 100_000] {
        let x = generate(n, 0x9E37_79B9_7F4A_7C15 ^ n as u64);
        let csv: String = std::iter::once("value".to_string())
            .chain(x.iter().map(|v| format!("{v}")))
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(format!("{dir}/data_{n}.csv"), csv).unwrap();
        let reps = if n <= 1000 { 201 } else { 21 };
        let (a, ta) = median_time(reps, || {
            algorithm_a(&x, &AlgorithmAOptions::default()).unwrap()
        });
        let (q, tq) = median_time(if n <= 1000 { 21 } else { 3 }, || q_hampel(&x).unwrap());
        let rs: Vec<ParticipantResult> = x
            .iter()
            .enumerate()
            .map(|(i, v)| ParticipantResult::new(&format!("P{i}"), *v))
            .collect();
        let round = EvaluateOptions {
            report: Report::ROUND_ONLY,
            ..Default::default()
        };
        let (e, te) = median_time(reps, || evaluate(&rs, &round).unwrap());
        let (full, tf) = median_time(if n <= 1000 { 21 } else { 3 }, || {
            evaluate(&rs, &EvaluateOptions::default()).unwrap()
        });
        assert_eq!(full.participants, e.participants);
        let class = |c: Class| match c {
            Class::Satisfactory => "acceptable",
            Class::Questionable => "warning",
            Class::Unsatisfactory => "action",
        };
        let out = serde_json::json!({
            "n": n,
            "algorithm_a": {"x_star": a.x_star, "s_star": a.s_star, "iterations": a.iterations, "seconds": ta},
            "q_hampel": {"x_star": q.x_star, "s_star": q.s_star, "seconds": tq},
            "round": {"x_pt": e.assigned_value, "u_x_pt": e.u_assigned, "sigma_pt": e.sigma_pt,
                      "z": e.participants.iter().map(|p| p.z).collect::<Vec<_>>(),
                      "class": e.participants.iter().map(|p| class(p.class)).collect::<Vec<_>>(),
                      "seconds": te},
            "round_all_statistics": {"seconds": tf},
        });
        std::fs::write(format!("{dir}/renke_{n}.json"), out.to_string()).unwrap();
        println!(
            "renke-pt n={n}: Algorithm A {:.3} ms, Q/Hampel {:.3} ms, round {:.3} ms, round with all statistics {:.3} ms",
            ta * 1e3,
            tq * 1e3,
            te * 1e3,
            tf * 1e3
        );
    }
}
