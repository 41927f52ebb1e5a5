-- Retention (issue 9): a finished dossier past its procedure's retention is anonymised. The
-- agency keeps its code, states, dates and indicator facts (dossier_fact is never touched);
-- the citizen's identity, the form's contents and the files they handed in go.

alter table dossier add column anonymised_at timestamptz;
-- What anonymisation leaves: no form data, no prefill provenance, no PIN. Only a finished
-- dossier is ever anonymised.
alter table dossier add constraint dossier_anonymised_check check (
    anonymised_at is null
    or (closed_at is not null and citizen_pin = 'anonymised'
        and data = '{}'::jsonb and prefill = '{}'::jsonb));

create index dossier_retention_idx on dossier (procedure_code, closed_at)
    where closed_at is not null and anonymised_at is null;

-- An erased document keeps its row (the dossier's document list and its digitisation
-- facts still point at it) but loses its name, its owner and, once `object_removed_at` is
-- set, its bytes in storage. The object goes after the row is committed, so a failure in
-- between leaves a row that the next run finishes, never a row without its erasure.
alter table document add column erased_at timestamptz;
alter table document add column object_removed_at timestamptz;
alter table document add constraint document_erased_check check (
    (erased_at is not null or object_removed_at is null)
    and (erased_at is null or (owner_pin = 'anonymised' and file_name = '')));
create index document_erasing_idx on document (erased_at) where erased_at is not null
    and object_removed_at is null;

-- The event log stays append-only, with one exception the retention run needs: inside a
-- transaction that has set `motcua.retention` to 'on', an event may lose the citizen's
-- PIN as its actor, its free-text comment and the supplement items in its detail. Nothing
-- else about an event can change, and nothing can be deleted.
create or replace function dossier_event_refuse_change() returns trigger
language plpgsql as $$
begin
    if tg_op = 'UPDATE'
        and current_setting('motcua.retention', true) = 'on'
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
