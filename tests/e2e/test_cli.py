"""The command line: agent management, runs, and the headless service as a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.cli import main

REPO = Path(__file__).resolve().parents[2]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    root = tmp_path / "Clients" / "Acme Corp"
    root.mkdir(parents=True)
    (root / "notes.md").write_text("# Notes\n\nSome prose.\n\n- [ ] Send the quote\n")
    return tmp_path / "Clients"


def test_agent_add_list_edit_remove_json(capsys, data_dir, clients):
    """agent add/list/edit/remove work and speak JSON with --json."""
    d = ["--data-dir", str(data_dir)]
    code, out, _ = cli(capsys, "agent", "add", "Client work", "--folder", str(clients), "--cron", "0 9 * * 1-5",
                       "--ext", ".md", "--json", *d)
    assert code == 0 and json.loads(out)["schedule_cron"] == "0 9 * * 1-5"
    code, out, _ = cli(capsys, "agent", "list", "--json", *d)
    [agent] = json.loads(out)
    assert agent["name"] == "Client work" and agent["file_extensions"] == [".md"] and agent["engine"] == "rules"
    code, out, _ = cli(capsys, "agent", "edit", "client work", "--cron", "", "--disable", "--json", *d)
    assert code == 0 and json.loads(out)["schedule_cron"] is None and json.loads(out)["enabled"] is False
    code, out, _ = cli(capsys, "agent", "remove", "Client work", *d)
    assert code == 0 and "Removed" in out
    assert json.loads(cli(capsys, "agent", "list", "--json", *d)[1]) == []


def test_invalid_agent_input_names_the_field_and_saves_nothing(capsys, data_dir, clients, tmp_path):
    """A bad cron or a missing folder is refused naming the option to fix, in plain words; nothing is stored."""
    d = ["--data-dir", str(data_dir)]
    code, _, err = cli(capsys, "agent", "add", "A", "--folder", str(clients), "--cron", "61 * * * *", *d)
    assert code == 2 and err.startswith("error: --cron: The minute field '61' is not valid")
    code, _, err = cli(capsys, "agent", "add", "A", "--folder", str(tmp_path / "nope"), *d)
    assert code == 2 and err.startswith("error: --folder: ") and "is not an existing folder." in err
    assert json.loads(cli(capsys, "agent", "list", "--json", *d)[1]) == []


def test_agent_run_in_the_foreground_then_runs(capsys, data_dir, clients):
    """With no companion running, agent run works here with progress lines and a summary."""
    d = ["--data-dir", str(data_dir)]
    cli(capsys, "agent", "add", "Client work", "--folder", str(clients), *d)
    code, out, _ = cli(capsys, "agent", "run", "Client work", *d)
    assert code == 0
    assert "[1/1]" in out and "notes.md" in out and out.strip().splitlines()[-1].startswith("success: 1 files")
    code, out, _ = cli(capsys, "runs", "--agent", "Client work", "--json", *d)
    [run] = json.loads(out)
    assert run["status"] == "success" and run["trigger"] == "manual" and run["items_created"] >= 2


def _spawn(args: list[str], env_extra: dict[str, str] | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(env_extra or {})
    return subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", *args], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for(predicate, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_headless_service_takes_agent_run_and_stops_cleanly(data_dir, clients):
    """agent run asks the running headless companion and returns; SIGTERM ends it with exit 0."""
    d = ["--data-dir", str(data_dir)]
    subprocess.run([sys.executable, "-m", "desktop.cli", "agent", "add", "Client work", "--folder", str(clients),
                    *d], cwd=REPO, check=True, capture_output=True)
    service = _spawn(["--headless", *d])
    try:
        _wait_for(lambda: (data_dir / "control.sock").exists())
        asked = subprocess.run([sys.executable, "-m", "desktop.cli", "agent", "run", "Client work", "--json", *d],
                               cwd=REPO, capture_output=True, text=True, timeout=30)
        assert asked.returncode == 0, asked.stderr
        assert json.loads(asked.stdout)["started"] is True

        def finished() -> bool:
            out = subprocess.run([sys.executable, "-m", "desktop.cli", "runs", "--json", *d], cwd=REPO,
                                 capture_output=True, text=True).stdout
            return bool(out.strip()) and any(r["status"] == "success" for r in json.loads(out))

        _wait_for(finished)
    finally:
        service.send_signal(signal.SIGTERM)
        _out, err = service.communicate(timeout=20)
    assert service.returncode == 0, err
    assert "Traceback" not in err and not (data_dir / "control.sock").exists()


def test_no_display_starts_the_headless_service_without_a_traceback(data_dir):
    """Without a display the app says so and runs headless; SIGTERM exits 0."""
    app = _spawn(["--data-dir", str(data_dir)])
    try:
        _wait_for(lambda: (data_dir / "control.sock").exists())
    finally:
        app.send_signal(signal.SIGTERM)
        out, err = app.communicate(timeout=20)
    assert app.returncode == 0
    assert "No display found" in err and "No agents yet" in err and "Traceback" not in err + out


def _cli_process(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return subprocess.run([sys.executable, "-m", "desktop.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def test_agent_add_ignore_then_a_foreground_run_skips_the_ignored_file(data_dir, clients):
    """agent add --ignore stores the patterns; agent run (its own process) skips the file and runs says why."""
    d = ["--data-dir", str(data_dir)]
    drafts = clients / "Acme Corp" / "drafts"
    drafts.mkdir()
    (drafts / "secret.md").write_text("- [ ] Do not read me\n")
    bad = _cli_process("agent", "add", "Client work", "--folder", str(clients), "--ignore", "!", *d)
    assert bad.returncode == 2 and bad.stderr.startswith("error: --ignore: “!” is not a pattern")
    done = _cli_process("agent", "add", "Client work", "--folder", str(clients), "--ignore", "drafts/",
                        "--ignore", "*.bak", *d)
    assert done.returncode == 0, done.stderr
    listed = _cli_process("agent", "list", *d)
    assert "  ignores: drafts/, *.bak" in listed.stdout
    run = _cli_process("agent", "run", "Client work", *d)
    assert run.returncode == 0, run.stderr
    assert "notes.md" in run.stdout and "secret.md" not in run.stdout
    assert "1 skipped: 1 ignored" in run.stdout
    text = _cli_process("runs", *d).stdout
    assert "skipped=1" in text and "1 skipped: 1 ignored" in text
    [row] = json.loads(_cli_process("runs", "--json", *d).stdout)
    assert row["skipped_by_reason"] == {"ignored": 1}
    assert row["details"]["skipped"] == [{"path": str((drafts / "secret.md").resolve()), "reason": "ignored"}]
    cleared = _cli_process("agent", "edit", "Client work", "--ignore", "", "--json", *d)
    assert cleared.returncode == 0 and json.loads(cleared.stdout)["ignore_patterns"] == []


def test_version(capsys):
    """--version prints the app version."""
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and "adiuva-companion 0.1.0" in capsys.readouterr().out


def test_progress_on_a_terminal_is_one_line_redrawn_not_a_line_per_file():
    """agent run in the foreground on a terminal: one bar redrawn in place, a newline only at the end."""
    import io

    from desktop.agent_cli import ProgressLine

    out = io.StringIO()
    bar = ProgressLine(out, width=10)
    for n in range(1, 1001):
        bar.show(n, 1000, f"Acme/file{n}.md")
    bar.close()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.count("\r") < 20  # redrawn at most ten times a second, and once at the end
    assert text.rstrip("\n").rsplit("\r\x1b[K", 1)[1] == "[##########] 1,000/1,000 files  Acme/file1000.md"
