-- The ceiling of the whole-province scorecard (issue 32): what PostgreSQL alone does with
-- the statements the engine issues for GET /v1/reports/scorecard?from=…&to=… of one month
-- and every agency (crates/motcua-service/src/scorecard.rs → `sums_for` → facts::sums with
-- no agency, then the feedback sums). One pgbench transaction is one scorecard. Months at
-- random over 2026.
\set m random(1, 12)
select make_date(2026, :m, 1) as from_day, (make_date(2026, :m, 1) + interval '1 month')::date as until_day, least((make_date(2026, :m, 1) + interval '1 month')::timestamp at time zone interval '7 hours', now()) as judged_at \gset
-- facts::sums
with parts as (
             select agency_id, procedure_code, dossiers, online, counter, post, received,
                    finished, 0::bigint as in_progress_overdue, 0::bigint as in_progress,
                    on_time_den, on_time_num, online_den, online_num, eresult_den, eresult_num,
                    digitised_den, digitised_num, reuse_den, reuse_num, store_den, store_num,
                    register_den, register_num, prefill_fields, prefilled,
                    synchronised, processed, processing_secs
             from (select * from dossier_fact_day
                   union all
                   select * from dossier_fact_change) summed
             where (null::text[] is null or agency_id = any(null::text[]))
               and (null::text is null or procedure_code = null::text)
               and day >= :from_day::date and day < :until_day::date
             union all
             -- The open dossiers due on a day before or after the judging day, from their
             -- sums (migration `open_day_sums`).
             select agency_id, procedure_code, 0, 0, 0, 0, 0, 0,
                    coalesce(sum(n) filter (where due_day < (:judged_at::timestamptz at time zone interval '7 hours')::date), 0)::bigint,
                    coalesce(sum(n) filter (where not withdrawn
                        and due_day > (:judged_at::timestamptz at time zone interval '7 hours')::date), 0)::bigint,
                    coalesce(sum(n) filter (where due_day < (:judged_at::timestamptz at time zone interval '7 hours')::date), 0)::bigint,
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
             from (select * from dossier_fact_open_day
                   union all
                   select * from dossier_fact_open_change) open_summed
             where (null::text[] is null or agency_id = any(null::text[]))
               and (null::text is null or procedure_code = null::text)
               and day >= :from_day::date and day < :until_day::date
             group by agency_id, procedure_code
             union all
             -- Those due on the judging day itself, one by one.
             select agency_id, procedure_code, 0, 0, 0, 0, 0, 0,
                    count(*) filter (where due_at < :judged_at::timestamptz),
                    count(*) filter (where due_at >= :judged_at::timestamptz),
                    count(*) filter (where due_at < :judged_at::timestamptz),
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
             from dossier_fact
             where received and finished_at is null
               and due_at >= ((:judged_at::timestamptz at time zone interval '7 hours')::date::timestamp
                              at time zone interval '7 hours')
               and due_at < ((:judged_at::timestamptz at time zone interval '7 hours')::date::timestamp
                             at time zone interval '7 hours' + interval '1 day')
               and (null::text[] is null or agency_id = any(null::text[]))
               and (null::text is null or procedure_code = null::text)
               and submitted_at >= (:from_day::date::timestamp at time zone interval '7 hours')
               and submitted_at < (:until_day::date::timestamp at time zone interval '7 hours')
             group by agency_id, procedure_code
         )
         select coalesce(agency_id, '') as agency_id, coalesce(procedure_code, '') as procedure_code,
                grouping(agency_id, procedure_code) <> 0 as is_total,
                coalesce(sum(dossiers), 0)::bigint as dossiers,
                coalesce(sum(online), 0)::bigint as online,
                coalesce(sum(counter), 0)::bigint as counter,
                coalesce(sum(post), 0)::bigint as post,
                coalesce(sum(received), 0)::bigint as received,
                coalesce(sum(finished), 0)::bigint as finished,
                coalesce(sum(in_progress_overdue), 0)::bigint as in_progress_overdue,
                coalesce(sum(in_progress), 0)::bigint as in_progress,
                coalesce(sum(on_time_den), 0)::bigint as on_time_den,
                coalesce(sum(on_time_num), 0)::bigint as on_time_num,
                coalesce(sum(online_den), 0)::bigint as online_den,
                coalesce(sum(online_num), 0)::bigint as online_num,
                coalesce(sum(eresult_den), 0)::bigint as eresult_den,
                coalesce(sum(eresult_num), 0)::bigint as eresult_num,
                coalesce(sum(digitised_den), 0)::bigint as digitised_den,
                coalesce(sum(digitised_num), 0)::bigint as digitised_num,
                coalesce(sum(reuse_den), 0)::bigint as reuse_den,
                coalesce(sum(reuse_num), 0)::bigint as reuse_num,
                coalesce(sum(store_den), 0)::bigint as store_den,
                coalesce(sum(store_num), 0)::bigint as store_num,
                coalesce(sum(register_den), 0)::bigint as register_den,
                coalesce(sum(register_num), 0)::bigint as register_num,
                coalesce(sum(prefill_fields), 0)::bigint as prefill_fields,
                coalesce(sum(prefilled), 0)::bigint as prefilled,
                coalesce(sum(synchronised), 0)::bigint as synchronised,
                coalesce(sum(processed), 0)::bigint as processed,
                coalesce(sum(processing_secs), 0)::bigint as processing_secs
         from parts
         group by grouping sets ((agency_id, procedure_code), ())
         having grouping(agency_id, procedure_code) <> 0 or sum(dossiers) <> 0
         order by is_total, agency_id, procedure_code;

-- satisfaction::feedback_sums
with f as (
     select agency_id, dossier_id, topic, answered_at, due_at, satisfied, received_at
       from feedback
      where (null::text[] is null or agency_id = any(null::text[]))
        and received_at >= (:from_day::date::timestamp at time zone interval '7 hours')
        and received_at < (:until_day::date::timestamp at time zone interval '7 hours')
 ), flagged as (
     select agency_id, dossier_id from f where dossier_id is not null
     union
     select agency_id, dossier_id from dossier_rating
      where overall = 1 and (null::text[] is null or agency_id = any(null::text[]))
        and rated_at >= (:from_day::date::timestamp at time zone interval '7 hours')
        and rated_at < (:until_day::date::timestamp at time zone interval '7 hours')
 ), agencies as (
     select agency_id from f union select agency_id from flagged
 )
 select a.agency_id,
        (select count(*) from f where f.agency_id = a.agency_id) as received,
        (select count(*) from flagged g where g.agency_id = a.agency_id) as flagged_dossiers
   from agencies a;
