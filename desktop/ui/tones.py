"""Status colours that mean something and stay readable in light and dark palettes.

``ok`` (green: connected, saved, passed), ``warn`` (amber: a warning, a
partial result, connecting), ``error`` (red: only for errors, and overdue
dates), ``info`` (blue: running, pending) and ``muted`` (the palette's
placeholder text). ``inverse`` gives a toast's background and text (dark on a
light palette, light on a dark one). Each has a light-palette and a
dark-palette shade; which one is used follows the widget's (or the app's)
current palette, read when the colour is applied. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

TONES = ("ok", "warn", "error", "info", "muted")
# (on a light background, on a dark background): WCAG AA contrast against white / #202020
_SHADES = {
    "ok": ("#15803d", "#4ade80"),
    "warn": ("#b45309", "#fbbf24"),
    "error": ("#c62828", "#f87171"),
    "info": ("#1d4ed8", "#93c5fd"),
}
_INVERSE = (("#1f2937", "#ffffff"), ("#e5e7eb", "#111827"))  # (background, text) on light / dark palettes


def is_dark(widget: QWidget | None = None) -> bool:
    """The palette's window colour is dark (a dark theme)."""
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def color(tone: str, widget: QWidget | None = None) -> str:
    """The ``#rrggbb`` of ``tone`` for ``widget``'s palette."""
    if tone == "muted":  # the parent's: a widget's own placeholder colour follows its style sheet's colour
        parent = widget.parentWidget() if widget is not None else None
        palette = parent.palette() if parent is not None else QApplication.palette()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        if muted.alpha() < 255:  # Fusion's is the text colour at half alpha: blend it over the window
            back, a = palette.color(QPalette.ColorRole.Window), muted.alphaF()
            muted = QColor.fromRgbF(*(a * m + (1 - a) * b for m, b in (
                (muted.redF(), back.redF()), (muted.greenF(), back.greenF()), (muted.blueF(), back.blueF()))))
        return muted.name()
    light, dark = _SHADES.get(tone, _SHADES["error"])
    return dark if is_dark(widget) else light


def apply(widget: QWidget, tone: str | None, *, extra: str = "") -> None:
    """Colour ``widget``'s text with ``tone`` (``None``: the palette's normal text colour)."""
    widget.setProperty("tone", tone or "")
    style = (f"color: {color(tone, widget)};" if tone else "") + extra
    if widget.styleSheet() != style:  # a style sheet change is a palette change: re-applying must settle
        widget.setStyleSheet(style)


def qcolor(tone: str, widget: QWidget | None = None) -> QColor:
    """``color`` as a ``QColor`` (item models' ``ForegroundRole``)."""
    return QColor(color(tone, widget))


def inverse(widget: QWidget | None = None) -> tuple[str, str]:
    """A toast's (background, text) for ``widget``'s palette: the opposite of the window's."""
    return _INVERSE[1] if is_dark(widget) else _INVERSE[0]


def dark_palette() -> QPalette:
    """A dark palette (for Fusion): what a dark desktop theme gives, set explicitly where none is (offscreen)."""
    p = QPalette()
    roles = QPalette.ColorRole
    base, window, text, mid = QColor("#1e1f22"), QColor("#2b2d30"), QColor("#e6e6e6"), QColor("#3c3f41")
    for role, colour in ((roles.Window, window), (roles.WindowText, text), (roles.Base, base),
                         (roles.AlternateBase, QColor("#26282b")), (roles.ToolTipBase, mid), (roles.ToolTipText, text),
                         (roles.Text, text), (roles.Button, mid), (roles.ButtonText, text),
                         (roles.BrightText, QColor("#ffffff")), (roles.Link, QColor("#8ab4f8")),
                         (roles.Highlight, QColor("#2f65ca")), (roles.HighlightedText, QColor("#ffffff")),
                         (roles.PlaceholderText, QColor("#9aa0a6")), (roles.Light, QColor("#4a4d50")),
                         (roles.Midlight, QColor("#404346")), (roles.Mid, QColor("#303234")),
                         (roles.Dark, QColor("#1a1b1d")), (roles.Shadow, QColor("#000000"))):
        p.setColor(role, colour)
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.ButtonText, roles.WindowText):
        p.setColor(disabled, role, QColor("#6f737a"))
    return p


def use_palette(app: QApplication, which: str) -> None:
    """Fusion with a ``"light"`` or ``"dark"`` palette (the screenshot script; ``"system"`` keeps the desktop's)."""
    app.setStyle("Fusion")
    if which == "dark":
        app.setPalette(dark_palette())
    elif which == "light":
        app.setPalette(app.style().standardPalette())
