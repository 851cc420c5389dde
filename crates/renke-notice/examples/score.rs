//! Aggregate score of a corpus directory: `cargo run -p renke-notice --release --example score
//! -- DIR`. Uses the same scoring function as `renke notice score` but prints only the overall
//! micro-F1 and the per-field figures, never a per-case line (so it is the one to point at the
//! held-back part without building the `renke` binary).

use renke_notice::Notice;
use renke_notice::score::{Counts, Score, score};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: score DIR")?;
    let mut names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".txt").map(str::to_owned))
        .collect();
    names.sort();
    let mut total = Score::default();
    for name in &names {
        let text = std::fs::read_to_string(Path::new(&dir).join(format!("{name}.txt")))?;
        let exp: Notice = serde_json::from_str(&std::fs::read_to_string(
            Path::new(&dir).join(format!("{name}.expected.json")),
        )?)?;
        let got = renke_notice::parse(&text)?;
        total.merge(&score(&exp, &got));
    }
    let line = |f: &str, c: Counts| {
        println!(
            "{:<40} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6} {:>6}",
            f,
            c.precision(),
            c.recall(),
            c.f1(),
            c.tp,
            c.fp,
            c.fn_
        );
    };
    println!(
        "{:<40} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "field", "P", "R", "F1", "TP", "FP", "FN"
    );
    for (f, c) in &total.fields {
        line(f, *c);
    }
    line("overall (micro)", total.overall());
    println!("{} cases", names.len());
    Ok(())
}
