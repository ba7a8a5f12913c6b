-- Updates to existing records made by someone other than the user's own edits
-- (the backend over the bridge, an MCP client, a local engine run) keep a
-- before-image: the changed fields' previous values, so the activity can list
-- them and undo them (PROTOCOL.md "Updates to existing records apply at once
-- and show in the activity, where the user can undo them"). The row is written
-- in the same transaction as the update. before/after are JSON objects of
-- column values (as stored); undone_at is set when the user undid it.
CREATE TABLE record_updates (
    id              TEXT PRIMARY KEY,
    at              TEXT NOT NULL,
    source          TEXT NOT NULL,
    run_id          TEXT,
    call_id         TEXT,
    kind            TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    before          TEXT NOT NULL,
    after           TEXT NOT NULL,
    undone_at       TEXT
);
CREATE INDEX record_updates_at ON record_updates (at);
CREATE INDEX record_updates_run ON record_updates (run_id, at);
CREATE INDEX record_updates_record ON record_updates (kind, record_id);
