"""The CLI prints run times in local time with the zone, and field errors in plain words."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from desktop.cli import main


@pytest.fixture
def new_york(monkeypatch):
    if not hasattr(time, "tzset"):
        pytest.skip("no tzset here")
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield ZoneInfo("America/New_York")
    monkeypatch.undo()
    time.tzset()


def test_runs_and_agent_list_print_local_times(capsys, tmp_path: Path, workfolder: Path, new_york):
    """`runs` and `agent list` show the run's start in New York time with its zone, not UTC."""
    d = ["--data-dir", str(tmp_path / "data")]
    assert main(["agent", "add", "Client work", "--folder", str(workfolder), *d]) == 0
    assert main(["agent", "run", "Client work", *d]) == 0
    capsys.readouterr()
    assert main(["runs", "--json", *d]) == 0
    started = json.loads(capsys.readouterr().out)[0]["started_at"]
    local = datetime.fromisoformat(started.replace("Z", "+00:00")).astimezone(new_york)
    assert main(["runs", *d]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith(local.strftime("%Y-%m-%d %H:%M:%S ") + local.tzname())
    assert local.tzname() in ("EST", "EDT")
    assert main(["agent", "list", *d]) == 0
    listed = capsys.readouterr().out
    assert f"last run {local.strftime('%Y-%m-%d %H:%M')} {local.tzname()}" in listed


def test_cli_field_errors_are_plain_sentences(capsys, tmp_path: Path):
    """`agent add` without a folder says "Pick at least one folder.", not pydantic's wording."""
    assert main(["agent", "add", "Client work", "--data-dir", str(tmp_path / "data")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: --folder: Pick at least one folder."
