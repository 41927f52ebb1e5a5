-- The ceiling of the claim scenario: what PostgreSQL alone does with the statements the
-- engine issues for one desk operation, a claim (POST /v1/queues/{queue}/claim of the
-- diploma copy's desk queue, crates/motcua-api/src/routes/queues.rs `claim`) then the
-- reception of the claimed dossier (POST /v1/dossiers/{id}/actions/receive,
-- crates/motcua-api/src/routes/actions.rs `act` → `take_action` → `workflow_step`), in the
-- order it issues them, with the same parameters' shapes; neither request carries an
-- Idempotency-Key, so idempotency::claim and idempotency::complete issue no statement. Run
-- by `scripts/bench claim` with `pgbench -M prepared`; one pgbench transaction is one
-- operation (both of the engine's transactions).
--
-- One difference from the engine: the values it computes in Rust (the legal clock's dates,
-- the facts' flags, the event's detail) are literals or now() + an interval of the same
-- type. pgbench reads a colon followed by a letter or digit as a
-- variable even inside a quoted literal, so the JSON literals spell their colons \u003a.
\set clerk 1 + :client_id % 50
-- claim ------------------------------------------------------------------------------------
begin;
-- queues::claim_next
update dossier set assigned_to = 'motcua.tiepnhan.' || lpad(:clerk::text, 2, '0'), assigned_at = now(), updated_at = now()
         where id = (
             select id from dossier
             where agency_id = 'SGDDT-HN' and procedure_code = '3.000465' and state = 'submitted'
               and closed_at is null and assigned_to is null
             order by step_due_at nulls last, id
             limit 1
             for update skip locked)
         returning id, procedure_code, procedure_version, citizen_pin, agency_id, channel, state, data, prefill, code, submitted_at, ack_due_at, closed_at, flags, created_at, updated_at, assigned_to, assigned_at, received_at, clock_started_at, clock_paused_at, state_entered_at, step_due_at, due_at, original_due_at, supplement_requests, apologies, taken_by, anonymised_at \gset c_
-- events::append
insert into dossier_event
           (dossier_id, at, actor_kind, actor, action, from_state, to_state, comment, detail)
         values (:c_id, now(), 'staff', 'motcua.tiepnhan.' || lpad(:clerk::text, 2, '0'), 'claim', 'submitted', 'submitted', null, '{"queue": "3.000465\u003asubmitted"}');
-- record_staff_read → register_access::record
insert into register_access (actor_kind, actor, actor_role, actor_agency, subject_pin, fields,
                                      procedure_code, dossier_id, purpose, outcome, request_id,
                                      source, document_id)
         values ('staff', 'motcua.tiepnhan.' || lpad(:clerk::text, 2, '0'), 'desk_clerk', 'SGDDT-HN', :c_citizen_pin, '{}', '3.000465', :c_id, 'giải quyết hồ sơ / handling the dossier', 'opened', '00000000-0000-0000-0000-000000000000', 'dossier', null);
-- full_view → documents::list_for_dossier (in the transaction)
select dd.requirement, dd.document_id, dd.source, dd.digitised, dd.reused,
                dd.from_store, dd.replaces_result_code, dd.added_by_kind, dd.added_at,
                d.file_name, d.content_type, d.size, d.sha256
         from dossier_document dd left join document d on d.id = dd.document_id
         where dd.dossier_id = :c_id order by dd.requirement;
commit;
-- receive ----------------------------------------------------------------------------------
begin;
-- lock_visible → dossiers::find_for_update
select id, procedure_code, procedure_version, citizen_pin, agency_id, channel, state, data, prefill, code, submitted_at, ack_due_at, closed_at, flags, created_at, updated_at, assigned_to, assigned_at, received_at, clock_started_at, clock_paused_at, state_entered_at, step_due_at, due_at, original_due_at, supplement_requests, apologies, taken_by, anonymised_at from dossier where id = :c_id for update;
-- workflow_step → dossiers::record_step (receive is not `once` and needs no result: no
-- events::count_action, no documents::has_result)
update dossier set state = 'processing', updated_at = now(),
                closed_at = case when false then now() else closed_at end,
                assigned_to = null, assigned_at = null,
                received_at = now(), clock_started_at = now(), clock_paused_at = null,
                state_entered_at = now(), step_due_at = now() + interval '5 hours', due_at = now() + interval '8 hours', original_due_at = null,
                supplement_requests = 0, apologies = 0,
                ack_due_at = coalesce(null, ack_due_at)
         where id = :c_id and state = 'submitted' returning id, procedure_code, procedure_version, citizen_pin, agency_id, channel, state, data, prefill, code, submitted_at, ack_due_at, closed_at, flags, created_at, updated_at, assigned_to, assigned_at, received_at, clock_started_at, clock_paused_at, state_entered_at, step_due_at, due_at, original_due_at, supplement_requests, apologies, taken_by, anonymised_at;
-- events::append
insert into dossier_event
           (dossier_id, at, actor_kind, actor, action, from_state, to_state, comment, detail)
         values (:c_id, now(), 'staff', 'motcua.tiepnhan.' || lpad(:clerk::text, 2, '0'), 'receive', 'submitted', 'processing', null, '{"slips": ["receipt"], "due_at": "2025-04-22T09\u003a00\u003a00Z", "handover": {"state": "submitted", "due_at": "2025-04-22T09\u003a00\u003a00Z", "timing": "late", "held_by": "motcua.tiepnhan.01", "entered_at": "2025-04-21T09\u003a00\u003a00Z"}}');
-- facts::refresh → facts::document_facts
select count(*) as documents,
                count(*) filter (where not digitised) as paper_only,
                coalesce(bool_or(reused), false) as reused,
                coalesce(bool_or(from_store), false) as from_store,
                exists (select 1 from dossier_result
                        where dossier_id = :c_id and published_at is not null) as result_published
         from dossier_document where dossier_id = :c_id;
-- facts::refresh → facts::upsert
insert into dossier_fact (dossier_id, agency_id, procedure_code, submitted_at, channel,
             received, finished_at, due_at, supplement_requests, on_time_den, on_time_num,
             online_den, online_num, eresult_den, eresult_num, digitised_den, digitised_num,
             reuse_den, reuse_num, store_den, store_num, register_den, register_num,
             prefill_fields, prefilled, withdrawn)
         values (:c_id, 'SGDDT-HN', '3.000465', :c_submitted_at, 'online', true, null, now() + interval '8 hours', 0, false, false, true, false, false, false, true, false, true, false, true, false, true, true, 4, 4, false)
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
             updated_at = now();
-- record_staff_read → register_access::record
insert into register_access (actor_kind, actor, actor_role, actor_agency, subject_pin, fields,
                                      procedure_code, dossier_id, purpose, outcome, request_id,
                                      source, document_id)
         values ('staff', 'motcua.tiepnhan.' || lpad(:clerk::text, 2, '0'), 'desk_clerk', 'SGDDT-HN', :c_citizen_pin, '{}', '3.000465', :c_id, 'giải quyết hồ sơ / handling the dossier', 'opened', '00000000-0000-0000-0000-000000000000', 'dossier', null);
-- full_view → documents::list_for_dossier (in the transaction)
select dd.requirement, dd.document_id, dd.source, dd.digitised, dd.reused,
                dd.from_store, dd.replaces_result_code, dd.added_by_kind, dd.added_at,
                d.file_name, d.content_type, d.size, d.sha256
         from dossier_document dd left join document d on d.id = dd.document_id
         where dd.dossier_id = :c_id order by dd.requirement;
commit;
