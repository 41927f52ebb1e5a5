//! A dossier the whole way through the console, each step seen on the page as staff see
//! it: a desk clerk claims, receives and asks for a supplement; the citizen resubmits
//! through the API; a specialist proposes, an approver approves, the result is uploaded and
//! issued, and the clerk returns it.

use super::browser::Browser;
use motcua_tests::accounts::{APPROVER, CLERK, MINH, SPECIALIST};
use motcua_tests::api::{self, act, get, patch};
use motcua_tests::{dossiers, login, Engine};
use serde_json::json;

/// The queue row's figures: (count, unclaimed).
pub(super) async fn queue_figures(browser: &Browser, queue: &str) -> (String, String) {
    let row = format!("tr[data-queue='{queue}']");
    (
        browser.text(&format!("{row} .count")).await,
        browser.text(&format!("{row} .unclaimed")).await,
    )
}

/// Takes the next dossier of `queue` from the queues page: the dossier's page.
pub(super) async fn take_next(browser: &Browser, queue: &str, id: &str) {
    browser
        .click_through(&format!("tr[data-queue='{queue}'] button"))
        .await;
    let path = browser.path().await;
    assert_eq!(
        path,
        format!("/console/dossiers/{id}"),
        "{}",
        browser.text("main").await
    );
}

pub(super) async fn state(browser: &Browser) -> String {
    browser
        .attr("#state", "data-state")
        .await
        .expect("the state's name")
}

/// The action forms the page offers, by action name.
pub(super) async fn offered(browser: &Browser) -> Vec<String> {
    let forms = browser
        .run("return Array.from(document.querySelectorAll('form[data-action]')).map(f => f.dataset.action)")
        .await;
    serde_json::from_value(forms).expect("a list of names")
}

#[tokio::test]
async fn a_dossier_goes_the_whole_way_in_the_console() {
    // Monday 08:00: the diploma copy is due at the day's close once received.
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = dossiers::submitted_copy(&engine, &reqwest::Client::new(), &minh).await;
    let browser = Browser::start().await;

    // The clerk: who is logged in, the desk's queue with the dossier in it.
    browser.log_in(&engine, CLERK).await;
    let who = browser.text("#who").await;
    assert!(who.contains(CLERK), "{who}");
    assert!(who.contains("SGDDT-HN"), "the agency: {who}");
    assert!(who.contains("Cán bộ tiếp nhận"), "the role: {who}");
    let desk = "3.000465:submitted";
    assert_eq!(
        queue_figures(&browser, desk).await,
        ("1".into(), "1".into())
    );
    assert!(
        browser
            .text(&format!("tr[data-queue='{desk}']"))
            .await
            .contains("24/11/2026 08:00"),
        "the oldest deadline, dd/mm/yyyy in Vietnam's time"
    );
    browser.screenshot("queues").await;

    // Take the next dossier, with the keyboard alone: its page, held by the clerk; the
    // queues page lists it.
    let button = format!("tr[data-queue='{desk}'] button");
    assert!(browser.tab_to(&button, 80).await, "Tab reaches {button}");
    browser.press_enter_through().await;
    assert_eq!(browser.path().await, format!("/console/dossiers/{id}"));
    assert_eq!(state(&browser).await, "submitted");
    assert_eq!(browser.text("#holder").await, CLERK);
    assert_eq!(
        offered(&browser).await,
        ["receive", "request_supplement", "refuse"]
    );
    assert!(browser.text("#data").await.contains("HN-2025-001234"));
    let source = browser
        .text("#data [data-pointer='/applicant/full_name']")
        .await;
    assert!(
        source.contains("Nguồn: CSDL quốc gia về dân cư"),
        "prefill marked: {source}"
    );
    browser.screenshot("dossier").await;
    browser.goto(&engine.at("/console/")).await;
    assert_eq!(
        queue_figures(&browser, desk).await,
        ("1".into(), "0".into())
    );
    let held = browser.text("#held").await;
    assert!(
        held.contains("Chờ tiếp nhận") && held.contains("Còn"),
        "{held}"
    );
    browser.click_through("#held a").await;

    // Receive: the legal clock starts, due at today's close.
    browser.click_through("#form-receive button").await;
    assert!(browser.text("#notice").await.contains("Tiếp nhận hồ sơ"));
    assert_eq!(state(&browser).await, "processing");
    assert_eq!(
        browser.attr("#clock-state", "data-state").await.as_deref(),
        Some("running")
    );
    assert_eq!(browser.text("#due-at").await, "23/11/2026 17:00");
    assert!(browser.text("#time-left").await.starts_with("Còn"));

    // The receipt (Mẫu 01), a page ready to print.
    browser.click_through("#slips a[data-slip='receipt']").await;
    let receipt = browser.text("main.slip").await;
    for line in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mẫu số 01",
        "Sở Giáo dục và Đào tạo Hà Nội",
        "Nguyễn Đức Minh",
        "17 giờ 00 phút, ngày 23/11/2026",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        CLERK,
    ] {
        assert!(receipt.contains(line), "{line} on the receipt: {receipt}");
    }
    browser.screenshot("receipt").await;
    browser.click_through(".slip-tools a").await;

    // A supplement whose items are only blanks: the engine's refusal beside the form, and
    // nothing changed.
    browser.fill("#request_supplement-items", "   ").await;
    browser
        .fill(
            "#request_supplement-comment",
            "Số hiệu văn bằng không khớp sổ gốc",
        )
        .await;
    browser
        .click_through("#form-request_supplement button")
        .await;
    assert!(browser.text("#refusal").await.contains("validation_failed"));
    assert!(browser.has("#form-request_supplement .refusal").await);
    assert!(browser.has("#request_supplement-items-error").await);
    assert_eq!(state(&browser).await, "processing");
    // Then with the item: the clock pauses.
    browser
        .fill("#request_supplement-items", "Số hiệu văn bằng (serial)")
        .await;
    browser
        .click_through("#form-request_supplement button")
        .await;
    assert_eq!(state(&browser).await, "supplement");
    assert_eq!(
        browser.attr("#clock-state", "data-state").await.as_deref(),
        Some("paused")
    );
    assert!(browser
        .text("#timeline")
        .await
        .contains("Số hiệu văn bằng không khớp sổ gốc"));
    browser.log_out().await;
    // Logged out is logged out: the queues ask for a login again.
    browser.goto(&engine.at("/console/")).await;
    assert_eq!(browser.path().await, "/console/login");

    // The citizen corrects and resubmits through the API.
    let (status, _) = patch(
        &engine,
        &minh,
        &id,
        &json!({ "diploma": { "serial": "HN-2025-004321" } }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(act(&engine, &minh, &id, "resubmit", json!({})).await.0, 200);

    // The specialist: processing queue, propose; approve is not theirs.
    browser.log_in(&engine, SPECIALIST).await;
    let processing = "3.000465:processing";
    assert_eq!(
        queue_figures(&browser, processing).await,
        ("1".into(), "1".into())
    );
    take_next(&browser, processing, &id).await;
    assert!(
        browser.text("#data").await.contains("HN-2025-004321"),
        "the corrected value"
    );
    let actions = offered(&browser).await;
    assert!(actions.contains(&"propose".to_owned()), "{actions:?}");
    assert!(!actions.contains(&"approve".to_owned()), "{actions:?}");
    browser.click_through("#form-propose button").await;
    assert_eq!(state(&browser).await, "approval");
    browser.log_out().await;

    // The approver approves.
    browser.log_in(&engine, APPROVER).await;
    take_next(&browser, "3.000465:approval", &id).await;
    assert!(offered(&browser).await.contains(&"approve".to_owned()));
    browser.click_through("#form-approve button").await;
    assert_eq!(state(&browser).await, "approved");
    browser.log_out().await;

    // The specialist issues the result: refused without it, then uploaded and issued.
    browser.log_in(&engine, SPECIALIST).await;
    take_next(&browser, "3.000465:approved", &id).await;
    browser.click_through("#form-issue_result button").await;
    assert!(browser
        .text("#refusal")
        .await
        .contains("result_document_missing"));
    assert_eq!(state(&browser).await, "approved");
    let result = browser.file("ban-sao.pdf", b"%PDF-1.7 Ban sao van bang tu so goc");
    browser.fill("#result-code", "BS-2026-000042").await;
    browser.upload("#result-file", &result).await;
    browser.click_through("#form-result button").await;
    assert!(browser.text("#notice").await.contains("BS-2026-000042"));
    browser.click_through("#form-issue_result button").await;
    assert_eq!(state(&browser).await, "result_ready");
    assert_eq!(
        api::result_ids_in_store(&engine, &minh).await.len(),
        1,
        "the citizen has it"
    );
    browser.log_out().await;

    // The clerk returns it: the clock stops, nothing more to do.
    browser.log_in(&engine, CLERK).await;
    take_next(&browser, "3.000465:result_ready", &id).await;
    browser.click_through("#form-return_result button").await;
    assert_eq!(state(&browser).await, "returned");
    assert_eq!(
        browser.attr("#clock-state", "data-state").await.as_deref(),
        Some("stopped")
    );
    assert!(offered(&browser).await.is_empty());
    let timeline = browser.text("#timeline").await;
    for step in [
        "Tiếp nhận hồ sơ",
        "Yêu cầu bổ sung hồ sơ",
        "Nộp bổ sung",
        "Trình phê duyệt",
        "Phê duyệt",
        "Đính kèm kết quả",
        "Ban hành kết quả",
        "Trả kết quả cho công dân",
    ] {
        assert!(
            timeline.contains(step),
            "{step} in the timeline: {timeline}"
        );
    }
    browser.screenshot("dossier-returned").await;
    browser.close().await;

    // What the pages did is what the API sees.
    let (_, seen) = get(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(seen["state"], "returned");
}
