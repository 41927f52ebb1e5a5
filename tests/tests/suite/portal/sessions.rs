//! The portal's session times out when left alone (a phone put down in a shop), and the
//! login brings the citizen back to the page they were going to.

use super::browser::{Browser, PHONE};
use motcua_tests::accounts::MINH;
use motcua_tests::{Engine, EngineOptions};
use std::time::Duration;

#[tokio::test]
async fn an_idle_session_ends_and_the_login_returns_to_the_page_asked_for() {
    let engine = Engine::start_with(EngineOptions {
        extra_env: vec![("MOTCUA_PORTAL_IDLE_TIMEOUT_SECS".into(), "4".into())],
        ..Default::default()
    })
    .await;
    let browser = Browser::start_at(PHONE, true).await;
    browser.log_in_citizen(&engine, MINH).await;

    // In use, a page every second for longer than the timeout: the session stays.
    for _ in 0..6 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        browser.goto(&engine.at("/portal/ho-so")).await;
        assert_eq!(browser.path().await, "/portal/ho-so", "still logged in");
    }

    // Left alone longer: the login page says why, the cookie is gone, and logging in again
    // leads back to the page asked for.
    tokio::time::sleep(Duration::from_secs(6)).await;
    browser.goto(&engine.at("/portal/ho-so")).await;
    assert_eq!(browser.path().await, "/portal/dang-nhap");
    assert!(browser.text("#notice").await.contains("hết hạn"));
    assert!(browser
        .client
        .get_named_cookie("motcua_portal")
        .await
        .is_err());
    browser.click_through("#login").await;
    browser.sign_in_at_provider(MINH, "#who").await;
    assert_eq!(browser.path().await, "/portal/ho-so");
    browser.close().await;
}
