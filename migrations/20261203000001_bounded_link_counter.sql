-- Invalid links are counted per client address and fixed window in one row, so junk
-- costs a bounded counter rather than a row per request: a flood of made-up tokens from
-- one address updates one row until the window is full, and then writes nothing.
DROP TABLE link_attempt;

CREATE TABLE link_attempt (
    client_hash   bytea NOT NULL,
    window_start  timestamptz NOT NULL,
    failures      integer NOT NULL CHECK (failures > 0),
    PRIMARY KEY (client_hash, window_start)
);
CREATE INDEX link_attempt_window_idx ON link_attempt (window_start);
