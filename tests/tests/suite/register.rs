//! The population register and prefill (issue 3), over HTTP against the real binary and
//! motcua-sim's register: citizens never re-declare what the register holds.

use motcua_sim::register::named;
use motcua_tests::accounts::{HAN, MINH};
use motcua_tests::dossiers::THPT;
use motcua_tests::problem::problem;
use motcua_tests::requests::{create, patch};
use motcua_tests::stoppable_register::StoppableRegister;
use motcua_tests::{login, login_answer, Engine, EngineOptions, Session};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn get_json(engine: &Engine, session: &Session, path: &str) -> Value {
    let r = client()
        .get(engine.at(path))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "GET {path}");
    r.json().await.unwrap()
}

fn strings(value: &Value) -> Vec<String> {
    let mut out: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_thpt_draft_is_filled_from_the_register_with_provenance_and_locked() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let created = create(&engine, &minh, &json!({ "procedure": THPT })).await;
    assert_eq!(created.status(), 201);
    let draft: Value = created.json().await.unwrap();
    let id = draft["id"].as_str().unwrap();

    let candidate = &draft["data"]["candidate"];
    assert_eq!(candidate["pin"], MINH);
    assert_eq!(candidate["full_name"], "Nguyễn Đức Minh");
    assert_eq!(candidate["birth_date"], "2007-09-14");
    assert_eq!(candidate["sex"], "male");
    assert_eq!(candidate["ethnicity"], "Kinh");
    // The values are the register's own, read from the simulator's population.
    let population = motcua_sim::register::Population::shared();
    let record = population.get(MINH).unwrap();
    assert_eq!(
        candidate["birth_place"],
        record.field("birth_place").unwrap()
    );
    let address = &candidate["permanent_address"];
    let registered = record.field("permanent_address").unwrap();
    for part in ["province_code", "commune_code", "text"] {
        assert!(
            address[part].as_str().is_some_and(|s| !s.is_empty()),
            "permanent_address.{part} is not filled: {address}"
        );
        assert_eq!(address[part], registered[part], "permanent_address.{part}");
    }
    assert_eq!(address["province_code"], "01", "Minh lives in Hà Nội");

    // Every filled pointer says where its value came from.
    let provenance = &draft["prefill"];
    for pointer in [
        "/candidate/pin",
        "/candidate/full_name",
        "/candidate/birth_date",
        "/candidate/sex",
        "/candidate/birth_place",
        "/candidate/ethnicity",
        "/candidate/permanent_address/text",
    ] {
        let entry = &provenance[pointer];
        assert_eq!(entry["locked"], true, "{pointer}: {entry}");
        assert!(entry["source"].is_string(), "{pointer}: {entry}");
        assert!(entry["fetched_at"].is_string(), "{pointer}: {entry}");
        assert!(entry["request_id"].is_string(), "{pointer}: {entry}");
    }
    assert_eq!(provenance["/candidate/full_name"]["source"], "full_name");
    assert_eq!(
        provenance["/candidate/permanent_address/text"]["source"],
        "permanent_address.text"
    );
    // The register's own request id ties the value to the call the register logged.
    let call = engine.register.calls().into_iter().last().unwrap();
    assert_eq!(
        provenance["/candidate/full_name"]["request_id"],
        call.request_id.clone().unwrap_or_default()
    );

    // Changing a register value is refused, naming the pointer; other fields still change.
    let refused = patch(
        &engine,
        &minh,
        id,
        &json!({ "candidate": { "full_name": "Nguyễn Văn Khác" } }),
    )
    .await;
    let problem = problem(refused, 422, "a locked field changed").await;
    assert_eq!(problem["code"], "prefilled_field_locked");
    assert_eq!(problem["errors"][0]["pointer"], "/candidate/full_name");
    let ok = patch(
        &engine,
        &minh,
        id,
        &json!({ "contact": { "phone": "0912345678" } }),
    )
    .await;
    assert_eq!(ok.status(), 200);

    // The dossier keeps the provenance.
    let read = get_json(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(read["prefill"], draft["prefill"]);
    assert_eq!(read["data"]["candidate"], draft["data"]["candidate"]);
}

#[tokio::test]
async fn the_register_is_asked_only_for_the_procedures_fields_with_the_purpose() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let spec = get_json(&engine, &minh, &format!("/v1/procedures/{THPT}")).await;
    assert_eq!(spec["prefill_coverage"]["ratio"], 1.0);
    let mut expected = strings(&spec["prefill_coverage"]["register_fields"]);
    // Whether the person is alive decides whether a dossier can start: always asked.
    expected.push("status".into());
    expected.sort();
    assert!(
        !expected.contains(&"religion".to_owned()),
        "the exam does not need religion"
    );

    let thpt: Value = create(&engine, &minh, &json!({ "procedure": THPT }))
        .await
        .json()
        .await
        .unwrap();
    let copy: Value = create(&engine, &minh, &json!({ "procedure": "3.000465" }))
        .await
        .json()
        .await
        .unwrap();

    let calls = engine.register.calls();
    assert_eq!(calls.len(), 2, "one read per draft: {calls:?}");
    let thpt_call = &calls[0];
    assert_eq!(
        thpt_call.purpose.as_deref(),
        Some(format!("{THPT}/{}", thpt["id"].as_str().unwrap()).as_str())
    );
    assert_eq!(thpt_call.requester.as_deref(), Some(MINH));
    let mut asked = thpt_call.fields.clone();
    asked.sort();
    assert_eq!(asked, expected);

    // The diploma copy needs no ethnicity: it is not read (sensitive data).
    let copy_call = &calls[1];
    assert_eq!(
        copy_call.purpose.as_deref(),
        Some(format!("3.000465/{}", copy["id"].as_str().unwrap()).as_str())
    );
    assert!(
        !copy_call
            .fields
            .iter()
            .any(|f| f == "ethnicity" || f == "religion"),
        "{:?}",
        copy_call.fields
    );
}

async fn dossier_count(engine: &Engine, session: &Session) -> usize {
    get_json(engine, session, "/v1/dossiers").await["items"]
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn with_the_register_down_no_draft_is_made_and_it_recovers_without_restart() {
    let mut register = StoppableRegister::start().await;
    let engine = Engine::start_with(EngineOptions {
        registry: Some((
            format!("http://{}", register.address),
            motcua_sim::SimConfig::dev_default().register_token,
        )),
        clock: Some(motcua_tests::engine::THPT_WINDOW_2025.into()),
        ..Default::default()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    register.stop().await;

    let started = Instant::now();
    let refused = create(&engine, &minh, &json!({ "procedure": THPT })).await;
    let took = started.elapsed();
    assert_eq!(refused.status(), 503);
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
    let problem = problem(refused, 503, "a draft while the register is down").await;
    assert_eq!(problem["code"], "register_unavailable");
    assert_eq!(dossier_count(&engine, &minh).await, 0, "no draft is left");

    register.restart().await;
    let created = create(&engine, &minh, &json!({ "procedure": THPT })).await;
    assert_eq!(created.status(), 201, "the engine reconnects by itself");
    assert_eq!(dossier_count(&engine, &minh).await, 1);

    // The failed read is in the access log too, with its outcome.
    let log = get_json(&engine, &minh, "/v1/me/access-log").await;
    let outcomes: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["ok", "unavailable"]);
}

#[tokio::test]
async fn a_register_that_hangs_gives_503_within_three_seconds() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    engine.register.set_hang(true);
    let started = Instant::now();
    let refused = create(&engine, &minh, &json!({ "procedure": THPT })).await;
    assert_eq!(refused.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(dossier_count(&engine, &minh).await, 0);
    engine.register.set_hang(false);
    assert_eq!(
        create(&engine, &minh, &json!({ "procedure": THPT }))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn the_access_log_shows_the_citizen_every_read_with_its_purpose() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let draft: Value = create(&engine, &minh, &json!({ "procedure": THPT }))
        .await
        .json()
        .await
        .unwrap();
    let id = draft["id"].as_str().unwrap();

    let log = get_json(&engine, &minh, "/v1/me/access-log").await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log}");
    let read = &items[0];
    assert_eq!(read["procedure"], THPT);
    assert_eq!(read["dossier_id"], id);
    assert_eq!(read["outcome"], "ok");
    assert_eq!(read["source"], "register");
    assert!(
        read["purpose"].as_str().unwrap().contains("prefill"),
        "{read}"
    );
    assert!(strings(&read["fields"]).contains(&"full_name".to_owned()));
    assert!(read["at"].as_str().unwrap().ends_with("+07:00"));

    // A fresh read of the draft is logged as well, with its own purpose.
    let refreshed = client()
        .post(engine.at(&format!("/v1/dossiers/{id}/prefill")))
        .bearer_auth(&minh.token)
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
    let log = get_json(&engine, &minh, "/v1/me/access-log").await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
    assert!(log["items"][0]["purpose"]
        .as_str()
        .unwrap()
        .contains("fresh read"));
    assert_eq!(engine.register.calls().len(), 2);

    // Another citizen sees none of it.
    let other = login(&engine, "citizen", HAN).await;
    let theirs = get_json(&engine, &other, "/v1/me/access-log").await;
    assert_eq!(theirs["items"], json!([]));
}

#[tokio::test]
async fn a_person_the_register_does_not_know_gets_not_in_register_and_the_fallback() {
    let engine = Engine::start_in_thpt_window().await;
    let unknown = login(&engine, "citizen", named::NOT_IN_REGISTER).await;
    let refused = create(&engine, &unknown, &json!({ "procedure": THPT })).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "not_in_register");
    let keys: Vec<&str> = problem["fallback_documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["residence-confirmation"]);
    assert_eq!(dossier_count(&engine, &unknown).await, 0);

    // Asked for explicitly, the draft is made without prefill and flagged for the clerk.
    let created = create(
        &engine,
        &unknown,
        &json!({ "procedure": THPT, "register_fallback": true }),
    )
    .await;
    assert_eq!(created.status(), 201);
    let draft: Value = created.json().await.unwrap();
    assert_eq!(draft["flags"], json!(["not_in_register"]));
    assert_eq!(draft["prefill"], json!({}));
    assert_eq!(
        draft["fallback_documents"][0]["key"],
        "residence-confirmation"
    );

    // The fallback does not let a known person skip the register.
    let minh = login(&engine, "citizen", MINH).await;
    let known: Value = create(
        &engine,
        &minh,
        &json!({ "procedure": THPT, "register_fallback": true }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(known["flags"], json!([]));
    assert_eq!(known["data"]["candidate"]["full_name"], "Nguyễn Đức Minh");
}

#[tokio::test]
async fn a_deceased_person_is_refused_and_one_under_review_is_filled_and_flagged() {
    let engine = Engine::start_in_thpt_window().await;
    let deceased = login(&engine, "citizen", named::DECEASED).await;
    let refused = create(&engine, &deceased, &json!({ "procedure": "3.000465" })).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "person_deceased");
    assert_eq!(dossier_count(&engine, &deceased).await, 0);

    let reviewed = login(&engine, "citizen", named::UNDER_REVIEW).await;
    let created = create(&engine, &reviewed, &json!({ "procedure": "3.000465" })).await;
    assert_eq!(created.status(), 201);
    let draft: Value = created.json().await.unwrap();
    assert_eq!(draft["flags"], json!(["register_under_review"]));
    assert!(
        draft["data"]["applicant"]["full_name"].is_string(),
        "{draft}"
    );
}

/// The diploma-copy procedure with its address made editable, in a folder of its own.
fn procedures_with_an_editable_address() -> motcua_tests::engine::tempdir::TempDir {
    motcua_tests::procedures_edited("3.000465.json", |spec| {
        spec["form"]["properties"]["applicant"]["properties"]["address"]["x-prefill-editable"] =
            json!("the register may not show a recent move yet");
    })
}

#[tokio::test]
async fn an_editable_register_value_keeps_both_and_flags_a_correction_request() {
    let procedures = procedures_with_an_editable_address();
    let engine = Engine::start_in_thpt_window_with(&procedures.0).await;
    let minh = login(&engine, "citizen", MINH).await;
    let draft: Value = create(&engine, &minh, &json!({ "procedure": "3.000465" }))
        .await
        .json()
        .await
        .unwrap();
    let id = draft["id"].as_str().unwrap();
    let register_address = draft["data"]["applicant"]["address"].clone();
    assert!(register_address.is_string());
    assert_eq!(draft["prefill"]["/applicant/address"]["locked"], false);
    assert_eq!(draft["flags"], json!([]));

    let changed = patch(
        &engine,
        &minh,
        id,
        &json!({ "applicant": { "address": "Số 5 ngõ 10 phố Mới, phường Cầu Giấy, Hà Nội" } }),
    )
    .await;
    assert_eq!(changed.status(), 200);
    let after: Value = changed.json().await.unwrap();
    assert_eq!(
        after["data"]["applicant"]["address"],
        "Số 5 ngõ 10 phố Mới, phường Cầu Giấy, Hà Nội"
    );
    assert_eq!(
        after["prefill"]["/applicant/address"]["register_value"],
        register_address
    );
    assert_eq!(after["flags"], json!(["register_correction"]));

    // The name stays locked in the same procedure.
    let refused = patch(
        &engine,
        &minh,
        id,
        &json!({ "applicant": { "full_name": "Ai Khác" } }),
    )
    .await;
    assert_eq!(refused.status(), 422);
}

#[tokio::test]
async fn a_login_whose_number_has_an_impossible_century_digit_is_refused_saying_so() {
    let engine = Engine::start_in_thpt_window().await;
    let answer = login_answer(&engine, "citizen", named::BAD_CENTURY_DIGIT).await;
    assert!(
        answer.status().is_client_error(),
        "status {}",
        answer.status()
    );
    let problem: Value = answer.json().await.unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("century"), "{detail}");
}

#[tokio::test]
async fn the_engines_logs_never_carry_a_full_pin() {
    let mut engine = Engine::start_with(EngineOptions {
        debug_log: true,
        clock: Some(motcua_tests::engine::THPT_WINDOW_2025.into()),
        ..Default::default()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let draft: Value = create(&engine, &minh, &json!({ "procedure": THPT }))
        .await
        .json()
        .await
        .unwrap();
    let id = draft["id"].as_str().unwrap();
    patch(
        &engine,
        &minh,
        id,
        &json!({ "candidate": { "full_name": "Nguyễn Văn Khác" } }),
    )
    .await;
    engine.register.set_outage(true);
    assert_eq!(
        create(&engine, &minh, &json!({ "procedure": THPT }))
            .await
            .status(),
        503
    );
    let unknown = login(&engine, "citizen", named::NOT_IN_REGISTER).await;
    create(&engine, &unknown, &json!({ "procedure": THPT })).await;
    get_json(&engine, &minh, "/v1/me/access-log").await;
    engine.kill();
    let logs = engine.log();
    assert!(
        logs.lines().count() > 10,
        "the engine logged almost nothing at debug level:\n{logs}"
    );
    for pin in [MINH, named::NOT_IN_REGISTER] {
        assert!(
            !logs.contains(pin),
            "a full PIN is in the logs:\n{}",
            logs.lines()
                .filter(|l| l.contains(pin))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
