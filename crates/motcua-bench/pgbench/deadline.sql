-- The ceiling of the deadline scenario: what PostgreSQL alone does with the statements the
-- engine issues for one submission (POST /v1/dossiers/{id}/submit with an Idempotency-Key),
-- in the order it issues them (crates/motcua-api/src/routes/dossiers.rs `submit`), with the
-- same parameters' shapes. Run by `scripts/bench deadline` with `pgbench -M prepared`.
-- A submission is no transaction: three statements, each committed on its own
-- (crates/motcua-store/src/submissions.rs), the last writing only if the draft's row is
-- still the version the first read.
--
-- One statement is the ceiling's own: picking the next prepared draft (`bench_draft`), since
-- pgbench cannot compute a draft's id. The engine reserves dossier code numbers in blocks of
-- up to 64 (crates/motcua-api/src/code_numbers.rs), under this load 64 after an agency's
-- first 127 numbers, on a connection of its own whose session has
-- `synchronous_commit = off` (motcua_store::connect_code_numbers); so here one
-- submission in 64 of each client reserves a block, and a code's number is the draft's own
-- `n` (unique, as the engine's are). pgbench has one connection per client, so it sets and
-- resets the session setting around the reservation (two statements more than the
-- engine's, one time in 64).
\set n :first + :client_id + :clients * :k
\set k :k + 1
select id, pin, agency from bench_draft where n = :n \gset
\if :k % 64 = 1
set synchronous_commit = off;
-- dossiers::reserve_code_numbers (the engine reserves a block between its reads and its
-- write, on its other connection)
insert into dossier_code_sequence (agency_id, day, last_value) values (:agency, '2025-04-22', 64)
         on conflict (agency_id, day)
         do update set last_value = dossier_code_sequence.last_value + excluded.last_value
         returning last_value;
set synchronous_commit = on;
\endif
-- submissions::open (no transaction, no lock): the draft, its row's version and what the
-- key holds; \gset keeps the version for the write
select d.*, k.request_sha256 as key_sha256, k.response_status as key_status,
                k.response_body as key_body
         from (select id, procedure_code, procedure_version, citizen_pin, agency_id, channel, state, data, prefill, code, submitted_at, ack_due_at, closed_at, flags, created_at, updated_at, assigned_to, assigned_at, received_at, clock_started_at, clock_paused_at, state_entered_at, step_due_at, due_at, original_due_at, supplement_requests, apologies, taken_by, anonymised_at, xmin::text::bigint as row_version from dossier where id = :id) d
         left join idempotency_key k on k.principal = 'citizen:' || :pin and k.key = 'ceiling-' || :n \gset r_
-- documents::list_for_dossier (read by submit for missing_documents and the facts)
select dd.requirement, dd.document_id, dd.source, dd.digitised, dd.reused,
                dd.from_store, dd.replaces_result_code, dd.added_by_kind, dd.added_at,
                d.file_name, d.content_type, d.size, d.sha256
         from dossier_document dd left join document d on d.id = dd.document_id
         where dd.dossier_id = :id order by dd.requirement;
-- submissions::record: the dossier if still the version read, its event, its facts (computed
-- by the engine from the documents read above), the key with its answer and the outbox's
-- message telling DVCQG of the new dossier
with submitted as (
     update dossier set agency_id = :agency, state = 'submitted', code = :agency || '-250422-c' || :n, submitted_at = now(),
            ack_due_at = now() + interval '8 hours', state_entered_at = now(), step_due_at = now() + interval '8 hours', updated_at = now()
      where id = :id and state = 'draft' and xmin::text::bigint = :r_row_version
      returning id),
 event as (
     insert into dossier_event (dossier_id, at, actor_kind, actor, action, from_state, to_state, comment, detail)
     select :id, now(), 'citizen', :pin, 'submit', 'draft', 'submitted', null, '{"code": "x", "channel": "online"}'::jsonb from submitted where submitted.id = :id
     returning id),
 fact as (
     insert into dossier_fact (dossier_id, agency_id, procedure_code, submitted_at, channel,
         received, finished_at, due_at, supplement_requests, on_time_den, on_time_num,
         online_den, online_num, eresult_den, eresult_num, digitised_den, digitised_num,
         reuse_den, reuse_num, store_den, store_num, register_den, register_num,
         prefill_fields, prefilled, withdrawn)
     select :id, :agency, '1.005142', now(), 'online', false, null::timestamptz, null::timestamptz, 0, false, false, true, true, false, false, true, true, false, false, false, false, true, true, 7, 7, false
       from submitted where submitted.id = :id
     on conflict (dossier_id) do update set
         agency_id = excluded.agency_id, procedure_code = excluded.procedure_code,
         submitted_at = excluded.submitted_at, channel = excluded.channel,
         received = excluded.received, withdrawn = excluded.withdrawn,
         finished_at = excluded.finished_at,
         due_at = excluded.due_at, supplement_requests = excluded.supplement_requests,
         on_time_den = excluded.on_time_den, on_time_num = excluded.on_time_num,
         online_den = excluded.online_den, online_num = excluded.online_num,
         eresult_den = excluded.eresult_den, eresult_num = excluded.eresult_num,
         digitised_den = excluded.digitised_den, digitised_num = excluded.digitised_num,
         reuse_den = excluded.reuse_den, reuse_num = excluded.reuse_num,
         store_den = excluded.store_den, store_num = excluded.store_num,
         register_den = excluded.register_den, register_num = excluded.register_num,
         prefill_fields = excluded.prefill_fields, prefilled = excluded.prefilled,
         updated_at = now()
     returning 1),
 answer as (
     insert into idempotency_key (principal, key, request_sha256, response_status, response_body)
     select 'citizen:' || :pin, 'ceiling-' || :n, 'a3f1c9e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6', 200,
            '{"id": "x", "code": "x", "state": "submitted", "status": 2}'
       from submitted
     returning 1),
 outbox as (
     insert into outbox_message (target, kind, dossier_id, event_id)
     select t, 'dossier_created', :id, event.id
       from event, unnest('{dvcqg}'::text[]) with ordinality as u(t, n)
      order by n
     returning 1)
select (select count(*) from submitted), (select count(*) from event),
       (select count(*) from fact), (select count(*) from answer),
       (select count(*) from outbox);
