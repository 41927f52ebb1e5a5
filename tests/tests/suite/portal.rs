//! The citizen portal (issue 28) in a real browser, as the console's tests run (the suite's
//! shared `browser` module: Debian's Chromium, headless, through chromedriver), at a phone's
//! viewport (390×844) and a desktop's. Screenshots at phone width go to
//! `target/portal-screenshots/` (docs/PORTAL.md).

mod accessibility;
mod browser;
mod form;
mod guards;
mod journey;
mod language;
mod no_javascript;
mod sessions;
mod slips;
mod submit_once;
mod thpt;
