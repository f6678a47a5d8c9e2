"""The contract and Funding windows driven by the keyboard, offscreen: Enter commits the field
being typed in and clicks no button; amounts are read by one parser and a negative one is
refused at the field; start dates typed the English way; invalid weights are marked without
widening the form."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea

from designer.dialogs.contract import INVALID_FILL
from models.entry import parse_amount, parse_date
from designer.dialogs.funding import FundingDialog
from designer.dialogs.funding import parse_amount as funding_parse_amount


@pytest.fixture
def window(luton_window):
    return luton_window


@pytest.fixture
def contract(window, qtbot):
    """The contract window of the clinical lot, opened as the user opens it."""
    window.lots.select_lot("clinical")
    window.lots.contract_action.trigger()
    dialog = window.lots.dialogs["contract"]
    qtbot.waitExposed(dialog)
    assert dialog.editor.lot_id == "clinical"
    yield dialog
    dialog.close()


@pytest.fixture
def funding(window, qtbot):
    dialog = FundingDialog(window.doc, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def terms_lot(window):
    return window.doc.model.plan().lot("clinical")


def terms(window):
    return terms_lot(window).contract


def type_into(qtbot, field, text: str, key=Qt.Key.Key_Return):
    """Replace a field's text by typing (ASCII only: keyClicks aborts on '£'), then press Enter."""
    field.setFocus()
    field.selectAll()
    QTest.keyClicks(field, text)
    QTest.keyClick(field, key)
    qtbot.wait(10)


def test_no_button_in_either_window_is_a_default(contract, funding):
    for dialog in (contract, funding):
        for button in dialog.findChildren(QPushButton):
            assert not button.autoDefault() and not button.isDefault(), button.text()


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_in_a_contract_field_commits_that_field_only(window, contract, qtbot, key):
    editor, stack = contract.editor, window.doc.undo_stack
    kpis = len(terms(window).kpis)
    steps = stack.count()
    type_into(qtbot, editor.annual_value, "2500000", key)
    assert terms(window).annual_value == 2_500_000
    assert stack.count() == steps + 1 and "contract" in stack.text(stack.count() - 1)
    type_into(qtbot, editor.quality, "55", key)
    assert terms(window).quality_weight == 55 and stack.count() == steps + 2
    type_into(qtbot, editor.start_date, "01/04/2026", key)
    assert terms(window).start_date == "2026-04-01" and stack.count() == steps + 3
    type_into(qtbot, editor.lot_code, "C1", key)
    assert window.doc.model.plan().lot("clinical").code == "C1"
    assert stack.count() == steps + 4
    # A second Enter with nothing changed adds nothing either.
    QTest.keyClick(editor.lot_code, key)
    QTest.keyClick(editor.annual_value, key)
    assert stack.count() == steps + 4
    assert len(terms(window).kpis) == kpis
    assert all(k.name != "New indicator" for k in terms(window).kpis)
    assert contract.isVisible()  # Enter did not close the window either


def test_enter_twice_on_the_funding_tables_adds_no_source(window, funding, qtbot):
    doc = window.doc
    sources, steps = len(doc.model.funding_sources), doc.undo_stack.count()
    for table in (funding.sources, funding.allocations):
        table.setFocus()
        table.setCurrentCell(0, 0)
        QTest.keyClick(table, Qt.Key.Key_Return)
        QTest.keyClick(table, Qt.Key.Key_Return)
        qtbot.wait(10)
    assert len(doc.model.funding_sources) == sources
    assert all(s.name != "New funding source" for s in doc.model.funding_sources)
    assert doc.undo_stack.count() == steps
    # Typing an amount in a cell and pressing Enter writes that one cell.
    column = [s.id for s in doc.model.funding_sources].index("phg")
    funding.allocations.setCurrentCell(0, column)
    funding.allocations.editItem(funding.allocations.item(0, column))
    qtbot.wait(10)
    cell_editor = QApplication.focusWidget()
    type_into(qtbot, cell_editor, "1.25m")
    QTest.keyClick(funding.allocations, Qt.Key.Key_Return)
    qtbot.wait(10)
    allocated = {a.source: a.annual_amount for a in terms_lot(window).funding}
    assert allocated["phg"] == 1_250_000
    assert doc.undo_stack.count() == steps + 1
    assert len(doc.model.funding_sources) == sources


def test_one_parser_reads_amounts_for_both_windows():
    assert funding_parse_amount is parse_amount
    assert parse_amount("£1,250,000") == 1_250_000 and parse_amount("1.2m") == 1_200_000
    assert parse_amount("") is None and parse_amount("0") == 0
    for negative in ("-5", "-£5,000", "£-5,000", "\u22125000", "\u20135000", "(5,000)"):
        with pytest.raises(ValueError, match="An amount cannot be negative"):
            parse_amount(negative)
    with pytest.raises(ValueError, match="not an amount of money"):
        parse_amount("lots")


def test_a_negative_annual_value_is_refused_at_the_field(window, contract, qtbot):
    editor, doc = contract.editor, window.doc
    type_into(qtbot, editor.annual_value, "1.8m")
    assert terms(window).annual_value == 1_800_000 and editor.annual_note.text() == ""
    steps = doc.undo_stack.count()
    type_into(qtbot, editor.annual_value, "-50000")
    assert terms(window).annual_value == 1_800_000  # the old value is kept
    assert doc.undo_stack.count() == steps
    assert "An amount cannot be negative" in editor.annual_note.text()
    assert editor.annual_note.isVisible()
    assert "An amount cannot be negative" in editor.annual_value.toolTip()
    assert editor.annual_value.text() == "£1,800,000"
    assert editor.annual_value.palette().color(QPalette.ColorRole.Base) == INVALID_FILL
    assert "the annual value stays £1,800,000" in editor.annual_note.text()
    editor.start_date.setFocus()  # moving on leaves the message on show
    qtbot.wait(10)
    assert "An amount cannot be negative" in editor.annual_note.text()
    doc.run_checks()
    assert not any("£0 a year" in f.message for f in doc.findings)
    # Leaving the field with a negative in it refuses it the same way.
    editor.annual_value.setFocus()
    editor.annual_value.selectAll()
    QTest.keyClicks(editor.annual_value, "-1")
    editor.start_date.setFocus()
    qtbot.wait(10)
    assert terms(window).annual_value == 1_800_000
    assert "An amount cannot be negative" in editor.annual_note.text()
    # An empty field is 'not set', and a good amount clears the message.
    editor.annual_value.setFocus()
    editor.annual_value.selectAll()
    QTest.keyClick(editor.annual_value, Qt.Key.Key_Delete)
    QTest.keyClick(editor.annual_value, Qt.Key.Key_Return)
    assert terms(window).annual_value is None and editor.annual_value.text() == "not set"
    assert editor.annual_note.text() == "" and editor.annual_value.toolTip() == ""
    assert editor.annual_value.palette().color(QPalette.ColorRole.Base) != INVALID_FILL
    type_into(qtbot, editor.annual_value, "2300000")
    assert terms(window).annual_value == 2_300_000
    # A refusal belongs to its lot: showing another lot clears it.
    type_into(qtbot, editor.annual_value, "-1")
    assert editor.annual_note.isVisible()
    editor.set_lot("recovery")
    assert not editor.annual_note.isVisible() and editor.annual_value.toolTip() == ""


def test_a_negative_allocation_in_the_contract_window_is_refused(window, contract, qtbot):
    editor = contract.editor
    assert editor.funding.rowCount() > 0
    spin = editor.funding.cellWidget(0, 1)
    before = terms_lot(window).funding[0].annual_amount
    type_into(qtbot, spin, "-10")
    assert terms_lot(window).funding[0].annual_amount == before
    assert "An amount cannot be negative" in editor.funding_message.text()
    assert f"stays £{before:,.0f}" in editor.funding_message.text()
    assert "negative" in spin.toolTip() and editor.funding_message.isVisible()


def test_parse_date_reads_english_and_iso_dates():
    assert parse_date("31/03/2027") == "2027-03-31" == parse_date("2027-03-31")
    assert parse_date("1/4/2027") == "2027-04-01" and parse_date(" ") is None
    with pytest.raises(ValueError, match="31 February 2027 does not exist"):
        parse_date("31/02/2027")
    with pytest.raises(ValueError, match="There is no month 13"):
        parse_date("01/13/2027")
    with pytest.raises(ValueError, match="DD/MM/YYYY"):
        parse_date("March 2027")


def test_start_date_typed_the_english_way(window, contract, qtbot):
    editor, doc = contract.editor, window.doc
    steps = doc.undo_stack.count()
    type_into(qtbot, editor.start_date, "31/03/2027")
    assert terms(window).start_date == "2027-03-31" and editor.start_note.text() == ""
    assert editor.start_date.text() == "31/03/2027" and doc.undo_stack.count() == steps + 1
    type_into(qtbot, editor.start_date, "31/02/2027")
    assert "31 February 2027 does not exist" in editor.start_note.text()
    assert editor.start_note.isVisible() and "does not exist" in editor.start_date.toolTip()
    assert editor.start_date.text() == "31/02/2027"  # left to be corrected
    assert terms(window).start_date == "2027-03-31" and doc.undo_stack.count() == steps + 1
    type_into(qtbot, editor.start_date, "1/4/2027")
    assert terms(window).start_date == "2027-04-01" and editor.start_note.text() == ""
    assert editor.start_date.text() == "01/04/2027" and editor.start_date.toolTip() == ""
    type_into(qtbot, editor.start_date, "2027-05-02")
    assert terms(window).start_date == "2027-05-02" and editor.start_date.text() == "02/05/2027"


def no_horizontal_scroll(dialog) -> bool:
    scroll = dialog.editor.findChild(QScrollArea)
    body = scroll.widget()
    return (not scroll.horizontalScrollBar().isVisible()
            and body.minimumSizeHint().width() <= scroll.viewport().width())


def test_invalid_weights_are_marked_without_widening_the_form(window, contract, qtbot):
    editor = contract.editor
    weights = (editor.quality, editor.price, editor.social_value)
    type_into(qtbot, editor.price, "30")  # the template leaves the weights unset
    type_into(qtbot, editor.social_value, "10")
    type_into(qtbot, editor.quality, "60")
    qtbot.wait(20)
    assert no_horizontal_scroll(contract)
    sizes = [(s.sizeHint(), s.minimumSizeHint()) for s in weights]
    type_into(qtbot, editor.quality, "70")  # 70 + 30 + 10
    assert "must add to 100" in editor.weights_note.text()
    qtbot.wait(20)
    assert no_horizontal_scroll(contract)
    assert [(s.sizeHint(), s.minimumSizeHint()) for s in weights] == sizes
    for spin in weights:
        assert spin.palette().color(QPalette.ColorRole.Base) == INVALID_FILL
        assert "not 100" in spin.toolTip()
    type_into(qtbot, editor.quality, "60")
    assert "adds to 100" in editor.weights_note.text()
    assert all(s.palette().color(QPalette.ColorRole.Base) != INVALID_FILL for s in weights)
    assert no_horizontal_scroll(contract)


def test_a_negative_amount_in_funding_is_refused_on_the_cell(window, funding, qtbot):
    doc = window.doc
    column = [s.id for s in doc.model.funding_sources].index("phg")
    funding.allocations.item(0, column).setText("1,600,000")
    steps = doc.undo_stack.count()
    funding.allocations.item(0, column).setText("-5000")
    assert "An amount cannot be negative" in funding.message.text()
    assert "stays £1,600,000" in funding.message.text()
    assert {a.source: a.annual_amount for a in terms_lot(window).funding}["phg"] == 1_600_000
    assert doc.undo_stack.count() == steps
    qtbot.waitUntil(lambda: funding.allocations.item(0, column).text() == "£1,600,000",
                    timeout=2000)
    cell = funding.allocations.item(0, column)
    assert "An amount cannot be negative" in cell.toolTip()
    assert cell.background().color() == INVALID_FILL
    layout = funding.layout()
    assert layout.indexOf(funding.message) == layout.indexOf(funding.allocations) + 1
    assert funding.message.isVisible()
    # A source's own amount: the message moves under the sources table.
    old = doc.model.funding_sources[0].annual_amount
    funding.sources.item(0, 1).setText("-1")
    assert "An amount cannot be negative" in funding.message.text()
    assert doc.model.funding_sources[0].annual_amount == old
    assert layout.indexOf(funding.message) == layout.indexOf(funding.sources) + 1
    qtbot.waitUntil(lambda: "negative" in funding.sources.item(0, 1).toolTip(), timeout=2000)
    # A good amount clears the message and the mark.
    funding.sources.item(0, 1).setText("3m")
    assert funding.message.text() == "" and doc.model.funding_sources[0].annual_amount == 3e6
    qtbot.waitUntil(lambda: funding.sources.item(0, 1).toolTip() == "", timeout=2000)


def test_the_funding_window_names_a_lot_worth_less_than_its_services_cost(window, funding,
                                                                          qtbot):
    """A treatment lot priced £400,000 below what its services cost, which the options
    appraisal calls underfunded: the Funding window says so too."""
    assert "covers" in funding.findings.text()  # Luton's own plans are priced level
    plan = window.doc.model.plan().model_copy(deep=True)
    plan.lot("clinical").contract.annual_value = 1_400_000
    window.doc.replace_plan(plan, "Lower the value")
    # (the window says "Checking the figures..." until the debounced checks have run)
    qtbot.waitUntil(lambda: "Drug and alcohol treatment" in funding.findings.text(),
                    timeout=2000)
    assert "covers" not in funding.findings.text()
