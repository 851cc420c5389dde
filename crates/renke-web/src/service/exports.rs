//! Exports of a task for whoever collects it: the status of every recipient as xlsx, and all
//! materials sent as a zip with a folder per unit. Built off the async runtime.

use super::tasks::{DashboardView, dashboard};
use crate::AppState;
use crate::error::AppError;
use crate::view::local_time;
use renke_domain::import::Table;
use renke_store::accounts::Account;
use renke_store::tasks::{self, ExpectedRow, Filter, Scope};
use std::io::Write;

/// Every recipient in the node's subtree, all pages, after the dashboard's permission check.
async fn all_recipients(
    state: &AppState,
    me: &Account,
    task_id: i64,
) -> Result<(DashboardView, Vec<ExpectedRow>), AppError> {
    const PAGE: i64 = 500;
    let v = dashboard(state, me, Scope::Task(task_id), None, Filter::All, 0, PAGE).await?;
    let mut rows = v.recipients.items.clone();
    let mut offset = PAGE;
    while offset < v.recipients.total {
        let page = tasks::recipients(&state.db, &v.dashboard, Filter::All, offset, PAGE).await?;
        rows.extend(page.items);
        offset += PAGE;
    }
    Ok((v, rows))
}

fn status_zh(r: &ExpectedRow) -> &'static str {
    match r.status.as_deref() {
        _ if !r.has_submitted() => "未报送",
        Some("accepted") => "已采用",
        Some("returned") => "已退回",
        _ => "已报送",
    }
}

/// The status of every recipient of a task (and of its relays) as an xlsx workbook, with the
/// file name to offer.
pub async fn status_xlsx(
    state: &AppState,
    me: &Account,
    task_id: i64,
) -> Result<(String, Vec<u8>), AppError> {
    let (v, rows) = all_recipients(state, me, task_id).await?;
    let now = state.clock.now();
    let mut t = Table {
        headers: [
            "单位 Unit",
            "层级 Level",
            "截止时间 Deadline",
            "签收时间 Acknowledged",
            "报送状态 Status",
            "首次报送 First sent",
            "最近报送 Last sent",
            "逾期 Late",
            "版本 Versions",
            "标识 Chip",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: Vec::with_capacity(rows.len()),
    };
    for r in &rows {
        t.rows.push(vec![
            r.org_name.clone(),
            if r.depth == 0 {
                "本级 direct".to_owned()
            } else {
                format!("转发第{}级 relay {}", r.depth, r.depth)
            },
            local_time(&r.deadline),
            r.acknowledged_at
                .map(|t| local_time(&t))
                .unwrap_or_default(),
            status_zh(r).to_owned(),
            r.first_submitted_at
                .map(|t| local_time(&t))
                .unwrap_or_default(),
            r.submitted_at.map(|t| local_time(&t)).unwrap_or_default(),
            if r.late == Some(true) { "是" } else { "" }.to_owned(),
            r.version.unwrap_or(0).to_string(),
            r.chip(now).zh().to_owned(),
        ]);
    }
    let bytes = tokio::task::spawn_blocking(move || renke_render::table::write_xlsx(&t))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok((format!("{}-报送情况.xlsx", v.title), bytes))
}

/// One unit's folder in the materials zip: its text, and the files of its latest version.
struct Folder {
    name: String,
    text: String,
    files: Vec<(String, Vec<u8>)>,
}

/// Every sent submission of a task (latest version) as a zip: a folder per unit with
/// `报送内容.txt` and the version's files under their names.
pub async fn materials_zip(
    state: &AppState,
    me: &Account,
    task_id: i64,
) -> Result<(String, Vec<u8>), AppError> {
    let (v, rows) = all_recipients(state, me, task_id).await?;
    let mut folders = Vec::new();
    for r in rows.iter().filter(|r| r.has_submitted()) {
        let Some(sid) = r.submission_id else { continue };
        let versions = tasks::versions(&state.db, sid).await?;
        let Some(last) = versions.last() else {
            continue;
        };
        let mut text = format!(
            "单位：{}\n版本：{}\n报送时间：{}{}\n状态：{}\n\n",
            r.org_name,
            last.version,
            local_time(&last.submitted_at),
            if last.late { "（逾期）" } else { "" },
            status_zh(r),
        );
        if let Some(s) = &last.summary {
            text.push_str(&format!("【摘要】\n{s}\n\n"));
        }
        if let Some(b) = &last.body {
            text.push_str(&format!("【正文】\n{b}\n\n"));
        }
        let figures = [
            ("活动场次", last.activities),
            ("参与人次", last.participants),
            ("宣传报道", last.publicity_items),
        ];
        for (label, n) in figures {
            if let Some(n) = n {
                text.push_str(&format!("{label}：{n}\n"));
            }
        }
        let mut files = Vec::new();
        for f in tasks::version_files(&state.db, sid, last.version).await? {
            let stored = renke_store::files::get(&state.db, f.file_id).await?;
            files.push((f.name, state.files.read(&stored).await?));
        }
        if !files.is_empty() {
            text.push_str("\n【附件】\n");
            for (name, _) in &files {
                text.push_str(&format!("{name}\n"));
            }
        }
        folders.push(Folder {
            name: r.org_name.clone(),
            text,
            files,
        });
    }
    let bytes = tokio::task::spawn_blocking(move || zip_folders(&folders))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    Ok((format!("{}-报送材料.zip", v.title), bytes))
}

/// Writes the folders as a zip; names are UTF-8 (flagged as such), duplicates numbered.
fn zip_folders(folders: &[Folder]) -> anyhow::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut used = std::collections::HashSet::new();
    let mut unique = |name: String| {
        let mut candidate = name.clone();
        let mut n = 2;
        while !used.insert(candidate.clone()) {
            candidate = match name.rsplit_once('.') {
                Some((stem, ext)) if !name.ends_with('/') => format!("{stem}（{n}）.{ext}"),
                _ => format!("{}（{n}）", name.trim_end_matches('/')),
            };
            n += 1;
        }
        candidate
    };
    for f in folders {
        let dir = unique(renke_domain::file::clean_name(&f.name));
        zip.start_file(format!("{dir}/报送内容.txt"), opts)?;
        zip.write_all(f.text.as_bytes())?;
        for (name, bytes) in &f.files {
            let name = unique(format!("{dir}/{}", renke_domain::file::clean_name(name)));
            zip.start_file(name, opts)?;
            zip.write_all(bytes)?;
        }
    }
    Ok(zip.finish()?.into_inner())
}
