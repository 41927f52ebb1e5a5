-- The transactional outbox: what the engine owes another system (the national portal
-- DVCQG first; payments, notifications, webhooks later), written by the same statement or
-- transaction as the change that causes it, so that a change rolled back owes nothing and
-- a change committed is never forgotten. Workers of any engine process deliver it
-- (`for update skip locked`), in `id` order within a dossier.
--
-- A message holds references, not the payload: the dossier, and the event (append-only)
-- that caused it. The deliverer builds the target's payload when it sends, so that a
-- mapping fixed after a refusal (a procedure's national code, say) applies to the retry,
-- and no personal data is copied here.
--
-- Times are the database's (`now()`): the due time, the backoff and the age the metrics
-- show are all compared with it, in every process alike.
create table outbox_message (
    id              bigint      generated always as identity,
    -- Who it is for: 'dvcqg'.
    target          text        not null,
    -- What it says: 'dossier_created', 'dossier_updated', 'step'.
    kind            text        not null,
    -- The messages of one dossier are delivered in id order; null: no order to keep.
    dossier_id      uuid,
    -- The event that caused it (a step reports it).
    event_id        bigint,
    -- Sent with every attempt (`Idempotency-Key`), so that a target can recognise a
    -- re-send after a crash between its answer and our commit. Random, so unique
    -- without an index of its own: the submission pays for every index here.
    delivery_key    uuid        not null default gen_random_uuid(),
    -- pending → delivered; pending → dead (refused, or the last attempt failed) → pending
    -- again when an operator retries it; pending or dead → dropped by an operator.
    state           text        not null default 'pending',
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    -- When it was delivered, dead-lettered or dropped.
    settled_at      timestamptz,
    constraint outbox_message_pkey primary key (id),
    constraint outbox_message_state_check
        check (state in ('pending', 'delivered', 'dead', 'dropped'))
);

-- The workers' scan: the due pending messages, earliest first.
create index outbox_message_due_idx on outbox_message (next_attempt_at)
    where state = 'pending';
-- A dossier's earlier undelivered messages, which hold its later ones back (a dead one
-- too, until an operator retries or drops it: the national portal refuses a step of a
-- dossier it was never sent).
create index outbox_message_waiting_idx on outbox_message (dossier_id, id)
    where state in ('pending', 'dead');
