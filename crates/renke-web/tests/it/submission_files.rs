//! Files sent with submissions: checked against the task's rule before anything is stored
//! (size, type, required), kept per version (a resubmission without files carries the
//! previous ones forward), downloaded under the submission's read permission, and packed
//! into the materials zip; the page form posts them as multipart with its `_csrf` part.

use crate::support::{Client, PASSWORD, Resp, TestApp, t0};
use renke_domain::perm::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::json;
use std::io::{Cursor, Read};

const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
const JPG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xFF\xD9";
const DOCX: &[u8] = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00";

/// Guangdong's notice to its cities with one task: attachments required, PDF and JPEG only,
/// at most 1 MB each. Returns the task id.
async fn setup(app: &TestApp) -> i64 {
    app.tree().await;
    notice_and_task(app).await
}

/// [`setup`] after the organisation tree is in place.
async fn notice_and_task(app: &TestApp) -> i64 {
    let l = app.label();
    for (login, role, org) in [
        ("cn.org", Role::Organiser, "CN"),
        ("gd.org", Role::Organiser, "GD"),
        ("sz.staff", Role::Staff, "GD-SZ"),
        ("gz.staff", Role::Staff, "GD-GZ"),
        ("sh.org", Role::Organiser, "SH"),
    ] {
        app.account(login, role, org).await;
    }
    let gd = app.login("gd.org", PASSWORD).await;
    let r = gd
        .post(
            "/api/v1/notices",
            json!({
                "issuer_code": "GD",
                "doc_number": "粤市监认监〔2022〕253号",
                "title": "广东省市场监督管理局关于组织开展第十五个“世界认可日”活动的通知",
                "recipients": [{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市市场监管局"}],
                "body": "请于6月20日前将活动开展情况和宣传报道资料报送省局认监处。",
                "written_on": "2022-05-01",
                "publication": "not_public",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let notice = r.body["id"].as_i64().unwrap();
    let r = gd
        .post(
            &format!("/api/v1/notices/{notice}/tasks"),
            json!({
                "kind": "publicity",
                "title": "活动开展情况和宣传报道资料",
                "deadline": "2022-06-20",
                "attachments": "required",
                "attachment_types": "pdf, jpg",
                "attachment_max_mb": "1",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let task = r.body["id"].as_i64().unwrap();
    let r = gd
        .post(&format!("/api/v1/notices/{notice}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);
    task
}

/// Sends (`POST`) or saves (`PUT`) a submission as multipart with the given files.
async fn send(
    c: &Client,
    method: Method,
    task: i64,
    summary: &str,
    files: &[(&str, &[u8])],
) -> Resp {
    send_removing(c, method, task, summary, files, "").await
}

/// As [`send`], removing the attached files at the positions in `remove` (`"0,2"`).
async fn send_removing(
    c: &Client,
    method: Method,
    task: i64,
    summary: &str,
    files: &[(&str, &[u8])],
    remove: &str,
) -> Resp {
    let mut form = Form::new()
        .text("summary", summary.to_owned())
        .text("activities", "2")
        .text("remove", remove.to_owned());
    for (name, bytes) in files {
        form = form.part(
            "file",
            Part::bytes(bytes.to_vec()).file_name((*name).to_owned()),
        );
    }
    c.send(
        c.request(method, &format!("/api/v1/tasks/{task}/submission"))
            .multipart(form),
    )
    .await
}

/// Rows of (submissions, versions, files, submission files).
async fn counts(app: &TestApp) -> [i64; 4] {
    let mut out = [0; 4];
    for (i, table) in [
        "submissions",
        "submission_versions",
        "files",
        "submission_files",
    ]
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

async fn download(c: &Client, path: &str) -> (u16, Vec<u8>) {
    let r = c.request(Method::GET, path).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn files_are_checked_kept_per_version_guarded_and_zipped() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let task = setup(&app).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let before = counts(&app).await;
        assert_eq!(before, [0, 0, 0, 0], "{l}");

        // Over the task's limit: a field error with the limit and the size; nothing stored.
        let big = [PDF, &vec![b' '; 1536 * 1024]].concat();
        let r = send(
            &sz,
            Method::POST,
            task,
            "深圳开展活动两场。",
            &[("总结.pdf", big.as_slice())],
        )
        .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("file_too_large"),
            "{l}"
        );
        assert!(
            r.text.contains("1 MB"),
            "{l}: the limit is named: {}",
            r.text
        );
        assert!(
            r.text.contains("总结.pdf"),
            "{l}: the file is named: {}",
            r.text
        );
        // A type the task does not take, even alongside a good file.
        let r = send(
            &sz,
            Method::POST,
            task,
            "深圳开展活动两场。",
            &[("方案.pdf", PDF), ("方案.docx", DOCX)],
        )
        .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("file_type_refused"),
            "{l}"
        );
        assert!(
            r.text.contains("pdf, jpg"),
            "{l}: the allowed types: {}",
            r.text
        );
        // Saving a draft is refused the same way.
        let r = send(
            &sz,
            Method::PUT,
            task,
            "草稿",
            &[("a.exe", &b"MZ\x90\x00"[..])],
        )
        .await;
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("file_type_refused"),
            "{l}"
        );
        // Required: sending without any file is refused.
        let r = sz
            .post(
                &format!("/api/v1/tasks/{task}/submission"),
                json!({"summary": "深圳开展活动两场。"}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("attachment_required"),
            "{l}"
        );
        assert!(r.text.contains("须附附件"), "{l}: {}", r.text);
        assert_eq!(counts(&app).await, before, "{l}: refusals change nothing");

        // Two good files: sent as version 1.
        let r = send(
            &sz,
            Method::POST,
            task,
            "深圳开展活动两场。",
            &[("C:\\材料\\活动方案.pdf", PDF), ("现场照片.JPG", JPG)],
        )
        .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let sz_sub = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["version"], 1, "{l}");
        let d = sz.get(&format!("/api/v1/submissions/{sz_sub}")).await;
        let files: Vec<(i64, String)> = d.body["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["version"].as_i64().unwrap(),
                    f["name"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            files,
            vec![
                (0, "活动方案.pdf".to_owned()),
                (0, "现场照片.JPG".to_owned()),
                (1, "活动方案.pdf".to_owned()),
                (1, "现场照片.JPG".to_owned()),
            ],
            "{l}: the working copy and version 1 each list the files"
        );

        // Returned, then resent without new files: version 2 carries the files forward.
        let r = gd
            .post(
                &format!("/api/v1/submissions/{sz_sub}/review"),
                json!({"decision": "return", "reason": "请补充参与人次"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = sz
            .post(
                &format!("/api/v1/tasks/{task}/submission"),
                json!({"summary": "深圳开展活动两场，参与三百人次。", "participants": "300"}),
            )
            .await;
        assert_eq!(
            (r.status, r.body["version"].as_i64()),
            (200, Some(2)),
            "{l}: {}",
            r.text
        );
        let d = gd.get(&format!("/api/v1/submissions/{sz_sub}")).await;
        let seen: Vec<(i64, i64)> = d.body["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["version"].as_i64().unwrap(),
                    f["position"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![(1, 0), (1, 1), (2, 0), (2, 1)],
            "{l}: the collector sees the versions sent, not the working copy"
        );
        // 广州 sends one picture.
        let r = send(
            &gz,
            Method::POST,
            task,
            "广州开展活动一场。",
            &[("海报.jpg", JPG)],
        )
        .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let gz_sub = r.body["id"].as_i64().unwrap();

        // Downloads under the submission's read permission: (login, path, status).
        let api = |sub: i64, v: i32, p: i32| format!("/api/v1/submissions/{sub}/files/{v}/{p}");
        let page = |sub: i64, v: i32, p: i32| format!("/tasks/submissions/{sub}/files/{v}/{p}");
        let table: Vec<(&str, String, u16)> = vec![
            // Its own organisation: the working copy and every version.
            ("sz.staff", api(sz_sub, 0, 0), 200),
            ("sz.staff", api(sz_sub, 2, 1), 200),
            // The submit-to organisation and its ancestor: versions sent.
            ("gd.org", api(sz_sub, 2, 0), 200),
            ("gd.org", page(sz_sub, 1, 1), 200),
            ("cn.org", api(gz_sub, 1, 0), 200),
            // …but not the working copy, nor what does not exist.
            ("gd.org", api(sz_sub, 0, 0), 404),
            ("gd.org", api(sz_sub, 3, 0), 404),
            ("gd.org", api(sz_sub, 2, 5), 404),
            // A sibling unit and another province read nothing.
            ("gz.staff", api(sz_sub, 1, 0), 403),
            ("gz.staff", page(sz_sub, 1, 0), 403),
            ("sz.staff", api(gz_sub, 1, 0), 403),
            ("sh.org", api(sz_sub, 2, 0), 403),
            ("sh.org", page(gz_sub, 1, 0), 403),
        ];
        let mut clients = std::collections::HashMap::new();
        for (login, path, want) in &table {
            if !clients.contains_key(login) {
                clients.insert(*login, app.login(login, PASSWORD).await);
            }
            let (status, bytes) = download(&clients[login], path).await;
            assert_eq!(status, *want, "{l}: {login} GET {path}");
            if status == 200 {
                assert!(bytes == PDF || bytes == JPG, "{l}: {path} serves the file");
            }
        }
        let r = gd
            .request(Method::GET, &api(sz_sub, 2, 1))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-type"], "image/jpeg", "{l}");
        assert_eq!(r.bytes().await.unwrap().as_ref(), JPG, "{l}");

        // The materials zip holds each unit's latest files next to its text.
        let (status, bytes) = download(&gd, &format!("/api/v1/tasks/{task}/materials.zip")).await;
        assert_eq!(status, 200, "{l}");
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        names.sort();
        let mut expected = vec![
            "深圳市市场监督管理局/报送内容.txt",
            "深圳市市场监督管理局/活动方案.pdf",
            "深圳市市场监督管理局/现场照片.JPG",
            "广州市市场监督管理局/报送内容.txt",
            "广州市市场监督管理局/海报.jpg",
        ];
        expected.sort();
        assert_eq!(names, expected, "{l}");
        let mut got = Vec::new();
        zip.by_name("深圳市市场监督管理局/活动方案.pdf")
            .unwrap()
            .read_to_end(&mut got)
            .unwrap();
        assert_eq!(got, PDF, "{l}");
        let mut text = String::new();
        zip.by_name("深圳市市场监督管理局/报送内容.txt")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(
            text.contains("版本：2") && text.contains("现场照片.JPG"),
            "{l}: {text}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_page_form_sends_files_as_multipart_and_shows_refusals() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let task = setup(&app).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let page = sz.get(&format!("/tasks/{task}")).await;
        assert!(page.text.contains("enctype=\"multipart/form-data\""), "{l}");
        assert!(page.text.contains("type=\"file\""), "{l}");
        assert!(
            page.text.contains("accept=\".pdf,.jpg\""),
            "{l}: {}",
            page.text
        );

        let form = |name: &str, bytes: &[u8], action: &str| {
            Form::new()
                .text("_csrf", sz.csrf.clone())
                .text("summary", "深圳开展活动两场。")
                .text("action", action.to_owned())
                .part(
                    "file",
                    Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
                )
        };
        let post = |f: Form| {
            sz.http
                .post(sz.url(&format!("/tasks/{task}/submission")))
                .multipart(f)
                .send()
        };
        let before = counts(&app).await;
        let big = [PDF, &vec![b' '; 1536 * 1024]].concat();
        let r = post(form("总结.pdf", &big, "submit")).await.unwrap();
        assert_eq!(r.status(), 422, "{l}");
        let text = r.text().await.unwrap();
        assert!(text.contains("超过上限 1 MB"), "{l}: {text}");
        assert!(
            text.contains("深圳开展活动两场。"),
            "{l}: the typed text is kept"
        );
        // A file input left empty is no file: the task requires one.
        let r = post(form("", b"", "submit")).await.unwrap();
        assert_eq!(r.status(), 422, "{l}");
        assert!(r.text().await.unwrap().contains("须附附件"), "{l}");
        assert_eq!(counts(&app).await, before, "{l}: nothing stored");

        // A draft with a file, then sent from the form without choosing again.
        let r = post(form("活动方案.pdf", PDF, "draft")).await.unwrap();
        assert_eq!(r.status(), 200, "{l}: redirected to the task");
        let text = r.text().await.unwrap();
        assert!(
            text.contains("/files/0/0\">活动方案.pdf</a>"),
            "{l}: {text}"
        );
        let r = post(form("", b"", "submit")).await.unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let text = r.text().await.unwrap();
        assert!(
            text.contains("/files/1/0\">活动方案.pdf</a>"),
            "{l}: the version lists it: {text}"
        );
        app.finish().await;
    }
}

/// Bytes that do not compress, behind a PDF's magic: `n` of them, different per `seed`.
fn noise_pdf(seed: u64, n: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    while out.len() < n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.extend_from_slice(&x.to_be_bytes()[..4]);
    }
    out.truncate(n);
    out
}

/// The materials zip is streamed (no length announced, many chunks) and reads back whole:
/// a folder per unit that sent something — across more than one page of recipients — with
/// its text and its files byte for byte, names numbered when they repeat; a unit with only
/// a draft has no folder.
#[tokio::test]
async fn the_materials_zip_streams_a_folder_per_unit_and_reads_back_whole() {
    use renke_domain::org::{AdminLevel, OrgCode, OrgKind};
    use renke_store::orgs::NewOrg;
    const EXTRA: usize = 230;
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        let now = crate::support::t0();
        let extra: Vec<NewOrg> = (0..EXTRA)
            .map(|i| {
                let mut o = NewOrg::new(
                    OrgCode::parse("code", &format!("GD-X{i:03}")).unwrap(),
                    Some(OrgCode::parse("parent", "GD").unwrap()),
                    format!("测试{i:03}市市场监督管理局"),
                    OrgKind::Regulator,
                );
                o.admin_level = Some(AdminLevel::Municipal);
                o
            })
            .collect();
        renke_store::orgs::create_many(app.db(), &extra, now)
            .await
            .unwrap();
        let task = notice_and_task(&app).await;
        let gd = app.login("gd.org", PASSWORD).await;

        // Every extra city sends a text (written directly: the HTTP path is tested above);
        // 深圳 and 广州 send large files through the API; one extra city keeps a draft.
        let t = renke_store::tasks::get(app.db(), task).await.unwrap();
        let by = gd.me["account"]["id"].as_i64().unwrap();
        for i in 0..EXTRA {
            let org = renke_store::orgs::get_by_code(app.db(), &format!("GD-X{i:03}"))
                .await
                .unwrap();
            let content = renke_domain::task::SubmissionInput {
                summary: format!("测试{i:03}市开展活动。"),
                ..Default::default()
            }
            .validate()
            .unwrap();
            let mode = if i == 7 {
                renke_store::tasks::Write::Draft
            } else {
                renke_store::tasks::Write::Submit
            };
            renke_store::tasks::write(
                app.db(),
                &t,
                org.id,
                &content,
                mode,
                None,
                renke_store::tasks::FileChanges::NONE,
                by,
                now,
            )
            .await
            .unwrap();
        }
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let (a, b, c) = (
            noise_pdf(1, 700_000),
            noise_pdf(2, 650_000),
            noise_pdf(3, 600_000),
        );
        let r = send(
            &sz,
            Method::POST,
            task,
            "深圳市报送。",
            &[("活动方案.pdf", &a), ("活动方案.pdf", &b)],
        )
        .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = send(&gz, Method::POST, task, "广州市报送。", &[("海报.pdf", &c)]).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);

        let mut res = gd
            .request(Method::GET, &format!("/api/v1/tasks/{task}/materials.zip"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{l}");
        assert_eq!(res.headers()["content-type"], "application/zip", "{l}");
        assert!(
            res.headers().get("content-length").is_none(),
            "{l}: streamed, not announced: {:?}",
            res.headers()
        );
        let mut bytes = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = res.chunk().await.unwrap() {
            chunks += 1;
            bytes.extend_from_slice(&chunk);
        }
        assert!(chunks > 5, "{l}: {chunks} chunks");
        assert!(bytes.len() > 1_900_000, "{l}: {} bytes", bytes.len());

        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: std::collections::HashSet<String> =
            zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        // A text per unit that sent (all extra cities but one, 深圳, 广州) and three files.
        assert_eq!(names.len(), (EXTRA - 1 + 2) + 3, "{l}");
        for i in (0..EXTRA).filter(|i| *i != 7) {
            let name = format!("测试{i:03}市市场监督管理局/报送内容.txt");
            assert!(names.contains(&name), "{l}: {name}");
        }
        assert!(
            !names.contains("测试007市市场监督管理局/报送内容.txt"),
            "{l}: a draft is not sent"
        );
        for (name, want) in [
            ("深圳市市场监督管理局/活动方案.pdf", &a),
            ("深圳市市场监督管理局/活动方案（2）.pdf", &b),
            ("广州市市场监督管理局/海报.pdf", &c),
        ] {
            let mut got = Vec::new();
            zip.by_name(name)
                .unwrap_or_else(|e| panic!("{l}: {name}: {e}"))
                .read_to_end(&mut got)
                .unwrap();
            assert!(got == *want, "{l}: {name} differs ({} bytes)", got.len());
        }
        let mut text = String::new();
        zip.by_name("测试229市市场监督管理局/报送内容.txt")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(text.contains("测试229市开展活动。"), "{l}: {text}");
        app.finish().await;
    }
}

/// A unit's PDF of `kb` kilobytes whose content is unique to `tag`.
fn pdf_of(tag: &str, kb: usize) -> Vec<u8> {
    let mut b = [PDF, tag.as_bytes()].concat();
    b.resize(kb * 1024, b' ');
    b
}

/// Attaches a PDF to notice `id` through the API.
async fn attach(c: &Client, id: i64, bytes: Vec<u8>) -> Resp {
    let form = Form::new()
        .text("title", "附件")
        .part("file", Part::bytes(bytes).file_name("附件.pdf"));
    c.send(
        c.request(Method::POST, &format!("/api/v1/notices/{id}/attachments"))
            .multipart(form),
    )
    .await
}

/// An upload that may not be made stores nothing: a stranger's submission to another
/// province's task and a stranger's attachment to another bureau's draft answer 404, as for
/// a task or notice that does not exist, and leave no file on disk; a reader who is not a
/// recipient hears `not_a_recipient`, and the collector sending its own summary
/// `summary_not_sent`, also with nothing stored.
#[tokio::test]
async fn refused_uploads_store_nothing_and_strangers_get_404() {
    for app in TestApp::spawn_all_on_disk(Default::default()).await {
        let l = app.label();
        let task = setup(&app).await;
        app.account("sh.staff", Role::Staff, "SH").await;
        let sh = app.login("sh.staff", PASSWORD).await;
        let sh_org = app.login("sh.org", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        assert!(app.stored_objects().is_empty(), "{l}");

        for i in 0..5 {
            let file = pdf_of(&format!("上海{i}"), 900);
            for method in [Method::POST, Method::PUT] {
                let r = send(&sh, method, task, "上海", &[("总结.pdf", &file)]).await;
                assert_eq!(r.status, 404, "{l}: {}", r.text);
            }
        }
        let r = send(&sh, Method::POST, task + 1000, "上海", &[("a.pdf", PDF)]).await;
        assert_eq!(
            r.status, 404,
            "{l}: a task that does not exist answers the same"
        );
        // SAMR's organiser reads the task, but SAMR is not a recipient.
        let cn = app.login("cn.org", PASSWORD).await;
        let r = send(
            &cn,
            Method::POST,
            task,
            "总局",
            &[("a.pdf", &pdf_of("总局", 10))],
        )
        .await;
        assert_eq!(r.status, 409, "{l}: {}", r.text);
        assert_eq!(r.code(), "not_a_recipient", "{l}");
        // Guangdong collects it: what it writes here is its own summary, never sent.
        let r = send(
            &gd,
            Method::POST,
            task,
            "广东",
            &[("a.pdf", &pdf_of("广东", 10))],
        )
        .await;
        assert_eq!(r.status, 409, "{l}: {}", r.text);
        assert_eq!(r.code(), "summary_not_sent", "{l}");

        // A draft notice of Guangdong: Shanghai's organiser may not attach to it.
        let r = gd
            .post(
                "/api/v1/notices",
                json!({
                    "issuer_code": "GD",
                    "doc_number": "粤市监认监〔2022〕254号",
                    "title": "草稿",
                    "recipients": [{"org_code": "GD-SZ"}],
                    "body": "正文。",
                    "written_on": "2022-05-01",
                }),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let draft = r.body["id"].as_i64().unwrap();
        let r = attach(&sh_org, draft, pdf_of("上海附件", 100)).await;
        assert_eq!(r.status, 404, "{l}: {}", r.text);
        assert_eq!(counts(&app).await, [0, 0, 0, 0], "{l}: no rows");
        assert!(
            app.stored_objects().is_empty(),
            "{l}: nothing on disk: {:?}",
            app.stored_objects()
        );

        // What may be stored is.
        let r = attach(&gd, draft, pdf_of("广东附件", 100)).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(app.stored_objects().len(), 1, "{l}");
        app.finish().await;
    }
}

/// Each organisation keeps at most `[files] quota_per_org_mb`: an upload past it is refused
/// with `storage_quota_exceeded` naming the limit, and nothing is saved; another
/// organisation's uploads are not counted against it.
#[tokio::test]
async fn uploads_past_the_organisation_quota_are_refused() {
    let files = renke_app::files::FilesConfig {
        quota_per_org_mb: 1,
        ..Default::default()
    };
    for app in TestApp::spawn_all_on_disk(files).await {
        let l = app.label();
        let task = setup(&app).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let first = pdf_of("深圳一", 600);
        let r = send(&sz, Method::PUT, task, "草稿", &[("一.pdf", &first)]).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        let before = (counts(&app).await, app.stored_objects());

        let second = pdf_of("深圳二", 600);
        let r = send(&sz, Method::POST, task, "深圳", &[("二.pdf", &second)]).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("storage_quota_exceeded"),
            "{l}"
        );
        assert!(r.text.contains("1 MB"), "{l}: the limit: {}", r.text);
        assert!(
            r.text.contains("存储空间"),
            "{l}: Chinese first: {}",
            r.text
        );
        assert_eq!(
            (counts(&app).await, app.stored_objects()),
            before,
            "{l}: nothing saved"
        );
        let sub = sz.get(&format!("/api/v1/submissions/{id}")).await;
        assert_eq!(sub.status, 200, "{l}: {}", sub.text);
        assert!(
            sub.text.contains("\"draft\""),
            "{l}: not sent: {}",
            sub.text
        );

        // Guangzhou has its own quota.
        let r = send(&gz, Method::POST, task, "广州", &[("广州.pdf", &second)]).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        app.finish().await;
    }
}

/// Sets a stored object's modification time.
fn touch(path: &std::path::Path, at: chrono::DateTime<chrono::Utc>) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(at.into()).unwrap();
}

/// The stored object holding `bytes`.
fn object_of(app: &TestApp, bytes: &[u8]) -> std::path::PathBuf {
    app.stored_objects()
        .into_iter()
        .find(|p| std::fs::read(p).unwrap() == bytes)
        .expect("the object is stored")
}

/// The sweep the worker queues every hour removes the files rows nothing lists (a working
/// copy's file removed before sending) and the objects no row names (bytes staged for a
/// write that was refused) once older than an hour, and keeps what is listed and what is
/// younger.
#[tokio::test]
async fn the_hourly_sweep_removes_old_unused_files_and_keeps_the_rest() {
    for app in TestApp::spawn_all_on_disk(Default::default()).await {
        let l = app.label();
        let task = setup(&app).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let (kept, replaced, current) = (pdf_of("保留", 5), pdf_of("替换", 5), pdf_of("当前", 5));
        // Guangzhou sends a file; Shenzhen's draft file is removed and another attached.
        let gz = app.login("gz.staff", PASSWORD).await;
        let r = send(&gz, Method::POST, task, "广州", &[("广州.pdf", &kept)]).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = send(&sz, Method::PUT, task, "草稿", &[("旧.pdf", &replaced)]).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = send_removing(&sz, Method::PUT, task, "草稿", &[("新.pdf", &current)], "0").await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        // Bytes staged for writes that never committed: one old, one in flight.
        let stage = |bytes: Vec<u8>| {
            let files = app.state.files.clone();
            async move {
                files
                    .stage(
                        &renke_store::files::Upload {
                            name: "x.pdf",
                            kind: renke_domain::file::FileKind::Pdf,
                            content: &bytes.into(),
                            org_id: 1,
                            uploaded_by: None,
                        },
                        t0(),
                    )
                    .await
                    .unwrap()
            }
        };
        let (orphan, in_flight) = (pdf_of("孤儿", 5), pdf_of("上传中", 5));
        stage(orphan.clone()).await;
        stage(in_flight.clone()).await;
        assert_eq!(app.stored_objects().len(), 5, "{l}");
        let t0 = app.clock.now();
        for bytes in [&kept, &replaced, &current, &orphan] {
            touch(&object_of(&app, bytes), t0);
        }
        let worker = renke_app::jobs::Worker::new(app.state.app.clone(), "sweeper");
        assert_eq!(
            worker.run_once().await.unwrap().done,
            0,
            "{l}: not on the first pass"
        );
        app.clock.advance(chrono::Duration::minutes(90));
        touch(
            &object_of(&app, &in_flight),
            app.clock.now() - chrono::Duration::minutes(10),
        );
        let pass = worker.run_once().await.unwrap();
        assert_eq!((pass.done, pass.failed), (1, 0), "{l}: the sweep ran");

        let left: Vec<_> = app.stored_objects();
        for (bytes, what) in [(&kept, "sent"), (&current, "listed"), (&in_flight, "young")] {
            assert!(
                left.contains(&object_of(&app, bytes)),
                "{l}: the {what} file is kept"
            );
        }
        assert_eq!(
            left.len(),
            3,
            "{l}: the orphan and the replaced file are gone: {left:?}"
        );
        assert_eq!(
            counts(&app).await[2],
            2,
            "{l}: the replaced file's row is gone"
        );
        // What is kept still downloads.
        let (status, bytes) = download(&sz, &format!("/api/v1/submissions/{id}/files/0/0")).await;
        assert_eq!((status, bytes), (200, current.clone()), "{l}");
        // An hour later the bytes that were in flight, never listed, are old and go too.
        app.clock.advance(chrono::Duration::minutes(61));
        assert_eq!(worker.run_once().await.unwrap().done, 1, "{l}");
        assert_eq!(
            app.stored_objects().len(),
            2,
            "{l}: the in-flight bytes, now old, too"
        );
        app.finish().await;
    }
}

/// A resubmission after a return keeps the files already sent: new files are added after
/// them, and a file goes only when named in `remove` (惠州 lost its report PDF this way).
/// Each version keeps its own list.
#[tokio::test]
async fn a_resubmission_keeps_earlier_files_unless_removed() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let task = setup(&app).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let (report, photo1, photo2, photo3) = (
            pdf_of("报告", 3),
            pdf_of("照片一", 3),
            pdf_of("照片二", 3),
            pdf_of("照片三", 3),
        );
        let r = send(
            &sz,
            Method::POST,
            task,
            "第一版",
            &[("报告.pdf", &report), ("照片一.pdf", &photo1)],
        )
        .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        let return_it = async || {
            let r = gd
                .post(
                    &format!("/api/v1/submissions/{id}/review"),
                    json!({"decision": "return", "reason": "请补充活动照片。"}),
                )
                .await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
        };
        return_it().await;
        // Version 2: two more photos, nothing removed — all four go.
        let r = send(
            &sz,
            Method::POST,
            task,
            "第二版",
            &[("照片二.pdf", &photo2), ("照片三.pdf", &photo3)],
        )
        .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["version"], 2);
        for (pos, bytes) in [&report, &photo1, &photo2, &photo3].into_iter().enumerate() {
            let got = download(&gd, &format!("/api/v1/submissions/{id}/files/2/{pos}")).await;
            assert_eq!(got, (200, bytes.clone()), "{l}: version 2, file {pos}");
        }
        // Version 3 drops the first photo (position 1) and adds nothing.
        return_it().await;
        let r = send_removing(&sz, Method::POST, task, "第三版", &[], "1").await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let names = |v: i64| {
            let c = gd.clone();
            async move {
                let d = c.get(&format!("/api/v1/submissions/{id}")).await;
                d.body["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| f["version"] == v)
                    .map(|f| f["name"].as_str().unwrap().to_owned())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            names(3).await,
            ["报告.pdf", "照片二.pdf", "照片三.pdf"],
            "{l}"
        );
        assert_eq!(names(2).await.len(), 4, "{l}: version 2 keeps its list");
        assert_eq!(names(1).await, ["报告.pdf", "照片一.pdf"], "{l}");
        // Removing every file of a task that requires one is refused, and nothing changes.
        return_it().await;
        let r = send_removing(&sz, Method::POST, task, "第四版", &[], "0,2,3").await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.field_code("file").as_deref(), Some("attachment_required"));
        let r = send_removing(&sz, Method::POST, task, "第四版", &[], "x").await;
        assert_eq!(
            r.field_code("remove").as_deref(),
            Some("unknown_value"),
            "{l}"
        );
        app.finish().await;
    }
}
