-- A result the engine issued as a signed PDF, found by the unguessable id its QR code
-- carries: what the public verification page may say of it (no full name, no PIN).
-- No foreign keys: a result stays checkable (or revocable) after retention removes its file.
create table result_verification (
    id text primary key,
    document_id uuid not null unique,
    dossier_id uuid not null,
    kind text not null,
    issuer text not null,
    issued_at timestamptz not null,
    sha256 text not null,
    holder_initials text not null,
    holder_birth_year int,
    revoked_at timestamptz,
    revoked_reason text
);
