"""The flow diagram of the pack's "Demand and capacity" page: the plan's model drawn as on the
overview (diagram.py's layout, routes, lots and boxes), with what the window's Flow view adds
(designer/canvas/flow_overlay.py), set for paper:

- behind each pathway, a band as wide as the people a year who take it (the width rule is
  models.flow_table.band_width, shared with the window), and the number on the pathway, placed
  by the label placer the pathway labels use (models/labels.py), clear of boxes and labels;
- in each service's box, in place of its kind line, a bar of its arrivals against its
  capacity: the part used shaded grey, and a service over capacity hatched across the whole
  bar with "OVER" in its text, so a greyscale copy says it without colour.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from models.flow import FlowResult
from models.flow_table import band_width, capacity_text, people
from models.flow_numbers import place_numbers
from models.schema import LotPlan

from .diagram import (INK, Diagram, Layers, _inner, badge_rect, badge_text, lot_tags,
                      name_fits, name_style, paint_diagram, pathway_labels, pathway_routes)
from .layout import PT, Block, Graphic, KeyRow
from .lot_areas import hatch
from .text import Style

BAND = QColor(0, 114, 178, 110)  # translucent: where bands run together the grey deepens
THINNEST, THICKEST = 1.5, 14.0  # scene units: a quiet pathway, the busiest
BAR_H = 18.0  # scene units, a little higher than a lot badge
BAR_TEXT = 13.0  # scene units: the kind line's size (12) and a little more
FOOT = BAR_H + 1.0  # the room the bar takes from a box's name (its inner area ends 5 above)
USED = QColor("#c4c4c4")
NUMBER_LINE = QColor("#5a8fb8")  # a number's border: the band's colour, darker
NUMBER_SIZE = 17.0  # scene units: as large as the names (17 at most): they are what is read
MARGIN = 8.0  # around the numbers and bars that fall outside the overview's extent


class FlowDrawing:
    """The bands, numbers and bars of one plan's flow figures on its diagram, worked out once
    and painted as paint_diagram's layers."""

    def __init__(self, diagram: Diagram, plan: LotPlan | None, result: FlowResult):
        self.diagram, self.plan, self.result = diagram, plan, result
        routes = pathway_routes(diagram)
        busiest = max((n for n in result.pathways.values() if n), default=0.0)
        self.widths = {pid: band_width(result.pathways.get(pid), busiest, THINNEST, THICKEST)
                       for pid in routes}
        self.foot: dict[str, float] = {}  # boxes whose name moves up to leave the bar room
        self.bars = self._bars()
        self.numbers = self._numbers()
        self.source = diagram.extent  # with the numbers and bars that fall outside it
        for rect in [r for r, _ in self.numbers.values()] + [b[0] for b in self.bars.values()]:
            self.source = self.source.united(rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))

    def _numbers(self) -> dict[str, tuple[QRectF, str]]:
        """Where each pathway's number goes (models.flow_numbers, the window's rule too): on or
        beside its own arrow, clear of the boxes, the bars, the pathway labels, the lot name
        tags and the other numbers where a spot allows; a number that had to go aside gets a
        dotted leader to its arrow (`self.leaders`)."""
        style = name_style(NUMBER_SIZE)

        def box(rect: QRectF) -> tuple[float, float, float, float]:
            return rect.x(), rect.y(), rect.width(), rect.height()
        boxes = {cid: box(r) for cid, r in self.diagram.boxes.items()}
        keep_clear = [box(rect) for rect, _ in pathway_labels(self.diagram).values()]
        keep_clear += [box(rect) for rect, *_ in self.bars.values()]  # some sit under a box
        for lot in self.plan.lots if self.plan else []:  # a number on a tag hid its name
            keep_clear += [box(rect) for rect, _ in lot_tags(self.diagram, lot)]
        routes = {pid: [(e.x, e.y) for e in (path.elementAt(i)
                                             for i in range(path.elementCount()))]
                  for pid, path in pathway_routes(self.diagram).items()}
        texts = {p.id: people(self.result.pathways.get(p.id)) for p in self.diagram.model.pathways
                 if p.id in routes}
        sizes = {pid: [(style.width(text) + 8, style.line_height + 2)]
                 for pid, text in texts.items()}
        placed = place_numbers(boxes, keep_clear, routes, sizes)
        self.leaders = {pid: QPointF(*anchor) for pid, (_, _, anchor) in placed.items()
                        if anchor is not None}
        return {pid: (QRectF(*rect), texts[pid]) for pid, (rect, _, _) in placed.items()}

    def _bars(self) -> dict[str, tuple[QRectF, str, float | None, bool]]:
        """Each service's bar (rect, text, share used, over capacity), in the bottom line of
        its box where the kind line goes, left of its lot badge; under the box for a name
        that needs all three lines."""
        facts = self.diagram.plan_facts(self.plan)
        home, unassigned = facts.home, facts.unassigned
        style = bar_style()
        bars = {}
        for c in self.diagram.model.components:
            flow = self.result.components.get(c.id)
            if flow is None or not c.kind_info.is_service or c.id not in self.diagram.boxes:
                continue
            box = self.diagram.boxes[c.id]
            flagged = c.id not in home and c.id in unassigned
            flag = badge_text(home.get(c.id), flagged)
            right = box.right() - 9.0
            if flag:
                right = badge_rect(c.kind_info, box, flag, flagged).left() - 4
            fit = facts.fits[c.id]
            if len(fit.lines) * fit.pitch <= _inner(c.kind_info, box).height() - FOOT + 0.5:
                self.foot[c.id] = FOOT
                rect = QRectF(box.left() + 9.0, box.bottom() - 4 - BAR_H,
                              right - box.left() - 9.0, BAR_H)
            else:
                rect = QRectF(box.left(), box.bottom() + 2, box.width(), BAR_H)
            text, _ = capacity_text(flow.arrivals, flow.capacity)
            share = None
            if flow.arrivals is not None and flow.capacity:
                share = flow.arrivals / flow.capacity
            over = flow.over_capacity
            room = rect.width() - 6
            # "1,341 / 1,200: OVER 112%" -> "OVER 112%" where it does not fit, or where it
            # would hide the hatch that says OVER in a greyscale copy
            if style.width(text) > (0.7 if flow.over_capacity else 1.0) * room:
                text = text.split(": ", 1)[-1]
            bars[c.id] = (rect, style.elide(text, room), share, over)
        return bars

    def name_points(self, height: float, width: float) -> float:
        """The smallest component name, in points, with the diagram `height` x `width`."""
        scale = min(width / self.source.width(), height / self.source.height())
        sizes = [fit.style.size for fit in name_fits(self.diagram, self.plan).values()]
        return scale * min(sizes, default=17.0) / PT

    def layers(self) -> Layers:
        return Layers(under=self._paint_bands, over=self._paint_figures, foot=self.foot)

    def _paint_bands(self, painter: QPainter) -> None:
        routes = pathway_routes(self.diagram)
        painter.setBrush(Qt.NoBrush)
        for pid, width in self.widths.items():
            if width:
                painter.setPen(QPen(BAND, width, Qt.SolidLine, Qt.FlatCap, Qt.MiterJoin))
                painter.drawPath(routes[pid])

    def _paint_figures(self, painter: QPainter) -> None:
        for rect, text, share, over in self.bars.values():
            paint_bar(painter, rect, text, share, over)
        style = name_style(NUMBER_SIZE)
        for pid, (rect, text) in self.numbers.items():
            anchor = self.leaders.get(pid)
            if anchor is not None:  # from its arrow to the nearest point of the number
                near = QPointF(min(max(anchor.x(), rect.left()), rect.right()),
                               min(max(anchor.y(), rect.top()), rect.bottom()))
                painter.setPen(QPen(INK, 1.0, Qt.DotLine))
                painter.drawLine(anchor, near)
            painter.setPen(QPen(NUMBER_LINE, 1.0))
            painter.setBrush(QColor("white"))
            painter.drawRect(rect)
            painter.setPen(INK)
            style.draw(painter, rect, text, Qt.AlignCenter)


def paint_bar(painter: QPainter, rect: QRectF, text: str, share: float | None,
              over: bool) -> None:
    """A capacity bar: the part used in grey; over capacity, hatched all across (drawn
    lines, not a brush pattern, which a PDF would print at the printer's dot size)."""
    line = rect.height() / 16.0
    painter.fillRect(rect, QColor("white"))
    if share is not None:  # a fill with no edge line: one at the share would cross the text
        painter.fillRect(QRectF(rect.left(), rect.top(), rect.width() * min(1.0, share),
                                rect.height()), USED)
    painter.setPen(QPen(INK, line))
    painter.setBrush(Qt.NoBrush)
    painter.drawRect(rect)
    if over:
        lines, _ = hatch([rect], "diagonal", spacing=rect.height() / 3.2)
        painter.setPen(QPen(INK, line * 1.1, Qt.SolidLine, Qt.FlatCap))
        painter.drawPath(lines)
        painter.setPen(QPen(INK, line * 2))
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(rect)
    if not text:
        return
    style = bar_style()
    w = style.width(text) + 4 * line
    label = QRectF(rect.center().x() - w / 2, rect.top() + 1.5 * line, w,
                   rect.height() - 3 * line)
    if over:  # white under the text only on the hatch: on grey it would hide the share used
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor("white"))
        painter.drawRect(label)
    painter.setPen(INK)
    style.draw(painter, label, text, Qt.AlignCenter)


@lru_cache(maxsize=None)
def bar_style() -> Style:
    return Style(BAR_TEXT)  # made on first use: fonts need the QGuiApplication


def flow_graphic(drawing: FlowDrawing, height: float) -> Graphic:
    """The flow diagram, `height` high and as wide as its page's content."""
    def paint(painter: QPainter, rect: QRectF) -> None:
        paint_diagram(painter, drawing.diagram, drawing.plan,
                      QRectF(rect.left(), rect.top(), rect.width(), height), drawing.source,
                      layers=drawing.layers())
    return Graphic(height, paint)


def flow_key() -> Block:
    """What the bands, numbers and bars mean, with a swatch of each."""
    def band(painter: QPainter, rect: QRectF) -> None:
        painter.setPen(QPen(BAND, rect.height() * 0.7, Qt.SolidLine, Qt.FlatCap))
        painter.drawLine(rect.left(), rect.center().y(), rect.right(), rect.center().y())
        painter.setPen(QPen(QColor("#404040"), 1.8 * PT / 4))
        painter.drawLine(rect.left(), rect.center().y(), rect.right(), rect.center().y())

    def bar(share: float, over: bool):
        return lambda painter, rect: paint_bar(painter, rect, "", share, over)
    return KeyRow([(band, "Band and number on a pathway: people a year who take it"),
                   (bar(0.6, False), "Bar in a service: people a year arriving / its capacity "
                                     "(grey: the share used)"),
                   (bar(1.0, True), "Hatched bar, OVER: more arrive than it can take")], 8)
