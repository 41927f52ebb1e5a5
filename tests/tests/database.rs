//! Guarantees the database itself keeps, whatever code talks to it.

use motcua_tests::{login, Engine};
use serde_json::json;
use sqlx::Connection;

#[tokio::test]
async fn the_event_table_refuses_update_and_delete() {
    let engine = Engine::start().await;
    let citizen = login(&engine, "citizen", "001207001234").await;
    let created = reqwest::Client::new()
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(&citizen.token)
        .json(&json!({ "procedure": "3.000465" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    let (events,): (i64,) = sqlx::query_as("select count(*) from dossier_event")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(events, 1, "the draft's creation is on the timeline");

    let update = sqlx::query("update dossier_event set action = 'forged'")
        .execute(&mut db)
        .await;
    assert!(update.is_err(), "UPDATE on dossier_event succeeded");
    let delete = sqlx::query("delete from dossier_event")
        .execute(&mut db)
        .await;
    assert!(delete.is_err(), "DELETE on dossier_event succeeded");
    let truncate = sqlx::query("truncate dossier_event cascade")
        .execute(&mut db)
        .await;
    assert!(truncate.is_err(), "TRUNCATE on dossier_event succeeded");

    let (after,): (i64,) =
        sqlx::query_as("select count(*) from dossier_event where action <> 'forged'")
            .fetch_one(&mut db)
            .await
            .unwrap();
    assert_eq!(after, 1);
}

#[tokio::test]
async fn a_loaded_procedure_version_cannot_change_content() {
    let engine = Engine::start().await;
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    let (content,): (serde_json::Value,) = sqlx::query_as(
        "select content from procedure_version where code = '3.000465' and version = 4",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    let database_url = engine.database_url.clone();
    drop(engine);

    // The same code and version with other content: the engine refuses to start.
    let folder = motcua_tests::engine::tempdir::TempDir::new();
    let dir = &folder.0;
    let mut changed = content.clone();
    changed["name"]["vi"] = json!("Tên đã bị sửa");
    std::fs::write(dir.join("3.000465.json"), changed.to_string()).unwrap();
    let stderr = {
        // The same database the first engine loaded version 4 into.
        let out = std::process::Command::new(motcua_tests::engine::motcua_binary())
            .arg("dev")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("MOTCUA_LISTEN", "127.0.0.1:0")
            .env("MOTCUA_DATA_DIR", dir)
            .env("MOTCUA_PROCEDURES_DIR", dir)
            .env("DATABASE_URL", &database_url)
            .env("OIDC_ISSUER", "http://127.0.0.1:9")
            .env("OIDC_CLIENT_ID", "x")
            .env("OIDC_CLIENT_SECRET", "y")
            .env("MOTCUA_TOKEN_SECRET", motcua_tests::TEST_TOKEN_SECRET)
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "the engine started with a changed procedure version"
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(
        stderr.contains("3.000465") && stderr.contains("version 4"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_submission_whose_writes_disagree_is_refused_and_nothing_is_kept() {
    use motcua_store::events::NewEvent;
    use motcua_store::facts::{Fact, Flags};
    use motcua_store::submissions::{self, Submission, SubmissionWrites};
    use motcua_store::StoreError;

    let engine = Engine::start().await;
    let citizen = login(&engine, "citizen", "001207001234").await;
    let draft =
        motcua_tests::dossiers::filled_copy_draft(&engine, &reqwest::Client::new(), &citizen)
            .await
            .parse::<uuid::Uuid>()
            .unwrap();
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    let now = chrono::Utc::now();
    // The event and the facts name another dossier than the one submitted: the statement
    // would submit the draft and write neither.
    let elsewhere = uuid::Uuid::new_v4();
    let no = Flags::default();
    let mut tx = db.begin().await.unwrap();
    let recorded = submissions::record(
        &mut tx,
        SubmissionWrites {
            submission: Submission {
                id: draft,
                agency_id: "SGDDT-HN",
                state: "submitted",
                code: "SGDDT-HN-261124-9999",
                submitted_at: now,
                ack_due_at: now,
            },
            event: NewEvent {
                dossier_id: elsewhere,
                at: now,
                actor_kind: "citizen",
                actor: "001207001234",
                action: "submit",
                from_state: Some("draft"),
                to_state: "submitted",
                comment: None,
                detail: json!({}),
            },
            fact: Fact {
                dossier_id: elsewhere,
                agency_id: "SGDDT-HN",
                procedure_code: "3.000465",
                submitted_at: now,
                channel: "online",
                received: false,
                withdrawn: false,
                finished_at: None,
                due_at: None,
                supplement_requests: 0,
                on_time: no,
                online: no,
                eresult: no,
                digitised: no,
                reuse: no,
                store: no,
                register: no,
                prefill_fields: 0,
                prefilled: 0,
            },
            answer: None,
        },
    )
    .await;
    assert!(
        matches!(recorded, Err(StoreError::Incomplete(_))),
        "{recorded:?}"
    );
    // The caller's transaction is dropped on the error, as the engine's is.
    drop(tx);
    let state: String = sqlx::query_scalar("select state from dossier where id = $1")
        .bind(draft)
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(state, "draft");
}
