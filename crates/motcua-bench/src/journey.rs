//! A citizen's whole journey for a diploma copy (3.000465), each by a distinct resident of
//! the simulator's register (living adults, [`Population::living_adult_pins`]): create the
//! draft (`POST /v1/dossiers`, which reads the register for the prefill), fill it in
//! (`PATCH` with [`copy_data`] as a merge patch) and submit it (`POST …/submit` with an
//! `Idempotency-Key`, as the portal sends it). One operation is the three requests.
//!
//! Besides the journey's figures, each kind of request has a latency histogram of its own
//! (successful requests, from when the request left to its answer), since the target is per
//! request. At the end the database must hold as many submitted copies as journeys
//! succeeded.

use super::ceiling;
use super::citizens::Citizens;
use super::cpu::CpuTimes;
use super::drive::{drive, Answer, PerKind, Plan};
use super::{dossier_id, print_cpu, print_ratio, Setup};
use motcua_sim::register::Population;
use motcua_tests::dossiers::{copy_data, COPY};
use motcua_tests::engine::THPT_WINDOW_2025;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Instant;

/// The requests of a journey, in order.
const REQUESTS: [&str; 3] = ["create", "patch", "submit"];

/// One journey of the citizen with `token`; answers the first answer that is not a success,
/// or the submit's.
async fn journey(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    key: String,
    times: &PerKind,
) -> Answer {
    let sent = Instant::now();
    let (created, body) = Answer::with_body(
        client
            .post(format!("{base}/v1/dossiers"))
            .bearer_auth(token)
            .json(&serde_json::json!({ "procedure": COPY })),
    )
    .await;
    if !created.ok() {
        return created;
    }
    times.record(0, sent.elapsed());
    let id = dossier_id(&body).expect("a new draft answers its id");
    let sent = Instant::now();
    let patched = Answer::of(
        client
            .patch(format!("{base}/v1/dossiers/{id}"))
            .bearer_auth(token)
            .header("content-type", "application/merge-patch+json")
            .body(copy_data().to_string()),
    )
    .await;
    if !patched.ok() {
        return patched;
    }
    times.record(1, sent.elapsed());
    let sent = Instant::now();
    let submitted = Answer::of(
        client
            .post(format!("{base}/v1/dossiers/{id}/submit"))
            .bearer_auth(token)
            .header("idempotency-key", key),
    )
    .await;
    if submitted.ok() {
        times.record(2, sent.elapsed());
    }
    submitted
}

/// Submitted diploma copies, drafts of it left, and codes given twice.
async fn counts(pool: &PgPool) -> anyhow::Result<(i64, i64, i64)> {
    Ok(sqlx::query_as(
        "select count(*) filter (where state = 'submitted'),
                count(*) filter (where state = 'draft'),
                count(code) - count(distinct code)
         from dossier where procedure_code = $1",
    )
    .bind(COPY)
    .fetch_one(pool)
    .await?)
}

pub async fn run(setup: Setup, plan: Plan) -> anyhow::Result<()> {
    let (engine, pool, ceiling) = setup.into_parts();
    let on = chrono::DateTime::parse_from_rfc3339(THPT_WINDOW_2025)?.date_naive();
    let pins = Arc::new(Population::shared().living_adult_pins(on));
    let plan = Plan {
        operations: plan.operations.min(u64::try_from(pins.len())?),
        ..plan
    };
    println!(
        "journey: distinct residents of the simulator's register ({} living adults) each \
         create a diploma-copy draft (3.000465; the engine reads the register for the \
         prefill), patch it with the form and submit it with an Idempotency-Key; one operation \
         = the three requests; {:?}, at most {} journeys; citizens' tokens minted by the \
         login's code (login is not measured). 'engine' is per journey (in the open loop from \
         when it was due); the create/patch/submit lines are per request, successful ones, \
         from when each request left",
        pins.len(),
        plan.arrivals,
        plan.operations
    );
    let citizens = Arc::new(Citizens::new());
    let times = Arc::new(PerKind::new(&REQUESTS));
    let client = super::client();
    let base = engine.url.clone();
    let recorded = times.clone();
    let cpu_before = CpuTimes::now(engine.pid());
    let figures = drive(plan, move |n| {
        let (pins, citizens, client, base, times) = (
            pins.clone(),
            citizens.clone(),
            client.clone(),
            base.clone(),
            recorded.clone(),
        );
        async move {
            let pin = &pins[usize::try_from(n).expect("a resident's index fits usize")];
            let token = citizens.token(pin);
            journey(&client, &base, &token, format!("journey-{n}"), &times).await
        }
    })
    .await;
    println!("  engine:  {} (journeys)", figures.summary());
    let cpu_after = CpuTimes::now(engine.pid());
    times.print();

    let (submitted, drafts, codes_twice) = counts(&pool).await?;
    println!(
        "  check:   {} journeys succeeded, {submitted} submitted diploma copies in the \
         database ({drafts} drafts left by journeys that stopped), {codes_twice} dossier codes \
         given twice",
        figures.succeeded
    );

    let measured = ceiling::Run {
        name: "journey",
        script: include_str!("../pgbench/journey.sql"),
        clients: ceiling.clients,
        duration: ceiling.duration,
        defines: Vec::new(),
    }
    .measure(&engine.database_url)?;
    println!(
        "  ceiling: {} (create + patch + submit; no register call: pgbench only writes the \
         read's record)",
        measured.summary()
    );
    print_ratio(&figures, &measured);
    print_cpu(&cpu_before, &cpu_after, &figures, &measured);
    anyhow::ensure!(
        u64::try_from(submitted)? == figures.succeeded && codes_twice == 0,
        "the database does not match the answers"
    );
    Ok(())
}
