//! Login, sessions, CSRF and Bearer tokens through `/api/v1`.

use crate::support::{PASSWORD, TestApp};
use chrono::Duration;
use renke_domain::perm::Role;
use renke_web::WebConfig;
use serde_json::json;

#[tokio::test]
async fn login_sets_session_cookie_and_returns_me_and_csrf() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("gd.organiser", Role::Organiser, "GD").await;
        let anon = app.anonymous();
        let r = anon
            .post(
                "/api/v1/session",
                json!({"login": "GD.Organiser", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, 200, "{}: {}", app.label(), r.text);
        assert_eq!(r.body["account"]["login"], "gd.organiser");
        assert_eq!(r.body["account"]["role"], "organiser");
        assert_eq!(r.body["account"]["org_code"], "GD");
        assert_eq!(r.body["auth"], "session");
        assert!(r.body["account"].get("password_hash").is_none());
        let csrf = r.body["csrf_token"].as_str().unwrap();
        assert!(csrf.len() >= 32);
        let cookie = r.headers["set-cookie"].to_str().unwrap();
        assert!(cookie.starts_with("renke_session="), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        assert!(!cookie.contains("Secure"), "plain http: no Secure flag");

        // The cookie now authenticates; /me repeats the CSRF token.
        let me = anon.get("/api/v1/me").await;
        assert_eq!(me.status, 200);
        assert_eq!(me.body["csrf_token"], csrf);

        // Logout ends the session.
        let mut c = anon;
        c.csrf = csrf.to_owned();
        assert_eq!(c.delete("/api/v1/session").await.status, 204);
        let after = c.get("/api/v1/me").await;
        assert_eq!(after.status, 401);
        assert_eq!(after.code(), "not_logged_in");
        app.finish().await;
    }
}

#[tokio::test]
async fn wrong_password_is_401_bad_credentials() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("gd.staff", Role::Staff, "GD").await;
        let anon = app.anonymous();
        for login in ["gd.staff", "nobody"] {
            let r = anon
                .post(
                    "/api/v1/session",
                    json!({"login": login, "password": "wrong-password"}),
                )
                .await;
            assert_eq!(r.status, 401, "{}: {}", app.label(), r.text);
            assert_eq!(r.code(), "bad_credentials");
            assert_eq!(r.body["message_zh"], "登录名或密码不正确。");
            assert!(r.headers.get("set-cookie").is_none());
        }
        let unauth = anon.get("/api/v1/me").await;
        assert_eq!(unauth.status, 401);
        assert_eq!(unauth.code(), "not_logged_in");
        app.finish().await;
    }
}

/// A login attempt sent with `X-Forwarded-For: ip` (the address when the proxy is
/// trusted), by `client` or a new browser.
async fn attempt_from(
    app: &TestApp,
    client: Option<&crate::support::Client>,
    ip: &str,
    login: &str,
    pw: &str,
) -> crate::support::Resp {
    let fresh = app.anonymous();
    let c = client.unwrap_or(&fresh);
    c.send(
        c.request(reqwest::Method::POST, "/api/v1/session")
            .header("x-forwarded-for", ip)
            .json(&json!({"login": login, "password": pw})),
    )
    .await
}

#[tokio::test]
async fn failed_logins_slow_one_address_down_and_never_lock_the_account_out() {
    let config = WebConfig {
        login_free_failures: 3,
        trust_proxy: true,
        ..WebConfig::default()
    };
    for app in TestApp::spawn_all_with(config).await {
        app.tree().await;
        app.account("sz.viewer", Role::Viewer, "GD-SZ").await;
        let (a, b) = ("198.51.100.7", "203.0.113.20");
        for _ in 0..3 {
            let r = attempt_from(&app, None, a, "sz.viewer", "wrong-password").await;
            assert_eq!(r.status, 401, "{}", app.label());
        }
        // From the same address the next attempt, right password or not, waits 1 s...
        let r = attempt_from(&app, None, a, "sz.viewer", PASSWORD).await;
        assert_eq!(r.status, 429, "{}: {}", app.label(), r.text);
        assert_eq!(r.code(), "too_many_attempts");
        assert_eq!(r.headers["retry-after"], "1");
        assert_eq!(r.body["message_zh"], "登录失败次数较多，请 1 秒后再试。");
        // ...and each further failure doubles the wait.
        app.clock.advance(Duration::seconds(1));
        assert_eq!(
            attempt_from(&app, None, a, "sz.viewer", "wrong-password")
                .await
                .status,
            401
        );
        let r = attempt_from(&app, None, a, "sz.viewer", PASSWORD).await;
        assert_eq!(r.status, 429);
        assert_eq!(r.headers["retry-after"], "2");
        for wait in [2, 4, 8, 16, 32, 64] {
            app.clock.advance(Duration::seconds(wait));
            assert_eq!(
                attempt_from(&app, None, a, "sz.viewer", "wrong-password")
                    .await
                    .status,
                401
            );
        }
        let r = attempt_from(&app, None, a, "sz.viewer", PASSWORD).await;
        assert_eq!(r.headers["retry-after"], "128", "{}", app.label());
        assert_eq!(
            r.body["message_en"],
            "Too many failed logins. Try again in 3 minutes."
        );
        // The account's owner elsewhere is not locked out, and is told what happened.
        let mut owner = app.anonymous();
        let r = attempt_from(&app, Some(&owner), b, "sz.viewer", PASSWORD).await;
        assert_eq!(r.status, 200, "{}: {}", app.label(), r.text);
        owner.csrf = r.body["csrf_token"].as_str().unwrap().to_owned();
        let m = owner.get("/api/v1/me/messages").await;
        assert_eq!(m.body["unread"], 1, "{}: {}", app.label(), m.text);
        let told = &m.body["items"][0];
        assert_eq!(told["kind"], "login_failures");
        assert!(
            told["title"]
                .as_str()
                .unwrap()
                .starts_with("自上次登录以来有 10 次登录失败"),
            "{told}"
        );
        assert!(told["body"].as_str().unwrap().contains(a), "{told}");
        // The home page shows it until it is read.
        let home = owner.get("/home").await;
        assert!(
            home.text.contains("自上次登录以来有 10 次登录失败"),
            "{}",
            app.label()
        );
        let id = told["id"].as_i64().unwrap();
        assert_eq!(
            owner
                .post(&format!("/api/v1/me/messages/{id}/read"), json!({}))
                .await
                .status,
            204
        );
        assert!(!owner.get("/home").await.text.contains("自上次登录以来有"));
        // A success from the slowed address clears it: the next failure there is a plain 401.
        app.clock.advance(Duration::seconds(128));
        assert_eq!(
            attempt_from(&app, None, a, "sz.viewer", PASSWORD)
                .await
                .status,
            200
        );
        assert_eq!(
            attempt_from(&app, None, a, "sz.viewer", "wrong-password")
                .await
                .status,
            401
        );
        assert_eq!(
            attempt_from(&app, None, a, "sz.viewer", "wrong-password")
                .await
                .status,
            401
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn administrators_see_failed_logins_their_accounts_have_not_seen() {
    for app in TestApp::spawn_all().await {
        let gd = app.tree().await;
        app.account("gd.organiser", Role::Organiser, "GD").await;
        app.account("sz.staff", Role::Staff, "GD-SZ").await;
        for _ in 0..2 {
            let r = attempt_from(&app, None, "127.0.0.1", "sz.staff", "wrong-password").await;
            assert_eq!(r.status, 401);
        }
        let o = app.login("gd.organiser", PASSWORD).await;
        let page = o.get(&format!("/accounts?org={}", gd.gd)).await;
        assert_eq!(page.status, 200, "{}", app.label());
        assert!(
            page.text.contains("2 次，最近"),
            "{}: {}",
            app.label(),
            page.text
        );
        // The new account's organisation is picked from the directory by name or code.
        assert!(
            page.text.contains("list=\"account-orgs\"")
                && page
                    .text
                    .contains("<option value=\"GD-SZ\">深圳市市场监督管理局</option>"),
            "{}",
            app.label()
        );
        // Once the account has logged in, it has seen them; its administrators no longer
        // need to.
        app.login("sz.staff", PASSWORD).await;
        let page = o.get(&format!("/accounts?org={}", gd.gd)).await;
        assert!(!page.text.contains("2 次，最近"), "{}", app.label());
        app.finish().await;
    }
}

#[tokio::test]
async fn expired_session_is_401_session_expired() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("sh.staff", Role::Staff, "SH").await;
        let c = app.login("sh.staff", PASSWORD).await;
        assert_eq!(c.get("/api/v1/me").await.status, 200);
        app.clock
            .advance(Duration::hours(12) + Duration::seconds(1));
        let r = c.get("/api/v1/me").await;
        assert_eq!(r.status, 401, "{}", app.label());
        assert_eq!(r.code(), "session_expired");
        assert_eq!(r.body["message_zh"], "会话已过期，请重新登录。");
        app.finish().await;
    }
}

#[tokio::test]
async fn unsafe_cookie_requests_need_the_csrf_token() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("gd.viewer", Role::Viewer, "GD").await;
        let c = app.login("gd.viewer", PASSWORD).await;
        let body = json!({"locale": "en"});

        let missing = c
            .send(c.http.put(c.url("/api/v1/me/locale")).json(&body))
            .await;
        assert_eq!(missing.status, 403, "{}: {}", app.label(), missing.text);
        assert_eq!(missing.code(), "csrf_missing");

        let wrong = c
            .send(
                c.http
                    .put(c.url("/api/v1/me/locale"))
                    .header("x-csrf-token", "not-the-token")
                    .json(&body),
            )
            .await;
        assert_eq!(wrong.status, 403);
        assert_eq!(wrong.code(), "csrf_mismatch");

        let cross = c
            .send(
                c.request(reqwest::Method::PUT, "/api/v1/me/locale")
                    .header("origin", "https://evil.example")
                    .json(&body),
            )
            .await;
        assert_eq!(cross.status, 403);
        assert_eq!(cross.code(), "cross_origin");

        // Nothing was changed by the refused requests; the right token works.
        assert_eq!(
            c.get("/api/v1/me").await.body["account"]["locale"],
            json!(null)
        );
        let ok = c.put("/api/v1/me/locale", body).await;
        assert_eq!(ok.status, 204, "{}", ok.text);
        assert_eq!(c.get("/api/v1/me").await.body["account"]["locale"], "en");
        let bad = c.put("/api/v1/me/locale", json!({"locale": "fr"})).await;
        assert_eq!(bad.status, 422);
        assert_eq!(bad.field_code("locale").as_deref(), Some("unknown_value"));
        app.finish().await;
    }
}

#[tokio::test]
async fn bearer_token_works_without_csrf_until_revoked() {
    for app in TestApp::spawn_all().await {
        let tree = app.tree().await;
        app.account("gd.admin", Role::Admin, "GD").await;
        let c = app.login("gd.admin", PASSWORD).await;
        let created = c
            .post("/api/v1/me/tokens", json!({"name": "报送脚本"}))
            .await;
        assert_eq!(created.status, 201, "{}: {}", app.label(), created.text);
        let token = created.body["token"].as_str().unwrap().to_owned();
        let id = created.body["id"].as_i64().unwrap();
        assert!(token.starts_with("rk_"));

        let listed = c.get("/api/v1/me/tokens").await;
        assert_eq!(listed.body[0]["id"], id);
        assert_eq!(listed.body[0]["name"], "报送脚本");
        assert!(
            listed.body[0].get("token").is_none(),
            "the secret is never listed"
        );

        let b = app.bearer(&token);
        let me = b.get("/api/v1/me").await;
        assert_eq!(me.status, 200);
        assert_eq!(me.body["auth"], "token");
        assert_eq!(me.body["csrf_token"], json!(null));
        // Unsafe requests need no CSRF token with a Bearer token.
        let org = b.get(&format!("/api/v1/orgs/{}", tree.sz)).await;
        let mut body = crate::support::org_body(&org.body);
        body["contact_name"] = json!("王小明");
        let put = b.put(&format!("/api/v1/orgs/{}", tree.sz), body).await;
        assert_eq!(put.status, 200, "{}", put.text);
        assert_eq!(put.body["contact_name"], "王小明");
        assert!(b.get("/api/v1/me/tokens").await.body[0]["last_used_at"].is_string());

        assert_eq!(
            c.delete(&format!("/api/v1/me/tokens/{id}")).await.status,
            204
        );
        let after = b.get("/api/v1/me").await;
        assert_eq!(after.status, 401);
        assert_eq!(after.code(), "invalid_token");
        assert_eq!(
            c.delete(&format!("/api/v1/me/tokens/{id}")).await.status,
            404
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn password_change_and_admin_reset() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("gd.organiser", Role::Organiser, "GD").await;
        let staff = app.account("sz.staff", Role::Staff, "GD-SZ").await;
        let other = app.account("sh.staff", Role::Staff, "SH").await;

        let s = app.login("sz.staff", PASSWORD).await;
        let issue_token = async |c: &crate::support::Client| {
            let created = c.post("/api/v1/me/tokens", json!({"name": "脚本"})).await;
            assert_eq!(created.status, 201, "{}", created.text);
            app.bearer(created.body["token"].as_str().unwrap())
        };
        let before_change = issue_token(&s).await;
        assert_eq!(before_change.get("/api/v1/me").await.status, 200);
        let bad = s
            .post(
                "/api/v1/me/password",
                json!({"current": "nope-nope", "new": "1234", "repeat": "12345"}),
            )
            .await;
        assert_eq!(bad.status, 422, "{}", app.label());
        assert_eq!(bad.fields(), ["new", "repeat", "current"]);
        let ok = s
            .post(
                "/api/v1/me/password",
                json!({"current": PASSWORD, "new": "新的密码-2022", "repeat": "新的密码-2022"}),
            )
            .await;
        assert_eq!(ok.status, 204, "{}", ok.text);
        assert_eq!(s.get("/api/v1/me").await.status, 200, "own session stays");
        let t = before_change.get("/api/v1/me").await;
        assert_eq!(
            (t.status, t.code()),
            (401, "invalid_token"),
            "{}: a password change revokes the account's API tokens",
            app.label()
        );
        let before_reset = issue_token(&s).await;
        app.login("sz.staff", "新的密码-2022").await;

        let o = app.login("gd.organiser", PASSWORD).await;
        let reset = o
            .post(
                &format!("/api/v1/accounts/{staff}/password"),
                json!({"password": "reset-by-gd-1"}),
            )
            .await;
        assert_eq!(reset.status, 204, "{}", reset.text);
        assert_eq!(s.get("/api/v1/me").await.status, 401, "reset ends sessions");
        assert_eq!(
            before_reset.get("/api/v1/me").await.status,
            401,
            "{}: a reset revokes the account's API tokens",
            app.label()
        );
        app.login("sz.staff", "reset-by-gd-1").await;
        let denied = o
            .post(
                &format!("/api/v1/accounts/{other}/password"),
                json!({"password": "reset-by-gd-1"}),
            )
            .await;
        assert_eq!(denied.status, 403);
        assert_eq!(denied.code(), "forbidden");
        app.finish().await;
    }
}

#[tokio::test]
async fn per_address_limit_uses_forwarded_for_only_behind_a_trusted_proxy() {
    for trust_proxy in [true, false] {
        let config = WebConfig {
            trust_proxy,
            login_free_failures: 100,
            login_free_failures_per_ip: 2,
            ..WebConfig::default()
        };
        for app in TestApp::spawn_all_with(config).await {
            let attempt = async |ip: &str| {
                let via_proxy = format!("203.0.113.9, {ip}");
                attempt_from(&app, None, &via_proxy, "nobody", "wrong-password").await
            };
            assert_eq!(attempt("10.0.0.1").await.status, 401);
            assert_eq!(attempt("10.0.0.1").await.status, 401);
            assert_eq!(attempt("10.0.0.1").await.status, 429, "{}", app.label());
            // Another address behind the proxy is its own client; without a trusted
            // proxy the header is ignored and every attempt comes from 127.0.0.1.
            let other = attempt("10.0.0.2").await.status;
            assert_eq!(
                other,
                if trust_proxy { 401 } else { 429 },
                "{}",
                app.label()
            );
            app.finish().await;
        }
    }
}

#[tokio::test]
async fn tokens_expire_and_open_the_api_only() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("sz.staff", Role::Staff, "GD-SZ").await;
        let s = app.login("sz.staff", PASSWORD).await;
        let bad = s
            .post("/api/v1/me/tokens", json!({"name": "脚本", "days": 400}))
            .await;
        assert_eq!(bad.status, 422, "{}", app.label());
        assert_eq!(
            bad.field_code("days").as_deref(),
            Some("token_days_out_of_range")
        );
        let made = s.post("/api/v1/me/tokens", json!({"name": "脚本"})).await;
        assert_eq!(made.status, 201, "{}", made.text);
        let expires: chrono::DateTime<chrono::Utc> =
            made.body["expires_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            expires,
            app.clock.now() + Duration::days(90),
            "the default is 90 days"
        );
        let short = s
            .post("/api/v1/me/tokens", json!({"name": "一周", "days": 7}))
            .await;
        assert_eq!(short.status, 201);
        let token = made.body["token"].as_str().unwrap();
        let api = app.bearer(token);
        assert_eq!(api.get("/api/v1/me").await.status, 200);
        // The settings page lists when each token ends.
        let settings = s.get("/settings").await;
        assert!(settings.text.contains("有效期至"), "{}", app.label());
        assert!(
            settings
                .text
                .contains(&renke_domain::clock::local_time(&expires)),
            "{}",
            app.label()
        );
        // A page does not look at the token: it answers as to a stranger.
        let no_redirects = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        for page in ["/home", "/settings", "/orgs"] {
            let r = no_redirects
                .get(app.url(page))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 303, "{}: {page}", app.label());
            let to = r.headers()["location"].to_str().unwrap();
            assert!(to.starts_with("/login"), "{page} → {to}");
        }
        // After 7 days the short one has ended, the default one works on.
        app.clock.advance(Duration::days(7));
        let short_api = app.bearer(short.body["token"].as_str().unwrap());
        let r = short_api.get("/api/v1/me").await;
        assert_eq!(
            (r.status, r.code()),
            (401, "invalid_token"),
            "{}",
            app.label()
        );
        assert_eq!(api.get("/api/v1/me").await.status, 200);
        app.clock.advance(Duration::days(83));
        let r = api.get("/api/v1/me").await;
        assert_eq!(
            (r.status, r.code()),
            (401, "invalid_token"),
            "{}",
            app.label()
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn an_administrators_reset_tells_the_account_by_mail_and_message() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("gd.organiser", Role::Organiser, "GD").await;
        let with_mail = renke_store::accounts::NewAccount {
            login: renke_domain::account::Login::parse("login", "sz.staff").unwrap(),
            display_name: "测试sz.staff".into(),
            org_code: "GD-SZ".into(),
            role: Role::Staff,
            email: Some("sz.staff@example.cn".into()),
            phone: None,
            password_hash: crate::support::password_hash().await,
        };
        let staff = renke_store::accounts::create(app.db(), &with_mail, app.clock.now())
            .await
            .unwrap()
            .id;
        app.account("sz.viewer", Role::Viewer, "GD-SZ").await;
        let o = app.login("gd.organiser", PASSWORD).await;
        let reset = o
            .post(
                &format!("/api/v1/accounts/{staff}/password"),
                json!({"password": "reset-by-gd-1"}),
            )
            .await;
        assert_eq!(reset.status, 204, "{}", reset.text);
        app.run_jobs().await;
        let mails = app.mails();
        assert_eq!(mails.len(), 1, "{}", app.label());
        assert_eq!(mails[0].to, ["测试sz.staff <sz.staff@example.cn>"]);
        assert!(mails[0].subject.contains("您的密码已被重置"));
        assert!(
            mails[0].text.contains("测试gd.organiser"),
            "{}",
            mails[0].text
        );
        let s = app.login("sz.staff", "reset-by-gd-1").await;
        let m = s.get("/api/v1/me/messages").await;
        assert_eq!(m.body["unread"], 1, "{}: {}", app.label(), m.text);
        assert_eq!(m.body["items"][0]["kind"], "password_reset");
        assert!(s.get("/home").await.text.contains("您的密码已被重置"));
        // The message is the account's, not its colleagues'.
        let v = app.login("sz.viewer", PASSWORD).await;
        assert_eq!(v.get("/api/v1/me/messages").await.body["total"], 0);
        // Changing one's own password tells nobody.
        let ok = s
            .post(
                "/api/v1/me/password",
                json!({"current": "reset-by-gd-1", "new": "新的密码-2022", "repeat": "新的密码-2022"}),
            )
            .await;
        assert_eq!(ok.status, 204);
        app.run_jobs().await;
        assert_eq!(app.mails().len(), 1);
        app.finish().await;
    }
}

/// The login form answers a slowed-down attempt as the API does: 429, the wait in words
/// and in `Retry-After`.
#[tokio::test]
async fn the_login_form_says_how_long_to_wait() {
    use crate::pages::{browser, csrf_field, get};
    let config = WebConfig {
        login_free_failures: 1,
        ..WebConfig::default()
    };
    for app in TestApp::spawn_all_with(config).await {
        app.tree().await;
        app.account("sz.viewer", Role::Viewer, "GD-SZ").await;
        let c = browser();
        let mut last = None;
        for _ in 0..2 {
            let (_, _, html) = get(&c, &app, "/login").await;
            let token = csrf_field(&html);
            let r = c
                .post(app.url("/login"))
                .form(&[
                    ("login", "sz.viewer"),
                    ("password", "wrong-password"),
                    ("_csrf", token.as_str()),
                ])
                .send()
                .await
                .unwrap();
            last = Some(r);
        }
        let r = last.unwrap();
        assert_eq!(r.status().as_u16(), 429, "{}", app.label());
        assert_eq!(r.headers()["retry-after"], "1");
        assert!(r.text().await.unwrap().contains("请 1 秒后再试"));
        app.finish().await;
    }
}
