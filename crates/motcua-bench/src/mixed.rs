//! The deadline and the desk at once: the THPT cohort submitting its ready drafts (as in
//! [`super::deadline`]) while desk clerks claim and receive diploma copies from the backlog
//! (as in [`super::claim`]), on the same engine and database. Each load has its own plan:
//! the submits at the given arrivals, the claims by `--clerks` clerks in a closed loop. The
//! ceiling is both pgbench scripts running at the same time, each beside its own figure.

use super::claim::{self, Backlog};
use super::deadline;
use super::drive::{Arrivals, Plan};
use super::{print_ratio, Setup};

pub async fn run(
    setup: Setup,
    plan: Plan,
    backlog_depth: u64,
    clerks: usize,
) -> anyhow::Result<()> {
    let (engine, pool, ceiling) = setup.into_parts();
    eprintln!("and a backlog of {backlog_depth} diploma copies …");
    let ids = deadline::prepare(&engine, &pool, plan, ceiling).await;
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

    let submits = deadline::submit_all(&engine, plan, ids);
    let claims = claim::run_claims(&engine, claims_plan, tokens, Default::default());
    let (submits, claims) = tokio::join!(submits, claims);
    println!("  deadline engine: {}", submits.summary());
    println!("  claim engine:    {}", claims.figures.summary());
    claims.per_request.print();

    // No code twice counts the backlog's codes too.
    let submits_hold = deadline::check(&pool, plan, &submits).await?;
    let claims_hold = claim::check(&pool, &claims).await?;

    let remaining = claim::depth(&pool).await;
    let top_up = backlog_depth.saturating_sub(u64::try_from(remaining)?) + ceiling.rows();
    eprintln!("adding {top_up} dossiers to the queue for the ceiling …");
    backlog.add(&pool, top_up).await;
    let queue = claim::depth(&pool).await;
    let deadline_run = deadline::ceiling_run(plan, ceiling);
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
        submits_hold && claims_hold,
        "the database does not match the answers"
    );
    Ok(())
}
