//! The citizen portal's pages: citizens (residents of the simulator's register, logged in to
//! the portal through the simulator, each with its own cookie jar as a browser has), each
//! with a diploma-copy draft and [`SUBMITTED`] submitted diploma copies, read two pages in
//! turn: a page of their draft's form (`GET /portal/ho-so/{id}/to-khai/3`, the diploma's
//! questions, with the values saved) and "my dossiers" (`GET /portal/ho-so`: every dossier
//! with its state, code, dates and next step).
//!
//! One operation is one page; operation `n` is citizen `n % citizens`'s, the form page and
//! "my dossiers" in turn. Each page has its latency line: the target (issue 28) is p99 ≤ 50
//! ms for each, measured from the load generator on the same machine (an upper bound of the
//! server's time). Every answer is checked: a 200 whose page does not show what it must (the
//! saved serial on the form page; every dossier's link and every submitted code on "my
//! dossiers") counts as failed (the console's `WRONG_PAGE`). Before the load the form page's weight is
//! printed: its HTML and the stylesheet it links, the only other thing it loads (no script,
//! image or font). No ceiling: the pages are several statements and rendering.

use super::citizens::Citizens;
use super::console::checked;
use super::cpu::CpuTimes;
use super::drive::{drive, Answer, Arrivals, PerKind, Plan};
use super::Setup;
use motcua_sim::register::Population;
use motcua_tests::dossiers::{copy_data, COPY};
use motcua_tests::engine::THPT_WINDOW_2025;
use motcua_tests::{portal_browser, Engine};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

/// Submitted dossiers each citizen has beside the draft: a citizen files a few a year.
const SUBMITTED: usize = 3;

/// The form page read: the diploma copy's third, the diploma's questions.
const FORM_PAGE: usize = 3;

/// What the form page must show: the diploma's serial the draft was filled with.
const SERIAL: &str = "HN-2025-001234";

/// The target (issue 28): each page's p99.
const TARGET_P99_MS: f64 = 50.0;

/// The target (issue 28): the form page's weight before documents.
const TARGET_WEIGHT: usize = 100 * 1024;

/// At most this many citizens log in (open loop: [`OPEN_LOOP_CITIZENS`]).
const MOST_CITIZENS: usize = 200;
const OPEN_LOOP_CITIZENS: usize = 32;

/// The two pages, each with its latency line.
const PAGES: [&str; 2] = ["form page", "my dossiers"];

/// One citizen: the portal's cookie jar, the draft, and the submitted dossiers' ids and codes.
struct Citizen {
    browser: reqwest::Client,
    draft: Uuid,
    submitted: Vec<(Uuid, String)>,
}

pub async fn run(setup: Setup, plan: Plan) -> anyhow::Result<()> {
    let (engine, _pool, _) = setup.into_parts();
    let count = match plan.arrivals {
        Arrivals::Closed { clients } => clients.clamp(1, MOST_CITIZENS),
        Arrivals::Open { .. } => OPEN_LOOP_CITIZENS,
    };
    eprintln!("preparing {count} citizens, each with a draft and {SUBMITTED} dossiers …");
    let citizens = prepare_citizens(&engine, count).await?;
    let weight = form_page_weight(&citizens[0], &engine.url).await?;
    println!(
        "portal: {} citizens (residents of the simulator's register, logged in to the portal \
         through the simulator), each with a diploma-copy draft and {SUBMITTED} submitted \
         diploma copies, reading page {FORM_PAGE} of their draft's form and \"my dossiers\" \
         in turn; {:?}, at most {} pages; latency from the load generator on the same \
         machine (an upper bound of the server's time)",
        citizens.len(),
        plan.arrivals,
        plan.operations,
    );
    println!(
        "  weight:  form page {} bytes of HTML + {} bytes of stylesheet = {} bytes ({:.1} KB; \
         no script, image or font; target under {} KB before documents)",
        weight.html,
        weight.stylesheet,
        weight.html + weight.stylesheet,
        (weight.html + weight.stylesheet) as f64 / 1024.0,
        TARGET_WEIGHT / 1024,
    );
    let citizens = Arc::new(citizens);
    let base = engine.url.clone();
    let times = Arc::new(PerKind::new(&PAGES));
    let cpu_before = CpuTimes::now(engine.pid());
    let per_page = times.clone();
    let figures = drive(plan, move |n| {
        let (citizens, base, times) = (citizens.clone(), base.clone(), per_page.clone());
        async move {
            let n = usize::try_from(n).expect("fits usize");
            let citizen = &citizens[n % citizens.len()];
            let turn = (n / citizens.len()) % 2;
            let sent = Instant::now();
            let answer = if turn == 0 {
                form_page(citizen, &base).await.0
            } else {
                my_dossiers(citizen, &base).await
            };
            if answer.ok() {
                times.record(turn, sent.elapsed());
            }
            answer
        }
    })
    .await;
    let cpu_after = CpuTimes::now(engine.pid());
    println!("  engine:  {}", figures.summary());
    times.print();
    println!(
        "  cpu:     {}",
        cpu_before.per_operation(&cpu_after, figures.succeeded)
    );
    println!("  target:  each page p99 ≤ {TARGET_P99_MS} ms");
    anyhow::ensure!(
        figures.failed.is_empty(),
        "pages failed: {:?}",
        figures.failed
    );
    anyhow::ensure!(
        weight.html + weight.stylesheet < TARGET_WEIGHT,
        "the form page weighs more than the target"
    );
    Ok(())
}

/// Makes `count` citizens of the register's living adults: their dossiers through the API
/// (tokens minted by the login's code), then a login to the portal through the simulator;
/// each page is read once, unmeasured, and checked.
async fn prepare_citizens(engine: &Engine, count: usize) -> anyhow::Result<Vec<Citizen>> {
    let on = chrono::DateTime::parse_from_rfc3339(THPT_WINDOW_2025)?.date_naive();
    let pins = Population::shared().living_adult_pins(on);
    anyhow::ensure!(pins.len() >= count, "the register has too few adults");
    let tokens = Citizens::new();
    let api = super::client();
    let base = engine.url.as_str();
    let mut prepared = Vec::with_capacity(count);
    for pin in pins.iter().take(count) {
        let token = tokens.token(pin);
        let mut submitted = Vec::with_capacity(SUBMITTED);
        for _ in 0..SUBMITTED {
            let id = copy_draft(&api, base, &token).await?;
            let answer = api
                .post(format!("{base}/v1/dossiers/{id}/submit"))
                .bearer_auth(&token)
                .header("idempotency-key", Uuid::new_v4().to_string())
                .send()
                .await?;
            anyhow::ensure!(
                answer.status() == 200,
                "a submit answered {}",
                answer.status()
            );
            let dossier: Value = answer.json().await?;
            let code = dossier["code"].as_str().unwrap_or_default().to_owned();
            submitted.push((id, code));
        }
        let citizen = Citizen {
            browser: portal_browser(engine, pin).await,
            draft: copy_draft(&api, base, &token).await?,
            submitted,
        };
        for answer in [
            form_page(&citizen, base).await.0,
            my_dossiers(&citizen, base).await,
        ] {
            anyhow::ensure!(answer.ok(), "a portal page answered {}", answer.status);
        }
        prepared.push(citizen);
    }
    Ok(prepared)
}

/// A diploma-copy draft of the citizen with `token`, filled in: its id.
async fn copy_draft(api: &reqwest::Client, base: &str, token: &str) -> anyhow::Result<Uuid> {
    let created = api
        .post(format!("{base}/v1/dossiers"))
        .bearer_auth(token)
        .json(&json!({ "procedure": COPY }))
        .send()
        .await?;
    anyhow::ensure!(
        created.status() == 201,
        "a create answered {}",
        created.status()
    );
    let id = super::dossier_id(&created.bytes().await?)
        .ok_or_else(|| anyhow::anyhow!("a new draft without an id"))?;
    let patched = api
        .patch(format!("{base}/v1/dossiers/{id}"))
        .bearer_auth(token)
        .header("content-type", "application/merge-patch+json")
        .body(copy_data().to_string())
        .send()
        .await?;
    anyhow::ensure!(
        patched.status() == 200,
        "a patch answered {}",
        patched.status()
    );
    Ok(id)
}

/// The bytes a browser fetches for the form page before any document: the HTML and the
/// stylesheet it links.
struct Weight {
    html: usize,
    stylesheet: usize,
}

async fn form_page_weight(citizen: &Citizen, base: &str) -> anyhow::Result<Weight> {
    let (answer, html) = form_page(citizen, base).await;
    anyhow::ensure!(answer.ok(), "the form page answered {}", answer.status);
    let stylesheet = citizen
        .browser
        .get(format!("{base}/portal/style.css"))
        .send()
        .await?
        .bytes()
        .await?;
    Ok(Weight {
        html,
        stylesheet: stylesheet.len(),
    })
}

/// The draft's form page: it must show the diploma's serial saved. Answers its length too.
async fn form_page(citizen: &Citizen, base: &str) -> (Answer, usize) {
    let url = format!("{base}/portal/ho-so/{}/to-khai/{FORM_PAGE}", citizen.draft);
    let (answer, body) = Answer::with_body(citizen.browser.get(url)).await;
    (
        checked(answer, &body, |page| page.contains(SERIAL)),
        body.len(),
    )
}

/// "My dossiers": it must link the draft and every submitted dossier, and show their codes.
async fn my_dossiers(citizen: &Citizen, base: &str) -> Answer {
    let (answer, body) =
        Answer::with_body(citizen.browser.get(format!("{base}/portal/ho-so"))).await;
    let shows = |page: &str| {
        page.contains(&format!("/portal/ho-so/{}", citizen.draft))
            && citizen.submitted.iter().all(|(id, code)| {
                page.contains(&format!("/portal/ho-so/{id}")) && page.contains(code.as_str())
            })
    };
    checked(answer, &body, shows)
}
