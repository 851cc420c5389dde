//! PDF downloads: `GET /notices/{id}/pdf` and `GET /api/v1/notices/{id}/pdf` answer
//! `application/pdf` with the 发文字号 as file name to whoever may read the notice, and
//! refuse everyone else exactly as the notice page does.

use crate::support::{Client, PASSWORD, TestApp};
use renke_domain::perm::Role;
use reqwest::Method;
use serde_json::json;

struct Download {
    status: u16,
    content_type: String,
    disposition: String,
    bytes: Vec<u8>,
}

async fn download(c: &Client, path: &str) -> Download {
    let res = c.request(Method::GET, path).send().await.unwrap();
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    Download {
        status: res.status().as_u16(),
        content_type,
        disposition,
        bytes: res.bytes().await.unwrap().to_vec(),
    }
}

fn assert_pdf(d: &Download, label: &str, what: &str) {
    assert_eq!(
        d.status,
        200,
        "{label} {what}: {}",
        String::from_utf8_lossy(&d.bytes)
    );
    assert_eq!(d.content_type, "application/pdf", "{label} {what}");
    // 市监认证函〔2022〕764号.pdf, RFC 5987-encoded, with an ASCII fallback.
    assert!(
        d.disposition.starts_with("attachment; filename=\"notice-"),
        "{label} {what}: {}",
        d.disposition
    );
    assert!(
        d.disposition.contains(
            "filename*=UTF-8''%E5%B8%82%E7%9B%91%E8%AE%A4%E8%AF%81%E5%87%BD%E3%80%942022%E3%80%95764%E5%8F%B7.pdf"
        ),
        "{label} {what}: {}",
        d.disposition
    );
    let doc = lopdf::Document::load_mem(&d.bytes).expect("a PDF");
    assert!(!doc.get_pages().is_empty(), "{label} {what}");
}

#[tokio::test]
async fn notice_pdf_for_readers_only() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        app.account("sz.staff", Role::Staff, "GD-SZ").await;
        app.account("sh.staff", Role::Staff, "SH").await;
        // Guangdong issues to its cities; Shanghai is an outsider.
        let cn = app.login("gd.org", PASSWORD).await;
        let gd = app.login("sz.staff", PASSWORD).await;
        let sz = app.login("sh.staff", PASSWORD).await;
        let anonymous = app.anonymous();

        let r = cn
            .post(
                "/api/v1/notices",
                json!({
                    "issuer_code": "GD",
                    "doc_number": "市监认证函 [2022] 764号",
                    "title": "市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知",
                    "recipients": [{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"}],
                    "body": "一、总体安排\n（一）主场活动\n市场监管总局（认监委）在北京举办主场活动。",
                    "written_on": "2022-05-27",
                    "publication": "not_public",
                    "printed_by": "市场监管总局办公厅",
                    "printed_on": "2022-05-27",
                }),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        let page = format!("/notices/{id}/pdf");
        let api = format!("/api/v1/notices/{id}/pdf");

        // A draft: its issuer gets it (with the 草稿 mark), a recipient-to-be does not.
        assert_pdf(&download(&cn, &page).await, l, "draft, issuer");
        assert_eq!(download(&gd, &api).await.status, 403, "{l}");

        let r = cn
            .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);

        // Shenzhen received it: page and API.
        assert_pdf(&download(&gd, &page).await, l, "page, recipient");
        assert_pdf(&download(&gd, &api).await, l, "api, recipient");
        // Shanghai staff did not receive it and may not view Guangdong.
        let d = download(&sz, &api).await;
        assert_eq!(d.status, 403, "{l}");
        assert!(d.content_type.starts_with("application/json"), "{l}");
        assert_eq!(download(&sz, &page).await.status, 403, "{l}");
        // Not public: a visitor learns nothing.
        assert_eq!(download(&anonymous, &api).await.status, 404, "{l}");
        assert_eq!(download(&anonymous, &page).await.status, 404, "{l}");
        // No such notice.
        assert_eq!(
            download(&gd, "/api/v1/notices/999999/pdf").await.status,
            404,
            "{l}"
        );

        // The notice page links to its PDF.
        let html = gd.get(&format!("/notices/{id}")).await.text;
        assert!(html.contains(&format!("href=\"/notices/{id}/pdf\"")), "{l}");
        assert!(html.contains("下载 PDF"), "{l}");
        app.finish().await;
    }
}

/// The text of a PDF as poppler reads it, without whitespace (phrases wrap).
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The cells of the first line of a PDF's layout text (`pdftotext -layout`) that starts
/// with `first`: a table row, read left to right.
pub(crate) fn pdf_row(bytes: &[u8], first: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed");
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find(|l| l.trim_start().starts_with(first))
        .unwrap_or_else(|| panic!("no line starting with {first} in {text}"))
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// After the cascade: Guangdong's compiled submission `gd_sub` (sent upward to SAMR) as a
/// report PDF, with the per-unit summaries and the table read back from the PDF; `plain` is
/// a submission that was not compiled, which has no report.
pub async fn cascade_report(app: &TestApp, gd_sub: i64, plain: i64, national: i64) {
    let l = app.label();
    let cn = app.login("cn.org", PASSWORD).await;
    let d = download(&cn, &format!("/api/v1/submissions/{gd_sub}/report.pdf")).await;
    assert_eq!(d.status, 200, "{l}: {}", String::from_utf8_lossy(&d.bytes));
    assert_eq!(d.content_type, "application/pdf", "{l}");
    assert!(d.disposition.contains("report-"), "{l}: {}", d.disposition);
    // Kept for a person to look at (pdftoppm renders it to PNG).
    let keep =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("compiled-report-{l}.pdf"));
    std::fs::write(&keep, &d.bytes).unwrap();
    let text = pdf_text(&d.bytes);
    for needle in [
        "广东省市场监督管理局",
        "市监认证函〔2022〕764号",
        // The bureau's own text as it edited and sent it: its summary, the per-unit
        // summaries it compiled, the figures table, and the section it added.
        "广东省各地市共开展活动6场，参与240人次，宣传报道13篇。",
        "一、各单位报送情况",
        "深圳市市场监督管理局",
        "深圳市开展认可日宣传活动三场。",
        "广州市开展活动两场，宣传报道六篇。",
        "二、活动和数据汇总",
        "参与（人次）",
        "四、下一步工作",
        // The index of materials, with the late source marked, by version.
        "三、材料索引",
        "逾期报送",
        "版本",
        "第2版",
    ] {
        assert!(text.contains(needle), "{l}: {needle} not in {text}");
    }
    // No addresses of this server on paper, so no 链接 column either.
    assert!(!text.contains("/tasks/submissions/"), "{l}: {text}");
    assert!(!text.contains("链接"), "{l}: {text}");
    // Not sections rebuilt from the sources.
    assert!(!text.contains("二、活动及数据"), "{l}: {text}");
    // The figures table's total row, cell by cell.
    assert_eq!(pdf_row(&d.bytes, "合计"), ["合计", "6", "240", "13"], "{l}");
    // The page route serves the same to SAMR; nobody else reads it; a plain submission has
    // no report.
    let page = download(&cn, &format!("/tasks/submissions/{gd_sub}/report.pdf")).await;
    assert_eq!(page.status, 200, "{l}");
    let sh = app.login("sh.staff", PASSWORD).await;
    let d = download(&sh, &format!("/api/v1/submissions/{gd_sub}/report.pdf")).await;
    assert_eq!(d.status, 403, "{l}");
    let gd = app.login("gd.org", PASSWORD).await;
    let d = download(&gd, &format!("/api/v1/submissions/{plain}/report.pdf")).await;
    assert_eq!(d.status, 404, "{l}");
    // SAMR's national summary: the provinces' reports, as SAMR edited it, sent nowhere.
    let d = download(&cn, &format!("/api/v1/submissions/{national}/report.pdf")).await;
    assert_eq!(d.status, 200, "{l}");
    let text = pdf_text(&d.bytes);
    for needle in [
        "全国汇总：各省共开展活动6场。",
        "（一）广东省市场监督管理局",
        "广东省各地市共开展活动6场，参与240人次，宣传报道13篇。",
        "四、下一步工作",
    ] {
        assert!(text.contains(needle), "{l}: {needle} not in {text}");
    }
    let d = download(&gd, &format!("/api/v1/submissions/{national}/report.pdf")).await;
    assert_eq!(d.status, 403, "{l}");
}
