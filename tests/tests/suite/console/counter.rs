//! The counter in the console: a desk clerk finds a citizen by their number, starts a
//! dossier for them (the register read recorded with the clerk and its purpose), fills the
//! form with mistakes told beside each field in Vietnamese, records the paper received and
//! uploads its scan, submits, receives and prints the receipt.

use super::browser::Browser;
use motcua_tests::accounts::{CLERK, MINH, SPECIALIST};
use motcua_tests::api::get;
use motcua_tests::{login, Engine};

const COPY: &str = "3.000465";

#[tokio::test]
async fn a_clerk_takes_a_dossier_at_the_counter_to_the_printed_receipt() {
    // Monday 08:00: the diploma copy is due at the day's close once received.
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let browser = Browser::start().await;
    browser.log_in(&engine, CLERK).await;

    // The counter, from the console's menu.
    browser.click_through("#nav-counter").await;
    assert_eq!(browser.path().await, "/console/counter");

    // A number that is no PIN: told beside the field, nothing created.
    browser.fill("#citizen", "0012070").await;
    browser.select("#procedure", COPY).await;
    browser
        .click_through("#form-start button[type=submit]")
        .await;
    let error = browser.text("#citizen-error").await;
    assert!(error.contains("12 chữ số"), "{error}");
    assert_eq!(
        browser.attr("#citizen", "value").await.as_deref(),
        Some("0012070")
    );

    // Minh's number: the register fills his data; the draft's page names him.
    browser.fill("#citizen", MINH).await;
    browser.select("#procedure", COPY).await;
    browser
        .click_through("#form-start button[type=submit]")
        .await;
    let path = browser.path().await;
    assert!(
        path.starts_with("/console/counter/"),
        "{path}: {}",
        browser.text("main").await
    );
    let id = path.trim_start_matches("/console/counter/").to_owned();
    assert_eq!(browser.text("#citizen-name").await, "Nguyễn Đức Minh");
    assert_eq!(browser.text("#citizen-pin").await, MINH);
    let locked = browser.text("#f-applicant-full_name").await;
    assert!(
        locked.contains("Nguồn: CSDL quốc gia về dân cư") && locked.contains("không sửa được"),
        "the register's value is shown, locked: {locked}"
    );
    assert!(
        !browser.has("input[name='/applicant/full_name']").await,
        "no input for a locked value"
    );

    // The register read is in Minh's access log, with the clerk and the purpose.
    let minh = login(&engine, "citizen", MINH).await;
    let (_, log) = get(&engine, &minh, "/v1/me/access-log").await;
    let read = log["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["source"] == "register"))
        .unwrap_or_else(|| panic!("a register read in {log}"));
    assert_eq!(read["actor"], CLERK, "{log}");
    assert_eq!(read["procedure"], COPY, "{log}");
    assert!(
        read["purpose"]
            .as_str()
            .is_some_and(|p| p.contains("Bộ phận Một cửa")),
        "the purpose: {read}"
    );

    // Mistakes: each told beside its field, in Vietnamese, with what was typed kept.
    browser.fill("#f-applicant-phone", "12345").await;
    browser.fill("#f-copies", "hai").await;
    browser.select("#f-diploma-kind", "thpt").await;
    browser.fill("#f-diploma-year_awarded", "2020").await;
    browser
        .fill("#f-diploma-issued_by", "Sở GD&ĐT Hà Nội")
        .await;
    browser.fill("#f-diploma-serial", "HN-2020-007777").await;
    browser.select("#f-relationship", "parent").await;
    browser.click_through("#save").await;
    let phone = browser.text("#f-applicant-phone-error").await;
    assert!(phone.contains("10 chữ số, bắt đầu bằng số 0"), "{phone}");
    let copies = browser.text("#f-copies-error").await;
    assert!(copies.contains("số nguyên từ 1 đến 10"), "{copies}");
    assert_eq!(
        browser.attr("#f-applicant-phone", "value").await.as_deref(),
        Some("12345")
    );
    assert!(browser.text("#refusal").await.contains("Số điện thoại"));

    // Corrected, then "save and submit": the rule for a parent asking and the missing
    // proof of relation are told beside their fields; nothing is submitted.
    browser.fill("#f-applicant-phone", "0912345678").await;
    browser.fill("#f-copies", "2").await;
    browser.click_through("#submit").await;
    let holder = browser.text("#f-diploma-holder_name-error").await;
    assert!(holder.contains("tên người được cấp văn bằng"), "{holder}");
    let missing = browser.text("#doc-proof-of-relation-error").await;
    assert!(missing.contains("trước khi nộp"), "{missing}");
    assert_eq!(
        browser.attr("#f-copies", "value").await.as_deref(),
        Some("2"),
        "the saved value"
    );

    // The paper received, then a scan that is not what it says, then its real scan.
    browser
        .click_through("#doc-proof-of-relation form.paper button")
        .await;
    assert!(browser
        .text("#doc-proof-of-relation .doc-status")
        .await
        .contains("Đã nhận bản giấy"));
    let fake = browser.file("giay-khai-sinh.pdf", b"not a pdf at all");
    browser.upload("#scan-proof-of-relation", &fake).await;
    browser
        .click_through("#doc-proof-of-relation form.scan button")
        .await;
    let refused = browser.text("#doc-proof-of-relation-error").await;
    assert!(refused.contains("Nội dung tệp không đúng"), "{refused}");
    let scan = browser.file("giay-khai-sinh.pdf", b"%PDF-1.7 giay khai sinh");
    browser.upload("#scan-proof-of-relation", &scan).await;
    browser
        .click_through("#doc-proof-of-relation form.scan button")
        .await;
    let status = browser.text("#doc-proof-of-relation .doc-status").await;
    assert!(
        status.contains("Đã có bản scan") && status.contains("giay-khai-sinh.pdf"),
        "{status}"
    );

    // The holder named, and submitted: the dossier's page, at the desk's first step.
    browser
        .fill("#f-diploma-holder_name", "Nguyễn Văn Hùng")
        .await;
    browser
        .fill("#f-diploma-holder_birth_date", "15/03/1975")
        .await;
    browser.click_through("#submit").await;
    assert_eq!(browser.path().await, format!("/console/dossiers/{id}"));
    assert!(browser.text("#notice").await.contains("Đã nộp hồ sơ"));
    assert_eq!(
        browser.attr("#state", "data-state").await.as_deref(),
        Some("submitted")
    );
    assert!(browser
        .text("#h-summary + dl")
        .await
        .contains("Trực tiếp tại bộ phận một cửa"));
    let data = browser.text("#data").await;
    assert!(
        data.contains("15/03/1975") && data.contains("Nguyễn Văn Hùng"),
        "{data}"
    );

    // Received: the receipt, printed.
    browser.click_through("#form-receive button").await;
    assert_eq!(
        browser.attr("#state", "data-state").await.as_deref(),
        Some("processing")
    );
    browser.click_through("#slips a[data-slip='receipt']").await;
    let receipt = browser.text("main.slip").await;
    for line in [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Nguyễn Đức Minh",
        "Giấy tờ chứng minh quan hệ",
        "17 giờ 00 phút, ngày 23/11/2026",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        CLERK,
    ] {
        assert!(receipt.contains(line), "{line} on the receipt: {receipt}");
    }
    browser.screenshot("receipt-counter").await;
    browser.close().await;

    // What the pages did is what the API sees.
    let (_, seen) = get(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(seen["channel"], "counter");
    assert_eq!(seen["data"]["copies"], 2);
    assert_eq!(seen["data"]["applicant"]["phone"], "0912345678");
}

#[tokio::test]
async fn only_desk_clerks_take_dossiers_at_the_counter() {
    let engine = Engine::start().await;
    let browser = Browser::start().await;
    browser.log_in(&engine, SPECIALIST).await;
    assert!(!browser.has("#nav-counter").await, "not offered");
    browser.goto(&engine.at("/console/counter")).await;
    let page = browser.text("main").await;
    assert!(page.contains("Chỉ cán bộ tiếp nhận"), "{page}");
    assert!(!browser.has("#form-start").await);
    browser.close().await;
}
