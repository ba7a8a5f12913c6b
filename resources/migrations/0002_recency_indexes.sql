-- The list tools return the newest change first (ORDER BY updated_at DESC):
-- index it so a list call does not sort the whole table as it grows.
CREATE INDEX tasks_updated ON tasks (updated_at);
CREATE INDEX notes_updated ON notes (updated_at);
CREATE INDEX timelines_updated ON timelines (updated_at);
CREATE INDEX projects_updated ON projects (updated_at);
