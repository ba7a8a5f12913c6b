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

import pathspec

from agents import extract
from agents.errors import ErrorType, ToolError
from agents.rules_apply import RecordIndex, apply_file
from agents.runner import RunContext, RunFailed, RunStats, ToolCaller
from agents.steps import CHECKPOINT, Call, Local, Progress, Steps, drive
from agents.store import parse_iso

log = logging.getLogger(__name__)

MAX_LISTING = 100_000
PAGE_BYTES = 200_000
MAX_FILE_BYTES = 2_000_000
STANDALONE = "standalone"
FLOOD = 300  # a first run suggesting more than this says so and groups its suggestions by folder
GITIGNORE = ".gitignore"
MAX_GITIGNORE_FOLDERS = 2_000  # folders whose .gitignore is looked for
SKIP_REASONS = ("unsupported type", "too large", "unreadable", "ignored")
_SPLIT = re.compile(r"[\\/]+")


@dataclass
class Group:
    key: str                       # project id, "standalone", or "new:<name>"
    files: list[dict[str, Any]] = field(default_factory=list)
    project_name: str | None = None
    folder: str | None = None


def rules_steps(
    *, agent: dict[str, Any], since: datetime | None, reference_date: date, stats: RunStats,
    ignore_patterns: list[str] | None = None,
) -> Steps[None]:
    """Both phases for one agent (its PROTOCOL.md summary), as steps. Adds to ``stats``.

    ``reference_date`` is today: milestones before it are recorded as completed (past events);
    dates without a year are read against each document's own date (``agents.extract``).
    """
    groups = yield from triage(agent=agent, since=since, stats=stats, ignore_patterns=ignore_patterns)
    yield CHECKPOINT
    total = sum(len(g.files) for g in groups)
    yield Progress({"phase": "processing", "processed": 0, "total": total})
    done = 0
    by_folder: dict[str, int] = {}
    for group in groups:
        project_id = yield from _group_project(group, agent, stats)
        indexes = {
            "tasks": RecordIndex("list_tasks", "tasks", "title", project_id),
            "timelines": RecordIndex("list_timelines", "timelines", "title", project_id),
            "notes": RecordIndex("list_notes", "notes", "title", project_id),
        }
        for entry in group.files:
            yield Progress({"phase": "processing", "file": entry["path"], "processed": done, "total": total})
            made = yield from _process_file(entry, project_id, agent, indexes, reference_date, stats)
            if made:
                folder = entry.get("folder") or ""
                by_folder[folder] = by_folder.get(folder, 0) + made
            done += 1
            yield CHECKPOINT
    stats.summary = summarise(stats, by_folder, first_run=since is None)
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summarise(stats: RunStats, by_folder: dict[str, int], *, first_run: bool) -> str:
    """The run's summary line; the skipped files and a flood's folders go to ``stats.details``."""
    text = (f"Read {_plural(stats.processed, 'file')}: {_plural(stats.created, 'new suggestion')}, "
            f"{stats.updated} updated")
    if stats.skipped:
        counts: dict[str, int] = {}
        for s in stats.skipped:
            counts[s["reason"]] = counts.get(s["reason"], 0) + 1
        stats.details["skipped_by_reason"] = counts
        text += f"; skipped {_plural(len(stats.skipped), 'file')} (" + ", ".join(
            f"{counts[r]} {r}" for r in SKIP_REASONS if r in counts) + ")"
    folders = sorted(by_folder.items(), key=lambda kv: (-kv[1], kv[0]))
    stats.details["suggestions_by_folder"] = dict(folders)
    if first_run and stats.created > FLOOD:
        stats.details["flood"] = True
        top = ", ".join(f"{f or '(top folder)'} {n}" for f, n in folders[:5])
        text += (f". A first run with many suggestions: review them by folder ({top}"
                 f"{', …' if len(folders) > 5 else ''})")
    return text


def _ignore_spec(patterns: list[str]) -> pathspec.PathSpec | None:
    lines = [p for p in patterns if p.strip() and not p.lstrip().startswith("#")]
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def _gitignores(root: str, listing: list[dict[str, Any]], root_parts: int) -> Steps[list[tuple[str, Any]]]:
    """The ``.gitignore`` files of ``root`` and its folders: (folder relative to root, spec), top first.

    Asked of the local store (``Local("gitignores")``); a driver without one answers None: no .gitignore.
    """
    dirs = sorted("/".join([p for p in _SPLIT.split(e["path"]) if p][root_parts:])
                  for e in listing if e.get("type") == "dir")
    texts = yield Local("gitignores", {"root": root, "folders": ["", *dirs[:MAX_GITIGNORE_FOLDERS]]})
    found: list[tuple[str, Any]] = []
    for rel, text in texts or []:
        spec = _ignore_spec(text.splitlines())
        if spec is not None:
            found.append((rel, spec))
    return found


def _ignored(rel: str, is_dir: bool, specs: list[tuple[str, Any]], own: Any) -> bool:
    target = rel + ("/" if is_dir else "")
    if own is not None and own.match_file(target):
        return True
    for folder, spec in specs:
        if not folder:
            if spec.match_file(target):
                return True
        elif rel.startswith(folder + "/") and spec.match_file(target[len(folder) + 1:]):
            return True
    return False


def triage(*, agent: dict[str, Any], since: datetime | None, stats: RunStats,
           ignore_patterns: list[str] | None = None) -> Steps[list[Group]]:
    """Phase 1: which files to read, grouped by project; what is left out is in ``stats.skipped``."""
    own = _ignore_spec(ignore_patterns or [])
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
        specs = yield from _gitignores(listing.get("path") or root, listing["entries"], len(root_parts))
        ignored_dirs: list[str] = []
        ignoring = bool(specs) or own is not None
        for entry in listing["entries"]:
            kind = entry.get("type")
            if kind == "dir":
                if ignoring:
                    rel = "/".join([p for p in _SPLIT.split(entry["path"]) if p][len(root_parts):])
                    if any(rel.startswith(d + "/") for d in ignored_dirs) or _ignored(rel, True, specs, own):
                        ignored_dirs.append(rel)
                continue
            if kind != "file":
                continue
            if since is not None:  # unchanged since the last successful run: neither read nor counted
                modified = parse_iso(entry.get("modified_at"))
                if modified is not None and modified <= since:
                    continue
            rel_parts = [p for p in _SPLIT.split(entry["path"]) if p][len(root_parts):]
            if ignoring:
                rel = "/".join(rel_parts)
                if any(rel.startswith(d + "/") for d in ignored_dirs) or _ignored(rel, False, specs, own):
                    stats.skipped.append({"path": entry["path"], "reason": "ignored"})
                    continue
            name = entry["name"]
            dot = name.rfind(".")
            if extensions and (dot <= 0 or name[dot:].lower() not in extensions):
                stats.skipped.append({"path": entry["path"], "reason": "unsupported type"})
                continue
            if (entry.get("size") or 0) > MAX_FILE_BYTES:
                stats.skipped.append({"path": entry["path"], "reason": "too large"})
                continue
            group = _group_for(rel_parts, root, by_name, data_types, groups)
            group.files.append({**entry, "folder": "/".join(rel_parts[:-1])})
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
    today: date,
    stats: RunStats,
) -> Steps[int]:
    """Read, extract and apply one file; returns how many suggestions it created."""
    path = entry["path"]
    try:
        text = yield from _read_text(path)
    except ToolError as err:
        reason = {ErrorType.UNSUPPORTED_FILE: "unsupported type", ErrorType.TOO_LARGE: "too large"}.get(
            err.type, "unreadable")
        log.info("agents.rules.skipped path=%s reason=%s", path, reason)
        stats.skipped.append({"path": path, "reason": reason, "message": err.message})
        if reason == "unreadable":
            stats.errors.append(f"{path}: {err.message}")  # a real problem, unlike a type or size limit
        return 0
    stats.processed += 1
    modified = parse_iso(entry.get("modified_at"))
    found = extract.extract_text(text or "", filename=path, reference_date=modified.date() if modified else today,
                                 today=today)
    types = set(agent.get("data_types") or [])
    common = {"project_id": project_id, "source_path": path, "is_ai_suggested": True, "is_approved": False}
    try:
        return (yield from apply_file(found, path=path, types=types, common=common, indexes=indexes, stats=stats))
    except ToolError as err:
        stats.errors.append(f"{path}: {err.message}")
        return 0


class RulesEngine:
    """``rules``: the offline default engine."""

    name = "rules"

    async def run(self, ctx: RunContext) -> None:
        await ctx.run_steps(rules_steps(
            agent=ctx.agent.summary(), since=ctx.since, reference_date=ctx.reference_date, stats=ctx.stats,
            ignore_patterns=list(getattr(ctx.agent, "ignore_patterns", None) or []),
        ))
