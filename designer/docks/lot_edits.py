"""The lot edits of the Lots dock: new lot, assign, remove, merge, split, rename, delete lot,
and the Move to lot menus of the lot rows and the canvas.

Every change is built with models.lots and goes through Document.replace_plan / set_plans, so
each is exactly one undo step and is saved in the file.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QInputDialog, QLabel, QLineEdit, QMenu, QWidget)

from models import lots
from models.schema import Lot

from .. import messages
from ..canvas.scene import ModelScene
from ..document import Document
from ..widgets.plain_text import plain_label
from ..widgets.screens import fit_to_screen
from .lot_plans import make_action, refusal
from .lot_tree import COMPONENT_ROLE, LotsTree, lot_swatch


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


class LotEdits(QObject):
    """The lot actions of the dock and the Lots menu, and the edits they make. They act on the
    lot chosen in the tree and the components selected on the canvas."""

    statusMessage = Signal(str)
    lotMade = Signal(str)  # a lot made, merged or split off: the dock shows it chosen
    contractRequested = Signal(str)  # lot id: open its contract editor

    def __init__(self, document: Document, tree: LotsTree, scene: ModelScene | None,
                 panel: QWidget):
        super().__init__(panel)
        self.doc, self.tree, self.scene = document, tree, scene
        self.panel = panel  # the dialogs' parent and the actions' owner
        self.new_lot_action = make_action(
            panel, "New lot", self.new_lot_from_selection, tip="Add a lot; the selected "
            "components on the canvas become its members")
        self.assign_action = make_action(
            panel, "Assign", self.assign_selection, "Ctrl+Shift+L",
            "Put the components selected on the canvas in the lot chosen here (Ctrl+Shift+L)")
        self.unassign_action = make_action(
            panel, "Remove", self.unassign_selection, "Ctrl+Shift+U",
            "Take the selected components out of their lot (Ctrl+Shift+U)")
        self.merge_action = make_action(panel, "Merge…", self.merge_dialog,
                                        tip="Merge the chosen lot with another lot")
        self.split_action = make_action(
            panel, "Split…", self.split_dialog, tip="Move the components selected on the "
            "canvas out of the chosen lot into a new lot")
        self.contract_action = make_action(panel, "Contract…", self.open_contract,
                                           tip="Contract terms, KPIs and funding of the lot")
        self.rename_lot_action = make_action(panel, "Rename lot…", self.rename_lot_dialog)
        self.delete_lot_action = make_action(panel, "Delete lot", self.delete_current_lot,
                                             tip="Delete the lot; its components stay on the "
                                                 "canvas, in no lot")
        self.assign_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.unassign_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        tree.componentsDropped.connect(self.dropped)

    def actions_for_menu(self) -> list[QAction | None]:
        """The lot part of the Lots menu (None marks a separator)."""
        return [self.new_lot_action, self.assign_action, self.unassign_action, None,
                self.merge_action, self.split_action, self.rename_lot_action,
                self.delete_lot_action, self.contract_action]

    @property
    def plan(self):
        return self.doc.model.plan()

    def selected_components(self) -> list[str]:
        # The scene may be mid-destruction when the window closes (it emits selectionChanged).
        if self.scene is None or not shiboken6.isValid(self.scene):
            return []
        return self.scene.selected_ids()[0]

    def update_actions(self) -> None:
        has_lot = self.tree.current_lot_id() is not None
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

    # --- Move to lot menus and drops --------------------------------------------------------
    def add_move_menu(self, menu: QMenu, component_ids: list[str]) -> None:
        move = menu.addMenu("Move to lot")
        for lot in self.plan.lots:
            action = move.addAction(lot_swatch(lot), f"{lot.code} {lot.name}".strip())
            action.triggered.connect(lambda checked=False, lot_id=lot.id:
                                     self.assign(lot_id, component_ids))
        move.addSeparator()
        move.addAction("New lot").triggered.connect(lambda: self.new_lot("", component_ids))

    def add_canvas_menu_actions(self, menu: QMenu, component_ids: list[str]) -> None:
        """For the canvas's context menu: move the clicked components to a lot, or out."""
        if not component_ids:
            return
        if not menu.isEmpty():
            menu.addSeparator()
        self.add_move_menu(menu, component_ids)
        menu.addAction("Remove from lot").triggered.connect(lambda: self.unassign(component_ids))

    def dropped(self, component_ids: list[str], lot_id: str) -> None:
        if lot_id:
            self.assign(lot_id, component_ids)
        else:
            self.unassign(component_ids)

    # --- lot edits: one undo step each -------------------------------------------------------
    def _names(self, component_ids) -> str:
        names = [self.doc.model.component(c).name for c in component_ids]
        return names[0] if len(names) == 1 else f"{len(names)} components"

    def assign(self, lot_id: str, component_ids: list[str]) -> None:
        if not component_ids:
            self.statusMessage.emit("Select components on the canvas first, then assign them to a lot.")
            return
        lot = self.plan.lot(lot_id)
        self.doc.replace_plan(lots.assign(self.plan, lot_id, component_ids),
                              f"Assign {self._names(component_ids)} to lot {lot.name}")
        self.statusMessage.emit(f"{self._names(component_ids)} now in lot {lot.code} {lot.name}.")

    def assign_selection(self) -> None:
        lot_id = self.tree.current_lot_id()
        chosen = self.selected_components()
        if not self.plan.lots and chosen:
            if messages.choose(self.panel, "No lots yet",
                               f"{self.plan.name} has no lots yet. Put {self._names(chosen)} "
                               "in a new lot?", ["Create a Lot", "Cancel"]) == "Create a Lot":
                self.new_lot("", chosen)
            return
        if lot_id is None:
            self.statusMessage.emit("Choose a lot in the Lots panel first.")
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
            self.statusMessage.emit(refusal(e))
            return None
        lot = plan.lot(lot_id)
        self.doc.replace_plan(plan, f"Add lot {lot.name}")
        self.lotMade.emit(lot_id)
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
            self.statusMessage.emit(refusal(e))
            return
        merged = self.plan
        self.lotMade.emit(keep_id)
        self.statusMessage.emit(f"Merged {other.name} into {merged.lot(keep_id).name}.")

    def merge_dialog(self) -> None:
        chosen = self.tree.selected_lot_ids()
        keep_id = chosen[0] if chosen else self.tree.current_lot_id()
        if keep_id is None:
            return
        keep = self.plan.lot(keep_id)
        others = [lot for lot in self.plan.lots if lot.id != keep_id]
        dialog = MergeDialog(keep, others, self.panel, self.plan.name)
        if len(chosen) > 1:
            dialog.other.setCurrentIndex(dialog.other.findData(chosen[1]))
            dialog.name.setText(f"{keep.name} and {self.plan.lot(chosen[1]).name}")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.merge(keep_id, dialog.other.currentData(), dialog.name.text(),
                       dialog.in_copy.isChecked(), dialog.copy_name.text())

    def split(self, lot_id: str, component_ids: list[str], name: str) -> str | None:
        lot = self.plan.lot(lot_id)
        if not set(component_ids) & set(lot.components):
            self.statusMessage.emit(f"Select on the canvas the components of {lot.name} that should form "
                      "the new lot, then split.")
            return None
        try:
            plan, new_id = lots.split_lot(self.plan, lot_id, component_ids, name)
        except ValueError as e:
            self.statusMessage.emit(refusal(e))
            return None
        self.doc.replace_plan(plan, f"Split {plan.lot(new_id).name} off lot {lot.name}")
        self.lotMade.emit(new_id)
        return new_id

    def split_dialog(self) -> None:
        lot_id = self.tree.current_lot_id()
        if lot_id is None:
            return
        lot = self.plan.lot(lot_id)
        moving = [c for c in self.selected_components() if c in lot.components]
        if not moving or len(moving) == len(lot.components):
            self.statusMessage.emit(f"Select on the canvas some (not all) of the components of {lot.name} "
                      "to split them off into a new lot.")
            return
        name, ok = QInputDialog.getText(self.panel, "Split lot",
                                        f"Name of the new lot ({len(moving)} components):",
                                        text=f"{lot.name} (split)")
        if ok:
            self.split(lot_id, moving, name)

    def rename_lot(self, lot_id: str, name: str) -> None:
        old = self.plan.lot(lot_id).name
        try:
            self.doc.replace_plan(lots.rename_lot(self.plan, lot_id, name), f"Rename lot {old}")
        except ValueError as e:
            self.statusMessage.emit(refusal(e))

    def rename_lot_dialog(self) -> None:
        lot_id = self.tree.current_lot_id()
        if lot_id is None:
            return
        name, ok = QInputDialog.getText(self.panel, "Rename lot", "Lot name:",
                                        text=self.plan.lot(lot_id).name)
        if ok and name.strip():
            self.rename_lot(lot_id, name)

    def delete_lot(self, lot_id: str) -> None:
        name = self.plan.lot(lot_id).name
        self.doc.replace_plan(lots.remove_lot(self.plan, lot_id), f"Delete lot {name}")
        self.statusMessage.emit(f"Deleted lot {name}; its components are in no lot now (Undo brings it back).")

    def delete_current_lot(self) -> None:
        lot_id = self.tree.current_lot_id()
        if lot_id is not None:
            self.delete_lot(lot_id)

    def open_contract(self) -> None:
        lot_id = self.tree.current_lot_id()
        if lot_id is not None:
            self.contractRequested.emit(lot_id)
