//! Publicity (宣传): a city uploads a photo with its consent note; the province above it
//! sees it awaiting review, returns nothing without a reason, accepts and publishes it; the
//! photo is then in the campaign's public download zone with its thumbnail, and each
//! download counts. Another city neither sees nor reviews it, a lab never publishes, and
//! bad uploads are refused naming the field.

use crate::support::{Client, PASSWORD, Resp, TestApp};
use renke_domain::perm::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n";

/// A 640 × 480 JPEG photo.
pub(crate) fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70)
        .encode_image(&img)
        .unwrap();
    out
}

/// The tree, the accounts (Guangdong's organiser, staff of Shenzhen, Guangzhou and the
/// Shenzhen lab) and Guangdong's public campaign; returns the campaign's id.
async fn setup(app: &TestApp) -> i64 {
    app.tree().await;
    for (login, role, org) in [
        ("gd.org", Role::Organiser, "GD"),
        ("sz.staff", Role::Staff, "GD-SZ"),
        ("gz.staff", Role::Staff, "GD-GZ"),
        ("lab.staff", Role::Staff, "LAB-SZ"),
    ] {
        app.account(login, role, org).await;
    }
    let gd = app.login("gd.org", PASSWORD).await;
    let r = gd
        .post(
            "/api/v1/campaigns",
            json!({
                "title": "第十五个“世界认可日”广东活动",
                "edition": "15",
                "day": "2022-06-09",
                "owner_code": "GD",
                "public": true,
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}: {}", app.label(), r.text);
    r.body["id"].as_i64().unwrap()
}

/// Uploads a material through the API (multipart): the text fields and, when given, a file.
async fn upload(c: &Client, fields: &[(&str, &str)], file: Option<(&str, Vec<u8>)>) -> Resp {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    }
    c.send(
        c.request(Method::POST, "/api/v1/publicity/materials")
            .multipart(form),
    )
    .await
}

async fn step(c: &Client, id: i64, step: &str, reason: &str) -> Resp {
    c.post(
        &format!("/api/v1/publicity/materials/{id}/step"),
        json!({"step": step, "reason": reason}),
    )
    .await
}

/// The raw bytes and content type of a GET.
async fn bytes(c: &Client, path: &str) -> (u16, String, Vec<u8>) {
    let res = c.request(Method::GET, path).send().await.unwrap();
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, kind, res.bytes().await.unwrap().to_vec())
}

fn ids(v: &Value) -> Vec<i64> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_city_photo_is_reviewed_by_the_province_and_downloaded_from_the_public_zone() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let cid = campaign.to_string();
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let lab = app.login("lab.staff", PASSWORD).await;
        let anon = app.anonymous();

        // Before anything is published the zone says so.
        let page = anon.get(&format!("/campaigns/{campaign}")).await;
        assert_eq!(page.status, 200, "{l}");
        assert!(page.text.contains("本主题活动尚未发布宣传资料"), "{l}");

        // Bad uploads are refused, each naming its field.
        let photo_fields = [
            ("campaign_id", cid.as_str()),
            ("kind", "photo"),
            ("title", "深圳实验室开放日现场"),
            ("tags", "开放日，实验室"),
            ("consent", "画面中人员均已书面同意用于宣传。"),
        ];
        let r = upload(&sz, &photo_fields, Some(("开放日.pdf", PDF.to_vec()))).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("file_type_refused"),
            "{l}"
        );
        let r = upload(&sz, &photo_fields[..4], Some(("开放日.jpg", photo()))).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.fields(), vec!["consent"], "{l}");
        assert_eq!(
            r.field_code("consent").as_deref(),
            Some("consent_required"),
            "{l}"
        );
        let r = upload(
            &sz,
            &photo_fields,
            Some(("broken.jpg", b"\xFF\xD8\xFF\xE0 not a jpeg".to_vec())),
        )
        .await;
        assert_eq!(
            r.field_code("file").as_deref(),
            Some("image_unreadable"),
            "{l}"
        );

        // Shenzhen uploads its photo; a thumbnail is made.
        let r = upload(&sz, &photo_fields, Some(("开放日.jpg", photo()))).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        assert_eq!(r.body["state"], "submitted", "{l}");
        assert_eq!(r.body["org_name"], "深圳市市场监督管理局", "{l}");
        assert_eq!(r.body["tags"], json!(["开放日", "实验室"]), "{l}");
        let thumb_url = r.body["thumbnail_url"].as_str().unwrap().to_owned();
        let (status, kind, thumb) = bytes(&sz, &thumb_url).await;
        assert_eq!((status, kind.as_str()), (200, "image/jpeg"), "{l}");
        let t = image::load_from_memory(&thumb).unwrap();
        assert_eq!((t.width(), t.height()), (320, 240), "{l}");
        let mine = sz.get("/api/v1/publicity/materials").await;
        assert_eq!(ids(&mine.body), vec![id], "{l}");

        // Not published yet: the public, another city and the lab below Shenzhen do not
        // see it, and the other city cannot review it.
        assert_eq!(
            anon.get(&format!("/api/v1/publicity/materials/{id}"))
                .await
                .status,
            404,
            "{l}"
        );
        assert_eq!(
            anon.get(&format!("/publicity/{id}")).await.status,
            404,
            "{l}"
        );
        assert_eq!(
            gz.get(&format!("/api/v1/publicity/materials/{id}"))
                .await
                .status,
            404,
            "{l}"
        );
        assert_eq!(step(&gz, id, "accept", "").await.status, 404, "{l}");
        assert_eq!(
            bytes(&gz, &format!("/publicity/{id}/file")).await.0,
            404,
            "{l}"
        );
        let r = gz.get("/api/v1/publicity/materials?tab=review").await;
        assert_eq!(r.status, 200, "{l}");
        assert!(ids(&r.body).is_empty(), "{l}");
        assert_eq!(
            lab.get(&format!("/publicity/{id}")).await.status,
            404,
            "{l}"
        );
        // The unit cannot review its own material.
        assert_eq!(step(&sz, id, "accept", "").await.status, 403, "{l}");

        // The province sees it awaiting its review, on the API and on its page.
        let r = gd
            .get("/api/v1/publicity/materials?tab=review&state=submitted")
            .await;
        assert_eq!(ids(&r.body), vec![id], "{l}: {}", r.text);
        assert_eq!(r.body["reviews"], true, "{l}");
        let page = gd.get("/publicity?tab=review&state=submitted").await;
        assert!(page.text.contains("深圳实验室开放日现场"), "{l}");
        let r = gd.get(&format!("/api/v1/publicity/materials/{id}")).await;
        assert_eq!(r.body["steps"], json!(["accept", "return"]), "{l}");

        // A return needs a reason (the API and the page's form name the field).
        let r = step(&gd, id, "return", "  ").await;
        assert_eq!(r.status, 422, "{l}");
        assert_eq!(r.field_code("reason").as_deref(), Some("required"), "{l}");
        let page = gd
            .form(
                &format!("/publicity/{id}/step"),
                &[("step", "return"), ("reason", "")],
            )
            .await;
        assert_eq!(page.status, 422, "{l}");
        assert!(page.text.contains("reason-err"), "{l}");

        // Publishing before acceptance is refused; accept, then publish.
        assert_eq!(step(&gd, id, "publish", "").await.status, 409, "{l}");
        let r = step(&gd, id, "accept", "").await;
        assert_eq!(r.body["material"]["state"], "accepted", "{l}: {}", r.text);
        assert_eq!(step(&sz, id, "withdraw", "").await.status, 409, "{l}");
        let r = step(&gd, id, "publish", "").await;
        assert_eq!(r.body["material"]["state"], "published", "{l}: {}", r.text);

        // The anonymous public page's download zone shows it with its thumbnail.
        let zone = anon
            .get(&format!("/api/v1/publicity/campaigns/{campaign}/zone"))
            .await;
        assert_eq!(zone.status, 200, "{l}: {}", zone.text);
        assert_eq!(ids(&zone.body), vec![id], "{l}");
        assert_eq!(zone.body["items"][0]["downloads"], 0, "{l}");
        assert_eq!(zone.body["units"][0]["name"], "深圳市市场监督管理局", "{l}");
        let page = anon.get(&format!("/campaigns/{campaign}")).await;
        assert!(page.text.contains("深圳实验室开放日现场"), "{l}");
        assert!(page.text.contains(&format!("/publicity/{id}/thumb")), "{l}");
        assert_eq!(bytes(&anon, &format!("/publicity/{id}/thumb")).await.0, 200);
        // Its page opens for a visitor (linked from the zone and the public search), without
        // the review's steps and with the way back to the zone.
        assert!(
            page.text.contains(&format!("href=\"/publicity/{id}\"")),
            "{l}"
        );
        let p = anon.get(&format!("/publicity/{id}")).await;
        assert_eq!(p.status, 200, "{l}");
        assert!(p.text.contains("深圳实验室开放日现场"), "{l}");
        assert!(!p.text.contains("/step"), "{l}");
        assert!(
            p.text
                .contains(&format!("/campaigns/{campaign}#s-pub.downloads")),
            "{l}"
        );
        // Filtered by another kind, it is not there.
        let page = anon
            .get(&format!("/campaigns/{campaign}?kind=poster"))
            .await;
        assert!(!page.text.contains("深圳实验室开放日现场"), "{l}");
        assert!(page.text.contains("没有符合筛选条件的资料"), "{l}");

        // A download streams the file and counts.
        let (status, kind, file) = bytes(&anon, &format!("/publicity/{id}/file")).await;
        assert_eq!((status, kind.as_str()), (200, "image/jpeg"), "{l}");
        assert_eq!(file, photo(), "{l}");
        let zone = anon
            .get(&format!(
                "/api/v1/publicity/campaigns/{campaign}/zone?kind=photo"
            ))
            .await;
        assert_eq!(zone.body["items"][0]["downloads"], 1, "{l}");

        // A lab's clipping: Shenzhen (its superior) accepts it; the lab cannot publish it.
        let r = upload(
            &lab,
            &[
                ("campaign_id", cid.as_str()),
                ("kind", "clipping"),
                ("title", "深圳特区报：计量院开放日"),
            ],
            Some(("报道.pdf", PDF.to_vec())),
        )
        .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let clip = r.body["id"].as_i64().unwrap();
        assert_eq!(step(&sz, clip, "accept", "").await.status, 200, "{l}");
        assert_eq!(step(&lab, clip, "publish", "").await.status, 403, "{l}");
        assert_eq!(
            sz.get(&format!("/api/v1/publicity/materials/{clip}"))
                .await
                .body["steps"],
            json!(["publish"]),
            "{l}"
        );
        app.finish().await;
    }
}

/// Returned material goes back to the unit, which resubmits it; official material of the
/// campaign's organiser is published at once; a unit withdraws what is not yet accepted.
#[tokio::test]
async fn returned_material_is_resubmitted_and_official_material_is_published_at_once() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let campaign = setup(&app).await;
        let cid = campaign.to_string();
        let gz = app.login("gz.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let video = [
            ("campaign_id", cid.as_str()),
            ("kind", "video"),
            ("title", "广州认可日宣传片"),
            ("consent", "已取得出镜人员授权。"),
            ("link", "https://video.example.org/gz-2022"),
        ];
        let r = upload(&gz, &video, None).await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let id = r.body["id"].as_i64().unwrap();
        let r = step(&gd, id, "return", "请补充拍摄时间和地点。").await;
        assert_eq!(r.body["material"]["state"], "returned", "{l}");
        let mine = gz.get("/api/v1/publicity/materials?state=returned").await;
        assert_eq!(
            mine.body["items"][0]["reason"], "请补充拍摄时间和地点。",
            "{l}"
        );
        let r = step(&gz, id, "resubmit", "").await;
        assert_eq!(r.body["material"]["state"], "submitted", "{l}");
        assert_eq!(r.body["material"]["reason"], Value::Null, "{l}");
        let r = step(&gz, id, "withdraw", "").await;
        assert_eq!(r.body["material"]["state"], "withdrawn", "{l}");

        // A poster as official material: no consent note needed, published at once, first
        // in the zone.
        let r = upload(
            &gd,
            &[
                ("campaign_id", cid.as_str()),
                ("kind", "poster"),
                ("title", "世界认可日海报（印刷版）"),
                ("official", "1"),
            ],
            Some(("poster.pdf", PDF.to_vec())),
        )
        .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(r.body["state"], "published", "{l}");
        assert_eq!(r.body["official"], true, "{l}");
        let poster = r.body["id"].as_i64().unwrap();
        // A city does not add official material.
        let r = upload(
            &gz,
            &[
                ("campaign_id", cid.as_str()),
                ("kind", "poster"),
                ("title", "海报"),
                ("official", "1"),
            ],
            Some(("poster.pdf", PDF.to_vec())),
        )
        .await;
        assert_eq!(r.status, 403, "{l}");
        let zone = app
            .anonymous()
            .get(&format!("/api/v1/publicity/campaigns/{campaign}/zone"))
            .await;
        assert_eq!(ids(&zone.body), vec![poster], "{l}");
        app.finish().await;
    }
}
