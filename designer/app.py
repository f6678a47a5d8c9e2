"""Application start-up: QApplication, the main window, the model to open.

`python main.py FILE` opens FILE; with no file the built-in example (Leicestershire) opens. A file
that cannot be read is reported in a message box and the example stays open.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from resources import resource_path

from .main_window import APP_NAME, MainWindow


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
    window = MainWindow()
    window.show()
    if args:
        window.open_file(args[0], ask=False)
    # Copies a crashed session left (designer/file_safety.py); asked after the file opens, so a
    # restored model is never replaced by it without asking.
    window.files.offer_recovery()
    return app.exec()
