"""Windows that fit the screen they open on: the one place a top-level window or dialog is given
its size, so a council laptop (1366x768, a taskbar, 125% scaling) never gets a window whose
buttons or status bar are off the screen."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Below this much room, the main window opens maximised: anything smaller wastes the screen.
MAXIMISE_BELOW = QSize(1400, 900)
# What a title bar and borders take until the window is shown and its frame is known.
FRAME_GUESS = QSize(16, 40)


def available_area(widget: QWidget) -> QRect:
    """The part of the widget's screen (or its parent's) that windows may use: no taskbar."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    parent = widget.parentWidget()
    if parent is not None and parent.window().isVisible():
        screen = parent.window().screen() or screen
    return screen.availableGeometry()


def _frame(widget: QWidget) -> QSize:
    if widget.isVisible():
        extra = widget.frameGeometry().size() - widget.geometry().size()
        if extra.width() > 0 or extra.height() > 0:
            return extra
    return FRAME_GUESS


def clamped_size(wanted: QSize, area: QRect, frame: QSize = FRAME_GUESS) -> QSize:
    """`wanted`, made no bigger than `area` leaves once the window frame is counted."""
    return QSize(max(1, min(wanted.width(), area.width() - frame.width())),
                 max(1, min(wanted.height(), area.height() - frame.height())))


def fit_to_screen(widget: QWidget, width: int, height: int) -> QSize:
    """Give a top-level window or dialog the size it wants, or as much of it as its screen
    has room for, and keep it on that screen. Returns the size given."""
    area = available_area(widget)
    size = clamped_size(QSize(width, height), area, _frame(widget))
    widget.resize(size)
    if widget.isVisible():
        frame = widget.frameGeometry()
        if not area.contains(frame):  # slid partly off the screen: bring it back whole
            left = min(max(frame.left(), area.left()), area.right() - frame.width() + 1)
            top = min(max(frame.top(), area.top()), area.bottom() - frame.height() + 1)
            widget.move(left, top)
    return size


def first_window_size(area: QRect) -> QSize | None:
    """The main window's size on its first run: None means maximised (a small screen), else
    most of the screen, centred by the caller."""
    if area.width() < MAXIMISE_BELOW.width() or area.height() < MAXIMISE_BELOW.height():
        return None
    return QSize(max(MAXIMISE_BELOW.width(), area.width() * 85 // 100),
                 max(MAXIMISE_BELOW.height(), area.height() * 85 // 100))
