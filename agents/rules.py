"""The offline engine: the two phases of the backend's runner, with rules instead of a model.

Phase 1, triage: list each folder, keep files with the agent's extensions
that changed since the last successful run, match each file's top-level
folder to an existing project (or plan a suggested one), the rest is
"standalone". Phase 2, processing: read each file, extract tasks, timeline
entries and a note (``agents.extract``), and apply them update-first: an
existing record with the same title is updated when the file says something
new, otherwise a suggestion is created (``is_ai_suggested``, unapproved,
with ``source_path``).

The engine is written as steps (``agents.steps``): it yields each tool call
and is sent the result, so the same code runs locally (``Runner.run_steps``:
many files per trip to the database thread, every call journaled, one commit
per file) and from the reference gateway over the wire (``run_rules`` with an
async tool caller, ``bridge.scripted``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from agents import extract
from agents.errors import ErrorType, ToolError
from agents.runner import RunContext, RunFailed, RunStats, ToolCaller
from agents.steps import CHECKPOINT, Call, Progress, Steps, drive
from agents.store import parse_iso

log = logging.getLogger(__name__)

MAX_LISTING = 100_000
PAGE_BYTES = 200_000
MAX_FILE_BYTES = 2_000_000
STANDALONE = "standalone"
_SPLIT = re.compile(r"[\\/]+")


@dataclass
class Group:
    key: str                       # project id, "standalone", or "new:<name>"
    files: list[dict[str, Any]] = field(default_factory=list)
    project_name: str | None = None
    folder: str | None = None


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


def rules_steps(
    *, agent: dict[str, Any], since: datetime | None, reference_date: date, stats: RunStats
) -> Steps[None]:
    """Both phases for one agent (its PROTOCOL.md summary), as steps. Adds to ``stats``."""
    groups = yield from triage(agent=agent, since=since, stats=stats)
    yield CHECKPOINT
    total = sum(len(g.files) for g in groups)
    yield Progress({"phase": "processing", "processed": 0, "total": total})
    done = 0
    for group in groups:
        project_id = yield from _group_project(group, agent, stats)
        indexes = {
            "tasks": RecordIndex("list_tasks", "tasks", "title", project_id),
            "timelines": RecordIndex("list_timelines", "timelines", "title", project_id),
            "notes": RecordIndex("list_notes", "notes", "title", project_id),
        }
        for entry in group.files:
            yield Progress({"phase": "processing", "file": entry["path"], "processed": done, "total": total})
            yield from _process_file(entry, project_id, agent, indexes, reference_date, stats)
            done += 1
            yield CHECKPOINT
    stats.summary = (
        f"Read {stats.processed} file{'s' if stats.processed != 1 else ''}: "
        f"{stats.created} new suggestion{'s' if stats.created != 1 else ''}, {stats.updated} updated"
    )
    yield Progress({"phase": "done", "processed": done, "total": total})


async def run_rules(
    call: ToolCaller,
    *,
    agent: dict[str, Any],
    since: datetime | None,
    reference_date: date,
    stats: RunStats,
    progress: Callable[..., None] = lambda **_: None,
) -> None:
    """``rules_steps`` with each call awaited through ``call`` (e.g. over the wire)."""
    await drive(rules_steps(agent=agent, since=since, reference_date=reference_date, stats=stats), call, progress)


def triage(*, agent: dict[str, Any], since: datetime | None, stats: RunStats) -> Steps[list[Group]]:
    """Phase 1: which files to read, grouped by project."""
    extensions = {e.lower() for e in agent.get("file_extensions") or []}
    data_types = set(agent.get("data_types") or [])
    projects = (yield Call("list_all_projects", {}))["projects"]
    by_name = {extract.normalise_title(p["name"]): p["id"] for p in projects}
    groups: dict[str, Group] = {}
    unreadable: list[str] = []
    for root in agent["directory_paths"]:
        try:
            listing = yield Call("list_directory", {"path": root, "recursive": True, "max_entries": MAX_LISTING})
        except ToolError as err:
            unreadable.append(f"{root}: {err.message}")
            continue
        if listing.get("truncated"):
            stats.errors.append(f"{root}: more than {MAX_LISTING} entries; the rest was not looked at")
        root_parts = [p for p in _SPLIT.split(listing.get("path") or root) if p]
        for entry in listing["entries"]:
            if entry.get("type") != "file":
                continue
            name = entry["name"]
            dot = name.rfind(".")
            if extensions and (dot <= 0 or name[dot:].lower() not in extensions):
                continue
            if since is not None:
                modified = parse_iso(entry.get("modified_at"))
                if modified is not None and modified <= since:
                    continue
            parts = [p for p in _SPLIT.split(entry["path"]) if p][len(root_parts):]
            group = _group_for(parts, root, by_name, data_types, groups)
            group.files.append(entry)
    if unreadable and len(unreadable) == len(agent["directory_paths"]):
        raise RunFailed("Triage found no readable folder: " + "; ".join(unreadable))
    stats.errors.extend(unreadable)
    ordered = sorted(groups.values(), key=lambda g: (g.key == STANDALONE, g.project_name or "", g.key))
    for g in ordered:
        g.files.sort(key=lambda e: e["path"])
    return ordered


def _group_for(parts: list[str], root: str, by_name: dict[str, str], data_types: set[str],
               groups: dict[str, Group]) -> Group:
    key, project_name, folder = STANDALONE, None, None
    if len(parts) > 1:
        display = extract.project_name_for_folder(parts[0])
        if display:
            match = by_name.get(extract.normalise_title(display)) or by_name.get(extract.normalise_title(parts[0]))
            if match:
                key, project_name = match, display
            elif "projects" in data_types:
                sep = "\\" if "\\" in root and "/" not in root else "/"
                key, project_name, folder = f"new:{display}", display, root.rstrip("/\\") + sep + parts[0]
    if key not in groups:
        groups[key] = Group(key=key, project_name=project_name, folder=folder)
    return groups[key]


def _group_project(group: Group, agent: dict[str, Any], stats: RunStats) -> Steps[str | None]:
    if group.key == STANDALONE:
        return None
    if not group.key.startswith("new:"):
        return group.key
    try:
        project = yield Call("create_project", {
            "name": group.project_name, "description": f"Suggested from the folder {group.folder}",
            "is_ai_suggested": True, "is_approved": False, "source_path": group.folder,
        })
        stats.created += 1
        return project["id"]
    except ToolError as err:
        if err.type == ErrorType.CONFLICT and err.details.get("existing_id"):
            return err.details["existing_id"]
        if err.type == ErrorType.CONFLICT:
            return None  # the user rejected this project before: its files stay standalone
        stats.errors.append(f"project {group.project_name}: {err.message}")
        return None


def _read_text(path: str) -> Steps[str]:
    chunks: list[str] = []
    offset, read = 0, 0
    while True:
        page = yield Call("read_file_content", {"path": path, "offset": offset, "max_bytes": PAGE_BYTES})
        chunks.append(page["content"])
        next_offset = page.get("next_offset") or (offset + len(page["content"].encode()))
        read += next_offset - offset
        if not page.get("truncated") or next_offset <= offset:
            break
        if read >= MAX_FILE_BYTES:
            raise ToolError(ErrorType.TOO_LARGE, f"only the first {MAX_FILE_BYTES // 1_000_000} MB were read")
        offset = next_offset
    return "".join(chunks)


def _process_file(
    entry: dict[str, Any],
    project_id: str | None,
    agent: dict[str, Any],
    indexes: dict[str, RecordIndex],
    reference_date: date,
    stats: RunStats,
) -> Steps[None]:
    path = entry["path"]
    try:
        text = yield from _read_text(path)
    except ToolError as err:
        if err.type == ErrorType.UNSUPPORTED_FILE:
            log.info("agents.rules.skipped path=%s reason=%s", path, err.type)
            return
        stats.errors.append(f"{path}: {err.message}")
        return
    stats.processed += 1
    found = extract.extract_text(text or "", filename=entry["name"], reference_date=reference_date)
    types = set(agent.get("data_types") or [])
    common = {"project_id": project_id, "source_path": path, "is_ai_suggested": True, "is_approved": False}
    try:
        if "tasks" in types:
            for task in found.tasks:
                yield from _apply_task(task, common, indexes["tasks"], stats)
        if "timelines" in types:
            for milestone in found.milestones:
                yield from _apply_milestone(milestone, common, indexes["timelines"], stats)
        if "notes" in types and found.note is not None:
            yield from _apply_note(found.note, common, indexes["notes"], stats)
    except ToolError as err:
        stats.errors.append(f"{path}: {err.message}")


def _create(tool: str, args: dict[str, Any], index: RecordIndex, stats: RunStats) -> Steps[None]:
    try:
        record = yield Call(tool, args)
    except ToolError as err:
        if err.type == ErrorType.CONFLICT:
            return  # rejected by the user before: not suggested again
        raise
    index.add(record)
    stats.created += 1


def _apply_task(task: Any, common: dict[str, Any], index: RecordIndex, stats: RunStats) -> Steps[None]:
    existing = yield from index.find(task.title)
    if existing is None:
        yield from _create("create_task", {
            **common, "title": task.title, "state": "Completed" if task.completed else "ToDo",
            "due_date": task.due_date,
        }, index, stats)
        return
    changes: dict[str, Any] = {}
    if task.completed and existing["state"] != "Completed":
        changes["state"] = "Completed"
    if task.due_date and (existing.get("due_date") or "")[:10] != task.due_date:
        changes["due_date"] = task.due_date
    if changes:
        index.add((yield Call("update_task", {"task_id": existing["id"], **changes})))
        stats.updated += 1


def _apply_milestone(milestone: Any, common: dict[str, Any], index: RecordIndex, stats: RunStats) -> Steps[None]:
    existing = yield from index.find(milestone.title)
    if existing is None:
        yield from _create("create_timeline", {**common, "title": milestone.title, "due_date": milestone.date},
                          index, stats)
    elif (existing.get("due_date") or "")[:10] != milestone.date:
        index.add((yield Call("update_timeline", {"timeline_id": existing["id"], "due_date": milestone.date})))
        stats.updated += 1


def _apply_note(note: Any, common: dict[str, Any], index: RecordIndex, stats: RunStats) -> Steps[None]:
    existing = yield from index.find(note.title)
    if existing is None:
        yield from _create("create_note", {**common, "title": note.title, "content": note.summary}, index, stats)
    elif existing.get("source_path") == common["source_path"] and existing.get("content") != note.summary:
        index.add((yield Call("update_note", {"note_id": existing["id"], "content": note.summary})))
        stats.updated += 1


class RulesEngine:
    """``rules``: the offline default engine."""

    name = "rules"

    async def run(self, ctx: RunContext) -> None:
        await ctx.run_steps(rules_steps(
            agent=ctx.agent.summary(), since=ctx.since, reference_date=ctx.reference_date, stats=ctx.stats,
        ))
