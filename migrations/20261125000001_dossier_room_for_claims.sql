-- How `dossier` is stored and vacuumed, for the desk's queues (docs/PERFORMANCE.md, the
-- claims' hour). A claim takes the queue's first entry in `dossier_queue_idx` whose dossier
-- is still unclaimed; every dossier claimed and received before it leaves an entry there
-- that points at a version no one sees any more. A scan marks such entries dead and steps
-- over them, but only VACUUM removes them, and with autovacuum's defaults it came every ten
-- minutes or so and scanned slowly: in a soak at 700 claims a second each claim stepped over
-- up to 2,000 index pages of dead entries and throughput fell by a third in ten minutes.

-- Vacuum `dossier` when 2 % of it is dead rather than 20 %, at full speed: a minute apart
-- at a busy desk, each run short, so the front of every queue stays clean.
alter table dossier set (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_cost_delay = 0);

-- Room on each page for a dossier's next version. A claim sets only who holds the dossier
-- (assigned_to, assigned_at, updated_at), none of them indexed, so when the page has room
-- PostgreSQL writes the new version beside the old one (a heap-only tuple) and adds no entry
-- to any index: half the dead entries a busy queue leaves. At the default of 100 the pages
-- are full and each claim added an entry to all six indexes. Only pages written from now on
-- keep the room; this migration does not rewrite the table, and takes a lock that lets reads
-- and writes go on.
alter table dossier set (fillfactor = 70);
