"""Message boxes that show their text as plain text.

Names, titles and error messages come from files that arrive by email; QMessageBox's static
helpers would render a name like "<b>x</b>" as HTML. Every box in the app goes through here,
so tests record them by patching `choose` in this one module.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

Icon = QMessageBox.Icon


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
