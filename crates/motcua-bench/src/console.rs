//! The console's pages at a backlog: the desk's queue of the diploma copy holds a backlog of
//! submitted dossiers (the claim scenario's [`Backlog`], 1,000,000 by default), and desk
//! clerks (accounts `motcua.tiepnhan.NN`, logged in to the console through the simulator,
//! each with its own cookie jar as a browser has) read their pages: the queues page
//! (`GET /console/`: every queue of the clerk's roles with its count, unclaimed, overdue and
//! oldest deadline, and the dossiers the clerk holds) and a dossier page
//! (`GET /console/dossiers/{id}`: the citizen's data, documents, timeline, legal clock and
//! actions; a staff read, so it writes the citizen's access log). Before the load each clerk
//! claims [`HELD`] dossiers through the API and each of those gets the template's documents,
//! so that the held list and the dossier page are what a working desk sees.
//!
//! One operation is one page; operation `n` is clerk `n % clerks`'s, the queues page and a
//! dossier page in turn. Each kind has its latency line: the target (issue 27) is p99 ≤ 50 ms
//! for each, measured here from the load generator on the same machine, so the engine's time
//! plus the loopback and the load generator's own (an upper bound of the server's time).
//! Every answer is checked: a 200 whose page does not show what it must (the queue's row and
//! every held dossier on the queues page, the dossier's code on its page) counts as failed
//! ([`WRONG_PAGE`]). No ceiling: the pages are several statements and rendering, not one
//! statement pgbench could repeat.

use super::claim::{clerks, Backlog, CLERK_ACCOUNTS, QUEUE};
use super::cpu::CpuTimes;
use super::drive::{drive, Answer, Arrivals, PerKind, Plan};
use super::Setup;
use motcua_tests::accounts::pool_clerk;
use motcua_tests::{console_browser, Engine};
use serde_json::Value;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

/// Not an HTTP status: a 200 whose page lacks what it must show. Counted as a failure.
pub const WRONG_PAGE: u16 = 1200;

/// Dossiers each clerk holds while reading the pages: a desk works a few at a time.
const HELD: usize = 5;

/// The target (issue 27): each page's p99 at 1,000,000 dossiers.
const TARGET_P99_MS: f64 = 50.0;

/// The two pages, each with its latency line.
const PAGES: [&str; 2] = ["queues page", "dossier page"];

/// One clerk: the console's cookie jar and the dossiers held, with their codes.
struct Clerk {
    browser: reqwest::Client,
    held: Vec<(Uuid, String)>,
}

pub async fn run(setup: Setup, plan: Plan, backlog_depth: u64) -> anyhow::Result<()> {
    let (engine, pool, _) = setup.into_parts();
    eprintln!("preparing a backlog of {backlog_depth} submitted diploma-copy dossiers …");
    let backlog = Backlog::prepare(&engine, &pool, backlog_depth).await;
    let clerk_count = match plan.arrivals {
        Arrivals::Closed { clients } => clients.clamp(1, CLERK_ACCOUNTS),
        Arrivals::Open { .. } => 8,
    };
    let clerks = prepare_clerks(&engine, &pool, backlog.template(), clerk_count).await?;
    // The copies left gigabytes of dirty pages: written out now, as a server that has been
    // running has them, not during the measured minute (where the dossier page's commit
    // would wait behind them).
    if let Err(e) = sqlx::query("checkpoint").execute(&pool).await {
        eprintln!("no checkpoint before the load ({e}): the first pages may wait for the disk");
    }
    let (open,): (i64,) =
        sqlx::query_as("select count(*) from dossier where closed_at is null and state <> 'draft'")
            .fetch_one(&pool)
            .await?;
    println!(
        "console: {} desk clerks (motcua.tiepnhan.NN, logged in to the console through the \
         simulator), each holding {HELD} dossiers, reading the queues page and a dossier page \
         in turn; {open} open dossiers, the queue {QUEUE} holding the backlog; {:?}, at most {} \
         pages; latency from the load generator on the same machine (an upper bound of the \
         server's time)",
        clerks.len(),
        plan.arrivals,
        plan.operations,
    );
    let clerks = Arc::new(clerks);
    let base = engine.url.clone();
    let times = Arc::new(PerKind::new(&PAGES));
    let cpu_before = CpuTimes::now(engine.pid());
    let per_page = times.clone();
    let figures = drive(plan, move |n| {
        let (clerks, base, times) = (clerks.clone(), base.clone(), per_page.clone());
        async move {
            let n = usize::try_from(n).expect("fits usize");
            let clerk = &clerks[n % clerks.len()];
            let turn = n / clerks.len();
            let sent = Instant::now();
            let answer = if turn % 2 == 0 {
                queues_page(clerk, &base).await
            } else {
                let (id, code) = &clerk.held[(turn / 2) % clerk.held.len()];
                dossier_page(clerk, &base, *id, code).await
            };
            if answer.ok() {
                times.record(turn % 2, sent.elapsed());
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
    println!(
        "  target:  each page p99 ≤ {TARGET_P99_MS} ms with 1,000,000 dossiers (this run: {open})"
    );
    anyhow::ensure!(
        figures.failed.is_empty(),
        "pages failed: {:?}",
        figures.failed
    );
    Ok(())
}

/// Logs `count` clerks in to the console, each claiming [`HELD`] dossiers through the API,
/// which then get the template's documents; each page is read once, unmeasured, and checked.
async fn prepare_clerks(
    engine: &Engine,
    pool: &PgPool,
    template: Uuid,
    count: usize,
) -> anyhow::Result<Vec<Clerk>> {
    let tokens = clerks(engine, count).await;
    let api = super::client();
    let mut prepared = Vec::with_capacity(tokens.len());
    for (n, token) in tokens.iter().enumerate() {
        let mut held = Vec::with_capacity(HELD);
        for _ in 0..HELD {
            let answer = api
                .post(engine.at(&format!("/v1/queues/{QUEUE}/claim")))
                .bearer_auth(token)
                .send()
                .await?;
            anyhow::ensure!(
                answer.status() == 200,
                "a claim answered {}",
                answer.status()
            );
            let dossier: Value = answer.json().await?;
            let id: Uuid = dossier["id"].as_str().unwrap_or_default().parse()?;
            let code = dossier["code"].as_str().unwrap_or_default().to_owned();
            held.push((id, code));
        }
        let ids: Vec<Uuid> = held.iter().map(|(id, _)| *id).collect();
        sqlx::query(
            "insert into dossier_document
             select r.*
             from unnest($2::uuid[]) as h(id)
             cross join dossier_document t
             cross join lateral jsonb_populate_record(null::dossier_document,
                 to_jsonb(t) || jsonb_build_object('dossier_id', h.id)) r
             where t.dossier_id = $1",
        )
        .bind(template)
        .bind(&ids)
        .execute(pool)
        .await?;
        let clerk = Clerk {
            browser: console_browser(engine, &pool_clerk(n + 1)).await,
            held,
        };
        let base = engine.url.as_str();
        let checked = [queues_page(&clerk, base).await]
            .into_iter()
            .chain(dossier_pages(&clerk, base).await);
        for answer in checked {
            anyhow::ensure!(answer.ok(), "a console page answered {}", answer.status);
        }
        prepared.push(clerk);
    }
    Ok(prepared)
}

/// Each of the clerk's dossier pages, once.
async fn dossier_pages(clerk: &Clerk, base: &str) -> Vec<Answer> {
    let mut answers = Vec::with_capacity(clerk.held.len());
    for (id, code) in &clerk.held {
        answers.push(dossier_page(clerk, base, *id, code).await);
    }
    answers
}

/// The queues page: it must show the backlog's queue and every dossier the clerk holds.
async fn queues_page(clerk: &Clerk, base: &str) -> Answer {
    let (answer, body) = Answer::with_body(clerk.browser.get(format!("{base}/console/"))).await;
    let shows = |page: &str| {
        page.contains(&format!("data-queue=\"{QUEUE}\""))
            && clerk
                .held
                .iter()
                .all(|(id, _)| page.contains(&format!("/console/dossiers/{id}")))
    };
    checked(answer, &body, shows)
}

/// A dossier page: it must show the dossier's code.
async fn dossier_page(clerk: &Clerk, base: &str, id: Uuid, code: &str) -> Answer {
    let (answer, body) =
        Answer::with_body(clerk.browser.get(format!("{base}/console/dossiers/{id}"))).await;
    checked(answer, &body, |page| page.contains(code))
}

/// `answer`, or [`WRONG_PAGE`] when it is a 200 whose page fails `shows` (the portal's
/// pages are checked the same way).
pub fn checked(answer: Answer, body: &[u8], shows: impl Fn(&str) -> bool) -> Answer {
    if answer.ok() && !std::str::from_utf8(body).is_ok_and(shows) {
        return Answer {
            status: WRONG_PAGE,
            retry_after: None,
        };
    }
    answer
}
