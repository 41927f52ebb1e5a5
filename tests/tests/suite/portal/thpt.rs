//! The THPT exam registration (1.005142) in the portal, the engine's clock inside its 2025
//! window: the whole form, its first page the register's (the priority category the engine
//! derived shown locked, with its source), and three electives refused by the named rule
//! `thpt_subjects` with the rule's own words beside the field. Outside the window, under
//! `motcua dev`, the catalogue and the banner say how to try it.

use super::browser::{Browser, PHONE};
use motcua_tests::accounts::MINH;
use motcua_tests::api::patch;
use motcua_tests::dossiers::thpt_data;
use motcua_tests::{login, Engine};

#[tokio::test]
async fn three_electives_are_refused_beside_the_field_in_the_rules_words() {
    let engine = Engine::start_in_thpt_window().await;
    let browser = Browser::start_at(PHONE, true).await;
    browser.log_in_citizen(&engine, MINH).await;
    browser.goto(&engine.at("/portal/thu-tuc/1.005142")).await;
    assert!(browser.text("#window").await.starts_with("Đang nhận hồ sơ"));
    browser.click_to("#start-button", "#form-page").await;
    let id = browser.dossier_in_path().await;

    // The first page is the register's: nothing to type, the priority derived and locked.
    assert!(!browser.has("#form-page input[type=text]").await);
    let priority = browser
        .text("div.locked[data-pointer='/priority/category']")
        .await;
    assert!(priority.contains("Diện ưu tiên"), "{priority}");
    assert!(
        priority.contains("Hệ thống xác định từ Cơ sở dữ liệu quốc gia về dân cư"),
        "{priority}"
    );
    assert!(!browser.has("[name^='/priority']").await);
    assert!(
        browser
            .has("div.locked[data-pointer='/candidate/ethnicity']")
            .await
    );

    // The candidate's answers, as a client would have saved them; then page by page to the
    // subjects, every page of the whole form passing the engine's checks.
    let minh = login(&engine, "citizen", MINH).await;
    let (status, saved) = patch(&engine, &minh, &id, &thpt_data()).await;
    assert_eq!(status, 200, "{saved}");
    let mut titles = Vec::new();
    for _ in 0..8 {
        let title = browser.text("h1").await;
        if title == "Môn thi" {
            break;
        }
        titles.push(title);
        browser.click_to("#next", "#form-page").await;
    }
    assert_eq!(browser.text("h1").await, "Môn thi", "after {titles:?}");
    for title in ["Thông tin liên hệ", "Nơi học trung học phổ thông"] {
        assert!(titles.iter().any(|t| t == title), "{titles:?}");
    }
    // Three electives: the rule's refusal, in its own Vietnamese, beside the list.
    browser.click("#f-subjects-electives-2").await; // a third one: Sinh học
    browser.click_until("#next", "#error-summary").await;
    let beside = browser.text("#f-subjects-electives-error").await;
    assert!(beside.contains("2 môn"), "{beside}");
    assert!(browser
        .text("#error-summary")
        .await
        .contains("Môn thi lựa chọn"));
    browser.portal_screenshot("thpt-error").await;
    browser.close().await;
}

#[tokio::test]
async fn outside_its_window_the_dev_banner_says_how_to_try_the_registration() {
    let engine = Engine::start().await;
    let browser = Browser::start_at(PHONE, true).await;
    browser.goto(&engine.at("/portal/")).await;
    let closed = browser.text("#closed li[data-code='1.005142']").await;
    assert!(closed.contains("sẽ được cơ quan công bố"), "{closed}");
    let banner = browser.text("#dev-banner").await;
    assert!(
        banner.contains("MOTCUA_DEV_CLOCK=2025-04-22T09:00:00+07:00"),
        "{banner}"
    );
    browser.goto(&engine.at("/portal/thu-tuc/1.005142")).await;
    assert!(browser.has("#dev-banner").await);
    assert!(!browser.has("#start").await, "closed: nothing to start");
    browser.close().await;
}
