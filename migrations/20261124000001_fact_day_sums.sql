-- Report rollups: the facts summed per agency × procedure × day of submission (Vietnam's
-- days), so that a month's report adds up about thirty rows a procedure instead of every
-- dossier of the month (at 10,000,000 dossiers the largest agency's month was 83,000 rows
-- and 33 ms of PostgreSQL's CPU; docs/PERFORMANCE.md).
--
-- No counter row on the submission's path: every change to `dossier_fact` appends its
-- signed contribution to `dossier_fact_change` (the old row's values with −1, the new row's
-- with +1), an insert that waits on no other transaction. `compact_dossier_fact_changes()`,
-- run by the engine every few seconds, moves the changes into `dossier_fact_day` in one
-- statement; a report reads both in one snapshot, so it counts every change exactly once
-- whether or not it has been moved yet.
--
-- What depends on the moment a report judges (unfinished dossiers: in progress, overdue,
-- late) is not summed here: the report counts the dossiers still open
-- (`received and finished_at is null`) from `dossier_fact` itself, through
-- `dossier_fact_open_idx`. The sums' `on_time_den` therefore counts closed dossiers only.

create table dossier_fact_day (
    agency_id       text   not null,
    procedure_code  text   not null,
    -- The day of submission in Vietnam (UTC+7, no daylight saving).
    day             date   not null,
    dossiers        bigint not null,
    online          bigint not null,
    counter         bigint not null,
    post            bigint not null,
    received        bigint not null,
    finished        bigint not null,
    on_time_den     bigint not null,
    on_time_num     bigint not null,
    online_den      bigint not null,
    online_num      bigint not null,
    eresult_den     bigint not null,
    eresult_num     bigint not null,
    digitised_den   bigint not null,
    digitised_num   bigint not null,
    reuse_den       bigint not null,
    reuse_num       bigint not null,
    store_den       bigint not null,
    store_num       bigint not null,
    register_den    bigint not null,
    register_num    bigint not null,
    prefill_fields  bigint not null,
    prefilled       bigint not null,
    constraint dossier_fact_day_pkey primary key (agency_id, day, procedure_code)
);

-- The same columns, one row a change not yet moved into `dossier_fact_day`.
-- No index: compaction keeps it to a few seconds of changes, and every index would be one
-- more write on the submission's path.
create table dossier_fact_change (like dossier_fact_day);

-- Reports no longer read every dossier: only the open ones, through this index.
create index dossier_fact_open_idx on dossier_fact (agency_id, submitted_at)
    include (procedure_code, withdrawn, due_at, on_time_den)
    where received and finished_at is null;

-- One row's contribution, times `sign`.
create function dossier_fact_contribution(f dossier_fact, sign integer)
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
               sign * f.prefill_fields, sign * f.prefilled)::dossier_fact_change
$$;

-- A row trigger: the engine writes one fact row a statement, and a row trigger's insert
-- cost it less than a statement trigger's transition tables (which the data generator's
-- COPY would have preferred). `offset 0` builds the contribution once, not once a column.
create function dossier_fact_record_change() returns trigger
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
    return null;
end
$$;

create trigger dossier_fact_changed after insert or update or delete on dossier_fact
    for each row execute function dossier_fact_record_change();

-- Moves every visible change into the day sums; answers how many. Two runs at once move
-- each change once: the second waits on the first's deleted rows and skips them.
create function compact_dossier_fact_changes() returns bigint
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
               sum(prefilled)
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
            prefilled = dossier_fact_day.prefilled + excluded.prefilled
        returning 1
    )
    select count(*) from moved
$$;

-- The facts already written. Writes to the facts wait from the trigger's creation to the
-- end of the migration (docs/OPERATIONS.md, upgrades).
insert into dossier_fact_change
select c.* from dossier_fact f, lateral dossier_fact_contribution(f, 1) c;
select compact_dossier_fact_changes();

-- The wide index reports read before: one write fewer on every change to the facts. Last,
-- so that its exclusive lock is held only to the commit.
drop index if exists dossier_fact_report_idx;
