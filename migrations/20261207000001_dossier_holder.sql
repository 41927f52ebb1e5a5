-- Who holds which dossier, kept beside `dossier` for the console's "dossiers I hold" (on
-- the queues page, at every request). Without it, finding the
-- five dossiers a clerk holds among a million open ones reads every one of the agency's
-- dossiers: `assigned_to` has no index, and must not get one, since a claim setting only
-- `assigned_to` then stops being a heap-only update and adds an entry to every index of
-- `dossier` (see 20261125000001_dossier_room_for_claims.sql).
--
-- A trigger keeps it, so every statement that sets `assigned_to` (a claim, a reassignment,
-- a release, a step of the workflow clearing it) keeps it right without knowing of it; the
-- `when` clause is checked without calling the function, so an update that leaves the
-- holder as it was costs nothing more.
--
-- No foreign key: the trigger is its only writer, and dossiers are never deleted (retention
-- anonymises them), so the check would cost every claim a lookup for nothing.
create table dossier_holder (
    assigned_to text not null,
    dossier_id  uuid not null,
    primary key (assigned_to, dossier_id)
);

create function dossier_holder_follow() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and old.assigned_to is not null then
        delete from dossier_holder where assigned_to = old.assigned_to and dossier_id = old.id;
    end if;
    if new.assigned_to is not null then
        insert into dossier_holder (assigned_to, dossier_id) values (new.assigned_to, new.id);
    end if;
    return null;
end
$$;

create trigger dossier_holder_on_update after update of assigned_to on dossier
    for each row when (old.assigned_to is distinct from new.assigned_to)
    execute function dossier_holder_follow();

create trigger dossier_holder_on_insert after insert on dossier
    for each row when (new.assigned_to is not null)
    execute function dossier_holder_follow();

insert into dossier_holder (assigned_to, dossier_id)
select assigned_to, id from dossier where assigned_to is not null;
