//! Dossiers the tests and benchmarks need again and again, made over HTTP like a client.

use crate::{Engine, Session};
use serde_json::{json, Value};

/// The THPT exam registration (1.005142): online in its window, a photo required.
pub const THPT: &str = "1.005142";

/// The recognition of a diploma awarded abroad (1.004889).
pub const RECOGNITION: &str = "1.004889";

/// What only the candidate knows of a valid THPT exam registration
/// (`tests/fixtures/thpt_valid.json`); the register fills the rest.
pub fn thpt_data() -> Value {
    serde_json::from_str(include_str!("../fixtures/thpt_valid.json")).expect("the THPT fixture")
}

/// The diploma copy (3.000465): the same-day service, no document needed by the holder.
pub const COPY: &str = "3.000465";

/// What the holder of a THPT diploma fills in to ask for a copy.
pub fn copy_data() -> Value {
    json!({
        "applicant": { "phone": "0912345678", "email": "khoi@example.vn" },
        "diploma": { "kind": "thpt", "year_awarded": 2025, "issued_by": "Sở GD&ĐT Hà Nội",
                     "serial": "HN-2025-001234" },
        "copies": 1,
        "relationship": "holder",
        "delivery": "electronic"
    })
}

/// A new, empty draft of `procedure` for `citizen`: its id. Panics on any answer but 201.
pub async fn draft(engine: &Engine, citizen: &Session, procedure: &str) -> String {
    let created = crate::requests::create_draft(engine, citizen, procedure).await;
    let status = created.status();
    let draft: Value = created.json().await.expect("a JSON answer");
    assert_eq!(status, 201, "creating a {procedure} draft: {draft}");
    draft["id"].as_str().expect("an id").to_owned()
}

/// A draft of `procedure` for `citizen`, filled with `data`, not submitted. Panics on any
/// other answer: for tests and benchmarks.
pub async fn filled_draft(
    engine: &Engine,
    client: &reqwest::Client,
    citizen: &Session,
    procedure: &str,
    data: &Value,
) -> String {
    let created = client
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(&citizen.token)
        .json(&json!({ "procedure": procedure }))
        .send()
        .await
        .expect("the engine answers");
    let status = created.status();
    let draft: Value = created.json().await.expect("a JSON answer");
    assert_eq!(status, 201, "creating a {procedure} draft: {draft}");
    let id = draft["id"].as_str().expect("an id").to_owned();
    let patched = client
        .patch(engine.at(&format!("/v1/dossiers/{id}")))
        .bearer_auth(&citizen.token)
        .header("content-type", "application/merge-patch+json")
        .body(data.to_string())
        .send()
        .await
        .expect("the engine answers");
    assert_eq!(patched.status(), 200);
    id
}

/// A diploma-copy draft of `citizen`, filled in, not submitted.
pub async fn filled_copy_draft(
    engine: &Engine,
    client: &reqwest::Client,
    citizen: &Session,
) -> String {
    filled_draft(engine, client, citizen, COPY, &copy_data()).await
}

/// Submits a draft of `citizen`, expecting 200.
pub async fn submit(engine: &Engine, client: &reqwest::Client, citizen: &Session, id: &str) {
    let answer = client
        .post(engine.at(&format!("/v1/dossiers/{id}/submit")))
        .bearer_auth(&citizen.token)
        .send()
        .await
        .expect("the engine answers");
    assert_eq!(answer.status(), 200);
}

/// A submitted diploma-copy dossier of `citizen`.
pub async fn submitted_copy(
    engine: &Engine,
    client: &reqwest::Client,
    citizen: &Session,
) -> String {
    let id = filled_copy_draft(engine, client, citizen).await;
    submit(engine, client, citizen, &id).await;
    id
}

/// The correction of a diploma's content (3.000466): 5 working days.
pub const CORRECTION: &str = "3.000466";

/// A holder asking to correct a name the issuer misprinted.
pub fn correction_data() -> Value {
    json!({
        "applicant": { "phone": "0912345678" },
        "diploma": { "kind": "thpt", "serial": "HN-2025-001234", "year_awarded": 2025,
                     "issued_by": "Sở GD&ĐT Hà Nội" },
        "correction": { "item": "holder_name", "printed": "Nguyen Duc Minh",
                        "corrected": "Nguyễn Đức Minh", "grounds": "issuer_error" }
    })
}

/// A submitted correction dossier of `citizen`, with the diploma scanned.
pub async fn submitted_correction(
    engine: &Engine,
    client: &reqwest::Client,
    citizen: &Session,
) -> String {
    let id = filled_draft(engine, client, citizen, CORRECTION, &correction_data()).await;
    let (status, uploaded) = upload_diploma(engine, citizen, &id).await;
    assert_eq!(status, 201, "{uploaded}");
    submit(engine, client, citizen, &id).await;
    id
}

/// Uploads the scan of the diploma to the correction dossier `id`: the engine's status and
/// answer.
pub async fn upload_diploma(engine: &Engine, citizen: &Session, id: &str) -> (u16, Value) {
    crate::api::put_file(
        engine,
        citizen,
        &format!("/v1/dossiers/{id}/documents/diploma"),
        "application/pdf",
        b"%PDF-1.7 van bang tot nghiep".to_vec(),
    )
    .await
}

/// Takes a submitted dossier of the diploma procedures the agency's way through the API:
/// received, proposed, approved, its result attached (a PDF), issued and returned. The
/// answer to `receive`.
pub async fn process_to_returned(engine: &Engine, id: &str, result_code: &str) -> Value {
    let received = process_to_issued(engine, id, result_code).await;
    let clerk = crate::login(engine, "staff", crate::accounts::CLERK).await;
    let (status, returned) = crate::api::act(engine, &clerk, id, "return_result", json!({})).await;
    assert_eq!(
        (status, returned["status"].as_i64()),
        (200, Some(10)),
        "{returned}"
    );
    received
}

/// [`process_to_returned`] up to the result issued (`result_ready`), not yet returned.
pub async fn process_to_issued(engine: &Engine, id: &str, result_code: &str) -> Value {
    let clerk = crate::login(engine, "staff", crate::accounts::CLERK).await;
    let (status, received) = crate::api::act(engine, &clerk, id, "receive", json!({})).await;
    assert_eq!(status, 200, "{received}");
    issue_from_processing(engine, id, result_code).await;
    received
}

/// A received dossier (`processing`) proposed, approved, its result attached and issued.
pub async fn issue_from_processing(engine: &Engine, id: &str, result_code: &str) {
    use crate::accounts::{APPROVER, CLERK, SPECIALIST};
    use crate::api::{act, put_file};
    let clerk = crate::login(engine, "staff", CLERK).await;
    let specialist = crate::login(engine, "staff", SPECIALIST).await;
    let approver = crate::login(engine, "staff", APPROVER).await;
    let proposed = act(engine, &specialist, id, "propose", json!({})).await;
    assert_eq!(proposed.0, 200, "{}", proposed.1);
    assert_eq!(
        act(engine, &approver, id, "approve", json!({})).await.0,
        200
    );
    let path = format!("/v1/dossiers/{id}/results/{result_code}");
    let pdf = b"%PDF-1.7 ket qua".to_vec();
    let (status, attached) = put_file(engine, &clerk, &path, "application/pdf", pdf).await;
    assert_eq!(status, 201, "{attached}");
    assert_eq!(
        act(engine, &clerk, id, "issue_result", json!({})).await.0,
        200
    );
}
