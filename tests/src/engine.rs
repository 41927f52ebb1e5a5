//! The engine under test: the real `motcua` binary, run as `motcua dev` against this test's
//! own database and an in-process motcua-sim, on a free port.

use crate::postgres::fresh_database;
use crate::{TEST_DVCQG_INBOUND_TOKEN, TEST_METRICS_TOKEN, TEST_TOKEN_SECRET};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The `motcua` binary, built once per test process from the current sources (cargo has
/// released its build lock while tests run, so a nested build is safe).
pub fn motcua_binary() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().unwrap();
            // A test is target/<profile>/deps/<test binary>; a tool (the benchmark) is
            // target/<profile>/<binary>.
            let mut profile_dir = exe.parent().unwrap().to_path_buf();
            if profile_dir.ends_with("deps") {
                profile_dir.pop();
            }
            let release = profile_dir.ends_with("release");
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let lock = std::fs::File::create(profile_dir.join(".motcua-tests-build.lock")).unwrap();
            lock.lock().unwrap();
            let mut args = vec!["build", "--quiet", "-p", "motcua", "--bin", "motcua"];
            if release {
                args.push("--release");
            }
            let status = Command::new(cargo)
                .args(args)
                .current_dir(crate::workspace_root())
                .status()
                .expect("cannot run cargo");
            lock.unlock().unwrap();
            assert!(status.success(), "building the motcua binary failed");
            profile_dir.join("motcua")
        })
        .clone()
}

/// A moment inside the THPT exam's 2025 online registration window (21/04 to 17:00
/// 28/04/2025, `procedures/1.005142.json`): the cycle the simulator's students belong to.
pub const THPT_WINDOW_2025: &str = "2025-04-22T09:00:00+07:00";

/// The `MaTichHop` test engines reading the register through LGSP send.
pub const LGSP_INTEGRATION_CODE: &str = "MOTCUA-TEST-LGSP";

#[derive(Default)]
pub struct EngineOptions {
    /// `MOTCUA_DEV_CLOCK`: the engine's clock starts at this instant (RFC 3339).
    pub clock: Option<String>,
    pub procedures_dir: Option<PathBuf>,
    /// A database other than a fresh one of the run's shared cluster (a test that stops
    /// its PostgreSQL needs a cluster of its own).
    pub database_url: Option<String>,
    /// A population register other than the in-process simulator's (with its token).
    pub registry: Option<(String, String)>,
    /// Read the register through LGSP (`REGISTRY_PROTOCOL=lgsp`): the in-process
    /// simulator's LGSP query, or `registry` taken as the query's address.
    pub lgsp_register: bool,
    /// Document storage other than a fresh bucket of the shared S3 server.
    pub s3: Option<crate::garage::S3Settings>,
    /// Keep the engine's logs, at debug level, for [`Engine::log`] (in its data folder,
    /// removed with it).
    pub debug_log: bool,
    pub extra_env: Vec<(String, String)>,
    /// Another build of `motcua` (a benchmark's baseline); default: this source tree's.
    pub binary: Option<PathBuf>,
}

pub struct Engine {
    pub url: String,
    pub database_url: String,
    pub issuer: String,
    /// The in-process simulator's register: its switches and the calls it received.
    pub register: motcua_sim::RegisterControl,
    /// The in-process simulator's DVCQG stand-in, which every test engine synchronises to:
    /// its switches and what it received.
    pub dvcqg: motcua_sim::DvcqgControl,
    /// The in-process simulator's payment platform, which every test engine pays through:
    /// its switches and what it received.
    pub paygov: motcua_sim::PaygovControl,
    /// The in-process simulator's SMS gateway, which every test engine sends SMS through.
    pub sms: motcua_sim::SmsControl,
    /// The engine's document storage.
    pub s3: crate::garage::S3Settings,
    child: Child,
    launch: Launch,
    _data_dir: tempdir::TempDir,
}

/// How the engine's process is started, kept for [`Engine::restart`].
struct Launch {
    binary: PathBuf,
    env: Vec<(String, std::ffi::OsString)>,
    log_file: Option<PathBuf>,
}

impl Launch {
    /// Starts `motcua dev` and returns it with the URL its banner names.
    async fn spawn(&self) -> (Child, String) {
        let mut command = Command::new(&self.binary);
        command
            .arg("dev")
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            });
        if let Some(path) = &self.log_file {
            // Appended: a restarted engine's log follows the first one's.
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .unwrap();
            command.stderr(file);
        }
        let mut child = command.spawn().expect("cannot start motcua");
        let stdout = child.stdout.take().unwrap();
        let url = tokio::task::spawn_blocking(move || {
            // The banner names the engine's URL (where it listens, when its public URL
            // is another, e.g. https behind a proxy); the rest of stdout is drained so the
            // child never blocks on a full pipe.
            let mut lines = BufReader::new(stdout).lines();
            let mut url = None;
            let mut listening = None;
            for line in lines.by_ref() {
                let line = line.unwrap_or_default();
                let named = |rest: &str| rest.trim().trim_end_matches('/').to_owned();
                if let Some(rest) = line.trim().strip_prefix("listening") {
                    listening = Some(named(rest));
                }
                if let Some(rest) = line.trim().strip_prefix("engine") {
                    url = listening.or(Some(named(rest)));
                    break;
                }
            }
            std::thread::spawn(move || for _ in lines {});
            url
        })
        .await
        .unwrap()
        .expect("motcua dev printed no engine URL (did it fail to start?)");
        (child, url)
    }
}

pub mod tempdir {
    /// A folder removed when dropped.
    pub struct TempDir(pub std::path::PathBuf);

    impl TempDir {
        pub fn new() -> TempDir {
            let dir =
                std::env::temp_dir().join(format!("motcua-test-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Default for TempDir {
        fn default() -> Self {
            TempDir::new()
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Engine {
    pub async fn start() -> Engine {
        Engine::start_with(EngineOptions::default()).await
    }

    /// An engine whose clock is in the THPT registration window ([`THPT_WINDOW_2025`]).
    pub async fn start_in_thpt_window() -> Engine {
        Engine::start_at(THPT_WINDOW_2025).await
    }

    /// An engine in the THPT registration window running the procedures of `procedures` (a
    /// folder of [`crate::procedures_edited`]) instead of the workspace's.
    pub async fn start_in_thpt_window_with(procedures: &std::path::Path) -> Engine {
        Engine::start_with(EngineOptions {
            procedures_dir: Some(procedures.to_path_buf()),
            clock: Some(THPT_WINDOW_2025.into()),
            ..Default::default()
        })
        .await
    }

    /// An engine whose clock starts at `clock` (RFC 3339), with nothing else changed.
    pub async fn start_at(clock: &str) -> Engine {
        Engine::start_with(EngineOptions {
            clock: Some(clock.into()),
            ..Default::default()
        })
        .await
    }

    pub async fn start_with(options: EngineOptions) -> Engine {
        let binary = match options.binary.clone() {
            Some(binary) => binary,
            None => tokio::task::spawn_blocking(motcua_binary).await.unwrap(),
        };
        let database_url = match options.database_url {
            Some(url) => url,
            None => fresh_database().await,
        };
        let sim_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sim_config = motcua_sim::SimConfig::dev_default();
        let client = sim_config.clients[0].clone();
        let register_token = sim_config.register_token.clone();
        let sim = motcua_sim::serve(sim_listener, sim_config).await.unwrap();
        let issuer = sim.issuer.clone();
        let register = sim.register();
        let sim_register_url = if options.lgsp_register {
            format!(
                "http://{}{}",
                sim.local_addr,
                motcua_sim::register::LGSP_PATH
            )
        } else {
            format!("http://{}", sim.local_addr)
        };
        let dvcqg = sim.dvcqg();
        let (sms, sms_url) = (sim.sms(), sim.sms_url());
        let (dvcqg_url, dvcqg_login_url) = (sim.dvcqg_url(), sim.dvcqg_login_url());
        let (paygov, paygov_url) = (sim.paygov(), sim.paygov_url());
        let (registry_url, registry_token) = options
            .registry
            .unwrap_or((sim_register_url, register_token));
        // The simulator lives as long as the test's runtime.
        std::mem::forget(sim);

        let s3 = match options.s3 {
            Some(s3) => s3,
            None => crate::garage::shared_bucket().await,
        };
        let data_dir = tempdir::TempDir::new();
        let mut env: Vec<(String, std::ffi::OsString)> = vec![
            ("PATH".into(), std::env::var_os("PATH").unwrap_or_default()),
            ("MOTCUA_LISTEN".into(), "127.0.0.1:0".into()),
            ("MOTCUA_DATA_DIR".into(), data_dir.0.clone().into()),
            (
                "MOTCUA_PROCEDURES_DIR".into(),
                options
                    .procedures_dir
                    .unwrap_or_else(|| crate::workspace_root().join("procedures"))
                    .into(),
            ),
            ("DATABASE_URL".into(), database_url.clone().into()),
            ("OIDC_ISSUER".into(), issuer.clone().into()),
            ("OIDC_CLIENT_ID".into(), client.client_id.into()),
            ("OIDC_CLIENT_SECRET".into(), client.client_secret.into()),
            ("S3_ENDPOINT".into(), s3.endpoint.clone().into()),
            ("S3_REGION".into(), s3.region.clone().into()),
            ("S3_BUCKET".into(), s3.bucket.clone().into()),
            ("S3_ACCESS_KEY".into(), s3.access_key.clone().into()),
            ("S3_SECRET_KEY".into(), s3.secret_key.clone().into()),
            ("REGISTRY_URL".into(), registry_url.into()),
            ("REGISTRY_TOKEN".into(), registry_token.into()),
            ("DVCQG_URL".into(), dvcqg_url.into()),
            ("DVCQG_LOGIN_URL".into(), dvcqg_login_url.into()),
            (
                "DVCQG_USERNAME".into(),
                motcua_sim::dvcqg::DEV_USERNAME.into(),
            ),
            (
                "DVCQG_PASSWORD".into(),
                motcua_sim::dvcqg::DEV_PASSWORD.into(),
            ),
            (
                "DVCQG_AGENCY_CODE".into(),
                motcua_sim::dvcqg::DEV_AGENCY_CODE.into(),
            ),
            (
                "DVCQG_INBOUND_TOKEN".into(),
                TEST_DVCQG_INBOUND_TOKEN.into(),
            ),
            ("PAYGOV_URL".into(), paygov_url.into()),
            (
                "PAYGOV_PARTNER_CODE".into(),
                motcua_sim::paygov::DEV_PARTNER_CODE.into(),
            ),
            (
                "PAYGOV_SECRET".into(),
                motcua_sim::paygov::DEV_SECRET.into(),
            ),
            ("SMS_GATEWAY_URL".into(), sms_url.into()),
            (
                "SMS_GATEWAY_TOKEN".into(),
                motcua_sim::sms::DEV_TOKEN.into(),
            ),
            (
                "MOTCUA_NOTIFICATIONS_DIR".into(),
                crate::workspace_root().join("notifications").into(),
            ),
            // Deliveries follow within a fraction of a second, and retries come back soon.
            ("MOTCUA_OUTBOX_POLL_MS".into(), "200".into()),
            ("MOTCUA_OUTBOX_RETRY_BASE_MS".into(), "200".into()),
            ("MOTCUA_OUTBOX_RETRY_MAX_SECS".into(), "2".into()),
            ("MOTCUA_TOKEN_SECRET".into(), TEST_TOKEN_SECRET.into()),
            ("MOTCUA_METRICS_TOKEN".into(), TEST_METRICS_TOKEN.into()),
            // Every test client comes from 127.0.0.1 and many log in and draft in a burst;
            // the abuse tests set their own limits through `extra_env`.
            ("MOTCUA_RATE_LIMIT_LOGIN".into(), "1000000".into()),
            ("MOTCUA_RATE_LIMIT_DRAFTS".into(), "1000000".into()),
            ("MOTCUA_RATE_LIMIT_SUBMITS".into(), "1000000".into()),
            (
                "RUST_LOG".into(),
                std::env::var("TEST_LOG")
                    .unwrap_or_else(|_| "warn".into())
                    .into(),
            ),
        ];
        if options.lgsp_register {
            env.push(("REGISTRY_PROTOCOL".into(), "lgsp".into()));
            env.push((
                "REGISTRY_LGSP_INTEGRATION_CODE".into(),
                LGSP_INTEGRATION_CODE.into(),
            ));
        }
        if options.debug_log {
            env.push(("RUST_LOG".into(), "debug".into()));
        }
        if let Some(clock) = options.clock {
            env.push(("MOTCUA_DEV_CLOCK".into(), clock.into()));
        }
        for (k, v) in options.extra_env {
            env.push((k, v.into()));
        }
        let launch = Launch {
            binary,
            env,
            log_file: options.debug_log.then(|| data_dir.0.join("engine.log")),
        };
        let (child, url) = launch.spawn().await;
        let engine = Engine {
            url,
            database_url,
            issuer,
            register,
            dvcqg,
            paygov,
            sms,
            s3,
            child,
            launch,
            _data_dir: data_dir,
        };
        engine.wait_ready().await;
        engine
            .paygov
            .set_callback_url(&engine.at("/v1/paygov/callback"));
        engine
    }

    /// Kills the engine with SIGKILL, as a crash or an OOM killer would: no request in flight
    /// is finished, no transaction committed by a shutdown path.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the engine again with the same configuration, database, storage and
    /// simulator; it listens on a new port (`url` changes).
    pub async fn restart(&mut self) {
        self.kill();
        let (child, url) = self.launch.spawn().await;
        self.child = child;
        self.url = url;
        self.wait_ready().await;
        self.paygov
            .set_callback_url(&self.at("/v1/paygov/callback"));
    }

    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = reqwest::Client::new();
        loop {
            if let Ok(r) = client.get(format!("{}/readyz", self.url)).send().await {
                if r.status() == 200 {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "motcua did not become ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Asks the engine to stop with SIGTERM, as an orchestrator would.
    pub fn terminate(&self) {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("cannot run kill");
        assert!(sent.success(), "kill -TERM failed");
    }

    /// The engine's exit status once it exits, or `None` if it still runs after `within`.
    pub async fn exit_within(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("cannot wait for motcua") {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    }

    /// What the engine has logged so far (started with `debug_log`; after [`Engine::kill`]
    /// the log is complete).
    pub fn log(&self) -> String {
        let path = self
            .launch
            .log_file
            .as_ref()
            .expect("the engine was started with debug_log");
        std::fs::read_to_string(path).unwrap()
    }

    /// `motcua ARGS` as an operator runs it beside this engine: with the engine's own
    /// environment (database, bucket, procedures folder) and nothing else.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(&self.launch.binary);
        command
            .args(args)
            .env_clear()
            .envs(self.launch.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// The engine's process id (to read its memory use).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// `GET /metrics` as the configured scraper (Prometheus) asks for it: with the bearer
    /// token the test engines are given ([`TEST_METRICS_TOKEN`]).
    pub async fn scrape_metrics(&self) -> reqwest::Response {
        reqwest::Client::new()
            .get(self.at("/metrics"))
            .bearer_auth(TEST_METRICS_TOKEN)
            .send()
            .await
            .unwrap()
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
