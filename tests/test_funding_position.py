"""Issue 14, item 2: every money statement comes from models/funding.py and they agree: the
checks, the options appraisal, the printed pack, the Excel schedule and the Funding window."""

import pytest

from models.checks import run_checks
from models.funding import funding_position
from models.lot_export import workbook
from models.metrics import appraisal_table, plan_metrics
from models.schema import ServiceModel


def commissioner_model(sources=({"id": "phg", "name": "Public health grant",
                                 "annual_amount": 3_000_000},),
                       allocated=2_500_000) -> ServiceModel:
    """What the issue saw: L1 worth £3.2m with £2.5m allocated; the sources give £3.0m."""
    return ServiceModel.model_validate({
        "title": "New model",
        "components": [{"id": "hub", "kind": "access_hub", "name": "Access hub",
                        "position": {"x": 0, "y": 0}}],
        "funding_sources": list(sources),
        "lot_plans": [{"id": "p", "name": "Plan", "lots": [{
            "id": "l1", "name": "Treatment", "components": ["hub"],
            "contract": {"annual_value": 3_200_000},
            "funding": [{"source": "phg", "annual_amount": allocated}] if allocated else []}]}],
        "active_plan": "p"})


def test_one_calculation_says_the_lot_is_short_and_by_how_much():
    position = funding_position(commissioner_model())
    (lot,) = position.underfunded
    assert lot.unallocated == 700_000 and lot.shortfall == 700_000
    assert position.balance == -200_000 and not position.covered


def test_checks_appraisal_pack_and_excel_agree():
    model = commissioner_model()
    found = {f.rule: f.message for f in run_checks(model)}
    assert "£2,500,000" in found["lot-underfunded"] and "£3,200,000" in found["lot-underfunded"]
    assert "£3,000,000" in found["funding-shortfall"]
    rows = dict(appraisal_table(model)[1])
    # Before: "Underfunded lots 0 / Underfunded by £0" beside a balance £200,000 short.
    assert rows["Underfunded lots"][0].startswith("1")
    assert rows["Underfunded by (a year)"] == ["£700,000"]
    assert rows["Funding balance"] == ["-£200,000 short"]
    metrics = plan_metrics(model)
    assert metrics.underfunded_lots == ["Treatment"] and metrics.shortfall == 700_000
    summary = workbook(model)["Summary"]
    assert summary["F2"].value == "Funding allocated" and summary["F3"].value == 2_500_000
    assert summary["G2"].value == "Underfunded by" and summary["G3"].value == 700_000
    labels = {summary.cell(r, 2).value: summary.cell(r, 4).value for r in range(3, 12)}
    assert labels["Funding balance (negative is short)"] == -200_000


def test_the_pack_prints_the_same_figures(qtbot):
    from designer.printing.pack import LotPack
    pack = LotPack(commissioner_model())
    value, funding, _ = pack._summary_figures()
    assert value == "£3,200,000" and funding == "£3,000,000 (£200,000 short)"


def test_no_funding_sources_is_no_money_not_unknown():
    model = commissioner_model(sources=(), allocated=0)
    position = funding_position(model)
    assert position.balance == -3_200_000 and not position.covered
    assert position.unknowns() == ["No funding source has an annual amount yet."]
    (finding,) = [f for f in run_checks(model) if f.rule == "funding-shortfall"]
    assert "no funding source has an annual amount" in finding.message


@pytest.mark.parametrize("sources", [(), ({"id": "phg", "name": "Public health grant"},)])
def test_the_funding_window_never_reassures_without_money(qtbot, sources):
    """Before: green 'The funding covers the lots' annual values' with no sources at all."""
    from designer.document import Document
    from designer.dialogs.funding import ALL_COVERED, FundingDialog
    dialog = FundingDialog(Document(commissioner_model(sources=sources, allocated=0)))
    qtbot.addWidget(dialog)
    text = dialog.findings.text()
    assert ALL_COVERED not in text and "covers" not in text
    assert "no funding source" in text.lower()


def test_the_funding_window_reassures_when_the_money_is_there(qtbot):
    from designer.document import Document
    from designer.dialogs.funding import ALL_COVERED, FundingDialog
    model = commissioner_model(allocated=3_200_000,
                               sources=({"id": "phg", "name": "Public health grant",
                                         "annual_amount": 3_200_000},))
    assert funding_position(model).covered
    dialog = FundingDialog(Document(model))
    qtbot.addWidget(dialog)
    assert dialog.findings.text() == ALL_COVERED
