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
