//! `cargo bench -p renke-notice`: time to parse 1 MB of notice text (the seeds and cases
//! repeated), as one text and as many separate notices. Prints wall-clock milliseconds (best of
//! seven) and, on Linux, the thread's on-CPU milliseconds for the same run, which does not grow
//! when other processes share the machine. Target: under 100 ms per MB in a release build.

use std::time::Instant;

const TEXTS: [&str; 4] = [
    include_str!("../tests/cases/seed_000_guangdong_relay.txt"),
    include_str!("../tests/cases/seed_002_shanghai_eight_activities.txt"),
    include_str!("../tests/cases/seed_000_reflowed_broken_lines.txt"),
    include_str!("../tests/cases/organizers_from_labels_only.txt"),
];

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
    let mut big = String::new();
    let mut k = 0;
    while big.len() < 1 << 20 {
        big.push_str(TEXTS[k % TEXTS.len()]);
        big.push('\n');
        k += 1;
    }
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
