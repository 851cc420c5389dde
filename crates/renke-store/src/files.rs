//! Uploaded files: bytes in an object store (a local directory by default, an S3-compatible
//! bucket for deployments of several servers, memory for tests) under their SHA-256,
//! metadata in the `files` table.
//!
//! The caller checks the upload against its [`UploadRule`](renke_domain::file::UploadRule)
//! and the caller's permission first; [`FileStore::stage`] then writes the object before the
//! row, which the caller inserts in the transaction of its write, so a row always has its
//! bytes. Objects are content-addressed: the same file uploaded twice is stored once. What
//! no record needs any more — a row no attachment lists, an object no row names (its write
//! was refused after staging) — is removed by [`FileStore::sweep`] once older than a grace
//! period.

use crate::spool::Spooled;
use crate::{Db, StoreError, Tx, on_db, on_tx};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use object_store::ObjectStore;
use object_store::path::Path as ObjectPath;
use renke_domain::file::FileKind;
use serde::Serialize;
use std::sync::Arc;

/// A stored file's bytes, chunk by chunk.
pub type FileStream = crate::spool::ByteStream;

/// Where file bytes are kept.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({})", self.store)
    }
}

/// A stored file's metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredFile {
    pub id: i64,
    pub name: String,
    pub kind: FileKind,
    pub size: i64,
    pub sha256: String,
    pub org_id: i64,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A `files` row as read (see [`ROW_COLS`]); other modules join it to their tables.
#[derive(sqlx::FromRow)]
pub(crate) struct FileRow {
    id: i64,
    name: String,
    kind: String,
    size: i64,
    sha256: String,
    org_id: i64,
    uploaded_by: Option<i64>,
    created_at: DateTime<Utc>,
}

impl TryFrom<FileRow> for StoredFile {
    type Error = StoreError;
    fn try_from(r: FileRow) -> Result<Self, StoreError> {
        let kind = FileKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == r.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("file kind {:?}", r.kind)))?;
        Ok(StoredFile {
            id: r.id,
            name: r.name,
            kind,
            size: r.size,
            sha256: r.sha256,
            org_id: r.org_id,
            uploaded_by: r.uploaded_by,
            created_at: r.created_at,
        })
    }
}

const COLS: &str = "id, name, kind, size, sha256, org_id, uploaded_by, created_at";

/// The columns of a [`FileRow`] from `files f` in a join.
pub(crate) const ROW_COLS: &str =
    "f.id, f.name, f.kind, f.size, f.sha256, f.org_id, f.uploaded_by, f.created_at";

/// A checked upload, ready to store.
pub struct Upload<'a> {
    /// A cleaned file name (see `renke_domain::file::clean_name`).
    pub name: &'a str,
    pub kind: FileKind,
    pub content: &'a Spooled,
    /// The organisation the file belongs to (the uploader's).
    pub org_id: i64,
    pub uploaded_by: Option<i64>,
}

/// An upload whose bytes are stored and whose `files` row is still to be written, in the
/// transaction of the write it belongs to ([`Staged::INSERT`]).
#[derive(Debug, Clone)]
pub struct Staged {
    pub name: String,
    pub kind: FileKind,
    pub size: i64,
    pub sha256: String,
    pub org_id: i64,
    pub uploaded_by: Option<i64>,
}

impl Staged {
    /// Inserts the row; binds name, kind, size, sha256, org_id, uploaded_by, created_at and
    /// returns the id.
    pub const INSERT: &'static str = "INSERT INTO files (name, kind, size, sha256, org_id, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

    /// Writes the `files` row in `tx`, the transaction of the write the file belongs to;
    /// returns its id.
    pub async fn insert(&self, tx: &mut Tx, now: DateTime<Utc>) -> Result<i64, StoreError> {
        Ok(on_tx!(&mut *tx, |c| sqlx::query_scalar(Staged::INSERT)
            .bind(&self.name)
            .bind(self.kind.as_str())
            .bind(self.size)
            .bind(&self.sha256)
            .bind(self.org_id)
            .bind(self.uploaded_by)
            .bind(now)
            .fetch_one(&mut *c)
            .await?))
    }
}

fn object_path(sha256: &str) -> ObjectPath {
    // Two levels of fan-out keep directories small on local disk.
    ObjectPath::from(format!("{}/{}/{sha256}", &sha256[..2], &sha256[2..4]))
}

fn store_err(e: object_store::Error) -> StoreError {
    StoreError::Io(std::io::Error::other(e))
}

impl FileStore {
    /// Files kept in memory (tests).
    pub fn memory() -> FileStore {
        FileStore {
            store: Arc::new(object_store::memory::InMemory::new()),
        }
    }

    /// Files kept under `dir`, created when missing.
    pub fn local(dir: &std::path::Path) -> Result<FileStore, StoreError> {
        std::fs::create_dir_all(dir)?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(store_err)?;
        Ok(FileStore {
            store: Arc::new(fs),
        })
    }

    /// Files in an S3-compatible bucket (Amazon S3, MinIO, Ceph, a cloud's object storage),
    /// under `options.prefix` when one is given. Settings left unset come from the usual
    /// `AWS_…` environment variables.
    pub fn s3(options: &S3Options) -> Result<FileStore, StoreError> {
        let mut b = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(&options.bucket)
            .with_region(&options.region);
        if let Some(endpoint) = &options.endpoint {
            b = b
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(id) = &options.access_key_id {
            b = b.with_access_key_id(id);
        }
        if let Some(secret) = &options.secret_access_key {
            b = b.with_secret_access_key(secret);
        }
        let s3 = b.build().map_err(store_err)?;
        let store: Arc<dyn ObjectStore> = match options.prefix.as_deref().filter(|p| !p.is_empty())
        {
            Some(prefix) => Arc::new(object_store::prefix::PrefixStore::new(s3, prefix)),
            None => Arc::new(s3),
        };
        Ok(FileStore { store })
    }

    /// Checks that the store answers (for `/readyz`) by listing a prefix nothing is stored
    /// under: an empty answer is fine; an unreachable server, a missing bucket or refused
    /// credentials are not.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match self
            .store
            .list_with_delimiter(Some(&ObjectPath::from("readyz")))
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(store_err(e)),
        }
    }

    /// Stores the bytes of a checked upload (once per content) without recording the file:
    /// the caller inserts the row inside its own transaction (see [`Staged`]), so a refused
    /// write leaves no `files` row; an object whose row never commits is removed by
    /// [`FileStore::sweep`] once older than its grace period. Content already stored is
    /// written again when its object is older than [`RESTAGE_AFTER`] at `now`, so an
    /// upload in flight never has an object a sweep would take for old.
    ///
    /// The bytes go to the store chunk by chunk: a large upload (spooled to a temporary
    /// file) becomes a multipart upload of [`PART_BYTES`] parts, never a whole file in memory.
    pub async fn stage(
        &self,
        upload: &Upload<'_>,
        now: DateTime<Utc>,
    ) -> Result<Staged, StoreError> {
        let content = upload.content;
        let sha256 = content.sha256().to_owned();
        let path = object_path(&sha256);
        let fresh = matches!(
            self.store.head(&path).await,
            Ok(m) if m.last_modified > now - RESTAGE_AFTER
        );
        if !fresh {
            self.write(path, content).await?;
        }
        Ok(Staged {
            name: upload.name.to_owned(),
            kind: upload.kind,
            size: content.len() as i64,
            sha256,
            org_id: upload.org_id,
            uploaded_by: upload.uploaded_by,
        })
    }

    /// Writes `content` at `path`: one request when it is smaller than a part, else a
    /// multipart upload (two parts in flight at most), aborted when a chunk fails.
    async fn write(&self, path: ObjectPath, content: &Spooled) -> Result<(), StoreError> {
        use tokio::io::AsyncWriteExt;
        let mut writer =
            object_store::buffered::BufWriter::with_capacity(self.store.clone(), path, PART_BYTES)
                .with_max_concurrency(2);
        let mut chunks = content.chunks();
        let mut written = async {
            while let Some(chunk) = chunks.next().await {
                writer.put(chunk?).await.map_err(store_err)?;
            }
            Ok::<_, StoreError>(())
        }
        .await;
        if written.is_ok() {
            written = writer.shutdown().await.map_err(StoreError::Io);
        }
        if written.is_err() {
            // What was sent so far is left for the store to forget (a local staging file, an
            // S3 multipart upload); the error is the caller's.
            let _ = writer.abort().await;
        }
        written
    }

    /// What the store says of the object holding the content `sha256` (size, time, ETag).
    pub async fn object_meta(&self, sha256: &str) -> Result<object_store::ObjectMeta, StoreError> {
        self.store
            .head(&object_path(sha256))
            .await
            .map_err(store_err)
    }

    /// The bytes of a stored file as a stream of chunks, sent on (a download, a zip entry)
    /// as they are read: no file is ever read whole into memory.
    pub async fn stream(&self, file: &StoredFile) -> Result<FileStream, StoreError> {
        let got = self
            .store
            .get(&object_path(&file.sha256))
            .await
            .map_err(store_err)?;
        Ok(got.into_stream().map(|r| r.map_err(store_err)).boxed())
    }
}

/// Where an S3-compatible store is and how to sign in to it (see [`FileStore::s3`]).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Options {
    pub bucket: String,
    /// E.g. `https://s3.cn-north-1.amazonaws.com.cn` or `http://127.0.0.1:9000`; `None` for
    /// Amazon S3 in `region`. Requests are path-style (`endpoint/bucket/key`).
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Keys are written under this prefix (several deployments or tests in one bucket).
    pub prefix: Option<String>,
}

impl std::fmt::Debug for S3Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Options")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "***"),
            )
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// A stored object removed by [`FileStore::sweep`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedObject {
    /// Its path in the store (`ab/cd/<sha256>`).
    pub path: String,
    pub size: u64,
    pub modified: DateTime<Utc>,
}

/// What a [`FileStore::sweep`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sweep {
    /// `files` rows that nothing listed.
    pub rows: u64,
    pub objects: Vec<RemovedObject>,
}

/// The size of the parts a large upload is sent to the store in (S3's smallest part).
pub const PART_BYTES: usize = 5 * 1024 * 1024;

/// How old a stored object may be before staging the same content writes it again (far
/// below any sweep's grace period).
pub const RESTAGE_AFTER: chrono::Duration = chrono::Duration::minutes(10);

/// Objects whose rows are looked up in one query.
const SWEEP_CHUNK: usize = 500;

/// The SHA-256 an object path names, if it is one of ours (`ab/cd/<sha256>`, lowercase hex).
fn sha_of(path: &ObjectPath) -> Option<String> {
    let name = path.filename()?;
    let ours = name.len() == 64
        && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && object_path(name) == *path;
    ours.then(|| name.to_owned())
}

impl FileStore {
    /// Removes what no record needs, of what is older than `before`: the `files` rows no
    /// notice attachment, no submission and no PT round or follow-up lists (files of a
    /// working copy replaced before it was sent, a round's replaced instructions), then the objects whose content no `files` row names (an upload whose write
    /// was refused after its bytes were staged). Objects of other names are left alone.
    /// Uploads in flight are younger than `before` and are kept: staging rewrites an object
    /// even when its content is already stored, and each object is checked again just
    /// before it is deleted.
    pub async fn sweep(&self, db: &Db, before: DateTime<Utc>) -> Result<Sweep, StoreError> {
        let rows = remove_unlisted_rows(db, before).await?;
        let mut objects = Vec::new();
        let mut candidates = Vec::new();
        let mut listing = self.store.list(None);
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(store_err)?;
            if meta.last_modified >= before {
                continue;
            }
            if let Some(sha) = sha_of(&meta.location) {
                candidates.push(sha);
            }
            if candidates.len() == SWEEP_CHUNK {
                self.remove_unnamed(db, &std::mem::take(&mut candidates), before, &mut objects)
                    .await?;
            }
        }
        self.remove_unnamed(db, &candidates, before, &mut objects)
            .await?;
        Ok(Sweep { rows, objects })
    }

    /// Deletes the objects of `shas` that no `files` row names and that are still older
    /// than `before`.
    async fn remove_unnamed(
        &self,
        db: &Db,
        shas: &[String],
        before: DateTime<Utc>,
        out: &mut Vec<RemovedObject>,
    ) -> Result<(), StoreError> {
        if shas.is_empty() {
            return Ok(());
        }
        // The values are checked lowercase hex (`sha_of`), never user text.
        let list = shas
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!("SELECT DISTINCT sha256 FROM files WHERE sha256 IN ({list})");
        let named: Vec<String> = on_db!(db, |p| sqlx::query_scalar(sqlx::AssertSqlSafe(
            sql.as_str()
        ))
        .fetch_all(p)
        .await)?;
        for sha in shas.iter().filter(|s| !named.contains(s)) {
            let path = object_path(sha);
            let meta = match self.store.head(&path).await {
                Ok(m) if m.last_modified < before => m,
                Ok(_) | Err(object_store::Error::NotFound { .. }) => continue,
                Err(e) => return Err(store_err(e)),
            };
            match self.store.delete(&path).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(store_err(e)),
            }
            out.push(RemovedObject {
                path: path.to_string(),
                size: meta.size,
                modified: meta.last_modified,
            });
        }
        Ok(())
    }
}

/// Deletes the `files` rows created before `before` that nothing lists — no notice
/// attachment, no submission, no PT round's instructions (a replaced document) and no PT
/// follow-up's evidence (removed by the lab), no publicity material's file or thumbnail,
/// no put-up photo of a poster shipment (or its thumbnail), no case call's template and no
/// case's file;
/// returns how many.
async fn remove_unlisted_rows(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    let mut tx = db.write().await?;
    let done = on_tx!(&mut tx, |tx| sqlx::query(
        "DELETE FROM files WHERE created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM submission_files sf WHERE sf.file_id = files.id) \
         AND NOT EXISTS (SELECT 1 FROM notice_attachments na WHERE na.file_id = files.id) \
         AND NOT EXISTS (SELECT 1 FROM pt_rounds r WHERE r.instructions_file_id = files.id) \
         AND NOT EXISTS (SELECT 1 FROM pt_followup_files pf WHERE pf.file_id = files.id) \
         AND NOT EXISTS (SELECT 1 FROM publicity_materials pm \
             WHERE pm.file_id = files.id OR pm.thumb_id = files.id) \
         AND NOT EXISTS (SELECT 1 FROM publicity_shipment_lines sl \
             WHERE sl.photo_id = files.id OR sl.thumb_id = files.id) \
         AND NOT EXISTS (SELECT 1 FROM case_calls cc WHERE cc.template_file_id = files.id) \
         AND NOT EXISTS (SELECT 1 FROM case_submission_files cf WHERE cf.file_id = files.id)"
    )
    .bind(before)
    .execute(&mut *tx)
    .await?
    .rows_affected());
    tx.commit().await?;
    Ok(done)
}

/// The bytes of the files of organisation `org_id`, as recorded (a content uploaded twice
/// counts twice).
pub async fn used_by_org(db: &Db, org_id: i64) -> Result<i64, StoreError> {
    Ok(on_db!(db, |p| sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM files WHERE org_id = $1"
    )
    .bind(org_id)
    .fetch_one(p)
    .await)?)
}

/// A file's metadata.
pub async fn get(db: &Db, id: i64) -> Result<StoredFile, StoreError> {
    let sql = format!("SELECT {COLS} FROM files WHERE id = $1");
    let row: FileRow = on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(id)
        .fetch_one(p)
        .await)?;
    row.try_into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_or_memory_store_answers_its_check_even_empty() {
        let dir = tempfile::tempdir().unwrap();
        FileStore::local(dir.path()).unwrap().ping().await.unwrap();
        FileStore::memory().ping().await.unwrap();
    }
}
