"""The top of the Lots dock: which lot plan is shown, and the Plans menu (new, duplicate, rename,
delete plan). Each change is built with models.lots and goes through Document.set_plans or
set_active_plan, so it is one undo step and saved in the file."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QInputDialog, QLabel, QMenu, QToolButton,
                               QWidget)

from models import lots

from ..document import Document


def make_action(parent: QObject, text: str, slot, shortcut: str | None = None,
                tip: str = "") -> QAction:
    action = QAction(text, parent)
    action.triggered.connect(lambda checked=False: slot())
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    return action


def refusal(error: ValueError) -> str:
    """The status line for an edit models.lots refused."""
    return f"Not changed: {str(error).splitlines()[0]}."


class PlanBar(QWidget):
    """'Lot plan: [the plan shown] [Plans]', and the plan actions of the Lots menu."""

    statusMessage = Signal(str)

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.plan_combo = QComboBox()
        self.plan_combo.setAccessibleName("Lot plan shown")
        self.plan_combo.setToolTip("The lot plan shown on the canvas, judged by the checks and "
                                   "printed in the lot pack. It is saved with the model, so "
                                   "choosing another is a change you can undo. To compare "
                                   "plans without choosing, use Lots > Options Appraisal.")
        self.plan_combo.activated.connect(
            lambda index: self.switch_plan(self.plan_combo.itemData(index)))

        self.add_plan_action = make_action(self, "New lot plan…", self.add_plan_dialog)
        self.duplicate_plan_action = make_action(self, "Duplicate lot plan", self.duplicate_plan,
                                                 tip="Copy this plan to try another cut")
        self.rename_plan_action = make_action(self, "Rename lot plan…", self.rename_plan_dialog)
        self.delete_plan_action = make_action(self, "Delete lot plan", self.delete_plan)
        plan_menu = QMenu(self)
        plan_menu.addActions(self.actions_for_menu())
        plan_button = QToolButton(text="Plans",
                                  popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        plan_button.setMenu(plan_menu)

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Lot plan:"))
        row.addWidget(self.plan_combo, 1)
        row.addWidget(plan_button)

    def actions_for_menu(self) -> list[QAction]:
        return [self.add_plan_action, self.duplicate_plan_action, self.rename_plan_action,
                self.delete_plan_action]

    @property
    def plan(self):
        return self.doc.model.plan()

    def refresh(self) -> None:
        model = self.doc.model
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for p in model.lot_plans:
            self.plan_combo.addItem(p.name, p.id)
        self.plan_combo.setCurrentIndex(self.plan_combo.findData(model.active_plan))
        self.plan_combo.blockSignals(False)

    def update_actions(self) -> None:
        self.delete_plan_action.setEnabled(len(self.doc.model.lot_plans) > 1)

    # --- plan edits: one undo step each ------------------------------------------------------
    def switch_plan(self, plan_id: str) -> None:
        self.doc.set_active_plan(plan_id)

    def add_plan(self, name: str = "") -> str | None:
        try:
            plans, plan_id = lots.add_plan(self.doc.model.lot_plans, name)
        except ValueError as e:
            self.statusMessage.emit(refusal(e))
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
            self.statusMessage.emit(refusal(e))
            return None
        self.doc.set_plans(plans, plan_id, f"Duplicate lot plan {self.plan.name}")
        return plan_id

    def rename_plan(self, name: str) -> None:
        old = self.plan.name
        try:
            plans = lots.rename_plan(self.doc.model.lot_plans, self.plan.id, name)
        except ValueError as e:
            self.statusMessage.emit(refusal(e))
            return
        self.doc.set_plans(plans, self.plan.id, f"Rename lot plan {old}")

    def rename_plan_dialog(self) -> None:
        name, ok = QInputDialog.getText(self, "Rename lot plan", "Lot plan name:",
                                        text=self.plan.name)
        if ok and name.strip():
            self.rename_plan(name)

    def delete_plan(self) -> None:
        if len(self.doc.model.lot_plans) <= 1:
            self.statusMessage.emit("A model keeps at least one lot plan.")
            return
        name = self.plan.name
        plans, active = lots.delete_plan(self.doc.model.lot_plans, self.plan.id,
                                         self.doc.model.active_plan)
        self.doc.set_plans(plans, active, f"Delete lot plan {name}")
        self.statusMessage.emit(f"Deleted lot plan {name} (Undo brings it back).")
