-- Foundation: procedure versions, dossiers, their events, dossier-code sequences, idempotency.
-- Times are timestamptz (stored in UTC, shown in +07:00 by the API).

-- A loaded procedure version is immutable: the same (code, version) with other content is
-- refused by the loader, and dossiers keep the version they started with.
create table procedure_version (
    code        text        not null,
    version     integer     not null,
    content     jsonb       not null,
    loaded_at   timestamptz not null default now(),
    constraint procedure_version_pkey primary key (code, version)
);

create table dossier (
    id                 uuid        not null,
    procedure_code     text        not null,
    procedure_version  integer     not null,
    -- The citizen the dossier is for (số định danh cá nhân).
    citizen_pin        text        not null,
    -- Electronic identifier of the receiving agency; fixed at submission.
    agency_id          text,
    channel            text        not null default 'online',
    state              text        not null,
    data               jsonb       not null default '{}'::jsonb,
    -- JSON pointer → {source, fetched_at, locked}: where each prefilled value came from.
    prefill            jsonb       not null default '{}'::jsonb,
    code               text,
    submitted_at       timestamptz,
    ack_due_at         timestamptz,
    due_at             timestamptz,
    -- When the dossier reached a final state (returned, refused, withdrawn, stopped).
    closed_at          timestamptz,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    constraint dossier_pkey primary key (id),
    constraint dossier_code_key unique (code),
    constraint dossier_procedure_fkey foreign key (procedure_code, procedure_version)
        references procedure_version (code, version),
    constraint dossier_channel_check check (channel in ('online', 'counter', 'post')),
    -- A submitted dossier has both its code and its submission time, a draft neither:
    -- never half-written. (A withdrawn draft has neither.)
    constraint dossier_submitted_check check (
        (code is null) = (submitted_at is null) and (state <> 'draft' or code is null))
);

-- Keyset pagination of a citizen's own dossiers, newest first.
create index dossier_citizen_idx on dossier (citizen_pin, created_at desc, id desc);
-- Staff lists: an agency's dossiers (drafts have no agency yet and are never listed to staff).
create index dossier_agency_idx on dossier (agency_id, created_at desc, id desc) where agency_id is not null;

-- The timeline of a dossier. Append-only: it is the legal record of who did what, when.
create table dossier_event (
    id          bigint      generated always as identity,
    dossier_id  uuid        not null,
    at          timestamptz not null default now(),
    actor_kind  text        not null,
    actor       text        not null,
    action      text        not null,
    from_state  text,
    to_state    text        not null,
    comment     text,
    detail      jsonb       not null default '{}'::jsonb,
    constraint dossier_event_pkey primary key (id),
    constraint dossier_event_dossier_fkey foreign key (dossier_id) references dossier (id),
    constraint dossier_event_actor_kind_check check (actor_kind in ('citizen', 'staff', 'system'))
);
create index dossier_event_dossier_idx on dossier_event (dossier_id, id);

create function dossier_event_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'dossier_event is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger dossier_event_append_only
    before update or delete on dossier_event
    for each row execute function dossier_event_refuse_change();

create trigger dossier_event_no_truncate
    before truncate on dossier_event
    for each statement execute function dossier_event_refuse_change();

-- Dossier codes: a sequence per agency per reception day (DOMAIN.md "Dossier code").
-- The row is locked by the submitting transaction until it commits, so numbers are never
-- reused or skipped by a rolled-back submission.
create table dossier_code_sequence (
    agency_id  text    not null,
    day        date    not null,
    last_value integer not null,
    constraint dossier_code_sequence_pkey primary key (agency_id, day)
);

-- Idempotency-Key on POST: the first successful answer is kept and replayed.
create table idempotency_key (
    principal       text        not null,
    key             text        not null,
    request_sha256  text        not null,
    response_status smallint,
    response_body   jsonb,
    created_at      timestamptz not null default now(),
    constraint idempotency_key_pkey primary key (principal, key)
);

-- Logins in flight between /v1/auth/login and /v1/auth/callback. Kept in the database so
-- that any `serve` process can finish a login another one started; used once, then deleted.
create table login_attempt (
    state          text        not null,
    nonce          text        not null,
    code_verifier  text        not null,
    kind           text        not null,
    return_to      text,
    created_at     timestamptz not null default now(),
    constraint login_attempt_pkey primary key (state),
    constraint login_attempt_kind_check check (kind in ('citizen', 'staff'))
);
