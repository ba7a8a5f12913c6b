"""``adiuva-companion agent …`` and ``runs``: agents and runs from the terminal.

Times are printed in local time with the zone (``desktop.ui.words.local_time``);
``--json`` keeps the stored UTC ISO text; ``runs --json`` includes each run's
``details`` (the skipped files with their reasons, suggestions by folder).
``agent add|edit --ignore PATTERN`` (repeatable; ``--ignore ''`` clears) sets
the agent's .gitignore-style patterns; ``agent list`` shows them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from agents import config, runs_query
from agents.errors import ConfigError, RunError, ToolError
from agents.events import Event, RunDidProgress, RunDidStart
from agents.store import DB_FILENAME, Store, utcnow
from desktop import control
from desktop.output import EXIT_ERROR, EXIT_OK, EXIT_USAGE, print_json
from desktop.ui.words import local_time

CLI_OPTIONS = {  # the option that sets each agent field, named in error messages
    "directory_paths": "--folder", "file_extensions": "--ext", "data_types": "--types", "schedule_cron": "--cron",
    "engine": "--engine", "prompt_template": "--prompt", "enabled": "--enable/--disable", "ignore_patterns": "--ignore",
}


async def _open(directory: Path) -> Store:
    return await Store.open(directory / DB_FILENAME)


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if args.folders:
        out["directory_paths"] = args.folders
    if args.extensions:
        out["file_extensions"] = [e for item in args.extensions for e in item.split(",")]
    if args.types:
        out["data_types"] = [t.strip() for t in args.types.split(",") if t.strip()]
    if args.cron is not None:
        out["schedule_cron"] = args.cron or None
    if args.engine:
        out["engine"] = args.engine
    if args.prompt is not None:
        out["prompt_template"] = args.prompt
    if args.enabled is not None:
        out["enabled"] = args.enabled
    if args.ignore is not None:  # --ignore '' (alone) clears them
        out["ignore_patterns"] = [p for p in args.ignore if p.strip()]
    return out


def _agent_json(agent: config.AgentConfig) -> dict[str, Any]:
    return {**agent.summary(), "enabled": agent.enabled, "engine": agent.engine,
            "ignore_patterns": list(agent.ignore_patterns)}


async def dispatch(args: argparse.Namespace, directory: Path) -> int:
    action = args.agent_command
    if action == "run":
        return await run_agent(args, directory)
    store = await _open(directory)
    try:
        if action == "list":
            agents = await config.list_agents(store)
            if args.json:
                print_json([_agent_json(a) for a in agents])
            elif not agents:
                print("No agents yet. Add one: adiuva-companion agent add NAME --folder DIR")
            else:
                for a in agents:
                    when = a.schedule_cron or "manual"
                    state = "" if a.enabled else " (disabled)"
                    last = f", last run {local_time(a.last_run_at)}" if a.last_run_at else ""
                    print(f"{a.name}{state}: {a.engine}, {when}, {', '.join(a.directory_paths)}{last}")
                    if a.ignore_patterns:
                        print(f"  ignores: {', '.join(a.ignore_patterns)}")
            return EXIT_OK
        if action == "add":
            data = {"name": args.name, **_fields(args)}
            agent = await _save(directory, store, data)
            _say(args, _agent_json(agent), f"Added agent {agent.name}.")
            return EXIT_OK
        agent = await config.get_agent(store, args.name)
        if agent is None:
            print(f"error: no agent named {args.name!r}", file=sys.stderr)
            return EXIT_ERROR
        if action == "edit":
            data = {**agent.model_dump(exclude={"last_run_at", "schedule_saved_at"}), **_fields(args)}
            if args.rename:
                data["name"] = args.rename
            updated = await _save(directory, store, data)
            _say(args, _agent_json(updated), f"Updated agent {updated.name}.")
            return EXIT_OK
        if action == "remove":
            answer = await control.request(directory, {"cmd": "agent_remove", "agent": agent.id})
            if answer is None:  # no companion runs: write the store directly
                await config.delete_agent(store, agent.id)
            elif not answer.get("ok"):
                _refused(answer)
            _say(args, {"removed": agent.id}, f"Removed agent {agent.name}.")
            return EXIT_OK
    except ConfigError as exc:
        option = CLI_OPTIONS.get(exc.field)
        print(f"error: {option + ': ' if option else ''}{exc.message}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        await store.close()
    return EXIT_USAGE


async def _save(directory: Path, store: Store, data: dict[str, Any]) -> config.AgentConfig:
    """Save through the running companion (its scheduler, hello and window see it at once), else directly."""
    agent = config.AgentConfig.parse(data)  # bad input is refused here, before anyone is asked
    answer = await control.request(directory, {"cmd": "agent_save", "agent": agent.model_dump(
        mode="json", exclude={"last_run_at", "schedule_saved_at"})})
    if answer is None:
        return await config.save_agent(store, agent)
    if not answer.get("ok"):
        _refused(answer)
    return config.AgentConfig.model_validate(answer["agent"])


def _refused(answer: dict[str, Any]) -> None:
    error = answer.get("error") or {}
    field = (error.get("details") or {}).get("field")
    if field:
        raise ConfigError(field, str(error.get("message", "")))
    raise ToolError(error.get("type", "internal"), str(error.get("message", "the companion refused")))


def _say(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        print_json(data)
    else:
        print(text)


def _handed_over(args: argparse.Namespace, answer: dict[str, Any]) -> int:
    if answer.get("ok"):
        _say(args, answer, f"Started {answer.get('agent')} in the running companion.")
        return EXIT_OK
    print(f"error: {answer.get('error', {}).get('message', 'the companion refused')}", file=sys.stderr)
    return EXIT_ERROR


async def run_agent(args: argparse.Namespace, directory: Path) -> int:
    """Ask the running companion to start the run; else run it here with progress lines.

    Running it here takes the data dir's instance lock like the service does; when that is
    held (a companion is still starting, or does not answer), ask it once more, then fail.
    """
    import asyncio

    from agents.paths import AlreadyRunning

    request = {"cmd": "run", "agent": args.name}
    since = utcnow()
    answer = await control.request(directory, request)
    if answer is not None:
        return await _handed_over_and_wait(args, answer, directory, since)
    from desktop.companion import Companion

    companion = Companion(data_dir=directory, scheduler=False, control=False)
    try:
        await companion.start()
    except AlreadyRunning:
        await asyncio.sleep(1.0)  # its control socket comes up at the end of its start
        answer = await control.request(directory, request)
        if answer is not None:
            return await _handed_over_and_wait(args, answer, directory, since)
        raise
    quiet = args.json

    bar = ProgressLine(sys.stdout) if sys.stdout.isatty() else None  # a terminal: one line that updates

    def progress(event: Event) -> None:
        if quiet:
            return
        if isinstance(event, RunDidProgress) and event.file:
            done, total = (event.processed or 0) + 1, event.total
            if bar is not None:
                bar.show(done, total, event.file)
            else:
                print(f"  [{done}/{total or '?'}] {event.file}", flush=True)
        elif isinstance(event, RunDidStart):
            print(f"Running {event.agent_name} ({event.engine})…", flush=True)

    companion.events.subscribe(progress)
    try:
        agent = await config.get_agent(companion.store, args.name)
        if agent is not None and agent.engine == "backend" and companion.has_bridge:
            await companion.wait_connected(15.0)  # it says why in the run's error if it cannot
        row = await companion.run_agent(args.name)
    except RunError as err:  # AgentNotFound, AgentBusy, EngineUnavailable
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if bar is not None:
            bar.close()
        await companion.stop()
    return _summary(args, row)


def _summary(args: argparse.Namespace, row: dict[str, Any]) -> int:
    """Print a finished run's summary (or its JSON); the exit code says whether it went well."""
    if args.json:
        print_json(row)
    else:
        print(f"{row['status']}: {row['items_processed']} files, {row['items_created']} new suggestions, "
              f"{row['items_updated']} updated")
        details = row.get("details") or {}
        skipped = runs_query.skipped_text(details.get("skipped_by_reason") or row.get("skipped_by_reason") or {})
        if skipped:
            print(f"  {skipped}")
        for error in row["errors"]:
            print(f"  error: {error}")
    return EXIT_OK if row["status"] in ("success", "partial") else EXIT_ERROR


async def _handed_over_and_wait(args: argparse.Namespace, answer: dict[str, Any], directory: Path,
                                since: str) -> int:
    """The running companion took the run; with ``--wait``, follow it in the store until it ends."""
    if not getattr(args, "wait", False) or not answer.get("ok"):
        return _handed_over(args, answer)
    import asyncio

    if not args.json:
        print(f"Started {answer.get('agent')} in the running companion; waiting for it to finish…", flush=True)
    store = await _open(directory)
    try:
        while True:
            rows = await runs_query.recent_runs(store, 1, agent_id=answer.get("agent_id"), details=True)
            row = rows[0] if rows else None
            if row is not None and row["started_at"] >= since and row["status"] not in ("running", "queued"):
                break
            await asyncio.sleep(0.5)
    finally:
        await store.close()
    return _summary(args, row)


class ProgressLine:
    """``[#####·····]  120/1,000 files  Acme/notes.md`` on one terminal line, redrawn at most 10 times a second."""

    def __init__(self, out: Any, width: int = 24):
        self.out, self.width = out, width
        self._last = 0.0
        self._drawn = False

    def show(self, done: int, total: int | None, name: str) -> None:
        import time

        now = time.monotonic()
        if now - self._last < 0.1 and done != total:
            return
        self._last = now
        filled = int(self.width * done / total) if total else 0
        bar = "#" * filled + "·" * (self.width - filled)
        count = f"{done:,}/{total:,}" if total else f"{done:,}"
        line = f"[{bar}] {count} files  {name}"
        self.out.write("\r\x1b[K" + line[:200])
        self.out.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.out.write("\n")
            self.out.flush()


async def runs(args: argparse.Namespace, directory: Path) -> int:
    store = await _open(directory)
    try:
        agent_id = None
        if args.agent:
            agent = await config.get_agent(store, args.agent)
            if agent is None:
                print(f"error: no agent named {args.agent!r}", file=sys.stderr)
                return EXIT_ERROR
            agent_id = agent.id
        rows = await runs_query.recent_runs(store, args.limit, agent_id=agent_id, details=args.json)
    finally:
        await store.close()
    if args.json:
        print_json(rows)
        return EXIT_OK
    if not rows:
        print("No runs yet.")
    for r in rows:
        print(f"{local_time(r['started_at'], seconds=True)}  {r['agent_name']:<20} {r['trigger']:<9} {r['status']:<11} "
              f"processed={r['items_processed']} created={r['items_created']} updated={r['items_updated']} "
              f"skipped={r['skipped_count']}")
        if r["skipped_count"]:
            print(f"  {runs_query.skipped_text(r['skipped_by_reason'])}")
    return EXIT_OK
