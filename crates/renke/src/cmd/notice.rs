//! `renke notice`: parse the text of an official notice into a structured draft, and score the
//! parser against hand-written expectations.

use anyhow::{Context, bail};
use renke_notice::score::{Counts, Score};
use renke_notice::{Activity, Notice};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct NoticeArgs {
    #[command(subcommand)]
    command: NoticeCommand,
}

#[derive(clap::Subcommand)]
enum NoticeCommand {
    /// Parse a notice (UTF-8 text, as pasted or extracted from a PDF) and print the draft.
    Parse {
        /// The notice text file; `-` reads standard input.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
    },
    /// Score the parser on a directory of NAME.txt / NAME.expected.json pairs: per-field
    /// precision, recall and F1 (micro-averaged over all cases). Matching rules: single values
    /// must be equal; lists are multisets of exact strings; themes are (text, scope) pairs;
    /// contacts are whole tuples, plus per-attribute multisets; activities pair by title (then
    /// by order) and deadlines by date (then by order), and their fields count as
    /// `activities.<field>` / `deadlines.<field>`; attached notices pair in order and add to
    /// the same fields; warnings are not scored.
    Score {
        /// Directory with NAME.txt and NAME.expected.json files.
        dir: PathBuf,
        /// Exit non-zero when the overall (micro-averaged) F1 is below this value.
        #[arg(long, value_name = "F1")]
        min: Option<f64>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Json,
    Table,
}

pub fn run(args: NoticeArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        NoticeCommand::Parse { file, format } => parse(&file, format),
        NoticeCommand::Score { dir, min } => score(&dir, min),
    }
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .context("读取标准输入 reading standard input")?;
        return Ok(s);
    }
    let bytes =
        std::fs::read(path).with_context(|| format!("读取文件 reading {}", path.display()))?;
    String::from_utf8(bytes)
        .with_context(|| format!("{} 不是 UTF-8 文本 is not UTF-8 text", path.display()))
}

fn parse(file: &Path, format: Format) -> anyhow::Result<ExitCode> {
    let text = read_text(file)?;
    let notice = renke_notice::parse(&text)?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&notice)?),
        Format::Table => print!("{}", table(&notice, "")),
    }
    Ok(ExitCode::SUCCESS)
}

/// Pad to a display width, counting CJK characters as two columns.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s
        .chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w).max(1)))
}

fn or_dash(v: Option<&str>) -> &str {
    v.unwrap_or("—")
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "—".to_string()
    } else {
        v.join("；")
    }
}

/// A readable table: zh-CN label first, English alongside.
fn table(n: &Notice, indent: &str) -> String {
    let mut o = String::new();
    let mut row = |label: &str, value: &str| {
        let _ = writeln!(o, "{indent}{}{value}", pad(label, 30));
    };
    row("发文机关 Issuer", &list(&n.issuer));
    row(
        "发文字号 Document number",
        or_dash(n.document_number.as_deref()),
    );
    row("标题 Title", or_dash(n.title.as_deref()));
    row("主送 Recipients", &list(&n.recipients));
    row("抄送 CC", &list(&n.cc));
    row("成文日期 Issue date", or_dash(n.issue_date.as_deref()));
    row("公开方式 Publication", or_dash(n.publication.as_deref()));
    let themes: Vec<String> = n
        .themes
        .iter()
        .map(|t| {
            let scope = match t.scope.as_deref() {
                Some("international") => "国际 international",
                Some("domestic") => "国内 domestic",
                Some("local") => "本地 local",
                _ => "未注明 unqualified",
            };
            format!("[{scope}] {}", t.text)
        })
        .collect();
    row("主题 Themes", &list(&themes));
    let relayed = n.relayed.as_ref().map(|r| {
        format!(
            "{}（{}）",
            or_dash(r.title.as_deref()),
            or_dash(r.document_number.as_deref())
        )
    });
    row("转发文件 Relayed", or_dash(relayed.as_deref()));
    row("附件 Attachments", &list(&n.attachments));
    let _ = writeln!(o, "{indent}活动 Activities ({})", n.activities.len());
    for (i, a) in n.activities.iter().enumerate() {
        o.push_str(&activity(a, i + 1, indent));
    }
    let _ = writeln!(o, "{indent}截止事项 Deadlines ({})", n.deadlines.len());
    for d in &n.deadlines {
        let when = format!(
            "{} {}",
            or_dash(d.date.as_deref()),
            d.time.as_deref().unwrap_or("")
        );
        let _ = writeln!(o, "{indent}  - {} {}", when.trim_end(), d.task);
        let _ = writeln!(o, "{indent}    材料 Materials: {}", list(&d.materials));
        let _ = writeln!(
            o,
            "{indent}    报送至 Submit to: {}",
            or_dash(d.submit_to.as_deref())
        );
        if let Some(l) = d.length_chars {
            let _ = writeln!(o, "{indent}    字数 Length: {l} 字 chars");
        }
        if let Some(p) = d.paper_copy {
            let _ = writeln!(
                o,
                "{indent}    纸质版 Paper copy: {}",
                if p { "是 yes" } else { "否 no" }
            );
        }
    }
    let _ = writeln!(o, "{indent}联系人 Contacts ({})", n.contacts.len());
    for c in &n.contacts {
        let mut parts = vec![or_dash(c.name.as_deref()).to_string()];
        for (label, v) in [
            ("单位 org", &c.org),
            ("电话 phone", &c.phone),
            ("邮箱 email", &c.email),
            ("事项 role", &c.role),
        ] {
            if let Some(v) = v {
                parts.push(format!("{label}: {v}"));
            }
        }
        let _ = writeln!(o, "{indent}  - {}", parts.join("，"));
    }
    let _ = writeln!(o, "{indent}警告 Warnings: {}", list(&n.warnings));
    for (k, a) in n.attached_notices.iter().enumerate() {
        let _ = writeln!(o, "{indent}附带通知 Attached notice {}", k + 1);
        o.push_str(&table(a, &format!("{indent}    ")));
    }
    o
}

fn activity(a: &Activity, k: usize, indent: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{indent}  {k}. {}  [类型 kind: {}]",
        a.title,
        or_dash(a.kind.as_deref())
    );
    let when = match (&a.period_text, &a.date) {
        (Some(p), _) => format!(
            "{p}（{} – {}）",
            or_dash(a.date.as_deref()),
            or_dash(a.end_date.as_deref())
        ),
        (None, Some(d)) => {
            let t = match (&a.start_time, &a.end_time) {
                (Some(s), Some(e)) => format!(" {s}–{e}"),
                (Some(s), None) => format!(" {s}"),
                _ => String::new(),
            };
            format!("{d}{t}")
        }
        _ => "—".to_string(),
    };
    let mut row = |label: &str, value: &str| {
        let _ = writeln!(o, "{indent}     {label}: {value}");
    };
    row("时间 When", &when);
    row("主办 Host", &list(&a.organizers.host));
    row("承办 Undertaker", &list(&a.organizers.undertaker));
    row("协办 Co-organiser", &list(&a.organizers.co_organizer));
    row("指导 Guide", &list(&a.organizers.guide));
    row("组织 Organised by", &list(&a.organized_by));
    row("地点 Venues", &list(&a.venues));
    row("形式 Mode", &list(&a.mode));
    row("对象 Audience", or_dash(a.audience.as_deref()));
    for d in &a.debug_sessions {
        let when = format!(
            "{} {}",
            or_dash(d.date.as_deref()),
            d.time.as_deref().unwrap_or("")
        );
        row(
            "调试 Test run",
            &format!("{} — {}", when.trim_end(), d.note),
        );
    }
    o
}

fn score(dir: &Path, min: Option<f64>) -> anyhow::Result<ExitCode> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .with_context(|| format!("读取目录 reading {}", dir.display()))?
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .into_string()
                .ok()?
                .strip_suffix(".txt")
                .map(String::from)
        })
        .collect();
    names.sort();
    if names.is_empty() {
        bail!(
            "{} 中没有 NAME.txt 用例 has no NAME.txt cases",
            dir.display()
        );
    }
    let mut total = Score::default();
    println!("{:<52} {:>6} {:>6} {:>6}", "用例 case", "P", "R", "F1");
    for name in &names {
        let text = read_text(&dir.join(format!("{name}.txt")))?;
        let exp_path = dir.join(format!("{name}.expected.json"));
        let exp_text = read_text(&exp_path)?;
        let expected: Notice = serde_json::from_str(&exp_text).with_context(|| {
            format!(
                "{} 不是有效的预期结果 is not a valid expectation",
                exp_path.display()
            )
        })?;
        let actual = renke_notice::parse(&text)?;
        let s = renke_notice::score::score(&expected, &actual);
        let c = s.overall();
        println!(
            "{:<52} {:>6.3} {:>6.3} {:>6.3}",
            name,
            c.precision(),
            c.recall(),
            c.f1()
        );
        total.merge(&s);
    }
    println!();
    println!(
        "{:<40} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "字段 field", "P", "R", "F1", "TP", "FP", "FN"
    );
    let line = |f: &str, c: Counts| {
        println!(
            "{:<40} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6} {:>6}",
            f,
            c.precision(),
            c.recall(),
            c.f1(),
            c.tp,
            c.fp,
            c.fn_
        );
    };
    for (f, c) in &total.fields {
        line(f, *c);
    }
    let overall = total.overall();
    line("总体 overall (micro)", overall);
    println!("{} 个用例 cases", names.len());
    if let Some(m) = min {
        if overall.f1() < m {
            eprintln!("F1 {:.3} 低于阈值 is below --min {m}", overall.f1());
            return Ok(ExitCode::FAILURE);
        }
        println!("F1 {:.3} ≥ --min {m}", overall.f1());
    }
    Ok(ExitCode::SUCCESS)
}
