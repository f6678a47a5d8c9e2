"""Canvas items: a box per component and an arrow per pathway, both keyed by model id.

Items are a projection of the model: they draw what `sync()` copied from it and never change
the model themselves; the scene turns gestures into Document edits. Every name comes from a file
someone emailed, so text is drawn as plain text and tool tips are HTML-escaped.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath,
                           QPainterPathStroker, QPen, QPolygonF)
from PySide6.QtWidgets import QGraphicsItem, QStyle, QStyleOptionGraphicsItem

from models.catalogue import COHORTS, KINDS, STAGE_NAMES
from models.geometry import BOX_H, BOX_W
from models.schema import Component, Pathway
from models.wording import wrap_words

from ..icons import kind_renderer
from ..widgets.plain_text import plain_tooltip
from ..shapes import centred_outline

GRID = 20.0
# Stacking order; lot regions (drawn by the lots feature) sit behind everything, their name
# tags above the arrows and their labels but below the boxes.
Z_LOT, Z_PATHWAY, Z_LOT_TAG, Z_COMPONENT, Z_DRAGGING = -10.0, 0.0, 5.0, 10.0, 20.0
HANDLE_RADIUS = 6.0
BADGE_RADIUS = 10.0
LOD_TEXT = 0.35  # below this zoom names are unreadable anyway: skip text and icons

SELECTED = QColor("#1a5fb4")
OUTLINE = QColor("#4a4a4a")
ERROR = QColor("#c01c28")
ARROW = QColor("#5e5e5e")


def _font(pixels: int, weight=QFont.Weight.Normal) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setWeight(weight)
    # Unhinted glyphs scale linearly, so text measured at 100% still fits at any zoom.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


NAME_FONT = _font(16, QFont.Weight.DemiBold)
KIND_FONT = _font(12)
LABEL_FONT = _font(13)
LABEL_LINE = 20.0  # a one-line label's height
LABEL_SPOTS = (0.5, 0.35, 0.65, 0.25, 0.75)  # along a pathway, nearest the middle first
BADGE_FONT = _font(13, QFont.Weight.Bold)


def wrap_lines(text: str, metrics: QFontMetricsF, width: float,
               most: int) -> tuple[list[str], bool]:
    """Greedy word wrap into at most `most` lines, eliding the last: names stay inside the
    box. Also says whether the whole name fitted."""
    lines, rest = wrap_words(text, lambda line, _: metrics.horizontalAdvance(line) <= width,
                             most - 1)
    wide = next((i for i, line in enumerate(lines)
                 if metrics.horizontalAdvance(line) > width), None)
    if wide is not None:  # a word wider than the box: it and the rest are cut on the last line
        rest = " ".join([*lines[wide:], rest]).strip()
        lines = lines[:wide]
    if rest:
        last = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
        lines.append(last)
        return lines, last == rest
    return lines, True


# How a name is set in a box, tried in turn until the whole name fits: two lines over the
# kind's name; three lines; three lines a size smaller. (font, line height, lines)
NAME_SETTINGS = ((NAME_FONT, 20.0, 2), (NAME_FONT, 19.0, 3),
                 (_font(14, QFont.Weight.DemiBold), 16.5, 3))


@lru_cache(maxsize=4096)
def name_layout(name: str, width: float) -> tuple[int, tuple[str, ...]]:
    """(index into NAME_SETTINGS, lines) for a box's name; the last setting elides."""
    for index, (font, _, most) in enumerate(NAME_SETTINGS):
        lines, whole = wrap_lines(name, QFontMetricsF(font), width, most)
        if whole:
            return index, tuple(lines)
    return index, tuple(lines)


_COMPONENT_BOUNDS = QRectF(-BOX_W / 2 - 4, -BOX_H / 2 - BADGE_RADIUS - 2,
                           BOX_W + HANDLE_RADIUS + 8, BOX_H + BADGE_RADIUS + 6)
_POSITION_CHANGE = QGraphicsItem.GraphicsItemChange.ItemPositionChange
_POSITION_HAS_CHANGED = QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged


class ComponentItem(QGraphicsItem):
    """A component: a box in its kind's colour, icon and name. pos() is the component's centre."""

    def __init__(self, component: Component):
        super().__init__()
        self.component_id = component.id
        self.pathways: set[PathwayItem] = set()
        self.error_text = ""
        self.show_handle = False
        self.drop_target = False  # a connection being dragged would end here
        self._syncing = False
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setAcceptHoverEvents(True)
        self.setZValue(Z_COMPONENT)
        self.sync(component)

    # --- model -> item ---------------------------------------------------------------------
    def sync(self, component: Component) -> None:
        kind = KINDS[component.kind]
        self.kind_id = component.kind
        self.stage = kind.stage
        self.name = component.name
        self.kind_name = kind.name
        self.colour = QColor(kind.colour)
        self._outline = centred_outline(kind)
        self._syncing = True
        if component.position is not None:
            self.setPos(component.position.x, component.position.y)
        self._syncing = False
        cohorts = ", ".join(COHORTS[c] for c in component.cohorts) or "none"
        self._about = (f"{component.name}\n{kind.name} ({STAGE_NAMES[kind.stage]})\n"
                       f"Cohorts: {cohorts}")
        self._update_tooltip()
        if self.scene() is not None:  # a new box is drawn when it is added anyway
            self.update()

    def _update_tooltip(self) -> None:
        problems = f"\n\nProblems:\n{self.error_text}" if self.error_text else ""
        self.setToolTip(plain_tooltip(self._about + problems))

    def set_error(self, text: str) -> None:
        if text != self.error_text:
            self.error_text = text
            self._update_tooltip()
            self.update()

    # --- geometry --------------------------------------------------------------------------
    def box(self) -> QRectF:
        return QRectF(-BOX_W / 2, -BOX_H / 2, BOX_W, BOX_H)

    def outline(self) -> QPainterPath:
        """The box's outline, the same path the printed diagram draws for its kind."""
        return self._outline

    def boundingRect(self) -> QRectF:
        return _COMPONENT_BOUNDS  # Qt asks for this many times per box: no arithmetic

    def shape(self) -> QPainterPath:
        # Winding fill: with the default odd-even rule the half of the dot over the box would
        # be a hole, and a press there would go to the arrow underneath.
        path = QPainterPath(self._outline)
        path.setFillRule(Qt.FillRule.WindingFill)
        path.addEllipse(self.handle_centre(), HANDLE_RADIUS + 3, HANDLE_RADIUS + 3)
        return path

    def handle_centre(self) -> QPointF:
        return QPointF(BOX_W / 2, 0)

    def on_handle(self, local: QPointF) -> bool:
        """Is this point (item coordinates) on the connection handle at the right edge?"""
        d = local - self.handle_centre()
        return math.hypot(d.x(), d.y()) <= HANDLE_RADIUS + 4

    def edge_point(self, towards: QPointF) -> QPointF:
        """Where the line from the centre to `towards` (scene coordinates) leaves the box."""
        d = towards - self.pos()
        if d.x() == 0 and d.y() == 0:
            return self.pos()
        sx = (BOX_W / 2) / abs(d.x()) if d.x() else math.inf
        sy = (BOX_H / 2) / abs(d.y()) if d.y() else math.inf
        return self.pos() + d * min(sx, sy)

    # --- drawing ---------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected) or self.drop_target
        pen = QPen(SELECTED if selected else self.colour.darker(170), 3 if selected else 1.2)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(QBrush(self.colour))
        painter.drawPath(self._outline)
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod >= LOD_TEXT:
            self._paint_content(painter)
        if self.error_text:
            self._paint_badge(painter)
        if (self.show_handle or selected) and lod >= LOD_TEXT:
            pen = QPen(SELECTED, 1.5)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(QColor("white"))
            painter.drawEllipse(self.handle_centre(), HANDLE_RADIUS, HANDLE_RADIUS)

    def _paint_content(self, painter: QPainter) -> None:
        r = self.box()
        icon = QRectF(r.left() + 8, -12, 24, 24)
        kind_renderer(self.kind_id).render(painter, icon)
        left = icon.right() + 7
        width = r.right() - left - (16 if self.stage == 0 else 8)
        setting, lines = name_layout(self.name, width * 0.95)
        font, line_h, _ = NAME_SETTINGS[setting]
        show_kind = len(lines) == 1 and self.name.strip() != self.kind_name
        block = line_h * len(lines) + (15 if show_kind else 0)
        y = -block / 2
        painter.setPen(QColor("#1b1b1b"))
        painter.setFont(font)
        for line in lines:
            painter.drawText(QRectF(left, y, width, line_h), Qt.AlignmentFlag.AlignLeft
                             | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextDontClip, line)
            y += line_h
        if show_kind:
            painter.setPen(QColor("#4d4d4d"))
            painter.setFont(KIND_FONT)
            text = QFontMetricsF(KIND_FONT).elidedText(self.kind_name,
                                                      Qt.TextElideMode.ElideRight, width)
            painter.drawText(QRectF(left, y, width, 15),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_badge(self, painter: QPainter) -> None:
        centre = QPointF(BOX_W / 2 - 14, -BOX_H / 2)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(ERROR)
        painter.drawEllipse(centre, BADGE_RADIUS, BADGE_RADIUS)
        painter.setFont(BADGE_FONT)
        badge = QRectF(centre.x() - BADGE_RADIUS, centre.y() - BADGE_RADIUS,
                       2 * BADGE_RADIUS, 2 * BADGE_RADIUS)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "!")

    # --- interaction -----------------------------------------------------------------------
    def itemChange(self, change, value):
        # Every change of every box comes through here (about a dozen while a box is built):
        # only the two position changes matter, everything else goes back as it came.
        if change == _POSITION_CHANGE:
            if not self._syncing and getattr(self.scene(), "snap", True):
                return QPointF(round(value.x() / GRID) * GRID, round(value.y() / GRID) * GRID)
        elif change == _POSITION_HAS_CHANGED:
            for pathway in self.pathways:
                pathway.adjust()
            moved = getattr(self.scene(), "moved", None)  # read by the lot regions
            if moved is not None:
                moved.add(self.component_id)
        return value

    def hoverEnterEvent(self, event) -> None:
        self.show_handle = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverMoveEvent(self, event) -> None:
        self.setCursor(Qt.CursorShape.CrossCursor if self.on_handle(event.pos())
                       else Qt.CursorShape.ArrowCursor)
        super().hoverMoveEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.show_handle = False
        self.unsetCursor()
        self.update()
        super().hoverLeaveEvent(event)


class PathwayItem(QGraphicsItem):
    """An arrow from one component box to another that follows its ends as they move."""

    ARROW_SIZE = 11.0

    def __init__(self, pathway: Pathway, source: ComponentItem, target: ComponentItem):
        super().__init__()
        self.pathway_id = pathway.id
        self.source, self.target = source, target
        self.label = ""
        self._label_width = 0.0
        self.label_fraction = 0.5  # where along the curve the label sits (see place_label)
        self._path = QPainterPath()
        self._ends = QLineF()
        self._head = QPolygonF()
        self._label_rect = self._bounds = QRectF()
        # (points, label rect, source pos, target pos) from the shared router (canvas/routes.py)
        self._route = None
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(Z_PATHWAY)
        source.pathways.add(self)
        target.pathways.add(self)
        self.sync(pathway)

    def detach(self) -> None:
        self.source.pathways.discard(self)
        self.target.pathways.discard(self)

    def sync(self, pathway: Pathway) -> None:
        if pathway.label != self.label or not self._label_width:
            self.label = pathway.label
            self._label_width = min(QFontMetricsF(LABEL_FONT).horizontalAdvance(self.label) + 8,
                                    160) if self.label else 0.0
        text = f"{self.source.name} to {self.target.name}"
        if pathway.label:
            text += f"\n{pathway.label}"
        if pathway.share_percent is not None:
            text += f"\n{pathway.share_percent:g}% of people"
        self.setToolTip(plain_tooltip(text))
        self.adjust()

    def point_at(self, fraction: float) -> QPointF:
        """The point `fraction` of the way along the arrow, in scene coordinates."""
        return self.mapToScene(self._path.pointAtPercent(fraction))

    def set_route(self, points, label_rect: QRectF | None) -> None:
        """The routed polyline (models/routing.py) and label spot for the boxes where they
        are now; while a box is dragged away from there the arrow is a quick curve."""
        self._route = (points, label_rect, self.source.pos(), self.target.pos())
        self.adjust()

    def routed_points(self) -> list | None:
        """The router's polyline while the ends are where it was routed for, else None."""
        return self._route[0] if self._routed() else None

    def _routed(self) -> bool:
        return self._route is not None and self._route[2] == self.source.pos() and \
            self._route[3] == self.target.pos()

    def adjust(self) -> None:
        """Recompute the curve: forward pathways leave the right edge and enter the left edge."""
        self.prepareGeometryChange()
        s, t = self.source.pos(), self.target.pos()
        path = QPainterPath()
        if self._routed():
            points = self._route[0]
            start, end = QPointF(*points[0]), QPointF(*points[-1])
            path.moveTo(start)
            for x, y in points[1:]:
                path.lineTo(x, y)
        elif t.x() - s.x() > BOX_W:
            start, end = s + QPointF(BOX_W / 2, 0), t - QPointF(BOX_W / 2 + 1, 0)
            bend = (end.x() - start.x()) / 2
            path.moveTo(start)
            path.cubicTo(start + QPointF(bend, 0), end - QPointF(bend, 0), end)
        else:
            start, end = self.source.edge_point(t), self.target.edge_point(s)
            path.moveTo(start)
            path.lineTo(end)
        self._path = path
        self._ends = QLineF(start, end)
        if self._routed():
            last = QPointF(*self._route[0][-2])
            d = QLineF(last, end)
            direction = QPointF(d.dx(), d.dy()) / max(d.length(), 1e-9)
        elif t.x() - s.x() > BOX_W and end.x() > start.x():
            direction = QPointF(1, 0)  # the curve's last control point is level with its end
        else:
            angle = math.radians(-path.angleAtPercent(1.0))  # Qt angles are counter-clockwise
            direction = QPointF(math.cos(angle), math.sin(angle))
        normal = QPointF(-direction.y(), direction.x())
        back = end - direction * self.ARROW_SIZE
        self._head = QPolygonF([end, back + normal * (self.ARROW_SIZE * 0.45),
                                back - normal * (self.ARROW_SIZE * 0.45)])
        # Qt asks for the bounds several times per arrow: work them out once here.
        if self.label and self._routed() and self._route[1] is not None:
            self._label_rect = QRectF(self._route[1])
        elif self.label:
            self._label_rect = self.label_rect_at(self.label_fraction, path)
        else:
            self._label_rect = QRectF()
        self._bounds = (path.boundingRect() | self._head.boundingRect()
                        | self._label_rect).adjusted(-6, -6, 6, 6)
        self.update()

    def label_rect_at(self, fraction: float, path: QPainterPath | None = None) -> QRectF:
        """Where the label would be, `fraction` of the way along the curve."""
        at = (path or self._path).pointAtPercent(fraction)
        return QRectF(at.x() - self._label_width / 2, at.y() - 10, self._label_width, 20)

    def place_label(self, boxes) -> None:
        """Move the label to the first spot along the curve that no box covers (`boxes`: a
        BoxIndex of the boxes), since boxes are drawn over pathways; the middle if none is
        free. The spot is kept as the ends move, so the label follows its curve."""
        if self._routed():
            return  # the router placed it
        fraction = next((t for t in LABEL_SPOTS
                         if not boxes.any_in(self.label_rect_at(t))), 0.5)
        if fraction != self.label_fraction:
            self.label_fraction = fraction
            self.adjust()

    def label_rect(self) -> QRectF:
        return QRectF(self._label_rect)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        path = stroker.createStroke(self._path)
        path.addPolygon(self._head)
        if self.label:
            path.addRect(self.label_rect())
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = SELECTED if selected else ARROW
        pen = QPen(colour, 2.6 if selected else 1.4)
        pen.setCosmetic(True)
        painter.setPen(pen)
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LOD_TEXT:  # zoomed out: heads and labels are specks; a straight line reads
            painter.drawLine(self._ends)
            return
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setBrush(colour)
        painter.drawPolygon(self._head)
        if self.label:
            rect = self.label_rect()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 230))
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(QColor("#333333"))
            painter.setFont(LABEL_FONT)
            if rect.height() > LABEL_LINE + 4:  # the router gave it two lines (canvas/routes.py)
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter
                                 | Qt.TextFlag.TextWordWrap, self.label)
                return
            text = QFontMetricsF(LABEL_FONT).elidedText(self.label, Qt.TextElideMode.ElideRight,
                                                       rect.width() - 3)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
