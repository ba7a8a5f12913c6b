-- Adiuva Companion workspace, schema 1.
-- Timestamps are UTC ISO 8601 strings ("2026-11-21T10:00:00.000Z").
-- Records are soft-deleted (deleted_at); a rejected AI suggestion keeps its row
-- with rejected_at set so the engines do not suggest it again.

CREATE TABLE projects (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'active',
    is_ai_suggested INTEGER NOT NULL DEFAULT 0 CHECK (is_ai_suggested IN (0, 1)),
    is_approved     INTEGER NOT NULL DEFAULT 1 CHECK (is_approved IN (0, 1)),
    source_path     TEXT,
    run_id          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT,
    rejected_at     TEXT
);
CREATE INDEX projects_name ON projects (name COLLATE NOCASE);

CREATE TABLE tasks (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    project_id      TEXT REFERENCES projects (id),
    state           TEXT NOT NULL DEFAULT 'ToDo' CHECK (state IN ('ToDo', 'In Progress', 'Completed')),
    assignees       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(assignees)),
    due_date        TEXT,
    is_ai_suggested INTEGER NOT NULL DEFAULT 0 CHECK (is_ai_suggested IN (0, 1)),
    is_approved     INTEGER NOT NULL DEFAULT 1 CHECK (is_approved IN (0, 1)),
    source_path     TEXT,
    run_id          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT,
    rejected_at     TEXT
);
CREATE INDEX tasks_project ON tasks (project_id);
CREATE INDEX tasks_source ON tasks (source_path);
CREATE INDEX tasks_title ON tasks (title COLLATE NOCASE);

CREATE TABLE task_comments (
    id              TEXT PRIMARY KEY,
    task_id         TEXT NOT NULL REFERENCES tasks (id),
    body            TEXT NOT NULL,
    author          TEXT NOT NULL DEFAULT 'Adiuva',
    run_id          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT
);
CREATE INDEX task_comments_task ON task_comments (task_id);

CREATE TABLE notes (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    content         TEXT NOT NULL DEFAULT '',
    project_id      TEXT REFERENCES projects (id),
    is_ai_suggested INTEGER NOT NULL DEFAULT 0 CHECK (is_ai_suggested IN (0, 1)),
    is_approved     INTEGER NOT NULL DEFAULT 1 CHECK (is_approved IN (0, 1)),
    source_path     TEXT,
    run_id          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT,
    rejected_at     TEXT
);
CREATE INDEX notes_project ON notes (project_id);
CREATE INDEX notes_source ON notes (source_path);
CREATE INDEX notes_title ON notes (title COLLATE NOCASE);

CREATE TABLE timelines (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    project_id      TEXT REFERENCES projects (id),
    start_date      TEXT,
    due_date        TEXT,
    is_completed    INTEGER NOT NULL DEFAULT 0 CHECK (is_completed IN (0, 1)),
    is_ai_suggested INTEGER NOT NULL DEFAULT 0 CHECK (is_ai_suggested IN (0, 1)),
    is_approved     INTEGER NOT NULL DEFAULT 1 CHECK (is_approved IN (0, 1)),
    source_path     TEXT,
    run_id          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT,
    rejected_at     TEXT
);
CREATE INDEX timelines_project ON timelines (project_id);
CREATE INDEX timelines_source ON timelines (source_path);
CREATE INDEX timelines_title ON timelines (title COLLATE NOCASE);

-- Client-owned agent configs (PROTOCOL.md, run_request.agent).
CREATE TABLE agents (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    directory_paths TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(directory_paths)),
    file_extensions TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(file_extensions)),
    data_types      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(data_types)),
    prompt_template TEXT NOT NULL DEFAULT '',
    schedule_cron   TEXT,
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    engine          TEXT NOT NULL DEFAULT 'rules' CHECK (engine IN ('rules', 'llm', 'backend')),
    last_run_at     TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE agent_runs (
    id              TEXT PRIMARY KEY,
    agent_id        TEXT REFERENCES agents (id) ON DELETE SET NULL,
    agent_name      TEXT NOT NULL DEFAULT '',
    trigger         TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'catch_up', 'backend')),
    engine          TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN
                        ('pending', 'running', 'success', 'partial', 'error', 'cancelled', 'interrupted')),
    request_id      TEXT,
    remote_run_id   TEXT,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    items_processed INTEGER NOT NULL DEFAULT 0,
    items_created   INTEGER NOT NULL DEFAULT 0,
    items_updated   INTEGER NOT NULL DEFAULT 0,
    errors          TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(errors)),
    summary         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agent_runs_agent ON agent_runs (agent_id, started_at);
CREATE INDEX agent_runs_started ON agent_runs (started_at);
CREATE INDEX agent_runs_remote ON agent_runs (remote_run_id);

-- The journal: one row per executed tool call id. A write and its row commit
-- in one transaction; a replayed id is answered from here.
CREATE TABLE tool_calls (
    call_id         TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    args_hash       TEXT NOT NULL,
    args            TEXT NOT NULL CHECK (json_valid(args)),
    source          TEXT NOT NULL DEFAULT 'bridge',
    run_id          TEXT,
    agent_id        TEXT,
    ok              INTEGER NOT NULL CHECK (ok IN (0, 1)),
    error_type      TEXT,
    result          TEXT NOT NULL CHECK (json_valid(result)),
    started_at      TEXT NOT NULL,
    finished_at     TEXT NOT NULL,
    duration_ms     REAL NOT NULL
);
CREATE INDEX tool_calls_run ON tool_calls (run_id, started_at);

CREATE TABLE activity (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              TEXT NOT NULL,
    kind            TEXT NOT NULL,
    message         TEXT NOT NULL,
    subject_id      TEXT,
    run_id          TEXT,
    data            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data))
);
CREATE INDEX activity_at ON activity (at);

CREATE TABLE settings (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL CHECK (json_valid(value)),
    updated_at      TEXT NOT NULL
);
