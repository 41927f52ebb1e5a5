//! Backup and restore (issue 9), done the way docs/OPERATIONS.md tells operators to: the
//! database dumped with `pg_dump --format=custom` first, the bucket copied with rclone
//! second; both restored on a new PostgreSQL cluster and a new S3 server, where a new engine
//! finds every dossier (code, state, data, timeline) and every document (the same SHA-256)
//! over the HTTP API. Each half restored alone is shown not to be a backup.
//!
//! Why dump first and copy after: an object is written before the row that names it commits,
//! and its key holds a new UUID, so every row of the dump names an object that already
//! existed when the dump began. What the copy picks up beyond the dump (uploads after it)
//! are objects without a row, which the restored engine's orphan sweep removes.

use motcua_tests::accounts::{APPROVER, CLERK, MINH, SPECIALIST, THANG};
use motcua_tests::api::{self, act, get, stored_file as put_file};
use motcua_tests::command::{printed, run};
use motcua_tests::dossiers::THPT;
use motcua_tests::dossiers::{self, correction_data, CORRECTION};
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::garage::{PrivateS3, S3Settings};
use motcua_tests::jpeg;
use motcua_tests::postgres::{fresh_database, PrivateCluster};
use motcua_tests::{hex_sha256, login, Engine, EngineOptions, Session};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The name docs/OPERATIONS.md gives the engine's bucket in rclone's configuration.
const REMOTE: &str = "motcua";

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// A PDF of `len` bytes whose content varies, so that no two parts of it are alike.
fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7 ban scan van bang ".to_vec();
    let mut n: u32 = 1;
    while bytes.len() < len {
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push((n >> 16) as u8);
    }
    bytes
}

fn postgres_tool(name: &str) -> PathBuf {
    motcua::postgres_local::find_bin_dir().unwrap().join(name)
}

/// `pg_dump --format=custom`, as docs/OPERATIONS.md says.
fn dump_database(database_url: &str, file: &Path) {
    run(Command::new(postgres_tool("pg_dump"))
        .arg("--format=custom")
        .arg(format!("--file={}", file.display()))
        .arg(database_url));
}

/// `pg_restore` into an empty database, as docs/OPERATIONS.md says.
fn restore_database(file: &Path, database_url: &str) {
    run(Command::new(postgres_tool("pg_restore"))
        .args(["--exit-on-error", "--no-owner", "--no-privileges"])
        .arg(format!("--dbname={database_url}"))
        .arg(file));
}

/// rclone's configuration of the engine's S3 server, as docs/OPERATIONS.md gives it (a file
/// readable by its owner only: it holds the secret key).
fn write_rclone_config(path: &Path, s3: &S3Settings) {
    let config = format!(
        "[{REMOTE}]\n\
         type = s3\n\
         provider = Other\n\
         endpoint = {}\n\
         region = {}\n\
         access_key_id = {}\n\
         secret_access_key = {}\n\
         force_path_style = true\n",
        s3.endpoint, s3.region, s3.access_key, s3.secret_key
    );
    std::fs::write(path, config).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// `rclone ARGS` with only the given configuration file (never the user's own).
fn rclone(config: &Path, args: &[&str]) -> String {
    printed(&run(Command::new("rclone")
        .arg(format!("--config={}", config.display()))
        .args(args)
        // rclone's S3 client (aws-sdk-go) fails on any AWS_CA_BUNDLE, which some machines
        // set for their proxy; rclone takes a CA with its own --ca-cert instead.
        .env_remove("AWS_CA_BUNDLE")))
}

/// rclone is installed by the test command (scripts/with-test-postgres, from Debian's
/// packages) when it is missing.
fn require_rclone() {
    let found = Command::new("rclone")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "the backup test copies the bucket with rclone, which is not installed: run the tests \
         with scripts/test (it installs rclone from Debian's packages) or 'apt-get install rclone'"
    );
}

/// Everything the citizens, and a desk clerk, can read of the engine's data.
#[derive(Debug, Default)]
struct Snapshot {
    /// Dossier id → the dossier as its citizen reads it, with its timeline.
    dossiers: BTreeMap<String, Value>,
    /// Document id → the SHA-256 of the bytes its owner downloads, or the status refusing them.
    documents: BTreeMap<String, String>,
    /// Each citizen's document store and access log, and the clerk's queues.
    lists: BTreeMap<String, Value>,
}

/// The items of a list the engine pages, asked in one page.
async fn all_items(engine: &Engine, session: &Session, path: &str) -> Value {
    let (status, page) = get(engine, session, &format!("{path}?limit=200")).await;
    assert_eq!(status, 200, "{path}: {page}");
    assert!(page["next_cursor"].is_null(), "{path} needs one page");
    page["items"].clone()
}

async fn snapshot(engine: &Engine, citizens: &[&str]) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for pin in citizens {
        let citizen = login(engine, "citizen", pin).await;
        let listed = all_items(engine, &citizen, "/v1/dossiers").await;
        let mut document_ids = Vec::new();
        for item in listed.as_array().unwrap() {
            let id = item["id"].as_str().unwrap();
            let (_, dossier) = get(engine, &citizen, &format!("/v1/dossiers/{id}")).await;
            let (_, events) = get(engine, &citizen, &format!("/v1/dossiers/{id}/events")).await;
            for document in dossier["documents"].as_array().into_iter().flatten() {
                if let Some(id) = document["id"].as_str() {
                    document_ids.push(id.to_owned());
                }
            }
            snapshot.dossiers.insert(
                id.to_owned(),
                json!({ "listed": item, "dossier": dossier, "events": events }),
            );
        }
        let store = all_items(engine, &citizen, "/v1/me/documents").await;
        for document in store.as_array().unwrap() {
            document_ids.push(document["id"].as_str().unwrap().to_owned());
        }
        for id in document_ids {
            let download = client()
                .get(engine.at(&format!("/v1/attachments/{id}/content")))
                .bearer_auth(&citizen.token)
                .send()
                .await
                .unwrap();
            let read = match download.status().as_u16() {
                200 => match download.bytes().await {
                    Ok(bytes) => hex_sha256(&bytes),
                    Err(e) => format!("broken off: {e}"),
                },
                status => format!("status {status}"),
            };
            snapshot.documents.insert(id, read);
        }
        snapshot.lists.insert(format!("{pin} store"), store);
        snapshot.lists.insert(
            format!("{pin} access log"),
            all_items(engine, &citizen, "/v1/me/access-log").await,
        );
    }
    let clerk = login(engine, "staff", CLERK).await;
    let (_, queues) = get(engine, &clerk, "/v1/queues").await;
    snapshot.lists.insert("clerk's queues".into(), queues);
    snapshot
}

/// The entries of `before` (dossiers, or documents' SHA-256) that `after` lacks or shows
/// otherwise.
fn lost<V: PartialEq + std::fmt::Display>(
    before: &BTreeMap<String, V>,
    after: &BTreeMap<String, V>,
) -> Vec<String> {
    before
        .iter()
        .filter(|(id, seen)| after.get(*id) != Some(seen))
        .map(|(id, seen)| match after.get(id) {
            Some(now) => format!("{id}: was {seen}, now {now}"),
            None => format!("{id}: was {seen}, now missing"),
        })
        .collect()
}

/// Dossiers of every kind the engine keeps files for, in several states: submitted with an
/// upload (a THPT photo; a correction with a scan large enough for a multipart upload), a
/// copy processed to its electronic result, a draft with an upload, a second citizen's.
async fn fill(engine: &Engine) {
    let client = client();
    let minh = login(engine, "citizen", MINH).await;
    // A second citizen, so that the restore is checked for more than one person's data.
    let thang = login(engine, "citizen", THANG).await;
    let clerk = login(engine, "staff", CLERK).await;
    let specialist = login(engine, "staff", SPECIALIST).await;
    let approver = login(engine, "staff", APPROVER).await;

    // THPT registration with its photo, submitted.
    let data = dossiers::thpt_data();
    let thpt = dossiers::filled_draft(engine, &client, &minh, THPT, &data).await;
    put_file(
        engine,
        &minh,
        &format!("/v1/dossiers/{thpt}/documents/photo"),
        "image/jpeg",
        jpeg(40_000),
    )
    .await;
    dossiers::submit(engine, &client, &minh, &thpt).await;

    // A correction with a 6 MiB scan: the engine stores it in 5 MiB parts.
    let correction =
        dossiers::filled_draft(engine, &client, &minh, CORRECTION, &correction_data()).await;
    let scan = pdf(6 * 1024 * 1024 + 123);
    let stored = put_file(
        engine,
        &minh,
        &format!("/v1/dossiers/{correction}/documents/diploma"),
        "application/pdf",
        scan.clone(),
    )
    .await;
    assert_eq!(stored["sha256"], hex_sha256(&scan));
    dossiers::submit(engine, &client, &minh, &correction).await;

    // A diploma copy processed to its electronic result, which reaches the citizen's store.
    let copy = dossiers::submitted_copy(engine, &client, &minh).await;
    for (who, action) in [
        (&clerk, "receive"),
        (&specialist, "propose"),
        (&approver, "approve"),
    ] {
        let (status, body) = act(engine, who, &copy, action, json!({})).await;
        assert_eq!(status, 200, "{action}: {body}");
    }
    put_file(
        engine,
        &specialist,
        &format!("/v1/dossiers/{copy}/results/BS-2025-000777"),
        "application/pdf",
        b"%PDF-1.7 Ban sao van bang tu so goc".to_vec(),
    )
    .await;
    let (status, body) = act(engine, &specialist, &copy, "issue_result", json!({})).await;
    assert_eq!(status, 200, "issue_result: {body}");

    // A draft with an upload, not submitted.
    let draft =
        dossiers::filled_draft(engine, &client, &thang, CORRECTION, &correction_data()).await;
    put_file(
        engine,
        &thang,
        &format!("/v1/dossiers/{draft}/documents/diploma"),
        "image/png",
        [b"\x89PNG\r\n\x1a\n".as_slice(), &[7u8; 5000]].concat(),
    )
    .await;
    // And the second citizen's submitted copy.
    dossiers::submitted_copy(engine, &client, &thang).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dump_then_a_bucket_copy_restores_every_dossier_and_document_on_new_servers() {
    require_rclone();
    let started = std::time::Instant::now();
    let database = PrivateCluster::start().await;
    let storage = PrivateS3::start().await;
    let options = |database_url: String, s3: S3Settings| EngineOptions {
        clock: Some(motcua_tests::engine::THPT_WINDOW_2025.into()),
        database_url: Some(database_url),
        s3: Some(s3),
        ..Default::default()
    };
    let engine = Engine::start_with(options(database.database_url(), storage.settings())).await;
    fill(&engine).await;
    let before = snapshot(&engine, &[MINH, THANG]).await;
    assert_eq!(before.dossiers.len(), 5, "{:?}", before.dossiers.keys());
    // Photo, scan, draft's scan, the electronic result; every one readable.
    assert!(before.documents.len() >= 4, "{:?}", before.documents);
    assert!(
        before.documents.values().all(|sha| sha.len() == 64),
        "{:?}",
        before.documents
    );
    for entry in before.dossiers.values() {
        for document in entry["dossier"]["documents"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let id = document["id"].as_str().unwrap();
            assert_eq!(
                document["sha256"].as_str(),
                before.documents.get(id).map(String::as_str)
            );
        }
    }

    // The backup: the database first, then the bucket.
    let backup = TempDir::new();
    let dump = backup.0.join("motcua.dump");
    let files = backup.0.join("files");
    let rclone_conf = backup.0.join("rclone.conf");
    dump_database(&database.database_url(), &dump);
    // Work goes on meanwhile: an upload after the dump is in the copy but not in the dump.
    let minh = login(&engine, "citizen", MINH).await;
    let late =
        dossiers::filled_draft(&engine, &client(), &minh, CORRECTION, &correction_data()).await;
    put_file(
        &engine,
        &minh,
        &format!("/v1/dossiers/{late}/documents/diploma"),
        "application/pdf",
        pdf(2000),
    )
    .await;
    let source = storage.settings();
    write_rclone_config(&rclone_conf, &source);
    let bucket = format!("{REMOTE}:{}", source.bucket);
    rclone(&rclone_conf, &["copy", &bucket, &files.to_string_lossy()]);
    // Exits non-zero on a difference (the engine's multipart objects are compared by size:
    // their ETag is no MD5).
    rclone(
        &rclone_conf,
        &["check", "--one-way", &bucket, &files.to_string_lossy()],
    );
    let copied = rclone(
        &rclone_conf,
        &["lsf", "-R", "--files-only", &files.to_string_lossy()],
    );
    // The four documents and the late upload (the issued result is a document too).
    assert!(copied.lines().count() >= 5, "{copied}");

    // Disaster: the engine, its PostgreSQL cluster and its S3 server are gone.
    drop(engine);
    drop(database);
    drop(storage);

    // The restore: an empty database on a new cluster, an empty bucket on a new server.
    let database = PrivateCluster::start().await;
    let storage = PrivateS3::start().await;
    restore_database(&dump, &database.database_url());
    let target = storage.settings();
    write_rclone_config(&rclone_conf, &target);
    let bucket = format!("{REMOTE}:{}", target.bucket);
    rclone(&rclone_conf, &["copy", &files.to_string_lossy(), &bucket]);
    rclone(
        &rclone_conf,
        &["check", "--one-way", &files.to_string_lossy(), &bucket],
    );
    // docs/OPERATIONS.md's check of a restore: every document row's object is in the bucket.
    let rows: Vec<String> = {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&database.database_url())
            .await
            .unwrap();
        sqlx::query_scalar("select storage_key from document where object_removed_at is null")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    };
    let objects = rclone(&rclone_conf, &["lsf", "-R", "--files-only", &bucket]);
    let objects: Vec<&str> = objects.lines().collect();
    assert!(rows.len() >= 4, "{rows:?}");
    let missing: Vec<&String> = rows
        .iter()
        .filter(|key| !objects.contains(&key.as_str()))
        .collect();
    assert!(missing.is_empty(), "rows without their object: {missing:?}");

    let restored = Engine::start_with(options(database.database_url(), target.clone())).await;
    let after = snapshot(&restored, &[MINH, THANG]).await;
    assert_eq!(
        lost(&before.dossiers, &after.dossiers),
        Vec::<String>::new()
    );
    assert_eq!(
        lost(&before.documents, &after.documents),
        Vec::<String>::new()
    );
    assert_eq!(before.lists, after.lists);
    assert_eq!(
        after.dossiers.keys().collect::<Vec<_>>(),
        before.dossiers.keys().collect::<Vec<_>>(),
        "the draft made after the dump is not restored"
    );
    assert!(!after.dossiers.contains_key(&late));

    // Each half alone is not a backup. The dump without the files: every dossier is there,
    // no document can be read.
    let without_files = Engine::start_with(options(
        database.database_url(),
        motcua_tests::garage::shared_bucket().await,
    ))
    .await;
    let seen = snapshot(&without_files, &[MINH, THANG]).await;
    drop(without_files);
    assert_eq!(lost(&before.dossiers, &seen.dossiers), Vec::<String>::new());
    assert_eq!(
        lost(&before.documents, &seen.documents).len(),
        before.documents.len()
    );
    // The files without the dump: no dossier, no document. (The sweep of this engine leaves
    // the objects alone only because they are younger than its 10 minutes; docs/OPERATIONS.md
    // says never to start an engine on a restored bucket before its database is restored.)
    let without_dump = Engine::start_with(options(fresh_database().await, target)).await;
    let seen = snapshot(&without_dump, &[MINH, THANG]).await;
    drop(without_dump);
    assert_eq!(
        lost(&before.dossiers, &seen.dossiers).len(),
        before.dossiers.len()
    );
    assert_eq!(
        lost(&before.documents, &seen.documents).len(),
        before.documents.len()
    );

    // The restored engine works on: a clerk takes the submitted correction and receives it,
    // the second citizen uploads to her draft.
    let clerk = login(&restored, "staff", CLERK).await;
    let (status, claimed) = api::claim(&restored, &clerk, "3.000466:submitted").await;
    assert_eq!(status, 200);
    let id = claimed["id"].as_str().unwrap();
    let (status, received) = act(&restored, &clerk, id, "receive", json!({})).await;
    assert_eq!(
        (status, received["state"].as_str()),
        (200, Some("processing")),
        "{received}"
    );
    let thang = login(&restored, "citizen", THANG).await;
    let draft = before
        .dossiers
        .values()
        .find(|d| {
            d["dossier"]["state"] == "draft" && d["dossier"]["data"]["applicant"]["pin"] == THANG
        })
        .map(|d| d["dossier"]["id"].as_str().unwrap().to_owned())
        .unwrap();
    put_file(
        &restored,
        &thang,
        &format!("/v1/dossiers/{draft}/documents/diploma"),
        "application/pdf",
        pdf(3000),
    )
    .await;
    eprintln!("backup and restore: {:.1?}", started.elapsed());
}
