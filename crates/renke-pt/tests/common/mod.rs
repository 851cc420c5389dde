//! Helpers shared by the reference tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::PathBuf;

pub fn data_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

pub fn json(rel: &str) -> Value {
    let text = std::fs::read_to_string(data_path(rel)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// CSV as header + rows of strings (the reference files have no quoting).
pub fn csv(rel: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(data_path(rel)).unwrap();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    let rows = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// One numeric column by name.
pub fn column(rel: &str, name: &str) -> Vec<f64> {
    let (h, rows) = csv(rel);
    let i = h.iter().position(|c| c == name).unwrap();
    rows.iter().map(|r| r[i].parse().unwrap()).collect()
}

pub fn f(v: &Value, path: &[&str]) -> f64 {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_f64()
        .unwrap_or_else(|| panic!("no number at {path:?}"))
}

/// |actual − expected| ≤ tol·|expected| (computed values: tol = 1e-9).
#[track_caller]
pub fn rel(actual: f64, expected: f64, tol: f64, what: &str) {
    let d = (actual - expected).abs();
    assert!(
        d <= tol * expected.abs(),
        "{what}: got {actual:.15e}, expected {expected:.15e} (rel diff {:.3e} > {tol:e})",
        d / expected.abs()
    );
}

/// A printed value with `dp` decimals: |actual − printed| ≤ half a unit of the last digit.
#[track_caller]
pub fn printed(actual: f64, printed: f64, dp: i32, what: &str) {
    let half = 0.5 * 10f64.powi(-dp);
    let d = (actual - printed).abs();
    assert!(
        d <= half * (1.0 + 1e-9),
        "{what}: got {actual}, printed {printed} ({dp} decimals): off by {d:e} > {half:e}"
    );
}

/// Number of decimals written in a CSV cell.
pub fn decimals(cell: &str) -> i32 {
    cell.split('.').nth(1).map_or(0, |d| d.len() as i32)
}
