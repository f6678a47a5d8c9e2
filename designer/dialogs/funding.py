"""Funding: the model's funding sources (amount, restricted cohorts, recurrent or not) and how
much of each goes to each lot of the active plan.

Sources are a model-level field (Document.update_model); allocations belong to the lots of a
plan (Document.replace_plan). Each committed cell is one undo step. The funding findings
(shortfall, restricted money in the wrong lot, a source over-allocated) are listed underneath.
"""

from __future__ import annotations

import textwrap

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel,
                               QMenu, QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout)

from models import catalogue as cat
from models import lots
from models.entry import parse_amount, schema_problem
from models.funding import funding_position
from models.wording import money
from models.schema import FundingAllocation, FundingSource, unique_id

from ..widgets.plain_text import plain_tooltip
from .contract_fields import INVALID_FILL, quiet_button
from ..document import Document
from ..widgets.screens import fit_to_screen

# "lot-underfunded" too: a lot worth less than its services cost, or with less allocated than it
# is worth, is what the options appraisal calls underfunded (both read models/funding.py).
FUNDING_RULES = ("funding-shortfall", "restricted-funding-mismatch", "funding-overallocated",
                 "lot-underfunded")
ALL_COVERED = ("The funding covers the lots' annual values, and each lot's value covers its "
               "services' estimated cost.")
SOURCE_ROLE = Qt.ItemDataRole.UserRole
TOTAL_BRUSH = QBrush(QColor("#eeeeee"))


__all__ = ["FundingDialog", "parse_amount"]  # parse_amount: the contract window's, shared


def _item(text: str, editable: bool = True) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if not editable:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class FundingDialog(QDialog):
    SOURCE_COLUMNS = ["Funding source", "A year", "Restricted to", "Recurrent", "Partner",
                      "Lot plans"]

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.setWindowTitle("Funding")

        self.sources = QTableWidget(0, len(self.SOURCE_COLUMNS))
        self.sources.setHorizontalHeaderLabels(self.SOURCE_COLUMNS)
        self.sources.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.sources.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sources.setAccessibleName("Funding sources")
        self.sources.itemChanged.connect(self._source_edited)
        # No default button: Enter in the tables commits a cell and never adds a source.
        add, remove = quiet_button("Add source"), quiet_button("Remove source")
        add.clicked.connect(lambda: self.add_source())
        remove.clicked.connect(self.remove_selected_source)

        self.allocations = QTableWidget()
        self.allocations.setAccessibleName("Funding allocated to each lot")
        self.allocations.itemChanged.connect(self._allocation_edited)
        self.plan_label = QLabel()
        self.plan_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c00000;")
        self.message.setAccessibleName("Why a cell was not changed")
        self.message.setVisible(False)  # takes room only when it has something to say
        self.refused: tuple[QTableWidget, int, int, str] | None = None  # the cell, the reason
        self.findings = QLabel()
        self.findings.setTextFormat(Qt.TextFormat.PlainText)
        self.findings.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Funding sources: what the council has to spend each year."))
        layout.addWidget(self.sources, 2)
        layout.addLayout(row)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.allocations, 3)
        layout.addWidget(self.message)  # moves under the table whose cell it is about
        layout.addWidget(self.findings)

        # Reload after the event that caused it has finished (cell widgets may be mid-signal).
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.reload)
        for signal in (document.modelChanged, document.lotsChanged, document.modelReset,
                       document.findingsChanged):
            signal.connect(self._timer.start)
        self.reload()
        fit_to_screen(self, 1080, 640)

    # --- model -> tables ---------------------------------------------------------------------
    def reload(self) -> None:
        self._timer.stop()
        self._load_sources()
        self._load_allocations()
        self._mark_refused()
        found = [f.message for f in self.doc.findings if f.rule in FUNDING_RULES]
        # Reassurance only with money behind it: every figure filled in and enough of it.
        position = funding_position(self.doc.model)
        covered = position.covered and not found
        said = found + ([] if covered else position.unknowns())
        self.findings.setText("\n".join(said) if said else ALL_COVERED if covered
                              else "Checking the figures...")
        self.findings.setStyleSheet("color: #c00000;" if found else
                                    "color: #26734d;" if covered else "color: #8a5a00;")

    def _load_sources(self) -> None:
        table = self.sources
        table.blockSignals(True)
        table.setRowCount(len(self.doc.model.funding_sources))
        for row, source in enumerate(self.doc.model.funding_sources):
            name = _item(source.name)
            name.setData(SOURCE_ROLE, source.id)
            table.setItem(row, 0, name)
            amount = _item(money(source.annual_amount) if source.annual_amount is not None
                           else "")
            amount.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, 1, amount)
            table.setCellWidget(row, 2, self._cohort_button(source))
            recurrent = _item("Yes" if source.recurrent else "One year at a time", False)
            recurrent.setFlags(recurrent.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            recurrent.setCheckState(Qt.CheckState.Checked if source.recurrent
                                    else Qt.CheckState.Unchecked)
            table.setItem(row, 3, recurrent)
            table.setItem(row, 4, _item(source.partner))
            table.setCellWidget(row, 5, self._plans_button(source))
        table.blockSignals(False)

    def _plans_button(self, source: FundingSource) -> QToolButton:
        """The lot plans this money belongs to: a partner's share of a joint option only."""
        button = QToolButton(popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        names = {p.id: p.name for p in self.doc.model.lot_plans}
        button.setText(", ".join(names[p] for p in source.plans if p in names) or "Every plan")
        button.setToolTip("The lot plans (options) this money belongs to: a partner's "
                          "contribution to a joint option belongs to that option only")
        menu = QMenu(button)
        for plan_id, name in names.items():
            action = QAction(name, menu, checkable=True)
            action.setToolTip(plain_tooltip(name))  # the default tip, the name, is rich text
            action.setChecked(plan_id in source.plans)
            action.toggled.connect(lambda on, s=source.id, p=plan_id: self.set_plan(s, p, on))
            menu.addAction(action)
        button.setMenu(menu)
        return button

    def set_plan(self, source_id: str, plan_id: str, on: bool) -> None:
        sources = self._copy_sources()
        source = next(s for s in sources if s.id == source_id)
        wanted = set(source.plans) | {plan_id} if on else set(source.plans) - {plan_id}
        source.plans = [p.id for p in self.doc.model.lot_plans if p.id in wanted]
        self._set_sources(sources, f"Choose the lot plans of {source.name}")

    def _cohort_button(self, source: FundingSource) -> QToolButton:
        button = QToolButton(popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setText(", ".join(cat.COHORTS[c] for c in source.restricted_cohorts)
                       or "Anyone")
        button.setToolTip("The cohorts this money may be spent on (PCC and probation money is "
                          "for criminal justice clients)")
        menu = QMenu(button)
        for cohort_id, label in cat.COHORTS.items():
            action = QAction(label, menu, checkable=True)
            action.setChecked(cohort_id in source.restricted_cohorts)
            action.toggled.connect(lambda on, s=source.id, c=cohort_id:
                                   self.set_restriction(s, c, on))
            menu.addAction(action)
        button.setMenu(menu)
        return button

    def _load_allocations(self) -> None:
        plan = self.doc.model.plan()
        sources = self.doc.model.funding_sources
        self.plan_label.setText(f"Allocated to the lots of {plan.name} (a year). Type an amount "
                                "in a cell, for example 250,000 or 1.2m.")
        table = self.allocations
        table.blockSignals(True)
        table.clear()
        table.setColumnCount(len(sources) + 2)
        # Grant names are long: wrap them over lines so each column stays narrow.
        table.setHorizontalHeaderLabels([textwrap.fill(s.name, 22) for s in sources]
                                        + ["Allocated\nto the lot", "Lot's annual\nvalue"])
        table.setRowCount(len(plan.lots) + 2)
        table.setVerticalHeaderLabels([f"{lot.code} {lot.name}".strip() for lot in plan.lots]
                                      + ["Allocated", "Left over"])
        bold = QFont()
        bold.setBold(True)
        given = {s.id: 0.0 for s in sources}
        for row, lot in enumerate(plan.lots):
            amounts = {a.source: a.annual_amount for a in lot.funding}
            for column, source in enumerate(sources):
                value = amounts.get(source.id)
                item = _item(money(value) if value else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
                given[source.id] += value or 0
            value = lot.contract.annual_value
            for offset, figure in enumerate((sum(amounts.values()), value)):
                cell = _item(money(figure) if figure is not None else "not set", False)
                cell.setBackground(TOTAL_BRUSH)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, len(sources) + offset, cell)
        for column, source in enumerate(sources):
            allocated = _item(money(given[source.id]), False)
            left = (source.annual_amount - given[source.id]
                    if source.annual_amount is not None else None)
            left_item = _item(money(left) if left is not None else "", False)
            if left is not None and left < -0.5:
                left_item.setForeground(QColor("#c00000"))
            for row, item in ((len(plan.lots), allocated), (len(plan.lots) + 1, left_item)):
                item.setBackground(TOTAL_BRUSH)
                item.setFont(bold)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        for column, source in enumerate(sources):
            # A name from the file: escaped, or Qt renders "<b>" in it as HTML.
            table.horizontalHeaderItem(column).setToolTip(plain_tooltip(source.name))
        table.blockSignals(False)

    # --- refusals: said under the table and on the cell, which keeps its old value --------------
    def refuse(self, text: str, table: QTableWidget | None = None, row: int = -1,
               column: int = -1) -> None:
        table = table or self.sources
        self.message.setText(text)
        self.message.setVisible(True)
        self.refused = (table, row, column, text)
        self._layout.removeWidget(self.message)
        self._layout.insertWidget(self._layout.indexOf(table) + 1, self.message)
        self._timer.start()  # puts the old value back, then marks the cell

    def clear_refusal(self) -> None:
        self.message.clear()
        self.message.setVisible(False)
        if self.refused is not None:
            self.refused = None
            self._timer.start()

    def _mark_refused(self) -> None:
        if self.refused is None:
            return
        table, row, column, text = self.refused
        item = table.item(row, column) if row >= 0 and column >= 0 else None
        if item is not None:
            table.blockSignals(True)
            item.setToolTip(plain_tooltip(text))
            item.setBackground(INVALID_FILL)
            table.blockSignals(False)

    # --- tables -> model ---------------------------------------------------------------------
    def _set_sources(self, sources: list[FundingSource], text: str, row: int = -1,
                     column: int = -1) -> bool:
        try:  # fields were set by assignment, which the schema does not see: check them now
            sources = [FundingSource.model_validate(s.model_dump()) for s in sources]
        except ValueError as e:
            self.refuse(f"Not changed: {schema_problem(e)}.", self.sources, row, column)
            return False
        self.doc.update_model({"funding_sources": sources}, text)
        return True

    def _copy_sources(self) -> list[FundingSource]:
        return [s.model_copy(deep=True) for s in self.doc.model.funding_sources]

    def add_source(self, name: str = "New funding source", amount: float | None = None) -> str:
        sources = self._copy_sources()
        source_id = unique_id(lots.slug(name), {s.id for s in sources})
        sources.append(FundingSource(id=source_id, name=name, annual_amount=amount))
        self._set_sources(sources, f"Add funding source {name}")
        return source_id

    def remove_source(self, source_id: str) -> None:
        """The source and its allocations in every plan go together, as one undo step."""
        self.doc.remove_funding_source(source_id)

    def remove_selected_source(self) -> None:
        row = self.sources.currentRow()
        if 0 <= row < len(self.doc.model.funding_sources):
            self.remove_source(self.doc.model.funding_sources[row].id)

    def set_restriction(self, source_id: str, cohort: str, on: bool) -> None:
        sources = self._copy_sources()
        source = next(s for s in sources if s.id == source_id)
        wanted = set(source.restricted_cohorts) | {cohort} if on \
            else set(source.restricted_cohorts) - {cohort}
        source.restricted_cohorts = [c for c in cat.COHORTS if c in wanted]
        self._set_sources(sources, f"Restrict {source.name}")

    def _source_edited(self, item: QTableWidgetItem) -> None:
        sources = self._copy_sources()
        source = sources[item.row()]
        self.clear_refusal()
        if item.column() == 0:
            if not item.text().strip():
                self.refuse("A funding source needs a name.", self.sources, item.row(), 0)
                return
            source.name = item.text().strip()
        elif item.column() == 1:
            try:
                source.annual_amount = parse_amount(item.text())
            except ValueError as e:
                self.refuse(f"{source.name}: {e}; it stays {money(source.annual_amount)}.",
                            self.sources, item.row(), 1)
                return
        elif item.column() == 3:
            source.recurrent = item.checkState() == Qt.CheckState.Checked
        elif item.column() == 4:
            source.partner = item.text().strip()
        self._set_sources(sources, f"Edit funding source {source.name}", item.row(),
                          item.column())

    def set_allocation(self, lot_id: str, source_id: str, amount: float | None) -> None:
        plan = self.doc.model.plan()
        lot = plan.lot(lot_id)
        allocations = [a for a in lot.funding if a.source != source_id]
        if amount:
            allocations.append(FundingAllocation(source=source_id, annual_amount=amount))
        order = [s.id for s in self.doc.model.funding_sources]
        allocations.sort(key=lambda a: order.index(a.source) if a.source in order else len(order))
        self.doc.replace_plan(lots.set_funding(plan, lot_id, allocations),
                              f"Allocate funding to lot {lot.name}")

    def _allocation_edited(self, item: QTableWidgetItem) -> None:
        plan = self.doc.model.plan()
        sources = self.doc.model.funding_sources
        if item.row() >= len(plan.lots) or item.column() >= len(sources):
            return
        self.clear_refusal()
        lot, source = plan.lots[item.row()], sources[item.column()]
        try:
            amount = parse_amount(item.text())
        except ValueError as e:
            old = next((a.annual_amount for a in lot.funding if a.source == source.id), None)
            self.refuse(f"{lot.name}, {source.name}: {e}; it stays {money(old or 0)}.",
                        self.allocations, item.row(), item.column())
            return
        self.set_allocation(lot.id, source.id, amount)
