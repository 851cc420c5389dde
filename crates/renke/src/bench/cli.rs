//! `renke bench cli`: what a command of the `renke` binary costs from the shell, measured
//! on this binary: its fixed start-up (`renke --version`, which loads the program and
//! parses the command line but does no work), the notice parser's patterns compiled
//! (`renke notice parse` of an empty text) and `renke notice parse` of a 1 MB notice text,
//! each run as a fresh process, in alternated rounds.

use super::fmt_ms;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(clap::Args, Debug)]
pub struct CliArgs {
    /// 通知文本 The notice text to parse; default: the demo's notice (市监检测函〔2024〕402号)
    /// repeated to 1 MB.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// 轮数 Rounds (each runs every command once).
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
}

pub fn run(args: CliArgs) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("找不到本程序 cannot find this program")?;
    let dir = std::env::temp_dir().join(format!("renke-bench-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = measure(&exe, &dir, &args);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(exe: &Path, dir: &Path, args: &CliArgs) -> anyhow::Result<()> {
    let file = match &args.file {
        Some(f) => f.clone(),
        None => {
            let mut text = String::with_capacity((1 << 20) + 64 * 1024);
            while text.len() < 1 << 20 {
                text.push_str(crate::demo::IMPORT_EXAMPLE);
                text.push('\n');
            }
            let f = dir.join("notice-1mb.txt");
            std::fs::write(&f, text)?;
            f
        }
    };
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "")?;
    let size = std::fs::metadata(&file)?.len();
    let file = file.to_string_lossy().into_owned();
    let empty = empty.to_string_lossy().into_owned();
    let commands: [(&str, Vec<&str>); 3] = [
        ("renke --version", vec!["--version"]),
        (
            "renke notice parse <空 empty>",
            vec!["notice", "parse", &empty],
        ),
        ("renke notice parse <file>", vec!["notice", "parse", &file]),
    ];
    println!(
        "程序 binary: {} ({:.1} MB); file: {file} ({:.2} MB); {} rounds",
        exe.display(),
        std::fs::metadata(exe)?.len() as f64 / 1e6,
        size as f64 / f64::from(1u32 << 20),
        args.rounds
    );
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); commands.len()];
    // One unmeasured round loads the binary into the page cache.
    let rounds = args.rounds.max(1);
    for round in 0..=rounds {
        for (i, (_, argv)) in commands.iter().enumerate() {
            let t = Instant::now();
            let status = Command::new(exe)
                .args(argv)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()?;
            let took = t.elapsed();
            if !status.success() {
                bail!("{} {} failed: {status}", exe.display(), argv.join(" "));
            }
            if round > 0 {
                times[i].push(took);
            }
        }
    }
    for ((label, _), t) in commands.iter().zip(&mut times) {
        t.sort();
        println!(
            "{label:<34} min {:>9}  median {:>9}",
            fmt_ms(t[0]),
            fmt_ms(t[t.len() / 2])
        );
    }
    println!("目标 target: parse of 1 MB < 100 ms, start-up included (median)");
    Ok(())
}
