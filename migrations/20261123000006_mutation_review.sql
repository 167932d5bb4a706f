-- The staff review of mutations and the DMS's part in it.

-- A mutation the DMS marked through the API names the key, as processed_by names a
-- staff user.
ALTER TABLE mutation
    ADD COLUMN processed_by_key bigint REFERENCES api_key (id) ON DELETE SET NULL;

-- The review table walks (created_at, id) in either direction under each filter:
-- every status (this index), one status (mutation_status_created_idx), one company
-- (mutation_company_created_idx) and one run (below). The retention purge finds old
-- reviewed rows by processed_at.
CREATE INDEX mutation_created_idx ON mutation (created_at, id);
CREATE INDEX mutation_run_created_idx ON mutation (run_id, status, created_at, id);
CREATE INDEX mutation_reviewed_idx ON mutation (processed_at) WHERE status <> 'new';

-- "This e-mail address is another contact's", asked for every submitted address.
CREATE INDEX contact_email_lower_idx ON contact (company_id, lower(email));
