-- A dossier filed on the national public-service portal (DVCQG) and pushed to the engine
-- keeps the portal's own dossier code here: the push is idempotent on it (a second push of
-- the same code finds the dossier the first one made), and the statuses the engine sends
-- back (`DongBoTrangThaiHoSo`) name it. Null for every dossier filed with the engine.
--
-- Nullable without a default: adding it rewrites no row. The unique index holds only the
-- pushed dossiers (a partial index), so a submission, which leaves the column null and
-- does not change it, adds no index entry and stays a HOT update.
alter table dossier add column national_code text;

create unique index dossier_national_code_key on dossier (national_code)
    where national_code is not null;
