"""The procurement window of the active lot plan: its market engagement log, risk register and
timeline as tables (like the contract window's KPIs), the PSR key criteria weights of its lots,
and the plan's own terms (mobilisation, most lots per bidder, the do-nothing option).

Every change goes through `Document.update_plan`, one undo step each; a value the schema
refuses (a date that does not exist, a score of 7) is said under the tables and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog,
                               QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from models import catalogue as cat
from models import procurement as proc
from models.entry import parse_date, schema_problem, uk_date

from ..document import Document
from ..widgets.screens import fit_to_screen
from .contract_fields import Note, optional_spin, quiet_button, set_spin, spin_value


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    # text, fixed (not editable), date, score (1 to 5), stage (a milestone stage), weight
    kind: str = "text"
    stretch: bool = True
    tip: str = ""  # the header's tooltip, where the title is shortened


ENGAGEMENT = [Column("date", "Date", "date", False), Column("who", "Who"),
              Column("said", "What they said"), Column("changed", "What changed as a result")]
RISKS = [Column("risk", "Risk"), Column("likelihood", "Likelihood (1-5)", "score", False),
         Column("impact", "Impact (1-5)", "score", False), Column("owner", "Owner"),
         Column("mitigation", "Mitigation")]
TIMELINE = [Column("date", "Date", "date", False), Column("stage", "Stage", "stage", False),
            Column("label", "Milestone")]
CRITERIA_TITLES = {"quality_innovation": "Quality, innovation", "value": "Value",
                   "integration_collaboration": "Integration",
                   "access_inequalities_choice": "Access, inequalities",
                   "social_value": "Social value"}
# What Add puts in a new row (a milestone needs a date: today's, to be corrected).
NEW_ROWS = {"engagement": lambda: {"who": "New conversation"},
            "risks": lambda: {"risk": "New risk"},
            "timeline": lambda: {"stage": "other", "date": date.today().isoformat(),
                                 "label": "New milestone"}}


def _cell_value(column: Column, text: str):
    """The file's value for what was typed; ValueError in words when it cannot be one."""
    text = text.strip()
    if column.kind == "date":
        return parse_date(text)
    if column.kind in ("score", "weight"):
        if not text:
            return None
        try:
            value = float(text.rstrip("%"))
        except ValueError:
            raise ValueError(f"{column.title}: {text!r} is not a number.") from None
        if column.kind == "score":
            if value != int(value) or not 1 <= value <= 5:
                raise ValueError(f"{column.title}: write a whole number from 1 to 5.")
            return int(value)
        return value
    return text


def _cell_text(column: Column, value) -> str:
    if value is None:
        return ""
    if column.kind == "date":
        return uk_date(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


class RecordTable(QWidget):
    """A list of records as a table with Add and Remove; `commit(rows)` is called with every
    row as a dict after each edit, and raises ValueError (in words) to refuse it."""

    def __init__(self, columns: list[Column], noun: str, commit, new_row: dict | None,
                 parent=None):
        super().__init__(parent)
        self.columns, self.commit, self.new_row = columns, commit, new_row
        self.table = QTableWidget(0, len(columns))
        for i, c in enumerate(columns):
            header_item = QTableWidgetItem(c.title)
            header_item.setToolTip(c.tip or c.title)  # plain text: no markup from a file here
            self.table.setHorizontalHeaderItem(i, header_item)
        self.table.setAccessibleName(noun)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        for i, c in enumerate(columns):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch if c.stretch
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(lambda _item: self._edited())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        if new_row is not None:
            add, remove = quiet_button(f"Add {noun}"), quiet_button(f"Remove {noun}")
            add.clicked.connect(self.add_row)
            remove.clicked.connect(self.remove_row)
            buttons = QHBoxLayout()
            buttons.addWidget(add)
            buttons.addWidget(remove)
            buttons.addStretch(1)
            layout.addLayout(buttons)

    def load(self, records: list[dict]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(records))
        for row, record in enumerate(records):
            for col, column in enumerate(self.columns):
                if column.kind == "stage":
                    combo = self.table.cellWidget(row, col)
                    if combo is None:
                        combo = QComboBox()
                        for key, label in cat.MILESTONE_STAGES.items():
                            combo.addItem(label, key)
                        combo.activated.connect(lambda _i: self._edited())
                        self.table.setCellWidget(row, col, combo)
                    combo.blockSignals(True)
                    combo.setCurrentIndex(max(0, combo.findData(record.get(column.key))))
                    combo.blockSignals(False)
                    continue
                text = _cell_text(column, record.get(column.key))
                item = self.table.item(row, col)
                if item is None:
                    item = QTableWidgetItem(text)
                    if column.kind == "fixed":
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.table.setItem(row, col, item)
                elif item.text() != text:
                    item.setText(text)
        self.table.resizeRowsToContents()
        self.table.blockSignals(False)

    def rows(self) -> list[dict]:
        out = []
        for row in range(self.table.rowCount()):
            record = {}
            for col, column in enumerate(self.columns):
                if column.kind == "stage":
                    record[column.key] = self.table.cellWidget(row, col).currentData()
                else:
                    item = self.table.item(row, col)
                    record[column.key] = _cell_value(column, item.text() if item else "")
            out.append(record)
        return out

    def _edited(self) -> None:
        self.commit(self.rows)

    def add_row(self) -> None:
        self.commit(lambda: [*self.rows(), self.new_row()])
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < self.table.rowCount():
            self.commit(lambda: [r for i, r in enumerate(self.rows()) if i != row])


class ProcurementDialog(QDialog):
    """Not modal, like the contract window; it follows the active lot plan."""

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.intro = QLabel()
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.intro.setWordWrap(True)
        self.problem = Note()
        self.tables = {
            "engagement": RecordTable(ENGAGEMENT, "conversation",
                                      self._committer("engagement", "market engagement log"),
                                      NEW_ROWS["engagement"]),
            "risks": RecordTable(RISKS, "risk", self._committer("risks", "risk register"),
                                 NEW_ROWS["risks"]),
            "timeline": RecordTable(TIMELINE, "milestone",
                                    self._committer("timeline", "timeline"),
                                    NEW_ROWS["timeline"]),
        }
        criteria = [Column(key, CRITERIA_TITLES[key], "weight", tip=label)
                    for key, label in proc.PSR_CRITERIA.items()]
        self.criteria = RecordTable([Column("lot", "Lot", "fixed", False), *criteria],
                                    "criteria", self._commit_criteria, None)
        tabs = QTabWidget()
        tabs.addTab(self.tables["engagement"], "Market engagement log")
        tabs.addTab(self.tables["risks"], "Risk register")
        tabs.addTab(self.tables["timeline"], "Timeline")
        tabs.addTab(self.criteria, "PSR key criteria (%)")
        tabs.addTab(self._plan_terms(), "Plan terms")
        self.tabs = tabs
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(tabs)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        fit_to_screen(self, 900, 560)
        document.lotsChanged.connect(self.reload)
        document.modelReset.connect(self.reload)
        self.reload()

    def _plan_terms(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.mobilisation = optional_spin(600, 1, suffix=" months")
        self.max_lots = optional_spin(1000)
        self.extends = QCheckBox("This option extends the current contracts (do nothing)")
        form.addRow("Mobilisation needed:", self.mobilisation)
        form.addRow("Most lots one bidder may win:", self.max_lots)
        form.addRow("", self.extends)
        self.mobilisation.valueChanged.connect(lambda _v: self._commit_terms())
        self.max_lots.valueChanged.connect(lambda _v: self._commit_terms())
        self.extends.toggled.connect(lambda _v: self._commit_terms())
        return page

    @property
    def plan(self):
        return self.doc.model.plan()

    def reload(self) -> None:
        plan = self.plan
        self.setWindowTitle(f"Procurement: {plan.name}")
        self.intro.setText(f"Lot plan {plan.name}. Dates as DD/MM/YYYY; likelihood and impact "
                           "from 1 (very low) to 5 (very high). Each change can be undone.")
        for key, table in self.tables.items():
            table.load([item.model_dump() for item in getattr(plan, key)])
        self.criteria.load([{"lot": f"{lot.code} {lot.name}",
                             **(lot.contract.psr_criteria.model_dump()
                                if lot.contract.psr_criteria else {})} for lot in plan.lots])
        set_spin(self.mobilisation, plan.mobilisation_months)
        set_spin(self.max_lots, plan.max_lots_per_bidder)
        self.extends.blockSignals(True)
        self.extends.setChecked(plan.extends_current)
        self.extends.blockSignals(False)

    def _apply(self, changes_of, text: str) -> None:
        """Work out the changes (which may refuse what was typed) and make them, or say why
        not and show the plan as it is."""
        try:
            self.doc.update_plan(self.plan.id, changes_of(), f"{text} of {self.plan.name}")
        except ValueError as e:
            self.problem.setText(f"Not changed: {schema_problem(e)}")
            self.reload()
            return
        self.problem.clear()

    def _committer(self, key: str, what: str):
        return lambda rows: self._apply(lambda: {key: rows()}, f"Edit the {what}")

    def _commit_criteria(self, rows) -> None:
        def changes() -> dict:
            lots = []
            for lot, row in zip(self.plan.lots, rows()):
                weights = {k: row[k] for k in proc.PSR_CRITERIA}
                contract = lot.contract.model_dump()
                contract["psr_criteria"] = weights if any(
                    w is not None for w in weights.values()) else None
                lots.append({**lot.model_dump(), "contract": contract})
            return {"lots": lots}
        self._apply(changes, "Edit the PSR key criteria")

    def _commit_terms(self) -> None:
        most = spin_value(self.max_lots)
        self._apply(lambda: {"mobilisation_months": spin_value(self.mobilisation),
                             "max_lots_per_bidder": None if most is None else int(most),
                             "extends_current": self.extends.isChecked()},
                    "Edit the procurement terms")
