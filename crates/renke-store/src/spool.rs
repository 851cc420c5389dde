//! An upload's bytes as they arrive ([`Spooled`]): kept in memory while small, written to
//! an unnamed temporary file once past [`IN_MEMORY`], measured and hashed (SHA-256) on the
//! way, with the first [`SNIFF_LEN`] bytes kept to recognise the file's kind. A form's file
//! part is received into a [`SpoolWriter`] chunk by chunk and sent on to the file store
//! chunk by chunk ([`crate::files::FileStore::stage`]), so an upload of any size needs a
//! bounded amount of memory. The temporary file has no name on disk: it is gone when the
//! last handle is dropped, also when the process dies.

use crate::StoreError;
use bytes::Bytes;
use futures_util::StreamExt;
use renke_domain::file::SNIFF_LEN;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How much of an upload is kept in memory before it goes to a temporary file.
pub const IN_MEMORY: usize = 1024 * 1024;

/// How much of a spooled file is read at a time.
const READ_CHUNK: usize = 1024 * 1024;

/// The bytes of a stored or received file, chunk by chunk.
pub type ByteStream = futures_util::stream::BoxStream<'static, Result<Bytes, StoreError>>;

/// An upload's bytes, received whole (see the module's text). Cheap to clone: clones share
/// the bytes or the temporary file.
#[derive(Clone)]
pub struct Spooled {
    size: u64,
    sha256: String,
    head: Bytes,
    body: Body,
}

#[derive(Clone)]
enum Body {
    Memory(Bytes),
    File(Arc<std::fs::File>),
}

impl std::fmt::Debug for Spooled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spooled")
            .field("size", &self.size)
            .field("sha256", &self.sha256)
            .field("in_memory", &self.in_memory())
            .finish()
    }
}

impl From<Bytes> for Spooled {
    fn from(bytes: Bytes) -> Spooled {
        Spooled {
            size: bytes.len() as u64,
            sha256: hex::encode(Sha256::digest(&bytes)),
            head: bytes.slice(..bytes.len().min(SNIFF_LEN)),
            body: Body::Memory(bytes),
        }
    }
}

impl From<Vec<u8>> for Spooled {
    fn from(bytes: Vec<u8>) -> Spooled {
        Spooled::from(Bytes::from(bytes))
    }
}

impl From<&'static [u8]> for Spooled {
    fn from(bytes: &'static [u8]) -> Spooled {
        Spooled::from(Bytes::from_static(bytes))
    }
}

impl Spooled {
    /// No bytes (a file input left empty).
    pub fn empty() -> Spooled {
        Spooled::from(Bytes::new())
    }

    /// The size in bytes.
    pub fn len(&self) -> u64 {
        self.size
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// The SHA-256 of the bytes, lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The first [`SNIFF_LEN`] bytes (all of a shorter file): what tells the file's kind.
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Whether the bytes are in memory (else in a temporary file).
    pub fn in_memory(&self) -> bool {
        matches!(self.body, Body::Memory(_))
    }

    /// All the bytes in memory: for the uploads read as a whole (an image to thumbnail, a
    /// workbook to import, a notice to parse), which their rules keep small.
    pub async fn bytes(&self) -> Result<Bytes, StoreError> {
        match &self.body {
            Body::Memory(b) => Ok(b.clone()),
            Body::File(_) => {
                let mut all = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
                let mut chunks = self.chunks();
                while let Some(chunk) = chunks.next().await {
                    all.extend_from_slice(&chunk?);
                }
                Ok(all.into())
            }
        }
    }

    /// The bytes as a stream of chunks of at most 1 MB.
    pub fn chunks(&self) -> ByteStream {
        match &self.body {
            Body::Memory(b) => {
                futures_util::stream::once(std::future::ready(Ok(b.clone()))).boxed()
            }
            Body::File(file) => {
                let file = file.clone();
                let size = self.size;
                futures_util::stream::try_unfold(0u64, move |offset| {
                    let file = file.clone();
                    async move {
                        if offset >= size {
                            return Ok(None);
                        }
                        let want = (size - offset).min(READ_CHUNK as u64) as usize;
                        let chunk =
                            tokio::task::spawn_blocking(move || read_exact_at(&file, want, offset))
                                .await
                                .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;
                        Ok(Some((chunk, offset + want as u64)))
                    }
                })
                .boxed()
            }
        }
    }
}

/// `len` bytes of `file` from `offset`, without moving a shared position (clones of a
/// [`Spooled`] read the same file).
fn read_exact_at(file: &std::fs::File, len: usize, offset: u64) -> std::io::Result<Bytes> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; len];
    file.read_exact_at(&mut buf, offset)?;
    Ok(buf.into())
}

/// Receives an upload chunk by chunk into a [`Spooled`].
pub struct SpoolWriter {
    in_memory: usize,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
    memory: Vec<u8>,
    file: Option<tokio::fs::File>,
}

impl Default for SpoolWriter {
    fn default() -> Self {
        SpoolWriter::new()
    }
}

impl SpoolWriter {
    /// A writer that keeps up to [`IN_MEMORY`] bytes in memory.
    pub fn new() -> SpoolWriter {
        SpoolWriter::keeping(IN_MEMORY)
    }

    /// A writer that keeps up to `in_memory` bytes in memory (tests use small ones).
    pub fn keeping(in_memory: usize) -> SpoolWriter {
        SpoolWriter {
            in_memory,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
            memory: Vec::new(),
            file: None,
        }
    }

    /// The bytes received so far.
    pub fn len(&self) -> u64 {
        self.size
    }

    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// Takes the next chunk.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        use tokio::io::AsyncWriteExt;
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        if self.head.len() < SNIFF_LEN {
            let take = (SNIFF_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        if self.file.is_none() && self.memory.len() + chunk.len() <= self.in_memory {
            self.memory.extend_from_slice(chunk);
            return Ok(());
        }
        if self.file.is_none() {
            let file = tokio::task::spawn_blocking(tempfile::tempfile)
                .await
                .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;
            let mut file = tokio::fs::File::from_std(file);
            file.write_all(&std::mem::take(&mut self.memory)).await?;
            self.file = Some(file);
        }
        if let Some(file) = &mut self.file {
            file.write_all(chunk).await?;
        }
        Ok(())
    }

    /// The upload, whole.
    pub async fn finish(self) -> Result<Spooled, StoreError> {
        use tokio::io::AsyncWriteExt;
        let body = match self.file {
            None => Body::Memory(self.memory.into()),
            Some(mut file) => {
                file.flush().await?;
                Body::File(Arc::new(file.into_std().await))
            }
        };
        Ok(Spooled {
            size: self.size,
            sha256: hex::encode(self.hasher.finalize()),
            head: self.head.into(),
            body,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    async fn spool(chunks: &[&[u8]], in_memory: usize) -> Spooled {
        let mut w = SpoolWriter::keeping(in_memory);
        for c in chunks {
            w.write(c).await.unwrap();
        }
        w.finish().await.unwrap()
    }

    #[tokio::test]
    async fn a_large_upload_goes_to_a_file_and_reads_back_the_same() {
        let data: Vec<u8> = (0..3 * READ_CHUNK + 17).map(|i| (i % 251) as u8).collect();
        let pieces: Vec<&[u8]> = data.chunks(100_000).collect();
        let s = spool(&pieces, 250_000).await;
        assert!(!s.in_memory());
        assert_eq!(s.len(), data.len() as u64);
        assert_eq!(s.sha256(), hex::encode(Sha256::digest(&data)));
        assert_eq!(s.head(), &data[..SNIFF_LEN]);
        assert_eq!(s.bytes().await.unwrap(), data);
        // Chunks of at most READ_CHUNK, in order; a clone reads the same.
        let chunks: Vec<Bytes> = s.clone().chunks().map(|c| c.unwrap()).collect().await;
        assert_eq!(chunks.len(), 4);
        assert!(chunks.iter().all(|c| c.len() <= READ_CHUNK));
        assert_eq!(chunks.concat(), data);
    }

    #[tokio::test]
    async fn a_small_upload_stays_in_memory_like_one_made_from_bytes() {
        let s = spool(&[b"hello ", b"world"], 1024).await;
        let made = Spooled::from(&b"hello world"[..]);
        assert!(s.in_memory());
        assert_eq!(
            (s.len(), s.sha256(), s.head()),
            (made.len(), made.sha256(), made.head())
        );
        assert_eq!(s.bytes().await.unwrap(), "hello world".as_bytes());
        assert!(Spooled::empty().is_empty());
    }
}
