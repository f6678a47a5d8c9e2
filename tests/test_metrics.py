"""The options appraisal: per-plan metrics and the side-by-side table, on the Luton template."""

from models.metrics import (appraisal_html, appraisal_table, appraisal_tsv, money,
                            plan_metrics)
from models.schema import ServiceModel
from models.templates import load_template


def test_money_format():
    assert money(1234567) == "£1,234,567"
    assert money(-250000) == "-£250,000"
    assert money(None) == "not set"


def test_luton_three_lots_against_two():
    model = load_template("luton")
    three, two = plan_metrics(model, "three-lots"), plan_metrics(model, "two-lots")
    assert (three.lot_count, two.lot_count) == (3, 2)
    assert two.handoffs < three.handoffs
    assert three.underfunded_lots == ["Clinical treatment"] and two.underfunded_lots == []
    assert three.smallest.name == "Recovery" and three.smallest.annual_value == 700_000
    assert three.lots_total == 3_700_000 and three.funding_total == 4_470_000
    assert three.balance == 770_000
    assert three.findings["warning"] == 1
    clinical = three.lots[0]
    assert (clinical.code, clinical.components, clinical.estimated_cost) == ("L1", 3, 2_200_000)


def test_appraisal_table_shape_and_differences():
    model = load_template("luton")
    headers, rows, differing = appraisal_table(model)
    assert headers == ["Three lots (first tender)", "Two-lot alliance (retender)"]
    assert all(len(cells) == 2 for _, cells in rows)
    labels = [label for label, _ in rows]
    handoffs = labels.index("Cross-lot handoffs (pathways)")
    assert int(rows[handoffs][1][1]) < int(rows[handoffs][1][0])
    assert handoffs in differing
    assert labels.index("Smallest lot value") not in differing  # both plans: Recovery, £700,000
    assert rows[labels.index("Total lot value")][1] == ["£3,700,000", "£4,100,000"]
    assert rows[labels.index("Lot 3 annual value")][1][1] == ""


def test_clipboard_forms():
    model = load_template("luton")
    tsv = appraisal_tsv(model).splitlines()
    assert tsv[0] == "\tThree lots (first tender)\tTwo-lot alliance (retender)"
    assert all(line.count("\t") == 2 for line in tsv)
    html = appraisal_html(model)
    assert html.startswith("<table") and "Cross-lot handoffs" in html and "bgcolor" in html


def test_names_from_a_file_are_escaped_and_tabs_do_not_split_cells():
    model = ServiceModel.model_validate({"lot_plans": [
        {"id": "a", "name": "<b>A</b>\tplan", "lots": [{"id": "x", "name": "X"}]}],
        "active_plan": "a"})
    assert "<b>A</b>" not in appraisal_html(model)
    assert appraisal_tsv(model).splitlines()[0] == "\t<b>A</b> plan"


def test_model_without_lots_or_funding():
    model = ServiceModel()
    metrics = plan_metrics(model)
    assert metrics.lot_count == 0 and metrics.balance is None and metrics.handoffs == 0
    headers, rows, differing = appraisal_table(model)
    assert headers == ["Lot plan 1"] and differing == set()
