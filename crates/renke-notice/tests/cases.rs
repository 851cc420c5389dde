//! Every `tests/cases/NAME.txt` must parse to its hand-written `NAME.expected.json`, field by
//! field. A failure lists each differing field path with expected and actual values.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

/// Differences between two JSON values, as `path: expected … actual …` lines.
fn diff(path: &str, exp: &Value, act: &Value, out: &mut Vec<String>) {
    match (exp, act) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{path}.{k}");
                match a.get(k) {
                    Some(av) => diff(&p, ev, av, out),
                    None => out.push(format!("{p}: missing in output")),
                }
            }
            for k in a.keys() {
                if !e.contains_key(k) {
                    out.push(format!("{path}.{k}: not in expected"));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} items, got {}\n    expected: {}\n    actual:   {}",
                    e.len(),
                    a.len(),
                    Value::Array(e.clone()),
                    Value::Array(a.clone())
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ if exp != act => out.push(format!("{path}:\n    expected: {exp}\n    actual:   {act}")),
        _ => {}
    }
}

fn case_names() -> std::io::Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(cases_dir())?
        .filter_map(|e| {
            let n = e.ok()?.file_name().into_string().ok()?;
            n.strip_suffix(".txt").map(String::from)
        })
        .collect();
    names.sort();
    Ok(names)
}

#[test]
fn there_are_enough_cases() {
    let names = case_names().unwrap();
    assert!(names.len() >= 22, "only {} cases", names.len());
    for n in &names {
        assert!(
            cases_dir().join(format!("{n}.expected.json")).exists(),
            "{n}.txt has no expected JSON"
        );
    }
}

#[test]
fn every_case_parses_to_its_expected_json() {
    let mut failures = Vec::new();
    for name in case_names().unwrap() {
        let text = fs::read_to_string(cases_dir().join(format!("{name}.txt"))).unwrap();
        let exp_text =
            fs::read_to_string(cases_dir().join(format!("{name}.expected.json"))).unwrap();
        let expected: Value =
            serde_json::from_str(&exp_text).unwrap_or_else(|e| panic!("{name}: {e}"));
        // the expected file must also be a valid Notice (shape check)
        let _: renke_notice::Notice =
            serde_json::from_value(expected.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let actual = serde_json::to_value(renke_notice::parse(&text).unwrap()).unwrap();
        let mut d = Vec::new();
        diff("", &expected, &actual, &mut d);
        if !d.is_empty() {
            failures.push(format!(
                "== {name} ({} differences)\n{}",
                d.len(),
                d.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n\n"));
}

/// The corpus of real notices (`corpus/dev`, tuned on; `corpus/holdout`, scored only when a
/// change is finished): at least 40 in all and 15 held back, each with its expected JSON (a
/// valid draft) and its source listed in the part's `sources.md`.
#[test]
fn the_real_notice_corpus_is_complete() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut total = 0;
    for (part, at_least) in [("dev", 25), ("holdout", 15)] {
        let dir = root.join(part);
        let sources = fs::read_to_string(dir.join("sources.md")).unwrap();
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".txt").map(String::from))
            .collect();
        names.sort();
        assert!(names.len() >= at_least, "{part}: only {}", names.len());
        for n in &names {
            let exp = fs::read_to_string(dir.join(format!("{n}.expected.json")))
                .unwrap_or_else(|e| panic!("{part}/{n}: {e}"));
            serde_json::from_str::<renke_notice::Notice>(&exp)
                .unwrap_or_else(|e| panic!("{part}/{n}.expected.json: {e}"));
            assert!(
                sources.contains(&format!("| {n} |")),
                "{part}/{n} has no row in sources.md"
            );
        }
        total += names.len();
    }
    assert!(total >= 40, "only {total} real notices");
}
