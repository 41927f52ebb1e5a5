//! Upload abuse (issue 8, point 6): a body far over the limit, an upload that stalls, a zip
//! bomb or a file that claims a type it is not, path-like names. Each is refused before
//! storage and leaves nothing in the bucket or the database.

use motcua_files::FileStore;
use motcua_tests::accounts::MINH;
use motcua_tests::dossiers::{correction_data, filled_draft, CORRECTION};
use motcua_tests::{login, raw_http, Engine, EngineOptions, Session};
use serde_json::{json, Value};
use std::time::Duration;

/// The start of a JPEG: enough for the engine to recognise one.
fn jpeg_head() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    bytes.resize(4096, 0x42);
    bytes
}

async fn objects(engine: &Engine) -> Vec<String> {
    engine.s3.store().list("dossiers/").await.unwrap()
}

/// Nothing of the refused uploads was kept: no object, no document on the dossier, nothing
/// in the citizen's store.
async fn assert_nothing_kept(engine: &Engine, citizen: &Session, id: &str) {
    assert_eq!(objects(engine).await, Vec::<String>::new(), "the bucket");
    assert_eq!(
        engine.s3.multipart_uploads().await,
        Vec::<String>::new(),
        "multipart uploads left behind"
    );
    let (_, dossier) = motcua_tests::api::get(engine, citizen, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(dossier["documents"], json!([]), "the dossier's documents");
    let (_, store) = motcua_tests::api::get(engine, citizen, "/v1/me/documents").await;
    assert_eq!(store["items"], json!([]), "the citizen's store");
}

fn upload_head(
    engine: &Engine,
    citizen: &Session,
    id: &str,
    requirement: &str,
    length: u64,
) -> String {
    let path = format!("/v1/dossiers/{id}/documents/{requirement}");
    raw_http::head(engine, "PUT", &path, citizen, "image/jpeg", length)
}

/// Sends `head` and `body`, then nothing: the engine must end it with 408 and keep nothing
/// of it on the dossier `id`. How long it took.
async fn assert_stall_ends_in_408(
    engine: &Engine,
    citizen: &Session,
    id: &str,
    head: &str,
    body: &[u8],
) -> Duration {
    let raw_http::RawAnswer {
        status,
        body: problem,
        took,
        ..
    } = raw_http::send(engine, head, body).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (408, Some("body_timeout")),
        "{problem}"
    );
    assert_nothing_kept(engine, citizen, id).await;
    took
}

#[tokio::test]
async fn a_body_far_over_the_limit_is_refused_before_it_is_read() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = motcua_tests::dossiers::filled_draft(
        &engine,
        &reqwest::Client::new(),
        &minh,
        "1.005142",
        &json!({}),
    )
    .await;

    // Ten gigabytes announced: the answer comes before a byte of it is sent.
    let head = upload_head(&engine, &minh, &id, "photo", 10 * 1024 * 1024 * 1024);
    let raw_http::RawAnswer {
        status,
        body: problem,
        took,
        ..
    } = raw_http::send(&engine, &head, b"").await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (413, Some("file_too_large"))
    );
    assert!(took < Duration::from_secs(10), "answered in {took:?}");

    // A JSON body of 64 MiB to an endpoint that takes 1 MiB.
    let huge = reqwest::Client::new()
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(&minh.token)
        .header("content-type", "application/json")
        .body(vec![b' '; 64 * 1024 * 1024])
        .send()
        .await;
    match huge {
        Ok(answer) => {
            assert_eq!(answer.status(), 413);
            let problem: Value = answer.json().await.unwrap();
            assert_eq!(problem["code"], "body_too_large");
        }
        // The engine may close the connection once it has answered; what matters is that
        // nothing was made.
        Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
    }
    let (_, list) = motcua_tests::api::get(&engine, &minh, "/v1/dossiers").await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(1),
        "only the first draft"
    );
    assert_nothing_kept(&engine, &minh, &id).await;
}

#[tokio::test]
async fn an_upload_that_stalls_is_ended_by_the_timeout_and_nothing_is_kept() {
    let engine = Engine::start_with(EngineOptions {
        clock: Some(motcua_tests::engine::THPT_WINDOW_2025.into()),
        extra_env: vec![("MOTCUA_BODY_IDLE_TIMEOUT_SECS".into(), "2".into())],
        ..Default::default()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = filled_draft(
        &engine,
        &reqwest::Client::new(),
        &minh,
        "1.005142",
        &json!({}),
    )
    .await;

    // 100 kB announced, 4 kB sent (a real JPEG's start), then silence.
    let head = upload_head(&engine, &minh, &id, "photo", 100 * 1024);
    let took = assert_stall_ends_in_408(&engine, &minh, &id, &head, &jpeg_head()).await;
    assert!(
        took >= Duration::from_secs(2) && took < Duration::from_secs(20),
        "ended after {took:?}"
    );

    // A JSON body that stops half-way gets the same answer, and no draft is made.
    let head = raw_http::head(
        &engine,
        "POST",
        "/v1/dossiers",
        &minh,
        "application/json",
        100,
    );
    assert_stall_ends_in_408(&engine, &minh, &id, &head, br#"{"procedure": "#).await;
    let (_, list) = motcua_tests::api::get(&engine, &minh, "/v1/dossiers").await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(1),
        "only the first draft"
    );

    // The silence came after the part the engine reads to check the type, while the file
    // streams into the store's first part.
    let mut long_head = jpeg_head();
    long_head.resize(256 * 1024, 0x42);
    let head = upload_head(&engine, &minh, &id, "photo", 1024 * 1024);
    assert_stall_ends_in_408(&engine, &minh, &id, &head, &long_head).await;

    // 6 MiB of a 9 MiB certificate, then silence: the first 5 MiB part has gone to S3 in a
    // multipart upload, which must be aborted.
    let mut six_mib = b"%PDF-1.7\n".to_vec();
    six_mib.resize(6 * 1024 * 1024, b'x');
    let path = format!("/v1/dossiers/{id}/documents/language-certificate");
    let head = raw_http::head(
        &engine,
        "PUT",
        &path,
        &minh,
        "application/pdf",
        9 * 1024 * 1024,
    );
    assert_stall_ends_in_408(&engine, &minh, &id, &head, &six_mib).await;
}

#[tokio::test]
async fn a_zip_bomb_or_a_file_posing_as_another_type_is_refused_unopened() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let client = reqwest::Client::new();
    let id = filled_draft(&engine, &client, &minh, CORRECTION, &correction_data()).await;
    let put = |content_type: &str, extra: Option<(&str, &str)>, bytes: Vec<u8>| {
        let mut request = client
            .put(engine.at(&format!("/v1/dossiers/{id}/documents/diploma")))
            .bearer_auth(&minh.token)
            .header("content-type", content_type)
            .body(bytes);
        if let Some((name, value)) = extra {
            request = request.header(name, value);
        }
        request.send()
    };

    // 200 MiB of zeros in a 200 kB zip, declared as the PDF of the diploma.
    let bomb = include_bytes!("../../fixtures/bomb.zip").to_vec();
    let refused = put("application/pdf", None, bomb.clone()).await.unwrap();
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "content_mismatch");

    // Declared as a zip: not a type the requirement accepts.
    let refused = put("application/zip", None, bomb).await.unwrap();
    assert_eq!(refused.status(), 415);

    // A PDF compressed on the way: the engine does not inflate bodies, so it sees gzip.
    let gzipped = vec![
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01,
    ];
    let refused = put(
        "application/pdf",
        Some(("content-encoding", "gzip")),
        gzipped,
    )
    .await
    .unwrap();
    assert_eq!(refused.status(), 422);

    // An executable, an HTML page and a script posing as a PDF.
    for (what, bytes) in [
        ("an executable", b"MZ\x90\x00\x03\x00\x00\x00".to_vec()),
        ("an HTML page", b"<html><script>alert(1)</script>".to_vec()),
        ("a shell script", b"#!/bin/sh\nrm -rf /\n".to_vec()),
    ] {
        let refused = put("application/pdf", None, bytes).await.unwrap();
        assert_eq!(refused.status(), 422, "{what}");
    }
    assert_nothing_kept(&engine, &minh, &id).await;
}

#[tokio::test]
async fn path_like_names_never_reach_storage_or_a_download() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let client = reqwest::Client::new();
    let id = filled_draft(&engine, &client, &minh, CORRECTION, &correction_data()).await;

    for given in [
        "../../../etc/passwd.pdf",
        "..\\..\\Windows\\System32\\van-bang.pdf",
        "/absolute/van-bang.pdf",
        "..",
        "van%2F..%2Fbang.pdf",
    ] {
        let answer = client
            .put(engine.at(&format!("/v1/dossiers/{id}/documents/diploma")))
            .bearer_auth(&minh.token)
            .header("content-type", "application/pdf")
            .header(
                "content-disposition",
                format!("attachment; filename=\"{given}\""),
            )
            .body(b"%PDF-1.7 van bang".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 201, "{given}");
        let document: Value = answer.json().await.unwrap();
        let name = document["file_name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            !name.contains('/') && !name.contains('\\') && !name.starts_with('.'),
            "{given} kept as {name:?}"
        );
        let download = client
            .get(engine.at(&format!(
                "/v1/attachments/{}/content",
                document["id"].as_str().unwrap()
            )))
            .bearer_auth(&minh.token)
            .send()
            .await
            .unwrap();
        assert_eq!(download.status(), 200);
        let disposition = download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            !disposition.contains('/') && !disposition.contains('\\'),
            "{given}: {disposition}"
        );
    }
    // Storage keys are the engine's own: the dossier's id and a fresh id, whatever the name.
    for key in objects(&engine).await {
        let parts: Vec<&str> = key.split('/').collect();
        assert_eq!(parts.len(), 3, "{key}");
        assert_eq!(parts[1], id, "{key}");
        assert!(uuid::Uuid::parse_str(parts[2]).is_ok(), "{key}");
    }

    // A requirement that is a path is no requirement.
    for requirement in ["..%2F..%2Fetc", "%2E%2E", "diploma%2F..%2Fphoto"] {
        let answer = client
            .put(engine.at(&format!("/v1/dossiers/{id}/documents/{requirement}")))
            .bearer_auth(&minh.token)
            .header("content-type", "application/pdf")
            .body(b"%PDF-1.7".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{requirement}");
    }
}
