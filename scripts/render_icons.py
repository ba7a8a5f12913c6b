"""Render ``resources/icons/*.svg`` into the PNGs the app loads: ``resources/icons/png/<name>-<size>.png``.

    .venv/bin/python scripts/render_icons.py

The SVGs stay the source (and the start-at-login entry's ``Icon=``); the app
builds its QIcons from these renderings so that Qt's SVG icon engine (libQt6Svg
and its plugin, ~1.5 MB resident) is not loaded at start-up. Run this after
changing an SVG; ``tests/desktop/test_footprint.py`` fails while a PNG no
longer matches its SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
ICONS = REPO / "resources" / "icons"
OUT = ICONS / "png"

# The sizes Qt is asked for: window and task-bar icons, the welcome page's 88 px logo (from 128),
# tray icons at 16-24 px and their 2x renderings.
APP_SIZES = (16, 24, 32, 48, 64, 128, 256)
TRAY_SIZES = (16, 22, 24, 32, 48, 64)


def sizes(name: str) -> tuple[int, ...]:
    return APP_SIZES if name == "app" else TRAY_SIZES


def render(svg: Path, size: int):  # -> QImage
    """The SVG drawn antialiased on a transparent ``size`` × ``size`` image."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    for svg in sorted(ICONS.glob("*.svg")):
        for size in sizes(svg.stem):
            path = OUT / f"{svg.stem}-{size}.png"
            if not render(svg, size).save(str(path)):
                raise OSError(f"cannot write {path}")
            print(path.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
