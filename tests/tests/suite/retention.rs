//! Retention (issue 9): finished dossiers past their procedure's retention lose the
//! citizen's identity, the form and the files handed in; what the indicators need stays, so
//! the indicators of their period do not change; everything is in the timeline.

use motcua_files::{FileError, FileStore};
use motcua_tests::accounts::{APPROVER, CLERK, MINH, SPECIALIST, SUPERVISOR};
use motcua_tests::api::{act, call, get, patch};
use motcua_tests::dossiers;
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::garage::PrivateS3;
use motcua_tests::{login, Engine, EngineOptions, Session};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::collections::HashMap;
use std::path::Path;

/// A Monday in the legal calendar, well over a year before the run.
const LAST_YEAR: &str = "2025-03-03T08:00:00+07:00";

/// The shipped procedures, with the diploma copy's retention cut to one year so that
/// dossiers finished in early 2025 are past it today, and the others' set to a hundred years
/// so that the test does not depend on the year it runs in.
fn procedures_with_short_copy_retention() -> TempDir {
    let dir = TempDir::new();
    let shipped = motcua_tests::workspace_root().join("procedures");
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if name != "procedure.schema.json" {
            let mut procedure: Value = serde_json::from_str(&text).unwrap();
            let years = if name == "3.000465.json" { 1 } else { 100 };
            procedure["retention"]["amount"] = json!(years);
            procedure["retention"]["unit"] = json!("years");
            text = procedure.to_string();
        }
        std::fs::write(dir.0.join(name), text).unwrap();
    }
    dir
}

/// Retention per procedure code as the folder declares it, in PostgreSQL interval syntax.
fn retention_intervals(dir: &Path) -> HashMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "procedure.schema.json")
        .map(|p| {
            let procedure: Value =
                serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            let r = &procedure["retention"];
            (
                procedure["code"].as_str().unwrap().to_owned(),
                format!("{} {}", r["amount"], r["unit"].as_str().unwrap()),
            )
        })
        .collect()
}

/// `motcua ARGS` beside `engine`: whether it succeeded, its stdout and its stderr.
fn motcua(engine: &Engine, args: &[&str]) -> (bool, String, String) {
    let out = engine.command(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `motcua generate` of `dossiers` dossiers of 2025 into `engine`'s database.
fn generate_2025(engine: &Engine, dossiers: u32, seed: u32) {
    let (generated, _, stderr) = motcua(
        engine,
        &[
            "generate",
            "--dossiers",
            &dossiers.to_string(),
            "--year",
            "2025",
            "--seed",
            &seed.to_string(),
        ],
    );
    assert!(generated, "{stderr}");
}

async fn put_pdf(engine: &Engine, session: &Session, path: &str, bytes: &[u8]) -> u16 {
    reqwest::Client::new()
        .put(engine.at(path))
        .bearer_auth(&session.token)
        .header("content-type", "application/pdf")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn ok(answer: (u16, Value)) -> Value {
    assert_eq!(answer.0, 200, "{}", answer.1);
    answer.1
}

async fn scalar<T>(pool: &PgPool, sql: &str) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Every report the indicators are read from, for 2025 and its months, as a supervisor
/// sees them.
async fn reports_of_2025(engine: &Engine, supervisor: &Session) -> Vec<Value> {
    let mut all = Vec::new();
    for report in ["indicators", "timeliness", "digitisation"] {
        let mut periods = vec![("2025-01-01".to_owned(), "2025-12-31".to_owned())];
        for month in [1, 3, 6, 12] {
            let last = if month == 6 { 30 } else { 31 };
            periods.push((
                format!("2025-{month:02}-01"),
                format!("2025-{month:02}-{last}"),
            ));
        }
        for (from, to) in periods {
            let path = format!("/v1/reports/{report}?from={from}&to={to}");
            let (status, body) = get(engine, supervisor, &path).await;
            assert_eq!(status, 200, "{path}: {body}");
            all.push(json!({ "path": path, "body": body }));
        }
    }
    all
}

#[tokio::test]
async fn retention_anonymises_what_is_past_its_time_and_the_indicators_do_not_change() {
    let procedures = procedures_with_short_copy_retention();
    // Last year: the citizen's dossiers are filed and finished.
    let then = Engine::start_with(EngineOptions {
        clock: Some(LAST_YEAR.into()),
        procedures_dir: Some(procedures.0.clone()),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let minh = login(&then, "citizen", MINH).await;
    let clerk = login(&then, "staff", CLERK).await;
    let specialist = login(&then, "staff", SPECIALIST).await;
    let approver = login(&then, "staff", APPROVER).await;

    // 1. A diploma copy that goes the whole way: an upload, a supplement with its reason and
    //    items, an electronic result.
    let returned = dossiers::filled_copy_draft(&then, &client, &minh).await;
    let upload = b"%PDF-1.7 giay uy quyen cua cong dan";
    assert_eq!(
        put_pdf(
            &then,
            &minh,
            &format!("/v1/dossiers/{returned}/documents/authorisation"),
            upload
        )
        .await,
        201
    );
    dossiers::submit(&then, &client, &minh, &returned).await;
    ok(act(&then, &clerk, &returned, "receive", json!({})).await);
    let asked = json!({ "comment": "Số hiệu không khớp sổ gốc của Nguyễn Văn Minh",
                        "data": { "items": ["Số hiệu văn bằng của Nguyễn Văn Minh"] } });
    ok(act(&then, &specialist, &returned, "request_supplement", asked).await);
    let serial = json!({ "diploma": { "serial": "HN-2025-004321" } });
    ok(patch(&then, &minh, &returned, &serial).await);
    ok(act(&then, &minh, &returned, "resubmit", json!({})).await);
    ok(act(&then, &specialist, &returned, "propose", json!({})).await);
    ok(act(&then, &approver, &returned, "approve", json!({})).await);
    let result = b"%PDF-1.7 Ban sao van bang tu so goc";
    assert_eq!(
        put_pdf(
            &then,
            &specialist,
            &format!("/v1/dossiers/{returned}/results/BS-2025-000042"),
            result
        )
        .await,
        201
    );
    ok(act(&then, &specialist, &returned, "issue_result", json!({})).await);
    let done = ok(act(&then, &clerk, &returned, "return_result", json!({})).await);
    assert_eq!(done["state"], "returned");
    let full_name = done["data"]["applicant"]["full_name"]
        .as_str()
        .unwrap()
        .to_owned();

    // 2. A copy the citizen withdrew, 3. a copy still being handled, 4. a correction (a
    //    hundred years' retention here) refused at the desk.
    let withdrawn = dossiers::submitted_copy(&then, &client, &minh).await;
    ok(act(
        &then,
        &minh,
        &withdrawn,
        "withdraw",
        json!({ "comment": "Không cần nữa" }),
    )
    .await);
    let open = dossiers::submitted_copy(&then, &client, &minh).await;
    ok(act(&then, &clerk, &open, "receive", json!({})).await);
    let correction = dossiers::submitted_correction(&then, &client, &minh).await;
    ok(act(
        &then,
        &clerk,
        &correction,
        "refuse",
        json!({ "comment": "Không thuộc thẩm quyền" }),
    )
    .await);

    // And a year of a province's dossiers, in every state, with their facts.
    generate_2025(&then, 600, 11);

    // Today. This engine leaves retention to the command under test.
    let now = Engine::start_with(EngineOptions {
        database_url: Some(then.database_url.clone()),
        s3: Some(then.s3.clone()),
        procedures_dir: Some(procedures.0.clone()),
        extra_env: vec![("MOTCUA_RETENTION_INTERVAL_SECS".into(), "0".into())],
        ..Default::default()
    })
    .await;
    let pool = PgPool::connect(&now.database_url).await.unwrap();
    let supervisor = login(&now, "staff", SUPERVISOR).await;
    let reports_before = reports_of_2025(&now, &supervisor).await;
    let facts_hash = "select md5(string_agg(f::text, '|' order by dossier_id)) from dossier_fact f";
    let facts_before: String = scalar(&pool, facts_hash).await;
    let access_before: i64 = scalar(&pool, "select count(*) from register_access").await;
    let (upload_id, upload_key): (uuid::Uuid, String) = sqlx::query_as(
        "select d.id, d.storage_key from document d
           join dossier_document dd on dd.document_id = d.id
         where dd.dossier_id = $1 and dd.requirement = 'authorisation'",
    )
    .bind(returned.parse::<uuid::Uuid>().unwrap())
    .fetch_one(&pool)
    .await
    .unwrap();
    let store = now.s3.store();
    let stored = store.get(&upload_key).await;
    assert!(
        stored.is_ok(),
        "the upload is stored at {upload_key}: {:?}",
        stored.err()
    );

    // Which dossiers are past their time, by the folder's own retention, before and after
    // the run: a dossier between the two instants may go either way.
    let intervals = retention_intervals(&procedures.0);
    let expired_sql = |at: &str| {
        let cases: Vec<String> = intervals
            .iter()
            .map(|(code, interval)| {
                format!("(procedure_code = '{code}' and closed_at <= {at} - interval '{interval}')")
            })
            .collect();
        format!("select id from dossier where {}", cases.join(" or "))
    };
    let past_before: Vec<uuid::Uuid> = sqlx::query_scalar(&expired_sql("now()"))
        .fetch_all(&pool)
        .await
        .unwrap();
    let kept_data: Vec<(uuid::Uuid, Value, String)> =
        sqlx::query_as("select id, data, citizen_pin from dossier order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        past_before.len() > 50,
        "the generator finished many dossiers in 2025"
    );

    // Two idempotency answers: one past the seven days a retry may come in, one within.
    sqlx::query(
        "insert into idempotency_key (principal, key, request_sha256, response_status, response_body, created_at)
         values ($1, 'old', '00', 200, '{\"data\": \"Nguyễn\"}', now() - interval '8 days'),
                ($1, 'fresh', '00', 200, '{}', now() - interval '6 days')",
    )
    .bind(MINH)
    .execute(&pool)
    .await
    .unwrap();

    // A dry run counts, and changes nothing.
    let (ran, out, stderr) = motcua(&now, &["retention", "run", "--dry-run"]);
    assert!(ran, "{stderr}");
    let preview: Value = serde_json::from_str(&out).unwrap();
    let previewed: i64 = preview["would_anonymise"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert!(previewed >= past_before.len() as i64, "{preview}");
    assert_eq!(
        scalar::<i64>(
            &pool,
            "select count(*) from dossier where anonymised_at is not null"
        )
        .await,
        0
    );

    let (ran, out, stderr) = motcua(&now, &["retention", "run"]);
    assert!(ran, "{stderr}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let past_after: Vec<uuid::Uuid> = sqlx::query_scalar(&expired_sql("now()"))
        .fetch_all(&pool)
        .await
        .unwrap();
    let anonymised: Vec<uuid::Uuid> =
        sqlx::query_scalar("select id from dossier where anonymised_at is not null")
            .fetch_all(&pool)
            .await
            .unwrap();
    for id in &past_before {
        assert!(
            anonymised.contains(id),
            "{id} is past its retention and was kept"
        );
    }
    for id in &anonymised {
        assert!(
            past_after.contains(id),
            "{id} was anonymised before its time"
        );
    }
    assert_eq!(
        report["dossiers_anonymised"],
        json!(anonymised.len()),
        "{report}"
    );
    assert_eq!(report["documents_erased"], 1, "{report}");
    assert_eq!(report["objects_removed"], 1, "{report}");
    assert_eq!(report["objects_left"], 0, "{report}");
    assert_eq!(report["idempotency_keys_forgotten"], 1, "{report}");
    let keys: Vec<String> = sqlx::query_scalar("select key from idempotency_key")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(keys, ["fresh"]);
    let returned_id: uuid::Uuid = returned.parse().unwrap();
    let withdrawn_id: uuid::Uuid = withdrawn.parse().unwrap();
    assert!(anonymised.contains(&returned_id) && anonymised.contains(&withdrawn_id));
    assert!(
        !anonymised.contains(&open.parse().unwrap()),
        "still being handled"
    );
    assert!(
        !anonymised.contains(&correction.parse().unwrap()),
        "within its hundred years"
    );

    // What the anonymised keep: no PIN, no form, no name anywhere in their rows or timeline.
    assert_eq!(
        scalar::<i64>(
            &pool,
            "select count(*) from dossier where anonymised_at is not null
               and (citizen_pin <> 'anonymised' or data <> '{}' or prefill <> '{}'
                    or code is null or closed_at is null)"
        )
        .await,
        0
    );
    let leaks: i64 = scalar(
        &pool,
        &format!(
            "select count(*) from dossier_event e join dossier d on d.id = e.dossier_id
             where d.anonymised_at is not null
               and (e::text like '%{MINH}%' or e::text like '%{full_name}%'
                    or e.comment is not null or e.detail ? 'items'
                    or (e.actor_kind = 'citizen' and e.actor <> 'anonymised'))"
        ),
    )
    .await;
    assert_eq!(leaks, 0, "the timelines still name the citizen");
    let adders: i64 = scalar(
        &pool,
        "select count(*) from dossier_document dd join dossier d on d.id = dd.dossier_id
         where d.anonymised_at is not null and dd.added_by_kind = 'citizen'
           and dd.added_by <> 'anonymised'",
    )
    .await;
    assert_eq!(
        adders, 0,
        "the document list still names who handed them in"
    );
    assert_eq!(
        scalar::<i64>(
            &pool,
            "select count(*) from dossier d where anonymised_at is not null and 1 <>
               (select count(*) from dossier_event e where e.dossier_id = d.id
                  and e.action = 'anonymise' and e.actor = 'retention' and e.actor_kind = 'system')"
        )
        .await,
        0,
        "one anonymise event each"
    );
    // The others are exactly as they were.
    for (id, data, pin) in &kept_data {
        if anonymised.contains(id) {
            continue;
        }
        let (now_data, now_pin): (Value, String) =
            sqlx::query_as("select data, citizen_pin from dossier where id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!((&now_data, &now_pin), (data, pin), "{id} changed");
    }

    // The indicators of 2025 and their facts are unchanged; nothing was read from the register.
    assert_eq!(scalar::<String>(&pool, facts_hash).await, facts_before);
    assert_eq!(reports_of_2025(&now, &supervisor).await, reports_before);
    assert_eq!(
        scalar::<i64>(&pool, "select count(*) from register_access").await,
        access_before
    );

    // The upload's bytes are gone from storage; the result stays in the citizen's store.
    assert!(matches!(
        store.get(&upload_key).await,
        Err(FileError::NotFound)
    ));
    let minh_now = login(&now, "citizen", MINH).await;
    let (_, documents) = get(&now, &minh_now, "/v1/me/documents").await;
    let items = documents["items"].as_array().unwrap();
    assert!(
        !items.iter().any(|d| d["id"] == upload_id.to_string()),
        "the erased upload is not in the citizen's store: {documents}"
    );
    let result_doc = items
        .iter()
        .find(|d| d["result_code"] == "BS-2025-000042")
        .unwrap_or_else(|| panic!("the result stays in the store: {documents}"));
    let result_id = result_doc["id"].as_str().unwrap();
    let downloaded = client
        .get(now.at(&format!("/v1/attachments/{result_id}/content")))
        .bearer_auth(&minh_now.token)
        .send()
        .await
        .unwrap();
    assert_eq!(downloaded.status(), 200);
    assert_eq!(downloaded.bytes().await.unwrap().as_ref(), result);

    // The citizen no longer finds the anonymised dossiers; the agency sees what is left.
    let (status, _) = get(&now, &minh_now, &format!("/v1/dossiers/{returned}")).await;
    assert_eq!(status, 404);
    let (_, mine) = get(&now, &minh_now, "/v1/dossiers").await;
    let ids: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&open.as_str()) && ids.contains(&correction.as_str()));
    assert!(!ids.contains(&returned.as_str()) && !ids.contains(&withdrawn.as_str()));
    let clerk_now = login(&now, "staff", CLERK).await;
    let seen = ok(get(&now, &clerk_now, &format!("/v1/dossiers/{returned}")).await);
    assert_eq!(
        (
            seen["state"].as_str(),
            seen["code"].clone(),
            seen["data"].clone()
        ),
        (Some("returned"), done["code"].clone(), json!({}))
    );
    assert!(seen["anonymised_at"].is_string(), "{seen}");
    // The document list still says what was handed in (for the digitisation figures).
    assert!(
        seen["documents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["requirement"] == "authorisation"),
        "{seen}"
    );
    let (status, problem) = call(
        &now,
        &clerk_now,
        reqwest::Method::GET,
        &format!("/v1/attachments/{upload_id}/content"),
        None,
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (410, Some("document_erased")),
        "{problem}"
    );
    let (status, problem) = get(
        &now,
        &clerk_now,
        &format!("/v1/dossiers/{returned}/slips/receipt"),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (410, Some("dossier_anonymised"))
    );
    assert_eq!(
        scalar::<i64>(&pool, "select count(*) from register_access").await,
        access_before,
        "opening an anonymised dossier reads nobody's data"
    );

    // Run again: nothing left to do. Rebuilding facts leaves the anonymised ones alone.
    let (ran, out, stderr) = motcua(&now, &["retention", "run"]);
    assert!(ran, "{stderr}");
    let again: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            again["dossiers_anonymised"].as_u64(),
            again["objects_removed"].as_u64()
        ),
        (Some(0), Some(0))
    );
    let anonymised_facts = "select md5(string_agg(f::text, '|' order by f.dossier_id)) from dossier_fact f
                            join dossier d on d.id = f.dossier_id where d.anonymised_at is not null";
    let before_rebuild: String = scalar(&pool, anonymised_facts).await;
    let (rebuilt, _, stderr) = motcua(&now, &["facts", "rebuild"]);
    assert!(rebuilt, "{stderr}");
    assert_eq!(
        scalar::<String>(&pool, anonymised_facts).await,
        before_rebuild
    );
}

/// docs/OPERATIONS.md: with the bucket unreachable the database part completes, the command
/// exits non-zero naming what is left, and the next run removes those files.
#[tokio::test]
async fn with_storage_down_a_run_says_what_is_left_and_the_next_one_removes_it() {
    let procedures = procedures_with_short_copy_retention();
    let mut storage = PrivateS3::start().await;
    let engine = Engine::start_with(EngineOptions {
        clock: Some(LAST_YEAR.into()),
        procedures_dir: Some(procedures.0.clone()),
        s3: Some(storage.settings()),
        ..Default::default()
    })
    .await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let id = dossiers::filled_copy_draft(&engine, &client, &minh).await;
    let path = format!("/v1/dossiers/{id}/documents/authorisation");
    assert_eq!(
        put_pdf(&engine, &minh, &path, b"%PDF-1.7 uy quyen").await,
        201
    );
    dossiers::submit(&engine, &client, &minh, &id).await;
    ok(act(
        &engine,
        &minh,
        &id,
        "withdraw",
        json!({ "comment": "Không cần nữa" }),
    )
    .await);
    let pool = PgPool::connect(&engine.database_url).await.unwrap();
    let key: String = scalar(
        &pool,
        &format!(
            "select d.storage_key from document d
               join dossier_document dd on dd.document_id = d.id where dd.dossier_id = '{id}'"
        ),
    )
    .await;

    storage.stop().await;
    let (ran, out, stderr) = motcua(&engine, &["retention", "run"]);
    assert!(!ran, "{out}");
    assert!(stderr.contains("still in storage"), "{stderr}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&report["dossiers_anonymised"], &report["documents_erased"]),
        (&json!(1), &json!(1)),
        "{report}"
    );
    assert_eq!(
        (&report["objects_removed"], &report["objects_left"]),
        (&json!(0), &json!(1))
    );

    storage.restart().await;
    assert!(
        storage.settings().store().get(&key).await.is_ok(),
        "not removed yet"
    );
    let (ran, out, stderr) = motcua(&engine, &["retention", "run"]);
    assert!(ran, "{stderr}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (
            &report["dossiers_anonymised"],
            &report["objects_removed"],
            &report["objects_left"]
        ),
        (&json!(0), &json!(1), &json!(0)),
        "{report}"
    );
    assert!(matches!(
        storage.settings().store().get(&key).await,
        Err(FileError::NotFound)
    ));
}

/// docs/OPERATIONS.md: several engines (or a cron job beside them) may run retention at once;
/// they share the work and no dossier is anonymised twice.
#[tokio::test]
async fn two_runs_at_once_share_the_work() {
    let procedures = procedures_with_short_copy_retention();
    let engine = Engine::start_with(EngineOptions {
        procedures_dir: Some(procedures.0.clone()),
        extra_env: vec![("MOTCUA_RETENTION_INTERVAL_SECS".into(), "0".into())],
        ..Default::default()
    })
    .await;
    generate_2025(&engine, 2000, 3);
    let runs: Vec<_> = (0..2)
        .map(|_| {
            engine
                .command(&["retention", "run"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut total = 0;
    for run in runs {
        let out = run.wait_with_output().unwrap();
        assert!(out.status.success());
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        total += report["dossiers_anonymised"].as_i64().unwrap();
    }
    let pool = PgPool::connect(&engine.database_url).await.unwrap();
    let anonymised: i64 = scalar(
        &pool,
        "select count(*) from dossier where anonymised_at is not null",
    )
    .await;
    assert!(anonymised > 0);
    assert_eq!(total, anonymised, "each dossier counted by one run");
    let events: i64 = scalar(
        &pool,
        "select count(*) from dossier_event where action = 'anonymise'",
    )
    .await;
    assert_eq!(events, anonymised, "one anonymise event each");
}

#[tokio::test]
async fn the_event_log_refuses_changes_outside_a_retention_run() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = dossiers::submitted_copy(&engine, &reqwest::Client::new(), &minh).await;
    let pool = PgPool::connect(&engine.database_url).await.unwrap();
    let erase = format!("update dossier_event set actor = 'anonymised' where dossier_id = '{id}'");
    let refused = sqlx::query(&erase).execute(&pool).await.unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    // Not even inside a retention transaction while the dossier is not anonymised…
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("select set_config('motcua.retention', 'on', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let live = format!(
        "update dossier_event set actor = 'anonymised', comment = null
         where dossier_id = '{id}' and actor_kind = 'citizen'"
    );
    assert!(sqlx::query(&live).execute(&mut *tx).await.is_err());
    drop(tx);
    // …and for an anonymised one, only the PIN, comments and items may go.
    let anonymise = format!(
        "update dossier set closed_at = now(), citizen_pin = 'anonymised', data = '{{}}',
                            prefill = '{{}}', anonymised_at = now() where id = '{id}'"
    );
    for (statement, allowed) in [
        (
            format!("update dossier_event set action = 'nothing' where dossier_id = '{id}'"),
            false,
        ),
        (
            format!("delete from dossier_event where dossier_id = '{id}'"),
            false,
        ),
        (live.clone(), true),
    ] {
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("select set_config('motcua.retention', 'on', true)")
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query(&anonymise).execute(&mut *tx).await.unwrap();
        let result = sqlx::query(&statement).execute(&mut *tx).await;
        assert_eq!(result.is_ok(), allowed, "{statement}: {result:?}");
    }
}

#[tokio::test]
async fn the_engine_runs_retention_on_its_own() {
    let procedures = procedures_with_short_copy_retention();
    let engine = Engine::start_with(EngineOptions {
        procedures_dir: Some(procedures.0.clone()),
        extra_env: vec![("MOTCUA_RETENTION_INTERVAL_SECS".into(), "1".into())],
        ..Default::default()
    })
    .await;
    generate_2025(&engine, 200, 5);
    let pool = PgPool::connect(&engine.database_url).await.unwrap();
    let due: i64 = scalar(
        &pool,
        "select count(*) from dossier where procedure_code = '3.000465'
           and closed_at <= now() - interval '1 year'",
    )
    .await;
    assert!(due > 0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let done: i64 = scalar(
            &pool,
            "select count(*) from dossier where procedure_code = '3.000465'
               and closed_at <= now() - interval '1 year' and anonymised_at is not null",
        )
        .await;
        if done == due {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{done} of {due} anonymised after 30 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Only the diploma copy's one year has passed; no other procedure's time has come.
    assert_eq!(
        scalar::<i64>(&pool, "select count(*) from dossier where anonymised_at is not null and procedure_code <> '3.000465'").await,
        0
    );
}
