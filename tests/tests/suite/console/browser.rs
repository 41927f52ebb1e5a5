//! The console's own steps in the shared browser (`crate::browser`): logging a member of
//! staff in and out, and its screenshots' folder.

pub use crate::browser::Browser;
use motcua_tests::Engine;

/// Where the console's screenshots go, under the build's target folder (docs/CONSOLE.md).
const SCREENSHOTS: &str = "console-screenshots";

impl Browser {
    /// Logs `username` in to the console at `engine`, through the identity provider's
    /// form, and waits for the queues page.
    pub async fn log_in(&self, engine: &Engine, username: &str) {
        self.goto(&engine.at("/console/")).await;
        let path = self.path().await;
        assert_eq!(
            path, "/console/login",
            "without a session the console asks to log in"
        );
        self.click_through("#login").await;
        self.sign_in_at_provider(username, "#who").await;
        assert_eq!(self.path().await, "/console/");
    }

    /// Logs out with the header's button; the login page says so.
    pub async fn log_out(&self) {
        self.click_through("form.logout button").await;
        assert_eq!(self.path().await, "/console/login");
        assert!(self.text("main").await.contains("Bạn đã đăng xuất"));
    }

    /// A PNG of the whole page in `target/console-screenshots/`.
    pub async fn screenshot(&self, name: &str) -> std::path::PathBuf {
        self.screenshot_to(SCREENSHOTS, name).await
    }
}
