//! `renke pt`.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct PtArgs {}

pub fn run(_args: PtArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("renke pt: not built yet")
}
