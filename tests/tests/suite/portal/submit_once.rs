//! Submitting twice is one submission: a double click on "Nộp hồ sơ", and the submit
//! request sent again as a reload sends it (the same form, the same key), each give one
//! `submit` in the dossier's timeline and the same receipt.

use super::browser::{Browser, PHONE};
use motcua_tests::accounts::MINH;
use motcua_tests::api::timeline_actions;
use motcua_tests::{dossiers, login, Engine};

#[tokio::test]
async fn a_double_click_and_a_reload_of_the_submit_give_one_submission() {
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let clicked = dossiers::filled_copy_draft(&engine, &client, &minh).await;
    let reloaded = dossiers::filled_copy_draft(&engine, &client, &minh).await;
    let browser = Browser::start_at(PHONE, true).await;
    browser.log_in_citizen(&engine, MINH).await;

    // A double click: the form posted twice before the first answer came.
    browser
        .goto(&engine.at(&format!("/portal/ho-so/{clicked}/kiem-tra")))
        .await;
    browser
        .run_through(
            "const b = document.querySelector('#submit'); \
             b.form.requestSubmit(b); b.form.requestSubmit(b);",
        )
        .await;
    assert!(browser.has("#submitted").await);
    let submits = |actions: Vec<String>| actions.iter().filter(|a| *a == "submit").count();
    assert_eq!(submits(timeline_actions(&engine, &minh, &clicked).await), 1);

    // A reload of the submit request: the same form with the same key, sent again.
    browser
        .goto(&engine.at(&format!("/portal/ho-so/{reloaded}/kiem-tra")))
        .await;
    let token = browser
        .attr("#form-submit input[name=_csrf]", "value")
        .await
        .expect("a token");
    let key = browser
        .attr("#form-submit input[name=key]", "value")
        .await
        .expect("a key");
    let cookie = browser
        .client
        .get_named_cookie("motcua_portal")
        .await
        .expect("the session cookie");
    let mut receipts = Vec::new();
    for _ in 0..2 {
        let answer = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client")
            .post(engine.at(&format!("/portal/ho-so/{reloaded}/nop")))
            .header("cookie", format!("motcua_portal={}", cookie.value()))
            .header("origin", engine.at(""))
            .form(&[("_csrf", token.as_str()), ("key", key.as_str())])
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status(), 303);
        receipts.push(answer.headers()["location"].to_str().unwrap().to_owned());
    }
    assert_eq!(receipts[0], receipts[1]);
    assert_eq!(
        submits(timeline_actions(&engine, &minh, &reloaded).await),
        1
    );
    browser.goto(&engine.at(&receipts[0])).await;
    assert!(browser.has("#submitted-code").await);
    browser.close().await;
}
