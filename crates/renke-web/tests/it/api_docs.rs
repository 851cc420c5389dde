//! The OpenAPI document, its viewer, health and metrics.

use crate::support::{PASSWORD, TestApp};
use renke_domain::perm::Role;
use reqwest::Method;
use serde_json::json;

/// Every documented path with its methods; a new endpoint must be added here and to the
/// document.
const PATHS: &[(&str, &[&str])] = &[
    ("/api/v1/session", &["post", "delete"]),
    ("/api/v1/me", &["get"]),
    ("/api/v1/me/locale", &["put"]),
    ("/api/v1/me/password", &["post"]),
    ("/api/v1/me/tokens", &["get", "post"]),
    ("/api/v1/me/tokens/{id}", &["delete"]),
    ("/api/v1/orgs", &["get", "post"]),
    ("/api/v1/orgs/{id}", &["get", "put"]),
    ("/api/v1/orgs/{id}/children", &["get"]),
    ("/api/v1/orgs/{id}/move", &["post"]),
    ("/api/v1/accounts", &["get", "post"]),
    ("/api/v1/accounts/{id}/password", &["post"]),
    ("/api/v1/campaigns", &["get", "post"]),
    ("/api/v1/campaigns/{id}", &["get", "put"]),
    ("/api/v1/public/campaign", &["get"]),
    ("/api/v1/notices", &["get", "post"]),
    ("/api/v1/notices/inbox", &["get"]),
    ("/api/v1/notices/{id}", &["get", "put"]),
    ("/api/v1/notices/{id}/issue", &["post"]),
    ("/api/v1/notices/{id}/acknowledge", &["post"]),
    ("/api/v1/notices/{id}/status", &["get"]),
    ("/api/v1/notices/{id}/correct", &["post"]),
    ("/api/v1/notices/{id}/relay", &["post"]),
    ("/api/v1/notices/{id}/attachments", &["post"]),
    ("/api/v1/notices/{id}/attachments/{pos}", &["get"]),
    ("/api/v1/notices/{id}/tasks", &["get", "post"]),
    ("/api/v1/notices/{id}/dashboard", &["get"]),
    ("/api/v1/tasks/{id}", &["get"]),
    ("/api/v1/tasks/{id}/submission", &["put", "post"]),
    ("/api/v1/tasks/{id}/compile", &["post"]),
    ("/api/v1/tasks/{id}/dashboard", &["get"]),
    ("/api/v1/submissions/{id}", &["get"]),
    ("/api/v1/submissions/{id}/submit", &["post"]),
    ("/api/v1/submissions/{id}/review", &["post"]),
    ("/api/v1/submissions/{id}/paper", &["post"]),
    ("/api/v1/me/tasks", &["get"]),
    ("/api/v1/tasks/{id}/reminders", &["get", "put"]),
    ("/api/v1/me/messages", &["get"]),
    ("/api/v1/tasks/{id}/export.xlsx", &["get"]),
    ("/api/v1/tasks/{id}/materials.zip", &["get"]),
    ("/api/v1/me/messages/{id}/read", &["post"]),
    ("/api/v1/activities", &["get", "post"]),
    ("/api/v1/activities/{id}", &["get"]),
    ("/api/v1/activities/{id}/sessions", &["post"]),
    ("/api/v1/activities/{id}/board", &["get"]),
    (
        "/api/v1/activities/{id}/venues/{venue_id}/slots/{slot_id}",
        &["put"],
    ),
    ("/api/v1/sessions/{id}/capacity", &["put"]),
    ("/api/v1/sessions/{id}/registrations", &["get", "post"]),
    ("/api/v1/sessions/{id}/checkins", &["post"]),
    ("/api/v1/tickets/{ticket}/cancel", &["post"]),
    ("/api/v1/notices/{id}/pdf", &["get"]),
    ("/api/v1/tickets/{ticket}/certificate.pdf", &["get"]),
    ("/api/v1/submissions/{id}/files/{version}/{pos}", &["get"]),
    ("/api/v1/submissions/{id}/report.pdf", &["get"]),
];

#[tokio::test]
async fn openapi_document_lists_every_endpoint() {
    for app in TestApp::spawn_all().await {
        let anon = app.anonymous();
        let r = anon.get("/api/openapi.json").await;
        assert_eq!(r.status, 200, "{}: {}", app.label(), r.text);
        let doc = &r.body;
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        let mut documented: Vec<_> = paths.keys().cloned().collect();
        documented.sort();
        let mut expected: Vec<_> = PATHS.iter().map(|(p, _)| (*p).to_owned()).collect();
        expected.sort();
        assert_eq!(documented, expected);
        for (path, methods) in PATHS {
            let item = paths[*path].as_object().unwrap();
            for m in *methods {
                let op = &item[*m];
                assert!(op.is_object(), "{m} {path} is not documented");
                assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()));
            }
        }
        let pdf = &paths["/api/v1/notices/{id}/pdf"]["get"]["responses"]["200"]["content"];
        assert!(pdf["application/pdf"].is_object(), "PDF response: {pdf}");
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["scheme"], "bearer");
        assert_eq!(schemes["session"]["in"], "cookie");
        assert_eq!(schemes["session"]["name"], "renke_session");
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for s in [
            "ErrorBody",
            "FieldProblem",
            "OrgDto",
            "CampaignDto",
            "AccountDto",
            "MeDto",
            "NoticeDto",
            "NoticeDetailDto",
            "AckStatusDto",
            "TaskDto",
            "SubmissionDto",
            "DashboardDto",
            "ActivityDto",
            "RegistrationDto",
            "BoardRowDto",
        ] {
            assert!(schemas.contains_key(s), "schema {s} missing");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn swagger_ui_is_served_without_internet() {
    for app in TestApp::spawn_all().await {
        let anon = app.anonymous();
        let r = anon.get("/api/docs").await; // redirected to /api/docs/
        assert_eq!(r.status, 200, "{}", app.label());
        let ct = r.headers["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with("text/html"), "{ct}");
        assert!(r.text.contains("swagger-ui"), "{}", r.text);
        let init = anon.get("/api/docs/swagger-initializer.js").await;
        assert_eq!(init.status, 200);
        assert!(init.text.contains("/api/openapi.json"));
        let bundle = anon.get("/api/docs/swagger-ui-bundle.js").await;
        assert_eq!(bundle.status, 200);
        assert!(
            bundle.text.len() > 100_000,
            "the bundle is served from the binary"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn health() {
    for app in TestApp::spawn_all().await {
        let anon = app.anonymous();
        let h = anon.get("/healthz").await;
        assert_eq!(h.status, 200, "{}", app.label());
        assert_eq!(h.text, "ok");
        app.finish().await;
    }
}

/// Every path the whole router serves, from axum's own listing of its routes: its `Debug`
/// output names each route as `RouteId(n): "/path"`, the routes first, then the fallbacks
/// (left out here: they answer 404). Nested routers are flattened into it, so a route added
/// anywhere (pages, a nested router, the top level) is listed.
fn served_paths(app: &TestApp) -> Vec<String> {
    let listing = format!("{:?}", renke_web::router(app.state.clone()));
    let routes_end = listing.find("fallback_router:").unwrap();
    let mut paths = Vec::new();
    let mut rest = &listing[..routes_end];
    while let Some(at) = rest.find("RouteId(") {
        rest = &rest[at + "RouteId(".len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if let Some(quoted) = rest[digits..].strip_prefix("): \"") {
            let end = quoted.find('"').unwrap();
            paths.push(quoted[..end].to_owned());
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

/// An `/api/v1` route the router serves but the document does not describe fails here:
/// every served `/api/v1` path must be a documented path, and on each of them every method
/// the document does not list must answer 405. A `.route()` added outside the
/// `OpenApiRouter` (in `api`, in the pages, or on the top-level router) breaks one of the two.
#[tokio::test]
async fn every_served_api_route_is_documented() {
    for app in TestApp::spawn_all().await {
        app.tree().await;
        app.account("gd.admin", Role::Admin, "GD").await;
        let c = app.login("gd.admin", PASSWORD).await;
        let token = c
            .post("/api/v1/me/tokens", json!({"name": "路由检查"}))
            .await;
        assert_eq!(token.status, 201, "{}: {}", app.label(), token.text);
        let b = app.bearer(token.body["token"].as_str().unwrap());

        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let documented = doc["paths"].as_object().unwrap();

        let served = served_paths(&app);
        // The listing is read from axum's `Debug` output: make sure it was understood.
        assert!(served.iter().any(|p| p == "/healthz"), "{served:?}");
        assert!(served.iter().any(|p| p == "/settings"), "{served:?}");
        let api: Vec<&String> = served
            .iter()
            .filter(|p| p.starts_with("/api/v1") && !p.contains("__private__axum"))
            .collect();
        for path in &api {
            assert!(
                documented.contains_key(path.as_str()),
                "{path} is served but not in /api/openapi.json"
            );
        }
        for path in documented.keys() {
            assert!(api.contains(&path), "{path} is documented but not served");
        }

        for path in &api {
            let ops = documented[path.as_str()].as_object().unwrap();
            // Every `{param}` segment filled in; the method router answers before any
            // handler looks at it.
            let concrete = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            for method in [
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PUT,
                Method::DELETE,
                Method::PATCH,
                Method::OPTIONS,
                Method::TRACE,
            ] {
                let key = if method == Method::HEAD {
                    "get".to_owned()
                } else {
                    method.as_str().to_lowercase()
                };
                if ops.contains_key(&key) {
                    continue;
                }
                let r = b.send(b.request(method.clone(), &concrete)).await;
                assert_eq!(
                    r.status,
                    405,
                    "{}: {method} {concrete} is served but {method} {path} is not documented",
                    app.label()
                );
            }
        }
        app.finish().await;
    }
}
