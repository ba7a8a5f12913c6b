"""Layering: agents and bridge (and the CLI's non-GUI paths) never import Qt."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BLOCK_QT = """
import importlib.abc, sys
class BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "PySide6" or name.startswith(("PySide6.", "shiboken6", "qasync")):
            raise ImportError(f"{name} is blocked in this test")
sys.meta_path.insert(0, BlockQt())
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)


def test_agents_and_bridge_import_without_pyside6():
    """import agents, bridge (every module) works with PySide6 blocked and leaves it out of sys.modules."""
    modules = [
        "agents", "bridge", "agents.store", "agents.tools.catalog", "agents.journal", "agents.runner",
        "agents.rules", "agents.llm", "agents.remote", "agents.scheduler", "agents.review", "agents.config",
        "bridge.protocol", "bridge.dispatcher", "bridge.client", "bridge.gateway", "bridge.credentials",
        "bridge.scripted",
    ]
    code = BLOCK_QT + "\n".join(f"import {m}" for m in modules) + (
        "\nassert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'qasync'))]\nprint('ok')"
    )
    done = _run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_plain_import_leaves_pyside6_out():
    """python -c 'import agents, bridge' does not load PySide6 even when it is installed."""
    done = _run("import agents, bridge, sys; print(any(m.startswith('PySide6') for m in sys.modules))")
    assert done.returncode == 0 and done.stdout.strip() == "False"


def test_headless_cli_paths_do_not_need_qt():
    """The companion core and the CLI commands other than the GUI import with Qt blocked."""
    code = BLOCK_QT + "import desktop.companion, desktop.cli, desktop.agent_cli, desktop.doctor, desktop.control\n"
    code += "import desktop.gateway_cli\nprint('ok')"
    done = _run(code)
    assert done.returncode == 0, done.stderr
