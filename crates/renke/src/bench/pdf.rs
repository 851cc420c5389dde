//! `renke bench pdf`: how long the notice PDF takes to render — the first render in a fresh
//! process (fonts parsed, typst's caches empty) and then warm renders of the same document.

use super::fmt_ms;
use renke_render::pdf::{self, PdfRenderer};
use std::path::PathBuf;
use std::time::Instant;

/// Time rendering the 764号 notice (and the other sample documents) to PDF.
#[derive(clap::Args, Debug)]
pub struct PdfArgs {
    /// 预热后的渲染次数 Warm renders after the first.
    #[arg(long, default_value_t = 10)]
    pub rounds: usize,
    /// 额外字体目录 Extra font directory, as `font_dir` in the configuration.
    #[arg(long)]
    pub font_dir: Option<PathBuf>,
    /// 把样例 PDF 写入此目录 Write the sample PDFs into this directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: PdfArgs) -> anyhow::Result<()> {
    let start = Instant::now();
    let renderer = PdfRenderer::new(args.font_dir.as_deref())?;
    let setup = start.elapsed();
    let docs = pdf::demo::notices();
    let notice = docs
        .first()
        .ok_or_else(|| anyhow::anyhow!("no demo notice"))?;

    let start = Instant::now();
    let first = renderer.notice(notice)?;
    let cold = start.elapsed();

    let mut warm = Vec::with_capacity(args.rounds);
    for _ in 0..args.rounds {
        let start = Instant::now();
        let pdf = renderer.notice(notice)?;
        warm.push(start.elapsed());
        std::hint::black_box(pdf);
    }
    warm.sort();
    let median = warm.get(warm.len() / 2).copied().unwrap_or_default();
    let max = warm.last().copied().unwrap_or_default();

    println!(
        "{} · {} 页 pages, {} KB, {} 个字体 font faces known",
        renke_domain::notice::doc_or_title(notice.doc_number.as_deref(), &notice.title),
        first.pages,
        first.bytes.len() / 1024,
        renderer.fonts().len()
    );
    println!("字体加载 font setup:      {}", fmt_ms(setup));
    println!("首次渲染 first render:    {}", fmt_ms(cold));
    println!(
        "预热后 warm ({} renders): median {}, max {}",
        warm.len(),
        fmt_ms(median),
        fmt_ms(max)
    );

    // A different document after warm-up: shares fonts and layout caches, not the text.
    let other = docs.get(1).unwrap_or(notice);
    let start = Instant::now();
    let second = renderer.notice(other)?;
    println!(
        "{} (另一份 another notice): {}",
        renke_domain::notice::doc_or_title(other.doc_number.as_deref(), &other.title),
        fmt_ms(start.elapsed())
    );
    let start = Instant::now();
    let cert = renderer.certificate(&pdf::demo::certificate())?;
    println!("参加证明 certificate:     {}", fmt_ms(start.elapsed()));
    let start = Instant::now();
    let report = renderer.report(&pdf::demo::report())?;
    println!("汇总报告 report:          {}", fmt_ms(start.elapsed()));

    if let Some(dir) = args.out {
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in [
            ("notice-764.pdf", &first.bytes),
            ("notice-253.pdf", &second.bytes),
            ("certificate.pdf", &cert.bytes),
            ("report.pdf", &report.bytes),
        ] {
            std::fs::write(dir.join(name), bytes)?;
        }
        println!("已写入 written to {}", dir.display());
    }
    Ok(())
}
