-- Satisfaction and feedback (QĐ 766 group 6; docs/SATISFACTION.md).
--
-- `dossier_rating`: the citizen's rating of how a dossier was handled, once per dossier
-- after its end, changeable for a while (the rule is `motcua_core::satisfaction`). No
-- foreign key to the dossier: like `dossier_fact`, the figures outlive the personal data
-- when retention removes a finished dossier; a rating holds none.
create table dossier_rating (
    dossier_id      uuid        not null,
    agency_id       text        not null,
    procedure_code  text        not null,
    -- {"q1": 1..3, …}: 1 không hài lòng, 2 hài lòng, 3 rất hài lòng.
    answers         jsonb       not null,
    -- The overall question's level; 1 is a dislike (5.4).
    overall         smallint    not null,
    rated_at        timestamptz not null,
    changed_at      timestamptz,
    constraint dossier_rating_pkey primary key (dossier_id),
    constraint dossier_rating_overall_check check (overall between 1 and 3)
);
create index dossier_rating_agency_idx on dossier_rating (agency_id, rated_at);

-- Feedback and complaints (phản ánh, kiến nghị — PAKN) about a dossier or a procedure:
-- received, classified and assigned, answered within its legal time (`due_at`), the answer
-- rated by the citizen. `citizen_pin` is who may read and rate it.
create table feedback (
    id              uuid        not null,
    citizen_pin     text        not null,
    agency_id       text        not null,
    dossier_id      uuid,
    procedure_code  text        not null,
    kind            text        not null,
    topic           text,
    content         text        not null,
    state           text        not null default 'received',
    assignee        text,
    received_at     timestamptz not null,
    due_at          timestamptz not null,
    answer          text,
    answered_at     timestamptz,
    answered_by     text,
    satisfied       boolean,
    rated_at        timestamptz,
    constraint feedback_pkey primary key (id),
    constraint feedback_kind_check check (kind in ('phan_anh', 'kien_nghi')),
    constraint feedback_state_check check (state in ('received', 'assigned', 'answered'))
);
create index feedback_agency_idx on feedback (agency_id, received_at);
create index feedback_open_idx on feedback (agency_id, due_at) where state <> 'answered';
create index feedback_citizen_idx on feedback (citizen_pin, received_at);
