//! The deadline scenario: a cohort of ready THPT drafts, each submitted once
//! (`POST /v1/dossiers/{id}/submit` with an `Idempotency-Key`, as the portal sends it), then
//! the same statements through pgbench. At the end the database must hold exactly as many
//! submitted drafts as the engine acknowledged, and no dossier code twice.

use super::ceiling;
use super::citizens::{synthetic_pin, Citizens};
use super::drafts;
use super::drive::{drive, Answer, Plan};
use super::{print_ratio, Setup};
use std::sync::Arc;

pub async fn run(setup: Setup, plan: Plan) -> anyhow::Result<()> {
    let Setup {
        engine,
        pool,
        ceiling,
    } = setup;
    // The ceiling's drafts follow the engine's: enough for pgbench at 10,000/s.
    let ceiling_drafts = ceiling.duration.as_secs() * 10_000;
    eprintln!(
        "preparing {} THPT drafts ({} for the engine, {ceiling_drafts} for pgbench) …",
        plan.operations + ceiling_drafts,
        plan.operations
    );
    let ids = drafts::prepare(&engine, &pool, plan.operations + ceiling_drafts).await;
    let ids = Arc::new(ids);
    let citizens = Arc::new(Citizens::new());
    let client = super::client();
    let base = engine.url.clone();

    println!(
        "deadline: {} ready THPT drafts (1.005142) of distinct synthetic candidates, each \
         submitted once with an Idempotency-Key; {:?}; citizens' tokens minted by the login's \
         code (login is not measured)",
        plan.operations, plan.arrivals
    );
    let figures = drive(plan, move |n| {
        let (ids, citizens, client, base) =
            (ids.clone(), citizens.clone(), client.clone(), base.clone());
        async move {
            let index = usize::try_from(n).expect("a draft's index fits usize");
            let request = client
                .post(format!("{base}/v1/dossiers/{}/submit", ids[index]))
                .bearer_auth(citizens.token(&synthetic_pin(n)))
                .header("idempotency-key", format!("deadline-{n}"));
            Answer::of(request).await
        }
    })
    .await;
    println!("  engine:  {}", figures.summary());

    // Every acknowledgement is a submitted dossier, every submitted dossier was acknowledged.
    let (submitted,): (i64,) = sqlx::query_as(
        "select count(*) from dossier d join bench_draft b on b.id = d.id
         where b.n < $1 and d.state <> 'draft'",
    )
    .bind(i64::try_from(plan.operations)?)
    .fetch_one(&pool)
    .await?;
    let (with_code, distinct_codes): (i64, i64) =
        sqlx::query_as("select count(code), count(distinct code) from dossier")
            .fetch_one(&pool)
            .await?;
    println!(
        "  check:   {} acknowledgements, {submitted} submitted dossiers in the database, \
         {} dossier codes given twice",
        figures.succeeded,
        with_code - distinct_codes
    );

    let measured = ceiling::Run {
        name: "deadline",
        script: include_str!("../../pgbench/deadline.sql"),
        clients: ceiling.clients,
        duration: ceiling.duration,
        defines: vec![("first", plan.operations.to_string())],
    }
    .measure(&engine.database_url)?;
    println!("  ceiling: {}", measured.summary());
    print_ratio(&figures, &measured);
    anyhow::ensure!(
        u64::try_from(submitted)? == figures.succeeded && with_code == distinct_codes,
        "the database does not match the acknowledgements"
    );
    Ok(())
}
