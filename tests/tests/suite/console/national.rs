//! A dossier filed on the national portal (DVCQG) and pushed to the engine, worked in the
//! console like any other (issue 29): pushed twice, it is one dossier in the desk's queue;
//! staff take it and step it through the pages' forms, and each step's status goes back
//! to DVCQG's stand-in, in order.

use super::browser::Browser;
use super::journey::{offered, queue_figures, state, take_next};
use crate::outbox::{applied_of, push, pushed, wait_until, MONDAY};
use motcua_tests::accounts::{APPROVER, CLERK, SPECIALIST};
use motcua_tests::{Engine, TEST_DVCQG_INBOUND_TOKEN};
use std::time::Duration;

/// The national status of a dossier DVCQG holds.
const STATUS: &str = "DongBoTrangThaiHoSo";

/// The national status codes the stand-in took for `national`, in order.
fn statuses(engine: &Engine, national: &str) -> Vec<String> {
    applied_of(engine, STATUS, national)
        .iter()
        .map(|c| c.data["TrangThai"].as_str().expect("a status").to_owned())
        .collect()
}

/// Waits for the `n`th status of `national` and checks it is `code`: one status per step.
async fn status_back(engine: &Engine, national: &str, n: usize, code: &str) {
    wait_until(
        Duration::from_secs(30),
        &format!("status {n} at DVCQG"),
        || statuses(engine, national).len() >= n,
    )
    .await;
    let seen = statuses(engine, national);
    assert_eq!(seen.len(), n, "one status per step: {seen:?}");
    assert_eq!(seen[n - 1], code, "{seen:?}");
}

#[tokio::test]
async fn a_dossier_pushed_from_dvcqg_twice_is_worked_in_the_console_and_its_statuses_go_back() {
    let engine = Engine::start_at(MONDAY).await;
    let national = "G22.99.9-261123-0077";
    engine.dvcqg.file_national_dossier(national);

    // Pushed twice (the first answer lost): one dossier, the same id answered.
    let (status, first) = push(&engine, Some(TEST_DVCQG_INBOUND_TOKEN), &pushed(national)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["created"], true);
    let (status, second) = push(&engine, Some(TEST_DVCQG_INBOUND_TOKEN), &pushed(national)).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["created"], false);
    assert_eq!(second["id"], first["id"]);
    let id = first["id"].as_str().expect("an id").to_owned();
    status_back(&engine, national, 1, "1").await;

    // The clerk: the desk's queue holds it once; taken, it is the pushed dossier's page.
    let browser = Browser::start().await;
    browser.log_in(&engine, CLERK).await;
    let desk = "3.000465:submitted";
    assert_eq!(
        queue_figures(&browser, desk).await,
        ("1".into(), "1".into()),
        "the pushed dossier, once, in the desk's queue"
    );
    take_next(&browser, desk, &id).await;
    assert_eq!(state(&browser).await, "submitted");
    assert_eq!(browser.text("#holder").await, CLERK);
    assert!(offered(&browser).await.contains(&"receive".to_owned()));
    browser.click_through("#form-receive button").await;
    assert_eq!(state(&browser).await, "processing");
    status_back(&engine, national, 2, "4").await;
    browser.screenshot("national-received").await;
    browser.log_out().await;

    // The specialist proposes.
    browser.log_in(&engine, SPECIALIST).await;
    take_next(&browser, "3.000465:processing", &id).await;
    browser.click_through("#form-propose button").await;
    assert_eq!(state(&browser).await, "approval");
    status_back(&engine, national, 3, "4").await;
    browser.log_out().await;

    // The approver approves.
    browser.log_in(&engine, APPROVER).await;
    take_next(&browser, "3.000465:approval", &id).await;
    browser.click_through("#form-approve button").await;
    assert_eq!(state(&browser).await, "approved");
    status_back(&engine, national, 4, "4").await;
    browser.log_out().await;

    // The specialist uploads the result and issues it.
    browser.log_in(&engine, SPECIALIST).await;
    take_next(&browser, "3.000465:approved", &id).await;
    let result = browser.file("ban-sao-quoc-gia.pdf", b"%PDF-1.7 Ban sao van bang");
    browser.fill("#result-code", "BS-2026-000077").await;
    browser.upload("#result-file", &result).await;
    browser.click_through("#form-result button").await;
    assert!(browser.text("#notice").await.contains("BS-2026-000077"));
    browser.click_through("#form-issue_result button").await;
    assert_eq!(state(&browser).await, "result_ready");
    status_back(&engine, national, 5, "9").await;
    browser.log_out().await;

    // The clerk returns it: nothing more to do.
    browser.log_in(&engine, CLERK).await;
    take_next(&browser, "3.000465:result_ready", &id).await;
    browser.click_through("#form-return_result button").await;
    assert_eq!(state(&browser).await, "returned");
    assert!(offered(&browser).await.is_empty());
    status_back(&engine, national, 6, "10").await;
    browser.screenshot("national-returned").await;
    browser.close().await;

    // Let a late duplicate show itself: the statuses, once each, in order, and nothing
    // refused.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(statuses(&engine, national), ["1", "4", "4", "4", "9", "10"]);
    let calls = engine.dvcqg.calls();
    assert!(
        calls.iter().all(|c| c.error_code == "0"),
        "a refusal: {calls:#?}"
    );
}
