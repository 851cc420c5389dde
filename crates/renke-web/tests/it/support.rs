//! The test harness: the real router on 127.0.0.1:0 over a fresh database per backend,
//! fixture builders for an organisation tree and accounts, and HTTP clients that log in.
//!
//! ```ignore
//! for app in TestApp::spawn_all().await {
//!     let tree = app.tree().await;
//!     app.account("gd.org", Role::Organiser, "GD").await;
//!     let c = app.login("gd.org", PASSWORD).await;
//!     let r = c.get("/api/v1/me").await;
//!     assert_eq!(r.status, 200, "{}", app.label());
//!     app.finish().await;
//! }
//! ```

// Helpers here serve the API tests and the page tests alike; not every binary uses each.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use renke_domain::clock::Clock;
use renke_domain::org::{AdminLevel, OrgCode, OrgKind};
use renke_domain::perm::Role;
use renke_store::Db;
use renke_store::accounts::NewAccount;
use renke_store::orgs::NewOrg;
use renke_store::testing::{TestDb, backends};
use renke_web::{AppState, WebConfig};
use reqwest::Method;
use serde_json::Value;
use std::net::SocketAddr;
use tokio::sync::OnceCell;

/// The password of every fixture account.
pub const PASSWORD: &str = "renke-test-2022";

/// The fixed time every test starts at: 2022-05-01 10:00 in Shanghai.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 5, 1, 2, 0, 0).unwrap()
}

/// One running server over one test database.
pub struct TestApp {
    pub base: String,
    pub state: AppState,
    /// The server's clock; `app.clock.advance(..)` moves time for the running server.
    pub clock: Clock,
    db: TestDb,
    server: tokio::task::JoinHandle<()>,
    /// The directory uploaded files are kept in, for apps made by [`TestApp::spawn_all_on_disk`].
    files_dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// One app per backend under test (SQLite; PostgreSQL too with `RENKE_TEST_POSTGRES_URL`).
    pub async fn spawn_all() -> Vec<TestApp> {
        Self::spawn_all_with(WebConfig::default()).await
    }

    pub async fn spawn_all_with(config: WebConfig) -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in backends().await {
            apps.push(Self::spawn(db, config.clone()).await);
        }
        apps
    }

    /// One app per backend keeping uploaded files in its own temporary directory (see
    /// [`TestApp::stored_objects`]), with the file settings `files`.
    pub async fn spawn_all_on_disk(files: renke_app::files::FilesConfig) -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in backends().await {
            let dir = tempfile::tempdir().unwrap();
            let store = renke_store::files::FileStore::local(dir.path()).unwrap();
            let mut app = Self::spawn_mapped(db, WebConfig::default(), |a| {
                a.with_files(store).with_files_config(files.clone())
            })
            .await;
            app.files_dir = Some(dir);
            apps.push(app);
        }
        apps
    }

    /// The files under the app's files directory (every stored object), by path.
    pub fn stored_objects(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(
            self.files_dir.as_ref().expect("an app on disk").path(),
            &mut out,
        );
        out.sort();
        out
    }

    /// Starts the real router with a fixed clock at [`t0`] over `db`.
    pub async fn spawn(db: TestDb, config: WebConfig) -> TestApp {
        Self::spawn_state(db, config, |s| s).await
    }

    /// [`TestApp::spawn`] with the application changed by `f` (files, settings).
    pub async fn spawn_mapped(
        db: TestDb,
        config: WebConfig,
        f: impl FnOnce(renke_app::App) -> renke_app::App,
    ) -> TestApp {
        Self::spawn_state(db, config, |s| f(s.app).into()).await
    }

    /// [`TestApp::spawn`] with the state as `state` makes it (e.g. a `/metrics` token).
    pub async fn spawn_state(
        db: TestDb,
        config: WebConfig,
        state: impl FnOnce(AppState) -> AppState,
    ) -> TestApp {
        let clock = Clock::fixed(t0());
        let state = state(AppState::new(db.db.clone(), clock.clone(), config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = renke_web::router(state.clone());
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            base: format!("http://{addr}"),
            state,
            clock,
            db,
            server,
            files_dir: None,
        }
    }

    /// The real router on the system clock, its `public_url` its own address (an OpenID
    /// provider sends the browser back there; its ID tokens carry today's time), with the
    /// application changed by `f` after `public_url` is set.
    pub async fn spawn_live(
        db: TestDb,
        config: WebConfig,
        f: impl FnOnce(renke_app::App) -> renke_app::App,
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let config = WebConfig {
            public_url: base.clone(),
            ..config
        };
        let clock = Clock::System;
        let state: AppState = f(renke_app::App::new(db.db.clone(), clock.clone(), config)).into();
        let app = renke_web::router(state.clone());
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            base,
            state,
            clock,
            db,
            server,
            files_dir: None,
        }
    }

    /// Another server over the same database, with its own state (caches included) and
    /// the same clock: two servers behind a load balancer. An anonymous client of it.
    pub async fn second_server(&self) -> Client {
        let state = AppState::new(
            self.db.db.clone(),
            self.clock.clone(),
            (*self.state.config).clone(),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = renke_web::router(state);
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        Client {
            base: format!("http://{addr}"),
            ..self.anonymous()
        }
    }

    /// "sqlite" or "postgres", for assertion messages.
    pub fn label(&self) -> &'static str {
        self.db.label()
    }

    pub fn db(&self) -> &Db {
        &self.db.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client without a session (cookie store on, redirects followed).
    pub fn anonymous(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .unwrap(),
            base: self.base.clone(),
            csrf: String::new(),
            bearer: None,
            me: Value::Null,
        }
    }

    /// A client that authenticates with a Bearer token and has no cookies.
    pub fn bearer(&self, token: &str) -> Client {
        Client {
            http: reqwest::Client::new(),
            base: self.base.clone(),
            csrf: String::new(),
            bearer: Some(token.to_owned()),
            me: Value::Null,
        }
    }

    /// Logs in through `POST /api/v1/session`; panics unless it succeeds.
    pub async fn login(&self, login: &str, password: &str) -> Client {
        let mut c = self.anonymous();
        let r = c
            .post(
                "/api/v1/session",
                serde_json::json!({ "login": login, "password": password }),
            )
            .await;
        assert_eq!(
            r.status,
            200,
            "login {login} on {}: {}",
            self.label(),
            r.body
        );
        c.csrf = r.body["csrf_token"].as_str().unwrap().to_owned();
        c.me = r.body;
        c
    }

    /// Every task's dashboard tallies agree with a recount of its recipients.
    pub async fn assert_tallies(&self) {
        let diffs = renke_store::tallies::check_all(self.db()).await.unwrap();
        assert!(diffs.is_empty(), "{}: {diffs:#?}", self.label());
    }

    /// The standard organisation tree.
    pub async fn tree(&self) -> Tree {
        Tree::build(self.db(), t0()).await
    }

    /// Creates an account with [`PASSWORD`] at the organisation with `org_code`.
    pub async fn account(&self, login: &str, role: Role, org_code: &str) -> i64 {
        let new = NewAccount {
            login: renke_domain::account::Login::parse("login", login).unwrap(),
            display_name: format!("测试{login}"),
            org_code: org_code.to_owned(),
            role,
            email: None,
            phone: None,
            password_hash: password_hash().await,
        };
        renke_store::accounts::create(self.db(), &new, t0())
            .await
            .unwrap()
            .id
    }

    /// Runs every job due at the server's clock (e-mail, reminders), as the worker would.
    pub async fn run_jobs(&self) -> renke_app::jobs::Pass {
        renke_app::jobs::Worker::new(self.state.app.clone(), "test-worker")
            .run_once()
            .await
            .unwrap()
    }

    /// The e-mails sent so far (the test server's mailer keeps them in memory).
    pub fn mails(&self) -> Vec<renke_app::mail::Mail> {
        self.state.mailer.sent()
    }

    /// Stops the server and drops the database. Fails the test if any job is still waiting
    /// in the queue: a test that causes work (e-mail, reminders) runs it with
    /// [`TestApp::run_jobs`] and checks what it did.
    pub async fn finish(self) {
        let left: Vec<String> = renke_store::jobs::list(self.db(), None, 0, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|j| j.status == "queued" || j.status == "running")
            .map(|j| format!("{} #{} ({})", j.kind, j.id, j.status))
            .collect();
        let label = self.label();
        self.server.abort();
        let _ = self.server.await;
        self.db.cleanup().await;
        assert!(
            left.is_empty(),
            "{label}: jobs left in the queue at the end of the test: {left:?}"
        );
    }
}

/// The argon2id hash of [`PASSWORD`] with the cheapest parameters (logins in tests then
/// cost microseconds), computed once per test binary.
pub async fn password_hash() -> String {
    static HASH: OnceCell<String> = OnceCell::const_new();
    HASH.get_or_init(|| async { renke_app::auth::cheap_hash_for_tests(PASSWORD).unwrap() })
        .await
        .clone()
}

/// A response: status and JSON body (`Null` when the body is empty or not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// The stable error code of a failed call.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
    /// The field names of a 422, in order.
    pub fn fields(&self) -> Vec<String> {
        self.body["fields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| f["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
    /// The code reported for `field` in a 422.
    pub fn field_code(&self, field: &str) -> Option<String> {
        self.body["fields"].as_array()?.iter().find_map(|f| {
            (f["field"] == field).then(|| f["code"].as_str().unwrap_or("").to_owned())
        })
    }
}

/// An HTTP client bound to one app; sends the session's CSRF token on unsafe requests.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    /// The session's CSRF token (empty when not logged in by cookie).
    pub csrf: String,
    pub bearer: Option<String>,
    /// The login response (`MeDto`), `Null` for anonymous and Bearer clients.
    pub me: Value,
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request with this client's credentials and CSRF header, for custom headers.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self.http.request(method.clone(), self.url(path));
        if let Some(t) = &self.bearer {
            rb = rb.bearer_auth(t);
        }
        let safe = matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe && !self.csrf.is_empty() {
            rb = rb.header("x-csrf-token", &self.csrf);
        }
        rb
    }

    pub async fn send(&self, rb: reqwest::RequestBuilder) -> Resp {
        let res = rb.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(self.request(Method::GET, path)).await
    }
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(self.request(Method::POST, path).json(&body))
            .await
    }
    pub async fn put(&self, path: &str, body: Value) -> Resp {
        self.send(self.request(Method::PUT, path).json(&body)).await
    }
    pub async fn delete(&self, path: &str) -> Resp {
        self.send(self.request(Method::DELETE, path)).await
    }
    /// A multipart POST of text fields and files (each a `file` part with its name).
    pub async fn multipart(
        &self,
        path: &str,
        fields: &[(&str, String)],
        files: &[(&str, &[u8])],
    ) -> Resp {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text((*k).to_owned(), v.clone());
        }
        for (name, bytes) in files {
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name((*name).to_owned()),
            );
        }
        self.send(self.request(Method::POST, path).multipart(form))
            .await
    }
    /// A page form's POST (urlencoded; the CSRF token in its header).
    pub async fn form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        self.send(self.request(Method::POST, path).form(fields))
            .await
    }
}

/// The standard tree:
///
/// ```text
/// CN 国家市场监督管理总局
/// ├── GD 广东省市场监督管理局
/// │   ├── GD-SZ 深圳市市场监督管理局
/// │   │   ├── GD-SZ-FT 深圳市市场监督管理局福田监管局
/// │   │   └── LAB-SZ 深圳市计量质量检测研究院 (lab)
/// │   └── GD-GZ 广州市市场监督管理局
/// └── SH 上海市市场监督管理局
///     └── SH-PD 上海市浦东新区市场监督管理局
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Tree {
    pub national: i64,
    pub gd: i64,
    pub sz: i64,
    pub futian: i64,
    pub lab: i64,
    pub gz: i64,
    pub sh: i64,
    pub pudong: i64,
}

fn regulator(code: &str, parent: Option<&str>, name: &str, level: AdminLevel) -> NewOrg {
    let mut o = NewOrg::new(
        OrgCode::parse("code", code).unwrap(),
        parent.map(|p| OrgCode::parse("parent", p).unwrap()),
        name,
        OrgKind::Regulator,
    );
    o.admin_level = Some(level);
    o
}

impl Tree {
    pub async fn build(db: &Db, now: DateTime<Utc>) -> Tree {
        use AdminLevel::*;
        let mut lab = NewOrg::new(
            OrgCode::parse("code", "LAB-SZ").unwrap(),
            Some(OrgCode::parse("parent", "GD-SZ").unwrap()),
            "深圳市计量质量检测研究院",
            OrgKind::Lab,
        );
        lab.short_name = Some("深圳计量院".into());
        let orgs = [
            regulator("CN", None, "国家市场监督管理总局", National),
            regulator("GD", Some("CN"), "广东省市场监督管理局", Provincial),
            regulator("GD-SZ", Some("GD"), "深圳市市场监督管理局", Municipal),
            regulator(
                "GD-SZ-FT",
                Some("GD-SZ"),
                "深圳市市场监督管理局福田监管局",
                District,
            ),
            lab,
            regulator("GD-GZ", Some("GD"), "广州市市场监督管理局", Municipal),
            regulator("SH", Some("CN"), "上海市市场监督管理局", Provincial),
            regulator(
                "SH-PD",
                Some("SH"),
                "上海市浦东新区市场监督管理局",
                District,
            ),
        ];
        let ids = renke_store::orgs::create_many(db, &orgs, now)
            .await
            .unwrap();
        Tree {
            national: ids[0],
            gd: ids[1],
            sz: ids[2],
            futian: ids[3],
            lab: ids[4],
            gz: ids[5],
            sh: ids[6],
            pudong: ids[7],
        }
    }
}

/// An organisation as returned by the API turned back into an `OrgInput` body.
pub fn org_body(org: &Value) -> Value {
    let mut body = serde_json::Map::new();
    for key in [
        "code",
        "name",
        "short_name",
        "name_en",
        "kind",
        "admin_level",
        "cma_level",
        "region",
        "contact_name",
        "contact_phone",
        "contact_email",
    ] {
        let v = org[key].as_str().unwrap_or("").to_owned();
        body.insert(key.to_owned(), Value::String(v));
    }
    Value::Object(body)
}
