//! Many citizens connected at once (issue 10: 10,000 open connections in ≤ 300 MiB): what
//! holding them costs the engine in memory.
//!
//! Each of `--connections N` keep-alive HTTP/1.1 connections asks `GET /v1/me` with its own
//! citizen's token and stays open; with all of them open the engine's resident memory is read
//! from `/proc`, the connections are held `--seconds S`, and then every one asks again on the
//! same connection, so a connection the engine dropped while idle counts as lost. There is no
//! pgbench ceiling: no statement is issued.

use super::citizens::{synthetic_pin, Citizens};
use super::drive::{latency_histogram, record};
use super::{ms, Setup};
use anyhow::{anyhow, bail, Context};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// Connections opened at once while the crowd gathers: the listen queue's length on Debian
/// (`net.core.somaxconn`, 4096) is not what is measured.
const OPENING_AT_ONCE: usize = 256;

/// The memory target: 10,000 connections held in at most this.
const TARGET_MIB: f64 = 300.0;

/// One citizen's connection and the request it repeats.
struct Connection {
    stream: BufReader<TcpStream>,
    request: Vec<u8>,
}

impl Connection {
    async fn open(address: &str, host: &str, token: &str) -> anyhow::Result<Connection> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        let request =
            format!("GET /v1/me HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n")
                .into_bytes();
        Ok(Connection {
            stream: BufReader::new(stream),
            request,
        })
    }

    /// Sends the request and reads the whole answer (headers, then `Content-Length` bytes),
    /// leaving the connection ready for the next one. Returns the status.
    async fn ask(&mut self) -> anyhow::Result<u16> {
        self.stream.get_mut().write_all(&self.request).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| anyhow!("not an HTTP status line: {line:?}"))?;
        let mut length = 0usize;
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                bail!("the engine closed the connection mid-answer");
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().context("content-length")?;
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    bail!("a chunked answer: this client reads Content-Length only");
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await?;
        Ok(status)
    }
}

/// The engine's resident memory now and at its peak, in MiB (`VmRSS`, `VmHWM`).
fn resident_mib(pid: u32) -> anyhow::Result<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let field = |name: &str| -> anyhow::Result<f64> {
        let kib: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| anyhow!("no {name} in /proc/{pid}/status"))?;
        Ok(kib / 1024.0)
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// Every connection asks once more, all at once; the statuses and the answers' latencies.
async fn ask_all(connections: Vec<Connection>) -> (Vec<Connection>, usize, usize, Vec<Duration>) {
    let mut tasks = tokio::task::JoinSet::new();
    for mut c in connections {
        tasks.spawn(async move {
            let started = Instant::now();
            let status = c.ask().await.ok();
            (c, status, started.elapsed())
        });
    }
    let (mut kept, mut ok, mut lost, mut latencies) = (Vec::new(), 0, 0, Vec::new());
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((c, Some(status), took)) => {
                if status == 200 {
                    ok += 1;
                }
                latencies.push(took);
                kept.push(c);
            }
            _ => lost += 1,
        }
    }
    (kept, ok, lost, latencies)
}

pub async fn run(setup: Setup, connections: usize, hold: Duration) -> anyhow::Result<()> {
    let url = url::Url::parse(&setup.engine.url)?;
    let host = url.host_str().unwrap_or("127.0.0.1").to_owned();
    let address = format!("{host}:{}", url.port().unwrap_or(80));
    let pid = setup.engine.pid();
    let citizens = Citizens::new();
    println!(
        "connections: {connections} keep-alive connections, each a citizen asking GET /v1/me, \
         held {hold:?}; citizens' tokens minted by the login's code (login is not measured)"
    );

    // Warm the engine up (its pools, first allocations) before reading the baseline.
    let mut warm = Connection::open(&address, &host, &citizens.token(&synthetic_pin(0))).await?;
    for _ in 0..100 {
        warm.ask().await?;
    }
    drop(warm);
    let (baseline, _) = resident_mib(pid)?;

    let opening = Instant::now();
    let gate = Arc::new(Semaphore::new(OPENING_AT_ONCE));
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..connections {
        let (address, host) = (address.clone(), host.clone());
        let token = citizens.token(&synthetic_pin(n as u64));
        let gate = gate.clone();
        tasks.spawn(async move {
            let _place = gate.acquire_owned().await?;
            let mut c = Connection::open(&address, &host, &token).await?;
            let status = c.ask().await?;
            anyhow::Ok((c, status))
        });
    }
    let (mut open, mut refused, mut failed) = (Vec::with_capacity(connections), 0, Vec::new());
    while let Some(joined) = tasks.join_next().await {
        match joined? {
            Ok((c, 200)) => open.push(c),
            Ok((_, _)) => refused += 1,
            Err(e) => failed.push(e.to_string()),
        }
    }
    let opened_in = opening.elapsed();
    let (held_rss, _) = resident_mib(pid)?;
    println!(
        "  opened:  {} connections answered 200 in {:.1} s; {refused} other answers; {} failed{}",
        open.len(),
        opened_in.as_secs_f64(),
        failed.len(),
        failed
            .first()
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default()
    );

    tokio::time::sleep(hold).await;
    let (held_after, _) = resident_mib(pid)?;
    let (open, again_ok, lost, latencies) = ask_all(open).await;
    let (after_rss, peak) = resident_mib(pid)?;
    let mut histogram = latency_histogram();
    for took in latencies {
        record(&mut histogram, took);
    }
    println!(
        "  again:   after {:.0} s held, {again_ok} of {} answered 200 on their own connection; \
         {lost} lost; all {} at once: p50 {}, p99 {}, max {}",
        hold.as_secs_f64(),
        open.len() + lost,
        open.len() + lost,
        ms(Duration::from_micros(histogram.value_at_quantile(0.5))),
        ms(Duration::from_micros(histogram.value_at_quantile(0.99))),
        ms(Duration::from_micros(histogram.max())),
    );
    println!(
        "  memory:  engine resident {baseline:.1} MiB before; {held_rss:.1} MiB with the \
         connections open, {held_after:.1} MiB after holding them, {after_rss:.1} MiB after \
         the second round; peak {peak:.1} MiB; {:.1} KiB a connection",
        (held_after - baseline) * 1024.0 / connections.max(1) as f64
    );
    println!(
        "  target:  {connections} connections in ≤ {TARGET_MIB:.0} MiB: {}",
        if peak <= TARGET_MIB && lost == 0 && failed.is_empty() {
            "met"
        } else {
            "missed"
        }
    );
    drop(open);
    if lost > 0 || !failed.is_empty() {
        bail!(
            "{lost} connections lost while held, {} failed to open",
            failed.len()
        );
    }
    Ok(())
}
