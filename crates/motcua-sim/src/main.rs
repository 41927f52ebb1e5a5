//! `motcua-sim` on its own (docker compose, manual trials): a STAND-IN for VNeID and the
//! population register, which the real services replace in production.

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
        "motcua-sim is a SIMULATOR, a stand-in for VNeID and the population register for \
         development and tests: in production, point OIDC_ISSUER and REGISTRY_URL at the real \
         services instead"
    );
    println!(
        "motcua-sim: simulated VNeID identity provider and population register \
         (mô phỏng, NOT the real VNeID or CSDLQGvDC)"
    );
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
    let population = motcua_sim::register::Population::shared();
    println!(
        "  register   {}/v1/residents/{{pin}}?fields=…  (REGISTRY_URL={})",
        sim.register_url, sim.register_url
    );
    println!(
        "  token      {}  (REGISTRY_TOKEN; set SIM_REGISTER_TOKEN to change)",
        config.register_token
    );
    println!(
        "  residents  {} synthetic people, from a fixed seed",
        population.len()
    );
    println!(
        "  switches   GET {0}/_sim/register/calls, POST {0}/_sim/register/switches \
         {{\"latency_ms\",\"outage\",\"hang\",\"fail_next\":{{\"count\",\"status\"}}}}, \
         POST {0}/_sim/register/reset",
        sim.register_url
    );
    println!(
        "Test accounts (password for all: {}):",
        motcua_sim::accounts::PASSWORD
    );
    for account in motcua_sim::accounts() {
        println!("  {:<18} {}", account.username, account.describe());
    }
    println!(
        "  …and every living resident of the population (level 2), e.g. {}",
        sample_residents(population).join(", ")
    );

    tokio::select! {
        result = sim.wait() => result,
        signal = shutdown_signal() => {
            signal?;
            tracing::info!("stopping");
            Ok(())
        }
    }
}

/// A few generated residents to try, of different kinds.
fn sample_residents(population: &motcua_sim::register::Population) -> Vec<String> {
    use motcua_sim::register::Status;
    let mut samples = Vec::new();
    let generated = || {
        population
            .iter()
            .filter(|r| r.status() == Status::Alive)
            .filter(|r| motcua_sim::accounts::find(&r.pin()).is_none())
    };
    if let Some(r) = generated().find(|r| !r.is_minority()) {
        samples.push(format!("{} ({})", r.pin(), r.full_name()));
    }
    if let Some(r) = generated().find(|r| r.is_minority()) {
        samples.push(format!(
            "{} ({}, {})",
            r.pin(),
            r.full_name(),
            r.ethnicity()
        ));
    }
    samples
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
