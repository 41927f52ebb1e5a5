//! The command line: `procedures check` and `serve`'s refusal to start half-configured.

use motcua_tests::accounts::{CLERK, HAN, MINH};
use motcua_tests::command::motcua;
use motcua_tests::engine::motcua_binary;
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::workspace_root;
use std::path::Path;
use std::process::Command;

fn check(dir: &Path) -> (bool, String) {
    motcua(&["procedures", "check", &dir.to_string_lossy()], &[])
}

#[test]
fn shipped_procedures_pass_the_check() {
    let (ok, output) = check(&workspace_root().join("procedures"));
    assert!(ok, "procedures check failed:\n{output}");
    for code in ["1.004889", "1.005142", "3.000465", "3.000466"] {
        assert!(output.contains(&format!("ok  {code}")), "{code}: {output}");
    }
    assert!(
        output.contains("4 procedure(s) checked, no problems"),
        "{output}"
    );
}

/// A copy of the diploma-copy procedure with one thing broken by `breaks`.
fn broken_procedure(dir: &Path, file: &str, breaks: impl FnOnce(&mut serde_json::Value)) {
    let text = std::fs::read_to_string(workspace_root().join("procedures/3.000465.json")).unwrap();
    let mut spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    breaks(&mut spec);
    std::fs::write(dir.join(file), serde_json::to_string_pretty(&spec).unwrap()).unwrap();
}

/// The services `serve` needs and is not given in the tests below.
const MISSING_SERVICES: [&str; 5] = [
    "DATABASE_URL",
    "S3_ENDPOINT",
    "OIDC_ISSUER",
    "REGISTRY_URL",
    "MOTCUA_TOKEN_SECRET",
];

/// `motcua serve` with `env` only, which must refuse to start (`what` says why it should):
/// what it printed on stderr.
fn serve_refusal(env: &[(&str, &str)], what: &str) -> String {
    let out = Command::new(motcua_binary())
        .arg("serve")
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "serve started with {what}");
    stderr
}

#[test]
fn an_unreachable_state_is_named_with_file_and_pointer() {
    let dir = TempDir::new();
    broken_procedure(&dir.0, "unreachable.json", |spec| {
        spec["workflow"]["states"]["limbo"] =
            serde_json::json!({ "status": 4, "worked_by": "specialist" });
    });
    let (ok, output) = check(&dir.0);
    assert!(!ok, "a broken procedure passed:\n{output}");
    assert!(output.contains("unreachable.json"), "{output}");
    assert!(output.contains("/workflow/states/limbo"), "{output}");
}

#[test]
fn an_unknown_role_is_named_with_file_and_pointer() {
    let dir = TempDir::new();
    broken_procedure(&dir.0, "role.json", |spec| {
        spec["workflow"]["actions"][0]["roles"] = serde_json::json!(["janitor"]);
    });
    let (ok, output) = check(&dir.0);
    assert!(!ok, "a broken procedure passed:\n{output}");
    assert!(output.contains("role.json"), "{output}");
    assert!(output.contains("/workflow/actions/0/roles"), "{output}");
    assert!(output.contains("janitor"), "{output}");
}

#[test]
fn a_form_schema_that_does_not_compile_is_named_with_file_and_pointer() {
    let dir = TempDir::new();
    broken_procedure(&dir.0, "schema.json", |spec| {
        spec["form"]["properties"]["copies"]["type"] = serde_json::json!("integr");
    });
    let (ok, output) = check(&dir.0);
    assert!(!ok, "a broken procedure passed:\n{output}");
    assert!(output.contains("schema.json"), "{output}");
    assert!(output.contains("/form"), "{output}");
}

#[test]
fn serve_with_nothing_configured_names_every_missing_service() {
    let stderr = serve_refusal(&[], "nothing configured");
    for name in MISSING_SERVICES {
        assert!(stderr.contains(name), "{name} not named in:\n{stderr}");
    }
}

/// A wrong value and the missing services are named together: one refusal, not one per
/// attempt.
#[test]
fn serve_names_wrong_values_and_missing_services_in_one_refusal() {
    let stderr = serve_refusal(
        &[
            ("MOTCUA_LISTEN", "not-an-address"),
            ("MOTCUA_RATE_LIMIT_DRAFTS", "0"),
        ],
        "wrong values",
    );
    for name in ["MOTCUA_LISTEN", "MOTCUA_RATE_LIMIT_DRAFTS"]
        .into_iter()
        .chain(MISSING_SERVICES)
    {
        assert!(stderr.contains(name), "{name} not named in:\n{stderr}");
    }
}

/// Secrets as `NAME_FILE`: a file's content is used (a too-short token secret read from its
/// file is refused as too short), a secret set both ways and an unreadable file are named
/// with the variable and path, all in one refusal, and no secret value is printed.
#[test]
fn serve_reads_secrets_from_files_and_names_every_file_problem_at_once() {
    let dir = TempDir::new();
    let short = dir.0.join("token-secret");
    std::fs::write(&short, "too-short-secret\n").unwrap();
    let missing = dir.0.join("no-such-file");
    let stderr = serve_refusal(
        &[
            ("MOTCUA_TOKEN_SECRET_FILE", short.to_str().unwrap()),
            ("DATABASE_URL", "postgres://u:inline-password@db/motcua"),
            ("DATABASE_URL_FILE", short.to_str().unwrap()),
            ("REGISTRY_TOKEN_FILE", missing.to_str().unwrap()),
        ],
        "broken secrets",
    );
    for expected in [
        "MOTCUA_TOKEN_SECRET must be at least 32 characters".to_owned(),
        "DATABASE_URL and DATABASE_URL_FILE are both set".to_owned(),
        format!(
            "REGISTRY_TOKEN_FILE: cannot read the file {:?}",
            missing.display().to_string()
        ),
    ] {
        assert!(stderr.contains(&expected), "{expected:?} not in:\n{stderr}");
    }
    assert!(
        !stderr.contains("too-short-secret") && !stderr.contains("inline-password"),
        "a secret was printed:\n{stderr}"
    );
}

/// The README's run command with nothing configured: a private PostgreSQL cluster, the
/// built-in identity provider, `/readyz` 200, URLs and accounts printed; stopped cleanly.
#[test]
fn dev_with_nothing_configured_serves_and_prints_urls_and_accounts() {
    use std::io::{BufRead, BufReader};
    let data_dir = std::env::temp_dir().join(format!(
        "motcua-dev-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    ));
    let mut child = Command::new(motcua_binary())
        .arg("dev")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MOTCUA_LISTEN", "127.0.0.1:0")
        .env("MOTCUA_DATA_DIR", &data_dir)
        .env("MOTCUA_PROCEDURES_DIR", workspace_root().join("procedures"))
        .env(
            "MOTCUA_NOTIFICATIONS_DIR",
            workspace_root().join("notifications"),
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.starts_with("Stop with") {
            break;
        }
    }
    let url = banner
        .lines()
        .find_map(|l| l.trim().strip_prefix("engine"))
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .unwrap_or_else(|| panic!("no engine URL in:\n{banner}"));
    for expected in ["/readyz", MINH, HAN, CLERK, "matkhau", "SIMULATOR"] {
        assert!(
            banner.contains(expected),
            "{expected} missing from the banner:\n{banner}"
        );
    }
    let ready = tokio::runtime::Runtime::new().unwrap().block_on(async {
        for _ in 0..300 {
            if let Ok(r) = reqwest::get(format!("{url}/readyz")).await {
                if r.status() == 200 {
                    return true;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        false
    });
    // /metrics is closed in dev too; the banner shows the token made for this data folder.
    let metrics_token = banner
        .lines()
        .find(|l| l.trim().starts_with("metrics"))
        .and_then(|l| l.split("Authorization: Bearer ").nth(1))
        .map(|t| t.trim_end_matches(')').to_owned());
    let metrics = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let scrape = |token: Option<String>| {
            let mut request = reqwest::Client::new().get(format!("{url}/metrics"));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            async move { request.send().await.map(|r| r.status().as_u16()).ok() }
        };
        (scrape(metrics_token.clone()).await, scrape(None).await)
    });
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let status = child.wait().unwrap();
    assert!(ready, "/readyz never answered 200");
    assert!(metrics_token.is_some(), "no metrics token in:\n{banner}");
    assert_eq!(
        metrics,
        (Some(200), Some(401)),
        "/metrics with the banner's token, and without"
    );
    assert!(
        status.success(),
        "motcua dev did not stop cleanly: {status}"
    );
    assert!(
        !data_dir.join("pg/postmaster.pid").exists(),
        "the private PostgreSQL cluster was left running"
    );
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[test]
fn a_form_asking_for_the_full_name_without_prefill_fails_the_once_only_check() {
    let dir = TempDir::new();
    broken_procedure(&dir.0, "retyped.json", |spec| {
        spec["form"]["properties"]["applicant"]["properties"]["full_name"] =
            serde_json::json!({ "type": "string", "minLength": 1 });
    });
    let (ok, output) = check(&dir.0);
    assert!(
        !ok,
        "a form re-asking the register's data passed:\n{output}"
    );
    assert!(output.contains("retyped.json"), "{output}");
    assert!(output.contains("/form/applicant/full_name"), "{output}");
    assert!(output.contains("x-prefill"), "{output}");
}

#[test]
fn a_field_without_a_title_or_an_enum_without_labels_fails_the_check() {
    let dir = TempDir::new();
    broken_procedure(&dir.0, "untitled.json", |spec| {
        let form = &mut spec["form"]["properties"];
        let phone = form["applicant"]["properties"]["phone"].as_object_mut();
        phone.unwrap().remove("title");
        let delivery = form["delivery"].as_object_mut().unwrap();
        delivery.remove("x-enum-titles");
    });
    let (ok, output) = check(&dir.0);
    assert!(
        !ok,
        "an untitled field and an unlabelled enum passed:\n{output}"
    );
    let line = |pointer: &str| {
        output
            .lines()
            .find(|l| l.contains(&format!("untitled.json: {pointer}: ")))
            .unwrap_or_else(|| panic!("no problem at {pointer}:\n{output}"))
            .to_owned()
    };
    assert!(
        line("/form/properties/applicant/properties/phone").contains("\"title\""),
        "{output}"
    );
    assert!(
        line("/form/properties/delivery").contains("x-enum-titles"),
        "{output}"
    );
    assert!(output.contains("2 problem(s) found"), "{output}");
}

#[test]
fn a_procedure_requiring_a_household_book_fails_the_once_only_check() {
    let dir = TempDir::new();
    broken_procedure(&dir.0, "hokhau.json", |spec| {
        spec["documents"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
                "key": "so-ho-khau", "name": "Bản sao sổ hộ khẩu", "required": true,
                "accept": ["application/pdf"], "max_bytes": 1000000, "must_digitise": true
            }));
    });
    let (ok, output) = check(&dir.0);
    assert!(!ok, "a household book requirement passed:\n{output}");
    assert!(output.contains("hokhau.json"), "{output}");
    assert!(output.contains("household book"), "{output}");
}

#[test]
fn reading_ethnicity_without_a_declared_purpose_fails_the_check() {
    let dir = TempDir::new();
    broken_procedure(&dir.0, "ethnicity.json", |spec| {
        spec["form"]["properties"]["applicant"]["properties"]["ethnicity"] =
            serde_json::json!({ "type": "string", "x-prefill": "ethnicity" });
        spec["register_purpose"] = serde_json::Value::Null;
    });
    let (ok, output) = check(&dir.0);
    assert!(!ok, "a sensitive read without purpose passed:\n{output}");
    assert!(output.contains("ethnicity.json"), "{output}");
    assert!(output.contains("register_purpose"), "{output}");
}

#[test]
fn broken_document_requirements_are_named_with_file_and_pointer() {
    let dir = TempDir::new();
    broken_procedure(&dir.0, "documents.json", |spec| {
        let documents = spec["documents"].as_array_mut().unwrap();
        documents.push(serde_json::json!({
            "key": "transcript", "name": "Học bạ", "required": false,
            "required_when": "no_such_field == true",
            "accept": ["application/pdf"], "max_bytes": 1000000, "must_digitise": true
        }));
        documents.push(serde_json::json!({
            "key": "certificate", "name": "Chứng chỉ", "required": false,
            "accept": ["application/pdf"], "max_bytes": 1000000, "must_digitise": true,
            "replaced_by": { "register_field": "household_book" }
        }));
    });
    let (ok, output) = check(&dir.0);
    assert!(!ok, "broken document requirements passed:\n{output}");
    assert!(output.contains("documents.json"), "{output}");
    assert!(output.contains("/documents/4/required_when"), "{output}");
    assert!(output.contains("/no_such_field"), "{output}");
    assert!(
        output.contains("/documents/5/replaced_by/register_field"),
        "{output}"
    );

    // A type the engine cannot recognise from a file's bytes cannot be accepted.
    let dir = TempDir::new();
    broken_procedure(&dir.0, "exe.json", |spec| {
        spec["documents"][0]["accept"] = serde_json::json!(["application/x-msdownload"]);
    });
    let (ok, output) = check(&dir.0);
    assert!(!ok, "an unrecognisable media type passed:\n{output}");
    assert!(output.contains("/documents/0/accept/0"), "{output}");
}
