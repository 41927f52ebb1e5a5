//! Citizens' notifications (issue 30): the engine against a real SMTP server (aiosmtpd,
//! started by the test) and the simulator's SMS gateway. Each message is written to the
//! outbox in the transaction of the change it tells of, rendered from the agency's
//! templates (`notifications/`) when it is sent, and its delivery state is the citizen's to
//! see.

use motcua_tests::accounts::{APPROVER, CLERK, MINH, SPECIALIST};
use motcua_tests::api::{act, call, get, put_file};
use motcua_tests::smtp::{Mail, SmtpServer};
use motcua_tests::{dossiers, login, Engine, EngineOptions, Session};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A working Monday morning.
const MONDAY: &str = "2026-11-23T08:00:00+07:00";
const MINH_MAIL: &str = "minh@example.vn";
const MINH_PHONE: &str = "+84912345678";

async fn engine_with(smtp: &SmtpServer) -> Engine {
    Engine::start_with(EngineOptions {
        clock: Some(MONDAY.into()),
        extra_env: vec![
            ("SMTP_URL".into(), smtp.url()),
            ("SMTP_FROM".into(), "Mot cua <motcua@sgd.example.vn>".into()),
        ],
        ..Default::default()
    })
    .await
}

/// Minh asks to be told by e-mail and SMS.
async fn by_mail_and_sms(engine: &Engine, minh: &Session) {
    let (status, contact) = call(
        engine,
        minh,
        reqwest::Method::PUT,
        "/v1/me/contact",
        Some(json!({ "email": MINH_MAIL, "phone": "0912 345 678", "channels": ["email", "sms"] })),
    )
    .await;
    assert_eq!(status, 200, "{contact}");
    assert_eq!(contact["phone"], MINH_PHONE);
}

async fn step(engine: &Engine, who: &Session, id: &str, action: &str, body: Value) {
    let (status, answer) = act(engine, who, id, action, body).await;
    assert_eq!(status, 200, "{action}: {answer}");
}

async fn code_of(engine: &Engine, who: &Session, id: &str) -> String {
    let (_, dossier) = get(engine, who, &format!("/v1/dossiers/{id}")).await;
    dossier["code"].as_str().expect("a code").to_owned()
}

fn sms_to_minh(engine: &Engine) -> Vec<motcua_sim::SentSms> {
    engine
        .sms
        .sent()
        .into_iter()
        .filter(|s| s.to == MINH_PHONE)
        .collect()
}

/// Waits until the mailbox holds `mails` messages and the gateway `sms` for Minh, then a
/// little more, to see that nothing else comes.
async fn wait_for(engine: &Engine, smtp: &SmtpServer, mails: usize, sms: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (m, s) = (smtp.mails().len(), sms_to_minh(engine).len());
        if m >= mails && s >= sms {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "waited for {mails} mails and {sms} SMS; have {m} and {s}: {:#?} {:#?}",
            smtp.mails(),
            sms_to_minh(engine)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

fn subjects(mails: &[Mail]) -> Vec<String> {
    mails.iter().map(|m| m.subject.clone()).collect()
}

async fn notifications(engine: &Engine, who: &Session, id: &str) -> Vec<Value> {
    let (status, list) = get(engine, who, &format!("/v1/dossiers/{id}/notifications")).await;
    assert_eq!(status, 200, "{list}");
    list["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn from_submission_to_result_the_citizen_is_told_once_each_in_vietnamese() {
    let smtp = SmtpServer::start().await;
    let engine = engine_with(&smtp).await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let specialist = login(&engine, "staff", SPECIALIST).await;
    let approver = login(&engine, "staff", APPROVER).await;
    by_mail_and_sms(&engine, &minh).await;

    let id = dossiers::submitted_correction(&engine, &client, &minh).await;
    let code = code_of(&engine, &minh, &id).await;
    step(&engine, &clerk, &id, "receive", json!({})).await;
    // Refused actions are rolled back: they tell nobody.
    let (status, _) = act(
        &engine,
        &specialist,
        &id,
        "request_supplement",
        json!({ "comment": "thiếu" }),
    )
    .await;
    assert_eq!(status, 422);
    let (status, _) = act(&engine, &specialist, &id, "issue_result", json!({})).await;
    assert!(status >= 400);
    step(
        &engine,
        &specialist,
        &id,
        "request_supplement",
        json!({ "comment": "Số hiệu văn bằng không khớp sổ gốc",
                "data": { "items": ["Bản chụp văn bằng có số hiệu rõ ràng"] } }),
    )
    .await;
    step(&engine, &minh, &id, "resubmit", json!({})).await;
    step(
        &engine,
        &specialist,
        &id,
        "apologise",
        json!({ "comment": "Cần xác minh với trường THPT", "data": { "new_due_date": "2026-12-02" } }),
    )
    .await;
    step(&engine, &specialist, &id, "propose", json!({})).await;
    step(&engine, &approver, &id, "approve", json!({})).await;
    let (status, _) = put_file(
        &engine,
        &specialist,
        &format!("/v1/dossiers/{id}/results/QD-2026-000042"),
        "application/pdf",
        b"%PDF-1.7 Quyet dinh chinh sua".to_vec(),
    )
    .await;
    assert_eq!(status, 201);
    step(&engine, &specialist, &id, "issue_result", json!({})).await;
    step(&engine, &clerk, &id, "return_result", json!({})).await;

    // Another dossier refused at the desk.
    let refused = dossiers::submitted_correction(&engine, &client, &minh).await;
    let refused_code = code_of(&engine, &minh, &refused).await;
    step(
        &engine,
        &clerk,
        &refused,
        "refuse",
        json!({ "comment": "Không thuộc thẩm quyền" }),
    )
    .await;

    wait_for(&engine, &smtp, 6, 6).await;
    let mails = smtp.mails();
    // In order within a dossier (dossiers are delivered side by side).
    let mails: Vec<Mail> = mails
        .iter()
        .filter(|m| m.subject.contains(&code))
        .chain(mails.iter().filter(|m| m.subject.contains(&refused_code)))
        .cloned()
        .collect();
    assert_eq!(
        subjects(&mails),
        vec![
            format!("Tiếp nhận hồ sơ {code}"),
            format!("Yêu cầu bổ sung hồ sơ {code}"),
            format!("Đã nhận hồ sơ bổ sung {code}"),
            format!("Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}"),
            format!("Đã có kết quả hồ sơ {code}"),
            format!("Hồ sơ {refused_code} không được tiếp nhận giải quyết"),
        ],
        "exactly these, once each, in order"
    );
    for mail in &mails {
        assert_eq!(mail.to, vec![MINH_MAIL.to_owned()]);
        assert!(mail.body.contains("Kính gửi Ông/Bà"), "{}", mail.body);
        assert!(!mail.body.contains("{{"), "{}", mail.body);
    }
    assert!(
        mails[0].body.contains("Ngày hẹn trả kết quả: 27/11/2026"),
        "{}",
        mails[0].body
    );
    assert!(
        mails[1]
            .body
            .contains("- Bản chụp văn bằng có số hiệu rõ ràng"),
        "{}",
        mails[1].body
    );
    assert!(
        mails[3]
            .body
            .contains("Ngày hẹn trả kết quả mới: 02/12/2026"),
        "{}",
        mails[3].body
    );
    assert!(
        mails[3].body.contains("Cần xác minh với trường THPT"),
        "{}",
        mails[3].body
    );
    assert!(
        mails[5].body.contains("Lý do: Không thuộc thẩm quyền"),
        "{}",
        mails[5].body
    );
    let ids: std::collections::HashSet<&str> =
        mails.iter().map(|m| m.message_id.as_str()).collect();
    assert_eq!(ids.len(), mails.len(), "each its own Message-ID");

    let sms = sms_to_minh(&engine);
    let texts: Vec<&str> = sms
        .iter()
        .filter(|s| s.text.contains(&code))
        .chain(sms.iter().filter(|s| s.text.contains(&refused_code)))
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(texts.len(), 6, "{texts:#?}");
    for (text, start) in texts.iter().zip([
        "Ho so ",
        "Ho so ",
        "Da nhan ho so bo sung",
        "Xin loi",
        "Ho so ",
        "Ho so ",
    ]) {
        assert!(text.starts_with(start), "{text}");
    }
    assert!(texts[0].contains("da duoc tiep nhan") && texts[0].contains("27/11/2026"));
    assert!(texts[3].contains("02/12/2026"));
    assert!(texts[5].contains(&refused_code) && texts[5].contains("tu choi"));
    let pin = motcua_tests::accounts::MINH;
    for text in &texts {
        assert!(!text.contains(pin), "no PIN in an SMS: {text}");
    }

    // The citizen sees each message delivered; staff too, with the same states.
    let seen = notifications(&engine, &minh, &id).await;
    let shape: Vec<(String, String, String)> = seen
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["channel"].as_str().unwrap().to_owned(),
                n["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut expected = Vec::new();
    for kind in ["receipt", "supplement", "resubmission", "apology", "result"] {
        for channel in ["email", "sms"] {
            expected.push((kind.to_owned(), channel.to_owned(), "delivered".to_owned()));
        }
    }
    assert_eq!(shape, expected);
    assert!(seen.iter().all(|n| n["delivered_at"].is_string()));
    assert_eq!(notifications(&engine, &clerk, &id).await.len(), 10);
    // Nobody else's.
    let other = login(&engine, "citizen", motcua_tests::accounts::HAN).await;
    let (status, _) = get(&engine, &other, &format!("/v1/dossiers/{id}/notifications")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_supplement_request_reaches_the_citizen_well_within_8_working_hours() {
    let smtp = SmtpServer::start().await;
    let engine = engine_with(&smtp).await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    by_mail_and_sms(&engine, &minh).await;
    let id = dossiers::submitted_correction(&engine, &client, &minh).await;
    step(
        &engine,
        &clerk,
        &id,
        "request_supplement",
        json!({ "comment": "Thiếu giấy tờ", "data": { "items": ["Bản sao CCCD"] } }),
    )
    .await;
    wait_for(&engine, &smtp, 1, 1).await;
    let seen = notifications(&engine, &minh, &id).await;
    assert_eq!(seen.len(), 2, "{seen:#?}");
    for n in &seen {
        assert_eq!(n["kind"], "supplement");
        assert_eq!(n["state"], "delivered");
        let at = |k: &str| chrono::DateTime::parse_from_rfc3339(n[k].as_str().unwrap()).unwrap();
        let took = at("delivered_at") - at("requested_at");
        // 8 working hours is a working day; delivered in seconds, whatever the hour.
        assert!(
            took < chrono::Duration::minutes(1),
            "{} took {took}",
            n["channel"]
        );
        eprintln!(
            "supplement request by {} delivered after {took}",
            n["channel"]
        );
    }
    let mail = &smtp.mails()[0];
    assert!(mail.body.contains("- Bản sao CCCD"), "{}", mail.body);
}

#[tokio::test]
async fn with_the_smtp_server_down_for_a_while_the_mails_arrive_after_it_is_back() {
    let mut smtp = SmtpServer::start().await;
    let engine = engine_with(&smtp).await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    by_mail_and_sms(&engine, &minh).await;
    let id = dossiers::submitted_correction(&engine, &client, &minh).await;

    smtp.stop();
    step(&engine, &clerk, &id, "receive", json!({})).await;
    step(
        &engine,
        &clerk,
        &id,
        "request_supplement",
        json!({ "comment": "Thiếu", "data": { "items": ["Bản sao CCCD"] } }),
    )
    .await;
    // The SMS go through meanwhile: an e-mail server down holds no other channel back.
    let deadline = Instant::now() + Duration::from_secs(30);
    while sms_to_minh(&engine).len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the SMS did not go while SMTP was down"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The e-mails wait, tried again.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let seen = notifications(&engine, &clerk, &id).await;
        let mails: Vec<&Value> = seen.iter().filter(|n| n["channel"] == "email").collect();
        if mails.len() == 2
            && mails.iter().all(|n| n["state"] == "pending")
            && mails[0]["attempts"].as_i64() >= Some(2)
        {
            assert!(mails[0]["last_error"].is_string(), "{seen:#?}");
            break;
        }
        assert!(Instant::now() < deadline, "{seen:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(smtp.mails().is_empty());

    smtp.resume().await;
    wait_for(&engine, &smtp, 2, 2).await;
    assert_eq!(
        subjects(&smtp.mails()),
        vec![
            format!("Tiếp nhận hồ sơ {}", code_of(&engine, &minh, &id).await),
            format!(
                "Yêu cầu bổ sung hồ sơ {}",
                code_of(&engine, &minh, &id).await
            ),
        ],
        "each once, in order"
    );
    assert_eq!(sms_to_minh(&engine).len(), 2);
}

#[tokio::test]
async fn a_kill_between_the_commit_and_the_send_sends_once_after_the_restart() {
    let mut smtp = SmtpServer::start().await;
    let mut engine = engine_with(&smtp).await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    by_mail_and_sms(&engine, &minh).await;
    let id = dossiers::submitted_correction(&engine, &client, &minh).await;

    // Committed, not sent: neither server takes anything, then the engine dies.
    smtp.stop();
    engine.sms.set(motcua_sim::SmsSwitches {
        outage: true,
        hang: false,
    });
    step(&engine, &clerk, &id, "receive", json!({})).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    engine.kill();
    assert!(smtp.mails().is_empty() && sms_to_minh(&engine).is_empty());

    smtp.resume().await;
    engine.sms.set(motcua_sim::SmsSwitches::default());
    engine.restart().await;
    wait_for(&engine, &smtp, 1, 1).await;
    let code = code_of(&engine, &minh, &id).await;
    assert_eq!(
        subjects(&smtp.mails()),
        vec![format!("Tiếp nhận hồ sơ {code}")]
    );
    assert_eq!(sms_to_minh(&engine).len(), 1);
    let seen = notifications(&engine, &minh, &id).await;
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|n| n["state"] == "delivered"), "{seen:#?}");
}

#[tokio::test]
async fn a_contact_is_checked_and_only_a_citizen_has_one() {
    let smtp = SmtpServer::start().await;
    let engine = engine_with(&smtp).await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let (status, problem) = put(
        &minh,
        json!({ "email": "not-an-address", "channels": ["email"] }),
        &engine,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["pointer"], "/email");
    let (status, problem) = put(&minh, json!({ "channels": ["sms"] }), &engine).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["pointer"], "/phone");
    let (status, problem) = put(
        &minh,
        json!({ "phone": "12345", "channels": ["zalo"] }),
        &engine,
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    let (status, _) = put(
        &minh,
        json!({ "email": MINH_MAIL, "channels": ["email"], "pin": "x" }),
        &engine,
    )
    .await;
    assert_eq!(status, 422, "an unknown field is refused");
    let (status, _) = put(
        &clerk,
        json!({ "email": MINH_MAIL, "channels": ["email"] }),
        &engine,
    )
    .await;
    assert_eq!(status, 403);
    let (status, saved) = put(
        &minh,
        json!({ "email": MINH_MAIL, "channels": ["email"] }),
        &engine,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        saved,
        json!({ "email": MINH_MAIL, "phone": null, "channels": ["email"] })
    );
    let (_, read) = get(&engine, &minh, "/v1/me/contact").await;
    assert_eq!(read, saved);
}

async fn put(who: &Session, body: Value, engine: &Engine) -> (u16, Value) {
    call(
        engine,
        who,
        reqwest::Method::PUT,
        "/v1/me/contact",
        Some(body),
    )
    .await
}

#[tokio::test]
async fn an_action_rolled_back_after_its_messages_were_written_sends_nothing() {
    use sqlx::Connection;
    let smtp = SmtpServer::start().await;
    let engine = engine_with(&smtp).await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    by_mail_and_sms(&engine, &minh).await;
    let id = dossiers::submitted_correction(&engine, &client, &minh).await;
    // The action's last write (its key's answer, after the outbox messages) fails.
    let mut db = sqlx::PgConnection::connect(&engine.database_url)
        .await
        .unwrap();
    sqlx::raw_sql(
        "create function refuse_key() returns trigger language plpgsql as $$
         begin
             if tg_op = 'UPDATE' and new.key = 'roll-back-receive' then
                 raise exception 'refused by the test';
             end if;
             return new;
         end $$;
         create trigger refuse_key before update on idempotency_key
             for each row execute function refuse_key();",
    )
    .execute(&mut db)
    .await
    .unwrap();
    let failed = client
        .post(engine.at(&format!("/v1/dossiers/{id}/actions/receive")))
        .bearer_auth(&clerk.token)
        .header("Idempotency-Key", "roll-back-receive")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 500);
    let (_, still) = get(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(still["state"], "submitted");
    assert!(notifications(&engine, &minh, &id).await.is_empty());
    // The same action committed is told, once, on each channel.
    step(&engine, &clerk, &id, "receive", json!({})).await;
    wait_for(&engine, &smtp, 1, 1).await;
    assert_eq!(smtp.mails().len(), 1);
    assert_eq!(sms_to_minh(&engine).len(), 1);
}
