//! The OpenAPI document, its viewer, health and metrics.

use crate::support::{PASSWORD, TestApp};
use renke_domain::perm::Role;
use reqwest::Method;
use serde_json::{Value, json};

/// Every documented path with its methods; a new endpoint must be added here and to the
/// document.
const PATHS: &[(&str, &[&str])] = &[
    ("/api/v1/session", &["post", "delete"]),
    ("/api/v1/me", &["get"]),
    ("/api/v1/me/locale", &["put"]),
    ("/api/v1/me/mail-digest", &["put"]),
    ("/api/v1/me/password", &["post"]),
    ("/api/v1/me/tokens", &["get", "post"]),
    ("/api/v1/me/tokens/{id}", &["delete"]),
    ("/api/v1/orgs", &["get", "post"]),
    ("/api/v1/orgs/{id}", &["get", "put"]),
    ("/api/v1/orgs/{id}/children", &["get"]),
    ("/api/v1/orgs/{id}/move", &["post"]),
    ("/api/v1/accounts", &["get", "post"]),
    ("/api/v1/accounts/{id}/password", &["post"]),
    ("/api/v1/accounts/{id}/external-id", &["put"]),
    ("/api/v1/campaigns", &["get", "post"]),
    ("/api/v1/campaigns/{id}", &["get", "put"]),
    ("/api/v1/public/campaign", &["get"]),
    ("/api/v1/publicity/materials", &["get", "post"]),
    ("/api/v1/publicity/materials/{id}", &["get"]),
    ("/api/v1/publicity/materials/{id}/step", &["post"]),
    ("/api/v1/publicity/materials/{id}/file", &["get"]),
    ("/api/v1/publicity/materials/{id}/thumbnail", &["get"]),
    ("/api/v1/publicity/campaigns/{id}/zone", &["get"]),
    ("/api/v1/publicity/statistics", &["get"]),
    ("/api/v1/publicity/statistics/import", &["post"]),
    ("/api/v1/publicity/statistics/analysis", &["get"]),
    ("/api/v1/publicity/statistics/reports", &["post"]),
    ("/api/v1/publicity/statistics/reports/{id}", &["get", "put"]),
    (
        "/api/v1/publicity/statistics/reports/{id}/publish",
        &["post"],
    ),
    (
        "/api/v1/publicity/statistics/reports/{id}/shares",
        &["post"],
    ),
    ("/api/v1/publicity/statistics/reports/{id}/pdf", &["get"]),
    ("/api/v1/publicity/campaigns/{id}/reports", &["get"]),
    ("/api/v1/publicity/materials.xlsx", &["get"]),
    ("/api/v1/publicity/shipments", &["get", "post"]),
    ("/api/v1/publicity/shipments/{id}", &["get"]),
    ("/api/v1/publicity/shipments/{id}/lines.xlsx", &["get"]),
    ("/api/v1/publicity/shipments/lines/{id}", &["put"]),
    ("/api/v1/publicity/shipments/lines/{id}/receive", &["post"]),
    ("/api/v1/publicity/shipments/lines/{id}/posted", &["post"]),
    ("/api/v1/publicity/shipments/lines/{id}/photo", &["get"]),
    ("/api/v1/publicity/shipments/lines/{id}/thumbnail", &["get"]),
    ("/api/v1/search", &["get"]),
    ("/api/v1/campaigns/{id}/search", &["get"]),
    ("/api/v1/publicity/initiatives", &["get", "post"]),
    ("/api/v1/publicity/campaigns/{id}/initiatives", &["get"]),
    ("/api/v1/publicity/initiatives/{id}", &["get"]),
    ("/api/v1/publicity/initiatives/{id}/close", &["post"]),
    (
        "/api/v1/publicity/initiatives/{id}/signatures",
        &["get", "post"],
    ),
    (
        "/api/v1/publicity/initiatives/{id}/signatures/mine",
        &["delete"],
    ),
    ("/api/v1/publicity/initiatives/{id}/unsigned", &["get"]),
    (
        "/api/v1/publicity/activities/{id}/certificates",
        &["get", "post"],
    ),
    (
        "/api/v1/publicity/activities/{id}/certificates/import",
        &["post"],
    ),
    (
        "/api/v1/publicity/activities/{id}/certificates/{cert}",
        &["delete"],
    ),
    ("/api/v1/publicity/certificates/verify", &["get"]),
    ("/api/v1/publicity/cases", &["get", "post"]),
    ("/api/v1/publicity/cases/{id}", &["get"]),
    ("/api/v1/publicity/cases/{id}/template", &["get"]),
    ("/api/v1/publicity/cases/{id}/submissions", &["post"]),
    ("/api/v1/publicity/cases/submissions/{id}", &["get"]),
    ("/api/v1/publicity/cases/submissions/{id}/step", &["post"]),
    ("/api/v1/publicity/cases/submissions/{id}/scores", &["put"]),
    (
        "/api/v1/publicity/cases/submissions/{id}/files/{file}",
        &["get"],
    ),
    ("/api/v1/publicity/cases/{id}/review", &["post"]),
    ("/api/v1/publicity/cases/{id}/ranking", &["get"]),
    ("/api/v1/publicity/cases/{id}/selection", &["post"]),
    ("/api/v1/publicity/cases/{id}/publish", &["post"]),
    ("/api/v1/publicity/cases/{id}/collection", &["get"]),
    ("/api/v1/publicity/cases/{id}/booklet", &["get"]),
    ("/api/v1/publicity/cases/{id}/files", &["get"]),
    ("/api/v1/notices", &["get", "post"]),
    ("/api/v1/notices/inbox", &["get"]),
    ("/api/v1/notices/parse", &["post"]),
    ("/api/v1/notices/import", &["post"]),
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
    ("/api/v1/tasks/{id}/items", &["get", "post"]),
    ("/api/v1/items/{id}/review", &["post"]),
    ("/api/v1/items/{id}/publish", &["post"]),
    ("/api/v1/pt/schemes", &["get", "post"]),
    ("/api/v1/pt/rounds", &["get", "post"]),
    ("/api/v1/pt/rounds/{id}", &["get"]),
    ("/api/v1/pt/rounds/{id}/invitations", &["post"]),
    ("/api/v1/pt/rounds/{id}/invitable", &["get"]),
    ("/api/v1/pt/rounds/{id}/applications", &["post"]),
    ("/api/v1/pt/enrolments/{id}/decision", &["post"]),
    ("/api/v1/pt/rounds/{id}/testing", &["post"]),
    ("/api/v1/pt/enrolments/{id}/dispatches", &["post"]),
    (
        "/api/v1/pt/rounds/{id}/dispatches/{dispatch_id}/receipt",
        &["post"],
    ),
    ("/api/v1/pt/enrolments/{id}/results", &["get", "put"]),
    ("/api/v1/pt/enrolments/{id}/results/submit", &["post"]),
    ("/api/v1/pt/rounds/{id}/results", &["post"]),
    ("/api/v1/pt/rounds/{id}/evaluations", &["get", "post"]),
    ("/api/v1/pt/rounds/{id}/evaluation-runs", &["get"]),
    ("/api/v1/pt/rounds/{id}/evaluation-runs/{run}", &["get"]),
    (
        "/api/v1/pt/rounds/{id}/measurands/{measurand}/evaluation-diff",
        &["get"],
    ),
    (
        "/api/v1/pt/rounds/{id}/measurands/{measurand}/release-revision",
        &["post"],
    ),
    ("/api/v1/pt/rounds/{id}/release", &["post"]),
    ("/api/v1/pt/enrolments/{id}/outcomes", &["get"]),
    ("/api/v1/pt/enrolments/{id}/letter.pdf", &["get"]),
    ("/api/v1/pt/enrolments/{id}/certificate.pdf", &["get"]),
    ("/api/v1/pt/rounds/{id}/instructions", &["get", "post"]),
    ("/api/v1/pt/followups/{id}/files", &["get", "post"]),
    (
        "/api/v1/pt/followups/{id}/files/{file_id}",
        &["get", "delete"],
    ),
    ("/api/v1/pt/followups", &["get"]),
    ("/api/v1/pt/followups/{id}", &["get"]),
    ("/api/v1/pt/followups/{id}/answer", &["post"]),
    ("/api/v1/pt/followups/{id}/review", &["post"]),
    ("/api/v1/pt/rounds/{id}/report.pdf", &["get"]),
    ("/api/v1/pt/rounds/{id}/letters.zip", &["get"]),
    ("/api/v1/pt/rounds/{id}/participation", &["get"]),
    ("/api/v1/pt/labs/{id}/history", &["get"]),
    ("/api/v1/pt/rounds/{id}/studies", &["get", "post"]),
    ("/api/v1/pt/rounds/{id}/results.xlsx", &["get", "post"]),
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
            "RoundViewDto",
            "EnrolmentDto",
            "EvaluationDto",
            "OutcomeRowDto",
            "FollowupDto",
            "RoundForm",
            "LoadForm",
            "EvaluationForm",
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

/// `/readyz` answers 200 with each check `ok` when the database is migrated and the file
/// store answers; with a file store that cannot be reached it answers 503 naming `files`.
#[tokio::test]
async fn readiness_names_what_is_not_ready() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let r = app.anonymous().get("/readyz").await;
        assert_eq!(r.status, 200, "{l}: {}", r.text);
        assert_eq!(
            r.body,
            json!({"ready": true, "checks": {"database": "ok", "migrations": "ok", "files": "ok"}}),
            "{l}"
        );
        // A database behind this binary (its newest migration not applied) is not ready.
        renke_store::on_db!(app.db(), |p| sqlx::query(
            "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)"
        )
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .unwrap();
        let r = app.anonymous().get("/readyz").await;
        assert_eq!(r.status, 503, "{l}: {}", r.text);
        let problem = r.body["checks"]["migrations"].as_str().unwrap();
        assert!(problem.contains("this binary needs"), "{l}: {problem}");
        assert_eq!(r.body["checks"]["database"], "ok", "{l}");
        app.finish().await;
    }
    for db in renke_app::testing::backends().await {
        // Nothing listens on port 1: the store is configured but unreachable.
        let unreachable = renke_app::FileStore::s3(&renke_store::files::S3Options {
            bucket: "renke".into(),
            endpoint: Some("http://127.0.0.1:1".into()),
            region: "us-east-1".into(),
            access_key_id: Some("k".into()),
            secret_access_key: Some("s".into()),
            prefix: None,
        })
        .unwrap();
        let app =
            TestApp::spawn_mapped(db, Default::default(), |a| a.with_files(unreachable)).await;
        let l = app.label();
        let r = app.anonymous().get("/readyz").await;
        assert_eq!(r.status, 503, "{l}: {}", r.text);
        assert_eq!(r.body["ready"], false, "{l}");
        assert_eq!(r.body["checks"]["database"], "ok", "{l}");
        assert_ne!(r.body["checks"]["files"], "ok", "{l}: {}", r.text);
        app.finish().await;
    }
}

/// Every response carries an `X-Request-Id`: the one the proxy sent when it is well formed,
/// else a new one (never a header value that could forge a log line).
#[tokio::test]
async fn responses_carry_a_request_id() {
    let app = TestApp::spawn(
        renke_app::testing::TestDb::sqlite().await.unwrap(),
        Default::default(),
    )
    .await;
    let anon = app.anonymous();
    let id = |r: &crate::support::Resp| {
        r.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let a = anon.get("/healthz").await;
    let b = anon.get("/no-such-page").await;
    let (a, b) = (id(&a).unwrap(), id(&b).unwrap());
    assert_eq!(a.len(), 16, "{a}");
    assert_ne!(a, b, "each request its own id");
    let sent = anon
        .send(
            anon.request(Method::GET, "/healthz")
                .header("x-request-id", "lb-7f3a.42"),
        )
        .await;
    assert_eq!(id(&sent).as_deref(), Some("lb-7f3a.42"));
    let forged = anon
        .send(
            anon.request(Method::GET, "/healthz")
                .header("x-request-id", "a b\tc"),
        )
        .await;
    let forged = id(&forged).unwrap();
    assert_eq!(forged.len(), 16, "a malformed id is replaced: {forged}");
    app.finish().await;
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

/// `value` against `schema` of the OpenAPI document `doc` (JSON Schema as utoipa writes it:
/// `$ref`, `type` as a name or a list with `"null"`, `properties`, `required`, `items`,
/// `additionalProperties`, `enum`, `oneOf`/`anyOf`/`allOf`; formats are not checked). Every
/// violation is listed with its JSON path.
fn violations(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        let target = &doc["components"]["schemas"][name];
        assert!(target.is_object(), "unresolved {r}");
        return violations(doc, target, value, at, out);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = schema[key].as_array() {
            let matching = alts
                .iter()
                .filter(|alt| {
                    let mut v = Vec::new();
                    violations(doc, alt, value, at, &mut v);
                    v.is_empty()
                })
                .count();
            let ok = if key == "oneOf" {
                matching == 1
            } else {
                matching >= 1
            };
            if !ok {
                out.push(format!("{at}: {matching} of {key} match {value}"));
            }
        }
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        violations(doc, part, value, at, out);
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() {
        let fits = types.iter().any(|t| match *t {
            "null" => value.is_null(),
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            _ => false,
        });
        if !fits {
            out.push(format!("{at}: {value} is not {types:?}"));
            return;
        }
    }
    if let Some(choices) = schema["enum"].as_array()
        && !choices.contains(value)
    {
        out.push(format!("{at}: {value} not in {choices:?}"));
    }
    if let Value::Object(fields) = value {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !fields.contains_key(name) {
                out.push(format!("{at}: required `{name}` missing"));
            }
        }
        for (name, v) in fields {
            let declared = &schema["properties"][name];
            if declared.is_object() {
                violations(doc, declared, v, &format!("{at}.{name}"), out);
            } else if schema["additionalProperties"] == false {
                out.push(format!("{at}: `{name}` not allowed"));
            } else if schema["additionalProperties"].is_object() {
                let extra = &schema["additionalProperties"];
                violations(doc, extra, v, &format!("{at}.{name}"), out);
            }
        }
    }
    if let (Value::Array(items), Some(item)) = (value, schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            violations(doc, item, v, &format!("{at}[{i}]"), out);
        }
    }
}

/// The schema `doc` gives the JSON answer `status` of `method path`.
fn response_schema<'a>(doc: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    let schema =
        &doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} {status} has no JSON schema"
    );
    schema
}

pub(crate) fn assert_conforms(doc: &Value, method: &str, path: &str, r: &crate::support::Resp) {
    let schema = response_schema(doc, method, path, &r.status.to_string());
    let mut found = Vec::new();
    violations(doc, schema, &r.body, "$", &mut found);
    assert!(
        found.is_empty(),
        "{method} {path} → {} violates its schema:\n{}\n{}",
        r.status,
        found.join("\n"),
        r.text
    );
}

/// A notice's 主送 has its own schema: `GET /api/v1/notices/{id}` answers what the document
/// says (it once borrowed the dashboard's recipient, whose fields a notice has not).
#[tokio::test]
async fn a_notice_answers_its_documented_schema() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("cn.org", Role::Organiser, "CN").await;
        let cn = app.login("cn.org", PASSWORD).await;
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        let notice_recipient = &schemas["NoticeDto"]["properties"]["recipients"]["items"]["$ref"];
        assert_eq!(notice_recipient, "#/components/schemas/NoticeRecipientDto");
        let required = |s: &str| schemas[s]["required"].as_array().unwrap().clone();
        assert!(required("NoticeRecipientDto").contains(&json!("org_code")));
        assert!(
            required("RecipientDto").contains(&json!("task_id")),
            "the dashboard's"
        );

        let notice = json!({
            "issuer_code": "CN",
            "doc_number": "市监认证函〔2022〕764号",
            "title": "关于组织开展第十五个“世界认可日”活动的通知",
            "recipients": [
                {"org_code": "CN", "children_kind": "regulator", "label": "各省、自治区、直辖市市场监管局"},
                {"org_code": "GD-SZ"},
            ],
            "body": "一、总体安排\n市场监管总局在北京举办主场活动。",
            "written_on": "2022-05-27",
            "contacts": [{"name": "余测试", "phone": "010-00000000"}],
            "publication": "active",
        });
        let created = cn.post("/api/v1/notices", notice).await;
        assert_eq!(created.status, 201, "{l}: {}", created.text);
        assert_conforms(&doc, "post", "/api/v1/notices", &created);
        let id = created.body["id"].as_i64().unwrap();
        let issued = cn
            .post(&format!("/api/v1/notices/{id}/issue"), json!({}))
            .await;
        assert_eq!(issued.status, 200, "{l}: {}", issued.text);
        assert_conforms(&doc, "post", "/api/v1/notices/{id}/issue", &issued);

        for client in [&cn, &app.anonymous()] {
            let r = client.get(&format!("/api/v1/notices/{id}")).await;
            assert_eq!(r.status, 200, "{l}: {}", r.text);
            assert_eq!(r.body["notice"]["recipients"].as_array().unwrap().len(), 2);
            assert_conforms(&doc, "get", "/api/v1/notices/{id}", &r);
        }
        let missing = cn.get("/api/v1/notices/999999").await;
        assert_eq!(missing.status, 404, "{l}");
        assert_conforms(&doc, "get", "/api/v1/notices/{id}", &missing);
        app.finish().await;
    }
}

/// Whatever JSON body axum cannot read — broken JSON, the wrong shape, no JSON content
/// type — is answered as `ErrorBody` (422, `malformed_json` on `body`) by every operation
/// that reads one, the optional bodies of 签收 and roll-up included; an absent optional
/// body is no error.
#[tokio::test]
async fn unreadable_json_answers_the_error_body() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        app.tree().await;
        app.account("gd.org", Role::Organiser, "GD").await;
        let c = app.login("gd.org", PASSWORD).await;
        let token = c.post("/api/v1/me/tokens", json!({"name": "检查"})).await;
        let b = app.bearer(token.body["token"].as_str().unwrap());
        let doc = app.anonymous().get("/api/openapi.json").await.body;

        let cases: &[(&str, &str, &str, Option<&str>)] = &[
            (
                "post",
                "/api/v1/tasks/{id}/compile",
                "{\"org_id\": ",
                Some("application/json"),
            ),
            (
                "post",
                "/api/v1/notices/{id}/acknowledge",
                "[1,",
                Some("application/json"),
            ),
            (
                "post",
                "/api/v1/notices/{id}/acknowledge",
                "{\"org_id\": \"一\"}",
                Some("application/json"),
            ),
            (
                "post",
                "/api/v1/tasks/{id}/compile",
                "{\"org_id\": 1}",
                Some("text/plain"),
            ),
            ("post", "/api/v1/notices", "{", Some("application/json")),
            ("post", "/api/v1/notices", "{}", None),
            (
                "put",
                "/api/v1/me/locale",
                "{\"locale\": 1}",
                Some("application/json"),
            ),
            (
                "post",
                "/api/v1/session",
                "login=a",
                Some("application/x-www-form-urlencoded"),
            ),
        ];
        for (method, path, body, content_type) in cases {
            let concrete = path.replace("{id}", "1");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut rb = b.request(m, &concrete).body(body.to_string());
            if let Some(ct) = content_type {
                rb = rb.header("content-type", *ct);
            }
            let r = b.send(rb).await;
            let what = format!("{l}: {method} {concrete} {body:?} ({content_type:?})");
            assert_eq!(r.status, 422, "{what}: {}", r.text);
            let ct = r.headers["content-type"].to_str().unwrap();
            assert!(ct.starts_with("application/json"), "{what}: {ct}");
            assert_eq!(r.code(), "invalid_input", "{what}");
            assert_eq!(
                r.field_code("body").as_deref(),
                Some("malformed_json"),
                "{what}"
            );
            let problem = &r.body["fields"][0];
            assert!(
                !problem["params"]["detail"].as_str().unwrap().is_empty(),
                "{what}"
            );
            assert!(
                problem["message_zh"].as_str().unwrap().contains("JSON"),
                "{what}"
            );
            assert_conforms(&doc, method, path, &r);
        }
        // No body at all: the optional bodies are optional.
        for path in ["/api/v1/tasks/1/compile", "/api/v1/notices/1/acknowledge"] {
            let r = b.send(b.request(Method::POST, path)).await;
            assert_eq!(r.status, 404, "{l}: POST {path}: {}", r.text);
            let r = b
                .send(
                    b.request(Method::POST, path)
                        .header("content-type", "application/json"),
                )
                .await;
            assert_eq!(r.status, 404, "{l}: POST {path} (empty JSON): {}", r.text);
        }
        app.finish().await;
    }
}

/// TRACE, and methods no route has, are answered 405 with `Allow` on every route the router
/// serves, by anonymous callers too (the CSRF check once refused them with 403 before the
/// router could); under `/api/` with the JSON error body.
#[tokio::test]
async fn unsupported_methods_answer_405() {
    for app in TestApp::spawn_all().await {
        let l = app.label();
        let anon = app.anonymous();
        let served = served_paths(&app);
        assert!(served.len() > 50, "{served:?}");
        for path in &served {
            if path.contains("__private__axum") {
                continue;
            }
            let concrete = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            for method in [Method::TRACE, Method::from_bytes(b"PROPFIND").unwrap()] {
                let r = anon.send(anon.request(method.clone(), &concrete)).await;
                assert_eq!(r.status, 405, "{l}: {method} {concrete}: {}", r.text);
                assert!(r.headers.contains_key("allow"), "{l}: {method} {concrete}");
                if concrete.starts_with("/api/v1/") {
                    assert_eq!(r.code(), "method_not_allowed", "{l}: {method} {concrete}");
                }
            }
        }
        let r = anon
            .send(anon.request(Method::TRACE, "/api/v1/tasks/1/compile"))
            .await;
        assert_eq!(r.headers["allow"], "POST", "{l}");
        assert!(r.body["message_zh"].as_str().is_some_and(|m| !m.is_empty()));
        app.finish().await;
    }
}

/// The error answers are documented where they can happen: 401 where a login is needed,
/// 403 (CSRF) on unsafe methods, 404 where the path has an id, 422 where a body or query
/// is read — each as `ErrorBody`.
#[tokio::test]
async fn error_answers_are_documented() {
    for app in TestApp::spawn_all().await {
        let doc = app.anonymous().get("/api/openapi.json").await.body;
        let has = |method: &str, path: &str, status: &str| {
            let response = &doc["paths"][path][method]["responses"][status];
            response.is_object()
                && response["content"]["application/json"]["schema"]["$ref"]
                    == "#/components/schemas/ErrorBody"
        };
        let sample: &[(&str, &str, &[&str], &[&str])] = &[
            ("get", "/api/v1/tasks/{id}", &["401", "404"], &["422"]),
            (
                "post",
                "/api/v1/tasks/{id}/compile",
                &["401", "403", "404", "422"],
                &[],
            ),
            (
                "post",
                "/api/v1/notices/{id}/acknowledge",
                &["401", "403", "404", "422"],
                &[],
            ),
            ("get", "/api/v1/notices", &["401", "422"], &["404"]),
            ("get", "/api/v1/notices/{id}", &["404"], &["401", "422"]),
            ("put", "/api/v1/me/locale", &["401", "403", "422"], &["404"]),
            ("get", "/api/v1/activities", &["422"], &["401", "404"]),
            (
                "post",
                "/api/v1/sessions/{id}/registrations",
                &["403", "404", "422"],
                &["401"],
            ),
            (
                "get",
                "/api/v1/submissions/{id}/files/{version}/{pos}",
                &["401", "404"],
                &["422"],
            ),
            (
                "delete",
                "/api/v1/me/tokens/{id}",
                &["401", "403", "404"],
                &["422"],
            ),
        ];
        for (method, path, present, absent) in sample {
            for status in *present {
                assert!(has(method, path, status), "{method} {path} lacks {status}");
            }
            for status in *absent {
                let r = &doc["paths"][path][method]["responses"][status];
                assert!(r.is_null(), "{method} {path} documents {status}: {r}");
            }
        }
        // And over the whole document, by the same rules.
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let security = op["security"].as_array();
                let login = security.is_some_and(|alts| {
                    !alts.is_empty()
                        && alts
                            .iter()
                            .all(|a| a.as_object().is_some_and(|o| !o.is_empty()))
                });
                let input = op["requestBody"].is_object()
                    || op["parameters"]
                        .as_array()
                        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
                let expected = [
                    ("401", login),
                    ("403", method != "get"),
                    ("404", path.contains('{')),
                    ("422", input),
                ];
                for (status, due) in expected {
                    if due {
                        assert!(has(method, path, status), "{method} {path} lacks {status}");
                    }
                }
            }
        }
        app.finish().await;
    }
}
