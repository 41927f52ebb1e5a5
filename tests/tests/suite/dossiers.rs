//! A citizen's dossier from draft to submitted, over HTTP against the real binary.

use motcua_tests::accounts::{HAN, MINH};
use motcua_tests::api;
use motcua_tests::dossiers::thpt_data;
use motcua_tests::problem::problem;
use motcua_tests::requests::{self, create_draft, patch, submit};
use motcua_tests::{login, Engine, Session};
use serde_json::{json, Value};
use sqlx::Connection;

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// `GET /v1/dossiers/{id}`.
async fn get(engine: &Engine, session: &Session, id: &str) -> reqwest::Response {
    requests::get(engine, session, &format!("/v1/dossiers/{id}")).await
}

async fn timeline(engine: &Engine, session: &Session, id: &str) -> Value {
    client()
        .get(engine.at(&format!("/v1/dossiers/{id}/events")))
        .bearer_auth(&session.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn assert_code_shape(code: &str, agency: &str, yymmdd: &str) {
    let rest = code
        .strip_prefix(&format!("{agency}-{yymmdd}-"))
        .unwrap_or_else(|| panic!("code {code} is not {agency}-{yymmdd}-NNNN"));
    assert!(
        rest.len() >= 4 && rest.chars().all(|c| c.is_ascii_digit()),
        "code {code}"
    );
}

#[tokio::test]
async fn submit_on_a_friday_at_16_is_acknowledged_by_monday_17() {
    let engine = Engine::start_at("2026-11-20T16:00:00+07:00").await;
    let citizen = login(&engine, "citizen", MINH).await;
    let id = motcua_tests::dossiers::filled_copy_draft(&engine, &client(), &citizen).await;

    let first = submit(&engine, &citizen, &id, Some("submit-once")).await;
    assert_eq!(first.status(), 200);
    let answer: Value = first.json().await.unwrap();
    assert_code_shape(answer["code"].as_str().unwrap(), "SGDDT-HN", "261120");
    // After 15:00 on Friday the clock starts Monday 07:30; 8 working hours end at 17:00.
    assert_eq!(answer["ack_due_at"], "2026-11-23T17:00:00+07:00");
    assert_eq!(answer["state"], "submitted");
    assert_eq!(answer["status"], 1);

    // The same key replays the same answer; nothing is submitted twice.
    let again = submit(&engine, &citizen, &id, Some("submit-once")).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap(), answer);

    // Without the key, a second submit is a conflict, not a second dossier.
    let conflict = submit(&engine, &citizen, &id, None).await;
    assert_eq!(conflict.status(), 409);

    // Another citizen cannot tell the dossier exists.
    let other = login(&engine, "citizen", HAN).await;
    let hidden = get(&engine, &other, &id).await;
    assert_eq!(hidden.status(), 404);
    assert_eq!(hidden.headers()["content-type"], "application/problem+json");
    assert_eq!(submit(&engine, &other, &id, None).await.status(), 404);
    let others_list: Value = client()
        .get(engine.at("/v1/dossiers"))
        .bearer_auth(&other.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(others_list["items"], json!([]));

    // The owner sees it, with its timeline.
    let mine: Value = get(&engine, &citizen, &id).await.json().await.unwrap();
    assert_eq!(mine["code"], answer["code"]);
    let actions = api::timeline_actions(&engine, &citizen, &id).await;
    assert_eq!(actions, ["create_draft", "patch", "submit"]);
}

#[tokio::test]
async fn submit_on_the_eve_of_tet_is_due_after_the_holiday() {
    let engine = Engine::start_at("2026-02-13T16:00:00+07:00").await;
    let citizen = login(&engine, "citizen", MINH).await;
    let id = motcua_tests::dossiers::filled_copy_draft(&engine, &client(), &citizen).await;
    let answer: Value = submit(&engine, &citizen, &id, None)
        .await
        .json()
        .await
        .unwrap();
    assert_code_shape(answer["code"].as_str().unwrap(), "SGDDT-HN", "260213");
    // Tết 2026 for public bodies: Saturday 14/02 to Sunday 22/02.
    assert_eq!(answer["ack_due_at"], "2026-02-23T17:00:00+07:00");
}

#[tokio::test]
async fn an_invalid_submission_lists_every_failing_pointer_and_changes_nothing() {
    let engine = Engine::start_in_thpt_window().await;
    let citizen = login(&engine, "citizen", MINH).await;
    let created: Value = create_draft(&engine, &citizen, "1.005142")
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let mut data = thpt_data();
    data["contact"].as_object_mut().unwrap().remove("phone");
    data["schooling"].as_object_mut().unwrap().remove("class");
    assert_eq!(
        patch(&engine, &citizen, id, &data).await.status(),
        200,
        "a draft may be incomplete"
    );
    let before: Value = get(&engine, &citizen, id).await.json().await.unwrap();

    let refused = submit(&engine, &citizen, id, None).await;
    let problem = problem(refused, 422, "an invalid submission").await;
    let pointers: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert!(pointers.contains(&"/contact/phone"), "{pointers:?}");
    assert!(pointers.contains(&"/schooling/class"), "{pointers:?}");

    let after: Value = get(&engine, &citizen, id).await.json().await.unwrap();
    assert_eq!(after["state"], "draft");
    assert_eq!(after["code"], Value::Null);
    assert_eq!(after["data"], before["data"]);
    assert_eq!(after["updated_at"], before["updated_at"]);
}

#[tokio::test]
async fn a_patch_with_a_wrong_type_is_refused_with_its_pointer() {
    let engine = Engine::start_in_thpt_window().await;
    let citizen = login(&engine, "citizen", MINH).await;
    let created: Value = create_draft(&engine, &citizen, "3.000465")
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let refused = patch(&engine, &citizen, id, &json!({ "copies": "two" })).await;
    assert_eq!(refused.status(), 422);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/copies");

    let bad_format = patch(
        &engine,
        &citizen,
        id,
        &json!({ "applicant": { "email": "not-an-email" } }),
    )
    .await;
    assert_eq!(bad_format.status(), 422);
    let problem: Value = bad_format.json().await.unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/applicant/email");

    let unknown = patch(&engine, &citizen, id, &json!({ "shoe_size": 42 })).await;
    assert_eq!(
        unknown.status(),
        422,
        "fields the form does not have are refused"
    );

    let after: Value = get(&engine, &citizen, id).await.json().await.unwrap();
    assert_eq!(
        after["data"], created["data"],
        "refused patches change nothing"
    );
}

#[tokio::test]
async fn a_level_1_citizen_cannot_start_a_level_2_procedure() {
    let engine = Engine::start_in_thpt_window().await;
    let citizen = login(&engine, "citizen", HAN).await;
    let refused = create_draft(&engine, &citizen, "1.005142").await;
    assert_eq!(refused.status(), 403);
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["code"], "assurance_level_too_low");
}

#[tokio::test]
async fn a_citizen_withdraws_a_draft_and_lists_their_dossiers_page_by_page() {
    let engine = Engine::start_in_thpt_window().await;
    let citizen = login(&engine, "citizen", MINH).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let d: Value = create_draft(&engine, &citizen, "3.000465")
            .await
            .json()
            .await
            .unwrap();
        ids.push(d["id"].as_str().unwrap().to_owned());
    }
    let withdrawn = client()
        .post(engine.at(&format!("/v1/dossiers/{}/actions/withdraw", ids[0])))
        .bearer_auth(&citizen.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), 200);
    assert_eq!(
        withdrawn.json::<Value>().await.unwrap()["state"],
        "withdrawn"
    );

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = engine.at("/v1/dossiers?limit=2");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: Value = client()
            .get(url)
            .bearer_auth(&citizen.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    ids.reverse();
    assert_eq!(seen, ids, "newest first, each once");
}

/// A double tap, or a client retrying on a timeout: submissions of one draft racing each
/// other. With one `Idempotency-Key` every one of them gets the first answer (a submission
/// whose write found the draft submitted reads it again, with the key's answer); the
/// same key on another draft is refused; without a shared key, one submission wins and the
/// others are conflicts. Each draft is submitted once.
#[tokio::test]
async fn racing_submissions_of_one_draft_are_one_submission() {
    let engine = Engine::start().await;
    let citizen = login(&engine, "citizen", MINH).await;
    let client = client();
    let tapped = motcua_tests::dossiers::filled_copy_draft(&engine, &client, &citizen).await;

    let answers = futures::future::join_all(
        (0..8).map(|_| submit(&engine, &citizen, &tapped, Some("double-tap"))),
    )
    .await;
    let mut bodies = Vec::new();
    let mut replayed = 0;
    for answer in answers {
        assert_eq!(answer.status(), 200);
        if answer.headers().get("idempotent-replayed").is_some() {
            replayed += 1;
        }
        bodies.push(answer.json::<Value>().await.unwrap());
    }
    assert_eq!(replayed, 7, "all but the first are replays");
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");

    let other = motcua_tests::dossiers::filled_copy_draft(&engine, &client, &citizen).await;
    let reused = submit(&engine, &citizen, &other, Some("double-tap")).await;
    assert_eq!(reused.status(), 422);
    let problem: Value = reused.json().await.unwrap();
    assert_eq!(problem["code"], "idempotency_key_reused", "{problem}");
    assert_eq!(
        get(&engine, &citizen, &other)
            .await
            .json::<Value>()
            .await
            .unwrap()["state"],
        "draft"
    );

    let keys: Vec<String> = (0..8).map(|n| format!("retry-{n}")).collect();
    let answers = futures::future::join_all(
        keys.iter()
            .map(|key| submit(&engine, &citizen, &other, Some(key))),
    )
    .await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);

    for id in [&tapped, &other] {
        let events = timeline(&engine, &citizen, id).await;
        let submits = events
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "submit")
            .count();
        assert_eq!(submits, 1, "{id}: {events}");
    }
}

/// The number at the end of a dossier code (`{agency}-{yyMMdd}-{NNNN}`).
fn code_number(answer: &Value) -> u32 {
    let code = answer["code"].as_str().unwrap();
    code.rsplit('-').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn submissions_at_once_to_one_agency_get_consecutive_numbers_and_a_restart_reuses_none() {
    // A fixed clock: one reception day for the whole test.
    let mut engine = Engine::start_at("2026-11-20T10:00:00+07:00").await;
    let citizen = login(&engine, "citizen", MINH).await;
    let client = client();
    let mut drafts = Vec::new();
    for _ in 0..13 {
        drafts.push(motcua_tests::dossiers::filled_copy_draft(&engine, &client, &citizen).await);
    }
    let after_restart = drafts.pop().unwrap();

    // Twelve at once: however large the blocks the engine reserves, it hands their numbers
    // out in order, so one engine's numbers of the day are 1 to 12, each once.
    let answers =
        futures::future::join_all(drafts.iter().map(|id| submit(&engine, &citizen, id, None)))
            .await;
    let mut numbers = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), 200);
        numbers.push(code_number(&answer.json().await.unwrap()));
    }
    numbers.sort();
    assert_eq!(numbers, (1..=12).collect::<Vec<_>>());

    // Numbers reserved and not given before the engine stopped are never given after it.
    engine.kill();
    engine.restart().await;
    let answer = submit(&engine, &citizen, &after_restart, None).await;
    assert_eq!(answer.status(), 200);
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    let (reserved,): (i32,) = sqlx::query_as("select last_value from dossier_code_sequence")
        .fetch_one(&mut db)
        .await
        .unwrap();
    let number = code_number(&answer.json().await.unwrap());
    assert!(number > 12, "{number} given again after the restart");
    assert_eq!(
        i64::from(number),
        i64::from(reserved),
        "after a restart the engine reserves one number at a time again"
    );
}
