-- Issue 13: suggestions keep their identity, agents take ignore patterns, runs keep their detail.
--
-- suggestion_sources ties each record an engine suggested to its source: the
-- file, the line it was found on and a fingerprint of the normalised source
-- text (agents.extract.fingerprint, with "#n" for the n-th repeat in a file).
-- While the source text is unchanged the suggestion is never made again
-- (whatever the user did with it: approved, edited, rejected or deleted); a
-- changed source line updates the record only while it is still unreviewed.
CREATE TABLE suggestion_sources (
    kind            TEXT NOT NULL CHECK (kind IN ('tasks', 'timelines', 'notes')),
    record_id       TEXT NOT NULL,
    source_path     TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    line            INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (kind, record_id)
);
CREATE INDEX suggestion_sources_path ON suggestion_sources (source_path, fingerprint);

-- Patterns in .gitignore syntax; the agent's folders' own .gitignore files apply as well.
ALTER TABLE agents ADD COLUMN ignore_patterns TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(ignore_patterns));

-- What a run skipped and why, and its suggestions by folder: {"skipped": [{"path", "reason"}], ...}.
ALTER TABLE agent_runs ADD COLUMN details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details));
