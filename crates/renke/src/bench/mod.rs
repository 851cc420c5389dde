//! `renke bench`: national-scale synthetic data, a load driver for a running server, a
//! micro-benchmark of the permission check, and PDF rendering times.

pub mod audit;
pub mod cli;
pub mod r#gen;
pub mod load;
pub mod pages;
pub mod pdf;
pub mod perm;
pub mod pt;
pub mod register;
pub mod search;
pub mod tasks;
pub mod tree;

use std::time::Duration;

/// Benchmarks at national scale.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum BenchCommand {
    /// 生成全国规模的合成数据 Build a synthetic national tree and accounts in an empty database.
    Gen(r#gen::GenArgs),
    /// 压力测试 Drive a running server with concurrent clients (login, tree page, API read).
    Load(load::LoadArgs),
    /// 页面并列 Pages side by side against a running server: static file, public campaign
    /// page, province tree, national root, task dashboard (req/s, p50/p99, ratio to static).
    Pages(pages::PagesArgs),
    /// 浸泡 A mixed page load for a set number of requests, the server's memory as it goes.
    Soak(pages::SoakArgs),
    /// 权限检查耗时 Time the subtree permission check on the paths of the synthetic tree.
    Perm(perm::PermArgs),
    /// 报送任务压测 Issue a task to every lab, time its dashboard and a submission rush.
    Tasks(tasks::TasksArgs),
    /// 并发报名 Many registrations at once for one session with limited places.
    Register(register::RegisterArgs),
    /// PDF 渲染耗时 Time rendering the 764号 notice PDF, first and warm.
    Pdf(pdf::PdfArgs),
    /// 能力验证整轮 A PT round of many labs through the platform: import, evaluation (beside
    /// pt13528), release, letters.
    Pt(pt::PtArgs),
    /// 检索 Index 100,000 notices and materials; time two-word queries (p50/p99) and the
    /// indexing per item, on SQLite and (`--postgres-url`) PostgreSQL side by side.
    Search(search::SearchBenchArgs),
    /// 命令行开销 The command line's own cost: start-up, and `renke notice parse` of 1 MB,
    /// each a fresh process.
    Cli(cli::CliArgs),
    /// 审计成本 What the audit trail costs a write: the same writes with and without its
    /// triggers, alternated (SQLite; `--postgres-url` PostgreSQL too).
    Audit(audit::AuditBenchArgs),
}

/// The `p`-th percentile (0–100) of sorted durations, by nearest rank; zero when empty.
pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Milliseconds, as a number.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Milliseconds for printing, e.g. `12.3 ms`.
pub(crate) fn fmt_ms(d: Duration) -> String {
    format!("{:.1} ms", ms(d))
}

/// Seconds for printing, e.g. `1.234 s`.
pub(crate) fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    // Quiet unless asked: RUST_LOG=sqlx::query=debug shows every statement with its time.
    crate::serve::init_tracing("warn");
    match args.command {
        BenchCommand::Gen(a) => r#gen::run(a).await,
        BenchCommand::Load(a) => load::run(a).await,
        BenchCommand::Pages(a) => pages::run_pages(a).await,
        BenchCommand::Soak(a) => pages::run_soak(a).await,
        BenchCommand::Perm(a) => perm::run(a),
        BenchCommand::Tasks(a) => tasks::run(a).await,
        BenchCommand::Register(a) => register::run(a).await,
        BenchCommand::Pdf(a) => pdf::run(a),
        BenchCommand::Pt(a) => pt::run(a).await,
        BenchCommand::Search(a) => search::run(a).await,
        BenchCommand::Audit(a) => audit::run(a).await,
        BenchCommand::Cli(a) => cli::run(a),
    }
}

/// Deterministic pseudo-random numbers (SplitMix64): the same seed gives the same tree.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
