//! What the portal must not do: show a citizen another's dossier, run markup a citizen
//! typed, act on a form posted without its CSRF token or from another site, or give a
//! member of staff a portal session.

use super::browser::{Browser, PHONE};
use motcua_tests::accounts::{CLERK, MINH, THANG};
use motcua_tests::{dossiers, login, Engine};
use serde_json::json;

const SCRIPT: &str = "<script>window.__xss = 1; alert(1)</script>";
const IMAGE: &str = "<img src=x onerror=\"window.__xss = 2; alert(2)\">";

#[tokio::test]
async fn another_citizens_dossier_is_not_found_and_markup_stays_text() {
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let thang = login(&engine, "citizen", THANG).await;
    let theirs = dossiers::submitted_copy(&engine, &client, &thang).await;
    let minh = login(&engine, "citizen", MINH).await;
    let mut data = dossiers::copy_data();
    data["diploma"]["issued_by"] = json!(SCRIPT);
    data["diploma"]["serial"] = json!(IMAGE);
    let mine = dossiers::filled_draft(&engine, &client, &minh, dossiers::COPY, &data).await;
    let browser = Browser::start_at(PHONE, true).await;
    browser.log_in_citizen(&engine, MINH).await;

    // Thắng's dossier: not found, and nothing of it on the page (nor in Minh's list).
    assert!(!browser.has(&format!("li[data-id='{theirs}']")).await);
    browser
        .goto(&engine.at(&format!("/portal/ho-so/{theirs}")))
        .await;
    assert_eq!(browser.text("h1").await, "Không tìm thấy");
    assert!(browser.text("main").await.contains("Không tìm thấy hồ sơ"));
    let source = browser.client.source().await.expect("the page");
    assert!(!source.contains("HN-2025-001234"), "{source}");
    // The same with the session's cookie outside the browser: a 404, as the API answers.
    let cookie = browser
        .client
        .get_named_cookie("motcua_portal")
        .await
        .expect("the session cookie");
    let cookie = format!("motcua_portal={}", cookie.value());
    for path in [
        format!("/portal/ho-so/{theirs}"),
        "/portal/ho-so/not-an-id".into(),
    ] {
        let answer = client
            .get(engine.at(&path))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("an answer");
        assert_eq!(answer.status(), 404, "{path}");
    }

    // Minh's own markup is shown as the text it is and runs nothing.
    browser
        .goto(&engine.at(&format!("/portal/ho-so/{mine}")))
        .await;
    let shown = browser.text("#data").await;
    assert!(shown.contains(SCRIPT) && shown.contains(IMAGE), "{shown}");
    assert!(!browser.has("#data script, #data img").await);
    assert!(!browser.alert_open().await);
    assert_eq!(
        browser.run("return window.__xss === undefined").await,
        json!(true)
    );
    browser.close().await;
}

#[tokio::test]
async fn forged_posts_change_nothing_and_staff_get_no_portal_session() {
    let engine = Engine::start().await;
    let browser = Browser::start_at(PHONE, true).await;
    browser.log_in_citizen(&engine, MINH).await;
    let cookie = browser
        .client
        .get_named_cookie("motcua_portal")
        .await
        .expect("the session cookie");
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(format!("{:?}", cookie.same_site()), "Some(Lax)");
    assert_eq!(cookie.path(), Some("/portal"));

    // The logout form without its token, then with a made-up one: refused, still logged in.
    browser
        .run("document.querySelector('form.logout input[name=_csrf]').remove()")
        .await;
    browser.click_through("form.logout button").await;
    let page = browser.text("main").await;
    assert!(
        page.contains("CSRF") && page.contains("không có gì thay đổi"),
        "{page}"
    );
    browser.goto(&engine.at("/portal/ho-so")).await;
    browser
        .run("document.querySelector('form.logout input[name=_csrf]').value = 'forged'")
        .await;
    browser.click_through("form.logout button").await;
    assert!(browser.text("main").await.contains("CSRF"));
    browser.goto(&engine.at("/portal/ho-so")).await;
    assert!(browser.has("#who").await, "still logged in");

    // Another site's page posting the logout with this browser's cookie.
    let forged = format!(
        "data:text/html,<form method=post action='{}'></form>",
        engine.at("/portal/dang-xuat")
    );
    browser.goto(&forged).await;
    browser.run_through("document.forms[0].submit()").await;
    assert!(browser.text("body").await.contains("trang web khác"));
    // The cookie alone, without the browser: no token, refused.
    let answer = reqwest::Client::new()
        .post(engine.at("/portal/dang-xuat"))
        .header("cookie", format!("motcua_portal={}", cookie.value()))
        .form(&[("x", "")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 403);
    browser.goto(&engine.at("/portal/ho-so")).await;
    assert!(browser.has("#who").await, "still logged in");

    // A member of staff coming through the portal's login is told it is for citizens.
    browser
        .client
        .delete_all_cookies()
        .await
        .expect("cookies gone");
    browser
        .goto(&engine.at("/v1/auth/login?kind=staff&return_to=/portal/ho-so"))
        .await;
    browser.sign_in_at_provider(CLERK, "#notice").await;
    assert_eq!(browser.path().await, "/portal/dang-nhap");
    assert!(browser.text("#notice").await.contains("dành cho công dân"));
    assert!(browser
        .client
        .get_named_cookie("motcua_portal")
        .await
        .is_err());
    browser.close().await;
}

#[tokio::test]
async fn another_citizens_document_is_not_found_and_forged_form_posts_change_nothing() {
    let engine = Engine::start().await;
    let client = reqwest::Client::new();
    let thang = login(&engine, "citizen", THANG).await;
    let theirs = dossiers::submitted_correction(&engine, &client, &thang).await;
    let (_, dossier) =
        motcua_tests::api::get(&engine, &thang, &format!("/v1/dossiers/{theirs}")).await;
    let document = dossier["documents"][0]["id"]
        .as_str()
        .expect("a document")
        .to_owned();
    let minh = login(&engine, "citizen", MINH).await;
    let mine = dossiers::filled_copy_draft(&engine, &client, &minh).await;
    let browser = Browser::start_at(PHONE, true).await;
    browser.log_in_citizen(&engine, MINH).await;

    // Thắng's scan, by its address: not found for Minh; nor his form or its documents.
    for path in [
        format!("/portal/tai-lieu/{document}"),
        format!("/portal/ho-so/{theirs}/to-khai/1"),
        format!("/portal/ho-so/{theirs}/giay-to"),
        format!("/portal/ho-so/{theirs}/kiem-tra"),
    ] {
        browser.goto(&engine.at(&path)).await;
        assert_eq!(browser.text("h1").await, "Không tìm thấy", "{path}");
    }

    // Posts without the session's token: refused, nothing saved, nothing submitted.
    let cookie = browser
        .client
        .get_named_cookie("motcua_portal")
        .await
        .expect("the session cookie");
    let cookie = format!("motcua_portal={}", cookie.value());
    let forged = [
        (
            format!("/portal/ho-so/{mine}/to-khai/2"),
            vec![("/copies", "9")],
        ),
        (format!("/portal/ho-so/{mine}/nop"), vec![("key", "k1")]),
        (
            format!("/portal/ho-so/{mine}/thao-tac"),
            vec![("action", "withdraw")],
        ),
        (
            "/portal/thu-tuc/3.000465/bat-dau".to_owned(),
            vec![("key", "k2")],
        ),
    ];
    for (path, form) in forged {
        for token in [None, Some("forged")] {
            let mut form = form.clone();
            if let Some(token) = token {
                form.push(("_csrf", token));
            }
            let answer = client
                .post(engine.at(&path))
                .header("cookie", &cookie)
                .form(&form)
                .send()
                .await
                .expect("an answer");
            assert_eq!(answer.status(), 403, "{path} {token:?}");
        }
    }
    let (_, draft) = motcua_tests::api::get(&engine, &minh, &format!("/v1/dossiers/{mine}")).await;
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["data"]["copies"], 1);
    let (_, listed) = motcua_tests::api::get(&engine, &minh, "/v1/dossiers").await;
    assert_eq!(
        listed["items"].as_array().map(Vec::len),
        Some(1),
        "no new draft"
    );

    // Markup typed into a field is shown back as text on the form and the check page.
    browser
        .goto(&engine.at(&format!("/portal/ho-so/{mine}/to-khai/3")))
        .await;
    browser.fill("#f-diploma-issued_by", SCRIPT).await;
    browser.click_to("#next", "#continue").await;
    browser
        .goto(&engine.at(&format!("/portal/ho-so/{mine}/kiem-tra")))
        .await;
    assert!(browser.text("main").await.contains(SCRIPT));
    assert!(!browser.alert_open().await);
    assert_eq!(
        browser.run("return window.__xss === undefined").await,
        json!(true)
    );
    browser.close().await;
}
