//! `motcua generate`: fills a database with N synthetic dossiers, for the report tests and
//! benchmarks. Dossiers of the loaded procedures, in every state of their workflow, across
//! the 34 provincial education departments (Hà Nội and Thành phố Hồ Chí Minh the largest)
//! and the months of a year; online, counter and post; on time and late; with one and (as
//! imported history) two supplement requests; digitised and paper documents; electronic
//! and paper results. Dates follow the legal calendar. Written with `COPY`, with each
//! dossier's indicator facts computed by the same code the engine uses.
//!
//! Generated dossiers carry no document rows: their documents exist only as the facts
//! (`motcua facts rebuild` would recompute them from what is stored, i.e. none).

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use motcua_core::calendar::{self, Calendar};
use motcua_core::indicators::{Channel, DossierFacts};
use motcua_core::legal_clock;
use motcua_core::procedure::Procedure;
use motcua_service::facts::Subject;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::PgConnection;
use std::fmt::Write as _;

/// The provincial departments after the 2025 merger: Hà Nội and HCM weigh four.
const AGENCIES: &[(&str, u32)] = &[
    ("SGDDT-HN", 4),
    ("SGDDT-HCM", 4),
    ("SGDDT-HP", 1),
    ("SGDDT-DNG", 1),
    ("SGDDT-CT", 1),
    ("SGDDT-HUE", 1),
    ("SGDDT-LCH", 1),
    ("SGDDT-DB", 1),
    ("SGDDT-SL", 1),
    ("SGDDT-LS", 1),
    ("SGDDT-QN", 1),
    ("SGDDT-TH", 1),
    ("SGDDT-NA", 1),
    ("SGDDT-HT", 1),
    ("SGDDT-CB", 1),
    ("SGDDT-TQ", 1),
    ("SGDDT-LCI", 1),
    ("SGDDT-TN", 1),
    ("SGDDT-PT", 1),
    ("SGDDT-BN", 1),
    ("SGDDT-HY", 1),
    ("SGDDT-NB", 1),
    ("SGDDT-QT", 1),
    ("SGDDT-QNG", 1),
    ("SGDDT-GL", 1),
    ("SGDDT-KH", 1),
    ("SGDDT-LD", 1),
    ("SGDDT-DL", 1),
    ("SGDDT-DNA", 1),
    ("SGDDT-TNI", 1),
    ("SGDDT-VL", 1),
    ("SGDDT-DT", 1),
    ("SGDDT-CM", 1),
    ("SGDDT-AG", 1),
];

/// Where a dossier ended up, with how often.
const OUTCOMES: &[(Outcome, u32)] = &[
    (Outcome::Returned, 70),
    (Outcome::InProgress, 14),
    (Outcome::Waiting, 5),
    (Outcome::Supplement, 4),
    (Outcome::Refused, 3),
    (Outcome::Withdrawn, 3),
    (Outcome::Stopped, 1),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Waiting,
    InProgress,
    Supplement,
    Returned,
    Refused,
    Withdrawn,
    Stopped,
}

impl Outcome {
    /// The state of the starter procedures' workflow.
    fn state(self, rng: &mut StdRng) -> &'static str {
        match self {
            Outcome::Waiting => "submitted",
            Outcome::InProgress => {
                ["processing", "approval", "approved", "result_ready"][rng.gen_range(0..4)]
            }
            Outcome::Supplement => "supplement",
            Outcome::Returned => "returned",
            Outcome::Refused => "refused",
            Outcome::Withdrawn => "withdrawn",
            Outcome::Stopped => "stopped",
        }
    }
}

pub struct Options {
    pub dossiers: u64,
    pub year: i32,
    pub seed: u64,
}

fn pick<T: Copy>(rng: &mut StdRng, weighted: &[(T, u32)]) -> T {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut at = rng.gen_range(0..total);
    for (value, weight) in weighted {
        if at < *weight {
            return *value;
        }
        at -= weight;
    }
    weighted[0].0
}

/// A submission time on a working day of `month`, in office hours (Vietnam's time).
fn submitted_in(
    rng: &mut StdRng,
    calendar: &Calendar,
    year: i32,
    month: u32,
) -> Result<DateTime<Utc>> {
    let first = NaiveDate::from_ymd_opt(year, month, 1).context("a month of the year")?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .context("the next month")?;
    let days = (next - first).num_days();
    for _ in 0..50 {
        let day = first + Duration::days(rng.gen_range(0..days));
        if calendar.is_working_day(day)? {
            let minutes = rng.gen_range(7 * 60 + 30..17 * 60);
            let local = day.and_hms_opt(0, 0, 0).context("midnight")? + Duration::minutes(minutes);
            return Ok(calendar::from_vietnam(local));
        }
    }
    bail!("no working day found in {year}-{month:02}")
}

fn opt(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339()).unwrap_or_else(|| "\\N".into())
}

pub async fn run(
    conn: &mut PgConnection,
    procedures: &[Procedure],
    options: Options,
) -> Result<()> {
    if procedures.is_empty() {
        bail!("no procedures loaded");
    }
    let calendar = Calendar::vietnam()?;
    let mut rng = StdRng::seed_from_u64(options.seed);
    let batch = 50_000;
    let mut written = 0u64;
    let started = std::time::Instant::now();
    while written < options.dossiers {
        let n = batch.min(options.dossiers - written);
        let mut dossiers = String::with_capacity(n as usize * 300);
        let mut facts = Vec::with_capacity(n as usize);
        for i in 0..n {
            let serial = written + i;
            let procedure = &procedures[rng.gen_range(0..procedures.len())];
            let agency = pick(&mut rng, AGENCIES);
            let month = rng.gen_range(1..=12);
            let submitted_at = submitted_in(&mut rng, &calendar, options.year, month)?;
            let channel = pick(
                &mut rng,
                &[
                    (Channel::Online, 75),
                    (Channel::Counter, 22),
                    (Channel::Post, 3),
                ],
            );
            let outcome = pick(&mut rng, OUTCOMES);
            let state = outcome.state(&mut rng);
            let received = !matches!(outcome, Outcome::Waiting | Outcome::Refused);
            let ack_due_at = calendar.ack_due_at(submitted_at)?;
            let received_at =
                received.then(|| submitted_at + Duration::minutes(rng.gen_range(10..600)));
            let clock_start = match received_at {
                Some(at) => Some(calendar.clock_start(at)?),
                None => None,
            };
            let supplement_requests = pick(&mut rng, &[(0, 91), (1, 8), (2, 1)]);
            let due_at = match clock_start {
                Some(start) => {
                    let due = legal_clock::due_at(&calendar, &procedure.spec().time_limit, start)?;
                    // Time owed for a supplement moves the date.
                    Some(due + Duration::days(i64::from(supplement_requests) * rng.gen_range(1..4)))
                }
                None => None,
            };
            let closed_at = match (outcome, due_at) {
                (Outcome::Returned | Outcome::Stopped | Outcome::Withdrawn, Some(due)) => {
                    // Most on time, some late.
                    let spread = (due - submitted_at).num_minutes().max(60);
                    let late = rng.gen_bool(0.12);
                    Some(if late {
                        due + Duration::minutes(rng.gen_range(60..3 * 24 * 60))
                    } else {
                        submitted_at + Duration::minutes(rng.gen_range(30..spread))
                    })
                }
                (Outcome::Refused, _) => {
                    Some(submitted_at + Duration::minutes(rng.gen_range(10..480)))
                }
                _ => None,
            };
            let register_used = rng.gen_bool(if channel == Channel::Online {
                0.97
            } else {
                0.8
            });
            let documents = rng.gen_range(0..4u32);
            let paper_only = if documents > 0
                && rng.gen_bool(if channel == Channel::Online {
                    0.03
                } else {
                    0.25
                }) {
                1
            } else {
                0
            };
            let electronic_result = outcome == Outcome::Returned && rng.gen_bool(0.9);
            let withdrawn = outcome == Outcome::Withdrawn;
            let f = DossierFacts {
                channel,
                received,
                finished_at: closed_at.filter(|_| !withdrawn),
                due_at: due_at.filter(|_| !withdrawn),
                supplement_requests,
                written_result_due: procedure.spec().result.written,
                result_is_document: procedure.spec().result.written,
                electronic_result,
                documents,
                paper_only_documents: paper_only,
                reused: documents > 0 && rng.gen_bool(0.35),
                from_store: documents > 0 && rng.gen_bool(0.2),
                result_to_store: electronic_result,
                register_used,
                received_at,
            };
            let id = uuid::Builder::from_random_bytes(rng.gen()).into_uuid();
            let channel_name = match channel {
                Channel::Online => "online",
                Channel::Counter => "counter",
                Channel::Post => "post",
            };
            let local_day = calendar::local_date(submitted_at);
            // Unique across runs with different seeds, like the engine's codes per agency and day.
            let code = format!(
                "{agency}-{}-{:04}{serial:09}",
                local_day.format("%y%m%d"),
                options.seed % 10_000
            );
            let pin = format!(
                "0{:02}{}{:02}{:06}",
                rng.gen_range(1..97),
                rng.gen_range(0..4),
                rng.gen_range(0..100),
                rng.gen_range(0..1_000_000)
            );
            let prefill = if register_used {
                r#"{"/applicant/full_name": {"source": "register"}}"#
            } else {
                "{}"
            };
            let prefill_fields = procedure.prefill_fields().len();
            let prefilled = if register_used { prefill_fields } else { 0 };
            let _ = writeln!(
                dossiers,
                "{id}\t{}\t{}\t{pin}\t{agency}\t{channel_name}\t{state}\t{{}}\t{}\t{code}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                procedure.code(),
                procedure.version(),
                prefill.replace('\\', "\\\\"),
                submitted_at.to_rfc3339(),
                ack_due_at.to_rfc3339(),
                opt(closed_at),
                opt(received_at),
                opt(clock_start),
                opt(due_at),
                supplement_requests,
                opt(Some(submitted_at)),
            );
            facts.push(motcua_service::facts::row(
                Subject {
                    dossier_id: id,
                    agency_id: agency,
                    procedure_code: procedure.code(),
                    submitted_at,
                    channel: channel_name,
                    withdrawn,
                    prefill_fields,
                    prefilled,
                    // Most dossiers reached the national portal; the rest wait in the outbox.
                    synchronised: rng.gen_bool(0.95),
                },
                &f,
            ));
        }
        let mut copy = conn
            .copy_in_raw(
                "copy dossier (id, procedure_code, procedure_version, citizen_pin, agency_id, channel,
                    state, data, prefill, code, submitted_at, ack_due_at, closed_at, received_at,
                    clock_started_at, due_at, supplement_requests, state_entered_at) from stdin",
            )
            .await?;
        copy.send(dossiers.into_bytes()).await?;
        copy.finish().await?;
        motcua_store::facts::copy_in(conn, &facts).await?;
        motcua_store::facts::compact(&mut *conn).await?;
        written += n;
        eprintln!(
            "  {written} / {} dossiers ({:.0}/s)",
            options.dossiers,
            written as f64 / started.elapsed().as_secs_f64()
        );
    }
    sqlx::query("vacuum analyze dossier_fact, dossier_fact_day, dossier_fact_change")
        .execute(&mut *conn)
        .await?;
    Ok(())
}
