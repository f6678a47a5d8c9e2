"""The app's log file: unexpected errors with their traceback, for whoever supports the user.

A commissioner never sees a traceback: the command line prints one line and the window shows a
plain message, and both say where this file is, so the detail can be sent to support. The file
lives in the per-user app data folder (the folder Qt's AppLocalDataLocation names, worked out
here without Qt so that the command line can log too), rotates at 1 MB and keeps three old
files, so it never grows without bound on a shared desktop.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

APP_NAME = "Service Model Designer"
LOG_FILE = "service-model-designer.log"
log = logging.getLogger("smd")


def app_data_dir() -> Path:
    """%LOCALAPPDATA%\\<org>\\<app> on Windows (does not roam with the profile),
    ~/Library/Application Support/<org>/<app> on macOS, $XDG_DATA_HOME/<org>/<app> (default
    ~/.local/share) elsewhere: the folder Qt's AppLocalDataLocation gives, with the
    organisation and application both named APP_NAME as designer/app.py sets them."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_NAME / APP_NAME


def log_dir() -> Path:
    return app_data_dir() / "logs"


def log_path() -> Path:
    return log_dir() / LOG_FILE


def setup_logging() -> Path | None:
    """Send the app's log to its rotating file (once per process). Returns the file, or None
    when the folder cannot be written (a locked-down profile): the app then runs without a log
    rather than refusing to start."""
    for handler in log.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_path(), maxBytes=1_000_000, backupCount=3, encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return log_path()


def log_unexpected(what: str, error: BaseException) -> Path | None:
    """Write an unexpected error and its traceback to the log; the file it went to, if any."""
    path = setup_logging()
    log.error("%s: %s: %s", what, type(error).__name__, error,
              exc_info=(type(error), error, error.__traceback__))
    for handler in log.handlers:
        handler.flush()
    return path


def where_logged(path: Path | None) -> str:
    """The sentence a user is shown: where the details are, or that none could be kept."""
    if path is None:
        return "The details could not be written to a log file."
    return f"The details are in the log file {path}."
