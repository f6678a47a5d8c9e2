"""The procurement window, offscreen, opened from the Lots menu: engagement log, risk register,
timeline, PSR key criteria and plan terms edited in tables, each change one undo step through
Document.update_plan; a date that does not exist or a score of 7 is refused in words and the
model is left as it was."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction


@pytest.fixture
def dialog(luton_window, qtbot):
    window = luton_window
    window.doc.set_active_plan("two-lots")
    window.findChild(QAction, "act-procurement").trigger()
    dialog = window.lots.dialogs["procurement"]
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.close()


def test_opens_on_the_active_plan_with_its_records(dialog):
    assert dialog.windowTitle() == "Procurement: Two-lot alliance (LDAA)"
    risks = dialog.tables["risks"].table
    assert risks.rowCount() == len(dialog.doc.model.plan().risks) == 5
    assert "after 2025" in risks.item(0, 0).text()
    assert dialog.tables["timeline"].table.item(0, 0).text() == "15/01/2024"
    assert dialog.criteria.table.item(0, 1).text() == "40"


def test_a_new_risk_is_added_edited_and_undone(dialog):
    doc = dialog.doc
    before = list(doc.model.plan().risks)
    table = dialog.tables["risks"]
    table.add_row()
    assert doc.model.plan().risks[-1].risk == "New risk"
    row = table.table.rowCount() - 1
    table.table.item(row, 0).setText("A partner leaves")
    table.table.item(row, 1).setText("2")
    assert doc.model.plan().risks[-1].risk == "A partner leaves"
    assert doc.model.plan().risks[-1].likelihood == 2
    assert doc.undo_stack.undoText().startswith("Edit the risk register")
    for _ in range(3):  # the likelihood, the name, the new row: one step each
        doc.undo_stack.undo()
    assert doc.model.plan().risks == before
    assert table.table.rowCount() == len(before)


def test_impossible_values_are_refused_in_words(dialog):
    doc = dialog.doc
    before = doc.model.plan().model_copy(deep=True)
    timeline = dialog.tables["timeline"].table
    timeline.item(0, 0).setText("30/02/2024")
    assert "30 February 2024 does not exist" in dialog.problem.text()
    assert doc.model.plan() == before and timeline.item(0, 0).text() == "15/01/2024"
    dialog.tables["risks"].table.item(0, 1).setText("7")
    assert "whole number from 1 to 5" in dialog.problem.text()
    assert doc.model.plan() == before
    dialog.tables["risks"].table.item(0, 1).setText("<b>x</b>")
    assert "is not a number" in dialog.problem.text()


def test_timeline_stage_and_criteria_reach_the_checks(dialog):
    doc = dialog.doc
    timeline = dialog.tables["timeline"]
    # Bids due before the notice: the timeline check speaks.
    timeline.table.item(3, 0).setText("01/06/2024")
    doc.run_checks()
    assert "timeline-out-of-order" in {f.rule for f in doc.findings}
    doc.undo_stack.undo()
    criteria = dialog.criteria.table
    criteria.item(0, 2).setText("25")
    assert doc.model.plan().lots[0].contract.psr_criteria.value == 25
    doc.run_checks()
    assert "criteria-not-100" in {f.rule for f in doc.findings}
    doc.undo_stack.undo()
    assert doc.model.plan().lots[0].contract.psr_criteria.value == 20


def test_plan_terms(dialog):
    doc = dialog.doc
    dialog.extends.setChecked(True)
    assert doc.model.plan().extends_current
    dialog.max_lots.setValue(1)
    assert doc.model.plan().max_lots_per_bidder == 1
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert not doc.model.plan().extends_current and doc.model.plan().max_lots_per_bidder is None


def test_follows_the_active_plan(dialog):
    dialog.doc.set_active_plan("three-lots")
    assert dialog.windowTitle() == "Procurement: Three lots (first tender, halted)"
    assert dialog.tables["engagement"].table.rowCount() == 1


def test_looks_right(dialog, tmp_path):
    dialog.tabs.setCurrentIndex(1)
    assert dialog.grab().save(str(tmp_path / "risks.png"))


def test_funding_window_records_partner_and_plans(luton_window, qtbot):
    from designer.dialogs.funding import FundingDialog

    doc = luton_window.doc
    funding = FundingDialog(doc, luton_window)
    qtbot.addWidget(funding)
    funding.sources.item(0, 4).setText("Luton Borough Council (core)")
    assert doc.model.funding_sources[0].partner == "Luton Borough Council (core)"
    funding.set_plan("phg", "two-lots", True)
    assert doc.model.funding_sources[0].plans == ["two-lots"]
    # The three-lot plan (active) no longer counts it; the two-lot plan still does.
    from models.procurement import plan_sources
    assert "phg" not in [s.id for s in plan_sources(doc.model, doc.model.plan("three-lots"))]
    assert "phg" in [s.id for s in plan_sources(doc.model, doc.model.plan("two-lots"))]
    doc.undo_stack.undo()
    assert doc.model.funding_sources[0].plans == []
    funding.reload()
    assert funding.sources.cellWidget(0, 5).text() == "Every plan"


def test_properties_record_the_incumbent(luton_window, qtbot):
    from PySide6.QtTest import QTest

    window = luton_window
    window.scene.select_ids(["recovery"])
    fields = window.properties.incumbency
    assert fields.provider.text() == "CGL (ResoLUTiONs)" and fields.end.text() == "31/03/2025"
    fields.provider.clear()
    QTest.keyClicks(fields.provider, "Change Grow Live")
    assert window.doc.model.component("recovery").current_provider == "Change Grow Live"
    fields.end.setText("31/02/2026")
    fields.end.editingFinished.emit()
    assert "does not exist" in window.properties.component_page.error.text()
    assert window.doc.model.component("recovery").current_contract_end == "2025-03-31"
    fields.end.setText("30/09/2025")
    fields.end.editingFinished.emit()
    assert window.doc.model.component("recovery").current_contract_end == "2025-09-30"
    fields.extendable.setCurrentIndex(2)
    fields.extendable.activated.emit(2)
    assert window.doc.model.component("recovery").current_contract_extendable is False
    window.scene.select_ids(["self"])  # a referral route has no contract of its own
    assert not window.properties.component_page.form.isRowVisible(fields.provider)
