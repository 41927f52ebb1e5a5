//! axe-core on every portal page, at a phone's width and a desktop's (no serious or
//! critical violation), and the Tab key reaching every link, button and field of the
//! catalogue and "my dossiers".

use super::browser::{dossiers_of, Browser, DESKTOP, PHONE};
use crate::browser::axe::{assert_accessible, assert_accessible_by_keyboard};
use motcua_tests::accounts::MINH;
use motcua_tests::{login, Engine};

#[tokio::test]
async fn every_portal_page_passes_axe_at_phone_and_desktop_width() {
    let engine = Engine::start().await;
    let minh = login(&engine, "citizen", MINH).await;
    let (draft, filed, _) = dossiers_of(&engine, &minh).await;
    for viewport in [PHONE, DESKTOP] {
        let browser = Browser::start_at(viewport, true).await;
        let public = [
            ("the catalogue", "/portal/"),
            ("a search", "/portal/?q=cap+ban+sao+bang"),
            ("a search finding nothing", "/portal/?q=ho+chieu"),
            ("the diploma copy", "/portal/thu-tuc/3.000465"),
            ("the exam registration", "/portal/thu-tuc/1.005142"),
            (
                "a procedure that does not exist",
                "/portal/thu-tuc/9.999999",
            ),
            ("the login", "/portal/dang-nhap"),
            ("a page that does not exist", "/portal/khong-co"),
        ];
        for (what, path) in public {
            browser.goto(&engine.at(path)).await;
            assert_accessible(&browser, what).await;
        }
        browser.goto(&engine.at("/portal/")).await;
        assert_accessible_by_keyboard(&browser, "the catalogue").await;

        browser.log_in_citizen(&engine, MINH).await;
        assert_accessible_by_keyboard(&browser, "my dossiers").await;
        for (what, id) in [
            ("a dossier owing a supplement", &filed),
            ("a draft", &draft),
        ] {
            browser
                .goto(&engine.at(&format!("/portal/ho-so/{id}")))
                .await;
            assert_accessible(&browser, what).await;
        }
        browser
            .goto(&engine.at("/portal/ho-so/00000000-0000-0000-0000-000000000000"))
            .await;
        assert_accessible(&browser, "another citizen's dossier").await;

        // The form's pages, with and without a refusal, its documents, the check page, the
        // receipt; the keyboard reaches every field of a form page.
        for n in 1..=3 {
            browser
                .goto(&engine.at(&format!("/portal/ho-so/{draft}/to-khai/{n}")))
                .await;
            assert_accessible(&browser, &format!("the form's page {n}")).await;
        }
        assert_accessible_by_keyboard(&browser, "the form's last page").await;
        browser
            .goto(&engine.at(&format!("/portal/ho-so/{draft}/to-khai/1")))
            .await;
        browser.fill("#f-applicant-phone", "12").await;
        browser.click_until("#next", "#error-summary").await;
        assert_accessible(&browser, "a form page with a refusal").await;
        for (what, page) in [("the documents", "giay-to"), ("the check page", "kiem-tra")] {
            browser
                .goto(&engine.at(&format!("/portal/ho-so/{draft}/{page}")))
                .await;
            assert_accessible(&browser, what).await;
        }
        assert_accessible_by_keyboard(&browser, "the check page").await;
        browser
            .goto(&engine.at(&format!("/portal/ho-so/{filed}?da_nop=1")))
            .await;
        assert_accessible(&browser, "the receipt").await;
        for kind in ["supplement", "control"] {
            browser
                .goto(&engine.at(&format!("/portal/ho-so/{filed}/phieu/{kind}")))
                .await;
            assert_accessible(&browser, &format!("the {kind} slip")).await;
        }
        browser.close().await;
    }
}
