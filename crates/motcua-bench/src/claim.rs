//! The desk's backlog: the queue of the diploma copy (3.000465:submitted) holds a backlog of
//! submitted dossiers, and desk clerks (accounts `motcua.tiepnhan.NN` of the simulator's
//! pool, logged in through it) each claim the dossier due first and receive it. One
//! operation is the two requests (`POST /v1/queues/3.000465:submitted/claim`, then
//! `POST /v1/dossiers/{id}/actions/receive`), measured together; its answer is the worse of
//! the two. Neither request carries an `Idempotency-Key`, as the desk's benchmark of issue 5
//! sent them.
//!
//! One dossier is made over HTTP like a citizen would (draft, form, submit); the backlog are
//! copies of it in SQL (the dossier and its `dossier_fact` row, which the reception
//! rewrites), each for its own synthetic citizen, with its own code, submitted from 1 to 30
//! days before the template, in a random order, so that the queue's `order by step_due_at`
//! has work to do; those a soak adds while the clerks work (`--refill-every`) are submitted
//! after it, in order, and join the queue's end. Their timelines and access logs are not copied: neither the claim nor the
//! reception reads them. The copies are listed in `bench_backlog (n, id, pin, earlier)`; the
//! template as it was submitted is kept in `bench_backlog_dossier` and `bench_backlog_fact`.
//!
//! At the end the database must show every claimed dossier claimed once and as many dossiers
//! received as operations succeeded.

use super::ceiling;
use super::cpu::CpuTimes;
use super::drive::{drive, Answer, Figures, PerKind, Plan};
use super::{dossier_id, print_cpu, print_ratio, Setup};
use crate::copy_range;
use motcua_tests::accounts::{pool_clerk, MINH};
use motcua_tests::dossiers::{submitted_copy, COPY};
use motcua_tests::{login, Engine};
use serde_json::json;
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The desk's queue of the diploma copy.
pub const QUEUE: &str = "3.000465:submitted";

/// The simulator's pool of desk clerks of SGDDT-HN (`motcua_sim::accounts::CLERK_POOL`).
pub const CLERK_ACCOUNTS: usize = 50;

/// The backlog's citizens are `super::citizens::synthetic_pin(PINS_FROM + n)`: other numbers than the
/// deadline's candidates (`synthetic_pin(n)` from 0) when both run together.
const PINS_FROM: u64 = 5_000_000;

/// Not an HTTP status: the claim answered 204, the queue was empty, and the operation did
/// not happen. Counted as a failure (Figures lists it under this number).
pub const QUEUE_EMPTY: u16 = 1204;

/// The queue's backlog: the template and its copies so far.
pub struct Backlog {
    template: Uuid,
    /// Copies made so far (`n` of the next one).
    copies: u64,
}

impl Backlog {
    /// Makes `depth` submitted diploma-copy dossiers in the desk's queue: one through the
    /// API, the others copied from it.
    pub async fn prepare(engine: &Engine, pool: &PgPool, depth: u64) -> Backlog {
        let client = reqwest::Client::new();
        let holder = login(engine, "citizen", MINH).await;
        let template: Uuid = submitted_copy(engine, &client, &holder)
            .await
            .parse()
            .expect("the engine answers uuids");
        sqlx::query(
            "create table bench_backlog (n bigint primary key, id uuid not null,
                 pin text not null, earlier interval not null)",
        )
        .execute(pool)
        .await
        .expect("creating bench_backlog");
        // The template as submitted: later copies (the ceiling's) must not copy it claimed or
        // received.
        sqlx::query("create table bench_backlog_dossier as select * from dossier where id = $1")
            .bind(template)
            .execute(pool)
            .await
            .expect("keeping the template");
        sqlx::query(
            "create table bench_backlog_fact as select * from dossier_fact where dossier_id = $1",
        )
        .bind(template)
        .execute(pool)
        .await
        .expect("keeping the template's facts");
        let mut backlog = Backlog {
            template,
            copies: 0,
        };
        backlog.add(pool, depth.saturating_sub(1)).await;
        backlog
    }

    /// The dossier made through the API that the others copy.
    pub fn template(&self) -> Uuid {
        self.template
    }

    /// Adds `count` copies to the queue, then vacuums, as after a night's autovacuum.
    pub async fn add(&mut self, pool: &PgPool, count: u64) {
        let started = Instant::now();
        let (first, end) = (self.copies, self.copies + count);
        let batch = 100_000u64;
        let mut from = first;
        while from < end {
            let to = end.min(from + batch);
            copy_template(pool, self.template, from, to, Submitted::Before).await;
            from = to;
            eprintln!(
                "  {} / {count} backlog dossiers copied ({:.0}/s)",
                from - first,
                (from - first) as f64 / started.elapsed().as_secs_f64()
            );
        }
        self.copies = end;
        sqlx::query("vacuum analyze dossier, dossier_fact, bench_backlog")
            .execute(pool)
            .await
            .expect("vacuum analyze");
    }

    /// Adds `count` copies in one transaction, quietly and without a vacuum: the dossiers
    /// citizens keep submitting while the clerks work (`--refill-every`), due after every
    /// dossier already waiting.
    async fn refill(&mut self, pool: &PgPool, count: u64) {
        if count > 0 {
            let (from, to) = (self.copies, self.copies + count);
            copy_template(pool, self.template, from, to, Submitted::During).await;
            self.copies = to;
        }
    }
}

/// While the clerks work: every `every`, as many new dossiers into the queue as were claimed
/// since, so that its depth stays where it started (a soak at a constant backlog). Stops
/// when `stop` is set; answers the backlog and how many it added.
fn keep_filled(
    mut backlog: Backlog,
    pool: PgPool,
    claimed: Arc<AtomicU64>,
    every: Duration,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<(Backlog, u64)> {
    tokio::spawn(async move {
        let mut added = 0;
        while !stop.load(Ordering::Relaxed) {
            tokio::time::sleep(every).await;
            let consumed = claimed.load(Ordering::Relaxed);
            backlog.refill(&pool, consumed - added).await;
            added = consumed;
        }
        (backlog, added)
    })
}

/// The backlog during the clerks' run.
enum Queue {
    Filling(tokio::task::JoinHandle<(Backlog, u64)>),
    Idle(Backlog),
}

/// Dossiers in the queue no clerk has claimed.
pub async fn depth(pool: &PgPool) -> i64 {
    let (depth,): (i64,) = sqlx::query_as(
        "select count(*) from dossier where agency_id = 'SGDDT-HN' and procedure_code = $1
           and state = 'submitted' and closed_at is null and assigned_to is null",
    )
    .bind(COPY)
    .fetch_one(pool)
    .await
    .expect("counting the queue");
    depth
}

/// When a copy was submitted, relative to the template.
#[derive(Clone, Copy)]
enum Submitted {
    /// From 1 to 30 days before it, in a random order: the backlog waiting when the clerks
    /// start.
    Before,
    /// After it and after one another, copy `n` `n` milliseconds after: submitted while the
    /// clerks work, so due after everything that was waiting, at the queue's end (a refill in
    /// the middle of the queue would change the pages claims read, which no real day does).
    During,
}

/// Copies `from..to` of `template` (as kept in `bench_backlog_dossier` and
/// `bench_backlog_fact`), in one transaction.
async fn copy_template(pool: &PgPool, template: Uuid, from: u64, to: u64, submitted: Submitted) {
    let earlier = match submitted {
        Submitted::Before => "interval '1 day' + random() * interval '29 days'",
        Submitted::During => "-n * interval '1 millisecond'",
    };
    let mut tx = pool.begin().await.expect("a connection");
    let (from, to) = (
        i64::try_from(from).expect("fewer copies than i64::MAX"),
        i64::try_from(to).expect("fewer copies than i64::MAX"),
    );
    sqlx::query(&format!(
        "insert into bench_backlog (n, id, pin, earlier)
         select n, gen_random_uuid(), bench_pin($3 + n), {earlier}
         from generate_series($1::bigint, $2::bigint - 1) n"
    ))
    .bind(from)
    .bind(to)
    .bind(i64::try_from(PINS_FROM).expect("a small number"))
    .execute(&mut *tx)
    .await
    .expect("listing the copies");
    // Every column of the template's row, but for the ones that make the copy its own
    // citizen's, submitted `earlier` than the template. The record is built in `from`
    // (lateral): `(jsonb_populate_record(…)).*` in the select list would build it once per
    // column, 29 times a row. The code keeps the engine's shape (agency-yyMMdd-sequence)
    // with seven digits of `n`: no code the engine gives out.
    copy_range(
        &mut tx,
        "insert into dossier
         select r.*
         from bench_backlog b cross join bench_backlog_dossier t
         cross join lateral jsonb_populate_record(null::dossier, to_jsonb(t) || jsonb_build_object(
                    'id', b.id, 'citizen_pin', b.pin,
                    'data', jsonb_set(t.data, '{applicant,pin}', to_jsonb(b.pin)),
                    'code', t.agency_id || '-'
                        || to_char((t.submitted_at - b.earlier) at time zone 'Asia/Ho_Chi_Minh',
                                   'YYMMDD')
                        || '-' || lpad((b.n + 1)::text, 7, '0'),
                    'created_at', t.created_at - b.earlier,
                    'updated_at', t.updated_at - b.earlier,
                    'submitted_at', t.submitted_at - b.earlier,
                    'ack_due_at', t.ack_due_at - b.earlier,
                    'state_entered_at', t.state_entered_at - b.earlier,
                    'step_due_at', t.step_due_at - b.earlier)) r
         where t.id = $1 and b.n >= $2 and b.n < $3",
        (template, from, to),
        "copying the dossier",
    )
    .await;
    copy_range(
        &mut tx,
        "insert into dossier_fact
         select r.*
         from bench_backlog b cross join bench_backlog_fact f
         cross join lateral jsonb_populate_record(null::dossier_fact, to_jsonb(f)
             || jsonb_build_object('dossier_id', b.id, 'submitted_at', f.submitted_at - b.earlier)) r
         where f.dossier_id = $1 and b.n >= $2 and b.n < $3",
        (template, from, to),
        "copying the dossier's facts",
    )
    .await;
    tx.commit().await.expect("commit");
}

/// Access tokens of `count` desk clerks of the simulator's pool (at most 50), logged in
/// through the simulator.
pub async fn clerks(engine: &Engine, count: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    for n in 1..=count.clamp(1, CLERK_ACCOUNTS) {
        tokens.push(login(engine, "staff", &pool_clerk(n)).await.token);
    }
    tokens
}

/// One operation: claim the dossier due first, then receive it. Answers the worse of the two
/// answers, and the claimed dossier.
async fn claim_and_receive(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    times: &PerKind,
) -> (Answer, Option<Uuid>) {
    let sent = Instant::now();
    let (claim, body) = Answer::with_body(
        client
            .post(format!("{base}/v1/queues/{QUEUE}/claim"))
            .bearer_auth(token),
    )
    .await;
    if claim.status == 204 {
        return (
            Answer {
                status: QUEUE_EMPTY,
                retry_after: None,
            },
            None,
        );
    }
    if !claim.ok() {
        return (claim, None);
    }
    times.record(0, sent.elapsed());
    let id = dossier_id(&body).expect("a claim answers the dossier with its id");
    let receive = client
        .post(format!("{base}/v1/dossiers/{id}/actions/receive"))
        .bearer_auth(token)
        .json(&json!({}));
    let sent = Instant::now();
    let received = Answer::of(receive).await;
    if received.ok() {
        times.record(1, sent.elapsed());
    }
    (received, Some(id))
}

/// The two requests of an operation, each with its own latency line (the target is per
/// request).
const REQUESTS: [&str; 2] = ["claim", "receive"];

/// The claims' figures, and the dossiers the claims answered (one per successful claim).
pub struct Claims {
    pub figures: Figures,
    pub claimed: Vec<Uuid>,
    /// Each request's latency: claim, receive.
    pub per_request: Arc<PerKind>,
}

/// Runs claim + receive as `plan` says, operation `n` as clerk `n % clerks`; counts the
/// dossiers claimed in `claimed` as it goes.
pub async fn run_claims(
    engine: &Engine,
    plan: Plan,
    clerks: Vec<String>,
    claimed_so_far: Arc<AtomicU64>,
) -> Claims {
    let clerks = Arc::new(clerks);
    let claimed = Arc::new(Mutex::new(Vec::new()));
    let client = super::client();
    let base = engine.url.clone();
    let answered = claimed.clone();
    let per_request = Arc::new(PerKind::new(&REQUESTS));
    let times = per_request.clone();
    let figures = drive(plan, move |n| {
        let (clerks, client, base, answered, times) = (
            clerks.clone(),
            client.clone(),
            base.clone(),
            answered.clone(),
            times.clone(),
        );
        let claimed_so_far = claimed_so_far.clone();
        async move {
            let clerk = &clerks[usize::try_from(n).expect("fits usize") % clerks.len()];
            let (answer, id) = claim_and_receive(&client, &base, clerk, &times).await;
            if let Some(id) = id {
                claimed_so_far.fetch_add(1, Ordering::Relaxed);
                answered
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(id);
            }
            answer
        }
    })
    .await;
    let claimed = std::mem::take(&mut *claimed.lock().unwrap_or_else(|p| p.into_inner()));
    Claims {
        figures,
        claimed,
        per_request,
    }
}

/// Checks the run against the database (before any ceiling touches the queue): prints the
/// check line and answers whether it holds.
pub async fn check(pool: &PgPool, claims: &Claims) -> anyhow::Result<bool> {
    let (claim_events, claimed_dossiers): (i64, i64) = sqlx::query_as(
        "select count(*), count(distinct dossier_id) from dossier_event where action = 'claim'",
    )
    .fetch_one(pool)
    .await?;
    let (received,): (i64,) = sqlx::query_as(
        "select count(*) from dossier where procedure_code = $1 and received_at is not null",
    )
    .bind(COPY)
    .fetch_one(pool)
    .await?;
    let (held,): (i64,) = sqlx::query_as(
        "select count(*) from dossier where procedure_code = $1 and state = 'submitted'
           and assigned_to is not null",
    )
    .bind(COPY)
    .fetch_one(pool)
    .await?;
    let mut answered = claims.claimed.clone();
    answered.sort();
    answered.dedup();
    let answered_twice = claims.claimed.len() - answered.len();
    println!(
        "  check:   {} operations succeeded, {received} dossiers received in the database; \
         {claim_events} claims recorded on {claimed_dossiers} dossiers ({} claimed twice), \
         {} dossiers answered twice to claims, {held} claimed but not received",
        claims.figures.succeeded,
        claim_events - claimed_dossiers,
        answered_twice
    );
    Ok(u64::try_from(received)? == claims.figures.succeeded
        && claim_events == claimed_dossiers
        && answered_twice == 0)
}

/// The ceiling's run: `crates/motcua-bench/pgbench/claim.sql`, the same statements through pgbench.
pub fn ceiling_run(clients: usize, duration: Duration) -> ceiling::Run<'static> {
    ceiling::Run {
        name: "claim",
        script: include_str!("../pgbench/claim.sql"),
        clients,
        duration,
        defines: Vec::new(),
    }
}

/// The backlog, the pgbench ceiling's dossiers on top, and the header line.
/// With `refill_every`, the queue is filled again as it goes (`keep_filled`) and the run is
/// bounded by its time and operations only.
pub async fn run(
    setup: Setup,
    plan: Plan,
    backlog_depth: u64,
    refill_every: Option<Duration>,
) -> anyhow::Result<()> {
    let (engine, pool, ceiling) = setup.into_parts();
    let plan = match refill_every {
        Some(_) => plan,
        None => Plan {
            operations: plan.operations.min(backlog_depth),
            ..plan
        },
    };
    eprintln!("preparing a backlog of {backlog_depth} submitted diploma-copy dossiers …");
    let backlog = Backlog::prepare(&engine, &pool, backlog_depth).await;
    let clerk_count = match plan.arrivals {
        super::drive::Arrivals::Closed { clients } => clients,
        super::drive::Arrivals::Open { .. } => CLERK_ACCOUNTS,
    };
    let tokens = clerks(&engine, clerk_count).await;
    println!(
        "claim: {} desk clerks' accounts (motcua.tiepnhan.NN, logged in through the simulator) \
         working a backlog of {} submitted diploma-copy dossiers (3.000465) in the queue {QUEUE}; \
         one operation = claim + receive (two requests, no Idempotency-Key; the latency is \
         both together, the answer the worse of the two; {QUEUE_EMPTY} = the queue was empty); \
         {:?}, at most {} operations{}",
        tokens.len(),
        depth(&pool).await,
        plan.arrivals,
        plan.operations,
        match refill_every {
            Some(every) => format!(
                "; every {} s as many new dossiers copied into the queue as were claimed",
                every.as_secs_f64()
            ),
            None => String::new(),
        }
    );
    let claimed_so_far = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    // The backlog goes to the filler for the run, or waits here.
    let queue = match refill_every {
        Some(every) => Queue::Filling(keep_filled(
            backlog,
            pool.clone(),
            claimed_so_far.clone(),
            every,
            stop.clone(),
        )),
        None => Queue::Idle(backlog),
    };
    let cpu_before = CpuTimes::now(engine.pid());
    let claims = run_claims(&engine, plan, tokens, claimed_so_far).await;
    println!("  engine:  {}", claims.figures.summary());
    claims.per_request.print();
    let cpu_after = CpuTimes::now(engine.pid());
    let mut backlog = match queue {
        Queue::Filling(filling) => {
            stop.store(true, Ordering::Relaxed);
            let (backlog, added) = filling.await?;
            println!(
                "  refill:  {added} dossiers copied into the queue during the run; {} in it at the end",
                depth(&pool).await
            );
            backlog
        }
        Queue::Idle(backlog) => backlog,
    };
    let holds = check(&pool, &claims).await?;

    // pgbench claims from the same queue: filled again to the engine's depth, plus what
    // pgbench may take.
    let remaining = depth(&pool).await;
    let top_up = backlog_depth.saturating_sub(u64::try_from(remaining)?) + ceiling.rows();
    eprintln!("adding {top_up} dossiers to the queue for the ceiling …");
    backlog.add(&pool, top_up).await;
    let before = depth(&pool).await;
    let measured = ceiling_run(ceiling.clients, ceiling.duration).measure(&engine.database_url)?;
    println!(
        "  ceiling: {} (claim + receive, {} connections, from a queue of {before})",
        measured.summary(),
        ceiling.clients
    );
    print_ratio(&claims.figures, &measured);
    print_cpu(&cpu_before, &cpu_after, &claims.figures, &measured);
    anyhow::ensure!(holds, "the database does not match the answers");
    Ok(())
}
