"""The lots dock: choose and manage lot plans, see the lots of the active plan, and cut the
model into lots: assign the canvas selection, remove, merge, split, delete.

Every change is built with models.lots and goes through Document.replace_plan / set_plans, so
each is exactly one undo step and is saved in the file. Selecting a lot highlights its region
and selects its components on the canvas.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QMimeData, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QInputDialog, QLabel,
                               QLineEdit, QMenu, QToolButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from models import lots
from models.lots import unassigned_services
from models.metrics import cross_lot_handoffs, money
from models.schema import Lot

from .. import messages
from ..widgets.plain_text import plain_label, plain_tooltip
from ..platform import start_folder
from ..canvas.lot_regions import LotRegions
from ..canvas.scene import ModelScene
from ..canvas.view import COMPONENTS_MIME
from ..document import Document
from ..icons import kind_icon
from ..printing import diagram
from ..widgets.screens import fit_to_screen

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
    diagram.paint_lot_fill(painter, diagram.Region(path, [rect.adjusted(1, 1, -1, -1)]), lot,
                           spacing=5, line=1)
    painter.end()
    return QIcon(pixmap)


class LotsTree(QTreeWidget):
    """Drag member rows onto another lot (or onto 'Not in a lot') to move them."""

    componentsDropped = Signal(list, str)  # component ids, lot id ("" = out of every lot)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

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


class MergeDialog(QDialog):
    """Merge one lot with another of the same plan, under a name the commissioner chooses;
    in a copy of the plan, under a short plan name they can change before it is made."""

    def __init__(self, keep: Lot, others: list[Lot], parent=None, plan_name: str = ""):
        super().__init__(parent)
        self.setWindowTitle("Merge lots")
        self.keep, self.plan_name = keep, plan_name
        self.other_names = {lot.id: lot.name for lot in others}
        self.other = QComboBox()
        for lot in others:
            self.other.addItem(lot_swatch(lot), f"{lot.code} {lot.name}".strip(), lot.id)
        self.name = QLineEdit()
        self.name.setAccessibleName("Name of the merged lot")
        keep_label = QLabel(f"{keep.code} {keep.name}".strip())
        keep_label.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout(self)
        form.addRow("Lot:", keep_label)
        form.addRow("Merge with:", self.other)
        form.addRow("Name of the merged lot:", self.name)
        # A copy by default: merging in place would lose the plan the merge is judged against.
        self.in_copy = QCheckBox("Merge in a copy of the lot plan, to compare both in the "
                                 "options appraisal", checked=True)
        form.addRow(self.in_copy)
        self.copy_name = QLineEdit()
        self.copy_name.setAccessibleName("Name of the copy of the lot plan")
        self.in_copy.toggled.connect(self.copy_name.setEnabled)
        form.addRow("Name of the copy:", self.copy_name)
        for field in (self.name, self.copy_name):  # room for a suggested name in full
            field.setMinimumWidth(field.fontMetrics().averageCharWidth() * 64)
        # The suggested names follow the lot chosen, until the commissioner types their own.
        self.other.currentIndexChanged.connect(self._suggest_names)
        self._suggest_names()
        note = plain_label(f"The merged lot keeps the contract terms of {keep.code or keep.name}; "
                           "annual values and funding are added together. Undo reverses the "
                           "merge.")
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Merge")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        fit_to_screen(self, self.sizeHint().width(), self.sizeHint().height())

    def _suggest_names(self) -> None:
        other = self.other_names.get(self.other.currentData(), "")
        if not self.name.isModified():
            self.name.setText(f"{self.keep.name} and {other}" if other else self.keep.name)
            self.name.setCursorPosition(0)
        if not self.copy_name.isModified():
            self.copy_name.setText(lots.merged_copy_name(self.plan_name, self.keep.name, other))
            self.copy_name.setCursorPosition(0)  # show the start of the name


class LotsPanel(QWidget):
    statusMessage = Signal(str)
    lotSelected = Signal(str)  # lot id, "" when none
    contractRequested = Signal(str)  # lot id: open its contract editor
    refreshed = Signal()  # the lot rows were rebuilt (the window makes room for them)

    def __init__(self, document: Document, scene: ModelScene | None = None, parent=None):
        super().__init__(parent)
        self.doc = document
        self.scene = scene
        self.regions = LotRegions(scene) if scene is not None else None
        self.setAccessibleName("Lots")

        self.plan_combo = QComboBox()
        self.plan_combo.setAccessibleName("Lot plan shown")
        self.plan_combo.setToolTip("The lot plan shown on the canvas, judged by the checks and "
                                   "printed in the lot pack. It is saved with the model, so "
                                   "choosing another is a change you can undo. To compare "
                                   "plans without choosing, use Lots > Options Appraisal.")
        self.plan_combo.activated.connect(self._plan_chosen)
        self.plan_button = QToolButton(text="Plans", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)

        self.tree = LotsTree()
        self.tree.componentsDropped.connect(self._dropped)
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Lot", "Services", "A year", "Findings"])
        self.tree.setIconSize(QSize(34, 20))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.tree.itemSelectionChanged.connect(self._tree_selection_changed)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        self.tree.setAccessibleName("Lots of the plan")
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, header.ResizeMode.ResizeToContents)

        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)

        self._make_actions()
        plan_menu = QMenu(self)
        plan_menu.addActions([self.add_plan_action, self.duplicate_plan_action,
                              self.rename_plan_action, self.delete_plan_action])
        self.plan_button.setMenu(plan_menu)

        top = QHBoxLayout()
        top.addWidget(QLabel("Lot plan:"))
        top.addWidget(self.plan_combo, 1)
        top.addWidget(self.plan_button)
        buttons = QHBoxLayout()
        for action in (self.new_lot_action, self.assign_action, self.unassign_action,
                       self.merge_action, self.split_action, self.contract_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)

        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self.refresh)
        for signal in (document.lotsChanged, document.modelReset, document.findingsChanged,
                       document.componentAdded, document.componentRemoved,
                       document.componentChanged, document.pathwayAdded,
                       document.pathwayRemoved):
            signal.connect(self._refresh_timer.start)
        if scene is not None:
            scene.selectionChanged.connect(self._update_actions)
        self.refresh()

    # --- actions ---------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda checked=False: slot())
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        return action

    def _make_actions(self) -> None:
        self.new_lot_action = self._action(
            "New lot", self.new_lot_from_selection, tip="Add a lot; the selected components "
            "on the canvas become its members")
        self.assign_action = self._action(
            "Assign", self.assign_selection, "Ctrl+Shift+L",
            "Put the components selected on the canvas in the lot chosen here (Ctrl+Shift+L)")
        self.unassign_action = self._action(
            "Remove", self.unassign_selection, "Ctrl+Shift+U",
            "Take the selected components out of their lot (Ctrl+Shift+U)")
        self.merge_action = self._action("Merge…", self.merge_dialog,
                                         tip="Merge the chosen lot with another lot")
        self.split_action = self._action(
            "Split…", self.split_dialog, tip="Move the components selected on the canvas out "
            "of the chosen lot into a new lot")
        self.contract_action = self._action("Contract…", self.open_contract,
                                            tip="Contract terms, KPIs and funding of the lot")
        self.rename_lot_action = self._action("Rename lot…", self.rename_lot_dialog)
        self.delete_lot_action = self._action("Delete lot", self.delete_current_lot,
                                              tip="Delete the lot; its components stay on the "
                                                  "canvas, in no lot")
        self.add_plan_action = self._action("New lot plan…", self.add_plan_dialog)
        self.duplicate_plan_action = self._action("Duplicate lot plan", self.duplicate_plan,
                                                  tip="Copy this plan to try another cut")
        self.rename_plan_action = self._action("Rename lot plan…", self.rename_plan_dialog)
        self.delete_plan_action = self._action("Delete lot plan", self.delete_plan)
        self.assign_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.unassign_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addActions([self.assign_action, self.unassign_action])

    def actions_for_menu(self) -> list[QAction | None]:
        """The Lots menu of the main window (None marks a separator)."""
        return [self.new_lot_action, self.assign_action, self.unassign_action, None,
                self.merge_action, self.split_action, self.rename_lot_action,
                self.delete_lot_action, self.contract_action, None, self.add_plan_action,
                self.duplicate_plan_action, self.rename_plan_action, self.delete_plan_action]

    # --- reading state ---------------------------------------------------------------------
    @property
    def plan(self):
        return self.doc.model.plan()

    def selected_components(self) -> list[str]:
        # The scene may be mid-destruction when the window closes (it emits selectionChanged).
        if self.scene is None or not shiboken6.isValid(self.scene):
            return []
        return self.scene.selected_ids()[0]

    def selected_lot_ids(self) -> list[str]:
        """Lots chosen in the tree (a member row counts for its lot), that exist now."""
        ids = []
        for item in self.tree.selectedItems():
            while item.parent() is not None:
                item = item.parent()
            lot_id = item.data(0, LOT_ROLE)
            if lot_id and lot_id not in ids and self.plan.lot(lot_id) is not None:
                ids.append(lot_id)
        return ids

    def current_lot_id(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        lot_id = item.data(0, LOT_ROLE) if item is not None else None
        chosen = [lot_id] if lot_id else self.selected_lot_ids()
        # The tree may lag an undo by one event-loop turn: trust only lots that exist now.
        return next((i for i in chosen if self.plan.lot(i) is not None), None)

    def select_lot(self, lot_id: str | None) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, LOT_ROLE) == lot_id and lot_id:
                unchanged = self.tree.currentItem() is item and item.isSelected()
                self.tree.setCurrentItem(item)
                if unchanged:  # no selection signal: still show the lot as it is now (a merge)
                    self._tree_selection_changed()
                return
        self.tree.clearSelection()

    def _refused(self, error: ValueError) -> None:
        self._say(f"Not changed: {str(error).splitlines()[0]}.")

    def _say(self, message: str) -> None:
        self.statusMessage.emit(message)
        if self.scene is not None:
            self.scene.statusMessage.emit(message)

    # --- showing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self._refresh_timer.stop()
        model, plan = self.doc.model, self.plan
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for p in model.lot_plans:
            self.plan_combo.addItem(p.name, p.id)
        self.plan_combo.setCurrentIndex(self.plan_combo.findData(model.active_plan))
        self.plan_combo.blockSignals(False)

        current = self.current_lot_id()
        expanded = {self.tree.topLevelItem(i).data(0, LOT_ROLE)
                    for i in range(self.tree.topLevelItemCount())
                    if self.tree.topLevelItem(i).isExpanded()}
        by_id = {c.id: c for c in model.components}
        findings_of: dict[str, list[str]] = {}
        for f in self.doc.findings:
            if f.lot:
                findings_of.setdefault(f.lot, []).append(f.message)
        self.tree.blockSignals(True)
        self.tree.clear()
        for lot in plan.lots:
            members = [by_id[m] for m in dict.fromkeys(lot.components) if m in by_id]
            cost = sum(c.estimated_annual_cost or 0 for c in members)
            value = lot.contract.annual_value
            item = QTreeWidgetItem([f"{lot.code}  {lot.name}".strip(), str(len(members)),
                                    short_money(value),
                                    str(len(findings_of.get(lot.id, [])))])
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
            if findings_of.get(lot.id):
                item.setToolTip(3, plain_tooltip("\n".join(findings_of[lot.id])))
            for alignment_column in (1, 2, 3):
                item.setTextAlignment(alignment_column, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            for c in members:
                child = QTreeWidgetItem([c.name])
                child.setIcon(0, kind_icon(c.kind))
                child.setData(0, COMPONENT_ROLE, c.id)
                child.setToolTip(0, plain_tooltip(c.name))
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            item.setExpanded(lot.id in expanded)

        loose = [model.component(cid) for cid in unassigned_services(model, plan)]
        if loose and plan.lots:
            item = QTreeWidgetItem([f"Not in a lot ({len(loose)})", str(len(loose)), "", ""])
            item.setData(0, LOT_ROLE, "")
            item.setForeground(0, UNASSIGNED_INK)
            item.setToolTip(0, plain_tooltip("Procured council services that no lot of this "
                                             "plan includes"))
            for c in loose:
                child = QTreeWidgetItem([c.name])
                child.setIcon(0, kind_icon(c.kind))
                child.setData(0, COMPONENT_ROLE, c.id)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
        if current and plan.lot(current):
            self.select_lot(current)
        self.tree.blockSignals(False)

        total = sum(lot.contract.annual_value or 0 for lot in plan.lots)
        handoffs = cross_lot_handoffs(model)
        self.summary.setText(
            f"{len(plan.lots)} lot{'s' if len(plan.lots) != 1 else ''}, {money(total)} a year, "
            f"{handoffs} pathway{'s' if handoffs != 1 else ''} between lots"
            + (f", {len(loose)} procured service{'s' if len(loose) != 1 else ''} in no lot"
               if loose and plan.lots else ""))
        if self.regions is not None:
            self.regions.highlight(self.current_lot_id() if self.tree.selectedItems() else None)
        self._update_actions()
        self.refreshed.emit()

    def rows_wanted_height(self, most: int = 8) -> int:
        """How tall the lots list must be to show every lot row (up to `most`) unscrolled."""
        tree = self.tree
        rows = min(tree.topLevelItemCount(), most)
        row = tree.sizeHintForRow(0) if rows else 0
        return tree.header().sizeHint().height() + rows * row + 2 * tree.frameWidth() + 2

    def _update_actions(self) -> None:
        has_lot = self.current_lot_id() is not None
        selected = set(self.selected_components())
        # With no lot yet, Assign offers to make one (never silently nothing); Remove only
        # when a selected component is in a lot.
        self.assign_action.setEnabled(bool(selected) and (has_lot or not self.plan.lots))
        self.unassign_action.setEnabled(any(selected & set(lot.components)
                                            for lot in self.plan.lots))
        self.merge_action.setEnabled(has_lot and len(self.plan.lots) > 1)
        self.split_action.setEnabled(has_lot)
        for action in (self.contract_action, self.rename_lot_action, self.delete_lot_action):
            action.setEnabled(has_lot)
        self.delete_plan_action.setEnabled(len(self.doc.model.lot_plans) > 1)

    def _tree_selection_changed(self) -> None:
        """The commissioner chose rows: highlight the lot and select its members on the canvas
        (refresh blocks this signal, so edits never take the canvas selection away)."""
        lot_id = self.current_lot_id() if self.tree.selectedItems() else None
        if self.regions is not None:
            self.regions.highlight(lot_id)
        if self.tree.selectedItems():
            self.highlight_on_canvas()
        self._update_actions()
        self.lotSelected.emit(lot_id or "")

    def _double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        component_id = item.data(0, COMPONENT_ROLE)
        if component_id and self.scene is not None:
            self.scene.select_ids([component_id])
        elif item.data(0, LOT_ROLE):
            self.contractRequested.emit(item.data(0, LOT_ROLE))

    def highlight_on_canvas(self) -> None:
        """Select the chosen lot's components (or the chosen member rows) on the canvas."""
        if self.scene is None:
            return
        chosen = []
        for item in self.tree.selectedItems():
            if item.data(0, COMPONENT_ROLE):
                chosen.append(item.data(0, COMPONENT_ROLE))
            else:
                for i in range(item.childCount()):
                    chosen.append(item.child(i).data(0, COMPONENT_ROLE))
        self.scene.select_ids(chosen)

    def _tree_menu(self, pos) -> None:
        menu = QMenu(self)
        item = self.tree.itemAt(pos)
        if item is not None and item.data(0, COMPONENT_ROLE):
            component_id = item.data(0, COMPONENT_ROLE)
            self._add_move_menu(menu, [component_id])
            remove = menu.addAction("Remove from lot")
            remove.triggered.connect(lambda: self.unassign([component_id]))
        else:
            menu.addActions([self.contract_action, self.rename_lot_action, self.assign_action,
                             self.merge_action, self.split_action, self.delete_lot_action])
            menu.addSeparator()
            menu.addAction(self.new_lot_action)
            menu.addAction("Show on the canvas").triggered.connect(self.highlight_on_canvas)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _add_move_menu(self, menu: QMenu, component_ids: list[str]) -> None:
        move = menu.addMenu("Move to lot")
        for lot in self.plan.lots:
            action = move.addAction(lot_swatch(lot), f"{lot.code} {lot.name}".strip())
            action.triggered.connect(lambda checked=False, lot_id=lot.id:
                                     self.assign(lot_id, component_ids))
        move.addSeparator()
        move.addAction("New lot").triggered.connect(lambda: self.new_lot("", component_ids))

    def _dropped(self, component_ids: list[str], lot_id: str) -> None:
        if lot_id:
            self.assign(lot_id, component_ids)
        else:
            self.unassign(component_ids)

    def add_canvas_menu_actions(self, menu: QMenu, component_ids: list[str]) -> None:
        """For the canvas's context menu: move the clicked components to a lot, or out."""
        if not component_ids:
            return
        if not menu.isEmpty():
            menu.addSeparator()
        self._add_move_menu(menu, component_ids)
        menu.addAction("Remove from lot").triggered.connect(lambda: self.unassign(component_ids))

    # --- lot edits: one undo step each -------------------------------------------------------
    def _names(self, component_ids) -> str:
        names = [self.doc.model.component(c).name for c in component_ids]
        return names[0] if len(names) == 1 else f"{len(names)} components"

    def assign(self, lot_id: str, component_ids: list[str]) -> None:
        if not component_ids:
            self._say("Select components on the canvas first, then assign them to a lot.")
            return
        lot = self.plan.lot(lot_id)
        self.doc.replace_plan(lots.assign(self.plan, lot_id, component_ids),
                              f"Assign {self._names(component_ids)} to lot {lot.name}")
        self._say(f"{self._names(component_ids)} now in lot {lot.code} {lot.name}.")

    def assign_selection(self) -> None:
        lot_id = self.current_lot_id()
        chosen = self.selected_components()
        if not self.plan.lots and chosen:
            if messages.choose(self, "No lots yet",
                               f"{self.plan.name} has no lots yet. Put {self._names(chosen)} "
                               "in a new lot?", ["Create a Lot", "Cancel"]) == "Create a Lot":
                self.new_lot("", chosen)
            return
        if lot_id is None:
            self._say("Choose a lot in the Lots panel first.")
            return
        self.assign(lot_id, self.selected_components())

    def unassign(self, component_ids: list[str]) -> None:
        if component_ids:
            self.doc.replace_plan(lots.unassign(self.plan, component_ids),
                                  f"Remove {self._names(component_ids)} from its lot")

    def unassign_selection(self) -> None:
        chosen = self.selected_components() or [
            item.data(0, COMPONENT_ROLE) for item in self.tree.selectedItems()
            if item.data(0, COMPONENT_ROLE)]
        self.unassign(chosen)

    def new_lot(self, name: str = "", component_ids=()) -> str | None:
        try:
            plan, lot_id = lots.add_lot(self.plan, name, component_ids)
        except ValueError as e:
            self._refused(e)
            return None
        lot = plan.lot(lot_id)
        self.doc.replace_plan(plan, f"Add lot {lot.name}")
        self.refresh()
        self.select_lot(lot_id)
        return lot_id

    def new_lot_from_selection(self) -> str:
        return self.new_lot("", self.selected_components())

    def merge(self, keep_id: str, other_id: str, name: str | None = None,
              in_copy: bool = False, copy_name: str | None = None) -> None:
        """Merge two lots of the shown plan, or (in_copy) of a new copy of it, which is then
        shown: the original stays as it was for the options appraisal, which compares the copy
        with it. One undo step."""
        keep, other = self.plan.lot(keep_id), self.plan.lot(other_id)
        text = f"Merge lots {keep.name} and {other.name}"
        try:
            if in_copy:
                plans, copy_id = lots.merge_in_copy(self.doc.model.lot_plans, self.plan.id,
                                                    keep_id, other_id, name, copy_name)
                self.doc.set_plans(plans, copy_id, text + " in a copy of the plan")
            else:
                self.doc.replace_plan(lots.merge_lots(self.plan, keep_id, other_id, name), text)
        except ValueError as e:
            self._refused(e)
            return
        merged = self.plan
        self.refresh()
        self.select_lot(keep_id)
        self._say(f"Merged {other.name} into {merged.lot(keep_id).name}.")

    def merge_dialog(self) -> None:
        chosen = self.selected_lot_ids()
        keep_id = chosen[0] if chosen else self.current_lot_id()
        if keep_id is None:
            return
        keep = self.plan.lot(keep_id)
        others = [lot for lot in self.plan.lots if lot.id != keep_id]
        dialog = MergeDialog(keep, others, self, self.plan.name)
        if len(chosen) > 1:
            dialog.other.setCurrentIndex(dialog.other.findData(chosen[1]))
            dialog.name.setText(f"{keep.name} and {self.plan.lot(chosen[1]).name}")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.merge(keep_id, dialog.other.currentData(), dialog.name.text(),
                       dialog.in_copy.isChecked(), dialog.copy_name.text())

    def split(self, lot_id: str, component_ids: list[str], name: str) -> str | None:
        lot = self.plan.lot(lot_id)
        if not set(component_ids) & set(lot.components):
            self._say(f"Select on the canvas the components of {lot.name} that should form "
                      "the new lot, then split.")
            return None
        try:
            plan, new_id = lots.split_lot(self.plan, lot_id, component_ids, name)
        except ValueError as e:
            self._refused(e)
            return None
        self.doc.replace_plan(plan, f"Split {plan.lot(new_id).name} off lot {lot.name}")
        self.refresh()
        self.select_lot(new_id)
        return new_id

    def split_dialog(self) -> None:
        lot_id = self.current_lot_id()
        if lot_id is None:
            return
        lot = self.plan.lot(lot_id)
        moving = [c for c in self.selected_components() if c in lot.components]
        if not moving or len(moving) == len(lot.components):
            self._say(f"Select on the canvas some (not all) of the components of {lot.name} "
                      "to split them off into a new lot.")
            return
        name, ok = QInputDialog.getText(self, "Split lot",
                                        f"Name of the new lot ({len(moving)} components):",
                                        text=f"{lot.name} (split)")
        if ok:
            self.split(lot_id, moving, name)

    def rename_lot(self, lot_id: str, name: str) -> None:
        old = self.plan.lot(lot_id).name
        try:
            self.doc.replace_plan(lots.rename_lot(self.plan, lot_id, name), f"Rename lot {old}")
        except ValueError as e:
            self._refused(e)

    def rename_lot_dialog(self) -> None:
        lot_id = self.current_lot_id()
        if lot_id is None:
            return
        name, ok = QInputDialog.getText(self, "Rename lot", "Lot name:",
                                        text=self.plan.lot(lot_id).name)
        if ok and name.strip():
            self.rename_lot(lot_id, name)

    def delete_lot(self, lot_id: str) -> None:
        name = self.plan.lot(lot_id).name
        self.doc.replace_plan(lots.remove_lot(self.plan, lot_id), f"Delete lot {name}")
        self._say(f"Deleted lot {name}; its components are in no lot now (Undo brings it back).")

    def delete_current_lot(self) -> None:
        lot_id = self.current_lot_id()
        if lot_id is not None:
            self.delete_lot(lot_id)

    def open_contract(self) -> None:
        lot_id = self.current_lot_id()
        if lot_id is not None:
            self.contractRequested.emit(lot_id)

    # --- plan edits ----------------------------------------------------------------------------
    def _plan_chosen(self, index: int) -> None:
        self.switch_plan(self.plan_combo.itemData(index))

    def switch_plan(self, plan_id: str) -> None:
        self.doc.set_active_plan(plan_id)

    def add_plan(self, name: str = "") -> str | None:
        try:
            plans, plan_id = lots.add_plan(self.doc.model.lot_plans, name)
        except ValueError as e:
            self._refused(e)
            return None
        self.doc.set_plans(plans, plan_id, f"Add lot plan {plans[-1].name}")
        return plan_id

    def add_plan_dialog(self) -> None:
        name, ok = QInputDialog.getText(self, "New lot plan", "Name of the new lot plan:",
                                        text=f"Lot plan {len(self.doc.model.lot_plans) + 1}")
        if ok:
            self.add_plan(name)

    def duplicate_plan(self) -> str | None:
        try:
            plans, plan_id = lots.duplicate_plan(self.doc.model.lot_plans, self.plan.id)
        except ValueError as e:
            self._refused(e)
            return None
        self.doc.set_plans(plans, plan_id, f"Duplicate lot plan {self.plan.name}")
        return plan_id

    def rename_plan(self, name: str) -> None:
        old = self.plan.name
        try:
            plans = lots.rename_plan(self.doc.model.lot_plans, self.plan.id, name)
        except ValueError as e:
            self._refused(e)
            return
        self.doc.set_plans(plans, self.plan.id, f"Rename lot plan {old}")

    def rename_plan_dialog(self) -> None:
        name, ok = QInputDialog.getText(self, "Rename lot plan", "Lot plan name:",
                                        text=self.plan.name)
        if ok and name.strip():
            self.rename_plan(name)

    def delete_plan(self) -> None:
        if len(self.doc.model.lot_plans) <= 1:
            self._say("A model keeps at least one lot plan.")
            return
        name = self.plan.name
        plans, active = lots.delete_plan(self.doc.model.lot_plans, self.plan.id,
                                         self.doc.model.active_plan)
        self.doc.set_plans(plans, active, f"Delete lot plan {name}")
        self._say(f"Deleted lot plan {name} (Undo brings it back).")


def install_lots(window) -> LotsPanel:
    """Add the lots feature to a MainWindow: the Lots dock, a Lots menu (lot edits, contract,
    funding, options appraisal, lot schedule export) and the contract window."""
    # The dialogs and the lot schedule export (openpyxl alone is 0.13 s) are imported when
    # first used, not while the window is being built.
    panel = LotsPanel(window.doc, window.scene)
    window.add_dock("lots", "Lots", panel, Qt.DockWidgetArea.RightDockWidgetArea)
    dialogs: dict[str, QDialog] = {}

    def show(key: str, make) -> QDialog:
        if key not in dialogs:
            dialogs[key] = make()
        dialogs[key].show()
        dialogs[key].raise_()
        dialogs[key].activateWindow()
        return dialogs[key]

    def open_contract(lot_id: str) -> None:
        from ..dialogs.contract import ContractDialog
        show("contract", lambda: ContractDialog(window.doc, lot_id, window)).editor.set_lot(lot_id)

    def export(kind: str) -> None:
        from PySide6.QtWidgets import QFileDialog

        from models.lot_export import ExportError, write_csv, write_xlsx
        plan = window.doc.model.plan()
        suffix = {"xlsx": "Excel workbook (*.xlsx)", "csv": "CSV (*.csv)"}[kind]
        stem = f"{window.doc.path.stem} - {plan.name}" if window.doc.path else plan.name
        start = start_folder(window.doc.path) / f"{stem}.{kind}"
        path, _ = QFileDialog.getSaveFileName(window, "Export lot schedule", str(start), suffix)
        if not path:
            return
        try:
            (write_xlsx if kind == "xlsx" else write_csv)(window.doc.model, path)
        except ExportError as e:
            messages.tell(window, "Lot schedule not written", str(e))
            return
        window.statusBar().showMessage(f"Wrote the lot schedule of {plan.name} to {path}.", 8000)

    def follow_lot(lot_id: str) -> None:
        # An open contract window follows the lot chosen in the dock.
        if lot_id and "contract" in dialogs and dialogs["contract"].isVisible():
            dialogs["contract"].editor.set_lot(lot_id)

    panel.contractRequested.connect(open_contract)
    panel.lotSelected.connect(follow_lot)
    menu = QMenu("&Lots", window)
    window.menuBar().insertMenu(window.menus["help"].menuAction(), menu)
    window.menus["lots"] = menu
    for action in panel.actions_for_menu():
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)
            window.addAction(action)  # shortcuts work wherever the focus is in the window
    menu.addSeparator()
    for text, slot in (
            ("&Funding...", lambda: show("funding", lambda: _dialog("funding", window))),
            ("&Options Appraisal...",
             lambda: show("appraisal", lambda: _dialog("appraisal", window))),
            ("&Procurement...", lambda: show("procurement", lambda: _dialog("procurement",
                                                                            window))),
            ("Export Lot Schedule as &Excel...", lambda: export("xlsx")),
            ("Export Lot Schedule as &CSV...", lambda: export("csv"))):
        action = menu.addAction(text)
        action.setObjectName("act-" + text.replace("&", "").rstrip(".").lower().replace(" ", "-"))
        action.triggered.connect(slot)
    panel.dialogs = dialogs
    _add_canvas_menu(window, panel)
    return panel


def _dialog(name: str, window) -> QDialog:
    if name == "funding":
        from ..dialogs.funding import FundingDialog
        return FundingDialog(window.doc, window)
    if name == "procurement":
        from ..dialogs.procurement import ProcurementDialog
        return ProcurementDialog(window.doc, window)
    from ..dialogs.appraisal import AppraisalDialog
    return AppraisalDialog(window.doc, window)


def _add_canvas_menu(window, panel: LotsPanel) -> None:
    """Right-click on canvas boxes: move them to a lot or out of it. Installed only while the
    canvas has no context menu of its own (it would take precedence over this one)."""
    from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

    from ..canvas.items import ComponentItem

    view, scene = window.view, window.scene
    if type(view).contextMenuEvent is not QGraphicsView.contextMenuEvent or \
            type(scene).contextMenuEvent is not QGraphicsScene.contextMenuEvent:
        return

    def show_menu(pos) -> None:
        item = next((i for i in scene.items(view.mapToScene(pos))
                     if isinstance(i, ComponentItem)), None)
        if item is None:
            return
        if not item.isSelected():
            scene.select_ids([item.component_id])
        menu = QMenu(view)
        panel.add_canvas_menu_actions(menu, scene.selected_ids()[0])
        menu.exec(view.viewport().mapToGlobal(pos))

    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(show_menu)
