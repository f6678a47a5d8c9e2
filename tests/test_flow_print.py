"""Demand and capacity in print: the lot pack's own page, each lot page's rows and the options
appraisal's rows, on a copy of the Luton template given figures in code."""

from __future__ import annotations

import json
import subprocess

from designer.printing.pack import LotPack, write_pdf
from models.metrics import appraisal_table
from models.fileio import parse_model
from models.templates import template_path

from conftest import without_flow_figures
from test_flow_gui import luton_with_figures


def test_the_pack_gains_a_demand_and_capacity_page_and_lot_rows(qapp, tmp_path):
    pack = LotPack(luton_with_figures())
    headings = [page.heading for page in pack.pages]
    assert "Demand and capacity" in headings
    pdf = tmp_path / "pack.pdf"
    assert write_pdf(pack, pdf)
    page = headings.index("Demand and capacity") + 1
    text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout
    assert "People coming in a year: 1,810" in text and "1,226% OVER" in text
    assert "The most people a year the system could carry" in text
    lot_page = next(i for i, h in enumerate(headings) if h.startswith("Lot L2:")) + 1
    text = subprocess.run(["pdftotext", "-layout", "-f", str(lot_page), "-l", str(lot_page + 2),
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "come into this lot's services" in text and "Recovery and aftercare" in text


def bare_luton():
    raw = without_flow_figures(json.loads(template_path("luton").read_text(encoding="utf-8")))
    return parse_model(json.dumps(raw).encode())


def test_a_model_without_figures_prints_no_empty_flow_page(qapp):
    assert "Demand and capacity" not in [p.heading for p in LotPack(bare_luton()).pages]


def test_the_options_appraisal_gains_the_boards_figures():
    _, rows, _ = appraisal_table(luton_with_figures())
    labels = dict(rows)
    assert labels["People starting treatment a year"][0].startswith("1,671")
    assert "Residential rehab" in labels["Most loaded service"][0]
    assert labels["Services over capacity"][0].startswith("12") or \
        labels["Services over capacity"][0][0].isdigit()
    assert labels["Cost per successful completion"][0].startswith("£")
    assert "Most people a year the system could carry" in labels
    assert "People starting treatment a year" not in dict(appraisal_table(bare_luton())[1])
