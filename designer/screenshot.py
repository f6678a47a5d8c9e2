"""Render the main window on the built-in example to a PNG (the README's screenshot), at a
council laptop's 1366x768 unless a size is given.

    QT_QPA_PLATFORM=offscreen python -m designer.screenshot docs/screenshot.png [1366x768]
"""

from __future__ import annotations

import sys
import tempfile

from PySide6.QtCore import QSettings


def render(out: str, width: int = 1366, height: int = 768, select: str | None = "adult") -> None:
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
    for _ in range(3):  # the Properties page lays out over more than one pass
        app.processEvents()
    window.grab().save(out)
    window.doc.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    size = sys.argv[2] if len(sys.argv) > 2 else "1366x768"
    try:
        width, height = (int(n) for n in size.lower().split("x"))
    except ValueError:
        sys.exit(f"size {size!r}: write it as WIDTHxHEIGHT, for example 1366x768")
    render(sys.argv[1] if len(sys.argv) > 1 else "screenshot.png", width, height)
