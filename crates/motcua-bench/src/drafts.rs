//! The last day of THPT registration: a cohort of candidates whose drafts are ready (filled,
//! photo attached) and only need the final submit. One draft is made over HTTP like a
//! candidate would (register prefill, form, photo upload); the cohort are copies of it in
//! SQL, each for its own synthetic candidate ([`super::citizens::synthetic_pin`]), spread over the
//! procedure's three receiving agencies. Copying a million drafts through the API would take
//! longer than the benchmark; what the deadline measures is the submit.
//!
//! The copies are listed in `bench_draft (n, id, document_id, pin, agency)`, a table of the
//! benchmark's own in the engine's database, which the pgbench ceiling reads too.

use crate::copy_range;
use motcua_tests::accounts::MINH;
use motcua_tests::api::put_file;
use motcua_tests::dossiers::filled_draft;
use motcua_tests::{login, Engine};
use sqlx::PgPool;
use std::time::Instant;
use uuid::Uuid;

pub const THPT: &str = "1.005142";

/// The receiving agencies of the THPT registration (procedures/1.005142.json).
pub const AGENCIES: [&str; 3] = ["THPT-HN-CVA", "THPT-HN-YENHOA", "SGDDT-HN"];

/// One complete THPT draft of the simulator's candidate Minh, made through the API.
async fn template(engine: &Engine) -> Uuid {
    let client = reqwest::Client::new();
    let minh = login(engine, "citizen", MINH).await;
    let data = motcua_tests::dossiers::thpt_data();
    let id = filled_draft(engine, &client, &minh, THPT, &data).await;
    let (status, body) = put_file(
        engine,
        &minh,
        &format!("/v1/dossiers/{id}/documents/photo"),
        "image/jpeg",
        motcua_tests::jpeg(40_000),
    )
    .await;
    assert_eq!(status, 201, "uploading the template's photo: {body}");
    id.parse().expect("the engine answers uuids")
}

/// Makes drafts `0..count` ready to submit and answers their ids, in order.
pub async fn prepare(engine: &Engine, pool: &PgPool, count: u64) -> Vec<Uuid> {
    let template = template(engine).await;
    let started = Instant::now();
    sqlx::query(
        "create table bench_draft (n bigint primary key, id uuid not null,
             document_id uuid not null, pin text not null, agency text not null)",
    )
    .execute(pool)
    .await
    .expect("creating bench_draft");
    let batch = 100_000u64;
    let mut from = 0;
    while from < count {
        let to = count.min(from + batch);
        copy_template(pool, template, from, to).await;
        from = to;
        eprintln!(
            "  {from} / {count} drafts ready ({:.0}/s)",
            from as f64 / started.elapsed().as_secs_f64()
        );
    }
    sqlx::query("vacuum analyze dossier, document, dossier_document, bench_draft")
        .execute(pool)
        .await
        .expect("vacuum analyze");
    let ids: Vec<(Uuid,)> = sqlx::query_as("select id from bench_draft order by n")
        .fetch_all(pool)
        .await
        .expect("reading bench_draft");
    ids.into_iter().map(|(id,)| id).collect()
}

/// Drafts `from..to` as copies of `template`, in one transaction.
async fn copy_template(pool: &PgPool, template: Uuid, from: u64, to: u64) {
    let mut tx = pool.begin().await.expect("a connection");
    let (from, to) = (
        i64::try_from(from).expect("fewer drafts than i64::MAX"),
        i64::try_from(to).expect("fewer drafts than i64::MAX"),
    );
    sqlx::query(
        "insert into bench_draft (n, id, document_id, pin, agency)
         select n, gen_random_uuid(), gen_random_uuid(), bench_pin(n), ($3::text[])[1 + n % 3]
         from generate_series($1::bigint, $2::bigint - 1) n",
    )
    .bind(from)
    .bind(to)
    .bind(AGENCIES.map(str::to_owned).to_vec())
    .execute(&mut *tx)
    .await
    .expect("listing the drafts");
    // The template's columns (a draft's: the others are empty), but for the ones that make
    // the copy its own candidate's. Named, not copied through `to_jsonb(row)`: that round
    // trip made copying thirty times slower.
    copy_range(
        &mut tx,
        "insert into document (id, owner_pin, kind, file_name, content_type, size, sha256,
             storage_key, created_at)
         select b.document_id, b.pin, d.kind, d.file_name, d.content_type, d.size, d.sha256,
                d.storage_key || '.bench-' || b.n, d.created_at
         from bench_draft b cross join document d
         where d.id = (select document_id from dossier_document
                       where dossier_id = $1 and requirement = 'photo')
           and b.n >= $2 and b.n < $3",
        (template, from, to),
        "copying the photo's record",
    )
    .await;
    copy_range(
        &mut tx,
        "insert into dossier (id, procedure_code, procedure_version, citizen_pin, agency_id,
             channel, state, data, prefill, flags, created_at, updated_at, state_entered_at,
             taken_by)
         select b.id, t.procedure_code, t.procedure_version, b.pin, t.agency_id, t.channel,
                t.state,
                jsonb_set(jsonb_set(t.data, '{candidate,pin}', to_jsonb(b.pin)),
                          '{receiving_agency}', to_jsonb(b.agency)),
                t.prefill, t.flags, t.created_at, t.updated_at, t.state_entered_at, t.taken_by
         from bench_draft b cross join dossier t
         where t.id = $1 and b.n >= $2 and b.n < $3",
        (template, from, to),
        "copying the draft",
    )
    .await;
    copy_range(
        &mut tx,
        "insert into dossier_document (dossier_id, requirement, document_id, source,
             digitised, reused, from_store, replaces_result_code, added_by_kind, added_by,
             added_at)
         select b.id, dd.requirement, b.document_id, dd.source, dd.digitised, dd.reused,
                dd.from_store, dd.replaces_result_code, dd.added_by_kind, b.pin, dd.added_at
         from bench_draft b cross join dossier_document dd
         where dd.dossier_id = $1 and b.n >= $2 and b.n < $3",
        (template, from, to),
        "attaching the photo",
    )
    .await;
    tx.commit().await.expect("commit");
}
