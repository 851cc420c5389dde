//! `cargo bench -p renke-notice`: time to parse 1 MB of notice text (the two seeds and their
//! variants repeated), printed in milliseconds. Target: under 100 ms in a release build.

use std::time::Instant;

const TEXTS: [&str; 4] = [
    include_str!("../tests/cases/seed_000_guangdong_relay.txt"),
    include_str!("../tests/cases/seed_002_shanghai_eight_activities.txt"),
    include_str!("../tests/cases/seed_000_reflowed_broken_lines.txt"),
    include_str!("../tests/cases/organizers_from_labels_only.txt"),
];

fn main() {
    let parser = match renke_notice::Parser::new() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    // one notice of 1 MB: the seeds' paragraphs repeated (many activities, deadlines, contacts)
    let mut big = String::new();
    let mut k = 0;
    while big.len() < 1 << 20 {
        big.push_str(TEXTS[k % TEXTS.len()]);
        big.push('\n');
        k += 1;
    }
    // and the same megabyte as many separate notices
    let mut best_one = f64::MAX;
    let mut best_many = f64::MAX;
    let mut activities = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let n = parser.parse(&big);
        best_one = best_one.min(t.elapsed().as_secs_f64() * 1e3);
        activities = n.activities.len();

        let t = Instant::now();
        let mut count = 0;
        let mut bytes = 0;
        while bytes < big.len() {
            let s = TEXTS[count % TEXTS.len()];
            let n = parser.parse(s);
            std::hint::black_box(&n);
            bytes += s.len();
            count += 1;
        }
        best_many = best_many.min(t.elapsed().as_secs_f64() * 1e3);
    }
    let mb = big.len() as f64 / (1u64 << 20) as f64;
    println!(
        "renke-notice parse: {mb:.2} MB as one text: {best_one:.1} ms ({activities} activities)"
    );
    println!("renke-notice parse: {mb:.2} MB as separate notices: {best_many:.1} ms");
    println!(
        "target < 100 ms per MB: {}",
        if best_one.max(best_many) < 100.0 * mb {
            "met"
        } else {
            "NOT met"
        }
    );
}
