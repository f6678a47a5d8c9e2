"""The printed lot pack, end to end: real PDFs, SVGs and PNGs checked with poppler and Qt."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from models import read_model, write_model
from models.templates import load_template, template_path
from designer.printing.lot_areas import LOT_PAD, lot_region
from designer.printing.layout import Graphic
from designer.printing.pack import LotPack, PackOptions, PT, write_pdf

ROOT = Path(__file__).resolve().parents[1]
A4 = (842, 595)  # landscape, the default
A3 = (1191, 842)


def run_export(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # the command copes
    env.update(env_extra or {})
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "export", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=180)


def pdfinfo(path):
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                         check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", out).group(1))
    w, h = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", out).groups()
    return pages, (round(float(w)), round(float(h)))


def pdftext(path, *options):
    return subprocess.run(["pdftotext", "-layout", *options, str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """Both templates exported once through the real command, landscape A4 (the default)."""
    folder = tmp_path_factory.mktemp("packs")
    out = {}
    for name in ("luton", "leicestershire"):
        pdf = folder / f"{name}.pdf"
        result = run_export(template_path(name), "--pdf", pdf)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        out[name] = pdf
    return out


def test_templates_export_to_a4_pdf_packs(packs, qapp):
    for name, pdf in packs.items():
        pages, size = pdfinfo(pdf)
        model = read_model(template_path(name))
        assert pages == LotPack(model).page_count() >= 4
        assert size == A4
        text = pdftext(pdf)
        assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
        assert text.count("Page ") >= pages
        assert model.title.split()[0] in text and model.authority in text
        plan = model.plan()
        for lot in plan.lots:
            assert lot.name.split()[0] in text
            for kpi in lot.contract.kpis:
                assert kpi.name.split("(")[0].strip()[:30] in " ".join(text.split())
        assert "Coverage checks" in text
        assert "Options appraisal" in text  # both templates hold two plans


def test_leicestershire_pack_content(packs):
    text = " ".join(pdftext(packs["leicestershire"]).split())
    assert "£5,400,000" in text  # the county lot's annual value
    # Terms the cabinet paper does not give are left unset, and print as such.
    assert "Initial term and extensions not set" in text
    assert "PCR 2015 light-touch regime" in text  # tendered in 2021, before the PSR
    assert "1 April 2022" in text
    assert "Police and Crime Commissioner contribution" in text
    assert "restricted to criminal justice clients" in text
    assert "County service (chosen) (baseline) (this pack)" in text  # the appraisal marks it


def test_luton_lot_pages_list_pathways_to_and_from_other_lots(packs):
    text = " ".join(pdftext(packs["luton"]).split())
    assert "Lot L1: Drug and alcohol treatment, with engagement" in text
    assert "Lot L2: Recovery" in text
    assert "Pathways to and from other lots" in text and "Pathways into other lots" not in text
    assert "Out: handed on from this lot" in text and "In: received into this lot" in text
    assert "after 2 years" in text  # Luton's break clause


def test_nothing_is_printed_outside_the_margins(packs, tmp_path):
    """Every word pdftotext finds lies inside the 12 mm margins: nothing spills or is cut."""
    margin = 12 * 72 / 25.4 - 0.5
    for pdf in packs.values():
        pages, (w, h) = pdfinfo(pdf)
        html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                           r'yMax="([\d.]+)">', html)
        assert len(words) > 200
        for x0, y0, x1, y1 in words:
            assert margin <= float(x0) and float(x1) <= w - margin
            assert margin <= float(y0) and float(y1) <= h - margin


def test_a3_landscape_plan_and_single_lot(tmp_path):
    pdf = tmp_path / "a3.pdf"
    result = run_export(template_path("luton"), "--pdf", pdf, "--paper", "A3", "--landscape",
                        "--plan", "three-lots")
    assert result.returncode == 0, result.stderr
    pages, size = pdfinfo(pdf)
    assert size == A3
    text = pdftext(pdf)
    assert "Three lots (first tender, halted)" in text and "Engagement" in text
    # only one lot's pages
    one = tmp_path / "one.pdf"
    assert run_export(template_path("luton"), "--pdf", one, "--plan", "three-lots",
                      "--lot", "recovery").returncode == 0
    text = pdftext(one)
    assert "Lot L3: Recovery" in text and "Lot L1" not in text and "Coverage" not in text


def test_greyscale_copy_still_tells_lots_apart(tmp_path, qapp):
    """Rendered by poppler at 60 dpi in grey: every lot code is printed, and the hatched lot
    regions (outside the boxes) differ from each other in grey level or texture."""
    model = read_model(template_path("luton"))
    options = PackOptions(plan_id="three-lots")
    pack = LotPack(model, options)
    pdf = tmp_path / "pack.pdf"
    write_pdf(pack, pdf)
    text = pdftext(pdf, "-f", "1", "-l", "1")
    for code in ("L1", "L2", "L3"):
        assert code in text
    subprocess.run(["pdftoppm", "-r", "60", "-gray", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "grey")], check=True)
    image = QImage(str(next(tmp_path.glob("grey*.png"))))
    dpi_scale = 60 / 72 / PT  # image pixels per page unit
    block, rect = pack.pages[0].placed[0]
    extent = pack.diagram.extent
    scale = min(rect.width() / extent.width(), rect.height() / extent.height())

    def page_point(scene: QPointF) -> tuple[int, int]:
        x = rect.center().x() + (scene.x() - extent.center().x()) * scale
        y = rect.center().y() + (scene.y() - extent.center().y()) * scale
        return int(x * dpi_scale), int(y * dpi_scale)

    boxes = [b.adjusted(-3, -3, 3, 3) for b in pack.diagram.boxes.values()]
    stats = {}
    for lot in pack.plan.lots:
        region = lot_region(pack.diagram, lot).outline
        values = []
        bounds = region.boundingRect()
        step = 1 / (scale * dpi_scale)  # one pixel in scene units
        y = bounds.top()
        while y < bounds.bottom():
            x = bounds.left()
            while x < bounds.right():
                p = QPointF(x, y)
                if region.contains(p) and not any(b.contains(p) for b in boxes) and \
                        region.contains(QPointF(x + LOT_PAD / 3, y)) and \
                        region.contains(QPointF(x - LOT_PAD / 3, y)):
                    px, py = page_point(p)
                    values.append((image.pixelColor(px, py).value(), (px, py)))
                x += step
            y += step
        assert len(values) > 30, lot.name
        stats[lot.code] = texture(image, values)
    codes = sorted(stats)
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            distance = sum((x - y) ** 2 for x, y in zip(stats[a], stats[b])) ** 0.5
            assert distance > 8, stats


def texture(image, pixels):
    """Grey level, contrast, and how much the grey changes stepping along each diagonal and
    across: hatches in different directions differ in the last three."""
    grey = [v for v, _ in pixels]
    mean = sum(grey) / len(grey)
    spread = (sum((v - mean) ** 2 for v in grey) / len(grey)) ** 0.5
    steps = []
    for dx, dy in ((1, -1), (1, 1), (1, 0), (0, 1)):
        diffs = [abs(v - image.pixelColor(x + dx, y + dy).value()) for v, (x, y) in pixels]
        steps.append(sum(diffs) / len(diffs))
    return (mean, spread, *steps)


def test_pinned_keys_only_file_prints(tmp_path):
    model_file = tmp_path / "minimal.svcmodel"
    model_file.write_text(json.dumps({
        "format": "service-model", "version": 2, "title": "Minimal model",
        "components": [
            {"id": "self", "kind": "self_referral", "name": "Self-referral",
             "cohorts": ["adults"]},
            {"id": "adult", "kind": "adult_treatment", "name": "Adult treatment",
             "cohorts": ["adults"]},
            {"id": "yp", "kind": "young_peoples_treatment", "name": "Young people's service",
             "cohorts": ["young_people"]}],
        "pathways": [{"source": "self", "target": "adult"}, {"source": "yp", "target": "adult"}],
        "lot_plans": [{"id": "two-lots", "name": "Two lots",
                       "lots": [{"id": "lot-1", "name": "Treatment",
                                 "components": ["adult", "yp"]}]}],
        "active_plan": "two-lots"}), encoding="utf-8")
    pdf = tmp_path / "minimal.pdf"
    result = run_export(model_file, "--pdf", pdf)
    assert result.returncode == 0, result.stderr
    pages, size = pdfinfo(pdf)
    assert pages == 3 and size == A4  # overview, the lot, coverage (one plan: no options)
    text = pdftext(pdf)
    assert "Page 1 of 3" in text and "Treatment" in text and "Adult treatment" in text
    assert "not set" in text  # contract terms nobody has filled in yet


def test_svg_and_png_pages(tmp_path, qapp):
    from PySide6.QtSvg import QSvgRenderer

    result = run_export(template_path("leicestershire"), "--svg", tmp_path / "svg", "--png",
                        tmp_path / "png", "--pdf", tmp_path / "pack.pdf")
    assert result.returncode == 0, result.stderr
    pages, _ = pdfinfo(tmp_path / "pack.pdf")
    svgs = sorted((tmp_path / "svg").glob("*.svg"))
    pngs = sorted((tmp_path / "png").glob("*.png"))
    assert len(svgs) == len(pngs) == pages
    first = svgs[0].read_text(encoding="utf-8")
    assert f"Page 1 of {pages}" in first and 'width="297' in first  # millimetres, vector text
    assert QSvgRenderer(str(svgs[0])).isValid()
    image = QImage(str(pngs[0]))
    assert (image.width(), image.height()) == (1754, 1240)  # A4 landscape at 150 dpi


def test_diagram_sheets_at_a_readable_scale(tmp_path):
    pdf = tmp_path / "tiled.pdf"
    result = run_export(template_path("luton"), "--pdf", pdf, "--scale", "100")
    assert result.returncode == 0, result.stderr
    text = pdftext(pdf)
    assert "Diagram sheet A1" in text and "Diagram sheet A2" in text


@pytest.mark.parametrize("args, message", [
    ([], "say what to write"),
    (["--pdf", "/no/such/folder/x.pdf"], "does not exist"),
    (["--pdf", "out.pdf", "--plan", "nope"], "no lot plan has id 'nope'"),
    (["--pdf", "out.pdf", "--lot", "nope"], "no lot with id 'nope'"),
    (["--pdf", "out.pdf", "--scale", "2"], "percentage"),
    (["--pdf", "out.pdf", "--paper", "A5"], "invalid choice"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, message):
    args = [str(tmp_path / a) if a == "out.pdf" else a for a in args]
    result = run_export(template_path("luton"), *args)
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_unreadable_model_exits_2(tmp_path):
    bad = tmp_path / "bad.svcmodel"
    bad.write_text("{not json", encoding="utf-8")
    result = run_export(bad, "--pdf", tmp_path / "x.pdf")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


def test_print_preview_shows_the_pdf_pages(qtbot, tmp_path, monkeypatch):
    """The preview dialog paints through the same function as the PDF: same page count."""
    from PySide6.QtCore import QSettings
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget

    from conftest import answer_modal
    from designer.printing import actions

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path))
    model = read_model(template_path("leicestershire"))
    pdf = tmp_path / "pack.pdf"
    write_pdf(LotPack(model, PackOptions()), pdf)
    pages, _ = pdfinfo(pdf)
    seen = {}

    def inspect(dialog):
        widget = dialog.findChild(QPrintPreviewWidget)
        seen["pages"] = widget.pageCount()
        dialog.reject()
    answer_modal(inspect, QPrintPreviewDialog)
    actions.print_preview(None, model)
    assert seen["pages"] == pages


def words_outside_margins(pdf):
    _, (w, h) = pdfinfo(pdf)
    margin = 12 * 72 / 25.4 - 0.5
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)<', html)
    return [word for x0, y0, x1, y1, word in words
            if not (margin <= float(x0) and float(x1) <= w - margin
                    and margin <= float(y0) and float(y1) <= h - margin)]


def test_empty_and_awkward_models_print_inside_the_margins(tmp_path, qapp):
    from models.schema import Component, Lot, LotPlan, Pathway, ServiceModel

    empty = tmp_path / "empty.pdf"
    write_pdf(LotPack(ServiceModel()), empty)
    assert pdfinfo(empty)[0] == 2  # overview and coverage
    assert "This lot plan has no lots yet" in pdftext(empty)

    long = "Service with a name that runs on\nover two lines " + "and further " * 12
    kinds = ["adult_treatment", "recovery_service", "self_referral", "exit", "access_hub"]
    components = [Component(id=f"c{i}", kind=kinds[i % len(kinds)],
                            name=long if i == 2 else f"Service {i} " + "x" * (i * 4))
                  for i in range(30)]
    pathways = [Pathway(source=f"c{i}", target=f"c{(i * 7 + 3) % 30}", label="line\nbreak " * 3)
                for i in range(30) if i != (i * 7 + 3) % 30]
    lots = [Lot(id=f"l{k}", name=f"Lot {k} " + "with a long name " * 5,
                components=[f"c{i}" for i in range(k, 30, 10)]) for k in range(10)]
    lots.append(Lot(id="empty", name="Nothing in it"))
    model = ServiceModel(title="A title\nwith a line break " + "long " * 40,
                         authority="Council " * 30, author="Author " * 40,
                         components=components, pathways=pathways,
                         lot_plans=[LotPlan(id="p", name="Plan " * 30, lots=lots)],
                         active_plan="p")
    pdf = tmp_path / "awkward.pdf"
    pack = LotPack(model, PackOptions(scale_percent=80, landscape=False))
    write_pdf(pack, pdf)
    assert pdfinfo(pdf)[0] == pack.page_count() > 12
    # diagram sheets cover what spills past their frame, so only look at the other pages
    sheets = [i + 1 for i, page in enumerate(pack.pages) if page.sheet]
    assert sheets
    for number in range(1, pack.page_count() + 1):
        if number in sheets:
            continue
        page_pdf = tmp_path / f"page{number}.pdf"
        subprocess.run(["pdfseparate", "-f", str(number), "-l", str(number), str(pdf),
                        str(page_pdf)], check=True)
        assert words_outside_margins(page_pdf) == [], number


def test_gui_export_writes_the_pack_and_remembers_the_folder(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QFileDialog

    from designer.printing import actions

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    QSettings().remove(actions.FOLDER_KEY)
    model = read_model(template_path("luton"))
    asked = {}

    def save_name(parent, caption, suggested, filters):
        asked["suggested"] = suggested
        return str(tmp_path / "pack"), filters  # no extension typed: .pdf is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    written = actions.export_pack(None, model, "pdf")
    assert written == [str(tmp_path / "pack.pdf")]
    assert Path(asked["suggested"]).name == \
        "Luton Borough Council - Two-lot alliance (LDAA) lot pack.pdf"
    assert pdfinfo(tmp_path / "pack.pdf")[0] == LotPack(model).page_count()
    assert QSettings().value(actions.FOLDER_KEY) == str(tmp_path)

    pages = tmp_path / "pages"
    pages.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda parent, caption, folder: str(pages)))
    written = actions.export_pack(None, model, "svg", lot_id="recovery")
    assert len(written) == LotPack(model, PackOptions(lot_id="recovery")).page_count() >= 1
    assert "Lot L2: Recovery" in Path(written[0]).read_text(encoding="utf-8")
    assert QSettings().value(actions.FOLDER_KEY) == str(pages)


def squeeze(text):
    return " ".join(text.split())


def diagram_pages(pack):
    """1-based numbers of the pages that carry the diagram: the overview and the first page
    of each lot."""
    return [i + 1 for i, page in enumerate(pack.pages)
            if not page.heading.endswith("(continued)") and
            (page.heading.startswith("Overview") or page.heading.startswith("Lot "))]


def shown_components(pack, number):
    """The components the diagram on page `number` draws: all of them, or on a lot page
    whose diagram is a crop, those whose boxes lie wholly inside it."""
    block = pack.pages[number - 1].placed[0][0]
    scene = getattr(block, "scene", None)
    return [c for c in pack.model.components
            if scene is None or scene.contains(pack.diagram.boxes[c.id])]


def test_templates_print_every_component_name_in_full(packs, qapp):
    """No name on the printed diagram is cut short: each one drawn is found whole (wrapped
    lines read in order) on the overview and on each lot's page, and no "…" is printed
    there. A lot's page draws at least the lot's own components."""
    for name, pdf in packs.items():
        model = read_model(template_path(name))
        pack = LotPack(model)
        for number in diagram_pages(pack):
            text = squeeze(pdftext(pdf, "-raw", "-f", str(number), "-l", str(number)))
            assert "…" not in text, (name, number)
            shown = shown_components(pack, number)
            if number == 1:
                assert len(shown) == len(model.components)
            for c in shown:
                assert squeeze(c.name) in text, (name, number, c.name)
        for lot in pack.plan.lots:
            first = next(n for n in diagram_pages(pack)
                         if pack.pages[n - 1].heading.startswith(f"Lot {lot.code}:"))
            assert set(lot.components) <= {c.id for c in shown_components(pack, first)}
        assert "Names shortened on the diagram" not in pdftext(pdf)


def long_names_model():
    """Leicestershire with 40-60 character names (as some councils write them)."""
    model = read_model(template_path("leicestershire"))
    names = ["Self-referral by phone, online form or walk-in at the hub",
             "GP and primary care referral including social prescribers",
             "Hospital referral from A&E, wards and the alcohol care team",
             "Police custody, courts and probation (DRR and ATR orders)",
             "Integrated community treatment and recovery hub service",
             "Outreach, engagement and harm reduction for rough sleepers",
             "Young people's specialist substance misuse and family service",
             "Shared care with GPs and community pharmacies (supervised)",
             "Individual placement and support (IPS) employment service",
             "Residential rehabilitation, spot purchased per placement",
             "Inpatient detoxification in the regional consortium unit",
             "Recovery community, peer mentoring and mutual aid groups",
             "Criminal justice treatment and prison in-reach (40 chars)"]
    for component, new in zip(model.components, names):
        component.name = new
    return model


@pytest.mark.parametrize("landscape, paper", [(True, "A4"), (False, "A4"), (True, "A3")])
def test_long_names_wrap_and_any_cut_short_are_keyed_on_the_same_page(tmp_path, qapp,
                                                                      landscape, paper):
    from designer.printing.diagram import name_fits, shortened_names

    model = long_names_model()
    pack = LotPack(model, PackOptions(landscape=landscape, paper=paper))
    pdf = tmp_path / "long.pdf"
    write_pdf(pack, pdf)
    fits = name_fits(pack.diagram, pack.plan)
    assert any(len(f.lines) == 3 and f.complete for f in fits.values())  # wrapped, not cut
    short = shortened_names(pack.diagram, pack.plan)
    assert len(short) < len(model.components) / 2
    for number in diagram_pages(pack):
        text = squeeze(pdftext(pdf, "-raw", "-f", str(number), "-l", str(number)))
        shown = shown_components(pack, number)
        for c in shown:
            assert squeeze(c.name) in text, (number, c.name)  # in the box, or in the key
        names = {squeeze(c.name) for c in shown}
        for n, full in short:  # a lot page's key lists only the names its crop shows
            assert (f"[{n}] {full}" in text) == (squeeze(full) in names or number == 1)
    assert words_outside_margins(pdf) == []


def overview_name_points(pack):
    """The smallest component name on the overview diagram, in points."""
    from designer.printing.diagram import name_fits

    _, rect = pack.pages[0].placed[0]
    extent = pack.diagram.extent
    scale = min(rect.width() / extent.width(), rect.height() / extent.height())
    return scale * min(f.style.size for f in name_fits(pack.diagram, pack.plan).values()) / PT


def test_landscape_overview_is_one_page_with_readable_names(packs, qapp):
    """Landscape A4 spends no extra page on the overview's legends, and its names stay at
    7 pt or more; A3 keeps the full legends on page 1; portrait A4 turns the page."""
    for name, pdf in packs.items():
        model = read_model(template_path(name))
        landscape = LotPack(model)
        assert [p.heading for p in landscape.pages].count(
            f"Overview: {landscape.plan.name} (continued)") == 0
        assert overview_name_points(landscape) >= 7
        text = squeeze(pdftext(pdf, "-f", "1", "-l", "1"))
        for lot in landscape.plan.lots:
            assert f"{lot.code} {lot.name}" in text
        assert "Summary: " in text  # the compact legends
        # The overview's own pages: lot pages with their tables may run longer on landscape.
        assert [p.heading.startswith("Overview") for p in landscape.pages].count(True) == 1
        a3 = LotPack(model, PackOptions(paper="A3"))
        assert len(a3.pages[0].placed) > 4  # diagram and the full legends
        assert not a3.pages[1].heading.startswith("Overview")
        # Portrait A4 printed the names at 5.1 pt: its overview is a landscape page turned.
        portrait = LotPack(model, PackOptions(landscape=False))
        assert portrait.pages[0].turned and not portrait.pages[1].turned
        assert overview_name_points(portrait) >= 7
        assert not portrait.pages[1].heading.startswith("Overview")


def test_pathway_labels_never_cover_a_lot_badge(qapp):
    """Two boxes almost touching, a long-labelled pathway between them and long lot codes:
    the badges look exactly the same with and without the label."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QPainter

    from designer.printing.diagram import badge_rect, layout_diagram, paint_diagram
    from models.schema import Component, Lot, LotPlan, Pathway, Position, ServiceModel

    def render(label, extent=None):
        model = ServiceModel(
            components=[Component(id="a", kind="adult_treatment", name="Adult",
                                  position=Position(x=0, y=0)),
                        Component(id="b", kind="recovery_service", name="Recovery",
                                  position=Position(x=0, y=76))],
            pathways=[Pathway(source="a", target="b", label=label)],
            lot_plans=[LotPlan(id="p", name="Plan", lots=[
                Lot(id="one", code="LOT-ONE1", name="One", components=["a"]),
                Lot(id="two", code="LOT-TWO2", name="Two", components=["b"])])],
            active_plan="p")
        diagram = layout_diagram(model)
        extent = extent or diagram.extent  # both drawn at the same place and scale
        image = QImage(round(extent.width()), round(extent.height()), QImage.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        paint_diagram(painter, diagram, model.plan(), QRectF(0, 0, image.width(),
                                                             image.height()), extent)
        painter.end()
        badges = [badge_rect(model.component(cid).kind_info, diagram.boxes[cid], code, False)
                  .translated(-extent.left(), -extent.top())
                  for cid, code in (("a", "LOT-ONE1"), ("b", "LOT-TWO2"))]
        return image, badges, extent

    labelled, _, extent = render("A long label placed between two close boxes")
    plain, badges, _ = render("", extent)
    assert plain != labelled  # the label was drawn somewhere
    for badge in badges:
        r = badge.toAlignedRect()
        assert plain.copy(r) == labelled.copy(r)


def test_a_key_too_long_for_the_page_runs_on_after_the_diagram(tmp_path, qapp):
    """Forty 300-character names: the key cannot share the diagram's page, so it follows
    the diagram (and tiled sheets print without it) instead of squeezing the diagram away."""
    from models.schema import Component, Lot, LotPlan, ServiceModel

    names = [f"Service {i} " + "with a very long description " * 10 for i in range(40)]
    model = ServiceModel(
        components=[Component(id=f"c{i}", kind="adult_treatment", name=name)
                    for i, name in enumerate(names)],
        lot_plans=[LotPlan(id="p", name="Plan", lots=[Lot(id="l", name="Lot", components=["c0"])])],
        active_plan="p")
    pack = LotPack(model, PackOptions(scale_percent=100))
    pdf = tmp_path / "long-key.pdf"
    write_pdf(pack, pdf)
    _, rect = pack.pages[0].placed[0]
    assert rect.height() > pack.content.height() / 2  # the diagram keeps its room
    # The key runs on over the overview's pages: read it without the page furniture
    # between them. (A lot page's key lists only the names its crop of the diagram shows.)
    text = []
    for number in range(1, pack.page_count() + 1):
        if pack.pages[number - 1].heading.startswith("Overview"):
            c = pack.content  # only the content area: no header or title block
            text.append(pdftext(pdf, "-raw", "-f", str(number), "-l", str(number),
                                "-x", str(round(c.left() / PT)), "-y", str(round(c.top() / PT)),
                                "-W", str(round(c.width() / PT)),
                                "-H", str(round(c.height() / PT))))
    text = squeeze(" ".join(text))
    for n, name in enumerate(names, 1):
        assert f"[{n}] {squeeze(name)}" in text


def words(pdf, number):
    """(word, x0, y0, x1, y1) in points of the words pdftotext finds on page `number`."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(number), "-l", str(number),
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(w, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)<', html)]


@pytest.mark.parametrize("landscape", [True, False])
def test_lot_pages_show_the_lots_neighbourhood_with_8_pt_names(tmp_path, qapp, landscape):
    """Luton's two lots: each lot page draws its part of the model with names of 7.5 pt or
    more (they were under 6 pt with the whole model drawn), on no more pages than before;
    L2's page leaves out the referral routes, which are nowhere near it."""
    from designer.printing.diagram import name_fits

    model = read_model(template_path("luton"))
    pack = LotPack(model, PackOptions(landscape=landscape))
    # Each lot's diagram on the first of its pages (its tables follow on the next ones).
    for lot in pack.plan.lots:
        first_page = next(p for p in pack.pages if p.heading.startswith(f"Lot {lot.code}:"))
        assert isinstance(first_page.placed[0][0], Graphic)
    pdf = tmp_path / "pack.pdf"
    write_pdf(pack, pdf)
    fits = name_fits(pack.diagram, pack.plan)
    names = {c.id: c.name for c in model.components}
    for lot in pack.plan.lots:
        number = next(i + 1 for i, page in enumerate(pack.pages)
                      if page.heading.startswith(f"Lot {lot.code}:"))
        block, rect = pack.pages[number - 1].placed[0]
        scene = block.scene or pack.diagram.extent
        shown = shown_components(pack, number)
        scale = rect.width() / scene.width()
        assert scale * min(fits[c.id].style.size for c in shown) / PT >= 7.5, lot.code
        # The same, measured in the PDF against the 9 pt "Components:" line under it.
        found = words(pdf, number)
        nine = next(y1 - y0 for w, x0, y0, x1, y1 in found if w == "Components:")
        # (the largest of each name's first word: a kind line or label may share it)
        heights = [max(y1 - y0 for w, x0, y0, x1, y1 in found
                       if w == names[m].split()[0] and y1 < rect.bottom() / PT)
                   for m in lot.components]
        assert min(heights) / nine * 9 >= 7.4, (lot.code, heights, nine)
        text = squeeze(pdftext(pdf, "-raw", "-f", str(number), "-l", str(number)))
        for m in lot.components:
            assert squeeze(names[m]) in text
    l2 = next(i + 1 for i, page in enumerate(pack.pages) if page.heading.startswith("Lot L2:"))
    text = squeeze(pdftext(pdf, "-raw", "-f", str(l2), "-l", str(l2)))
    for far in ("GP referral", "Probation", "Prison release", "Young people's referrals"):
        assert far not in text  # one of L1's referral routes: no pathway to or from L2


def test_faded_parts_of_a_lot_page_read_in_greyscale(packs, tmp_path, qapp):
    """On L2's page, rendered grey at 110 dpi: a component outside the lot prints its name
    in a clear mid grey (it was near white), lighter than the lot's own names."""
    model = read_model(template_path("luton"))
    pack = LotPack(model)
    number = next(i + 1 for i, page in enumerate(pack.pages)
                  if page.heading.startswith("Lot L2:"))
    pdf = packs["luton"]
    subprocess.run(["pdftoppm", "-r", "110", "-gray", "-png", "-f", str(number), "-l",
                    str(number), str(pdf), str(tmp_path / "grey")], check=True)
    image = QImage(str(next(tmp_path.glob("grey*.png"))))
    found = words(pdf, number)

    def darkest(word):
        # The name, not the smaller kind line under it that may share the word: with
        # Liberation Sans (Arial's metrics) pdftotext lists the kind line first.
        x0, y0, x1, y1 = max(((x0, y0, x1, y1) for w, x0, y0, x1, y1 in found if w == word),
                             key=lambda box: box[3] - box[1])
        k = 110 / 72
        return min(image.pixelColor(x, y).value() for x in range(int(x0 * k), int(x1 * k))
                   for y in range(int(y0 * k), int(y1 * k)))
    faded, member = darkest("Inpatient"), darkest("Routes")
    assert faded <= 130, faded  # readable
    assert member + 30 <= faded, (member, faded)  # and still secondary


def test_a_lot_page_says_what_the_checks_found_in_its_lot(tmp_path):
    """A lot page read alone (a tender annex) must not pass invalid terms off as settled."""
    model = load_template("luton")
    plan = model.plan()
    terms = plan.lots[0].contract
    terms.quality_weight, terms.price_weight = 60, 30  # 60 + 30: does not add to 100
    path = tmp_path / "invalid.svcmodel"
    write_model(path, model)
    pdf = tmp_path / "invalid.pdf"
    assert run_export(path, "--pdf", pdf, "--lot", plan.lots[0].id).returncode == 0
    text = " ".join(pdftext(pdf).split())
    assert "Checks on this lot" in text
    assert "Error: The contract terms of lot" in text and "add to 90, not 100" in text
    # Luton's own recovery lot has no finding of its own: no such section on its page.
    clean = tmp_path / "clean.pdf"
    assert run_export(template_path("luton"), "--pdf", clean, "--lot", "recovery").returncode == 0
    assert "Checks on this lot" not in " ".join(pdftext(clean).split())


def test_the_printed_appraisal_compares_with_a_baseline_as_the_window_does(tmp_path):
    pdf = tmp_path / "luton.pdf"
    assert run_export(template_path("luton"), "--pdf", pdf).returncode == 0
    pages = pdftext(pdf).split("\f")
    text = squeeze(next(page for page in pages if "Options appraisal" in page))
    assert "each compared with Three lots (first tender, halted)" in text
    assert "Three lots (first tender, halted) (baseline)" in text
    assert "Two-lot alliance (LDAA): 3 fewer cross-lot handoffs (9 \u2192 6)" in text
    assert "6 (\u22123)" in text and "(no lot 3)" in text


@pytest.mark.parametrize("name", ["luton", "leicestershire"])
def test_the_landscape_appraisal_keeps_to_one_page_in_readable_text(qapp, name):
    """Its last 4-5 rows went alone onto a near-empty '(continued)' page: the table's text
    and cells get smaller, not under 7 pt, until it fits; in portrait it fits as it was."""
    from designer.printing.layout import Table

    for landscape in (True, False):
        pack = LotPack(load_template(name), PackOptions(landscape=landscape))
        headings = [page.heading for page in pack.pages]
        assert "Options appraisal (continued)" not in headings
        (page,) = [p for p in pack.pages if "Options appraisal" in p.heading]
        table = next(b for b, _ in reversed(page.placed) if isinstance(b, Table))
        assert table.header[0] == "Measure" and table.rows[-1][0].startswith("Most people")
        assert table.points >= 7.0
        if not landscape:
            assert table.points == 8.5


def test_a_lot_can_be_named_by_its_printed_code(tmp_path):
    pdf = tmp_path / "l2.pdf"
    result = run_export(template_path("luton"), "--pdf", pdf, "--lot", "l2")
    assert result.returncode == 0, result.stderr
    assert "Lot L2: Recovery" in squeeze(pdftext(pdf))


def test_a_cancelled_printer_prompt_is_printing_cancelled_not_an_error(qtbot, monkeypatch):
    """Windows' Microsoft Print to PDF asks for a file name only once printing starts; its
    Save As cancelled makes QPainter.begin fail on a printer with no output file. Offscreen Qt
    with no printer behaves the same way: begin fails on a QPrinter with no file name."""
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QMainWindow
    from designer import messages
    from designer.printing import actions

    window = QMainWindow()
    qtbot.addWidget(window)
    told = []
    monkeypatch.setattr(messages, "tell", lambda *args, **kw: told.append(args))
    monkeypatch.setattr(QPrintDialog, "exec", lambda self: QPrintDialog.DialogCode.Accepted)
    assert actions.print_pack(window, load_template("luton")) is False
    assert told == []  # no "is the file writable?" box
    assert window.statusBar().currentMessage() == "Printing cancelled: nothing was printed."

    # Qt's own print-to-file into a folder that does not exist is a real error, naming it.
    real_make = actions.make_printer

    def to_missing_folder():
        printer = real_make()
        printer.setOutputFileName(str(Path("no such folder") / "pack.pdf"))
        return printer
    monkeypatch.setattr(actions, "make_printer", to_missing_folder)
    assert actions.print_pack(window, load_template("luton")) is False
    [(_, title, text)] = told
    assert title == "Cannot print" and "pack.pdf" in text


def test_portrait_table_headers_print_whole_words(tmp_path):
    """Portrait A4 through the real command: a column too narrow for its header's longest
    word borrows from the others, so 'Likelihood' (risk register) and 'Completions' (demand
    tables) print whole, not 'Likelih...' and 'Completi...'; nothing in the pack is cut."""
    pdf = tmp_path / "luton.pdf"
    result = run_export(template_path("luton"), "--portrait", "--pdf", pdf)
    assert result.returncode == 0, result.stderr
    text = pdftext(pdf)
    assert "\u2026" not in text
    assert re.search(r"\bLikelihood\b", text) and re.search(r"\bCompletions\b", text)


def test_appraisal_shading_survives_a_greyscale_copy(packs, tmp_path):
    """The options appraisal's shaded cells (differing from the baseline) on a black and
    white copy: the cell of the new route 'PSR competitive process' must read as grey, not
    as white like the baseline's 'PCR 2015' cell (the pale yellow printed 6% grey)."""
    pdf = packs["luton"]
    pages, _ = pdfinfo(pdf)
    number = next(n for n in range(1, pages + 1)
                  if pdftext(pdf, "-f", str(n), "-l", str(n)).lstrip().startswith(
                      "Options appraisal"))
    boxes = pdftext(pdf, "-bbox", "-f", str(number), "-l", str(number))

    def left_of(word):  # a point in the cell's padding, left of the word, in points
        m = re.search(rf'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
                      rf'{word}<', boxes)
        return float(m.group(1)) - 1.5, (float(m.group(2)) + float(m.group(3))) / 2
    subprocess.run(["pdftoppm", "-r", "144", "-gray", "-png", "-f", str(number), "-l",
                    str(number), str(pdf), str(tmp_path / "grey")], check=True)
    image = QImage(str(next(tmp_path.glob("grey*.png"))))

    def grey(point):
        return image.pixelColor(int(point[0] * 2), int(point[1] * 2)).value()
    assert grey(left_of("PCR")) > 245  # the baseline's cell: white
    assert grey(left_of("PSR")) < 225  # differs: a grey a copier keeps
