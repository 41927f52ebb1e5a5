//! The supervisor's reports at scale: a fresh database filled with `motcua generate
//! --dossiers N` (synthetic dossiers of the loaded procedures over the 12 months of 2026 and
//! the 34 provincial education departments, Hà Nội and Thành phố Hồ Chí Minh four times the
//! others, in every state, with their `dossier_fact` rows computed by the engine's code), then
//! the supervisor (`motcua.giamsat`, logged in through the simulator after the generation)
//! asks `GET /v1/reports/digitisation?agency=…&from=…&to=…`, one agency and one month each
//! (one operation = one request). Every other request is the largest agency's (the target
//! is the p99 of a month of the largest agency, and it needs the samples); the others go
//! through the other agencies' months in turn. Each of the two has a latency histogram of its
//! own beside the operation's.
//!
//! Every answer is checked against the database: its indicator 4.2 figures (`dossiers`,
//! `digitised`) must be what a query of the benchmark's own counts for that agency and month
//! (not the engine's statement: one pass over `dossier_fact`, months cut in Vietnam's time),
//! or the operation counts as failed ([`WRONG_FIGURES`]). Before the load every agency-month
//! is asked once, not measured: all of them checked, and the index read into the cache as on
//! a server that has been running. After the load, the all-agencies indicator report
//! (`GET /v1/reports/indicators?from=…&to=…`, every agency × procedure of one month) by one
//! client, [`ALL_AGENCIES_REQUESTS`] requests over the months, checked on its totals; it has
//! no ceiling.
//!
//! The engine runs on the system's clock, not in the THPT window: an unfinished dossier is
//! judged at its month's end, or now. The supervisor's access token lives 15 minutes
//! (`MOTCUA_TOKEN_LIFETIME_SECS`): a run longer than that after the generation would see
//! 401s, counted as errors.
//!
//! The ceiling is `crates/motcua-bench/pgbench/reports.sql`, the report's one statement, its agency and
//! month drawn at random from the operations' own list (`bench_report_op`).

use super::ceiling;
use super::cpu::CpuTimes;
use super::drive::{drive, Answer, Arrivals, Figures, PerKind, Plan};
use super::{print_cpu, print_ratio, Setup};
use motcua_tests::accounts::SUPERVISOR;
use motcua_tests::{login, Engine};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Not an HTTP status: the report answered 200 with figures other than the database's.
/// Counted as a failure (Figures lists it under this number).
pub const WRONG_FIGURES: u16 = 1200;

/// All-agencies indicator reports after the load, one month after the other.
pub const ALL_AGENCIES_REQUESTS: u64 = 60;

/// Whole-province scorecards after those, one month after the other (issue 32).
pub const SCORECARD_REQUESTS: u64 = 200;

/// The scorecard's target: the whole province's month, p99 (docs/PERFORMANCE.md).
const SCORECARD_TARGET_P99_MS: f64 = 100.0;

/// The target, at 10,000,000 dossiers (docs/PERFORMANCE.md, issue 6).
const TARGET_P99_MS: f64 = 50.0;
const TARGET_DOSSIERS: u64 = 10_000_000;

/// One agency's month, as the database has it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct Month {
    agency_id: String,
    /// The month's first and last day (Vietnam's dates), the request's `from` and `to`.
    first_day: String,
    last_day: String,
    /// Its dossiers, and indicator 4.2's denominator and numerator.
    dossiers: i64,
    digitised_den: i64,
    digitised_num: i64,
}

/// What an answer must say.
#[derive(Debug, Clone, Copy)]
enum Expected {
    /// The digitisation report: 4.2's denominator and numerator.
    Digitisation { dossiers: i64, digitised: i64 },
    /// The indicator report: all the dossiers of the scope in its totals.
    Indicators { dossiers: i64 },
    /// The scorecard: its total card's 4.2 denominator (every dossier of the scope) and
    /// numerator.
    Scorecard { dossiers: i64, digitised: i64 },
}

impl Expected {
    fn holds(&self, body: &[u8]) -> bool {
        let Ok(answer) = serde_json::from_slice::<serde_json::Value>(body) else {
            return false;
        };
        match *self {
            Expected::Digitisation {
                dossiers,
                digitised,
            } => {
                answer["dossiers"].as_i64() == Some(dossiers)
                    && answer["digitised"].as_i64() == Some(digitised)
            }
            Expected::Indicators { dossiers } => {
                answer["totals"]["dossiers"].as_i64() == Some(dossiers)
            }
            Expected::Scorecard {
                dossiers,
                digitised,
            } => answer["total"]["lines"]
                .as_array()
                .and_then(|lines| lines.iter().find(|l| l["code"] == "4.2"))
                .is_some_and(|l| {
                    l["denominator"].as_i64() == Some(dossiers)
                        && l["numerator"].as_i64() == Some(digitised)
                }),
        }
    }
}

/// One request: where, what its answer must say, and its kind ([`PerKind`]: 0 the largest
/// agency's, 1 another's).
#[derive(Debug, Clone)]
struct Request {
    url: String,
    expected: Expected,
    kind: usize,
}

impl Request {
    fn digitisation(base: &str, month: &Month, largest: &str) -> Request {
        Request {
            url: format!(
                "{base}/v1/reports/digitisation?agency={}&from={}&to={}",
                month.agency_id, month.first_day, month.last_day
            ),
            expected: Expected::Digitisation {
                dossiers: month.digitised_den,
                digitised: month.digitised_num,
            },
            kind: usize::from(month.agency_id != largest),
        }
    }
}

/// The supervisor asking.
struct Supervisor {
    client: reqwest::Client,
    token: String,
}

impl Supervisor {
    /// Asks `request`; an answer with other figures than expected is [`WRONG_FIGURES`].
    async fn ask(&self, request: &Request) -> Answer {
        let (answer, body) =
            Answer::with_body(self.client.get(&request.url).bearer_auth(&self.token)).await;
        if answer.ok() && !request.expected.holds(&body) {
            return Answer {
                status: WRONG_FIGURES,
                retry_after: None,
            };
        }
        answer
    }
}

/// Fills the engine's database with `motcua generate --dossiers N`; answers how long it took.
async fn generate(engine: &Engine, dossiers: u64) -> anyhow::Result<Duration> {
    eprintln!("generating {dossiers} dossiers (motcua generate) …");
    let started = Instant::now();
    let database_url = engine.database_url.clone();
    let status = tokio::task::spawn_blocking(move || {
        std::process::Command::new(motcua_tests::engine::motcua_binary())
            .args(["generate", "--dossiers", &dossiers.to_string()])
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env(
                "MOTCUA_PROCEDURES_DIR",
                motcua_tests::workspace_root().join("procedures"),
            )
            // Its progress beside the benchmark's, not among the results.
            .stdout(std::io::stderr())
            .status()
    })
    .await??;
    anyhow::ensure!(status.success(), "motcua generate failed ({status})");
    Ok(started.elapsed())
}

/// Every agency's months with their figures, counted by the benchmark, ordered by month
/// then agency.
async fn months(pool: &sqlx::PgPool) -> anyhow::Result<Vec<Month>> {
    Ok(sqlx::query_as(
        "select agency_id, to_char(month, 'YYYY-MM-DD') as first_day,
                to_char(month + interval '1 month' - interval '1 day', 'YYYY-MM-DD') as last_day,
                count(*) as dossiers,
                count(*) filter (where digitised_den) as digitised_den,
                count(*) filter (where digitised_num) as digitised_num
         from (select agency_id, digitised_den, digitised_num,
                      date_trunc('month', submitted_at at time zone 'Asia/Ho_Chi_Minh') as month
               from dossier_fact) f
         group by agency_id, month
         order by month, agency_id",
    )
    .fetch_all(pool)
    .await?)
}

/// The agency with the most dossiers (the first by name of equals).
fn largest(months: &[Month]) -> Option<String> {
    let mut per_agency: BTreeMap<&str, i64> = BTreeMap::new();
    for month in months {
        *per_agency.entry(&month.agency_id).or_default() += month.dossiers;
    }
    let most = per_agency.values().copied().max()?;
    per_agency
        .into_iter()
        .find(|(_, dossiers)| *dossiers == most)
        .map(|(agency, _)| agency.to_owned())
}

/// The operations' months (indices into `months`) in the order they are asked: the largest
/// agency's months and the others' alternately, until every other agency-month was asked
/// once. With one agency only, its months.
fn operations(months: &[Month], largest: &str) -> Vec<usize> {
    let (big, others): (Vec<usize>, Vec<usize>) =
        (0..months.len()).partition(|&i| months[i].agency_id == largest);
    if others.is_empty() {
        return big;
    }
    others
        .iter()
        .enumerate()
        .flat_map(|(k, &other)| [big[k % big.len()], other])
        .collect()
}

/// The operations' list for pgbench: `bench_report_op (n, agency_id, from_day, until_day)`,
/// `n` from 0, the period's days as the engine computes them (Vietnam's dates, the end
/// excluded).
async fn record_operations(
    pool: &sqlx::PgPool,
    months: &[Month],
    operations: &[usize],
) -> anyhow::Result<()> {
    let column = |f: fn(&Month) -> &String| -> Vec<String> {
        operations.iter().map(|&i| f(&months[i]).clone()).collect()
    };
    sqlx::query(
        "create table bench_report_op (n integer primary key, agency_id text not null,
             from_day date not null, until_day date not null)",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "insert into bench_report_op (n, agency_id, from_day, until_day)
         select n - 1, agency, first::date, last::date + 1
         from unnest($1::text[], $2::text[], $3::text[]) with ordinality as o(agency, first, last, n)",
    )
    .bind(column(|m| &m.agency_id))
    .bind(column(|m| &m.first_day))
    .bind(column(|m| &m.last_day))
    .execute(pool)
    .await?;
    sqlx::query("analyze bench_report_op").execute(pool).await?;
    Ok(())
}

/// `failed`'s count of answers with other figures than the database's.
fn wrong(figures: &Figures) -> u64 {
    figures
        .failed
        .iter()
        .filter(|(status, _)| *status == WRONG_FIGURES)
        .map(|(_, n)| n)
        .sum()
}

pub async fn run(setup: Setup, plan: Plan, dossiers: u64) -> anyhow::Result<()> {
    let (engine, pool, ceiling) = setup.into_parts();
    let generation = generate(&engine, dossiers).await?;
    eprintln!("counting every agency's months …");
    let months = months(&pool).await?;
    let Some(largest) = largest(&months) else {
        anyhow::bail!("motcua generate made no dossiers");
    };
    let operations = operations(&months, &largest);
    record_operations(&pool, &months, &operations).await?;
    let agencies = months
        .iter()
        .map(|m| m.agency_id.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let largest_months: Vec<&Month> = months.iter().filter(|m| m.agency_id == largest).collect();
    let largest_per_month = largest_months.iter().map(|m| m.dossiers).sum::<i64>()
        / i64::try_from(largest_months.len().max(1))?;

    let supervisor = Arc::new(Supervisor {
        client: super::client(),
        token: login(&engine, "staff", SUPERVISOR).await.token,
    });
    let base = engine.url.clone();
    let every_month: Vec<Request> = months
        .iter()
        .map(|month| Request::digitisation(&base, month, &largest))
        .collect();

    eprintln!(
        "asking every agency-month once ({}), not measured …",
        every_month.len()
    );
    let (mut before_wrong, mut before_failed) = (0u64, 0u64);
    for request in &every_month {
        let answer = supervisor.ask(request).await;
        if answer.status == WRONG_FIGURES {
            before_wrong += 1;
        } else if !answer.ok() {
            before_failed += 1;
        }
    }

    println!(
        "reports: {dossiers} dossiers generated by motcua generate in {:.0} s ({:.0}/s), \
         {agencies} agencies × {} months; the supervisor ({SUPERVISOR}, logged in through the \
         simulator) asks GET /v1/reports/digitisation for one agency and one month each, every \
         other request the largest agency's ({largest}, {largest_per_month} dossiers a month), \
         the others every other agency-month in turn; {:?}, at most {} reports; every answer's \
         figures compared with the database's ({WRONG_FIGURES} = other figures); every \
         agency-month asked once before, not measured",
        generation.as_secs_f64(),
        dossiers as f64 / generation.as_secs_f64(),
        largest_months.len(),
        plan.arrivals,
        plan.operations
    );
    let (big, others) = (
        format!("{largest} (the largest)"),
        format!("the {} others", agencies.saturating_sub(1)),
    );
    let per_kind = Arc::new(PerKind::new(&[&big, &others]));
    let in_order: Arc<Vec<Request>> = Arc::new(
        operations
            .iter()
            .map(|&month| every_month[month].clone())
            .collect(),
    );
    let (asking, recorded) = (supervisor.clone(), per_kind.clone());
    let cpu_before = CpuTimes::now(engine.pid());
    let figures = drive(plan, move |n| {
        let (requests, supervisor, per_kind) = (in_order.clone(), asking.clone(), recorded.clone());
        async move {
            let request = &requests[usize::try_from(n).unwrap_or(usize::MAX) % requests.len()];
            let sent = Instant::now();
            let answer = supervisor.ask(request).await;
            if answer.ok() {
                per_kind.record(request.kind, sent.elapsed());
            }
            answer
        }
    })
    .await;
    println!("  engine:  {}", figures.summary());
    let cpu_after = CpuTimes::now(engine.pid());
    per_kind.print();

    // The whole province's month: every agency × procedure, one request at a time.
    let mut whole_months: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    let mut whole_digitised: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
    for month in &months {
        let key = (month.first_day.as_str(), month.last_day.as_str());
        *whole_months.entry(key).or_default() += month.dossiers;
        let d = whole_digitised.entry(key).or_default();
        d.0 += month.digitised_den;
        d.1 += month.digitised_num;
    }
    let scorecards: Arc<Vec<Request>> = Arc::new(
        whole_digitised
            .iter()
            .map(|((first, last), (dossiers, digitised))| Request {
                url: format!("{base}/v1/reports/scorecard?from={first}&to={last}"),
                expected: Expected::Scorecard {
                    dossiers: *dossiers,
                    digitised: *digitised,
                },
                kind: 0,
            })
            .collect(),
    );
    let all_agencies: Arc<Vec<Request>> = Arc::new(
        whole_months
            .into_iter()
            .map(|((first, last), dossiers)| Request {
                url: format!("{base}/v1/reports/indicators?from={first}&to={last}"),
                expected: Expected::Indicators { dossiers },
                kind: 0,
            })
            .collect(),
    );
    let all_plan = Plan {
        arrivals: Arrivals::Closed { clients: 1 },
        operations: ALL_AGENCIES_REQUESTS,
        duration: plan.duration,
    };
    let asking = supervisor.clone();
    let all = drive(all_plan, move |n| {
        let (requests, supervisor) = (all_agencies.clone(), asking.clone());
        async move {
            let request = &requests[usize::try_from(n).unwrap_or(usize::MAX) % requests.len()];
            supervisor.ask(request).await
        }
    })
    .await;
    println!(
        "  all agencies: {} (GET /v1/reports/indicators, every agency × procedure of one \
         month, one request at a time, at most {ALL_AGENCIES_REQUESTS}; no ceiling)",
        all.summary()
    );

    // The whole scorecard of the province's month: every agency, every group.
    let card_plan = Plan {
        arrivals: Arrivals::Closed { clients: 1 },
        operations: SCORECARD_REQUESTS,
        duration: plan.duration,
    };
    let asking = supervisor.clone();
    let cards = drive(card_plan, move |n| {
        let (requests, supervisor) = (scorecards.clone(), asking.clone());
        async move {
            let request = &requests[usize::try_from(n).unwrap_or(usize::MAX) % requests.len()];
            supervisor.ask(request).await
        }
    })
    .await;
    let card_p99 = cards.percentile_ms(99.0);
    println!(
        "  scorecard: {} (GET /v1/reports/scorecard, the whole province's month: every \
         agency's card and the total, one request at a time, at most {SCORECARD_REQUESTS}); \
         target p99 ≤ {SCORECARD_TARGET_P99_MS:.0} ms at {TARGET_DOSSIERS} dossiers; here p99 \
         {card_p99:.2} ms at {dossiers} dossiers{}",
        cards.summary(),
        if dossiers < TARGET_DOSSIERS {
            " (fewer dossiers: not judged)"
        } else if card_p99 <= SCORECARD_TARGET_P99_MS {
            ": met"
        } else {
            ": missed"
        }
    );

    let (in_dossier, in_facts): (i64, i64) = sqlx::query_as(
        "select (select count(*) from dossier), (select count(*) from dossier_fact)",
    )
    .fetch_one(&pool)
    .await?;
    let (load_wrong, all_wrong, card_wrong) = (wrong(&figures), wrong(&all), wrong(&cards));
    println!(
        "  check:   {in_dossier} dossiers and {in_facts} facts rows in the database of {dossiers} \
         generated, in {} agency-months; answers with other figures than the database's: \
         {before_wrong} of {} before the load ({before_failed} other failures), {load_wrong} in \
         it, {all_wrong} all-agencies, {card_wrong} scorecards",
        months.len(),
        every_month.len()
    );
    let holds = u64::try_from(in_dossier)? == dossiers
        && in_facts == in_dossier
        && before_wrong == 0
        && before_failed == 0
        && load_wrong == 0
        && all_wrong == 0
        && card_wrong == 0;

    let measured = ceiling::Run {
        name: "reports",
        script: include_str!("../pgbench/reports.sql"),
        clients: ceiling.clients,
        duration: ceiling.duration,
        defines: vec![("operations", operations.len().to_string())],
    }
    .measure(&engine.database_url)?;
    println!(
        "  ceiling: {} (the report's statement, agency-months at random from the same list)",
        measured.summary()
    );
    print_ratio(&figures, &measured);
    print_cpu(&cpu_before, &cpu_after, &figures, &measured);
    let p99 = figures.percentile_ms(99.0);
    println!(
        "  target:  p99 ≤ {TARGET_P99_MS:.0} ms at {TARGET_DOSSIERS} dossiers; here p99 {p99:.2} \
         ms at {dossiers} dossiers{}",
        if dossiers < TARGET_DOSSIERS {
            " (fewer dossiers: not judged)"
        } else if p99 <= TARGET_P99_MS {
            ": met"
        } else {
            ": missed"
        }
    );
    anyhow::ensure!(holds, "the database does not match the answers");
    Ok(())
}
