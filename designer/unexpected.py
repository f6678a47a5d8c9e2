"""What the window does with a bug: log the traceback, tell the user in plain words, carry on.

An exception escaping a slot would otherwise print a traceback to a console nobody sees (or,
in a frozen build, nowhere). Here it goes to the app's log file (models/applog.py) and the user
is told that the model is still open and where the details are; Help > Open Log Folder shows
that folder to send to support.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QWidget

from models.applog import log_dir, log_unexpected, setup_logging, where_logged

from . import messages

_showing = False  # one message at a time: an error inside the message box must not stack up


def install() -> None:
    """Route uncaught exceptions in the GUI to the log file and a plain message box."""
    setup_logging()
    sys.excepthook = report


def report(kind, error, traceback) -> None:
    global _showing
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    error.__traceback__ = traceback
    logged = log_unexpected("unexpected error in the window", error)
    if _showing or QApplication.instance() is None:
        return
    _showing = True
    try:
        messages.tell(QApplication.activeWindow(), "Something went wrong",
                      f"Service Model Designer met an unexpected problem ({kind.__name__}: "
                      f"{error}). Your model is still open: save it, or use Save As to keep a "
                      f"copy, and tell your IT support. {where_logged(logged)}")
    finally:
        _showing = False


def open_log_folder(parent: QWidget | None) -> None:
    """Show the folder of the log file in the file manager, or say where it is."""
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
    except OSError:
        opened = False
    if not opened:
        messages.tell(parent, "Log folder", f"The log folder is {folder}. It could not be "
                      "opened here: open it from File Explorer.", messages.Icon.Information)
