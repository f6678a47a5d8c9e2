"""Where the app keeps its own files, and the font it uses, on each desktop."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QFont, QFontDatabase

WINDOWS_FONT = "Segoe UI"


def app_data_dir() -> Path:
    """Per-user, per-machine data (recovery copies, settings caches), created if missing:
    %LOCALAPPDATA%\\<org>\\<app> on Windows, so it does not roam with the profile;
    ~/.local/share/<org>/<app> on Linux. Needs the application name set first."""
    folder = Path(QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppLocalDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ui_font() -> QFont:
    """Segoe UI on Windows (what every other council app uses), else the desktop's own font;
    Qt falls back to the system font if Segoe UI is missing from a stripped-down image."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    if sys.platform == "win32":
        font.setFamilies([WINDOWS_FONT, font.family()])
    return font
