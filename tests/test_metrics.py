"""The options appraisal: per-plan metrics and the side-by-side table, on the Luton template."""

from models import lots
from models.metrics import (appraisal_html, appraisal_table, appraisal_tsv, appraise,
                            change_summary, money, plan_metrics)
from models.schema import ServiceModel
from models.templates import load_template


def test_money_format():
    assert money(1234567) == "£1,234,567"
    assert money(-250000) == "-£250,000"
    assert money(None) == "not set"


THREE, TWO = "Three lots (first tender, halted)", "Two-lot alliance (LDAA)"


def luton_underpriced():
    """Luton with its first treatment lot priced £400,000 below its services' estimated cost:
    the classic reason for no bids (which the seed does not give; its money was kept level)."""
    model = load_template("luton")
    lot = model.plan("three-lots").lot("clinical")
    lot.contract.annual_value = 1_400_000
    lot.funding[0].annual_amount = 1_400_000
    return model


def test_luton_three_lots_against_two():
    model = load_template("luton")
    three, two = plan_metrics(model, "three-lots"), plan_metrics(model, "two-lots")
    assert (three.lot_count, two.lot_count) == (3, 2)
    assert two.handoffs < three.handoffs
    assert three.underfunded_lots == [] and two.underfunded_lots == []
    assert three.smallest.name == "Recovery" and three.smallest.annual_value == 700_000
    # Funding kept at the same level: both plans spend what there is, and no more.
    assert three.lots_total == two.lots_total == three.funding_total == 3_700_000
    assert three.balance == two.balance == 0
    assert three.findings["warning"] == two.findings["warning"] == 0
    treatment = three.lots[0]
    assert (treatment.code, treatment.components, treatment.estimated_cost) \
        == ("L1", 3, 1_800_000)
    underpriced = plan_metrics(luton_underpriced(), "three-lots")
    assert underpriced.underfunded_lots == ["Drug and alcohol treatment"]


def test_appraisal_table_shape_and_differences():
    model = load_template("luton")
    headers, rows, differing = appraisal_table(model)
    assert headers == [THREE, TWO]
    assert all(len(cells) == 2 for _, cells in rows)
    labels = [label for label, _ in rows]
    handoffs = labels.index("Cross-lot handoffs (pathways)")
    assert int(rows[handoffs][1][1]) < int(rows[handoffs][1][0])
    assert handoffs in differing
    assert labels.index("Smallest lot value") not in differing  # both plans: Recovery, £700,000
    assert rows[labels.index("Total lot value")][1] == ["£3,700,000", "£3,700,000"]
    assert rows[labels.index("Lot 3 annual value")][1][1] == "(no lot 3)"


def test_clipboard_forms():
    model = load_template("luton")
    tsv = appraisal_tsv(model).splitlines()
    assert tsv[0] == f"\t{THREE}\t{TWO}"
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


def luton_with_merged_copy():
    """Luton (its first treatment lot underpriced) with the three-lot plan copied and treatment
    + engagement merged in the copy, as the Lots dock does: [three lots, merged copy, two lots],
    the copy shown."""
    model = luton_underpriced()
    plans, copy_id = lots.duplicate_plan(model.lot_plans, "three-lots", "Merged copy")
    index = [p.id for p in plans].index(copy_id)
    plans[index] = lots.merge_lots(plans[index], "clinical", "engagement")
    model.lot_plans, model.active_plan = plans, copy_id
    return model


def test_numbers_carry_their_change_against_the_baseline():
    model = luton_underpriced()
    three, two = plan_metrics(model, "three-lots"), plan_metrics(model, "two-lots")
    headers, rows, _ = appraisal_table(model, "three-lots")
    table = dict(rows)
    fewer = three.handoffs - two.handoffs
    assert fewer > 0  # the two-lot plan has fewer cross-lot handoffs: a negative change
    assert table["Cross-lot handoffs (pathways)"] == [str(three.handoffs),
                                                      f"{two.handoffs} (\u2212{fewer})"]
    assert table["Total lot value"] == ["£3,300,000", "£3,700,000 (+£400,000)"]
    # How much a lot is short says why the alliance is worth more.
    assert table["Underfunded lots"] == ["1 (Drug and alcohol treatment, £400,000 short)",
                                         "0 (\u22121)"]
    assert table["Underfunded by (a year)"] == ["£400,000", "£0 (\u2212£400,000)"]
    assert table["Estimated cost of the lots' services"] == ["£3,700,000"] * 2
    assert table["Smallest lot value"] == ["£700,000 (Recovery)"] * 2  # equal: no change
    # Lot rows state a change only for the same lot: the alliance is not Clinical treatment.
    assert table["Lot 1 annual value"][1] \
        == "L1 Drug and alcohol treatment, with engagement: £3,000,000"
    # The other way round, the three-lot plan has more.
    assert dict(appraisal_table(model, "two-lots")[1])["Cross-lot handoffs (pathways)"][0] \
        == f"{three.handoffs} (+{fewer})"


def test_only_cells_that_differ_from_the_baseline_are_shaded():
    model = luton_with_merged_copy()
    table = appraise(model, "three-lots")
    assert table.baseline == 0 and len(table.plans) == 3
    row = {m.label: i for i, m in enumerate(table.measures)}
    merged, two = 1, 2
    assert not any(table.differs(r, table.baseline) for r in range(len(table.measures)))
    assert table.differs(row["Cross-lot handoffs (pathways)"], merged)
    assert table.text(row["Lot 1 annual value"], merged) \
        == "L1 Drug and alcohol treatment: £2,600,000 (+£1,200,000)"  # the same lot, grown
    # The merge keeps the total: its cell is plain although the two-lot plan's differs, so
    # the row as a whole differs (row shading would have marked the merged copy too).
    total = row["Total lot value"]
    assert table.differs(total, two) and not table.differs(total, merged)
    assert total in table.differing_rows()
    html = appraisal_html(model, "three-lots")
    assert html.count("bgcolor") == sum(table.differs(r, c) for r in range(len(table.measures))
                                        for c in range(3))


def test_what_changes_in_words():
    table = appraise(luton_with_merged_copy(), "three-lots")
    summaries = dict(table.summaries())
    assert list(summaries) == ["Merged copy", TWO]
    assert summaries["Merged copy"] == (
        "3 fewer cross-lot handoffs (9 \u2192 6); 1 fewer lot; Drug and alcohol treatment and "
        "Engagement merged into Drug and alcohol treatment; 1 lot underfunded "
        "still, by £400,000 a year; the same £3,300,000 a year in lots")
    assert "no lot underfunded now" in summaries[TWO]
    assert "£400,000 more a year in lots" in summaries[TWO]
    model = load_template("luton")
    same = plan_metrics(model, "two-lots")
    assert change_summary(same, same) == "no change in lots, handoffs, value or findings"
    assert appraise(model).summaries() == []  # no baseline, nothing compared


def test_clipboard_with_a_baseline_stays_a_clean_table():
    model = luton_with_merged_copy()
    tsv = appraisal_tsv(model, "three-lots")
    lines = tsv.splitlines()
    assert lines[0] == f"\t{THREE} (baseline)\tMerged copy\t{TWO}"
    assert all(line.count("\t") == 3 for line in lines)
    assert len(lines) == len(appraise(model).measures) + 1
    assert "Cross-lot handoffs (pathways)\t9\t6 (\u22123)\t6 (\u22123)" in lines
    assert "(baseline)" in appraisal_html(model, "three-lots")


def test_luton_appraisal_tells_the_seeds_story():
    # Fewer lots and handoffs, the engagement work inside the treatment contract, money level.
    (summary,) = [text for _, text in appraise(load_template("luton"), "three-lots").summaries()]
    assert summary == ("3 fewer cross-lot handoffs (9 \u2192 6); 1 fewer lot; Drug and alcohol "
                       "treatment and Engagement merged into Drug and alcohol "
                       "treatment, with engagement; the same £3,700,000 a year in lots")


def test_leicestershire_appraisal_compares_area_not_an_invented_premium():
    (summary,) = [text for _, text in appraise(load_template("leicestershire"),
                                               "county").summaries()]
    assert summary == ("also covers Leicester City and Rutland; the same £5,400,000 a year in "
                       "lots; 4 more warnings")


def test_a_split_lot_is_named():
    model = load_template("luton")
    (summary,) = [text for _, text in appraise(model, "two-lots").summaries()]
    assert "Drug and alcohol treatment, with engagement split into Drug and alcohol treatment " \
           "and Engagement" in summary
