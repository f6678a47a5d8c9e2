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


from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget)

from models import catalogue as cat
from models import lots
from models.checks import contract_problems
from models.metrics import money
from models.entry import parse_date, parse_extensions, schema_problem, uk_date
from models.schema import Contract, FundingAllocation, Kpi, Lot

from ..document import Document
from ..widgets.plain_text import plain_label
from ..widgets.screens import fit_to_screen
from .contract_fields import (BAD, GOOD, AmountSpin, Note, choice_combo, mark_invalid,
                              optional_spin, set_combo, set_spin, spin_value)
from .contract_fields import INVALID_FILL  # noqa: F401  the refused fill, under its old address
from .contract_tables import FundingGroup, KpiGroup

# Names of catalogue.LOT_COLOURS (Okabe-Ito), in the same order.
COLOUR_NAMES = ("Blue", "Orange", "Bluish green", "Reddish purple", "Sky blue", "Vermilion",
                "Yellow", "Black")


class ContractEditor(QWidget):
    """Edits the contract, KPIs and funding allocations of one lot of the active plan."""

    def __init__(self, document: Document, lot_id: str | None = None, parent=None):
        super().__init__(parent)
        self.doc = document
        self.lot_id: str | None = None
        self.setAccessibleName("Contract terms")

        self.heading = plain_label()
        self.heading.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.cost_note = plain_label()

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
        self.weights_note = plain_label()
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

        self.kpi_group = KpiGroup()
        self.kpis = self.kpi_group.table
        self.kpi_group.edited.connect(self._replace_kpis)
        self.funding_group = FundingGroup(document)
        self.funding = self.funding_group.table
        self.funding_message = self.funding_group.message  # an amount refused in the table
        self.funding_group.edited.connect(self._replace_funding)

        self.problems = plain_label()
        self.problems.setStyleSheet(BAD)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.heading)
        layout.addWidget(lot_group)
        layout.addWidget(terms_group)
        layout.addWidget(self.kpi_group)
        layout.addWidget(self.funding_group)
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

    # --- model -> fields -------------------------------------------------------------------
    @property
    def lot(self) -> Lot | None:
        plan = self.doc.model.plan()
        return plan.lot(self.lot_id) if plan and self.lot_id else None

    def set_lot(self, lot_id: str | None) -> None:
        if lot_id != self.lot_id:  # refusals are about the lot shown before
            self.annual_value.clear_refusal()
            self.funding_group.clear_refusals()
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
        self.kpi_group.load(lot)
        self.funding_group.load(lot)
        self.show_checks()

    def _load_lot(self, lot: Lot) -> None:
        from ..docks.lot_tree import lot_swatch  # the dock's swatch, so both look the same

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
        self.funding_group.note.setText(f"{money(allocated)} a year allocated"
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

    def _replace_kpis(self, kpis: list[Kpi], text: str) -> None:
        lot = self.lot
        if lot is not None:
            self._replace(lot.contract.model_copy(deep=True, update={"kpis": kpis}), text=text)

    def _replace_funding(self, funding: list[FundingAllocation], text: str) -> None:
        self._replace(funding=funding, text=text)

    def add_kpi(self) -> None:
        self.kpi_group.add()

    def refused_annual_value(self, reason: str) -> None:
        lot = self.lot
        self.annual_note.setText(f"{reason}; the annual value stays "
                                 f"{money(lot.contract.annual_value)}." if reason and lot else "")


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
