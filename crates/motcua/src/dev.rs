//! `motcua dev`: everything a newcomer needs, with no configuration. Each outside service
//! that is not configured is replaced by its built-in stand-in: a private PostgreSQL
//! cluster under `var/pg`, and motcua-sim's identity provider.

use crate::config::{Config, OidcSettings, RegistrySettings};
use crate::postgres_local::LocalCluster;
use crate::server::{self, Outside};
use anyhow::{bail, Context, Result};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;
use tokio::net::TcpListener;

/// Where the built-in identity provider listens when it can.
const SIM_ADDRESS: &str = "127.0.0.1:8090";

pub async fn run(config: Config) -> Result<()> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;

    let mut cluster = None;
    let database_url = match &config.database_url {
        Some(url) => url.clone(),
        None => {
            println!(
                "Starting a private PostgreSQL cluster under {}/pg …",
                config.data_dir.display()
            );
            let started = tokio::task::spawn_blocking({
                let dir = config.data_dir.join("pg");
                move || LocalCluster::start(&dir)
            })
            .await??;
            started.ensure_database("motcua").await?;
            let url = started.database_url("motcua");
            cluster = Some(started);
            SecretString::from(url)
        }
    };

    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {} (set MOTCUA_LISTEN)", config.listen))?;
    let address = listener.local_addr()?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"));

    // One simulator stands in for both the identity provider and the population register,
    // whichever of the two is not configured.
    let simulated = if config.oidc.is_none() || config.registry.is_none() {
        let sim_listener = match TcpListener::bind(SIM_ADDRESS).await {
            Ok(l) => l,
            Err(_) => TcpListener::bind("127.0.0.1:0").await?,
        };
        Some(motcua_sim::serve(sim_listener, motcua_sim::SimConfig::dev_default()).await?)
    } else {
        None
    };
    let sim_config = motcua_sim::SimConfig::dev_default();
    let oidc = match (&config.oidc, &simulated) {
        (Some(oidc), _) => oidc.clone(),
        (None, Some(sim)) => {
            let client = sim_config
                .clients
                .first()
                .cloned()
                .context("the simulator has no client registered")?;
            OidcSettings::standard(
                "default",
                sim.issuer.clone(),
                client.client_id,
                SecretString::from(client.client_secret),
            )
        }
        (None, None) => bail!("no identity provider and no simulator"),
    };
    let registry = match (&config.registry, &simulated) {
        (Some(registry), _) => registry.clone(),
        (None, Some(sim)) => RegistrySettings {
            url: match config.registry_protocol {
                crate::config::RegisterProtocol::Motcua => format!("http://{}", sim.local_addr),
                crate::config::RegisterProtocol::Lgsp { .. } => format!(
                    "http://{}{}",
                    sim.local_addr,
                    motcua_sim::register::LGSP_PATH
                ),
            },
            token: SecretString::from(sim_config.register_token.clone()),
        },
        (None, None) => bail!("no population register and no simulator"),
    };

    let token_secret = match &config.token_secret {
        Some(secret) => secret.clone(),
        None => dev_token_secret(&config.data_dir)?,
    };

    let metrics_token = match &config.metrics_token {
        Some(token) => token.clone(),
        None => dev_metrics_token(&config.data_dir)?,
    };

    // The national portal: configured, else the simulator's stand-in when a simulator runs
    // (a test that configures the rest configures this too, or synchronises nothing).
    let dvcqg = match (&config.dvcqg, &simulated) {
        (Some(dvcqg), _) => Some(dvcqg.clone()),
        (None, Some(sim)) => Some(crate::outbox_config::DvcqgSettings {
            client: motcua_dvcqg::HttpDvcqgConfig {
                service_url: sim.dvcqg_url(),
                login_url: sim.dvcqg_login_url(),
                username: motcua_sim::dvcqg::DEV_USERNAME.to_owned(),
                password: SecretString::from(motcua_sim::dvcqg::DEV_PASSWORD),
                agency_code: motcua_sim::dvcqg::DEV_AGENCY_CODE.to_owned(),
                timeout: std::time::Duration::from_secs(10),
                session_lifetime: std::time::Duration::from_secs(1800),
            },
            citizen_subject_kind: "1".to_owned(),
            inbound_token: None,
        }),
        (None, None) => None,
    };
    // The payment platform likewise: the simulator's stand-in, whose callbacks come back
    // to this engine.
    let paygov = match (&config.paygov, &simulated) {
        (Some(paygov), _) => Some(paygov.clone()),
        (None, Some(sim)) => {
            sim.paygov()
                .set_callback_url(&format!("{public_url}/v1/paygov/callback"));
            Some(crate::paygov_config::PaygovSettings {
                client: motcua_paygov::HttpPaygovConfig {
                    url: sim.paygov_url(),
                    partner_code: motcua_sim::paygov::DEV_PARTNER_CODE.to_owned(),
                    secret: SecretString::from(motcua_sim::paygov::DEV_SECRET),
                    timeout: std::time::Duration::from_secs(10),
                },
                reconcile_after: std::time::Duration::from_secs(1800),
            })
        }
        (None, None) => None,
    };
    let services = Outside {
        database_url,
        oidc: oidc.clone(),
        other_oidc: config.other_oidc.clone(),
        staff_oidc: config.staff_oidc.clone(),
        registry: registry.clone(),
        token_secret,
        public_url: public_url.clone(),
        metrics_token: Some(metrics_token.clone()),
        development: true,
        dvcqg,
        paygov,
        // The SMS gateway: configured, else the simulator's stand-in when a simulator runs.
        sms: config.notify.sms.clone().or_else(|| {
            simulated.as_ref().map(|sim| motcua_notify::SmsConfig {
                url: sim.sms_url(),
                token: SecretString::from(motcua_sim::sms::DEV_TOKEN),
                timeout: std::time::Duration::from_secs(10),
            })
        }),
    };
    // The banner comes once the engine is ready, so every URL it prints answers.
    let result = match server::build_app(&config, services).await {
        Ok(app) => {
            print_banner(&Banner {
                public_url: &public_url,
                listening: address,
                metrics_token: &metrics_token,
                oidc: &oidc,
                registry: &registry,
                config: &config,
                private_pg: cluster.is_some(),
            });
            server::serve_until(
                listener,
                app,
                server::shutdown_signal(),
                config.shutdown,
                config.connections,
            )
            .await
        }
        Err(e) => Err(e),
    };
    if let Some(cluster) = cluster {
        println!("Stopping the private PostgreSQL cluster …");
        if let Err(e) = tokio::task::spawn_blocking(move || cluster.stop()).await? {
            eprintln!("motcua: could not stop PostgreSQL cleanly: {e:#}");
        }
    }
    drop(simulated);
    result
}

/// The development token secret, kept in the data folder so that tokens survive a restart.
fn dev_token_secret(data_dir: &Path) -> Result<SecretString> {
    kept_secret(&data_dir.join("dev-token-secret"))
}

/// The development `/metrics` token, kept in the data folder like the token secret so that
/// a local Prometheus keeps scraping across restarts. Printed in the banner: `dev` runs on
/// the developer's machine, and /metrics is closed to others there as in `serve`.
fn dev_metrics_token(data_dir: &Path) -> Result<SecretString> {
    kept_secret(&data_dir.join("dev-metrics-token"))
}

/// The random secret kept in `path` (made and written there the first time).
fn kept_secret(path: &Path) -> Result<SecretString> {
    if let Ok(secret) = std::fs::read_to_string(path) {
        if secret.trim().len() >= 32 {
            return Ok(SecretString::from(secret.trim().to_owned()));
        }
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    std::fs::write(path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(SecretString::from(secret))
}

/// What the banner tells.
struct Banner<'a> {
    public_url: &'a str,
    /// Where the engine listens, which the public URL may not name (a TLS proxy in front).
    listening: std::net::SocketAddr,
    metrics_token: &'a SecretString,
    oidc: &'a OidcSettings,
    registry: &'a RegistrySettings,
    config: &'a Config,
    private_pg: bool,
}

fn print_banner(banner: &Banner<'_>) {
    let Banner {
        public_url,
        listening,
        metrics_token,
        oidc,
        registry,
        config,
        private_pg,
    } = *banner;
    println!();
    println!("motcua is running (development mode)");
    let local = format!("http://{listening}");
    if local != public_url {
        // Before the engine's line: a reader of the banner finds where to connect first.
        println!("  listening        {local}/");
    }
    println!("  engine           {public_url}/");
    println!("  readiness        {public_url}/readyz");
    println!("  API description  {public_url}/openapi.json");
    if config.metrics_token.is_some() {
        println!("  metrics          {public_url}/metrics  (Authorization: Bearer $MOTCUA_METRICS_TOKEN)");
    } else {
        // Made for this data folder: shown, so that a local Prometheus or curl can use it.
        println!(
            "  metrics          {public_url}/metrics  (Authorization: Bearer {})",
            metrics_token.expose_secret()
        );
    }
    println!("  citizen login    {public_url}/v1/auth/login?kind=citizen&return_to=/");
    println!("  staff login      {public_url}/v1/auth/login?kind=staff&return_to=/");
    if config.registry.is_none() {
        println!(
            "  population register (SIMULATOR, stand-in for CSDLQGvDC)  {}",
            registry.url
        );
    } else {
        println!("  population register {}", registry.url);
    }
    if let crate::config::RegisterProtocol::Lgsp { .. } = config.registry_protocol {
        println!("  register protocol lgsp (the population-database query through LGSP)");
    }
    if config.oidc.is_none() {
        println!(
            "  identity (SIMULATOR, stand-in for VNeID)  {}",
            oidc.issuer
        );
        println!();
        println!("Test accounts (password for all: matkhau):");
        for account in motcua_sim::accounts() {
            println!("  {:<16} {}", account.username, account.describe());
        }
    } else {
        println!("  identity provider {}", oidc.issuer);
    }
    if private_pg {
        println!("  database         private cluster under var/pg (stopped on exit)");
    }
    match &config.s3 {
        Some(s3) => println!(
            "  documents        S3 bucket {} at {}",
            s3.bucket, s3.endpoint
        ),
        None => println!(
            "  documents        local folder {}",
            config.data_dir.join("files").display()
        ),
    }
    println!();
    println!("Stop with Ctrl-C.");
}
