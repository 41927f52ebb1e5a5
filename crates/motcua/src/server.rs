//! Wiring the engine: database, procedures, identity, HTTP; and the `serve` and `migrate`
//! commands.

use crate::config::{Config, ConnectionSettings, OidcSettings, RegistrySettings, ShutdownSettings};
use crate::jobs::Jobs;
use crate::outbox_config::{DvcqgSettings, OutboxSettings};
use crate::procedures_dir;
use anyhow::{bail, Context, Result};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use motcua_api::{AppState, Shared};
use motcua_auth::{AccessTokens, RelyingParty, RelyingPartyConfig};
use motcua_core::calendar::Calendar;
use motcua_files::FileStore;
use motcua_service::outbox::delivery::Delivery;
use motcua_service::outbox::pace::{Pace, Turn};
use motcua_service::store::Store;
use motcua_service::{Catalog, Clock};
use motcua_store::PgStore;
use secrecy::{ExposeSecret, SecretString};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::net::TcpListener;

/// The outside services the engine talks to, all resolved.
pub struct Outside {
    pub database_url: SecretString,
    pub oidc: OidcSettings,
    /// More providers for citizens (`OIDC_PROVIDERS`).
    pub other_oidc: Vec<OidcSettings>,
    pub staff_oidc: Option<OidcSettings>,
    pub registry: RegistrySettings,
    pub token_secret: SecretString,
    pub public_url: String,
    /// The bearer token of the `/metrics` scraper; `None` refuses every scrape.
    pub metrics_token: Option<SecretString>,
    /// Served by `motcua dev`: pages may tell a newcomer how to try things (the portal's
    /// banner on setting the engine's clock into an exam's window).
    pub development: bool,
    /// The national public-service portal; `None`: nothing is synchronised.
    pub dvcqg: Option<DvcqgSettings>,
    /// The national payment platform; `None`: fees are not paid online.
    pub paygov: Option<crate::paygov_config::PaygovSettings>,
    /// The SMS gateway; `None`: no SMS.
    pub sms: Option<motcua_notify::SmsConfig>,
}

fn relying_party(settings: &OidcSettings, public_url: &str) -> Result<RelyingParty> {
    Ok(RelyingParty::new(RelyingPartyConfig {
        name: settings.name.clone(),
        issuer: settings.issuer.clone(),
        client_id: settings.client_id.clone(),
        client_secret: settings.client_secret.expose_secret().to_owned(),
        redirect_uri: format!("{public_url}/v1/auth/callback"),
        mapping: settings.mapping.clone(),
        refresh: settings.refresh,
    })?)
}

/// The pages' session cookies: `Secure` outside `motcua dev` (motcua-web makes them so
/// under an HTTPS public URL; `serve` behind a TLS proxy may be given an `http` one).
fn secure_outside_dev(
    mut settings: motcua_console::Settings,
    development: bool,
) -> motcua_console::Settings {
    settings.secure |= !development;
    settings
}

/// Loads procedures, migrates, records the procedure versions: the engine, ready to serve.
/// The procedures of MOTCUA_PROCEDURES_DIR, or every problem they have.
fn load_procedures(config: &Config) -> Result<Vec<motcua_core::procedure::Procedure>> {
    procedures_dir::load(&config.procedures_dir).map_err(|problems| {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!(
            "the procedures in {} have problems:\n  {}",
            config.procedures_dir.display(),
            list.join("\n  ")
        )
    })
}

/// Migrates, and records the loaded procedure versions (refusing a changed one).
async fn prepare_database(
    pool: &sqlx::PgPool,
    procedures: &[motcua_core::procedure::Procedure],
) -> Result<()> {
    migrate(pool).await?;
    for procedure in procedures {
        motcua_store::procedures::record_version(
            pool,
            procedure.code(),
            procedure.version(),
            procedure.raw(),
        )
        .await?;
    }
    Ok(())
}

/// The engine's HTTP side, ready to serve: the router, and the counts of connections the
/// server loop keeps (it takes them before any request reaches the router).
pub struct App {
    pub router: axum::Router,
    pub connections: motcua_api::metrics::Connections,
    /// Stopped once the server has answered its last request.
    pub jobs: Jobs,
}

pub async fn build_app(config: &Config, outside: Outside) -> Result<App> {
    let procedures = load_procedures(config)?;
    let pool = motcua_store::connect(
        outside.database_url.expose_secret(),
        config.db_max_connections,
    )
    .await
    .context("cannot connect to PostgreSQL")?;
    prepare_database(&pool, &procedures).await?;
    let code_numbers = motcua_store::connect_code_numbers(outside.database_url.expose_secret())
        .await
        .context("cannot connect to PostgreSQL")?;
    let catalog = Catalog::new(procedures)
        .with_recorded_versions(&PgStore::new(pool.clone()))
        .await?;
    let (url, token) = (
        &outside.registry.url,
        outside.registry.token.expose_secret(),
    );
    let register_config = match &config.registry_protocol {
        crate::config::RegisterProtocol::Motcua => {
            motcua_registry::HttpRegisterConfig::new(url, token)
        }
        crate::config::RegisterProtocol::Lgsp { integration_code } => {
            motcua_registry::HttpRegisterConfig::lgsp(
                url,
                token,
                motcua_registry::LgspConfig {
                    integration_code: integration_code.clone(),
                },
            )
        }
    };
    let register = motcua_registry::HttpRegister::new(register_config)
        .context("the population register client cannot be set up (check REGISTRY_URL)")?;
    let files = file_store(config)?;
    let (delivery, notifications) = delivery(config, &outside)?;
    if outside.metrics_token.is_none() {
        tracing::warn!(
            "MOTCUA_METRICS_TOKEN is not set: /metrics answers 401 to every request \
             (docs/OPERATIONS.md, Health, logs and metrics)"
        );
    }
    let services = motcua_service::Services {
        store: Arc::new(PgStore::new(pool.clone())),
        code_numbers: motcua_service::code_numbers::CodeNumbers::new(Arc::new(PgStore::new(
            code_numbers,
        ))),
        catalog,
        register: std::sync::Arc::new(register),
        files,
        calendar: Calendar::vietnam().context("the legal calendar does not load")?,
        clock: config
            .dev_clock
            .map(Clock::starting_at)
            .unwrap_or_else(Clock::system),
        digitisation_target: config.digitisation_target,
        agencies: config.agency_tree.clone(),
        report_font: config
            .report_font
            .as_ref()
            .and_then(|path| std::fs::read(path).ok())
            .map(std::sync::Arc::new),
        owed_due: config.owed_due,
        outbox_targets: motcua_service::outbox::Targets::new(
            delivery
                .deliverers
                .iter()
                .map(|d| d.target())
                .filter(|t| *t == motcua_service::outbox::dvcqg::TARGET)
                .collect(),
        ),
        payments: payments(&outside)?,
        notifications,
        pdfs: pdfs(config, &outside.public_url)?,
    };
    let state = AppState::new(Shared {
        services,
        tokens: AccessTokens::new(
            outside.token_secret.expose_secret().as_bytes(),
            config.token_lifetime_secs,
        )?,
        citizen_login: relying_party(&outside.oidc, &outside.public_url)?,
        other_logins: outside
            .other_oidc
            .iter()
            .map(|s| relying_party(s, &outside.public_url))
            .collect::<Result<_>>()?,
        // Outside `motcua dev` the engine is served over HTTPS (a TLS proxy in front), so
        // its cookies never travel in clear, whatever MOTCUA_PUBLIC_URL says.
        secure_cookies: !outside.development,
        staff_login: outside
            .staff_oidc
            .as_ref()
            .map(|s| relying_party(s, &outside.public_url))
            .transpose()?,
        console: secure_outside_dev(
            motcua_console::settings(
                outside.token_secret.expose_secret().as_bytes(),
                &outside.public_url,
            )
            .with_idle_timeout(config.console_idle_timeout_secs),
            outside.development,
        ),
        portal: secure_outside_dev(
            motcua_portal::settings(
                outside.token_secret.expose_secret().as_bytes(),
                &outside.public_url,
            )
            .with_idle_timeout(config.portal_idle_timeout_secs)
            .with_development(outside.development),
            outside.development,
        ),
        public_url: outside.public_url,
        rate_limits: motcua_api::rate_limits::RateLimits::new(config.rate_limits),
        admission: motcua_api::admission::Admission::new(config.admission),
        metrics: motcua_api::metrics::Metrics::default(),
        dvcqg_caller: motcua_api::metrics::Scraper::with_token(
            outside
                .dvcqg
                .as_ref()
                .and_then(|d| d.inbound_token.as_ref())
                .map(|token| token.expose_secret()),
        ),
        metrics_scraper: motcua_api::metrics::Scraper::with_token(
            outside
                .metrics_token
                .as_ref()
                .map(|token| token.expose_secret()),
        ),
    });
    if let Some(path) = &config.staff_directory {
        crate::staff_directory::load(&pool, path, state.services.clock.now()).await?;
    }
    let mut jobs = start_jobs(&state, config.retention_interval);
    start_delivery(&mut jobs, &state, delivery, config.outbox);
    let connections = state.metrics.connections();
    let router = motcua_api::router(
        state,
        motcua_api::BodyLimits {
            max_bytes: config.max_body_bytes,
            idle_timeout: config.body_idle_timeout,
        },
    );
    Ok(App {
        router,
        connections,
        jobs,
    })
}

/// The outbox's deliverers (DVCQG, e-mail, SMS when configured), the workers' settings and
/// the citizens' notifications (templates and channels).
fn delivery(
    config: &Config,
    outside: &Outside,
) -> Result<(Delivery, motcua_service::notify::Notifications)> {
    let mut deliverers: Vec<Arc<dyn motcua_service::outbox::delivery::Deliverer>> = Vec::new();
    let notifications = notifications(config, outside, &mut deliverers)?;
    match &outside.dvcqg {
        Some(dvcqg) => {
            let client = motcua_dvcqg::HttpDvcqg::new(dvcqg.client.clone())
                .map_err(|e| anyhow::anyhow!("the DVCQG client cannot be set up: {e}"))?;
            deliverers.push(Arc::new(
                motcua_service::outbox::dvcqg::DvcqgDeliverer::new(
                    Arc::new(client),
                    motcua_service::outbox::dvcqg::Mapping {
                        citizen_subject_kind: dvcqg.citizen_subject_kind.clone(),
                        public_url: outside.public_url.clone(),
                    },
                ),
            ));
        }
        None => tracing::warn!(
            "DVCQG_URL is not set: dossiers are not synchronised to the national \
             public-service portal (docs/INTEGRATIONS.md)"
        ),
    }
    if outside.paygov.is_some() {
        deliverers.push(Arc::new(motcua_service::outbox::paygov::PaygovDeliverer));
    }
    Ok((
        Delivery {
            deliverers,
            batch: config.outbox.batch,
            max_attempts: config.outbox.max_attempts,
            backoff: motcua_service::outbox::backoff::Backoff {
                base: config.outbox.retry_base,
                max: config.outbox.retry_max,
            },
        },
        notifications,
    ))
}

/// The notification templates (checked: a bad one stops the start) and the deliverers of
/// the channels configured.
fn notifications(
    config: &Config,
    outside: &Outside,
    deliverers: &mut Vec<Arc<dyn motcua_service::outbox::delivery::Deliverer>>,
) -> Result<motcua_service::notify::Notifications> {
    use motcua_core::notification::Channel;
    use motcua_service::notify::{deliver, templates::Templates, Notifications};
    let settings = &config.notify;
    let mut channels = Vec::new();
    if let Some(smtp) = &settings.smtp {
        let mailer = motcua_notify::SmtpMailer::new(smtp)
            .map_err(|e| anyhow::anyhow!("the SMTP client cannot be set up: {e}"))?;
        let domain = smtp
            .from
            .rsplit_once('@')
            .map(|(_, d)| d.trim_end_matches('>').to_owned())
            .unwrap_or_else(|| "motcua".to_owned());
        deliverers.push(Arc::new(deliver::EmailDeliverer::new(
            Arc::new(mailer),
            domain,
        )));
        channels.push(Channel::Email);
    }
    if let Some(sms) = &outside.sms {
        let gateway = motcua_notify::HttpSmsGateway::new(sms.clone())
            .map_err(|e| anyhow::anyhow!("the SMS gateway client cannot be set up: {e}"))?;
        deliverers.push(Arc::new(deliver::SmsDeliverer::new(Arc::new(gateway))));
        channels.push(Channel::Sms);
    }
    if channels.is_empty() {
        tracing::warn!(
            "neither SMTP_URL nor SMS_GATEWAY_URL is set: citizens are not notified \
             (docs/INTEGRATIONS.md)"
        );
        return Ok(Notifications::none());
    }
    let templates = Templates::load(&settings.dir).map_err(|e| {
        anyhow::anyhow!("the notification templates (MOTCUA_NOTIFICATIONS_DIR) do not load: {e}")
    })?;
    Ok(Notifications {
        templates,
        channels,
        public_url: outside.public_url.clone(),
    })
}

/// The national payment platform, when `PAYGOV_*` is set.
fn payments(outside: &Outside) -> Result<Option<Arc<motcua_service::payments::Payments>>> {
    let Some(paygov) = &outside.paygov else {
        tracing::info!(
            "PAYGOV_URL is not set: fees are billed but not paid online (docs/INTEGRATIONS.md, Payments)"
        );
        return Ok(None);
    };
    let client = motcua_paygov::HttpPaygov::new(paygov.client.clone())
        .map_err(|e| anyhow::anyhow!("the payment platform's client cannot be set up: {e}"))?;
    Ok(Some(Arc::new(motcua_service::payments::Payments {
        platform: Arc::new(client),
        reconcile_after: paygov.reconcile_after,
        public_url: outside.public_url.clone(),
    })))
}

/// The outbox's delivery workers (each a job: they stop with the others, after the round
/// in progress) and its upkeep.
fn start_delivery(jobs: &mut Jobs, state: &AppState, delivery: Delivery, settings: OutboxSettings) {
    if delivery.deliverers.is_empty() {
        return;
    }
    // A round ends after a short batch, or after this: a stopping engine waits for at most
    // one batch beyond it.
    let budget = std::time::Duration::from_secs(2);
    let delivery = Arc::new(delivery);
    for _ in 0..settings.workers {
        let (state, delivery) = (state.clone(), delivery.clone());
        let mut pace = Pace::new(settings.busy_above, settings.longest_wait);
        jobs.every("outbox delivery", settings.poll, move || {
            let turn = pace.take_turn(state.admission.in_flight(), std::time::Instant::now());
            let (state, delivery) = (state.clone(), delivery.clone());
            async move {
                // A round with no time left ends after its first batch.
                let budget = match turn {
                    Turn::Pass => return,
                    Turn::OneBatch => std::time::Duration::ZERO,
                    Turn::Round => budget,
                };
                delivery.deliver_round(&state.services, budget).await;
            }
        });
    }
    if let Some(payments) = &state.services.payments {
        // Looks for payments to reconcile at least every minute, and oftener when the
        // interval is shorter.
        let every = payments
            .reconcile_after
            .min(std::time::Duration::from_secs(60));
        let state = state.clone();
        jobs.every("payment reconciliation", every, move || {
            let state = state.clone();
            async move {
                if let Err(e) = motcua_service::payments::reconcile(&state.services).await {
                    tracing::warn!(error.message = %e.detail, "payment reconciliation failed; it will run again");
                }
            }
        });
    }
    let store = state.services.store.clone();
    jobs.every(
        "outbox upkeep",
        std::time::Duration::from_secs(3600),
        move || {
            let store = store.clone();
            async move {
                let forgotten = match store.session().await {
                    Ok(mut session) => session.forget_settled_messages(settings.keep).await,
                    Err(e) => Err(e),
                };
                match forgotten {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(forgotten = n, "old outbox messages forgotten"),
                    Err(e) => {
                        tracing::warn!(error.message = %e, "forgetting old outbox messages failed")
                    }
                }
            }
        },
    );
}

/// Requests that reached a handler and have not answered yet.
#[derive(Clone, Default)]
struct Drain {
    draining: Arc<AtomicBool>,
    in_flight: Arc<AtomicUsize>,
}

/// Counts a request in flight until it is dropped, answered or not.
struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn track(drain: Drain, request: Request, next: Next) -> Response {
    // Readiness answers from here while draining: the database and storage being fine does
    // not make a stopping process a place to send work.
    if request.uri().path() == "/readyz" && drain.draining.load(Ordering::SeqCst) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({ "status": "draining" })),
        )
            .into_response();
    }
    drain.in_flight.fetch_add(1, Ordering::SeqCst);
    let _guard = InFlight(drain.in_flight.clone());
    next.run(request).await
}

/// Serves `app` on `listener` until `shutdown` completes, then drains: `/readyz` turns 503,
/// connections are taken for `settings.delay` more, then none; requests in flight get
/// `settings.grace` to finish, and whatever is still running after it is cut off. While
/// serving, `connections` bounds the connections ([`crate::connections`]).
pub async fn serve_until(
    listener: TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    settings: ShutdownSettings,
    connections: ConnectionSettings,
) -> Result<()> {
    let drain = Drain::default();
    let router = app.router.layer(axum::middleware::from_fn({
        let drain = drain.clone();
        move |request, next| track(drain.clone(), request, next)
    }));
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel::<()>();
    let stop_accepting = {
        let draining = drain.draining.clone();
        async move {
            shutdown.await;
            draining.store(true, Ordering::SeqCst);
            tracing::info!(
                delay_secs = settings.delay.as_secs(),
                grace_secs = settings.grace.as_secs(),
                "draining: /readyz is 503; new connections stop after the delay"
            );
            tokio::time::sleep(settings.delay).await;
            tracing::info!("no new connections; finishing requests in flight");
            let _ = closed_tx.send(());
        }
    };
    let server = crate::connections::serve(
        listener,
        router,
        stop_accepting,
        connections,
        app.connections,
    );
    let grace_over = async move {
        if closed_rx.await.is_err() {
            // The server ended on its own before any signal: nothing to bound.
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(settings.grace).await;
    };
    let served = tokio::select! {
        result = server => {
            result.context("the HTTP server stopped").inspect(|()| {
                tracing::info!("every request in flight finished; stopped");
            })
        }
        () = grace_over => {
            tracing::warn!(
                cut_off = drain.in_flight.load(Ordering::SeqCst),
                grace_secs = settings.grace.as_secs(),
                "the shutdown grace is over: stopping with requests still in flight"
            );
            Ok(())
        }
    };
    app.jobs.stop().await;
    served
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// `motcua serve`: production, every outside service from configuration.
pub async fn serve_command(config: Config) -> Result<()> {
    let missing = config.missing_for_serve();
    if !missing.is_empty() {
        bail!(
            "refusing to start: these services are not configured (`motcua dev` starts built-in stand-ins instead):\n  - {}",
            missing.join("\n  - ")
        );
    }
    let (Some(database_url), Some(oidc), Some(registry), Some(token_secret), Some(public_url)) = (
        config.database_url.clone(),
        config.oidc.clone(),
        config.registry.clone(),
        config.token_secret.clone(),
        config.public_url.clone(),
    ) else {
        bail!("configuration incomplete");
    };
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    tracing::info!(listen = %config.listen, public_url = %public_url, "motcua serving");
    let services = Outside {
        database_url,
        oidc,
        other_oidc: config.other_oidc.clone(),
        staff_oidc: config.staff_oidc.clone(),
        registry,
        token_secret,
        public_url,
        metrics_token: config.metrics_token.clone(),
        development: false,
        dvcqg: config.dvcqg.clone(),
        paygov: config.paygov.clone(),
        sms: config.notify.sms.clone(),
    };
    let app = build_app(&config, services).await?;
    serve_until(
        listener,
        app,
        shutdown_signal(),
        config.shutdown,
        config.connections,
    )
    .await
}

/// The document storage: S3 when configured, else the local folder under the data dir
/// (`motcua dev` only: `serve` refuses to start without S3).
pub fn file_store(config: &Config) -> Result<Arc<dyn FileStore>> {
    Ok(match &config.s3 {
        Some(s3) => Arc::new(
            motcua_files::S3Store::new(motcua_files::S3Config {
                endpoint: s3.endpoint.clone(),
                region: s3.region.clone(),
                bucket: s3.bucket.clone(),
                access_key: s3.access_key.clone(),
                secret_key: s3.secret_key.expose_secret().to_owned(),
            })
            .context("the S3 settings do not work (check S3_*)")?,
        ),
        None => Arc::new(
            motcua_files::LocalStore::new(config.data_dir.join("files"))
                .context("cannot use the local file folder")?,
        ),
    })
}

/// `motcua files sweep`.
pub async fn sweep_command(config: Config) -> Result<()> {
    let Some(url) = &config.database_url else {
        bail!("set DATABASE_URL to the engine's database");
    };
    let store = PgStore::new(motcua_store::connect(url.expose_secret(), 2).await?);
    let files = file_store(&config)?;
    let removed =
        motcua_service::sweep::sweep_orphans(&store, files.as_ref(), motcua_service::sweep::GRACE)
            .await?;
    println!("removed {removed} orphan object(s)");
    Ok(())
}

/// The background jobs of a serving engine: the rate limits' upkeep every minute, the
/// orphan sweep every hour, the facts' day sums every five seconds, retention every
/// `retention_interval` (when set). Several engines on one database may run each at once:
/// a fact change moves once, a locked dossier is skipped.
fn start_jobs(state: &AppState, retention_interval: Option<std::time::Duration>) -> Jobs {
    let mut jobs = Jobs::default();
    let minute = std::time::Duration::from_secs(60);
    jobs.every("rate limits' upkeep", minute, {
        let state = state.clone();
        move || {
            state.rate_limits.forget_idle();
            std::future::ready(())
        }
    });
    jobs.every("orphan sweep", 60 * minute, {
        // Through the state's store, so that the sweep's calls are in the storage metrics.
        let (store, files) = (state.services.store.clone(), state.services.files.clone());
        move || sweep_round(store.clone(), files.clone())
    });
    jobs.every("facts' day sums", std::time::Duration::from_secs(5), {
        let store = state.services.store.clone();
        move || compact_round(store.clone())
    });
    if let Some(every) = retention_interval {
        let state = state.clone();
        jobs.every("retention", every, move || retention_round(state.clone()));
    }
    jobs
}

async fn sweep_round(store: Arc<dyn Store>, files: Arc<dyn FileStore>) {
    let swept = motcua_service::sweep::sweep_orphans(
        store.as_ref(),
        files.as_ref(),
        motcua_service::sweep::GRACE,
    )
    .await;
    if let Err(e) = swept {
        tracing::warn!(error.message = %e, "the orphan sweep failed; it will run again");
    }
}

async fn compact_round(store: Arc<dyn Store>) {
    let compacted = match store.session().await {
        Ok(mut session) => session.compact_facts().await,
        Err(e) => Err(e),
    };
    if let Err(e) = compacted {
        tracing::warn!(error.message = %e, "moving the facts' changes into the day sums failed; it will run again");
    }
}

/// One retention run on the engine's clock.
async fn retention_round(state: AppState) {
    let now = state.services.clock.now();
    match motcua_service::retention::run(
        state.services.store.as_ref(),
        state.services.files.as_ref(),
        &state.services.catalog,
        now,
    )
    .await
    {
        Ok(report) if report == Default::default() => {}
        Ok(report) => tracing::info!(
            dossiers_anonymised = report.dossiers_anonymised,
            documents_erased = report.documents_erased,
            objects_removed = report.objects_removed,
            objects_left = report.objects_left,
            idempotency_keys_forgotten = report.idempotency_keys_forgotten,
            "retention ran"
        ),
        Err(e) => {
            tracing::warn!(error.message = %e, "the retention run failed; it will run again")
        }
    }
}

/// `motcua retention run`: anonymises now what is past its retention (or, with `dry_run`,
/// says per procedure how many dossiers that would be) and prints what it did as JSON.
pub async fn retention_command(config: Config, dry_run: bool) -> Result<()> {
    let Some(url) = &config.database_url else {
        bail!("set DATABASE_URL to the engine's database");
    };
    let catalog = Catalog::new(load_procedures(&config)?);
    let store = PgStore::new(motcua_store::connect(url.expose_secret(), 2).await?);
    let now = chrono::Utc::now();
    if dry_run {
        let due = motcua_service::retention::preview(&store, &catalog, now).await?;
        let due: serde_json::Map<String, serde_json::Value> =
            due.into_iter().map(|(code, n)| (code, n.into())).collect();
        println!(
            "{}",
            serde_json::json!({ "dry_run": true, "would_anonymise": due })
        );
        return Ok(());
    }
    // Without S3_* the files are the local folder of `motcua dev`. Run elsewhere by mistake,
    // that folder is empty and every removal would "succeed" while the bytes stay in the
    // bucket: refuse instead.
    if config.s3.is_none() && !config.data_dir.join("files").is_dir() {
        bail!(
            "set S3_* to the engine's bucket (or MOTCUA_DATA_DIR to the folder `motcua dev` \
             stores files in): retention must remove the erased documents' files"
        );
    }
    let files = file_store(&config)?;
    let report = motcua_service::retention::run(&store, files.as_ref(), &catalog, now).await?;
    println!("{}", serde_json::to_string(&report)?);
    if report.objects_left > 0 {
        bail!(
            "{} erased document(s) are still in storage (is it reachable?): run again",
            report.objects_left
        );
    }
    Ok(())
}

/// `motcua facts rebuild`.
pub async fn rebuild_facts_command(config: Config) -> Result<()> {
    let Some(url) = &config.database_url else {
        bail!("set DATABASE_URL to the engine's database");
    };
    let procedures = load_procedures(&config)?;
    let store = PgStore::new(motcua_store::connect(url.expose_secret(), 2).await?);
    // The engine's own catalog: each dossier's facts from the version it was filed under.
    let catalog = Catalog::new(procedures)
        .with_recorded_versions(&store)
        .await?;
    let written = motcua_service::facts::rebuild_all(&store, &catalog)
        .await
        .map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.detail))?;
    println!("rebuilt the facts of {written} dossier(s)");
    Ok(())
}

/// `motcua generate`.
pub async fn generate_command(config: Config, options: crate::generate::Options) -> Result<()> {
    let Some(url) = &config.database_url else {
        bail!("set DATABASE_URL to the database to fill");
    };
    let procedures = load_procedures(&config)?;
    let pool = motcua_store::connect(url.expose_secret(), 2).await?;
    prepare_database(&pool, &procedures).await?;
    let mut conn = pool.acquire().await?;
    let count = options.dossiers;
    crate::generate::run(&mut conn, &procedures, options).await?;
    println!("generated {count} dossier(s) with their indicator facts");
    Ok(())
}

/// `motcua migrate`.
pub async fn migrate_command(config: Config) -> Result<()> {
    let Some(url) = &config.database_url else {
        bail!("set DATABASE_URL to the database to migrate");
    };
    let pool = motcua_store::connect(url.expose_secret(), 2).await?;
    migrate(&pool).await?;
    println!("migrations applied");
    Ok(())
}

/// Applies the migrations this build carries. Migrations only move forward, so a database
/// holding one this build does not know was migrated by a newer motcua, whose schema this
/// build's queries may not fit: it is refused, saying so, rather than served.
async fn migrate(pool: &sqlx::PgPool) -> Result<()> {
    use sqlx::migrate::MigrateError::{VersionMismatch, VersionMissing};
    let latest = motcua_store::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or_default();
    match motcua_store::migrate(pool).await {
        Err(VersionMissing(version)) if version > latest => bail!(
            "refusing to use this database: it has migration {version}, newer than any this \
             motcua knows (its latest is {latest}), so a newer motcua has migrated it. \
             Migrations only move forward: run that newer motcua, or restore the backup taken \
             before the upgrade"
        ),
        Err(VersionMissing(version)) => bail!(
            "refusing to use this database: it has migration {version}, which is not among \
             this motcua's migrations (its latest is {latest}); it was migrated by another \
             build of motcua"
        ),
        Err(VersionMismatch(version)) => bail!(
            "refusing to use this database: its migration {version} differs from this \
             motcua's migration of that number (a landed migration was edited, or another \
             build migrated it)"
        ),
        result => Ok(result?),
    }
}

/// The official PDFs' fonts and, when `MOTCUA_SIGNING_*` is set, the agency's signer (a key
/// that cannot be used stops the start: unsigned results would be issued otherwise).
fn pdfs(config: &Config, public_url: &str) -> Result<motcua_service::pdf::Pdfs> {
    let signer = match &config.signing {
        Some((key, cert)) => {
            let signer = motcua_pdf::sign::KeyFileSigner::from_files(key, cert)
                .context("MOTCUA_SIGNING_KEY_FILE / MOTCUA_SIGNING_CERT_FILE cannot be used")?;
            tracing::info!(signer = ?signer, "official PDFs are signed");
            Some(Arc::new(signer) as Arc<dyn motcua_pdf::sign::Signer>)
        }
        None => None,
    };
    if !config.pdf_font_dir.join("NotoSerif-Regular.ttf").exists() {
        tracing::warn!(
            font_dir = %config.pdf_font_dir.display(),
            "the PDF fonts are missing: PDFs answer 503 until Debian's fonts-noto-core is installed (or MOTCUA_PDF_FONT_DIR set)"
        );
    }
    Ok(
        motcua_service::pdf::Pdfs::new(config.pdf_font_dir.clone(), signer)
            .with_public_url(Some(public_url.to_owned())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_cookies_are_secure_outside_dev_whatever_the_public_url() {
        let http = || motcua_console::settings(&[7u8; 32], "http://127.0.0.1:8080");
        assert!(!secure_outside_dev(http(), true).secure, "dev over http");
        assert!(secure_outside_dev(http(), false).secure, "serve over http");
        let https = motcua_portal::settings(&[7u8; 32], "https://dichvucong.example.vn");
        assert!(secure_outside_dev(https, true).secure, "dev over https");
        let cookie = secure_outside_dev(http(), false).cleared_cookie();
        assert!(cookie.ends_with("; Secure"), "{cookie}");
    }
}
