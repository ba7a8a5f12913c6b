-- Journal retention (PROTOCOL.md "Read-only calls"): the results of read-only
-- bridge calls are kept for replay for the retention window (24 h), then the
-- row is reduced to its name and argument hash. ``prunable`` marks such rows
-- (the journal sets it on insert), ``pruned_at`` says when one was reduced.
-- The partial index holds only the rows still waiting to be reduced, so the
-- pruner's scan stays as small as the last window's reads.
ALTER TABLE tool_calls ADD COLUMN prunable INTEGER NOT NULL DEFAULT 0 CHECK (prunable IN (0, 1));
ALTER TABLE tool_calls ADD COLUMN pruned_at TEXT;
-- Rows written before this version: the read-only tools of this version.
UPDATE tool_calls SET prunable = 1
 WHERE source = 'bridge' AND name IN ('list_directory', 'get_file_metadata', 'read_file_content',
       'list_projects', 'list_all_projects', 'get_project', 'list_tasks', 'list_notes', 'get_note',
       'list_timelines');
CREATE INDEX tool_calls_prunable ON tool_calls (finished_at) WHERE prunable = 1 AND pruned_at IS NULL;
