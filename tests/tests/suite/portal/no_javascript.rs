//! The portal with JavaScript turned off in Chromium: searching, a procedure's page, the
//! login, "my dossiers", a dossier's page and the logout all work by links and forms alone.
//! The test runs no script in the pages either: it clicks, types and reads.

use super::browser::{dossiers_of, Browser, PHONE};
use motcua_tests::accounts::MINH;
use motcua_tests::{login, Engine};

#[tokio::test]
async fn the_portal_works_with_javascript_turned_off() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let (_, filed, code) = dossiers_of(&engine, &minh).await;
    let browser = Browser::start_at(PHONE, false).await;
    browser
        .goto("data:text/html,<noscript><p id=off>off</p></noscript><script>document.write('<p id=on>on</p>')</script>")
        .await;
    assert!(browser.has("#off").await && !browser.has("#on").await);

    browser.goto(&engine.at("/portal/")).await;
    browser.fill("#q", "cap ban sao bang").await;
    browser
        .click_to("form.search button", "#result-count")
        .await;
    assert_eq!(browser.text("#result-count").await, "Tìm thấy 1 thủ tục.");
    browser
        .click_to("li[data-code='3.000465'] h3 a", "#documents")
        .await;
    assert_eq!(browser.path().await, "/portal/thu-tuc/3.000465");

    browser.click_to("#nav-dossiers", "#login").await;
    browser.click_to("#login", "#username").await;
    browser.fill("#username", MINH).await;
    browser.fill("#password", "matkhau").await;
    browser.click_to("button[type=submit]", "#who").await;
    assert_eq!(browser.path().await, "/portal/ho-so");
    let card = format!("#filed li[data-id='{filed}']");
    browser.click_to(&format!("{card} h3 a"), "#receipt").await;
    assert_eq!(browser.text("#code").await, code);
    browser.click_to("form.logout button", "#notice").await;
    assert!(browser.text("#notice").await.contains("Bạn đã đăng xuất"));
    browser.close().await;
}

#[tokio::test]
async fn the_diploma_copy_is_filed_with_javascript_turned_off() {
    super::form::diploma_copy(PHONE, false, false).await;
}
