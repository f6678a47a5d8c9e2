"""Issue 17: arrows round the boxes, labels clear, lots whole, on paper and on the canvas,
judged through `main.py export --geometry` (the diagram as numbers) and the shared router."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from models.diagram_measures import arrows_under_boxes, crossings, label_overlaps, measure
from models.geometry import BOX_H, BOX_W
from models.layout import layered_positions
from models.routing import route_pathways
from models.templates import load_template

ROOT = Path(__file__).resolve().parent.parent
# Most pairs of crossing arrows on the A4 overview: the target, 7 on both. Leicestershire
# reaches it with Shared care one column right of its stage (after Adult treatment, which
# refers to it); in the stage columns alone it drew 8 at best (docs/benchmarks.md, issue 17).
# Graphviz dot, free to rank as it likes, draws it with 7; the app drew 67 before.
MOST_CROSSINGS = {"luton": 7, "leicestershire": 7}


def export_geometry(tmp_path: Path, model: Path, *options: str) -> dict:
    out = tmp_path / "geometry.json"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", str(model),
                           "--geometry", str(out), *options],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("template", ["luton", "leicestershire"])
def test_the_printed_overview_reads_at_a_glance(tmp_path, template):
    geometry = export_geometry(tmp_path, ROOT / "resources" / "templates"
                               / f"{template}.svcmodel")
    overview = geometry["pages"][0]
    assert overview["number"] == 1 and overview["heading"].startswith("Overview")
    found = measure(overview)
    assert found["arrows_under_boxes"] == 0
    assert found["label_overlaps"] == 0
    assert found["crossings"] <= MOST_CROSSINGS[template]
    assert found["name_size_pt"] >= 7.0
    # every pathway is drawn, from the edge of its source box
    model = load_template(template)
    assert len(overview["arrows"]) == len(model.pathways)
    assert len(overview["boxes"]) == len(model.components)
    assert len(overview["labels"]) == sum(1 for p in model.pathways if p.label.strip())
    boxes = {b["id"]: b for b in overview["boxes"]}
    for arrow in overview["arrows"]:
        x, y = arrow["points"][0]
        b = boxes[arrow["source"]]
        on_edge = (abs(x - b["x"]) < 0.1 or abs(x - b["x"] - b["width"]) < 0.1
                   or abs(y - b["y"]) < 0.1 or abs(y - b["y"] - b["height"]) < 0.1)
        assert on_edge, arrow
    # no two arrows share an end point
    ends = [tuple(a["points"][i]) for a in overview["arrows"] for i in (0, -1)]
    assert len(ends) == len(set(ends))
    # each lot is one region
    assert all(len(lot["polygons"]) == 1 for lot in overview["lots"])


def test_geometry_export_pins_its_format_and_refuses_a_folder(tmp_path):
    geometry = export_geometry(tmp_path, ROOT / "resources" / "templates" / "luton.svcmodel",
                               "--paper", "A3", "--portrait", "--plan", "three-lots")
    page = geometry["pages"][0]
    assert set(page) == {"number", "heading", "name_size_pt", "boxes", "arrows", "labels",
                         "lots"}
    assert set(page["boxes"][0]) == {"id", "x", "y", "width", "height"}
    assert set(page["arrows"][0]) == {"source", "target", "points"}
    assert set(page["labels"][0]) == {"source", "target", "text", "x", "y", "width", "height"}
    assert set(page["lots"][0]) == {"id", "code", "polygons"}
    assert [lot["code"] for lot in page["lots"]] == ["L1", "L2", "L3"]
    # A3 portrait: 842 points tall; everything drawn is on the page
    assert all(0 <= b["y"] and b["y"] + b["height"] <= 842 for b in page["boxes"])
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "export",
                           str(ROOT / "resources" / "templates" / "luton.svcmodel"),
                           "--geometry", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 2 and "--geometry" in done.stderr
    assert "Traceback" not in done.stderr


def _boxes(positions):
    return {cid: (x - BOX_W / 2, y - BOX_H / 2, BOX_W, BOX_H) for cid, (x, y) in
            positions.items()}


def test_generated_models_route_round_every_box_and_keep_lots_and_councils_together():
    from bench.generate import generate_dict
    from models.schema import ServiceModel

    data = generate_dict(100)
    for c in data["components"]:
        c.pop("position")
    model = ServiceModel.model_validate(data)
    positions = layered_positions(model)
    boxes = _boxes(positions)
    routes = route_pathways(boxes, [(p.id, p.source, p.target) for p in model.pathways])
    arrows = [{"source": p.source, "target": p.target, "points": routes[p.id]}
              for p in model.pathways]
    box_list = [{"id": k, "x": b[0], "y": b[1], "width": b[2], "height": b[3]}
                for k, b in boxes.items()]
    assert arrows_under_boxes(arrows, box_list) == 0
    # each lot (one per council here) is one block: members of a lot fill a column run
    # with no other component between them
    plan = model.plan()
    for lot in plan.lots:
        members = set(lot.components)
        columns = {}
        for cid, (x, y) in positions.items():
            columns.setdefault(x, []).append((y, cid))
        for column in columns.values():
            order = [cid for _, cid in sorted(column)]
            at = [i for i, cid in enumerate(order) if cid in members]
            if at:
                assert at == list(range(at[0], at[-1] + 1)), lot.id
    # councils are blocks side by side: no two councils' boxes interleave in a column
    by_council = {}
    for c in model.components:
        by_council.setdefault(c.id.split("-")[0], []).append(positions[c.id])
    spans = sorted((min(x for x, _ in p), min(y for _, y in p), max(x for x, _ in p),
                    max(y for _, y in p)) for p in by_council.values())
    for i, a in enumerate(spans):
        for b in spans[i + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
    assert crossings(arrows) < len(model.pathways)
    assert label_overlaps([], box_list) == 0


def test_the_canvas_draws_the_arrows_the_printed_diagram_draws(qapp, qtbot):
    """One router: each canvas arrow is the router's polyline for the boxes where they are;
    while a box is dragged its arrows are quick curves, and routed again once it lands."""
    from PySide6.QtCore import QPointF

    from designer.canvas.scene import ModelScene
    from designer.document import Document

    scene = ModelScene(Document(load_template("luton")))
    positions = {cid: (item.pos().x(), item.pos().y()) for cid, item in
                 scene.components.items()}
    expected = route_pathways(_boxes(positions), [(pid, item.source.component_id,
                                                   item.target.component_id)
                                                  for pid, item in scene.pathways.items()])

    def drawn(item):
        path = item._path
        return [(round(path.elementAt(i).x, 6), round(path.elementAt(i).y, 6))
                for i in range(path.elementCount())]
    for pid, item in scene.pathways.items():
        assert drawn(item) == [(round(x, 6), round(y, 6)) for x, y in expected[pid]], pid
    hub = scene.components["hub"]
    hub.setPos(hub.pos() + QPointF(40, 400))  # mid-drag: not routed yet
    moving = [p for p in hub.pathways]
    assert moving and all(not p._routed() for p in moving)
    scene.doc.move_components({"hub": (hub.pos().x(), hub.pos().y())})
    qtbot.waitUntil(lambda: all(p._routed() for p in moving))
