-- What the customer page writes: subscriptions and consent (state and an append-only
-- history), and mutations, the customers' answers that staff review. Nothing here
-- writes to the contact columns: the DMS stays the source of the register.

-- The organisation's subscription types, shown on the customer page.
CREATE TABLE subscription_type (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key             text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{0,47}$'),
    name_nl         text NOT NULL CHECK (length(name_nl) BETWEEN 1 AND 80),
    name_en         text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    description_nl  text NOT NULL DEFAULT '',
    description_en  text NOT NULL DEFAULT '',
    active          boolean NOT NULL DEFAULT true,
    position        integer NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

INSERT INTO subscription_type (key, name_nl, name_en, description_nl, description_en, position) VALUES
    ('newsletter', 'Nieuwsbrief', 'Newsletter',
     'Nieuws en tips, ongeveer eens per maand.', 'News and tips, about once a month.', 10),
    ('service_reminders', 'Onderhoudsherinneringen', 'Service reminders',
     'Een bericht als onderhoud of keuring eraan komt.', 'A message when maintenance or an inspection is due.', 20),
    ('offers_events', 'Aanbiedingen en evenementen', 'Offers and events',
     'Acties, open dagen en uitnodigingen.', 'Promotions, open days and invitations.', 30),
    ('surveys', 'Enquêtes', 'Surveys',
     'Af en toe een korte vraag over onze service.', 'Now and then a short question about our service.', 40);

-- Who is subscribed to what, now. Consent is not a DMS field: the customer page and the
-- preferences page change it directly, and report the change as a mutation too.
CREATE TABLE contact_subscription (
    contact_id            bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    subscription_type_id  bigint NOT NULL REFERENCES subscription_type (id) ON DELETE CASCADE,
    since                 timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contact_id, subscription_type_id)
);
CREATE INDEX contact_subscription_type_idx ON contact_subscription (subscription_type_id);

-- Every consent change, as proof: what the person saw and chose, when, and through
-- what. Rows are only ever added.
CREATE TABLE consent_event (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id        bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    -- 'e_marketing', or 'subscription:<key>' for one subscription type.
    purpose           text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 80),
    legal_basis       text NOT NULL CHECK (legal_basis IN
                          ('consent', 'contract', 'legal_obligation', 'legitimate_interest',
                           'vital_interest', 'public_task')),
    state             text NOT NULL CHECK (state IN ('given', 'withdrawn', 'none')),
    source            text NOT NULL CHECK (source IN
                          ('portal', 'preferences', 'staff', 'api', 'unsubscribe', 'import')),
    -- The words on the screen when the choice was made, in the language shown.
    shown_text        text NOT NULL,
    run_recipient_id  bigint REFERENCES run_recipient (id) ON DELETE SET NULL,
    at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consent_event_contact_idx ON consent_event (contact_id, purpose, at DESC, id DESC);

-- One answer from the customer page: a confirmation that all is correct ('unchanged'),
-- or a set of changes ('changed') in mutation_change.
CREATE TABLE mutation (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id        bigint NOT NULL REFERENCES company (id),
    contact_id        bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    run_id            bigint REFERENCES run (id) ON DELETE SET NULL,
    run_recipient_id  bigint REFERENCES run_recipient (id) ON DELETE SET NULL,
    kind              text NOT NULL CHECK (kind IN ('changed', 'unchanged')),
    status            text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'processed', 'ignored')),
    -- The form's own key: a double click or a resent POST finds the row it made.
    submission_key    text NOT NULL CHECK (submission_key ~ '^[0-9a-f]{32}$'),
    language          text NOT NULL CHECK (language IN ('nl', 'en')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    processed_at      timestamptz,
    processed_by      bigint REFERENCES staff_user (id) ON DELETE SET NULL,
    CONSTRAINT mutation_submission_key UNIQUE (run_recipient_id, submission_key),
    CHECK ((status = 'new') = (processed_at IS NULL))
);
CREATE INDEX mutation_status_created_idx ON mutation (status, created_at DESC, id DESC);
CREATE INDEX mutation_company_created_idx ON mutation (company_id, status, created_at DESC, id DESC);
CREATE INDEX mutation_contact_idx ON mutation (contact_id, created_at DESC);
CREATE INDEX mutation_recipient_idx ON mutation (run_recipient_id, created_at DESC);

-- One changed value of a mutation: a contact field, a contact person's detail, a
-- notification preference, a subscription or the e-marketing consent.
CREATE TABLE mutation_change (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mutation_id      bigint NOT NULL REFERENCES mutation (id) ON DELETE CASCADE,
    section          text NOT NULL CHECK (section IN
                         ('field', 'person', 'notification', 'subscription', 'consent')),
    -- The field key, the person's detail ('first_name', 'left', 'notify_scope', …), the
    -- subscription type's key, or 'e_marketing'.
    field_key        text NOT NULL,
    -- An existing contact person, or the number of a person added in this answer.
    person_id        bigint REFERENCES contact_person (id) ON DELETE SET NULL,
    new_person       smallint,
    -- Null means "no value".
    dms_value        text,
    submitted_value  text,
    position         integer NOT NULL
);
CREATE INDEX mutation_change_mutation_idx ON mutation_change (mutation_id, position);

-- Failed link openings per client address (a keyed hash, enough to count): guessing
-- tokens is throttled across all server processes.
CREATE TABLE link_attempt (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_hash  bytea NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX link_attempt_client_idx ON link_attempt (client_hash, at);
