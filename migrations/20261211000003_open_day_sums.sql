-- The whole province's scorecard of a month (issue 32; docs/PERFORMANCE.md) read every
-- dossier of the month still open, one by one, to judge it overdue or in progress at the
-- report's moment: 166,000 rows and 230 ms of PostgreSQL at 10,000,000 dossiers, nine
-- tenths of the statement. The open dossiers are summed too, per agency × procedure × day of
-- submission × day due (Vietnam's days; 'infinity' without a return date) × withdrawn, kept
-- up by the same trigger and compaction as the day sums: a report judges whole days from the
-- sums and reads one by one only the open dossiers due on the judging day itself.
create table dossier_fact_open_day (
    agency_id       text    not null,
    procedure_code  text    not null,
    day             date    not null,
    due_day         date    not null,
    withdrawn       boolean not null,
    n               bigint  not null,
    constraint dossier_fact_open_day_pkey
        primary key (agency_id, day, procedure_code, due_day, withdrawn)
);

-- Changes not yet moved into the sums; no index, like `dossier_fact_change`.
create table dossier_fact_open_change (like dossier_fact_open_day);

-- The open dossiers due on one day, for the judging day's exact count.
create index dossier_fact_open_due_idx on dossier_fact (due_at)
    include (agency_id, procedure_code, submitted_at)
    where received and finished_at is null;

create or replace function dossier_fact_record_change() returns trigger
language plpgsql
as $$
begin
    if tg_op = 'INSERT' then
        insert into dossier_fact_change
        select (c).* from (select dossier_fact_contribution(new, 1) as c offset 0) s;
    elsif tg_op = 'UPDATE' then
        insert into dossier_fact_change
        select (c).* from (select dossier_fact_contribution(old, -1) as c
                           union all
                           select dossier_fact_contribution(new, 1)) s;
    else
        insert into dossier_fact_change
        select (c).* from (select dossier_fact_contribution(old, -1) as c offset 0) s;
    end if;
    if tg_op <> 'INSERT' then
        if old.received and old.finished_at is null then
            insert into dossier_fact_open_change values (
                old.agency_id, old.procedure_code,
                (old.submitted_at at time zone interval '7 hours')::date,
                coalesce((old.due_at at time zone interval '7 hours')::date, 'infinity'),
                old.withdrawn, -1);
        end if;
    end if;
    if tg_op <> 'DELETE' then
        if new.received and new.finished_at is null then
            insert into dossier_fact_open_change values (
                new.agency_id, new.procedure_code,
                (new.submitted_at at time zone interval '7 hours')::date,
                coalesce((new.due_at at time zone interval '7 hours')::date, 'infinity'),
                new.withdrawn, 1);
        end if;
    end if;
    return null;
end
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
    ), open_moved as (
        delete from dossier_fact_open_change returning *
    ), open_summed as (
        insert into dossier_fact_open_day
        select agency_id, procedure_code, day, due_day, withdrawn, sum(n)
        from open_moved
        group by agency_id, procedure_code, day, due_day, withdrawn
        on conflict (agency_id, day, procedure_code, due_day, withdrawn) do update set
            n = dossier_fact_open_day.n + excluded.n
        returning 1
    )
    select count(*) from moved
$$;

-- The dossiers open now. Writes to the facts wait from the trigger's replacement to the
-- end of the migration.
insert into dossier_fact_open_day
select agency_id, procedure_code, (submitted_at at time zone interval '7 hours')::date,
       coalesce((due_at at time zone interval '7 hours')::date, 'infinity'), withdrawn, count(*)
from dossier_fact
where received and finished_at is null
group by 1, 2, 3, 4, 5;

-- Reports no longer read the open dossiers by agency and day of submission.
drop index if exists dossier_fact_open_idx;

-- A province's month reads every agency's days of the month: by day, not the whole year of
-- every agency (both tables grow by a row per agency × procedure × day).
create index dossier_fact_day_day_idx on dossier_fact_day (day);
create index dossier_fact_open_day_day_idx on dossier_fact_open_day (day);
