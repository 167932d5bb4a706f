-- Foundation: companies, staff users and their sessions, sign-in throttling, the audit
-- log, and the contact register's core table (later migrations extend it).

CREATE TABLE company (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT company_name_key UNIQUE (name)
);

CREATE TABLE staff_user (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- stored lower-cased: sign-in and uniqueness ignore case
    email                 text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
    display_name          text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    password_hash         text NOT NULL,
    role                  text NOT NULL CHECK (role IN ('admin', 'staff')),
    -- set for invited users: they must choose their own password first
    must_change_password  boolean NOT NULL DEFAULT false,
    disabled_at           timestamptz,
    last_sign_in_at       timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT staff_user_email_key UNIQUE (email)
);

-- A staff user with rows here sees only these companies; a staff user without rows sees
-- none. Admins see every company whatever this table holds.
CREATE TABLE staff_company (
    staff_user_id  bigint NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
    company_id     bigint NOT NULL REFERENCES company (id) ON DELETE CASCADE,
    PRIMARY KEY (staff_user_id, company_id)
);

-- The cookie holds a random token; only its keyed hash is stored, so a database leak
-- hands out no sessions.
CREATE TABLE staff_session (
    id_hash        bytea PRIMARY KEY,
    staff_user_id  bigint NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL
);
CREATE INDEX staff_session_user_idx ON staff_session (staff_user_id);
CREATE INDEX staff_session_expires_idx ON staff_session (expires_at);

-- Failed and successful sign-ins, for throttling per account and per client address.
-- The address is stored as a keyed hash: enough to count, not to identify.
CREATE TABLE sign_in_attempt (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    email       text NOT NULL,
    client_hash bytea NOT NULL,
    succeeded   boolean NOT NULL
);
CREATE INDEX sign_in_attempt_email_idx ON sign_in_attempt (email, at);
CREATE INDEX sign_in_attempt_client_idx ON sign_in_attempt (client_hash, at);

-- Append-only record of every staff action that changes data.
CREATE TABLE audit_event (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    -- null for the system itself (CLI, seed, worker)
    actor_id      bigint REFERENCES staff_user (id) ON DELETE SET NULL,
    actor_label   text NOT NULL,
    action        text NOT NULL,
    subject_type  text NOT NULL,
    subject_id    text,
    company_id    bigint REFERENCES company (id) ON DELETE SET NULL,
    detail        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_event_at_idx ON audit_event (at DESC, id DESC);

-- Secrets the server generates for itself in development (session key, link keys), so
-- they survive restarts without configuration. Production takes them from the
-- environment and never reads this table.
CREATE TABLE dev_secret (
    name        text PRIMARY KEY,
    value       bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The contact register, Datacheck's mirror of the DMS.
CREATE TABLE contact (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id           bigint NOT NULL REFERENCES company (id) ON DELETE CASCADE,
    customer_no          text NOT NULL CHECK (length(customer_no) BETWEEN 1 AND 64),
    kind                 text NOT NULL CHECK (kind IN ('person', 'organisation')),
    salutation           text,
    first_name           text,
    last_name_prefix     text,
    last_name            text,
    organisation_name    text,
    email                text,
    phone                text,
    mobile               text,
    street               text,
    house_number         text,
    house_number_addition text,
    postal_code          text,
    city                 text,
    country              char(2) NOT NULL DEFAULT 'NL',
    language             text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contact_company_customer_no_key UNIQUE (company_id, customer_no)
);
CREATE INDEX contact_company_idx ON contact (company_id, id);
