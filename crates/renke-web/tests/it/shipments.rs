//! Poster distribution (海报寄送): Guangdong sends posters to every city bureau directly
//! below it in one shipment (and to Shanghai beside it in another); each city is told,
//! confirms receipt once and put-up only after receipt, with a photo kept with its
//! thumbnail; only the addressee confirms; the board counts and lists who has not received
//! or not confirmed, for the sender and SAMR above it but no one else; the lines and the
//! materials list export as xlsx that reads back.

use crate::support::{Client, PASSWORD, Resp, TestApp};
use calamine::{Reader, Xlsx};
use renke_domain::perm::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::io::Cursor;

/// A 640 × 480 JPEG photo.
fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 64])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70)
        .encode_image(&img)
        .unwrap();
    out
}

/// The tree, the accounts and Guangdong's campaign; returns the tree and the campaign id.
async fn setup(app: &TestApp) -> (crate::support::Tree, i64) {
    let tree = app.tree().await;
    for (login, role, org) in [
        ("cn.org", Role::Organiser, "CN"),
        ("gd.org", Role::Organiser, "GD"),
        ("gd.staff", Role::Staff, "GD"),
        ("sz.staff", Role::Staff, "GD-SZ"),
        ("gz.staff", Role::Staff, "GD-GZ"),
        ("sh.staff", Role::Staff, "SH"),
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
    (tree, r.body["id"].as_i64().unwrap())
}

/// Confirms put-up: with a photo as multipart, without one as an empty form.
async fn posted(c: &Client, line: i64, file: Option<Vec<u8>>) -> Resp {
    let path = format!("/api/v1/publicity/shipments/lines/{line}/posted");
    let Some(bytes) = file else {
        return c.form(&path, &[]).await;
    };
    let form = Form::new().part("file", Part::bytes(bytes).file_name("张贴现场.jpg"));
    c.send(c.request(Method::POST, &path).multipart(form)).await
}

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

/// The first sheet of a workbook as text rows.
fn sheet_rows(book: Vec<u8>) -> Vec<Vec<String>> {
    let mut book = Xlsx::new(Cursor::new(book)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn names(lines: &Value) -> Vec<String> {
    lines
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["org_name"].as_str().unwrap().to_owned())
        .collect()
}

/// The line of the shipment addressed to `org_name`, from the sender's board.
fn line_of(board: &Value, org_name: &str) -> i64 {
    board["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["org_name"] == org_name)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn posters_go_to_the_cities_and_each_city_confirms_receipt_and_put_up() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let (tree, campaign) = setup(&app).await;
        let gd = app.login("gd.staff", PASSWORD).await;
        let gd_org = app.login("gd.org", PASSWORD).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let gz = app.login("gz.staff", PASSWORD).await;
        let sh = app.login("sh.staff", PASSWORD).await;
        let cn = app.login("cn.org", PASSWORD).await;

        // Every problem at once, each naming its field.
        let r = gd
            .post(
                "/api/v1/publicity/shipments",
                json!({"quantity": "0", "addressees": [tree.national]}),
            )
            .await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(
            r.fields(),
            vec!["campaign_id", "item", "quantity", "addressees"],
            "{l}"
        );
        assert_eq!(
            r.field_code("addressees").as_deref(),
            Some("unknown_value"),
            "{l}: a superior is no addressee"
        );
        // A city sends nothing for the province.
        let r = sz
            .post(
                "/api/v1/publicity/shipments",
                json!({"campaign_id": campaign.to_string(), "item": "海报", "quantity": "1",
                       "addressees": [tree.futian]}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: a city sends for itself: {}", r.text);

        // Guangdong sends to every bureau directly below it, in one go.
        let r = gd
            .post(
                "/api/v1/publicity/shipments",
                json!({
                    "campaign_id": campaign.to_string(),
                    "item": "世界认可日海报",
                    "print_size": "对开（570×840mm）",
                    "quantity": "20",
                    "courier": "中国邮政EMS",
                    "all_subordinates": true,
                    "addressees": [tree.sz],
                }),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let id = r.body["shipment"]["id"].as_i64().unwrap();
        assert_eq!(r.body["shipment"]["total"], 2, "{l}: {}", r.text);
        assert_eq!(
            names(&r.body["lines"]),
            vec!["深圳市市场监督管理局", "广州市市场监督管理局"],
            "{l}"
        );
        let sz_line = line_of(&r.body, "深圳市市场监督管理局");
        let gz_line = line_of(&r.body, "广州市市场监督管理局");

        // Each city is told in-app, with a link to the shipment.
        let m = sz.get("/api/v1/me/messages").await;
        let told = m.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| {
                x["kind"] == "shipment_sent" && x["link"] == format!("/publicity/shipments/{id}")
            })
            .cloned();
        let told = told.unwrap_or_else(|| panic!("{l}: {}", m.text));
        assert!(
            told["body"].as_str().unwrap().contains("世界认可日海报"),
            "{l}: {told}"
        );

        // Only the addressee confirms; put-up waits for receipt; receipt is confirmed once.
        let recv = |line: i64| format!("/api/v1/publicity/shipments/lines/{line}/receive");
        assert_eq!(gz.post(&recv(sz_line), json!({})).await.status, 404, "{l}");
        assert_eq!(sh.post(&recv(sz_line), json!({})).await.status, 404, "{l}");
        assert_eq!(gd.post(&recv(sz_line), json!({})).await.status, 403, "{l}");
        let r = posted(&sz, sz_line, None).await;
        assert_eq!(
            (r.status, r.code()),
            (409, "shipment_not_received"),
            "{l}: {}",
            r.text
        );
        let r = sz.post(&recv(sz_line), json!({})).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["state"], "received", "{l}");
        let r = sz.post(&recv(sz_line), json!({})).await;
        assert_eq!(
            (r.status, r.code()),
            (409, "shipment_already_received"),
            "{l}"
        );
        // The sender is told of the confirmation.
        let m = gd_org.get("/api/v1/me/messages").await;
        assert!(
            m.text.contains("深圳市市场监督管理局 已签收"),
            "{l}: {}",
            m.text
        );

        // The sender adds tracking numbers to lines still on their way, not after receipt.
        let edit = |line: i64| format!("/api/v1/publicity/shipments/lines/{line}");
        let r = gd
            .put(
                &edit(gz_line),
                json!({"quantity": "20", "courier": "顺丰速运", "tracking_no": "SF 12"}),
            )
            .await;
        assert_eq!(
            r.field_code("tracking_no").as_deref(),
            Some("tracking_invalid"),
            "{l}"
        );
        let r = gd
            .put(
                &edit(gz_line),
                json!({"quantity": "25", "courier": "顺丰速运", "tracking_no": "sf1234567890"}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["tracking_no"], "SF1234567890", "{l}");
        assert_eq!(r.body["quantity"], 25, "{l}");
        let r = gd.put(&edit(sz_line), json!({"quantity": "1"})).await;
        assert_eq!(r.status, 409, "{l}: {}", r.text);
        assert_eq!(
            gz.put(&edit(gz_line), json!({"quantity": "1"}))
                .await
                .status,
            403,
            "{l}"
        );

        // Put up, with a photo: stored with its thumbnail; once only.
        let r = posted(&sz, sz_line, Some(b"not a photo".to_vec())).await;
        assert_eq!(r.status, 422, "{l}: {}", r.text);
        assert_eq!(r.fields(), vec!["file"], "{l}");
        let r = posted(&sz, sz_line, Some(photo())).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["state"], "posted", "{l}");
        let thumb_url = r.body["thumbnail_url"].as_str().unwrap().to_owned();
        let photo_url = r.body["photo_url"].as_str().unwrap().to_owned();
        let (status, kind, thumb) = bytes(&sz, &thumb_url).await;
        assert_eq!((status, kind.as_str()), (200, "image/jpeg"), "{l}");
        let t = image::load_from_memory(&thumb).unwrap();
        assert_eq!((t.width(), t.height()), (320, 240), "{l}");
        let (status, _, original) = bytes(&gd_org, &photo_url).await;
        assert_eq!(
            (status, original),
            (200, photo()),
            "{l}: the sender sees it"
        );
        assert_eq!(bytes(&gz, &photo_url).await.0, 404, "{l}");
        assert_eq!(
            posted(&sz, sz_line, None).await.code(),
            "shipment_already_posted",
            "{l}"
        );

        // The board: counts, and who has not received or not confirmed.
        let board = |q: &str| format!("/api/v1/publicity/shipments/{id}{q}");
        let b = gd_org.get(&board("")).await;
        assert_eq!(b.status, 200, "{l}: {}", b.text);
        let s = &b.body["shipment"];
        assert_eq!(
            (&s["total"], &s["received"], &s["posted"]),
            (&json!(2), &json!(1), &json!(1)),
            "{l}"
        );
        let b = gd_org.get(&board("?pending=not_received")).await;
        assert_eq!(names(&b.body["lines"]), vec!["广州市市场监督管理局"], "{l}");
        let b = gd_org.get(&board("?pending=not_posted")).await;
        assert_eq!(names(&b.body["lines"]), vec!["广州市市场监督管理局"], "{l}");
        assert_eq!(gd_org.get(&board("?pending=x")).await.status, 422, "{l}");
        // SAMR above reads the board; Shanghai does not; a city sees only its own line.
        let b = cn.get(&board("")).await;
        assert_eq!((b.status, &b.body["full"]), (200, &json!(true)), "{l}");
        assert_eq!(sh.get(&board("")).await.status, 404, "{l}");
        let b = sz.get(&board("")).await;
        assert_eq!(b.body["full"], false, "{l}");
        assert!(b.body["lines"].as_array().unwrap().is_empty(), "{l}");
        assert_eq!(b.body["mine"]["state"], "posted", "{l}");
        assert_eq!(b.body["confirms"], true, "{l}");

        // Lists: the city's received tab, the province's sent tab.
        let r = gz.get("/api/v1/publicity/shipments").await;
        assert_eq!(r.body["received"][0]["tracking_no"], "SF1234567890", "{l}");
        let r = gd.get("/api/v1/publicity/shipments?tab=sent").await;
        assert_eq!(r.body["total"], 1, "{l}: {}", r.text);
        let r = cn.get("/api/v1/publicity/shipments?tab=sent").await;
        assert_eq!(
            r.body["total"], 2,
            "{l}: SAMR sees Guangdong's and Shenzhen's: {}",
            r.text
        );

        // The export reads back.
        let (status, kind, book) = bytes(
            &gd_org,
            &format!("/api/v1/publicity/shipments/{id}/lines.xlsx"),
        )
        .await;
        assert_eq!(status, 200, "{l}");
        assert!(kind.contains("spreadsheetml"), "{l}: {kind}");
        let rows = sheet_rows(book);
        assert_eq!(rows[0][0], "收件单位 Addressee", "{l}");
        assert_eq!(rows.len(), 3, "{l}: {rows:?}");
        let row = |name: &str| rows.iter().find(|r| r[0] == name).unwrap().clone();
        assert_eq!(row("深圳市市场监督管理局")[4], "已张贴", "{l}");
        assert_eq!(row("深圳市市场监督管理局")[7], "有", "{l}");
        assert_eq!(row("广州市市场监督管理局")[1], "25", "{l}");
        assert_eq!(row("广州市市场监督管理局")[3], "SF1234567890", "{l}");
        assert_eq!(
            bytes(&sz, &format!("/api/v1/publicity/shipments/{id}/lines.xlsx"))
                .await
                .0,
            404,
            "{l}: an addressee exports nothing"
        );

        // Beside: Guangdong may send to Shanghai (a sibling under SAMR), which confirms.
        let r = gd
            .post(
                "/api/v1/publicity/shipments",
                json!({"campaign_id": campaign.to_string(), "item": "世界认可日海报",
                       "quantity": "5", "all_peers": true}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert_eq!(names(&r.body["lines"]), vec!["上海市市场监督管理局"], "{l}");
        let sh_line = line_of(&r.body, "上海市市场监督管理局");
        assert_eq!(sh.post(&recv(sh_line), json!({})).await.status, 200, "{l}");

        // Pages: the tabs, the form's picker, the board, a page form that fails.
        let page = gd.get("/publicity").await;
        assert!(page.text.contains("/publicity/shipments"), "{l}");
        let page = gd.get("/publicity/shipments/new").await;
        assert_eq!(page.status, 200, "{l}");
        assert!(page.text.contains("所有直属下级监管部门"), "{l}");
        let page = gd
            .form("/publicity/shipments/new", &[("item", "海报")])
            .await;
        assert_eq!(page.status, 422, "{l}");
        assert!(page.text.contains("field-error"), "{l}");
        let page = gd_org
            .get(&format!("/publicity/shipments/{id}?pending=not_received"))
            .await;
        assert_eq!(page.status, 200, "{l}");
        assert!(page.text.contains("广州市市场监督管理局"), "{l}");
        let page = gz.get("/publicity/shipments").await;
        assert!(page.text.contains("世界认可日海报"), "{l}");
        let page = gz
            .form(
                &format!("/publicity/shipments/lines/{gz_line}/receive"),
                &[],
            )
            .await;
        assert_eq!(page.status, 200, "{l}: redirected to the shipment");
        assert!(page.text.contains("确认已张贴"), "{l}");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_materials_list_exports_as_xlsx() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let (_, campaign) = setup(&app).await;
        let sz = app.login("sz.staff", PASSWORD).await;
        let gd = app.login("gd.org", PASSWORD).await;
        let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n".to_vec();
        let form = Form::new()
            .text("campaign_id", campaign.to_string())
            .text("kind", "poster")
            .text("title", "深圳认可日海报")
            .text("tags", "海报、认可日")
            .part("file", Part::bytes(pdf).file_name("海报.pdf"));
        let r = sz
            .send(
                sz.request(Method::POST, "/api/v1/publicity/materials")
                    .multipart(form),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);

        let (status, _, book) = bytes(&sz, "/publicity/materials.xlsx?tab=mine").await;
        assert_eq!(status, 200, "{l}");
        let rows = sheet_rows(book);
        assert_eq!(rows[0][0], "标题 Title", "{l}");
        assert_eq!(rows.len(), 2, "{l}: {rows:?}");
        assert_eq!(rows[1][0], "深圳认可日海报", "{l}");
        assert_eq!(rows[1][1], "海报", "{l}");
        assert_eq!(rows[1][5], "海报、认可日", "{l}");
        assert_eq!(rows[1][6], "待审核", "{l}");

        // The reviewer's export is of the units below it, filtered as its list.
        let (status, _, book) = bytes(
            &gd,
            "/api/v1/publicity/materials.xlsx?tab=review&state=submitted",
        )
        .await;
        assert_eq!(status, 200, "{l}");
        let rows = sheet_rows(book);
        assert_eq!(rows.len(), 2, "{l}: {rows:?}");
        assert_eq!(rows[1][2], "深圳市市场监督管理局", "{l}");
        let (status, _, book) = bytes(
            &gd,
            "/api/v1/publicity/materials.xlsx?tab=review&state=published",
        )
        .await;
        assert_eq!(
            (status, sheet_rows(book).len()),
            (200, 1),
            "{l}: only the header"
        );
        let (status, _, book) = bytes(&sz, "/api/v1/publicity/materials.xlsx?tab=review").await;
        assert_eq!(
            (status, sheet_rows(book).len()),
            (200, 1),
            "{l}: nothing below Shenzhen uploaded"
        );
        app.finish().await;
    }
}
