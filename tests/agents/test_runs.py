"""Runs of the rules engine through the runner: records, update-first, re-runs, cancel, crash."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from agents import journal
from agents.config import AgentConfig, save_agent
from agents.events import EventHub, RunDidProgress
from agents.review import Review
from agents.rules import RulesEngine
from agents.runner import Runner
from agents.store import Store


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "Clients"
    (root / "Acme Corp").mkdir(parents=True)
    (root / "Acme Corp" / "todo.md").write_text(
        "# Acme to-do\n\nWhat is left for the brand refresh.\n\n- [ ] Send the quote\n- [x] Kick-off call\n"
        "Milestone: Final delivery 2026-12-15\n"
    )
    (root / "loose.txt").write_text("TODO: renew insurance\n")
    return root


@pytest.fixture
def runner(store: Store, catalog, hub: EventHub) -> Runner:
    return Runner(store=store, catalog=catalog, events=hub, engines={"rules": RulesEngine()})


async def make_agent(store: Store, folder: Path, name: str = "Clients", **extra) -> AgentConfig:
    return await save_agent(store, AgentConfig.parse({"name": name, "directory_paths": [str(folder)], **extra}))


async def titles(store: Store, table: str) -> list[str]:
    col = "name" if table == "projects" else "title"
    return sorted(r[col] for r in await store.fetchall(f"SELECT {col} FROM {table} WHERE rejected_at IS NULL"))


async def test_a_run_creates_suggestions_and_its_record(store, runner, folder, events):
    """A rules run reads each file once and files unapproved suggestions with source and run id."""
    agent = await make_agent(store, folder)
    row = await runner.run(agent, "manual")
    assert row["status"] == "success" and row["trigger"] == "manual"
    assert row["items_processed"] == 2 and row["items_updated"] == 0
    assert await titles(store, "projects") == ["Acme Corp"]
    assert await titles(store, "tasks") == ["Kick-off call", "Renew insurance", "Send the quote"]
    assert await titles(store, "timelines") == ["Final delivery"]
    assert row["items_created"] == 1 + 3 + 1 + len(await titles(store, "notes"))
    task = await store.fetchone("SELECT * FROM tasks WHERE title = 'Send the quote'")
    assert task["is_ai_suggested"] == 1 and task["is_approved"] == 0 and task["run_id"] == row["id"]
    assert task["source_path"] == os.path.realpath(folder / "Acme Corp" / "todo.md")
    assert (await store.fetchone("SELECT state FROM tasks WHERE title = 'Kick-off call'"))["state"] == "Completed"
    assert (await store.fetchone("SELECT last_run_at FROM agents"))["last_run_at"] == row["started_at"]
    names = [e[0] for e in events]
    assert names[0] == "run_did_start" and names[-1] == "run_did_finish"


async def test_the_runs_tool_calls_are_in_the_journal(store, runner, folder):
    """Every tool call of a local run is journaled under the run id, triage first."""
    row = await runner.run(await make_agent(store, folder), "manual")
    calls = await journal.calls_for_run(store, row["id"])
    names = [c["name"] for c in calls]
    assert names[0] == "list_all_projects" and names[1] == "list_directory"
    assert names.count("read_file_content") == 2 and "create_task" in names
    assert all(c["ok"] for c in calls)


async def test_second_run_creates_nothing(store, runner, folder):
    """Re-running on unchanged files creates nothing, even with a full re-scan by another agent."""
    agent = await make_agent(store, folder)
    await runner.run(agent, "manual")
    before = {t: await titles(store, t) for t in ("projects", "tasks", "notes", "timelines")}
    again = await runner.run(agent, "manual")
    assert again["items_processed"] == 0  # nothing changed since the last successful run
    rescan = await runner.run(await make_agent(store, folder, "Second look"), "manual")
    assert rescan["items_processed"] == 2 and rescan["items_created"] == 0 and rescan["items_updated"] == 0
    assert {t: await titles(store, t) for t in before} == before


async def test_changed_file_updates_instead_of_duplicating(store, runner, folder):
    """A checkbox ticked in the file updates the existing task to Completed."""
    agent = await make_agent(store, folder)
    await runner.run(agent, "manual")
    todo = folder / "Acme Corp" / "todo.md"
    todo.write_text(todo.read_text().replace("- [ ] Send the quote", "- [x] Send the quote"))
    os.utime(todo, (todo.stat().st_atime + 5, todo.stat().st_mtime + 5))
    row = await runner.run(agent, "manual")
    assert row["items_processed"] == 1 and row["items_created"] == 0 and row["items_updated"] == 1
    assert (await store.fetchone("SELECT state FROM tasks WHERE title = 'Send the quote'"))["state"] == "Completed"
    assert await store.scalar("SELECT COUNT(*) FROM tasks WHERE title = 'Send the quote'") == 1


async def test_rejected_suggestion_is_not_suggested_again(store, runner, folder):
    """After the user rejects a suggestion, a full re-scan does not bring it back."""
    await runner.run(await make_agent(store, folder), "manual")
    task_id = await store.scalar("SELECT id FROM tasks WHERE title = 'Renew insurance'")
    await Review(store=store).reject("tasks", task_id)
    row = await runner.run(await make_agent(store, folder, "Second look"), "manual")
    assert row["status"] == "success" and row["items_created"] == 0
    assert "Renew insurance" not in await titles(store, "tasks")


async def test_too_large_file_is_skipped_with_its_reason(store, runner, folder):
    """A file over the size limit is skipped and listed with its reason in the run's details; the rest is processed."""
    (folder / "huge.md").write_text("x" * 2_100_000)
    row = await runner.run(await make_agent(store, folder), "manual")
    assert row["status"] == "success"
    assert [s["reason"] for s in row["details"]["skipped"] if s["path"].endswith("huge.md")] == ["too large"]
    assert row["items_processed"] == 2


async def test_missing_folder_is_an_error_run(store, runner, folder):
    """An agent whose folder disappeared ends in error with the reason."""
    agent = await make_agent(store, folder)
    shutil.rmtree(folder)
    row = await runner.run(agent, "schedule")
    assert row["status"] == "error" and "Triage found no readable folder" in row["errors"][0]


async def test_cancelled_run_is_recorded_and_keeps_whole_files(store, catalog, hub, tmp_path):
    """Cancelling mid-run ends the record as cancelled; the files done so far stay, each one whole."""
    root = tmp_path / "Many"
    root.mkdir()
    for i in range(30):
        (root / f"file-{i:02d}.md").write_text(f"# File {i}\n\nNotes about file {i}.\n\n- [ ] Task {i}\n")
    runner = Runner(store=store, catalog=catalog, events=hub, engines={"rules": RulesEngine()}, trip_seconds=0)
    agent = await make_agent(store, root)

    def on_progress(event) -> None:
        if isinstance(event, RunDidProgress) and (event.processed or 0) >= 1:
            runner.cancel(agent.id)

    hub.subscribe(on_progress)
    task = asyncio.create_task(runner.run(agent, "manual"))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not runner.is_running(agent.id)
    run = await store.fetchone("SELECT id, status FROM agent_runs")
    assert run["status"] == "cancelled"
    tasks = {r["source_path"] for r in await store.fetchall("SELECT source_path FROM tasks")}
    notes = {r["source_path"] for r in await store.fetchall("SELECT source_path FROM notes")}
    assert 1 <= len(tasks) < 30 and tasks == notes  # stopped early; no file half done
    calls = await journal.calls_for_run(store, run["id"])
    read = {c["args"]["path"] for c in calls if c["name"] == "read_file_content"}
    assert read == tasks  # every committed file's calls are in the journal, and nothing else


async def test_an_engine_failure_keeps_the_files_before_it(store, runner, folder, monkeypatch):
    """An exception in the middle of a file rolls back that file only; the run ends as error."""
    import agents.rules as rules

    real = rules.extract.extract_text

    def explode(text, *, filename, **kw):
        if str(filename).endswith("todo.md"):
            raise RuntimeError("extractor bug")
        return real(text, filename=filename, **kw)

    monkeypatch.setattr(rules.extract, "extract_text", explode)
    (folder / "Acme Corp" / "aaa.md").write_text("- [ ] Before the failure\n")
    agent = await make_agent(store, folder)
    row = await runner.run(agent, "manual")
    assert row["status"] == "error" and "extractor bug" in row["errors"][0]
    assert await titles(store, "tasks") == ["Before the failure"]
    calls = await journal.calls_for_run(store, row["id"])
    assert not [c for c in calls if c["args"].get("path", "").endswith("todo.md")]


async def test_same_agent_never_runs_twice_at_once(store, catalog, hub, folder):
    """A second run of a running agent is refused as busy."""
    from agents.errors import AgentBusy, ErrorType

    gate, release = asyncio.Event(), asyncio.Event()

    class Held(RulesEngine):
        async def run(self, ctx):
            gate.set()
            await release.wait()
            await super().run(ctx)

    runner = Runner(store=store, catalog=catalog, events=hub, engines={"rules": Held()})
    agent = await make_agent(store, folder)
    first = asyncio.create_task(runner.run(agent, "manual"))
    await gate.wait()
    with pytest.raises(AgentBusy) as info:
        await runner.run(agent, "schedule")
    assert info.value.error_type == ErrorType.BUSY
    release.set()
    assert (await first)["status"] == "success"


async def test_crashed_run_is_marked_interrupted_at_next_start(store, runner, folder):
    """A run left 'running' by a crash is closed as interrupted when the companion starts again."""
    agent = await make_agent(store, folder)
    await store.execute(
        "INSERT INTO agent_runs (id, agent_id, agent_name, trigger, engine, status, started_at) "
        "VALUES ('r1', ?, 'Clients', 'schedule', 'rules', 'running', '2026-11-20T09:00:00.000Z')",
        (agent.id,),
    )
    assert await runner.mark_interrupted() == 1
    row = await store.fetchone("SELECT status, finished_at, errors FROM agent_runs WHERE id = 'r1'")
    assert row["status"] == "interrupted" and row["finished_at"] and "stopped before" in row["errors"]
