-- Every public check of an issued result (by its id, or by an uploaded file): who asked
-- from which address, when, and what they were told. The id asked may be made up.
create table verification_check (
    id bigserial primary key,
    at timestamptz not null,
    verification_id text not null,
    address text not null,
    via text not null,
    outcome text not null
);
create index verification_check_by_address on verification_check (address, at);
