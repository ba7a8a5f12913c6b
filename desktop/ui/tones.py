"""Status colours that mean something and stay readable in light and dark palettes.

``ok`` (green: connected, saved, passed), ``warn`` (amber: a warning, a
partial result, connecting), ``error`` (red: only for errors) and ``muted``
(the palette's placeholder text). Each has a light-palette and a
dark-palette shade; which one is used follows the widget's (or the app's)
current palette, read when the colour is applied. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

TONES = ("ok", "warn", "error", "muted")
# (on a light background, on a dark background): WCAG AA contrast against white / #202020
_SHADES = {
    "ok": ("#15803d", "#4ade80"),
    "warn": ("#b45309", "#fbbf24"),
    "error": ("#c62828", "#f87171"),
}


def is_dark(widget: QWidget | None = None) -> bool:
    """The palette's window colour is dark (a dark theme)."""
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def color(tone: str, widget: QWidget | None = None) -> str:
    """The ``#rrggbb`` of ``tone`` for ``widget``'s palette."""
    if tone == "muted":
        palette = widget.palette() if widget is not None else QApplication.palette()
        return palette.color(QPalette.ColorRole.PlaceholderText).name()
    light, dark = _SHADES.get(tone, _SHADES["error"])
    return dark if is_dark(widget) else light


def apply(widget: QWidget, tone: str | None, *, extra: str = "") -> None:
    """Colour ``widget``'s text with ``tone`` (``None``: the palette's normal text colour)."""
    widget.setProperty("tone", tone or "")
    style = f"color: {color(tone, widget)};" if tone else ""
    widget.setStyleSheet(style + extra)
