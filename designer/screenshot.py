"""Render the main window on the built-in example to a PNG (the README's screenshot).

    QT_QPA_PLATFORM=offscreen python -m designer.screenshot docs/screenshot.png
"""

from __future__ import annotations

import sys
import tempfile

from PySide6.QtCore import QSettings


def render(out: str, width: int = 1400, height: int = 900, select: str | None = "adult") -> None:
    # A private settings folder: the picture must not depend on this machine's saved layout.
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      tempfile.mkdtemp())
    from .app import make_app
    from .main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.resize(width, height)
    window.show()
    for _ in range(3):
        app.processEvents()
    window.view.fit_to_window()
    if select:
        window.scene.select_ids([select])
    app.processEvents()
    window.grab().save(out)
    window.doc.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    render(sys.argv[1] if len(sys.argv) > 1 else "screenshot.png")
