"""The property editor: the fields of the selected component or pathway, or of the model itself
when nothing is selected. Each edit is a Document edit; typing in a field merges into one undo
step. The fields refresh from the model whenever it changes (after undo, in the table...)."""

from __future__ import annotations

from contextlib import contextmanager

from pydantic import TypeAdapter, ValidationError
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QFrame,
                               QGridLayout, QGroupBox, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QScrollArea, QSizePolicy, QSpinBox,
                               QStackedWidget, QVBoxLayout, QWidget)

from models.catalogue import COHORTS, COMMISSIONERS, KINDS, STAGE_NAMES
from models.schema import Text

from ..canvas.items import wrap_lines
from ..widgets.plain_text import plain_label, plain_tooltip
from ..document import Document
from .flow_fields import FlowFields
from .incumbency_fields import IncumbencyFields

NOT_SET = "Not set"
NARROW_FORM = 480  # px: below this, labels sit above their fields
INVALID_STYLE = "border: 2px solid #b00020;"
# Model-level fields are set directly on the model, so check them here against the schema.
MODEL_FIELD_TYPES = {"title": TypeAdapter(Text), "authority": TypeAdapter(Text),
                     "author": TypeAdapter(Text), "notes": TypeAdapter(Text),
                     "localities": TypeAdapter(list[Text])}


def _name(widget, name: str):
    widget.setAccessibleName(name)
    return widget


def _lines_high(widget: QWidget, lines: int) -> int:
    """A height showing `lines` lines of text: the pages scroll rather than squash a field
    to a single line."""
    return widget.fontMetrics().lineSpacing() * lines + 14


def _add_wide_row(form: QFormLayout, label: str, field: QWidget) -> None:
    """A label above a field that takes the whole width (lists and notes read badly when
    squeezed beside a long label)."""
    title = QLabel(label)
    title.setBuddy(field)
    form.addRow(title)
    form.addRow(field)


def optional_spin(maximum: int, minimum: int = 0, suffix: str = "") -> QSpinBox:
    """A whole-number field that can be left blank: one below the minimum reads "Not set"."""
    spin = QSpinBox()
    spin.setRange(minimum - 1, maximum)
    spin.setSpecialValueText(NOT_SET)
    spin.setGroupSeparatorShown(True)
    spin.setSuffix(suffix)
    return spin


def money_spin() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(-1, 1e12)
    spin.setDecimals(0)
    spin.setPrefix("£")
    spin.setGroupSeparatorShown(True)
    spin.setSingleStep(10_000)
    spin.setSpecialValueText(NOT_SET)
    return spin


def spin_value(spin) -> float | int | None:
    return None if spin.value() == spin.minimum() else spin.value()


def set_spin(spin, value) -> None:
    spin.setValue(spin.minimum() if value is None else value)


class Heading(QLabel):
    """A bold heading cut to two lines with "…" (a 300-character name must not push the form
    out of view); the whole text is in the tool tip and, for a component, the Name field."""

    def __init__(self, text: str = ""):
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.setFont(font)
        self.full_text = ""
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(plain_tooltip(text))
        self._fit()

    def _fit(self) -> None:
        width = max(40, self.contentsRect().width())
        self.setText("\n".join(wrap_lines(self.full_text, QFontMetricsF(self.font()), width, 2)[0]))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


class Page(QScrollArea):
    def __init__(self, title: str):
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.layout_ = QVBoxLayout(body)
        self.heading = Heading(title)
        self.layout_.addWidget(self.heading)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.addLayout(self.form)
        self.error = plain_label()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setAccessibleName("Problem with the last edit")
        self.error.hide()
        self.layout_.addWidget(self.error)
        self.layout_.addStretch(1)
        self.setWidget(body)


class PropertyEditor(QStackedWidget):
    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.doc = document
        self.setAccessibleName("Properties")
        self.component_id: str | None = None
        self.pathway_id: str | None = None
        self._loading = False
        self._build_model_page()
        self._build_component_page()
        self._build_pathway_page()
        self.many_page = Page("Several items selected")
        self.many_page.layout_.insertWidget(1, plain_label(
            "Select one component or pathway to see its properties. Delete removes the whole "
            "selection; arrow keys move it."))
        for page in (self.model_page, self.component_page, self.pathway_page, self.many_page):
            self.addWidget(page)
        document.componentChanged.connect(self._component_changed)
        document.componentRemoved.connect(self._component_removed)
        document.pathwayChanged.connect(self._pathway_changed)
        document.pathwayRemoved.connect(self._pathway_removed)
        document.modelChanged.connect(self._model_changed)
        document.lotsChanged.connect(self._model_changed)  # plans may add localities
        document.modelReset.connect(self._model_reset)
        self.show_selection([], [])

    @contextmanager
    def loading(self):
        self._loading, was = True, self._loading
        try:
            yield
        finally:
            self._loading = was

    # --- pages ------------------------------------------------------------------------------
    def _build_model_page(self) -> None:
        page = self.model_page = Page("Service model")
        self.title_edit = _name(QLineEdit(), "Model title")
        self.authority_edit = _name(QLineEdit(), "Authority")
        self.author_edit = _name(QLineEdit(), "Author")
        self.model_localities = _name(QPlainTextEdit(), "Localities, one per line")
        self.model_localities.setPlaceholderText("One locality per line, e.g. Blaby")
        self.model_localities.setMaximumHeight(150)
        self.model_localities.setMinimumHeight(_lines_high(self.model_localities, 4))
        self.model_notes = _name(QPlainTextEdit(), "Model notes")
        self.model_notes.setMaximumHeight(160)
        self.model_notes.setMinimumHeight(_lines_high(self.model_notes, 4))
        page.form.addRow("&Title", self.title_edit)
        page.form.addRow("A&uthority", self.authority_edit)
        page.form.addRow("Aut&hor", self.author_edit)
        page.form.addRow("&Localities", self.model_localities)
        page.form.addRow("&Notes", self.model_notes)
        for field, edit in (("title", self.title_edit), ("authority", self.authority_edit),
                            ("author", self.author_edit)):
            edit.textEdited.connect(lambda text, f=field: self._edit_model({f: text}))
        self.model_localities.textChanged.connect(lambda: self._edit_model(
            {"localities": list(dict.fromkeys(
                line.strip() for line in self.model_localities.toPlainText().splitlines()
                if line.strip()))}))
        self.model_notes.textChanged.connect(
            lambda: self._edit_model({"notes": self.model_notes.toPlainText()}))
        page.layout_.insertWidget(1, plain_label(
            "Nothing is selected, so these are the model's own details. Click a box or an "
            "arrow on the canvas to edit it."))

    def _build_component_page(self) -> None:
        page = self.component_page = Page("Component")
        self.kind_label = plain_label()
        self.kind_label.setStyleSheet("color: #444;")
        page.layout_.insertWidget(1, self.kind_label)
        self.name_edit = _name(QLineEdit(), "Component name")
        # A short title (a group box is never narrower than it), set per kind when shown.
        box = self.cohort_box = QGroupBox("Cohorts served")
        box.setAccessibleName("Cohorts")
        self.cohort_grid = QGridLayout(box)
        self.cohort_boxes: dict[str, QCheckBox] = {}
        for cohort_id, label in COHORTS.items():
            check = _name(QCheckBox(label), f"Cohort: {label}")
            check.toggled.connect(self._cohorts_edited)
            self.cohort_boxes[cohort_id] = check
        self._place_cohorts(2)
        self.commissioner_combo = _name(QComboBox(), "Commissioner")
        self.commissioner_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.commissioner_combo.setMinimumContentsLength(14)
        for cid, label in COMMISSIONERS.items():
            self.commissioner_combo.addItem(label, cid)
        self.procured_check = _name(QCheckBox("Procured (tendered, not in-house)"), "Procured")
        self.localities_list = _name(QListWidget(), "Localities with a physical base")
        self.localities_list.setMaximumHeight(140)
        self.localities_list.setMinimumHeight(_lines_high(self.localities_list, 4))
        self.capacity_spin = _name(optional_spin(10_000_000, suffix=" people a year"),
                                   "Capacity: people a year it can take on")
        self.cost_spin = _name(money_spin(), "Estimated annual cost in pounds")
        self.upper_age_spin = _name(optional_spin(30, minimum=10, suffix=" years"), "Upper age")
        self.notes_edit = _name(QPlainTextEdit(), "Component notes")
        self.notes_edit.setMaximumHeight(120)
        self.notes_edit.setMinimumHeight(_lines_high(self.notes_edit, 4))
        page.form.addRow("&Name", self.name_edit)
        page.form.addRow(box)
        page.form.addRow("&Commissioner", self.commissioner_combo)
        page.form.addRow("", self.procured_check)
        _add_wide_row(page.form, "&Localities (physical base)", self.localities_list)
        page.form.addRow("Ca&pacity (people a year)", self.capacity_spin)
        page.form.addRow("Estimated annual &cost", self.cost_spin)
        page.form.addRow("&Upper age (young people)", self.upper_age_spin)
        _add_wide_row(page.form, "N&otes", self.notes_edit)
        self.flow_fields = FlowFields(self, page.form,
                                      page.form.getWidgetPosition(self.capacity_spin)[0])
        self.incumbency = IncumbencyFields(self, page.form,
                                           page.form.getWidgetPosition(self.notes_edit)[0])
        self.name_edit.textEdited.connect(lambda t: self._edit_component({"name": t}, True))
        self.commissioner_combo.activated.connect(lambda _: self._edit_component(
            {"commissioner": self.commissioner_combo.currentData()}))
        self.procured_check.clicked.connect(
            lambda on: self._edit_component({"procured": bool(on)}))
        self.localities_list.itemChanged.connect(self._localities_edited)
        self.capacity_spin.valueChanged.connect(lambda _: self._edit_component(
            {"capacity": spin_value(self.capacity_spin)}, True))
        self.cost_spin.valueChanged.connect(lambda _: self._edit_component(
            {"estimated_annual_cost": spin_value(self.cost_spin)}, True))
        self.upper_age_spin.valueChanged.connect(lambda _: self._edit_component(
            {"upper_age": spin_value(self.upper_age_spin)}, True))
        self.notes_edit.textChanged.connect(
            lambda: self._edit_component({"notes": self.notes_edit.toPlainText()}, True))

    def _build_pathway_page(self) -> None:
        page = self.pathway_page = Page("Pathway")
        self.ends_label = plain_label()
        page.layout_.insertWidget(1, self.ends_label)
        self.label_edit = _name(QLineEdit(), "Pathway label")
        self.label_edit.setPlaceholderText("Optional, e.g. Transition at 18")
        self.share_spin = _name(QDoubleSpinBox(), "Share of people in percent")
        self.share_spin.setRange(-1, 100)
        self.share_spin.setDecimals(0)
        self.share_spin.setSuffix(" %")
        self.share_spin.setSpecialValueText(NOT_SET)
        page.form.addRow("&Label", self.label_edit)
        page.form.addRow("&Share of people", self.share_spin)
        self.label_edit.textEdited.connect(lambda t: self._edit_pathway({"label": t}))
        self.share_spin.valueChanged.connect(lambda _: self._edit_pathway(
            {"share_percent": spin_value(self.share_spin)}))

    def _place_cohorts(self, columns: int) -> None:
        """Cohort boxes in two columns, or one in a narrow dock (no sideways scrolling)."""
        self.cohort_columns = columns
        for check in self.cohort_boxes.values():
            self.cohort_grid.removeWidget(check)
        for n, check in enumerate(self.cohort_boxes.values()):
            self.cohort_grid.addWidget(check, n // columns, n % columns)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        columns = 2 if self.width() >= 350 else 1
        if columns != self.cohort_columns:
            self._place_cohorts(columns)
        # In a dock narrower than a long label and a readable field side by side, every label
        # goes above its field: a name squeezed to a few letters beside "Name" reads as cut.
        wrap = (QFormLayout.RowWrapPolicy.WrapAllRows if self.width() < NARROW_FORM
                else QFormLayout.RowWrapPolicy.WrapLongRows)
        for page in (self.model_page, self.component_page, self.pathway_page):
            if page.form.rowWrapPolicy() != wrap:
                page.form.setRowWrapPolicy(wrap)

    # --- showing ----------------------------------------------------------------------------
    def _model_reset(self) -> None:
        self.show_selection([], [])

    def show_selection(self, component_ids: list[str], pathway_ids: list[str]) -> None:
        self.component_id = self.pathway_id = None
        if len(component_ids) + len(pathway_ids) > 1:
            self.setCurrentWidget(self.many_page)
        elif component_ids:
            self.component_id = component_ids[0]
            self._load_component()
            self.setCurrentWidget(self.component_page)
        elif pathway_ids:
            self.pathway_id = pathway_ids[0]
            self._load_pathway()
            self.setCurrentWidget(self.pathway_page)
        else:
            self._load_model()
            self.setCurrentWidget(self.model_page)
        for page in (self.model_page, self.component_page, self.pathway_page):
            self._show_error(page, "")

    def _load_model(self) -> None:
        model = self.doc.model
        with self.loading():
            for edit, value in ((self.title_edit, model.title),
                                (self.authority_edit, model.authority),
                                (self.author_edit, model.author)):
                if edit.text() != value:
                    edit.setText(value)
                    edit.setCursorPosition(0)
            if self._lines(self.model_localities) != model.localities:
                self.model_localities.setPlainText("\n".join(model.localities))
            if self.model_notes.toPlainText() != model.notes:
                self.model_notes.setPlainText(model.notes)

    @staticmethod
    def _lines(edit: QPlainTextEdit) -> list[str]:
        return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]

    def _load_component(self) -> None:
        c = self.doc.model.component(self.component_id)
        kind = KINDS[c.kind]
        with self.loading():
            self.component_page.heading.set_full_text(c.name or "(no name)")
            self.kind_label.setText(f"{kind.name} · {STAGE_NAMES[kind.stage]}\n{kind.description}")
            if self.name_edit.text() != c.name:
                self.name_edit.setText(c.name)
                self.name_edit.setCursorPosition(0)
            self.cohort_box.setTitle("Cohorts brought in" if kind.is_route
                                     else "Cohorts served")
            for cohort_id, check in self.cohort_boxes.items():
                check.setChecked(cohort_id in c.cohorts)
            combo = self.commissioner_combo
            combo.setCurrentIndex(combo.findData(c.commissioner))
            self.procured_check.setChecked(c.procured)
            self.procured_check.setEnabled(kind.is_service)
            self.localities_list.clear()
            for locality in dict.fromkeys([*self.doc.model.all_localities(), *c.localities]):
                item = QListWidgetItem(locality)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if locality in c.localities
                                   else Qt.CheckState.Unchecked)
                self.localities_list.addItem(item)
            if not self.doc.model.all_localities():
                self.localities_list.setToolTip("Add localities to the model first (select "
                                                "nothing and edit Localities).")
            set_spin(self.capacity_spin, c.capacity)
            set_spin(self.cost_spin, c.estimated_annual_cost)
            set_spin(self.upper_age_spin, c.upper_age)
            self.flow_fields.load(c)
            self.incumbency.load(c)
            if self.notes_edit.toPlainText() != c.notes:
                self.notes_edit.setPlainText(c.notes)

    def _load_pathway(self) -> None:
        p = self.doc.model.pathway(self.pathway_id)
        model = self.doc.model
        with self.loading():
            self.ends_label.setText(f"From {model.component(p.source).name}\n"
                                    f"to {model.component(p.target).name}")
            if self.label_edit.text() != p.label:
                self.label_edit.setText(p.label)
            set_spin(self.share_spin, p.share_percent)

    # --- model -> fields --------------------------------------------------------------------
    def _component_changed(self, component_id: str) -> None:
        if component_id == self.component_id:
            self._load_component()
        elif self.pathway_id and self.currentWidget() is self.pathway_page:
            self._load_pathway()

    def _component_removed(self, component_id: str) -> None:
        if component_id == self.component_id:
            self.show_selection([], [])

    def _pathway_changed(self, pathway_id: str) -> None:
        if pathway_id == self.pathway_id:
            self._load_pathway()

    def _pathway_removed(self, pathway_id: str) -> None:
        if pathway_id == self.pathway_id:
            self.show_selection([], [])

    def _model_changed(self) -> None:
        if self.currentWidget() is self.model_page:
            self._load_model()
        elif self.component_id:
            self._load_component()

    # --- fields -> model --------------------------------------------------------------------
    def _apply(self, page: Page, edit) -> None:
        """Run an edit; if the schema refuses the value, say why under the field and mark it."""
        field = self.focusWidget() if isinstance(self.focusWidget(), QWidget) else None
        try:
            edit()
        except ValidationError as e:
            problem = e.errors()[0]
            self._show_error(page, f"Not changed: {problem['msg']}.")
            if field is not None and page.isAncestorOf(field):
                field.setStyleSheet(INVALID_STYLE)
                page.invalid_field = field
        else:
            self._show_error(page, "")

    def _show_error(self, page: Page, message: str) -> None:
        page.error.setText(message)
        page.error.setVisible(bool(message))
        if not message and getattr(page, "invalid_field", None) is not None:
            page.invalid_field.setStyleSheet("")
            page.invalid_field = None

    def _edit_component(self, changes: dict, merge: bool = False) -> None:
        if self._loading or not self.component_id:
            return
        self._apply(self.component_page, lambda: self.doc.update_component(
            self.component_id, changes, merge=merge))

    def _edit_pathway(self, changes: dict) -> None:
        if self._loading or not self.pathway_id:
            return
        self._apply(self.pathway_page, lambda: self.doc.update_pathway(
            self.pathway_id, changes, merge=True))

    def _edit_model(self, changes: dict) -> None:
        if self._loading:
            return

        def edit():
            for key, value in changes.items():
                MODEL_FIELD_TYPES[key].validate_python(value)
            self.doc.update_model(changes, merge=True)
        self._apply(self.model_page, edit)

    def _cohorts_edited(self) -> None:
        self._edit_component({"cohorts": [c for c, check in self.cohort_boxes.items()
                                          if check.isChecked()]})

    def _localities_edited(self) -> None:
        if self._loading:
            return
        items = [self.localities_list.item(i) for i in range(self.localities_list.count())]
        self._edit_component({"localities": [i.text() for i in items
                                             if i.checkState() == Qt.CheckState.Checked]})
