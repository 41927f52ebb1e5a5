//! What the console must not do: show another agency's dossier, offer a role an action that
//! is not its own, act on a form posted without its CSRF token or from another site, or
//! run a script a citizen typed into a form.

use super::browser::Browser;
use motcua_tests::accounts::{APPROVER, CLERK, MINH, OTHER_AGENCY_CLERK, SPECIALIST, SUPERVISOR};
use motcua_tests::api::{act, claim, get};
use motcua_tests::{dossiers, login, Engine};
use serde_json::{json, Value};

const SCRIPT: &str = "<script>window.__xss = 1; alert(1)</script>";
const IMAGE: &str = "<img src=x onerror=\"window.__xss = 2; alert(2)\">";

/// A diploma copy whose free-text fields are markup.
async fn dossier_with_markup(engine: &Engine) -> (String, motcua_tests::Session) {
    let minh = login(engine, "citizen", MINH).await;
    let mut data = dossiers::copy_data();
    data["diploma"]["issued_by"] = json!(SCRIPT);
    data["diploma"]["register_no"] = json!(IMAGE);
    let client = reqwest::Client::new();
    let id = dossiers::filled_draft(engine, &client, &minh, dossiers::COPY, &data).await;
    dossiers::submit(engine, &client, &minh, &id).await;
    (id, minh)
}

async fn dossier_state(engine: &Engine, citizen: &motcua_tests::Session, id: &str) -> Value {
    let (status, dossier) = get(engine, citizen, &format!("/v1/dossiers/{id}")).await;
    assert_eq!(status, 200);
    dossier["state"].clone()
}

#[tokio::test]
async fn another_agency_sees_nothing_and_markup_stays_text() {
    let engine = Engine::start().await;
    let (id, minh) = dossier_with_markup(&engine).await;
    let code = get(&engine, &minh, &format!("/v1/dossiers/{id}")).await.1["code"]
        .as_str()
        .expect("a code")
        .to_owned();
    let browser = Browser::start().await;

    // A clerk of another agency: no dossier in any queue, and its page is not found.
    browser.log_in(&engine, OTHER_AGENCY_CLERK).await;
    assert!(browser.text("#who").await.contains("SGDDT-HCM"));
    let counts = browser
        .run("return Array.from(document.querySelectorAll('#queues .count')).map(c => c.textContent)")
        .await;
    let counts: Vec<String> = serde_json::from_value(counts).expect("counts");
    assert!(
        !counts.is_empty() && counts.iter().all(|c| c == "0"),
        "{counts:?}"
    );
    assert!(browser.has("#held-none").await);
    browser
        .goto(&engine.at(&format!("/console/dossiers/{id}")))
        .await;
    let page = browser.text("main").await;
    assert!(page.contains("Không tìm thấy hồ sơ"), "{page}");
    let source = browser.client.source().await.expect("the page");
    assert!(
        !source.contains(&code) && !source.contains("HN-2025-001234"),
        "{source}"
    );
    browser
        .client
        .delete_all_cookies()
        .await
        .expect("cookies gone");

    // The agency's clerk: the citizen's markup is shown as text and runs nothing.
    browser.log_in(&engine, CLERK).await;
    browser
        .goto(&engine.at(&format!("/console/dossiers/{id}")))
        .await;
    let data = browser.text("#data").await;
    assert!(data.contains(SCRIPT), "the script is text: {data}");
    assert!(data.contains(IMAGE), "the image is text: {data}");
    assert!(
        !browser.has("#data script, #data img").await,
        "no element from the citizen's text"
    );
    assert!(!browser.alert_open().await, "no alert");
    assert_eq!(
        browser.run("return window.__xss === undefined").await,
        json!(true)
    );
    browser.close().await;
}

#[tokio::test]
async fn forged_forms_change_nothing_and_each_role_is_offered_its_own_actions() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let id = dossiers::submitted_copy(&engine, &reqwest::Client::new(), &minh).await;
    let browser = Browser::start().await;
    browser.log_in(&engine, CLERK).await;
    browser
        .click_through("tr[data-queue='3.000465:submitted'] button")
        .await;
    let path = browser.path().await;
    assert_eq!(
        path,
        format!("/console/dossiers/{id}"),
        "{}",
        browser.text("main").await
    );

    // The receive form without its token: refused, nothing done.
    browser
        .run("document.querySelector('#form-receive input[name=_csrf]').remove()")
        .await;
    browser.click_through("#form-receive button").await;
    let page = browser.text("main").await;
    assert!(
        page.contains("CSRF") && page.contains("không có gì thay đổi"),
        "{page}"
    );
    assert_eq!(dossier_state(&engine, &minh, &id).await, "submitted");
    // With a token of its own making: the same.
    browser
        .goto(&engine.at(&format!("/console/dossiers/{id}")))
        .await;
    browser
        .run("document.querySelector('#form-receive input[name=_csrf]').value = 'forged'")
        .await;
    browser.click_through("#form-receive button").await;
    assert!(browser.text("main").await.contains("CSRF"));
    assert_eq!(dossier_state(&engine, &minh, &id).await, "submitted");

    // A page of another origin posting the same form with this browser's cookie.
    let forged = format!(
        "data:text/html,<form method=post action='{}'><input name=comment value=x></form>",
        engine.at(&format!("/console/dossiers/{id}/actions/refuse"))
    );
    browser.goto(&forged).await;
    browser.run_through("document.forms[0].submit()").await;
    assert!(browser.text("body").await.contains("trang web khác"));
    assert_eq!(dossier_state(&engine, &minh, &id).await, "submitted");

    // Without the browser: the session's cookie alone does not carry the token either.
    let cookie = browser
        .client
        .get_named_cookie("motcua_console")
        .await
        .expect("the session cookie");
    assert_eq!(cookie.http_only(), Some(true));
    let answer = reqwest::Client::new()
        .post(engine.at(&format!("/console/dossiers/{id}/actions/receive")))
        .header("cookie", format!("motcua_console={}", cookie.value()))
        .form(&[("comment", "")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 403);
    assert_eq!(dossier_state(&engine, &minh, &id).await, "submitted");

    // Received and proposed through the API: in approval, the specialist is offered no
    // approve; the approver is.
    let clerk = login(&engine, "staff", CLERK).await;
    assert_eq!(act(&engine, &clerk, &id, "receive", json!({})).await.0, 200);
    let specialist = login(&engine, "staff", SPECIALIST).await;
    assert_eq!(
        claim(&engine, &specialist, "3.000465:processing").await.0,
        200
    );
    assert_eq!(
        act(&engine, &specialist, &id, "propose", json!({})).await.0,
        200
    );
    browser
        .client
        .delete_all_cookies()
        .await
        .expect("cookies gone");
    browser.log_in(&engine, SPECIALIST).await;
    browser
        .goto(&engine.at(&format!("/console/dossiers/{id}")))
        .await;
    assert_eq!(
        browser.attr("#state", "data-state").await.as_deref(),
        Some("approval")
    );
    assert!(!browser.has("form[data-action='approve']").await);
    assert!(browser
        .text("#actions")
        .await
        .contains("Không có thao tác nào"));
    browser
        .client
        .delete_all_cookies()
        .await
        .expect("cookies gone");
    browser.log_in(&engine, APPROVER).await;
    browser
        .goto(&engine.at(&format!("/console/dossiers/{id}")))
        .await;
    assert!(browser.has("form[data-action='approve']").await);
    assert!(
        !browser.has("#form-assign").await,
        "only a supervisor reassigns"
    );
    browser
        .client
        .delete_all_cookies()
        .await
        .expect("cookies gone");

    // A supervisor hands it to a named colleague: someone unknown is refused beside the
    // form, the approver (known from their login) gets it.
    browser.log_in(&engine, SUPERVISOR).await;
    browser
        .goto(&engine.at(&format!("/console/dossiers/{id}")))
        .await;
    browser.fill("#assign-to", "khong.ai.ca").await;
    browser.click_through("#form-assign button").await;
    assert!(browser
        .text("#form-assign .refusal")
        .await
        .contains("unknown_staff_member"));
    assert_eq!(browser.text("#holder").await, "Chưa có người nhận");
    browser.fill("#assign-to", APPROVER).await;
    browser.click_through("#form-assign button").await;
    assert_eq!(browser.text("#holder").await, APPROVER);
    browser.close().await;
}
