//! Upgrades (issue 9): migrations only move forward. Data written under an older schema is
//! intact and usable once `motcua migrate` has brought the database to the latest one, and
//! an engine refuses, saying why, a database that a newer motcua has migrated.
//!
//! The older schema is that of the first three migrations (the earliest with documents and
//! the register's access log), applied through sqlx from copies of those files; the test
//! migrates to whatever `migrations/` holds now, so it stays right as migrations are added.

use motcua_files::FileStore;
use motcua_tests::accounts::{CLERK, MINH};
use motcua_tests::api::{self, act, claim, download, get};
use motcua_tests::command::{self, motcua};
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::postgres::fresh_database;
use motcua_tests::{hex_sha256, login, workspace_root, Engine, EngineOptions};
use serde_json::{json, Value};
use sqlx::migrate::{MigrationType, Migrator};
use sqlx::{Connection, PgConnection};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How many migrations the older schema has.
const OLDER_SCHEMA: usize = 3;

fn migration_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(workspace_root().join("migrations"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
}

/// A migrator of `files` and the `extra` migrations (name, SQL) only, resolved by sqlx from a
/// folder holding copies of them: the same versions and checksums as the engine's own.
async fn migrator_of(files: &[PathBuf], extra: &[(&str, &str)]) -> Migrator {
    let dir = TempDir::new();
    for file in files {
        std::fs::copy(file, dir.0.join(file.file_name().unwrap())).unwrap();
    }
    for (name, sql) in extra {
        std::fs::write(dir.0.join(name), sql).unwrap();
    }
    Migrator::new(dir.0.as_path()).await.unwrap()
}

fn version_of(file: &Path) -> i64 {
    let name = file.file_name().unwrap().to_string_lossy();
    name.split('_').next().unwrap().parse().unwrap()
}

async fn applied_versions(database_url: &str) -> Vec<i64> {
    let mut conn = PgConnection::connect(database_url).await.unwrap();
    sqlx::query_scalar("select version from _sqlx_migrations where success order by version")
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

/// Whether the dossier's indicator fact says it was received; `None` without a fact.
async fn fact_received(conn: &mut PgConnection, dossier: uuid::Uuid) -> Option<bool> {
    sqlx::query_scalar("select received from dossier_fact where dossier_id = $1")
        .bind(dossier)
        .fetch_optional(conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn there_are_only_forward_migrations() {
    let files = migration_files();
    assert!(files.len() > OLDER_SCHEMA, "{files:?}");
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        // sqlx takes `.up.sql` / `.down.sql` pairs as reversible; the engine has none.
        let (version, rest) = name.split_once('_').unwrap_or(("", ""));
        assert!(
            version.len() == 14
                && version.chars().all(|c| c.is_ascii_digit())
                && rest.ends_with(".sql")
                && !rest.ends_with(".up.sql")
                && !rest.ends_with(".down.sql")
                && rest
                    .trim_end_matches(".sql")
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{name}: a migration is VERSION_name.sql, forward only"
        );
    }
    let migrator = migrator_of(&files, &[]).await;
    assert_eq!(migrator.iter().count(), files.len());
    for migration in migrator.iter() {
        assert_eq!(
            migration.migration_type,
            MigrationType::Simple,
            "migration {} is not a plain forward migration",
            migration.version
        );
    }
}

/// What the older engine wrote of one dossier, bound into [`write_older_data`].
struct OlderDossier<'a> {
    procedure: &'a Value,
    version: i32,
    dossier: uuid::Uuid,
    data: &'a Value,
    prefill: &'a Value,
    register_request: uuid::Uuid,
    document: uuid::Uuid,
    scan: &'a [u8],
    storage_key: &'a str,
}

/// A diploma-correction dossier as the engine wrote it under the older schema (migrations 1
/// to 3; the code of that time is commit 45927b5): drafted with a register read, filled,
/// its diploma scan uploaded, submitted on Friday 20/11/2026 at 09:30 (02:30 UTC).
async fn write_older_data(conn: &mut PgConnection, old: &OlderDossier<'_>) {
    let mut tx = conn.begin().await.unwrap();
    sqlx::query(
        "insert into procedure_version (code, version, content, loaded_at)
         values ('3.000466', $1, $2, '2026-11-19T01:00:00Z')",
    )
    .bind(old.version)
    .bind(old.procedure)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "insert into dossier (id, procedure_code, procedure_version, citizen_pin, agency_id,
                              channel, state, data, prefill, code, submitted_at, ack_due_at,
                              created_at, updated_at, flags)
         values ($1, '3.000466', $2, $3, 'SGDDT-HN', 'online', 'submitted', $4, $5,
                 'SGDDT-HN-261120-0001', '2026-11-20T02:30:00Z', '2026-11-23T02:30:00Z',
                 '2026-11-20T02:12:00Z', '2026-11-20T02:30:00Z', '{}')",
    )
    .bind(old.dossier)
    .bind(old.version)
    .bind(MINH)
    .bind(old.data)
    .bind(old.prefill)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "insert into dossier_code_sequence (agency_id, day, last_value)
         values ('SGDDT-HN', '2026-11-20', 1)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "insert into register_access (at, actor_kind, actor, subject_pin, fields, procedure_code,
                                      dossier_id, purpose, outcome, request_id, source)
         values ('2026-11-20T02:12:00Z', 'citizen', $1, $1,
                 array['pin', 'full_name', 'birth_date', 'birth_place', 'permanent_address',
                       'status'],
                 '3.000466', $2, 'điền sẵn hồ sơ khi tạo / prefill of a new draft', 'ok', $3,
                 'register')",
    )
    .bind(MINH)
    .bind(old.dossier)
    .bind(old.register_request)
    .execute(&mut *tx)
    .await
    .unwrap();
    let size = i64::try_from(old.scan.len()).unwrap();
    let sha256 = hex_sha256(old.scan);
    sqlx::query(
        "insert into document (id, owner_pin, kind, file_name, content_type, size, sha256,
                               storage_key, created_at)
         values ($1, $2, 'upload', 'van-bang.pdf', 'application/pdf', $3, $4, $5,
                 '2026-11-20T02:20:00Z')",
    )
    .bind(old.document)
    .bind(MINH)
    .bind(size)
    .bind(&sha256)
    .bind(old.storage_key)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "insert into dossier_document (dossier_id, requirement, document_id, source, digitised,
                                       added_by_kind, added_by, added_at)
         values ($1, 'diploma', $2, 'upload', true, 'citizen', $3, '2026-11-20T02:20:00Z')",
    )
    .bind(old.dossier)
    .bind(old.document)
    .bind(MINH)
    .execute(&mut *tx)
    .await
    .unwrap();
    let events = [
        (
            "2026-11-20T02:12:00Z",
            "create_draft",
            None,
            "draft",
            json!({ "register": { "outcome": "ok", "request_id": old.register_request },
                    "flags": [] }),
        ),
        (
            "2026-11-20T02:15:00Z",
            "patch",
            Some("draft"),
            "draft",
            json!({ "fields": ["applicant", "correction", "diploma"] }),
        ),
        (
            "2026-11-20T02:20:00Z",
            "add_document",
            Some("draft"),
            "draft",
            json!({ "requirement": "diploma", "document": old.document, "source": "upload",
                    "sha256": sha256, "size": size }),
        ),
        (
            "2026-11-20T02:30:00Z",
            "submit",
            Some("draft"),
            "submitted",
            json!({ "code": "SGDDT-HN-261120-0001", "channel": "online" }),
        ),
    ];
    for (at, action, from_state, to_state, detail) in events {
        sqlx::query(
            "insert into dossier_event (dossier_id, at, actor_kind, actor, action, from_state,
                                        to_state, detail)
             values ($1, $2::timestamptz, 'citizen', $3, $4, $5, $6, $7)",
        )
        .bind(old.dossier)
        .bind(at)
        .bind(MINH)
        .bind(action)
        .bind(from_state)
        .bind(to_state)
        .bind(detail)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_written_under_an_older_schema_is_intact_and_usable_after_the_upgrade() {
    let started = Instant::now();
    let files = migration_files();
    let database_url = fresh_database().await;
    let mut conn = PgConnection::connect(&database_url).await.unwrap();
    migrator_of(&files[..OLDER_SCHEMA], &[])
        .await
        .run(&mut conn)
        .await
        .unwrap();
    let has_column = |column: &'static str| {
        sqlx::query_scalar::<_, bool>(
            "select exists (select 1 from information_schema.columns
                            where table_name = 'dossier' and column_name = $1)",
        )
        .bind(column)
    };
    // Truly the older schema: no claims yet.
    assert!(!has_column("assigned_to")
        .fetch_one(&mut conn)
        .await
        .unwrap());

    // The procedure as the engine loads it now, so that it finds the version it stored.
    let procedure: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("procedures/3.000466.json")).unwrap(),
    )
    .unwrap();
    let version = i32::try_from(procedure["version"].as_i64().unwrap()).unwrap();
    let dossier = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        1_795_659_120,
        0,
    ));
    let document = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        1_795_659_600,
        0,
    ));
    let register_request = uuid::Uuid::new_v4();
    let storage_key = format!("dossiers/{dossier}/{document}");
    let scan = b"%PDF-1.7 van bang tot nghiep THPT 2025, ho ten in sai".to_vec();
    let data = json!({
        "applicant": { "pin": MINH, "full_name": "Nguyễn Đức Minh", "birth_date": "2007-03-14",
                       "birth_place": "Hà Nội", "address": "Số 12 phố Hàng Bài, Hoàn Kiếm, Hà Nội",
                       "phone": "0912345678" },
        "diploma": { "kind": "thpt", "serial": "HN-2025-001234", "year_awarded": 2025,
                     "issued_by": "Sở GD&ĐT Hà Nội" },
        "correction": { "item": "holder_name", "printed": "Nguyen Duc Minh",
                        "corrected": "Nguyễn Đức Minh", "grounds": "issuer_error" }
    });
    let stamp = |source: &str| {
        json!({ "source": source, "fetched_at": "2026-11-20T09:12:00+07:00", "locked": true,
                "request_id": register_request.to_string() })
    };
    let prefill = json!({
        "/applicant/pin": stamp("pin"),
        "/applicant/full_name": stamp("full_name"),
        "/applicant/birth_date": stamp("birth_date"),
        "/applicant/birth_place": stamp("birth_place"),
        "/applicant/address": stamp("permanent_address.text"),
    });
    write_older_data(
        &mut conn,
        &OlderDossier {
            procedure: &procedure,
            version,
            dossier,
            data: &data,
            prefill: &prefill,
            register_request,
            document,
            scan: &scan,
            storage_key: &storage_key,
        },
    )
    .await;
    let s3 = motcua_tests::garage::shared_bucket().await;
    let body: motcua_files::ByteStream = Box::pin(futures::stream::once({
        let scan = scan.clone();
        async move { Ok(bytes::Bytes::from(scan)) }
    }));
    s3.store()
        .put(&storage_key, "application/pdf", body, 1 << 20)
        .await
        .unwrap();

    // The upgrade, as docs/OPERATIONS.md says: `motcua migrate`, then the engine.
    let (ok, printed) = motcua(&["migrate"], &[("DATABASE_URL", &database_url)]);
    assert!(ok, "{printed}");
    assert!(printed.contains("migrations applied"), "{printed}");
    assert_eq!(
        applied_versions(&database_url).await,
        files.iter().map(|f| version_of(f)).collect::<Vec<_>>()
    );
    assert!(has_column("assigned_to")
        .fetch_one(&mut conn)
        .await
        .unwrap());

    // The indicator facts came with a later migration that fills nothing in: an older
    // dossier counts in the reports once `motcua facts rebuild` has run, as
    // docs/OPERATIONS.md says to do after such an upgrade.
    assert_eq!(fact_received(&mut conn, dossier).await, None);
    let procedures_dir = workspace_root().join("procedures");
    let (ok, printed) = motcua(
        &["facts", "rebuild"],
        &[
            ("DATABASE_URL", &database_url),
            ("MOTCUA_PROCEDURES_DIR", &procedures_dir.to_string_lossy()),
        ],
    );
    assert!(ok, "{printed}");
    assert!(
        printed.contains("rebuilt the facts of 1 dossier"),
        "{printed}"
    );
    assert_eq!(fact_received(&mut conn, dossier).await, Some(false));
    let engine = Engine::start_with(EngineOptions {
        clock: Some("2026-11-23T08:00:00+07:00".into()),
        database_url: Some(database_url.clone()),
        s3: Some(s3),
        ..Default::default()
    })
    .await;

    // The citizen finds the dossier as it was, with its document and its history.
    let minh = login(&engine, "citizen", MINH).await;
    let (status, list) = get(&engine, &minh, "/v1/dossiers").await;
    assert_eq!(status, 200, "{list}");
    let listed: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(listed, ["SGDDT-HN-261120-0001"]);
    let (status, read) = get(&engine, &minh, &format!("/v1/dossiers/{dossier}")).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["state"], "submitted");
    assert_eq!(read["code"], "SGDDT-HN-261120-0001");
    assert_eq!(read["data"], data);
    assert_eq!(read["prefill"], prefill);
    assert_eq!(read["submitted_at"], "2026-11-20T09:30:00+07:00");
    assert_eq!(read["documents"][0]["requirement"], "diploma");
    assert_eq!(read["documents"][0]["sha256"], hex_sha256(&scan));
    let (status, downloaded) = download(&engine, &minh, &document.to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(downloaded, scan);
    let actions = api::timeline_actions(&engine, &minh, &dossier.to_string()).await;
    assert_eq!(actions, ["create_draft", "patch", "add_document", "submit"]);
    let (_, log) = get(&engine, &minh, "/v1/me/access-log").await;
    let read_for_it = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == "register" && r["dossier_id"] == dossier.to_string())
        .cloned();
    assert!(read_for_it.is_some(), "{log}");
    let (_, store) = get(&engine, &minh, "/v1/me/documents").await;
    assert_eq!(store["items"][0]["id"], document.to_string(), "{store}");

    // A clerk finds it in the desk's queue, takes it and receives it: the legal clock runs.
    let clerk = login(&engine, "staff", CLERK).await;
    let (_, queues) = get(&engine, &clerk, "/v1/queues").await;
    let desk = queues["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == "3.000466:submitted")
        .cloned()
        .unwrap_or_else(|| panic!("no desk queue in {queues}"));
    assert_eq!(desk["count"], 1, "{desk}");
    // Not asserted: its `oldest_due_at`. The older engine kept only `ack_due_at`, and the
    // processing migration derives no step deadline from it, so the queue shows none for a
    // dossier submitted before it (and never counts it overdue at the desk).
    let (status, claimed) = claim(&engine, &clerk, "3.000466:submitted").await;
    assert_eq!(status, 200);
    assert_eq!(claimed["id"], dossier.to_string());
    let (status, received) = act(&engine, &clerk, &dossier.to_string(), "receive", json!({})).await;
    assert_eq!(status, 200, "{received}");
    assert_eq!(received["state"], "processing");
    assert_eq!(received["clock"]["state"], "running");
    assert!(received["due_at"].is_string(), "{received}");
    let (status, receipt) = get(
        &engine,
        &minh,
        &format!("/v1/dossiers/{dossier}/slips/receipt"),
    )
    .await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["dossier_code"], "SGDDT-HN-261120-0001");

    // The fact is the received one the clerk's action wrote over the rebuilt one.
    assert_eq!(fact_received(&mut conn, dossier).await, Some(true));
    // The timeline written under the older schema is still append-only.
    let changed = sqlx::query("update dossier_event set comment = 'x' where dossier_id = $1")
        .bind(dossier)
        .execute(&mut conn)
        .await;
    assert!(changed.is_err(), "an old event could be changed");
    eprintln!("upgrade with data: {:.1?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_a_newer_motcua_migrated_is_refused_with_the_reason() {
    let started = Instant::now();
    let database_url = fresh_database().await;
    let env = [("DATABASE_URL", database_url.as_str())];
    for _ in 0..2 {
        let (ok, printed) = motcua(&["migrate"], &env);
        assert!(ok, "migrate, and migrate again, succeed: {printed}");
    }
    // A newer motcua's migration, applied as that motcua would.
    let future = 99_991_231_000_000_i64;
    let mut conn = PgConnection::connect(&database_url).await.unwrap();
    migrator_of(
        &migration_files(),
        &[(
            "99991231000000_from_a_newer_motcua.sql",
            "create table from_a_newer_motcua (id integer);",
        )],
    )
    .await
    .run(&mut conn)
    .await
    .unwrap();
    let before = applied_versions(&database_url).await;
    assert_eq!(before.last(), Some(&future));

    let (ok, printed) = motcua(&["migrate"], &env);
    assert!(!ok, "migrate accepted a newer schema: {printed}");
    for words in ["99991231000000", "newer motcua", "only move forward"] {
        assert!(printed.contains(words), "{words:?} in {printed}");
    }

    // `serve` refuses before serving anything, with the same reason.
    let procedures_dir = workspace_root().join("procedures");
    let procedures_dir = procedures_dir.to_string_lossy();
    let serve_env = [
        ("DATABASE_URL", database_url.as_str()),
        ("MOTCUA_LISTEN", "127.0.0.1:0"),
        ("MOTCUA_PUBLIC_URL", "https://dichvucong.example.vn"),
        ("MOTCUA_TOKEN_SECRET", motcua_tests::TEST_TOKEN_SECRET),
        ("MOTCUA_PROCEDURES_DIR", &procedures_dir),
        ("S3_ENDPOINT", "http://127.0.0.1:9"),
        ("S3_REGION", "garage"),
        ("S3_BUCKET", "motcua"),
        ("S3_ACCESS_KEY", "GK0123456789abcdef01234567"),
        ("S3_SECRET_KEY", "not-used-the-database-is-refused-first"),
        ("OIDC_ISSUER", "http://127.0.0.1:9"),
        ("OIDC_CLIENT_ID", "motcua"),
        ("OIDC_CLIENT_SECRET", "not-used-either"),
        ("REGISTRY_URL", "http://127.0.0.1:9"),
        ("REGISTRY_TOKEN", "not-used-either"),
    ];
    let mut serve = Command::new(motcua_tests::engine::motcua_binary())
        .arg("serve")
        .env_clear()
        .envs(serve_env.iter().map(|(k, v)| (*k, v.to_string())))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = serve.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = serve.kill();
            panic!("motcua serve is running on a database a newer motcua migrated");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let printed = command::printed(&serve.wait_with_output().unwrap());
    assert!(!status.success(), "{printed}");
    for words in ["99991231000000", "newer motcua", "only move forward"] {
        assert!(printed.contains(words), "{words:?} in {printed}");
    }
    // Nothing was undone or added.
    assert_eq!(applied_versions(&database_url).await, before);
    eprintln!("newer schema refused: {:.1?}", started.elapsed());
}

/// Procedure versions move forward too: a dossier filed under a version whose file has since
/// left the folder (replaced by a newer version, as every procedure was when they gained
/// their `retention`) is still read and handled by that version, from the database's record
/// of it.
#[tokio::test]
async fn a_dossier_of_an_earlier_procedure_version_is_handled_after_its_file_left_the_folder() {
    let mut engine = Engine::start().await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let id = motcua_tests::dossiers::submitted_copy(&engine, &client, &minh).await;
    let mut db = PgConnection::connect(&engine.database_url).await.unwrap();
    // The earlier version as it was published: without a retention, under another version.
    let current: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("procedures/3.000465.json")).unwrap(),
    )
    .unwrap();
    let earlier_version = current["version"].as_i64().unwrap() - 1;
    let mut earlier = current.clone();
    earlier.as_object_mut().unwrap().remove("retention");
    earlier["version"] = json!(earlier_version);
    sqlx::query(
        "insert into procedure_version (code, version, content) values ('3.000465', $1, $2)",
    )
    .bind(i32::try_from(earlier_version).unwrap())
    .bind(&earlier)
    .execute(&mut db)
    .await
    .unwrap();
    sqlx::query("update dossier set procedure_version = $1 where id = $2::uuid")
        .bind(i32::try_from(earlier_version).unwrap())
        .bind(&id)
        .execute(&mut db)
        .await
        .unwrap();
    engine.kill();
    engine.restart().await;

    let (status, dossier) = get(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(status, 200, "{dossier}");
    assert_eq!(dossier["procedure"]["version"], earlier_version);
    let clerk = login(&engine, "staff", CLERK).await;
    let (status, received) = act(&engine, &clerk, &id, "receive", json!({})).await;
    assert_eq!(
        (status, received["state"].as_str()),
        (200, Some("processing")),
        "{received}"
    );
    // New dossiers get the current version.
    let (status, draft) = motcua_tests::api::post(
        &engine,
        &minh,
        "/v1/dossiers",
        json!({ "procedure": "3.000465" }),
    )
    .await;
    assert_eq!(
        (status, &draft["procedure"]["version"]),
        (201, &current["version"])
    );
}
