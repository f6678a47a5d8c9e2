"""A lot's name tag sits inside its own region, on a spot no box and no pathway label covers,
on paper and on the canvas (one rule: models/lot_tags.py)."""

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from models.lot_tags import covered, pieces, place_tags, segments, tag_texts
from models.templates import load_template

PLANS = [(name, plan.id) for name in ("luton", "leicestershire")
         for plan in load_template(name).lot_plans]


def overlap(a: QRectF, b: QRectF) -> bool:
    return a.intersected(b).width() > 0.01 and a.intersected(b).height() > 0.01


# --- the rule ----------------------------------------------------------------------------------

def test_tag_texts_shorten_word_by_word_down_to_the_code():
    assert tag_texts("L1", "Community  treatment service") == [
        "L1 Community treatment service", "L1 Community treatment\u2026", "L1 Community\u2026",
        "L1"]
    assert tag_texts("", "Recovery") == ["Recovery"]
    assert tag_texts("L2", "") == ["L2"]
    assert len(tag_texts("L3", "word " * 5000)) == 14  # a file's 10,000-character name


def test_covered_by_a_union_of_rectangles():
    parts = [(0, 0, 100, 50), (0, 50, 40, 50)]  # an L
    assert covered((0, 0, 100, 50), parts)
    assert covered((10, 40, 20, 30), parts)  # across the join
    assert not covered((50, 40, 20, 30), parts)  # into the L's notch
    assert pieces(parts + [(300, 0, 10, 10)]) == [parts, [(300, 0, 10, 10)]]


def test_a_tag_goes_in_the_highest_free_spot_inside_and_never_outside():
    # Two boxes one above the other, joined by a bridge: the room is between them.
    parts = [(0, 0, 236, 96), (0, 136, 236, 96), (0, 80, 236, 72)]
    boxes = [(12, 12, 212, 72), (12, 148, 212, 72)]
    (spot, which), = place_tags(parts, boxes, [(200, 20)])
    assert which == 0 and covered(spot, parts)
    assert not any(overlap(QRectF(*spot), QRectF(*b)) for b in boxes)
    # Too wide for the full text: the shorter one; no room at all: no tag.
    assert place_tags(parts, boxes, [(400, 20), (60, 20)])[0][1] == 1
    assert place_tags([(0, 0, 236, 96)], [(12, 12, 212, 72)], [(60, 20)]) == []


def test_a_tag_keeps_off_arrows_where_it_can():
    parts = [(0, 0, 300, 100)]
    arrow = segments([(150, -50), (150, 50)])  # down to the middle of the top edge
    (spot, _), = place_tags(parts, [], [(100, 20)], arrow)
    assert not overlap(QRectF(*spot), QRectF(*arrow[0]).adjusted(-1, 0, 1, 0))
    (spot, _), = place_tags(parts, [], [(290, 20)], arrow)  # no way round: it still goes
    assert covered(spot, parts)


# --- on paper ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, plan_id", PLANS)
def test_printed_tags_are_inside_their_region_and_clear(qapp, name, plan_id):
    from designer.printing.diagram import layout_diagram, lot_tags, pathway_labels
    from designer.printing.lot_areas import lot_region
    model = load_template(name)
    diagram = layout_diagram(model)
    labels = [rect for rect, _ in pathway_labels(diagram).values()]
    for lot in model.plan(plan_id).lots:
        tags = lot_tags(diagram, lot)
        assert tags, f"{name} {plan_id} {lot.code}: no tag"
        outline = lot_region(diagram, lot).outline
        for rect, text in tags:
            assert outline.contains(rect), (lot.code, rect)
            assert not any(overlap(rect, box) for box in diagram.boxes.values()), text
            assert not any(overlap(rect, label) for label in labels), text
        assert tags[0][1] == f"{lot.code} {lot.name}"  # the whole name fits on the templates


def test_the_overview_prints_the_tags(tmp_path):
    """The tag's words are on the overview page, inside the lot's region (pdftotext -bbox)."""
    import re
    import subprocess
    from tests.test_printing import run_export
    out = tmp_path / "pack.pdf"
    result = run_export("resources/templates/leicestershire.svcmodel", "--pdf", out)
    assert result.returncode == 0, result.stderr
    html = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(out), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<', html)
    # The legend says "L1 Community treatment service: ..." too; the tag is the other one.
    assert sum(1 for _, w in words if w == "Community") >= 2


# --- on the canvas -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, plan_id", PLANS)
def test_canvas_tags_are_inside_their_region_and_clear(qtbot, name, plan_id):
    from designer.document import Document
    from designer.main_window import MainWindow
    from tests.conftest import show_window
    model = load_template(name)
    model.active_plan = plan_id
    doc = Document(model)
    window = show_window(qtbot, MainWindow(doc), 1400, 900)
    QApplication.processEvents()
    scene = window.scene
    boxes = [item.mapRectToScene(item.box()) for item in scene.components.values()]
    labels = [item.mapRectToScene(item.label_rect()) for item in scene.pathways.values()
              if item.label]
    regions = window.lots.regions.regions
    assert len(regions) == len(model.plan(plan_id).lots)
    for region in regions.values():
        tags = region.tags.tags
        assert tags, region.label()
        for rect, text in tags:
            assert region.region.contains(rect), (text, rect)
            assert not any(overlap(rect, box) for box in boxes), text
            assert not any(overlap(rect, label) for label in labels), text
    doc.blockSignals(True)
    doc.undo_stack.blockSignals(True)


def test_a_canvas_tag_takes_up_only_its_own_rectangle(luton_window):
    """Placing a new box, hovering for a tool tip: the tag is where it is drawn, not
    everywhere in its region's bounds."""
    QApplication.processEvents()
    for region in luton_window.lots.regions.regions.values():
        tags = region.tags
        (rect, _), = tags.tags
        assert tags.shape().boundingRect() == rect
        assert tags.boundingRect().contains(rect)
