//! Files and the certificate of proficiency testing (能力验证) through `/api/v1/pt` and the
//! pages, over the demo directory: a round's instructions document (作业指导书) and who may
//! read or change it, a follow-up's evidence files (证据材料), the files sweep keeping both,
//! and each lab's certificate of participation (能力验证参加证明) after release.

use crate::api_docs::assert_conforms;
use crate::pdf::pdf_text;
use crate::pt::{
    apply, approve, codes, demo_directory, demo_login, enrolment, evaluate, get_round, invite,
    measurand_ids, round, scheme,
};
use crate::support::{Client, PASSWORD, Resp, TestApp};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
const PDF2: &[u8] = b"%PDF-1.7\n% second edition\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR evidence";

/// A multipart POST of `files` (name, bytes), each as a `file` part.
async fn upload(c: &Client, path: &str, files: &[(&str, &[u8])]) -> Resp {
    let mut form = Form::new();
    for (name, bytes) in files {
        form = form.part(
            "file",
            Part::bytes(bytes.to_vec()).file_name((*name).to_owned()),
        );
    }
    c.send(c.request(Method::POST, path).multipart(form)).await
}

/// A download's status and raw bytes.
async fn download(c: &Client, path: &str) -> (u16, Vec<u8>) {
    let r = c.request(Method::GET, path).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.bytes().await.unwrap().to_vec())
}

/// The instructions document: uploaded by the provider, replaced, downloaded by a lab the
/// round is open to and by an invited lab once invited (404 before, as for an unrelated
/// lab); a lab may not upload it (403 when it sees the round, 404 when not); a file of
/// another type is refused on `file`; the round form takes it on creation.
#[tokio::test]
async fn a_rounds_instructions_document() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        demo_directory(&app).await;
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let gd = demo_login(&app, "gd.organiser").await;
        let s = scheme(&app, &gd, &["汞 (Hg)"]).await;
        let view = round(&app, &gd, s, "GDPT-2022-41", (true, true, false)).await;
        let id = view["round"]["id"].as_i64().unwrap();
        assert!(view["round"]["instructions_file_id"].is_null(), "{l}");
        let path = format!("/api/v1/pt/rounds/{id}/instructions");
        let lab = demo_login(&app, "lab.staff").await;
        let jly = app.login("jly.lab", PASSWORD).await;
        let shja = app.login("shja.lab", PASSWORD).await;
        assert_eq!(download(&lab, &path).await.0, 404, "{l}: none uploaded yet");

        // A file of a type instructions do not take, and one whose content is not its
        // extension's: refused on `file`, nothing stored.
        let r = upload(&gd, &path, &[("样品照片.png", PNG)]).await;
        assert_eq!(
            (r.status, r.field_code("file").as_deref()),
            (422, Some("file_type_refused")),
            "{l}: {}",
            r.text
        );
        let r = upload(&gd, &path, &[("作业指导书.pdf", PNG)]).await;
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("file_content_mismatch"),
            "{l}"
        );
        let no_file = Form::new().text("note", "没有文件".to_owned());
        let r = gd
            .send(gd.request(Method::POST, &path).multipart(no_file))
            .await;
        assert_eq!(r.field_code("file").as_deref(), Some("required"), "{l}");
        assert!(get_round(&gd, id).await.body["round"]["instructions_file_id"].is_null());

        let r = upload(&gd, &path, &[("作业指导书（第1版）.pdf", PDF)]).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_conforms(&doc, "post", "/api/v1/pt/rounds/{id}/instructions", &r);
        assert_eq!(
            (r.body["name"].as_str(), r.body["kind"].as_str()),
            (Some("作业指导书（第1版）.pdf"), Some("pdf")),
            "{l}"
        );
        // Replaced by a second edition: the round names the new file.
        let r = upload(&gd, &path, &[("作业指导书（第2版）.pdf", PDF2)]).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let file_id = r.body["id"].as_i64().unwrap();
        assert_eq!(
            get_round(&lab, id).await.body["round"]["instructions_file_id"],
            file_id,
            "{l}"
        );

        // The provider and the lab the round is open to download it; the national-CMA lab
        // only once invited; a Shanghai lab never.
        for (who, c) in [("provider", &gd), ("qualifying lab", &lab)] {
            assert_eq!(download(c, &path).await, (200, PDF2.to_vec()), "{l}: {who}");
        }
        assert_eq!(download(&jly, &path).await.0, 404, "{l}: not invited yet");
        assert_eq!(download(&shja, &path).await.0, 404, "{l}: unrelated lab");
        let r = invite(&gd, id, json!({"lab_code": "GD-SZ-JLY"})).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            download(&jly, &path).await,
            (200, PDF2.to_vec()),
            "{l}: invited"
        );
        assert_eq!(download(&shja, &path).await.0, 404, "{l}: unrelated lab");
        let r = jly.get(&format!("/pt/rounds/{id}/instructions")).await;
        assert_eq!(r.status, 200, "{l}: the page's link");
        let html = jly.get(&format!("/pt/rounds/{id}")).await.text;
        assert!(
            html.contains(&format!("href=\"/pt/rounds/{id}/instructions\""))
                && html.contains("作业指导书（第2版）.pdf"),
            "{l}: the round page shows the document"
        );
        assert!(
            !html.contains("upload-instructions"),
            "{l}: no upload form for a lab"
        );

        // The page's form: a refused file comes back beside the form.
        let page_form = Form::new().part(
            "file",
            Part::bytes(PNG).file_name("样品照片.png".to_owned()),
        );
        let r = gd
            .send(
                gd.request(Method::POST, &format!("/pt/rounds/{id}/instructions"))
                    .multipart(page_form),
            )
            .await;
        assert_eq!(r.status, 422, "{l}");
        assert!(
            r.text.contains("id=\"instructions-upload-err\"") && r.text.contains("样品照片.png"),
            "{l}: {}",
            r.text
        );

        // Only the provider changes it.
        let r = upload(&jly, &path, &[("另一份.pdf", PDF)]).await;
        assert_eq!(r.status, 403, "{l}: a lab that sees the round: {}", r.text);
        let r = upload(&shja, &path, &[("另一份.pdf", PDF)]).await;
        assert_eq!(r.status, 404, "{l}: a lab that does not");
        assert_eq!(download(&lab, &path).await.1, PDF2.to_vec(), "{l}");

        // The round form takes the document with the round; a refused one is named on
        // `instructions_file` beside the other fields, and no round is created.
        let form = |file: (&str, &'static [u8]), code: &str| {
            Form::new()
                .text("scheme_id", s.to_string())
                .text("code", code.to_owned())
                .text("title", "2022年饲料中铅含量测定能力验证".to_owned())
                .text("enrol_until", "2022-05-20T17:00".to_owned())
                .text("dispatch_on", "2022-05-23".to_owned())
                .text("results_until", "2022-06-10T17:00".to_owned())
                .text("provincial_cma", "1".to_owned())
                .part("file", Part::bytes(file.1).file_name(file.0.to_owned()))
        };
        let r = gd
            .send(
                gd.request(Method::POST, "/pt/rounds/new")
                    .multipart(form(("指导书.png", PNG), "GDPT-2022-42")),
            )
            .await;
        assert_eq!(r.status, 422, "{l}");
        assert!(
            r.text.contains("id=\"instructions_file-err\"") && r.text.contains("指导书.png"),
            "{l}: {}",
            r.text
        );
        let r = gd
            .send(
                gd.request(Method::POST, "/pt/rounds/new")
                    .multipart(form(("作业指导书.pdf", PDF), "GDPT-2022-42")),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let listed = gd.get("/api/v1/pt/rounds").await.body;
        let created = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == "GDPT-2022-42")
            .unwrap();
        let new_id = created["id"].as_i64().unwrap();
        assert!(created["instructions_file_id"].is_i64(), "{l}: {created}");
        assert_eq!(
            download(&lab, &format!("/api/v1/pt/rounds/{new_id}/instructions")).await,
            (200, PDF.to_vec()),
            "{l}"
        );
        app.finish().await;
    }
}

/// A released round of three labs (Guangzhou, Foshan, Dongguan) on one measurand, with
/// the instructions document uploaded twice: Guangzhou unsatisfactory (z = 3.94), Foshan
/// satisfactory, Dongguan questionable. Returns the round's id.
async fn released_round(app: &TestApp, gd: &Client, labs: [&Client; 3]) -> i64 {
    let l = app.label();
    let s = scheme(app, gd, &["汞 (Hg)"]).await;
    let view = round(app, gd, s, "GDPT-2022-51", (true, false, false)).await;
    let id = view["round"]["id"].as_i64().unwrap();
    let m = measurand_ids(&view);
    let path = format!("/api/v1/pt/rounds/{id}/instructions");
    assert_eq!(upload(gd, &path, &[("第1版.pdf", PDF)]).await.status, 200);
    assert_eq!(upload(gd, &path, &[("第2版.pdf", PDF2)]).await.status, 200);
    for c in labs {
        assert_eq!(apply(c, id, &m).await.status, 201, "{l}");
    }
    approve(app, gd, id, &["GD-GZ-LAB1", "GD-FS-LAB1", "GD-DG-LAB1"]).await;
    let r = gd
        .post(&format!("/api/v1/pt/rounds/{id}/testing"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);
    let codes = codes(gd, id).await;
    let rows: Vec<Value> = [
        ("GD-GZ-LAB1", "0.070"),
        ("GD-FS-LAB1", "0.045"),
        ("GD-DG-LAB1", "0.0575"),
    ]
    .iter()
    .map(|(lab, x)| {
        json!({"sample_code": codes[*lab], "measurand": "汞 (Hg)", "value": x, "unit": "mg/kg"})
    })
    .collect();
    let r = gd
        .post(
            &format!("/api/v1/pt/rounds/{id}/results"),
            json!({"rows": rows, "note": "实验室邮件报送，由提供者代录"}),
        )
        .await;
    assert_eq!(r.status, 200, "{l}: {}", r.text);
    let r = evaluate(gd, id, m[0], "0.044", "0.001", "0.0066").await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    id
}

async fn release(app: &TestApp, gd: &Client, id: i64) {
    let r = gd
        .post(&format!("/api/v1/pt/rounds/{id}/release"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}: {}", app.label(), r.text);
}

/// Evidence of a follow-up: the lab uploads several files, the provider and the city
/// bureau download the same bytes, another lab gets 404; a wrong type and an eleventh
/// file are refused on `file`; the lab removes one while it answers, and not once the
/// answer is submitted or the follow-up closed. The files sweep then keeps the
/// instructions document and the evidence and removes only what nothing lists (the
/// replaced instructions, the removed evidence). The certificate: 404 before release;
/// after, the lab's name, the round's code and its class, for the lab, its bureau and the
/// provider, not for another lab.
#[tokio::test]
async fn evidence_sweep_and_certificate() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        demo_directory(&app).await;
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let gd = demo_login(&app, "gd.organiser").await;
        let lab = demo_login(&app, "lab.staff").await;
        let fs = app.login("fs.lab", PASSWORD).await;
        let dg = app.login("dg.lab", PASSWORD).await;
        let gdgz = app.login("gdgz.organiser", PASSWORD).await;
        let sz_viewer = demo_login(&app, "gdsz.viewer").await;
        let id = released_round(&app, &gd, [&lab, &fs, &dg]).await;
        let provider_view = get_round(&gd, id).await.body;
        let e = enrolment(&provider_view, "GD-GZ-LAB1")["id"]
            .as_i64()
            .unwrap();
        let e_fs = enrolment(&provider_view, "GD-FS-LAB1")["id"]
            .as_i64()
            .unwrap();

        // No certificate before release, not even for the provider.
        let cert = format!("/api/v1/pt/enrolments/{e}/certificate.pdf");
        for (who, c) in [("lab", &lab), ("provider", &gd)] {
            let r = c.get(&cert).await;
            assert_eq!(r.status, 404, "{l}: {who} before release: {}", r.text);
        }
        release(&app, &gd, id).await;

        // After release the instructions are locked.
        let r = upload(
            &gd,
            &format!("/api/v1/pt/rounds/{id}/instructions"),
            &[("第3版.pdf", PDF)],
        )
        .await;
        assert_eq!((r.status, r.code()), (409, "round_released"), "{l}");

        let list = lab
            .get(&format!("/api/v1/pt/followups?round_id={id}"))
            .await;
        let fid = list.body[0]["id"].as_i64().unwrap();
        let files = format!("/api/v1/pt/followups/{fid}/files");
        let r = lab.get(&files).await;
        assert_eq!((r.status, &r.body), (200, &json!([])), "{l}: {}", r.text);

        // The lab uploads two files at once; refusals name `file`.
        let r = upload(
            &lab,
            &files,
            &[("方法验证记录.pdf", PDF), ("仪器校准证书.png", PNG)],
        )
        .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_conforms(&doc, "post", "/api/v1/pt/followups/{id}/files", &r);
        let names: Vec<&str> = r
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["方法验证记录.pdf", "仪器校准证书.png"], "{l}");
        let pdf_id = r.body[0]["id"].as_i64().unwrap();
        let png_id = r.body[1]["id"].as_i64().unwrap();
        let r = upload(&lab, &files, &[("记录.exe", &b"MZ\x90\0"[..])]).await;
        assert_eq!(
            (r.status, r.field_code("file").as_deref()),
            (422, Some("file_type_refused")),
            "{l}: {}",
            r.text
        );
        let nine: Vec<(&str, &[u8])> = (0..9).map(|_| ("照片.png", PNG)).collect();
        let r = upload(&lab, &files, &nine).await;
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("too_many_files"),
            "{l}: 2 + 9 > 10: {}",
            r.text
        );
        assert_eq!(lab.get(&files).await.body.as_array().unwrap().len(), 2);

        // Who reads them: the provider and the Guangzhou bureau, the same bytes; not
        // another lab nor Shenzhen's viewer. Only the lab uploads.
        let one = format!("{files}/{pdf_id}");
        for (who, c) in [("provider", &gd), ("city bureau", &gdgz), ("lab", &lab)] {
            assert_eq!(download(c, &one).await, (200, PDF.to_vec()), "{l}: {who}");
            let r = c.get(&files).await;
            assert_eq!(r.body.as_array().map(Vec::len), Some(2), "{l}: {who}");
        }
        assert_conforms(
            &doc,
            "get",
            "/api/v1/pt/followups/{id}/files",
            &gd.get(&files).await,
        );
        for (who, c) in [("another lab", &fs), ("Shenzhen's viewer", &sz_viewer)] {
            assert_eq!(download(c, &one).await.0, 404, "{l}: {who}");
            assert_eq!(c.get(&files).await.status, 404, "{l}: {who}");
            let r = upload(c, &files, &[("x.pdf", PDF)]).await;
            assert_eq!(r.status, 404, "{l}: {who}");
            assert_eq!(c.delete(&one).await.status, 404, "{l}: {who}");
        }
        let r = upload(&gd, &files, &[("x.pdf", PDF)]).await;
        assert_eq!(r.status, 403, "{l}: the provider does not answer");
        assert_eq!(gd.delete(&one).await.status, 403, "{l}");
        assert_eq!(
            download(&gd, &format!("{files}/{}", pdf_id + 1000)).await.0,
            404,
            "{l}: not one of its files"
        );
        let html = gd.get(&format!("/pt/followups/{fid}")).await.text;
        assert!(
            html.contains(&format!("href=\"/pt/followups/{fid}/files/{pdf_id}\""))
                && html.contains("方法验证记录.pdf"),
            "{l}: the follow-up page lists the evidence"
        );

        // The page's form: several files at once, or a refusal beside the form.
        let page_form = |name: &str, bytes: &'static [u8]| {
            Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()))
        };
        let page_path = format!("/pt/followups/{fid}/files");
        let r = lab
            .send(
                lab.request(Method::POST, &page_path)
                    .multipart(page_form("记录.txt", b"text")),
            )
            .await;
        assert_eq!(r.status, 422, "{l}");
        assert!(r.text.contains("id=\"evidence-err\""), "{l}: {}", r.text);

        // The lab removes the photo while answering; once submitted, and once closed,
        // nothing changes.
        let r = lab.delete(&format!("{files}/{png_id}")).await;
        assert_eq!(r.status, 204, "{l}: {}", r.text);
        assert_eq!(
            download(&gd, &format!("{files}/{png_id}")).await.0,
            404,
            "{l}"
        );
        let r = lab
            .send(
                lab.request(Method::POST, &page_path)
                    .multipart(page_form("补充记录.pdf", PDF2)),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert!(r.text.contains("已上传 1 个证据材料"), "{l}");
        let names: Vec<String> = lab
            .get(&files)
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["方法验证记录.pdf", "补充记录.pdf"], "{l}");
        let r = lab
            .post(
                &format!("/api/v1/pt/followups/{fid}/answer"),
                json!({"root_cause": "消解温度偏高导致汞损失。", "action": "改用密闭微波消解，附方法验证记录。"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = lab.delete(&one).await;
        assert_eq!((r.status, r.code()), (409, "followup_submitted"), "{l}");
        let r = upload(&lab, &files, &[("补充.pdf", PDF2)]).await;
        assert_eq!((r.status, r.code()), (409, "followup_submitted"), "{l}");
        let r = gd
            .post(
                &format!("/api/v1/pt/followups/{fid}/review"),
                json!({"decision": "close"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let r = lab.delete(&one).await;
        assert_eq!((r.status, r.code()), (409, "followup_closed"), "{l}");
        let r = lab
            .form(&format!("/pt/followups/{fid}/files/{pdf_id}/remove"), &[])
            .await;
        assert_eq!(r.status, 409, "{l}: the page's button too");
        assert_eq!(download(&gd, &one).await, (200, PDF.to_vec()), "{l}");

        // The sweep, an hour on with no grace: the instructions and the evidence stay;
        // the replaced first edition and the removed photo go.
        app.clock.advance(chrono::Duration::hours(1));
        let swept = renke_app::files::sweep(&app.state.app, chrono::Duration::zero())
            .await
            .unwrap();
        assert_eq!(swept.rows, 2, "{l}: {swept:?}");
        assert_eq!(download(&gd, &one).await, (200, PDF.to_vec()), "{l}");
        assert_eq!(
            download(&lab, &format!("/api/v1/pt/rounds/{id}/instructions")).await,
            (200, PDF2.to_vec()),
            "{l}"
        );

        // The certificate: the lab, its city bureau and the provider; not another lab nor
        // Shenzhen's viewer.
        let r = lab.get(&cert).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.headers["content-type"], "application/pdf", "{l}");
        let bytes = lab
            .request(Method::GET, &cert)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let text = pdf_text(&bytes);
        for s in [
            "能力验证参加证明",
            "广州穗准检测技术有限公司",
            "GDPT-2022-51",
            "汞(Hg)",
            "不满意",
            "广东省市场监督管理局",
            "2022年5月1日",
            &format!("GDPT-2022-51-{e:05}"),
        ] {
            assert!(text.contains(s), "{l}: {s} in {text}");
        }
        for (who, c) in [("city bureau", &gdgz), ("provider", &gd)] {
            assert_eq!(c.get(&cert).await.status, 200, "{l}: {who}");
        }
        for (who, c) in [("another lab", &fs), ("Shenzhen's viewer", &sz_viewer)] {
            assert_eq!(c.get(&cert).await.status, 404, "{l}: {who}");
        }
        let foshan = pdf_text(
            &fs.request(
                Method::GET,
                &format!("/api/v1/pt/enrolments/{e_fs}/certificate.pdf"),
            )
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
        );
        assert!(
            foshan.contains("佛山") && foshan.contains("满意") && !foshan.contains("不满意"),
            "{l}: {foshan}"
        );
        // The links: the lab's round page and the provider's enrolment table.
        let html = lab.get(&format!("/pt/rounds/{id}")).await.text;
        assert!(
            html.contains(&format!("href=\"/pt/enrolments/{e}/certificate.pdf\"")),
            "{l}: the lab's page links its certificate"
        );
        let html = gd.get(&format!("/pt/rounds/{id}")).await.text;
        assert!(
            html.contains(&format!("href=\"/pt/enrolments/{e_fs}/certificate.pdf\"")),
            "{l}: the provider's table links each certificate"
        );
        let r = lab
            .get(&format!("/pt/enrolments/{e}/certificate.pdf"))
            .await;
        assert_eq!(r.status, 200, "{l}: the page route");
        app.finish().await;
    }
}
