//! The deadline scenario: a cohort of ready THPT drafts, each submitted once
//! (`POST /v1/dossiers/{id}/submit` with an `Idempotency-Key`, as the portal sends it), then
//! the same statements through pgbench. At the end the database must hold exactly as many
//! submitted drafts as the engine acknowledged, and no dossier code twice.
//!
//! Its pieces serve [`super::mixed`] too.

use super::ceiling;
use super::citizens::{synthetic_pin, Citizens};
use super::cpu::CpuTimes;
use super::drafts;
use super::drive::{drive, Answer, Figures, Plan};
use super::{print_cpu, print_ratio, CeilingOptions, Setup};
use motcua_tests::Engine;
use sqlx::PgPool;
use std::sync::Arc;
use uuid::Uuid;

/// Drafts for the engine (`0..plan.operations`) and, after them, the ceiling's
/// ([`CeilingOptions::rows`]). Answers their ids, in order.
pub async fn prepare(
    engine: &Engine,
    pool: &PgPool,
    plan: Plan,
    ceiling: CeilingOptions,
) -> Arc<Vec<Uuid>> {
    let ceiling_drafts = ceiling.rows();
    eprintln!(
        "preparing {} THPT drafts ({} for the engine, {ceiling_drafts} for pgbench) …",
        plan.operations + ceiling_drafts,
        plan.operations
    );
    Arc::new(drafts::prepare(engine, pool, plan.operations + ceiling_drafts).await)
}

/// Submits draft `n` as its candidate `n`, as `plan` says.
pub async fn submit_all(engine: &Engine, plan: Plan, ids: Arc<Vec<Uuid>>) -> Figures {
    let citizens = Arc::new(Citizens::new());
    let client = super::client();
    let base = engine.url.clone();
    drive(plan, move |n| {
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
    .await
}

/// Every acknowledgement is a submitted draft, every submitted draft was acknowledged, and
/// no dossier code was given twice: prints the check line and answers whether it holds.
pub async fn check(pool: &PgPool, plan: Plan, submits: &Figures) -> anyhow::Result<bool> {
    let (submitted,): (i64,) = sqlx::query_as(
        "select count(*) from dossier d join bench_draft b on b.id = d.id
         where b.n < $1 and d.state <> 'draft'",
    )
    .bind(i64::try_from(plan.operations)?)
    .fetch_one(pool)
    .await?;
    let (with_code, distinct_codes): (i64, i64) =
        sqlx::query_as("select count(code), count(distinct code) from dossier")
            .fetch_one(pool)
            .await?;
    println!(
        "  check:   deadline: {} acknowledgements, {submitted} submitted dossiers in the \
         database, {} dossier codes given twice",
        submits.succeeded,
        with_code - distinct_codes
    );
    Ok(u64::try_from(submitted)? == submits.succeeded && with_code == distinct_codes)
}

/// The ceiling's run: `crates/motcua-bench/pgbench/deadline.sql` on the drafts after the engine's.
pub fn ceiling_run(plan: Plan, ceiling: CeilingOptions) -> ceiling::Run<'static> {
    ceiling::Run {
        name: "deadline",
        script: include_str!("../pgbench/deadline.sql"),
        clients: ceiling.clients,
        duration: ceiling.duration,
        defines: vec![("first", plan.operations.to_string())],
    }
}

pub async fn run(setup: Setup, plan: Plan) -> anyhow::Result<()> {
    let (engine, pool, ceiling) = setup.into_parts();
    let ids = prepare(&engine, &pool, plan, ceiling).await;
    println!(
        "deadline: {} ready THPT drafts (1.005142) of distinct synthetic candidates, each \
         submitted once with an Idempotency-Key; {:?}; citizens' tokens minted by the login's \
         code (login is not measured)",
        plan.operations, plan.arrivals
    );
    let cpu_before = CpuTimes::now(engine.pid());
    let figures = submit_all(&engine, plan, ids).await;
    println!("  engine:  {}", figures.summary());
    let cpu_after = CpuTimes::now(engine.pid());
    let holds = check(&pool, plan, &figures).await?;
    let measured = ceiling_run(plan, ceiling).measure(&engine.database_url)?;
    println!("  ceiling: {}", measured.summary());
    print_ratio(&figures, &measured);
    print_cpu(&cpu_before, &cpu_after, &figures, &measured);
    anyhow::ensure!(holds, "the database does not match the acknowledgements");
    Ok(())
}
