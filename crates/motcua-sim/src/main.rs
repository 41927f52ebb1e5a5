//! `motcua-sim` on its own (docker compose, manual trials): a STAND-IN for VNeID that the real
//! provider replaces in production.

use anyhow::Context;
use motcua_sim::SimConfig;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let listen = std::env::var("SIM_LISTEN")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "127.0.0.1:8090".to_owned());
    let config = SimConfig::from_env(|name| std::env::var(name).ok())?;
    let listener = tokio::net::TcpListener::bind(listen.trim())
        .await
        .with_context(|| format!("cannot listen on {listen} (set SIM_LISTEN)"))?;
    let sim = motcua_sim::serve(listener, config.clone()).await?;

    tracing::warn!(
        "motcua-sim is a SIMULATOR, a stand-in for VNeID for development and tests: \
         in production, point OIDC_ISSUER at the real VNeID instead"
    );
    println!("motcua-sim: simulated VNeID identity provider (mô phỏng, NOT the real VNeID)");
    println!("  issuer     {}", sim.issuer);
    println!(
        "  discovery  {}/.well-known/openid-configuration",
        sim.issuer
    );
    for client in &config.clients {
        println!(
            "  client     {} -> {}",
            client.client_id,
            client.redirect_uris.join(", ")
        );
    }
    println!(
        "Test accounts (password for all: {}):",
        motcua_sim::accounts::PASSWORD
    );
    for account in motcua_sim::accounts() {
        println!("  {:<18} {}", account.username, account.describe());
    }

    tokio::select! {
        result = sim.wait() => result,
        signal = shutdown_signal() => {
            signal?;
            tracing::info!("stopping");
            Ok(())
        }
    }
}

/// Ctrl-C, or SIGTERM from `docker stop`: as PID 1 in a container, an unhandled SIGTERM is
/// ignored and the container is killed only after the stop timeout.
async fn shutdown_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("cannot listen for Ctrl-C"),
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .context("cannot listen for Ctrl-C")
    }
}
