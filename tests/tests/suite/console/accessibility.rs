//! Every page of the console passes axe-core's checks with no serious or critical
//! violation, and its actions are reachable with the Tab key: the login page, the queues,
//! a dossier (its action forms, a refusal beside a form, a supervisor's view), each slip,
//! the counter's pages (with mistakes shown beside fields), the reports, an error page.

use super::browser::Browser;
use crate::browser::axe::{assert_accessible, assert_accessible_by_keyboard, violations};
use motcua_tests::accounts::{APPROVER, CLERK, MINH, SPECIALIST, SUPERVISOR};
use motcua_tests::api::{act, claim};
use motcua_tests::{dossiers, login, Engine};
use serde_json::json;

#[tokio::test]
async fn every_console_page_passes_axe_and_the_keyboard_reaches_every_action() {
    let engine = Engine::start_at("2026-11-23T08:00:00+07:00").await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let clerk = login(&engine, "staff", CLERK).await;
    // Slips of every kind the flows below issue: a receipt, a supplement request and the
    // control slip (one dossier); a refusal (another); a stop notice (a third).
    let supplemented = dossiers::submitted_copy(&engine, &client, &minh).await;
    let refused = dossiers::submitted_copy(&engine, &client, &minh).await;
    let stopped = dossiers::submitted_copy(&engine, &client, &minh).await;
    let fresh = dossiers::submitted_correction(&engine, &client, &minh).await;
    for (id, action, body) in [
        (&supplemented, "receive", json!({})),
        (
            &supplemented,
            "request_supplement",
            json!({ "comment": "Thiếu số hiệu", "data": { "items": ["Số hiệu văn bằng"] } }),
        ),
        (
            &refused,
            "refuse",
            json!({ "comment": "Không thuộc thẩm quyền" }),
        ),
        (&stopped, "receive", json!({})),
    ] {
        let (status, answer) = act(&engine, &clerk, id, action, body).await;
        assert_eq!(status, 200, "{action}: {answer}");
    }
    let approver = login(&engine, "staff", APPROVER).await;
    let (status, answer) = act(
        &engine,
        &approver,
        &stopped,
        "stop",
        json!({ "comment": "Công dân đề nghị dừng" }),
    )
    .await;
    assert_eq!(status, 200, "stop: {answer}");
    let browser = Browser::start().await;

    // The check itself catches a field without a label and a link without a name.
    browser
        .goto("data:text/html,<html lang=vi><title>x</title><main><input><a href=/x></a></main></html>")
        .await;
    let found = violations(&browser).await;
    assert!(
        found.iter().any(|v| v.contains(" label:"))
            && found.iter().any(|v| v.contains("link-name")),
        "{found:?}"
    );

    // Before login.
    browser.goto(&engine.at("/console/login")).await;
    assert_accessible_by_keyboard(&browser, "the login page").await;

    // The queues and a dossier held, with its action forms.
    assert_eq!(claim(&engine, &clerk, "3.000466:submitted").await.0, 200);
    browser.log_in(&engine, CLERK).await;
    assert_accessible_by_keyboard(&browser, "the queues page").await;
    browser
        .goto(&engine.at(&format!("/console/dossiers/{fresh}")))
        .await;
    assert_accessible_by_keyboard(&browser, "a dossier page").await;
    // A refusal beside its form.
    browser.fill("#request_supplement-items", " ").await;
    browser.fill("#request_supplement-comment", "x").await;
    browser
        .click_through("#form-request_supplement button")
        .await;
    assert!(browser.has("#refusal").await);
    assert_accessible(&browser, "a dossier page with a refusal").await;

    // Each slip issued.
    for (id, kinds) in [
        (&supplemented, &["receipt", "supplement", "control"][..]),
        (&refused, &["refusal"][..]),
        (&stopped, &["stop"][..]),
    ] {
        browser
            .goto(&engine.at(&format!("/console/dossiers/{id}")))
            .await;
        assert_accessible(&browser, "a dossier page with its slips").await;
        for kind in kinds {
            browser
                .goto(&engine.at(&format!("/console/dossiers/{id}/slips/{kind}")))
                .await;
            assert!(browser.has("main.slip").await, "the {kind} slip");
            assert_accessible_by_keyboard(&browser, &format!("the {kind} slip")).await;
        }
    }

    // The counter: the start page with a mistake, and a draft with mistakes beside fields.
    browser.goto(&engine.at("/console/counter")).await;
    assert_accessible_by_keyboard(&browser, "the counter's start page").await;
    browser.fill("#citizen", "123").await;
    browser.select("#procedure", dossiers::COPY).await;
    browser
        .click_through("#form-start button[type=submit]")
        .await;
    assert!(browser.has("#citizen-error").await);
    assert_accessible(&browser, "the counter's start page with a mistake").await;
    browser.fill("#citizen", MINH).await;
    browser.select("#procedure", dossiers::COPY).await;
    browser
        .click_through("#form-start button[type=submit]")
        .await;
    assert!(browser.path().await.starts_with("/console/counter/"));
    assert_accessible_by_keyboard(&browser, "a counter draft").await;
    browser.fill("#f-applicant-phone", "12").await;
    browser.click_through("#submit").await;
    assert!(browser.has("#f-applicant-phone-error").await);
    assert_accessible_by_keyboard(&browser, "a counter draft with mistakes").await;

    // The reports, and a page that does not exist.
    browser.goto(&engine.at("/console/reports")).await;
    assert_accessible_by_keyboard(&browser, "the reports page").await;
    browser.goto(&engine.at("/console/khong-co")).await;
    assert_accessible(&browser, "the not-found page").await;
    browser.goto(&engine.at("/console/")).await;
    browser.log_out().await;
    assert_accessible(&browser, "the login page after logout").await;

    // A supervisor's dossier page (the reassignment form) and a specialist's.
    browser.log_in(&engine, SUPERVISOR).await;
    browser
        .goto(&engine.at(&format!("/console/dossiers/{fresh}")))
        .await;
    assert!(browser.has("#form-assign").await);
    assert_accessible_by_keyboard(&browser, "a supervisor's dossier page").await;
    browser.log_out().await;
    let specialist = login(&engine, "staff", SPECIALIST).await;
    assert_eq!(
        act(&engine, &clerk, &fresh, "receive", json!({})).await.0,
        200
    );
    assert_eq!(
        claim(&engine, &specialist, "3.000466:processing").await.0,
        200
    );
    browser.log_in(&engine, SPECIALIST).await;
    assert_accessible_by_keyboard(&browser, "the queues page with a held dossier").await;
    browser
        .goto(&engine.at(&format!("/console/dossiers/{fresh}")))
        .await;
    assert_accessible_by_keyboard(&browser, "a specialist's dossier page").await;
    browser.close().await;
}
