-- Fees and their payment through the national payment platform (docs/INTEGRATIONS.md,
-- Payments).
--
-- A bill is what a dossier owes at one moment of its procedure (`due`: before submission,
-- at reception, at the result), as the procedure file's `fees` and their exemptions made
-- it when it fell due; it is kept, so that a procedure's new version does not change what
-- a citizen was asked. open → paid; paid → refund_due when the dossier ends without its
-- result (refused, stopped, withdrawn) → refunded when an officer records the refund.
create table dossier_bill (
    id          bigint      generated always as identity,
    dossier_id  uuid        not null references dossier (id),
    due         text        not null,
    -- The bill's lines (`motcua_core::fees::BillLine`) and what is to be paid.
    lines       jsonb       not null,
    amount_vnd  bigint      not null,
    state       text        not null default 'open',
    opened_at   timestamptz not null,
    paid_at     timestamptz,
    -- When the refund was found owed, and when it was recorded as made.
    refund_due_at timestamptz,
    refunded_at   timestamptz,
    constraint dossier_bill_pkey primary key (id),
    constraint dossier_bill_once unique (dossier_id, due),
    constraint dossier_bill_due_check
        check (due in ('before_submission', 'at_reception', 'at_result')),
    constraint dossier_bill_state_check
        check (state in ('open', 'paid', 'refund_due', 'refunded')),
    constraint dossier_bill_amount_check check (amount_vnd > 0)
);

-- One attempt to pay a bill through the platform, under its reference (`MaThamChieu`).
-- initiating (the INIT request is in the outbox) → initiated (the platform gave the
-- payment URL) → paid | failed; failed → paid (a payment the bank captured late: the
-- platform's callback or the reconciliation says so). Paid is final.
create table payment (
    id                bigint      generated always as identity,
    bill_id           bigint      not null references dossier_bill (id),
    dossier_id        uuid        not null references dossier (id),
    reference         text        not null,
    amount_vnd        bigint      not null,
    state             text        not null default 'initiating',
    -- The timeline event that started it; the outbox messages of the payment refer to it.
    event_id          bigint      not null,
    -- Where the citizen is sent to pay (`UrlThanhToan`).
    redirect_url      text,
    -- The platform's transaction (`MaGiaoDich`) and bank (`MaNganHang`) once it answered.
    transaction_code  text,
    bank_code         text,
    -- The platform's last error code (`MaLoi`) or status when it was not paid.
    last_error        text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    paid_at           timestamptz,
    -- When the reconciliation last asked the platform about it.
    queried_at        timestamptz,
    -- The electronic receipt, once fetched: a document of the citizen's store.
    receipt_document_id uuid      references document (id),
    receipt_stored_at timestamptz,
    constraint payment_pkey primary key (id),
    constraint payment_reference_key unique (reference),
    constraint payment_event_key unique (event_id),
    constraint payment_state_check
        check (state in ('initiating', 'initiated', 'paid', 'failed'))
);

create index payment_dossier_idx on payment (dossier_id);
-- The reconciliation's scan: payments not settled.
create index payment_open_idx on payment (updated_at)
    where state in ('initiating', 'initiated', 'failed');

-- The electronic receipt of a payment is a document of the citizen's store, of its own
-- kind: it is no result of the dossier (it does not stand for the result an issuing step
-- needs, nor is it sent to the national portal as one).
alter table document drop constraint document_kind_check;
alter table document add constraint document_kind_check
    check (kind in ('upload', 'clerk_scan', 'result', 'receipt'));
