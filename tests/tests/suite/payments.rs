//! Fees paid online through the national payment platform: the engine against
//! motcua-sim's payment stand-in, which checks every message's MAC, settles a payment when
//! the citizen pays on its page, and sends its callback (or loses it, sends it twice, or
//! forges it). The diploma copy is given a fee due at reception for these tests (the
//! shipped file charges nothing).

use crate::outbox::MONDAY;
use motcua_sim::paygov::{mac, DEV_PARTNER_CODE, DEV_SECRET};
use motcua_sim::CallbackMode;
use motcua_tests::accounts::{APPROVER, CLERK, MINH, SPECIALIST};
use motcua_tests::api::{act, call, get, post};
use motcua_tests::engine::tempdir::TempDir;
use motcua_tests::{dossiers, login, Engine, EngineOptions, Session};
use serde_json::{json, Value};
use std::time::Duration;

/// The fee of the tests: 20 000 đồng at reception; an heir pays nothing.
const FEE: u64 = 20_000;

/// The shipped procedures, the diploma copy with a fee due at reception.
fn procedures_with_copy_fee() -> TempDir {
    let dir = TempDir::new();
    let shipped = motcua_tests::workspace_root().join("procedures");
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if name == "3.000465.json" {
            let mut procedure: Value = serde_json::from_str(&text).unwrap();
            procedure["fees"] = json!([{
                "kind": "phi", "amount_vnd": FEE, "name": "Phí cấp bản sao văn bằng",
                "code": "PHI-BSVB", "due": "at_reception",
                "exemptions": [{ "when": "relationship == heir",
                                 "reason": "Người thừa kế (ví dụ của bộ kiểm thử)" }]
            }]);
            text = procedure.to_string();
        }
        std::fs::write(dir.0.join(name), text).unwrap();
    }
    dir
}

async fn engine_with_fees(procedures: &TempDir, extra_env: Vec<(String, String)>) -> Engine {
    Engine::start_with(EngineOptions {
        clock: Some(MONDAY.into()),
        procedures_dir: Some(procedures.0.clone()),
        extra_env,
        ..Default::default()
    })
    .await
}

/// A submitted diploma copy of `citizen`, received by the clerk: its id. The fee falls due.
async fn received_copy(engine: &Engine, citizen: &Session, clerk: &Session) -> String {
    let client = reqwest::Client::new();
    let id = dossiers::submitted_copy(engine, &client, citizen).await;
    let (status, body) = act(engine, clerk, &id, "receive", json!({})).await;
    assert_eq!(status, 200, "receive: {body}");
    id
}

async fn bill(engine: &Engine, who: &Session, id: &str) -> Value {
    let (status, body) = get(engine, who, &format!("/v1/dossiers/{id}/bill")).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn events(engine: &Engine, who: &Session, id: &str, action: &str) -> Vec<Value> {
    let (status, body) = get(engine, who, &format!("/v1/dossiers/{id}/events")).await;
    assert_eq!(status, 200, "{body}");
    body.as_array()
        .expect("a list of events")
        .iter()
        .filter(|e| e["action"] == action)
        .cloned()
        .collect()
}

/// The citizen starts paying; waits until the platform gave the URL: the payment.
async fn start_payment(engine: &Engine, citizen: &Session, id: &str) -> Value {
    let (status, payment) = post(
        engine,
        citizen,
        &format!("/v1/dossiers/{id}/payments"),
        json!({}),
    )
    .await;
    assert_eq!(status, 201, "{payment}");
    assert_eq!(payment["amount_vnd"], FEE);
    let reference = payment["reference"].as_str().unwrap().to_owned();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let bill = bill(engine, citizen, id).await;
        let found = bill["payments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["reference"] == reference.as_str())
            .cloned()
            .unwrap();
        if found["redirect_url"].is_string() {
            assert_eq!(found["state"], "initiated");
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no payment URL: {bill}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The citizen, sent to the platform's page, pays (or gives up).
async fn pay_on_the_platform(payment: &Value, outcome: &str) {
    let url = payment["redirect_url"].as_str().unwrap();
    let client = reqwest::Client::new();
    let page = client.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains(payment["reference"].as_str().unwrap()),
        "{page}"
    );
    let settled = client
        .post(url)
        .form(&[("outcome", outcome)])
        .send()
        .await
        .unwrap();
    assert_eq!(settled.status(), 200);
}

async fn wait_for_bill_state(engine: &Engine, citizen: &Session, id: &str, state: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let bill = bill(engine, citizen, id).await;
        if bill["bills"][0]["state"] == state {
            return bill;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the bill is not {state}: {bill}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// A callback as the platform would sign it (with the development secret).
fn signed_callback(reference: &str, amount: &str, ma_loi: &str, transaction: &str) -> Value {
    let fields = [
        "PAY",
        ma_loi,
        DEV_PARTNER_CODE,
        reference,
        amount,
        "VND",
        transaction,
        "NCB",
        "20261123090000",
        "Thanh toan",
    ];
    json!({
        "LoaiBanTin": fields[0], "MaLoi": fields[1], "MaDoiTac": fields[2],
        "MaThamChieu": fields[3], "SoTien": fields[4], "MaTienTe": fields[5],
        "MaGiaoDich": fields[6], "MaNganHang": fields[7], "ThoiGianGD": fields[8],
        "ThongTinGiaoDich": fields[9], "MaXacThuc": mac(&fields, DEV_SECRET),
    })
}

async fn send_callback(engine: &Engine, body: &Value) -> (u16, Value) {
    let answer = reqwest::Client::new()
        .post(engine.at("/v1/paygov/callback"))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_diploma_copy_with_a_fee_is_paid_online_then_moves() {
    let procedures = procedures_with_copy_fee();
    let engine = engine_with_fees(&procedures, vec![]).await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let specialist = login(&engine, "staff", SPECIALIST).await;

    // The procedure says what it costs before the citizen starts.
    let (_, procedure) = get(&engine, &minh, "/v1/procedures/3.000465").await;
    assert_eq!(procedure["fees"][0]["amount_vnd"], FEE);
    assert_eq!(procedure["fees"][0]["due"], "at_reception");

    // Minh is told by SMS (the notifications' stand-in gateway).
    let (status, contact) = call(
        &engine,
        &minh,
        reqwest::Method::PUT,
        "/v1/me/contact",
        Some(json!({ "phone": "0912 345 678", "channels": ["sms"] })),
    )
    .await;
    assert_eq!(status, 200, "{contact}");

    let id = received_copy(&engine, &minh, &clerk).await;
    // Asked to pay: the bill is open, the timeline says so.
    let bill_now = bill(&engine, &minh, &id).await;
    assert_eq!(bill_now["bills"][0]["state"], "open", "{bill_now}");
    assert_eq!(bill_now["bills"][0]["amount_vnd"], FEE);
    assert_eq!(bill_now["bills"][0]["due"], "at_reception");
    assert_eq!(bill_now["payment_due"], true);
    assert_eq!(
        events(&engine, &minh, &id, "payment_requested").await.len(),
        1
    );

    // Unpaid, the dossier does not move on.
    let (status, problem) = act(&engine, &specialist, &id, "propose", json!({})).await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["code"], "payment_required");

    // The citizen pays through the platform; its callback marks the payment paid.
    let payment = start_payment(&engine, &minh, &id).await;
    let reference = payment["reference"].as_str().unwrap().to_owned();
    let at_platform = engine
        .paygov
        .payment(&reference)
        .expect("INIT reached the platform");
    assert_eq!(at_platform.amount, FEE.to_string());
    assert_eq!(
        at_platform.init["ThongTinBienLai"]["PhiLePhi"][0]["TenPhiLePhi"],
        "Phí cấp bản sao văn bằng"
    );
    pay_on_the_platform(&payment, "paid").await;
    let sent = engine.paygov.callbacks();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, 200, "the engine took the callback");
    let paid = wait_for_bill_state(&engine, &minh, &id, "paid").await;
    assert_eq!(paid["payment_due"], false);
    assert_eq!(paid["payments"][0]["state"], "paid");
    assert_eq!(
        paid["payments"][0]["transaction_code"],
        at_platform_transaction(&engine, &reference)
    );
    assert_eq!(
        events(&engine, &minh, &id, "payment_received").await.len(),
        1
    );

    // Minh was told by SMS that the fee is due, and then that it was paid, once each, with
    // the amount.
    let code = get(&engine, &minh, &format!("/v1/dossiers/{id}")).await.1["code"]
        .as_str()
        .expect("a code")
        .to_owned();
    let told = |text: &str| {
        engine
            .sms
            .sent()
            .into_iter()
            .filter(|s| s.to == "+84912345678" && s.text.contains(&code) && s.text.contains(text))
            .count()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while told("Da nhan thanh toan 20.000") == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        told("can nop phi, le phi 20.000"),
        1,
        "{:#?}",
        engine.sms.sent()
    );
    assert_eq!(
        told("Da nhan thanh toan 20.000"),
        1,
        "{:#?}",
        engine.sms.sent()
    );

    // The electronic receipt comes into the citizen's store.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let receipt_id = loop {
        let bill = bill(&engine, &minh, &id).await;
        if let Some(document) = bill["payments"][0]["receipt_document_id"].as_str() {
            break document.to_owned();
        }
        assert!(std::time::Instant::now() < deadline, "no receipt: {bill}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    };
    let (_, store) = get(&engine, &minh, "/v1/me/documents").await;
    let items = store["items"].as_array().expect("the store's items");
    let receipt = items
        .iter()
        .find(|d| d["id"] == receipt_id.as_str())
        .unwrap_or_else(|| panic!("the receipt is in the store: {store}"));
    assert_eq!(receipt["kind"], "receipt");
    assert_eq!(receipt["content_type"], "application/pdf");
    let bytes = reqwest::Client::new()
        .get(engine.at(&format!("/v1/attachments/{receipt_id}/content")))
        .bearer_auth(&minh.token)
        .send()
        .await
        .unwrap();
    assert_eq!(bytes.status(), 200);
    let bytes = bytes.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&bytes).contains(&reference));

    // The same callback again changes nothing.
    let (status, answer) = send_callback(&engine, &sent[0].body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        events(&engine, &minh, &id, "payment_received").await.len(),
        1
    );

    // Paid, the dossier moves.
    let (status, body) = act(&engine, &specialist, &id, "propose", json!({})).await;
    assert_eq!(status, 200, "{body}");
}

fn at_platform_transaction(engine: &Engine, reference: &str) -> String {
    engine.paygov.payment(reference).unwrap().transaction
}

#[tokio::test]
async fn forged_wrong_and_replayed_callbacks_change_nothing() {
    let procedures = procedures_with_copy_fee();
    let engine = engine_with_fees(&procedures, vec![]).await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let id = received_copy(&engine, &minh, &clerk).await;
    let payment = start_payment(&engine, &minh, &id).await;
    let reference = payment["reference"].as_str().unwrap().to_owned();

    // The platform's callback forged on the way (a wrong MAC): refused.
    engine.paygov.set_mode(CallbackMode::Forged);
    pay_on_the_platform(&payment, "paid").await;
    let sent = engine.paygov.callbacks();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, 409, "a forged callback is refused");

    // Signed right, but a wrong amount, another partner's code, a reference never made.
    let transaction = at_platform_transaction(&engine, &reference);
    for (what, body) in [
        (
            "a wrong amount",
            signed_callback(&reference, "2000", "00", &transaction),
        ),
        (
            "an unknown reference",
            signed_callback("NO-SUCH-REF", &FEE.to_string(), "00", &transaction),
        ),
        ("a wrong MAC", {
            let mut body = signed_callback(&reference, &FEE.to_string(), "00", &transaction);
            body["MaXacThuc"] = json!(mac(&["x"], DEV_SECRET));
            body
        }),
        ("another partner", {
            let mut body = signed_callback(&reference, &FEE.to_string(), "00", &transaction);
            body["MaDoiTac"] = json!("OTHER");
            body
        }),
    ] {
        let (status, problem) = send_callback(&engine, &body).await;
        assert_eq!(status, 409, "{what}: {problem}");
        assert_eq!(problem["code"], "payment_callback_refused", "{what}");
    }
    // Nothing changed: the bill is open, the payment initiated, no event.
    let bill_now = bill(&engine, &minh, &id).await;
    assert_eq!(bill_now["bills"][0]["state"], "open", "{bill_now}");
    assert_eq!(bill_now["payments"][0]["state"], "initiated");
    assert!(events(&engine, &minh, &id, "payment_received")
        .await
        .is_empty());

    // The genuine callback, twice: paid once.
    let genuine = signed_callback(&reference, &FEE.to_string(), "00", &transaction);
    for _ in 0..2 {
        let (status, answer) = send_callback(&engine, &genuine).await;
        assert_eq!(status, 200, "{answer}");
    }
    wait_for_bill_state(&engine, &minh, &id, "paid").await;
    assert_eq!(
        events(&engine, &minh, &id, "payment_received").await.len(),
        1
    );
    // A later, different transaction for the same payment is refused, and a late failure
    // changes nothing.
    let other = signed_callback(&reference, &FEE.to_string(), "00", "GD-OTHER");
    assert_eq!(send_callback(&engine, &other).await.0, 409);
    let failed = signed_callback(&reference, &FEE.to_string(), "12", &transaction);
    assert_eq!(send_callback(&engine, &failed).await.0, 200);
    let bill_now = bill(&engine, &minh, &id).await;
    assert_eq!(bill_now["payments"][0]["state"], "paid", "{bill_now}");
    assert!(events(&engine, &minh, &id, "payment_failed")
        .await
        .is_empty());
}

#[tokio::test]
async fn a_lost_callback_is_caught_by_reconciliation_and_a_refusal_owes_a_refund() {
    let procedures = procedures_with_copy_fee();
    let engine = engine_with_fees(
        &procedures,
        vec![("PAYGOV_RECONCILE_AFTER_SECS".into(), "1".into())],
    )
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let approver = login(&engine, "staff", APPROVER).await;
    let id = received_copy(&engine, &minh, &clerk).await;
    let payment = start_payment(&engine, &minh, &id).await;
    let reference = payment["reference"].as_str().unwrap().to_owned();

    engine.paygov.set_mode(CallbackMode::Lose);
    pay_on_the_platform(&payment, "paid").await;
    assert!(
        engine.paygov.callbacks().is_empty(),
        "the callback was lost"
    );
    let paid = wait_for_bill_state(&engine, &minh, &id, "paid").await;
    assert_eq!(paid["payments"][0]["state"], "paid");
    assert!(
        engine.paygov.queries().contains(&reference),
        "asked by QUERY"
    );
    assert_eq!(
        events(&engine, &minh, &id, "payment_received").await.len(),
        1
    );

    // The agency stops the dossier after it was paid: the fee is owed back.
    let (status, body) = act(
        &engine,
        &approver,
        &id,
        "stop",
        json!({ "comment": "Không tìm thấy sổ gốc" }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let after = bill(&engine, &minh, &id).await;
    assert_eq!(after["bills"][0]["state"], "refund_due", "{after}");
    assert_eq!(
        events(&engine, &minh, &id, "payment_refund_due")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn a_payment_failed_then_captured_ends_paid() {
    let procedures = procedures_with_copy_fee();
    let engine = engine_with_fees(
        &procedures,
        vec![("PAYGOV_RECONCILE_AFTER_SECS".into(), "1".into())],
    )
    .await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let id = received_copy(&engine, &minh, &clerk).await;
    let payment = start_payment(&engine, &minh, &id).await;
    let reference = payment["reference"].as_str().unwrap().to_owned();

    // The bank answers "failed" first: the platform says so.
    pay_on_the_platform(&payment, "failed").await;
    assert_eq!(engine.paygov.callbacks()[0].status, 200);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let bill = bill(&engine, &minh, &id).await;
        if bill["payments"][0]["state"] == "failed" {
            assert_eq!(bill["bills"][0]["state"], "open");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not failed: {bill}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    // Then captures it after all, and tells nobody: the reconciliation finds it paid.
    engine.paygov.set_mode(CallbackMode::Lose);
    assert!(engine.paygov.settle_later(&reference, true).await);
    let paid = wait_for_bill_state(&engine, &minh, &id, "paid").await;
    assert_eq!(paid["payments"][0]["state"], "paid", "{paid}");
    assert_eq!(events(&engine, &minh, &id, "payment_failed").await.len(), 1);
    assert_eq!(
        events(&engine, &minh, &id, "payment_received").await.len(),
        1
    );
}

#[tokio::test]
async fn a_platform_sending_its_callback_twice_is_paid_once() {
    let procedures = procedures_with_copy_fee();
    let engine = engine_with_fees(&procedures, vec![]).await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let id = received_copy(&engine, &minh, &clerk).await;
    let payment = start_payment(&engine, &minh, &id).await;
    engine.paygov.set_mode(CallbackMode::Twice);
    pay_on_the_platform(&payment, "paid").await;
    let sent = engine.paygov.callbacks();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|c| c.status == 200), "{sent:?}");
    wait_for_bill_state(&engine, &minh, &id, "paid").await;
    assert_eq!(
        events(&engine, &minh, &id, "payment_received").await.len(),
        1
    );
}

#[tokio::test]
async fn the_online_payment_indicators_equal_the_hand_worked_values() {
    let procedures = procedures_with_copy_fee();
    let engine = engine_with_fees(&procedures, vec![]).await;
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    let supervisor = login(&engine, "staff", motcua_tests::accounts::SUPERVISOR).await;
    let client = reqwest::Client::new();

    // The built set, all submitted on Monday 23 November 2026:
    // - A, B and C are received: each owes the fee at reception (a bill each);
    // - A is paid through the platform's page, B by the platform's callback alone;
    // - C is not paid;
    // - D is submitted but not received: nothing is due yet, it owes nothing.
    let a = received_copy(&engine, &minh, &clerk).await;
    let b = received_copy(&engine, &minh, &clerk).await;
    let _c = received_copy(&engine, &minh, &clerk).await;
    let _d = dossiers::submitted_copy(&engine, &client, &minh).await;
    let pay_a = start_payment(&engine, &minh, &a).await;
    pay_on_the_platform(&pay_a, "paid").await;
    wait_for_bill_state(&engine, &minh, &a, "paid").await;
    let pay_b = start_payment(&engine, &minh, &b).await;
    let reference_b = pay_b["reference"].as_str().unwrap();
    let (status, _) = send_callback(
        &engine,
        &signed_callback(reference_b, &FEE.to_string(), "00", "GD-B"),
    )
    .await;
    assert_eq!(status, 200);
    wait_for_bill_state(&engine, &minh, &b, "paid").await;

    let (status, report) = get(
        &engine,
        &supervisor,
        "/v1/reports/payments?from=2026-11-01&to=2026-11-30",
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let indicator = |id: &str| {
        report["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {report}"))
    };
    // Procedures with fees payable online: of the four shipped procedures only the diploma
    // copy (3.000465) charges a fee here, it is offered online and the platform is
    // connected: 1 / 1.
    let payable = indicator("payable_online");
    assert_eq!(
        (
            payable["numerator"].as_u64(),
            payable["denominator"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // Dossiers owing fees paid online: A, B, C owe (D not yet); A and B paid: 2 / 3.
    let paid = indicator("paid_online");
    assert_eq!(
        (paid["numerator"].as_u64(), paid["denominator"].as_u64()),
        (Some(2), Some(3))
    );
    assert!((paid["ratio"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);

    // A month without dossiers: nothing owed, N/A.
    let (_, october) = get(
        &engine,
        &supervisor,
        "/v1/reports/payments?from=2026-10-01&to=2026-10-31",
    )
    .await;
    let paid = october["indicators"][1].clone();
    assert_eq!(paid["denominator"], 0, "{october}");
    assert!(paid["ratio"].is_null());
}
