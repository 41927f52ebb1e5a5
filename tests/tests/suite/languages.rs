//! The API's problems in Vietnamese when the request asks for it (`Accept-Language: vi`,
//! q-values weighed): the title, the detail, each field's message labelled with the field's
//! title in the procedure file, and the named rules' refusals in their own words; English,
//! as before, when it does not. Either way the answer says its language.

use motcua_tests::accounts::{HAN, MINH};
use motcua_tests::dossiers::{self, COPY, THPT};
use motcua_tests::{login, Engine, Session};
use serde_json::{json, Value};

/// An answer: its status, `Content-Language`, `Vary` and JSON body.
struct Answer {
    status: u16,
    language: String,
    vary: String,
    body: Value,
}

/// `method path` as `session`, with `body` and `Accept-Language: accept` when given.
async fn ask(
    engine: &Engine,
    session: &Session,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
    accept: Option<&str>,
) -> Answer {
    let mut request = reqwest::Client::new()
        .request(method, engine.at(path))
        .bearer_auth(&session.token);
    if let Some(body) = body {
        request = request.json(body);
    }
    if let Some(accept) = accept {
        request = request.header("accept-language", accept);
    }
    let answer = request.send().await.expect("the engine answers");
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (language, vary) = (header("content-language"), header("vary"));
    let status = answer.status().as_u16();
    Answer {
        status,
        language,
        vary,
        body: answer.json().await.unwrap_or(Value::Null),
    }
}

/// The message of the problem's error at `pointer` (with `code`, when given).
fn message_at<'b>(problem: &'b Value, pointer: &str, code: Option<&str>) -> &'b str {
    problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["pointer"] == pointer && code.is_none_or(|c| e["code"] == c))
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no error at {pointer} in {problem}"))
}

#[tokio::test]
async fn problems_are_in_vietnamese_when_asked_and_in_english_otherwise() {
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = dossiers::draft(&engine, &minh, COPY).await;
    let path = format!("/v1/dossiers/{id}");
    let patch = reqwest::Method::PATCH;
    let wrong = json!({ "copies": "hai", "applicant": { "phone": "12" } });

    // A field error: each message names the field by its title and says what it expects.
    let vi = ask(
        &engine,
        &minh,
        patch.clone(),
        &path,
        Some(&wrong),
        Some("vi"),
    )
    .await;
    assert_eq!(vi.status, 422, "{}", vi.body);
    assert_eq!(vi.body["code"], "validation_failed");
    assert_eq!(vi.body["title"], "Dữ liệu không hợp lệ", "{}", vi.body);
    assert_eq!(
        vi.body["detail"], "Thông tin chưa hợp lệ: xem từng mục cần sửa.",
        "{}",
        vi.body
    );
    assert_eq!(
        message_at(&vi.body, "/copies", None),
        "Số bản sao: nhập một số nguyên từ 1 đến 10."
    );
    let phone = message_at(&vi.body, "/applicant/phone", None);
    assert!(
        phone.starts_with("Số điện thoại: ") && phone.contains("10 chữ số"),
        "{phone}"
    );
    assert_eq!(vi.language, "vi");
    assert!(vi.vary.contains("accept-language"), "{}", vi.vary);

    // The same without asking: English, as it always was.
    let en = ask(&engine, &minh, patch.clone(), &path, Some(&wrong), None).await;
    assert_eq!(en.status, 422);
    assert_eq!(en.body["title"], "Unprocessable Entity");
    assert_eq!(en.body["detail"], "the patch does not fit the form");
    assert!(
        message_at(&en.body, "/copies", None).contains("integer"),
        "{}",
        en.body
    );
    assert_eq!(en.language, "en");
    // English is preferred by quality; Vietnamese refused outright.
    for accept in ["vi;q=0.4, en;q=0.9", "vi;q=0, en", "fr"] {
        let answer = ask(
            &engine,
            &minh,
            patch.clone(),
            &path,
            Some(&wrong),
            Some(accept),
        )
        .await;
        assert_eq!(answer.body["title"], "Unprocessable Entity", "{accept}");
        assert_eq!(answer.language, "en", "{accept}");
    }
    let weighed = ask(
        &engine,
        &minh,
        patch.clone(),
        &path,
        Some(&wrong),
        Some("en;q=0.5, vi-VN;q=0.8"),
    )
    .await;
    assert_eq!(weighed.body["title"], "Dữ liệu không hợp lệ");

    // A rule's refusal: a parent asks for a copy without naming the holder.
    let mut asked_by_parent = dossiers::copy_data();
    asked_by_parent["relationship"] = json!("parent");
    let saved = ask(
        &engine,
        &minh,
        patch,
        &path,
        Some(&asked_by_parent),
        Some("vi"),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(
        saved.language.is_empty(),
        "data is not a problem: no language"
    );
    let submit = format!("/v1/dossiers/{id}/submit");
    let post = reqwest::Method::POST;
    let vi = ask(&engine, &minh, post.clone(), &submit, None, Some("vi")).await;
    assert_eq!(vi.status, 422, "{}", vi.body);
    assert_eq!(
        message_at(
            &vi.body,
            "/diploma/holder_name",
            Some("holder_name_missing")
        ),
        "Họ và tên người được cấp văn bằng: bạn đề nghị cấp bản sao văn bằng của người khác: \
         nhập họ và tên người được cấp văn bằng."
    );
    let proof = message_at(&vi.body, "/documents/proof-of-relation", None);
    assert!(
        proof.starts_with("Còn thiếu giấy tờ: Giấy tờ chứng minh quan hệ"),
        "{proof}"
    );
    let en = ask(&engine, &minh, post, &submit, None, None).await;
    assert_eq!(
        message_at(
            &en.body,
            "/diploma/holder_name",
            Some("holder_name_missing")
        ),
        "you ask for someone else's diploma: give the holder's full name"
    );

    // 404: a dossier that is not there (or not the caller's).
    let nowhere = format!("/v1/dossiers/{}", uuid::Uuid::new_v4());
    let get = reqwest::Method::GET;
    let vi = ask(&engine, &minh, get.clone(), &nowhere, None, Some("vi")).await;
    assert_eq!(
        (vi.status, vi.body["code"].as_str()),
        (404, Some("dossier_not_found"))
    );
    assert_eq!(vi.body["title"], "Không tìm thấy");
    assert!(
        vi.body["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("Không tìm thấy hồ sơ")),
        "{}",
        vi.body
    );
    assert_eq!(vi.language, "vi");
    let en = ask(&engine, &minh, get, &nowhere, None, None).await;
    assert_eq!(
        (en.body["title"].as_str(), en.body["detail"].as_str()),
        (Some("Not Found"), Some("no such dossier"))
    );

    // 403: a level-1 account, for a procedure that needs level 2; and the exam's
    // registration outside its window.
    let han = login(&engine, "citizen", HAN).await;
    let create = reqwest::Method::POST;
    let body = json!({ "procedure": COPY });
    let vi = ask(
        &engine,
        &han,
        create.clone(),
        "/v1/dossiers",
        Some(&body),
        Some("vi"),
    )
    .await;
    assert_eq!(
        (vi.status, vi.body["code"].as_str()),
        (403, Some("assurance_level_too_low")),
        "{}",
        vi.body
    );
    assert_eq!(vi.body["title"], "Không được phép");
    let detail = vi.body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("mức độ 2") && detail.contains("VNeID"),
        "{detail}"
    );
    let en = ask(
        &engine,
        &han,
        create.clone(),
        "/v1/dossiers",
        Some(&body),
        None,
    )
    .await;
    assert_eq!(en.body["title"], "Forbidden");
    assert!(
        en.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("level-2 VNeID account")),
        "{}",
        en.body
    );
    let exam = json!({ "procedure": THPT });
    let vi = ask(
        &engine,
        &minh,
        create,
        "/v1/dossiers",
        Some(&exam),
        Some("vi"),
    )
    .await;
    assert_eq!(
        (vi.status, vi.body["code"].as_str()),
        (403, Some("procedure_not_open"))
    );
    let detail = vi.body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("chỉ nhận hồ sơ từ 00:00 21/04/2025 đến 17:00 28/04/2025"),
        "{detail}"
    );

    // A route that is not there: the last-resort problem is translated as well.
    let vi = ask(
        &engine,
        &minh,
        reqwest::Method::GET,
        "/v1/nothing-here",
        None,
        Some("vi"),
    )
    .await;
    assert_eq!((vi.status, vi.language.as_str()), (404, "vi"));
    assert_eq!(vi.body["detail"], "Không có tài nguyên này.");
}

#[tokio::test]
async fn the_exam_rules_refusal_is_said_in_vietnamese_beside_its_field() {
    let engine = Engine::start_in_thpt_window().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = dossiers::draft(&engine, &minh, THPT).await;
    let mut data = dossiers::thpt_data();
    data["receiving_agency"] = json!("THPT-HN-CVA");
    data["subjects"]["electives"] = json!(["vat_li", "hoa_hoc", "ngoai_ngu"]);
    let path = format!("/v1/dossiers/{id}");
    let saved = ask(
        &engine,
        &minh,
        reqwest::Method::PATCH,
        &path,
        Some(&data),
        None,
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    let submit = format!("{path}/submit");
    let vi = ask(
        &engine,
        &minh,
        reqwest::Method::POST,
        &submit,
        None,
        Some("vi-VN, vi;q=0.9, en;q=0.5"),
    )
    .await;
    assert_eq!(vi.status, 422, "{}", vi.body);
    assert_eq!(
        message_at(&vi.body, "/subjects/electives", Some("too_many_electives")),
        "Môn thi lựa chọn: bạn đã chọn 3 môn: ngoài Ngữ văn và Toán, chỉ chọn đúng 2 môn \
         (Thông tư 24/2024/TT-BGDĐT, Điều 20)."
    );
    let en = ask(&engine, &minh, reqwest::Method::POST, &submit, None, None).await;
    assert!(
        message_at(&en.body, "/subjects/electives", Some("too_many_electives"))
            .starts_with("3 electives chosen"),
        "{}",
        en.body
    );
}
