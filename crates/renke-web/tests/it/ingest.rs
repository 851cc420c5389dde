//! 导入通知: Guangdong's 253号 as pasted, inside a web page, as a .docx and SAMR's 764号 as a
//! PDF become the same drafts; each field's span points at its text; the issuer is matched
//! in the directory and group names are not; a scan, an unknown file type and empty text
//! are refused by field; only an organiser of the caller's organisation parses. The page
//! shows the draft beside its marked source.

use crate::support::{Client, PASSWORD, Resp, TestApp};
use renke_domain::perm::Role;
use serde_json::Value;
use std::io::Write;

const SEED_253: &str =
    include_str!("../../../renke-notice/tests/cases/seed_000_guangdong_relay.txt");

async fn parse_text(c: &Client, text: &str) -> Resp {
    c.multipart("/api/v1/notices/parse", &[("text", text.to_owned())], &[])
        .await
}

async fn parse_file(c: &Client, name: &str, bytes: &[u8]) -> Resp {
    c.multipart("/api/v1/notices/parse", &[], &[(name, bytes)])
        .await
}

/// A .docx holding `text`, a paragraph per line.
fn docx(text: &str) -> Vec<u8> {
    let mut body = String::new();
    for line in text.lines() {
        let esc = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        body.push_str(&format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{esc}</w:t></w:r></w:p>"
        ));
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    z.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(xml.as_bytes()).unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

/// A PDF of one page and no text (as a scanner makes it, without the image).
fn scan() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(Stream::new(dictionary! {}, Vec::new()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page.into()],
            "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The text of each span, by field.
fn spanned(r: &Resp) -> Vec<(String, String)> {
    let text: Vec<char> = r.body["text"].as_str().unwrap().chars().collect();
    r.body["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let (a, b) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            (
                s["field"].as_str().unwrap().to_owned(),
                text[a..b].iter().collect(),
            )
        })
        .collect()
}

fn org_match<'a>(r: &'a Resp, field: &str) -> &'a Value {
    r.body["orgs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["field"] == field)
        .unwrap_or_else(|| panic!("no match for {field}: {}", r.text))
}

#[tokio::test]
async fn a_notice_as_received_becomes_a_draft_with_spans_and_matches() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        app.account("gd.staff", Role::Staff, "GD").await;
        let org = app.login("gd.org", PASSWORD).await;
        let spec = app.anonymous().get("/api/openapi.json").await.body;

        let r = parse_text(&org, SEED_253).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        crate::api_docs::assert_conforms(&spec, "post", "/api/v1/notices/parse", &r);
        let n = &r.body["notice"];
        let title = "广东省市场监督管理局关于组织开展第十五个“世界认可日”活动的通知";
        assert_eq!(n["title"], title, "{l}");
        assert_eq!(n["document_number"], "粤市监认监〔2022〕253号", "{l}");
        assert_eq!(n["activities"].as_array().unwrap().len(), 4, "{l}");
        assert_eq!(
            n["relayed"]["document_number"], "市监认证函〔2022〕764号",
            "{l}"
        );
        let spans = spanned(&r);
        assert!(
            spans.contains(&("document_number".into(), "粤市监认监〔2022〕253号".into())),
            "{l}: {spans:?}"
        );
        assert!(spans.iter().any(|(f, _)| f == "title"), "{l}");
        assert!(
            spans
                .iter()
                .any(|(f, t)| f == "deadlines[0].task" && t.contains("6月20日")),
            "{l}"
        );
        // The issuer is in the directory; a group of recipients is no single organisation.
        let issuer = org_match(&r, "issuer[0]");
        assert_eq!(
            (issuer["kind"].as_str(), issuer["org"]["code"].as_str()),
            (Some("exact"), Some("GD")),
            "{l}"
        );
        let group = org_match(&r, "recipients[0]");
        assert_eq!(group["name"], "各地级以上市市场监管局", "{l}");
        assert_eq!(group["kind"], "group", "{l}");
        assert_eq!(group["suggestions"], serde_json::json!([]), "{l}");
        // 市场监管局 for 市场监督管理局 is the same organisation; a body the directory does
        // not hold is unmatched.
        let alone = parse_text(
            &org,
            "广东省认证协会关于开展培训的通知\n广州市市场监管局：\n正文。",
        )
        .await;
        let m = org_match(&alone, "recipients[0]");
        assert_eq!(
            (m["kind"].as_str(), m["org"]["code"].as_str()),
            (Some("variant"), Some("GD-GZ")),
            "{l}: {}",
            alone.text
        );
        assert_eq!(org_match(&alone, "issuer[0]")["kind"], "unmatched", "{l}");

        // Inside a web page, and as a .docx: the same draft.
        let page = format!(
            "网站首页\n当前位置：首页 > 通知公告\n{title}\n发布时间：2022-06-02 10:00\n浏览次数：321\n{SEED_253}\n【打印本页】【关闭窗口】\n上一篇：关于做好安全生产工作的通知"
        );
        let framed = parse_text(&org, &page).await;
        assert_eq!(framed.body["notice"], r.body["notice"], "{l}");
        let from_docx = parse_file(&org, "253号.docx", &docx(SEED_253)).await;
        assert_eq!(from_docx.status, 200, "{l}: {}", from_docx.text);
        assert_eq!(from_docx.body["notice"]["title"], title, "{l}");
        assert_eq!(
            from_docx.body["notice"]["activities"], r.body["notice"]["activities"],
            "{l}"
        );

        // SAMR's 764号 as the PDF the platform prints: read back and parsed.
        let pdf = renke_render::pdf::notice(&renke_render::pdf::demo::notices().remove(0)).unwrap();
        let from_pdf = parse_file(&org, "764号.pdf", &pdf.bytes).await;
        assert_eq!(from_pdf.status, 200, "{l}: {}", from_pdf.text);
        assert_eq!(
            from_pdf.body["notice"]["document_number"], "市监认证函〔2022〕764号",
            "{l}"
        );

        // Refusals, each on its field.
        let r = parse_file(&org, "扫描件.pdf", &scan()).await;
        assert_eq!(
            (r.status, r.field_code("file").as_deref()),
            (422, Some("pdf_needs_ocr")),
            "{l}: {}",
            r.text
        );
        let r = parse_file(&org, "通知.doc", b"\xD0\xCF\x11\xE0").await;
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("file_type_unsupported"),
            "{l}"
        );
        let r = parse_text(&org, "   ").await;
        assert_eq!(r.field_code("text").as_deref(), Some("required"), "{l}");
        let staff = app.login("gd.staff", PASSWORD).await;
        assert_eq!(parse_text(&staff, SEED_253).await.status, 403, "{l}");
        // A visitor's POST carries no session and so no CSRF token: refused before anything.
        let r = parse_text(&app.anonymous(), SEED_253).await;
        assert_eq!((r.status, r.code()), (403, "csrf_missing"), "{l}");

        // The page: the form, then the draft beside its marked source.
        let p = org.get("/notices/import").await;
        assert_eq!(p.status, 200, "{l}");
        assert!(p.text.contains("name=\"text\""), "{l}");
        let p = org
            .multipart("/notices/import", &[("text", SEED_253.to_owned())], &[])
            .await;
        assert_eq!(p.status, 200, "{l}: {}", p.text);
        assert!(p.text.contains("data-field=\"document_number\""), "{l}");
        assert!(p.text.contains("已匹配"), "{l}");
        let p = org
            .multipart("/notices/import", &[("text", String::new())], &[])
            .await;
        assert_eq!(p.status, 422, "{l}");
        assert!(p.text.contains("此项为必填项"), "{l}");
        app.finish().await;
    }
}
