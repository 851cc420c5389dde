//! Timing of the heavy estimators on generated data, for comparison with the Python reference
//! implementation pt13528 (see `bench/compare.py`, which runs both and checks the answers).
//!
//! `cargo run --release -p renke-pt --example bench -- OUT_DIR` writes `data_<n>.csv` and
//! `renke_<n>.json` (figures and seconds) for n = 1,000 and 100,000.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use renke_pt::algorithm_a::{AlgorithmAOptions, algorithm_a};
use renke_pt::evaluate::{EvaluateOptions, ParticipantResult, evaluate};
use renke_pt::qn::q_hampel;
use std::time::Instant;

/// Deterministic data: normal(10, 1) with 5 % contamination normal(14, 3) (xorshift + Box–Muller).
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

fn best<T>(reps: usize, mut f: impl FnMut() -> T) -> (T, f64) {
    let mut out = None;
    let mut t = f64::INFINITY;
    for _ in 0..reps {
        let s = Instant::now();
        let r = f();
        t = t.min(s.elapsed().as_secs_f64());
        out = Some(r);
    }
    (out.unwrap(), t)
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
        let reps = if n <= 1000 { 50 } else { 3 };
        let (a, ta) = best(reps, || {
            algorithm_a(&x, &AlgorithmAOptions::default()).unwrap()
        });
        let (q, tq) = best(reps, || q_hampel(&x).unwrap());
        let rs: Vec<ParticipantResult> = x
            .iter()
            .enumerate()
            .map(|(i, v)| ParticipantResult::new(&format!("P{i}"), *v))
            .collect();
        let (e, te) = best(reps, || evaluate(&rs, &EvaluateOptions::default()).unwrap());
        let unsat = e
            .participants
            .iter()
            .filter(|p| p.class == renke_pt::scores::Class::Unsatisfactory)
            .count();
        let out = serde_json::json!({
            "n": n,
            "algorithm_a": {"x_star": a.x_star, "s_star": a.s_star, "iterations": a.iterations, "seconds": ta},
            "q_hampel": {"x_star": q.x_star, "s_star": q.s_star, "seconds": tq},
            "round": {"x_pt": e.assigned_value, "u_x_pt": e.u_assigned, "sigma_pt": e.sigma_pt,
                      "z_first": e.participants[0].z, "unsatisfactory": unsat, "seconds": te},
        });
        std::fs::write(format!("{dir}/renke_{n}.json"), out.to_string()).unwrap();
        println!(
            "renke-pt n={n}: Algorithm A {:.3} ms, Q/Hampel {:.3} ms, whole round {:.3} ms",
            ta * 1e3,
            tq * 1e3,
            te * 1e3
        );
    }
}
