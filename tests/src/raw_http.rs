//! Requests written byte by byte on a socket, for what a client library will not send: a
//! body shorter than its announced length, a stall half-way.

use crate::{Engine, Session};
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The engine's answer to a raw request.
pub struct RawAnswer {
    pub status: u16,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: Value,
    /// From the first byte sent to the last byte of the answer.
    pub took: Duration,
}

/// The head of a request of `session` announcing a `length`-byte body of `content_type`.
pub fn head(
    engine: &Engine,
    method: &str,
    path: &str,
    session: &Session,
    content_type: &str,
    length: u64,
) -> String {
    let host = engine.url.trim_start_matches("http://");
    format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n",
        session.token
    )
}

/// Sends `head` as raw HTTP/1.1, then `body` (and nothing more: the connection stays open),
/// and reads the engine's answer.
pub async fn send(engine: &Engine, head: &str, body: &[u8]) -> RawAnswer {
    let address = engine.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 8192];
    // The answer is small: read until the head and the whole problem body are in.
    loop {
        let read = tokio::time::timeout(Duration::from_secs(30), stream.read(&mut buffer))
            .await
            .expect("the engine answered within 30 s")
            .unwrap_or(0);
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&answer);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_owned())
                })
                .and_then(|v| v.parse::<usize>().ok());
            if length.is_some_and(|n| body.len() >= n) {
                break;
            }
        }
    }
    let took = started.elapsed();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    RawAnswer {
        status,
        headers,
        body: serde_json::from_str(body).unwrap_or(Value::Null),
        took,
    }
}
