-- Data check runs, their recipients (one personal link each) and the durable mail
-- outbox. The register stays untouched: a run only reads contacts.

CREATE TABLE run (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id            bigint NOT NULL REFERENCES company (id),
    name                  text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 120),
    -- 'expired' is not stored: a sent run is expired once its links are.
    status                text NOT NULL DEFAULT 'draft'
                          CHECK (status IN ('draft', 'sending', 'sent', 'cancelled')),
    -- The deadline: links die at the end of this day in the organisation's time zone.
    valid_to              date NOT NULL,
    sender_name           text NOT NULL,
    sender_email          text NOT NULL,
    reply_to              text NOT NULL,
    -- Recipients: contacts matching a filter, or a list of customer numbers.
    recipient_mode        text NOT NULL DEFAULT 'filter' CHECK (recipient_mode IN ('filter', 'list')),
    recipient_filter      jsonb NOT NULL DEFAULT '{}'::jsonb,
    recipient_list        text[] NOT NULL DEFAULT '{}',
    -- {"nl": {"subject": …, "body": …}, "en": {…}}
    templates             jsonb NOT NULL,
    -- {"email": "editable", "city": "read_only", …}; fields not named are hidden.
    field_rules           jsonb NOT NULL DEFAULT '{}'::jsonb,
    show_contact_persons  boolean NOT NULL DEFAULT true,
    show_notifications    boolean NOT NULL DEFAULT true,
    show_subscriptions    boolean NOT NULL DEFAULT true,
    -- The furthest wizard step saved (1-4); step 5 is sending itself.
    steps_done            smallint NOT NULL DEFAULT 1 CHECK (steps_done BETWEEN 1 AND 4),
    created_by            bigint REFERENCES staff_user (id) ON DELETE SET NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    sent_at               timestamptz,
    sent_by               bigint REFERENCES staff_user (id) ON DELETE SET NULL,
    -- When the last of the run's links dies (the latest recipient expiry).
    links_expire_at       timestamptz,
    cancelled_at          timestamptz,
    cancelled_by          bigint REFERENCES staff_user (id) ON DELETE SET NULL,
    CHECK ((status = 'draft') = (sent_at IS NULL) OR status = 'cancelled')
);
CREATE UNIQUE INDEX run_name_key ON run (lower(btrim(name)));
CREATE INDEX run_created_idx ON run (created_at DESC, id DESC);
CREATE INDEX run_company_created_idx ON run (company_id, created_at DESC, id DESC);

-- One personal link. The token itself is never stored: it is sealed from this row's id
-- and expiry whenever a mail needs it.
CREATE TABLE run_recipient (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id        bigint NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    contact_id    bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    -- The address and language at the moment of sending.
    email         text NOT NULL,
    language      text NOT NULL CHECK (language IN ('nl', 'en')),
    key_id        smallint NOT NULL,
    issued_at     timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    opened_at     timestamptz,
    responded_at  timestamptz,
    response      text CHECK (response IN ('changed', 'unchanged')),
    revoked_at    timestamptz,
    CONSTRAINT run_recipient_run_contact_key UNIQUE (run_id, contact_id),
    CHECK ((responded_at IS NULL) = (response IS NULL))
);
CREATE INDEX run_recipient_contact_idx ON run_recipient (contact_id);
CREATE INDEX run_recipient_responded_idx ON run_recipient (run_id, responded_at)
    WHERE responded_at IS NOT NULL;

-- The durable outbox: one row per mail. Run mails are rendered when sent, from the run,
-- the contact and a freshly sealed token; other mails (test mails) carry their content.
-- Workers claim due rows with FOR UPDATE SKIP LOCKED and hold them by a lease.
CREATE TABLE outbox_mail (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              text NOT NULL CHECK (kind IN ('invitation', 'reminder', 'test', 'fresh_link')),
    run_id            bigint REFERENCES run (id) ON DELETE CASCADE,
    run_recipient_id  bigint REFERENCES run_recipient (id) ON DELETE CASCADE,
    to_address        text NOT NULL,
    -- subject/text/html for mails that are not rendered from a run
    content           jsonb,
    -- Kept across retries, so a receiver can recognise a mail it already has.
    message_id        text NOT NULL,
    status            text NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts          integer NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    lease_until       timestamptz,
    leased_by         text,
    last_error        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    sent_at           timestamptz,
    CONSTRAINT outbox_mail_message_id_key UNIQUE (message_id),
    CHECK (run_recipient_id IS NOT NULL OR content IS NOT NULL)
);
CREATE INDEX outbox_mail_due_idx ON outbox_mail (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outbox_mail_run_idx ON outbox_mail (run_id, kind, status);
CREATE INDEX outbox_mail_recipient_idx ON outbox_mail (run_recipient_id);

-- Development only: where mails go when no SMTP server is configured, to be read in
-- the staff "dev mailbox".
CREATE TABLE dev_mail (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_mail_id  bigint REFERENCES outbox_mail (id) ON DELETE SET NULL,
    message_id      text NOT NULL,
    from_address    text NOT NULL,
    to_address      text NOT NULL,
    reply_to        text,
    subject         text NOT NULL,
    text_body       text NOT NULL,
    html_body       text NOT NULL,
    raw             bytea NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dev_mail_received_idx ON dev_mail (received_at DESC, id DESC);
