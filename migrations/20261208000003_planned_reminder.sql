-- Reminders planned when a run is sent: so many days after sending, to whoever has not
-- answered by then. Whichever server's worker gets there first queues it, once: it
-- claims the row with SKIP LOCKED and marks it done in the same transaction. A plan that
-- was never done is simply not due any more once the run is cancelled or its links died.
CREATE TABLE run_reminder (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      bigint NOT NULL REFERENCES run (id) ON DELETE CASCADE,
    -- Links live at most 8 days.
    days_after  smallint NOT NULL CHECK (days_after BETWEEN 1 AND 7),
    done_at     timestamptz,
    -- How many reminders it queued, once done.
    queued      integer CHECK ((done_at IS NULL) = (queued IS NULL)),
    CONSTRAINT run_reminder_days_key UNIQUE (run_id, days_after)
);
CREATE INDEX run_reminder_open_idx ON run_reminder (run_id) WHERE done_at IS NULL;
