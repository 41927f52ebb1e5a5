//! One-stop processing (issue 5): staff queues and claims, the NĐ 118 workflow with its
//! roles, the legal clock and the slips of TT 03/2025, counter intake, and who may see what.

use motcua_tests::accounts::{
    pool_clerk, APPROVER, CLERK, MINH, OTHER_AGENCY_CLERK, SPECIALIST, SUPERVISOR,
};
use motcua_tests::api::{self, act, call, get, patch, post, result_ids_in_store};
use motcua_tests::dossiers;
use motcua_tests::{login, Engine, EngineOptions, Session};
use serde_json::{json, Value};

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn put_file(
    engine: &Engine,
    session: &Session,
    path: &str,
    content_type: &str,
    bytes: &[u8],
) -> u16 {
    api::put_file(engine, session, path, content_type, bytes.to_vec())
        .await
        .0
}

/// A submitted diploma-copy dossier of `citizen` (the holder: no document needed).
async fn submitted_copy(engine: &Engine, citizen: &Session) -> String {
    dossiers::submitted_copy(engine, &client(), citizen).await
}

fn slip_kinds(slips: &Value) -> Vec<String> {
    slips["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_diploma_copy_goes_the_whole_way_online_with_one_supplement() {
    // Monday 08:00: the copy is a same-day service (1 working day).
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let second_clerk = login(&engine, "staff", "motcua.tiepnhan.01").await;
    let specialist = login(&engine, "staff", SPECIALIST).await;
    let approver = login(&engine, "staff", APPROVER).await;
    let id = submitted_copy(&engine, &minh).await;

    // The desk's queue shows it; the clerk claims it.
    let (status, queues) = get(&engine, &clerk, "/v1/queues").await;
    assert_eq!(status, 200);
    let desk = queues["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == "3.000465:submitted")
        .unwrap()
        .clone();
    assert_eq!(
        (desk["count"].as_i64(), desk["unclaimed"].as_i64()),
        (Some(1), Some(1))
    );
    // 8 working hours from Monday 08:00 (07:30–11:30, 13:00–17:00): Tuesday 08:00.
    let oldest = desk["oldest_due_at"].as_str().unwrap();
    assert!(oldest.starts_with("2026-11-24T08:00:"), "{oldest}");
    let (status, claimed) = call(
        &engine,
        &clerk,
        reqwest::Method::POST,
        "/v1/queues/3.000465:submitted/claim",
        None,
    )
    .await;
    assert_eq!(status, 200, "{claimed}");
    assert_eq!(claimed["id"], id.as_str());
    assert_eq!(claimed["assigned_to"], CLERK);
    assert_eq!(
        claimed["allowed_actions"],
        json!(["receive", "request_supplement", "refuse"])
    );
    let empty = client()
        .post(engine.at("/v1/queues/3.000465:submitted/claim"))
        .bearer_auth(&second_clerk.token)
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 204);
    // Only the one who holds it acts on it.
    let (status, problem) = act(&engine, &second_clerk, &id, "receive", json!({})).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("assigned_to_another"))
    );

    // Reception starts the clock: received before 15:00, due at today's close.
    let (status, received) = act(&engine, &clerk, &id, "receive", json!({})).await;
    assert_eq!(status, 200, "{received}");
    assert_eq!(
        (received["state"].as_str(), received["status"].as_i64()),
        (Some("processing"), Some(4))
    );
    assert_eq!(received["due_at"], "2026-11-23T17:00:00+07:00");
    assert_eq!(received["clock"]["state"], "running");
    assert_eq!(
        received["assigned_to"],
        Value::Null,
        "the step is handed over"
    );
    let (_, receipt) = get(&engine, &minh, &format!("/v1/dossiers/{id}/slips/receipt")).await;
    assert_eq!(receipt["form"], "Mẫu số 01");
    assert_eq!(receipt["dossier_code"], received["code"]);
    assert_eq!(receipt["applicant"]["pin"], MINH);
    assert_eq!(
        receipt["applicant"]["full_name"],
        received["data"]["applicant"]["full_name"]
    );
    assert_eq!(receipt["applicant"]["phone"], "0912345678");
    assert_eq!(receipt["due_at"], "2026-11-23T17:00:00+07:00");
    assert_eq!(receipt["received_by"], CLERK);
    assert_eq!(receipt["agency"]["name"], "Sở Giáo dục và Đào tạo Hà Nội");

    // The clerk's read is in the citizen's access log.
    let (_, log) = get(&engine, &minh, "/v1/me/access-log").await;
    let opened = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == "dossier" && r["actor"] == CLERK)
        .unwrap_or_else(|| panic!("no staff read in {log}"));
    assert_eq!(opened["actor_agency"], "SGDDT-HN");
    assert_eq!(opened["dossier_id"], id.as_str());

    // A supplement: reasons and items required; the clock pauses.
    let (status, problem) = act(
        &engine,
        &specialist,
        &id,
        "request_supplement",
        json!({ "comment": "thiếu" }),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["pointer"], "/data/items");
    let asked = json!({ "comment": "Số hiệu văn bằng không khớp sổ gốc",
                        "data": { "items": ["Số hiệu văn bằng (serial)"] } });
    let (status, paused) = act(
        &engine,
        &specialist,
        &id,
        "request_supplement",
        asked.clone(),
    )
    .await;
    assert_eq!(status, 200, "{paused}");
    assert_eq!(
        (paused["state"].as_str(), paused["status"].as_i64()),
        (Some("supplement"), Some(5))
    );
    assert_eq!(paused["clock"]["state"], "paused");
    let (_, supplement) = get(
        &engine,
        &minh,
        &format!("/v1/dossiers/{id}/slips/supplement"),
    )
    .await;
    assert_eq!(supplement["form"], "Mẫu số 02");
    assert_eq!(supplement["items"], json!(["Số hiệu văn bằng (serial)"]));
    assert_eq!(supplement["reason"], "Số hiệu văn bằng không khớp sổ gốc");

    // The citizen corrects and resubmits; the clock runs again, the date does not shrink.
    let (status, body) = patch(
        &engine,
        &minh,
        &id,
        &json!({ "diploma": { "serial": "HN-2025-004321" } }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, resumed) = act(&engine, &minh, &id, "resubmit", json!({})).await;
    assert_eq!(status, 200, "{resumed}");
    assert_eq!(resumed["state"], "processing");
    assert_eq!(resumed["clock"]["state"], "running");
    assert!(resumed["due_at"].as_str().unwrap() >= "2026-11-23T17:00:00+07:00");
    // Once only.
    let (status, problem) = act(&engine, &specialist, &id, "request_supplement", asked).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("action_already_taken"))
    );

    // Process, approve; a specialist cannot approve.
    assert_eq!(
        act(&engine, &specialist, &id, "propose", json!({})).await.0,
        200
    );
    let (status, problem) = act(&engine, &specialist, &id, "approve", json!({})).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("role_not_allowed"))
    );
    let (status, approved) = act(&engine, &approver, &id, "approve", json!({})).await;
    assert_eq!(
        (status, approved["state"].as_str()),
        (200, Some("approved"))
    );

    // Issuing needs the electronic result.
    let (status, problem) = act(&engine, &specialist, &id, "issue_result", json!({})).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("result_document_missing"))
    );
    let result = b"%PDF-1.7 Ban sao van bang tu so goc";
    let path = format!("/v1/dossiers/{id}/results/BS-2026-000042");
    assert_eq!(
        put_file(&engine, &specialist, &path, "application/pdf", result).await,
        201
    );
    assert!(result_ids_in_store(&engine, &minh).await.is_empty());
    let (status, ready) = act(&engine, &specialist, &id, "issue_result", json!({})).await;
    assert_eq!((status, ready["status"].as_i64()), (200, Some(9)));
    assert_eq!(result_ids_in_store(&engine, &minh).await.len(), 1);

    // Returned: status 10, the clock stops.
    let (status, returned) = act(&engine, &clerk, &id, "return_result", json!({})).await;
    assert_eq!(status, 200, "{returned}");
    assert_eq!(
        (returned["state"].as_str(), returned["status"].as_i64()),
        (Some("returned"), Some(10))
    );
    assert_eq!(returned["clock"]["state"], "stopped");
    assert_eq!(returned["allowed_actions"], json!([]));
    let (status, problem) = act(&engine, &clerk, &id, "receive", json!({})).await;
    assert_eq!(status, 409);
    assert_eq!(problem["allowed_actions"], json!([]));

    // The slips and the timeline.
    let (_, slips) = get(&engine, &minh, &format!("/v1/dossiers/{id}/slips")).await;
    assert_eq!(slip_kinds(&slips), ["receipt", "supplement", "control"]);
    let (_, control) = get(&engine, &minh, &format!("/v1/dossiers/{id}/slips/control")).await;
    let steps: Vec<(&str, &str)> = control["handovers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["action"].as_str().unwrap(),
                h["timing"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("submit", "-"),
            ("claim", "-"),
            ("receive", "early"),
            ("request_supplement", "on_time"),
            ("resubmit", "-"),
            ("propose", "on_time"),
            ("approve", "on_time"),
            ("issue_result", "on_time"),
            ("return_result", "on_time"),
        ]
    );
    let actions = api::timeline_actions(&engine, &minh, &id).await;
    assert_eq!(
        actions,
        [
            "create_draft",
            "patch",
            "submit",
            "claim",
            "receive",
            "request_supplement",
            "patch",
            "resubmit",
            "propose",
            "approve",
            "attach_result",
            "issue_result",
            "return_result"
        ]
    );
}

#[tokio::test]
async fn other_agencies_specialists_and_citizens_get_only_what_the_rules_allow() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let specialist = login(&engine, "staff", SPECIALIST).await;
    let outsider = login(&engine, "staff", OTHER_AGENCY_CLERK).await;
    let id = submitted_copy(&engine, &minh).await;

    // Another agency's clerk: not found, not listed, not counted, nothing to claim.
    let (status, problem) = get(&engine, &outsider, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (404, Some("dossier_not_found"))
    );
    assert_eq!(
        act(&engine, &outsider, &id, "receive", json!({})).await.0,
        404
    );
    let (_, list) = get(&engine, &outsider, "/v1/dossiers").await;
    assert_eq!(list["items"], json!([]));
    let (_, queues) = get(&engine, &outsider, "/v1/queues").await;
    assert!(
        queues["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["count"] == 0),
        "{queues}"
    );
    let claim = client()
        .post(engine.at("/v1/queues/3.000465:submitted/claim"))
        .bearer_auth(&outsider.token)
        .send()
        .await
        .unwrap();
    assert_eq!(claim.status(), 204);
    let (_, slips) = get(&engine, &outsider, &format!("/v1/dossiers/{id}/slips")).await;
    assert_eq!(slips["code"], "dossier_not_found");

    // The agency's clerk lists it, without personal data (opening it is logged).
    let (_, list) = get(&engine, &clerk, "/v1/dossiers").await;
    assert_eq!(list["items"][0]["id"], id.as_str());
    assert_eq!(list["items"][0]["data"], Value::Null);
    let (_, log) = get(&engine, &minh, "/v1/me/access-log").await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["source"] != "dossier"),
        "a list is not a read of the dossier: {log}"
    );

    // A specialist cannot receive; a citizen cannot call staff actions or queues.
    let (status, problem) = act(&engine, &specialist, &id, "receive", json!({})).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("role_not_allowed"))
    );
    let (status, _) = act(&engine, &minh, &id, "receive", json!({})).await;
    assert_eq!(status, 403);
    let (status, _) = get(&engine, &minh, "/v1/queues").await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &engine,
        &minh,
        reqwest::Method::POST,
        "/v1/queues/3.000465:submitted/claim",
        None,
    )
    .await;
    assert_eq!(status, 403);
    // An action that does not exist from this state is 409 with the allowed ones.
    let (status, problem) = act(&engine, &clerk, &id, "approve", json!({})).await;
    assert_eq!(status, 409);
    assert_eq!(
        problem["allowed_actions"],
        json!(["receive", "request_supplement", "refuse"])
    );
    // A queue the clerk does not work is not theirs.
    let (status, _) = call(
        &engine,
        &clerk,
        reqwest::Method::POST,
        "/v1/queues/3.000465:processing/claim",
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Claims: only the holder or a supervisor gives a dossier back; a supervisor reassigns.
    let (status, _) = call(
        &engine,
        &clerk,
        reqwest::Method::POST,
        "/v1/queues/3.000465:submitted/claim",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let second = login(&engine, "staff", "motcua.tiepnhan.02").await;
    let release = format!("/v1/dossiers/{id}/release");
    let (status, problem) = call(&engine, &second, reqwest::Method::POST, &release, None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("assigned_to_another"))
    );
    let assign = format!("/v1/dossiers/{id}/assign");
    let to_second = Some(json!({ "to": "motcua.tiepnhan.02" }));
    let (status, _) = call(
        &engine,
        &clerk,
        reqwest::Method::POST,
        &assign,
        to_second.clone(),
    )
    .await;
    assert_eq!(status, 403);
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let (status, moved) = call(
        &engine,
        &supervisor,
        reqwest::Method::POST,
        &assign,
        to_second,
    )
    .await;
    assert_eq!(
        (status, moved["assigned_to"].as_str()),
        (200, Some("motcua.tiepnhan.02"))
    );
    let (status, released) = call(&engine, &second, reqwest::Method::POST, &release, None).await;
    assert_eq!(
        (status, released["assigned_to"].clone()),
        (200, Value::Null)
    );
}

/// Issue 25: a supervisor hands a dossier only to a known member of its agency who holds the
/// role that works its current state; anyone else would leave it stuck while its clock runs.
#[tokio::test]
async fn a_dossier_is_assigned_only_to_a_colleague_who_works_its_state() {
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let colleague = login(&engine, "staff", "motcua.tiepnhan.03").await;
    let specialist = login(&engine, "staff", SPECIALIST).await;
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    // Logged in, so known to the engine, but of another agency.
    login(&engine, "staff", OTHER_AGENCY_CLERK).await;
    let id = submitted_copy(&engine, &minh).await;
    let assign = format!("/v1/dossiers/{id}/assign");
    let to = |who: &str| json!({ "to": who });

    // Each refusal is 422 with its own code, points at /to, and hands nothing over.
    for (who, code) in [
        (OTHER_AGENCY_CLERK, "not_in_agency"),
        // A citizen who logged in is not staff.
        (MINH, "unknown_staff_member"),
        ("motcua.khong.ton.tai", "unknown_staff_member"),
        // A real account of the provider that never logged in is not known yet either.
        ("motcua.tiepnhan.04", "unknown_staff_member"),
        // The desk works a submitted dossier, not a specialist.
        (SPECIALIST, "no_role_for_state"),
        (SUPERVISOR, "no_role_for_state"),
    ] {
        let (status, problem) = post(&engine, &supervisor, &assign, to(who)).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (422, Some(code)),
            "{who}: {problem}"
        );
        assert_eq!(problem["errors"][0]["pointer"], "/to", "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(who)),
            "{problem}"
        );
    }
    let (_, dossier) = get(&engine, &supervisor, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(dossier["assigned_to"], Value::Null, "{dossier}");
    let (_, events) = get(&engine, &minh, &format!("/v1/dossiers/{id}/events")).await;
    assert!(
        events
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] != "assign"),
        "{events}"
    );

    // A desk clerk of the agency gets it, and works it; the other clerks no longer do.
    let (status, moved) = post(&engine, &supervisor, &assign, to("motcua.tiepnhan.03")).await;
    assert_eq!(
        (status, moved["assigned_to"].as_str()),
        (200, Some("motcua.tiepnhan.03")),
        "{moved}"
    );
    let (status, problem) = act(&engine, &clerk, &id, "receive", json!({})).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("assigned_to_another"))
    );
    let (status, received) = act(&engine, &colleague, &id, "receive", json!({})).await;
    assert_eq!(
        (status, received["state"].as_str()),
        (200, Some("processing")),
        "{received}"
    );

    // In processing, the specialist works it; a desk clerk of the agency does not.
    let (status, problem) = post(&engine, &supervisor, &assign, to("motcua.tiepnhan.03")).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("no_role_for_state")),
        "{problem}"
    );
    let (status, moved) = post(&engine, &supervisor, &assign, to(SPECIALIST)).await;
    assert_eq!(
        (status, moved["assigned_to"].as_str()),
        (200, Some(SPECIALIST)),
        "{moved}"
    );
    let (status, proposed) = act(&engine, &specialist, &id, "propose", json!({})).await;
    assert_eq!(
        (status, proposed["state"].as_str()),
        (200, Some("approval")),
        "{proposed}"
    );
}

/// A supervisor's `POST /v1/dossiers/{id}/assign`: the status, and who holds the dossier
/// now or the problem's code.
async fn assign(engine: &Engine, supervisor: &Session, id: &str, who: &str) -> (u16, Value) {
    let path = format!("/v1/dossiers/{id}/assign");
    let (status, answer) = post(engine, supervisor, &path, json!({ "to": who })).await;
    match status {
        200 => (status, answer["assigned_to"].clone()),
        _ => (status, answer["code"].clone()),
    }
}

/// `MOTCUA_STAFF_DIRECTORY`: staff are known before their first login; what a login says
/// of someone is not overwritten by the directory; an entry taken out of it is forgotten.
#[tokio::test]
async fn the_staff_directory_makes_staff_known_before_their_first_login() {
    let folder = motcua_tests::engine::tempdir::TempDir::new();
    let directory = folder.0.join("staff.json");
    let write = |entries: Value| std::fs::write(&directory, entries.to_string()).unwrap();
    let new_specialist = json!({
        "username": "motcua.chuyenvien.moi", "agency": "SGDDT-HN", "roles": ["specialist"]
    });
    write(json!([
        new_specialist,
        { "username": "motcua.hcm.chuyenvien", "agency": "SGDDT-HCM", "roles": ["specialist"] },
        // Out of date: the provider says the desk clerk is a desk clerk.
        { "username": CLERK, "agency": "SGDDT-HN", "roles": ["specialist"] },
    ]));
    let mut engine = Engine::start_with(EngineOptions {
        clock: Some("2026-11-23T08:00:00+07:00".into()),
        extra_env: vec![(
            "MOTCUA_STAFF_DIRECTORY".into(),
            directory.to_string_lossy().into_owned(),
        )],
        ..Default::default()
    })
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let desk = login(&engine, "staff", "motcua.tiepnhan.05").await;
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let id = submitted_copy(&engine, &minh).await;
    let (status, _) = act(&engine, &desk, &id, "receive", json!({})).await;
    assert_eq!(status, 200);

    // Listed, never logged in: handed the dossier; another agency's specialist is not.
    assert_eq!(
        assign(&engine, &supervisor, &id, "motcua.chuyenvien.moi").await,
        (200, json!("motcua.chuyenvien.moi"))
    );
    assert_eq!(
        assign(&engine, &supervisor, &id, "motcua.hcm.chuyenvien").await,
        (422, json!("not_in_agency"))
    );
    // The directory's word until the clerk logs in; the provider's from then on, also
    // after the directory is loaded again at the next start.
    assert_eq!(
        assign(&engine, &supervisor, &id, CLERK).await,
        (200, json!(CLERK))
    );
    login(&engine, "staff", CLERK).await;
    let wrong_role = (422, json!("no_role_for_state"));
    assert_eq!(assign(&engine, &supervisor, &id, CLERK).await, wrong_role);
    write(json!([
        { "username": CLERK, "agency": "SGDDT-HN", "roles": ["specialist"] },
    ]));
    engine.restart().await;
    assert_eq!(assign(&engine, &supervisor, &id, CLERK).await, wrong_role);
    // Taken out of the directory, never logged in: unknown again.
    assert_eq!(
        assign(&engine, &supervisor, &id, "motcua.chuyenvien.moi").await,
        (422, json!("unknown_staff_member"))
    );
}

#[tokio::test]
async fn one_apology_at_least_a_working_day_before_the_return_date() {
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let specialist = login(&engine, "staff", SPECIALIST).await;

    // A correction: 5 working days, due Friday; an apology on Monday is in time, once.
    let correction = dossiers::submitted_correction(&engine, &client(), &minh).await;
    let (_, received) = act(&engine, &clerk, &correction, "receive", json!({})).await;
    assert_eq!(received["due_at"], "2026-11-27T17:00:00+07:00");
    assert!(received["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a != "apologise"));
    let (_, opened) = get(&engine, &specialist, &format!("/v1/dossiers/{correction}")).await;
    assert!(
        opened["allowed_actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "apologise"),
        "{opened}"
    );

    let (status, problem) = act(
        &engine,
        &specialist,
        &correction,
        "apologise",
        json!({ "data": { "new_due_date": "2026-12-02" } }),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["pointer"], "/comment");
    let apology = json!({ "comment": "Cần xác minh với trường THPT", "data": { "new_due_date": "2026-12-02" } });
    let (status, moved) = act(
        &engine,
        &specialist,
        &correction,
        "apologise",
        apology.clone(),
    )
    .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["due_at"], "2026-12-02T17:00:00+07:00");
    assert_eq!(
        moved["clock"]["original_due_at"],
        "2026-11-27T17:00:00+07:00"
    );
    let (_, slip) = get(
        &engine,
        &minh,
        &format!("/v1/dossiers/{correction}/slips/apology"),
    )
    .await;
    assert_eq!(slip["form"], "Mẫu số 04");
    assert_eq!(slip["previous_due_at"], "2026-11-27T17:00:00+07:00");
    assert_eq!(slip["new_due_at"], "2026-12-02T17:00:00+07:00");
    assert_eq!(slip["reason"], "Cần xác minh với trường THPT");
    let again = json!({ "comment": "Lần nữa", "data": { "new_due_date": "2026-12-09" } });
    let (status, problem) = act(&engine, &specialist, &correction, "apologise", again).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("apology_refused"))
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("already"),
        "{problem}"
    );

    // The copy is due today at 17:00: on the due date an apology is too late.
    let copy = submitted_copy(&engine, &minh).await;
    let (_, received) = act(&engine, &clerk, &copy, "receive", json!({})).await;
    assert_eq!(received["due_at"], "2026-11-23T17:00:00+07:00");
    let (status, problem) = act(&engine, &specialist, &copy, "apologise", apology).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("apology_refused"))
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("at least one working day"),
        "{problem}"
    );
}

#[tokio::test]
async fn received_on_friday_after_15_the_clock_counts_from_monday() {
    let engine = Engine::start_at("2026-11-20T16:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let id = submitted_copy(&engine, &minh).await;
    let (status, received) = act(&engine, &clerk, &id, "receive", json!({})).await;
    assert_eq!(status, 200, "{received}");
    assert_eq!(received["clock"]["started_at"], "2026-11-23T07:30:00+07:00");
    // The same-day copy is due at Monday's close.
    assert_eq!(received["due_at"], "2026-11-23T17:00:00+07:00");
}

/// More clerks than the engine has database connections (20), all claiming at once: each
/// claim and reception must finish on the connection it holds.
const CLERKS_AT_ONCE: usize = 40;

#[tokio::test]
async fn forty_clerks_drain_a_queue_of_1000_without_ever_sharing_a_dossier() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let total = 1000;
    // Submit the backlog, 16 at a time.
    let mut submitted = Vec::new();
    for _ in 0..total / 16 + 1 {
        let batch = (0..16.min(total - submitted.len())).map(|_| submitted_copy(&engine, &minh));
        submitted.extend(futures::future::join_all(batch).await);
        if submitted.len() == total {
            break;
        }
    }
    assert_eq!(submitted.len(), total);

    let mut clerks = Vec::new();
    for n in 1..=CLERKS_AT_ONCE {
        clerks.push(login(&engine, "staff", &pool_clerk(n)).await);
    }
    let work = clerks.iter().map(|clerk| {
        let engine = &engine;
        async move {
            let mut mine = Vec::new();
            loop {
                let answer = client()
                    .post(engine.at("/v1/queues/3.000465:submitted/claim"))
                    .bearer_auth(&clerk.token)
                    .send()
                    .await
                    .unwrap();
                if answer.status() == 204 {
                    return mine;
                }
                assert_eq!(answer.status(), 200);
                let dossier: Value = answer.json().await.unwrap();
                let id = dossier["id"].as_str().unwrap().to_owned();
                assert_eq!(dossier["assigned_to"], clerk.principal["subject"]);
                let (status, body) = act(engine, clerk, &id, "receive", json!({})).await;
                assert_eq!(status, 200, "{body}");
                mine.push(id);
            }
        }
    });
    let claims: Vec<Vec<String>> = futures::future::join_all(work).await;
    let mut all: Vec<&String> = claims.iter().flatten().collect();
    assert_eq!(all.len(), total, "every dossier claimed once");
    all.sort();
    all.dedup();
    assert_eq!(all.len(), total, "no dossier claimed twice");
    assert!(
        claims.iter().filter(|c| !c.is_empty()).count() > 1,
        "the work was shared"
    );
    let (_, queues) = get(&engine, &clerks[0], "/v1/queues").await;
    let desk = queues["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == "3.000465:submitted")
        .unwrap()
        .clone();
    assert_eq!(desk["count"], 0, "the queue is drained");
}

#[tokio::test]
async fn refusal_withdrawal_and_stop_each_end_the_dossier_with_their_slip() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let specialist = login(&engine, "staff", SPECIALIST).await;
    let approver = login(&engine, "staff", APPROVER).await;

    // Refused at the desk, always with reasons (Mẫu 03): status 3.
    let refused = submitted_copy(&engine, &minh).await;
    let (status, problem) = act(&engine, &clerk, &refused, "refuse", json!({})).await;
    assert_eq!(
        (status, problem["errors"][0]["pointer"].as_str()),
        (422, Some("/comment"))
    );
    let reasons = json!({ "comment": "Văn bằng không do Sở cấp" });
    let (status, body) = act(&engine, &clerk, &refused, "refuse", reasons).await;
    assert_eq!((status, body["status"].as_i64()), (200, Some(3)));
    let (_, slip) = get(
        &engine,
        &minh,
        &format!("/v1/dossiers/{refused}/slips/refusal"),
    )
    .await;
    assert_eq!(
        (slip["form"].as_str(), slip["reasons"].as_str()),
        (Some("Mẫu số 03"), Some("Văn bằng không do Sở cấp"))
    );

    // Withdrawn by the citizen while processed: status 7, the notice (Mẫu 05).
    let withdrawn = submitted_copy(&engine, &minh).await;
    assert_eq!(
        act(&engine, &clerk, &withdrawn, "receive", json!({}))
            .await
            .0,
        200
    );
    let (status, body) = act(
        &engine,
        &minh,
        &withdrawn,
        "withdraw",
        json!({ "comment": "Không cần nữa" }),
    )
    .await;
    assert_eq!((status, body["status"].as_i64()), (200, Some(7)));
    let (_, slip) = get(
        &engine,
        &minh,
        &format!("/v1/dossiers/{withdrawn}/slips/stop"),
    )
    .await;
    assert_eq!(slip["form"], "Mẫu số 05");
    assert_eq!(slip["withdrawn_by_citizen"], true);

    // Stopped by the approver: status 8; the specialist may not stop.
    let stopped = submitted_copy(&engine, &minh).await;
    assert_eq!(
        act(&engine, &clerk, &stopped, "receive", json!({})).await.0,
        200
    );
    let reason = json!({ "comment": "Sổ gốc bị thất lạc, chuyển cơ quan lưu trữ" });
    assert_eq!(
        act(&engine, &specialist, &stopped, "stop", reason.clone())
            .await
            .0,
        403
    );
    let (status, body) = act(&engine, &approver, &stopped, "stop", reason).await;
    assert_eq!((status, body["status"].as_i64()), (200, Some(8)));
    let (_, slip) = get(
        &engine,
        &minh,
        &format!("/v1/dossiers/{stopped}/slips/stop"),
    )
    .await;
    assert_eq!(
        (slip["by"].as_str(), slip["withdrawn_by_citizen"].as_bool()),
        (Some(APPROVER), Some(false))
    );
    let (_, slips) = get(&engine, &minh, &format!("/v1/dossiers/{stopped}/slips")).await;
    assert_eq!(slip_kinds(&slips), ["receipt", "stop", "control"]);
    // A slip that was not issued is not found.
    let (status, problem) = get(
        &engine,
        &minh,
        &format!("/v1/dossiers/{stopped}/slips/apology"),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (404, Some("slip_not_issued"))
    );
}

#[tokio::test]
async fn a_supplement_asked_at_reception_brings_the_completed_dossier_back_to_the_desk() {
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let approver = login(&engine, "staff", APPROVER).await;
    let id = submitted_copy(&engine, &minh).await;

    // Texts the database cannot keep are refused before anything is written.
    let nul = json!({ "comment": "thiếu\u{0}", "data": { "items": ["số hiệu"] } });
    let (status, problem) = act(&engine, &clerk, &id, "request_supplement", nul).await;
    assert_eq!(
        (status, problem["errors"][0]["pointer"].as_str()),
        (422, Some("/comment"))
    );
    let (status, _) = act(&engine, &clerk, &id, "no%20such", json!({})).await;
    assert_eq!(status, 409);

    // Asked at the desk, before reception; a retry with the same key is the same answer.
    let asked =
        json!({ "comment": "Thiếu số hiệu văn bằng", "data": { "items": ["Số hiệu văn bằng"] } });
    let retry = |body: Value| {
        client()
            .post(engine.at(&format!("/v1/dossiers/{id}/actions/request_supplement")))
            .bearer_auth(&clerk.token)
            .header("idempotency-key", "ask-once")
            .json(&body)
            .send()
    };
    let first = retry(asked.clone()).await.unwrap();
    assert_eq!(first.status(), 200);
    let first: Value = first.json().await.unwrap();
    let again = retry(asked).await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(first["clock"]["state"], "not_started");

    // Staff who do not work the step cannot touch the documents.
    let scan = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0x42; 100][..]].concat();
    let path = format!("/v1/dossiers/{id}/documents/id-card-copy");
    assert_eq!(
        put_file(&engine, &approver, &path, "image/jpeg", &scan).await,
        409
    );

    // Resubmitting an incomplete dossier is refused; completed, it goes back to the desk.
    let (status, _) = patch(&engine, &minh, &id, &json!({ "copies": null })).await;
    assert_eq!(status, 200);
    let (status, problem) = act(&engine, &minh, &id, "resubmit", json!({})).await;
    assert_eq!(
        (status, problem["errors"][0]["pointer"].as_str()),
        (422, Some("/copies"))
    );
    assert_eq!(
        patch(
            &engine,
            &minh,
            &id,
            &json!({ "copies": 1, "diploma": { "serial": "HN-1" } })
        )
        .await
        .0,
        200
    );
    let (status, back) = act(&engine, &minh, &id, "resubmit", json!({})).await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(
        (back["state"].as_str(), back["status"].as_i64()),
        (Some("submitted"), Some(1))
    );
    assert_eq!(back["clock"]["state"], "not_started");
    assert!(
        back["ack_due_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-24T08:00"),
        "{back}"
    );
    let (status, received) = act(&engine, &clerk, &id, "receive", json!({})).await;
    assert_eq!(
        (status, received["due_at"].as_str()),
        (200, Some("2026-11-23T17:00:00+07:00"))
    );
    // The one supplement was used.
    let ask_again = json!({ "comment": "Lại thiếu", "data": { "items": ["x"] } });
    let (status, problem) = act(&engine, &clerk, &id, "request_supplement", ask_again).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("action_already_taken"))
    );
}
