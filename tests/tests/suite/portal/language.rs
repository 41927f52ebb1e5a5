//! Vietnamese first, English second: the switch in every page's header is a plain link that
//! keeps the choice in a cookie, and the portal's own words follow it, while the
//! procedures' texts stay Vietnamese and an English page says so. Plain HTTP with the
//! portal's cookie jar (`portal_browser`): the switch needs no JavaScript.

use motcua_tests::accounts::MINH;
use motcua_tests::{dossiers, login, portal_browser, Engine};

async fn page(browser: &reqwest::Client, engine: &Engine, path: &str) -> String {
    let answer = browser
        .get(engine.at(path))
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 200, "{path}");
    answer.text().await.expect("a page")
}

#[tokio::test]
async fn vietnamese_by_default_and_english_when_chosen() {
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let draft = dossiers::filled_copy_draft(&engine, &client, &minh).await;
    let browser = portal_browser(&engine, MINH).await;

    // Vietnamese by default, with the switch to English on the page.
    let list = page(&browser, &engine, "/portal/ho-so").await;
    assert!(list.contains(r#"<html lang="vi">"#));
    assert!(list.contains("<h1>Hồ sơ của tôi</h1>"), "{list}");
    assert!(list.contains("Đăng xuất"));
    assert!(list.contains("Bản nháp (chưa nộp)"));
    assert!(!list.contains("lang-note"));
    let switch = "/portal/ngon-ngu?chon=en&amp;quay_lai=%2Fportal%2Fho-so";
    assert!(list.contains(switch), "{list}");

    // The switch keeps the choice and comes back to the page.
    let chosen = browser
        .get(engine.at(&switch.replace("&amp;", "&")))
        .send()
        .await
        .expect("an answer");
    assert_eq!(chosen.status(), 303);
    assert_eq!(chosen.headers()["location"], "/portal/ho-so");

    // English: the portal's headings, states and buttons; the procedure's name and
    // questions as the file gives them, and the page says so.
    let list = page(&browser, &engine, "/portal/ho-so").await;
    assert!(list.contains(r#"<html lang="en">"#));
    assert!(list.contains("<h1>My dossiers</h1>"), "{list}");
    assert!(list.contains("Dossiers not submitted (drafts)"));
    assert!(list.contains("Draft (not submitted)"));
    assert!(list.contains(">Log out</button>"));
    assert!(list.contains("shown in Vietnamese"));
    assert!(
        list.contains("Cấp bản sao văn bằng"),
        "the procedure's name stays"
    );
    let form = page(
        &browser,
        &engine,
        &format!("/portal/ho-so/{draft}/to-khai/3"),
    )
    .await;
    assert!(form.contains(">Save and continue</button>"), "{form}");
    assert!(form.contains(">Save and come back later</button>"));
    assert!(form.contains("Step 3 of"));
    let catalogue = page(&browser, &engine, "/portal/?q=cap+ban+sao+bang").await;
    assert!(catalogue.contains(">Search</button>"));
    assert!(catalogue.contains("<h2 id=\"h-open\">Taking applications now</h2>"));

    // Back to Vietnamese; a path outside the portal is not gone back to.
    let back = browser
        .get(engine.at("/portal/ngon-ngu?chon=vi&quay_lai=//example.com/"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(back.headers()["location"], "/portal/");
    let list = page(&browser, &engine, "/portal/ho-so").await;
    assert!(list.contains("<h1>Hồ sơ của tôi</h1>"));
}
