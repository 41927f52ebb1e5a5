-- One-stop processing (NĐ 118/2025, TT 03/2025): who holds a dossier, the legal clock, the
-- supplement and apology rules, and the staff reads the citizen sees.

-- Who works the dossier now. A claim sets both; a transition or a release clears them.
alter table dossier add column assigned_to text;
alter table dossier add column assigned_at timestamptz;
-- When the desk received it (the receipt's time) and when the processing clock started
-- (the next working day after 15:00).
alter table dossier add column received_at timestamptz;
alter table dossier add column clock_started_at timestamptz;
-- Set while the citizen owes a supplement: the clock does not run.
alter table dossier add column clock_paused_at timestamptz;
-- When the dossier entered its current state, and by when that step should be done (the
-- acknowledgement deadline at the desk, the step's share of the time limit later on).
-- Queues are ordered by it; overdue is computed from it, never stored.
alter table dossier add column state_entered_at timestamptz;
alter table dossier add column step_due_at timestamptz;
-- The return date before an apology moved it (Mẫu 04), and how many of each were issued.
alter table dossier add column original_due_at timestamptz;
alter table dossier add column supplement_requests integer not null default 0;
alter table dossier add column apologies integer not null default 0;
-- Who took a counter dossier on the citizen's behalf.
alter table dossier add column taken_by text;

alter table dossier add constraint dossier_assigned_check
    check ((assigned_to is null) = (assigned_at is null));
alter table dossier add constraint dossier_apologies_check check (apologies between 0 and 1);

-- A queue is a procedure's state within an agency; claims take the unassigned dossier due
-- first. Closed dossiers are in no queue.
create index dossier_queue_idx on dossier (agency_id, procedure_code, state, step_due_at, id)
    where closed_at is null;

-- Staff opening a dossier is personal-data access the citizen sees, like a register read.
alter table register_access drop constraint register_access_source_check;
alter table register_access add constraint register_access_source_check check (source in
    ('register', 'document', 'dossier'));
alter table register_access drop constraint register_access_outcome_check;
alter table register_access add constraint register_access_outcome_check check (outcome in
    ('ok', 'not_found', 'deceased', 'under_review', 'unavailable', 'refused', 'downloaded',
     'opened'));

-- A result attached to a dossier reaches the citizen's store when it is issued (the
-- workflow's `result_to_store`), not while it is still being prepared.
alter table dossier_result add column published_at timestamptz;
