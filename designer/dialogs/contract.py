"""The contract editor for one lot: term, extensions, break clause, evaluation weights, pricing,
payment basis, annual value, procurement route, start date, KPIs and funding allocations.

Each field writes when it is committed (Enter, leaving the field, a choice in a list), through
Document.replace_plan, so one field edit is one undo step; Enter clicks no button (the window has
no default button). Problems are shown at the field and listed underneath in the words of the
`contract-invalid` finding (checks.contract_problems). Text a field cannot take (a negative
amount, 31/02/2027) is refused there, in words, and the model keeps its value. Amounts are read
by parse_amount, which the Funding window uses too.
"""

from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette, QValidator
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox,
                               QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QPushButton, QScrollArea,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from models import catalogue as cat
from models import lots
from models.checks import contract_problems
from models.metrics import money
from models.entry import (MOST_MONEY, parse_amount, parse_date, parse_extensions, schema_problem,
                          uk_date)
from models.schema import Contract, FundingAllocation, Kpi, Lot

from ..document import Document
from ..widgets.plain_text import plain_tooltip
from ..widgets.screens import fit_to_screen

NOT_SET = "not set"
# Names of catalogue.LOT_COLOURS (Okabe-Ito), in the same order.
COLOUR_NAMES = ("Blue", "Orange", "Bluish green", "Reddish purple", "Sky blue", "Vermilion",
                "Yellow", "Black")
BAD = "color: #c00000;"
GOOD = "color: #26734d;"
# A field whose value is refused or wrong: a pale red fill, which (unlike a style sheet border)
# leaves the field its size, so the form does not widen when something goes wrong.
INVALID_FILL = QColor("#fde2e2")
INVALID_TEXT = QColor("#7a0000")


def amount_problem(text: str) -> str:
    """Why `text` cannot be an amount ('' when it can: 'not set' and an empty field included)."""
    if text.strip() == NOT_SET:
        return ""
    try:
        parse_amount(text)
    except ValueError as e:
        return str(e)
    return ""


def mark_invalid(widget: QWidget, reason: str = "") -> None:
    """Fill a field pale red and give it the reason as its tooltip; '' puts it back."""
    if reason:
        palette = widget.palette()
        palette.setColor(QPalette.ColorRole.Base, INVALID_FILL)
        palette.setColor(QPalette.ColorRole.Text, INVALID_TEXT)
        widget.setPalette(palette)
    else:
        widget.setPalette(QPalette())
    widget.setToolTip(plain_tooltip(reason) if reason else "")
    widget.setProperty("invalid", bool(reason))


def quiet_button(text: str) -> QPushButton:
    """A button that Enter in a field never clicks: these windows have no default button, so
    Enter commits the field being typed in and nothing else (Space still clicks a focused one)."""
    button = QPushButton(text)
    button.setAutoDefault(False)
    button.setDefault(False)
    return button


def optional_spin(maximum: float, decimals: int = 0, prefix: str = "", suffix: str = "",
                  step: float = 1) -> QDoubleSpinBox:
    """A number box whose lowest value reads 'not set' (stored as None)."""
    spin = QDoubleSpinBox()
    spin.setRange(-1, maximum)
    spin.setDecimals(decimals)
    spin.setSingleStep(step)
    spin.setPrefix(prefix)
    spin.setSuffix(suffix)
    spin.setSpecialValueText(NOT_SET)
    spin.setGroupSeparatorShown(True)
    spin.setKeyboardTracking(False)  # valueChanged on Enter or leaving the field, not per key
    spin.setAlignment(Qt.AlignmentFlag.AlignRight)
    return spin


class AmountSpin(QDoubleSpinBox):
    """Pounds, typed as anywhere else in the app ('£1,250,000', '1.2m', '250k': parse_amount);
    an empty field is 'not set' (None). Text that is not an amount, a negative one included, is
    refused at the field: the box keeps its value, turns pale red with the reason as tooltip, and
    `refusal` carries the reason for a note beside it. The refusal stays until the next amount
    typed there is accepted (then `refusal` carries '')."""

    refusal = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setRange(-1, MOST_MONEY)  # the lowest value reads 'not set'
        self.setDecimals(0)
        self.setSingleStep(10_000)
        self.setSpecialValueText(NOT_SET)
        self.setKeyboardTracking(False)  # valueChanged on Enter or leaving the field
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToPreviousValue)
        self._refused = ""
        self._typed = False  # typed in since the last commit
        self.lineEdit().textEdited.connect(self._typing)
        self.editingFinished.connect(self._finished)

    def _typing(self) -> None:
        self._typed = True

    def validate(self, text: str, pos: int):
        # Anything may be typed (so '-' can be, and then be explained); only amounts commit.
        state = (QValidator.State.Acceptable if not amount_problem(text)
                 else QValidator.State.Intermediate)
        return state, text, pos

    def fixup(self, text: str) -> str:
        # Qt asks for a fix only when the text is committed and is not an amount: note why,
        # and leave the text alone, so Qt puts the previous value back.
        self._refused = amount_problem(text)
        return text

    def valueFromText(self, text: str) -> float:
        amount = None if text.strip() == NOT_SET else parse_amount(text)
        return self.minimum() if amount is None else amount

    def textFromValue(self, value: float) -> str:
        return f"£{value:,.0f}"

    def _finished(self) -> None:
        # Qt says 'finished' on every Enter and every focus change: only a commit of text typed
        # since the last one decides, so leaving the field keeps the refusal on show.
        reason, typed = self._refused, self._typed
        self._refused, self._typed = "", False
        if reason or (typed and self.toolTip()):
            mark_invalid(self, reason)
            self.refusal.emit(reason)

    def clear_refusal(self) -> None:
        if self.toolTip():
            mark_invalid(self, "")
            self.refusal.emit("")


def spin_value(spin: QDoubleSpinBox) -> float | None:
    return None if spin.value() == spin.minimum() else spin.value()


def set_spin(spin: QDoubleSpinBox, value: float | None) -> None:
    spin.blockSignals(True)
    spin.setValue(spin.minimum() if value is None else value)
    spin.blockSignals(False)


def choice_combo(table: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(NOT_SET, None)
    for key, label in table.items():
        combo.addItem(label, key)
    return combo


def set_combo(combo: QComboBox, key: str | None) -> None:
    combo.blockSignals(True)
    combo.setCurrentIndex(max(0, combo.findData(key)))
    combo.blockSignals(False)


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class Note(QLabel):
    """A note under a field, in red, that takes no room while it has nothing to say."""

    def __init__(self):
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setStyleSheet(BAD)
        self.setVisible(False)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


class ContractEditor(QWidget):
    """Edits the contract, KPIs and funding allocations of one lot of the active plan."""

    def __init__(self, document: Document, lot_id: str | None = None, parent=None):
        super().__init__(parent)
        self.doc = document
        self.lot_id: str | None = None
        self.setAccessibleName("Contract terms")

        self.heading = _plain_label()
        self.heading.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.cost_note = _plain_label()

        # The lot itself: name, and the code, colour and hatch that tell it apart on paper.
        self.lot_name = QLineEdit()
        self.lot_code = QLineEdit(maxLength=8)
        self.lot_colour = QComboBox()
        self.lot_pattern = QComboBox()
        for widget, name in ((self.lot_name, "Lot name"), (self.lot_code, "Lot code"),
                             (self.lot_colour, "Lot colour"), (self.lot_pattern, "Lot hatch")):
            widget.setAccessibleName(name)
        self.lot_name.editingFinished.connect(self.commit_lot)
        self.lot_code.editingFinished.connect(self.commit_lot)
        self.lot_colour.activated.connect(self.commit_lot)
        self.lot_pattern.activated.connect(self.commit_lot)
        lot_form = QFormLayout()
        lot_form.addRow("Name:", self.lot_name)
        lot_form.addRow("Code:", self.lot_code)
        lot_form.addRow("Colour:", self.lot_colour)
        lot_form.addRow("Hatch:", self.lot_pattern)
        lot_group = QGroupBox("Lot")
        lot_group.setLayout(lot_form)

        self.initial_term = optional_spin(100, 1, suffix=" years", step=1)
        self.extensions = QLineEdit(placeholderText="for example 2 + 2")
        self.extensions_note = Note()
        self.break_clause = optional_spin(100, 1, suffix=" years", step=1)
        self.break_note = Note()
        self.start_date = QLineEdit(placeholderText="DD/MM/YYYY")
        self.start_note = Note()
        self.quality = optional_spin(100, 1, suffix=" %", step=5)
        self.price = optional_spin(100, 1, suffix=" %", step=5)
        self.social_value = optional_spin(100, 1, suffix=" %", step=5)
        self.weights_note = _plain_label()
        self.pricing = choice_combo(cat.PRICING_MODELS)
        self.payment = choice_combo(cat.PAYMENT_BASES)
        self.route = choice_combo(cat.PROCUREMENT_ROUTES)
        self.annual_value = AmountSpin()
        self.annual_note = Note()
        self.annual_value.refusal.connect(self.refused_annual_value)
        for widget, name in ((self.initial_term, "Initial term in years"),
                             (self.extensions, "Extensions in years"),
                             (self.break_clause, "Break clause after years"),
                             (self.start_date, "Start date"),
                             (self.quality, "Quality weight percent"),
                             (self.price, "Price weight percent"),
                             (self.social_value, "Social value weight percent"),
                             (self.pricing, "Pricing model"), (self.payment, "Payment basis"),
                             (self.route, "Procurement route"),
                             (self.annual_value, "Annual value in pounds")):
            widget.setAccessibleName(name)

        terms = QFormLayout()
        terms.addRow("Initial term:", self.initial_term)
        terms.addRow("Extensions:", self._with_note(self.extensions, self.extensions_note))
        terms.addRow("Break clause after:", self._with_note(self.break_clause, self.break_note))
        terms.addRow("Start date:", self._with_note(self.start_date, self.start_note))
        weights = QHBoxLayout()
        for label, spin in (("Quality", self.quality), ("Price", self.price),
                            ("Social value", self.social_value)):
            weights.addWidget(QLabel(label))
            weights.addWidget(spin)
        weights_box = QVBoxLayout()
        weights_box.addLayout(weights)
        weights_box.addWidget(self.weights_note)
        terms.addRow("Evaluation weights:", weights_box)
        terms.addRow("Pricing model:", self.pricing)
        terms.addRow("Payment:", self.payment)
        terms.addRow("Annual value:", self._with_note(self.annual_value, self.annual_note,
                                                     self.cost_note))
        terms.addRow("Procurement route:", self.route)
        terms_group = QGroupBox("Contract terms")
        terms_group.setLayout(terms)

        self.kpis = QTableWidget(0, 3)
        self.kpis.setHorizontalHeaderLabels(["Indicator", "Target", "Monitoring"])
        self.kpis.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.kpis.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # The monitoring box as wide as its longest choice, which the stretched columns cut.
        self.kpis.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents)
        self.kpis.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.kpis.setAccessibleName("Key performance indicators")
        self.kpis.itemChanged.connect(lambda _item: self.commit_kpis())
        add_kpi, remove_kpi = quiet_button("Add KPI"), quiet_button("Remove KPI")
        add_kpi.clicked.connect(self.add_kpi)
        remove_kpi.clicked.connect(self.remove_kpi)
        kpi_group = QGroupBox("Key performance indicators")
        kpi_layout = QVBoxLayout(kpi_group)
        kpi_layout.addWidget(self.kpis)
        kpi_layout.addLayout(self._buttons(add_kpi, remove_kpi))

        self.funding = QTableWidget(0, 2)
        self.funding.setHorizontalHeaderLabels(["Funding source", "Allocated a year"])
        self.funding.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Wide enough for its heading and the amounts, which were clipped at the window's width.
        self.funding.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        self.funding.setAccessibleName("Funding allocated to the lot")
        self.funding_note = _plain_label()
        self.funding_message = Note()  # an amount refused in the table
        add_funding = quiet_button("Allocate a source")
        remove_funding = quiet_button("Remove allocation")
        add_funding.clicked.connect(self.add_allocation)
        remove_funding.clicked.connect(self.remove_allocation)
        funding_group = QGroupBox("Funding")
        funding_layout = QVBoxLayout(funding_group)
        funding_layout.addWidget(self.funding)
        funding_layout.addWidget(self.funding_message)
        funding_layout.addWidget(self.funding_note)
        funding_layout.addLayout(self._buttons(add_funding, remove_funding))

        self.problems = _plain_label()
        self.problems.setStyleSheet(BAD)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(lot_group)
        layout.addWidget(terms_group)
        layout.addWidget(kpi_group)
        layout.addWidget(funding_group)
        layout.addWidget(self.problems)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        for spin in (self.initial_term, self.break_clause, self.quality, self.price,
                     self.social_value, self.annual_value):
            spin.valueChanged.connect(self.commit_terms)
        for combo in (self.pricing, self.payment, self.route):
            combo.activated.connect(self.commit_terms)
        self.extensions.editingFinished.connect(self.commit_terms)
        self.start_date.editingFinished.connect(self.commit_terms)
        document.lotsChanged.connect(self.reload)
        document.modelReset.connect(self.reload)
        document.modelChanged.connect(self.reload)  # funding source names and amounts
        self.set_lot(lot_id)

    @staticmethod
    def _with_note(field: QWidget, *notes: QLabel) -> QVBoxLayout:
        box = QVBoxLayout()
        box.setSpacing(1)
        box.addWidget(field)
        for note in notes:
            box.addWidget(note)
        return box

    @staticmethod
    def _buttons(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        return row

    # --- model -> fields -------------------------------------------------------------------
    @property
    def lot(self) -> Lot | None:
        plan = self.doc.model.plan()
        return plan.lot(self.lot_id) if plan and self.lot_id else None

    def set_lot(self, lot_id: str | None) -> None:
        if lot_id != self.lot_id:  # refusals are about the lot shown before
            for spin in (self.annual_value, *self._allocation_spins()):
                spin.clear_refusal()
            self.start_note.clear()
        self.lot_id = lot_id
        self.reload()

    def reload(self) -> None:
        lot = self.lot
        self.setEnabled(lot is not None)
        if lot is None:
            self.heading.setText("Choose a lot in the Lots panel to edit its contract.")
            return
        c = lot.contract
        self.heading.setText(f"{lot.code} {lot.name}".strip())
        self._load_lot(lot)
        set_spin(self.initial_term, c.initial_term_years)
        set_spin(self.break_clause, c.break_clause_years)
        set_spin(self.quality, c.quality_weight)
        set_spin(self.price, c.price_weight)
        set_spin(self.social_value, c.social_value_weight)
        set_spin(self.annual_value, c.annual_value)
        set_combo(self.pricing, c.pricing_model)
        set_combo(self.payment, c.payment_basis)
        set_combo(self.route, c.procurement_route)
        if parse_extensions(self.extensions.text()) != c.extensions_years:
            self.extensions.setText(" + ".join(f"{y:g}" for y in c.extensions_years))
        if not self.start_note.text():  # a refused date stays in the field to be corrected
            self.start_date.setText(uk_date(c.start_date))
        self._load_kpis(lot)
        self._load_funding(lot)
        self.show_checks()

    def _load_lot(self, lot: Lot) -> None:
        from ..docks.lots import lot_swatch  # the dock's swatch, so both look the same

        for field, text in ((self.lot_name, lot.name), (self.lot_code, lot.code)):
            if field.text() != text:
                field.setText(text)
        colours = dict(zip(cat.LOT_COLOURS, COLOUR_NAMES))
        if lot.colour and lot.colour not in colours:  # a colour chosen elsewhere
            colours[lot.colour] = lot.colour
        patterns = {p: p.replace("_", " ").capitalize() for p in cat.LOT_PATTERNS}
        for combo, key, choices in ((self.lot_colour, "colour", colours),
                                    (self.lot_pattern, "pattern", patterns)):
            combo.blockSignals(True)
            combo.clear()
            for choice, label in choices.items():
                combo.addItem(lot_swatch(lot.model_copy(update={key: choice})), label, choice)
            combo.setCurrentIndex(max(0, combo.findData(getattr(lot, key))))
            combo.blockSignals(False)

    def commit_lot(self) -> None:
        lot = self.lot
        if lot is None:
            return
        changes = {"name": self.lot_name.text().strip() or lot.name,
                   "code": self.lot_code.text().strip(),
                   "colour": self.lot_colour.currentData() or lot.colour,
                   "pattern": self.lot_pattern.currentData() or lot.pattern}
        if all(getattr(lot, k) == v for k, v in changes.items()):
            return
        try:
            plan = lots.update_lot(self.doc.model.plan(), lot.id, **changes)
        except ValueError as e:
            self.reload()
            self.problems.setText(f"Not changed: {schema_problem(e)}")
            return
        self.doc.replace_plan(plan, f"Edit lot {lot.name}")

    def _load_kpis(self, lot: Lot) -> None:
        # Rows are rebuilt only when their number changes: the combo being used may be the
        # one whose signal led here, and it must not be deleted under its own feet.
        self.kpis.blockSignals(True)
        if self.kpis.rowCount() != len(lot.contract.kpis):
            self.kpis.setRowCount(len(lot.contract.kpis))
            for row in range(len(lot.contract.kpis)):
                combo = choice_combo(cat.KPI_FREQUENCIES)
                combo.activated.connect(lambda _i: self.commit_kpis())
                self.kpis.setCellWidget(row, 2, combo)
        for row, kpi in enumerate(lot.contract.kpis):
            for column, text in ((0, kpi.name), (1, kpi.target)):
                if self.kpis.item(row, column) is None:
                    self.kpis.setItem(row, column, QTableWidgetItem(text))
                else:
                    self.kpis.item(row, column).setText(text)
            set_combo(self.kpis.cellWidget(row, 2), kpi.frequency)
        self.kpis.blockSignals(False)

    def _load_funding(self, lot: Lot) -> None:
        if self.funding.rowCount() != len(lot.funding):
            self.funding.setRowCount(len(lot.funding))
            for row in range(len(lot.funding)):
                combo = QComboBox()
                combo.activated.connect(lambda _i: self.commit_funding())
                spin = AmountSpin()
                spin.setAccessibleName("Allocated a year")
                spin.valueChanged.connect(lambda _v: self.commit_funding())
                spin.refusal.connect(lambda reason, r=row: self.refused_allocation(r, reason))
                self.funding.setCellWidget(row, 0, combo)
                self.funding.setCellWidget(row, 1, spin)
        for row, allocation in enumerate(lot.funding):
            combo = self.funding.cellWidget(row, 0)
            combo.blockSignals(True)
            combo.clear()
            for source in self.doc.model.funding_sources:
                combo.addItem(source.name, source.id)
            if combo.findData(allocation.source) < 0:  # a source deleted since
                combo.addItem(allocation.source, allocation.source)
            combo.setCurrentIndex(combo.findData(allocation.source))
            combo.blockSignals(False)
            set_spin(self.funding.cellWidget(row, 1), allocation.annual_amount)

    def show_checks(self) -> None:
        """Problems at the fields, and the lot's contract-invalid wording underneath."""
        lot = self.lot
        if lot is None:
            return
        c = lot.contract
        weights = [c.quality_weight, c.price_weight, c.social_value_weight]
        ok = True
        if all(w is None for w in weights):
            self.weights_note.setText("Quality, price and social value must add to 100.")
            self.weights_note.setStyleSheet("")
        else:
            total = sum(w or 0 for w in weights)
            ok = abs(total - 100) < 1e-6
            self.weights_note.setText(f"Total {total:g}: " + ("adds to 100." if ok else
                                                               "must add to 100."))
            self.weights_note.setStyleSheet(GOOD if ok else BAD)
        for spin in (self.quality, self.price, self.social_value):
            mark_invalid(spin, "" if ok else f"The weights add to {total:g}, not 100.")
        bad_break = (c.break_clause_years is not None and c.initial_term_years is not None
                     and c.break_clause_years >= c.initial_term_years)
        self.break_note.setText("Must come before the end of the initial term."
                                if bad_break else "")
        cost = sum(m.estimated_annual_cost or 0 for m in self.doc.model.components
                   if m.id in lot.components)
        short = c.annual_value is not None and cost > c.annual_value
        self.cost_note.setText(f"Its components are estimated at {money(cost)} a year"
                               + (": providers may not bid." if short else "."))
        self.cost_note.setStyleSheet(BAD if short else "")
        allocated = sum(a.annual_amount for a in lot.funding)
        self.funding_note.setText(f"{money(allocated)} a year allocated"
                                  + (f" against a lot value of {money(c.annual_value)}."
                                     if c.annual_value is not None else "."))
        problems = contract_problems(lot)
        self.problems.setText("Contract terms not valid: " + "; ".join(problems) + "."
                              if problems else "")

    # --- fields -> model: one undo step per committed field ----------------------------------
    def _replace(self, contract: Contract | None = None,
                 funding: list[FundingAllocation] | None = None, text: str = "") -> None:
        lot = self.lot
        if lot is None:
            return
        plan = self.doc.model.plan()
        try:  # the schema has the last word (text lengths, real dates...)
            if contract is not None:
                plan = lots.set_contract(plan, lot.id, contract)
            if funding is not None:
                plan = lots.set_funding(plan, lot.id, funding)
        except ValueError as e:
            self.reload()
            self.problems.setText(f"Not changed: {schema_problem(e)}")
            return
        self.doc.replace_plan(plan, text or f"Edit contract of lot {lot.name}")
        self.show_checks()

    def commit_terms(self) -> None:
        lot = self.lot
        if lot is None:
            return
        extensions = parse_extensions(self.extensions.text())
        self.extensions_note.setText("" if extensions is not None else
                                     "Write the extensions as years, for example 2 + 2.")
        mark_invalid(self.extensions, self.extensions_note.text())
        try:
            start, start_refused = parse_date(self.start_date.text()), ""
        except ValueError as e:
            start, start_refused = lot.contract.start_date, str(e)
        self.start_note.setText(start_refused)
        mark_invalid(self.start_date, start_refused)
        if not start_refused:  # as the field shows dates, whichever way it was typed
            self.start_date.setText(uk_date(start))
        contract = lot.contract.model_copy(deep=True, update={
            "initial_term_years": spin_value(self.initial_term),
            "break_clause_years": spin_value(self.break_clause),
            "quality_weight": spin_value(self.quality),
            "price_weight": spin_value(self.price),
            "social_value_weight": spin_value(self.social_value),
            "annual_value": spin_value(self.annual_value),
            "pricing_model": self.pricing.currentData(),
            "payment_basis": self.payment.currentData(),
            "procurement_route": self.route.currentData(),
            "extensions_years": extensions if extensions is not None
            else lot.contract.extensions_years,
            "start_date": start})
        self._replace(contract)

    def commit_kpis(self) -> None:
        lot = self.lot
        if lot is None:
            return
        kpis = []
        for row in range(self.kpis.rowCount()):
            name = self.kpis.item(row, 0).text().strip() if self.kpis.item(row, 0) else ""
            target = self.kpis.item(row, 1).text().strip() if self.kpis.item(row, 1) else ""
            combo = self.kpis.cellWidget(row, 2)
            kpis.append(Kpi.model_construct(name=name, target=target,
                                            frequency=combo.currentData() if combo else None))
        self._replace(lot.contract.model_copy(deep=True, update={"kpis": kpis}),
                      text=f"Edit KPIs of lot {lot.name}")

    def add_kpi(self) -> None:
        lot = self.lot
        if lot is not None:
            kpis = [*lot.contract.kpis, Kpi(name="New indicator", frequency="monthly")]
            self._replace(lot.contract.model_copy(deep=True, update={"kpis": kpis}),
                          text=f"Add a KPI to lot {lot.name}")
            self.kpis.editItem(self.kpis.item(len(kpis) - 1, 0))

    def remove_kpi(self) -> None:
        lot, row = self.lot, self.kpis.currentRow()
        if lot is not None and 0 <= row < len(lot.contract.kpis):
            kpis = [k for i, k in enumerate(lot.contract.kpis) if i != row]
            self._replace(lot.contract.model_copy(deep=True, update={"kpis": kpis}),
                          text=f"Remove a KPI from lot {lot.name}")

    def _allocation_spins(self) -> list[AmountSpin]:
        return [self.funding.cellWidget(row, 1) for row in range(self.funding.rowCount())]

    def refused_annual_value(self, reason: str) -> None:
        lot = self.lot
        self.annual_note.setText(f"{reason}; the annual value stays "
                                 f"{money(lot.contract.annual_value)}." if reason and lot else "")

    def refused_allocation(self, row: int, reason: str) -> None:
        lot = self.lot
        if not reason or lot is None or row >= len(lot.funding):
            self.funding_message.clear()
            return
        source = self.funding.cellWidget(row, 0).currentText()
        self.funding_message.setText(f"{source}: {reason}; it stays "
                                     f"{money(lot.funding[row].annual_amount)}.")

    def _allocations(self) -> list[FundingAllocation]:
        out = []
        for row in range(self.funding.rowCount()):
            source = self.funding.cellWidget(row, 0).currentData()
            amount = spin_value(self.funding.cellWidget(row, 1))
            out.append(FundingAllocation(source=source, annual_amount=amount or 0))
        return out

    def commit_funding(self) -> None:
        lot = self.lot
        if lot is not None:
            self._replace(funding=self._allocations(), text=f"Edit funding of lot {lot.name}")

    def add_allocation(self) -> None:
        lot = self.lot
        sources = self.doc.model.funding_sources
        if lot is None or not sources:
            self.funding_note.setText("Add funding sources first (Lots > Funding).")
            return
        used = {a.source for a in lot.funding}
        source = next((s for s in sources if s.id not in used), sources[0])
        remaining = (lot.contract.annual_value or 0) - sum(a.annual_amount for a in lot.funding)
        self._replace(funding=[*lot.funding, FundingAllocation(source=source.id,
                                                               annual_amount=max(remaining, 0))],
                      text=f"Allocate {source.name} to lot {lot.name}")

    def remove_allocation(self) -> None:
        lot, row = self.lot, self.funding.currentRow()
        if lot is not None and 0 <= row < len(lot.funding):
            self._replace(funding=[a for i, a in enumerate(lot.funding) if i != row],
                          text=f"Remove funding from lot {lot.name}")


class ContractDialog(QDialog):
    """The contract editor in its own window (not modal: the canvas stays usable)."""

    def __init__(self, document: Document, lot_id: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Lot contract")
        self.editor = ContractEditor(document, lot_id, self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)  # Enter in a field commits the field; it never closes
        close.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 760)  # long funding source names and the KPI columns read in full
