"""Application start-up: QApplication, the main window, the model to open.

`python main.py FILE` opens FILE; with no file the built-in example (Leicestershire) opens. A file
that cannot be read is reported in a message box and the example stays open.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from resources import resource_path

from . import session_end, unexpected
from .main_window import APP_NAME, MainWindow
from .files.single_instance import SingleInstance

APP_ID = "service-model-designer"


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    icon = resource_path("icons", "app.svg")
    if icon.is_file():  # drawn by the packaging work; optional here
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run(args: list[str]) -> int:
    app = make_app()
    unexpected.install()
    # Double-clicking a second model hands it to the running app, which opens it in a new
    # window. SMD_NO_SINGLE_INSTANCE=1 (tests) lets each process stand alone.
    if os.environ.get("SMD_NO_SINGLE_INSTANCE") != "1":
        instance = SingleInstance(APP_ID, app)
        if not instance.is_primary() and instance.send_paths(args[:1]):
            return 0
        instance.pathsReceived.connect(open_windows)
    session_end.install(app, _WINDOWS)  # log-off: recovery copies, not "Save changes?"
    window = MainWindow()
    _WINDOWS.append(window)
    window.show_first()
    if args:
        window.open_file(args[0], ask=False)
    # Copies a crashed session left (designer/files/safety.py); asked after the file opens, so a
    # restored model is never replaced by it without asking.
    window.files.copies.offer_recovery()
    code = app.exec()
    _WINDOWS.clear()  # windows go before the application does
    return code


_WINDOWS: list[MainWindow] = []  # windows opened for forwarded files stay alive here


def window_showing(path: str) -> MainWindow | None:
    """The open window that already has this file, if any."""
    for window in _WINDOWS:
        if window.doc.path is not None:
            try:
                if os.path.samefile(window.doc.path, path):
                    return window
            except OSError:  # gone, or never saved there
                continue
    return None


def open_windows(paths: list[str]) -> None:
    """Open each forwarded file in a window of its own (a file already open brings its
    window forward instead of a second one on it); with none, bring a window forward."""
    for path in paths:
        existing = window_showing(path)
        if existing is not None:
            _WINDOWS.remove(existing)
            _WINDOWS.append(existing)  # the last one is brought forward below
            continue
        window = MainWindow()
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda _=None, w=window: _forget(w))
        _WINDOWS.append(window)
        window.show_first()
        window.open_file(path, ask=False)
    shown = [w for w in _WINDOWS if w.isVisible()]
    if shown:
        target = shown[-1]
        if target.isMinimized():
            target.showNormal()
        target.raise_()
        target.activateWindow()


def _forget(window: MainWindow) -> None:
    if window in _WINDOWS:
        _WINDOWS.remove(window)
