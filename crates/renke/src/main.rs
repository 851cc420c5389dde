//! The `renke` binary: every command of the platform.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;

#[derive(Parser)]
#[command(
    name = "renke",
    version,
    about = "Renke (认可): conformity-assessment campaigns"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Proficiency-testing statistics (ISO 13528:2022, CNAS-GL002).
    Pt(cmd::pt::PtArgs),
    /// Parse the text of an official notice into a structured draft.
    Notice(cmd::notice::NoticeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
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
