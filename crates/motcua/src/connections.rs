//! The server loop: takes TCP connections and serves the router on each, as `axum::serve`
//! does, and bounds what a connection may hold (issue 25). `axum::serve` gives hyper no timer,
//! so a client that never finishes its request's head kept its connection, and its task and
//! file descriptor, for ever, and nothing capped how many it could open. Here:
//!
//! - each connection must send a request's whole head within `MOTCUA_HEADER_READ_TIMEOUT_SECS`
//!   of the engine starting to wait for it, or it is closed (hyper's `header_read_timeout`;
//!   the wait starts when the connection opens or its previous answer has been sent, so it
//!   also bounds how long a keep-alive connection sits idle);
//! - at most `MOTCUA_MAX_CONNECTIONS` are open at once, idle ones included; one more is
//!   answered 503 `overloaded` and closed at once, and counted in
//!   `motcua_connections_refused_total{reason="at_capacity"}`. Raising the open-file limit
//!   as far as that needs is part of it: running out of descriptors would fail the
//!   database's and storage's connections too.

use crate::config::ConnectionSettings;
use anyhow::{Context, Result};
use axum::extract::ConnectInfo;
use axum::serve::Listener;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use motcua_api::metrics::Connections;
use std::future::Future;
use std::io::{Read, Write};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::{Layer, Service};

/// Open files the process needs besides its HTTP connections: the database pool and the
/// dossier codes' connections, storage's and the register's while requests wait on them,
/// files, logs, the runtime's own.
const OTHER_OPEN_FILES: u64 = 256;

/// Serves `router` on the connections of `listener` until `stop` completes; then takes no
/// more (the port closes), lets each connection finish the request it is serving, and
/// returns once every connection has closed.
pub async fn serve(
    mut listener: TcpListener,
    router: axum::Router,
    stop: impl Future<Output = ()>,
    settings: ConnectionSettings,
    metrics: Connections,
) -> Result<()> {
    let capacity = fit_open_file_limit(settings.max_connections.get()).min(Semaphore::MAX_PERMITS);
    let places = Arc::new(Semaphore::new(capacity));
    let refusal = refusal().await?;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        // axum's listener: an accept error (out of descriptors, say) is logged and retried
        // after a second instead of ending the loop.
        let (stream, peer) = tokio::select! {
            accepted = Listener::accept(&mut listener) => accepted,
            () = &mut stop => break,
        };
        let Ok(place) = places.clone().try_acquire_owned() else {
            refuse(stream, &refusal);
            metrics.refused_at_capacity();
            // Not a warning per connection: under a flood that would be thousands of lines
            // a second; the metric counts them.
            tracing::debug!(%peer, capacity, "connection refused: at capacity");
            continue;
        };
        // The peer's address is the rate limits' key when no trusted proxy names the client.
        let service = axum::Extension(ConnectInfo(peer)).layer(router.clone());
        let connection = graceful
            .watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        let open = Open::new(place, metrics.clone());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // A head not sent in time ends here too: the client's doing, not the engine's.
                tracing::debug!(%peer, error.message = %e, "connection ended with an error");
            }
            drop(open);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// One open connection: its place under the cap and its count in the metrics, both given
/// back when the connection's task ends.
struct Open {
    _place: OwnedSemaphorePermit,
    metrics: Connections,
}

impl Open {
    fn new(place: OwnedSemaphorePermit, metrics: Connections) -> Self {
        metrics.opened();
        Open {
            _place: place,
            metrics,
        }
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.metrics.closed();
    }
}

/// What a connection past the cap gets before it is closed: the admission's 503
/// `overloaded` problem with `Retry-After: 1` and the headers every answer carries, as
/// bytes on the wire, made once.
///
/// Answered rather than only closed: a client, or the balancer in front, then knows that
/// nothing was done and that it may send the request again in a moment (elsewhere, for a
/// balancer), as it does for the admission's own refusals, instead of seeing a broken
/// connection it cannot tell from a crash. It costs no more than the close: one write into
/// the fresh connection's empty send buffer, no task, no timer, nothing waited for.
async fn refusal() -> Result<Vec<u8>> {
    let mut router = motcua_api::overloaded_router();
    let answer = router
        .call(axum::extract::Request::new(axum::body::Body::empty()))
        .await
        .context("the refusal of a connection past the cap cannot be made")?;
    let (parts, body) = answer.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .context("the refusal of a connection past the cap cannot be made")?;
    let mut bytes = format!(
        "HTTP/1.1 {} {}\r\n",
        parts.status.as_u16(),
        parts.status.canonical_reason().unwrap_or_default()
    )
    .into_bytes();
    for (name, value) in &parts.headers {
        bytes.extend_from_slice(name.as_str().as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

/// Writes `answer` on a connection past the cap and closes it, without waiting on it.
fn refuse(stream: TcpStream, answer: &[u8]) {
    // Out of the runtime: its write would wait for a readiness event the new socket has not
    // had yet. The socket stays non-blocking, so neither call below ever waits.
    let Ok(mut stream) = stream.into_std() else {
        return;
    };
    let _ = stream.write(answer);
    // Whatever the client already sent is read and dropped, so that the close after the
    // answer is a FIN, not a reset that could make the client drop the answer unread.
    let mut sink = [0u8; 2048];
    for _ in 0..8 {
        if !matches!(stream.read(&mut sink), Ok(n) if n > 0) {
            break;
        }
    }
}

/// How many connections the engine can take within its open-file limit: `max_connections`,
/// after raising the soft limit as far as they need and the hard limit allows (as Go's
/// runtime does, and as systemd expects of a program that needs more than the soft 1,024 it
/// gives), or fewer, with a warning, when the hard limit is too low. Past the limit, accepting
/// would fail, and so would the database's, storage's and the register's new connections.
fn fit_open_file_limit(max_connections: usize) -> usize {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let needed = u64::try_from(max_connections)
        .unwrap_or(u64::MAX)
        .saturating_add(OTHER_OPEN_FILES);
    let limit = getrlimit(Resource::Nofile);
    let Some(mut soft) = limit.current else {
        return max_connections;
    };
    if soft >= needed {
        return max_connections;
    }
    let raised = limit.maximum.map_or(needed, |hard| hard.min(needed));
    if raised > soft {
        let wanted = Rlimit {
            current: Some(raised),
            maximum: limit.maximum,
        };
        match setrlimit(Resource::Nofile, wanted) {
            Ok(()) => {
                tracing::info!(
                    from = soft,
                    to = raised,
                    "raised the open-file limit for MOTCUA_MAX_CONNECTIONS"
                );
                soft = raised;
            }
            Err(e) => tracing::warn!(error.message = %e, "cannot raise the open-file limit"),
        }
    }
    if soft >= needed {
        return max_connections;
    }
    let fitting = usize::try_from(soft.saturating_sub(OTHER_OPEN_FILES).max(1)).unwrap_or(1);
    tracing::warn!(
        max_connections,
        open_file_limit = soft,
        taking = fitting,
        "the open-file limit (ulimit -n; LimitNOFILE= under systemd) is too low for \
         MOTCUA_MAX_CONNECTIONS: fewer connections are taken"
    );
    fitting
}

#[cfg(test)]
mod tests {
    use super::{fit_open_file_limit, OTHER_OPEN_FILES};
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};

    #[test]
    fn the_cap_fits_the_open_file_limit_raised_as_far_as_the_hard_limit_allows() {
        let Some(hard) = getrlimit(Resource::Nofile).maximum else {
            return; // No hard limit: nothing to fit.
        };
        if hard < 2 * 1024 + OTHER_OPEN_FILES {
            return; // Too low a hard limit to show a raise.
        }
        let soft = |n: u64| {
            setrlimit(
                Resource::Nofile,
                Rlimit {
                    current: Some(n),
                    maximum: Some(hard),
                },
            )
            .unwrap();
        };
        // Within the soft limit: nothing changes.
        soft(1024);
        assert_eq!(fit_open_file_limit(100), 100);
        assert_eq!(getrlimit(Resource::Nofile).current, Some(1024));
        // Past it: raised as far as the cap needs.
        assert_eq!(fit_open_file_limit(2 * 1024), 2 * 1024);
        assert_eq!(
            getrlimit(Resource::Nofile).current,
            Some(2 * 1024 + OTHER_OPEN_FILES)
        );
        // Past the hard limit: raised to it, and fewer connections taken.
        let too_many = usize::try_from(hard).unwrap() + 1000;
        let taken = fit_open_file_limit(too_many);
        assert_eq!(getrlimit(Resource::Nofile).current, Some(hard));
        assert_eq!(taken as u64, hard - OTHER_OPEN_FILES);
    }
}
