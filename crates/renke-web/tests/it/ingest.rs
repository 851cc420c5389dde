//! 导入通知: Guangdong's 253号 as pasted, inside a web page, as a .docx and SAMR's 764号 as a
//! PDF become the same drafts; each field's span points at its text; the issuer is matched
//! in the directory and group names are not; a scan, an unknown file type and empty text
//! are refused by field; only an organiser of the caller's organisation parses. The page
//! shows the draft beside its marked source. Confirming creates, in one transaction, the
//! notice relaying SAMR's 764号 with its task relayed, a new campaign, the four activities;
//! a second confirmation is refused with the first's id and a refusal leaves nothing; a
//! name mapped by hand on the page is remembered for the next notice.

use crate::support::{Client, PASSWORD, Resp, TestApp};
use renke_domain::perm::Role;
use serde_json::{Value, json};
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

/// The page's confirmation of `text` with a corrected head, no campaign and `mapping`.
async fn confirm_page(org: &Client, text: &str, mapping: Option<(&str, &str)>) -> Resp {
    let mut fields = vec![
        ("text", text),
        ("title", "广东省认证协会关于开展认证培训的通知"),
        ("issue_date", "2022-05-10"),
        ("campaign", "none"),
    ];
    fields.extend(mapping);
    org.form("/notices/import/confirm", &fields).await
}

/// SAMR's 764号, issued to the provincial bureaus with its 开展情况 task (due 06-30):
/// (notice, task).
async fn samr_764(app: &TestApp) -> (i64, i64) {
    let l = app.label();
    app.account("cn.org", Role::Organiser, "CN").await;
    let cn = app.login("cn.org", PASSWORD).await;
    let r = cn
        .post(
            "/api/v1/notices",
            json!({
                "issuer_code": "CN",
                "doc_number": "市监认证函〔2022〕764号",
                "title": "市场监管总局办公厅关于组织开展第十五个“世界认可日”活动的通知",
                "recipients": [{"org_code": "CN", "children_kind": "regulator", "label": "各省、自治区、直辖市市场监管局"}],
                "body": "活动开展后及时报送活动开展情况。",
                "written_on": "2022-04-27",
                "publication": "active",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let notice = r.body["id"].as_i64().unwrap();
    let r = cn
        .post(
            &format!("/api/v1/notices/{notice}/tasks"),
            json!({"kind": "progress", "title": "活动开展情况", "deadline": "2022-06-30"}),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let task = r.body["id"].as_i64().unwrap();
    let r = cn
        .post(&format!("/api/v1/notices/{notice}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);
    (notice, task)
}

/// Rows of (notices, tasks, activities, campaigns).
async fn counts(app: &TestApp) -> [i64; 4] {
    let mut out = [0; 4];
    for (i, table) in ["notices", "tasks", "activities", "campaigns"]
        .iter()
        .enumerate()
    {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        out[i] = renke_store::on_db!(app.db(), |p| sqlx::query_scalar(sqlx::AssertSqlSafe(
            sql.as_str()
        ))
        .fetch_one(p)
        .await)
        .unwrap();
    }
    out
}

#[tokio::test]
async fn confirming_a_draft_creates_the_relay_its_task_campaign_and_activities_at_once() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let tree = app.tree().await;
        let (original, original_task) = samr_764(&app).await;
        app.account("gd.org", Role::Organiser, "GD").await;
        app.account("gd.staff", Role::Staff, "GD").await;
        let org = app.login("gd.org", PASSWORD).await;
        let spec = app.anonymous().get("/api/openapi.json").await.body;

        let draft = parse_text(&org, SEED_253).await;
        assert_eq!(draft.status, 200, "{l}: {}", draft.text);
        let p = &draft.body["proposal"];
        assert_eq!(p["relays_notice_id"], original, "{l}: {p}");
        assert_eq!(p["duplicate_notice_id"], Value::Null, "{l}");
        assert_eq!(p["issuer"]["code"], "GD", "{l}");
        assert_eq!(p["new_campaign_title"], "第十五个“世界认可日”活动", "{l}");
        let confirm = |campaign: Value| {
            let mut body = json!({
                "text": draft.body["text"],
                "notice": draft.body["notice"],
            });
            for (k, v) in campaign.as_object().unwrap() {
                body[k] = v.clone();
            }
            body
        };

        // Activities need a campaign: refused, nothing written.
        let before = counts(&app).await;
        let r = org.post("/api/v1/notices/import", confirm(json!({}))).await;
        assert_eq!(
            (r.status, r.field_code("campaign_id").as_deref()),
            (422, Some("required")),
            "{l}: {}",
            r.text
        );
        // A staff member does not bring notices in.
        let staff = app.login("gd.staff", PASSWORD).await;
        let r = staff
            .post(
                "/api/v1/notices/import",
                confirm(json!({"new_campaign_title": "第十五个世界认可日"})),
            )
            .await;
        assert_eq!(r.status, 403, "{l}: {}", r.text);
        assert_eq!(counts(&app).await, before, "{l}");

        let r = org
            .post(
                "/api/v1/notices/import",
                confirm(json!({"new_campaign_title": "第十五个“世界认可日”活动"})),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        crate::api_docs::assert_conforms(&spec, "post", "/api/v1/notices/import", &r);
        let after = counts(&app).await;
        assert_eq!(
            [
                after[0] - before[0],
                after[2] - before[2],
                after[3] - before[3]
            ],
            [1, 4, 1],
            "{l}: one notice, four activities, one campaign"
        );
        let notice_id = r.body["notice_id"].as_i64().unwrap();
        assert_eq!(r.body["relays_notice_id"], original, "{l}");
        assert_eq!(r.body["campaign_created"], true, "{l}");
        let n = renke_store::notices::get(app.db(), notice_id)
            .await
            .unwrap();
        assert_eq!(n.relays_id, Some(original), "{l}");
        assert_eq!(
            n.doc_number.as_deref(),
            Some("粤市监认监〔2022〕253号"),
            "{l}"
        );
        assert_eq!(n.issuer_org_id, tree.gd, "{l}");
        assert!(
            !n.is_issued(),
            "{l}: imported as a draft to review and issue"
        );
        assert_eq!(n.campaign_id, r.body["campaign_id"].as_i64(), "{l}");
        // The 6/20 task relays SAMR's 开展情况 task.
        let tasks = renke_store::tasks::for_notice(app.db(), notice_id)
            .await
            .unwrap();
        let relayed = tasks
            .iter()
            .find(|t| t.parent_task_id == Some(original_task))
            .unwrap_or_else(|| panic!("{l}: no relayed task in {tasks:?}"));
        assert_eq!(
            relayed.deadline.map(|d| d.shanghai()).as_deref(),
            Some("2022-06-20 23:59"),
            "{l}"
        );
        // The activities: on the notice and the campaign, the 6/9 viewing at 10:00.
        let ids: Vec<i64> = r.body["activity_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        let mut starts = Vec::new();
        for id in &ids {
            let a = renke_store::activities::get(app.db(), *id).await.unwrap();
            assert_eq!(a.row.notice_id, Some(notice_id), "{l}");
            assert_eq!(Some(a.row.campaign_id), n.campaign_id, "{l}");
            assert_eq!(a.row.owner_org_id, tree.gd, "{l}");
            starts.push(a.row.title.clone());
        }
        assert!(starts.iter().any(|t| t.contains("收看")), "{l}: {starts:?}");

        // The same document again: refused, naming the first.
        let r = org
            .post(
                "/api/v1/notices/import",
                confirm(json!({"campaign_id": n.campaign_id})),
            )
            .await;
        assert_eq!(
            (r.status, r.field_code("document_number").as_deref()),
            (422, Some("already_imported")),
            "{l}: {}",
            r.text
        );
        assert!(r.text.contains(&notice_id.to_string()), "{l}: {}", r.text);
        assert_eq!(
            parse_text(&org, SEED_253).await.body["proposal"]["duplicate_notice_id"],
            notice_id,
            "{l}"
        );
        assert_eq!(counts(&app).await, after, "{l}");

        // On the page: an issuer not in the directory is refused on its field; mapped by
        // hand, the notice is imported and the name remembered for the next one.
        let text = "广东省认证协会关于开展认证培训的通知\n广州市市场监管局：\n请于2022年6月15日前报送参训名单。\n广东省认证协会\n2022年5月10日";
        let page = confirm_page(&org, text, None).await;
        assert_eq!(page.status, 422, "{l}: {}", page.text);
        assert!(page.text.contains("未在机构目录中找到"), "{l}");
        // A code typed in the picker that names nothing is refused beside the name.
        let page = confirm_page(&org, text, Some(("mapcode:广东省认证协会", "NO-SUCH"))).await;
        assert_eq!(page.status, 422, "{l}: {}", page.text);
        assert!(page.text.contains("NO-SUCH"), "{l}");
        assert!(
            page.text.contains("list=\"import-orgs\""),
            "{l}: the picker"
        );
        let gd = tree.gd.to_string();
        let page = confirm_page(&org, text, Some(("map:广东省认证协会", gd.as_str()))).await;
        assert_eq!(page.status, 200, "{l}: {}", page.text);
        assert!(page.text.contains("通知已导入"), "{l}");
        assert!(page.text.contains("2022-06-15"), "{l}: the task's deadline");
        let again = parse_text(
            &org,
            "广东省认证协会关于召开年会的通知\n深圳市市场监管局：\n正文。",
        )
        .await;
        assert_eq!(org_match(&again, "issuer[0]")["kind"], "remembered", "{l}");
        assert_eq!(org_match(&again, "issuer[0]")["org"]["code"], "GD", "{l}");
        app.finish().await;
    }
}
