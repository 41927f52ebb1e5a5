//! Vietnamese first, English second: the switch in every page's header is a plain link that
//! keeps the choice in a cookie, and the portal's own words follow it, while the
//! procedures' texts stay Vietnamese and an English page says so. Plain HTTP with the
//! portal's cookie jar (`portal_browser`): the switch needs no JavaScript.

use motcua_tests::accounts::MINH;
use motcua_tests::{dossiers, login, portal_browser, Engine};

/// The headings (`h1`, `h2`) of a page, as written.
fn headings(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in ["<h1", "<h2"] {
        let mut rest = page;
        while let Some(start) = rest.find(tag) {
            let after = &rest[start..];
            let open_end = after.find('>').map_or(after.len(), |i| i + 1);
            let close = after.find("</h").unwrap_or(after.len());
            found.push(after[open_end..close.max(open_end)].to_owned());
            rest = &after[open_end..];
        }
    }
    found
}

/// Every heading of `page` is one of `english` (no heading left Vietnamese), and each of
/// `english` is there.
fn headed_in_english(page: &str, english: &[&str], path: &str) {
    let found = headings(page);
    for heading in &found {
        assert!(
            english.contains(&heading.as_str()),
            "{path}: heading {heading:?} is not among the English ones {english:?}"
        );
    }
    for heading in english {
        assert!(
            found.iter().any(|h| h == heading),
            "{path}: no heading {heading:?} in {found:?}"
        );
    }
}

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
    // A filed one, received and its result issued: its receipt, slips, results, log.
    let filed = dossiers::submitted_copy(&engine, &client, &minh).await;
    dossiers::process_to_issued(&engine, &filed, "BS-2026-000321").await;
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

    // Every other page speaks English too: its headings are the portal's English ones
    // (a page left Vietnamese fails here), the procedure's own names aside.
    let procedure = page(&browser, &engine, "/portal/thu-tuc/3.000465").await;
    headed_in_english(
        &procedure,
        &[
            "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
            "Who may apply",
            "Key facts",
            "Documents needed",
            "How to apply",
            "Legal basis",
        ],
        "procedure",
    );
    assert!(procedure.contains("Apply online"), "{procedure}");
    let own = page(&browser, &engine, &format!("/portal/ho-so/{draft}")).await;
    assert!(
        own.contains("<h2 id=\"h-todo\">Finish the dossier</h2>"),
        "{own}"
    );
    assert!(own.contains("<h2 id=\"h-receipt\">Receipt</h2>"));
    assert!(own.contains("<h2 id=\"h-data\">The information you gave</h2>"));
    assert!(own.contains("<h2 id=\"h-timeline\">Progress</h2>"));
    assert!(own.contains("<h2 id=\"h-access\">Who read your data</h2>"));
    assert!(own.contains("Delete the draft"));
    assert!(
        own.contains("You created the dossier"),
        "the timeline's steps"
    );
    let filed_page = page(&browser, &engine, &format!("/portal/ho-so/{filed}")).await;
    for said in [
        "<h2 id=\"h-results\">Results</h2>",
        "Download: ",
        "<h2 id=\"h-slips\">Your dossier's slips</h2>",
        "<h2 id=\"h-documents\">Documents in the dossier</h2>",
        "The agency received the dossier",
        "Result due",
    ] {
        assert!(filed_page.contains(said), "{said} not in {filed_page}");
    }
    for vietnamese in [
        "Thông tin tiếp nhận",
        "Quá trình giải quyết",
        "Ai đã xem thông tin của bạn",
        "Kết quả giải quyết",
        "Phiếu của hồ sơ",
        "Trạng thái: ",
    ] {
        assert!(
            !filed_page.contains(vietnamese),
            "{vietnamese} left on the page"
        );
    }
    let slip = page(
        &browser,
        &engine,
        &format!("/portal/ho-so/{filed}/phieu/receipt"),
    )
    .await;
    assert!(slip.contains("← Back to the dossier") && slip.contains("Download the slip"));
    assert!(
        slip.contains("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        "the slip itself is the official Vietnamese form"
    );
    let documents = page(&browser, &engine, &format!("/portal/ho-so/{draft}/giay-to")).await;
    assert!(documents.contains("<h1>Documents</h1>"), "{documents}");
    assert!(
        documents.contains(">Upload the file</button>")
            || documents.contains("With the answers you gave, the dossier needs no documents."),
        "{documents}"
    );
    assert!(
        !documents.contains("Với các thông tin") && !documents.contains("Các giấy tờ dưới đây")
    );
    let check = page(
        &browser,
        &engine,
        &format!("/portal/ho-so/{draft}/kiem-tra"),
    )
    .await;
    assert!(
        check.contains("<h1>Check your answers before submitting</h1>"),
        "{check}"
    );
    assert!(check.contains(">Submit the dossier</button>"));
    let asked = page(
        &browser,
        &engine,
        &format!("/portal/ho-so/{draft}/to-khai/2"),
    )
    .await;
    assert!(asked.contains("<h1>What you ask for</h1>"), "{asked}");
    assert!(asked.contains("← Previous page"));
    let login_page = page(&browser, &engine, "/portal/dang-nhap").await;
    assert!(login_page.contains("Log in with VNeID"));
    // An error page and its summary.
    let missing = browser
        .get(engine.at("/portal/ho-so/not-an-id"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(missing.status(), 404);
    let missing = missing.text().await.expect("a page");
    assert!(missing.contains("<h1>Not found</h1>"), "{missing}");
    assert!(missing.contains("This could not be done") && missing.contains("Dossier not found."));
    // A field's error and the summary at the top, in English.
    let token = csrf_of(&asked);
    let refused = browser
        .post(engine.at(&format!("/portal/ho-so/{draft}/to-khai/2")))
        .form(&[
            ("_csrf", token.as_str()),
            ("/copies", "many"),
            ("then", "next"),
        ])
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), 422);
    let refused = refused.text().await.expect("a page");
    assert!(
        refused.contains("There is a problem") || refused.contains("Not saved"),
        "{refused}"
    );
    assert!(refused.contains("Error: "), "{refused}");
    assert!(!refused.contains("Lỗi: ") && !refused.contains("Có vấn đề cần sửa"));

    // Back to Vietnamese; a path outside the portal is not gone back to.
    let back = browser
        .get(engine.at("/portal/ngon-ngu?chon=vi&quay_lai=//example.com/"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(back.headers()["location"], "/portal/");
    let list = page(&browser, &engine, "/portal/ho-so").await;
    assert!(list.contains("<h1>Hồ sơ của tôi</h1>"));
    let filed_page = page(&browser, &engine, &format!("/portal/ho-so/{filed}")).await;
    assert!(filed_page.contains("<h2 id=\"h-access\">Ai đã xem thông tin của bạn</h2>"));
    assert!(filed_page.contains("<h2 id=\"h-slips\">Phiếu của hồ sơ</h2>"));
}

/// The CSRF token of the first form of `page`.
fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
    page[at..].split('"').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_short_choice_is_radios_and_a_long_one_a_list() {
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let draft = dossiers::filled_copy_draft(&engine, &client, &minh).await;
    let browser = portal_browser(&engine, MINH).await;
    // Page 2 asks how the result is delivered (3 ways) and how the applicant is related to
    // the holder (7): radios all in view for the first, a list for the second.
    let asked = page(
        &browser,
        &engine,
        &format!("/portal/ho-so/{draft}/to-khai/2"),
    )
    .await;
    assert!(
        asked.contains(r#"<fieldset id="f-delivery" class="radios""#),
        "{asked}"
    );
    assert!(
        asked.contains(r#"type="radio" id="f-delivery-0" name="/delivery""#),
        "{asked}"
    );
    assert!(!asked.contains(r#"<select id="f-delivery""#));
    assert!(
        asked.contains(r#"<select id="f-relationship" name="/relationship""#),
        "{asked}"
    );
    assert!(
        asked.contains(r#"name="/delivery" value="electronic" checked"#),
        "the saved one"
    );
    // A radio chosen is saved as the select's option was.
    let token = csrf_of(&asked);
    let saved = browser
        .post(engine.at(&format!("/portal/ho-so/{draft}/to-khai/2")))
        .form(&[
            ("_csrf", token.as_str()),
            ("/copies", "1"),
            ("/relationship", "holder"),
            ("/delivery", "post"),
            ("then", "leave"),
        ])
        .send()
        .await
        .expect("an answer");
    assert_eq!(saved.status(), 303);
    let asked = page(
        &browser,
        &engine,
        &format!("/portal/ho-so/{draft}/to-khai/2"),
    )
    .await;
    assert!(
        asked.contains(r#"name="/delivery" value="post" checked"#),
        "{asked}"
    );
}
