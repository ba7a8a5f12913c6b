"""Suggestion identity: which record an engine suggested from which source line (``suggestion_sources``).

Also the ``.gitignore`` files of an agent's folders (``gitignores``).

Runs on the database thread inside a local run's trip (``Runner.run_steps``
answers the rules engine's ``Local`` steps with ``handle``), so it shares the
trip's transaction: a record and its source row commit together.

A source is (file, fingerprint of the normalised source text, repeat number)
plus the line it was on. ``lookup`` says, per source of a file, which record
came of it and whether that record is still waiting for review (``pending``):
a reviewed record (approved, edited and approved, rejected, deleted) is never
suggested again while its source is unchanged.
"""

from __future__ import annotations

import os
from typing import Any

from agents.store import SyncDb, utcnow

KINDS = ("tasks", "timelines", "notes")
_KEYS = {"tasks": ("state", "due_date"), "timelines": ("due_date", "is_completed"), "notes": ("content",)}
_VALUES = {kind: ", ".join(f"r.{k}" for k in keys) for kind, keys in _KEYS.items()}


def lookup(db: SyncDb, path: str) -> dict[str, dict[str, Any]]:
    """``"kind:fingerprint"`` → {kind, record_id, line, pending, exists, record} for the sources of ``path``.

    ``record``: the record's current title and values (state, due_date, is_completed or content).
    """
    out: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        extra = _VALUES[kind]
        rows = db.fetchall(
            f"SELECT s.record_id, s.fingerprint, s.line, r.id AS rid, r.is_approved, r.deleted_at, r.rejected_at, "
            f"r.title, {extra} "
            f"FROM suggestion_sources s LEFT JOIN {kind} r ON r.id = s.record_id "
            "WHERE s.source_path = ? AND s.kind = ?",
            (path, kind),
        )
        for r in rows:
            exists = r["rid"] is not None
            pending = exists and not r["is_approved"] and r["deleted_at"] is None and r["rejected_at"] is None
            out[f"{kind}:{r['fingerprint']}"] = {
                "kind": kind, "record_id": r["record_id"], "line": r["line"], "pending": pending, "exists": exists,
                "record": {k: r[k] for k in ("title", *_KEYS[kind])},
            }
    return out


def remember(db: SyncDb, *, kind: str, record_id: str, path: str, fingerprint: str, line: int) -> None:
    """Tie ``record_id`` to its source (replacing the source it had)."""
    db.execute(
        "INSERT INTO suggestion_sources (kind, record_id, source_path, fingerprint, line, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, record_id) DO UPDATE SET source_path = excluded.source_path, "
        "fingerprint = excluded.fingerprint, line = excluded.line",
        (kind, record_id, path, fingerprint, line, utcnow()),
    )


MAX_GITIGNORE_BYTES = 100_000


def gitignores(root: str, folders: list[str]) -> list[tuple[str, str]]:
    """(folder relative to ``root``, text) of each ``.gitignore`` in ``root`` and the given subfolders.

    Read here, not through ``read_file_content``: most folders have none, and a failed
    tool call per folder would fill the run's journal. Only files named ``.gitignore``
    directly in a folder under ``root`` are read, at most 100 kB each.
    """
    found: list[tuple[str, str]] = []
    for rel in folders:
        if ".." in rel.split("/"):
            continue  # only folders under the root
        path = os.path.join(root, *rel.split("/"), ".gitignore") if rel else os.path.join(root, ".gitignore")
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                found.append((rel, fh.read(MAX_GITIGNORE_BYTES)))
        except OSError:
            continue
    return found


def handle(db: SyncDb, op: str, args: dict[str, Any]) -> Any:
    """Answer one ``Local`` step of an engine."""
    if op == "gitignores":
        return gitignores(args["root"], args["folders"])
    if op == "sources":
        return lookup(db, args["path"])
    if op == "remember":
        remember(db, **args)
        return None
    raise ValueError(f"unknown local step {op!r}")
