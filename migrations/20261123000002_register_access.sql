-- Reads of the population register, and why (DOMAIN.md "Personal data"; Luật BVDLCN 2025):
-- who read, in which role and agency, whose data, which fields, for which procedure and
-- dossier, when, and what came of it. The citizen sees every row about them.
create table register_access (
    id              bigint      generated always as identity,
    at              timestamptz not null default now(),
    actor_kind      text        not null,
    actor           text        not null,
    actor_role      text,
    actor_agency    text,
    subject_pin     text        not null,
    fields          text[]      not null,
    procedure_code  text        not null,
    -- The dossier the read was for. Not a foreign key: a read that failed leaves no dossier,
    -- and the record of the read must outlive everything else.
    dossier_id      uuid        not null,
    purpose         text        not null,
    outcome         text        not null,
    request_id      uuid        not null,
    constraint register_access_pkey primary key (id),
    constraint register_access_outcome_check check (outcome in
        ('ok', 'not_found', 'deceased', 'under_review', 'unavailable', 'refused'))
);
create index register_access_subject_idx on register_access (subject_pin, id desc);

create function append_only_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception '% is append-only: % refused', tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger register_access_append_only
    before update or delete on register_access
    for each row execute function append_only_refuse_change();

create trigger register_access_no_truncate
    before truncate on register_access
    for each statement execute function append_only_refuse_change();

-- What the clerk must look at: a register correction request, a register record under
-- review, a person the register does not know (fallback documents required).
alter table dossier add column flags text[] not null default '{}';
