//! OpenAPI-driven fuzzing (issue 8): schemathesis generates requests from `/openapi.json`,
//! valid and invalid, for every operation, as a citizen and as a desk clerk. No answer may
//! be a 5xx, every answer must match its documented status, content type and schema, and
//! every error must be problem+json (`tests/schemathesis/hooks.py`).

use motcua_tests::accounts::{CLERK, MINH as CITIZEN, SPECIALIST};
use motcua_tests::schemathesis::{self, Dictionary};
use motcua_tests::{dossiers, login, Engine};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Cases per operation and phase: enough to reach every documented answer of the small API,
/// few enough that the two runs take well under a minute each on the CI's two cores.
const MAX_EXAMPLES: u32 = 25;

/// Codes, actions, document keys and queues of the procedures the engine runs.
fn procedure_dictionaries() -> Vec<Dictionary> {
    let mut codes = BTreeSet::new();
    let mut actions = BTreeSet::new();
    let mut requirements = BTreeSet::new();
    let mut queues = BTreeSet::new();
    let dir = motcua_tests::workspace_root().join("procedures");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let procedure: Value = serde_json::from_str(&text).unwrap();
        let Some(code) = procedure["code"].as_str() else {
            continue; // the procedure schema
        };
        codes.insert(code.to_owned());
        let workflow = &procedure["workflow"];
        for action in workflow["actions"].as_array().unwrap() {
            actions.insert(action["name"].as_str().unwrap().to_owned());
        }
        for state in workflow["states"].as_object().unwrap().keys() {
            queues.insert(format!("{code}:{state}"));
        }
        for document in procedure["documents"].as_array().unwrap() {
            requirements.insert(document["key"].as_str().unwrap().to_owned());
        }
    }
    let slips = [
        "receipt",
        "supplement",
        "refusal",
        "apology",
        "stop",
        "control",
    ];
    vec![
        Dictionary {
            parameter: "body.procedure",
            values: codes.iter().cloned().collect(),
        },
        Dictionary {
            parameter: "query.procedure",
            values: codes.into_iter().collect(),
        },
        Dictionary {
            parameter: "path.action",
            values: actions.into_iter().collect(),
        },
        Dictionary {
            parameter: "path.requirement",
            values: requirements.into_iter().collect(),
        },
        Dictionary {
            parameter: "path.queue",
            values: queues.into_iter().collect(),
        },
        Dictionary {
            parameter: "path.kind",
            values: slips.map(String::from).to_vec(),
        },
        Dictionary {
            parameter: "body.citizen",
            values: vec![CITIZEN.into()],
        },
        Dictionary {
            parameter: "body.to",
            values: vec![SPECIALIST.into(), CLERK.into()],
        },
    ]
}

/// Dossiers of the citizen for the fuzzing to work on (a filled draft, submitted ones in
/// the desk clerk's queue, a THPT registration draft) and a document of one of them: the
/// ids of `/v1/dossiers/{id}` and `/v1/attachments/{id}` alike.
async fn dossier_and_document_ids(engine: &Engine) -> Vec<String> {
    let client = reqwest::Client::new();
    let citizen = login(engine, "citizen", CITIZEN).await;
    let mut ids = vec![
        dossiers::filled_copy_draft(engine, &client, &citizen).await,
        dossiers::submitted_copy(engine, &client, &citizen).await,
    ];
    let correction = dossiers::filled_draft(
        engine,
        &client,
        &citizen,
        dossiers::CORRECTION,
        &dossiers::correction_data(),
    )
    .await;
    let scan = client
        .put(engine.at(&format!("/v1/dossiers/{correction}/documents/diploma")))
        .bearer_auth(&citizen.token)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.7 van bang tot nghiep".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(scan.status(), 201, "the diploma's scan");
    let scan: Value = scan.json().await.unwrap();
    ids.push(scan["id"].as_str().unwrap().to_owned());
    dossiers::submit(engine, &client, &citizen, &correction).await;
    ids.push(correction);
    let thpt = client
        .post(engine.at("/v1/dossiers"))
        .bearer_auth(&citizen.token)
        .json(&json!({ "procedure": "1.005142" }))
        .send()
        .await
        .unwrap();
    assert_eq!(thpt.status(), 201, "the THPT draft");
    let thpt: Value = thpt.json().await.unwrap();
    ids.push(thpt["id"].as_str().unwrap().to_owned());
    ids
}

async fn fuzz_as(kind: &str, username: &str) {
    // Installing (once) before the engine starts: pip may take a minute.
    tokio::task::spawn_blocking(schemathesis::executable)
        .await
        .unwrap();
    // In the THPT registration window, drafts of the exam registration can be created. (The
    // test engines' rate limits are far above what fuzzing sends.)
    let engine = Engine::start_in_thpt_window().await;
    let mut dictionaries = procedure_dictionaries();
    dictionaries.push(Dictionary {
        parameter: "path.id",
        values: dossier_and_document_ids(&engine).await,
    });
    let session = login(&engine, kind, username).await;
    let url = engine.url.clone();
    let report = tokio::task::spawn_blocking(move || {
        schemathesis::run_against(&url, &session.token, MAX_EXAMPLES, &dictionaries)
    })
    .await
    .unwrap();
    println!(
        "schemathesis {} as {kind} {username}, {:.0?}:\n{}",
        schemathesis::VERSION,
        report.elapsed,
        report.text
    );
    assert!(
        report.passed,
        "schemathesis found failures as {kind} {username}: see its report above"
    );
}

#[tokio::test]
async fn the_api_keeps_its_openapi_contract_for_a_citizen() {
    fuzz_as("citizen", CITIZEN).await;
}

#[tokio::test]
async fn the_api_keeps_its_openapi_contract_for_a_desk_clerk() {
    fuzz_as("staff", CLERK).await;
}

/// openapi-spec-validator, pinned like schemathesis: an upgrade brings new rules.
const SPEC_VALIDATOR_VERSION: &str = "0.9.0";

/// Integrators generate their clients from /openapi.json: an independent validator must
/// accept the document the engine serves (it refused repeated operation ids, for one).
#[tokio::test]
async fn the_served_openapi_document_passes_an_independent_validator() {
    let venv = tokio::task::spawn_blocking(|| {
        motcua_tests::python_tool::install("openapi-spec-validator", SPEC_VALIDATOR_VERSION)
    })
    .await
    .unwrap();
    let engine = Engine::start().await;
    let document = reqwest::get(engine.at("/openapi.json"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let file = motcua_tests::python_tool::target_dir()
        .join(format!("openapi-{}.json", uuid::Uuid::new_v4().simple()));
    std::fs::write(&file, &document).unwrap();
    let output = std::process::Command::new(venv.join("bin/openapi-spec-validator"))
        .args(["--validation-errors", "all"])
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(
        output.status.success(),
        "openapi-spec-validator {SPEC_VALIDATOR_VERSION} refused /openapi.json:\n{}",
        motcua_tests::command::printed(&output)
    );
}
