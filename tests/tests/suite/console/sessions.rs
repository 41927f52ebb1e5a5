//! The console's session as a browser keeps it: a cookie no script reads, which any engine
//! process sharing the token secret accepts, and which logging out ends.

use super::browser::Browser;
use motcua_tests::accounts::{CLERK, MINH};
use motcua_tests::api::get;
use motcua_tests::{dossiers, login, Engine, EngineOptions};

#[tokio::test]
async fn a_session_started_on_one_process_works_on_another_until_logout() {
    let first = Engine::start().await;
    let second = Engine::start_with(EngineOptions {
        database_url: Some(first.database_url.clone()),
        s3: Some(first.s3.clone()),
        ..Default::default()
    })
    .await;
    let minh = login(&first, "citizen", MINH).await;
    let id = dossiers::submitted_copy(&first, &reqwest::Client::new(), &minh).await;
    let browser = Browser::start().await;
    browser.log_in(&first, CLERK).await;

    // HttpOnly (no script reads it), SameSite=Lax, scoped to the console.
    let cookie = browser
        .client
        .get_named_cookie("motcua_console")
        .await
        .expect("the session cookie");
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(
        cookie.same_site().map(|s| s.to_string()).as_deref(),
        Some("Lax")
    );
    assert_eq!(cookie.path(), Some("/console"));
    assert_eq!(browser.run("return document.cookie").await, "");

    // The other process (same database, same token secret, no shared memory) knows the
    // session: its queues page opens without a login, and its forms work.
    browser.goto(&second.at("/console/")).await;
    assert_eq!(browser.path().await, "/console/");
    assert!(browser.text("#who").await.contains(CLERK));
    browser
        .click_through("tr[data-queue='3.000465:submitted'] button")
        .await;
    assert_eq!(browser.path().await, format!("/console/dossiers/{id}"));
    assert_eq!(browser.text("#holder").await, CLERK);

    // A document of a dossier: its link downloads it with the session, as an attachment,
    // and the citizen sees the read in their access log.
    let correction = dossiers::submitted_correction(&first, &reqwest::Client::new(), &minh).await;
    browser
        .goto(&second.at(&format!("/console/dossiers/{correction}")))
        .await;
    let href = browser
        .attr("#documents a[download]", "href")
        .await
        .expect("a download link");
    let cookie = browser
        .client
        .get_named_cookie("motcua_console")
        .await
        .expect("the session cookie");
    let download = reqwest::Client::new()
        .get(second.at(&href))
        .header("cookie", format!("motcua_console={}", cookie.value()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(
        download.bytes().await.unwrap().as_ref(),
        b"%PDF-1.7 van bang tot nghiep"
    );
    let (_, log) = get(&first, &minh, "/v1/me/access-log").await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["actor"] == CLERK && r["source"] == "document"),
        "{log}"
    );

    // Logging out ends it for both.
    browser.log_out().await;
    for engine in [&first, &second] {
        browser.goto(&engine.at("/console/")).await;
        assert_eq!(browser.path().await, "/console/login");
    }
    browser.close().await;
}

#[tokio::test]
async fn a_session_idle_past_the_configured_timeout_asks_for_a_login_again() {
    let engine = Engine::start_with(EngineOptions {
        extra_env: vec![("MOTCUA_CONSOLE_IDLE_TIMEOUT_SECS".into(), "4".into())],
        ..Default::default()
    })
    .await;
    let browser = Browser::start().await;
    browser.log_in(&engine, CLERK).await;

    // In use, a page every second for longer than the timeout: the session stays.
    for _ in 0..6 {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        browser.goto(&engine.at("/console/")).await;
        assert_eq!(browser.path().await, "/console/", "still logged in");
    }

    // Left alone longer than the timeout: the next page is the login, saying why, and the
    // cookie is gone.
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    browser.goto(&engine.at("/console/")).await;
    assert_eq!(browser.path().await, "/console/login");
    let page = browser.text("main").await;
    assert!(page.contains("hết hạn do không hoạt động"), "{page}");
    assert!(browser
        .client
        .get_named_cookie("motcua_console")
        .await
        .is_err());
    browser.close().await;
}
