//! Documents (issue 4): uploads streamed to a real S3 server, the citizen's store and
//! reuse, refusals that leave nothing behind, storage outages, access.

use motcua_files::FileStore;
use motcua_tests::accounts::{APPROVER, CLERK, HAN, MINH, SPECIALIST};
use motcua_tests::dossiers::{draft, filled_draft, submit, thpt_data, THPT};
use motcua_tests::garage::PrivateS3;
use motcua_tests::jpeg;
use motcua_tests::requests;
use motcua_tests::{hex_sha256, login, Engine, EngineOptions, Session};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// A small JPEG: the signature, then filler.
async fn objects(engine: &Engine, prefix: &str) -> Vec<String> {
    engine.s3.store().list(prefix).await.unwrap()
}

async fn put_document(
    engine: &Engine,
    session: &Session,
    id: &str,
    requirement: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    client()
        .put(engine.at(&format!("/v1/dossiers/{id}/documents/{requirement}")))
        .bearer_auth(&session.token)
        .header("content-type", content_type)
        .header(
            "content-disposition",
            "attachment; filename=\"../../ảnh thẻ.jpg\"",
        )
        .body(bytes)
        .send()
        .await
        .unwrap()
}

async fn get_json(engine: &Engine, session: &Session, path: &str) -> (u16, Value) {
    let r = client()
        .get(engine.at(path))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A THPT dossier of `session`'s citizen, filled, with its photo, submitted.
async fn submitted_thpt(engine: &Engine, session: &Session) -> String {
    let id = filled_draft(engine, &client(), session, THPT, &thpt_data()).await;
    put_document(engine, session, &id, "photo", "image/jpeg", jpeg(3000)).await;
    submit(engine, &client(), session, &id).await;
    id
}

#[tokio::test]
async fn an_upload_is_stored_hashed_and_downloaded_as_an_attachment() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = draft(&engine, &minh, THPT).await;
    let bytes = jpeg(300_000);
    let created = put_document(&engine, &minh, &id, "photo", "image/jpeg", bytes.clone()).await;
    assert_eq!(created.status(), 201);
    let document: Value = created.json().await.unwrap();
    assert_eq!(document["sha256"], hex_sha256(&bytes));
    assert_eq!(document["size"], 300_000);
    assert_eq!(document["source"], "upload");
    assert_eq!(document["digitised"], true);
    assert_eq!(document["reused"], false);
    assert_eq!(document["file_name"], "ảnh thẻ.jpg", "the path is dropped");
    let document_id = document["id"].as_str().unwrap();
    assert_eq!(objects(&engine, &format!("dossiers/{id}/")).await.len(), 1);

    let (_, dossier) = get_json(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(dossier["documents"][0]["requirement"], "photo");
    assert_eq!(dossier["documents"][0]["sha256"], hex_sha256(&bytes));

    let download = client()
        .get(engine.at(&format!("/v1/attachments/{document_id}/content")))
        .bearer_auth(&minh.token)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/jpeg");
    assert_eq!(download.headers()["x-content-type-options"], "nosniff");
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(download.bytes().await.unwrap().to_vec(), bytes);

    // Or through a short-lived signed URL of the bucket, which needs no token and still
    // answers as an attachment.
    let redirected = requests::without_redirects()
        .get(engine.at(&format!(
            "/v1/attachments/{document_id}/content?delivery=redirect"
        )))
        .bearer_auth(&minh.token)
        .send()
        .await
        .unwrap();
    assert_eq!(redirected.status(), 302);
    let location = redirected.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.starts_with(&engine.s3.endpoint), "{location}");
    assert!(location.contains("X-Amz-Expires=300"), "{location}");
    let signed = client().get(&location).send().await.unwrap();
    assert_eq!(signed.status(), 200);
    assert_eq!(
        signed.headers()["content-disposition"],
        disposition.as_str()
    );
    assert_eq!(signed.bytes().await.unwrap().to_vec(), bytes);

    // A new upload replaces the first, whose object goes.
    let second = jpeg(1000);
    let replaced = put_document(&engine, &minh, &id, "photo", "image/jpeg", second.clone()).await;
    assert_eq!(replaced.status(), 201);
    let keys = objects(&engine, &format!("dossiers/{id}/")).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    let (_, dossier) = get_json(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(dossier["documents"][0]["sha256"], hex_sha256(&second));

    // And a draft's document can be removed.
    let removed = client()
        .delete(engine.at(&format!("/v1/dossiers/{id}/documents/photo")))
        .bearer_auth(&minh.token)
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), 204);
    assert!(objects(&engine, &format!("dossiers/{id}/"))
        .await
        .is_empty());
}

#[tokio::test]
async fn refused_uploads_leave_nothing_in_the_bucket_or_the_database() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = draft(&engine, &minh, THPT).await;
    let problem_code = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        (
            status,
            r.json::<Value>().await.unwrap()["code"]
                .as_str()
                .unwrap()
                .to_owned(),
        )
    };

    // The photo takes at most 2 MiB: declared too large, and streamed too large.
    let big = jpeg(3 * 1024 * 1024);
    let (status, code) =
        problem_code(put_document(&engine, &minh, &id, "photo", "image/jpeg", big.clone()).await)
            .await;
    assert_eq!((status, code.as_str()), (413, "file_too_large"));
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        big.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let streamed = client()
        .put(engine.at(&format!("/v1/dossiers/{id}/documents/photo")))
        .bearer_auth(&minh.token)
        .header("content-type", "image/jpeg")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    let (status, code) = problem_code(streamed).await;
    assert_eq!((status, code.as_str()), (413, "file_too_large"));

    let refusals: [(&str, &[u8], u16, &str); 3] = [
        // Declared a JPEG, but the bytes are a PDF, or a program.
        ("image/jpeg", b"%PDF-1.7\n...", 422, "content_mismatch"),
        ("image/jpeg", b"MZ\x90\x00\x03", 422, "content_mismatch"),
        // A PDF is not accepted for the photo at all.
        (
            "application/pdf",
            b"%PDF-1.7\n",
            415,
            "media_type_not_accepted",
        ),
    ];
    for (declared, bytes, expected_status, expected_code) in refusals {
        let answer = put_document(&engine, &minh, &id, "photo", declared, bytes.to_vec()).await;
        let (status, code) = problem_code(answer).await;
        assert_eq!(
            (status, code.as_str()),
            (expected_status, expected_code),
            "{declared}"
        );
    }

    // An unknown requirement.
    let (status, _) =
        problem_code(put_document(&engine, &minh, &id, "nope", "image/jpeg", jpeg(100)).await)
            .await;
    assert_eq!(status, 404);

    assert!(
        objects(&engine, "dossiers/").await.is_empty(),
        "nothing in the bucket"
    );
    let (_, dossier) = get_json(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(dossier["documents"], json!([]), "nothing in the database");
    let (_, store) = get_json(&engine, &minh, "/v1/me/documents").await;
    assert_eq!(store["items"], json!([]));
}

#[tokio::test]
async fn with_storage_stopped_an_upload_is_503_and_leaves_no_row_then_works_again() {
    let mut storage = PrivateS3::start().await;
    let engine = Engine::start_with(EngineOptions {
        s3: Some(storage.settings()),
        clock: Some(motcua_tests::engine::THPT_WINDOW_2025.into()),
        ..Default::default()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = draft(&engine, &minh, THPT).await;

    storage.stop().await;
    let refused = put_document(&engine, &minh, &id, "photo", "image/jpeg", jpeg(5000)).await;
    assert_eq!(refused.status(), 503);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    let (_, dossier) = get_json(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(dossier["documents"], json!([]));

    storage.restart().await;
    let stored = put_document(&engine, &minh, &id, "photo", "image/jpeg", jpeg(5000)).await;
    assert_eq!(stored.status(), 201);
}

#[tokio::test]
async fn another_citizen_cannot_upload_list_or_download() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = draft(&engine, &minh, THPT).await;
    let document: Value = put_document(&engine, &minh, &id, "photo", "image/jpeg", jpeg(2000))
        .await
        .json()
        .await
        .unwrap();
    let document_id = document["id"].as_str().unwrap();

    let other = login(&engine, "citizen", HAN).await;
    let upload = put_document(&engine, &other, &id, "photo", "image/jpeg", jpeg(2000)).await;
    assert_eq!(upload.status(), 404);
    let (status, _) = get_json(&engine, &other, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(status, 404);
    let download = client()
        .get(engine.at(&format!("/v1/attachments/{document_id}/content")))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 404);
    let (_, store) = get_json(&engine, &other, "/v1/me/documents").await;
    assert_eq!(store["items"], json!([]));
    let reuse = client()
        .post(engine.at(&format!("/v1/dossiers/{id}/documents/photo")))
        .bearer_auth(&other.token)
        .json(&json!({ "reuse": document_id }))
        .send()
        .await
        .unwrap();
    assert_eq!(reuse.status(), 404);
}

#[tokio::test]
async fn a_document_of_the_store_is_reused_without_uploading_again() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let first = draft(&engine, &minh, THPT).await;
    let bytes = jpeg(4000);
    put_document(&engine, &minh, &first, "photo", "image/jpeg", bytes.clone()).await;

    let (_, store) = get_json(&engine, &minh, "/v1/me/documents").await;
    let items = store["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["kind"], "upload");
    assert_eq!(items[0]["sha256"], hex_sha256(&bytes));
    let document_id = items[0]["id"].as_str().unwrap();
    let before = objects(&engine, "dossiers/").await.len();

    let second = draft(&engine, &minh, THPT).await;
    let reused = client()
        .post(engine.at(&format!("/v1/dossiers/{second}/documents/photo")))
        .bearer_auth(&minh.token)
        .json(&json!({ "reuse": document_id }))
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), 201);
    let attached: Value = reused.json().await.unwrap();
    assert_eq!(attached["id"], document_id);
    assert_eq!(attached["reused"], true);
    assert_eq!(attached["from_store"], true);
    assert_eq!(attached["digitised"], true);
    assert_eq!(attached["source"], "reused_document");
    assert_eq!(
        objects(&engine, "dossiers/").await.len(),
        before,
        "no bytes uploaded"
    );

    // A document the requirement does not accept is refused.
    let wrong = client()
        .post(engine.at(&format!(
            "/v1/dossiers/{second}/documents/language-certificate"
        )))
        .bearer_auth(&minh.token)
        .json(&json!({ "reuse": uuid::Uuid::new_v4() }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);
}

#[tokio::test]
async fn submit_refuses_a_dossier_missing_a_required_document_naming_it() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = filled_draft(&engine, &client(), &minh, THPT, &thpt_data()).await;
    let submit = || requests::submit(&engine, &minh, &id, None);
    let refused = submit().await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/documents/photo"]);

    put_document(&engine, &minh, &id, "photo", "image/jpeg", jpeg(3000)).await;
    let submitted = submit().await;
    assert_eq!(submitted.status(), 200);

    // Staff of the receiving agency can open it; the citizen sees that they did.
    let (_, dossier) = get_json(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    let document_id = dossier["documents"][0]["id"].as_str().unwrap().to_owned();
    let clerk = login(&engine, "staff", CLERK).await;
    let opened = client()
        .get(engine.at(&format!("/v1/attachments/{document_id}/content")))
        .bearer_auth(&clerk.token)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);
    let (_, log) = get_json(&engine, &minh, "/v1/me/access-log").await;
    let read = &log["items"][0];
    assert_eq!(read["source"], "document");
    assert_eq!(read["actor"], CLERK);
    assert_eq!(read["actor_agency"], "SGDDT-HN");
    assert_eq!(read["document_id"], document_id.as_str());
}

/// The engine's resident memory and its peak so far, in KiB (Linux).
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| {
                v.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .unwrap()
            })
            .unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// THPT with a photo limit of 64 MiB, to push a large file through.
fn procedures_with_a_large_photo_limit() -> motcua_tests::engine::tempdir::TempDir {
    motcua_tests::procedures_edited("1.005142.json", |spec| {
        for doc in spec["documents"].as_array_mut().unwrap() {
            if doc["key"] == "photo" {
                doc["max_bytes"] = json!(64 * 1024 * 1024);
            }
        }
    })
}

#[tokio::test]
async fn a_50_mib_upload_streams_with_bounded_memory_and_the_right_hash() {
    let procedures = procedures_with_a_large_photo_limit();
    let engine = Engine::start_in_thpt_window_with(&procedures.0).await;
    let minh = login(&engine, "citizen", MINH).await;
    let upload = |id: String, size: usize| {
        let token = minh.token.clone();
        let url = engine.at(&format!("/v1/dossiers/{id}/documents/photo"));
        async move {
            let mut bytes = jpeg(size);
            // Not all one byte: a compressible body would hide copies.
            for (i, b) in bytes.iter_mut().enumerate().skip(16) {
                *b = (i.wrapping_mul(2_654_435_761) >> 13) as u8;
            }
            let expected = hex_sha256(&bytes);
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                bytes.chunks(256 * 1024).map(|c| Ok(c.to_vec())).collect();
            drop(bytes);
            let started = std::time::Instant::now();
            let created = client()
                .put(url)
                .bearer_auth(&token)
                .header("content-type", "image/jpeg")
                .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
                .send()
                .await
                .unwrap();
            assert_eq!(created.status(), 201);
            let document: Value = created.json().await.unwrap();
            assert_eq!(document["sha256"], expected.as_str());
            (expected, started.elapsed())
        }
    };
    let mib = |kib: u64| kib as f64 / 1024.0;

    // A 12 MiB upload already goes through every buffer a streamed upload has (a part being
    // read while the one before is in flight, more than two parts in all).
    let (_, start_peak) = memory_kib(engine.pid());
    upload(draft(&engine, &minh, THPT).await, 12 * 1024 * 1024).await;
    let (_, small_peak) = memory_kib(engine.pid());
    // A 50 MiB one must not need much more: memory does not grow with the file. A server that
    // held the file would grow by at least the 38 MiB difference; allocator noise between two
    // runs of the same upload has been measured at up to ~15 MiB.
    let id = draft(&engine, &minh, THPT).await;
    let size = 50 * 1024 * 1024;
    let (expected, took) = upload(id.clone(), size).await;
    let (rss_after, large_peak) = memory_kib(engine.pid());
    let growth = mib(large_peak.saturating_sub(small_peak));
    println!(
        "50 MiB upload: {:.1} s; engine peak RSS {:.1} MiB at start, {:.1} after a 12 MiB upload, \
         {:.1} after a 50 MiB upload (+{growth:.1} MiB); RSS after {:.1} MiB",
        took.as_secs_f64(),
        mib(start_peak),
        mib(small_peak),
        mib(large_peak),
        mib(rss_after)
    );
    assert!(
        growth < 25.0,
        "the engine's peak memory grew by {growth:.1} MiB more for 50 MiB than for 12 MiB: it is buffering"
    );
    assert!(
        mib(large_peak.saturating_sub(start_peak)) < 50.0,
        "the engine's peak memory grew by more than the file's size"
    );

    // The stored object is the same file.
    let stored = engine.s3.store();
    let key = objects(&engine, &format!("dossiers/{id}/")).await.remove(0);
    let mut stream = stored.get(&key).await.unwrap();
    let mut hasher = Sha256::new();
    let mut total = 0;
    use futures::StreamExt;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        total += chunk.len();
        hasher.update(&chunk);
    }
    assert_eq!(total, size);
    let stored_sha: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stored_sha, expected);
}

#[tokio::test]
async fn the_sweep_removes_orphan_objects_and_keeps_documents() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = draft(&engine, &minh, THPT).await;
    put_document(&engine, &minh, &id, "photo", "image/jpeg", jpeg(1000)).await;
    // What a failed request could leave: an object without a row, from an hour ago.
    let an_hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 3600;
    let orphan_id = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, an_hour_ago, 0));
    let orphan = format!("dossiers/{id}/{orphan_id}");
    let store = engine.s3.store();
    let body: motcua_files::ByteStream = Box::pin(futures::stream::once(async {
        Ok(bytes::Bytes::from_static(b"%PDF-1.7 orphan"))
    }));
    store
        .put(&orphan, "application/pdf", body, 1000)
        .await
        .unwrap();
    assert_eq!(objects(&engine, "dossiers/").await.len(), 2);

    let out = engine.command(&["files", "sweep"]).output().unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(printed.contains("removed 1"), "{printed}");
    let left = objects(&engine, "dossiers/").await;
    assert_eq!(left.len(), 1);
    assert_ne!(left[0], orphan);
}

#[tokio::test]
async fn an_electronic_result_goes_into_the_citizens_store_and_is_reused_as_a_result() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = motcua_tests::dossiers::submitted_copy(&engine, &client(), &minh).await;

    // A citizen cannot issue results.
    let result = b"%PDF-1.7 Phieu dang ky du thi da xac nhan".to_vec();
    let by_citizen = client()
        .put(engine.at(&format!("/v1/dossiers/{id}/results/KQ-2026-000123")))
        .bearer_auth(&minh.token)
        .header("content-type", "application/pdf")
        .body(result.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(by_citizen.status(), 403);

    // Staff attach the result when the dossier is approved and the result is issued.
    let clerk = login(&engine, "staff", CLERK).await;
    let act = |session: &Session, action: &str| {
        client()
            .post(engine.at(&format!("/v1/dossiers/{id}/actions/{action}")))
            .bearer_auth(&session.token)
            .json(&json!({}))
            .send()
    };
    let specialist = login(&engine, "staff", SPECIALIST).await;
    let approver = login(&engine, "staff", APPROVER).await;
    assert_eq!(act(&clerk, "receive").await.unwrap().status(), 200);
    assert_eq!(act(&specialist, "propose").await.unwrap().status(), 200);
    assert_eq!(act(&approver, "approve").await.unwrap().status(), 200);
    let issued = client()
        .put(engine.at(&format!("/v1/dossiers/{id}/results/KQ-2026-000123")))
        .bearer_auth(&clerk.token)
        .header("content-type", "application/pdf")
        .body(result.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), 201);
    let issued: Value = issued.json().await.unwrap();
    assert_eq!(issued["kind"], "result");
    assert_eq!(issued["result_code"], "KQ-2026-000123");
    assert_eq!(issued["issuer"], "SGDDT-HN");
    assert_eq!(issued["sha256"], hex_sha256(&result));

    let results_in_store = || motcua_tests::api::result_ids_in_store(&engine, &minh);
    // Attached is not issued: the citizen's store has it once the result is issued.
    assert!(results_in_store().await.is_empty());
    assert_eq!(
        act(&specialist, "issue_result").await.unwrap().status(),
        200
    );
    assert_eq!(results_in_store().await, [issued["id"].clone()]);

    // The next procedure takes it from the store.
    let copy = draft(&engine, &minh, "3.000465").await;
    let reused = client()
        .post(engine.at(&format!("/v1/dossiers/{copy}/documents/proof-of-relation")))
        .bearer_auth(&minh.token)
        .json(&json!({ "reuse": issued["id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), 201);
    let attached: Value = reused.json().await.unwrap();
    assert_eq!(attached["source"], "reused_result");
    assert_eq!(attached["replaces_result_code"], "KQ-2026-000123");
    assert_eq!(attached["from_store"], true);
}

#[tokio::test]
async fn paper_received_at_the_counter_becomes_digitised_when_its_scan_is_uploaded() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let paper = |session: &Session, id: &str| {
        client()
            .post(engine.at(&format!(
                "/v1/dossiers/{id}/documents/residence-confirmation"
            )))
            .bearer_auth(&session.token)
            .json(&json!({ "paper": true }))
            .send()
    };
    // Paper is something staff receive, not something a citizen declares on a draft.
    let draft_id = draft(&engine, &minh, THPT).await;
    let declared = paper(&minh, &draft_id).await.unwrap();
    assert_eq!(declared.status(), 422);
    let declared: Value = declared.json().await.unwrap();
    assert_eq!(declared["code"], "invalid_body");

    let id = submitted_thpt(&engine, &minh).await;

    let clerk = login(&engine, "staff", CLERK).await;
    let received = paper(&clerk, &id).await.unwrap();
    assert_eq!(received.status(), 201);
    let received: Value = received.json().await.unwrap();
    assert_eq!(received["source"], "paper");
    assert_eq!(received["digitised"], false);
    assert_eq!(received["id"], Value::Null);
    assert!(
        objects(&engine, &format!("dossiers/{id}/")).await.len() == 1,
        "only the photo"
    );

    let scan = b"%PDF-1.7 giay xac nhan cu tru (ban quet)".to_vec();
    let scanned = client()
        .put(engine.at(&format!(
            "/v1/dossiers/{id}/documents/residence-confirmation"
        )))
        .bearer_auth(&clerk.token)
        .header("content-type", "application/pdf")
        .body(scan.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(scanned.status(), 201);

    let (_, dossier) = get_json(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    let residence = dossier["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["requirement"] == "residence-confirmation")
        .unwrap();
    assert_eq!(residence["source"], "clerk_scan");
    assert_eq!(residence["digitised"], true);
    assert_eq!(residence["sha256"], hex_sha256(&scan));
    assert_eq!(objects(&engine, &format!("dossiers/{id}/")).await.len(), 2);
}

#[tokio::test]
async fn papers_the_register_replaces_are_asked_only_when_it_cannot_answer() {
    const CORRECTION: &str = "3.000466";
    let engine = Engine::start_in_thpt_window().await;
    let submit_names = |session: &Session, id: String| {
        let engine = &engine;
        let token = session.token.clone();
        async move {
            let answer = client()
                .post(engine.at(&format!("/v1/dossiers/{id}/submit")))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let status = answer.status().as_u16();
            let problem: Value = answer.json().await.unwrap();
            let mut pointers: Vec<String> = problem["errors"]
                .as_array()
                .map(|errors| {
                    errors
                        .iter()
                        .map(|e| e["pointer"].as_str().unwrap().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            pointers.sort();
            (status, pointers)
        }
    };
    let data = json!({
        "applicant": { "phone": "0912345678" },
        "diploma": { "kind": "thpt", "serial": "HN-2025-001234", "year_awarded": 2025,
                     "issued_by": "Sở GD&ĐT Hà Nội" },
        "correction": { "item": "holder_name", "printed": "Nguyen Van A",
                        "corrected": "Nguyễn Văn A", "grounds": "issuer_error" }
    });
    let fill = |session: &Session, id: String, data: Value| {
        let engine = &engine;
        let token = session.token.clone();
        async move {
            let patched = client()
                .patch(engine.at(&format!("/v1/dossiers/{id}")))
                .bearer_auth(&token)
                .header("content-type", "application/merge-patch+json")
                .body(data.to_string())
                .send()
                .await
                .unwrap();
            assert_eq!(patched.status(), 200, "{}", patched.text().await.unwrap());
        }
    };

    // The register answers for Minh: only the diploma itself is asked for.
    let minh = login(&engine, "citizen", MINH).await;
    let id = draft(&engine, &minh, CORRECTION).await;
    fill(&minh, id.clone(), data.clone()).await;
    assert_eq!(
        submit_names(&minh, id.clone()).await,
        (422, vec!["/documents/diploma".to_owned()])
    );
    let scan = b"%PDF-1.7 van bang".to_vec();
    assert_eq!(
        put_document(
            &engine,
            &minh,
            &id,
            "diploma",
            "application/pdf",
            scan.clone()
        )
        .await
        .status(),
        201
    );
    assert_eq!(submit_names(&minh, id).await.0, 200);

    // A person the register does not know brings the birth certificate and the ID card.
    let unknown = login(
        &engine,
        "citizen",
        motcua_sim::register::named::NOT_IN_REGISTER,
    )
    .await;
    let created = client()
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(&unknown.token)
        .json(&json!({ "procedure": CORRECTION, "register_fallback": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut theirs = data;
    theirs["applicant"] = json!({ "pin": motcua_sim::register::named::NOT_IN_REGISTER,
        "full_name": "Đặng Thị Lan", "birth_date": "1999-09-09", "phone": "0987654321" });
    fill(&unknown, id.clone(), theirs).await;
    assert_eq!(
        put_document(&engine, &unknown, &id, "diploma", "application/pdf", scan)
            .await
            .status(),
        201
    );
    assert_eq!(
        submit_names(&unknown, id).await,
        (
            422,
            vec![
                "/documents/birth-certificate".to_owned(),
                "/documents/id-card-copy".to_owned()
            ]
        )
    );
}

/// A file name whose direction overrides (U+202E and the other bidi controls) would show a
/// clerk `invoiceexe.pdf` for `invoice\u{202E}fdp.exe` is stored and shown without them.
#[tokio::test]
async fn a_file_name_is_stored_without_its_direction_overrides() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = draft(&engine, &minh, THPT).await;
    let created = client()
        .put(engine.at(&format!("/v1/dossiers/{id}/documents/photo")))
        .bearer_auth(&minh.token)
        .header("content-type", "image/jpeg")
        // "ảnh\u{202E}gpj.exe\u{2066}", percent-encoded as RFC 5987 asks.
        .header(
            "content-disposition",
            "attachment; filename*=UTF-8''%E1%BA%A3nh%E2%80%AEgpj.exe%E2%81%A6",
        )
        .body(jpeg(3000))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let document: Value = created.json().await.unwrap();
    assert_eq!(document["file_name"], "ảnhgpj.exe");
    let (_, dossier) = get_json(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(
        dossier["documents"][0]["file_name"], "ảnhgpj.exe",
        "{dossier}"
    );
}
