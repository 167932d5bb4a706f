-- Keys for the DMS API (/api/v1). A key is shown once when an admin creates it; only
-- a SHA-256 of its secret part is stored (the secret is 32 random bytes, so a plain
-- hash is enough: there is nothing to brute-force). The prefix identifies the key in
-- lists and logs.
CREATE TABLE api_key (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix        text NOT NULL UNIQUE,
    secret_hash   bytea NOT NULL,
    -- The companies the key may read and write; NULL means every company.
    company_ids   bigint[],
    created_by    bigint REFERENCES staff_user (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
