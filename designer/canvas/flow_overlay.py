"""The Flow view: people a year drawn on the diagram (View > Flow view).

Each pathway gets a band behind its arrow as wide as the people a year who take it, with the
number on it, placed as on paper (models/flow_numbers.py): clear of the boxes, the pathway
labels, the bars and the other numbers, again each time the arrows are routed (while a box is
dragged, its arrows' numbers wait for the drop); each service gets a small bar under its box: arrivals against capacity. The bar
reads in greyscale: the part used is dark, and a service over capacity is cross-hatched and
says "OVER" with its percentage, so nothing depends on colour. The items are children of the
canvas items, added and removed here only, so the canvas code does not know about them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem
from shiboken6 import isValid

from models.catalogue import KINDS
from models.flow_numbers import place_numbers
from models.flow_table import band_width, capacity_text, people

from .items import BOX_H, BOX_W, ComponentItem, PathwayItem

if TYPE_CHECKING:
    from models.flow import FlowResult

BAND = QColor(0, 114, 178, 70)  # translucent blue; width, not colour, carries the number
BAND_MAX, BAND_MIN = 26.0, 2.0  # pixels (scene units) for the busiest and a quiet pathway
BAR_H = 14.0
FONT = QFont()
FONT.setPixelSize(11)
FONT.setBold(True)
NUMBER_H = 18.0


def _box(r: QRectF) -> tuple[float, float, float, float]:
    return r.x(), r.y(), r.width(), r.height()


class FlowBand(QGraphicsItem):
    """A wide translucent stroke behind a pathway arrow, with the people a year on it."""

    def __init__(self, parent: PathwayItem, count: float | None, width: float):
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.count, self.width = count, width
        self.short = people(count) if count is not None else "?"
        self.texts = [self.short + " a year", self.short]  # the words go where room is short
        self.text = self.texts[0]
        # Placed by FlowOverlay.place for the route `_for` (the arrow's routed points);
        # unplaced (arrows never routed: a very large model) it sits part way along.
        self.spot, self._for, self.anchor = QRectF(), None, None

    def sizes(self) -> list[tuple[float, float]]:
        metrics = QFontMetricsF(FONT)
        return [(metrics.horizontalAdvance(t) + 8, NUMBER_H) for t in self.texts]

    def set_spot(self, rect: QRectF | None, text: str, points,
                 anchor: QPointF | None = None) -> None:
        """`anchor`: the point on the arrow a number put aside is led to by a thin line."""
        self.prepareGeometryChange()
        self.spot, self.text, self._for = QRectF(rect or QRectF()), text, points
        self.anchor = anchor

    def boundingRect(self) -> QRectF:
        return self.parentItem().boundingRect().adjusted(-self.width - 40, -self.width - 20,
                                                         self.width + 40, self.width + 20) \
            | self.spot

    def number_rect(self) -> QRectF:
        """Where the number goes (in the arrow's coordinates): its placed spot; none while
        the arrow is not where it was placed for (a box dragged); unplaced, a little before
        the middle, so it does not cover the pathway label."""
        if self._for is not None:
            return QRectF(self.spot) if self.parentItem().routed_points() is self._for \
                else QRectF()
        at = self.parentItem()._path.pointAtPercent(0.35)
        width = QFontMetricsF(FONT).horizontalAdvance(self.text) + 8
        return QRectF(at.x() - width / 2, at.y() - NUMBER_H / 2, width, NUMBER_H)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        path = self.parentItem()._path
        if self.count:
            pen = QPen(BAND, self.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        rect = self.number_rect()
        if rect.isEmpty():
            return
        if self.anchor is not None:
            near = QPointF(min(max(self.anchor.x(), rect.left()), rect.right()),
                           min(max(self.anchor.y(), rect.top()), rect.bottom()))
            painter.setPen(QPen(QColor("#1b1b1b"), 0.8, Qt.PenStyle.DotLine))
            painter.drawLine(self.anchor, near)
        painter.setPen(QPen(QColor("#1b1b1b"), 0.8))
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(rect, 3, 3)
        painter.setFont(FONT)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.text)


class CapacityBar(QGraphicsItem):
    """Arrivals against capacity under a service box: '540 of 900 a year (60%)'."""

    def __init__(self, parent: ComponentItem, arrivals: float | None, capacity: int | None):
        super().__init__(parent)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.arrivals, self.capacity = arrivals, capacity
        self.rect = QRectF(-BOX_W / 2, BOX_H / 2 + 3, BOX_W, BAR_H)
        self.over = arrivals is not None and capacity is not None and arrivals > capacity
        # Short enough for the box's width: the tool tip says it in full.
        self.text, tip = capacity_text(arrivals, capacity)
        self.setToolTip(tip)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.fillRect(self.rect, QColor("white"))
        if self.arrivals is not None and self.capacity:
            # no edge line at the share: it would cross the text
            used = QRectF(self.rect)
            used.setWidth(self.rect.width() * min(1.0, self.arrivals / self.capacity))
            painter.fillRect(used, QColor("#b8b8b8"))
        painter.setPen(QPen(QColor("#1b1b1b"), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self.rect)
        if self.over:
            # Over capacity: hatched across the whole bar, and the word OVER in the text.
            painter.setBrush(QBrush(QColor("#1b1b1b"), Qt.BrushStyle.BDiagPattern))
            painter.drawRect(self.rect)
        painter.setFont(FONT)
        metrics = QFontMetricsF(FONT)
        text = metrics.elidedText(self.text, Qt.TextElideMode.ElideRight, self.rect.width() - 4)
        label = QRectF(self.rect.center().x() - metrics.horizontalAdvance(text) / 2 - 2,
                       self.rect.top() + 0.5, metrics.horizontalAdvance(text) + 4,
                       self.rect.height() - 1)
        if self.over:  # white under the text only on the hatch: on grey it hid the share
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 225))
            painter.drawRect(label)
        painter.setPen(QColor("#1b1b1b"))
        painter.drawText(self.rect, Qt.AlignmentFlag.AlignCenter, text)


class FlowOverlay:
    """Adds and removes the Flow view's items on a ModelScene."""

    def __init__(self, scene):
        self.scene = scene
        self.items: list[QGraphicsItem] = []
        routes = getattr(scene, "routes", None)
        if routes is not None:  # the arrows moved: so do their numbers
            routes.routed.connect(self.place)

    def clear(self) -> None:
        for item in self.items:
            # A box or pathway deleted since goes with its children.
            if isValid(item) and item.scene() is not None:
                self.scene.removeItem(item)
        if self.items:
            self.items.clear()
            self._tags_again()

    def show(self, result: FlowResult) -> None:
        self.clear()
        counts = [n for n in result.pathways.values() if n]
        busiest = max(counts, default=0.0)
        for pathway_id, item in self.scene.pathways.items():
            count = result.pathways.get(pathway_id)
            width = band_width(count, busiest, BAND_MIN, BAND_MAX)
            self.items.append(FlowBand(item, count, width))
        for component_id, item in self.scene.components.items():
            flow = result.components.get(component_id)
            if flow is None or not KINDS[item.kind_id].is_service:
                continue
            self.items.append(CapacityBar(item, flow.arrivals, flow.capacity))
        self._tags_again()

    def place(self) -> None:
        """Each number on or beside its arrow, clear of the boxes, the pathway labels, the
        bars and the other numbers (the lot tags then keep clear of the numbers)."""
        bands = [i for i in self.items if isinstance(i, FlowBand) and isValid(i)
                 and i.scene() is not None]
        if not bands:
            return
        boxes = {cid: _box(item.mapRectToScene(item.box()))
                 for cid, item in self.scene.components.items()}
        keep_clear = [_box(i.mapRectToScene(i.rect)) for i in self.items
                      if isinstance(i, CapacityBar) and isValid(i) and i.scene() is not None]
        keep_clear += [_box(p.mapRectToScene(p.label_rect()))
                       for p in self.scene.pathways.values() if p.label]
        routes, sizes = {}, {}
        for band in bands:
            points = band.parentItem().routed_points()
            if points:
                routes[band.parentItem().pathway_id] = points
                sizes[band.parentItem().pathway_id] = band.sizes()
        placed = place_numbers(boxes, keep_clear, routes, sizes)
        for band in bands:
            pid = band.parentItem().pathway_id
            if pid in placed:
                rect, option, anchor = placed[pid]
                band.set_spot(band.mapRectFromScene(QRectF(*rect)), band.texts[option],
                              routes[pid], band.mapFromScene(QPointF(*anchor)) if anchor
                              else None)
            else:
                band.set_spot(None, band.texts[0], None)

    def _tags_again(self) -> None:
        """The numbers are placed, and the lot name tags, which keep clear of the bars and
        numbers (lot_regions), find their spots again: as after the arrows are routed."""
        routes = getattr(self.scene, "routes", None)
        if routes is not None:
            routes.routed.emit()
