"""The palette: every component kind, grouped by stage, to drag onto the canvas or double-click.
Typing in the search box filters the list; Enter adds the first match at the canvas centre."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QLineEdit, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from models.catalogue import KINDS, stage_group

from ..canvas.view import KIND_MIME
from ..icons import kind_icon
from ..widgets.wrapping import WrapDelegate

GROUPS = ("Referral routes", "Services", "Exits")
KIND_ROLE = Qt.ItemDataRole.UserRole


class KindTree(QTreeWidget):
    def mimeTypes(self) -> list[str]:
        return [KIND_MIME]

    def mimeData(self, items) -> QMimeData:
        mime = QMimeData()
        kind_ids = [i.data(0, KIND_ROLE) for i in items if i.data(0, KIND_ROLE)]
        if kind_ids:
            mime.setData(KIND_MIME, kind_ids[0].encode())
        return mime


class Palette(QWidget):
    addKind = Signal(str)  # add a component of this kind at the canvas centre

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Palette of component kinds")
        self.search = QLineEdit(placeholderText="Quick add: type, then Enter")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Quick add search")
        self.search.setToolTip("Type part of a kind's name (for example detox) and press Enter "
                               "to add it to the canvas.")
        self.tree = KindTree()
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(22, 22))
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setAccessibleName("Component kinds")
        self.tree.setToolTip("Drag a kind onto the canvas, or double-click to add it.")
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(8)
        # Long names wrap onto a second line rather than being cut at a narrow dock width.
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.header().setStretchLastSection(True)
        WrapDelegate(self.tree)
        groups = {}
        for name in GROUPS:
            group = QTreeWidgetItem(self.tree, [name])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            groups[name] = group
        for kind in KINDS.values():
            item = QTreeWidgetItem(groups[stage_group(kind)], [kind.name])
            item.setIcon(0, kind_icon(kind.id))
            item.setData(0, KIND_ROLE, kind.id)
            item.setToolTip(0, kind.description)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsDragEnabled)
        self.tree.expandAll()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.search.textChanged.connect(self.filter)
        self.search.installEventFilter(self)  # Down moves into the results
        self.search.returnPressed.connect(self.add_first_match)
        # Double-click or Enter adds. Not itemActivated: on some desktops a single click
        # activates, and a click is how a drag onto the canvas starts.
        self.tree.itemDoubleClicked.connect(self._activated)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(QKeySequence(key), self.tree, context=Qt.ShortcutContext.WidgetShortcut,
                      activated=lambda: self.tree.currentItem() and self._activated(
                          self.tree.currentItem()))

    def eventFilter(self, watched, event) -> bool:
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down):
            first = self.first_match()
            if first:
                self.tree.setFocus(Qt.FocusReason.TabFocusReason)
                self.tree.setCurrentItem(next(i for i in self.kind_items()
                                              if i.data(0, KIND_ROLE) == first))
                return True
        return super().eventFilter(watched, event)

    def kind_items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(g).child(i) for g in range(self.tree.topLevelItemCount())
                for i in range(self.tree.topLevelItem(g).childCount())]

    def filter(self, text: str) -> None:
        words = text.lower().split()
        for item in self.kind_items():
            kind = KINDS[item.data(0, KIND_ROLE)]
            haystack = f"{kind.name} {kind.description} {kind.id}".lower()
            item.setHidden(not all(w in haystack for w in words))
        for g in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(g)
            group.setHidden(all(group.child(i).isHidden() for i in range(group.childCount())))

    def first_match(self) -> str | None:
        """The first visible kind, preferring one whose name contains the search text."""
        visible = [i for i in self.kind_items() if not i.isHidden()]
        text = self.search.text().strip().lower()
        visible.sort(key=lambda i: text not in i.text(0).lower())
        return visible[0].data(0, KIND_ROLE) if visible else None

    def add_first_match(self) -> None:
        kind_id = self.first_match()
        if kind_id and self.search.text().strip():
            self.addKind.emit(kind_id)
            self.search.clear()

    def _activated(self, item: QTreeWidgetItem) -> None:
        kind_id = item.data(0, KIND_ROLE)
        if kind_id:
            self.addKind.emit(kind_id)
