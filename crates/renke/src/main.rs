//! The `renke` binary: every command of the platform. The commands live in the library
//! (`lib.rs`) so tests can call them; this file parses the command line and dispatches.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;

/// mimalloc returns large freed blocks (argon2id's 19 MiB per password check) to the
/// operating system; glibc's malloc keeps them in per-thread arenas, which under a login
/// storm grew the server past a gigabyte.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "renke",
    version,
    about = "认可 Renke: conformity-assessment campaigns"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 运行服务 Run the web server.
    Serve(renke::serve::ServeArgs),
    /// 后台任务进程 Run only the job worker (e-mail, 催办 reminders), e.g. beside several web servers.
    Worker(renke::serve::ServeArgs),
    /// 演示 Build a fresh demo database from the seeds and serve it.
    Demo(renke::demo::DemoArgs),
    /// 数据库迁移 Apply pending migrations to a database.
    Migrate(renke::backup::MigrateArgs),
    /// 备份 Back up the database to a file (SQLite: VACUUM INTO; PostgreSQL: COPY-based logical dump).
    Backup(renke::backup::BackupArgs),
    /// 恢复 Restore a backup into an empty, migrated database.
    Restore(renke::backup::RestoreArgs),
    /// 导入 Import organisations or accounts from xlsx/CSV (dry run unless --apply).
    Import(renke::import::ImportArgs),
    /// 账号管理 Create accounts from the command line.
    Admin(renke::admin::AdminArgs),
    /// 上传文件 Uploaded files: `renke files gc` removes those no record needs.
    Files(renke::files::FilesArgs),
    /// 检索 The search index: `renke search reindex` rebuilds it from the data.
    Search(renke::search::SearchArgs),
    /// 性能测试 National-scale data, load test, permission-check timing.
    Bench(renke::bench::BenchArgs),
    /// Proficiency-testing statistics (ISO 13528:2022, CNAS-GL002).
    Pt(cmd::pt::PtArgs),
    /// Parse the text of an official notice into a structured draft.
    Notice(cmd::notice::NoticeArgs),
}

fn block_on<F>(f: F) -> anyhow::Result<ExitCode>
where
    F: std::future::Future<Output = anyhow::Result<()>>,
{
    renke::runtime()?.block_on(f)?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(a) => block_on(renke::serve::run(a)),
        Command::Worker(a) => block_on(renke::serve::worker(a)),
        Command::Demo(a) => block_on(renke::demo::run(a)),
        Command::Migrate(a) => block_on(renke::backup::migrate(a)),
        Command::Backup(a) => block_on(renke::backup::backup(a)),
        Command::Restore(a) => block_on(renke::backup::restore(a)),
        Command::Import(a) => renke::runtime().and_then(|rt| rt.block_on(renke::import::run(a))),
        Command::Admin(a) => block_on(renke::admin::run(a)),
        Command::Files(a) => block_on(renke::files::run(a)),
        Command::Search(a) => block_on(renke::search::run(a)),
        Command::Bench(a) => block_on(renke::bench::run(a)),
        Command::Pt(args) => cmd::pt::run(args),
        Command::Notice(args) => cmd::notice::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
