//! What keeps the queues page's time flat as the backlog grows (docs/PERFORMANCE.md, the
//! console's pages): a queue's figures counted up to 1,000 and shown as "more than" above,
//! and the dossiers a clerk holds found through the list of holders the database keeps.
//! Read over plain HTTP with the console's cookie: what is checked is the page's text, not
//! anything a browser does.

use motcua_tests::accounts::{pool_clerk, CLERK, MINH, SUPERVISOR};
use motcua_tests::api::{act, claim, get, post};
use motcua_tests::dossiers::submitted_copy;
use motcua_tests::{console_browser, login, Engine};
use serde_json::json;
use uuid::Uuid;

const DESK: &str = "3.000465:submitted";

/// The queues page as `browser` sees it.
async fn queues_page(engine: &Engine, browser: &reqwest::Client) -> String {
    let page = browser.get(engine.at("/console/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

/// The text of the cell whose class ends with `class` in the queue's row (the page is
/// the engine's own markup: a row per queue, cells without nested tags but the overdue's).
fn cell(page: &str, queue: &str, class: &str) -> String {
    let row = page
        .split("<tr ")
        .find(|row| row.contains(&format!("data-queue=\"{queue}\"")))
        .unwrap_or_else(|| panic!("no row for {queue}"));
    let at = row
        .find(&format!(" {class}\">"))
        .unwrap_or_else(|| panic!("no {class} cell for {queue}"));
    let text = &row[at + class.len() + 3..];
    text[..text.find("</td>").unwrap()].trim().to_owned()
}

/// The dossiers the held list links to.
fn held(page: &str) -> Vec<String> {
    let Some(list) = page.split("id=\"held\"").nth(1) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = list
        .split("href=\"/console/dossiers/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_queue_past_a_thousand_shows_more_than_and_the_api_the_exact_count() {
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let citizen = login(&engine, "citizen", MINH).await;
    let template: Uuid = submitted_copy(&engine, &client, &citizen)
        .await
        .parse()
        .unwrap();
    let clerk_browser = console_browser(&engine, CLERK).await;
    assert_eq!(
        cell(&queues_page(&engine, &clerk_browser).await, DESK, "count"),
        "1"
    );

    // 1,004 more in the queue: copies of the template, each with its own id and code.
    let db = sqlx::PgPool::connect(&engine.database_url).await.unwrap();
    sqlx::query(
        "insert into dossier
         select r.* from dossier t, generate_series(1, 1004) n,
         lateral jsonb_populate_record(null::dossier, to_jsonb(t) || jsonb_build_object(
             'id', gen_random_uuid(), 'code', t.code || '-' || n)) r
         where t.id = $1",
    )
    .bind(template)
    .execute(&db)
    .await
    .unwrap();

    let page = queues_page(&engine, &clerk_browser).await;
    assert_eq!(cell(&page, DESK, "count"), "hơn 1.000");
    assert_eq!(cell(&page, DESK, "unclaimed"), "hơn 1.000");
    let clerk = login(&engine, "staff", CLERK).await;
    let (status, queues) = get(&engine, &clerk, "/v1/queues").await;
    assert_eq!(status, 200);
    let desk = queues["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["queue"] == DESK)
        .unwrap();
    assert_eq!(desk["count"], 1_005, "the API counts every dossier");
    assert_eq!(desk["unclaimed"], 1_005);
}

#[tokio::test]
async fn the_held_list_follows_claims_releases_reassignments_and_steps() {
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let citizen = login(&engine, "citizen", MINH).await;
    for _ in 0..3 {
        submitted_copy(&engine, &client, &citizen).await;
    }
    let clerk = login(&engine, "staff", CLERK).await;
    let supervisor = login(&engine, "staff", SUPERVISOR).await;
    // A colleague at the same desk, known to the engine by their login.
    let colleague = pool_clerk(1);
    login(&engine, "staff", &colleague).await;
    let browser = console_browser(&engine, CLERK).await;
    assert!(held(&queues_page(&engine, &browser).await).is_empty());

    let mut claimed = Vec::new();
    for _ in 0..3 {
        let (status, dossier) = claim(&engine, &clerk, DESK).await;
        assert_eq!(status, 200);
        claimed.push(dossier["id"].as_str().unwrap().to_owned());
    }
    let mut expected = claimed.clone();
    expected.sort();
    let page = queues_page(&engine, &browser).await;
    assert_eq!(held(&page), expected);
    assert_eq!(cell(&page, DESK, "count"), "3");
    assert_eq!(cell(&page, DESK, "unclaimed"), "0");

    // Given back to the queue: no longer held.
    let (status, _) = post(
        &engine,
        &clerk,
        &format!("/v1/dossiers/{}/release", claimed[0]),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    // Received: the step clears who held it.
    let (status, _) = act(&engine, &clerk, &claimed[1], "receive", json!({})).await;
    assert_eq!(status, 200);
    let page = queues_page(&engine, &browser).await;
    assert_eq!(held(&page), vec![claimed[2].clone()]);
    assert_eq!(cell(&page, DESK, "count"), "2");
    assert_eq!(cell(&page, DESK, "unclaimed"), "1");

    // Handed to the clerk by the supervisor; then one of theirs to a colleague.
    let (status, _) = post(
        &engine,
        &supervisor,
        &format!("/v1/dossiers/{}/assign", claimed[0]),
        json!({ "to": CLERK }),
    )
    .await;
    assert_eq!(status, 200);
    let mut expected = vec![claimed[0].clone(), claimed[2].clone()];
    expected.sort();
    assert_eq!(held(&queues_page(&engine, &browser).await), expected);
    let (status, _) = post(
        &engine,
        &supervisor,
        &format!("/v1/dossiers/{}/assign", claimed[2]),
        json!({ "to": colleague }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        held(&queues_page(&engine, &browser).await),
        vec![claimed[0].clone()]
    );
}
