"""Render every view of the app with sample data into ``docs/screenshots/<view>.png`` (offscreen).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--palette light|dark|both]

Fusion style with an explicit palette (offscreen has no desktop theme): light
writes ``<view>.png``, dark ``<view>-dark.png``; ``both`` (the default) renders
each view in both.

A temporary data dir, a reference gateway on port 0 so the connection view
shows a live connection, and a ``rules`` agent run over
``resources/sample-workspace``; some suggestions are approved so both the
Review and the Workspace tabs have content. Nothing outside the temporary
dir is touched (the keyring is the null backend).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import keyring  # noqa: E402
import keyring.backends.null  # noqa: E402
from pydantic import SecretStr  # noqa: E402

VIEWS = ("welcome", "agents", "runs", "review", "workspace", "connection")
SIZE = (1000, 680)
TOKEN = "screenshot-token"


async def _settle(app) -> None:
    """Let operations finish and Qt paint. Under qasync the loop *is* Qt's: never processEvents() here."""
    from desktop.ui import operations

    for _ in range(4):
        await operations.drain(timeout=30)
        await asyncio.sleep(0.05)


def _save(widget, path: Path) -> None:
    pixmap = widget.grab()
    if not pixmap.save(str(path)):
        raise RuntimeError(f"could not write {path}")
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path} "
          f"({pixmap.width()}x{pixmap.height()})")


async def render(app, out: Path, data_dir: Path, suffix: str = "") -> None:
    from agents.resources import resource_path
    from agents.store import DB_FILENAME, Store
    from bridge.gateway import DeviceGateway
    from bridge.scripted import scripted_run
    from desktop.companion import Companion
    from desktop.ui.main_window import MainWindow
    from desktop.ui.signals import CoreSignals
    from desktop.ui.status import AppStatus
    from desktop.ui.tray import Tray

    gateway = DeviceGateway(tokens={TOKEN: "local"}, run_handler=scripted_run)
    await gateway.start()
    # The scheduler starts paused (no run before the sample agents exist) and resumes after the sample runs.
    store = await Store.open(data_dir / DB_FILENAME)
    await store.set_setting("schedule_paused", True)
    await store.close()
    companion = Companion(data_dir=data_dir, backend_url=gateway.url, token_provider=lambda: SecretStr(TOKEN),
                          scheduler=True, control=False)
    await companion.start()
    try:
        await companion.store.set_setting("device_name", "Studio laptop")
        await gateway.wait_online(timeout=10)
        signals = CoreSignals(companion.events)
        status = AppStatus(companion, signals)
        await status.load()
        window = MainWindow(companion=companion, signals=signals, status=status)
        tray = Tray(companion=companion, status=status, window=window, on_quit=lambda: None)
        window.resize(*SIZE)
        window.show()
        await _settle(app)
        _save(window, out / f"welcome{suffix}.png")

        samples = resource_path("sample-workspace")
        agent = await companion.save_agent({
            "name": "Client work", "directory_paths": [str(samples)], "file_extensions": [".md", ".txt"],
            "schedule_cron": "0 9 * * 1-5", "engine": "rules",
        })
        await companion.save_agent({
            "name": "Bluebird Studio", "directory_paths": [str(samples / "Bluebird Studio")],
            "schedule_cron": "30 8 * * 1", "engine": "llm",
            "prompt_template": "Focus on deadlines the client mentions.",
        })
        await companion.run_agent("Bluebird Studio")  # fails: no model configured; shows an error row
        await companion.run_agent(agent.id)
        await companion.set_schedule_paused(False)  # the status reads it from the companion, its one owner
        await _settle(app)

        # approve the projects and a few tasks so the Workspace has approved records too
        await companion.review.approve_all("projects")
        tasks = await companion.store.fetchall(
            "SELECT id FROM tasks WHERE is_approved = 0 AND rejected_at IS NULL ORDER BY created_at LIMIT 3"
        )
        for row in tasks:
            await companion.review.approve("tasks", row["id"])
        await _settle(app)

        window.agents_view.list.setCurrentRow(next(
            i for i in range(window.agents_view.list.count())
            if window.agents_view.list.item(i).text().startswith("Client work")
        ))
        for name in VIEWS[1:]:
            window.show_tab(name)
            if name == "runs":
                window.runs_view.table.selectRow(0)
            if name == "workspace":
                view = window.workspace_view
                model = view.projects_model
                acme = next((i for i, row in enumerate(model.rows) if row["name"] == "Acme Corp"), 0)
                view.select_project_row(acme)
            await _settle(app)
            _save(window, out / f"{name}{suffix}.png")

        tray.menu.adjustSize()
        tray.menu.show()
        await _settle(app)
        _save(tray.menu, out / f"tray-menu{suffix}.png")
        tray.menu.hide()
        window.hide()
        signals.close()
    finally:
        await companion.stop()
        await gateway.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--palette", choices=("light", "dark", "both"), default="both")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    keyring.set_keyring(keyring.backends.null.Keyring())

    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["adiuva-companion-screenshots"])
    from desktop.ui.app import _configure
    from desktop.ui.tones import use_palette

    _configure(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    palettes = ("light", "dark") if args.palette == "both" else (args.palette,)
    with tempfile.TemporaryDirectory(prefix="adiuva-shots-") as tmp, loop:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        for palette in palettes:
            use_palette(app, palette)
            data = Path(tmp) / f"data-{palette}"
            data.mkdir()
            loop.run_until_complete(render(app, out, data, "-dark" if palette == "dark" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
