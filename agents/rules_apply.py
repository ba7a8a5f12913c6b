"""Phase 2 of the rules engine for one file: extracted items applied with their identity.

Steps (``agents.steps``), no I/O of their own; they run wherever the engine's
steps run. Each item of a file has a source key (``kind:fingerprint`` of its
normalised source text, ``#n`` for the n-th repeat in the file). With the
local store's answer to ``Local("sources")``:

* a key seen before: its record is updated while it is still waiting for
  review (a due date or state the file now says); once reviewed (approved,
  edited, rejected, deleted) it is never suggested again;
* a new key on a line where a still-unreviewed item of a vanished key stood:
  the source line was edited, so that record is updated;
* otherwise update-first by title against records from elsewhere, else a new
  suggestion, and the key is remembered (``Local("remember")``).

Driven remotely (no local store: ``Local`` answers None) it falls back to
update-first by title alone.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from agents import extract
from agents.errors import ErrorType, ToolError
from agents.steps import Call, Local, Steps


class RecordIndex:
    """Existing records of one kind in one group, by normalised title (update-first)."""

    def __init__(self, tool: str, plural: str, title_key: str, project_id: str | None):
        self.tool, self.plural, self.title_key = tool, plural, title_key
        self.project_id = project_id
        self._by_title: dict[str, dict[str, Any]] | None = None
        self._complete = False

    def _load(self) -> Steps[dict[str, dict[str, Any]]]:
        if self._by_title is None:
            args: dict[str, Any] = {"limit": 1000}
            if self.project_id:
                args["project_id"] = self.project_id
            page = yield Call(self.tool, args)
            items = page[self.plural]
            self._by_title = {extract.normalise_title(r[self.title_key]): r for r in items}
            self._complete = page["total"] <= len(items)
        return self._by_title

    def find(self, title: str) -> Steps[dict[str, Any] | None]:
        index = yield from self._load()
        key = extract.normalise_title(title)
        if key in index or self._complete:
            return index.get(key)
        page = yield Call(self.tool, {"query": title, "limit": 50})
        for record in page[self.plural]:
            if extract.normalise_title(record[self.title_key]) == key:
                index[key] = record
                return record
        return None

    def add(self, record: dict[str, Any]) -> None:
        if self._by_title is not None:
            self._by_title[extract.normalise_title(record[self.title_key])] = record


_TOOLS = {
    "tasks": ("create_task", "update_task", "task_id"),
    "timelines": ("create_timeline", "update_timeline", "timeline_id"),
    "notes": ("create_note", "update_note", "note_id"),
}


def _task_args(t: extract.ExtractedTask) -> dict[str, Any]:
    return {"title": t.title, "state": "Completed" if t.completed else "ToDo", "due_date": t.due_date}


def _milestone_args(m: extract.ExtractedMilestone) -> dict[str, Any]:
    args: dict[str, Any] = {"title": m.title, "due_date": m.date, "is_completed": m.completed}
    if m.quote:
        args["description"] = m.quote  # the sentence or row the date was read from
    return args


def _note_args(n: extract.ExtractedNote) -> dict[str, Any]:
    return {"title": n.title, "content": n.summary}


def apply_file(found: extract.FileExtraction, *, path: str, types: set[str], common: dict[str, Any],
               indexes: dict[str, RecordIndex], stats: Any) -> Steps[int]:
    """Apply one file's items; returns how many suggestions it created."""
    items: list[tuple[str, str, int, dict[str, Any]]] = []  # (kind, key, line, args)
    seen: Counter[str] = Counter()

    def key_of(kind: str, fp: str) -> str:
        n = seen[f"{kind}:{fp}"]
        seen[f"{kind}:{fp}"] += 1
        return f"{kind}:{fp}" + (f"#{n}" if n else "")

    if "tasks" in types:
        items += [("tasks", key_of("tasks", t.fingerprint), t.line, _task_args(t)) for t in found.tasks]
    if "timelines" in types:
        items += [("timelines", key_of("timelines", m.fingerprint), m.line, _milestone_args(m))
                  for m in found.milestones]
    if "notes" in types and found.note is not None:
        items.append(("notes", "notes:" + extract.fingerprint(found.note.title), 0, _note_args(found.note)))
    known = yield Local("sources", {"path": path})
    current = {k for _, k, _, _ in items}
    stale: dict[tuple[str, int], dict[str, Any]] = {}
    if known:
        stale = {(r["kind"], r["line"]): r for k, r in known.items() if k not in current and r["pending"]}
    created = 0
    for kind, key, line, args in items:
        record = known.get(key) if known else None
        if record is not None:
            if record["pending"]:
                yield from _refresh(kind, record, args, stats)
            continue  # reviewed: never suggested again while its source is unchanged
        edited = stale.pop((kind, line), None)
        if edited is not None:
            yield from _refresh(kind, edited, args, stats, title=True)
            yield from _remember(known, kind, edited["record_id"], path, key, line)
            continue
        record_id, new = yield from _apply(kind, args, common, indexes[kind], stats, same_source=known is not None)
        created += new
        if record_id:
            yield from _remember(known, kind, record_id, path, key, line)
    return created


def _remember(known: Any, kind: str, record_id: str, path: str, key: str, line: int) -> Steps[None]:
    if known is not None:
        yield Local("remember", {"kind": kind, "record_id": record_id, "path": path,
                                 "fingerprint": key.split(":", 1)[1], "line": line})


def _refresh(kind: str, source: dict[str, Any], args: dict[str, Any], stats: Any, *,
             title: bool = False) -> Steps[None]:
    """Bring a still-unreviewed record in line with its source."""
    _, update, id_key = _TOOLS[kind]
    current = source["record"]
    record_id = source["record_id"]
    changes = {k: v for k, v in args.items() if (k != "title" or title) and k in current and current[k] != v
               and not (k == "due_date" and (current[k] or "")[:10] == (v or ""))
               and not (k == "is_completed" and bool(current[k]) == v)}
    if kind == "notes" and current.get("content") == args.get("content"):
        changes.pop("content", None)
    if changes:
        yield Call(update, {id_key: record_id, **changes})
        stats.updated += 1


def _pending_elsewhere(record: dict[str, Any], path: str) -> bool:
    """A suggestion from another file that nobody reviewed yet: it does not absorb this file's item.

    Update-first is for the workspace's real records (approved, or the user's own): an item the
    user already has is updated, not suggested again. Two files that say the same thing (minutes
    and their PDF export, an action item restated in next week's minutes) each keep their own
    suggestion, tied to its own source, so rejecting one copy never hides the other file's item.
    """
    return bool(record.get("is_ai_suggested")) and not record.get("is_approved") and \
        record.get("source_path") not in (None, path)


def _apply(kind: str, args: dict[str, Any], common: dict[str, Any], index: RecordIndex, stats: Any,
           *, same_source: bool) -> Steps[tuple[str | None, int]]:
    """Update-first by title against records from elsewhere, else create; (record id, 1 if created)."""
    create, update, id_key = _TOOLS[kind]
    existing = yield from index.find(args["title"])
    if existing is not None and _pending_elsewhere(existing, common["source_path"]):
        existing = None  # another file's suggestion still waiting: each file's item is its own suggestion
    if existing is not None and not (same_source and existing.get("source_path") == common["source_path"]):
        changes: dict[str, Any] = {}
        if kind == "tasks":
            if args["state"] == "Completed" and existing.get("state") != "Completed":
                changes["state"] = "Completed"
            if args["due_date"] and (existing.get("due_date") or "")[:10] != args["due_date"]:
                changes["due_date"] = args["due_date"]
        elif kind == "timelines":
            if (existing.get("due_date") or "")[:10] != args["due_date"]:
                changes["due_date"] = args["due_date"]
        elif existing.get("source_path") == common["source_path"] and existing.get("content") != args["content"]:
            changes["content"] = args["content"]
        if changes:
            index.add((yield Call(update, {id_key: existing["id"], **changes})))
            stats.updated += 1
        return existing["id"], 0
    try:
        record = yield Call(create, {**common, **args})
    except ToolError as err:
        if err.type == ErrorType.CONFLICT:
            return err.details.get("rejected_id"), 0  # rejected by the user before: not suggested again
        raise
    index.add(record)
    stats.created += 1
    return record["id"], 1
