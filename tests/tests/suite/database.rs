//! Guarantees the database itself keeps, whatever code talks to it.

use motcua_tests::accounts::MINH;
use motcua_tests::{login, Engine};
use serde_json::json;
use sqlx::Connection;

#[tokio::test]
async fn the_event_table_refuses_update_and_delete() {
    let engine = Engine::start().await;
    let citizen = login(&engine, "citizen", MINH).await;
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
    // The version the engine loaded from the folder: the newest recorded.
    let (version, content): (i32, serde_json::Value) = sqlx::query_as(
        "select version, content from procedure_version where code = '3.000465'
         order by version desc limit 1",
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
        // The same database the first engine loaded that version into.
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
        stderr.contains("3.000465") && stderr.contains(&format!("version {version}")),
        "{stderr}"
    );
}

/// A submission's writes for the store's tests: `dossier`'s, with the event and the facts
/// naming `written_for` (the same dossier, unless a test wants them to disagree).
fn submission_writes<'a>(
    dossier: uuid::Uuid,
    version: motcua_store::submissions::RowVersion,
    written_for: uuid::Uuid,
    answer: Option<motcua_store::submissions::KeptAnswer<'a>>,
) -> motcua_store::submissions::SubmissionWrites<'a> {
    use motcua_store::events::NewEvent;
    use motcua_store::facts::{Fact, Flags};
    use motcua_store::submissions::{Submission, SubmissionWrites};
    let now = chrono::Utc::now();
    let no = Flags::default();
    SubmissionWrites {
        submission: Submission {
            id: dossier,
            version,
            agency_id: "SGDDT-HN",
            state: "submitted",
            code: "SGDDT-HN-261124-9999",
            submitted_at: now,
            ack_due_at: now,
        },
        event: NewEvent {
            dossier_id: written_for,
            at: now,
            actor_kind: "citizen",
            actor: MINH,
            action: "submit",
            from_state: Some("draft"),
            to_state: "submitted",
            comment: None,
            detail: json!({}),
        },
        fact: Fact {
            dossier_id: written_for,
            agency_id: "SGDDT-HN",
            procedure_code: "3.000466",
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
            synchronised: false,
            processing_secs: None,
        },
        answer,
        // Told to DVCQG in the same statement: written whole or not at all, like the rest.
        outbox_targets: &["dvcqg"],
    }
}

async fn dossier_state(db: &mut sqlx::PgConnection, id: uuid::Uuid) -> String {
    sqlx::query_scalar("select state from dossier where id = $1")
        .bind(id)
        .fetch_one(db)
        .await
        .unwrap()
}

/// What a submission of `id` left: the dossier's state, its `submit` events, its facts rows
/// and the keys answered for it.
async fn submission_rows(db: &mut sqlx::PgConnection, id: uuid::Uuid) -> (String, i64, i64, i64) {
    sqlx::query_as(
        "select d.state,
                (select count(*) from dossier_event e where e.dossier_id = d.id and e.action = 'submit'),
                (select count(*) from dossier_fact f where f.dossier_id = d.id),
                (select count(*) from idempotency_key k where k.response_body->>'id' = d.id::text)
         from dossier d where d.id = $1",
    )
    .bind(id)
    .fetch_one(db)
    .await
    .unwrap()
}

/// The version of `id`'s row a submission reads.
async fn read_version(
    db: &mut sqlx::PgConnection,
    id: uuid::Uuid,
) -> motcua_store::submissions::RowVersion {
    motcua_store::submissions::open(db, id, None)
        .await
        .unwrap()
        .unwrap()
        .version
}

#[tokio::test]
async fn a_submission_whose_writes_disagree_is_refused_and_nothing_is_kept() {
    use motcua_store::submissions;
    use motcua_store::{DbError, StoreError};

    let engine = Engine::start().await;
    let citizen = login(&engine, "citizen", MINH).await;
    let draft =
        motcua_tests::dossiers::filled_copy_draft(&engine, &reqwest::Client::new(), &citizen)
            .await
            .parse::<uuid::Uuid>()
            .unwrap();
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    let opened = submissions::open(&mut db, draft, None)
        .await
        .unwrap()
        .unwrap();
    // The event and the facts name another dossier than the one submitted: the statement
    // would submit the draft and write neither.
    let elsewhere = uuid::Uuid::new_v4();
    let recorded = submissions::record(
        &mut db,
        submission_writes(draft, opened.version, elsewhere, None),
    )
    .await;
    assert!(
        matches!(recorded, Err(DbError(StoreError::Incomplete(_)))),
        "{recorded:?}"
    );
    assert_eq!(dossier_state(&mut db, draft).await, "draft");
}

#[tokio::test]
async fn a_submission_writes_nothing_if_the_draft_or_its_documents_changed_after_it_was_read_or_its_key_was_taken(
) {
    use motcua_store::submissions::{self, KeptAnswer, Recorded};

    let engine = Engine::start().await;
    let citizen = login(&engine, "citizen", MINH).await;
    let client = reqwest::Client::new();
    let id = motcua_tests::dossiers::filled_draft(
        &engine,
        &client,
        &citizen,
        motcua_tests::dossiers::CORRECTION,
        &motcua_tests::dossiers::correction_data(),
    )
    .await;
    let (status, uploaded) = motcua_tests::dossiers::upload_diploma(&engine, &citizen, &id).await;
    assert_eq!(status, 201, "{uploaded}");
    let draft = id.parse::<uuid::Uuid>().unwrap();
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();

    let nothing_written = ("draft".to_owned(), 0, 0, 0);

    // The required diploma is removed between the submission's read and its write.
    let read = read_version(&mut db, draft).await;
    let removed = client
        .delete(engine.at(&format!("/v1/dossiers/{id}/documents/diploma")))
        .bearer_auth(&citizen.token)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    let recorded = submissions::record(&mut db, submission_writes(draft, read, draft, None))
        .await
        .unwrap();
    assert_eq!(recorded, Recorded::Changed);
    assert_eq!(submission_rows(&mut db, draft).await, nothing_written);

    // The form is saved between the read and the write.
    let read = read_version(&mut db, draft).await;
    let (status, saved) = motcua_tests::api::patch(
        &engine,
        &citizen,
        &id,
        &json!({ "applicant": { "phone": "0987654321" } }),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    let recorded = submissions::record(&mut db, submission_writes(draft, read, draft, None))
        .await
        .unwrap();
    assert_eq!(recorded, Recorded::Changed);
    assert_eq!(submission_rows(&mut db, draft).await, nothing_written);

    // Another request took the key meanwhile.
    let read = read_version(&mut db, draft).await;
    sqlx::query(
        "insert into idempotency_key (principal, key, request_sha256, response_status,
                                      response_body)
         values ('citizen:001207001234', 'tapped-twice', 'another request', 200, '{}')",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let body = json!({ "id": id });
    let answer = |key| KeptAnswer {
        principal: "citizen:001207001234",
        key,
        request_sha256: "this request",
        status: 200,
        body: &body,
    };
    let recorded = submissions::record(
        &mut db,
        submission_writes(draft, read, draft, Some(answer("tapped-twice"))),
    )
    .await
    .unwrap();
    assert_eq!(recorded, Recorded::KeyTaken);
    assert_eq!(submission_rows(&mut db, draft).await, nothing_written);

    // Unchanged since the read: submitted, with its event, its facts and the key's answer.
    let recorded = submissions::record(
        &mut db,
        submission_writes(draft, read, draft, Some(answer("pressed-once"))),
    )
    .await
    .unwrap();
    assert_eq!(recorded, Recorded::Submitted);
    assert_eq!(
        submission_rows(&mut db, draft).await,
        ("submitted".to_owned(), 1, 1, 1)
    );
    let kept: i16 = sqlx::query_scalar(
        "select response_status from idempotency_key where key = 'pressed-once'",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(kept, 200);
}
