-- Review at volume, safe by default (issue 14).
-- Each approve/reject/discard/restore is a review batch: review_log lists the
-- rows it changed, so undo reverts exactly that batch in one transaction. A
-- rejected project detaches its records; the log keeps where they were so
-- undo (and restore) can put them back. The record tables get no new column
-- (the tools return their rows as they are).
-- The partial indexes below match review.WAITING / review.REJECTED exactly,
-- so the queue's counts and pages do not scan the tables.

CREATE TABLE review_batches (
    id              TEXT PRIMARY KEY,
    action          TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'discard', 'restore')),
    label           TEXT NOT NULL DEFAULT '',
    count           INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    undone_at       TEXT
);
CREATE INDEX review_batches_created ON review_batches (created_at);

-- One row per record a batch changed (role 'item'), and per record a rejected
-- project detached (role 'detached', with the project it was filed under).
CREATE TABLE review_log (
    batch_id        TEXT NOT NULL,
    kind            TEXT NOT NULL,
    id              TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT 'item' CHECK (role IN ('item', 'detached', 'attached')),
    prev            TEXT  -- a detached/attached record's project; a restored record's rejected_at
);
CREATE INDEX review_log_batch ON review_log (batch_id, kind, role);
CREATE INDEX review_log_detached ON review_log (prev) WHERE role = 'detached';

CREATE INDEX projects_run ON projects (run_id);
CREATE INDEX tasks_run ON tasks (run_id);
CREATE INDEX notes_run ON notes (run_id);
CREATE INDEX timelines_run ON timelines (run_id);

CREATE INDEX projects_waiting ON projects (created_at)
    WHERE is_ai_suggested = 1 AND is_approved = 0 AND deleted_at IS NULL AND rejected_at IS NULL;
CREATE INDEX tasks_waiting ON tasks (created_at)
    WHERE is_ai_suggested = 1 AND is_approved = 0 AND deleted_at IS NULL AND rejected_at IS NULL;
CREATE INDEX notes_waiting ON notes (created_at)
    WHERE is_ai_suggested = 1 AND is_approved = 0 AND deleted_at IS NULL AND rejected_at IS NULL;
CREATE INDEX timelines_waiting ON timelines (created_at)
    WHERE is_ai_suggested = 1 AND is_approved = 0 AND deleted_at IS NULL AND rejected_at IS NULL;

CREATE INDEX projects_rejected ON projects (rejected_at) WHERE rejected_at IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX tasks_rejected ON tasks (rejected_at) WHERE rejected_at IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX notes_rejected ON notes (rejected_at) WHERE rejected_at IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX timelines_rejected ON timelines (rejected_at) WHERE rejected_at IS NOT NULL AND deleted_at IS NULL;
