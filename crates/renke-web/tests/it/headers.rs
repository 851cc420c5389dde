//! Security headers, pages without inline script or style, and `/metrics` behind its token.

use crate::support::{PASSWORD, TestApp};
use renke_domain::perm::Role;
use renke_store::testing::backends;
use renke_web::WebConfig;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; \
                   base-uri 'self'; form-action 'self'";

fn header<'a>(r: &'a crate::support::Resp, name: &str) -> Option<&'a str> {
    r.headers.get(name).map(|v| v.to_str().unwrap())
}

/// The headers every response carries, whatever it is.
fn assert_security_headers(r: &crate::support::Resp, what: &str) {
    assert_eq!(header(r, "content-security-policy"), Some(CSP), "{what}");
    assert_eq!(
        header(r, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(header(r, "referrer-policy"), Some("same-origin"), "{what}");
    assert_eq!(header(r, "x-frame-options"), Some("DENY"), "{what}");
}

/// A page, an API response and a static file each carry the security headers; pages and
/// API responses are `no-store`, static files keep their caching; HSTS only over https.
#[tokio::test]
async fn security_headers_on_pages_api_and_static_files() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        let c = app.login("gd.org", PASSWORD).await;
        for path in [
            "/home",
            "/notices",
            "/settings",
            "/api/v1/me",
            "/api/v1/notices/inbox",
        ] {
            let r = c.get(path).await;
            assert!(r.status < 400, "{path}: {} {}", r.status, r.text);
            assert_security_headers(&r, path);
            assert_eq!(header(&r, "cache-control"), Some("no-store"), "{path}");
            assert_eq!(header(&r, "strict-transport-security"), None, "{path}");
        }
        // Errors too, and the anonymous pages.
        let anon = app.anonymous();
        for (path, status) in [("/api/v1/me", 401), ("/login", 200), ("/nowhere", 404)] {
            let r = anon.get(path).await;
            assert_eq!(r.status, status, "{path}");
            assert_security_headers(&r, path);
            assert_eq!(header(&r, "cache-control"), Some("no-store"), "{path}");
        }
        for path in ["/static/app.js", "/static/style.css", "/static/htmx.min.js"] {
            let r = anon.get(path).await;
            assert_eq!(r.status, 200, "{path}");
            assert_security_headers(&r, path);
            assert_eq!(
                header(&r, "cache-control"),
                Some("public, max-age=3600"),
                "{path}"
            );
        }
        app.finish().await;
    }
    let https = WebConfig {
        public_url: "https://renke.example.gov.cn".into(),
        ..WebConfig::default()
    };
    for app in TestApp::spawn_all_with(https).await {
        let anon = app.anonymous();
        for path in ["/login", "/api/v1/me", "/static/app.js"] {
            let r = anon.get(path).await;
            assert_eq!(
                header(&r, "strict-transport-security"),
                Some("max-age=31536000"),
                "{path}"
            );
        }
        app.finish().await;
    }
}

/// Where `html` has an inline script, an inline event handler (`onclick=` …, htmx's
/// `hx-on`) or a `style` attribute, each as a short excerpt.
fn inline_code(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let excerpt = |at: usize| {
        let end = (at + 60).min(html.len());
        let end = (end..=html.len())
            .find(|i| html.is_char_boundary(*i))
            .unwrap_or(html.len());
        html[at..end].to_owned()
    };
    let mut from = 0;
    while let Some(i) = lower[from..].find("<script") {
        let at = from + i;
        let tag_end = lower[at..].find('>').map_or(lower.len(), |e| at + e);
        if !lower[at..tag_end].contains(" src=") {
            found.push(excerpt(at));
        }
        from = tag_end;
    }
    let bytes = lower.as_bytes();
    for (at, _) in lower.match_indices(" on") {
        let name: String = lower[at + 3..]
            .chars()
            .take_while(char::is_ascii_lowercase)
            .collect();
        let after = at + 3 + name.len();
        if !name.is_empty() && bytes.get(after) == Some(&b'=') {
            found.push(excerpt(at));
        }
    }
    for needle in [" style=", "hx-on", "javascript:"] {
        for (at, _) in lower.match_indices(needle) {
            found.push(excerpt(at));
        }
    }
    found
}

/// No template has inline script, inline event handlers or `style` attributes: the
/// Content-Security-Policy would refuse them.
#[test]
fn templates_have_no_inline_script_or_style() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let mut offending = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for hit in inline_code(&text) {
            offending.push(format!("{}: {hit}", path.display()));
        }
    }
    assert!(offending.is_empty(), "{offending:#?}");
    // The checker itself finds what it looks for.
    assert_eq!(
        inline_code(
            "<script>x()</script><button onclick=\"y()\"><p style=\"a\"><i hx-on:click=\"z\">"
        )
        .len(),
        4
    );
    assert!(inline_code("<script src=\"/static/app.js\" defer></script>").is_empty());
}

/// The rendered pages, the base template's htmx configuration included: no inline code,
/// and htmx told not to evaluate code nor to inject its indicator styles.
#[tokio::test]
async fn rendered_pages_have_no_inline_script_or_style() {
    let app = TestApp::spawn(
        backends().await.into_iter().next().unwrap(),
        WebConfig::default(),
    )
    .await;
    let tree = app.tree().await;
    app.account("gd.org", Role::Organiser, "GD").await;
    let c = app.login("gd.org", PASSWORD).await;
    let org = format!("/orgs/{}", tree.gd);
    for path in [
        "/home",
        "/notices",
        "/notices/new",
        "/tasks",
        "/activities",
        "/messages",
        "/settings",
        "/orgs",
        org.as_str(),
        "/accounts",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(
            inline_code(&r.text).is_empty(),
            "{path}: {:?}",
            inline_code(&r.text)
        );
        assert!(
            r.text
                .contains(r#"<meta name="htmx-config" content='{"allowEval":false,"#),
            "{path}"
        );
        assert!(
            r.text.contains(r#""includeIndicatorStyles":false"#),
            "{path}"
        );
    }
    let anon = app.anonymous();
    for path in ["/", "/login"] {
        let r = anon.get(path).await;
        assert!(inline_code(&r.text).is_empty(), "{path}");
    }
    app.finish().await;
}

/// `/metrics` answers only the configured bearer token: none or a wrong one is 401, the
/// right one 200; with no token configured it is not served at all.
#[tokio::test]
async fn metrics_needs_the_configured_token() {
    let token = "metrics-token-0123456789";
    for db in backends().await {
        let app = TestApp::spawn_state(db, WebConfig::default(), |s| {
            s.with_metrics_token(Some(token.to_owned()))
        })
        .await;
        let none = app.anonymous().get("/metrics").await;
        assert_eq!(none.status, 401, "{}", app.label());
        assert_eq!(
            header(&none, "www-authenticate"),
            Some("Bearer realm=\"metrics\"")
        );
        assert!(!none.text.contains("http_requests_total"));
        let wrong = app.bearer("metrics-token-0123456788").get("/metrics").await;
        assert_eq!(wrong.status, 401);
        let short = app.bearer("metrics").get("/metrics").await;
        assert_eq!(short.status, 401);
        let m = app.bearer(token).get("/metrics").await;
        assert_eq!(m.status, 200, "{}", m.text);
        assert!(m.text.contains("http_requests_total"), "{}", m.text);
        assert!(m.text.contains("http_request_duration_seconds"));
        assert!(m.text.contains("db_pool_connections"));
        assert_eq!(header(&m, "cache-control"), Some("no-store"));
        app.finish().await;
    }
    for app in TestApp::spawn_all().await {
        assert_eq!(app.anonymous().get("/metrics").await.status, 404);
        assert_eq!(app.bearer(token).get("/metrics").await.status, 404);
        app.finish().await;
    }
}
