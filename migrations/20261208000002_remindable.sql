-- Whether a recipient may get a reminder now. One definition for the run page's ticks,
-- the count staff confirm and the queue itself, so they can never disagree: the link
-- still works, the first mail went out, nobody answered, no reminder is waiting, and the
-- contact did not withdraw (one click from the first mail stops every mail after it).
CREATE FUNCTION run_recipient_remindable(r run_recipient) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT r.responded_at IS NULL AND r.revoked_at IS NULL AND r.expires_at > now()
       AND EXISTS (SELECT 1 FROM outbox_mail o WHERE o.run_recipient_id = r.id
                     AND o.kind = 'invitation' AND o.status = 'sent')
       AND NOT EXISTS (SELECT 1 FROM outbox_mail o WHERE o.run_recipient_id = r.id
                         AND o.kind = 'reminder' AND o.status = 'queued')
       AND NOT EXISTS (SELECT 1 FROM contact_consent c WHERE c.contact_id = r.contact_id
                         AND c.purpose = 'e_marketing' AND c.state = 'withdrawn')
$$;
