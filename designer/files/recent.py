"""File > Open Recent: the files this user opened or saved last, newest first."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

from ..widgets.plain_text import plain_tooltip

MAX_RECENT = 8
KEY = "recentFiles"


class RecentFiles:
    def files(self) -> list[str]:
        value = QSettings().value(KEY, [])
        return [value] if isinstance(value, str) else list(value or [])

    def add(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        QSettings().setValue(KEY, ([path] + [f for f in self.files() if f != path])[:MAX_RECENT])

    def fill(self, menu: QMenu, open_file: Callable[[str], object]) -> None:
        menu.clear()
        files = self.files()
        for path in files:
            # "&" in a file name would otherwise become a shortcut marker in the menu
            label = Path(path).name.replace("&", "&&")
            action = menu.addAction(label, lambda p=path: open_file(p))
            action.setToolTip(plain_tooltip(path))
            action.setStatusTip(f"Open {path}")
        if not files:
            menu.addAction("No recent files").setEnabled(False)
        else:
            menu.addSeparator()
            menu.addAction("Clear the list", lambda: QSettings().remove(KEY))
