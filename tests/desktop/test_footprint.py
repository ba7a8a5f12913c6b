"""What the GUI process holds at idle (issue 5): the checks behind docs/PERFORMANCE.md's "Footprint".

Each runs in a fresh interpreter, since what matters is what a real start-up
imports and keeps.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GATEWAY_TOKEN

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


# The real GUI start-up (run_gui), reporting what it imported once the core has started and the
# window is filled. With "quit" it then quits; otherwise it stays up until SIGTERM.
AFTER_START = """
import sys
from desktop.ui import app

started = app.Gui._start

async def start_then_report(self):
    code = await started(self)
    names = ("websockets", "bridge.client", "bridge.protocol", "bridge.dispatcher", "agents.rules", "croniter")
    print("loaded", ",".join(n for n in names if n in sys.modules) or "-", flush=True)
    print("state", *self.companion.connection_state(), flush=True)
    if sys.argv[2] == "quit":
        self.request_quit()
    return code

app.Gui._start = start_then_report
sys.exit(app.run_gui(data_dir=sys.argv[1], backend_url=None))
"""


def _app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADIUVA_", "PYTEST"))}
    env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"), PYTHONPATH=str(REPO),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", **extra)
    return env


async def _report(proc: asyncio.subprocess.Process) -> dict[str, str]:
    assert proc.stdout is not None
    lines: dict[str, str] = {}
    while len(lines) < 2:
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        if not line:
            _out, err = await proc.communicate()
            raise AssertionError(f"the app ended early ({proc.returncode}):\n{err.decode()[-2000:]}")
        key, _, value = line.strip().partition(" ")
        lines[key] = value
    return lines


async def test_without_a_backend_url_the_app_starts_without_the_websocket_stack(tmp_path: Path):
    """No URL configured: websockets, the protocol models and the client are not imported; the state says why.

    Nor are the rules engine (imported on the first run) and croniter (on the first schedule read).
    """
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", AFTER_START, str(tmp_path / "data"), "quit", cwd=REPO, env=_app_env(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    report = await _report(proc)
    _out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert report["loaded"] == "-"
    assert report["state"] == "disabled no backend URL is configured"


@pytest.mark.parametrize("where", ["environment", "stored setting"])
async def test_with_a_backend_url_the_bridge_connects_at_start(tmp_path: Path, gateway, where: str):
    """ADIUVA_BACKEND_URL or the stored setting: the client is created at start and says hello to the backend."""
    data_dir = tmp_path / "data"
    extra = {"ADIUVA_DEVICE_TOKEN": GATEWAY_TOKEN}
    if where == "environment":
        extra["ADIUVA_BACKEND_URL"] = gateway.url
    else:
        from desktop.cli import _save_setting

        data_dir.mkdir()
        await _save_setting(data_dir, "backend_url", gateway.url)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", AFTER_START, str(data_dir), "stay", cwd=REPO, env=_app_env(tmp_path, **extra),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        report = await _report(proc)
        assert set(report["loaded"].split(",")) == {"websockets", "bridge.client", "bridge.protocol",
                                                    "bridge.dispatcher"}
        await gateway.wait_online(timeout=30)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()[-2000:]


ICONS = REPO / "resources" / "icons"

ICONS_WITHOUT_SVG_ENGINE = """
import sys
from pathlib import Path
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication
from desktop.ui.widgets import icon
app = QApplication([])
for svg in sorted(Path(sys.argv[1]).glob("*.svg")):
    made = icon(svg.stem)
    sizes = sorted(s.width() for s in made.availableSizes())
    small, large = made.pixmap(QSize(22, 22)), made.pixmap(QSize(88, 88))
    print(svg.stem, sizes[0], sizes[-1], small.width(), large.width(), small.toImage().pixelColor(11, 11).alpha() > 0)
maps = Path("/proc/self/maps").read_text()
print("svg-engine", "libqsvgicon" in maps or "libQt6Svg" in maps)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_icons_come_from_png_renderings_without_loading_the_svg_engine():
    """Every icon has its PNG sizes and draws at tray and logo sizes; Qt's SVG icon engine stays unloaded."""
    done = _python(ICONS_WITHOUT_SVG_ENGINE, str(ICONS))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "svg-engine False"
    names = sorted(p.stem for p in ICONS.glob("*.svg"))
    assert [line.split()[0] for line in lines[:-1]] == names
    for line in lines[:-1]:
        name, smallest, largest, small, large, opaque_middle = line.split()
        assert largest == ("256" if name == "app" else "64"), line
        assert (smallest, small, large, opaque_middle) == ("16", "22", str(min(88, int(largest))), "True"), line


def test_the_png_renderings_match_their_svgs(qapp):
    """resources/icons/png is what scripts/render_icons.py makes of the SVGs now (re-run it after editing one)."""
    from PySide6.QtGui import QImage

    spec = importlib.util.spec_from_file_location("render_icons", REPO / "scripts" / "render_icons.py")
    assert spec is not None and spec.loader is not None
    render_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_icons)
    expected = {f"{svg.stem}-{size}.png" for svg in ICONS.glob("*.svg") for size in render_icons.sizes(svg.stem)}
    assert {p.name for p in (ICONS / "png").glob("*.png")} == expected
    for svg in sorted(ICONS.glob("*.svg")):
        for size in render_icons.sizes(svg.stem):
            want = render_icons.render(svg, size)
            have = QImage(str(ICONS / "png" / f"{svg.stem}-{size}.png")).convertToFormat(want.format())
            assert have.size() == want.size(), (svg.name, size)
            off = sum(
                1 for y in range(size) for x in range(size)
                if max(abs(a - b) for a, b in zip(have.pixelColor(x, y).getRgb(), want.pixelColor(x, y).getRgb(),
                                                  strict=True)) > 24
            )
            assert off <= size * size // 100, f"{svg.stem}-{size}.png is stale: run scripts/render_icons.py"
