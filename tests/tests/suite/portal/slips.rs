//! The citizen's slips (TT 03/2025, Mẫu 01–06), as the console prints them: listed on the
//! dossier's page once issued, each opened as a print-ready page or downloaded as a page
//! that stands alone; another citizen's slip, like their dossier, is not found. Plain HTTP
//! with the portal's cookie jar (`portal_browser`).

use motcua_tests::accounts::{CLERK, MINH, THANG};
use motcua_tests::{api, dossiers, login, portal_browser, Engine};
use serde_json::json;

#[tokio::test]
async fn the_citizen_opens_their_slips_and_another_citizens_are_not_found() {
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let minh = login(&engine, "citizen", MINH).await;
    let thang = login(&engine, "citizen", THANG).await;
    let mine = dossiers::submitted_copy(&engine, &client, &minh).await;
    let theirs = dossiers::submitted_copy(&engine, &client, &thang).await;
    let clerk = login(&engine, "staff", CLERK).await;
    for id in [&mine, &theirs] {
        let (status, received) = api::act(&engine, &clerk, id, "receive", json!({})).await;
        assert_eq!(status, 200, "{received}");
    }
    let code = dossiers_code(&engine, &client, &minh, &mine).await;
    let browser = portal_browser(&engine, MINH).await;
    let get = |path: String| {
        let browser = browser.clone();
        let url = engine.at(&path);
        async move { browser.get(url).send().await.expect("an answer") }
    };

    // The dossier's page lists the receipt (Mẫu 01) and the control slip (Mẫu 06).
    let page = get(format!("/portal/ho-so/{mine}")).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("a page");
    let receipt_href = format!("/portal/ho-so/{mine}/phieu/receipt");
    assert!(
        page.contains(&format!(r#"href="{receipt_href}""#)),
        "{page}"
    );
    assert!(page.contains(r#"data-slip="receipt""#) && page.contains(r#"data-slip="control""#));
    assert!(page.contains("Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả"));

    // The receipt, laid out as the console prints it, with the dossier's facts.
    let slip = get(receipt_href.clone()).await;
    assert_eq!(slip.status(), 200);
    assert!(slip.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/html"));
    let slip = slip.text().await.expect("a slip");
    assert!(
        slip.contains(r#"<main class="slip" id="main" lang="vi" data-kind="receipt">"#),
        "{slip}"
    );
    assert!(slip.contains("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"));
    assert!(slip.contains("Cộng hòa xã hội chủ nghĩa Việt Nam"));
    assert!(
        slip.contains(&format!("Mã hồ sơ: <strong>{code}</strong>")),
        "{slip}"
    );
    assert!(slip.contains("Thời gian trả kết quả giải quyết hồ sơ"));
    assert!(slip.contains("Người tiếp nhận hồ sơ"));
    assert!(
        slip.contains(&format!(r#"href="/portal/ho-so/{mine}""#)),
        "the way back"
    );
    let control = get(format!("/portal/ho-so/{mine}/phieu/control")).await;
    assert_eq!(control.status(), 200);
    let control = control.text().await.expect("a slip");
    assert!(control.contains("Phiếu kiểm soát quá trình giải quyết hồ sơ"));

    // Downloaded: a file to keep, its stylesheet inside (it opens without the portal).
    let file = get(format!("{receipt_href}?tai-ve=1")).await;
    assert_eq!(file.status(), 200);
    let disposition = file.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"phieu-receipt-")
            && disposition.ends_with(".html\""),
        "{disposition}"
    );
    let file = file.text().await.expect("a file");
    assert!(
        file.contains("<style>") && file.contains("main.slip"),
        "{file}"
    );
    assert!(file.contains(&code) && !file.contains("/portal/style.css"));

    // A slip not issued (no supplement was asked), a kind that does not exist, a path that
    // is no dossier's: said plainly, never a 500.
    for (path, status) in [
        (format!("/portal/ho-so/{mine}/phieu/supplement"), 404),
        (format!("/portal/ho-so/{mine}/phieu/nonsense"), 404),
        ("/portal/ho-so/not-an-id/phieu/receipt".to_owned(), 404),
    ] {
        let answer = get(path.clone()).await;
        assert_eq!(answer.status(), status, "{path}");
    }

    // Thắng's slips: not found, as his dossier is, and nothing of them shown.
    for kind in ["receipt", "control"] {
        for suffix in ["", "?tai-ve=1"] {
            let path = format!("/portal/ho-so/{theirs}/phieu/{kind}{suffix}");
            let answer = get(path.clone()).await;
            assert_eq!(answer.status(), 404, "{path}");
            let text = answer.text().await.expect("a page");
            assert!(text.contains("Không tìm thấy hồ sơ"), "{text}");
            assert!(!text.contains("Giấy tiếp nhận"), "{text}");
        }
    }
    // Nor without a session: the login, not the slip.
    let anonymous = client
        .get(engine.at(&receipt_href))
        .send()
        .await
        .expect("an answer");
    assert!(!anonymous
        .text()
        .await
        .expect("a page")
        .contains("Cộng hòa xã hội"));
}

/// The code given to dossier `id` on submission, read through the API.
async fn dossiers_code(
    engine: &Engine,
    client: &reqwest::Client,
    citizen: &motcua_tests::Session,
    id: &str,
) -> String {
    let answer = client
        .get(engine.at(&format!("/v1/dossiers/{id}")))
        .bearer_auth(&citizen.token)
        .send()
        .await
        .expect("an answer");
    let dossier: serde_json::Value = answer.json().await.expect("a dossier");
    dossier["code"].as_str().expect("a code").to_owned()
}
