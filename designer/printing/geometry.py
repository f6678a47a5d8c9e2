"""`main.py export FILE --geometry OUT.json`: where the lot pack's diagrams put every box,
arrow, label and lot, in points from each page's top-left corner, exactly as printed (the
format is pinned in docs/file-format.md). The pack is painted onto a QPicture with the page
one point per unit; paint_diagram reports what it draws to the recorder while one is set."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainter, QPainterPath, QPicture, QTransform

_recording: list | None = None  # the current page's diagrams while exporting


def recording() -> bool:
    return _recording is not None


def _point(t: QTransform, x: float, y: float) -> list[float]:
    p = t.map(QPointF(x, y))
    return [round(p.x(), 2), round(p.y(), 2)]


def _rect(t: QTransform, r: QRectF) -> dict:
    m = t.mapRect(r)
    return {"x": round(m.x(), 2), "y": round(m.y(), 2), "width": round(m.width(), 2),
            "height": round(m.height(), 2)}


def _sampled(path: QPainterPath, step: float) -> list[tuple[float, float]]:
    """The path's points, curves sampled at most `step` apart (scene units)."""
    points = []
    for i in range(path.elementCount()):
        e = path.elementAt(i)
        if e.isCurveTo():
            break
        points.append((e.x, e.y))
    else:
        return points
    count = max(2, int(path.length() / step) + 1)
    return [(p.x(), p.y()) for p in (path.pointAtPercent(path.percentAtLength(
        path.length() * i / (count - 1))) for i in range(count))]


def record(painter: QPainter, *, boxes: dict, arrows: list, labels: list, lots: list,
           name_size: float | None) -> None:
    """One painted diagram: boxes {id: rect}, arrows [(source, target, path)], labels
    [(source, target, text, rect)], lots [(id, code, outline path)], the smallest name font
    (scene units); all in scene units, mapped here through the painter's transform."""
    if _recording is None:
        return
    t = painter.worldTransform()
    scale = (abs(t.m11() * t.m22() - t.m12() * t.m21())) ** 0.5
    step = 2.0 / scale if scale else 2.0
    _recording.append({
        "name_size_pt": round(name_size * scale, 2) if name_size else None,
        "boxes": [{"id": cid, **_rect(t, r)} for cid, r in boxes.items()],
        "arrows": [{"source": s, "target": e, "points": [_point(t, x, y)
                                                         for x, y in _sampled(path, step)]}
                   for s, e, path in arrows],
        "labels": [{"source": s, "target": e, "text": text, **_rect(t, r)}
                   for s, e, text, r in labels],
        "lots": [{"id": lot_id, "code": code,
                  "polygons": [[_point(t, p.x(), p.y()) for p in polygon]
                               for polygon in outline.toFillPolygons()]}
                 for lot_id, code, outline in lots]})


@contextmanager
def _recorder():
    global _recording
    _recording = []
    try:
        yield _recording
    finally:
        _recording = None


def pack_geometry(pack) -> dict:
    """The geometry of every page of the pack that draws a diagram."""
    from .layout import PT

    pages = []
    for index, page in enumerate(pack.pages):
        picture = QPicture()
        painter = QPainter(picture)
        with _recorder() as drawn:
            pack.paint_page(painter, pack.page_size.width() / PT, index)
        painter.end()
        if not drawn:
            continue
        sizes = [d["name_size_pt"] for d in drawn if d["name_size_pt"] is not None]
        pages.append({"number": index + 1, "heading": page.heading,
                      "name_size_pt": min(sizes) if sizes else None,
                      **{key: [item for d in drawn for item in d[key]]
                         for key in ("boxes", "arrows", "labels", "lots")}})
    return {"pages": pages}


def write_geometry(pack, path: str | Path) -> None:
    Path(path).write_text(json.dumps(pack_geometry(pack), indent=1), encoding="utf-8")
