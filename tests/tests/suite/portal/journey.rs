//! A citizen's way through the portal, at a phone's width and at a desktop's: the
//! catalogue, a search typed without diacritics that finds the diploma copy, its page,
//! the exam registration outside its window saying so, an agency's procedures, the login,
//! "my dossiers" with a draft and a supplement asked, the dossier's own page, the logout.

use super::browser::{dossiers_of, Browser, ASKED, DESKTOP, PHONE};
use crate::browser::Viewport;
use motcua_tests::accounts::MINH;
use motcua_tests::{login, Engine};

async fn journey(viewport: Viewport, screenshots: bool) {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let (draft, filed, code) = dossiers_of(&engine, &minh).await;
    let browser = Browser::start_at(viewport, true).await;
    let shoot = |name: &'static str| {
        let browser = &browser;
        async move {
            if screenshots {
                browser.portal_screenshot(name).await;
            }
        }
    };

    // The landing page leads to the portal; the catalogue needs no login.
    browser.goto(&engine.at("/")).await;
    browser.click_through("#to-portal").await;
    assert_eq!(browser.path().await, "/portal/");
    assert_eq!(
        browser.run("return window.innerWidth").await,
        serde_json::json!(viewport.width),
        "the page is laid out at the viewport's width"
    );
    assert!(browser.has("#open li[data-code='3.000465']").await);
    // The exam registration's 2025 window has passed: it says so, and is not among the open.
    let closed = browser.text("#closed li[data-code='1.005142']").await;
    assert!(closed.contains("đợt gần nhất từ 21/04/2025"), "{closed}");
    assert!(!browser.has("#open li[data-code='1.005142']").await);
    // Nothing wider than the screen: no sideways scrolling on a phone.
    assert_eq!(
        browser
            .run("return document.documentElement.scrollWidth <= window.innerWidth")
            .await,
        serde_json::json!(true)
    );
    shoot("catalogue").await;

    // Searching without diacritics finds "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc" alone.
    browser.fill("#q", "cap ban sao bang").await;
    browser.click_through("form.search button").await;
    assert_eq!(browser.text("#result-count").await, "Tìm thấy 1 thủ tục.");
    let found = browser.text("#open li[data-code='3.000465'] h3").await;
    assert!(found.starts_with("Cấp bản sao văn bằng"), "{found}");
    // đ folds to d.
    browser.goto(&engine.at("/portal/?q=dang+ky+du+thi")).await;
    assert!(browser.has("#closed li[data-code='1.005142']").await);
    assert_eq!(browser.text("#result-count").await, "Tìm thấy 1 thủ tục.");
    // Nothing found says what to try.
    browser.goto(&engine.at("/portal/?q=ho+chieu")).await;
    assert!(browser.has("#nothing-found").await);
    shoot("search-nothing").await;
    // By agency: a school takes the exam registration only.
    browser.goto(&engine.at("/portal/")).await;
    browser.select("#co_quan", "THPT-HN-CVA").await;
    browser.click_through("form.search button").await;
    assert!(browser.has("li[data-code='1.005142']").await);
    assert!(!browser.has("li[data-code='3.000465']").await);

    // The diploma copy's page: what to know before starting.
    browser
        .goto(&engine.at("/portal/?q=cap+ban+sao+bang"))
        .await;
    shoot("search").await;
    browser.click_through("li[data-code='3.000465'] h3 a").await;
    assert_eq!(browser.path().await, "/portal/thu-tuc/3.000465");
    assert!(browser.text("h1").await.starts_with("Cấp bản sao văn bằng"));
    assert!(browser
        .text("#time-limit")
        .await
        .starts_with("1 ngày làm việc"));
    assert_eq!(browser.text("#fees").await, "Không mất phí");
    let documents = browser.text("#documents").await;
    assert!(documents.contains("Văn bản ủy quyền"), "{documents}");
    assert!(documents.contains("tối đa 10 MB"), "{documents}");
    assert!(browser.text("#channels").await.contains("Nộp trực tuyến"));
    assert!(browser
        .text("#legal-basis")
        .await
        .contains("Thông tư 21/2019"));
    assert!(!browser.has("#window").await, "taken all year");
    shoot("procedure").await;
    browser.goto(&engine.at("/portal/thu-tuc/1.005142")).await;
    assert!(browser.text("#window").await.contains("đã kết thúc"));
    browser.goto(&engine.at("/portal/thu-tuc/9.999999")).await;
    assert!(browser.text("main").await.contains("Không có thủ tục này"));

    // My dossiers, after the login: the draft, and the dossier owing a supplement with
    // the items asked.
    browser.log_in_citizen(&engine, MINH).await;
    assert!(browser.text("#who").await.contains("Minh"));
    let draft_card = browser
        .text(&format!("#drafts li[data-id='{draft}']"))
        .await;
    assert!(
        draft_card.contains("Việc cần làm: hoàn thành tờ khai"),
        "{draft_card}"
    );
    let filed_card = format!("#filed li[data-id='{filed}']");
    assert_eq!(browser.text(&format!("{filed_card} .code")).await, code);
    assert_eq!(
        browser.text(&format!("{filed_card} .state")).await,
        "Cần bạn bổ sung hồ sơ"
    );
    let asked = browser.text(&format!("{filed_card} .asked-items")).await;
    for item in ASKED {
        assert!(asked.contains(item), "{asked}");
    }
    shoot("dossiers").await;

    // The dossier's own page: receipt, timeline, and who read the data.
    browser.click_through(&format!("{filed_card} h3 a")).await;
    assert_eq!(browser.path().await, format!("/portal/ho-so/{filed}"));
    assert_eq!(browser.text("#code").await, code);
    assert_eq!(
        browser.attr("#state", "data-state").await.as_deref(),
        Some("supplement")
    );
    let timeline = browser.text("#timeline").await;
    assert!(timeline.contains("Bạn nộp hồ sơ"), "{timeline}");
    assert!(
        timeline.contains("Cơ quan yêu cầu bổ sung hồ sơ"),
        "{timeline}"
    );
    let reads = browser.text("#access-log").await;
    assert!(
        reads.contains("Theo yêu cầu của bạn, hệ thống đã đọc thông tin của bạn trong Cơ sở dữ liệu quốc gia về dân cư"),
        "{reads}"
    );
    assert!(browser.text("#data").await.contains("HN-2025-001234"));
    shoot("dossier").await;

    // Logging out ends it: my dossiers ask for a login again.
    browser.click_through("form.logout button").await;
    assert!(browser.text("#notice").await.contains("Bạn đã đăng xuất"));
    browser.goto(&engine.at("/portal/ho-so")).await;
    assert_eq!(browser.path().await, "/portal/dang-nhap");
    browser.close().await;
}

#[tokio::test]
async fn a_citizen_on_a_phone_finds_the_diploma_copy_and_follows_their_dossiers() {
    journey(PHONE, true).await;
}

#[tokio::test]
async fn the_same_way_works_on_a_desktop() {
    journey(DESKTOP, false).await;
}
