"""Lot areas on the printed diagram and the canvas: a lot's region (a padded union of its
member boxes, bridged where no other box sits between them, so a lot reads as one area), its
hatch (drawn lines on one grid, cut by arithmetic: no clipping, which the SVG generator
ignores) and its fill, tint and outline; the lot colours. Lot name tags: diagram.lot_tags."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from models import catalogue
from models.geometry import BOX_H, BOX_W
from models.schema import Lot

if TYPE_CHECKING:
    from .diagram import Diagram

LOT_PAD = 12.0  # lot region margin around member boxes
CORNER = 14.0  # lot region corner radius
NEIGHBOUR_REACH = 90.0  # member boxes this close are joined into one region
FADE = 0.72  # how far faded lot areas move towards white on a lot's page


def blend(colour: QColor | str, towards: QColor | str, amount: float) -> QColor:
    """`colour` moved `amount` (0..1) of the way towards `towards`; solid, so it prints the
    same on every device."""
    a, b = QColor(colour), QColor(towards)
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * amount,
                           a.greenF() + (b.greenF() - a.greenF()) * amount,
                           a.blueF() + (b.blueF() - a.blueF()) * amount)


def lot_tint(lot: Lot) -> QColor:
    return blend(lot.colour or catalogue.LOT_COLOURS[0], "white", 0.78)


def lot_ink(lot: Lot) -> QColor:
    return blend(lot.colour or catalogue.LOT_COLOURS[0], "black", 0.25)


@dataclass
class Region:
    """A lot's area: the outline to fill and stroke, and rectangles inside it to hatch."""
    outline: QPainterPath
    parts: list[QRectF]
    # (pattern, spacing, dot) -> hatch(): the same region is painted on many pages, and on
    # the canvas at every zoom.
    _hatches: dict = field(default_factory=dict, repr=False, compare=False)
    _tags: list | None = field(default=None, repr=False, compare=False)  # lot_tags()


def lot_region(diagram: Diagram, lot: Lot) -> Region:
    """A padded union of the lot's member boxes; close members are joined by a bridge when
    no other component sits between them, so a lot reads as one area."""
    key = (lot.id, tuple(lot.components))
    if key not in diagram._regions:
        diagram._regions[key] = _lot_region(diagram, lot)
    return diagram._regions[key]


def box_region(box: QRectF) -> Region:
    """One box's part of a lot region on its own (what a lot region is made of, before the
    bridges): the canvas draws it under a box being dragged."""
    padded = box.adjusted(-LOT_PAD, -LOT_PAD, LOT_PAD, LOT_PAD)
    outline = QPainterPath()
    outline.addRoundedRect(padded, CORNER, CORNER)
    inset = CORNER * (1 - math.sqrt(0.5))  # hatch clear of the rounded corners
    return Region(outline, [padded.adjusted(inset, inset, -inset, -inset)])


def _lot_region(diagram: Diagram, lot: Lot) -> Region:
    members = [m for m in dict.fromkeys(lot.components) if m in diagram.boxes]
    member_set = set(members)

    def blocked(bridge: QRectF) -> bool:
        """Does a padded box of a non-member cross the bridge? Only boxes near it can."""
        reach = LOT_PAD + 1
        near = diagram.index().near(bridge.adjusted(-reach, -reach, reach, reach))
        return any(bridge.intersects(box.adjusted(-LOT_PAD, -LOT_PAD, LOT_PAD, LOT_PAD))
                   for cid, box in near.items() if cid not in member_set)

    path = QPainterPath()
    path.setFillRule(Qt.WindingFill)
    padded = {m: diagram.boxes[m].adjusted(-LOT_PAD, -LOT_PAD, LOT_PAD, LOT_PAD)
              for m in members}
    # Hatch rectangles stay clear of the rounded corners.
    inset = CORNER * (1 - math.sqrt(0.5))
    parts = [r.adjusted(inset, inset, -inset, -inset) for r in padded.values()]
    for m in members:
        path.addRoundedRect(padded[m], CORNER, CORNER)
    # Straight bridges (side by side, one above the other) first; a diagonal one, which
    # fills the whole corner between two boxes, only where the two are not joined already.
    joined = {m: m for m in members}

    def root(m: str) -> str:
        while joined[m] != m:
            joined[m] = joined[joined[m]]
            m = joined[m]
        return m
    pairs = []
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            ra, rb = padded[a], padded[b]
            gap_x = max(ra.left(), rb.left()) - min(ra.right(), rb.right())
            gap_y = max(ra.top(), rb.top()) - min(ra.bottom(), rb.bottom())
            if gap_x > NEIGHBOUR_REACH or gap_y > NEIGHBOUR_REACH:
                continue
            pairs.append((gap_x > 0 and gap_y > 0, a, b))
    for diagonal, a, b in sorted(pairs, key=lambda pair: pair[0]):
        if diagonal and root(a) == root(b):
            continue
        ra, rb = padded[a], padded[b]
        bridge = _bridge(ra, rb)
        if not blocked(bridge):
            # reach into both boxes past their rounded corners, so the join is seamless
            bridge = _bridge(ra, rb, into=CORNER)
            path.addRect(bridge)
            parts.append(bridge)
            joined[root(a)] = root(b)
    outline, holes = _without_holes(path.simplified())
    return Region(outline, parts + holes)  # a filled hole is hatched like the rest


def _without_holes(outline: QPainterPath) -> tuple[QPainterPath, list[QRectF]]:
    """The outline less the small holes left where bridges meet around a gap (a hole there
    would print as a stray white box with a border inside the lot), and the rectangles of
    the holes filled in."""
    smallest_part = (BOX_W + 2 * LOT_PAD) * (BOX_H + 2 * LOT_PAD) / 2
    kept = QPainterPath()
    kept.setFillRule(Qt.WindingFill)
    holes = []
    for polygon in outline.toSubpathPolygons():
        if abs(_area(polygon)) >= smallest_part:
            kept.addPolygon(polygon)
            kept.closeSubpath()
        else:
            holes.append(polygon.boundingRect())
    return (kept.simplified(), holes) if not kept.isEmpty() else (outline, [])


def _area(polygon: QPolygonF) -> float:
    points = [polygon.at(i) for i in range(polygon.size())]
    return sum(a.x() * b.y() - b.x() * a.y() for a, b in zip(points, points[1:] + points[:1])) / 2


def _bridge(a: QRectF, b: QRectF, into: float = 0.0) -> QRectF:
    """The band joining two boxes across the gap between them (extended `into` each box):
    their overlap in one axis, spanning the gap in the other; their bounding box when they
    are diagonal."""
    top, bottom = max(a.top(), b.top()), min(a.bottom(), b.bottom())
    left, right = max(a.left(), b.left()), min(a.right(), b.right())
    if bottom > top:  # side by side
        return QRectF(QPointF(right - into, top), QPointF(left + into, bottom)).normalized()
    if right > left:  # one above the other
        return QRectF(QPointF(left, bottom - into), QPointF(right, top + into)).normalized()
    return a.united(b)


def hatch(parts: list[QRectF], pattern: str, spacing: float = 9.0,
          dot: float = 1.7) -> tuple[QPainterPath, QPainterPath]:
    """The hatch of a lot pattern over rectangles: (line segments to stroke, dots to fill).

    Lines lie on one grid for the whole diagram, cut to each rectangle by arithmetic, so
    overlapping rectangles repeat a segment exactly and no clipping or path boolean (slow,
    and ignored by the SVG generator) is needed."""
    lines, dots = QPainterPath(), QPainterPath()
    diagonal = spacing * math.sqrt(2)  # `spacing` apart measured across the lines

    def rising(r: QRectF, step: float) -> None:  # "/": x + y = c
        for k in range(math.ceil((r.left() + r.top()) / step),
                       math.floor((r.right() + r.bottom()) / step) + 1):
            c = k * step
            x0, x1 = max(r.left(), c - r.bottom()), min(r.right(), c - r.top())
            lines.moveTo(x0, c - x0)
            lines.lineTo(x1, c - x1)

    def falling(r: QRectF, step: float) -> None:  # "": x - y = c
        for k in range(math.ceil((r.left() - r.bottom()) / step),
                       math.floor((r.right() - r.top()) / step) + 1):
            c = k * step
            x0, x1 = max(r.left(), c + r.top()), min(r.right(), c + r.bottom())
            lines.moveTo(x0, x0 - c)
            lines.lineTo(x1, x1 - c)

    def across(r: QRectF, step: float) -> None:
        for k in range(math.ceil(r.top() / step), math.floor(r.bottom() / step) + 1):
            lines.moveTo(r.left(), k * step)
            lines.lineTo(r.right(), k * step)

    def down(r: QRectF, step: float) -> None:
        for k in range(math.ceil(r.left() / step), math.floor(r.right() / step) + 1):
            lines.moveTo(k * step, r.top())
            lines.lineTo(k * step, r.bottom())

    seen_dots: set[tuple[int, int]] = set()
    for r in parts:
        if pattern in ("diagonal", "cross"):
            rising(r, diagonal)
        if pattern in ("back_diagonal", "cross"):
            falling(r, diagonal)
        if pattern in ("horizontal", "grid"):
            across(r, spacing)
        if pattern in ("vertical", "grid"):
            down(r, spacing)
        if pattern == "dense":
            rising(r, diagonal / 2)
            across(r, spacing / 2)
        if pattern == "dots":
            row_step = spacing * 0.8
            for j in range(math.ceil(r.top() / row_step), math.floor(r.bottom() / row_step) + 1):
                shift = spacing / 2 if j % 2 else 0.0
                for i in range(math.ceil((r.left() - shift) / spacing),
                               math.floor((r.right() - shift) / spacing) + 1):
                    if (i, j) not in seen_dots:
                        seen_dots.add((i, j))
                        dots.addEllipse(QPointF(i * spacing + shift, j * row_step), dot, dot)
    return lines, dots


def paint_lot_fill(painter: QPainter, region: Region, lot: Lot, faded: bool = False,
                   spacing: float = 9.0, line: float = 1.4) -> None:
    """Tint, hatch and outline: the same in the diagram and in the legend swatches."""
    fade = (lambda c: blend(c, "white", FADE)) if faded else (lambda c: c)
    hatch_ink = fade(blend(lot_ink(lot), "white", 0.15))
    key = (lot.pattern or "diagonal", spacing, line * 1.2)
    if key not in region._hatches:
        region._hatches[key] = hatch(region.parts, *key)
    lines, dots = region._hatches[key]
    painter.setPen(Qt.NoPen)
    painter.setBrush(fade(lot_tint(lot)))
    painter.drawPath(region.outline)
    painter.setBrush(hatch_ink)
    painter.drawPath(dots)
    painter.setBrush(Qt.NoBrush)
    painter.setPen(QPen(hatch_ink, line, Qt.SolidLine, Qt.FlatCap))
    painter.drawPath(lines)
    painter.setPen(QPen(fade(lot_ink(lot)), line * 1.6))
    painter.drawPath(region.outline)
