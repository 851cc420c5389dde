//! Files attached to notices: upload to a draft (API and page form), the refusals with
//! their reasons and nothing stored, downloads under the notice's read permission.

use crate::support::{Client, PASSWORD, Resp, TestApp};
use renke_domain::perm::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::json;

const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

fn draft(publication: &str) -> serde_json::Value {
    json!({
        "issuer_code": "GD",
        "doc_number": "粤市监认监〔2022〕253号",
        "title": "关于组织开展第十五个“世界认可日”活动的通知",
        "recipients": [{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"}],
        "body": "一、活动主要内容",
        "attachments": ["活动方案"],
        "written_on": "2022-06-01",
        "publication": publication,
    })
}

async fn upload(c: &Client, id: i64, name: &str, title: &str, bytes: &[u8]) -> Resp {
    let form = Form::new().text("title", title.to_owned()).part(
        "file",
        Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
    );
    c.send(
        c.request(Method::POST, &format!("/api/v1/notices/{id}/attachments"))
            .multipart(form),
    )
    .await
}

/// A download's status, headers and raw bytes.
async fn download(c: &Client, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let r = c.request(Method::GET, path).send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

async fn file_count(app: &TestApp) -> i64 {
    let sql = "SELECT COUNT(*) FROM files";
    renke_store::on_db!(app.db(), |p| sqlx::query_scalar(sql).fetch_one(p).await).unwrap()
}

#[tokio::test]
async fn upload_download_and_refusals() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        app.account("sh.org", Role::Organiser, "SH").await;
        let gd = app.login("gd.org", PASSWORD).await;
        let sh = app.login("sh.org", PASSWORD).await;
        let id = gd.post("/api/v1/notices", draft("active")).await.body["id"]
            .as_i64()
            .unwrap();

        // A PDF: attached after the existing title, named after the file when no title.
        let r = upload(&gd, id, "C:\\材料\\宣传海报.pdf", "", PDF).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(r.body["position"], 1);
        let n = gd.get(&format!("/api/v1/notices/{id}")).await;
        assert_eq!(
            n.body["notice"]["attachments"],
            json!(["活动方案", "宣传海报"])
        );

        let (status, headers, bytes) =
            download(&gd, &format!("/api/v1/notices/{id}/attachments/1")).await;
        assert_eq!(status, 200, "{l}");
        assert_eq!(bytes, PDF);
        assert_eq!(headers["content-type"], "application/pdf");
        let disp = headers["content-disposition"].to_str().unwrap();
        assert!(
            disp.contains("filename*=UTF-8''%E5%AE%A3%E4%BC%A0%E6%B5%B7%E6%8A%A5.pdf"),
            "{disp}"
        );
        // The title-only attachment has no file.
        assert_eq!(
            gd.get(&format!("/api/v1/notices/{id}/attachments/0"))
                .await
                .status,
            404
        );

        // Refusals: each names the field and the reason; nothing is stored.
        let before = file_count(&app).await;
        let big = [PDF, &vec![b' '; 11 * 1024 * 1024]].concat();
        let r = upload(&gd, id, "big.pdf", "", &big).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.field_code("file").as_deref(), Some("file_too_large"));
        assert!(r.text.contains("10 MB"), "{}", r.text);
        let r = upload(&gd, id, "setup.exe", "", b"MZ\x90\x00").await;
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("file_type_refused"),
            "{}",
            r.text
        );
        let r = upload(&gd, id, "fake.pdf", "", b"MZ\x90\x00").await;
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("file_content_mismatch")
        );
        // Another province may not attach to Guangdong's draft, nor learn that it exists.
        assert_eq!(upload(&sh, id, "a.pdf", "", PDF).await.status, 404, "{l}");
        assert_eq!(
            file_count(&app).await,
            before,
            "{l}: refused uploads store nothing"
        );
        let n = gd.get(&format!("/api/v1/notices/{id}")).await;
        assert_eq!(n.body["notice"]["attachments"].as_array().unwrap().len(), 2);

        // Editing the draft keeps the file with its title, wherever the title moves.
        let mut edited = draft("active");
        edited["attachments"] = json!(["宣传海报", "活动方案"]);
        assert_eq!(
            gd.put(&format!("/api/v1/notices/{id}"), edited)
                .await
                .status,
            200
        );
        let (_, _, bytes) = download(&gd, &format!("/api/v1/notices/{id}/attachments/0")).await;
        assert_eq!(bytes, PDF, "{l}");
        assert_eq!(
            gd.get(&format!("/api/v1/notices/{id}/attachments/1"))
                .await
                .status,
            404
        );

        // A draft's files are the issuer's; once issued 主动公开, anyone may download.
        let anon = app.anonymous();
        assert_eq!(
            anon.get(&format!("/api/v1/notices/{id}/attachments/0"))
                .await
                .status,
            404
        );
        assert_eq!(
            sh.get(&format!("/api/v1/notices/{id}/attachments/0"))
                .await
                .status,
            403
        );
        assert_eq!(
            gd.post(&format!("/api/v1/notices/{id}/issue"), json!({}))
                .await
                .status,
            200
        );
        let (status, _, bytes) =
            download(&anon, &format!("/api/v1/notices/{id}/attachments/0")).await;
        assert_eq!((status, bytes.as_slice()), (200, PDF), "{l}");
        // An issued notice takes no more files.
        let r = upload(&gd, id, "late.pdf", "", PDF).await;
        assert_eq!((r.status, r.code()), (409, "notice_issued"), "{l}");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_page_form_uploads_with_its_csrf_field_and_shows_refusals() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        let gd = app.login("gd.org", PASSWORD).await;
        let id = gd.post("/api/v1/notices", draft("not_public")).await.body["id"]
            .as_i64()
            .unwrap();
        let page = gd.get(&format!("/notices/{id}")).await;
        assert!(page.text.contains("enctype=\"multipart/form-data\""), "{l}");

        // A browser form: the CSRF token is a part of the form, not a header.
        let form = |csrf: Option<&str>, name: &str, bytes: &[u8]| {
            let mut f = Form::new();
            if let Some(t) = csrf {
                f = f.text("_csrf", t.to_owned());
            }
            f.text("title", "").part(
                "file",
                Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
            )
        };
        let post = |f: Form| {
            gd.http
                .post(gd.url(&format!("/notices/{id}/attachments")))
                .multipart(f)
                .send()
        };
        let r = post(form(None, "a.pdf", PDF)).await.unwrap();
        assert_eq!(r.status(), 403, "{l}: no token, no upload");
        let r = post(form(Some("wrong"), "a.pdf", PDF)).await.unwrap();
        assert_eq!(r.status(), 403, "{l}");
        let r = post(form(Some(&gd.csrf), "活动方案.pdf", PDF))
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}: redirected to the notice");
        let text = r.text().await.unwrap();
        assert!(
            text.contains(&format!("href=\"/notices/{id}/attachments/1\"")),
            "{l}: the new attachment links to its file"
        );
        let r = post(form(Some(&gd.csrf), "a.png", PDF)).await.unwrap();
        assert_eq!(r.status(), 422, "{l}");
        let text = r.text().await.unwrap();
        assert!(text.contains("内容不是 png 格式"), "{l}: {text}");
        app.finish().await;
    }
}
