"""The lot rows of the Lots dock: one row per lot of the active plan with its members under it,
a 'Not in a lot' row, and drag and drop of members between lots. The tree reads the Document;
the edits a drop asks for are made by the dock's LotEdits."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from models.metrics import money
from models.schema import Component, Lot

from ..canvas.view import COMPONENTS_MIME
from ..document import Document
from ..icons import kind_icon
from ..printing.lot_areas import Region, paint_lot_fill
from ..widgets.plain_text import plain_tooltip

LOT_ROLE = Qt.ItemDataRole.UserRole  # lot id on lot rows ("" on the 'not in a lot' row)
COMPONENT_ROLE = Qt.ItemDataRole.UserRole + 1  # component id on member rows
UNASSIGNED_INK = QColor("#c00000")


def short_money(value: float | None) -> str:
    """£1.80m, £700k: fits the narrow dock; the full figure is in the contract editor."""
    if value is None:
        return "not set"
    if abs(value) >= 1e6:
        return f"£{value / 1e6:.2f}m"
    return f"£{value / 1e3:,.0f}k" if abs(value) >= 1e3 else money(value)


def lot_swatch(lot: Lot, size: QSize = QSize(34, 20)) -> QIcon:
    """The lot's tint, hatch and outline, as on the canvas and on paper."""
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(1.5, 1.5, size.width() - 3, size.height() - 3)
    path = QPainterPath()
    path.addRoundedRect(rect, 4, 4)
    # The swatch is painted as the printed lot region is: tint, hatch and outline.
    paint_lot_fill(painter, Region(path, [rect.adjusted(1, 1, -1, -1)]), lot, spacing=5, line=1)
    painter.end()
    return QIcon(pixmap)


def _member_row(component: Component) -> QTreeWidgetItem:
    row = QTreeWidgetItem([component.name])
    row.setIcon(0, kind_icon(component.kind))
    row.setData(0, COMPONENT_ROLE, component.id)
    return row


class LotsTree(QTreeWidget):
    """The lots of the active plan. Drag member rows onto another lot (or onto 'Not in a lot')
    to move them."""

    componentsDropped = Signal(list, str)  # component ids, lot id ("" = out of every lot)

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setColumnCount(4)
        self.setHeaderLabels(["Lot", "Services", "A year", "Findings"])
        self.setIconSize(QSize(34, 20))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setAccessibleName("Lots of the plan")
        self.setUniformRowHeights(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, header.ResizeMode.ResizeToContents)

    # --- drag and drop -----------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [COMPONENTS_MIME]

    def mimeData(self, items) -> QMimeData:
        mime = QMimeData()
        ids = [i.data(0, COMPONENT_ROLE) for i in items if i.data(0, COMPONENT_ROLE)]
        mime.setData(COMPONENTS_MIME, "\n".join(ids).encode())
        return mime

    def _target_lot(self, event) -> str | None:
        item = self.itemAt(event.position().toPoint())
        while item is not None and item.parent() is not None:
            item = item.parent()
        return item.data(0, LOT_ROLE) if item is not None else None

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(COMPONENTS_MIME) and self._target_lot(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:
        lot_id = self._target_lot(event)
        ids = bytes(event.mimeData().data(COMPONENTS_MIME)).decode().split("\n")
        ids = [i for i in ids if i]
        if lot_id is None or not ids:
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)  # the tree is rebuilt from the model
        event.accept()
        self.componentsDropped.emit(ids, lot_id)

    # --- what is chosen ----------------------------------------------------------------------
    def selected_lot_ids(self) -> list[str]:
        """Lots chosen in the tree (a member row counts for its lot), that exist now."""
        plan, ids = self.doc.model.plan(), []
        for item in self.selectedItems():
            while item.parent() is not None:
                item = item.parent()
            lot_id = item.data(0, LOT_ROLE)
            if lot_id and lot_id not in ids and plan.lot(lot_id) is not None:
                ids.append(lot_id)
        return ids

    def current_lot_id(self) -> str | None:
        item = self.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        lot_id = item.data(0, LOT_ROLE) if item is not None else None
        chosen = [lot_id] if lot_id else self.selected_lot_ids()
        # The tree may lag an undo by one event-loop turn: trust only lots that exist now.
        plan = self.doc.model.plan()
        return next((i for i in chosen if plan.lot(i) is not None), None)

    def select_lot(self, lot_id: str | None) -> bool:
        """Make the lot's row current; True when it already was (Qt then says nothing)."""
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item.data(0, LOT_ROLE) == lot_id and lot_id:
                unchanged = self.currentItem() is item and item.isSelected()
                self.setCurrentItem(item)
                return unchanged
        self.clearSelection()
        return False

    def chosen_member_ids(self) -> list[str]:
        """The member rows chosen, or every member of a chosen lot row."""
        chosen = []
        for item in self.selectedItems():
            if item.data(0, COMPONENT_ROLE):
                chosen.append(item.data(0, COMPONENT_ROLE))
            else:
                for i in range(item.childCount()):
                    chosen.append(item.child(i).data(0, COMPONENT_ROLE))
        return chosen

    # --- showing -----------------------------------------------------------------------------
    def refresh(self, loose: list[Component]) -> None:
        """Rebuild the rows from the model, keeping the chosen lot and the open rows; `loose`
        are the procured services in no lot. Says nothing (no selection signal)."""
        model, plan = self.doc.model, self.doc.model.plan()
        current = self.current_lot_id()
        expanded = {self.topLevelItem(i).data(0, LOT_ROLE)
                    for i in range(self.topLevelItemCount())
                    if self.topLevelItem(i).isExpanded()}
        by_id = {c.id: c for c in model.components}
        findings_of: dict[str, list[str]] = {}
        for f in self.doc.findings:
            if f.lot:
                findings_of.setdefault(f.lot, []).append(f.message)
        self.blockSignals(True)
        self.clear()
        for lot in plan.lots:
            members = [by_id[m] for m in dict.fromkeys(lot.components) if m in by_id]
            item = self._lot_row(lot, members, findings_of.get(lot.id, []))
            self.addTopLevelItem(item)
            item.setExpanded(lot.id in expanded)
        if loose and plan.lots:
            item = QTreeWidgetItem([f"Not in a lot ({len(loose)})", str(len(loose)), "", ""])
            item.setData(0, LOT_ROLE, "")
            item.setForeground(0, UNASSIGNED_INK)
            item.setToolTip(0, plain_tooltip("Procured council services that no lot of this "
                                             "plan includes"))
            for c in loose:
                item.addChild(_member_row(c))
            self.addTopLevelItem(item)
            item.setExpanded(True)
        if current and plan.lot(current):
            self.select_lot(current)
        self.blockSignals(False)

    @staticmethod
    def _lot_row(lot: Lot, members: list[Component], findings: list[str]) -> QTreeWidgetItem:
        cost = sum(c.estimated_annual_cost or 0 for c in members)
        value = lot.contract.annual_value
        item = QTreeWidgetItem([f"{lot.code}  {lot.name}".strip(), str(len(members)),
                                short_money(value), str(len(findings))])
        item.setIcon(0, lot_swatch(lot))
        item.setData(0, LOT_ROLE, lot.id)
        item.setToolTip(0, plain_tooltip(f"{lot.code} {lot.name}\nDouble-click for the "
                                         "contract terms"))
        item.setToolTip(2, plain_tooltip(f"Annual value {money(value)}; components "
                                         f"estimated at {money(cost)} a year"))
        if value is not None and cost > value:
            item.setForeground(2, UNASSIGNED_INK)
            item.setToolTip(2, plain_tooltip(f"Worth {money(value)} a year but its "
                                             f"components cost {money(cost)}"))
        if findings:
            item.setToolTip(3, plain_tooltip("\n".join(findings)))
        for alignment_column in (1, 2, 3):
            item.setTextAlignment(alignment_column, Qt.AlignmentFlag.AlignRight
                                  | Qt.AlignmentFlag.AlignVCenter)
        for c in members:
            child = _member_row(c)
            child.setToolTip(0, plain_tooltip(c.name))
            item.addChild(child)
        return item

    def rows_wanted_height(self, most: int = 8) -> int:
        """How tall the list must be to show every lot row (up to `most`) unscrolled."""
        rows = min(self.topLevelItemCount(), most)
        row = self.sizeHintForRow(0) if rows else 0
        return self.header().sizeHint().height() + rows * row + 2 * self.frameWidth() + 2
