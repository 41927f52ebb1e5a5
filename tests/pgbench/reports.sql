-- The ceiling of the reports scenario: what PostgreSQL alone does with the statement the
-- engine issues for the supervisor's digitisation report of one agency and one month
-- (GET /v1/reports/digitisation?agency=…&from=…&to=…, crates/motcua-api/src/routes/reports.rs
-- `digitisation` → `sums_for` → crates/motcua-store/src/facts.rs `sums`), its only
-- statement, outside any transaction as the engine issues it, with the same parameters'
-- shapes. Run by `scripts/bench reports` with `pgbench -M prepared`; one pgbench transaction
-- is one report.
--
-- One statement is the ceiling's own: picking the agency and month at random from the
-- operations' list the load generator goes through (`bench_report_op`, every other one the
-- largest agency's), and the moment unfinished dossiers are judged at (the period's end, or
-- now if it is not over, as `sums_for` computes it in Rust). One difference from the engine:
-- its procedure parameter is null (every procedure), and pgbench cannot send a null
-- parameter, so the script has `null::text` in its place.
\set n random(0, :operations - 1)
select agency_id as agency, from_at, until_at, least(until_at, now()) as judged_at from bench_report_op where n = :n \gset
-- facts::sums
select coalesce(agency_id, '') as agency_id, coalesce(procedure_code, '') as procedure_code,
                grouping(agency_id, procedure_code) <> 0 as is_total,
                count(*) as dossiers,
                count(*) filter (where channel = 'online') as online,
                count(*) filter (where channel = 'counter') as counter,
                count(*) filter (where channel = 'post') as post,
                count(*) filter (where received) as received,
                count(*) filter (where finished_at is not null) as finished,
                count(*) filter (where received and finished_at is null and due_at < :judged_at)
                    as in_progress_overdue,
                count(*) filter (where received and not withdrawn and finished_at is null
                                   and (due_at is null or due_at >= :judged_at)) as in_progress,
                count(*) filter (where on_time_den
                                   or (received and finished_at is null and due_at < :judged_at))
                    as on_time_den,
                count(*) filter (where on_time_num) as on_time_num,
                count(*) filter (where online_den) as online_den,
                count(*) filter (where online_num) as online_num,
                count(*) filter (where eresult_den) as eresult_den,
                count(*) filter (where eresult_num) as eresult_num,
                count(*) filter (where digitised_den) as digitised_den,
                count(*) filter (where digitised_num) as digitised_num,
                count(*) filter (where reuse_den) as reuse_den,
                count(*) filter (where reuse_num) as reuse_num,
                count(*) filter (where store_den) as store_den,
                count(*) filter (where store_num) as store_num,
                count(*) filter (where register_den) as register_den,
                count(*) filter (where register_num) as register_num,
                coalesce(sum(prefill_fields), 0)::bigint as prefill_fields,
                coalesce(sum(prefilled), 0)::bigint as prefilled
         from dossier_fact
         where (:agency::text is null or agency_id = :agency)
           and (null::text is null or procedure_code = null::text)
           and submitted_at >= :from_at and submitted_at < :until_at
         group by grouping sets ((agency_id, procedure_code), ())
         order by is_total, agency_id, procedure_code;
