//! Uploaded files as a whole: the storage quota of each organisation, and the sweep that
//! removes what no record needs (the [`SweepFiles`] job the worker queues every hour, and
//! `renke files gc` for operators).
//!
//! Every upload path (submission files, notice attachments) checks the caller's permission,
//! the target's state and the quota before a byte is written; what is still left over —
//! bytes staged for a write its transaction then refused, files of a working copy replaced
//! before it was sent — is removed by [`sweep`] once older than [`SWEEP_GRACE`].

use crate::App;
use crate::error::AppError;
use crate::jobs::Job;
use chrono::{DateTime, Duration, Utc};
use renke_domain::FieldError;
use renke_domain::file::human_size;
use renke_store::files::{self, Sweep};
use serde::{Deserialize, Serialize};

pub use renke_store::spool::{SpoolWriter, Spooled};

/// File settings (section `[files]` of the binary's configuration).
#[derive(Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct FilesConfig {
    /// The most each organisation may keep in uploaded files, in MB (its submissions' files
    /// and, for an issuer, its notices' attachments).
    pub quota_per_org_mb: u64,
    /// Where the bytes are kept: `local` (the files directory, `files_dir`) or `s3` (an
    /// S3-compatible bucket, which every server of a deployment shares).
    pub store: StoreKind,
    /// The bucket, with `store = "s3"`.
    pub s3_bucket: String,
    /// The S3 endpoint, e.g. `https://obs.cn-north-4.myhuaweicloud.com` or
    /// `http://127.0.0.1:9000`; unset for Amazon S3 itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_endpoint: Option<String>,
    pub s3_region: String,
    /// Credentials; when unset, `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_access_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_secret_access_key: Option<String>,
    /// Keys are written under this prefix (several deployments in one bucket).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_prefix: Option<String>,
}

/// Where uploaded files' bytes are kept (`[files] store`).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    #[default]
    Local,
    S3,
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            quota_per_org_mb: 2048,
            store: StoreKind::Local,
            s3_bucket: String::new(),
            s3_endpoint: None,
            s3_region: "us-east-1".into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_prefix: None,
        }
    }
}

impl std::fmt::Debug for FilesConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilesConfig")
            .field("quota_per_org_mb", &self.quota_per_org_mb)
            .field("store", &self.store)
            .field("s3", &self.s3_options())
            .finish()
    }
}

impl FilesConfig {
    pub fn quota_bytes(&self) -> u64 {
        self.quota_per_org_mb.saturating_mul(1024 * 1024)
    }

    /// The S3 settings as the store takes them (secrets hidden when printed).
    pub fn s3_options(&self) -> files::S3Options {
        files::S3Options {
            bucket: self.s3_bucket.clone(),
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            access_key_id: self.s3_access_key_id.clone(),
            secret_access_key: self.s3_secret_access_key.clone(),
            prefix: self.s3_prefix.clone(),
        }
    }

    /// The file store these settings describe; `dir` is the local files directory.
    pub fn open_store(&self, dir: &std::path::Path) -> Result<files::FileStore, String> {
        match self.store {
            StoreKind::Local => files::FileStore::local(dir).map_err(|e| {
                format!(
                    "无法使用文件目录 cannot use the files directory {}: {e}",
                    dir.display()
                )
            }),
            StoreKind::S3 if self.s3_bucket.trim().is_empty() => {
                Err("[files] store = \"s3\" 需要 s3_bucket needs s3_bucket".to_owned())
            }
            StoreKind::S3 => files::FileStore::s3(&self.s3_options())
                .map_err(|e| format!("无法使用 S3 存储 cannot use the S3 store: {e}")),
        }
    }
}

/// The largest upload read whole into memory (a workbook to import, a notice to parse);
/// uploads kept as files are streamed and only bounded by their rules.
pub const WHOLE_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// How old leftovers must be before a sweep removes them: an upload in flight (its bytes
/// staged, its transaction not yet committed) is never that old.
pub const SWEEP_GRACE: Duration = Duration::hours(1);

/// How often the worker queues a sweep.
pub const SWEEP_EVERY: Duration = Duration::hours(1);

/// Refuses an upload of `incoming` bytes that would take organisation `org_id` past its
/// quota: `storage_quota_exceeded` on `field` with the limit and what is used.
pub async fn check_quota(
    app: &App,
    field: &str,
    org_id: i64,
    incoming: u64,
) -> Result<(), AppError> {
    let limit = app.files_config.quota_bytes();
    let used = files::used_by_org(&app.db, org_id).await?.max(0) as u64;
    if used.saturating_add(incoming) <= limit {
        return Ok(());
    }
    Err(AppError::Invalid(renke_domain::Invalid::one(
        FieldError::new(field, "storage_quota_exceeded")
            .with("limit", human_size(limit))
            .with("used", human_size(used)),
    )))
}

/// Removes the files rows nothing lists and the stored objects no row names, of what is
/// older than `grace` at the App's clock.
pub async fn sweep(app: &App, grace: Duration) -> Result<Sweep, AppError> {
    let before = app.clock.now() - grace;
    Ok(app.files.sweep(&app.db, before).await?)
}

/// The job that runs [`sweep`] with [`SWEEP_GRACE`]; the worker queues one an hour (one
/// per hour across all servers, by its dedupe key).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepFiles {}

pub const SWEEP_KIND: &str = "files_sweep";

impl SweepFiles {
    /// The queue row of the sweep for the hour of `now`.
    pub fn due(now: DateTime<Utc>) -> Result<renke_store::jobs::NewJob, renke_store::StoreError> {
        Ok(SweepFiles {}
            .to_new_job(now)?
            .dedupe(format!("{SWEEP_KIND}:{}", now.format("%Y-%m-%dT%H"))))
    }
}

impl Job for SweepFiles {
    const KIND: &'static str = SWEEP_KIND;

    async fn run(self, app: &App) -> Result<(), String> {
        let done = sweep(app, SWEEP_GRACE)
            .await
            .map_err(|e| format!("files sweep: {e}"))?;
        if done.rows > 0 || !done.objects.is_empty() {
            tracing::info!(
                rows = done.rows,
                objects = done.objects.len(),
                bytes = done.objects.iter().map(|o| o.size).sum::<u64>(),
                "unused files removed"
            );
        }
        Ok(())
    }
}
