//! The adapter both stores read an upload through: it counts the bytes and hashes them as
//! they pass, and stops the upload the moment the count goes over the limit. It holds one
//! chunk at a time, never the whole body.

use crate::{ByteStream, PutError};
use bytes::Bytes;
use futures::Stream;
use sha2::{Digest, Sha256};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// An upload body being counted and hashed.
///
/// Yields the chunks of the body unchanged; the first chunk that takes the count over the
/// limit yields [`PutError::TooLarge`] instead (and is not hashed), an error of the body
/// yields [`PutError::Body`], and after either the stream ends. Hashing happens chunk by
/// chunk on the polling task: a chunk is at most what the network or the reader handed over
/// (tens of KiB), so no single poll does much work.
pub(crate) struct Metered {
    body: ByteStream,
    limit: u64,
    size: u64,
    hasher: Sha256,
    state: State,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Flowing,
    /// The body ended without error: `finish` may be called.
    Ended,
    /// An error was yielded; nothing more will come.
    Failed,
}

impl Metered {
    pub(crate) fn new(body: ByteStream, limit: u64) -> Self {
        Metered {
            body,
            limit,
            size: 0,
            hasher: Sha256::new(),
            state: State::Flowing,
        }
    }

    /// The next chunk, `Ok(None)` at the end of the body.
    pub(crate) async fn next_chunk(&mut self) -> Result<Option<Bytes>, PutError> {
        futures::StreamExt::next(self).await.transpose()
    }

    /// The size and lowercase hex SHA-256 of the whole body, once it has ended cleanly;
    /// `None` if it has not (still flowing, or failed).
    pub(crate) fn finish(self) -> Option<(u64, String)> {
        (self.state == State::Ended).then(|| (self.size, hex(&self.hasher.finalize())))
    }
}

impl Stream for Metered {
    type Item = Result<Bytes, PutError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is Unpin (the body is a boxed stream), so the adapter is too.
        let this = self.get_mut();
        if this.state != State::Flowing {
            return Poll::Ready(None);
        }
        match ready!(this.body.as_mut().poll_next(cx)) {
            None => {
                this.state = State::Ended;
                Poll::Ready(None)
            }
            Some(Err(e)) => {
                this.state = State::Failed;
                Poll::Ready(Some(Err(PutError::Body(e))))
            }
            Some(Ok(chunk)) => {
                let size = this.size.saturating_add(chunk.len() as u64);
                if size > this.limit {
                    this.state = State::Failed;
                    return Poll::Ready(Some(Err(PutError::TooLarge { limit: this.limit })));
                }
                this.size = size;
                this.hasher.update(&chunk);
                Poll::Ready(Some(Ok(chunk)))
            }
        }
    }
}

/// Lowercase hex, as `Stored::sha256` carries it.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    fn body(chunks: Vec<Result<&'static [u8], std::io::Error>>) -> ByteStream {
        Box::pin(futures::stream::iter(
            chunks.into_iter().map(|c| c.map(Bytes::from_static)),
        ))
    }

    fn sha256_hex(data: &[u8]) -> String {
        hex(&Sha256::digest(data))
    }

    #[tokio::test]
    async fn passes_the_body_through_and_hashes_it() {
        let mut m = Metered::new(body(vec![Ok(b"hello "), Ok(b""), Ok(b"world")]), 11);
        let mut seen = Vec::new();
        while let Some(chunk) = m.next_chunk().await.unwrap() {
            seen.extend_from_slice(&chunk);
        }
        assert_eq!(seen, b"hello world");
        let (size, sha) = m.finish().unwrap();
        assert_eq!(size, 11);
        assert_eq!(sha, sha256_hex(b"hello world"));
        assert_eq!(
            sha,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
    }

    #[tokio::test]
    async fn an_empty_body_has_the_empty_hash() {
        let mut m = Metered::new(body(vec![]), 0);
        assert!(m.next_chunk().await.unwrap().is_none());
        assert_eq!(
            m.finish().unwrap(),
            (
                0,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".to_owned()
            )
        );
    }

    #[tokio::test]
    async fn stops_at_the_chunk_that_goes_over_the_limit() {
        // The third chunk would never be read: the stream ends after the refusal.
        let mut m = Metered::new(body(vec![Ok(b"12345"), Ok(b"678"), Ok(b"9")]), 7);
        assert_eq!(&m.next_chunk().await.unwrap().unwrap()[..], b"12345");
        match m.next_chunk().await {
            Err(PutError::TooLarge { limit: 7 }) => {}
            other => panic!("expected TooLarge, got {other:?}"),
        }
        assert!(m.next().await.is_none());
        assert!(m.finish().is_none());
    }

    #[tokio::test]
    async fn exactly_the_limit_is_accepted() {
        let mut m = Metered::new(body(vec![Ok(b"1234"), Ok(b"567")]), 7);
        while m.next_chunk().await.unwrap().is_some() {}
        assert_eq!(m.finish().unwrap().0, 7);
    }

    #[tokio::test]
    async fn a_body_error_ends_the_stream() {
        let mut m = Metered::new(
            body(vec![
                Ok(b"abc"),
                Err(std::io::Error::other("client went away")),
                Ok(b"never"),
            ]),
            100,
        );
        m.next_chunk().await.unwrap();
        match m.next_chunk().await {
            Err(PutError::Body(e)) => assert_eq!(e.to_string(), "client went away"),
            other => panic!("expected Body, got {other:?}"),
        }
        assert!(m.next().await.is_none());
        assert!(m.finish().is_none());
    }

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }
}
