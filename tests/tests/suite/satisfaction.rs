//! Satisfaction and feedback (issue 32, QĐ 766 group 6): the citizen rates a finished
//! dossier through the API, once and changeable for seven days; sends feedback about it,
//! which staff classify, assign and answer, and rates the answer; feedback answered after its
//! legal date counts against 5.2; the unit's staff read its ratings with the monthly
//! `DongBoDanhGia` summary.

use motcua_tests::accounts::{CLERK, MINH, OTHER_AGENCY_CLERK, SPECIALIST, SUPERVISOR};
use motcua_tests::api::{get, post};
use motcua_tests::{login, Engine};
use serde_json::{json, Value};
use sqlx::Connection;

async fn put(
    engine: &Engine,
    session: &motcua_tests::Session,
    path: &str,
    body: Value,
) -> (u16, Value) {
    motcua_tests::api::call(engine, session, reqwest::Method::PUT, path, Some(body)).await
}

fn all(level: i64) -> Value {
    json!({ "answers": { "q1": level, "q2": level, "q3": level, "q4": level, "q5": level } })
}

async fn card(engine: &Engine, supervisor: &motcua_tests::Session) -> Value {
    let (status, body) = get(
        engine,
        supervisor,
        "/v1/reports/scorecard?from=2026-11-01&to=2026-12-31&agency=SGDDT-HN",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["total"].clone()
}

fn line<'a>(card: &'a Value, code: &str) -> &'a Value {
    card["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == code)
        .unwrap_or_else(|| panic!("no line {code} in {card}"))
}

#[tokio::test]
async fn a_finished_dossier_is_rated_once_changeable_for_a_while_and_staff_read_their_units_ratings(
) {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let outsider = login(&engine, "staff", OTHER_AGENCY_CLERK).await;
    let client = reqwest::Client::new();
    let id = motcua_tests::dossiers::submitted_copy(&engine, &client, &minh).await;
    let path = format!("/v1/dossiers/{id}/rating");

    // Not before its result.
    let (status, problem) = put(&engine, &minh, &path, all(3)).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("action_not_allowed")),
        "{problem}"
    );
    motcua_tests::dossiers::process_to_returned(&engine, &id, "BS-2026-000777").await;

    // Every question on the portal's three levels.
    let (status, problem) = put(&engine, &minh, &path, json!({"answers": {"q1": 3}})).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["pointer"], "/answers/q2");
    let (status, problem) = put(&engine, &minh, &path, all(4)).await;
    assert_eq!(
        (status, problem["errors"][0]["pointer"].as_str()),
        (422, Some("/answers/q1"))
    );
    // Staff do not rate.
    let (status, _) = put(&engine, &clerk, &path, all(3)).await;
    assert_eq!(status, 403);

    let (status, first) = put(&engine, &minh, &path, all(1)).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (first["overall"].as_i64(), first["changed_at"].clone()),
        (Some(1), Value::Null)
    );
    // Changed within the window: the same rating, its first date kept.
    let (status, changed) = put(&engine, &minh, &path, all(3)).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["overall"], 3);
    assert_eq!(changed["rated_at"], first["rated_at"]);
    assert!(changed["changed_at"].is_string());
    let (status, read) = get(&engine, &minh, &path).await;
    assert_eq!((status, read["overall"].as_i64()), (200, Some(3)));

    // The unit's staff read its ratings, with the month's summary for the portal.
    let (status, report) = get(&engine, &clerk, "/v1/reports/ratings").await;
    assert_eq!(status, 200, "{report}");
    let agency = &report["agencies"][0];
    assert_eq!(
        (agency["agency"].as_str(), agency["ratings"].as_i64()),
        (Some("SGDDT-HN"), Some(1))
    );
    let month = &agency["dong_bo_danh_gia"][0];
    assert_eq!(
        (
            month["MaDonVi"].as_str(),
            month["TongSoDanhGia"].as_i64(),
            month["RatHaiLong"].as_i64()
        ),
        (Some("SGDDT-HN"), Some(1), Some(1))
    );
    assert_eq!(month["ChiTiet"].as_array().map(Vec::len), Some(5));
    // Another agency's staff see none of them.
    let (status, theirs) = get(&engine, &outsider, "/v1/reports/ratings").await;
    assert_eq!(
        (status, theirs["agencies"].as_array().map(Vec::len)),
        (200, Some(0))
    );

    // After seven days the rating stands.
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    sqlx::query("update dossier_rating set rated_at = now() - interval '8 days' where dossier_id = $1::uuid")
        .bind(&id)
        .execute(&mut db)
        .await
        .unwrap();
    let (status, problem) = put(&engine, &minh, &path, all(2)).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (409, Some("action_already_taken")),
        "{problem}"
    );
}

#[tokio::test]
async fn feedback_is_classified_assigned_answered_and_rated_and_one_answered_late_counts_against_5_2(
) {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let specialist = login(&engine, "staff", SPECIALIST).await;
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let client = reqwest::Client::new();
    let id = motcua_tests::dossiers::submitted_copy(&engine, &client, &minh).await;
    let (status, _) = motcua_tests::api::act(&engine, &clerk, &id, "receive", json!({})).await;
    assert_eq!(status, 200);

    let (status, problem) = post(
        &engine,
        &minh,
        "/v1/feedback",
        json!({"dossier": id, "kind": "khieu_nai", "content": "x"}),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["pointer"].as_str()),
        (422, Some("/kind"))
    );
    let (status, sent) = post(
        &engine,
        &minh,
        "/v1/feedback",
        json!({"dossier": id, "kind": "phan_anh", "content": "Hồ sơ chưa được tiếp nhận sau hai ngày."}),
    )
    .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(
        (sent["agency"].as_str(), sent["state"].as_str()),
        (Some("SGDDT-HN"), Some("received"))
    );
    let fid = sent["id"].as_str().unwrap().to_owned();
    // Due in 15 working days: three weeks of calendar at least.
    let received =
        chrono::DateTime::parse_from_rfc3339(sent["received_at"].as_str().unwrap()).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(sent["due_at"].as_str().unwrap()).unwrap();
    assert!((due - received).num_days() >= 18, "{sent}");

    // In the agency's queue; the clerk classifies it and takes it; the specialist may not
    // answer what the clerk holds; the clerk answers.
    let (status, queue) = get(&engine, &clerk, "/v1/feedback").await;
    assert_eq!(status, 200);
    assert!(queue
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == fid.as_str()));
    let (status, problem) = post(
        &engine,
        &clerk,
        &format!("/v1/feedback/{fid}/classify"),
        json!({"topic": "bogus"}),
    )
    .await;
    assert_eq!(
        (status, problem["errors"][0]["pointer"].as_str()),
        (422, Some("/topic"))
    );
    let (status, classified) = post(
        &engine,
        &clerk,
        &format!("/v1/feedback/{fid}/classify"),
        json!({"topic": "cham_tre"}),
    )
    .await;
    assert_eq!(status, 200, "{classified}");
    assert_eq!(
        (
            classified["state"].as_str(),
            classified["assignee"].as_str()
        ),
        (Some("assigned"), Some(CLERK))
    );
    let (status, _) = post(
        &engine,
        &specialist,
        &format!("/v1/feedback/{fid}/answer"),
        json!({"answer": "…"}),
    )
    .await;
    assert_eq!(status, 409);
    // The citizen cannot rate before the answer.
    let (status, _) = put(
        &engine,
        &minh,
        &format!("/v1/feedback/{fid}/rating"),
        json!({"satisfied": true}),
    )
    .await;
    assert_eq!(status, 409);
    let (status, answered) = post(
        &engine,
        &clerk,
        &format!("/v1/feedback/{fid}/answer"),
        json!({"answer": "Hồ sơ đã được tiếp nhận hôm nay; xin lỗi ông vì sự chậm trễ."}),
    )
    .await;
    assert_eq!(
        (status, answered["state"].as_str()),
        (200, Some("answered")),
        "{answered}"
    );
    let (status, rated) = put(
        &engine,
        &minh,
        &format!("/v1/feedback/{fid}/rating"),
        json!({"satisfied": false}),
    )
    .await;
    assert_eq!(
        (status, rated["satisfied"].as_bool()),
        (200, Some(false)),
        "{rated}"
    );

    // Another, received on 2 November and due on 20 November, still unanswered: overdue in
    // the queue.
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    let late_id = uuid::Uuid::now_v7();
    sqlx::query(
        "insert into feedback (id, citizen_pin, agency_id, procedure_code, kind, content, state,
                               received_at, due_at)
         values ($1, $2, 'SGDDT-HN', '3.000465', 'kien_nghi', 'Đề nghị nhận kết quả qua bưu điện.',
                 'received', '2026-11-02T09:00:00+07:00', '2026-11-20T17:00:00+07:00')",
    )
    .bind(late_id)
    .bind(MINH)
    .execute(&mut db)
    .await
    .unwrap();
    let (_, overdue) = get(&engine, &supervisor, "/v1/feedback?overdue=true").await;
    let overdue: Vec<&str> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(overdue, [late_id.to_string().as_str()]);

    // Before its answer the overdue one is judged late already: 1 of 2 on time.
    let before = card(&engine, &supervisor).await;
    assert_eq!(
        (
            line(&before, "5.2")["numerator"].as_u64(),
            line(&before, "5.2")["denominator"].as_u64()
        ),
        (Some(1), Some(2))
    );
    // Answered now, after its date: still late — answered late counts against 5.2.
    let (status, _) = post(
        &engine,
        &supervisor,
        &format!("/v1/feedback/{late_id}/answer"),
        json!({"answer": "Đã ghi nhận."}),
    )
    .await;
    assert_eq!(status, 200);
    let after = card(&engine, &supervisor).await;
    let on_time = line(&after, "5.2");
    // 1 of 2 → 0.5 × 6 = 3 points.
    assert_eq!(
        (
            on_time["numerator"].as_u64(),
            on_time["denominator"].as_u64(),
            on_time["earned"].as_f64()
        ),
        (Some(1), Some(2), Some(3.0))
    );
    // 5.3: 2 received − 1 not satisfied − 1 late = 0 → 0 points; 5.1: one of two classified.
    assert_eq!(
        (
            line(&after, "5.3")["numerator"].as_u64(),
            line(&after, "5.3")["denominator"].as_u64()
        ),
        (Some(0), Some(2))
    );
    assert_eq!(
        (
            line(&after, "5.1")["numerator"].as_u64(),
            line(&after, "5.1")["denominator"].as_u64()
        ),
        (Some(1), Some(2))
    );
    // 5.4: the dossier has feedback about it: flagged 1 of the 1 received dossier.
    assert_eq!(
        (
            line(&after, "5.4")["numerator"].as_u64(),
            line(&after, "5.4")["denominator"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let (_, overdue) = get(&engine, &supervisor, "/v1/feedback?overdue=true").await;
    assert_eq!(overdue.as_array().map(Vec::len), Some(0));
}
