"""Small widgets and helpers the views share (labels, icons, opening files)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from agents.resources import resource_path
from desktop.ui import tones

CONNECTION_TONES = {"connected": "ok", "connecting": "warn", "unauthorized": "error"}
STATUS_TONES = {"success": "ok", "partial": "warn", "error": "error", "interrupted": "error", "cancelled": "muted",
                "running": "info", "pending": "info"}


class _ToneColors(Mapping[str, str]):
    """``{name: "#rrggbb"}`` read from ``tones`` when looked up, so it follows the current palette."""

    def __init__(self, names: dict[str, str]):
        self._names = names

    def __getitem__(self, key: str) -> str:
        return tones.color(self._names[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


CONNECTION_COLORS: Mapping[str, str] = _ToneColors(CONNECTION_TONES)
STATUS_COLORS: Mapping[str, str] = _ToneColors(STATUS_TONES)


@cache
def icon(name: str) -> QIcon:
    """An icon from ``resources/icons`` (``app``, ``tray-running``, ...).

    Built from its PNG renderings, ``icons/png/<name>-<size>.png`` (made from the SVG by
    ``scripts/render_icons.py``; Qt picks and scales the nearest size), so Qt's SVG icon engine is
    not loaded (~1.5 MB resident); the SVG itself when there are none.
    """
    result = QIcon()
    for path in resource_path("icons", "png").glob(f"{name}-*.png"):
        size = path.stem[len(name) + 1:]
        if size.isdigit():
            result.addFile(str(path), QSize(int(size), int(size)))
    return result if not result.isNull() else QIcon(str(resource_path("icons", f"{name}.svg")))


class ToneLabel(QLabel):
    """A label coloured with a ``tones`` tone, re-coloured when the palette changes (light ↔ dark)."""

    tone = "muted"
    extra = ""
    _applying = False

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setWordWrap(True)
        tones.apply(self, self.tone, extra=self.extra)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and not self._applying:
            self._applying = True  # the tone set last (``tones.apply`` may have changed it)
            try:
                tones.apply(self, self.property("tone") or None, extra=self.extra)
            finally:
                self._applying = False
        super().changeEvent(event)


class ErrorLabel(ToneLabel):
    """A red message under a field (the ``error`` tone); hidden while empty."""

    tone = "error"

    def __init__(self, parent: QWidget | None = None):
        super().__init__("", parent)
        self.hide()

    def show_error(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))


class HintLabel(ToneLabel):
    """A muted, wrapping explanation."""

    tone = "muted"


class TitleLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None, *, size: int = 15):
        super().__init__(text, parent)
        self.setStyleSheet(f"font-size: {size}pt; font-weight: 600;")


def stacked(top: QWidget | QHBoxLayout, bottom: QWidget) -> QWidget:
    """``top`` (a widget or a row layout) with ``bottom`` (e.g. its error label) right under it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    if isinstance(top, QWidget):
        layout.addWidget(top)
    else:
        layout.addLayout(top)
    layout.addWidget(bottom)
    return box


def fill_with_split(owner: QWidget, left: QWidget, right: QWidget, sizes: tuple[int, int]) -> QSplitter:
    """Lay ``owner`` out as a list (``left``) beside its detail (``right``), the detail taking the slack."""
    splitter = QSplitter()
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setStretchFactor(1, 1)
    splitter.setSizes(list(sizes))
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(splitter)
    return splitter


class EmptyState(QWidget):
    """A friendly empty list: what is (not) here, what to do next, and an optional action button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = TitleLabel("", size=13)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = HintLabel()
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMaximumWidth(460)
        self.action = QPushButton()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.action, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def show_state(self, title: str, text: str, action: str | None = None) -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.action.setText(action or "")
        self.action.setVisible(bool(action))


class UndoBar(QFrame):
    """"Rejected 751 suggestions · Undo" at the bottom of the window for a few seconds; hidden otherwise."""

    SHOW_MS = 8000

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.batch_id: str | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._restyle()
        self.label = QLabel()
        self.undo_button = QPushButton("Undo")
        # an action of the view that showed the message (e.g. a workspace delete), not a review batch
        self.action_button = QPushButton("Undo")
        self.action_button.clicked.connect(self._run_action)
        self._action: Callable[[], None] | None = None
        self.close_button = QPushButton("✕")
        self.close_button.setFlat(True)
        self.close_button.setObjectName("undoClose")
        self.close_button.setFixedWidth(28)
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 6, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    def _restyle(self) -> None:
        background, text = tones.inverse(self.parentWidget())  # its own palette follows the sheet
        style = (f"UndoBar {{ background: {background}; border-radius: 6px; }} QLabel {{ color: {text}; }} "
                 f"QPushButton#undoClose {{ color: {text}; border: none; background: transparent; }}")
        if self.styleSheet() != style:
            self.setStyleSheet(style)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    def show_message(self, text: str, batch_id: str | None) -> None:
        """Show ``text``; with a batch id the Undo button undoes it."""
        self.batch_id = batch_id
        self._action = None
        self.label.setText(text)
        self.undo_button.setVisible(batch_id is not None)
        self.action_button.hide()
        self.show()
        self._timer.start(self.SHOW_MS)

    def show_action(self, text: str, undo: Callable[[], None]) -> None:
        """Show ``text`` with an Undo button that calls ``undo`` (not a review batch; Edit ▸ Undo runs it too)."""
        self.batch_id = None
        self._action = undo
        self.label.setText(text)
        self.undo_button.hide()
        self.action_button.show()
        self.show()
        self._timer.start(self.SHOW_MS)

    def has_action(self) -> bool:
        return self._action is not None

    def run_action(self) -> None:
        self._run_action()

    def _run_action(self) -> None:
        action = self._action
        self.dismiss()
        if action is not None:
            action()

    def dismiss(self) -> None:
        self.batch_id = None
        self._action = None
        self._timer.stop()
        self.hide()


def separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def open_path(path: str | Path) -> bool:
    """Open a file or folder with the desktop's default application."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def status_html(status: str) -> str:
    color = tones.color(STATUS_TONES.get(status, "muted"))
    return f'<span style="color:{color}; font-weight:600">{status}</span>'


class TwoLineDelegate(QStyledItemDelegate):
    """Items whose text is ``title\\nsubtitle``: the title in bold, the subtitle muted below it."""

    PADDING = 7

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        height = option.fontMetrics.height() * 2 + self.PADDING * 2 + 2
        return QSize(min(size.width(), 160), height)  # elided to the view's width; no horizontal scrolling

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        # opt.text has its newline turned into U+2028; read the model's text instead
        title, _, subtitle = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        rect = opt.rect.adjusted(self.PADDING + 2, self.PADDING, -self.PADDING, -self.PADDING)
        line = opt.fontMetrics.height()
        painter.save()
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        metrics = QFontMetrics(bold)
        top = rect.top()
        painter.drawText(rect.left(), top + metrics.ascent(),
                         metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()))
        painter.setFont(opt.font)
        muted = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        painter.setPen(opt.palette.color(muted))
        painter.drawText(rect.left(), top + line + 2 + opt.fontMetrics.ascent(),
                         opt.fontMetrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()
