"""Lot regions on the canvas: each lot of the active plan as a tinted, hatched, labelled area
behind its member boxes, and a dashed red mark on procured council services in no lot.

Membership always comes from the model (the active plan); only the shapes come from where the
boxes are now, so regions follow a drag live. The shapes and fills are the printed diagram's
(designer.printing.diagram), so the screen and the paper agree and read in black and white.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from models.lot_tags import place_tags, segments, tag_texts
from models.lots import unassigned_services
from models.schema import Lot

from ..printing.box_index import BoxIndex
from ..printing.diagram import Diagram
from ..printing.lot_areas import (LOT_PAD, box_region, lot_ink, lot_region, lot_tint,
                                  paint_lot_fill)
from ..widgets.plain_text import plain_tooltip
from .flow_overlay import CapacityBar, FlowBand
from .items import Z_LOT, Z_LOT_TAG, PathwayItem
from .scene import ModelScene

UNASSIGNED = QColor("#c00000")
TAG_FONT_PX = 12
OVERVIEW_LOD = 0.1  # below this zoom (the minimap) a lot not yet shaped is drawn as its area
TAG_H = 20.0  # a lot tag's height
SETTLE_MS = 150  # a dragged box's lot is shaped exactly once the mouse rests this long


def _tag_font() -> QFont:
    font = QFont()
    font.setPixelSize(TAG_FONT_PX)
    font.setBold(True)
    return font


def _tag_rect(at: QPointF, text: str, max_width: float) -> tuple[QRectF, str]:
    """Where a tag with its left end at `at` goes, and its text (cut only past max_width)."""
    metrics = QFontMetricsF(_tag_font())
    text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(40.0, max_width))
    return QRectF(at.x(), at.y() - TAG_H / 2, metrics.horizontalAdvance(text) + 12, TAG_H), text


def _paint_tag(painter: QPainter, rect: QRectF, text: str, ink: QColor) -> None:
    """A white label with a coloured border."""
    painter.setPen(QPen(ink, 1.5))
    painter.setBrush(QColor("white"))
    painter.drawRoundedRect(rect, 5, 5)
    painter.setFont(_tag_font())
    painter.setPen(QColor("#1a1a1a"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _box(r: QRectF) -> tuple[float, float, float, float]:
    return r.x(), r.y(), r.width(), r.height()


class LotTagsItem(QGraphicsItem):
    """The 'L1 Name' tags of one lot, inside each separate piece of its region on a spot
    clear of boxes and pathway labels (models/lot_tags.py, as on paper). A separate item so
    they stack above the arrows (the region is behind). Placed when first painted or asked
    for, and again after the region changes or the labels move (place_later)."""

    def __init__(self, region: "LotRegionItem"):
        super().__init__()
        self.region = region
        # area -> (boxes, label rectangles, arrow segments) near it; set by LotRegions
        self.obstacles = None
        self._tags: list[tuple[QRectF, str]] | None = []
        self._bounds = QRectF(-2, -2, 4, 4)
        self.setZValue(Z_LOT_TAG)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks go to the canvas
        self.setToolTip(region.toolTip())

    @property
    def tags(self) -> list[tuple[QRectF, str]]:
        if self._tags is None:
            self._tags = self._placed()
        return self._tags

    def _placed(self) -> list[tuple[QRectF, str]]:
        parts = getattr(self.region.fill, "parts", None)
        if not parts:
            return []
        lot = self.region.lot
        metrics = QFontMetricsF(_tag_font())
        texts = tag_texts(lot.code, lot.name)
        sizes = [(metrics.horizontalAdvance(t) + 12, TAG_H) for t in texts]
        boxes, labels, arrows = self.obstacles(self.region.area()) if self.obstacles \
            else ([], [], [])
        placed = place_tags([_box(p) for p in parts], boxes + labels, sizes, arrows)
        if placed:
            return [(QRectF(*spot), texts[i]) for spot, i in placed]
        # No piece has room inside (a lot of one box): the code on the top piece's top edge.
        piece = self.region.pieces()[0]
        return [_tag_rect(QPointF(piece.left() + 12, piece.top()), texts[-1],
                          piece.width() - 24)]

    def place_later(self, area: QRectF) -> None:
        """Place the tags again when next painted or asked for; until then bound by `area`,
        the region's (a tag is inside it, or astride its top edge)."""
        bounds = area.adjusted(-2, -TAG_H / 2 - 2, 2, 2)
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self._tags = None
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        """The tags themselves, not the region they may be anywhere in (the bounds): a new
        box may go beside them, and their tool tip shows over them only."""
        path = QPainterPath()
        for rect, _ in self.tags:
            path.addRect(rect)
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if self._tags is None and lod < OVERVIEW_LOD:
            return  # unreadable specks in the minimap: not worth placing for
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = lot_ink(self.region.lot)
        for rect, text in self.tags:
            _paint_tag(painter, rect, text, ink)


class LotRegionItem(QGraphicsItem):
    """One lot: the padded union of its member boxes, tinted and hatched; its name tags are
    a LotTagsItem (self.tags) that the owner adds to the scene with it."""

    def __init__(self, lot: Lot):
        super().__init__()
        self.lot = lot
        self.lot_id = lot.id
        self._region = self._fill = QPainterPath()
        self._later = None  # a function working the region out, until it is first needed
        self._bounds = self._region.boundingRect().adjusted(-12, -14, 12, 12)
        self.highlighted = False
        self.setZValue(Z_LOT)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks go to the canvas
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # the hatch is costly
        self.setToolTip(plain_tooltip(f"{lot.code} {lot.name}".strip()))
        self.tags = LotTagsItem(self)

    def set_region(self, region) -> None:
        """`region` as lot_areas.lot_region returns it: what paint_lot_fill takes; its outline
        (the region itself when it is a plain path) gives the item's shape."""
        self.prepareGeometryChange()
        self._later = None
        self._set(region)
        self._bounds = self._region.boundingRect().adjusted(-12, -14, 12, 12)
        self.tags.place_later(self.area())
        self.update()

    def set_region_later(self, make, area: QRectF) -> None:
        """Work the region out with `make()` when it is first painted or asked for: a national
        model has hundreds of lots, most of them off screen. `area` holds the whole region
        (the members' padded boxes), so it bounds the item until then."""
        self.prepareGeometryChange()
        self._later = make
        self._bounds = area.adjusted(-12, -14, 12, 12)
        self.tags.place_later(area)
        self.update()

    def _set(self, region) -> None:
        self._fill = region
        self._region = getattr(region, "outline", region)

    @property
    def region(self) -> QPainterPath:
        if self._later is not None:
            make, self._later = self._later, None
            self._set(make())  # the bounds stay those given, which hold the region
        return self._region

    @property
    def fill(self):
        self.region  # noqa: B018 (works it out if it is still to come)
        return self._fill

    def area(self) -> QRectF:
        """Where the region may be, without working it out."""
        return self._bounds.adjusted(12, 14, -12, -12)

    def set_highlighted(self, on: bool) -> None:
        if on != self.highlighted:
            self.highlighted = on
            self.update()

    def label(self) -> str:
        return f"{self.lot.code} {self.lot.name}".strip()

    def pieces(self) -> list[QRectF]:
        """Bounding boxes of the region's separate pieces (holes left out), top first."""
        rects = [poly.boundingRect() for poly in self.region.toFillPolygons()]
        outer = [r for r in rects if not any(o != r and o.contains(r) for o in rects)]
        return sorted(outer, key=lambda r: (r.top(), r.left()))

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return self.region

    def paint(self, painter: QPainter, option, widget=None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if self._later is not None and lod < OVERVIEW_LOD:
            # In the minimap a box is a pixel: the lot's tinted area will do, and the region
            # is worked out only when the canvas itself shows the lot.
            painter.fillRect(self.area(), lot_tint(self.lot))
            return
        if self.region.isEmpty():
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_lot_fill(painter, self.fill, self.lot)
        ink = lot_ink(self.lot)
        if self.highlighted:  # a heavy outline in the lot's own ink, so it stays that lot's
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(ink, 5))
            painter.drawPath(self.region)


class DragShadow(QGraphicsItem):
    """While a box is dragged, its part of its lot (tint, hatch, outline) moves with it as
    one plain padded box, and the lot's region leaves the box out: shaping the whole lot and
    hatching it again on every move of the mouse cost more than the rest of the move."""

    def __init__(self, lot: Lot, box: QRectF):
        super().__init__()
        self.lot = lot
        self._region = box_region(box)  # in the box's own coordinates: hatched once
        self._bounds = self._region.outline.boundingRect().adjusted(-3, -3, 3, 3)
        self.setZValue(Z_LOT)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # moves, never changes

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_lot_fill(painter, self._region, self.lot)


class UnassignedMark(QGraphicsItem):
    """A dashed red halo and a 'No lot' tag behind a procured council service in no lot."""

    def __init__(self, component_id: str):
        super().__init__()
        self.component_id = component_id
        self.box = QRectF()
        self.setZValue(Z_LOT)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setToolTip(plain_tooltip("Procured by the council but in no lot of this plan."))

    def set_box(self, box: QRectF) -> None:
        self.prepareGeometryChange()
        self.box = box.adjusted(-7, -7, 7, 7)
        self.update()

    def boundingRect(self) -> QRectF:
        return self.box.adjusted(-3, -3, 3, 14)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(UNASSIGNED, 2.5, Qt.PenStyle.DashLine))
        painter.setBrush(QColor(255, 235, 235))
        painter.drawRoundedRect(self.box, 12, 12)
        rect, text = _tag_rect(QPointF(self.box.left() + 12, self.box.bottom()), "No lot",
                               self.box.width())
        _paint_tag(painter, rect, text, UNASSIGNED)


class LotRegions(QObject):
    """Keeps one LotRegionItem per lot of the active plan (and the unassigned marks) in a
    ModelScene, in step with the Document and with boxes being dragged.

    Work is incremental so that dragging one box in a 2,000-component model stays smooth: only
    lots whose members moved, or whose area a moved box entered or left, are reshaped, and a
    lot edit rebuilds only the lots it changed."""

    def __init__(self, scene: ModelScene, parent: QObject | None = None):
        super().__init__(parent or scene)
        self.scene = scene
        self.doc = scene.doc
        self.regions: dict[str, LotRegionItem] = {}
        self.marks: dict[str, UnassignedMark] = {}
        self.highlighted_lot: str | None = None
        self._boxes: dict[str, QRectF] = {}
        self._index = BoxIndex({})  # the same boxes by grid cell, for "boxes near a lot"
        self._rebuild_timer = QTimer(self, singleShot=True, interval=0)
        self._rebuild_timer.timeout.connect(self.rebuild)
        # A mouse drag under way: the boxes it moves, each with its shadows (DragShadow), and
        # the lots drawn without them until the drag rests or ends (see settle).
        self._shadows: dict[str, list[DragShadow]] = {}
        self._drag_moved: set[str] = set()
        self._settle_timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle_timer.timeout.connect(self.settle)
        for signal in (self.doc.lotsChanged, self.doc.modelReset, self.doc.componentAdded,
                       self.doc.componentRemoved, self.doc.componentChanged):
            signal.connect(self.schedule_rebuild)
        # Boxes move before the model does (during a drag): follow them from the scene.
        scene.changed.connect(self._scene_changed)
        routes = getattr(scene, "routes", None)
        if routes is not None:  # labels moved: the tags find their spots again
            routes.routed.connect(self._labels_moved)
        self.rebuild()

    def schedule_rebuild(self, *_) -> None:
        self._rebuild_timer.start()

    def _current_boxes(self) -> dict[str, QRectF]:
        return {cid: item.mapRectToScene(item.box()) for cid, item in self.scene.components.items()}

    def _drop(self, item: QGraphicsItem) -> None:
        self.scene.removeItem(item)
        if isinstance(item, LotRegionItem):
            self._drop(item.tags)

    def _reshape(self, item: LotRegionItem, later: bool = False) -> None:
        """The lot's region from its members and only the boxes near them (which may block a
        bridge between members); `later`: when the region is first painted or asked for.
        Boxes being dragged are left out (their DragShadow stands in for them)."""
        members = {m: self._boxes[m] for m in item.lot.components
                   if m in self._boxes and m not in self._shadows}
        if not members:
            item.set_region(QPainterPath())
            return
        area = QRectF()
        for box in members.values():
            area = area.united(box)
        area = area.adjusted(-LOT_PAD, -LOT_PAD, LOT_PAD, LOT_PAD)

        def region():
            near = self._index.near(area)
            return lot_region(Diagram(self.doc.model, {**near, **members}, QRectF()), item.lot)
        if later:
            item.set_region_later(region, area)
        else:
            item.set_region(region())

    def rebuild(self) -> None:
        """Match the items to the active plan's lots and unassigned services, keeping the
        items of lots that did not change."""
        self._rebuild_timer.stop()
        self.settle()
        plan = self.doc.model.plan()
        lots_now = {lot.id: lot for lot in (plan.lots if plan else [])}
        for lot_id in list(self.regions):
            if lots_now.get(lot_id) != self.regions[lot_id].lot:
                self._drop(self.regions.pop(lot_id))
        if self.regions:
            # The lots kept follow boxes the model moved meanwhile (an undo, a layout, a
            # nudge): the scene's change signal was passed over while this was pending.
            self.refresh()
        else:
            self.scene.moved.clear()
            self._boxes = self._current_boxes()
            self._index = BoxIndex(self._boxes)
        for lot_id, lot in lots_now.items():
            if lot_id not in self.regions:
                item = LotRegionItem(lot.model_copy(deep=True))
                item.tags.obstacles = self._obstacles
                self.regions[lot_id] = item
                self.scene.addItem(item)
                self.scene.addItem(item.tags)
                self._reshape(item, later=True)

        loose = set()
        if lots_now:  # the unassigned-component rule's services
            loose = {cid for cid in unassigned_services(self.doc.model, plan)
                     if cid in self._boxes}
        for cid in set(self.marks) - loose:
            self._drop(self.marks.pop(cid))
        for cid in loose:
            if cid not in self.marks:
                self.marks[cid] = UnassignedMark(cid)
                self.scene.addItem(self.marks[cid])
            self.marks[cid].set_box(self._boxes[cid])
        self.highlight(self.highlighted_lot)

    def refresh(self, moved_ids: set[str] | None = None) -> set[str]:
        """Reshape the regions that boxes moved since the last look affect: those in
        `moved_ids`, or any box at all (added and removed ones too) when it is None. Returns
        the ids of the lots reshaped."""
        if moved_ids is None:
            self.scene.moved.clear()
            boxes = self._current_boxes()
            if boxes == self._boxes:
                return set()
            candidates = boxes.keys() | self._boxes.keys()
        else:  # a drag: look at the boxes being dragged, not at all 10,000
            boxes = dict(self._boxes)
            for cid in moved_ids:
                item = self.scene.components.get(cid)
                if item is not None:
                    boxes[cid] = item.mapRectToScene(item.box())
            candidates = moved_ids
        changed = [cid for cid in candidates if boxes.get(cid) != self._boxes.get(cid)]
        if not changed:
            return set()
        moved = [r for cid in changed for r in (boxes.get(cid), self._boxes.get(cid)) if r]
        self._boxes = boxes
        for cid in changed:
            if cid in boxes:
                self._index.place(cid, boxes[cid])
            else:
                self._index.remove(cid)
        changed_set = set(changed)
        reshaped = set()
        for lot_id, item in self.regions.items():
            bounds = item.area()  # (a region still to be worked out stays so if untouched)
            if changed_set.intersection(item.lot.components) or \
                    any(bounds.intersects(r) for r in moved):
                self._reshape(item)
                reshaped.add(lot_id)
        for cid in changed_set.intersection(self.marks):
            if cid in boxes:
                self.marks[cid].set_box(boxes[cid])
        return reshaped

    def _obstacles(self, area: QRectF) -> tuple[list, list, list]:
        """What a lot tag in `area` must keep clear of (boxes, pathway labels) and had better
        (arrows the router drew), as models/lot_tags.py takes them."""
        boxes = [_box(r) for r in self._index.near(area).values()]
        labels, arrows = [], []
        for item in self.scene.items(area, Qt.ItemSelectionMode.IntersectsItemBoundingRect):
            if isinstance(item, CapacityBar):  # the Flow view's bar under a box
                labels.append(_box(item.mapRectToScene(item.rect)))
            elif isinstance(item, FlowBand):  # and its number on an arrow
                labels.append(_box(item.mapRectToScene(item.number_rect())))
            elif isinstance(item, PathwayItem):
                if item.label:
                    labels.append(_box(item.mapRectToScene(item.label_rect())))
                points = item.routed_points()
                if points:
                    arrows += segments(points)
        return boxes, labels, arrows

    def _labels_moved(self) -> None:
        for item in self.regions.values():
            item.tags.place_later(item.area())

    def _scene_changed(self, _rects) -> None:
        if self._rebuild_timer.isActive() or not self.scene.moved:
            return
        moved, self.scene.moved = self.scene.moved, set()
        if moved <= set(self.scene.dragged_ids()):
            self._follow(moved)
        else:
            self.settle()
            self.refresh(moved)

    def _follow(self, moved: set[str]) -> None:
        """A drag step: the dragged boxes' shadows follow them; no region is reshaped (the
        boxes' own lots once, without them, on the drag's first step) and other lots are
        left alone until the drag rests or ends (settle)."""
        moved = {cid for cid in moved if cid in self.scene.components}
        self._drag_moved |= moved
        starting = [cid for cid in moved if cid not in self._shadows]
        left_out = set()
        for cid in starting:
            box = self.scene.components[cid].box()
            self._shadows[cid] = []
            for lot_id, item in self.regions.items():
                if cid in item.lot.components:
                    shadow = DragShadow(item.lot, box)
                    self.scene.addItem(shadow)
                    self._shadows[cid].append(shadow)
                    left_out.add(lot_id)
        for lot_id in left_out:
            self._reshape(self.regions[lot_id])
        for cid in moved:
            item = self.scene.components[cid]
            for shadow in self._shadows[cid]:
                shadow.setPos(item.pos())
            if cid in self.marks:  # a service in no lot: its halo goes along
                self.marks[cid].set_box(item.mapRectToScene(item.box()))
        self._settle_timer.start()

    def settle(self) -> None:
        """The drag rested or ended: the shadows go, and the lots are shaped exactly from
        where the boxes are now (the dragged boxes' lots, and any a box entered or left)."""
        self._settle_timer.stop()
        if not self._shadows and not self._drag_moved:
            return
        left_out = {lot_id for lot_id, item in self.regions.items()
                    if self._shadows.keys() & set(item.lot.components)}
        for shadows in self._shadows.values():
            for shadow in shadows:
                self.scene.removeItem(shadow)
        self._shadows.clear()
        moved, self._drag_moved = self._drag_moved, set()
        reshaped = self.refresh(moved)
        for lot_id in left_out - reshaped:  # the box came back where it was
            if lot_id in self.regions:
                self._reshape(self.regions[lot_id])

    def highlight(self, lot_id: str | None) -> None:
        self.highlighted_lot = lot_id
        for item_id, item in self.regions.items():
            item.set_highlighted(item_id == lot_id)
