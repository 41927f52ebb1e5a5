//! An S3 bucket as the file store (MinIO in production, Garage in the tests), through
//! rust-s3 with path-style addressing.
//!
//! Uploads are streamed: a body smaller than one part goes up in one PUT; a larger one as a
//! multipart upload whose parts are sent one at a time while the next part is read, so at
//! most two parts (plus the copy rust-s3 makes of the part in flight) are in memory per
//! upload, whatever the file's size. rust-s3's own `put_object_stream` was not used: it
//! sends up to ten 8 MiB parts at once, and folds a refused body into an opaque I/O error.
//!
//! After a failure nothing stays behind: a multipart upload is aborted, and when the final
//! request (the PUT, or the completion) may have reached the server, the key is deleted.
//! If the server is gone by then, the clean-up is logged and left to the server's own
//! expiry of incomplete uploads (and to the engine's sweep of orphan keys).
//!
//! One file over 600 lines: about 500 of the adapter, whose streaming, multipart and clean-up
//! steps are one protocol and read best together, and its unit tests below.

use crate::key::check_key;
use crate::metered::Metered;
use crate::{ByteStream, FileError, FileStore, PutError, Stored};
use bytes::Bytes;
use futures::StreamExt;
use s3::error::S3Error;
use s3::serde_types::Part;
use s3::{creds::Credentials, Bucket, Region};
use std::fmt;
use std::time::Duration;

/// The size of the parts of a multipart upload: the least S3 and MinIO accept for every part
/// but the last, since an upload holds about three parts' worth in memory (the part being
/// read, the part in flight, and the signed request's copy of it).
pub const PART_SIZE: usize = 5 * 1024 * 1024;

/// Requests that carry no body (list, delete, start/complete/abort an upload, readiness):
/// a stopped server refuses the connection at once; a hung one is given up after this.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(3);
/// The slowest link to the server a request carrying a body (a part, or a small file) may
/// assume: its timeout is `CONTROL_TIMEOUT` plus the time to send the body at this rate
/// (19 s for a full part), so a hung server fails an upload in seconds, not minutes.
const MIN_BYTES_PER_SEC: u64 = 512 * 1024;
/// Waiting for the answer to a GET (its headers). rust-s3 retries a GET once, one second
/// after a refused connection, so this leaves room for both attempts.
const DOWNLOAD_START_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest pause between two chunks of a download before it is abandoned. (A timeout
/// on the whole download would cut large files on slow links.)
const DOWNLOAD_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest life S3 allows a presigned URL.
const MAX_SIGNED_TTL_SECS: u64 = 7 * 24 * 3600;

/// Where the bucket is and how to sign for it.
#[derive(Clone)]
pub struct S3Config {
    /// `http(s)://host:port` of the S3 API (no bucket in it: addressing is path-style).
    pub endpoint: String,
    /// The region the server signs with (`garage` for Garage, `us-east-1` for MinIO unless
    /// set otherwise).
    pub region: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
}

impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("access_key", &self.access_key)
            .field("secret_key", &"[redacted]")
            .finish()
    }
}

/// Settings that cannot make a bucket handle. Nothing is contacted when building one: an
/// unreachable server shows in [`FileStore::check`] and in every call as `Unavailable`.
#[derive(Debug, thiserror::Error)]
#[error("invalid S3 settings: {0}")]
pub struct InvalidS3Config(String);

/// A bucket on an S3-compatible server.
pub struct S3Store {
    /// Requests without a body: short timeout. (PUTs use a copy with a longer one.)
    control: Box<Bucket>,
    /// GETs: no timeout on the whole request (see `DOWNLOAD_IDLE_TIMEOUT`).
    download: Box<Bucket>,
    endpoint: String,
}

impl fmt::Debug for S3Store {
    // rust-s3's `Bucket` prints its credentials; this does not.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Store")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.control.name)
            .finish_non_exhaustive()
    }
}

impl S3Store {
    pub fn new(config: S3Config) -> Result<Self, InvalidS3Config> {
        let endpoint = config.endpoint.trim_end_matches('/').to_owned();
        let parsed = url::Url::parse(&endpoint)
            .map_err(|e| InvalidS3Config(format!("the endpoint {endpoint:?} is no URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(InvalidS3Config(format!(
                "the endpoint {endpoint:?} must be http(s)://host[:port]"
            )));
        }
        if parsed.path() != "/" && !parsed.path().is_empty() {
            return Err(InvalidS3Config(format!(
                "the endpoint {endpoint:?} must not have a path (the bucket goes in `bucket`)"
            )));
        }
        if config.bucket.is_empty() || config.access_key.is_empty() || config.secret_key.is_empty()
        {
            return Err(InvalidS3Config(
                "the bucket, access key and secret key must all be set".into(),
            ));
        }
        let region = Region::Custom {
            region: config.region,
            endpoint: endpoint.clone(),
        };
        let credentials = Credentials::new(
            Some(&config.access_key),
            Some(&config.secret_key),
            None,
            None,
            None,
        )
        .map_err(|e| InvalidS3Config(e.to_string()))?;
        let bucket = Bucket::new(&config.bucket, region, credentials)
            .map_err(|e| InvalidS3Config(e.to_string()))?
            .with_path_style();
        let with_timeout = |timeout| {
            let mut b = bucket.clone();
            b.set_request_timeout(timeout);
            b
        };
        Ok(S3Store {
            control: with_timeout(Some(CONTROL_TIMEOUT)),
            download: with_timeout(None),
            endpoint,
        })
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.control.name
    }

    /// The bucket handle for a request carrying `bytes` (see `MIN_BYTES_PER_SEC`). Cheap:
    /// the HTTP client and the credentials are shared.
    fn sending(&self, bytes: usize) -> Bucket {
        let mut bucket = (*self.control).clone();
        let secs = (bytes as u64).div_ceil(MIN_BYTES_PER_SEC);
        bucket.set_request_timeout(Some(CONTROL_TIMEOUT + Duration::from_secs(secs)));
        bucket
    }

    /// Sends a body larger than one part. `first` is the first part, already read.
    async fn put_multipart(
        &self,
        key: &str,
        content_type: &str,
        first: Vec<u8>,
        body: &mut Parts,
    ) -> Result<(), PutError> {
        let started = self
            .control
            .initiate_multipart_upload(key, content_type)
            .await
            .map_err(|e| store_failed("starting the upload", &e))?;
        let mut cleanup = Cleanup::new(&self.control, key, Some(started.upload_id.clone()));

        let sent = async {
            let mut parts = Vec::new();
            let mut current = first;
            let mut ended = false;
            loop {
                // Send this part while reading the next one; whichever fails first ends both.
                let number = u32::try_from(parts.len() + 1)
                    .map_err(|_| PutError::Unavailable("too many parts".into()))?;
                let sending = async {
                    self.sending(current.len())
                        .put_multipart_chunk(current, key, number, &started.upload_id, content_type)
                        .await
                        .map_err(|e| store_failed("sending a part", &e))
                };
                let reading = async {
                    if ended {
                        Ok(Filled::default())
                    } else {
                        body.fill().await
                    }
                };
                let (part, next) = futures::future::try_join(sending, reading).await?;
                parts.push(part);
                if next.bytes.is_empty() {
                    return Ok(parts);
                }
                current = next.bytes;
                ended = next.ended;
            }
        }
        .await;
        let parts: Vec<Part> = match sent {
            Ok(parts) => parts,
            Err(e) => {
                cleanup.run().await;
                return Err(e);
            }
        };

        // From here the object may exist even if the answer is lost.
        cleanup.delete_key = true;
        match self
            .control
            .complete_multipart_upload(key, &started.upload_id, parts)
            .await
        {
            Ok(_) => {
                cleanup.disarm();
                Ok(())
            }
            Err(e) => {
                cleanup.run().await;
                Err(store_failed("completing the upload", &e))
            }
        }
    }
}

#[async_trait::async_trait]
impl FileStore for S3Store {
    async fn put(
        &self,
        key: &str,
        content_type: &str,
        body: ByteStream,
        max_bytes: u64,
    ) -> Result<Stored, PutError> {
        check_key(key).map_err(|e| PutError::Unavailable(e.to_string()))?;
        let mut body = Parts::new(Metered::new(body, max_bytes));
        let first = body.fill().await?;
        if first.ended {
            let mut cleanup = Cleanup::new(&self.control, key, None);
            cleanup.delete_key = true;
            match self
                .sending(first.bytes.len())
                .put_object_with_content_type(key, &first.bytes, content_type)
                .await
            {
                Ok(_) => cleanup.disarm(),
                Err(e) => {
                    cleanup.run().await;
                    return Err(store_failed("storing the file", &e));
                }
            }
        } else {
            self.put_multipart(key, content_type, first.bytes, &mut body)
                .await?;
        }
        let (size, sha256) = body
            .body
            .finish()
            .ok_or_else(|| PutError::Unavailable("the upload did not end cleanly".into()))?;
        Ok(Stored {
            key: key.to_owned(),
            size,
            sha256,
        })
    }

    async fn get(&self, key: &str) -> Result<ByteStream, FileError> {
        if check_key(key).is_err() {
            return Err(FileError::NotFound);
        }
        let response =
            tokio::time::timeout(DOWNLOAD_START_TIMEOUT, self.download.get_object_stream(key))
                .await
                .map_err(|_| {
                    FileError::Unavailable(format!(
                        "no answer to a download within {DOWNLOAD_START_TIMEOUT:?}"
                    ))
                })?
                .map_err(|e| file_error("reading the file", &e))?;
        let chunks = response.bytes;
        // Each chunk must come within the idle timeout; after an error the stream ends.
        let stream = futures::stream::unfold(Some(chunks), |chunks| async move {
            let mut chunks = chunks?;
            match tokio::time::timeout(DOWNLOAD_IDLE_TIMEOUT, chunks.next()).await {
                Ok(None) => None,
                Ok(Some(Ok(bytes))) => Some((Ok::<Bytes, std::io::Error>(bytes), Some(chunks))),
                Ok(Some(Err(e))) => Some((Err(std::io::Error::other(e.to_string())), None)),
                Err(_) => Some((
                    Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("the file store sent nothing for {DOWNLOAD_IDLE_TIMEOUT:?}"),
                    )),
                    None,
                )),
            }
        });
        Ok(Box::pin(stream))
    }

    async fn delete(&self, key: &str) -> Result<(), FileError> {
        // No object can be stored under a refused key, so there is nothing to remove.
        if check_key(key).is_err() {
            return Ok(());
        }
        // S3 answers a missing key with 204; a 404 here means the bucket is missing.
        self.control
            .delete_object(key)
            .await
            .map(|_| ())
            .map_err(|e| FileError::Unavailable(describe("removing the file", &e)))
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, FileError> {
        let pages = self
            .control
            .list(prefix.to_owned(), None)
            .await
            .map_err(|e| FileError::Unavailable(describe("listing the files", &e)))?;
        Ok(pages
            .into_iter()
            .flat_map(|page| page.contents.into_iter().map(|object| object.key))
            .collect())
    }

    async fn check(&self) -> Result<(), FileError> {
        // One key at most: the cheapest call that proves the bucket exists and the keys work.
        let listing = self
            .control
            .list_page(String::new(), None, None, None, Some(1));
        match tokio::time::timeout(CONTROL_TIMEOUT, listing).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(FileError::Unavailable(describe("checking the bucket", &e))),
            Err(_) => Err(FileError::Unavailable(format!(
                "no answer from {} within {CONTROL_TIMEOUT:?}",
                self.endpoint
            ))),
        }
    }

    async fn signed_url(
        &self,
        key: &str,
        ttl: Duration,
        content_disposition: &str,
    ) -> Option<String> {
        check_key(key).ok()?;
        let secs = ttl.as_secs().clamp(1, MAX_SIGNED_TTL_SECS);
        let secs = u32::try_from(secs).unwrap_or(u32::MAX);
        // Signed into the URL, so the holder cannot turn the download into an inline page.
        let overrides = std::collections::HashMap::from([(
            "response-content-disposition".to_owned(),
            content_disposition.to_owned(),
        )]);
        match self.control.presign_get(key, secs, Some(overrides)).await {
            Ok(url) => Some(url),
            Err(e) => {
                tracing::warn!(error.message = %e, key, "cannot sign a download URL");
                None
            }
        }
    }
}

/// One part's worth of the body: `PART_SIZE` bytes, fewer if the body ended first.
#[derive(Default)]
struct Filled {
    bytes: Vec<u8>,
    /// The body has ended: nothing follows these bytes.
    ended: bool,
}

/// The body cut into parts of exactly `PART_SIZE` bytes: a chunk that crosses a part's end
/// is split, so a part's buffer is allocated once at its final size and never grows.
struct Parts {
    body: Metered,
    /// What is left of the last chunk read.
    leftover: Bytes,
}

impl Parts {
    fn new(body: Metered) -> Self {
        Parts {
            body,
            leftover: Bytes::new(),
        }
    }

    async fn fill(&mut self) -> Result<Filled, PutError> {
        let mut bytes = Vec::with_capacity(PART_SIZE);
        loop {
            let take = (PART_SIZE - bytes.len()).min(self.leftover.len());
            bytes.extend_from_slice(&self.leftover.split_to(take));
            if bytes.len() == PART_SIZE {
                return Ok(Filled {
                    bytes,
                    ended: false,
                });
            }
            match self.body.next_chunk().await? {
                Some(chunk) => self.leftover = chunk,
                None => return Ok(Filled { bytes, ended: true }),
            }
        }
    }
}

/// Undoes what a failed upload may have left: the multipart upload (aborted) and, once the
/// final request may have landed, the key. Run explicitly on errors; if the upload is
/// cancelled instead (its future dropped), the clean-up runs on a spawned task.
struct Cleanup {
    bucket: Box<Bucket>,
    key: String,
    upload_id: Option<String>,
    delete_key: bool,
    armed: bool,
}

impl Cleanup {
    fn new(bucket: &Bucket, key: &str, upload_id: Option<String>) -> Self {
        Cleanup {
            bucket: Box::new(bucket.clone()),
            key: key.to_owned(),
            upload_id,
            delete_key: false,
            armed: true,
        }
    }

    fn disarm(&mut self) {
        self.armed = false;
    }

    async fn run(&mut self) {
        self.armed = false;
        clean_up(
            &self.bucket,
            &self.key,
            self.upload_id.as_deref(),
            self.delete_key,
        )
        .await;
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let (bucket, key, upload_id, delete_key) = (
            self.bucket.clone(),
            std::mem::take(&mut self.key),
            self.upload_id.take(),
            self.delete_key,
        );
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    clean_up(&bucket, &key, upload_id.as_deref(), delete_key).await;
                });
            }
            Err(_) => {
                tracing::warn!(
                    key,
                    "a cancelled upload could not be cleaned up (no runtime)"
                );
            }
        }
    }
}

async fn clean_up(bucket: &Bucket, key: &str, upload_id: Option<&str>, delete_key: bool) {
    if let Some(upload_id) = upload_id {
        match bucket.abort_upload(key, upload_id).await {
            Ok(()) | Err(S3Error::HttpFailWithBody(404, _)) => {}
            Err(e) => {
                tracing::warn!(error.message = %e, key, upload_id, "cannot abort a failed multipart upload; the server's expiry of incomplete uploads will remove it");
            }
        }
    }
    if delete_key {
        match bucket.delete_object(key).await {
            Ok(_) | Err(S3Error::HttpFailWithBody(404, _)) => {}
            Err(e) => {
                tracing::warn!(error.message = %e, key, "cannot remove the key of a failed upload; the sweep will");
            }
        }
    }
}

/// What went wrong talking to the server, short enough for a log line and an error body.
fn describe(doing: &str, e: &S3Error) -> String {
    match e {
        S3Error::HttpFailWithBody(status, body) => {
            // S3 error bodies are XML; their <Code> says enough.
            let code = body
                .split_once("<Code>")
                .and_then(|(_, rest)| rest.split_once("</Code>"))
                .map(|(code, _)| code)
                .unwrap_or("");
            format!("{doing}: the file store answered {status} {code}")
        }
        other => format!("{doing}: {other}"),
    }
}

fn store_failed(doing: &str, e: &S3Error) -> PutError {
    PutError::Unavailable(describe(doing, e))
}

/// For reading an object: a missing key is `NotFound`, anything else (a missing bucket
/// included) means the store does not work.
fn file_error(doing: &str, e: &S3Error) -> FileError {
    match e {
        S3Error::HttpFailWithBody(404, body) if !body.contains("NoSuchBucket") => {
            FileError::NotFound
        }
        other => FileError::Unavailable(describe(doing, other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(endpoint: &str) -> S3Config {
        S3Config {
            endpoint: endpoint.into(),
            region: "garage".into(),
            bucket: "motcua".into(),
            access_key: "GK0123".into(),
            secret_key: "s3cr3t".into(),
        }
    }

    #[test]
    fn settings_are_checked_without_contacting_the_server() {
        assert!(S3Store::new(config("http://127.0.0.1:3900")).is_ok());
        assert!(S3Store::new(config("https://s3.example.vn/")).is_ok());
        for bad in ["127.0.0.1:3900", "ftp://x", "http://x/bucket", ""] {
            assert!(S3Store::new(config(bad)).is_err(), "{bad:?}");
        }
        let mut no_secret = config("http://127.0.0.1:3900");
        no_secret.secret_key.clear();
        assert!(S3Store::new(no_secret).is_err());
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let c = config("http://127.0.0.1:3900");
        assert!(!format!("{c:?}").contains("s3cr3t"));
        let store = S3Store::new(c).unwrap();
        assert!(!format!("{store:?}").contains("s3cr3t"));
    }

    #[test]
    fn error_descriptions_keep_the_s3_code() {
        let e = S3Error::HttpFailWithBody(
            503,
            "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>m</Message></Error>"
                .into(),
        );
        assert_eq!(
            describe("storing the file", &e),
            "storing the file: the file store answered 503 SlowDown"
        );
        assert!(matches!(
            file_error(
                "x",
                &S3Error::HttpFailWithBody(404, "<Code>NoSuchKey</Code>".into())
            ),
            FileError::NotFound
        ));
        assert!(matches!(
            file_error(
                "x",
                &S3Error::HttpFailWithBody(404, "<Code>NoSuchBucket</Code>".into())
            ),
            FileError::Unavailable(_)
        ));
    }

    /// A server that takes connections and never answers (hung, or stopped with SIGSTOP):
    /// every call gives up within its timeout instead of hanging.
    #[tokio::test]
    async fn a_hung_server_makes_every_call_unavailable_within_seconds() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let store = S3Store::new(config(&endpoint)).unwrap();
        let started = std::time::Instant::now();
        let body: ByteStream = Box::pin(futures::stream::once(async {
            Ok(Bytes::from_static(b"hello"))
        }));
        let (put, get, list, check, delete) = tokio::join!(
            store.put("a/b", "text/plain", body, 100),
            store.get("a/b"),
            store.list(""),
            store.check(),
            store.delete("a/b"),
        );
        let took = started.elapsed();
        assert!(matches!(put, Err(PutError::Unavailable(_))), "{put:?}");
        assert!(matches!(get, Err(FileError::Unavailable(_))));
        assert!(matches!(list, Err(FileError::Unavailable(_))), "{list:?}");
        assert!(matches!(check, Err(FileError::Unavailable(_))));
        assert!(matches!(delete, Err(FileError::Unavailable(_))));
        // The slowest is list: two attempts of 3 s and rust-s3's pause of 1 s between them.
        assert!(took < Duration::from_secs(9), "{took:?}");
    }

    #[tokio::test]
    async fn a_signed_url_is_path_style_and_expires() {
        let store = S3Store::new(config("http://127.0.0.1:3900")).unwrap();
        let url = store
            .signed_url("dossiers/a/b", Duration::from_secs(300), "attachment")
            .await
            .unwrap();
        assert!(
            url.starts_with("http://127.0.0.1:3900/motcua/dossiers/a/b?"),
            "{url}"
        );
        assert!(url.contains("X-Amz-Expires=300"), "{url}");
        assert!(store
            .signed_url("../x", Duration::from_secs(1), "attachment")
            .await
            .is_none());
    }
}
