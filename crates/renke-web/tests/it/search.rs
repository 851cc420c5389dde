//! Search (检索): notices, activities and publicity materials that hold “云开放”, written
//! through the API, are found — each by whom may read it and by no one else. SAMR's
//! notice reaches the provinces and, through Guangdong's relay, its cities; a Guangdong
//! notice only Shenzhen; a photo awaiting review its unit and the province above; an
//! internal activity the administration only; a visitor finds public content on the
//! campaign's page, and the photo once published. Every hit opens for its reader, and both
//! databases return the same ids in the same order.

use crate::support::{Client, PASSWORD, TestApp};
use renke_domain::perm::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// The (kind, id) of every hit of a search answer.
fn hits(r: &crate::support::Resp) -> Vec<(String, i64)> {
    r.body["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits: {}", r.text))
        .iter()
        .map(|h| {
            (
                h["kind"].as_str().unwrap().to_owned(),
                h["id"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn notice(
    issuer: &str,
    recipients: Value,
    title: &str,
    body: &str,
    publication: &str,
    campaign: Option<i64>,
) -> Value {
    json!({
        "issuer_code": issuer,
        "doc_number": format!("{issuer}检索〔2022〕1号"),
        "title": title,
        "recipients": recipients,
        "body": body,
        "written_on": "2022-05-27",
        "publication": publication,
        "campaign_id": campaign,
    })
}

async fn issued(c: &Client, body: Value) -> i64 {
    let r = c.post("/api/v1/notices", body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_i64().unwrap();
    let r = c
        .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

/// A photo of Shenzhen's 云开放 day, uploaded by its staff.
async fn upload_photo(c: &Client, campaign: i64) -> i64 {
    let form = Form::new()
        .text("campaign_id", campaign.to_string())
        .text("kind", "photo")
        .text("title", "实验室“云开放”直播现场照片")
        .text(
            "description",
            "深圳市局组织实验室云开放直播，<b>市民</b>在线参观。",
        )
        .text("consent", "出镜人员已书面同意")
        .part(
            "file",
            Part::bytes(crate::publicity::photo()).file_name("photo.jpg"),
        );
    let r = c
        .send(
            c.request(Method::POST, "/api/v1/publicity/materials")
                .multipart(form),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_i64().unwrap()
}

/// What each searcher finds for 云开放, in this order: admin, gd.org, sz.staff, gz.staff,
/// lab.staff, sh.staff, and a visitor on the campaign's page; before and after the photo is
/// published.
type Seen = Vec<Vec<(String, i64)>>;

async fn scenario(app: &TestApp) -> (Seen, Seen) {
    let l = app.label();
    app.tree().await;
    for (login, role, org) in [
        ("admin", Role::Admin, "CN"),
        ("cn.org", Role::Organiser, "CN"),
        ("gd.org", Role::Organiser, "GD"),
        ("sz.staff", Role::Staff, "GD-SZ"),
        ("gz.staff", Role::Staff, "GD-GZ"),
        ("lab.staff", Role::Staff, "LAB-SZ"),
        ("sh.staff", Role::Staff, "SH"),
    ] {
        app.account(login, role, org).await;
    }
    let cn = app.login("cn.org", PASSWORD).await;
    let r = cn
        .post(
            "/api/v1/campaigns",
            json!({"title": "第十五个“世界认可日”", "edition": "15", "day": "2022-06-09",
                   "owner_code": "CN", "public": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let campaign = r.body["id"].as_i64().unwrap();
    let gd = app.login("gd.org", PASSWORD).await;

    // SAMR to the provinces (not public); Guangdong relays it to its cities.
    let national = issued(
        &cn,
        notice(
            "CN",
            json!([{"org_code": "CN", "children_kind": "regulator", "label": "各省局"}]),
            "关于开展实验室“云开放”活动的通知",
            "各地组织检验检测机构开展云开放直播。<script>alert(1)</script>",
            "not_public",
            Some(campaign),
        ),
    )
    .await;
    let mut relay = notice(
        "GD",
        json!([{"org_code": "GD", "children_kind": "regulator", "label": "各地级以上市局"}]),
        "转发总局关于开展实验室“云开放”活动的通知",
        "请各市局组织云开放。",
        "not_public",
        None,
    );
    relay["doc_number"] = json!("粤检索〔2022〕2号");
    let r = gd
        .post(&format!("/api/v1/notices/{national}/relay"), relay)
        .await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let relay = r.body["id"].as_i64().unwrap();
    assert_eq!(
        gd.post(&format!("/api/v1/notices/{relay}/issue"), json!({}))
            .await
            .status,
        200
    );
    // Guangdong to Shenzhen alone; and a 主动公开 notice of SAMR.
    let to_sz = issued(
        &gd,
        notice(
            "GD",
            json!([{"org_code": "GD-SZ", "label": "深圳市局"}]),
            "关于深圳云开放试点的通知",
            "深圳先行开展云开放试点。",
            "not_public",
            None,
        ),
    )
    .await;
    let open = issued(
        &cn,
        notice(
            "CN",
            json!([{"org_code": "CN", "children_kind": "regulator", "label": "各省局"}]),
            "实验室“云开放”活动公告",
            "欢迎社会公众在线参观实验室。",
            "active",
            Some(campaign),
        ),
    )
    .await;

    // A public activity of Guangdong and an internal one.
    let mut public = crate::activities::training(campaign, "30");
    public["title"] = json!("实验室“云开放”直播周");
    let r = gd.post("/api/v1/activities", public).await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let public = r.body["id"].as_i64().unwrap();
    let mut internal = crate::activities::training(campaign, "30");
    internal["title"] = json!("云开放直播内部彩排");
    internal["public"] = json!(false);
    let r = gd.post("/api/v1/activities", internal).await;
    assert_eq!(r.status, 201, "{l}: {}", r.text);
    let internal = r.body["id"].as_i64().unwrap();

    let sz = app.login("sz.staff", PASSWORD).await;
    let photo = upload_photo(&sz, campaign).await;

    let searchers = [
        app.login("admin", PASSWORD).await,
        gd,
        sz,
        app.login("gz.staff", PASSWORD).await,
        app.login("lab.staff", PASSWORD).await,
        app.login("sh.staff", PASSWORD).await,
    ];
    let visitor = app.anonymous();
    let look = async |searchers: &[Client]| -> Seen {
        let mut seen = Vec::new();
        for c in searchers {
            let r = c.get("/api/v1/search?q=%E4%BA%91%E5%BC%80%E6%94%BE").await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            crate::api_docs::assert_conforms(
                &app.anonymous().get("/api/openapi.json").await.body,
                "get",
                "/api/v1/search",
                &r,
            );
            // Every hit opens for its reader.
            for (kind, id) in hits(&r) {
                let path = match kind.as_str() {
                    "notice" => format!("/api/v1/notices/{id}"),
                    "activity" => format!("/api/v1/activities/{id}"),
                    "material" => format!("/api/v1/publicity/materials/{id}"),
                    other => panic!("{l}: unexpected kind {other}"),
                };
                assert_eq!(c.get(&path).await.status, 200, "{l}: {path}");
            }
            seen.push(hits(&r));
        }
        let r = visitor
            .get(&format!("/api/v1/campaigns/{campaign}/search?q=云开放"))
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        seen.push(hits(&r));
        seen
    };
    let before = look(&searchers).await;

    let n = |id| ("notice".to_owned(), id);
    let a = |id| ("activity".to_owned(), id);
    let m = |id| ("material".to_owned(), id);
    // Newest first: the photo, the notices as issued (the test clock stands still, so by
    // kind and id), the activities by their start.
    let sorted = |mut v: Vec<(String, i64)>| {
        v.sort();
        v
    };
    let expect = [
        // admin: everything.
        vec![
            n(national),
            n(relay),
            n(to_sz),
            n(open),
            a(public),
            a(internal),
            m(photo),
        ],
        // the province: its notices, SAMR's addressed to it, its activities, the photo.
        vec![
            n(national),
            n(relay),
            n(to_sz),
            n(open),
            a(public),
            a(internal),
            m(photo),
        ],
        // Shenzhen: reached by all the notices; the province's activities; its photo.
        vec![
            n(national),
            n(relay),
            n(to_sz),
            n(open),
            a(public),
            a(internal),
            m(photo),
        ],
        // Guangzhou: not Shenzhen's notice nor its photo.
        vec![n(national), n(relay), n(open), a(public), a(internal)],
        // the lab (an institution): public content only.
        vec![n(open), a(public)],
        // Shanghai: SAMR's notice reached it; Guangdong's public activity.
        vec![n(national), n(open), a(public)],
        // a visitor: public content.
        vec![n(open), a(public)],
    ];
    for (got, want) in before.iter().zip(&expect) {
        assert_eq!(sorted(got.clone()), sorted(want.clone()), "{l}");
    }

    // Published, the photo is public: the lab, Shanghai and a visitor find it too.
    let gd = &searchers[1];
    for step in ["accept", "publish"] {
        let r = gd
            .post(
                &format!("/api/v1/publicity/materials/{photo}/step"),
                json!({"step": step}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
    }
    let after = look(&searchers).await;
    for i in [4, 5, 6] {
        assert!(after[i].contains(&m(photo)), "{l}: {:?}", after[i]);
    }
    (before, after)
}

#[tokio::test]
async fn search_finds_only_what_the_reader_may_read_and_the_same_on_both_databases() {
    let mut runs = Vec::new();
    for app in TestApp::spawn_all().await {
        runs.push((app.label(), scenario(&app).await));
        app.finish().await;
    }
    // Both databases: the same ids, in the same order.
    if let [(_, first), rest @ ..] = runs.as_slice() {
        for (label, run) in rest {
            assert_eq!(run, first, "{label} differs from SQLite");
        }
    }
}

#[tokio::test]
async fn pages_mark_the_words_and_refuse_a_bad_query() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("cn.org", Role::Organiser, "CN").await;
        let cn = app.login("cn.org", PASSWORD).await;
        let r = cn
            .post(
                "/api/v1/campaigns",
                json!({"title": "世界认可日", "edition": "15", "day": "2022-06-09",
                       "owner_code": "CN", "public": true}),
            )
            .await;
        let campaign = r.body["id"].as_i64().unwrap();
        issued(
            &cn,
            notice(
                "CN",
                json!([{"org_code": "CN", "children_kind": "regulator", "label": "各省局"}]),
                "实验室<云开放>公告",
                "欢迎参观 & 云开放。",
                "active",
                Some(campaign),
            ),
        )
        .await;

        // The top bar has the box; the results page marks the words, escaped.
        let home = cn.get("/home").await;
        assert!(home.text.contains("action=\"/search\""), "{l}");
        let page = cn.get("/search?q=云开放").await;
        assert_eq!(page.status, 200, "{l}: {}", page.text);
        assert!(
            page.text
                .contains("实验室&lt;<mark>云</mark><mark>开放</mark>&gt;公告"),
            "{l}: {}",
            page.text
        );
        assert!(page.text.contains("&amp; <mark>云</mark>"), "{l}");
        // No query: the form and what to do; punctuation only: 422 naming the problem.
        let empty = cn.get("/search").await;
        assert_eq!(empty.status, 200, "{l}");
        assert!(empty.text.contains("输入关键词后检索"), "{l}");
        let bad = cn.get("/search?q=%E2%80%9C%E2%80%9D").await;
        assert_eq!(bad.status, 422, "{l}");
        assert!(bad.text.contains("检索词中没有可检索的字词"), "{l}");
        let api = cn.get("/api/v1/search?q=").await;
        assert_eq!(api.status, 422, "{l}");
        assert_eq!(api.field_code("q").as_deref(), Some("required"), "{l}");
        // Searching needs an account; the public search does not.
        assert_ne!(
            app.anonymous().get("/api/v1/search?q=认可").await.status,
            200
        );
        let public = app
            .anonymous()
            .get(&format!("/campaigns/{campaign}/search?q=云开放"))
            .await;
        assert_eq!(public.status, 200, "{l}");
        assert!(public.text.contains("<mark>云</mark>"), "{l}");
        let front = app.anonymous().get(&format!("/campaigns/{campaign}")).await;
        assert!(
            front
                .text
                .contains(&format!("action=\"/campaigns/{campaign}/search\"")),
            "{l}"
        );
        app.finish().await;
    }
}
