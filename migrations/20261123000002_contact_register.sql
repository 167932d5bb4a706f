-- The contact register around the contact table: the field catalogue, custom attribute
-- values, per-field confirmation times, contact persons, CSV imports.

-- Trigram indexes make the staff's free-text search ("part of a name, number or
-- address") fast without a search engine. pg_trgm is a trusted extension: the database
-- owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- What staff sort and search contacts by, kept by PostgreSQL itself so no code path can
-- forget to update it. Persons sort by last name, organisations by their name.
ALTER TABLE contact
    ADD COLUMN sort_name text GENERATED ALWAYS AS (
        lower(CASE WHEN kind = 'organisation' AND coalesce(organisation_name, '') <> ''
                   THEN organisation_name
                   ELSE coalesce(last_name, '') || ' ' || coalesce(first_name, '') END)
    ) STORED,
    ADD COLUMN search_text text GENERATED ALWAYS AS (
        lower(customer_no || ' ' || coalesce(first_name, '') || ' '
              || coalesce(last_name_prefix, '') || ' ' || coalesce(last_name, '') || ' '
              || coalesce(organisation_name, '') || ' ' || coalesce(email, ''))
    ) STORED;
CREATE INDEX contact_search_trgm_idx ON contact USING gin (search_text gin_trgm_ops);
CREATE INDEX contact_sort_name_idx ON contact (sort_name, id);
CREATE INDEX contact_customer_no_idx ON contact (customer_no, id);
CREATE INDEX contact_city_idx ON contact ((coalesce(lower(city), '')), id);
CREATE INDEX contact_updated_idx ON contact (updated_at, id);

-- The field catalogue: the built-in contact fields and the custom attributes admins add.
-- Built-in rows exist from the start; their key and type are fixed, the rest is the
-- organisation's choice.
CREATE TABLE field_def (
    key                text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,47}$'),
    builtin            boolean NOT NULL DEFAULT false,
    field_type         text NOT NULL CHECK (field_type IN
                           ('text', 'email', 'phone', 'date', 'yes_no', 'choice',
                            'postal_code', 'country', 'language')),
    label_nl           text NOT NULL CHECK (length(label_nl) BETWEEN 1 AND 80),
    label_en           text NOT NULL CHECK (length(label_en) BETWEEN 1 AND 80),
    -- For `choice`: [{"nl": "…", "en": "…"}, …]; the Dutch label is the stored value.
    choices            jsonb NOT NULL DEFAULT '[]',
    required           boolean NOT NULL DEFAULT false,
    customer_visible   boolean NOT NULL DEFAULT true,
    customer_editable  boolean NOT NULL DEFAULT true,
    position           integer NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (customer_visible OR NOT customer_editable),
    CHECK (field_type <> 'choice' OR jsonb_array_length(choices) > 0)
);

INSERT INTO field_def (key, builtin, field_type, label_nl, label_en, required,
                       customer_visible, customer_editable, position) VALUES
    ('customer_no',           true, 'text',        'Klantnummer',          'Customer number',       true,  true,  false, 10),
    ('salutation',            true, 'text',        'Aanhef',               'Salutation',            false, true,  true,  20),
    ('first_name',            true, 'text',        'Voornaam',             'First name',            false, true,  true,  30),
    ('last_name_prefix',      true, 'text',        'Tussenvoegsel',        'Last name prefix',      false, true,  true,  40),
    ('last_name',             true, 'text',        'Achternaam',           'Last name',             false, true,  true,  50),
    ('organisation_name',     true, 'text',        'Organisatienaam',      'Organisation name',     false, true,  true,  60),
    ('email',                 true, 'email',       'E-mailadres',          'E-mail address',        false, true,  true,  70),
    ('phone',                 true, 'phone',       'Telefoonnummer',       'Phone number',          false, true,  true,  80),
    ('mobile',                true, 'phone',       'Mobiel nummer',        'Mobile number',         false, true,  true,  90),
    ('street',                true, 'text',        'Straat',               'Street',                false, true,  true,  100),
    ('house_number',          true, 'text',        'Huisnummer',           'House number',          false, true,  true,  110),
    ('house_number_addition', true, 'text',        'Toevoeging',           'Addition',              false, true,  true,  120),
    ('postal_code',           true, 'postal_code', 'Postcode',             'Postal code',           false, true,  true,  130),
    ('city',                  true, 'text',        'Plaats',               'City',                  false, true,  true,  140),
    ('country',               true, 'country',     'Land',                 'Country',               false, true,  true,  150),
    ('language',              true, 'language',    'Voorkeurstaal',        'Preferred language',    false, true,  true,  160);

-- Values of custom attributes, in the canonical form of the attribute's type. A missing
-- row means "no value"; there are no empty strings.
CREATE TABLE contact_attribute (
    contact_id  bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    field_key   text NOT NULL REFERENCES field_def (key) ON DELETE CASCADE,
    value       text NOT NULL CHECK (value <> ''),
    PRIMARY KEY (contact_id, field_key)
);
CREATE INDEX contact_attribute_field_idx ON contact_attribute (field_key);

-- When the customer last confirmed each field as correct (filled by the portal).
CREATE TABLE field_confirmation (
    contact_id    bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    field_key     text NOT NULL REFERENCES field_def (key) ON DELETE CASCADE,
    confirmed_at  timestamptz NOT NULL,
    PRIMARY KEY (contact_id, field_key)
);

-- The people at an organisation contact that the company deals with, and which
-- notifications each wants.
CREATE TABLE contact_person (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id        bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    -- The DMS's own key for the person, when it has one (API upserts match on it).
    dms_ref           text CHECK (length(dms_ref) BETWEEN 1 AND 64),
    first_name        text,
    last_name_prefix  text,
    last_name         text,
    email             text,
    phone             text,
    role              text,
    -- Which tickets they hear about (none, their own, all of the organisation's) and
    -- when (every status change, or only when a ticket is closed).
    notify_scope      text NOT NULL DEFAULT 'own' CHECK (notify_scope IN ('none', 'own', 'all')),
    notify_when       text NOT NULL DEFAULT 'every_change' CHECK (notify_when IN ('every_change', 'closing')),
    left_at           timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (coalesce(first_name, last_name) IS NOT NULL),
    CONSTRAINT contact_person_dms_ref_key UNIQUE (contact_id, dms_ref)
);
CREATE INDEX contact_person_contact_idx ON contact_person (contact_id, id);

-- A CSV file on its way into the register. The file is kept only until it is imported
-- or cancelled (housekeeping removes the bytes); the summary stays for the audit trail.
CREATE TABLE contact_import (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id     bigint NOT NULL REFERENCES company (id) ON DELETE CASCADE,
    staff_user_id  bigint NOT NULL REFERENCES staff_user (id),
    file_name      text NOT NULL,
    file_bytes     bytea,
    file_size      bigint NOT NULL,
    status         text NOT NULL DEFAULT 'uploaded'
                   CHECK (status IN ('uploaded', 'importing', 'done', 'failed', 'cancelled')),
    -- Per column of the file: the field it fills, or null for "do not import".
    mapping        jsonb,
    rows_total     integer NOT NULL DEFAULT 0,
    rows_done      integer NOT NULL DEFAULT 0,
    summary        jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);
CREATE INDEX contact_import_company_idx ON contact_import (company_id, id DESC);
