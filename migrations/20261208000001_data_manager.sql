-- A contact's data manager: another contact of the same company who checks this one's
-- data (a fleet manager for the drivers, a branch secretary, a parent). The DMS sets it
-- through the import and the API.
--
-- The composite key makes crossing companies impossible, not merely checked: a manager
-- is looked up by (company, id). Deleting a manager (erasure) leaves the persons they
-- managed without one. Nobody manages themselves; that there are no circles is checked
-- by the import, under a lock on the company, against the relation as it will stand.
ALTER TABLE contact
    ADD CONSTRAINT contact_company_id_id_key UNIQUE (company_id, id),
    ADD COLUMN managed_by bigint,
    ADD CONSTRAINT contact_managed_by_fkey FOREIGN KEY (company_id, managed_by)
        REFERENCES contact (company_id, id) ON DELETE SET NULL (managed_by),
    ADD CONSTRAINT contact_not_own_manager CHECK (managed_by <> id);
CREATE INDEX contact_managed_by_idx ON contact (managed_by) WHERE managed_by IS NOT NULL;
