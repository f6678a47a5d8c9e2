"""The lot schedule: a real workbook read back with openpyxl, real CSV, and the headless command."""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import main
from models import lots
from models.fileio import write_model
from models.lot_export import POUNDS, ExportError, write_csv, write_xlsx
from models.templates import load_template, template_path

ROOT = Path(__file__).resolve().parent.parent


def test_workbook_sheets_values_and_formats(tmp_path):
    out = tmp_path / "lots.xlsx"
    model = load_template("luton")
    terms = model.plan("three-lots").lot("clinical").contract
    # Terms the seed does not give are unset in the template; set some to see them written.
    terms.initial_term_years, terms.extensions_years, terms.break_clause_years = 3, [2, 2], 2
    terms.kpis[0].target = "1,450 in treatment"
    write_xlsx(model, out, "three-lots")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "L1 Drug and alcohol treatment", "L2 Engagement",
                             "L3 Recovery", "Demand and capacity", "Procurement",
                             "Engagement log", "Risk register", "Timeline"]
    summary = wb["Summary"]
    assert summary.freeze_panes == "A3"
    assert summary["A2"].value == "Code" and summary["A2"].font.bold
    assert [summary.cell(r, 2).value for r in range(3, 7)] == [
        "Drug and alcohol treatment", "Engagement", "Recovery", "Total"]
    assert summary["D3"].value == 1_800_000 and summary["D3"].number_format == POUNDS
    assert summary["D6"].value == 3_700_000 and summary["D6"].number_format == POUNDS
    assert summary["E3"].value == 1_800_000  # estimated cost of the members
    assert summary.column_dimensions["B"].width >= 30
    assert summary.page_setup.orientation == "landscape" and summary.print_title_rows == "$1:$2"

    clinical = wb["L1 Drug and alcohol treatment"]
    assert clinical.freeze_panes == "A3"
    rows = list(clinical.iter_rows(values_only=True))
    assert rows[2][0] == "Clinical treatment and prescribing" and rows[2][1] == "Adult treatment"
    assert clinical["G3"].number_format == POUNDS and clinical["G3"].value == 1_250_000
    labels = [r[0] for r in rows]
    assert ("Break clause (years)", 2) in [(r[0], r[1]) for r in rows]
    assert ("Extensions (years)", "2 + 2") in [(r[0], r[1]) for r in rows]
    kpis = labels.index("Key performance indicators")
    assert rows[kpis + 2][:3] == ("Adults in structured treatment", "1,450 in treatment",
                                  "Monthly")
    funding = labels.index("Funding")
    assert rows[funding + 2][:2] == ("Public health grant", 1_800_000)
    assert clinical.cell(funding + 3, 2).number_format == POUNDS


def test_awkward_lot_names_make_valid_unique_sheets_and_stay_text(tmp_path):
    model = load_template("luton")
    plan = model.plan("two-lots")
    plan = lots.rename_lot(plan, "alliance", "=1+1 [treatment]/engagement: a very long lot name")
    plan = lots.update_lot(plan, "recovery", code="L1",
                           name="=1+1 [treatment]/engagement: a very long lot name")
    model.lot_plans[1] = plan
    out = tmp_path / "lots.xlsx"
    write_xlsx(model, out)
    wb = load_workbook(out)
    names = wb.sheetnames[1:-5]  # the lots, between the summary and the plan's own sheets
    assert len(set(n.lower() for n in names)) == 2 and all(len(n) <= 31 for n in names)
    assert all(ch not in n for n in names for ch in "[]:*?/\\")
    assert wb["Summary"]["B3"].data_type == "s"
    write_csv(model, tmp_path / "lots.csv")
    text = (tmp_path / "lots.csv").read_text("utf-8-sig")
    assert "'=1+1" in text


def test_csv_one_row_per_member(tmp_path):
    out = tmp_path / "lots.csv"
    write_csv(load_template("luton"), out, "two-lots")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the pound sign right
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 10
    first = rows[0]
    assert (first["Lot code"], first["Component id"], first["Lot annual value"]) == \
        ("L1", "clinical", "3000000")
    assert "Public health grant: 3000000" in first["Funding"]


def test_empty_lot_still_listed(tmp_path):
    model = load_template("luton")
    model.lot_plans[1], _ = lots.add_lot(model.plan("two-lots"), "Spare")
    write_csv(model, tmp_path / "x.csv", "two-lots")
    assert "Spare" in (tmp_path / "x.csv").read_text("utf-8-sig")
    write_xlsx(model, tmp_path / "x.xlsx", "two-lots")
    assert load_workbook(tmp_path / "x.xlsx").sheetnames[-6] == "L3 Spare"


def test_unknown_plan_and_unwritable_path(tmp_path):
    model = load_template("luton")
    with pytest.raises(ExportError, match="no lot plan has id 'nope'"):
        write_xlsx(model, tmp_path / "x.xlsx", "nope")
    with pytest.raises(ExportError, match="cannot write"):
        write_xlsx(model, tmp_path / "missing-folder" / "x.xlsx")


def test_headless_export(tmp_path, capsys):
    model_file = tmp_path / "luton.svcmodel"
    write_model(model_file, load_template("luton"), keep_backup=False)
    xlsx, csv_out = tmp_path / "out.xlsx", tmp_path / "out.csv"
    assert main.main(["export", str(model_file), "--xlsx", str(xlsx), "--csv", str(csv_out),
                      "--plan", "three-lots"]) == 0
    assert load_workbook(xlsx).sheetnames[1] == "L1 Drug and alcohol treatment"
    assert "Clinical treatment" in csv_out.read_text("utf-8-sig")

    assert main.main(["export", str(model_file), "--xlsx", str(xlsx), "--plan", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no lot plan has id 'nope'" in err and "Traceback" not in err
    assert main.main(["export", str(tmp_path / "absent.svcmodel"), "--csv", str(csv_out)]) == 2


def test_headless_export_in_a_child_process(tmp_path):
    out = tmp_path / "luton.xlsx"
    done = subprocess.run([sys.executable, "main.py", "export", str(template_path("luton")),
                           "--xlsx", str(out)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert load_workbook(out)["Summary"]["B3"].value == "Drug and alcohol treatment, with engagement"


def test_a_lot_sheet_lists_what_the_checks_found_in_its_lot(tmp_path):
    model = load_template("luton")
    alliance = model.plan().lot("alliance")
    alliance.contract.quality_weight = 60  # 60 + 30: the weights do not add to 100
    alliance.contract.price_weight = 30
    out = tmp_path / "lots.xlsx"
    write_xlsx(model, out)
    sheets = load_workbook(out).worksheets  # Summary, then a sheet per lot
    rows = list(sheets[1].iter_rows(values_only=True))
    title = next(i for i, r in enumerate(rows) if r[0] == "Checks on this lot")
    assert rows[title + 1][0] == "Error" and "add to 90, not 100" in rows[title + 1][1]
    assert all(r[0] != "Checks on this lot" for r in sheets[2].iter_rows(values_only=True))


def test_demand_and_capacity_sheet(tmp_path):
    model = load_template("luton")
    for c in model.components:
        if c.kind_info.is_route:
            c.annual_referrals = 100
    model.component("clinical").capacity = 300
    out = tmp_path / "lots.xlsx"
    write_xlsx(model, out, "two-lots")
    sheet = load_workbook(out)["Demand and capacity"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("Component", "People a year", "Capacity", "Use of capacity")
    clinical = next(r for r in rows if r[0] == "Clinical treatment and prescribing")
    assert isinstance(clinical[1], (int, float)) and clinical[2] == 300
    assert any(r[0] == "Recovery" and r[-1] == "lot" for r in rows)
    assert any(isinstance(r[0], str) and r[0].startswith("People coming in a year: 700")
               for r in rows)


def test_the_workbook_gains_the_procurement_sheets(tmp_path):
    """Routes, whole-life value and partners' money; the engagement log, the risks (highest
    score first) and the timeline with the worked-out PSR standstill, as the pack prints them."""
    out = tmp_path / "luton.xlsx"
    model = load_template("luton")
    terms = model.plan("two-lots").lots[0].contract
    terms.initial_term_years, terms.extensions_years = 3, [1, 1]
    write_xlsx(model, out, "two-lots")
    wb = load_workbook(out)
    procurement = [[c for c in row if c not in (None, "")] for row in wb["Procurement"].values]
    assert procurement[2][:5] == ["L1 Drug and alcohol treatment, with engagement",
                                  "PSR competitive process", 3000000, 5, 15000000]
    assert ["Luton Borough Council", 3700000, 100] in procurement
    log = " ".join(str(c) for row in wb["Engagement log"].values for c in row if c)
    assert "No bids for lot one" in log and "three lots merged into two" in log
    risks = list(wb["Risk register"].values)
    assert "after 2025" in risks[2][0] and risks[2][3] == 16
    timeline = [row[:2] for row in wb["Timeline"].values][2:]
    assert ("2024-11-13", "PSR standstill ends (earliest contract date)") in timeline
    assert timeline[-1][0] == "2025-04-01"
