-- The ceiling of the journey scenario: what PostgreSQL alone does with the statements the
-- engine issues for one citizen's diploma copy (3.000465), in the order it issues them and
-- with the same parameters' shapes: the draft's creation (POST /v1/dossiers,
-- crates/motcua-api/src/routes/dossiers.rs `create` → `open_draft`, no Idempotency-Key),
-- the form (PATCH /v1/dossiers/{id}, `patch`), and the submission (POST
-- /v1/dossiers/{id}/submit with an Idempotency-Key, `submit`, as tests/pgbench/deadline.sql
-- has it, for this procedure and its agency; if the submit path changes, both follow it). Run by `scripts/bench journey` with
-- `pgbench -M prepared`; one pgbench transaction is one journey (the engine's two
-- transactions and the statements outside them: the register read's record, the view's
-- documents, and the submission's three, committed each on its own).
--
-- Not here: the register read's HTTP call (`register::read` → the simulator), which is no
-- SQL; only the read's record in register_access is. Different from the engine: the
-- documents `full_view` reads through the pool after the patch are read on the same
-- connection; the citizen is a synthetic number per pgbench client and turn, not a
-- resident; the values the engine computes in Rust (the register's answer, the legal
-- clock's dates, the facts' flags) are literals or now() + an interval of the same type.
-- pgbench reads a colon followed by a letter or digit as a variable even inside a quoted
-- literal, so the JSON literals spell their colons \u003a.
\set n :client_id + :clients * :k
\set k :k + 1
-- create -----------------------------------------------------------------------------------
-- register::read → register_access::record (on the pool, before the transaction). The
-- engine made the draft's id before the read (Uuid::now_v7); `returning dossier_id` is the
-- ceiling's own, to carry it to the next statements.
insert into register_access (actor_kind, actor, actor_role, actor_agency, subject_pin, fields,
                                      procedure_code, dossier_id, purpose, outcome, request_id,
                                      source, document_id)
         values ('citizen', '001307' || lpad(:n::text, 6, '0'), null, null, '001307' || lpad(:n::text, 6, '0'), '{birth_date,full_name,permanent_address,pin,status}', '3.000465', gen_random_uuid(), 'điền sẵn hồ sơ khi tạo / prefill of a new draft', 'ok', gen_random_uuid(), 'register', null)
         returning dossier_id as id \gset
begin;
-- dossiers::insert_draft
insert into dossier (id, procedure_code, procedure_version, citizen_pin, state, data, prefill,
                              flags, channel, agency_id, taken_by)
         values (:id, '3.000465', 4, '001307' || lpad(:n::text, 6, '0'), 'draft', '{"applicant": {"pin": "001195012345", "address": "Số 12 ngõ 34 phố Trần Duy Hưng, Phường Yên Hòa, Thành phố Hà Nội", "full_name": "Nguyễn Thị Thu Lan", "birth_date": "1995-03-02"}}', '{"/applicant/pin": {"locked": true, "source": "pin", "fetched_at": "2025-04-22T09\u003a00\u003a00.123456+07\u003a00", "request_id": "6f1c2f9e-51b4-4d4b-9d0c-2f9b8f0e1a11"}, "/applicant/address": {"locked": true, "source": "permanent_address.text", "fetched_at": "2025-04-22T09\u003a00\u003a00.123456+07\u003a00", "request_id": "6f1c2f9e-51b4-4d4b-9d0c-2f9b8f0e1a11"}, "/applicant/full_name": {"locked": true, "source": "full_name", "fetched_at": "2025-04-22T09\u003a00\u003a00.123456+07\u003a00", "request_id": "6f1c2f9e-51b4-4d4b-9d0c-2f9b8f0e1a11"}, "/applicant/birth_date": {"locked": true, "source": "birth_date", "fetched_at": "2025-04-22T09\u003a00\u003a00.123456+07\u003a00", "request_id": "6f1c2f9e-51b4-4d4b-9d0c-2f9b8f0e1a11"}}', '{}', 'online', null, null) returning id, procedure_code, procedure_version, citizen_pin, agency_id, channel, state, data, prefill, code, submitted_at, ack_due_at, closed_at, flags, created_at, updated_at, assigned_to, assigned_at, received_at, clock_started_at, clock_paused_at, state_entered_at, step_due_at, due_at, original_due_at, supplement_requests, apologies, taken_by, anonymised_at;
-- events::append
insert into dossier_event
           (dossier_id, at, actor_kind, actor, action, from_state, to_state, comment, detail)
         values (:id, now(), 'citizen', '001307' || lpad(:n::text, 6, '0'), 'create_draft', null, 'draft', null, '{"flags": [], "channel": "online", "register": {"outcome": "ok", "request_id": "6f1c2f9e-51b4-4d4b-9d0c-2f9b8f0e1a11"}}');
commit;
-- patch ------------------------------------------------------------------------------------
begin;
-- lock_visible → dossiers::find_for_update
select id, procedure_code, procedure_version, citizen_pin, agency_id, channel, state, data, prefill, code, submitted_at, ack_due_at, closed_at, flags, created_at, updated_at, assigned_to, assigned_at, received_at, clock_started_at, clock_paused_at, state_entered_at, step_due_at, due_at, original_due_at, supplement_requests, apologies, taken_by, anonymised_at from dossier where id = :id for update;
-- dossiers::update_data
update dossier set data = '{"copies": 1, "diploma": {"kind": "thpt", "serial": "HN-2025-001234", "issued_by": "Sở GD&ĐT Hà Nội", "year_awarded": 2025}, "delivery": "electronic", "applicant": {"pin": "001195012345", "email": "khoi@example.vn", "phone": "0912345678", "address": "Số 12 ngõ 34 phố Trần Duy Hưng, Phường Yên Hòa, Thành phố Hà Nội", "full_name": "Nguyễn Thị Thu Lan", "birth_date": "1995-03-02"}, "relationship": "holder"}', prefill = '{"/applicant/pin": {"locked": true, "source": "pin", "fetched_at": "2025-04-22T09\u003a00\u003a00.123456+07\u003a00", "request_id": "6f1c2f9e-51b4-4d4b-9d0c-2f9b8f0e1a11"}, "/applicant/address": {"locked": true, "source": "permanent_address.text", "fetched_at": "2025-04-22T09\u003a00\u003a00.123456+07\u003a00", "request_id": "6f1c2f9e-51b4-4d4b-9d0c-2f9b8f0e1a11"}, "/applicant/full_name": {"locked": true, "source": "full_name", "fetched_at": "2025-04-22T09\u003a00\u003a00.123456+07\u003a00", "request_id": "6f1c2f9e-51b4-4d4b-9d0c-2f9b8f0e1a11"}, "/applicant/birth_date": {"locked": true, "source": "birth_date", "fetched_at": "2025-04-22T09\u003a00\u003a00.123456+07\u003a00", "request_id": "6f1c2f9e-51b4-4d4b-9d0c-2f9b8f0e1a11"}}', flags = '{}', updated_at = now()
         where id = :id returning id, procedure_code, procedure_version, citizen_pin, agency_id, channel, state, data, prefill, code, submitted_at, ack_due_at, closed_at, flags, created_at, updated_at, assigned_to, assigned_at, received_at, clock_started_at, clock_paused_at, state_entered_at, step_due_at, due_at, original_due_at, supplement_requests, apologies, taken_by, anonymised_at;
-- events::append
insert into dossier_event
           (dossier_id, at, actor_kind, actor, action, from_state, to_state, comment, detail)
         values (:id, now(), 'citizen', '001307' || lpad(:n::text, 6, '0'), 'patch', 'draft', 'draft', null, '{"fields": ["applicant", "copies", "delivery", "diploma", "relationship"]}');
commit;
-- full_view → documents::list_for_dossier (on the pool, after the commit)
select dd.requirement, dd.document_id, dd.source, dd.digitised, dd.reused,
                dd.from_store, dd.replaces_result_code, dd.added_by_kind, dd.added_at,
                d.file_name, d.content_type, d.size, d.sha256
         from dossier_document dd left join document d on d.id = dd.document_id
         where dd.dossier_id = :id order by dd.requirement;
-- submit -----------------------------------------------------------------------------------
-- dossiers::reserve_code_numbers: the engine reserves dossier code numbers in blocks of up
-- to 64, under this load 64 after the first 127 numbers (crates/motcua-api/src/
-- code_numbers.rs), between the submission's reads and its write, on a connection of its own whose session has
-- synchronous_commit = off (motcua_store::connect_code_numbers); here, as in deadline.sql,
-- one journey in 64 of each client reserves a block on this connection before the
-- submission's statements, with the setting set and reset around it (two statements more than the
-- engine's), and a code's number is the journey's own `n`.
\if :k % 64 = 1
set synchronous_commit = off;
insert into dossier_code_sequence (agency_id, day, last_value) values ('SGDDT-HN', '2025-04-22', 64)
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
         left join idempotency_key k on k.principal = 'citizen:' || '001307' || lpad(:n::text, 6, '0') and k.key = 'ceiling-journey-' || :n \gset r_
-- documents::list_for_dossier, read by submit for missing_documents and the facts (no
-- document is required of a holder: no documents::holds_result_of)
select dd.requirement, dd.document_id, dd.source, dd.digitised, dd.reused,
                dd.from_store, dd.replaces_result_code, dd.added_by_kind, dd.added_at,
                d.file_name, d.content_type, d.size, d.sha256
         from dossier_document dd left join document d on d.id = dd.document_id
         where dd.dossier_id = :id order by dd.requirement;
-- submissions::record (crates/motcua-store/src/submissions.rs): the dossier if still the
-- version read, its event, its facts (computed by the engine from the documents read above)
-- and the key with its answer, in one statement (the 'c' keeps the ceiling's codes apart from the engine's)
with submitted as (
     update dossier set agency_id = 'SGDDT-HN', state = 'submitted', code = 'SGDDT-HN-250422-c' || :n, submitted_at = now(),
            ack_due_at = now() + interval '8 hours', state_entered_at = now(), step_due_at = now() + interval '8 hours', updated_at = now()
      where id = :id and state = 'draft' and xmin::text::bigint = :r_row_version
      returning id),
 event as (
     insert into dossier_event (dossier_id, at, actor_kind, actor, action, from_state, to_state, comment, detail)
     select :id, now(), 'citizen', '001307' || lpad(:n::text, 6, '0'), 'submit', 'draft', 'submitted', null, '{"code": "SGDDT-HN-250422-0001", "channel": "online"}'::jsonb
       from submitted where submitted.id = :id
     returning 1),
 fact as (
     insert into dossier_fact (dossier_id, agency_id, procedure_code, submitted_at, channel,
         received, finished_at, due_at, supplement_requests, on_time_den, on_time_num,
         online_den, online_num, eresult_den, eresult_num, digitised_den, digitised_num,
         reuse_den, reuse_num, store_den, store_num, register_den, register_num,
         prefill_fields, prefilled, withdrawn)
     select :id, 'SGDDT-HN', '3.000465', now(), 'online', false, null::timestamptz, null::timestamptz, 0, false, false, false, false, false, false, true, false, false, false, false, false, true, true, 4, 4, false
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
     select 'citizen:' || '001307' || lpad(:n::text, 6, '0'), 'ceiling-journey-' || :n, 'a3f1c9e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6', 200,
            '{"id": "01965a1e-2b3c-7d4e-8f90-a1b2c3d4e5f6", "code": "SGDDT-HN-250422-0001", "state": "submitted", "status": 1, "due_at": null, "ack_due_at": "2025-04-22T17\u003a00\u003a00+07\u003a00", "submitted_at": "2025-04-22T09\u003a00\u003a00.123456+07\u003a00"}'
       from submitted
     returning 1)
select (select count(*) from submitted), (select count(*) from event),
       (select count(*) from fact), (select count(*) from answer);
