-- Consent as part of the register: why each contact's data is kept (purposes with a
-- legal basis), the current e-marketing state, who made each consent change, lasting
-- preference links, and marketing runs.

-- Why the organisation keeps data. Every contact has a state for each purpose; a
-- contact without a row has the purpose's default basis and state "none".
CREATE TABLE purpose (
    key                  text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]{0,47}$'),
    name_nl              text NOT NULL CHECK (length(name_nl) BETWEEN 1 AND 80),
    name_en              text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
    default_legal_basis  text NOT NULL CHECK (default_legal_basis IN
                             ('consent', 'contract', 'legal_obligation', 'legitimate_interest',
                              'vital_interest', 'public_task')),
    position             integer NOT NULL
);

INSERT INTO purpose (key, name_nl, name_en, default_legal_basis, position) VALUES
    ('sales_service', 'Verkoop en service', 'Sales and service', 'contract', 10),
    ('e_marketing', 'E-marketing', 'E-marketing', 'consent', 20);

-- A contact's current basis and state per purpose: what consent_event's newest row
-- says, kept beside it in the same transaction so lists can filter on it cheaply.
CREATE TABLE contact_consent (
    contact_id   bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    purpose      text NOT NULL REFERENCES purpose (key),
    legal_basis  text NOT NULL CHECK (legal_basis IN
                     ('consent', 'contract', 'legal_obligation', 'legitimate_interest',
                      'vital_interest', 'public_task')),
    state        text NOT NULL CHECK (state IN ('given', 'none', 'withdrawn')),
    changed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (contact_id, purpose)
);
CREATE INDEX contact_consent_state_idx ON contact_consent (purpose, state, contact_id);

-- Who or what made a consent change: "customer", a staff user's e-mail, an API key,
-- or "system: …".
ALTER TABLE consent_event ADD COLUMN actor text NOT NULL DEFAULT 'customer';
ALTER TABLE consent_event DROP CONSTRAINT consent_event_source_check;
ALTER TABLE consent_event ADD CONSTRAINT consent_event_source_check CHECK (source IN
    ('portal', 'preferences', 'staff', 'api', 'unsubscribe', 'import', 'migration'));

-- The history is proof: rows are only ever added. The one exception is erasing a
-- contact on request, which sets datacheck.erasure for its own transaction.
CREATE FUNCTION consent_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('datacheck.erasure', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent_event is append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER consent_event_append_only
    BEFORE UPDATE OR DELETE ON consent_event
    FOR EACH ROW EXECUTE FUNCTION consent_event_append_only();

-- The defaults a careful CRM applies to a register that had no purposes yet:
-- a contact that said "no mailings" (the DMS flag `no_mailings`, or a withdrawal on the
-- customer page) is withdrawn; one Datacheck mailed before may be mailed on legitimate
-- interest until they object; one never mailed has not given consent. Consent given
-- on the customer page stays given. Each default is recorded in the history.
WITH latest AS (
    SELECT DISTINCT ON (e.contact_id) e.contact_id, e.state
    FROM consent_event e
    WHERE e.purpose = 'e_marketing'
    ORDER BY e.contact_id, e.at DESC, e.id DESC
),
decided AS (
    SELECT k.id AS contact_id,
        CASE
            WHEN l.state = 'withdrawn'
                 OR EXISTS (SELECT 1 FROM contact_attribute a
                            WHERE a.contact_id = k.id AND a.field_key = 'no_mailings'
                              AND a.value = 'yes')
                THEN 'withdrawn'
            WHEN l.state = 'given' THEN 'given'
            WHEN EXISTS (SELECT 1 FROM run_recipient r
                         JOIN outbox_mail o ON o.run_recipient_id = r.id
                         WHERE r.contact_id = k.id AND o.status = 'sent')
                THEN 'mailed'
            ELSE 'never_mailed'
        END AS how
    FROM contact k
    LEFT JOIN latest l ON l.contact_id = k.id
),
inserted AS (
    INSERT INTO contact_consent (contact_id, purpose, legal_basis, state)
    SELECT contact_id, 'e_marketing',
           CASE how WHEN 'mailed' THEN 'legitimate_interest' ELSE 'consent' END,
           CASE how WHEN 'withdrawn' THEN 'withdrawn' WHEN 'given' THEN 'given' ELSE 'none' END
    FROM decided
    RETURNING contact_id, legal_basis, state
)
INSERT INTO consent_event (contact_id, purpose, legal_basis, state, source, shown_text, actor)
SELECT contact_id, 'e_marketing', legal_basis, state, 'migration',
       CASE
           WHEN legal_basis = 'legitimate_interest'
               THEN 'Default when purposes were introduced: mailed before, so legitimate interest.'
           WHEN state = 'withdrawn'
               THEN 'Default when purposes were introduced: the contact asked for no mailings.'
           WHEN state = 'given'
               THEN 'Default when purposes were introduced: consent given earlier stays given.'
           ELSE 'Default when purposes were introduced: never mailed, no consent.'
       END,
       'system: migration'
FROM inserted;

INSERT INTO contact_consent (contact_id, purpose, legal_basis, state)
SELECT id, 'sales_service', 'contract', 'none' FROM contact;

-- A lasting link to a contact's subscription preferences (`/p/{token}`). The token
-- names this row; revoking the row kills every token made for it.
CREATE TABLE preference_link (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id  bigint NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    opened_at   timestamptz,
    revoked_at  timestamptz
);
CREATE UNIQUE INDEX preference_link_live_idx ON preference_link (contact_id) WHERE revoked_at IS NULL;

-- Answers from the preferences page and one-click unsubscribes are mutations too, so
-- the DMS can follow; they belong to a preference link instead of a run recipient.
ALTER TABLE mutation
    ADD COLUMN source text NOT NULL DEFAULT 'portal'
        CHECK (source IN ('portal', 'preferences', 'unsubscribe')),
    ADD COLUMN preference_link_id bigint REFERENCES preference_link (id) ON DELETE SET NULL,
    ADD CONSTRAINT mutation_preference_submission_key UNIQUE (preference_link_id, submission_key);

-- A run whose mail is marketing may leave out contacts who withdrew e-marketing consent.
ALTER TABLE run ADD COLUMN marketing boolean NOT NULL DEFAULT false;
