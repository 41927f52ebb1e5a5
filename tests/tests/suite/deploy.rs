//! The deployment files: docker-compose.yml is valid under the Compose specification (checked
//! by check-jsonschema with the specification's schema, since no Docker engine runs here),
//! every image it builds comes from this repository's Dockerfile, and .env.example documents
//! every variable the engine and the compose file read.

use motcua_tests::compose;
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::workspace_root;
use serde_json::Value;
use std::path::Path;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn env_example() -> Vec<(String, String)> {
    compose::env_file(&read(&workspace_root().join(".env.example")))
        .into_iter()
        .map(|(name, value, _)| (name, value))
        .collect()
}

/// docker-compose.yml with .env.example's values put in, as `docker compose --env-file
/// .env.example` would see it, written into `dir`.
fn interpolated_copy(compose_text: &str, dir: &Path) -> std::path::PathBuf {
    let text = compose::interpolate(compose_text, &env_example())
        .unwrap_or_else(|e| panic!("docker-compose.yml with .env.example: {e}"));
    let path = dir.join("docker-compose.yml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_compose_file_is_valid_and_a_broken_copy_is_refused() {
    let root = workspace_root();
    let text = read(&root.join("docker-compose.yml"));
    let dir = TempDir::new();

    let raw = compose::validate(&root.join("docker-compose.yml"));
    assert!(raw.is_ok(), "docker-compose.yml: {}", raw.unwrap_err());
    let interpolated = compose::validate(&interpolated_copy(&text, &dir.0));
    assert!(
        interpolated.is_ok(),
        "docker-compose.yml with .env.example: {}",
        interpolated.unwrap_err()
    );

    // The same check must refuse a file that breaks the specification, or it proves nothing.
    let breakages = [
        ("condition: service_healthy", "condition: service_happy"),
        ("    healthcheck:", "    health_check:"),
        ("volumes:\n  pgdata:", "volumes:\n  - pgdata"),
    ];
    for (good, bad) in breakages {
        assert!(
            text.contains(good),
            "the compose file no longer has {good:?}"
        );
        let broken_dir = TempDir::new();
        let broken = interpolated_copy(&text.replacen(good, bad, 1), &broken_dir.0);
        let verdict = compose::validate(&broken);
        assert!(
            verdict.is_err(),
            "the validator accepted a compose file with {bad:?} instead of {good:?}"
        );
    }
}

/// The schema does not follow references between services; these are what `docker compose`
/// would refuse at start-up, and the stack's promises (bucket first, health before start).
#[test]
fn the_stack_builds_from_this_repository_and_starts_in_order() {
    let root = workspace_root();
    let stack = compose::yaml_as_json(&root.join("docker-compose.yml"));
    let services = stack["services"].as_object().expect("services");
    let dockerfile = read(&root.join("Dockerfile"));

    for (name, service) in services {
        if let Some(build) = service.get("build") {
            let context = build["context"].as_str().unwrap_or(".");
            let file = build["dockerfile"].as_str().unwrap_or("Dockerfile");
            let path = root.join(context).join(file);
            assert!(path.exists(), "{name} builds from {}", path.display());
            let built = read(&path);
            if let Some(target) = build["target"].as_str() {
                assert!(
                    built
                        .lines()
                        .any(|l| l.starts_with("FROM ") && l.ends_with(&format!(" AS {target}"))),
                    "{name} builds target {target}, which {file} does not define"
                );
            }
        } else {
            assert!(
                service["image"].is_string(),
                "{name} has neither image nor build"
            );
        }
        if let Some(Value::Object(deps)) = service.get("depends_on") {
            for dep in deps.keys() {
                assert!(
                    services.contains_key(dep),
                    "{name} depends on unknown {dep}"
                );
            }
        }
        if let Some(mode) = service["network_mode"].as_str() {
            if let Some(other) = mode.strip_prefix("service:") {
                assert!(services.contains_key(other), "{name} joins unknown {other}");
            }
        }
    }

    let waits = &services["motcua"]["depends_on"];
    assert_eq!(waits["postgres"]["condition"], "service_healthy");
    assert_eq!(
        waits["garage-init"]["condition"],
        "service_completed_successfully"
    );
    let init = &services["garage-init"];
    assert_eq!(init["depends_on"]["garage"]["condition"], "service_healthy");
    let bucket = env_example()
        .into_iter()
        .find(|(n, _)| n == "S3_BUCKET")
        .map(|(_, v)| v)
        .unwrap();
    assert_eq!(
        services["motcua"]["environment"]["S3_BUCKET"],
        bucket.as_str()
    );
    assert_eq!(
        init["environment"]["S3_BUCKET"],
        bucket.as_str(),
        "garage-init creates the engine's bucket"
    );
    // The engine and garage-init use the same key, and the engine Garage's region.
    let engine_env = &services["motcua"]["environment"];
    for same in ["S3_ACCESS_KEY", "S3_SECRET_KEY"] {
        assert_eq!(engine_env[same], init["environment"][same], "{same}");
    }
    assert_eq!(engine_env["S3_ENDPOINT"], "http://garage:3900");
    let garage_config = read(&root.join("deploy/garage/garage.toml"));
    let region = engine_env["S3_REGION"].as_str().expect("S3_REGION");
    assert!(
        garage_config.contains(&format!("s3_region = \"{region}\"")),
        "the engine's S3_REGION {region} is Garage's s3_region"
    );
    for healthy in ["postgres", "garage"] {
        assert!(
            services[healthy]["healthcheck"].is_object(),
            "{healthy} has a healthcheck"
        );
    }
    let sim = &services["motcua-sim"]["labels"];
    assert!(
        sim.to_string().contains("stand-in"),
        "motcua-sim is labelled as a stand-in: {sim}"
    );

    // The engine's image: non-root, with a health check, and a small build context.
    let engine_stage = dockerfile
        .split("\nFROM ")
        .find(|stage| {
            stage
                .lines()
                .next()
                .is_some_and(|l| l.ends_with(" AS motcua"))
        })
        .expect("the motcua stage");
    assert!(
        engine_stage.contains("HEALTHCHECK"),
        "the motcua image has a HEALTHCHECK"
    );
    assert!(
        dockerfile.contains("USER motcua"),
        "the runtime images run as the motcua user"
    );
    let ignored = read(&root.join(".dockerignore"));
    for heavy in ["target/", "fuzz/target/", "var/", ".git/"] {
        assert!(
            ignored.lines().any(|l| l.trim() == heavy),
            ".dockerignore leaves {heavy} out of the build context"
        );
    }
}

/// Images removed from their registries: the compose stack would not start with them.
/// `minio/minio` and `minio/mc` left Docker Hub in September 2026 (MinIO is source-only
/// since October 2025); Bitnami's free images moved to `bitnamilegacy/` in September 2025.
const WITHDRAWN: [&str; 5] = [
    "minio/minio",
    "minio/mc",
    "quay.io/minio/minio",
    "quay.io/minio/mc",
    "bitnami/",
];

/// Why `image` (a `name:tag` reference) is not one the stack can rely on, if it is not:
/// no tag, a moving `latest`, or a withdrawn image.
fn unpinned(image: &str) -> Option<String> {
    let (name, tag) = match image.split_once('@') {
        Some((before, _digest)) => (before, before.rsplit_once(':').map(|(_, t)| t)),
        None => (image, None),
    };
    let (name, tag) = match tag {
        Some(tag) => (name.rsplit_once(':').map_or(name, |(n, _)| n), Some(tag)),
        None => match name.rsplit_once(':') {
            // A registry's port (`host:5000/name`) is not a tag.
            Some((n, t)) if !t.contains('/') => (n, Some(t)),
            _ => (name, None),
        },
    };
    let bare = name.strip_prefix("docker.io/").unwrap_or(name);
    let bare = bare.strip_prefix("library/").unwrap_or(bare);
    if let Some(gone) = WITHDRAWN.iter().find(|w| {
        if w.ends_with('/') {
            bare.starts_with(*w)
        } else {
            bare == **w
        }
    }) {
        return Some(format!("{image} is withdrawn ({gone})"));
    }
    match tag {
        None => Some(format!("{image} has no tag")),
        Some("latest") => Some(format!("{image} is pinned to latest, which moves")),
        Some(t) if !t.chars().any(|c| c.is_ascii_digit()) => {
            Some(format!("{image}: the tag {t} names no version"))
        }
        Some(_) => None,
    }
}

/// The images the compose stack pulls: its services' `image`, and the Dockerfile's bases
/// (each `FROM` that is not one of its own stages).
fn pulled_images() -> Vec<String> {
    let root = workspace_root();
    let stack = compose::yaml_as_json(&root.join("docker-compose.yml"));
    let mut images: Vec<String> = stack["services"]
        .as_object()
        .expect("services")
        .values()
        .filter_map(|service| service["image"].as_str().map(str::to_owned))
        .collect();
    let mut stages = Vec::new();
    for line in read(&root.join("Dockerfile")).lines() {
        let Some(rest) = line.strip_prefix("FROM ") else {
            continue;
        };
        let mut words = rest.split_whitespace().filter(|w| !w.starts_with("--"));
        let base = words.next().expect("FROM names an image").to_owned();
        if !stages.contains(&base) {
            images.push(base);
        }
        if let (Some(as_), Some(stage)) = (words.next(), words.next()) {
            if as_.eq_ignore_ascii_case("as") {
                stages.push(stage.to_owned());
            }
        }
    }
    images
}

#[test]
fn every_image_is_pinned_to_a_version_and_none_is_withdrawn() {
    let images = pulled_images();
    for sure in ["postgres:", "dxflrs/garage:", "rust:", "debian:"] {
        assert!(
            images.iter().any(|i| i.starts_with(sure)),
            "the scan missed the {sure} image: {images:?}"
        );
    }
    let refused: Vec<_> = images.iter().filter_map(|i| unpinned(i)).collect();
    assert!(refused.is_empty(), "{refused:?}");

    // The check refuses what it is meant to refuse, or it proves nothing.
    for bad in [
        "minio/minio:RELEASE.2025-04-22T22-12-26Z",
        "minio/mc:latest",
        "quay.io/minio/minio:RELEASE.2025-07-23T15-54-02Z",
        "bitnami/postgresql:16.4.0",
        "postgres",
        "postgres:latest",
        "docker.io/library/postgres:latest",
        "registry.local:5000/motcua",
        "debian:stable",
    ] {
        assert!(unpinned(bad).is_some(), "{bad} was accepted");
    }
    for good in [
        "postgres:16.15-bookworm",
        "dxflrs/garage:v2.4.1",
        "registry.local:5000/motcua:1.2",
        "postgres:16.15@sha256:0123",
    ] {
        assert_eq!(unpinned(good), None, "{good}");
    }

    // The Dockerfile builds the versions of Cargo.lock, not whatever is newest.
    let dockerfile = read(&workspace_root().join("Dockerfile"));
    let builds: Vec<_> = dockerfile
        .lines()
        .filter(|l| l.contains("cargo build"))
        .collect();
    assert!(!builds.is_empty(), "the Dockerfile builds with cargo");
    for build in builds {
        assert!(build.contains("--locked"), "not --locked: {build}");
    }
}

/// The stack's S3 server is the one the tests run: Garage, of the same major version.
#[test]
fn the_stacks_s3_server_is_the_one_the_tests_run() {
    let stack = compose::yaml_as_json(&workspace_root().join("docker-compose.yml"));
    let image = stack["services"]["garage"]["image"]
        .as_str()
        .expect("a garage service with an image");
    let version = image
        .strip_prefix("dxflrs/garage:v")
        .expect("Garage's own image");
    let garage = motcua_tests::garage::garage_program()
        .expect("the tests run Garage (scripts/test installs it)");
    let output = std::process::Command::new(&garage)
        .arg("--version")
        .output()
        .unwrap();
    let ours = String::from_utf8_lossy(&output.stdout);
    // `garage cargo:2.5.0 [features: …]`, or `garage v2.5.0 …` from a release build.
    let ours = ours
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.rsplit([':', 'v']).next())
        .unwrap_or_default()
        .to_owned();
    let major = |v: &str| v.split('.').next().unwrap_or_default().to_owned();
    assert_eq!(
        major(version),
        major(&ours),
        "compose runs Garage {version}, the tests {ours}"
    );
}

/// deploy/garage/init.sh, which garage-init runs, against a Garage node configured as
/// deploy/garage/garage.toml (its folders and ports moved into the test's own): the bucket of
/// .env.example answers with .env.example's key, and a second run changes nothing.
#[tokio::test]
async fn garage_init_prepares_the_bucket_and_may_run_again() {
    use motcua_files::FileStore;
    let root = workspace_root();
    let garage = motcua_tests::garage::garage_program()
        .expect("the tests run Garage (scripts/test installs it)");
    let dir = TempDir::new();
    let (s3, rpc) = (
        motcua_tests::garage::loopback_port(),
        motcua_tests::garage::loopback_port(),
    );
    let shipped = read(&root.join("deploy/garage/garage.toml"));
    for expected in [
        "\"/var/lib/garage/",
        "\"[::]:3900\"",
        "\"[::]:3901\"",
        "\"127.0.0.1:3901\"",
    ] {
        assert!(shipped.contains(expected), "garage.toml lacks {expected}");
    }
    let config = shipped
        .replace("\"/var/lib/garage/", &format!("\"{}/", dir.0.display()))
        .replace("\"[::]:3900\"", &format!("\"127.0.0.1:{s3}\""))
        .replace("\"[::]:3901\"", &format!("\"127.0.0.1:{rpc}\""))
        .replace("\"127.0.0.1:3901\"", &format!("\"127.0.0.1:{rpc}\""));
    let config_path = dir.0.join("garage.toml");
    std::fs::write(&config_path, config).unwrap();

    let env: std::collections::HashMap<String, String> = env_example().into_iter().collect();
    let secret = env["GARAGE_RPC_SECRET"].clone();
    let mut server = std::process::Command::new(&garage)
        .arg("server")
        .env("GARAGE_CONFIG_FILE", &config_path)
        .env("GARAGE_RPC_SECRET", &secret)
        .stdout(std::fs::File::create(dir.0.join("server.log")).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let path = format!(
        "{}:{}",
        garage.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run_init = || {
        std::process::Command::new("sh")
            .arg(root.join("deploy/garage/init.sh"))
            .env("PATH", &path)
            .env("GARAGE_CONFIG_FILE", &config_path)
            .env("GARAGE_RPC_SECRET", &secret)
            .env("S3_ACCESS_KEY", &env["S3_ACCESS_KEY"])
            .env("S3_SECRET_KEY", &env["S3_SECRET_KEY"])
            .env("S3_BUCKET", &env["S3_BUCKET"])
            .output()
            .unwrap()
    };
    let first = run_init();
    let second = run_init();
    let settings = motcua_tests::garage::S3Settings {
        endpoint: format!("http://127.0.0.1:{s3}"),
        region: env["S3_REGION"].clone(),
        bucket: env["S3_BUCKET"].clone(),
        access_key: env["S3_ACCESS_KEY"].clone(),
        secret_key: env["S3_SECRET_KEY"].clone(),
    };
    let store = settings.store();
    let checked = store.check().await;
    let listed = store.list("").await;
    let wrong_key = motcua_tests::garage::S3Settings {
        secret_key: "0".repeat(64),
        ..settings.clone()
    }
    .store()
    .list("")
    .await;
    let _ = server.kill();
    let _ = server.wait();

    for (run, output) in [("first", &first), ("second", &second)] {
        assert!(
            output.status.success(),
            "the {run} run of init.sh failed: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(checked.is_ok(), "{checked:?}");
    assert_eq!(listed.map_err(|e| e.to_string()), Ok(Vec::new()));
    assert!(wrong_key.is_err(), "a wrong secret was let in");
}

/// Every environment-variable name config.rs, outbox_config.rs and notify_config.rs read: their string
/// literals that look like one (outside their unit tests, whose names are made up), the
/// `{prefix}OIDC_*` names for both prefixes config.rs uses ("" and "STAFF_"), and
/// `NAME_FILE` for each secret of `SECRET_VARS`.
fn engine_variables() -> Vec<String> {
    let source: String = ["config.rs", "outbox_config.rs", "notify_config.rs"]
        .iter()
        .map(|file| {
            let whole = read(&workspace_root().join("crates/motcua/src").join(file));
            whole
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let is_var = |s: &str| {
        s.contains('_')
            && !s.ends_with('_')
            && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && s.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    let mut names = Vec::new();
    for literal in source.split('"').skip(1).step_by(2) {
        if is_var(literal) {
            names.push(literal.to_owned());
        } else if let Some(rest) = literal.strip_prefix("{prefix}") {
            if is_var(rest) {
                names.push(rest.to_owned());
                names.push(format!("STAFF_{rest}"));
            }
        }
    }
    if let Some(list) = source.split("const SECRET_VARS").nth(1) {
        let list = list.split("];").next().unwrap_or_default();
        for secret in list.split('"').skip(1).step_by(2) {
            names.push(format!("{secret}_FILE"));
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn env_example_documents_every_variable() {
    let root = workspace_root();
    let entries = compose::env_file(&read(&root.join(".env.example")));
    let documented = |name: &str| entries.iter().any(|(n, _, _)| n == name);

    let engine = engine_variables();
    // A guard for the scan itself: it must see the lists it is meant to read.
    for sure in [
        "MOTCUA_LISTEN",
        "DATABASE_URL",
        "S3_SECRET_KEY",
        "STAFF_OIDC_ISSUER",
        "DVCQG_URL",
        "DVCQG_PASSWORD_FILE",
    ] {
        assert!(
            engine.iter().any(|n| n == sure),
            "config.rs scan missed {sure}"
        );
    }
    let compose_names = compose::interpolated_names(&read(&root.join("docker-compose.yml")));
    assert!(compose_names.iter().any(|n| n == "POSTGRES_PASSWORD"));

    let missing: Vec<_> = engine
        .iter()
        .chain(&compose_names)
        .filter(|n| !documented(n))
        .collect();
    assert!(missing.is_empty(), ".env.example lacks {missing:?}");
    let uncommented: Vec<_> = entries
        .iter()
        .filter(|(_, _, c)| !c)
        .map(|(n, _, _)| n)
        .collect();
    assert!(
        uncommented.is_empty(),
        "these .env.example entries have no comment line above them: {uncommented:?}"
    );
}

/// deploy/prometheus.yml scrapes `/metrics` the way the engine serves it: with the scraper's
/// bearer token (`MOTCUA_METRICS_TOKEN`), read from a file (a mounted secret) rather than
/// written into the configuration. tests/tests/suite/metrics.rs scrapes with it.
#[test]
fn the_prometheus_example_sends_the_scraper_token_from_a_file() {
    let config = compose::yaml_as_json(&workspace_root().join("deploy/prometheus.yml"));
    let jobs = config["scrape_configs"].as_array().expect("scrape_configs");
    let job = jobs
        .iter()
        .find(|job| job["job_name"] == "motcua")
        .expect("the motcua job");
    assert_eq!(job["metrics_path"], "/metrics", "{job}");
    let authorization = &job["authorization"];
    assert_eq!(authorization["type"], "Bearer", "{job}");
    assert!(
        authorization["credentials_file"]
            .as_str()
            .is_some_and(|file| file.starts_with('/')),
        "{job}"
    );
    for inline in [&authorization["credentials"], &job["bearer_token"]] {
        assert!(inline.is_null(), "a token written into the file: {job}");
    }
}

/// The parsers the checks above rely on: comment detection, interpolation, `$$` escapes.
#[test]
fn env_file_and_interpolation_parsers_follow_compose() {
    let entries = compose::env_file("# the port\nPORT=1\nSECRET=2\n");
    assert_eq!(entries[0], ("PORT".into(), "1".into(), true));
    assert_eq!(entries[1], ("SECRET".into(), "2".into(), false));
    let env: Vec<_> = entries.into_iter().map(|(n, v, _)| (n, v)).collect();
    assert_eq!(
        compose::interpolate("a: ${PORT} b: ${X:-d} c: $$S", &env).unwrap(),
        "a: 1 b: d c: $S"
    );
    assert!(compose::interpolate("a: ${UNKNOWN}", &env).is_err());
    assert_eq!(
        compose::interpolated_names("a: ${A:-x} $B $$C ${D}"),
        ["A", "B", "D"]
    );
}
