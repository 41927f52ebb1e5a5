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
        waits["minio-init"]["condition"],
        "service_completed_successfully"
    );
    let init = &services["minio-init"];
    assert_eq!(init["depends_on"]["minio"]["condition"], "service_healthy");
    let bucket = env_example()
        .into_iter()
        .find(|(n, _)| n == "S3_BUCKET")
        .map(|(_, v)| v)
        .unwrap();
    assert_eq!(
        services["motcua"]["environment"]["S3_BUCKET"],
        bucket.as_str()
    );
    assert!(
        init.to_string()
            .contains(&format!("mc mb --ignore-existing local/{bucket}")),
        "minio-init creates the engine's bucket"
    );
    for healthy in ["postgres", "minio"] {
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
