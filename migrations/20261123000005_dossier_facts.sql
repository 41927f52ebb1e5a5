-- The facts the scored indicators are computed from (Quyết định 766; DOMAIN.md "The scored
-- indicators"): one narrow row per submitted dossier, rewritten in the same transaction as
-- every change that moves a figure. Each `*_den` / `*_num` says whether the dossier counts
-- in that indicator's denominator / numerator, as `motcua_core::indicators` decides; reports
-- only add them up. No hot counter row: every dossier writes its own row.
--
-- Not a foreign key to dossier: the figures must outlive the personal data when retention
-- removes a finished dossier.
create table dossier_fact (
    dossier_id          uuid        not null,
    agency_id           text        not null,
    procedure_code      text        not null,
    submitted_at        timestamptz not null,
    channel             text        not null,
    received            boolean     not null,
    -- Withdrawn by the citizen: neither handled nor in progress.
    withdrawn           boolean     not null,
    finished_at         timestamptz,
    due_at              timestamptz,
    supplement_requests integer     not null,
    -- 2.1 for finished dossiers; an unfinished one is judged from `due_at` when reported.
    on_time_den         boolean     not null,
    on_time_num         boolean     not null,
    online_den          boolean     not null,
    online_num          boolean     not null,
    eresult_den         boolean     not null,
    eresult_num         boolean     not null,
    digitised_den       boolean     not null,
    digitised_num       boolean     not null,
    reuse_den           boolean     not null,
    reuse_num           boolean     not null,
    store_den           boolean     not null,
    store_num           boolean     not null,
    register_den        boolean     not null,
    register_num        boolean     not null,
    -- Prefill coverage: citizen-data fields of the form, and how many the register filled.
    prefill_fields      integer     not null,
    prefilled           integer     not null,
    updated_at          timestamptz not null default now(),
    constraint dossier_fact_pkey primary key (dossier_id),
    constraint dossier_fact_channel_check check (channel in ('online', 'counter', 'post'))
);

-- A report reads one agency's dossiers of a period: an index-only scan of this index.
create index dossier_fact_report_idx on dossier_fact (agency_id, submitted_at)
    include (procedure_code, channel, received, withdrawn, finished_at, due_at,
             on_time_den, on_time_num, online_den, online_num, eresult_den, eresult_num,
             digitised_den, digitised_num, reuse_den, reuse_num, store_den, store_num,
             register_den, register_num, prefill_fields, prefilled);
