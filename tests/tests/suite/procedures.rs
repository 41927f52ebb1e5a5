//! The shipped procedures (issue 7), each from login to returned result: THPT exam
//! registration with its subject, exemption and window rules and the priority category
//! derived from the register; the diploma copy with who may ask and the 15:00 rule; the
//! correction of a diploma; the recognition of a foreign diploma.

use motcua_tests::accounts::{
    CLERK, LAN_ANH as RECENT_MOVER, MINH, SCHOOL_CLERK, SPECIALIST, THANG as MINORITY_STUDENT,
};
use motcua_tests::api::{self, act, call, get, patch, post, results_in_store};
use motcua_tests::dossiers::{self, process_to_returned, COPY, CORRECTION, RECOGNITION, THPT};
use motcua_tests::{login, Engine, EngineOptions, Session};
use serde_json::{json, Value};

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn put_file(
    engine: &Engine,
    session: &Session,
    id: &str,
    key: &str,
    content_type: &str,
    bytes: &[u8],
) {
    let path = format!("/v1/dossiers/{id}/documents/{key}");
    api::stored_file(engine, session, &path, content_type, bytes.to_vec()).await;
}

async fn submit(engine: &Engine, session: &Session, id: &str) -> (u16, Value) {
    call(
        engine,
        session,
        reqwest::Method::POST,
        &format!("/v1/dossiers/{id}/submit"),
        None,
    )
    .await
}

async fn new_draft(engine: &Engine, session: &Session, procedure: &str) -> Value {
    let (status, draft) = post(
        engine,
        session,
        "/v1/dossiers",
        json!({ "procedure": procedure }),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    draft
}

/// A draft of `procedure` the desk `clerk` takes at the counter for Minh, filled with `data`.
async fn counter_draft(engine: &Engine, clerk: &Session, procedure: &str, data: &Value) -> String {
    let (status, draft) = post(
        engine,
        clerk,
        "/v1/counter/dossiers",
        json!({ "procedure": procedure, "citizen": MINH }),
    )
    .await;
    assert_eq!(status, 201, "{draft}");
    let id = draft["id"].as_str().unwrap().to_owned();
    let (status, patched) = patch(engine, clerk, &id, data).await;
    assert_eq!(status, 200, "{patched}");
    id
}

fn photo() -> Vec<u8> {
    [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0x42; 2000][..]].concat()
}

const PDF: &[u8] = b"%PDF-1.7 ban scan";

fn thpt_data(unit: &str) -> Value {
    let mut data = dossiers::thpt_data();
    data["receiving_agency"] = json!(unit);
    data
}

/// The pointers of a problem's errors, sorted.
fn error_pointers(problem: &Value) -> Vec<&str> {
    let mut pointers: Vec<&str> = problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["pointer"].as_str())
        .collect();
    pointers.sort();
    pointers
}

/// The codes, pointers and rules of a problem's errors that come from named rules.
fn rule_errors(problem: &Value) -> Vec<(String, String, String)> {
    problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e.get("rule").is_some())
        .map(|e| {
            (
                e["code"].as_str().unwrap().to_owned(),
                e["pointer"].as_str().unwrap().to_owned(),
                e["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_priority_category_is_derived_from_the_register_with_its_reasons() {
    let engine = Engine::start_in_thpt_window().await;

    // Minh: Kinh, Phường Cầu Giấy since birth: no priority, and he is told why.
    let minh = login(&engine, "citizen", MINH).await;
    let draft = new_draft(&engine, &minh, THPT).await;
    let priority = &draft["data"]["priority"];
    assert_eq!(priority["category"], "dien_1", "{priority}");
    assert_eq!(priority["bonus"], 0.0);
    let reasons = priority["reasons"].to_string();
    assert!(
        reasons.contains("Kinh") && reasons.contains("Cầu Giấy"),
        "{reasons}"
    );
    assert_eq!(
        draft["prefill"]["/priority"]["source"],
        "rule:thpt_priority"
    );
    // Derived, so locked: the candidate cannot declare a category.
    let id = draft["id"].as_str().unwrap();
    let (status, problem) = patch(
        &engine,
        &minh,
        id,
        &json!({ "priority": { "category": "dien_3" } }),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("prefilled_field_locked"))
    );

    // Tày, born and living in a border commune of zone III: Diện 3, +0.5.
    let thang = login(&engine, "citizen", MINORITY_STUDENT).await;
    let priority = new_draft(&engine, &thang, THPT).await["data"]["priority"].clone();
    assert_eq!(
        (priority["category"].as_str(), priority["bonus"].as_f64()),
        (Some("dien_3"), Some(0.5)),
        "{priority}"
    );
    assert_eq!(
        priority["residence_flags"]["three_years_in_flagged_commune"],
        true
    );

    // Kinh, two years in a flagged commune: not enough for the residence priority.
    let lan_anh = login(&engine, "citizen", RECENT_MOVER).await;
    let priority = new_draft(&engine, &lan_anh, THPT).await["data"]["priority"].clone();
    assert_eq!(priority["category"], "dien_1", "{priority}");
    assert_eq!(
        priority["residence_flags"]["three_years_in_flagged_commune"],
        false
    );
    assert_eq!(
        priority["residence_flags"]["eighteen_months_in_flagged_commune"],
        true
    );
    assert!(
        priority["reasons"].to_string().contains("chưa đủ 3 năm"),
        "{priority}"
    );

    // The register was asked for the residence history and ethnicity, with the purpose.
    let (_, log) = get(&engine, &thang, "/v1/me/access-log").await;
    let fields = log["items"][0]["fields"].to_string();
    assert!(
        fields.contains("residence_history") && fields.contains("ethnicity"),
        "{fields}"
    );
}

#[tokio::test]
async fn thpt_refusals_name_their_rule_code_and_pointer() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = new_draft(&engine, &minh, THPT).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        patch(&engine, &minh, &id, &thpt_data("THPT-HN-CVA"))
            .await
            .0,
        200
    );
    put_file(&engine, &minh, &id, "photo", "image/jpeg", &photo()).await;

    let refused_with = |change: Value| {
        let (engine, minh, id) = (&engine, &minh, id.clone());
        async move {
            assert_eq!(patch(engine, minh, &id, &change).await.0, 200);
            let (status, problem) = submit(engine, minh, &id).await;
            assert_eq!(status, 422, "{problem}");
            rule_errors(&problem)
        }
    };
    let error = |code: &str, pointer: &str, rule: &str| {
        vec![(code.to_owned(), pointer.to_owned(), rule.to_owned())]
    };

    let three =
        refused_with(json!({ "subjects": { "electives": ["vat_li", "hoa_hoc", "ngoai_ngu"] } }))
            .await;
    assert_eq!(
        three,
        error("too_many_electives", "/subjects/electives", "thpt_subjects")
    );
    let one = refused_with(json!({ "subjects": { "electives": ["ngoai_ngu"] } })).await;
    assert_eq!(
        one,
        error("too_few_electives", "/subjects/electives", "thpt_subjects")
    );
    let unnamed = refused_with(
        json!({ "subjects": { "electives": ["vat_li", "ngoai_ngu"], "foreign_language": null } }),
    )
    .await;
    assert_eq!(
        unnamed,
        error(
            "foreign_language_missing",
            "/subjects/foreign_language",
            "thpt_subjects"
        )
    );
    let expired = refused_with(json!({
        "subjects": { "foreign_language": "N1" },
        "language_exemption": { "exempt": true, "basis": "certificate",
            "certificate": { "kind": "IELTS", "language": "N1", "level": 4, "score": "6.0", "valid_until": "2025-04-01" } }
    }))
    .await;
    assert_eq!(
        expired,
        error(
            "certificate_expired",
            "/language_exemption/certificate/valid_until",
            "thpt_language_exemption"
        )
    );

    // Valid until the registration day, with its scan: accepted.
    assert_eq!(
        patch(
            &engine,
            &minh,
            &id,
            &json!({ "language_exemption": { "certificate": { "valid_until": "2026-06-30" } } })
        )
        .await
        .0,
        200
    );
    put_file(
        &engine,
        &minh,
        &id,
        "language-certificate",
        "application/pdf",
        PDF,
    )
    .await;
    let (status, answer) = submit(&engine, &minh, &id).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn outside_the_window_a_draft_or_a_submission_is_refused_with_the_window() {
    // Drafted within the window...
    let open = Engine::start_in_thpt_window().await;
    let minh = login(&open, "citizen", MINH).await;
    let id = new_draft(&open, &minh, THPT).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        patch(&open, &minh, &id, &thpt_data("THPT-HN-CVA")).await.0,
        200
    );
    put_file(&open, &minh, &id, "photo", "image/jpeg", &photo()).await;

    // ...submitted after 17:00 on 28/04/2025, by an engine on the same database.
    let closed = Engine::start_with(EngineOptions {
        clock: Some("2025-04-28T17:00:05+07:00".into()),
        extra_env: vec![("DATABASE_URL".into(), open.database_url.clone())],
        ..Default::default()
    })
    .await;
    let minh = login(&closed, "citizen", MINH).await;
    let (status, problem) = submit(&closed, &minh, &id).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("procedure_not_open")),
        "{problem}"
    );
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("00:00 21/04/2025") && detail.contains("17:00 28/04/2025"),
        "{detail}"
    );
    assert_eq!(
        rule_errors(&problem),
        [(
            "outside_window".to_owned(),
            String::new(),
            "opening_window".to_owned()
        )]
    );
    let (_, still) = get(&closed, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(still["state"], "draft", "nothing was submitted");

    // Nor can a new registration be started.
    let (status, problem) =
        post(&closed, &minh, "/v1/dossiers", json!({ "procedure": THPT })).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (403, Some("procedure_not_open"))
    );
}

/// The school's clerk takes the candidate through acknowledgement, one correction and
/// confirmation; the registration slips are the result, in the candidate's store.
#[tokio::test]
async fn a_thpt_registration_goes_online_from_login_to_the_returned_slips() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let school = login(&engine, "staff", SCHOOL_CLERK).await;
    let department_clerk = login(&engine, "staff", CLERK).await;

    let id = new_draft(&engine, &minh, THPT).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        patch(&engine, &minh, &id, &thpt_data("THPT-HN-CVA"))
            .await
            .0,
        200
    );
    put_file(&engine, &minh, &id, "photo", "image/jpeg", &photo()).await;
    let (status, submitted) = submit(&engine, &minh, &id).await;
    assert_eq!(status, 200, "{submitted}");
    // The candidate's school is the registration unit that receives it.
    assert!(
        submitted["code"]
            .as_str()
            .unwrap()
            .starts_with("THPT-HN-CVA-250422-"),
        "{submitted}"
    );
    assert_eq!(
        get(&engine, &department_clerk, &format!("/v1/dossiers/{id}"))
            .await
            .0,
        404
    );

    let (status, acknowledged) = act(&engine, &school, &id, "acknowledge", json!({})).await;
    assert_eq!(
        (status, acknowledged["status"].as_i64()),
        (200, Some(2)),
        "{acknowledged}"
    );
    let correction = json!({ "comment": "Số điện thoại liên hệ không đúng", "data": { "items": ["/contact/phone"] } });
    let (status, asked) = act(&engine, &school, &id, "request_correction", correction).await;
    assert_eq!(
        (status, asked["state"].as_str()),
        (200, Some("correction")),
        "{asked}"
    );
    assert_eq!(
        patch(
            &engine,
            &minh,
            &id,
            &json!({ "contact": { "phone": "0987654321" } })
        )
        .await
        .0,
        200
    );
    let (status, corrected) = act(&engine, &minh, &id, "correct", json!({})).await;
    assert_eq!(
        (status, corrected["state"].as_str()),
        (200, Some("checking")),
        "{corrected}"
    );

    let (status, confirmed) = act(&engine, &school, &id, "confirm", json!({})).await;
    assert_eq!(
        (status, confirmed["status"].as_i64()),
        (200, Some(9)),
        "{confirmed}"
    );
    let results = results_in_store(&engine, &minh).await;
    let mut codes: Vec<&str> = results
        .iter()
        .map(|r| r["result_code"].as_str().unwrap())
        .collect();
    codes.sort();
    assert_eq!(codes, ["phieu-dkdt-so-1", "phieu-dkdt-so-2"]);
    let slip_id = results
        .iter()
        .find(|r| r["result_code"] == "phieu-dkdt-so-2")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let slip: Value = client()
        .get(engine.at(&format!("/v1/attachments/{slip_id}/content")))
        .bearer_auth(&minh.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(slip["title"], "Phiếu đăng ký dự thi số 2");
    assert_eq!(slip["dossier_code"], submitted["code"]);
    assert_eq!(slip["candidate"]["pin"], MINH);
    assert_eq!(slip["contact"]["phone"], "0987654321", "the corrected data");
    assert_eq!(slip["priority"]["category"], "dien_1");
    assert_eq!(slip["registration_unit"]["id"], "THPT-HN-CVA");

    let (status, returned) = act(&engine, &school, &id, "return_result", json!({})).await;
    assert_eq!(
        (status, returned["status"].as_i64()),
        (200, Some(10)),
        "{returned}"
    );
}

#[tokio::test]
async fn a_thpt_registration_taken_at_the_counter_goes_the_whole_way() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let school = login(&engine, "staff", SCHOOL_CLERK).await;
    let specialist = login(&engine, "staff", SPECIALIST).await;

    // Only a desk clerk takes dossiers at the counter.
    let intake = json!({ "procedure": THPT, "citizen": MINH });
    assert_eq!(
        post(&engine, &minh, "/v1/counter/dossiers", intake.clone())
            .await
            .0,
        403
    );
    assert_eq!(
        post(&engine, &specialist, "/v1/counter/dossiers", intake.clone())
            .await
            .0,
        403
    );
    let (status, draft) = post(&engine, &school, "/v1/counter/dossiers", intake).await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(
        (draft["channel"].as_str(), draft["taken_by"].as_str()),
        (Some("counter"), Some(SCHOOL_CLERK))
    );
    assert_eq!(
        draft["data"]["candidate"]["pin"], MINH,
        "prefilled from the register"
    );
    assert_eq!(draft["data"]["priority"]["category"], "dien_1");
    let id = draft["id"].as_str().unwrap().to_owned();
    let (_, log) = get(&engine, &minh, "/v1/me/access-log").await;
    assert_eq!(
        (
            log["items"][0]["source"].as_str(),
            log["items"][0]["actor"].as_str()
        ),
        (Some("register"), Some(SCHOOL_CLERK))
    );

    // The clerk fills the form and scans the photo.
    let (status, body) = patch(&engine, &school, &id, &thpt_data("THPT-HN-CVA")).await;
    assert_eq!(status, 200, "{body}");
    put_file(&engine, &school, &id, "photo", "image/jpeg", &photo()).await;
    let (status, submitted) = submit(&engine, &school, &id).await;
    assert_eq!(status, 200, "{submitted}");
    // Taken at the counter: acknowledged within one working day (Tuesday's close).
    assert_eq!(submitted["ack_due_at"], "2025-04-22T17:00:00+07:00");

    let (status, acknowledged) = act(&engine, &school, &id, "acknowledge", json!({})).await;
    assert_eq!(status, 200, "{acknowledged}");
    let (_, receipt) = get(
        &engine,
        &school,
        &format!("/v1/dossiers/{id}/slips/receipt"),
    )
    .await;
    assert_eq!(receipt["channel"], "counter");
    assert_eq!(receipt["documents"][0]["source"], "clerk_scan");
    assert_eq!(
        act(&engine, &school, &id, "confirm", json!({})).await.0,
        200
    );
    let (status, returned) = act(&engine, &school, &id, "return_result", json!({})).await;
    assert_eq!((status, returned["status"].as_i64()), (200, Some(10)));

    let (_, mine) = get(&engine, &minh, "/v1/dossiers").await;
    assert_eq!(
        (
            mine["items"][0]["id"].as_str(),
            mine["items"][0]["status"].as_i64()
        ),
        (Some(id.as_str()), Some(10))
    );
    assert_eq!(results_in_store(&engine, &minh).await.len(), 2);
}

#[tokio::test]
async fn a_diploma_copy_received_at_15_05_on_a_friday_is_due_the_next_working_day() {
    // Friday 24/04/2026 15:05; Monday 27/04 is Giỗ Tổ Hùng Vương's day off: due Tuesday.
    let engine = Engine::start_at("2026-04-24T15:05:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = motcua_tests::dossiers::submitted_copy(&engine, &client(), &minh).await;
    let received = process_to_returned(&engine, &id, "BS-2026-000001").await;
    assert_eq!(received["clock"]["started_at"], "2026-04-28T07:30:00+07:00");
    assert_eq!(received["due_at"], "2026-04-28T17:00:00+07:00");
    assert_eq!(
        results_in_store(&engine, &minh).await.len(),
        1,
        "the electronic copy"
    );

    // A Friday without a holiday after it: Monday.
    let engine = Engine::start_at("2026-11-20T15:05:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let id = motcua_tests::dossiers::submitted_copy(&engine, &client(), &minh).await;
    let (_, received) = act(&engine, &clerk, &id, "receive", json!({})).await;
    assert_eq!(received["due_at"], "2026-11-23T17:00:00+07:00");

    // A complex case: two more working days, once, with the reason.
    let specialist = login(&engine, "staff", SPECIALIST).await;
    let (status, problem) = act(
        &engine,
        &specialist,
        &id,
        "extend_for_complex_case",
        json!({}),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("validation_failed")),
        "{problem}"
    );
    let reason = json!({ "comment": "Phải tra cứu nhiều sổ gốc" });
    let (status, extended) = act(
        &engine,
        &specialist,
        &id,
        "extend_for_complex_case",
        reason.clone(),
    )
    .await;
    assert_eq!(
        (status, extended["due_at"].as_str()),
        (200, Some("2026-11-25T17:00:00+07:00")),
        "{extended}"
    );
    assert_eq!(
        act(&engine, &specialist, &id, "extend_for_complex_case", reason)
            .await
            .0,
        409
    );
}

#[tokio::test]
async fn who_may_ask_for_a_copy_and_with_which_papers() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let mut data = motcua_tests::dossiers::copy_data();
    data["relationship"] = json!("parent");
    let id = new_draft(&engine, &minh, COPY).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(patch(&engine, &minh, &id, &data).await.0, 200);

    // A parent's request names the holder and brings the proof of relation.
    let (status, problem) = submit(&engine, &minh, &id).await;
    assert_eq!(status, 422, "{problem}");
    let pointers = error_pointers(&problem);
    assert_eq!(
        pointers,
        [
            "/diploma/holder_birth_date",
            "/diploma/holder_name",
            "/documents/proof-of-relation"
        ]
    );
    let holder = json!({ "diploma": { "holder_name": "Nguyễn Văn Khôi", "holder_birth_date": "2007-01-15" } });
    assert_eq!(patch(&engine, &minh, &id, &holder).await.0, 200);
    let (_, problem) = submit(&engine, &minh, &id).await;
    assert_eq!(
        problem["errors"][0]["pointer"],
        "/documents/proof-of-relation"
    );
    put_file(
        &engine,
        &minh,
        &id,
        "proof-of-relation",
        "application/pdf",
        PDF,
    )
    .await;
    assert_eq!(submit(&engine, &minh, &id).await.0, 200);

    // An heir also shows the holder's death; a representative, the authorisation.
    for (relationship, documents) in [
        (
            "heir",
            vec![
                "/documents/holder-death-record",
                "/documents/proof-of-relation",
            ],
        ),
        ("representative", vec!["/documents/authorisation"]),
    ] {
        let id = new_draft(&engine, &minh, COPY).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut data = motcua_tests::dossiers::copy_data();
        data["relationship"] = json!(relationship);
        data["diploma"]["holder_name"] = json!("Lê Văn Tâm");
        data["diploma"]["holder_birth_date"] = json!("1952-02-11");
        assert_eq!(patch(&engine, &minh, &id, &data).await.0, 200);
        let (_, problem) = submit(&engine, &minh, &id).await;
        let pointers = error_pointers(&problem);
        assert_eq!(pointers, documents, "{relationship}");
    }
}

#[tokio::test]
async fn a_correction_goes_online_and_at_the_counter_to_the_correction_decision() {
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = motcua_tests::dossiers::submitted_correction(&engine, &client(), &minh).await;
    let received = process_to_returned(&engine, &id, "QD-CS-2026-001").await;
    // 5 working days from Monday morning: Friday's close.
    assert_eq!(received["due_at"], "2026-11-27T17:00:00+07:00");

    let clerk = login(&engine, "staff", CLERK).await;
    let id = counter_draft(
        &engine,
        &clerk,
        CORRECTION,
        &motcua_tests::dossiers::correction_data(),
    )
    .await;
    put_file(&engine, &clerk, &id, "diploma", "application/pdf", PDF).await;
    assert_eq!(submit(&engine, &clerk, &id).await.0, 200);
    process_to_returned(&engine, &id, "QD-CS-2026-002").await;
    assert_eq!(results_in_store(&engine, &minh).await.len(), 2);
}

fn recognition_data() -> Value {
    json!({
        "applicant": { "phone": "0912345678" },
        "relationship": "holder",
        "diploma": { "level": "thpt", "title": "High School Diploma", "institution": "Lincoln High School",
                     "country": "US", "awarded_on": "2025-06-10" },
        "study_abroad": { "from": "2021-08-20", "to": "2025-06-10", "proof": "passport_stamps" },
        "purpose": "Dự tuyển đại học"
    })
}

#[tokio::test]
async fn a_foreign_diploma_is_recognised_online_and_at_the_counter_in_15_working_days() {
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = new_draft(&engine, &minh, RECOGNITION).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(patch(&engine, &minh, &id, &recognition_data()).await.0, 200);
    let (status, problem) = submit(&engine, &minh, &id).await;
    assert_eq!(status, 422);
    let pointers = error_pointers(&problem);
    assert_eq!(
        pointers,
        [
            "/documents/diploma-with-translation",
            "/documents/proof-of-study-abroad",
            "/documents/transcript-with-translation"
        ]
    );
    for key in [
        "diploma-with-translation",
        "transcript-with-translation",
        "proof-of-study-abroad",
    ] {
        put_file(&engine, &minh, &id, key, "application/pdf", PDF).await;
    }
    assert_eq!(submit(&engine, &minh, &id).await.0, 200);
    let received = process_to_returned(&engine, &id, "CN-2026-001").await;
    // 15 working days from Monday 23/11: Friday 11/12.
    assert_eq!(received["due_at"], "2026-12-11T17:00:00+07:00");

    // At the counter, with the time abroad shown in the Ministry's database: no paper for it.
    let clerk = login(&engine, "staff", CLERK).await;
    let mut data = recognition_data();
    data["study_abroad"]["proof"] = json!("moet_student_database");
    let id = counter_draft(&engine, &clerk, RECOGNITION, &data).await;
    for key in ["diploma-with-translation", "transcript-with-translation"] {
        put_file(&engine, &clerk, &id, key, "application/pdf", PDF).await;
    }
    assert_eq!(submit(&engine, &clerk, &id).await.0, 200);
    process_to_returned(&engine, &id, "CN-2026-002").await;
    assert_eq!(results_in_store(&engine, &minh).await.len(), 2);
}

/// The papers the register replaces: no shipped procedure asks for a household book, a
/// residence book or a copy of the ID card, except as the fallback when the register
/// cannot answer (or where a register lookup replaces it).
#[test]
fn no_procedure_asks_for_what_the_register_holds() {
    let dir = motcua_tests::workspace_root().join("procedures");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "procedure.schema.json" || !name.ends_with(".json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let procedure = motcua_core::procedure::Procedure::parse(&name, &text)
            .unwrap_or_else(|e| panic!("{e:?}"));
        for doc in &procedure.spec().documents {
            let words = format!("{} {}", doc.key, doc.name).to_lowercase();
            let register_paper = [
                "hộ khẩu",
                "ho-khau",
                "tạm trú",
                "tam-tru",
                "căn cước",
                "cccd",
                "cmnd",
                "id-card",
            ]
            .iter()
            .any(|w| words.contains(w));
            let replaced = matches!(
                doc.replaced_by,
                Some(motcua_core::procedure::ReplacedBy::RegisterField(_))
            );
            assert!(
                !register_paper || doc.fallback || replaced,
                "{name}: {} asks for a register paper",
                doc.key
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 4);
}
