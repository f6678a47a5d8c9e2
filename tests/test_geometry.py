"""The canvas, the printed diagram and the benchmarks draw one box per kind."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from models.catalogue import KINDS
from models.geometry import BOX_H, BOX_W
from models.schema import Component


def test_canvas_and_page_draw_the_same_outline_for_every_kind(qapp):
    from designer.canvas.items import ComponentItem
    from designer.printing.diagram import layout_diagram
    from designer.shapes import component_shape
    from models.schema import ServiceModel

    for kind in KINDS.values():
        component = Component(id="c", kind=kind.id, name=kind.name, position={"x": 0, "y": 0})
        item = ComponentItem(component)
        assert item.box() == QRectF(-BOX_W / 2, -BOX_H / 2, BOX_W, BOX_H)
        printed = layout_diagram(ServiceModel(title="t", components=[component])).boxes["c"]
        assert (printed.width(), printed.height()) == (BOX_W, BOX_H)
        page = component_shape(kind, printed).translated(-printed.center())
        assert item.outline() == page, kind.id


def test_the_benchmarks_draw_the_apps_boxes():
    import bench.bench_canvas
    import bench.bench_pdf

    assert (bench.bench_canvas.BOX_W, bench.bench_canvas.BOX_H) == (BOX_W, BOX_H)
    assert (bench.bench_pdf.BOX_W, bench.bench_pdf.BOX_H) == (BOX_W, BOX_H)
