"""Application start-up: QApplication, the first window, the model to open."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QPlainTextEdit

from models import ModelFileError, read_model
from models.checks import run_checks
from models.templates import EXAMPLE, load_template


def run(args: list[str]) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Service Model Designer")
    app.setOrganizationName("Service Model Designer")
    model = load_template(EXAMPLE)
    if args:
        try:
            model = read_model(args[0])
        except ModelFileError as e:
            QMessageBox.warning(None, "Cannot open the file", str(e))
    window = QMainWindow()
    window.setWindowTitle(f"{model.title} - Service Model Designer")
    text = QPlainTextEdit()
    text.setReadOnly(True)
    text.setPlainText("\n".join(f.message for f in run_checks(model)) or "No findings.")
    window.setCentralWidget(text)
    window.resize(1200, 800)
    window.show()
    return app.exec()
