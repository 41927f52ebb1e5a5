-- The whole QĐ 766 scorecard (docs/INDICATORS.md) needs two more facts per dossier:
-- - `synchronised` (1.4): the dossier reached the national portal (DVCQG) — its
--   `DongBoHoSoMC` message was delivered, or it was filed there and pushed to us. Set by the
--   outbox's delivery in the same statement that marks the message delivered; a rewrite of
--   the facts keeps it (once synchronised, always synchronised).
-- - `processing_secs` (2.2): receipt to end of processing of a received, finished dossier.
-- and the day sums carry their sums: `synchronised`, `processed` (dossiers with a
-- processing time) and `processing_secs`.
--
-- Nullable or defaulted columns: adding them rewrites no row.
alter table dossier_fact add column synchronised boolean not null default false;
alter table dossier_fact add column processing_secs bigint;

alter table dossier_fact_day add column synchronised bigint not null default 0;
alter table dossier_fact_day add column processed bigint not null default 0;
alter table dossier_fact_day add column processing_secs bigint not null default 0;
alter table dossier_fact_change add column synchronised bigint not null default 0;
alter table dossier_fact_change add column processed bigint not null default 0;
alter table dossier_fact_change add column processing_secs bigint not null default 0;

create or replace function dossier_fact_contribution(f dossier_fact, sign integer)
returns dossier_fact_change
language sql immutable
as $$
    select row(f.agency_id, f.procedure_code,
               (f.submitted_at at time zone interval '7 hours')::date,
               sign,
               sign * (f.channel = 'online')::int,
               sign * (f.channel = 'counter')::int,
               sign * (f.channel = 'post')::int,
               sign * f.received::int,
               sign * (f.finished_at is not null)::int,
               sign * (f.on_time_den and not (f.received and f.finished_at is null))::int,
               sign * f.on_time_num::int,
               sign * f.online_den::int, sign * f.online_num::int,
               sign * f.eresult_den::int, sign * f.eresult_num::int,
               sign * f.digitised_den::int, sign * f.digitised_num::int,
               sign * f.reuse_den::int, sign * f.reuse_num::int,
               sign * f.store_den::int, sign * f.store_num::int,
               sign * f.register_den::int, sign * f.register_num::int,
               sign * f.prefill_fields, sign * f.prefilled,
               sign * f.synchronised::int,
               sign * (f.processing_secs is not null)::int,
               sign * coalesce(f.processing_secs, 0))::dossier_fact_change
$$;

create or replace function compact_dossier_fact_changes() returns bigint
language sql
as $$
    with moved as (
        delete from dossier_fact_change returning *
    ), summed as (
        insert into dossier_fact_day
        select agency_id, procedure_code, day,
               sum(dossiers), sum(online), sum(counter), sum(post), sum(received),
               sum(finished), sum(on_time_den), sum(on_time_num), sum(online_den),
               sum(online_num), sum(eresult_den), sum(eresult_num), sum(digitised_den),
               sum(digitised_num), sum(reuse_den), sum(reuse_num), sum(store_den),
               sum(store_num), sum(register_den), sum(register_num), sum(prefill_fields),
               sum(prefilled), sum(synchronised), sum(processed), sum(processing_secs)
        from moved
        group by agency_id, procedure_code, day
        on conflict (agency_id, day, procedure_code) do update set
            dossiers = dossier_fact_day.dossiers + excluded.dossiers,
            online = dossier_fact_day.online + excluded.online,
            counter = dossier_fact_day.counter + excluded.counter,
            post = dossier_fact_day.post + excluded.post,
            received = dossier_fact_day.received + excluded.received,
            finished = dossier_fact_day.finished + excluded.finished,
            on_time_den = dossier_fact_day.on_time_den + excluded.on_time_den,
            on_time_num = dossier_fact_day.on_time_num + excluded.on_time_num,
            online_den = dossier_fact_day.online_den + excluded.online_den,
            online_num = dossier_fact_day.online_num + excluded.online_num,
            eresult_den = dossier_fact_day.eresult_den + excluded.eresult_den,
            eresult_num = dossier_fact_day.eresult_num + excluded.eresult_num,
            digitised_den = dossier_fact_day.digitised_den + excluded.digitised_den,
            digitised_num = dossier_fact_day.digitised_num + excluded.digitised_num,
            reuse_den = dossier_fact_day.reuse_den + excluded.reuse_den,
            reuse_num = dossier_fact_day.reuse_num + excluded.reuse_num,
            store_den = dossier_fact_day.store_den + excluded.store_den,
            store_num = dossier_fact_day.store_num + excluded.store_num,
            register_den = dossier_fact_day.register_den + excluded.register_den,
            register_num = dossier_fact_day.register_num + excluded.register_num,
            prefill_fields = dossier_fact_day.prefill_fields + excluded.prefill_fields,
            prefilled = dossier_fact_day.prefilled + excluded.prefilled,
            synchronised = dossier_fact_day.synchronised + excluded.synchronised,
            processed = dossier_fact_day.processed + excluded.processed,
            processing_secs = dossier_fact_day.processing_secs + excluded.processing_secs
        returning 1
    )
    select count(*) from moved
$$;

-- The dossiers already synchronised: delivered to DVCQG, or filed there.
update dossier_fact f set synchronised = true
 where exists (select 1 from outbox_message m
                where m.dossier_id = f.dossier_id and m.target = 'dvcqg'
                  and m.kind in ('dossier_created', 'dossier_updated')
                  and m.state = 'delivered')
    or exists (select 1 from dossier d
                where d.id = f.dossier_id and d.national_code is not null);

-- The day sums again, with the new columns (the update above appended its changes too).
delete from dossier_fact_change;
delete from dossier_fact_day;
insert into dossier_fact_change
select c.* from dossier_fact f, lateral dossier_fact_contribution(f, 1) c;
select compact_dossier_fact_changes();

-- Figures per official (the year-end evaluation): the staff actions of a period.
create index dossier_event_staff_at_idx on dossier_event (at) where actor_kind = 'staff';

