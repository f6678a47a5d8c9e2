"""Edit > Connect To (Ctrl+K): add a pathway from the selected box to one chosen by name, all
from the keyboard. Typing filters the list of other components; the arrow keys move through
the matches; Enter connects to the highlighted one, which a unique match is at once."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QVBoxLayout)

from models.catalogue import KINDS
from models.schema import ServiceModel

from ..widgets.screens import fit_to_screen

ID_ROLE = Qt.ItemDataRole.UserRole


def target_labels(model: ServiceModel, source: str) -> dict[str, str]:
    """label -> component id for every component but `source`; names that appear twice carry
    their kind, and a number if that is not enough."""
    others = [c for c in model.components if c.id != source]
    labels: dict[str, str] = {}
    for c in others:
        label = c.name.strip() or "(no name)"
        if sum(o.name.strip() == c.name.strip() for o in others) > 1:
            label = f"{label} ({KINDS[c.kind].name})"
        n, unique = 2, label
        while unique in labels:
            unique, n = f"{label} {n}", n + 1
        labels[unique] = c.id
    return labels


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names come from a file
    label.setWordWrap(True)
    return label


class ConnectDialog(QDialog):
    def __init__(self, model: ServiceModel, source: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Connect to")
        self.setAccessibleName("Connect to")
        self.search = QLineEdit(placeholderText="Type part of a name")
        self.search.setAccessibleName("Component to connect to")
        self.search.setClearButtonEnabled(True)
        self.matches = QListWidget()
        self.matches.setAccessibleName("Matching components")
        for label, cid in sorted(target_labels(model, source).items(),
                                 key=lambda pair: pair[0].lower()):
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, cid)
            self.matches.addItem(item)
        self.note = _plain_label()
        self.note.setAccessibleName("Why no pathway was added")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = buttons.addButton("Connect",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept_choice)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(_plain_label(f"Add a pathway from {model.component(source).name} to:"))
        layout.addWidget(self.search)
        layout.addWidget(self.matches)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self.filter)
        self.search.installEventFilter(self)  # arrows and Enter, while the typing goes on
        self.matches.itemDoubleClicked.connect(lambda _item: self.accept_choice())
        self.matches.currentItemChanged.connect(lambda *_: self.note.clear())
        self.filter("")
        fit_to_screen(self, self.sizeHint().width(), self.sizeHint().height())

    def shown(self) -> list[QListWidgetItem]:
        return [self.matches.item(i) for i in range(self.matches.count())
                if not self.matches.item(i).isHidden()]

    def filter(self, text: str) -> None:
        words = text.lower().split()
        for i in range(self.matches.count()):
            item = self.matches.item(i)
            item.setHidden(not all(w in item.text().lower() for w in words))
        shown = self.shown()
        exact = [item for item in shown if item.text().lower() == text.strip().lower()]
        if exact or len(shown) == 1:  # the one meant: Enter connects to it
            self.matches.setCurrentItem((exact or shown)[0])
        elif self.matches.currentItem() not in shown:
            self.matches.setCurrentItem(None)
        self.note.setText("" if shown or not text.strip()
                          else f"No other component is called {text.strip()}.")

    def chosen(self) -> str | None:
        item = self.matches.currentItem()
        return item.data(ID_ROLE) if item is not None and not item.isHidden() else None

    def step_through(self, step: int) -> None:
        shown = self.shown()
        if not shown:
            return
        current = self.matches.currentItem()
        index = shown.index(current) + step if current in shown else (0 if step > 0 else -1)
        self.matches.setCurrentItem(shown[max(0, min(len(shown) - 1, index))])

    def accept_choice(self) -> None:
        if self.chosen() is not None:
            self.accept()
            return
        text, count = self.search.text().strip(), len(self.shown())
        if text and count == 0:
            self.note.setText(f"No other component is called {text}.")
        elif text and count > 1:
            self.note.setText(f"{count} components match: choose one with the arrow keys.")
        else:
            self.note.setText("Type part of a name, or choose one with the arrow keys.")

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.step_through(1 if key == Qt.Key.Key_Down else -1)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.accept_choice()
                return True
        return super().eventFilter(watched, event)
