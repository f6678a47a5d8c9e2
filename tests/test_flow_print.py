"""Demand and capacity in print: the lot pack's own page, each lot page's rows and the options
appraisal's rows, on a copy of the Luton template given figures in code."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage

from designer.printing.diagram import lot_tags, pathway_labels
from designer.printing.flow_diagram import FlowDrawing
from designer.printing.layout import PT, Graphic
from designer.printing.pack import LotPack, PackOptions, write_pdf
from models.flow import run_flow
from models.flow_table import people
from models.metrics import appraisal_table
from models.fileio import parse_model
from models.templates import load_template, template_path

from conftest import without_flow_figures
from test_flow_gui import luton_with_figures


def test_the_pack_gains_a_demand_and_capacity_page_and_lot_rows(qapp, tmp_path):
    pack = LotPack(luton_with_figures())
    headings = [page.heading for page in pack.pages]
    assert "Demand and capacity" in headings
    pdf = tmp_path / "pack.pdf"
    assert write_pdf(pack, pdf)
    first, last = section_pages(pack, "Demand and capacity")
    text = pdftext(pdf, first, last)
    assert "People coming in a year: 1,810" in text and "1,226% OVER" in text
    assert "The most people a year the system could carry" in text
    lot_page = next(i for i, h in enumerate(headings) if h.startswith("Lot L2:")) + 1
    text = subprocess.run(["pdftotext", "-layout", "-f", str(lot_page), "-l", str(lot_page + 2),
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "come into this lot's services" in text and "Recovery and aftercare" in text
    # The lot's total row says it is one, and why its people a year exceed those coming in.
    lines = [" ".join(line.split()) for line in text.splitlines()]
    total = next(line for line in lines if line.startswith("All of lot L2"))
    assert "(a person in two of its services" in total
    lot = next(t for t in run_flow(pack.model, pack.plan.id).lots
               if t.id == pack.plan.lots[1].id)
    assert people(lot.arrivals) in total.split()
    assert not any(re.match(rf"{re.escape(lot.name)} [\d,]+ ", line) for line in lines)


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


def pdftext(pdf, first: int, last: int, *options: str) -> str:
    return subprocess.run(["pdftotext", "-layout", *options, "-f", str(first), "-l", str(last),
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def section_pages(pack, title: str) -> tuple[int, int]:
    """The first and last page numbers (1-based) of a section."""
    headings = [page.heading for page in pack.pages]
    first = headings.index(title) + 1
    last = first
    while last < len(headings) and headings[last] == f"{title} (continued)":
        last += 1
    return first, last


def flow_diagram_page(pack) -> tuple[int, Graphic, QRectF]:
    """(page number, the flow diagram's block, where it is on the page)."""
    first, last = section_pages(pack, "Demand and capacity")
    for number in range(first, last + 1):
        for block, rect in pack.pages[number - 1].placed:
            if isinstance(block, Graphic):
                return number, block, rect
    raise AssertionError("no flow diagram on the demand and capacity pages")


def test_the_flow_page_draws_the_model_with_people_on_each_arrow_and_over_capacity(
        qapp, tmp_path):
    """The diagram on the demand and capacity page: every pathway's people a year printed on
    it, and each service's bar of arrivals against capacity, 'OVER' where more arrive than it
    can take (residential rehab: 368 a year for 30 places)."""
    model = luton_with_figures()
    pack = LotPack(model)
    pdf = tmp_path / "pack.pdf"
    assert write_pdf(pack, pdf)
    number, _, _ = flow_diagram_page(pack)
    text = " ".join(pdftext(pdf, number, number, "-raw").split())
    result = run_flow(model, pack.plan.id)
    drawing = FlowDrawing(pack.diagram, pack.plan, result)
    assert set(drawing.numbers) == {p.id for p in model.pathways}  # a number on every arrow
    # each clear of the boxes, the pathway labels, the bars, the lot name tags and the other
    # numbers
    numbers = [rect for rect, _ in drawing.numbers.values()]
    others = [*pack.diagram.boxes.values(), *(r for r, _ in pathway_labels(pack.diagram).values()),
              *(bar for bar, *_ in drawing.bars.values()),
              *(r for lot in pack.plan.lots for r, _ in lot_tags(pack.diagram, lot))]
    assert not any(n.intersects(o) for n in numbers for o in others)
    assert not any(a.intersects(b) for i, a in enumerate(numbers) for b in numbers[i + 1:])
    found = re.findall(r"[\d,]+", text)
    for pathway_id, count in result.pathways.items():
        assert people(count) in found, pathway_id
    bars = {cid: bar[1] for cid, bar in drawing.bars.items()}
    assert bars["rehab"] == "OVER 1,226%"  # short, so the hatch shows beside it
    assert bars["yp"] == "OVER 200%" and bars["hub"] == "900 / 1,800: 50%"
    for text_on_bar in bars.values():
        assert text_on_bar in text
    assert "Hatched bar, OVER: more arrive than it can take" in text  # the key


def test_the_template_packs_are_shorter_and_the_flow_names_readable(tmp_path):
    """Luton's landscape pack was 17 pages: its short plan-wide sections share pages now,
    though the flow diagram has been added. The flow diagram's names print at 7 pt or more
    (measured in the geometry export, as printed)."""
    assert LotPack(load_template("luton")).page_count() < 17
    assert LotPack(load_template("leicestershire")).page_count() < 13
    for name in ("luton", "leicestershire"):
        out = tmp_path / f"{name}.json"
        done = subprocess.run([sys.executable, str(Path(__file__).parents[1] / "main.py"),
                               "export", str(template_path(name)), "--geometry", str(out)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        pages = json.loads(out.read_text(encoding="utf-8"))["pages"]
        (flow,) = [p for p in pages if p["heading"].startswith("Demand and capacity")]
        assert flow["name_size_pt"] >= 7.0, name
        assert len(flow["arrows"]) == len(load_template(name).pathways)


@pytest.mark.parametrize("over", [True, False])
def test_a_capacity_bar_reads_in_greyscale(qapp, tmp_path, over):
    """Rendered grey at 300 dpi: an over-capacity bar is hatched (dark lines over the grey of
    a full bar) at its ends, beside its text; a bar under capacity is plain: grey where used,
    white after."""
    model = luton_with_figures()
    pack = LotPack(model)
    pdf = tmp_path / "pack.pdf"
    assert write_pdf(pack, pdf)
    number, _, rect = flow_diagram_page(pack)
    drawing = FlowDrawing(pack.diagram, pack.plan, run_flow(model, pack.plan.id))
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-f", str(number), "-l",
                    str(number), str(pdf), str(tmp_path / "grey")], check=True)
    image = QImage(str(next(tmp_path.glob("grey*.png"))))
    source = drawing.source
    scale = min(rect.width() / source.width(), rect.height() / source.height())
    dpi = 300 / 72 / PT  # pixels per page unit

    def pixels(scene: QRectF) -> list[int]:
        """The grey values inside a rectangle of the diagram (scene units)."""
        def page(p: QPointF) -> QPointF:
            return (rect.center() + (p - source.center()) * scale) * dpi
        a, b = page(scene.topLeft()), page(scene.bottomRight())
        return [image.pixelColor(x, y).value() for x in range(int(a.x()) + 1, int(b.x()))
                for y in range(int(a.y()) + 1, int(b.y()))]
    service = "rehab" if over else "hub"  # 1,226% of capacity; 50%
    bar, _, share, is_over = drawing.bars[service]
    assert is_over is over
    inside = bar.adjusted(2, 2, -2, -2)
    start = QRectF(inside.left(), inside.top(), inside.width() * 0.12, inside.height())
    end = QRectF(inside.right() - inside.width() * 0.12, inside.top(), inside.width() * 0.12,
                 inside.height())
    for part in (start, end):
        values = pixels(part)
        assert values
        if over:  # hatched: dark lines with the light grey between
            assert min(values) < 110 and max(values) > 180, (min(values), max(values))
        elif part is start:  # the share used: a light grey
            assert 150 < sum(values) / len(values) < 225
        else:  # the rest: white
            assert sum(values) / len(values) > 240
    if not over:
        # The grey runs under the text to the share (50%), white after: no white box behind
        # the text hides part of the share used. A strip above the digits' tops.
        strip = QRectF(inside.left(), bar.top() + 1.0, inside.width(), 2.5)
        before = pixels(QRectF(strip.left() + strip.width() * 0.3, strip.top(),
                               strip.width() * 0.15, strip.height()))
        after = pixels(QRectF(strip.left() + strip.width() * 0.55, strip.top(),
                              strip.width() * 0.15, strip.height()))
        assert before and 150 < sum(before) / len(before) < 225
        assert after and sum(after) / len(after) > 240


def test_a_name_needing_three_lines_keeps_them_and_its_bar_goes_under_the_box(qapp):
    model = luton_with_figures()
    long_name = "Criminal justice treatment, liaison and diversion with probation"
    next(c for c in model.components if c.id == "cj").name = long_name
    pack = LotPack(model)
    drawing = FlowDrawing(pack.diagram, pack.plan, run_flow(model, pack.plan.id))
    box = pack.diagram.boxes["cj"]
    assert "cj" not in drawing.foot and drawing.bars["cj"][0].top() > box.bottom()
    assert drawing.source.contains(drawing.bars["cj"][0])
    clinical = drawing.bars["clinical"][0]  # a two-line name: the bar in the box
    assert "clinical" in drawing.foot
    assert pack.diagram.boxes["clinical"].contains(clinical)


@pytest.mark.parametrize("name", ["luton", "leicestershire"])
def test_a_portrait_pack_turns_the_flow_diagram_and_overview_pages_so_names_stay_readable(
        tmp_path, name):
    """On portrait paper the flow diagram was as wide as the page (names at 5.1 pt): it gets a
    landscape page of its own, drawn turned (its words run up the sheet), names at 7 pt or
    more as measured in the geometry export, its numbers still in the PDF's text; the tables
    follow upright."""
    pdf, out = tmp_path / "pack.pdf", tmp_path / "pack.json"
    done = subprocess.run([sys.executable, str(Path(__file__).parents[1] / "main.py"), "export",
                           str(template_path(name)), "--portrait", "--pdf", str(pdf),
                           "--geometry", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    pages = json.loads(out.read_text(encoding="utf-8"))["pages"]
    (page,) = [p for p in pages if p["heading"] == "Demand and capacity"]
    assert page["name_size_pt"] >= 7.0
    # The overview turns the same way (it printed names at 5.1 pt upright too).
    assert pages[0]["heading"].startswith("Overview") and pages[0]["name_size_pt"] >= 7.0
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"'
                       r'>Overview:</word>', pdftext(pdf, 1, 1, "-bbox"))
    (x0, y0, x1, y1), = [tuple(map(float, w)) for w in words]
    assert y1 - y0 > x1 - x0  # its words run up the sheet
    number = page["number"]
    model = load_template(name)
    result = run_flow(model, model.active_plan)
    text = pdftext(pdf, number, number)
    for pid, n in result.pathways.items():
        if n:
            assert people(n) in text, pid
    # Turned: the words of the diagram's page run up the sheet (taller boxes than wide).
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"'
                       r'>Demand</word>', pdftext(pdf, number, number + 1, "-bbox"))
    (turned, upright) = [(float(x1) - float(x0), float(y1) - float(y0))
                         for x0, y0, x1, y1 in words]
    assert turned[1] > turned[0] and upright[0] > upright[1]
