"""Live and honest views (issue 14 item 8): other processes' writes reach the window, the status bar
forgets a removed agent's next run, and a live run's duration counts up."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

from agents import events as ev
from agents.watch import ChangeWatcher
from desktop.ui.main_window import MainWindow
from tests.desktop.conftest import settle, until

INSERT = """
import sqlite3, sys, uuid
conn = sqlite3.connect(sys.argv[1])
conn.execute("INSERT INTO tasks (id, title, created_at, updated_at) VALUES (?, ?, '2026-01-01T00:00:00.000Z', "
             "'2026-01-01T00:00:00.000Z')", (str(uuid.uuid4()), sys.argv[2]))
conn.commit()
"""


def _write_elsewhere(path, title: str) -> None:
    subprocess.run([sys.executable, "-c", INSERT, str(path), title], check=True, timeout=30)


async def test_a_task_another_process_adds_shows_in_the_workspace(qtbot, companion, ui):
    """A commit by another process (its own connection) reaches the shown Workspace through the watcher."""
    signals, status = ui
    await companion.save_agent({"name": "Docs", "directory_paths": ["/tmp"], "engine": "rules"})
    watcher = ChangeWatcher(companion.store.path, companion.events)
    watcher.start()
    try:
        window = MainWindow(companion=companion, signals=signals, status=status)
        qtbot.addWidget(window)
        window.watch_with(watcher)
        window.show()
        window.show_tab("workspace")
        await settle()
        assert watcher.visible and watcher.current_interval == 1.0
        model = window.workspace_view.models["tasks"]
        assert model.rows == []
        _write_elsewhere(companion.store.path, "Written by the CLI")
        await until(lambda: [r["title"] for r in model.rows] == ["Written by the CLI"], timeout=15,
                    what="the other process's task in the Workspace")
        assert watcher.changes == 1

        window.hide()  # hidden: polls slowly (wake-up budget)
        assert not watcher.visible and watcher.current_interval == 5.0
    finally:
        await watcher.stop()


async def test_the_watcher_does_not_announce_this_process_own_writes(companion):
    """Own writes come with their own events: the watcher stays quiet; a foreign commit is announced once."""
    seen: list[str] = []
    companion.events.subscribe(lambda e: getattr(e, "tool", None) == "watch" and seen.append(e.name))
    watcher = ChangeWatcher(companion.store.path, companion.events)
    watcher.start()
    try:
        await companion.invoke_tool("create_task", {"title": "Mine"})
        assert not watcher.check()
        assert not watcher.check()
        _write_elsewhere(companion.store.path, "Theirs")
        assert watcher.check()
        assert not watcher.check()
        assert seen == ["record_did_change"]
    finally:
        await watcher.stop()


async def test_a_removed_agents_next_run_leaves_the_status_bar(qtbot, companion, ui):
    """The status bar names the next run's agent; once that agent is removed it shows no next run for it."""
    signals, status = ui
    agent = await companion.save_agent({"name": "Weekly", "directory_paths": ["/tmp"], "engine": "rules",
                                        "schedule_cron": "0 9 * * 1"})
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    await settle()
    at = (datetime.now().astimezone() + timedelta(days=2)).isoformat()
    companion.events.emit(ev.SchedulerDidChange(paused=False, next_run_at=at, agent_id=agent.id))
    await until(lambda: "(Weekly)" in window.next_label.text(), what="the next run")
    await companion.remove_agent(agent.id)
    await until(lambda: window.next_label.text() == "No run scheduled", what="the removed agent's run to go")


async def test_a_live_runs_duration_counts_up_and_its_clock_stops_after(qtbot, companion, ui):
    """While a run is live the status bar shows its elapsed time, ticking; progress shows the counts."""
    signals, status = ui
    await companion.save_agent({"name": "Docs", "directory_paths": ["/tmp"], "engine": "rules"})
    window = MainWindow(companion=companion, signals=signals, status=status)
    qtbot.addWidget(window)
    window.show()
    await settle()
    assert not status._clock.isActive()  # idle: no timer wakes the app
    companion.events.emit(ev.RunDidStart(run_id="r1", agent_id="a1", agent_name="Docs", trigger="manual",
                                         engine="rules"))
    await until(lambda: window.activity_label.text().startswith("Running Docs"), what="the run")
    assert status._clock.isActive()
    status.running["r1"].started -= timedelta(seconds=65)
    for n in range(1, 40):
        companion.events.emit(ev.RunDidProgress(run_id="r1", agent_id="a1", phase="scan", file=f"f{n}",
                                                 processed=n, total=120))
    await until(lambda: window.activity_label.text() == "Running Docs 39/120 files · 1:05"
                or window.activity_label.text() == "Running Docs 39/120 files · 1:06", timeout=5,
                what="the counts and the elapsed time")
    await until(lambda: "· 1:06" in window.activity_label.text() or "· 1:07" in window.activity_label.text(),
                timeout=5, what="the clock to tick without events")
    companion.events.emit(ev.RunDidFinish(run_id="r1", agent_id="a1", agent_name="Docs", status="success",
                          processed=120, created=0, updated=0))
    await until(lambda: not status._clock.isActive(), what="the clock to stop")
    assert window.activity_label.text().startswith("Docs: 120 files")


async def test_a_burst_of_progress_events_redraws_the_status_once_not_per_event(qtbot, companion, ui):
    """Thousands of progress events a second update the state at once but emit ``changed`` throttled."""
    _signals, status = ui
    companion.events.emit(ev.RunDidStart(run_id="r2", agent_id="a1", agent_name="Docs", trigger="manual",
                                         engine="rules"))
    await settle()
    changes: list[int] = []
    status.changed.connect(lambda: changes.append(1))
    for n in range(1, 501):
        companion.events.emit(ev.RunDidProgress(run_id="r2", agent_id="a1", phase="scan", file=f"f{n}",
                                                 processed=n, total=500))
    assert changes == [] and status.running["r2"].processed == 500  # state current, no redraw per event
    await until(lambda: changes, what="the throttled redraw")
    assert len(changes) <= 2
    companion.events.emit(ev.RunDidFinish(run_id="r2", agent_id="a1", agent_name="Docs", status="success",
                          processed=500, created=0, updated=0))
    await settle()
