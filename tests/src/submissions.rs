//! A load of submissions for the crash and shutdown tests: diploma-copy drafts of several
//! citizens, each submitted with its own `Idempotency-Key`, and the database checks that
//! say nothing was lost, doubled or half-written.

use crate::dossiers::filled_copy_draft;
use crate::{login, Engine, Session};
use serde_json::Value;
use std::time::Duration;

/// Citizens with the assurance level the diploma copy asks for (level 2).
pub const CITIZENS: [&str; 3] = ["001207001234", "004207005678", "001307002468"];

/// One submission of the load: whose, which dossier, with which key.
#[derive(Clone)]
pub struct Submission {
    pub token: String,
    pub dossier: String,
    pub key: String,
}

/// An answer to a submission.
pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// `Idempotent-Replayed: true`: the first answer to the same key, not a new one.
    pub replayed: bool,
}

/// `per_citizen` filled drafts of each of [`CITIZENS`], ready to submit, and the sessions.
pub async fn filled_copies(
    engine: &Engine,
    client: &reqwest::Client,
    per_citizen: usize,
) -> (Vec<Submission>, Vec<Session>) {
    let mut submissions = Vec::new();
    let mut sessions = Vec::new();
    for pin in CITIZENS {
        let citizen = login(engine, "citizen", pin).await;
        for _ in 0..per_citizen {
            let dossier = filled_copy_draft(engine, client, &citizen).await;
            submissions.push(Submission {
                token: citizen.token.clone(),
                key: format!("submit-{dossier}"),
                dossier,
            });
        }
        sessions.push(citizen);
    }
    (submissions, sessions)
}

/// Submits `s` to the engine at `url` (an `Err` when the engine did not answer).
pub async fn submit(
    client: &reqwest::Client,
    url: &str,
    s: &Submission,
) -> reqwest::Result<Answer> {
    let answer = client
        .post(format!("{url}/v1/dossiers/{}/submit", s.dossier))
        .bearer_auth(&s.token)
        .header("idempotency-key", &s.key)
        .timeout(Duration::from_secs(30))
        .send()
        .await?;
    let status = answer.status().as_u16();
    let replayed = answer.headers().contains_key("idempotent-replayed");
    let body = answer.json().await.unwrap_or(Value::Null);
    Ok(Answer {
        status,
        body,
        replayed,
    })
}

/// Read in the database itself: `total` dossiers submitted, each once (its own code, one
/// `submit` event, none for a draft), each in the report facts, and no idempotency key left
/// claimed without its answer.
pub async fn assert_submitted_once_and_whole(database_url: &str, total: usize) {
    let db = sqlx::PgPool::connect(database_url).await.unwrap();
    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            let n: i64 = sqlx::query_scalar(sql).fetch_one(&db).await.unwrap();
            usize::try_from(n).unwrap()
        }
    };
    assert_eq!(
        count("select count(*) from dossier where state <> 'draft'").await,
        total,
        "every dossier submitted once retried"
    );
    assert_eq!(
        count("select count(distinct code) from dossier where code is not null").await,
        total,
        "one code per dossier"
    );
    assert_eq!(
        count(
            "select count(*) from dossier d
             where (select count(*) from dossier_event e
                    where e.dossier_id = d.id and e.action = 'submit')
                   <> case when d.state = 'draft' then 0 else 1 end"
        )
        .await,
        0,
        "each submitted dossier has one submit event"
    );
    assert_eq!(
        count(
            "select count(*) from dossier d where d.state <> 'draft'
             and not exists (select 1 from dossier_fact f where f.dossier_id = d.id)"
        )
        .await,
        0,
        "each submitted dossier is in the report facts"
    );
    assert_eq!(
        count("select count(*) from idempotency_key where response_status is null").await,
        0,
        "no key is left claimed without its answer"
    );
}
