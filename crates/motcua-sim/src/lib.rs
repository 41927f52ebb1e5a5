//! motcua-sim: stand-ins for the outside world, written from the published contracts
//! (API.md) and independently of the engine, so that a test passing against them shows that
//! two separately written sides agree. **Not for production**: there, the real VNeID (and the
//! real population register) take their place.
//!
//! Served so far: a VNeID-style OpenID Connect provider (discovery, a login form, the
//! authorization code flow with PKCE S256, `client_secret_basic`, RS256 ID tokens, JWKS,
//! userinfo) with the test accounts of [`accounts()`].

pub mod accounts;
mod config;
mod html;
mod keys;
mod oidc;

pub use accounts::{accounts, Account, AccountKind, AssuranceLevel, Gender};
pub use config::{OidcClient, SimConfig};

use anyhow::Context;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A simulator serving in the background. Dropping it stops it.
pub struct RunningSim {
    /// The OIDC issuer: `public_url`, or `http://{listener address}`; no trailing slash.
    pub issuer: String,
    /// Where the listener is bound.
    pub local_addr: SocketAddr,
    task: Option<JoinHandle<std::io::Result<()>>>,
    stop: Option<oneshot::Sender<()>>,
}

impl RunningSim {
    /// Stops taking connections, lets requests in flight finish, and waits for that.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            // An error only means the server already ended.
            let _ = stop.send(());
        }
        self.wait_task().await
    }

    /// Waits until the server ends on its own, which it does only on an I/O error.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        self.wait_task().await
    }

    async fn wait_task(&mut self) -> anyhow::Result<()> {
        match self.task.take() {
            Some(task) => Ok(task.await.context("the simulator's task failed")??),
            None => Ok(()),
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Starts the simulator on `listener` and returns as soon as it is serving (after making its
/// signing key, which takes a moment).
pub async fn serve(listener: TcpListener, config: SimConfig) -> anyhow::Result<RunningSim> {
    config.check()?;
    let local_addr = listener
        .local_addr()
        .context("the listener has no local address")?;
    let issuer = config.issuer(local_addr);
    // Key generation is seconds of CPU in an unoptimised build: keep it off the async threads.
    let key = tokio::task::spawn_blocking(keys::SigningKey::generate)
        .await
        .context("the key generation task failed")??;
    let provider = Arc::new(oidc::Provider::new(issuer.clone(), config.clients, key));
    let app = router(provider);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%issuer, "motcua-sim (VNeID stand-in) serving");
    Ok(RunningSim {
        issuer,
        local_addr,
        task: Some(task),
        stop: Some(stop),
    })
}

/// Everything the simulator serves, as one router: the population register's `/v1/residents`
/// routes will be merged here beside the identity provider's.
fn router(provider: Arc<oidc::Provider>) -> Router {
    Router::new().merge(oidc::routes(provider))
}
