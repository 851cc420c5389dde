//! Exports of a task for whoever collects it: the status of every recipient as xlsx, and all
//! materials sent as a zip with a folder per unit. Built off the async runtime.

use super::tasks::{DashboardView, dashboard};
use crate::App;
use crate::Caller;
use crate::error::AppError;
use renke_domain::clock::local_time;
use renke_domain::import::Table;
use renke_store::files::FileStream;
use renke_store::tasks::{self, ExpectedRow, Filter, Levels, Scope};
use std::collections::HashMap;
use std::io::Write;

/// Every recipient in the node's subtree, all pages, after the dashboard's permission check.
async fn all_recipients(
    app: &App,
    me: &Caller,
    task_id: i64,
) -> Result<(DashboardView, Vec<ExpectedRow>), AppError> {
    const PAGE: i64 = 500;
    let v = dashboard(
        app,
        me,
        Scope::Task(task_id),
        Levels::All,
        None,
        Filter::All,
        0,
        PAGE,
    )
    .await?;
    let mut rows = v.recipients.items.clone();
    let mut offset = PAGE;
    while offset < v.recipients.total {
        let page = tasks::recipients(&app.db, &v.dashboard, Filter::All, offset, PAGE).await?;
        rows.extend(page.items);
        offset += PAGE;
    }
    Ok((v, rows))
}

/// The status in the words the pages use.
fn status_zh(r: &ExpectedRow) -> &'static str {
    match r.status {
        _ if !r.has_submitted() => "未报送",
        Some(s) if s.is_accepted() => "已采纳",
        Some(s) if s.is_returned() => "退回修改",
        _ => "已报送",
    }
}

/// The column of the status workbook that holds the number of versions (written as numbers).
const VERSIONS_COLUMN: usize = 8;

/// The status of every recipient of a task (and of its relays) as an xlsx workbook, with the
/// file name to offer.
pub async fn status_xlsx(
    app: &App,
    me: &Caller,
    task_id: i64,
) -> Result<(String, Vec<u8>), AppError> {
    let (v, rows) = all_recipients(app, me, task_id).await?;
    let now = app.clock.now();
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
    if v.paper_required {
        t.headers.push("纸质版 Paper copy".to_owned());
    }
    for r in &rows {
        let mut row = vec![
            r.org_name.clone(),
            if r.depth == 0 {
                "本级 direct".to_owned()
            } else {
                format!("转发第{}级 relay {}", r.depth, r.depth)
            },
            r.deadline
                .map_or_else(|| "及时报送".to_owned(), |d| local_time(&d)),
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
        ];
        if v.paper_required {
            row.push(match (r.paper_required, r.paper_received_on) {
                (false, _) => String::new(),
                (true, Some(d)) => format!("已收到 {d}"),
                (true, None) => "未收到".to_owned(),
            });
        }
        t.rows.push(row);
    }
    let bytes = tokio::task::spawn_blocking(move || {
        renke_render::table::write_xlsx_with(&t, &[VERSIONS_COLUMN])
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok((format!("{}-报送情况.xlsx", v.title), bytes))
}

/// One unit's folder in the materials zip: its text, and the files of its latest version.
struct Folder {
    /// Where it sits: the unit's name, under the folder of the unit that relayed the task to
    /// it (see [`Nesting`]).
    path: Vec<String>,
    text: String,
    /// Each file's name and its bytes as they come from the store.
    files: Vec<(String, FileStream)>,
}

/// Recipients read per query while the zip is written.
const ZIP_PAGE: i64 = 200;
/// Bytes of zip handed to the response at a time.
const ZIP_CHUNK: usize = 64 * 1024;
/// Chunks waiting for the client before the writer blocks.
const ZIP_CHUNKS_QUEUED: usize = 8;
/// Folders read ahead of the writer (each holds its unit's files).
const ZIP_FOLDERS_QUEUED: usize = 2;

/// Every sent submission of a task and its relays (latest version) as a zip, streamed: a
/// folder per unit with `报送内容.txt` and the version's files under their names, nested by
/// level — a unit that answered a relay sits under `下级报送/` in the folder of the unit
/// that relayed the task (province → its cities → their districts). Permission is checked
/// before anything is sent; then the submissions are read a page at a time and each unit's
/// files one unit at a time, compressed on a blocking thread and handed to the response in
/// chunks as they are produced, so memory stays bounded however many units there are (what
/// grows with the units is only the zip's central directory, a few hundred bytes per
/// entry). An error midway ends the body with an error, so the client sees a broken
/// download rather than a short zip that looks complete.
pub async fn materials_zip(
    app: &App,
    me: &Caller,
    task_id: i64,
) -> Result<(String, ByteStream), AppError> {
    let v = dashboard(
        app,
        me,
        Scope::Task(task_id),
        Levels::All,
        None,
        Filter::Submitted,
        0,
        ZIP_PAGE,
    )
    .await?;
    let nesting = Nesting::of(app, &v).await?;
    let filename = format!("{}-报送材料.zip", v.title);
    let (folders_tx, folders_rx) = tokio::sync::mpsc::channel(ZIP_FOLDERS_QUEUED);
    let (chunks_tx, chunks_rx) = tokio::sync::mpsc::channel(ZIP_CHUNKS_QUEUED);
    let reader_app = app.clone();
    tokio::spawn(async move {
        if let Err(e) = read_folders(&reader_app, v, &nesting, &folders_tx).await {
            tracing::warn!(task = task_id, error = %e, "materials zip: reading stopped");
            let _ = folders_tx.send(Err(e)).await;
        }
    });
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let errors = chunks_tx.clone();
        if let Err(e) = zip_folders(folders_rx, ChannelWriter::new(chunks_tx), &rt) {
            tracing::warn!(task = task_id, error = %e, "materials zip: writing stopped");
            let _ = errors.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    let stream = futures_util::stream::unfold(chunks_rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    Ok((filename, Box::pin(stream)))
}

/// A zip of the files that arrive on `files` (name, bytes as they are read), streamed as
/// it is written: the writer runs on a blocking thread, takes each file chunk by chunk and
/// hands the response 64 KB at a time, so neither the files nor the zip are ever all in
/// memory. An error on `files` ends the body early with it (the client sees a broken
/// download, never a truncated zip that looks whole).
pub(crate) fn zip_stream(
    mut files: tokio::sync::mpsc::Receiver<anyhow::Result<(String, FileStream)>>,
    what: &'static str,
) -> ByteStream {
    let (chunks_tx, chunks_rx) = tokio::sync::mpsc::channel(ZIP_CHUNKS_QUEUED);
    let rt = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let errors = chunks_tx.clone();
        let write = || -> anyhow::Result<()> {
            use zip::write::SimpleFileOptions;
            let mut zip = zip::ZipWriter::new_stream(ChannelWriter::new(chunks_tx));
            let opts =
                SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            while let Some(f) = files.blocking_recv() {
                let (name, mut chunks) = f?;
                zip.start_file(renke_domain::file::clean_name(&name), opts)?;
                copy_chunks(&mut zip, &mut chunks, &rt)?;
            }
            let mut out = zip.finish()?.into_inner();
            out.flush()?;
            Ok(())
        };
        if let Err(e) = write() {
            tracing::warn!(what, error = %e, "zip: writing stopped");
            let _ = errors.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    Box::pin(futures_util::stream::unfold(
        chunks_rx,
        |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) },
    ))
}

/// Writes a file's chunks into the zip entry started last, each as it comes from the store
/// (on the writer's blocking thread, waiting on the runtime `rt` for the next one).
fn copy_chunks(
    zip: &mut impl Write,
    chunks: &mut FileStream,
    rt: &tokio::runtime::Handle,
) -> anyhow::Result<()> {
    use futures_util::StreamExt;
    while let Some(chunk) = rt.block_on(chunks.next()) {
        zip.write_all(&chunk?)?;
    }
    Ok(())
}

/// One file of a zip whose bytes are already in memory (a rendered letter), as a stream.
pub(crate) fn in_memory(bytes: Vec<u8>) -> FileStream {
    use futures_util::StreamExt;
    futures_util::stream::once(async move { Ok(bytes::Bytes::from(bytes)) }).boxed()
}

/// A body produced piece by piece (the materials zip), ending early with an error if
/// producing it failed.
pub type ByteStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send>>;

/// Reads the sent submissions in the dashboard's subtree page by page and sends each unit's
/// folder to the writer; stops quietly when the writer is gone (the client left).
async fn read_folders(
    app: &App,
    v: DashboardView,
    nesting: &Nesting,
    out: &tokio::sync::mpsc::Sender<anyhow::Result<Folder>>,
) -> anyhow::Result<()> {
    let total = v.recipients.total;
    let mut page = v.recipients.items;
    let mut offset = 0;
    loop {
        for r in &page {
            let Some(folder) = folder(app, r, nesting.path(r)).await? else {
                continue;
            };
            if out.send(Ok(folder)).await.is_err() {
                return Ok(());
            }
        }
        offset += ZIP_PAGE;
        if offset >= total || page.is_empty() {
            return Ok(());
        }
        page = tasks::recipients(&app.db, &v.dashboard, Filter::Submitted, offset, ZIP_PAGE)
            .await?
            .items;
    }
}

/// Where each relay level's folders go in the materials zip: for each task of the scope, the
/// folders of the units that relayed it down to the one answering it.
struct Nesting {
    /// Task id → the folder path its answers sit under (empty for the task itself).
    under: HashMap<i64, Vec<String>>,
}

/// The folder, inside a unit's folder, that holds the answers to its relay.
const BELOW: &str = "下级报送";

impl Nesting {
    /// Reads the scope's tasks (a handful: the task and its relays) and walks each relay up to
    /// the scope's root through the relaying unit (the relay's submit-to organisation).
    async fn of(app: &App, v: &DashboardView) -> Result<Nesting, AppError> {
        let mut tasks_by_id = HashMap::new();
        for t in &v.dashboard.tasks {
            tasks_by_id.insert(t.task_id, tasks::get(&app.db, t.task_id).await?);
        }
        let mut under = HashMap::new();
        for (&id, task) in &tasks_by_id {
            let mut path = Vec::new();
            let mut t = task;
            while let Some(parent) = t.parent_task_id.and_then(|p| tasks_by_id.get(&p)) {
                path.push(BELOW.to_owned());
                path.push(t.submit_to_name.clone());
                t = parent;
            }
            path.reverse();
            under.insert(id, path);
        }
        Ok(Nesting { under })
    }

    /// The folder of recipient `r`.
    fn path(&self, r: &ExpectedRow) -> Vec<String> {
        let mut p = self.under.get(&r.task_id).cloned().unwrap_or_default();
        p.push(r.org_name.clone());
        p
    }
}

/// One unit's folder at `path`: the text of its latest sent version and that version's
/// files.
async fn folder(app: &App, r: &ExpectedRow, path: Vec<String>) -> anyhow::Result<Option<Folder>> {
    if !r.has_submitted() {
        return Ok(None);
    }
    let Some(sid) = r.submission_id else {
        return Ok(None);
    };
    let versions = tasks::versions(&app.db, sid).await?;
    let Some(last) = versions.last() else {
        return Ok(None);
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
    for f in tasks::version_files(&app.db, sid, last.version).await? {
        let stored = renke_store::files::get(&app.db, f.file_id).await?;
        files.push((f.name, app.files.stream(&stored).await?));
    }
    if !files.is_empty() {
        text.push_str("\n【附件】\n");
        for (name, _) in &files {
            text.push_str(&format!("{name}\n"));
        }
    }
    Ok(Some(Folder { path, text, files }))
}

/// Hands what the zip writer writes to the response in chunks of [`ZIP_CHUNK`] bytes,
/// blocking while [`ZIP_CHUNKS_QUEUED`] chunks wait for the client; fails with `BrokenPipe`
/// once the response is dropped.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<std::io::Result<bytes::Bytes>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn new(tx: tokio::sync::mpsc::Sender<std::io::Result<bytes::Bytes>>) -> Self {
        ChannelWriter {
            tx,
            buf: Vec::with_capacity(ZIP_CHUNK),
        }
    }

    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(ZIP_CHUNK));
        self.tx
            .blocking_send(Ok(chunk.into()))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= ZIP_CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Writes the folders as they arrive into a streamed zip (no seeking back: sizes and
/// checksums follow each entry in a data descriptor); names are UTF-8 (flagged as such),
/// duplicates numbered.
fn zip_folders(
    mut folders: tokio::sync::mpsc::Receiver<anyhow::Result<Folder>>,
    out: ChannelWriter,
    rt: &tokio::runtime::Handle,
) -> anyhow::Result<()> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new_stream(out);
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
    while let Some(f) = folders.blocking_recv() {
        let f = f?;
        let dir = unique(
            f.path
                .iter()
                .map(|p| renke_domain::file::clean_name(p))
                .collect::<Vec<_>>()
                .join("/"),
        );
        zip.start_file(format!("{dir}/报送内容.txt"), opts)?;
        zip.write_all(f.text.as_bytes())?;
        for (name, mut chunks) in f.files {
            let name = unique(format!("{dir}/{}", renke_domain::file::clean_name(&name)));
            zip.start_file(name, opts)?;
            copy_chunks(&mut zip, &mut chunks, rt)?;
        }
    }
    let mut out = zip.finish()?.into_inner();
    out.flush()?;
    Ok(())
}
