"""make demo: the reference gateway drives one backend run on a fresh companion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_demo_prints_the_created_records_and_exits_zero():
    """scripts/demo.py (what make demo runs) succeeds and lists what the run created."""
    done = subprocess.run([sys.executable, "scripts/demo.py"], cwd=REPO, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "run success: 6 files" in out
    assert "projects (2):" in out and "- Acme Corp" in out and "- Send revised quote  [Acme Corp]" in out
    assert "Traceback" not in done.stderr
