"""The demand and capacity fields of the Properties panel (file version 2, docs/flow.md).

Plain labels with their units: referral routes take "People a year who come in this way";
services take capacity, average stay and completion rate. The rows that do not apply to the
selected kind are hidden rather than disabled, so the form stays short.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout

from models.schema import Component


def _spin(maximum: float, suffix: str, decimals: int, name: str, minimum: float = 0,
          step: float = 1) -> QDoubleSpinBox:
    from .properties import NOT_SET

    spin = QDoubleSpinBox()
    spin.setRange(minimum - 1, maximum)  # one below the minimum reads "Not set"
    spin.setDecimals(decimals)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    spin.setSpecialValueText(NOT_SET)
    spin.setAccessibleName(name)
    return spin


class FlowFields:
    """Adds the rows to a component form and keeps them in step with the selected component."""

    def __init__(self, panel, form: QFormLayout, before_row: int):
        from .properties import spin_value

        self.form = form
        self.referrals = _spin(1e9, " people a year", 0, "People a year who come in this way",
                               step=10)
        self.stay = _spin(600, " months", 1, "Average stay in months", minimum=0.1, step=1)
        self.completion = _spin(100, " %", 0, "Successful completions in percent of leavers")
        form.insertRow(before_row, "People a year who come in this &way", self.referrals)
        form.insertRow(before_row + 2, "Average &stay (months)", self.stay)
        form.insertRow(before_row + 3, "Complete successfully (% of leavers)", self.completion)
        for spin, key in ((self.referrals, "annual_referrals"), (self.stay, "episode_months"),
                          (self.completion, "completion_percent")):
            spin.valueChanged.connect(lambda _, spin=spin, key=key: panel._edit_component(
                {key: spin_value(spin)}, True))

    def load(self, component: Component) -> None:
        from .properties import set_spin

        kind = component.kind_info
        self.form.setRowVisible(self.referrals, kind.is_route)
        for spin in (self.stay, self.completion):
            self.form.setRowVisible(spin, kind.is_service)
        set_spin(self.referrals, component.annual_referrals)
        set_spin(self.stay, component.episode_months)
        set_spin(self.completion, component.completion_percent)
