"""What the GUI process holds at idle (issue 5): the checks behind docs/PERFORMANCE.md's "Footprint".

Each runs in a fresh interpreter, since what matters is what a real start-up
imports and keeps.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str, cwd: Path = REPO, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ADIUVA_", "PYTEST"))}
    base.update(QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


SOURCE_CACHING = """
import linecache, sys
import PySide6.QtCore
from desktop.ui import memory
print("hook", memory.stop_source_caching())
import footprint_uses_qt, footprint_plain, wave
feature = sys.modules["shibokensupport.feature"]
print("kinds", feature.pyside_feature_dict["footprint_uses_qt"], feature.pyside_feature_dict["footprint_plain"])
print("cached", sorted(f.rsplit("/", 1)[-1] for f in linecache.cache if f.endswith(
    ("footprint_uses_qt.py", "footprint_plain.py", "wave.py"))))
"""


def test_modules_imported_after_pyside6_are_not_kept_in_linecache(tmp_path: Path):
    """PySide6's import hook still sorts modules by whether they use PySide6, but their source is not kept."""
    (tmp_path / "footprint_uses_qt.py").write_text("import PySide6  # uses Qt\n")
    (tmp_path / "footprint_plain.py").write_text("VALUE = 1\n")
    done = _python(SOURCE_CACHING, cwd=tmp_path, env={"PYTHONPATH": f"{REPO}{os.pathsep}{tmp_path}"})
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert lines["hook"] == "True"
    assert lines["kinds"] == "0 -1"  # 0 = uses PySide6 (feature switching applies), -1 = ignored, as before
    assert lines["cached"] == "[]"
