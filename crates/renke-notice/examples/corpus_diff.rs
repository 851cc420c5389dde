//! Tuning aid for the development corpus: `cargo run -p renke-notice --example corpus_diff --
//! DIR [NAME…]` prints each case's F1 (worst first) and, for the named cases (or every case
//! below 1.0 with `--all`), the fields that differ. Never point it at the held-back part
//! while tuning; `renke notice score` reports that one.

use renke_notice::Notice;
use renke_notice::score::{Score, score};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: corpus_diff DIR [NAME…|--all]")?;
    let wanted: Vec<String> = args.collect();
    let all = wanted.iter().any(|w| w == "--all");
    let mut rows = Vec::new();
    let mut total = Score::default();
    let mut names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".txt").map(str::to_owned))
        .collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(Path::new(&dir).join(format!("{name}.txt")))?;
        let exp: Notice = serde_json::from_str(&std::fs::read_to_string(
            Path::new(&dir).join(format!("{name}.expected.json")),
        )?)
        .map_err(|e| format!("{name}: {e}"))?;
        let got = renke_notice::parse(&text)?;
        let s = score(&exp, &got);
        total.merge(&s);
        let f1 = s.overall().f1();
        if wanted.contains(&name) || (all && f1 < 1.0) {
            println!("=== {name} (F1 {f1:.3})");
            for (field, c) in &s.fields {
                if c.fp + c.fn_ > 0 {
                    println!("  {field}: tp {} fp {} fn {}", c.tp, c.fp, c.fn_);
                }
            }
            let e = serde_json::to_value(&exp)?;
            let g = serde_json::to_value(&got)?;
            for k in [
                "issuer",
                "document_number",
                "title",
                "recipients",
                "issue_date",
                "relayed",
                "attachments",
                "deadlines",
                "contacts",
                "activities",
                "themes",
                "cc",
                "publication",
            ] {
                if e[k] != g[k] {
                    println!("  {k}\n    expected {}\n    got      {}", e[k], g[k]);
                }
            }
        }
        rows.push((f1, name));
    }
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (f1, name) in &rows {
        println!("{f1:.3}  {name}");
    }
    let o = total.overall();
    println!(
        "overall micro-F1 {:.3} (P {:.3} R {:.3}) over {} cases",
        o.f1(),
        o.precision(),
        o.recall(),
        rows.len()
    );
    for (field, c) in &total.fields {
        println!(
            "  {field:<28} F1 {:.3}  tp {} fp {} fn {}",
            c.f1(),
            c.tp,
            c.fp,
            c.fn_
        );
    }
    Ok(())
}
