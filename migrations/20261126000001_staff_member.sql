-- The staff the engine knows (issue 25): whom a supervisor may hand a dossier to. A dossier
-- goes only to a known member of its agency holding the role that works its state; handed
-- to anyone else (another agency's clerk, a citizen, a name nobody uses) it would sit in
-- no one's hands while its legal clock runs.
--
-- The engine learns its staff from their logins (the identity provider's agency and roles
-- claims, written at each staff login) and, where one is configured, from a staff directory
-- (MOTCUA_STAFF_DIRECTORY, loaded at start). A login always writes the claims it carries;
-- the directory never overwrites what a login wrote, and takes back the entries it wrote
-- that it no longer lists.
create table staff_member (
    -- The token's subject for staff: their login name at the provider.
    username    text        not null,
    -- The agency's electronic identifier (the `agency` claim).
    agency      text        not null,
    -- Workflow roles: desk_clerk, specialist, approver, supervisor.
    roles       text[]      not null,
    -- Where agency and roles were last written from: 'login' or 'directory'.
    source      text        not null,
    first_seen  timestamptz not null,
    last_seen   timestamptz not null,
    constraint staff_member_pkey primary key (username),
    constraint staff_member_username_check check (username <> ''),
    constraint staff_member_agency_check check (agency <> ''),
    constraint staff_member_source_check check (source in ('login', 'directory')),
    constraint staff_member_seen_check check (first_seen <= last_seen)
);

comment on table staff_member is
    'Staff the engine knows, from their logins and the staff directory: a dossier is assigned '
    'only to a member of its agency holding the role that works its state (issue 25).';
