//! The deadline and the desk at once: the THPT cohort submitting its ready drafts (as in
//! [`super::deadline`]) while desk clerks claim and receive diploma copies from the backlog
//! (as in [`super::claim`]), on the same engine and database. Each load has its own plan:
//! the submits at the given arrivals, the claims by `--clerks` clerks in a closed loop. The
//! ceiling is both pgbench scripts running at the same time, each beside its own figure.

use super::citizens::{synthetic_pin, Citizens};
use super::claim::{self, Backlog};
use super::drafts;
use super::drive::{drive, Answer, Arrivals, Plan};
use super::{ceiling, print_ratio, Setup};
use std::sync::Arc;

pub async fn run(
    setup: Setup,
    plan: Plan,
    backlog_depth: u64,
    clerks: usize,
) -> anyhow::Result<()> {
    let Setup {
        engine,
        pool,
        ceiling,
    } = setup;
    // As in the deadline scenario: the ceiling's drafts follow the engine's.
    let ceiling_drafts = ceiling.duration.as_secs() * 10_000;
    eprintln!(
        "preparing {} THPT drafts and a backlog of {backlog_depth} diploma copies …",
        plan.operations + ceiling_drafts
    );
    let ids = Arc::new(drafts::prepare(&engine, &pool, plan.operations + ceiling_drafts).await);
    let mut backlog = Backlog::prepare(&engine, &pool, backlog_depth).await;
    let tokens = claim::clerks(&engine, clerks).await;
    let clerks = tokens.len();
    let claims_plan = Plan {
        arrivals: Arrivals::Closed { clients: clerks },
        operations: backlog_depth,
        duration: plan.duration,
    };
    println!(
        "mixed: at the same time, (1) deadline: {} ready THPT drafts (1.005142) of distinct \
         synthetic candidates, each submitted once with an Idempotency-Key, {:?}; (2) claim: \
         {} desk clerks claiming and receiving from a backlog of {} diploma copies (3.000465), \
         one operation = claim + receive (latency of both together, the worse answer; {} = \
         the queue was empty), closed loop",
        plan.operations,
        plan.arrivals,
        clerks,
        claim::depth(&pool).await,
        claim::QUEUE_EMPTY
    );

    let citizens = Arc::new(Citizens::new());
    let client = super::client();
    let base = engine.url.clone();
    // The deadline scenario's request (deadline.rs), draft n by candidate n.
    let submits = drive(plan, move |n| {
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
    });
    let claims = claim::run_claims(&engine, claims_plan, tokens);
    let (submits, claims) = tokio::join!(submits, claims);
    println!("  deadline engine: {}", submits.summary());
    println!("  claim engine:    {}", claims.figures.summary());

    // The deadline's check (deadline.rs): every acknowledgement a submitted draft, no code
    // twice (the backlog's codes included).
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
        "  check:   deadline: {} acknowledgements, {submitted} submitted dossiers in the \
         database, {} dossier codes given twice",
        submits.succeeded,
        with_code - distinct_codes
    );
    let claims_hold = claim::check(&pool, &claims).await?;

    let remaining = claim::depth(&pool).await;
    let top_up = backlog_depth.saturating_sub(u64::try_from(remaining)?)
        + claim::ceiling_dossiers(ceiling.duration);
    eprintln!("adding {top_up} dossiers to the queue for the ceiling …");
    backlog.add(&pool, top_up).await;
    let queue = claim::depth(&pool).await;
    let deadline_run = ceiling::Run {
        name: "deadline",
        script: include_str!("../../pgbench/deadline.sql"),
        clients: ceiling.clients,
        duration: ceiling.duration,
        defines: vec![("first", plan.operations.to_string())],
    };
    // As many connections for the claims as there were clerks.
    let claim_run = claim::ceiling_run(clerks, ceiling.duration);
    // Both pgbench processes at once.
    let url = engine.database_url.clone();
    let (deadline_ceiling, claim_ceiling) = std::thread::scope(|s| {
        let deadline = s.spawn(|| deadline_run.measure(&url));
        let claim = s.spawn(|| claim_run.measure(&url));
        (
            deadline.join().expect("the deadline's pgbench thread"),
            claim.join().expect("the claim's pgbench thread"),
        )
    });
    let (deadline_ceiling, claim_ceiling) = (deadline_ceiling?, claim_ceiling?);
    println!(
        "  deadline ceiling: {} ({} connections)",
        deadline_ceiling.summary(),
        deadline_run.clients
    );
    println!(
        "  claim ceiling:    {} ({} connections, claim + receive, from a queue of {queue})",
        claim_ceiling.summary(),
        claim_run.clients
    );
    print!("  deadline");
    print_ratio(&submits, &deadline_ceiling);
    print!("  claim   ");
    print_ratio(&claims.figures, &claim_ceiling);
    anyhow::ensure!(
        u64::try_from(submitted)? == submits.succeeded
            && with_code == distinct_codes
            && claims_hold,
        "the database does not match the answers"
    );
    Ok(())
}
