-- Identity providers as configuration (issue 29): a login in flight remembers which provider
-- it went to and the assurance level it asked for, so that the callback asks the same
-- provider for a higher level once when the login came back lower; and the engine keeps,
-- per citizen and provider, the provider's technical id of the account (VNeID's and
-- DVCQG's TechID) from the last login, for the portal.
alter table login_attempt
    add column provider text,
    add column required_level smallint,
    add column step_up boolean not null default false;

create table citizen_login (
    pin             text        not null,
    provider        text        not null,
    tech_id         text,
    birth_date      text,
    assurance_level smallint    not null,
    last_login_at   timestamptz not null default now(),
    constraint citizen_login_pkey primary key (pin, provider)
);
comment on table citizen_login is
    'The last login of each citizen at each identity provider: the provider''s technical id '
    'of the account (TechID), the birth date and the level it vouched for.';
