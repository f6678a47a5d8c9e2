"""Tables of components and pathways: a non-graphical way to read and edit the model (for
keyboard and screen-reader users, and for long models). Edits go through the Document."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer,
                            Signal)
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableView, QTabWidget, QVBoxLayout, QWidget)

from models.catalogue import COHORTS, COMMISSIONERS, KINDS, STAGE_NAMES

from ..document import Document
from ..icons import kind_icon

DISPLAY, EDIT, CHECK = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole,
                        Qt.ItemDataRole.CheckStateRole)
ID_ROLE = Qt.ItemDataRole.UserRole


class _Table(QAbstractTableModel):
    """A flat table of the model with a header row named by HEADERS."""

    HEADERS: list[str] = []

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=DISPLAY):
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return self.HEADERS[section]
        return None


class ComponentTable(_Table):
    HEADERS = ["Name", "Kind", "Stage", "Cohorts", "Commissioner", "Procured", "Capacity",
               "Annual cost (£)"]
    NAME, KIND, STAGE, COHORTS_, COMMISSIONER, PROCURED, CAPACITY, COST = range(8)

    def __init__(self, document: Document):
        super().__init__()
        self.doc = document
        self.error = ""
        self._rows: dict[str, int] | None = None  # component id -> row, built when needed
        for signal in (document.componentAdded, document.componentRemoved):
            signal.connect(self._reset)
        document.modelReset.connect(self._reset)
        document.componentChanged.connect(self._changed)

    def _reset(self, *_) -> None:
        self.beginResetModel()
        self._rows = None  # rows moved; rebuilt on the next lookup, once per burst of edits
        self.endResetModel()

    def row_of(self, component_id: str) -> int | None:
        if self._rows is None:
            self._rows = {c.id: i for i, c in enumerate(self.doc.model.components)}
        return self._rows.get(component_id)

    def _changed(self, component_id: str) -> None:
        row = self.row_of(component_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.doc.model.components)

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (self.NAME, self.CAPACITY, self.COST):
            return base | Qt.ItemFlag.ItemIsEditable
        if index.column() == self.PROCURED:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index, role=DISPLAY):
        c = self.doc.model.components[index.row()]
        col = index.column()
        if role == ID_ROLE:
            return c.id
        if role == Qt.ItemDataRole.DecorationRole and col == self.NAME:
            return kind_icon(c.kind)
        if role == CHECK and col == self.PROCURED:
            return Qt.CheckState.Checked if c.procured else Qt.CheckState.Unchecked
        if role == EDIT:
            return {self.NAME: c.name, self.CAPACITY: c.capacity if c.capacity is not None else 0,
                    self.COST: c.estimated_annual_cost or 0.0}.get(col)
        if role == DISPLAY:
            kind = KINDS[c.kind]
            return {self.NAME: c.name, self.KIND: kind.name, self.STAGE: STAGE_NAMES[kind.stage],
                    self.COHORTS_: ", ".join(COHORTS[x] for x in c.cohorts),
                    self.COMMISSIONER: COMMISSIONERS[c.commissioner],
                    self.CAPACITY: "" if c.capacity is None else f"{c.capacity:,}",
                    self.COST: "" if c.estimated_annual_cost is None
                    else f"{c.estimated_annual_cost:,.0f}"}.get(col)
        return None

    def setData(self, index, value, role=EDIT) -> bool:
        c = self.doc.model.components[index.row()]
        col = index.column()
        if role == CHECK and col == self.PROCURED:
            changes = {"procured": Qt.CheckState(value) == Qt.CheckState.Checked}
        elif role == EDIT and col in (self.NAME, self.CAPACITY, self.COST):
            field = {self.NAME: "name", self.CAPACITY: "capacity",
                     self.COST: "estimated_annual_cost"}[col]
            changes = {field: value}
        else:
            return False
        try:
            self.doc.update_component(c.id, changes)
        except ValidationError as e:
            self.error = f"Not changed: {e.errors()[0]['msg']}"
            return False
        return True


class PathwayTable(_Table):
    HEADERS = ["From", "To", "Label"]

    def __init__(self, document: Document):
        super().__init__()
        self.doc = document
        # Component id -> name source for the From and To cells. The model's own lookup is a
        # linear scan: per cell, sorting 18,000 rows by a name took minutes. Components are
        # edited in place, so this holds until one is added or removed or the model replaced.
        self._components: dict | None = None
        for signal in (document.pathwayAdded, document.pathwayRemoved,
                       document.componentRemoved, document.componentAdded):
            signal.connect(self._reset)
        document.modelReset.connect(self._reset)
        document.pathwayChanged.connect(self._reset)
        # One repaint of the name columns per burst: an automatic layout changes every
        # component, and a whole-column dataChanged per component was seconds at 5,000.
        self._names_timer = QTimer(self, singleShot=True, interval=0)
        self._names_timer.timeout.connect(self._names_changed)
        document.componentChanged.connect(self._names_timer.start)

    def _reset(self, *_) -> None:
        self.beginResetModel()
        self._components = None
        self.endResetModel()

    def _name(self, component_id: str) -> str:
        if self._components is None:
            self._components = {c.id: c for c in self.doc.model.components}
        return self._components[component_id].name

    def _names_changed(self, *_) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.doc.model.pathways)

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 2 else base

    def data(self, index, role=DISPLAY):
        p = self.doc.model.pathways[index.row()]
        if role == ID_ROLE:
            return p.id
        if role in (DISPLAY, EDIT):
            column = index.column()
            return p.label if column == 2 else self._name(p.source if column == 0 else p.target)
        return None

    def setData(self, index, value, role=EDIT) -> bool:
        if role != EDIT or index.column() != 2:
            return False
        self.doc.update_pathway(self.doc.model.pathways[index.row()].id, {"label": str(value)})
        return True


def _table(model, name: str) -> QTableView:
    view = QTableView()
    proxy = QSortFilterProxyModel(view)
    proxy.setSourceModel(model)
    view.setModel(proxy)
    # File order until a header is clicked. The indicator is cleared first: enabling sorting
    # sorts by it at once, which on a national model is seconds of work thrown away.
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    view.setAccessibleName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                         | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.AnyKeyPressed)
    return view


class ModelTables(QTabWidget):
    """Two tabs: components and pathways. Selecting rows selects the items on the canvas."""
    selectionRequested = Signal(list, list)  # component ids, pathway ids

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.setAccessibleName("Tables of components and pathways")
        self.components = ComponentTable(document)
        self.pathways = PathwayTable(document)
        self.component_view = _table(self.components, "Components table")
        self.pathway_view = _table(self.pathways, "Pathways table")
        self.addTab(self.component_view, "Components")
        self.addTab(self._pathways_tab(document), "Pathways")
        self.component_view.setColumnWidth(0, 240)
        self.component_view.setColumnWidth(1, 180)
        self.component_view.setColumnWidth(3, 260)
        for view in (self.pathway_view,):
            view.setColumnWidth(0, 240)
            view.setColumnWidth(1, 240)
        # Follow the keyboard as well as the mouse: any change of selected rows selects items.
        self.component_view.selectionModel().selectionChanged.connect(self._rows_chosen)
        self.pathway_view.selectionModel().selectionChanged.connect(self._rows_chosen)

    def _pathways_tab(self, document: Document) -> QWidget:
        """The pathways table with a row above it to add one: From, To, Add pathway."""
        self.doc = document
        self.from_combo = QComboBox()
        self.from_combo.setAccessibleName("New pathway from")
        self.to_combo = QComboBox()
        self.to_combo.setAccessibleName("New pathway to")
        for combo in (self.from_combo, self.to_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)
        self.add_button = QPushButton("&Add pathway")
        self.add_button.setAccessibleName("Add pathway")
        self.add_button.clicked.connect(self.add_pathway)
        self.add_message = QLabel()
        self.add_message.setTextFormat(Qt.TextFormat.PlainText)
        self.add_message.setAccessibleName("Result of adding a pathway")
        row = QHBoxLayout()
        from_label, to_label = QLabel("&From"), QLabel("&To")
        from_label.setBuddy(self.from_combo)
        to_label.setBuddy(self.to_combo)
        for widget in (from_label, self.from_combo, to_label, self.to_combo, self.add_button):
            row.addWidget(widget)
        row.addWidget(self.add_message, 1)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 2, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.pathway_view, 1)
        # Names change on every keystroke and boxes on every drag step: refill once, later.
        self._fill_timer = QTimer(self, singleShot=True, interval=0)
        self._fill_timer.timeout.connect(self._fill_ends)
        for signal in (document.componentAdded, document.componentRemoved,
                       document.componentChanged, document.modelReset):
            signal.connect(self._fill_timer.start)
        self._fill_ends()
        return tab

    def _fill_ends(self) -> None:
        """Component names in model order (the id behind each), keeping the current choices."""
        for combo in (self.from_combo, self.to_combo):
            chosen = combo.currentData()
            combo.clear()
            for c in self.doc.model.components:
                combo.addItem(kind_icon(c.kind), c.name or "(no name)", c.id)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))

    def add_pathway(self) -> str | None:
        source, target = self.from_combo.currentData(), self.to_combo.currentData()
        if source is None or target is None:
            return None
        pathway_id, refusal = self.doc.add_pathway(source, target)
        if refusal:
            self.add_message.setText(f"Not added: {refusal}")
            return None
        self.add_message.setText(f"Added {self.from_combo.currentText()} to "
                                 f"{self.to_combo.currentText()}.")
        self.selectionRequested.emit([], [pathway_id])
        return pathway_id

    def _rows_chosen(self, *_) -> None:
        def ids(view):
            return [view.model().index(i.row(), 0).data(ID_ROLE)
                    for i in view.selectionModel().selectedRows()]
        view = self.component_view if self.currentIndex() == 0 else self.pathway_view
        if not view.hasFocus():
            return  # rows changed by a model reset, not by the user
        if view is self.component_view:
            self.selectionRequested.emit(ids(self.component_view), [])
        else:
            self.selectionRequested.emit([], ids(self.pathway_view))
