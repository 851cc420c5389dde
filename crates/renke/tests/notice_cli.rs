//! `renke notice parse` and `renke notice score`, run as the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../renke-notice/tests/cases")
}

fn renke(args: &[&str]) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_renke"))
        .args(args)
        .output()
    {
        Ok(o) => o,
        Err(e) => Output {
            status: std::os::unix::process::ExitStatusExt::from_raw(127 << 8),
            stdout: Vec::new(),
            stderr: format!("cannot run renke: {e}").into_bytes(),
        },
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn parse_json_reproduces_the_seed_expectation() {
    for name in [
        "seed_000_guangdong_relay",
        "seed_002_shanghai_eight_activities",
    ] {
        let file = cases().join(format!("{name}.txt"));
        let o = renke(&[
            "notice",
            "parse",
            file.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let exp: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(cases().join(format!("{name}.expected.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(got, exp, "{name}");
    }
}

#[test]
fn parse_table_has_bilingual_labels() {
    let file = cases().join("seed_000_guangdong_relay.txt");
    let o = renke(&[
        "notice",
        "parse",
        file.to_str().unwrap(),
        "--format",
        "table",
    ]);
    assert!(o.status.success());
    let s = stdout(&o);
    for needle in [
        "发文字号 Document number",
        "粤市监认监〔2022〕253号",
        "主办 Host",
        "调试 Test run",
        "附带通知 Attached notice 1",
        "市监认证函〔2022〕764号",
    ] {
        assert!(s.contains(needle), "missing {needle} in\n{s}");
    }
}

#[test]
fn parse_missing_file_fails_with_a_message() {
    let o = renke(&["notice", "parse", "/nonexistent/notice.txt"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/notice.txt"));
}

/// CI threshold on the repository's cases.
#[test]
fn score_passes_on_the_cases_with_min_0_95() {
    let o = renke(&[
        "notice",
        "score",
        cases().to_str().unwrap(),
        "--min",
        "0.95",
    ]);
    let s = stdout(&o);
    assert!(
        o.status.success(),
        "{s}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(s.contains("总体 overall (micro)"));
    assert!(s.contains("activities.organizers.undertaker"));
    assert!(s.contains("seed_000_guangdong_relay"));
}

#[test]
fn score_fails_below_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(cases().join("next_year_deadline.txt")).unwrap();
    let mut exp: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cases().join("next_year_deadline.expected.json")).unwrap(),
    )
    .unwrap();
    // a wrong expectation: the parser cannot agree with it
    exp["title"] = serde_json::Value::String("不是这个标题".into());
    exp["deadlines"][0]["date"] = serde_json::Value::String("2022-01-31".into());
    std::fs::write(dir.path().join("case.txt"), text).unwrap();
    std::fs::write(dir.path().join("case.expected.json"), exp.to_string()).unwrap();
    let d = dir.path().to_str().unwrap();

    let o = renke(&["notice", "score", d, "--min", "0.99"]);
    assert!(!o.status.success(), "{}", stdout(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--min"));
    let s = stdout(&o);
    let title_line = s.lines().find(|l| l.starts_with("title ")).unwrap();
    assert!(title_line.contains("0.000"), "{title_line}");

    let o = renke(&["notice", "score", d]);
    assert!(o.status.success());
}
