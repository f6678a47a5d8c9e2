"""The pack's procurement pages, printed through the real export command and read back with
pdftotext: the background notes, the procurement page, the engagement log, the risk register,
the timeline, the PSR key criteria on the lot page and the appraisal's new rows."""

from __future__ import annotations

import subprocess
import sys

import pytest

from designer.printing.pack import LotPack, PackOptions
from models.templates import load_template, template_path


def export(tmp_path, name: str, *args: str) -> tuple[list[str], list]:
    """(page texts, pages) of a template's pack."""
    pdf = tmp_path / f"{name}.pdf"
    result = subprocess.run([sys.executable, "main.py", "export", str(template_path(name)),
                             "--pdf", str(pdf), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = [" ".join(page.split()) for page in text.split("\f")]
    plan = args[1] if args else None
    model = load_template(name)
    return pages, LotPack(model, PackOptions(plan_id=plan)).pages


def page(pages: list[str], headings: list, heading: str) -> str:
    """The text of the page where the section `heading` begins (short sections share one)."""
    return next(text for text, p in zip(pages, headings) if heading in p.sections)


@pytest.fixture(scope="module")
def luton(tmp_path_factory):
    return export(tmp_path_factory.mktemp("luton"), "luton")


def test_luton_story_reaches_paper(luton, qapp):
    pages, headings = luton
    assert headings[1].heading == "Background"
    assert "no bidders for lot one" in pages[1] and "About this lot plan" in pages[1]
    log = page(pages, headings, "Market engagement log: Two-lot alliance (LDAA)")
    assert "No bids for lot one" in log and "not viable for them" in log
    assert "three lots" in log and "merged into" in log  # (a wrapped cell)
    risks = page(pages, headings, "Risk register: Two-lot alliance (LDAA)")
    assert risks.index("Government grant after 2025 uncertain") < risks.index("TUPE")
    timeline = page(pages, headings, "Timeline: Two-lot alliance (LDAA)")
    assert "13 November 2024 PSR standstill ends (earliest contract date)" in timeline
    assert "1 April 2025" in timeline


def test_lot_page_prints_the_psr_criteria_and_whole_life_value(luton, qapp):
    pages, headings = luton
    lot = " ".join(p for p, h in zip(pages, headings) if h.heading.startswith("Lot L1:"))
    assert "Award criteria: the PSR's five key criteria" in lot
    assert "Improving access, reducing health inequalities and facilitating choice 15%" in lot
    assert "Total 100%" in lot and "Whole-life value" in lot


def test_procurement_page_names_route_regime_partners_and_incumbent(luton, qapp):
    pages, headings = luton
    text = page(pages, headings, "Procurement: Two-lot alliance (LDAA)")
    assert "PSR competitive process" in text and "The Provider Selection Regime" in text
    assert "Luton Borough Council £3,700,000 100%" in text
    assert "CGL (ResoLUTiONs) 31 March 2025" in text


def test_appraisal_gains_route_whole_life_value_partners_and_risks(luton, qapp):
    pages, headings = luton
    text = " ".join(p for p, h in zip(pages, headings)
                    if h.heading.startswith("Options appraisal"))
    for label in ("Whole-life value (full terms with extensions)", "Procurement route",
                  "Partners' money a year", "Top risks (likelihood x impact)"):
        assert label in text
    assert "PCR 2015 light-touch regime" in text and "No bids for a lot (25)" in text


def test_leicestershire_timeline_and_partners_per_plan(tmp_path, qapp):
    pages, headings = export(tmp_path, "leicestershire")
    timeline = page(pages, headings, "Timeline: County service (chosen)")
    assert timeline.index("1 December 2019 Cabinet agrees") < timeline.index("1 April 2022")
    county = page(pages, headings, "Procurement: County service (chosen)")
    assert "Leicester City Council" not in county and "Ministry of Justice £60,000" in county
    assert "31 March 2022 No" in county  # the current contract: not extendable
    pages, headings = export(tmp_path, "leicestershire", "--plan", "llr")
    joint = page(pages, headings, "Procurement: Joint LLR service (agreed 2019, left)")
    assert "Leicester City Council" in joint and "Rutland County Council" in joint
