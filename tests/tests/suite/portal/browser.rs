//! The portal's own steps in the shared browser (`crate::browser`): a citizen's login, and
//! the portal's screenshots' folder; and the dossiers the tests need, made through the API.

pub use crate::browser::{Browser, DESKTOP, PHONE};
use motcua_tests::accounts::CLERK;
use motcua_tests::api::act;
use motcua_tests::{dossiers, login, Engine, Session};
use serde_json::json;

/// Where the portal's screenshots go, under the build's target folder (docs/PORTAL.md).
const SCREENSHOTS: &str = "portal-screenshots";

/// The items a clerk asks the citizen to supplement.
pub const ASKED: [&str; 2] = [
    "Bản sao giấy khai sinh",
    "Số hiệu văn bằng đúng như trên văn bằng",
];

impl Browser {
    /// Logs the citizen `username` in to the portal from "Hồ sơ của tôi", through the
    /// identity provider's form, and waits for their dossiers.
    pub async fn log_in_citizen(&self, engine: &Engine, username: &str) {
        self.goto(&engine.at("/portal/ho-so")).await;
        assert_eq!(
            self.path().await,
            "/portal/dang-nhap",
            "without a session the portal asks to log in"
        );
        self.click_through("#login").await;
        self.sign_in_at_provider(username, "#who").await;
        assert_eq!(self.path().await, "/portal/ho-so");
    }

    /// A PNG of the whole page in `target/portal-screenshots/`.
    pub async fn portal_screenshot(&self, name: &str) -> std::path::PathBuf {
        self.screenshot_to(SCREENSHOTS, name).await
    }
}

/// What a citizen has to list: a diploma-copy draft, and a diploma copy submitted, its
/// code's, and a supplement asked for at reception (the items of [`ASKED`]). Returns the
/// draft's id, the submitted one's and its code.
pub async fn dossiers_of(engine: &Engine, citizen: &Session) -> (String, String, String) {
    let client = reqwest::Client::new();
    let draft = dossiers::filled_copy_draft(engine, &client, citizen).await;
    let filed = dossiers::submitted_copy(engine, &client, citizen).await;
    let clerk = login(engine, "staff", CLERK).await;
    let (status, answer) = act(
        engine,
        &clerk,
        &filed,
        "request_supplement",
        json!({ "comment": "Thiếu giấy tờ chứng minh", "data": { "items": ASKED } }),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let (_, dossier) =
        motcua_tests::api::get(engine, citizen, &format!("/v1/dossiers/{filed}")).await;
    let code = dossier["code"].as_str().expect("a code").to_owned();
    (draft, filed, code)
}

impl Browser {
    /// Clicks `css` and waits for `then`, which the page did not have before: a form posted
    /// back to the same address (a refusal shown beside its fields), without running any
    /// script in the page.
    pub async fn click_until(&self, css: &str, then: &str) {
        assert!(
            !self.has(then).await,
            "{then} is there before clicking {css}"
        );
        self.click(css).await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !self.has(then).await {
            assert!(
                std::time::Instant::now() < deadline,
                "no {then} after clicking {css} (at {})",
                self.path().await
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// The dossier's id in the address of one of its pages (`/portal/ho-so/{id}/…`).
    pub async fn dossier_in_path(&self) -> String {
        let path = self.path().await;
        path.strip_prefix("/portal/ho-so/")
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no dossier in {path}"))
            .to_owned()
    }
}
