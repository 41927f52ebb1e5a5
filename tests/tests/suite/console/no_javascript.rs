//! The console with JavaScript turned off in Chromium: the login, the queues, a dossier
//! taken and received, its receipt, the counter's form with a mistake, the reports and the
//! logout all work by links and form posts alone. The test itself runs no script in the
//! pages either: it clicks, types and reads as a user would.

use super::browser::Browser;
use motcua_tests::accounts::{CLERK, MINH};
use motcua_tests::{dossiers, login, Engine};

#[tokio::test]
async fn the_console_works_with_javascript_turned_off() {
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = dossiers::submitted_copy(&engine, &reqwest::Client::new(), &minh).await;
    let browser = Browser::start_without_javascript().await;

    // JavaScript is off: a page's script does not run, its <noscript> shows.
    browser
        .goto("data:text/html,<noscript><p id=off>off</p></noscript><script>document.write('<p id=on>on</p>')</script>")
        .await;
    assert!(browser.has("#off").await && !browser.has("#on").await);

    // The login: the console's button, the identity provider's form, back to the queues.
    browser.goto(&engine.at("/console/")).await;
    assert_eq!(browser.path().await, "/console/login");
    browser.click_to("#login", "#username").await;
    browser.fill("#username", CLERK).await;
    browser.fill("#password", "matkhau").await;
    browser.click_to("button[type=submit]", "#who").await;
    assert_eq!(browser.path().await, "/console/");

    // Take the next dossier (a form post), receive it (another), print its receipt.
    browser
        .click_to(
            "tr[data-queue='3.000465:submitted'] button",
            "#form-receive",
        )
        .await;
    assert_eq!(browser.path().await, format!("/console/dossiers/{id}"));
    browser.click_to("#form-receive button", "#notice").await;
    assert_eq!(
        browser.attr("#state", "data-state").await.as_deref(),
        Some("processing")
    );
    browser
        .click_to("#slips a[data-slip='receipt']", "main.slip")
        .await;
    assert!(browser
        .text("main.slip")
        .await
        .contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"));
    browser.click_to(".slip-tools a", "#timeline").await;

    // The counter: a draft for Minh, a mistake told beside its field.
    browser.click_to("#nav-counter", "#form-start").await;
    browser.fill("#citizen", MINH).await;
    browser.select("#procedure", dossiers::COPY).await;
    browser
        .click_to("#form-start button[type=submit]", "#form-draft")
        .await;
    browser.fill("#f-applicant-phone", "12").await;
    browser.click_to("#save", "#f-applicant-phone-error").await;
    assert!(browser
        .text("#f-applicant-phone-error")
        .await
        .contains("10 chữ số"));

    // The reports' form (a GET), then the logout (a post).
    browser.click_to("#nav-reports", "#form-period").await;
    browser.fill("#from", "01/11/2026").await;
    browser
        .click_to("#form-period button", "#indicator-table")
        .await;
    assert!(browser.text("#period").await.contains("01/11/2026"));
    browser.click_to("form.logout button", "#login").await;
    assert!(browser.text("main").await.contains("Bạn đã đăng xuất"));
    browser.close().await;
}
