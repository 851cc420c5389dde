//! The cache of the pages anonymous visitors see (`renke_web::page_cache`): copies served
//! with `ETag`/`Last-Modified` and `304`, replaced after each kind of write that changes what
//! those pages show, on the server that wrote at once and on another server over the same
//! database within `LOOK_EVERY`; never served to a signed-in user or to an htmx request.

use crate::support::{Client, PASSWORD, Resp, TestApp, org_body};
use renke_domain::perm::Role;
use renke_web::page_cache::LOOK_EVERY;
use reqwest::Method;
use serde_json::json;

fn tag(r: &Resp, name: &str) -> String {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn conditional(c: &Client, path: &str, header: &str, value: &str) -> Resp {
    c.send(c.request(Method::GET, path).header(header, value))
        .await
}

/// Waits past the interval in which another server may still serve its copy.
async fn after_look() {
    tokio::time::sleep(LOOK_EVERY + std::time::Duration::from_millis(300)).await;
}

#[tokio::test]
async fn anonymous_pages_are_kept_revalidated_and_replaced_after_each_write_on_every_server() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let tree = app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        let gd = app.login("gd.org", PASSWORD).await;
        let r = gd
            .post(
                "/api/v1/campaigns",
                json!({"title": "第十五个“世界认可日”广东活动", "edition": "15",
                       "day": "2022-06-09", "owner_code": "GD", "public": true}),
            )
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        let page = format!("/campaigns/{}", r.body["id"]);
        let id = r.body["id"].as_i64().unwrap();
        let a = app.anonymous();
        let b = app.second_server().await;

        // The first view makes the copy; validators on it; the same bytes again.
        let first = a.get(&page).await;
        assert_eq!(first.status, 200, "{l}");
        assert!(first.text.contains("广东活动"), "{l}");
        let etag = tag(&first, "etag");
        let modified = tag(&first, "last-modified");
        assert!(
            etag.starts_with('"') && modified.ends_with("GMT"),
            "{l}: {etag} {modified}"
        );
        assert_eq!(tag(&first, "cache-control"), "no-cache", "{l}");
        let again = a.get(&page).await;
        assert_eq!(
            (again.text.as_str(), tag(&again, "etag")),
            (first.text.as_str(), etag.clone())
        );
        // Revalidation: 304 with no body, by tag or by date.
        let same = conditional(&a, &page, "if-none-match", &etag).await;
        assert_eq!((same.status, same.text.as_str()), (304, ""), "{l}");
        assert_eq!(tag(&same, "etag"), etag);
        let same = conditional(&a, &page, "if-modified-since", &modified).await;
        assert_eq!(same.status, 304, "{l}");
        let other = conditional(&a, &page, "if-none-match", "\"0-0\"").await;
        assert_eq!(other.status, 200, "{l}");
        // The other server renders the same bytes: the same tag.
        let on_b = b.get(&page).await;
        assert_eq!(
            tag(&on_b, "etag"),
            etag,
            "{l}: same page, same tag on both servers"
        );

        // 1. The campaign is edited on server A.
        let r = gd
            .put(
                &format!("/api/v1/campaigns/{id}"),
                json!({"title": "第十五个“世界认可日”广东省活动", "edition": "15",
                       "day": "2022-06-09", "owner_code": "GD", "public": true}),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        let now = a.get(&page).await;
        assert!(
            now.text.contains("广东省活动"),
            "{l}: the writer's server at once"
        );
        assert_ne!(tag(&now, "etag"), etag, "{l}");
        let stale = conditional(&a, &page, "if-none-match", &etag).await;
        assert_eq!(stale.status, 200, "{l}: an old tag is not 304");
        after_look().await;
        let on_b = b.get(&page).await;
        assert!(
            on_b.text.contains("广东省活动"),
            "{l}: the other server after its look"
        );
        assert_eq!(tag(&on_b, "etag"), tag(&now, "etag"), "{l}");

        // 2. A public activity: the calendar and the campaign page show it.
        let calendar = "/activities?view=list&month=2022-05";
        let before = a.get(calendar).await;
        assert_eq!(before.status, 200, "{l}");
        assert!(!before.text.contains("质量管理体系免费培训"), "{l}");
        assert!(!b.get(calendar).await.text.contains("质量管理体系免费培训"));
        let r = gd
            .post("/api/v1/activities", crate::activities::training(id, "30"))
            .await;
        assert_eq!(r.status, 201, "{l}: {}", r.text);
        assert!(
            a.get(calendar).await.text.contains("质量管理体系免费培训"),
            "{l}"
        );
        assert!(
            a.get(&page).await.text.contains("质量管理体系免费培训"),
            "{l}"
        );
        after_look().await;
        assert!(
            b.get(calendar).await.text.contains("质量管理体系免费培训"),
            "{l}"
        );

        // 3. The owner renamed: its name on the campaign page.
        let mut body = org_body(&gd.get(&format!("/api/v1/orgs/{}", tree.gd)).await.body);
        body["name"] = json!("广东省市场监督管理局（更名）");
        let r = gd.put(&format!("/api/v1/orgs/{}", tree.gd), body).await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert!(a.get(&page).await.text.contains("（更名）"), "{l}");
        after_look().await;
        assert!(b.get(&page).await.text.contains("（更名）"), "{l}");

        // A signed-in user gets the page made for them, never a copy.
        let mine = gd.get(&page).await;
        assert_eq!(mine.status, 200, "{l}");
        assert!(tag(&mine, "etag").is_empty(), "{l}: not from the cache");
        assert_eq!(tag(&mine, "cache-control"), "no-store", "{l}");
        // Nor an htmx request, nor a page that is not kept.
        let partial = a
            .send(a.request(Method::GET, &page).header("hx-request", "true"))
            .await;
        assert!(tag(&partial, "etag").is_empty(), "{l}");
        assert!(tag(&a.get("/login").await, "etag").is_empty(), "{l}");
        // A copy is made for every visitor: without this browser's pre-login token.
        let pre = a
            .send(
                a.request(Method::GET, &page)
                    .header("cookie", "renke_csrf=visitor-token-1234"),
            )
            .await;
        assert!(!pre.text.contains("visitor-token-1234"), "{l}");
        app.finish().await;
    }
}
