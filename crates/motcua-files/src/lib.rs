//! motcua-files: where attachments live. One trait, [`FileStore`], and two stores: S3 (MinIO,
//! Garage; path-style addressing) for production and a local directory for `motcua dev`.
//!
//! Bodies are streamed both ways: a large file is never held whole in memory, and its
//! SHA-256 is computed while it streams. A failed or refused upload leaves nothing behind.
//!
//! Keys are relative paths of plain segments (see [`check_key`]); both stores refuse others.

mod key;
mod local;
mod metered;
mod s3;

pub use self::s3::{InvalidS3Config, S3Config, S3Store, PART_SIZE};
pub use key::{check_key, InvalidKey, MAX_KEY_BYTES};
pub use local::LocalStore;

use bytes::Bytes;
use futures::Stream;
use std::pin::Pin;
use std::time::Duration;

/// A body in chunks, as it arrives from the network or the store.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

/// What a successful upload stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub key: String,
    pub size: u64,
    /// Lowercase hex SHA-256 of the bytes as stored.
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PutError {
    /// The body went over `max_bytes`; nothing was kept.
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    /// The body could not be read (the client went away, or the stream reported an error,
    /// e.g. a refused type found by the caller); nothing was kept.
    #[error("the upload was interrupted: {0}")]
    Body(std::io::Error),
    /// The store could not be reached or refused the write; nothing was kept.
    #[error("the file store is unavailable: {0}")]
    Unavailable(String),
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("no such object")]
    NotFound,
    #[error("the file store is unavailable: {0}")]
    Unavailable(String),
}

#[async_trait::async_trait]
pub trait FileStore: Send + Sync {
    /// Streams `body` into `key`, refusing more than `max_bytes`. On any error nothing is
    /// left under `key` (nor any partial or multipart upload).
    async fn put(
        &self,
        key: &str,
        content_type: &str,
        body: ByteStream,
        max_bytes: u64,
    ) -> Result<Stored, PutError>;

    /// The object's bytes, streamed.
    async fn get(&self, key: &str) -> Result<ByteStream, FileError>;

    /// Removes `key`; removing what is not there is not an error.
    async fn delete(&self, key: &str) -> Result<(), FileError>;

    /// The keys under `prefix` (for sweeps of orphans, and tests).
    async fn list(&self, prefix: &str) -> Result<Vec<String>, FileError>;

    /// Whether the store answers (readiness).
    async fn check(&self) -> Result<(), FileError>;

    /// A URL that gives the object for `ttl` without credentials, answered with the given
    /// `Content-Disposition`, when the store can sign one (S3 presigned GET); `None` for the
    /// local directory.
    async fn signed_url(
        &self,
        key: &str,
        ttl: Duration,
        content_disposition: &str,
    ) -> Option<String>;
}
