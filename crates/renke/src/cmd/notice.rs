//! `renke notice`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct NoticeArgs {}

pub fn run(_args: NoticeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("renke notice: not built yet")
}
