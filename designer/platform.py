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


def start_folder(model_path: Path | None, remembered: str = "files/lastFolder") -> Path:
    """Where a Save or Export dialog opens: the model's own folder, else the folder last used
    (the QSettings key `remembered`), else the home folder."""
    from PySide6.QtCore import QSettings
    if model_path is not None and Path(model_path).parent.is_dir():
        return Path(model_path).parent
    last = str(QSettings().value(remembered, "") or "")
    return Path(last) if last and Path(last).is_dir() else Path.home()


def ui_font() -> QFont:
    """Segoe UI on Windows (what every other council app uses), else the desktop's own font;
    Qt falls back to the system font if Segoe UI is missing from a stripped-down image."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    if sys.platform == "win32":
        font.setFamilies([WINDOWS_FONT, font.family()])
    return font
