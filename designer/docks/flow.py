"""The "Demand and capacity" panel and the Flow view (docs/flow.md).

The panel shows models.flow's figures per component, per lot or per cohort, in a sortable
table; a click on a row selects its boxes. The figures are the ones the document's debounced
check run worked out (`Document.flow`): the panel does not work them out again, and adds the
lot and cohort totals only when they are shown. "Referrals up or down by N%" shows the same
figures for a scaled demand, worked out here, without editing the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt,
                            QTimer, Signal)
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (QComboBox, QFormLayout, QFrame, QHeaderView, QLabel,
                               QPushButton, QScrollArea, QSizePolicy, QSpinBox, QSplitter,
                               QTableView, QVBoxLayout, QWidget)

from models.flow_table import (COHORT_ROWS, COLUMN_NOTES, COLUMNS, LOT_ROWS, cells, component_rows,
                               maximum_sentence, scenario_words, summary_lines)
from models.wording import two_lines

from ..document import Document
from ..canvas.flow_overlay import FlowOverlay
from ..widgets.plain_text import plain_tooltip

if TYPE_CHECKING:
    from models.flow import ComponentFlow, FlowResult, Totals

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
IDS_ROLE = Qt.ItemDataRole.UserRole + 2
VIEWS = {"components": "Each component", "lots": "Each lot of the active plan",
         "cohorts": "Each cohort (its services added up)"}
FIRST_COLUMN = {"components": "Component", "lots": "Lot", "cohorts": "Cohort"}
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class FlowTableModel(QAbstractTableModel):
    """The figures as plain Python rows: the texts, the sort keys and the component ids of
    each row, made once per refresh (no item objects for Qt and Python to share)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.first_title = FIRST_COLUMN["components"]
        self.texts: list[list[str]] = []
        self.keys: list[list[str | float]] = []
        self.ids: list[list[str]] = []

    def set_rows(self, rows: list[tuple[ComponentFlow | Totals, list[str]]],
                 first_title: str) -> None:
        self.beginResetModel()
        self.first_title = first_title
        self.texts = [cells(row) for row, _ in rows]
        self.keys = [[text.lower() if not column.numeric else
                      (-1e300 if (value := column.value(row)) is None else value)
                      for column, text in zip(COLUMNS, texts)]
                     for (row, _), texts in zip(rows, self.texts)]
        self.ids = [list(ids) for _, ids in rows]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.texts)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.texts[row][column]
        if role == SORT_ROLE:
            return self.keys[row][column]
        if role == IDS_ROLE:
            return self.ids[row]
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[column].numeric:
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return plain_tooltip(self.texts[row][0])  # a long name cut short by the column
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        title = self.first_title if section == 0 else COLUMNS[section].title
        if role == Qt.ItemDataRole.DisplayRole:
            # Figures are short and their headings long: two lines let a laptop's bottom dock
            # show every column without scrolling sideways.
            return title if section == 0 else two_lines(title)
        notes = {"Lot": LOT_ROWS, "Cohort": COHORT_ROWS} if section == 0 else COLUMN_NOTES
        note = notes.get(title)
        if role == Qt.ItemDataRole.ToolTipRole and note:
            return plain_tooltip(note)
        return None


class FlowPanel(QWidget):
    showComponents = Signal(list)  # component ids to select and centre
    computed = Signal()  # new figures (for the Flow view)

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.result: FlowResult | None = None
        self.setAccessibleName("Demand and capacity")
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # names come from the file
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAccessibleName("Demand and capacity summary")
        self.view_combo = QComboBox()
        self.view_combo.setAccessibleName("Show figures for")
        for key, label in VIEWS.items():
            self.view_combo.addItem(label, key)
        self.scale_spin = QSpinBox()
        self.scale_spin.setRange(-90, 300)
        self.scale_spin.setSingleStep(5)
        self.scale_spin.setSuffix(" %")
        self.scale_spin.setValue(0)
        self.scale_spin.setAccessibleName("Referrals up or down by percent")
        self.scale_spin.setToolTip("See the figures if referrals rose or fell by this much. "
                                   "The model is not changed.")
        # The maximum flow is on demand (a second or so at national size), not on every edit.
        self.most_button = QPushButton("Most the system could carry")
        self.most_button.setToolTip("Work out the most people a year the system could carry "
                                    "with today's capacities, and select the services that "
                                    "limit it. The model is not changed.")
        self.most_label = QLabel()
        self.most_label.setTextFormat(Qt.TextFormat.PlainText)  # names come from the file
        self.most_label.setWordWrap(True)
        self.most_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.most_label.hide()
        self.most_button.clicked.connect(self.work_out_most)
        controls = QFormLayout()
        controls.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        controls.addRow("Show", self.view_combo)
        controls.addRow("Referrals up or down by", self.scale_spin)
        self.table_model = FlowTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.table_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        # File order until the user clicks a column heading.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName("Demand and capacity figures")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # Names are cut with "…" (the tool tip has them whole) and the user can widen the
        # column: at its full width a long route name pushed the figures out of a laptop's view.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, self.table.fontMetrics().averageCharWidth() * 24)
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        # Compact rows: a bottom dock on a 1366x768 laptop is about 200 pixels high.
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        # The table takes the dock's whole height; the controls and the summary lines go
        # beside it (above it they left room for one row), scrolling if the dock is low.
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 0, 2, 0)
        side_layout.addLayout(controls)
        side_layout.addWidget(self.most_button, 0, Qt.AlignmentFlag.AlignLeft)
        side_layout.addWidget(self.most_label)
        side_layout.addWidget(self.summary)
        side_layout.addStretch(1)
        self.summary.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.side = QScrollArea()
        self.side.setWidget(side)
        self.side.setWidgetResizable(True)
        self.side.setFrameShape(QFrame.Shape.NoFrame)
        self.side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side.setMinimumWidth(200)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([3000, 280])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self._timer = QTimer(self, singleShot=True, interval=150)  # spin box typing
        self._timer.timeout.connect(self.refresh)
        self.scale_spin.valueChanged.connect(lambda _: self._timer.start())
        self.view_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.wanted = lambda: self.isVisible()  # replaced by install_flow
        self.overlay: FlowOverlay | None = None  # set by install_flow
        # Bound methods, not lambdas: Qt drops them when the panel goes, though the document
        # may outlive the window.
        document.findingsChanged.connect(self._maybe_refresh)
        document.modelReset.connect(self._model_reset)

    @property
    def scale(self) -> float:
        return 1 + self.scale_spin.value() / 100

    def _model_reset(self) -> None:
        if self.overlay is not None:
            self.overlay.items.clear()  # the scene deleted them with its items
        self.result = None

    def _maybe_refresh(self) -> None:
        self.most_label.hide()  # worked out for the model before this change
        if self.wanted():
            self.refresh()

    def work_out_most(self) -> None:
        from models.flow import maximum_flow

        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            best = maximum_flow(self.doc.model)
        finally:
            QGuiApplication.restoreOverrideCursor()
        names = {c.id: c.name for c in self.doc.model.components}
        self.most_label.setText(maximum_sentence(best, names))
        self.most_label.show()
        if best.limiting:
            self.showComponents.emit(list(best.limiting))

    def refresh(self) -> None:
        if self.doc.flush_checks() and self.wanted():
            return  # an edit's check was due: it ran, and its findingsChanged refreshed us
        if self.scale_spin.value():
            from models.flow import run_flow  # networkx: imported by the first check anyway

            self.result = run_flow(self.doc.model, scale=self.scale, totals=False)
        else:
            self.result = self.doc.flow  # the check run's figures: not worked out again
        if self.result is None:  # the first check has not run yet: it refreshes us
            self.summary.setText("Working out the figures…")
            self.table_model.set_rows([], FIRST_COLUMN[self.view_combo.currentData()])
            return
        self.summary.setText("\n".join(summary_lines(self.result, self.doc.model)))
        self._fill()
        self.computed.emit()

    def _fill(self) -> None:
        if self.result is None:
            return
        key = self.view_combo.currentData()
        if key == "components":
            rows = [(r, [r.id]) for r in component_rows(self.doc.model, self.result)]
        else:
            if not self.result.has_totals:
                from models.flow import add_totals

                add_totals(self.result, self.doc.model)
            groups = self.result.lots if key == "lots" else self.result.cohorts
            rows = [(g, g.members) for g in groups]
        self.table_model.set_rows(rows, FIRST_COLUMN[key])

    def _clicked(self, index) -> None:
        ids = index.data(IDS_ROLE)
        if ids:
            self.showComponents.emit(list(ids))


def install_flow(window) -> FlowPanel:
    """Add the Demand and capacity dock (beside the Checks) and View > Flow view."""
    panel = FlowPanel(window.doc)
    dock = window.add_dock("flow", "Demand and capacity", panel,
                           Qt.DockWidgetArea.BottomDockWidgetArea, tabify_with="checks")
    overlay = FlowOverlay(window.scene)
    action = QAction("&Flow view (people a year)", window, checkable=True)
    action.setToolTip("Draw the people a year on each pathway, and each service's arrivals "
                      "against its capacity")
    window.menus["view"].addAction(action)
    panel.wanted = lambda: dock.isVisible() or action.isChecked()

    # The Flow view of a "referrals up or down" question says so where the canvas is read:
    # its bars and numbers are not the model's.
    scenario = QLabel()
    scenario.setTextFormat(Qt.TextFormat.PlainText)
    scenario.setAccessibleName("Flow view scenario")
    window.statusBar().addPermanentWidget(scenario)
    scenario.hide()

    def draw() -> None:
        shown = action.isChecked() and panel.result is not None
        if shown:
            overlay.show(panel.result)
        else:
            overlay.clear()
        words = scenario_words(panel.result) if shown else ""
        scenario.setText(f"Flow view: {words[0].lower()}{words[1:]}" if words else "")
        scenario.setVisible(bool(words))

    def toggled(on: bool) -> None:
        if on:
            panel.refresh()
        else:
            overlay.clear()
            scenario.hide()

    action.toggled.connect(toggled)
    panel.computed.connect(draw)
    dock.visibilityChanged.connect(lambda shown: shown and panel.refresh())
    grown = []

    def grow(shown: bool) -> None:
        """The first time the tab is raised, room for about eight rows (as the Tables tab)."""
        if shown and not grown and not dock.isFloating():
            grown.append(True)
            wanted = min(300, window.height() * 3 // 10)
            if dock.height() < wanted:
                window.resizeDocks([dock], [wanted], Qt.Orientation.Vertical)

    dock.visibilityChanged.connect(grow)
    panel.showComponents.connect(window.show_components)
    panel.flow_action = action
    panel.overlay = overlay
    return panel
