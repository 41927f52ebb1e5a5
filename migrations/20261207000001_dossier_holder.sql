-- Who holds which dossier, kept beside `dossier` for the console's "dossiers I hold" (on
-- the queues page, at every request). Without it, finding the
-- five dossiers a clerk holds among a million open ones reads every one of the agency's
-- dossiers: `assigned_to` has no index, and must not get one, since a claim setting only
-- `assigned_to` then stops being a heap-only update and adds an entry to every index of
-- `dossier` (see 20261125000001_dossier_room_for_claims.sql).
--
-- It also gives each queue's count of held dossiers, so that the queues page counts the
-- unclaimed ones as the queue's count less these: counting them in `dossier` reads each
-- row (`assigned_to` is not in the queue's index), a thousand rows for a figure shown as
-- "more than 1,000".
--
-- A trigger keeps it, so every statement that sets `assigned_to` (a claim, a reassignment,
-- a release, a step of the workflow clearing it) keeps it right without knowing of it; the
-- `when` clause is checked without calling the function, so an update that leaves the
-- holder, the state and the agency as they were costs nothing more. A member of staff holds
-- only their agency's dossiers: the key starts with the agency, for both readers.
--
-- No foreign key: the trigger is its only writer, and dossiers are never deleted (retention
-- anonymises them), so the check would cost every claim a lookup for nothing.
create table dossier_holder (
    agency_id      text not null,
    assigned_to    text not null,
    dossier_id     uuid not null,
    procedure_code text not null,
    state          text not null,
    primary key (agency_id, assigned_to, dossier_id)
);

create function dossier_holder_follow() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and old.assigned_to is not null then
        delete from dossier_holder
        where agency_id = coalesce(old.agency_id, '') and assigned_to = old.assigned_to
          and dossier_id = old.id;
    end if;
    if new.assigned_to is not null then
        insert into dossier_holder (agency_id, assigned_to, dossier_id, procedure_code, state)
        values (coalesce(new.agency_id, ''), new.assigned_to, new.id, new.procedure_code,
                new.state);
    end if;
    return null;
end
$$;

create trigger dossier_holder_on_update after update of assigned_to, state, agency_id on dossier
    for each row when (old.assigned_to is distinct from new.assigned_to
        or (new.assigned_to is not null
            and (old.state, old.agency_id) is distinct from (new.state, new.agency_id)))
    execute function dossier_holder_follow();

create trigger dossier_holder_on_insert after insert on dossier
    for each row when (new.assigned_to is not null)
    execute function dossier_holder_follow();

insert into dossier_holder (agency_id, assigned_to, dossier_id, procedure_code, state)
select coalesce(agency_id, ''), assigned_to, id, procedure_code, state
from dossier where assigned_to is not null;
