//! `renke pt` run as a program on reference files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
        .display()
        .to_string()
}

fn renke(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_renke"))
        .args(args)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[track_caller]
fn rel(actual: &Value, expected: f64, tol: f64) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {actual}"));
    assert!(
        (a - expected).abs() <= tol * expected.abs(),
        "got {a}, expected {expected}"
    );
}

#[track_caller]
fn printed(actual: &Value, printed: f64, dp: i32) {
    let a = actual.as_f64().unwrap();
    assert!(
        (a - printed).abs() <= 0.5 * 10f64.powi(-dp) * (1.0 + 1e-9),
        "got {a}, printed {printed}"
    );
}

/// E.4 with the reference value (x_pt 0.044, u 0.0041) and σpt 0.0066: every score of Table E.6
/// for two laboratories, the switch to z′, and the statistics of E.7 (Algorithm A).
#[test]
fn evaluate_json_on_e4() {
    let out = renke(&[
        "pt",
        "evaluate",
        &data("e4_mercury.csv"),
        "--assigned",
        "reference:0.044:0.0041",
        "--sigma-pt",
        "fixed:0.0066",
        "--format",
        "json",
    ]);
    let j = json_of(&out);
    assert_eq!(j["n"], 21);
    rel(&j["assigned_value"], 0.044, 1e-15);
    rel(&j["u_assigned"], 0.0041, 1e-15);
    rel(&j["sigma_pt"], 0.0066, 1e-15);
    assert_eq!(j["u_negligible"], false);
    let st = &j["statistics"];
    rel(&st["algorithm_a"]["mean"], 0.03160952380952381, 1e-9);
    rel(&st["algorithm_a"]["sd"], 0.016446554305507278, 1e-9);
    assert_eq!(st["algorithm_a"]["iterations"], 3);
    rel(&st["median"], 0.039, 1e-12);
    rel(&st["made"], 0.014830000000000005, 1e-9);
    rel(&st["niqr"], 0.020756399999999998, 1e-9);
    rel(&st["q_hampel"]["mean"], 0.03214358011934861, 1e-9);
    rel(&st["q_hampel"]["sd"], 0.010076938475710638, 1e-9);
    rel(&st["qn"], 0.010153720798099305, 1e-9);
    assert!(st["mean"].is_number() && st["sd"].is_number());
    let ps = j["participants"].as_array().unwrap();
    assert_eq!(ps.len(), 21);
    let l04 = &ps[0];
    assert_eq!(l04["participant"], "L04");
    printed(&l04["z"], -4.70, 2);
    printed(&l04["z_prime"], -3.99, 2);
    printed(&l04["zeta"], -7.10, 2);
    printed(&l04["en"], -3.55, 2);
    assert_eq!(l04["class"], "unsatisfactory");
    assert_eq!(l04["score_used"], "z_prime");
    let l12 = ps.iter().find(|p| p["participant"] == "L12").unwrap();
    printed(&l12["z_prime"], -2.59, 2);
    assert_eq!(l12["class"], "questionable");
    let l23 = ps.iter().find(|p| p["participant"] == "L23").unwrap();
    printed(&l23["zeta"], -7.35, 2); // k = 1.732 from the file
    printed(&l23["en"], -3.69, 2);
    let m = &j["method"];
    assert_eq!(m["assigned"], "reference:0.044:0.0041");
    assert_eq!(m["sigma_pt"], "fixed:0.0066");
    assert_eq!(m["quartile_rule"], "linear");
    assert_eq!(m["stop"], "converge");
    assert_eq!(m["factor"], "1.134");
    assert_eq!(m["log10"], "false");
    assert!(m["boundaries"].as_str().unwrap().contains("|z| ≤ 2"));
}

/// E.3 with the default consensus (Algorithm A) and σpt = robust s*: Table E.5 figures.
#[test]
fn evaluate_json_on_e3_defaults_and_options() {
    let j = json_of(&renke(&[
        "pt",
        "evaluate",
        &data("e3_atrazine.csv"),
        "--format",
        "json",
    ]));
    assert_eq!(j["n"], 34);
    printed(&j["assigned_value"], 0.2570, 4);
    printed(&j["u_assigned"], 0.0085, 4);
    printed(&j["sigma_pt"], 0.0395, 4);
    rel(&j["statistics"]["niqr"], 0.04023405749999997, 1e-9);
    rel(
        &j["statistics"]["algorithm_a"]["mean"],
        0.25701103928162233,
        1e-9,
    );
    assert_eq!(j["statistics"]["algorithm_a"]["iterations"], 26);
    let j = json_of(&renke(&[
        "pt",
        "evaluate",
        &data("e3_atrazine.csv"),
        "--assigned",
        "median",
        "--quartile",
        "n-plus-1",
        "--format",
        "json",
    ]));
    rel(&j["statistics"]["niqr"], 0.042254099999999975, 1e-9);
    assert_eq!(j["method"]["quartile_rule"], "n-plus-1");
    printed(&j["assigned_value"], 0.2620, 4);
    let j = json_of(&renke(&[
        "pt",
        "evaluate",
        &data("e3_atrazine.csv"),
        "--stop",
        "three-figures",
        "--format",
        "json",
    ]));
    assert_eq!(j["statistics"]["algorithm_a"]["iterations"], 6);
    rel(
        &j["statistics"]["algorithm_a"]["sd"],
        0.03950387239872184,
        1e-9,
    );
    assert_eq!(j["method"]["stop"], "three-figures");
    let j = json_of(&renke(&[
        "pt",
        "evaluate",
        &data("e3_atrazine.csv"),
        "--assigned",
        "q-hampel",
        "--log10",
        "--factor",
        "exact",
        "--format",
        "json",
    ]));
    assert_eq!(j["method"]["log10"], "true");
    assert_eq!(j["method"]["factor"], "exact");
    rel(&j["participants"][0]["value"], 0.04f64.log10(), 1e-12);
}

#[test]
fn evaluate_table_is_chinese_first() {
    let out = renke(&["pt", "evaluate", &data("e3_atrazine.csv")]);
    assert!(out.status.success());
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("指定值 assigned value"));
    assert!(s.contains("满意 satisfactory"));
    assert!(s.contains("quartile_rule: linear"));
}

#[test]
fn bad_rows_are_refused_with_row_numbers() {
    let out = renke(&["pt", "evaluate", &data("bad_rows.csv"), "--format", "json"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(e.contains("row 3: value 'abc'"), "{e}");
    assert!(e.contains("row 4: participant 为空 is empty"), "{e}");
    assert!(
        e.contains("row 5: participant 'L01' 重复 repeats row 2"),
        "{e}"
    );
    assert!(e.contains("row 6: uncertainty -0.2"), "{e}");
    assert!(e.contains("row 7: k 0"), "{e}");
    assert!(e.contains("5 problem(s)"), "{e}");
}

#[test]
fn bad_options_are_refused() {
    for args in [
        ["--assigned", "mode"],
        ["--sigma-pt", "rsd:abc"],
        ["--quartile", "type9"],
    ] {
        let mut a = vec!["pt", "evaluate"];
        let f = data("e3_atrazine.csv");
        a.push(&f);
        a.extend(args);
        assert!(!renke(&a).status.success(), "{args:?}");
    }
}

/// E.2 homogeneity, σpt = 15 % of the general mean.
#[test]
fn homogeneity_json_on_e2() {
    let j = json_of(&renke(&[
        "pt",
        "homogeneity",
        &data("e2_homogeneity.csv"),
        "--sigma-pt",
        "rsd:15",
        "--format",
        "json",
    ]));
    assert_eq!(j["g"], 10);
    assert_eq!(j["m"], 2);
    rel(&j["s_x"], 0.0039794611583870414, 1e-9);
    rel(&j["s_w"], 0.005563272418280455, 1e-9);
    rel(&j["s_s"], 0.0006009252125773261, 1e-9);
    rel(&j["criterion"], 0.00842175, 1e-9);
    rel(&j["expanded_criterion"], 0.01282957560950042, 1e-9);
    rel(&j["f_statistic"], 1.0233351283432055, 1e-9);
    assert_eq!(j["sufficient"], true);
    rel(&j["cochran"]["c"], 0.16155088852988692, 1e-9);
    let t = renke(&[
        "pt",
        "homogeneity",
        &data("e2_homogeneity.csv"),
        "--sigma-pt",
        "0.02807",
    ]);
    let s = String::from_utf8(t.stdout).unwrap();
    assert!(
        s.contains("样品间标准差 s_s") && s.contains("通过 pass"),
        "{s}"
    );
}

/// E.2 stability: mean 0.19375, difference 0.0066 < 0.3 σpt.
#[test]
fn stability_json_on_e2() {
    let j = json_of(&renke(&[
        "pt",
        "stability",
        &data("e2_stability.csv"),
        "--homogeneity",
        &data("e2_homogeneity.csv"),
        "--sigma-pt",
        "0.02807",
        "--format",
        "json",
    ]));
    printed(&j["mean_2"], 0.19375, 5);
    printed(&j["difference"], 0.0066, 4);
    assert_eq!(j["stable"], true);
    rel(&j["t_test"]["t"], 4.505238990196684, 1e-9);
}

#[test]
fn run_combines_the_round() {
    let j = json_of(&renke(&[
        "pt",
        "run",
        &data("e3_atrazine.csv"),
        "--homogeneity",
        &data("e2_homogeneity.csv"),
        "--stability",
        &data("e2_stability.csv"),
        "--format",
        "json",
    ]));
    assert_eq!(j["evaluation"]["n"], 34);
    assert_eq!(j["homogeneity"]["g"], 10);
    assert!(j["stability"]["difference"].is_number());
}

/// A 1 KB xlsx with cells at A1 and XFD1048576 (the last cell a sheet can have) is refused
/// with a message naming the sheet and the limit — not read into a grid of 17 billion
/// cells, which aborted the process with a 512 GiB allocation.
#[test]
fn evaluate_refuses_a_sheet_reaching_its_last_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("结果").unwrap();
    sheet.write_string(0, 0, "result").unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    book.save(&path).unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 10_000);
    let out = renke(&["pt", "evaluate", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a clean error, not an abort: {err}"
    );
    assert!(
        err.contains("结果") && err.contains("20000") && err.contains("1048576"),
        "{err}"
    );
}
