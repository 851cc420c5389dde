//! Sign-in through a real OpenID provider (`.ci/services` starts npm's oidc-provider with
//! `.ci/oidc/provider.mjs`; RENKE_TEST_OIDC_ISSUER names it). The flow is driven over HTTP
//! as a browser would: Renke's `/login/oidc`, the provider's login and consent forms, back
//! to Renke's callback. Skipped with a note when the provider is not there.

use crate::support::{PASSWORD, TestApp};
use renke_app::auth::AuthConfig;
use renke_app::oidc::{LinkTo, OidcConfig};
use renke_domain::perm::Role;
use renke_web::WebConfig;
use reqwest::StatusCode;
use reqwest::header::LOCATION;

/// The provider `.ci/services` started, when set.
fn issuer() -> Option<String> {
    let issuer = std::env::var("RENKE_TEST_OIDC_ISSUER").ok();
    if issuer.is_none() {
        eprintln!("RENKE_TEST_OIDC_ISSUER unset: OpenID sign-in test skipped");
    }
    issuer
}

/// The confidential client of `.ci/oidc/provider.mjs` (client_secret_basic, RS256).
fn config(issuer: &str) -> OidcConfig {
    OidcConfig {
        issuer: Some(issuer.to_owned()),
        client_id: "renke".into(),
        client_secret: Some("renke-ci-secret".into()),
        ..OidcConfig::default()
    }
}

async fn spawn(db: renke_store::testing::TestDb, oidc: &OidcConfig, auth: AuthConfig) -> TestApp {
    TestApp::spawn_live(db, WebConfig::default(), |a| {
        a.with_auth(auth).with_oidc(oidc).unwrap()
    })
    .await
}

/// A browser: cookies kept (Renke's and the provider's), redirects followed by hand.
fn browser() -> reqwest::Client {
    browser_in("zh-CN")
}

/// A browser whose languages are `lang` (Accept-Language).
fn browser_in(lang: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ACCEPT_LANGUAGE,
        reqwest::header::HeaderValue::from_str(lang).unwrap(),
    );
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()
        .unwrap()
}

/// Where a sign-in ended: Renke's answer to the callback, and the callback's address.
struct Ended {
    status: StatusCode,
    /// Renke's redirect after the callback (`/home`), if it sent one.
    location: Option<String>,
    body: String,
    callback: String,
}

/// The value of the first `action="…"` of a form in a page.
fn form_action(html: &str) -> String {
    let at = html.find("<form").expect("a form");
    let rest = &html[at..];
    let start = rest.find("action=\"").expect("an action") + 8;
    let end = rest[start..].find('"').unwrap();
    rest[start..start + end].replace("&amp;", "&")
}

/// Signs in from Renke's login page as `login` at the provider (any password; the
/// development form takes any), consenting when asked; with `deny`, cancels at the
/// provider's login form instead. Follows the redirects up to Renke's answer to the
/// callback.
async fn sign_in(app: &TestApp, b: &reqwest::Client, login: &str, deny: bool) -> Ended {
    let r = b
        .get(app.url("/login/oidc?next=%2Fhome"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let mut url = r.headers()[LOCATION].to_str().unwrap().to_owned();
    for _ in 0..20 {
        if url.starts_with(&app.url("/login/oidc/callback")) {
            let r = b.get(&url).send().await.unwrap();
            return Ended {
                status: r.status(),
                location: r
                    .headers()
                    .get(LOCATION)
                    .map(|l| l.to_str().unwrap().to_owned()),
                body: r.text().await.unwrap(),
                callback: url,
            };
        }
        let r = b.get(&url).send().await.unwrap();
        let base = r.url().clone();
        if r.status().is_redirection() {
            url = base
                .join(r.headers()[LOCATION].to_str().unwrap())
                .unwrap()
                .to_string();
            continue;
        }
        let html = r.text().await.unwrap();
        let action = base.join(&form_action(&html)).unwrap();
        let r = if html.contains("name=\"prompt\" value=\"login\"") {
            if deny {
                // The development form's "cancel": the interaction's abort address.
                b.get(format!("{action}/abort")).send().await.unwrap()
            } else {
                let form = [("prompt", "login"), ("login", login), ("password", "any")];
                b.post(action).form(&form).send().await.unwrap()
            }
        } else if html.contains("name=\"prompt\" value=\"consent\"") {
            b.post(action)
                .form(&[("prompt", "consent")])
                .send()
                .await
                .unwrap()
        } else {
            panic!("unexpected page at the provider {base}: {html}");
        };
        assert!(r.status().is_redirection(), "{}", r.text().await.unwrap());
        url = r
            .url()
            .join(r.headers()[LOCATION].to_str().unwrap())
            .unwrap()
            .to_string();
    }
    panic!("no callback after 20 steps");
}

/// The page at `path` with the browser's cookies.
async fn page(app: &TestApp, b: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn sign_in_links_by_external_id_then_by_subject_and_logs_out_at_the_provider() {
    let Some(issuer) = issuer() else { return };
    for db in renke_app::testing::backends().await {
        let app = spawn(db, &config(&issuer), AuthConfig::default()).await;
        let l = app.label();
        let tree = app.tree().await;
        let gd = tree.gd.to_string();
        app.account("gd.admin", Role::Admin, "GD").await;
        let staff = app.account("gd.staff", Role::Staff, "GD").await;
        // An administrator sets the staff member's 工号 on the account list.
        let admin = app.login("gd.admin", PASSWORD).await;
        let r = admin
            .form(
                &format!("/accounts/{staff}/external-id"),
                &[("external_id", "T-1001"), ("org", &gd)],
            )
            .await;
        // Back on the account list (the redirect followed), which shows it.
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert!(r.text.contains("<code>T-1001</code>"), "{l}");
        // Another account may not have the same one.
        let other = app.account("gd.other", Role::Staff, "GD").await;
        let r = admin
            .form(
                &format!("/accounts/{other}/external-id"),
                &[("external_id", "T-1001"), ("org", &gd)],
            )
            .await;
        assert_eq!(r.status, 422, "{l}");
        assert!(r.text.contains("该工号已用于另一个账户"), "{l}: {}", r.text);

        // First sign-in: the provider's staff_no claim (the login typed there) is the 工号.
        let b = browser();
        let end = sign_in(&app, &b, "T-1001", false).await;
        assert_eq!(end.status, StatusCode::SEE_OTHER, "{l}: {}", end.body);
        assert_eq!(end.location.as_deref(), Some("/home"), "{l}");
        let (status, home) = page(&app, &b, "/home").await;
        assert_eq!(status, 200, "{l}");
        assert!(
            home.contains("测试gd.staff"),
            "{l}: the linked account's home page"
        );

        // The same callback again (a replay) is refused, and so is a tampered state.
        let again = b.get(&end.callback).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::UNAUTHORIZED, "{l}");
        assert!(
            again.text().await.unwrap().contains("登录请求无效或已使用"),
            "{l}"
        );
        let tampered = end.callback.replace("state=", "state=x");
        let r = b.get(&tampered).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{l}");

        // Logging out ends Renke's session and sends the browser to the provider's logout
        // with the ID token and Renke's login page to come back to.
        let me: serde_json::Value = b
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let csrf = me["csrf_token"].as_str().unwrap().to_owned();
        let r = b
            .post(app.url("/logout"))
            .header("x-csrf-token", &csrf)
            .header("origin", &app.base)
            .form(&[("_csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{l}");
        let html = r.text().await.unwrap();
        let href = html
            .split("id=\"provider-logout\" href=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .replace("&#38;", "&")
            .replace("&amp;", "&");
        let end_session = url::Url::parse(&href).unwrap();
        assert!(
            href.starts_with(&format!("{issuer}/session/end")),
            "{l}: {href}"
        );
        let q: std::collections::HashMap<_, _> = end_session.query_pairs().collect();
        assert!(q["id_token_hint"].split('.').count() == 3, "{l}: {href}");
        assert_eq!(
            q.get("post_logout_redirect_uri").map(|u| u.to_string()),
            Some(app.url("/login")),
            "{l}: {href}"
        );
        let (status, _) = page(&app, &b, "/home").await;
        assert_eq!(status, 303, "{l}: Renke's session ended");
        // The provider takes the request (its confirmation page).
        let r = b.get(&href).send().await.unwrap();
        assert_eq!(r.status(), 200, "{l}");
        assert!(r.text().await.unwrap().contains("sign-out"), "{l}");

        // The link is the provider's subject: with the 工号 changed, the same person still
        // reaches the account.
        let r = admin
            .form(
                &format!("/accounts/{staff}/external-id"),
                &[("external_id", "T-2002"), ("org", &gd)],
            )
            .await;
        assert_eq!(r.status, 200, "{l}");
        let b = browser();
        let end = sign_in(&app, &b, "T-1001", false).await;
        assert_eq!(end.location.as_deref(), Some("/home"), "{l}: {}", end.body);
        let (_, home) = page(&app, &b, "/home").await;
        assert!(home.contains("测试gd.staff"), "{l}");

        // Nobody has 工号 T-3003 and accounts are not created: a clear refusal, no session.
        let b = browser();
        let end = sign_in(&app, &b, "T-3003", false).await;
        assert_eq!(end.status, StatusCode::UNAUTHORIZED, "{l}");
        assert!(
            end.body.contains("没有与该身份关联的账户"),
            "{l}: {}",
            end.body
        );
        assert_eq!(page(&app, &b, "/home").await.0, 303, "{l}");
        // The same in English for a browser that asks for it.
        let b = browser_in("en");
        let end = sign_in(&app, &b, "T-3003", false).await;
        assert_eq!(end.status, StatusCode::UNAUTHORIZED, "{l}");
        assert!(
            end.body.contains("No account is linked to this identity"),
            "{l}: {}",
            end.body
        );

        // Cancelled at the provider (error=access_denied): a page, not a server error.
        let b = browser();
        let end = sign_in(&app, &b, "", true).await;
        assert_eq!(end.status, StatusCode::UNAUTHORIZED, "{l}: {}", end.body);
        assert!(
            end.body.contains("统一身份认证平台未授权本次登录"),
            "{l}: {}",
            end.body
        );

        app.finish().await;
    }
}

#[tokio::test]
async fn a_link_followed_in_another_browser_signs_nobody_in() {
    let Some(issuer) = issuer() else { return };
    for db in renke_app::testing::backends().await {
        let app = spawn(db, &config(&issuer), AuthConfig::default()).await;
        let l = app.label();
        app.tree().await;
        let staff = app.account("gd.staff", Role::Staff, "GD").await;
        renke_store::oidc::set_external_id(app.db(), staff, Some("T-4004"), crate::support::t0())
            .await
            .unwrap();
        // Someone signs in up to the provider's answer and sends the callback address to
        // another person: their browser never began that sign-in.
        let attacker = browser();
        let callback = sign_in_to_callback(&app, &attacker, "T-4004").await;
        let victim = browser();
        let r = victim.get(&callback).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{l}");
        assert_eq!(
            page(&app, &victim, "/home").await.0,
            303,
            "{l}: not signed in"
        );
        app.finish().await;
    }
}

/// The callback address the provider sends the browser to, not followed.
async fn sign_in_to_callback(app: &TestApp, b: &reqwest::Client, login: &str) -> String {
    let r = b.get(app.url("/login/oidc")).send().await.unwrap();
    let mut url = r.headers()[LOCATION].to_str().unwrap().to_owned();
    loop {
        if url.starts_with(&app.url("/login/oidc/callback")) {
            return url;
        }
        let r = b.get(&url).send().await.unwrap();
        let base = r.url().clone();
        let r = if r.status().is_redirection() {
            r
        } else {
            let html = r.text().await.unwrap();
            let action = base.join(&form_action(&html)).unwrap();
            let form: Vec<(&str, &str)> = if html.contains("value=\"login\"") {
                vec![("prompt", "login"), ("login", login), ("password", "any")]
            } else {
                vec![("prompt", "consent")]
            };
            b.post(action).form(&form).send().await.unwrap()
        };
        url = r
            .url()
            .join(r.headers()[LOCATION].to_str().unwrap())
            .unwrap()
            .to_string();
    }
}

#[tokio::test]
async fn first_sign_in_creates_an_account_when_configured() {
    let Some(issuer) = issuer() else { return };
    for db in renke_app::testing::backends().await {
        // The ES256 client, telling its secret in the form body (client_secret_post).
        let oidc = OidcConfig {
            client_id: "renke-es256".into(),
            client_secret: Some("renke-ci-secret-es256".into()),
            token_endpoint_auth_method: Some("client_secret_post".into()),
            create_accounts: true,
            create_org: Some("GD-SZ".into()),
            create_role: Some("staff".into()),
            ..config(&issuer)
        };
        let app = spawn(db, &oidc, AuthConfig::default()).await;
        let l = app.label();
        app.tree().await;
        let b = browser();
        let end = sign_in(&app, &b, "New.Person-01", false).await;
        assert_eq!(end.location.as_deref(), Some("/home"), "{l}: {}", end.body);
        let me: serde_json::Value = b
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["account"]["login"], "new.person-01", "{l}: {me}");
        assert_eq!(me["account"]["role"], "staff", "{l}: {me}");
        let made = renke_store::accounts::get_by_login(app.db(), "new.person-01")
            .await
            .unwrap();
        assert_eq!(made.org_code, "GD-SZ", "{l}");
        assert_eq!(made.external_id.as_deref(), Some("New.Person-01"), "{l}");
        // Signing in again reaches the same account; no second one is made.
        let b = browser();
        let end = sign_in(&app, &b, "New.Person-01", false).await;
        assert_eq!(end.location.as_deref(), Some("/home"), "{l}");
        assert_eq!(
            renke_store::accounts::count(app.db()).await.unwrap(),
            1,
            "{l}"
        );
        // Without the claim nothing is created.
        let b = browser();
        let end = sign_in(&app, &b, "no-staff-no", false).await;
        assert_eq!(end.status, StatusCode::UNAUTHORIZED, "{l}");
        assert!(
            end.body.contains("未提供用于匹配账户的信息"),
            "{l}: {}",
            end.body
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_public_client_links_by_login_name() {
    let Some(issuer) = issuer() else { return };
    for db in renke_app::testing::backends().await {
        let oidc = OidcConfig {
            client_id: "renke-public".into(),
            client_secret: None,
            link_to: LinkTo::Login,
            ..config(&issuer)
        };
        let app = spawn(db, &oidc, AuthConfig::default()).await;
        let l = app.label();
        app.tree().await;
        app.account("sh.staff", Role::Staff, "SH").await;
        let b = browser();
        let end = sign_in(&app, &b, "sh.staff", false).await;
        assert_eq!(end.location.as_deref(), Some("/home"), "{l}: {}", end.body);
        let (_, home) = page(&app, &b, "/home").await;
        assert!(home.contains("测试sh.staff"), "{l}");
        app.finish().await;
    }
}

/// With password login off, the login page offers only the provider's button and both
/// password logins refuse with a message saying so. The provider is never contacted here.
#[tokio::test]
async fn password_login_can_be_switched_off() {
    for db in renke_app::testing::backends().await {
        let oidc = config("https://id.example.gov.cn");
        let off = AuthConfig {
            password_login: false,
        };
        let app = spawn(db, &oidc, off).await;
        let l = app.label();
        app.tree().await;
        app.account("gd.staff", Role::Staff, "GD").await;
        let c = app.anonymous();
        let r = c.get("/login").await;
        assert_eq!(r.status, 200, "{l}");
        assert!(r.text.contains("统一身份认证登录"), "{l}: the button");
        assert!(
            r.text.contains("href=\"/login/oidc?next=%2Fhome\""),
            "{l}: {}",
            r.text
        );
        assert!(!r.text.contains("id=\"password\""), "{l}: no password form");
        let r = c
            .post(
                "/api/v1/session",
                serde_json::json!({ "login": "gd.staff", "password": PASSWORD }),
            )
            .await;
        assert_eq!(r.status, 401, "{l}");
        assert_eq!(r.body["code"], "password_login_disabled", "{l}");
        assert!(
            r.body["message_zh"]
                .as_str()
                .unwrap()
                .contains("已关闭密码登录"),
            "{l}: {}",
            r.body
        );
        assert!(
            r.body["message_en"]
                .as_str()
                .unwrap()
                .contains("Password login is switched off"),
            "{l}"
        );
        app.finish().await;
    }
}

/// A provider that does not answer: the sign-in button leads to a page saying so (in the
/// browser's language), nothing is half-done, and password login goes on working.
#[tokio::test]
async fn an_unreachable_provider_is_reported_and_passwords_still_work() {
    // A port nothing listens on: bound, then let go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for db in renke_app::testing::backends().await {
        let oidc = config(&format!("http://127.0.0.1:{port}"));
        let app = spawn(db, &oidc, AuthConfig::default()).await;
        let l = app.label();
        app.tree().await;
        app.account("gd.staff", Role::Staff, "GD").await;
        let (status, body) = page(&app, &browser(), "/login/oidc?next=%2Fhome").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{l}");
        assert!(body.contains("统一身份认证平台暂时无法访问"), "{l}: {body}");
        let (_, body) = page(&app, &browser_in("en"), "/login/oidc").await;
        assert!(
            body.contains("The unified identity platform cannot be reached"),
            "{l}: {body}"
        );
        let r = app
            .anonymous()
            .post(
                "/api/v1/session",
                serde_json::json!({ "login": "gd.staff", "password": PASSWORD }),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: password login still works");
        app.finish().await;
    }
}

/// The 工号 is set over the API too: by whoever may manage the account, unique, cleared
/// by an empty value. The provider is never contacted here.
#[tokio::test]
async fn the_external_id_is_set_over_the_api() {
    for db in renke_app::testing::backends().await {
        let app = spawn(
            db,
            &config("https://id.example.gov.cn"),
            AuthConfig::default(),
        )
        .await;
        let l = app.label();
        app.tree().await;
        app.account("gd.admin", Role::Admin, "GD").await;
        let staff = app.account("gd.staff", Role::Staff, "GD").await;
        let other = app.account("gd.other", Role::Staff, "GD").await;
        let admin = app.login("gd.admin", PASSWORD).await;
        let path = |id: i64| format!("/api/v1/accounts/{id}/external-id");
        let r = admin
            .put(
                &path(staff),
                serde_json::json!({ "external_id": " T-2002 " }),
            )
            .await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(r.body["external_id"], "T-2002", "{l}: trimmed");
        let r = admin
            .put(&path(other), serde_json::json!({ "external_id": "T-2002" }))
            .await;
        assert_eq!(r.status, 422, "{l}");
        assert_eq!(
            r.body["fields"][0]["field"], "external_id",
            "{l}: {}",
            r.body
        );
        assert_eq!(r.body["fields"][0]["code"], "external_id_taken", "{l}");
        let r = app
            .login("gd.staff", PASSWORD)
            .await
            .put(&path(other), serde_json::json!({ "external_id": "T-3003" }))
            .await;
        assert_eq!(r.status, 403, "{l}: staff manage no accounts");
        let r = admin
            .put(&path(staff), serde_json::json!({ "external_id": "" }))
            .await;
        assert_eq!(r.status, 200, "{l}");
        assert!(r.body["external_id"].is_null(), "{l}: cleared: {}", r.body);
        let r = admin
            .put(&path(other), serde_json::json!({ "external_id": "T-2002" }))
            .await;
        assert_eq!(r.status, 200, "{l}: free again");
        app.finish().await;
    }
}
