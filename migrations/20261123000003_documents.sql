-- Documents (NĐ 45/2020 Điều 16): every digitised paper and electronic result of a citizen
-- is a `document` (the citizen's store, kho quản lý dữ liệu điện tử); a dossier's documents
-- are `dossier_document` rows, one per requirement, that point at one.

create table document (
    id            uuid        not null,
    -- Whose document it is (số định danh cá nhân).
    owner_pin     text        not null,
    kind          text        not null,
    file_name     text        not null,
    content_type  text        not null,
    size          bigint      not null,
    sha256        text        not null,
    storage_key   text        not null,
    -- The agency that scanned or issued it (clerk scans, results).
    issuer        text,
    -- Mã kết quả of an electronic result.
    result_code   text,
    created_at    timestamptz not null default now(),
    constraint document_pkey primary key (id),
    constraint document_storage_key_key unique (storage_key),
    constraint document_kind_check check (kind in ('upload', 'clerk_scan', 'result')),
    constraint document_result_check check ((kind = 'result') = (result_code is not null)),
    constraint document_size_check check (size >= 0)
);
create index document_owner_idx on document (owner_pin, created_at desc, id desc);

create table dossier_document (
    dossier_id            uuid        not null references dossier (id),
    requirement           text        not null,
    -- None while only the paper was received at the counter (not digitised yet).
    document_id           uuid        references document (id),
    source                text        not null,
    digitised             boolean     not null,
    reused                boolean     not null default false,
    from_store            boolean     not null default false,
    -- The code of the earlier result this document is (a reused result).
    replaces_result_code  text,
    added_by_kind         text        not null,
    added_by              text        not null,
    added_at              timestamptz not null default now(),
    constraint dossier_document_pkey primary key (dossier_id, requirement),
    constraint dossier_document_source_check check (source in
        ('upload', 'clerk_scan', 'reused_document', 'reused_result', 'store', 'paper')),
    constraint dossier_document_digitised_check check (digitised = (document_id is not null))
);
create index dossier_document_document_idx on dossier_document (document_id);

-- Electronic results issued for a dossier (the workflow action that issues them comes with
-- the clerk queues).
create table dossier_result (
    dossier_id   uuid        not null references dossier (id),
    document_id  uuid        not null references document (id),
    issued_by    text        not null,
    issued_at    timestamptz not null default now(),
    constraint dossier_result_pkey primary key (dossier_id, document_id)
);

-- The citizen's access log covers staff downloads of their documents as well as register
-- reads: `source` says which.
alter table register_access add column source text not null default 'register';
alter table register_access add column document_id uuid;
alter table register_access drop constraint register_access_outcome_check;
alter table register_access add constraint register_access_outcome_check check (outcome in
    ('ok', 'not_found', 'deceased', 'under_review', 'unavailable', 'refused', 'downloaded'));
alter table register_access add constraint register_access_source_check check (source in
    ('register', 'document'));
