//! `cargo bench -p renke-notice`: time to parse 1 MB of notice text (the seeds, cases and web
//! pages of the development corpus repeated), as one text and as many separate notices, and
//! one text of ¼, 1 and 4 MB to show the time grows with the size and no faster. Prints
//! wall-clock milliseconds (best of seven) and, on Linux, the thread's on-CPU milliseconds
//! for the same run, which does not grow when other processes share the machine. Target:
//! under 100 ms per MB in a release build, and the same per MB at every size. Also prints
//! what compiling the patterns costs (`Parser::new`), the fixed cost of every parse.

use std::time::Instant;

const TEXTS: [&str; 7] = [
    include_str!("../tests/cases/seed_000_guangdong_relay.txt"),
    include_str!("../tests/cases/seed_002_shanghai_eight_activities.txt"),
    include_str!("../tests/cases/seed_000_reflowed_broken_lines.txt"),
    include_str!("../tests/cases/organizers_from_labels_only.txt"),
    include_str!("../corpus/dev/samr_wad_2022_oneline.txt"),
    include_str!("../corpus/dev/samr_open_day_2021_1453_spun.txt"),
    include_str!("../corpus/dev/cnca_ccc_catalog_2014_45_garbled.txt"),
];

/// `TEXTS` repeated, one after another, to at least `bytes`.
fn text_of(bytes: usize) -> String {
    let mut out = String::new();
    let mut k = 0;
    while out.len() < bytes {
        out.push_str(TEXTS[k % TEXTS.len()]);
        out.push('\n');
        k += 1;
    }
    out
}

/// Nanoseconds this thread has run on a CPU (`/proc/thread-self/schedstat`), if available.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn measure(f: impl Fn()) -> (f64, Option<f64>) {
    let mut best_wall = f64::MAX;
    let mut best_cpu: Option<f64> = None;
    for _ in 0..7 {
        let c0 = cpu_ns();
        let t = Instant::now();
        f();
        let wall = t.elapsed().as_secs_f64() * 1e3;
        let cpu = match (c0, cpu_ns()) {
            (Some(a), Some(b)) => Some((b - a) as f64 / 1e6),
            _ => None,
        };
        best_wall = best_wall.min(wall);
        best_cpu = match (best_cpu, cpu) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
    }
    (best_wall, best_cpu)
}

fn main() {
    let parser = match renke_notice::Parser::new() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let big = text_of(1 << 20);
    let mb = big.len() as f64 / f64::from(1u32 << 20);
    let one = measure(|| {
        std::hint::black_box(parser.parse(&big));
    });
    let many = measure(|| {
        let mut bytes = 0;
        let mut i = 0;
        while bytes < big.len() {
            let s = TEXTS[i % TEXTS.len()];
            std::hint::black_box(parser.parse(s));
            bytes += s.len();
            i += 1;
        }
    });
    let show = |label: &str, (wall, cpu): (f64, Option<f64>)| {
        let cpu = cpu.map_or_else(String::new, |c| format!(", {c:.1} ms on CPU"));
        println!("renke-notice parse {mb:.2} MB {label}: {wall:.1} ms wall{cpu}");
    };
    show("as one text", one);
    show("as separate notices", many);
    // The fixed cost of every command that parses: compiling the patterns.
    let (wall, cpu) = measure(|| {
        std::hint::black_box(renke_notice::Parser::new().is_ok());
    });
    let cpu = cpu.map_or_else(String::new, |c| format!(", {c:.1} ms on CPU"));
    println!("renke-notice Parser::new (the patterns compiled): {wall:.1} ms wall{cpu}");
    // Linear: the time per MB of one text stays the same from ¼ MB to 4 MB.
    let mut per_mb = Vec::new();
    for bytes in [1 << 18, 1 << 20, 1 << 22] {
        let t = text_of(bytes);
        let size = t.len() as f64 / f64::from(1u32 << 20);
        let (wall, cpu) = measure(|| {
            std::hint::black_box(parser.parse(&t));
        });
        let cpu = cpu.map_or_else(String::new, |c| format!(", {:.1} ms/MB on CPU", c / size));
        println!(
            "renke-notice parse {size:.2} MB as one text: {wall:.1} ms wall = {:.1} ms/MB{cpu}",
            wall / size
        );
        per_mb.push(wall / size);
    }
    let spread = per_mb.iter().copied().fold(f64::MIN, f64::max)
        / per_mb.iter().copied().fold(f64::MAX, f64::min);
    println!("largest / smallest ms per MB from ¼ to 4 MB: {spread:.2} (linear: near 1)");
    let worst = one.0.max(many.0);
    println!(
        "target < 100 ms per MB (wall): {}",
        if worst < 100.0 * mb {
            "met"
        } else {
            "NOT met (is the machine busy? compare the CPU time)"
        }
    );
}
