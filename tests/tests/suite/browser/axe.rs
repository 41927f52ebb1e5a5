//! Accessibility checks in the browser: axe-core, taken from the npm registry at test time
//! into the build's target folder (never committed, never fetched by the engine), injected
//! into the page by the test (the page's own policy would run no script); and a walk with
//! the Tab key over every link, button and field of a page.

use super::{target_dir, Browser};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;
use std::sync::OnceLock;

/// The axe-core release the checks run (npm's `axe-core`).
const AXE_VERSION: &str = "4.14.1";

/// axe-core's script: installed with npm into `target/axe-core-{version}/` on first use.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = target_dir().join(format!("axe-core-{AXE_VERSION}"));
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.is_file() {
            std::fs::create_dir_all(&dir).expect("axe-core's folder");
            let status = Command::new("npm")
                .args([
                    "install",
                    "--no-save",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                ])
                .arg(&dir)
                .arg(format!("axe-core@{AXE_VERSION}"))
                .status()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot run npm ({e}): the accessibility checks take axe-core from the \
                         npm registry (scripts/test installs npm; by hand: apt-get install npm)"
                    )
                });
            assert!(
                status.success(),
                "npm install axe-core@{AXE_VERSION} failed"
            );
        }
        std::fs::read_to_string(&script).unwrap_or_else(|e| panic!("{}: {e}", script.display()))
    })
}

/// The serious and critical violations axe finds on the current page, one line each.
pub async fn violations(browser: &Browser) -> Vec<String> {
    if browser.run("return typeof window.axe").await != "object" {
        browser
            .client
            .execute(axe_source(), vec![])
            .await
            .expect("axe-core injected");
    }
    // Frames are documents of the citizen (a PDF's preview), not pages of the engine.
    let found = browser
        .client
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               axe.run(document, { iframes: false, resultTypes: ['violations'] })
                 .then(r => done(r.violations
                   .filter(v => v.impact === 'serious' || v.impact === 'critical')
                   .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' (' + v.helpUrl + ')' +
                     v.nodes.map(n => ' | ' + n.target.join(' ') + ': ' +
                       String(n.failureSummary).split('\n').join(' ')).join(''))))
                 .catch(e => done(['axe failed: ' + e]));"#,
            vec![],
        )
        .await
        .expect("axe ran");
    serde_json::from_value(found).expect("a list of violations")
}

/// Fails, printing them, on any serious or critical violation of the current page.
pub async fn assert_accessible(browser: &Browser, page: &str) {
    let found = violations(browser).await;
    assert!(
        found.is_empty(),
        "axe-core finds serious or critical problems on {page} ({}):\n{}",
        browser.path().await,
        found.join("\n")
    );
}

/// Presses Tab from the top of the page until every link, button and field (a set of radio
/// buttons once) has had the focus (or twice as many times as there are): those it never
/// reached.
pub async fn unreachable_by_keyboard(browser: &Browser) -> Vec<String> {
    let count = browser
        .run(
            "const all = Array.from(document.querySelectorAll(
               'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), \
                select:not([disabled]), textarea:not([disabled]), summary'))
               .filter(e => e.getClientRects().length > 0)
               // A set of radio buttons is one stop of the Tab key (the arrows move within
               // it): the one checked, else the first.
               .filter(e => e.type !== 'radio' || e === (
                 Array.from(document.getElementsByName(e.name)).find(r => r.checked)
                 || document.getElementsByName(e.name)[0]));
             all.forEach((e, i) => e.dataset.kb = String(i));
             if (document.activeElement) document.activeElement.blur();
             window.scrollTo(0, 0);
             return all.length",
        )
        .await
        .as_u64()
        .unwrap_or(0);
    let mut reached = BTreeSet::new();
    for _ in 0..count * 2 + 10 {
        if reached.len() as u64 == count {
            break;
        }
        // The keyboard's own Tab (an element's keys would go into a file field as its path).
        let tab: char = fantoccini::key::Key::Tab.into();
        let press = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: tab })
            .then(KeyAction::Up { value: tab });
        browser.client.perform_actions(press).await.expect("a Tab");
        if let Value::String(kb) = browser
            .run("const a = document.activeElement; return a && a.dataset ? (a.dataset.kb || null) : null")
            .await
        {
            reached.insert(kb);
        }
    }
    let reached: Vec<String> = reached.into_iter().collect();
    let missed = browser
        .client
        .execute(
            "const reached = arguments[0];
             return Array.from(document.querySelectorAll('[data-kb]'))
               .filter(e => !reached.includes(e.dataset.kb))
               .map(e => e.outerHTML.slice(0, 160))",
            vec![serde_json::json!(reached)],
        )
        .await
        .expect("the elements missed");
    serde_json::from_value(missed).expect("a list")
}

/// Both checks on the current page: axe-core's, and every action reachable with Tab.
pub async fn assert_accessible_by_keyboard(browser: &Browser, page: &str) {
    assert_accessible(browser, page).await;
    let missed = unreachable_by_keyboard(browser).await;
    assert!(
        missed.is_empty(),
        "on {page}, the Tab key never reaches:\n{}",
        missed.join("\n")
    );
}
