"""The fields of the contract, funding and procurement windows: amounts typed as anywhere in the
app (AmountSpin), numbers that may be 'not set', notes under a field and the pale red of a refused
value, so each window refuses bad text the same way."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette, QValidator
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QPushButton, QWidget

from models.entry import MOST_MONEY, parse_amount
from models.wording import money

from ..widgets.plain_text import plain_tooltip

NOT_SET = "not set"
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
        return money(value)

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
