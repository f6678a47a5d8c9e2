"""Message boxes that show their text as plain text.

Names, titles and error messages come from files that arrive by email; QMessageBox's static
helpers would render a name like "<b>x</b>" as HTML. Every box in the app goes through here,
so tests record them by patching `choose` in this one module.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from models import ModelFileError

Icon = QMessageBox.Icon

# For a file that is a model file in shape but holds something wrong at a named place.
CONTENT_HINT = ("It may have been made by a newer version of Service Model Designer, or edited "
                "by hand. The model you have open is unchanged. Ask the sender to save it again "
                "from the app, or correct it at the place named above.")


def choose(parent: QWidget | None, title: str, text: str, buttons: list[str],
           icon: QMessageBox.Icon = Icon.Question, detail: str = "") -> str | None:
    """A message box with named buttons. Returns the text of the button clicked (without its
    & shortcut marker), or None for Escape or closing the box. The first button is the default."""
    box = choice_box(parent, title, text, buttons, icon, detail)
    box.exec()
    clicked = box.clickedButton()
    if clicked is None or not clicked.property("choice"):
        return None
    return clicked.text().replace("&", "")


def tell(parent: QWidget | None, title: str, text: str, icon: QMessageBox.Icon = Icon.Warning
         ) -> None:
    """A plain-text message with an OK button."""
    choose(parent, title, text, ["OK"], icon)


def cannot_open(parent: QWidget | None, path: str | Path, error: ModelFileError) -> None:
    """The one-line reason a file cannot be opened; where the fault is inside the file (a key
    path), also where such a file may come from."""
    located = bool(error.problems and error.problems[0].path)
    choose(parent, "Cannot open the file", f"{Path(path).name}: {error}", ["OK"], Icon.Warning,
           CONTENT_HINT if located else "")


def choice_box(parent, title, text, buttons, icon=Icon.Question, detail=""):
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if detail:
        box.setInformativeText(detail)
    for i, label in enumerate(buttons):
        button = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
        button.setProperty("choice", True)
        if i == 0:
            box.setDefaultButton(button)
    box.addButton(QMessageBox.StandardButton.Cancel).setVisible(False)  # Escape closes it
    return box
