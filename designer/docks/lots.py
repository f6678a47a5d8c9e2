"""The lots dock: choose and manage lot plans, see the lots of the active plan, and cut the
model into lots: assign the canvas selection, remove, merge, split, delete.

The dock owns three parts: the plan bar (lot_plans.py), the lot rows (lot_tree.py) and the lot
edits (lot_edits.py). Every change goes through Document.replace_plan / set_plans, so each is
exactly one undo step and is saved in the file. Selecting a lot highlights its region and
selects its components on the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QMenu, QToolButton, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from models.lots import unassigned_services
from models.metrics import cross_lot_handoffs, money

from .. import messages
from ..platform import start_folder
from ..canvas.lot_regions import LotRegions
from ..canvas.scene import ModelScene
from ..document import Document
from .lot_edits import LotEdits, MergeDialog  # noqa: F401  MergeDialog: the tests' address
from .lot_plans import PlanBar
from .lot_tree import COMPONENT_ROLE, LOT_ROLE, LotsTree


class LotsPanel(QWidget):
    """The Lots dock: the plan bar, the lot rows, the lot buttons and a one-line summary. It
    keeps them in step with the document and the canvas; the parts make the edits."""

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

        self.plans = PlanBar(document)
        self.tree = LotsTree(document)
        self.edits = LotEdits(document, self.tree, scene, self)
        self.plans.statusMessage.connect(self._say)
        self.edits.statusMessage.connect(self._say)
        self.edits.lotMade.connect(self._show_made)
        self.edits.contractRequested.connect(self.contractRequested)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.tree.itemSelectionChanged.connect(self._tree_selection_changed)
        self.tree.itemDoubleClicked.connect(self._double_clicked)

        # The names the window, its menus and the tests use for what the parts do.
        self.plan_combo = self.plans.plan_combo
        self.add_plan, self.duplicate_plan = self.plans.add_plan, self.plans.duplicate_plan
        self.rename_plan, self.delete_plan = self.plans.rename_plan, self.plans.delete_plan
        self.rename_plan_dialog = self.plans.rename_plan_dialog
        edits = self.edits
        self.new_lot_action, self.contract_action = edits.new_lot_action, edits.contract_action
        self.assign_action, self.unassign_action = edits.assign_action, edits.unassign_action
        self.merge_action, self.split_action = edits.merge_action, edits.split_action
        self.new_lot, self.new_lot_from_selection = edits.new_lot, edits.new_lot_from_selection
        self.merge, self.unassign = edits.merge, edits.unassign
        self.rename_lot, self.delete_lot = edits.rename_lot, edits.delete_lot
        self.rename_lot_dialog = edits.rename_lot_dialog
        self.add_canvas_menu_actions = edits.add_canvas_menu_actions
        self.rows_wanted_height = self.tree.rows_wanted_height

        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        buttons = QHBoxLayout()
        for action in (edits.new_lot_action, edits.assign_action, edits.unassign_action,
                       edits.merge_action, edits.split_action, edits.contract_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plans)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        self.addActions([edits.assign_action, edits.unassign_action])

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

    def actions_for_menu(self) -> list[QAction | None]:
        """The Lots menu of the main window (None marks a separator)."""
        return [*self.edits.actions_for_menu(), None, *self.plans.actions_for_menu()]

    @property
    def plan(self):
        return self.doc.model.plan()

    def select_lot(self, lot_id: str | None) -> None:
        if self.tree.select_lot(lot_id):  # no selection signal: still show the lot as it is
            self._tree_selection_changed()  # now (a merge)

    def _show_made(self, lot_id: str) -> None:
        self.refresh()
        self.select_lot(lot_id)

    def _say(self, message: str) -> None:
        self.statusMessage.emit(message)
        if self.scene is not None:
            self.scene.statusMessage.emit(message)

    # --- showing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self._refresh_timer.stop()
        model, plan = self.doc.model, self.plan
        self.plans.refresh()
        loose = [model.component(cid) for cid in unassigned_services(model, plan)]
        self.tree.refresh(loose)
        total = sum(lot.contract.annual_value or 0 for lot in plan.lots)
        handoffs = cross_lot_handoffs(model)
        self.summary.setText(
            f"{len(plan.lots)} lot{'s' if len(plan.lots) != 1 else ''}, {money(total)} a year, "
            f"{handoffs} pathway{'s' if handoffs != 1 else ''} between lots"
            + (f", {len(loose)} procured service{'s' if len(loose) != 1 else ''} in no lot"
               if loose and plan.lots else ""))
        if self.regions is not None:
            self.regions.highlight(self.tree.current_lot_id() if self.tree.selectedItems()
                                   else None)
        self._update_actions()
        self.refreshed.emit()

    def _update_actions(self) -> None:
        self.edits.update_actions()
        self.plans.update_actions()

    def _tree_selection_changed(self) -> None:
        """The commissioner chose rows: highlight the lot and select its members on the canvas
        (refresh blocks this signal, so edits never take the canvas selection away)."""
        lot_id = self.tree.current_lot_id() if self.tree.selectedItems() else None
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
        if self.scene is not None:
            self.scene.select_ids(self.tree.chosen_member_ids())

    def _tree_menu(self, pos) -> None:
        menu = QMenu(self)
        item = self.tree.itemAt(pos)
        edits = self.edits
        if item is not None and item.data(0, COMPONENT_ROLE):
            component_id = item.data(0, COMPONENT_ROLE)
            edits.add_move_menu(menu, [component_id])
            remove = menu.addAction("Remove from lot")
            remove.triggered.connect(lambda: edits.unassign([component_id]))
        else:
            menu.addActions([edits.contract_action, edits.rename_lot_action,
                             edits.assign_action, edits.merge_action, edits.split_action,
                             edits.delete_lot_action])
            menu.addSeparator()
            menu.addAction(edits.new_lot_action)
            menu.addAction("Show on the canvas").triggered.connect(self.highlight_on_canvas)
        menu.exec(self.tree.viewport().mapToGlobal(pos))


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
