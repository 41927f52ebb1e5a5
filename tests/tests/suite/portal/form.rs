//! A citizen files the diploma copy (3.000465) in the portal, at a phone's width and a
//! desktop's, and again with JavaScript off: found by a search without diacritics, started
//! from its page, its form filled page by page (the register's values locked, a refused
//! phone number and a rule's refusal told beside their fields and corrected), the document
//! the answers call for uploaded, the answers checked, submitted, the receipt; a clerk asks
//! for a supplement (through the API), the citizen sees what is asked, uploads it and
//! resubmits; the result issued (through the API) is downloaded.

use super::browser::{Browser, DESKTOP, PHONE};
use crate::browser::Viewport;
use motcua_tests::accounts::{CLERK, MINH};
use motcua_tests::api::{act, get};
use motcua_tests::dossiers::issue_from_processing;
use motcua_tests::{login, Engine};
use serde_json::json;

/// What the clerk asks for.
const ASKED: &str = "Bản sao giấy khai sinh có chứng thực";

pub async fn diploma_copy(viewport: Viewport, javascript: bool, screenshots: bool) {
    let engine = Engine::start().await;
    let browser = Browser::start_at(viewport, javascript).await;
    let shoot = |name: &'static str| {
        let browser = &browser;
        async move {
            if screenshots {
                browser.portal_screenshot(name).await;
            }
        }
    };
    // Logged in, found by words without diacritics, started from its page.
    browser.goto(&engine.at("/portal/ho-so")).await;
    browser.click_to("#login", "#username").await;
    browser.fill("#username", MINH).await;
    browser.fill("#password", "matkhau").await;
    browser.click_to("button[type=submit]", "#who").await;
    browser.goto(&engine.at("/portal/")).await;
    browser.fill("#q", "cap ban sao bang").await;
    browser
        .click_to("form.search button", "#result-count")
        .await;
    browser
        .click_to("li[data-code='3.000465'] h3 a", "#start-button")
        .await;
    browser.click_to("#start-button", "#form-page").await;
    assert!(browser.path().await.ends_with("/to-khai/1"));
    let id = browser.dossier_in_path().await;

    // Page 1: who asks; the register's values are locked, with their source and time.
    assert_eq!(browser.text("h1").await, "Người đề nghị");
    let name = browser
        .text("div.locked[data-pointer='/applicant/full_name']")
        .await;
    assert!(
        name.contains("Từ Cơ sở dữ liệu quốc gia về dân cư, lúc"),
        "{name}"
    );
    assert!(name.contains("không sửa được"), "{name}");
    assert!(!browser.has("input[name='/applicant/full_name']").await);
    assert!(!browser.has("input[name='/applicant/pin']").await);
    // A phone number that is none: told beside the field and at the top, in Vietnamese.
    browser.fill("#f-applicant-phone", "12345").await;
    browser.click_until("#next", "#error-summary").await;
    let beside = browser.text("#f-applicant-phone-error").await;
    assert!(
        beside.contains("Gồm 10 chữ số") || beside.contains("gồm 10 chữ số"),
        "{beside}"
    );
    assert!(browser
        .text("#error-summary")
        .await
        .contains("Số điện thoại"));
    assert_eq!(
        browser
            .attr("#f-applicant-phone", "aria-invalid")
            .await
            .as_deref(),
        Some("true")
    );
    shoot("form-error").await;
    browser.fill("#f-applicant-phone", "0912345678").await;
    browser.click_to("#next", "#form-page").await;

    // Page 2: what is asked. A parent asks for their child's diploma.
    assert!(browser.path().await.ends_with("/to-khai/2"));
    browser.fill("#f-copies", "2").await;
    browser.select("#f-relationship", "parent").await;
    browser.select("#f-delivery", "electronic").await;
    shoot("form").await;
    browser.click_to("#next", "#form-page").await;

    // Page 3: the diploma. The rule asks for the holder's name when it is someone else's.
    assert!(browser.path().await.ends_with("/to-khai/3"));
    browser.select("#f-diploma-kind", "thpt").await;
    browser.fill("#f-diploma-year_awarded", "2025").await;
    browser
        .fill("#f-diploma-issued_by", "Sở Giáo dục và Đào tạo Hà Nội")
        .await;
    browser.click_until("#next", "#error-summary").await;
    let rule = browser.text("#f-diploma-holder_name-error").await;
    assert!(rule.contains("người khác"), "{rule}");
    browser
        .fill("#f-diploma-holder_name", "Nguyễn Thị Hoa")
        .await;
    browser
        .fill("#f-diploma-holder_birth_date", "15/03/2008")
        .await;
    browser.click_to("#next", "#continue").await;

    // The documents: a parent proves the relation; the others are not asked for.
    assert!(browser.path().await.ends_with("/giay-to"));
    let proof = browser.text("#doc-proof-of-relation").await;
    assert!(
        proof.contains("Bắt buộc") && proof.contains("tối đa 10 MB"),
        "{proof}"
    );
    assert!(proof.contains("Chứng minh"), "the purpose: {proof}");
    assert!(!browser.has("#doc-authorisation").await);
    assert!(!browser.has("#doc-holder-death-record").await);
    let pdf = browser.file("khai-sinh.pdf", b"%PDF-1.7 giay khai sinh");
    browser.upload("#file-proof-of-relation", &pdf).await;
    browser
        .click_to("#doc-proof-of-relation form.upload button", "#notice")
        .await;
    assert!(browser
        .text("#doc-proof-of-relation .doc-status")
        .await
        .contains("khai-sinh.pdf"));
    browser.click_to("#continue", "#form-submit").await;

    // Check the answers, then submit: the receipt with its code.
    let answers = browser.text("main").await;
    assert!(
        answers.contains("Nguyễn Thị Hoa") && answers.contains("Cha, mẹ"),
        "{answers}"
    );
    assert!(answers.contains("15/03/2008"), "{answers}");
    assert!(!browser.has("#error-summary").await, "nothing left to fix");
    browser.click_to("#submit", "#submitted").await;
    let code = browser.text("#submitted-code").await;
    assert!(code.starts_with("SGDDT-HN-"), "{code}");
    assert!(browser
        .text("#appointment")
        .await
        .starts_with("Ngày hẹn trả kết quả"));
    shoot("receipt").await;

    // The clerk receives it and asks for a supplement, through the API.
    let clerk = login(&engine, "staff", CLERK).await;
    assert_eq!(act(&engine, &clerk, &id, "receive", json!({})).await.0, 200);
    let (status, asked) = act(
        &engine,
        &clerk,
        &id,
        "request_supplement",
        json!({ "comment": "Giấy khai sinh chưa chứng thực", "data": { "items": [ASKED] } }),
    )
    .await;
    assert_eq!(status, 200, "{asked}");
    browser
        .goto(&engine.at(&format!("/portal/ho-so/{id}")))
        .await;
    assert!(browser.text(".task.todo").await.contains(ASKED));
    browser
        .click_to("#answer-documents", "#doc-proof-of-relation")
        .await;
    let certified = browser.file("khai-sinh-chung-thuc.pdf", b"%PDF-1.7 ban chung thuc");
    browser.upload("#file-proof-of-relation", &certified).await;
    browser
        .click_to("#doc-proof-of-relation form.upload button", "#notice")
        .await;
    browser.click_to("#continue", "#resubmit").await;
    browser.click_to("#resubmit", "#notice").await;
    assert_eq!(
        browser.attr("#state", "data-state").await.as_deref(),
        Some("processing")
    );

    // The result issued through the API, downloaded from the dossier's page.
    issue_from_processing(&engine, &id, "BS-2026-000123").await;
    browser
        .goto(&engine.at(&format!("/portal/ho-so/{id}")))
        .await;
    let link = browser.attr("#results a", "href").await.expect("a link");
    let cookie = browser
        .client
        .get_named_cookie("motcua_portal")
        .await
        .expect("the session cookie");
    let answer = reqwest::Client::new()
        .get(engine.at(&link))
        .header("cookie", format!("motcua_portal={}", cookie.value()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/pdf");
    assert_eq!(
        answer.bytes().await.expect("the result").as_ref(),
        b"%PDF-1.7 ket qua"
    );
    let minh = login(&engine, "citizen", MINH).await;
    let (_, dossier) = get(&engine, &minh, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(dossier["state"], "result_ready");
    browser.close().await;
}

#[tokio::test]
async fn a_citizen_on_a_phone_files_the_diploma_copy_and_gets_the_result() {
    diploma_copy(PHONE, true, true).await;
}

#[tokio::test]
async fn the_diploma_copy_is_filed_on_a_desktop() {
    diploma_copy(DESKTOP, true, false).await;
}
