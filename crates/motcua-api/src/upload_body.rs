//! An upload's body as the use cases take it: what its headers declare, and its bytes as a
//! checked [`ByteStream`] whose leading bytes are of the declared type. Reading it is the
//! HTTP side's: a client that goes away, a body that stalls (the idle timeout), a refusal
//! sent while the client is still sending.

use crate::error::ApiError;
use crate::request_limits;
use axum::body::Body;
use axum::http::{header, HeaderMap};
use bytes::{Bytes, BytesMut};
use futures::{StreamExt, TryStreamExt};
use motcua_core::media::{essence, sniff, SNIFF_BYTES};
use motcua_files::ByteStream;
use motcua_service::documents::UploadError;
use motcua_service::{Code, ServiceError};

/// What the headers declare of the file: the essence of `Content-Type` (empty without one),
/// `Content-Length`, and the file name of `Content-Disposition`.
pub struct Declaration {
    pub content_type: String,
    pub length: Option<u64>,
    pub file_name: Option<String>,
}

impl Declaration {
    pub fn of(headers: &HeaderMap) -> Self {
        Declaration {
            content_type: headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(essence)
                .unwrap_or_default(),
            length: declared_length(headers),
            file_name: given_file_name(headers),
        }
    }

    /// As the use cases take it.
    pub fn declared(&self) -> motcua_service::documents::Declared<'_> {
        motcua_service::documents::Declared {
            content_type: &self.content_type,
            length: self.length,
            file_name: self.file_name.as_deref(),
        }
    }
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// The file name the uploader gave in `Content-Disposition`, if any.
fn given_file_name(headers: &HeaderMap) -> Option<String> {
    // Browsers send the plain `filename` in UTF-8, which `to_str` (visible ASCII) refuses.
    let value = std::str::from_utf8(headers.get(header::CONTENT_DISPOSITION)?.as_bytes()).ok()?;
    let mut plain = None;
    for part in value.split(';').map(str::trim) {
        if let Some(encoded) = part.strip_prefix("filename*=") {
            // RFC 5987: UTF-8''percent-encoded
            let encoded = encoded.trim_matches('"');
            let raw = encoded.split_once("''").map(|(_, v)| v).unwrap_or(encoded);
            return Some(
                percent_encoding::percent_decode_str(raw)
                    .decode_utf8_lossy()
                    .into_owned(),
            );
        }
        if let Some(name) = part.strip_prefix("filename=") {
            plain = Some(name.trim_matches('"').to_owned());
        }
    }
    plain
}

/// At most this much of a refused upload's body is read and dropped before the refusal is
/// sent. A server that answers and closes while the client is still sending makes most HTTP
/// clients report a broken connection instead of the answer; reading a small remainder lets
/// the citizen see why. A larger body is not read: the answer goes at once.
const DISCARD_AT_MOST: u64 = 1024 * 1024;

/// The refusal of an upload whose body was left unread, once what is left of a small body
/// was read.
async fn refused(refusal: impl Into<ApiError>, body: Body, headers: &HeaderMap) -> ApiError {
    if declared_length(headers).is_none_or(|n| n <= DISCARD_AT_MOST) {
        discard(body.into_data_stream()).await;
    }
    refusal.into()
}

/// The bytes of an upload the use case accepted, checked against the content type it
/// settled; or its refusal, answered once what is left of a small body was read.
pub async fn body_of<A>(
    accepted: Result<A, ServiceError>,
    content_type: impl FnOnce(&A) -> &str,
    body: Body,
    headers: &HeaderMap,
) -> Result<(A, ByteStream), ApiError> {
    let accepted = match accepted {
        Ok(accepted) => accepted,
        Err(refusal) => return Err(refused(refusal, body, headers).await),
    };
    let bytes = checked(body, content_type(&accepted)).await?;
    Ok((accepted, bytes))
}

/// Reads and drops up to [`DISCARD_AT_MOST`] bytes of `stream`; a stall ends it through the
/// body's idle timeout.
async fn discard<S, E>(mut stream: S)
where
    S: futures::Stream<Item = Result<Bytes, E>> + Unpin,
{
    let mut read = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        read += chunk.len() as u64;
        if read > DISCARD_AT_MOST {
            return;
        }
    }
}

/// A body that could not be read to its end: the client went away, or it stalled.
fn interrupted(why: std::io::Error) -> ApiError {
    let stalled = why.kind() == std::io::ErrorKind::TimedOut
        || why
            .get_ref()
            .is_some_and(|e| request_limits::body_timed_out(e));
    if stalled {
        return request_limits::body_stalled();
    }
    ApiError::new(
        Code::UploadInterrupted,
        format!("the upload was interrupted: {why}; nothing was kept"),
    )
}

/// The answer to an upload whose bytes were not kept.
pub fn failed(error: UploadError) -> ApiError {
    match error {
        UploadError::Interrupted(why) => interrupted(why),
        UploadError::Refused(e) => e.into(),
    }
}

/// Reads the body's leading bytes and checks that they are what the uploader declared;
/// gives back the whole body as a stream.
async fn checked(body: Body, declared: &str) -> Result<ByteStream, ApiError> {
    let mut stream = body.into_data_stream();
    let mut head = BytesMut::new();
    while head.len() < SNIFF_BYTES {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(e)) => return Err(interrupted(std::io::Error::other(e))),
            None => break,
        }
    }
    if head.is_empty() {
        return Err(ApiError::new(Code::EmptyFile, "the file is empty"));
    }
    match sniff(&head) {
        Some(found) if found == declared => {}
        found => {
            discard(stream).await;
            return Err(ApiError::new(
                Code::ContentMismatch,
                format!(
                    "the file was declared {declared} but its bytes are {}; nothing was kept",
                    found.unwrap_or("not a type this procedure accepts")
                ),
            ));
        }
    }
    let head: Bytes = head.freeze();
    // A stall keeps its kind so that the store's error can still say it was one.
    let rest = stream.map_err(|e| {
        if request_limits::body_timed_out(&e) {
            std::io::Error::new(std::io::ErrorKind::TimedOut, e)
        } else {
            std::io::Error::other(e)
        }
    });
    Ok(Box::pin(
        futures::stream::once(async move { Ok(head) }).chain(rest),
    ))
}
