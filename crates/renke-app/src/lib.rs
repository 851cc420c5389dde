//! Renke's use cases. Every action a person or program takes (log in, issue a notice,
//! submit a report, register for a session) is a function here that takes the [`App`] and
//! the [`Caller`], checks permission through `renke_domain::perm` and runs the store's
//! writes. The web layer only parses requests and renders answers; the CLI and the job
//! worker call the same functions. Nothing here knows HTTP.
//!
//! Layout, by feature: [`auth`] (login, passwords, tokens), [`orgs`], [`accounts`],
//! [`campaigns`], [`notices`], [`reporting`] (tasks, exports, 催办), [`activities`]
//! (registration, check-in, calendars), [`pdf`], [`mail`], [`digest`] (e-mail digests of
//! the in-app messages), [`files`] (storage quota and
//! the sweep of unused files), [`jobs`] (the queue's job kinds and the worker).

pub mod accounts;
pub mod activities;
pub mod audit;
pub mod auth;
mod caller;
pub mod campaigns;
pub mod cases;
pub mod ceremony;
pub mod digest;
pub mod error;
pub mod files;
pub mod industry_stats;
pub mod ingest;
pub mod initiatives;
pub mod jobs;
pub mod mail;
pub mod model;
pub mod notices;
pub mod oidc;
pub mod orgs;
pub mod pdf;
pub mod pt;
pub mod publicity;
pub mod publicity_xlsx;
pub mod reporting;
pub mod search;
pub mod shipments;

pub use caller::Caller;
pub use error::AppError;
pub use renke_domain::clock::Clock;
pub use renke_domain::perm::Role;
pub use renke_store::Db;
pub use renke_store::files::FileStore;

use crate::activities::registrar::Registrar;
use crate::mail::Mailer;
use renke_render::pdf::{PdfError, PdfRenderer};
use serde::Deserialize;
use std::sync::Arc;

/// Web settings (part of the binary's configuration file, section `[web]`).
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// The address people use to reach the server, e.g. `https://renke.example.gov.cn`.
    /// An `https` address makes cookies `Secure`.
    pub public_url: String,
    /// Hours a login session lasts.
    pub session_hours: i64,
    /// Failed logins of one login name from one address, within `login_window_minutes`,
    /// before each further attempt from there must wait (1 s, doubling per failure, up to
    /// `login_max_delay_seconds`). Other addresses are not slowed down, and a success
    /// from the address clears its count: nobody is locked out.
    pub login_free_failures: i64,
    /// Failed logins from one address (any login names) before its attempts are slowed
    /// down likewise, at most `login_max_delay_per_ip_seconds` apart.
    pub login_free_failures_per_ip: i64,
    pub login_max_delay_seconds: i64,
    pub login_max_delay_per_ip_seconds: i64,
    /// How long a failed login counts towards a slowdown, in minutes.
    pub login_window_minutes: i64,
    /// Largest request body accepted, in bytes (forms, JSON).
    pub max_body_bytes: usize,
    /// Largest upload form (`multipart/form-data`) accepted, in bytes: its files are
    /// streamed to a temporary file and on to the file store, not held in memory.
    pub max_upload_bytes: usize,
    /// Trust `X-Forwarded-For` / `X-Forwarded-Proto` from a reverse proxy.
    pub trust_proxy: bool,
    /// Days the audit trail (审计日志) keeps its entries; older ones are purged hourly.
    pub audit_retention_days: i64,
    /// A notice's text the import page (导入通知) starts with: the demo's notice to try.
    /// Not configurable.
    #[serde(skip)]
    pub import_example: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            session_hours: 12,
            login_free_failures: 5,
            login_free_failures_per_ip: 50,
            login_max_delay_seconds: 900,
            login_max_delay_per_ip_seconds: 60,
            login_window_minutes: 24 * 60,
            max_body_bytes: 20 * 1024 * 1024,
            max_upload_bytes: 256 * 1024 * 1024,
            trust_proxy: false,
            audit_retention_days: 3 * 365,
            import_example: None,
        }
    }
}

impl WebConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// What every use case can reach: the database, the clock, files, mail, PDF rendering and
/// the settings. Cloning is cheap (shared handles).
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Clock,
    pub config: Arc<WebConfig>,
    /// Sends queued e-mail (in memory unless the binary configures a transport).
    pub mailer: Mailer,
    /// Where uploaded files are kept (in memory unless the binary configures a directory).
    pub files: FileStore,
    /// The storage quota per organisation (`[files]`).
    pub files_config: files::FilesConfig,
    /// The PDF renderer with the configured fonts; `None`: the bundled fonts only.
    pub pdf: Option<Arc<PdfRenderer>>,
    /// Registrations waiting to be written together (group commit).
    pub registrar: Registrar,
    /// A PT evaluation of more submitted results than this runs as a background job with
    /// progress ([`pt::JOB_THRESHOLD`] by default); smaller ones are evaluated at once.
    pub pt_job_threshold: usize,
    /// Sign-in settings (`[auth]`): whether password login is on.
    pub auth: auth::AuthConfig,
    /// The OpenID provider people may sign in through (`[oidc]`); `None`: not configured.
    pub oidc: Option<Arc<oidc::Provider>>,
}

impl App {
    pub fn new(db: Db, clock: Clock, config: WebConfig) -> Self {
        App {
            db,
            clock,
            config: Arc::new(config),
            mailer: Mailer::memory(),
            files: FileStore::memory(),
            files_config: files::FilesConfig::default(),
            pdf: None,
            registrar: Registrar::default(),
            pt_job_threshold: pt::JOB_THRESHOLD,
            auth: auth::AuthConfig::default(),
            oidc: None,
        }
    }

    /// The same state with the sign-in settings `auth` (password login on or off).
    pub fn with_auth(mut self, auth: auth::AuthConfig) -> Self {
        self.auth = auth;
        self
    }

    /// The same state signing people in through the OpenID provider `config` describes
    /// (none when its `issuer` is unset); the provider sends them back to `public_url`.
    pub fn with_oidc(mut self, config: &oidc::OidcConfig) -> Result<Self, String> {
        self.oidc = oidc::Provider::new(config, &self.config.public_url)?.map(Arc::new);
        Ok(self)
    }

    /// Renders PDFs with `renderer` (e.g. one with a configured font directory).
    pub fn with_pdf(mut self, renderer: PdfRenderer) -> Self {
        self.pdf = Some(Arc::new(renderer));
        self
    }

    /// The renderer in effect: the configured one, or the shared one with bundled fonts.
    pub fn pdf_renderer(&self) -> Result<Arc<PdfRenderer>, PdfError> {
        match &self.pdf {
            Some(r) => Ok(r.clone()),
            None => renke_render::pdf::shared(),
        }
    }

    /// The same state keeping uploaded files in `files`.
    pub fn with_files(mut self, files: FileStore) -> Self {
        self.files = files;
        self
    }

    /// The same state with the file settings `config` (the storage quota).
    pub fn with_files_config(mut self, config: files::FilesConfig) -> Self {
        self.files_config = config;
        self
    }

    /// The same state evaluating PT measurands of more than `n` submitted results in the
    /// background.
    pub fn with_pt_job_threshold(mut self, n: usize) -> Self {
        self.pt_job_threshold = n;
        self
    }

    /// The same state sending e-mail through `mailer`.
    pub fn with_mailer(mut self, mailer: Mailer) -> Self {
        self.mailer = mailer;
        self
    }
}

impl App {
    /// Whether the database answers (for `/healthz`).
    pub async fn health(&self) -> Result<(), AppError> {
        Ok(self.db.ping().await?)
    }

    /// Whether this server can take traffic (for `/readyz`): the database answers and has
    /// every migration this binary knows, and the file store answers. Each check is listed
    /// with what went wrong, if anything.
    pub async fn readiness(&self) -> Readiness {
        let database = self.db.ping().await.err().map(|e| e.to_string());
        let latest = self.db.latest_migration();
        let migrations = match self.db.applied_migration().await {
            Ok(v) if v == latest => None,
            Ok(v) => Some(format!(
                "数据库版本 {v}，程序需要 {latest} database at migration {v}, this binary needs {latest}"
            )),
            Err(e) => Some(e.to_string()),
        };
        let files = self.files.ping().await.err().map(|e| e.to_string());
        Readiness {
            checks: vec![
                ("database", database),
                ("migrations", migrations),
                ("files", files),
            ],
        }
    }
}

/// The outcome of [`App::readiness`]: each check's name and its problem, `None` when fine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub checks: Vec<(&'static str, Option<String>)>,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        self.checks.iter().all(|(_, problem)| problem.is_none())
    }
}

/// Fresh databases for tests (each test its own, on SQLite and, with
/// `RENKE_TEST_POSTGRES_URL`, PostgreSQL), for the web layer's unit tests.
#[cfg(feature = "testing")]
pub mod testing {
    pub use renke_store::testing::*;
}
