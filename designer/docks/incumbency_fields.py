"""The incumbency fields of the Properties panel: who runs the service today, when that
contract ends and whether it can be extended (docs/file-format.md, components). Shown for
services only; the procurement checks (`service-gap`, `extension-not-available`) read them."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit

from models.entry import DATE_EXAMPLE, parse_date, uk_date
from models.schema import Component

EXTENDABLE = {"Not recorded": None, "Yes": True, "No": False}


class IncumbencyFields:
    """Adds the rows to a component form and keeps them in step with the selected component."""

    def __init__(self, panel, form: QFormLayout, before_row: int):
        self.form, self.panel = form, panel
        self.provider = QLineEdit()
        self.provider.setAccessibleName("Current provider")
        self.end = QLineEdit()
        self.end.setAccessibleName("Current contract ends")
        self.end.setPlaceholderText("DD/MM/YYYY")
        self.extendable = QComboBox()
        self.extendable.setAccessibleName("Current contract can be extended")
        for label, value in EXTENDABLE.items():
            self.extendable.addItem(label, value)
        form.insertRow(before_row, "Current pro&vider", self.provider)
        form.insertRow(before_row + 1, "Current contract ends", self.end)
        form.insertRow(before_row + 2, "Can be e&xtended", self.extendable)
        self.provider.textEdited.connect(
            lambda text: panel._edit_component({"current_provider": text.strip()}, True))
        self.end.editingFinished.connect(self._end_edited)
        self.extendable.activated.connect(lambda _i: panel._edit_component(
            {"current_contract_extendable": self.extendable.currentData()}))

    def _end_edited(self) -> None:
        try:
            value = parse_date(self.end.text())
        except ValueError as e:
            self.panel._show_error(self.panel.component_page, f"Not changed: {e}")
            return
        self.panel._edit_component({"current_contract_end": value})

    def load(self, component: Component) -> None:
        service = component.kind_info.is_service
        for field in (self.provider, self.end, self.extendable):
            self.form.setRowVisible(field, service)
        if self.provider.text() != component.current_provider:
            self.provider.setText(component.current_provider)
        self.end.setText(uk_date(component.current_contract_end))
        self.extendable.setCurrentIndex(
            list(EXTENDABLE.values()).index(component.current_contract_extendable))
        self.end.setToolTip(f"When today's contract ends, {DATE_EXAMPLE}")
