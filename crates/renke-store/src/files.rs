//! Uploaded files: bytes in an object store (local directory by default, in memory for
//! tests) under their SHA-256, metadata in the `files` table.
//!
//! The caller checks the upload against its [`UploadRule`](renke_domain::file::UploadRule)
//! first; [`FileStore::put`] then writes the object before the row, so a row always has its
//! bytes. Objects are content-addressed: the same file uploaded twice is stored once, and an
//! object whose row was rolled back is harmless (a later upload of the same bytes reuses it).

use crate::{Db, StoreError, on_db};
use chrono::{DateTime, Utc};
use object_store::ObjectStore;
use object_store::path::Path as ObjectPath;
use renke_domain::file::FileKind;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;

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

#[derive(sqlx::FromRow)]
struct FileRow {
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

/// A checked upload, ready to store.
pub struct Upload<'a> {
    /// A cleaned file name (see `renke_domain::file::clean_name`).
    pub name: &'a str,
    pub kind: FileKind,
    pub bytes: &'a [u8],
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

    /// Stores the bytes (once per content) and records the file.
    pub async fn put(
        &self,
        db: &Db,
        upload: &Upload<'_>,
        now: DateTime<Utc>,
    ) -> Result<StoredFile, StoreError> {
        let sha256 = hex::encode(Sha256::digest(upload.bytes));
        let path = object_path(&sha256);
        if self.store.head(&path).await.is_err() {
            self.store
                .put(&path, upload.bytes.to_vec().into())
                .await
                .map_err(store_err)?;
        }
        let sql = format!(
            "INSERT INTO files (name, kind, size, sha256, org_id, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLS}"
        );
        let row: FileRow = on_db!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(upload.name)
            .bind(upload.kind.as_str())
            .bind(upload.bytes.len() as i64)
            .bind(&sha256)
            .bind(upload.org_id)
            .bind(upload.uploaded_by)
            .bind(now)
            .fetch_one(p)
            .await)?;
        row.try_into()
    }

    /// Stores the bytes of a checked upload (once per content) without recording the file:
    /// the caller inserts the row inside its own transaction (see [`Staged`]), so a refused
    /// write leaves no `files` row. An object whose row never commits is harmless.
    pub async fn stage(&self, upload: &Upload<'_>) -> Result<Staged, StoreError> {
        let sha256 = hex::encode(Sha256::digest(upload.bytes));
        let path = object_path(&sha256);
        if self.store.head(&path).await.is_err() {
            self.store
                .put(&path, upload.bytes.to_vec().into())
                .await
                .map_err(store_err)?;
        }
        Ok(Staged {
            name: upload.name.to_owned(),
            kind: upload.kind,
            size: upload.bytes.len() as i64,
            sha256,
            org_id: upload.org_id,
            uploaded_by: upload.uploaded_by,
        })
    }

    /// The bytes of a stored file.
    pub async fn read(&self, file: &StoredFile) -> Result<Vec<u8>, StoreError> {
        let got = self
            .store
            .get(&object_path(&file.sha256))
            .await
            .map_err(store_err)?;
        Ok(got.bytes().await.map_err(store_err)?.to_vec())
    }
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
