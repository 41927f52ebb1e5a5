//! The one-stop console (issue 27) in a real browser: Debian's Chromium, headless, driven
//! through chromedriver (WebDriver) by fantoccini. Each test starts its own engine and its
//! own browser (the suite's shared `browser` module); a browser that cannot start fails the
//! test with what to install, never skips it. Screenshots go to
//! `target/console-screenshots/` (docs/CONSOLE.md).

mod accessibility;
mod at_scale;
mod browser;
mod counter;
mod guards;
mod journey;
mod national;
mod no_javascript;
mod reports;
mod sessions;
