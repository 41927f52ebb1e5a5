//! A real S3 server for the tests: Garage (`cargo install garage --locked`, which
//! `scripts/test` does when it is missing), else MinIO when a `minio` binary is on PATH.
//!
//! - [`shared_bucket`]: one server per test process, started on first use on free loopback
//!   ports with its own temporary folder, and a fresh bucket for every call. (One per process
//!   rather than one per run: nothing to lock or to hand over between processes, and a
//!   server starts in well under a second.)
//! - [`PrivateS3`]: a server of a test's own, which the test can stop and restart (same port,
//!   same data, same keys and bucket) to see how the engine copes with storage going away.
//!
//! Every server runs under a small `sh` guardian, for the server's whole life, whose stdin
//! is a pipe held by the test process: it stops and starts the server when told to (`stop`,
//! `start`), and when the pipe reaches end-of-file it kills the server and removes its
//! folder. The pipe reaches end-of-file when the test process drops the server, or ends,
//! however it ends (a failed test, a panic, even SIGKILL): the kernel closes the pipe. So no
//! stray servers or folders, no `prctl` (and so no `unsafe`), no clean-up in the scripts.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// What a store or the engine needs to reach a bucket (the engine's `S3_*` settings).
#[derive(Clone, Debug)]
pub struct S3Settings {
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: String,
}

impl S3Settings {
    /// The same settings for `motcua_files::S3Store::new`.
    pub fn config(&self) -> motcua_files::S3Config {
        motcua_files::S3Config {
            endpoint: self.endpoint.clone(),
            region: self.region.clone(),
            bucket: self.bucket.clone(),
            access_key: self.access_key.clone(),
            secret_key: self.secret_key.clone(),
        }
    }

    /// An `S3Store` on these settings.
    pub fn store(&self) -> motcua_files::S3Store {
        motcua_files::S3Store::new(self.config()).unwrap()
    }

    /// The keys of the multipart uploads started in the bucket and neither completed nor
    /// aborted: what an upload that failed half-way would leave behind.
    pub async fn multipart_uploads(&self) -> Vec<String> {
        let region = s3::Region::Custom {
            region: self.region.clone(),
            endpoint: self.endpoint.clone(),
        };
        let credentials = s3::creds::Credentials::new(
            Some(&self.access_key),
            Some(&self.secret_key),
            None,
            None,
            None,
        )
        .unwrap();
        let bucket = s3::Bucket::new(&self.bucket, region, credentials)
            .unwrap()
            .with_path_style();
        bucket
            .list_multiparts_uploads(None, None)
            .await
            .unwrap()
            .into_iter()
            .flat_map(|page| page.uploads.into_iter().map(|u| u.key))
            .collect()
    }
}

/// A fresh, empty bucket on this test process's S3 server (started on first use).
pub async fn shared_bucket() -> S3Settings {
    static SHARED: OnceLock<Server> = OnceLock::new();
    let server = tokio::task::spawn_blocking(|| SHARED.get_or_init(Server::start))
        .await
        .unwrap();
    server.fresh_bucket().await
}

/// A server of the test's own, stopped and removed when dropped.
pub struct PrivateS3 {
    server: Server,
    bucket: String,
}

impl PrivateS3 {
    /// Starts a server with one bucket.
    pub async fn start() -> PrivateS3 {
        let server = tokio::task::spawn_blocking(Server::start).await.unwrap();
        let bucket = server.fresh_bucket().await.bucket;
        PrivateS3 { server, bucket }
    }

    pub fn settings(&self) -> S3Settings {
        self.server.spec.settings(&self.bucket)
    }

    /// Kills the server (as a crash would): its port refuses connections from now on.
    pub async fn stop(&mut self) {
        self.server.order("stop").await;
    }

    /// Starts the server again on the same port with the same data, keys and bucket, and
    /// waits until the bucket answers.
    pub async fn restart(&mut self) {
        self.server.order("stop").await;
        self.server.order("start").await;
        let store = self.settings().store();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            use motcua_files::FileStore;
            match store.check().await {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => panic!(
                    "the restarted S3 server does not answer: {e}\n{}",
                    self.server.spec.log_tail()
                ),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }
}

/// Which server program runs.
#[derive(Clone, Debug)]
enum Program {
    Garage(PathBuf),
    Minio(PathBuf),
}

/// The `garage` program the tests run, if there is one: on the PATH, then in `~/.cargo/bin`
/// (where `cargo install` puts it).
pub fn garage_program() -> Option<PathBuf> {
    on_path("garage").or_else(|| {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
        let garage = home.join("bin").join("garage");
        garage.is_file().then_some(garage)
    })
}

/// A loopback port free right now, for a server a test starts itself.
pub fn loopback_port() -> u16 {
    free_port()
}

/// Garage first (PATH, then `~/.cargo/bin`, where `cargo install` puts it), then MinIO.
fn find_program() -> Program {
    if let Some(garage) = garage_program() {
        return Program::Garage(garage);
    }
    if let Some(minio) = on_path("minio") {
        return Program::Minio(minio);
    }
    panic!(
        "the tests need an S3 server and found none: neither `garage` (on PATH or in \
         ~/.cargo/bin) nor `minio` (on PATH). Run the tests with scripts/test, which installs \
         Garage when it is missing (`cargo install garage --locked`, about 8 minutes once), \
         or install Garage or MinIO yourself."
    )
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// Everything needed to (re)start one server.
#[derive(Clone, Debug)]
struct Spec {
    program: Program,
    dir: PathBuf,
    s3_port: u16,
    access_key: String,
    secret_key: String,
}

/// A server and its folder. Dropping it stops the server and removes the folder; so does the
/// end of the test process (statics such as the shared server are never dropped).
struct Server {
    spec: Spec,
    /// `None` only while an order runs on a blocking thread.
    guardian: Option<Guardian>,
}

impl Server {
    /// Starts a new server in a new folder (blocking).
    fn start() -> Server {
        let program = find_program();
        let dir = std::env::temp_dir().join(format!("motcua-s3-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let spec = match &program {
            Program::Garage(_) => Spec {
                program,
                dir,
                s3_port: free_port(),
                // Garage's key format: GK and 12 bytes in hex; the secret is 32 bytes in hex.
                access_key: format!("GK{}", hex(&rand::random::<[u8; 12]>())),
                secret_key: hex(&rand::random::<[u8; 32]>()),
            },
            Program::Minio(_) => Spec {
                program,
                dir,
                s3_port: free_port(),
                access_key: format!("motcua{}", hex(&rand::random::<[u8; 6]>())),
                secret_key: hex(&rand::random::<[u8; 20]>()),
            },
        };
        if let Program::Garage(_) = spec.program {
            spec.write_garage_config();
        }
        let guardian = spec.guard();
        let server = Server {
            spec,
            guardian: Some(guardian),
        };
        if let Program::Garage(_) = server.spec.program {
            server.spec.set_up_garage_node();
        }
        server
    }

    /// Creates a bucket with a new name that the keys can read and write.
    async fn fresh_bucket(&self) -> S3Settings {
        let name = format!("t-{}", uuid::Uuid::new_v4().simple());
        match &self.spec.program {
            Program::Garage(_) => {
                let spec = self.spec.clone();
                let bucket = name.clone();
                tokio::task::spawn_blocking(move || {
                    spec.garage(&["bucket", "create", &bucket]);
                    spec.garage(&[
                        "bucket",
                        "allow",
                        "--read",
                        "--write",
                        "--owner",
                        &bucket,
                        "--key",
                        GARAGE_KEY_NAME,
                    ]);
                })
                .await
                .unwrap();
            }
            Program::Minio(_) => {
                let settings = self.spec.settings(&name);
                let region = s3::Region::Custom {
                    region: settings.region.clone(),
                    endpoint: settings.endpoint.clone(),
                };
                let credentials = s3::creds::Credentials::new(
                    Some(&settings.access_key),
                    Some(&settings.secret_key),
                    None,
                    None,
                    None,
                )
                .unwrap();
                s3::Bucket::create_with_path_style(
                    &name,
                    region,
                    credentials,
                    s3::BucketConfiguration::default(),
                )
                .await
                .unwrap();
            }
        }
        self.spec.settings(&name)
    }
}

impl Server {
    /// Has the guardian `stop` or `start` the server, and waits until it is done: the server
    /// gone (its port refusing connections), or its port open again.
    async fn order(&mut self, order: &'static str) {
        let mut guardian = self.guardian.take().unwrap();
        let spec = self.spec.clone();
        let guardian = tokio::task::spawn_blocking(move || {
            guardian.order(order, &spec);
            if order == "start" {
                spec.wait_for_port();
            }
            guardian
        })
        .await
        .unwrap();
        self.guardian = Some(guardian);
    }
}

const GARAGE_KEY_NAME: &str = "motcua-test";
const GARAGE_REGION: &str = "garage";
const MINIO_REGION: &str = "us-east-1";

impl Spec {
    fn settings(&self, bucket: &str) -> S3Settings {
        S3Settings {
            endpoint: format!("http://127.0.0.1:{}", self.s3_port),
            region: match self.program {
                Program::Garage(_) => GARAGE_REGION,
                Program::Minio(_) => MINIO_REGION,
            }
            .to_owned(),
            bucket: bucket.to_owned(),
            access_key: self.access_key.clone(),
            secret_key: self.secret_key.clone(),
        }
    }

    fn config_path(&self) -> PathBuf {
        self.dir.join("garage.toml")
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// A one-node Garage: its RPC port is needed even alone; no admin API.
    fn write_garage_config(&self) {
        let config = format!(
            r#"metadata_dir = "{dir}/meta"
data_dir = "{dir}/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "{region}"
api_bind_addr = "127.0.0.1:{s3}"
"#,
            dir = self.dir.display(),
            rpc = free_port(),
            secret = hex(&rand::random::<[u8; 32]>()),
            region = GARAGE_REGION,
            s3 = self.s3_port,
        );
        let path = self.config_path();
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(config.as_bytes()).unwrap();
        // Garage refuses a secret that others may read.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }

    /// Gives the node its role and imports the test key (once, after the first start).
    fn set_up_garage_node(&self) {
        let id = self.garage(&["node", "id", "-q"]);
        let id = id.trim().split('@').next().unwrap().to_owned();
        self.garage(&["layout", "assign", "-z", "dc1", "-c", "1G", &id]);
        self.garage(&["layout", "apply", "--version", "1"]);
        self.garage(&[
            "key",
            "import",
            "--yes",
            &self.access_key,
            &self.secret_key,
            "-n",
            GARAGE_KEY_NAME,
        ]);
    }

    /// Runs the `garage` command line against this node and answers its output.
    fn garage(&self, args: &[&str]) -> String {
        let Program::Garage(garage) = &self.program else {
            unreachable!("a Garage command for a MinIO server")
        };
        let output = Command::new(garage)
            .arg("-c")
            .arg(self.config_path())
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "garage {} failed: {}\n{}\n{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr),
            self.log_tail()
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Starts the server under its guardian and waits until the S3 port accepts connections.
    fn guard(&self) -> Guardian {
        let mut server: Vec<std::ffi::OsString> = Vec::new();
        let mut command = Command::new("sh");
        match &self.program {
            Program::Garage(garage) => {
                server.push(garage.into());
                server.push("-c".into());
                server.push(self.config_path().into());
                server.push("server".into());
            }
            Program::Minio(minio) => {
                server.push(minio.into());
                server.push("server".into());
                server.push(self.dir.join("data").into());
                server.push("--address".into());
                server.push(format!("127.0.0.1:{}", self.s3_port).into());
                server.push("--console-address".into());
                server.push(format!("127.0.0.1:{}", free_port()).into());
                command
                    .env("MINIO_ROOT_USER", &self.access_key)
                    .env("MINIO_ROOT_PASSWORD", &self.secret_key)
                    .env("MINIO_REGION", MINIO_REGION)
                    .env("MINIO_SITE_REGION", MINIO_REGION)
                    .env("MINIO_BROWSER", "off");
            }
        }
        let mut child = command
            .arg("-c")
            .arg(GUARDIAN)
            .arg("motcua-s3-guardian")
            .args(&server)
            .env("SERVER_LOG", self.log_path())
            .env("SERVER_FOLDER", &self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let answers = child.stdout.take().map(BufReader::new);
        let guardian = Guardian {
            child,
            stdin,
            answers,
        };
        self.wait_for_port();
        guardian
    }

    fn wait_for_port(&self) {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.s3_port));
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the S3 server did not open port {} within 30 s\n{}",
                self.s3_port,
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(30)..].join("\n");
        format!(
            "--- last lines of {} ---\n{tail}",
            self.log_path().display()
        )
    }
}

/// Runs the server (`"$@"`) in the background; on `stop` kills it, on `start` starts it
/// again, answering each order on stdout once done; at the end of stdin kills it and removes
/// its folder. SIGKILL: a stop is a crash, and immediate (Garage takes a second or two to
/// shut down gracefully).
const GUARDIAN: &str = r#"
start() { "$@" </dev/null >>"$SERVER_LOG" 2>&1 & server=$!; }
stop() { if [ -n "$server" ]; then kill -KILL "$server" 2>/dev/null; wait "$server" 2>/dev/null; server=; fi; }
start "$@"
while read -r order; do
  case "$order" in
    stop) stop ;;
    start) stop; start "$@" ;;
  esac
  echo "done $order"
done
stop
rm -rf "$SERVER_FOLDER"
"#;

/// The guardian shell of one server.
struct Guardian {
    child: Child,
    stdin: Option<ChildStdin>,
    answers: Option<BufReader<ChildStdout>>,
}

impl Guardian {
    /// Sends `order` and waits for the guardian to say it is done.
    fn order(&mut self, order: &str, spec: &Spec) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{order}").unwrap();
        stdin.flush().unwrap();
        let mut answer = String::new();
        self.answers
            .as_mut()
            .unwrap()
            .read_line(&mut answer)
            .unwrap();
        assert_eq!(
            answer.trim_end(),
            format!("done {order}"),
            "the S3 server's guardian did not answer\n{}",
            spec.log_tail()
        );
    }
}

impl Drop for Guardian {
    /// Stops the server, removes its folder, and waits until both are gone.
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// A loopback port free right now (the OS's pick; taken again by the server a moment later).
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
