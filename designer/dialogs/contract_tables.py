"""The two tables of the contract window: the lot's KPIs and its funding allocations.

Each shows one lot and says `edited` with the whole new list and the undo text; the contract
editor writes it through Document.replace_plan, so a table never changes the model itself.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGroupBox, QHBoxLayout,
                               QHeaderView, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout)

from models import catalogue as cat
from models.metrics import money
from models.schema import FundingAllocation, Kpi, Lot

from ..document import Document
from ..widgets.plain_text import plain_label
from .contract_fields import (AmountSpin, Note, choice_combo, quiet_button, set_combo, set_spin,
                              spin_value)


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class KpiGroup(QGroupBox):
    """The lot's key performance indicators: indicator, target and how often it is monitored."""

    edited = Signal(list, str)  # the lot's KPIs as they should be now, undo text

    def __init__(self, parent=None):
        super().__init__("Key performance indicators", parent)
        self.lot: Lot | None = None
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Indicator", "Target", "Monitoring"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # The monitoring box as wide as its longest choice, which the stretched columns cut.
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName("Key performance indicators")
        self.table.itemChanged.connect(lambda _item: self.commit())
        add, remove = quiet_button("Add KPI"), quiet_button("Remove KPI")
        add.clicked.connect(self.add)
        remove.clicked.connect(self.remove)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(button_row(add, remove))

    def load(self, lot: Lot) -> None:
        self.lot = lot
        table = self.table
        # Rows are rebuilt only when their number changes: the combo being used may be the
        # one whose signal led here, and it must not be deleted under its own feet.
        table.blockSignals(True)
        if table.rowCount() != len(lot.contract.kpis):
            table.setRowCount(len(lot.contract.kpis))
            for row in range(len(lot.contract.kpis)):
                combo = choice_combo(cat.KPI_FREQUENCIES)
                combo.activated.connect(lambda _i: self.commit())
                table.setCellWidget(row, 2, combo)
        for row, kpi in enumerate(lot.contract.kpis):
            for column, text in ((0, kpi.name), (1, kpi.target)):
                if table.item(row, column) is None:
                    table.setItem(row, column, QTableWidgetItem(text))
                else:
                    table.item(row, column).setText(text)
            set_combo(table.cellWidget(row, 2), kpi.frequency)
        table.blockSignals(False)

    def commit(self) -> None:
        if self.lot is None:
            return
        kpis = []
        for row in range(self.table.rowCount()):
            name = self.table.item(row, 0).text().strip() if self.table.item(row, 0) else ""
            target = self.table.item(row, 1).text().strip() if self.table.item(row, 1) else ""
            combo = self.table.cellWidget(row, 2)
            kpis.append(Kpi.model_construct(name=name, target=target,
                                            frequency=combo.currentData() if combo else None))
        self.edited.emit(kpis, f"Edit KPIs of lot {self.lot.name}")

    def add(self) -> None:
        if self.lot is not None:
            kpis = [*self.lot.contract.kpis, Kpi(name="New indicator", frequency="monthly")]
            self.edited.emit(kpis, f"Add a KPI to lot {self.lot.name}")
            self.table.editItem(self.table.item(len(kpis) - 1, 0))

    def remove(self) -> None:
        lot, row = self.lot, self.table.currentRow()
        if lot is not None and 0 <= row < len(lot.contract.kpis):
            kpis = [k for i, k in enumerate(lot.contract.kpis) if i != row]
            self.edited.emit(kpis, f"Remove a KPI from lot {lot.name}")


class FundingGroup(QGroupBox):
    """The funding sources allocated to the lot, an amount a year each."""

    edited = Signal(list, str)  # the lot's allocations as they should be now, undo text

    def __init__(self, document: Document, parent=None):
        super().__init__("Funding", parent)
        self.doc = document
        self.lot: Lot | None = None
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Funding source", "Allocated a year"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Wide enough for its heading and the amounts, which were clipped at the window's width.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAccessibleName("Funding allocated to the lot")
        self.note = plain_label()
        self.message = Note()  # an amount refused in the table
        add, remove = quiet_button("Allocate a source"), quiet_button("Remove allocation")
        add.clicked.connect(self.add)
        remove.clicked.connect(self.remove)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        layout.addLayout(button_row(add, remove))

    def load(self, lot: Lot) -> None:
        self.lot = lot
        table = self.table
        if table.rowCount() != len(lot.funding):
            table.setRowCount(len(lot.funding))
            for row in range(len(lot.funding)):
                combo = QComboBox()
                combo.activated.connect(lambda _i: self.commit())
                spin = AmountSpin()
                spin.setAccessibleName("Allocated a year")
                spin.valueChanged.connect(lambda _v: self.commit())
                spin.refusal.connect(lambda reason, r=row: self.refused(r, reason))
                table.setCellWidget(row, 0, combo)
                table.setCellWidget(row, 1, spin)
        for row, allocation in enumerate(lot.funding):
            combo = table.cellWidget(row, 0)
            combo.blockSignals(True)
            combo.clear()
            for source in self.doc.model.funding_sources:
                combo.addItem(source.name, source.id)
            if combo.findData(allocation.source) < 0:  # a source deleted since
                combo.addItem(allocation.source, allocation.source)
            combo.setCurrentIndex(combo.findData(allocation.source))
            combo.blockSignals(False)
            set_spin(table.cellWidget(row, 1), allocation.annual_amount)

    def clear_refusals(self) -> None:
        """Refusals are about the lot shown before."""
        for row in range(self.table.rowCount()):
            self.table.cellWidget(row, 1).clear_refusal()

    def refused(self, row: int, reason: str) -> None:
        lot = self.lot
        if not reason or lot is None or row >= len(lot.funding):
            self.message.clear()
            return
        source = self.table.cellWidget(row, 0).currentText()
        self.message.setText(f"{source}: {reason}; it stays "
                             f"{money(lot.funding[row].annual_amount)}.")

    def allocations(self) -> list[FundingAllocation]:
        out = []
        for row in range(self.table.rowCount()):
            source = self.table.cellWidget(row, 0).currentData()
            amount = spin_value(self.table.cellWidget(row, 1))
            out.append(FundingAllocation(source=source, annual_amount=amount or 0))
        return out

    def commit(self) -> None:
        if self.lot is not None:
            self.edited.emit(self.allocations(), f"Edit funding of lot {self.lot.name}")

    def add(self) -> None:
        lot = self.lot
        sources = self.doc.model.funding_sources
        if lot is None or not sources:
            self.note.setText("Add funding sources first (Lots > Funding).")
            return
        used = {a.source for a in lot.funding}
        source = next((s for s in sources if s.id not in used), sources[0])
        remaining = (lot.contract.annual_value or 0) - sum(a.annual_amount for a in lot.funding)
        self.edited.emit([*lot.funding, FundingAllocation(source=source.id,
                                                         annual_amount=max(remaining, 0))],
                         f"Allocate {source.name} to lot {lot.name}")

    def remove(self) -> None:
        lot, row = self.lot, self.table.currentRow()
        if lot is not None and 0 <= row < len(lot.funding):
            self.edited.emit([a for i, a in enumerate(lot.funding) if i != row],
                             f"Remove funding from lot {lot.name}")
