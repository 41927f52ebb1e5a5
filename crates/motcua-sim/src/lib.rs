//! motcua-sim: stand-ins for the outside world, written from the published contracts
//! (docs/ARCHITECTURE.md) and independently of the engine, so that a test passing against
//! them shows that two separately written sides agree. **Not for production**: there, the
//! real VNeID (and the real population register) take their place.
//!
//! Served from one listener:
//! - a VNeID-style OpenID Connect provider (discovery, a login form, the authorization code
//!   flow with PKCE S256, `client_secret_basic`, RS256 ID tokens, JWKS, userinfo) with the
//!   test accounts of [`accounts()`] and every living resident of the synthetic population;
//!   it acts as a standard provider, as VNeID or as the DVCQG single sign-on
//!   ([`OidcProfile`], switched at `/_sim/oidc/switches`, where its signing key can also be
//!   rotated and the old one dropped);
//! - the population register's API (`GET /v1/residents/{pin}`), with switches that make it
//!   slow, failing, down or hung ([`register`]);
//! - the national public-service portal's synchronisation adapter (DVCQG: `POST
//!   /dvcqg/login`, `POST /dvcqg/api`), which checks every payload against the national
//!   shape, counts what it took, and can refuse, time out or be down ([`dvcqg`]);
//! - the national payment platform (`POST /paygov/api`: INIT, QUERY, RECEIPT; the citizen's
//!   payment page and the callback), which can lose, repeat or forge callbacks ([`paygov`]).
//! - an SMS gateway (`POST /sms/send`) that keeps what it sent and can be down or hang
//!   ([`sms`]).

pub mod accounts;
mod config;
pub mod dvcqg;
mod html;
mod keys;
mod oidc;
pub mod paygov;
pub mod register;
pub mod sms;

pub use accounts::{accounts, Account, AccountKind, AssuranceLevel, Gender};
pub use config::{OidcClient, SimConfig, DEV_REGISTER_TOKEN};
pub use dvcqg::{DvcqgCall, DvcqgControl};
pub use oidc::profile::{tech_id, OidcProfile};
pub use paygov::{CallbackMode, PaygovControl};
pub use register::{RegisterCall, RegisterControl};
pub use sms::{SentSms, SmsControl, SmsSwitches};

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
    /// The population register's base URL (`REGISTRY_URL`): the same as the issuer, since
    /// one listener serves both.
    pub register_url: String,
    /// Where the listener is bound.
    pub local_addr: SocketAddr,
    register: RegisterControl,
    dvcqg: DvcqgControl,
    paygov: PaygovControl,
    sms: SmsControl,
    task: Option<JoinHandle<std::io::Result<()>>>,
    stop: Option<oneshot::Sender<()>>,
}

impl RunningSim {
    /// The register's switches and call record.
    pub fn register(&self) -> RegisterControl {
        self.register.clone()
    }

    /// The DVCQG stand-in's switches and record.
    pub fn dvcqg(&self) -> DvcqgControl {
        self.dvcqg.clone()
    }

    /// The payment platform stand-in's switches and record.
    pub fn paygov(&self) -> PaygovControl {
        self.paygov.clone()
    }

    /// `PAYGOV_URL`: where the payment stand-in takes the partner's messages.
    pub fn paygov_url(&self) -> String {
        format!("{}/paygov/api", self.register_url)
    }

    /// The SMS gateway stand-in's switches and record.
    pub fn sms(&self) -> SmsControl {
        self.sms.clone()
    }

    /// `SMS_GATEWAY_URL`: where the stand-in takes messages.
    pub fn sms_url(&self) -> String {
        format!("{}{}", self.register_url, sms::SEND_PATH)
    }

    /// `DVCQG_URL`: where the stand-in takes calls.
    pub fn dvcqg_url(&self) -> String {
        format!("{}/dvcqg/api", self.register_url)
    }

    /// `DVCQG_LOGIN_URL`: where the stand-in gives sessions.
    pub fn dvcqg_login_url(&self) -> String {
        format!("{}/dvcqg/login", self.register_url)
    }

    /// Stops taking connections, lets requests in flight finish, and waits for that.
    pub async fn shutdown(mut self) -> anyhow::Result<()> {
        // A request hung on purpose would hold the graceful shutdown for a minute.
        self.register.release();
        self.dvcqg.release();
        self.sms.release();
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
        self.register.release();
        self.dvcqg.release();
        self.sms.release();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Starts the simulator on `listener` and returns as soon as it is serving (after making its
/// signing key and, once per process, the population, which take a moment).
pub async fn serve(listener: TcpListener, config: SimConfig) -> anyhow::Result<RunningSim> {
    config.check()?;
    let local_addr = listener
        .local_addr()
        .context("the listener has no local address")?;
    let issuer = config.issuer(local_addr);
    // Both are CPU work (key generation is seconds in an unoptimised build): keep them off the
    // async threads, side by side.
    let key = tokio::task::spawn_blocking(keys::SigningKey::generate);
    let population = tokio::task::spawn_blocking(register::Population::shared);
    let (key, population) = tokio::join!(key, population);
    let key = key.context("the key generation task failed")??;
    let population = population.context("the population task failed")?;
    let provider = Arc::new(oidc::Provider::new(
        issuer.clone(),
        config.clients,
        key,
        config.profile,
    ));
    let control = RegisterControl::new();
    let register = register::routes(population, config.register_token, control.clone());
    let dvcqg = DvcqgControl::new();
    let paygov = PaygovControl::new();
    let sms = SmsControl::new();
    let app = router(provider, register)
        .merge(dvcqg::routes(dvcqg.clone()))
        .merge(paygov::routes(paygov.clone()))
        .merge(sms::routes(sms.clone()));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%issuer, residents = population.len(), "motcua-sim (VNeID and population register stand-in) serving");
    Ok(RunningSim {
        register_url: issuer.clone(),
        issuer,
        local_addr,
        register: control,
        dvcqg,
        paygov,
        sms,
        task: Some(task),
        stop: Some(stop),
    })
}

/// Everything the simulator serves, as one router: the identity provider's routes and the
/// population register's.
fn router(provider: Arc<oidc::Provider>, register: Router) -> Router {
    Router::new().merge(oidc::routes(provider)).merge(register)
}
