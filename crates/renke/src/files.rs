//! `renke files gc`: removes uploaded files no record needs any more (see
//! `renke_app::files::sweep`) and prints what it removed. The worker of every server does
//! the same every hour; the command is for operators (after a restore, before a backup).

use crate::backup::DbArgs;
use renke_domain::clock::Clock;
use renke_domain::file::human_size;
use renke_store::files::Sweep;

/// Uploaded files.
#[derive(clap::Args, Debug)]
pub struct FilesArgs {
    #[command(subcommand)]
    pub command: FilesCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum FilesCommand {
    /// 清理 Remove the file records nothing lists and the stored files no record names,
    /// older than the grace period, and print them.
    Gc(GcArgs),
}

#[derive(clap::Args, Debug)]
pub struct GcArgs {
    /// 宽限期（分钟）Keep whatever is younger than this many minutes (uploads in flight).
    #[arg(long, value_name = "MINUTES", default_value_t = 60)]
    pub grace_minutes: i64,
    #[command(flatten)]
    pub db: DbArgs,
}

pub async fn run(args: FilesArgs) -> anyhow::Result<()> {
    match args.command {
        FilesCommand::Gc(a) => {
            print!("{}", gc(&a, Clock::System).await?);
            Ok(())
        }
    }
}

/// Sweeps the configured file store at `clock`'s time and returns the report.
pub async fn gc(args: &GcArgs, clock: Clock) -> anyhow::Result<String> {
    if args.grace_minutes < 0 {
        anyhow::bail!("--grace-minutes 不能为负数 must not be negative");
    }
    let settings = args.db.settings()?;
    let files = settings.file_store()?;
    let (db, _) = args.db.open().await?;
    let app = renke_app::App::new(db.clone(), clock, settings.web.clone()).with_files(files);
    let done = renke_app::files::sweep(&app, chrono::Duration::minutes(args.grace_minutes)).await?;
    db.close().await;
    Ok(report(&done))
}

/// One line per object removed, then the totals, Chinese first.
pub fn report(done: &Sweep) -> String {
    let mut out = String::new();
    for o in &done.objects {
        out.push_str(&format!(
            "已删除 removed {} ({}, {})\n",
            o.path,
            human_size(o.size),
            o.modified.format("%Y-%m-%d %H:%M:%S UTC")
        ));
    }
    let bytes: u64 = done.objects.iter().map(|o| o.size).sum();
    out.push_str(&format!(
        "共删除 {} 个未被引用的文件记录、{} 个存储文件（{}）\
         removed {} unlisted file records and {} stored files ({})\n",
        done.rows,
        done.objects.len(),
        human_size(bytes),
        done.rows,
        done.objects.len(),
        human_size(bytes),
    ));
    out
}
