//! A headless Chromium for one test, and the few things the browser tests of the console and
//! the portal do with it: sign in at the identity provider's form, click, fill, read, take
//! screenshots (each set of pages into its own folder), check accessibility (`axe`).

pub mod axe;

use fantoccini::{Client, ClientBuilder, Locator};
use motcua_tests::engine::tempdir::TempDir;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A window's size in CSS pixels.
#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
}

/// A desktop's window, as the console's screenshots are taken.
pub const DESKTOP: Viewport = Viewport {
    width: 1366,
    height: 900,
};

/// A phone's (an iPhone 12 to 15's CSS size): where most citizens meet the portal.
pub const PHONE: Viewport = Viewport {
    width: 390,
    height: 844,
};

pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: TempDir,
    viewport: Viewport,
}

/// A program on the PATH or in Debian's place for it.
fn program(name: &str, debian: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    on_path
        .or_else(|| Some(PathBuf::from(debian)).filter(|p| p.is_file()))
        .unwrap_or_else(|| {
            panic!(
                "{name} is not installed: the browser tests need Debian's chromium \
                 and chromium-driver (scripts/test installs them; by hand: \
                 apt-get install chromium chromium-driver)"
            )
        })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium at desktop size; panics, saying why, if
    /// either cannot.
    pub async fn start() -> Browser {
        Browser::launch(true, DESKTOP).await
    }

    /// The same, with JavaScript turned off in Chromium: pages run none of their own (the
    /// test's helpers that run scripts in the page are not for it).
    pub async fn start_without_javascript() -> Browser {
        Browser::launch(false, DESKTOP).await
    }

    /// A browser whose window is `viewport`, with JavaScript on or off.
    pub async fn start_at(viewport: Viewport, javascript: bool) -> Browser {
        Browser::launch(javascript, viewport).await
    }

    async fn launch(javascript: bool, viewport: Viewport) -> Browser {
        let Viewport { width, height } = viewport;
        let chromium = program("chromium", "/usr/bin/chromium");
        let chromedriver = program("chromedriver", "/usr/bin/chromedriver");
        let port = free_port();
        let profile = TempDir::new();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let webdriver = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while reqwest::get(format!("{webdriver}/status")).await.is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not answer on {webdriver} within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new",
                    // The tests run as root in a container: Chromium's sandbox needs a
                    // user namespace it does not get there.
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--lang=vi",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.0.join("chromium").display()),
                ],
            },
        });
        if !javascript {
            // Chromium's own setting for sites' JavaScript, as a policy sets it ("block"):
            // pages run none of their scripts; WebDriver's commands still work.
            capabilities["goog:chromeOptions"]["prefs"] =
                json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object")
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "Chromium ({}) did not start through chromedriver: {e}",
                    chromium.display()
                )
            });
        client
            .set_window_size(width, height)
            .await
            .expect("the window's size");
        Browser {
            client,
            driver,
            profile,
            viewport,
        }
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigation");
    }

    /// Signs `username` in on the identity provider's own form (the simulator's, whose
    /// accounts share one password), and waits until the browser is back at `landed_on`
    /// (an element of the page the login returns to).
    pub async fn sign_in_at_provider(&self, username: &str, landed_on: &str) {
        self.fill("#username", username).await;
        self.fill("#password", "matkhau").await;
        self.click("button[type=submit]").await;
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(landed_on))
            .await
            .unwrap_or_else(|e| panic!("no {landed_on} after {username}'s login: {e}"));
    }

    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("the current URL")
            .path()
            .to_owned()
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => {
                let page = self.client.source().await.unwrap_or_default();
                panic!("no {css} on {}: {e}\n{page}", self.path().await)
            }
        }
    }

    pub async fn has(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("a search")
            .is_empty()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .expect("an element's text")
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.expect("an attribute")
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.expect("a click");
    }

    /// Clicks what submits a form or follows a link, and waits for the next page: a click
    /// returns once the browser has taken it, which can be before the navigation it starts.
    pub async fn click_through(&self, css: &str) {
        self.run("window.__motcuaOldPage = true").await;
        self.click(css).await;
        self.wait_for_new_page(css).await;
    }

    /// Clicks `css` and waits for a page at another address that has `then`, without
    /// running any script in the page (for a browser whose JavaScript is off).
    pub async fn click_to(&self, css: &str, then: &str) {
        let before = self.client.current_url().await.expect("a URL");
        self.click(css).await;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let now = self.client.current_url().await.ok();
            if now.is_some_and(|u| u != before) && self.has(then).await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no page with {then} after clicking {css} (at {})",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs `script`, which navigates (submits a form), and waits for the next page.
    pub async fn run_through(&self, script: &str) {
        self.run("window.__motcuaOldPage = true").await;
        self.run(script).await;
        self.wait_for_new_page(script).await;
    }

    /// Waits until the page marked old has been replaced and the new one has loaded.
    async fn wait_for_new_page(&self, after: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let loaded = self
                .client
                .execute(
                    "return window.__motcuaOldPage === undefined && document.readyState === 'complete'",
                    vec![],
                )
                .await;
            // During the navigation the script may find no document to run in.
            if matches!(loaded, Ok(Value::Bool(true))) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no new page within 20 s after {after}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Moves the focus with the Tab key alone until it is on `css` (at most `tabs` presses):
    /// whether it got there.
    pub async fn tab_to(&self, css: &str, tabs: usize) -> bool {
        let at_target = format!(
            "return document.activeElement !== null && document.activeElement.matches({})",
            Value::String(css.to_owned())
        );
        for _ in 0..tabs {
            if self.run(&at_target).await == Value::Bool(true) {
                return true;
            }
            self.press(fantoccini::key::Key::Tab).await;
        }
        self.run(&at_target).await == Value::Bool(true)
    }

    /// Presses Enter on the focused element and waits for the page it leads to.
    pub async fn press_enter_through(&self) {
        self.run("window.__motcuaOldPage = true").await;
        self.press(fantoccini::key::Key::Enter).await;
        self.wait_for_new_page("Enter").await;
    }

    /// Sends `key` to the focused element, as a keyboard does.
    async fn press(&self, key: fantoccini::key::Key) {
        let focused = self
            .client
            .active_element()
            .await
            .expect("a focused element");
        focused
            .send_keys(&key.to_string())
            .await
            .unwrap_or_else(|e| panic!("pressing {key:?}: {e}"));
    }

    /// Chooses the option `value` of the list `css`.
    /// Chooses `value` in the choice `css`: an option of a list (`select`), or the radio
    /// button of that value in a set of them (a short choice is radios, a long one a list).
    pub async fn select(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        let tag = field.tag_name().await.expect("the field's tag");
        if tag.eq_ignore_ascii_case("select") {
            field
                .select_by_value(value)
                .await
                .unwrap_or_else(|e| panic!("no option {value} in {css}: {e}"));
        } else {
            self.find(&format!("{css} input[type=radio][value='{value}']"))
                .await
                .click()
                .await
                .unwrap_or_else(|e| panic!("no radio {value} in {css}: {e}"));
        }
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("a cleared field");
        field.send_keys(text).await.expect("typing");
    }

    /// Runs `script` in the page (as a test, not as the page: the page's own policy runs
    /// no script).
    pub async fn run(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("a script")
    }

    /// A PNG of the viewport's whole page, as `name`.png in `target/{folder}/`.
    pub async fn screenshot_to(&self, folder: &str, name: &str) -> PathBuf {
        let Viewport { width, height } = self.viewport;
        // The whole page, not just the first screen: the window grows to the page's height.
        let page_height = self
            .run("return document.documentElement.scrollHeight")
            .await
            .as_u64()
            .unwrap_or(u64::from(height));
        // The window's height includes the browser's own frame: some room to spare.
        let page_height = u32::try_from(page_height)
            .unwrap_or(height)
            .saturating_add(160)
            .clamp(height, 8000);
        self.client
            .set_window_size(width, page_height)
            .await
            .expect("a window size");
        let png = self.client.screenshot().await.expect("a screenshot");
        self.client
            .set_window_size(width, height)
            .await
            .expect("a window size");
        let dir = target_dir().join(folder);
        std::fs::create_dir_all(&dir).expect("the screenshots folder");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot written");
        path
    }

    /// A file the browser can upload.
    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.profile.0.join(name);
        std::fs::write(&path, bytes).expect("a file to upload");
        path
    }

    pub async fn upload(&self, css: &str, path: &Path) {
        self.find(css)
            .await
            .send_keys(&path.display().to_string())
            .await
            .expect("a file chosen");
    }

    /// Whether an alert is open (a script ran `alert`).
    pub async fn alert_open(&self) -> bool {
        self.client.get_alert_text().await.is_ok()
    }

    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A test that panicked did not close: chromedriver goes, and takes its Chromium.
        let _ = self.driver.kill();
    }
}

/// `target/` of the build the tests run from (CARGO_TARGET_DIR's when it is set): where
/// screenshots and axe-core go.
pub fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/<test binary>
    exe.ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"))
}
