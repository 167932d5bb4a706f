-- Webhooks: a DMS can be told at once when a customer answers, instead of polling.
-- Each API key may name a URL; deliveries queue durably and are retried with backoff.

-- The secret signs each delivery (HMAC-SHA256). It is kept as given, since signing
-- needs it; it is shown once when the key is made.
ALTER TABLE api_key
    ADD COLUMN webhook_url text CHECK (webhook_url ~ '^https?://[^[:space:]]+$' AND length(webhook_url) <= 500),
    ADD COLUMN webhook_secret text,
    ADD CONSTRAINT api_key_webhook_pair CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL));

CREATE TABLE webhook_delivery (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    api_key_id       bigint NOT NULL REFERENCES api_key (id) ON DELETE CASCADE,
    event            text NOT NULL,
    -- The JSON sent, fixed when queued so every retry sends the same bytes.
    body             text NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    -- A worker holds the row until then; a crashed worker's rows come free again.
    lease_until      timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
