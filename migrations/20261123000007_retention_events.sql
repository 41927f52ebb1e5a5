-- The event log's retention exception (migration 20261123000006) held for any dossier in a
-- transaction that set `motcua.retention`: a bug or a hand-written statement could have
-- wiped refusal reasons of live dossiers. It now holds only for events of a dossier already
-- anonymised (the run anonymises the dossier first, in the same transaction).
create or replace function dossier_event_refuse_change() returns trigger
language plpgsql as $$
begin
    if tg_op = 'UPDATE'
        and current_setting('motcua.retention', true) = 'on'
        and exists (select 1 from dossier d
                    where d.id = old.dossier_id and d.anonymised_at is not null)
        and new.id = old.id and new.dossier_id = old.dossier_id and new.at = old.at
        and new.actor_kind = old.actor_kind and new.action = old.action
        and new.from_state is not distinct from old.from_state
        and new.to_state = old.to_state
        and (new.actor = old.actor or (old.actor_kind = 'citizen' and new.actor = 'anonymised'))
        and (new.comment is null or new.comment = old.comment)
        and new.detail = old.detail - 'items'
    then
        return new;
    end if;
    raise exception 'dossier_event is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;
