"""F2 rename, as in Explorer or Visio: the name is edited in Properties; Enter keeps it, Esc
puts the old name back, and both return to the canvas with the item still selected. The
rename is one undo step of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLineEdit

if TYPE_CHECKING:
    from .main_window import MainWindow


@dataclass
class _Rename:
    """A rename in progress: the field, what it held, and the undo step it started at."""
    field: QLineEdit
    original: str
    undo_index: int
    components: list[str]
    pathways: list[str]


class RenameInPlace(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.current: _Rename | None = None
        props = window.properties
        for field in (props.name_edit, props.label_edit, props.title_edit):
            field.installEventFilter(self)  # Enter and Esc end a rename

    def start(self) -> None:
        w = self.window
        components, pathways = w.scene.selected_ids()
        w.docks["properties"].show()
        w.docks["properties"].raise_()
        if components:
            field = w.properties.name_edit
        elif pathways:
            field = w.properties.label_edit
        else:
            field = w.properties.title_edit
        w.doc.end_typing()  # the rename is an undo step of its own
        self.current = _Rename(field, field.text(), w.doc.undo_stack.index(),
                               components, pathways)
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()

    def finish(self, keep: bool) -> None:
        w, doc = self.window, self.window.doc
        rename, self.current = self.current, None
        if not keep and rename.field.text() != rename.original:
            stack = doc.undo_stack
            if stack.index() > rename.undo_index:
                stack.setIndex(rename.undo_index)
            if rename.field.text() != rename.original:  # typing merged into an older step
                if rename.components:
                    doc.update_component(rename.components[0], {"name": rename.original})
                elif rename.pathways:
                    doc.update_pathway(rename.pathways[0], {"label": rename.original})
                else:
                    doc.update_model({"title": rename.original})
        doc.end_typing()
        w.scene.select_ids(rename.components, rename.pathways)
        w.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def eventFilter(self, watched, event) -> bool:
        rename = self.current
        if rename is not None and watched is rename.field:
            if event.type() == QEvent.Type.KeyPress and event.key() in (
                    Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
                self.finish(keep=event.key() != Qt.Key.Key_Escape)
                return True
            if event.type() == QEvent.Type.FocusOut and event.reason() not in (
                    Qt.FocusReason.PopupFocusReason, Qt.FocusReason.ActiveWindowFocusReason):
                self.current = None  # left the field another way: the edit stays
        return super().eventFilter(watched, event)
