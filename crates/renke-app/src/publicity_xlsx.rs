//! Exports of publicity (宣传) as xlsx: the caller's materials list (every page of it, with
//! its filters) and — through [`write`] — a shipment's lines (`shipments::lines_xlsx`).
//! Workbooks are written by `renke_render::table` off the async runtime.

use crate::App;
use crate::Caller;
use crate::error::AppError;
use crate::publicity::{Material, MaterialQuery, Tab};
use renke_domain::clock::local_time;
use renke_domain::import::Table;

/// Writes `t` as an xlsx workbook on a blocking thread, the `numeric` columns' whole
/// numbers as numbers.
pub(crate) async fn write(t: Table, numeric: &'static [usize]) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || renke_render::table::write_xlsx_with(&t, numeric))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))
}

/// The column of the materials workbook that holds the download count.
const DOWNLOADS_COLUMN: usize = 9;

/// Every material of the caller's list (`tab`, `state`, `kind`, `campaign_id` as on the
/// page; `offset` ignored) as an xlsx workbook, with the file name to offer.
pub async fn materials_xlsx(
    app: &App,
    me: &Caller,
    q: &MaterialQuery,
) -> Result<(String, Vec<u8>), AppError> {
    const PAGE: i64 = 200;
    let mut q = q.clone();
    q.offset = 0;
    let mut items: Vec<Material> = Vec::new();
    loop {
        let l = crate::publicity::list(app, me, &q, PAGE).await?;
        let n = l.page.items.len() as i64;
        items.extend(l.page.items);
        q.offset += n;
        if n < PAGE || q.offset >= l.page.total {
            break;
        }
    }
    let t = Table {
        headers: [
            "标题 Title",
            "类型 Kind",
            "单位 Unit",
            "主题活动 Campaign",
            "活动 Activity",
            "标签 Tags",
            "状态 State",
            "提交时间 Submitted",
            "发布时间 Published",
            "下载次数 Downloads",
            "退回理由 Reason returned",
        ]
        .map(str::to_owned)
        .to_vec(),
        rows: items.iter().map(material_row).collect(),
    };
    let name = match q.tab {
        Tab::Mine => "宣传资料.xlsx",
        Tab::Review => "宣传资料-下级.xlsx",
    };
    Ok((name.to_owned(), write(t, &[DOWNLOADS_COLUMN]).await?))
}

fn material_row(m: &Material) -> Vec<String> {
    vec![
        m.title.clone(),
        m.kind.zh().to_owned(),
        m.org_name.clone(),
        m.campaign_title.clone(),
        m.activity_title.clone().unwrap_or_default(),
        m.tags.join("、"),
        m.state.zh().to_owned(),
        local_time(&m.submitted_at),
        m.published_at.as_ref().map(local_time).unwrap_or_default(),
        m.downloads.to_string(),
        m.reason.clone().unwrap_or_default(),
    ]
}
