//! Page tests: forms, CSRF, sessions, permissions and languages as a browser meets them.

use crate::support::{PASSWORD, TestApp};
use chrono::Duration;
use renke_domain::perm::Role;

/// A browser-like client: cookies on, redirects not followed (so tests can see them).
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the first hidden `_csrf` field in a page.
pub(crate) fn csrf_field(html: &str) -> String {
    let at = html
        .find("name=\"_csrf\" value=\"")
        .expect("page has a _csrf field");
    let rest = &html[at + "name=\"_csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

pub(crate) async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String, String) {
    let r = c.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

pub(crate) async fn post(
    c: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let r = c.post(app.url(path)).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

/// Logs in through the login form; returns the client and the session's CSRF token.
pub(crate) async fn form_login(app: &TestApp, login: &str) -> (reqwest::Client, String) {
    let c = browser();
    let (_, _, html) = get(&c, app, "/login").await;
    let token = csrf_field(&html);
    let (status, location, _) = post(
        &c,
        app,
        "/login",
        &[
            ("login", login),
            ("password", PASSWORD),
            ("_csrf", &token),
            ("next", "/home"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/home"),
        "{}",
        app.label()
    );
    let (_, _, home) = get(&c, app, "/home").await;
    (c, csrf_field(&home))
}

#[tokio::test]
async fn login_form_csrf_wrong_password_and_expiry() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        let c = browser();
        let (status, _, html) = get(&c, &app, "/login").await;
        assert_eq!(status, 200);
        assert!(html.contains("登录认可平台"), "Chinese by default");
        // No token: refused with a clear page and code.
        let (status, _, html) = post(
            &c,
            &app,
            "/login",
            &[("login", "gd.org"), ("password", PASSWORD)],
        )
        .await;
        assert_eq!(status, 403, "{}", app.label());
        assert!(
            html.contains("csrf_missing") && html.contains("安全令牌"),
            "{html}"
        );
        // A wrong token.
        let (status, _, html) = post(
            &c,
            &app,
            "/login",
            &[
                ("login", "gd.org"),
                ("password", PASSWORD),
                ("_csrf", "forged"),
            ],
        )
        .await;
        assert_eq!(status, 403);
        assert!(html.contains("csrf_mismatch"));
        // Wrong password: the form again with the message and the login name kept.
        let token = csrf_field(&get(&c, &app, "/login").await.2);
        let (status, _, html) = post(
            &c,
            &app,
            "/login",
            &[
                ("login", "gd.org"),
                ("password", "nope-nope"),
                ("_csrf", &token),
            ],
        )
        .await;
        assert_eq!(status, 401);
        assert!(
            html.contains("登录名或密码不正确") && html.contains("value=\"gd.org\""),
            "{html}"
        );

        let (c, _) = form_login(&app, "gd.org").await;
        let (status, _, html) = get(&c, &app, "/home").await;
        assert_eq!(status, 200);
        assert!(html.contains("欢迎") && html.contains("广东省市场监督管理局"));
        // After the session's lifetime the browser is sent to log in, with the reason.
        app.clock
            .advance(Duration::hours(app.state.config.session_hours + 1));
        let (status, location, _) = get(&c, &app, "/home").await;
        assert_eq!(status, 303);
        assert!(
            location.starts_with("/login?next=%2Fhome")
                && location.ends_with("reason=session_expired"),
            "{location}"
        );
        let (_, _, html) = get(&c, &app, &location).await;
        assert!(html.contains("会话已过期"), "{html}");
        app.finish().await;
    }
}

#[tokio::test]
async fn org_tree_search_and_permissions() {
    for app in TestApp::spawn_all().await {
        let t = app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        let (c, _) = form_login(&app, "gd.org").await;
        let (status, location, _) = get(&c, &app, "/orgs").await;
        assert_eq!((status, location), (303, format!("/orgs/{}", t.gd)));
        let (status, _, html) = get(&c, &app, &format!("/orgs/{}", t.gd)).await;
        assert_eq!(status, 200, "{}", app.label());
        for text in [
            "广东省市场监督管理局",
            "下级机构",
            "深圳市市场监督管理局",
            "广州市市场监督管理局",
            "国家市场监督管理总局",
        ] {
            assert!(html.contains(text), "{text} on the tree page");
        }
        let (_, _, html) = get(&c, &app, &format!("/orgs/{}?q=%E6%B7%B1%E5%9C%B3", t.gd)).await;
        assert!(
            html.contains("搜索结果")
                && !html.contains("深圳计量院")
                && html.contains("深圳市计量质量检测研究院")
        );
        let (_, _, html) = get(
            &c,
            &app,
            &format!("/orgs/{}?q=%E4%B8%8D%E5%AD%98%E5%9C%A8", t.gd),
        )
        .await;
        assert!(html.contains("没有找到匹配的机构"), "empty state");
        // Shanghai is a sibling: not visible to Guangdong's organiser.
        let (status, _, html) = get(&c, &app, &format!("/orgs/{}", t.sh)).await;
        assert_eq!(status, 403);
        assert!(html.contains("您没有权限"));
        app.finish().await;
    }
}

#[tokio::test]
async fn org_form_keeps_values_and_names_errors() {
    for app in TestApp::spawn_all().await {
        let t = app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        let (c, token) = form_login(&app, "gd.org").await;
        let path = format!("/orgs/{}/new", t.gd);
        let (status, _, html) = get(&c, &app, &path).await;
        assert_eq!(status, 200);
        let bad = [
            ("_csrf", token.as_str()),
            ("code", "珠海"),
            ("name", "珠海市市场监督管理局"),
            ("kind", "regulator"),
            ("admin_level", ""),
            ("contact_email", "not-mail"),
        ];
        let (status, _, html2) = post(&c, &app, &path, &bad).await;
        assert_eq!(status, 422, "{}", app.label());
        assert!(
            html2.contains("编码只能包含字母"),
            "code error inline: {html2}"
        );
        assert!(
            html2.contains("value=\"珠海市市场监督管理局\""),
            "entered name kept"
        );
        assert!(
            html2.contains("id=\"admin_level-err\"") || html2.contains("此项为必填项"),
            "level required"
        );
        assert!(html.contains("name=\"code\""));
        let good = [
            ("_csrf", token.as_str()),
            ("code", "GD-ZH"),
            ("name", "珠海市市场监督管理局"),
            ("kind", "regulator"),
            ("admin_level", "municipal"),
            ("region", "mainland"),
        ];
        let (status, location, _) = post(&c, &app, &path, &good).await;
        assert_eq!(status, 303);
        let (_, _, html) = get(&c, &app, &location).await;
        assert!(html.contains("珠海市市场监督管理局") && html.contains("GD-ZH"));
        // The same code again: refused on the code field, nothing written.
        let before = renke_store::orgs::count(app.db()).await.unwrap();
        let (status, _, html) = post(&c, &app, &path, &good).await;
        assert_eq!(status, 422);
        assert!(html.contains("该编码已被使用"));
        assert_eq!(renke_store::orgs::count(app.db()).await.unwrap(), before);
        // Moving under one's own descendant is refused with the reason.
        let (status, _, html) = post(
            &c,
            &app,
            &format!("/orgs/{}/move", t.sz),
            &[("_csrf", token.as_str()), ("parent", "GD-SZ-FT")],
        )
        .await;
        assert_eq!(status, 422);
        assert!(
            html.contains("不能把机构移到它自己或它的下级机构之下"),
            "{html}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn campaign_form_and_public_page_in_both_languages() {
    for app in TestApp::spawn_all().await {
        let t = app.tree().await;
        app.account("cn.org", Role::Organiser, "CN").await;
        let anon = browser();
        let (status, _, html) = get(&anon, &app, "/").await;
        assert_eq!(status, 200);
        assert!(html.contains("目前没有公开的主题活动"), "empty public page");

        let (c, token) = form_login(&app, "cn.org").await;
        let mut form = vec![
            ("_csrf", token.as_str()),
            ("title", "第十五个世界认可日"),
            ("edition", "15"),
            ("day", "2022-13-09"),
            ("international_theme", "认可：促进经济和环境可持续发展"),
            ("domestic_theme", "传递质量信任 服务绿色发展"),
            ("owner_code", "CN"),
            ("public", "true"),
            (
                "local_themes",
                "GD 传递质量信任，服务绿色发展\nSH-PD 检测认证助力疫情防控 助推复工复产",
            ),
        ];
        let (status, _, html) = post(&c, &app, "/manage/campaigns/new", &form).await;
        assert_eq!(status, 422, "{}", app.label());
        assert!(
            html.contains("日期格式不正确") && html.contains("value=\"第十五个世界认可日\""),
            "{html}"
        );
        assert!(
            html.contains("list=\"owner-orgs\"")
                && html.contains("<option value=\"GD\">广东省市场监督管理局</option>"),
            "the owner is picked from the directory: {html}"
        );
        form[3] = ("day", "2022-06-09");
        let (status, location, _) = post(&c, &app, "/manage/campaigns/new", &form).await;
        assert_eq!(status, 303);
        assert!(location.starts_with("/campaigns/"));
        // The edit form comes back filled in, local themes as "CODE theme" lines.
        let id = location.trim_start_matches("/campaigns/");
        let (status, _, html) = get(&c, &app, &format!("/manage/campaigns/{id}/edit")).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("GD 传递质量信任，服务绿色发展\nSH-PD 检测认证助力疫情防控 助推复工复产"),
            "{html}"
        );
        assert!(html.contains("name=\"owner_code\" value=\"CN\""), "{html}");

        let (_, _, html) = get(&anon, &app, "/").await;
        for text in [
            "传递质量信任 服务绿色发展",
            "认可：促进经济和环境可持续发展",
            "第十五个",
            "2022年6月9日",
            "上海市浦东新区市场监督管理局",
            "检测认证助力疫情防控 助推复工复产",
            "通知公告",
            "活动日历",
        ] {
            assert!(html.contains(text), "public page shows {text}");
        }
        let en = anon
            .get(app.url("/"))
            .header("accept-language", "en-US,en;q=0.9")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            en.contains("World Accreditation Day") && en.contains("Domestic theme"),
            "English by Accept-Language"
        );
        // The switch (a cookie of this browser) beats the header.
        let (status, _, _) = get(&c, &app, "/lang/en?back=%2Fhome").await;
        assert_eq!(status, 303);
        let home = c
            .get(app.url("/home"))
            .header("accept-language", "zh-CN")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(home.contains("Welcome"), "account language wins");
        let _ = t;
        app.finish().await;
    }
}

#[tokio::test]
async fn staff_cannot_manage_and_logout_ends_the_session() {
    for app in TestApp::spawn_all().await {
        let t = app.tree().await;
        app.account("gd.staff", Role::Staff, "GD").await;
        let (c, token) = form_login(&app, "gd.staff").await;
        let (status, _, _) = get(&c, &app, &format!("/orgs/{}/new", t.gd)).await;
        assert_eq!(status, 403, "{}", app.label());
        let (status, _, _) = get(&c, &app, &format!("/accounts?org={}", t.gd)).await;
        assert_eq!(status, 403);
        let (status, location, _) = post(&c, &app, "/logout", &[("_csrf", token.as_str())]).await;
        assert_eq!(
            (status, location.as_str()),
            (303, "/login?reason=logged_out")
        );
        let (status, location, _) = get(&c, &app, "/home").await;
        assert_eq!(status, 303);
        assert!(location.starts_with("/login"), "{location}");
        app.finish().await;
    }
}

/// Login's `next` and the language switch's `back` lead only to paths on this server: a
/// tab or a newline (which browsers drop from `Location`, or which the header cannot hold)
/// and anything that resolves to another origin fall back to a page of ours. A language
/// link (GET) changes nothing stored on the account.
#[tokio::test]
async fn redirects_stay_on_this_server_and_a_language_link_stores_nothing() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        let l = app.label();
        let anon = browser();
        for (back, want) in [
            ("/%09/evil.example", "/"),
            ("/%0A/x", "/"),
            ("%2F%2Fevil.example%2F", "/"),
            ("/%5Cevil.example", "/"),
            ("https%3A%2F%2Fevil.example%2F", "/"),
            ("/home%3Fx%3D1", "/home?x=1"),
        ] {
            let (status, location, _) = get(&anon, &app, &format!("/lang/en?back={back}")).await;
            assert_eq!((status, location.as_str()), (303, want), "{l}: back={back}");
        }
        // The login form keeps only a `next` of ours, and logging in follows only such.
        let (_, _, html) = get(&anon, &app, "/login?next=/%09/evil.example").await;
        assert!(
            html.contains(r#"<input type="hidden" name="next" value="/home">"#),
            "{l}: {html}"
        );
        let token = csrf_field(&html);
        let (status, location, _) = post(
            &anon,
            &app,
            "/login",
            &[
                ("login", "gd.org"),
                ("password", PASSWORD),
                ("_csrf", &token),
                ("next", "/\t/evil.example"),
            ],
        )
        .await;
        assert_eq!((status, location.as_str()), (303, "/home"), "{l}");

        let (c, _) = form_login(&app, "gd.org").await;
        let (status, _, _) = get(&c, &app, "/lang/en?back=/home").await;
        assert_eq!(status, 303, "{l}");
        let (_, _, home) = get(&c, &app, "/home").await;
        assert!(
            home.contains("Welcome"),
            "{l}: the switch applies to this browser"
        );
        let (_, _, me) = get(&c, &app, "/api/v1/me").await;
        let me: serde_json::Value = serde_json::from_str(&me).unwrap();
        assert_eq!(
            me["account"]["locale"],
            serde_json::Value::Null,
            "{l}: {me}"
        );
        app.finish().await;
    }
}

/// A malformed id in a page's address and an address that names nothing answer the styled
/// 404 page — not axum's plain English "Invalid URL: Cannot parse `ingest` to a `i64`" —
/// inside the site's frame: the navigation stays, the message is in the viewer's language;
/// a refusal (403) likewise. The API answers its JSON 404.
#[tokio::test]
async fn unknown_addresses_and_malformed_ids_are_a_styled_404() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let tree = app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        let (c, _) = form_login(&app, "gd.org").await;
        for path in ["/notices/ingest", "/tasks/abc/dashboard", "/no/such/page"] {
            let (status, _, body) = get(&c, &app, path).await;
            assert_eq!(status, 404, "{l} {path}");
            assert!(
                body.contains("id=\"nav\"") && body.contains("没有找到您要的内容。"),
                "{l} {path}: {body}"
            );
            assert!(body.contains("href=\"/home\""), "{l} {path}");
            assert!(!body.contains("Invalid URL"), "{l} {path}");
        }
        let (status, _, body) = get(&c, &app, &format!("/orgs/{}", tree.sh)).await;
        assert_eq!(status, 403, "{l}");
        assert!(body.contains("id=\"nav\""), "{l}: {body}");
        // A visitor: the public frame, a way to log in.
        let anon = app.anonymous().get("/no/such/page").await;
        assert_eq!(anon.status, 404, "{l}");
        assert!(
            anon.text.contains("没有找到您要的内容。")
                && anon.text.contains("href=\"/login\"")
                && !anon.text.contains("id=\"nav\""),
            "{l}: {}",
            anon.text
        );
        let r = app.anonymous().get("/api/v1/no-such-thing").await;
        assert_eq!((r.status, r.code()), (404, "not_found"), "{l}: {}", r.text);
        app.finish().await;
    }
}
