//! The reports page: the indicators, the digitisation chart by month, the on-time rate,
//! the overdue dossiers and the CSV, each figure the API's own for the same period; a
//! supervisor reads any agency, other staff only their own.

use super::browser::Browser;
use motcua_tests::accounts::{CLERK, SUPERVISOR};
use motcua_tests::api::get;
use motcua_tests::{login, Engine};
use serde_json::Value;

/// `motcua generate`: a year of synthetic dossiers, in every state, of 34 agencies.
fn generate(engine: &Engine, dossiers: u32) {
    let out = engine
        .command(&[
            "generate",
            "--dossiers",
            &dossiers.to_string(),
            "--seed",
            "7",
        ])
        .output()
        .expect("motcua generate runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A share as the page writes it.
fn percent(ratio: f64) -> String {
    format!("{:.1} %", ratio * 100.0).replace('.', ",")
}

#[tokio::test]
async fn a_supervisor_reads_the_figures_of_a_period_as_the_api_gives_them() {
    let engine = Engine::start().await;
    generate(&engine, 3000);
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    let browser = Browser::start().await;
    browser.log_in(&engine, SUPERVISOR).await;
    browser.click_through("#nav-reports").await;
    assert_eq!(browser.path().await, "/console/reports");

    // A date that does not exist: told beside the field.
    browser.fill("#from", "31/02/2026").await;
    browser.click_through("#form-period button").await;
    assert!(browser.text("#from-error").await.contains("dd/mm/yyyy"));

    // The year 2026, every agency.
    browser.fill("#from", "01/01/2026").await;
    browser.fill("#to", "31/12/2026").await;
    browser.click_through("#form-period button").await;
    assert_eq!(
        browser.text("#period").await,
        "Kỳ báo cáo: từ 01/01/2026 đến 31/12/2026."
    );
    let period = "from=2026-01-01&to=2026-12-31";
    let (_, indicators) = get(
        &engine,
        &supervisor,
        &format!("/v1/reports/indicators?{period}"),
    )
    .await;
    let rows = browser
        .run("return document.querySelectorAll('#indicator-table tbody tr').length")
        .await;
    assert_eq!(
        rows.as_u64(),
        indicators["rows"].as_array().map(|r| r.len() as u64),
        "a row per agency × procedure"
    );
    let totals = browser.text("#indicator-table tfoot").await;
    assert!(totals.contains("3000"), "{totals}");
    let on_time = &indicators["totals"]["indicators"][0];
    assert_eq!(on_time["id"], "2.1");
    let shown = browser
        .text("#indicator-table tfoot td[data-indicator='2.1']")
        .await;
    assert!(
        shown.contains(&percent(on_time["ratio"].as_f64().expect("a ratio"))),
        "{shown} for {on_time}"
    );

    // The chart: a bar a month, each as high as the API's digitisation of that month,
    // and the target line.
    let bars = browser
        .run("return Array.from(document.querySelectorAll('#digitisation-chart rect.bar')).map(r => [r.dataset.month, r.dataset.ratio])")
        .await;
    let bars: Vec<(String, String)> = serde_json::from_value(bars).expect("bars");
    assert_eq!(bars.len(), 12, "{bars:?}");
    let (_, march) = get(
        &engine,
        &supervisor,
        "/v1/reports/digitisation?from=2026-03-01&to=2026-03-31",
    )
    .await;
    let march_ratio = march["ratio"].as_f64().expect("March's ratio");
    assert_eq!(bars[2], ("03/2026".to_owned(), format!("{march_ratio:.4}")));
    assert!(browser.has("#digitisation-chart line.target").await);
    assert!(browser
        .text("#digitisation-chart")
        .await
        .contains("Mục tiêu 80,0 %"));
    assert_eq!(
        browser
            .text("#digitisation-months tr[data-month='03/2026'] .ratio")
            .await,
        percent(march_ratio)
    );

    // The on-time rate, as the API's timeliness report.
    let (_, timeliness) = get(
        &engine,
        &supervisor,
        &format!("/v1/reports/timeliness?{period}"),
    )
    .await;
    assert_eq!(
        browser.text("#on-time-rate").await,
        percent(
            timeliness["totals"]["on_time_rate"]
                .as_f64()
                .expect("a rate")
        )
    );

    // The agency's overdue dossiers, as the API lists them.
    let (_, overdue) = get(&engine, &supervisor, "/v1/dossiers?overdue=true&limit=50").await;
    let listed = overdue["items"].as_array().map_or(0, Vec::len);
    assert!(listed > 0, "the generator leaves some overdue: {overdue}");
    let shown = browser
        .run("return Array.from(document.querySelectorAll('#overdue-table tbody a')).map(a => a.textContent)")
        .await;
    let shown: Vec<String> = serde_json::from_value(shown).expect("codes");
    let expected: Vec<String> = overdue["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(shown, expected);
    browser.screenshot("reports").await;

    // The CSV link downloads the API's monthly report for the same period.
    let href = browser.attr("#csv", "href").await.expect("a link");
    let cookie = browser
        .client
        .get_named_cookie("motcua_console")
        .await
        .expect("the session cookie");
    let csv = reqwest::Client::new()
        .get(engine.at(&href))
        .header("cookie", format!("motcua_console={}", cookie.value()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(csv.status(), 200);
    assert!(csv
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("bao-cao-chi-so-2026-01-01-2026-12-31.csv")));
    let from_console = csv.bytes().await.expect("the file");
    let from_api = reqwest::Client::new()
        .get(engine.at(&format!("/v1/reports/indicators?{period}&format=csv")))
        .bearer_auth(&supervisor.token)
        .send()
        .await
        .expect("an answer")
        .bytes()
        .await
        .expect("the file");
    assert_eq!(from_console, from_api);
    browser.close().await;
}

#[tokio::test]
async fn staff_other_than_supervisors_read_their_own_agency_only() {
    let engine = Engine::start().await;
    let browser = Browser::start().await;
    browser.log_in(&engine, CLERK).await;
    browser.click_through("#nav-reports").await;
    let agencies = browser
        .run("return Array.from(document.querySelectorAll('#agency option')).map(o => o.value)")
        .await;
    assert_eq!(agencies, Value::from(vec!["SGDDT-HN"]));
    assert!(browser.has("#indicator-table").await);
    browser
        .goto(&engine.at("/console/reports?agency=SGDDT-HCM"))
        .await;
    let page = browser.text("main").await;
    assert!(
        page.contains("chỉ xem được số liệu của cơ quan mình"),
        "{page}"
    );
    assert!(!browser.has("#indicator-table").await);
    let answer = reqwest::Client::new()
        .get(engine.at("/console/reports/indicators.csv?agency=SGDDT-HCM"))
        .header(
            "cookie",
            format!(
                "motcua_console={}",
                browser
                    .client
                    .get_named_cookie("motcua_console")
                    .await
                    .expect("the session cookie")
                    .value()
            ),
        )
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 403);
    browser.close().await;
}
