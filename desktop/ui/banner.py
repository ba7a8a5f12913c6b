"""An in-window notification banner, for systems without a tray (or without tray messages).

``attach_banner(window)`` puts a ``NotificationBanner`` above the main
window's central widget (it wraps whatever ``centralWidget()`` is, so the
window's own code does not change) and returns it. ``show_message(title,
text, target, warning)`` has the same arguments as ``Tray.notified``; a new
message replaces the shown one. "Open" emits ``open_requested(target)``,
"Dismiss" hides it. Colours come from the palette (``desktop.ui.tones``), so
it reads in light and dark themes. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QPushButton, QVBoxLayout, QWidget

from desktop.ui import tones


class NotificationBanner(QFrame):
    """A dismissible strip with a title, a sentence and an Open button."""

    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("notificationBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.target = "runs"
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600;")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.open_button = QPushButton("Open")
        self.dismiss_button = QPushButton("Dismiss")
        self.open_button.clicked.connect(self._open)
        self.dismiss_button.clicked.connect(self.hide)
        words = QVBoxLayout()
        words.setSpacing(1)
        words.addWidget(self.title)
        words.addWidget(self.text)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 8, 6)
        row.addLayout(words, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.dismiss_button)
        self.hide()

    def show_message(self, title: str, text: str, target: str = "runs", warning: bool = False) -> None:
        self.target = target
        self.title.setText(title)
        self.text.setText(text)
        tones.apply(self.title, "warn" if warning else None, extra="font-weight: 600;")
        self.show()

    def _open(self) -> None:
        self.hide()
        self.open_requested.emit(self.target)


def attach_banner(window: QMainWindow) -> NotificationBanner:
    """Wrap ``window``'s central widget with a banner on top; idempotent."""
    existing = getattr(window, "notification_banner", None)
    if isinstance(existing, NotificationBanner):
        return existing
    central = window.takeCentralWidget()
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    banner = NotificationBanner(holder)
    layout.addWidget(banner)
    if central is not None:
        layout.addWidget(central, 1)
    window.setCentralWidget(holder)
    window.notification_banner = banner  # type: ignore[attr-defined]
    return banner
