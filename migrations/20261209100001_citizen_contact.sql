-- How a citizen wants to be told of their dossiers (issue 30): an e-mail address, a phone
-- number for SMS, and the channels chosen among them. Set by the citizen (`PUT
-- /v1/me/contact`). A notification is written to the outbox, in the transaction of the
-- change it tells of, for each channel chosen at that moment; the address is read when it
-- is sent, so that a corrected address applies to a message still waiting.
create table citizen_contact (
    citizen_pin text        not null,
    email       text,
    phone       text,
    -- 'email', 'sms'.
    channels    text[]      not null default '{}',
    updated_at  timestamptz not null default now(),
    constraint citizen_contact_pkey primary key (citizen_pin),
    constraint citizen_contact_channels_check check (channels <@ array['email', 'sms']::text[]),
    constraint citizen_contact_email_check check ((email is not null) or not ('email' = any(channels))),
    constraint citizen_contact_phone_check check ((phone is not null) or not ('sms' = any(channels)))
);
