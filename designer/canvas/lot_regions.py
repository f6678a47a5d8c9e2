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

from models.lots import unassigned_services
from models.schema import Lot

from ..printing.box_index import BoxIndex
from ..printing.diagram import LOT_PAD, Diagram, lot_ink, lot_region, lot_tint, paint_lot_fill
from ..widgets.plain_text import plain_tooltip
from .items import Z_LOT, Z_LOT_TAG
from .scene import ModelScene

UNASSIGNED = QColor("#c00000")
TAG_FONT_PX = 12
OVERVIEW_LOD = 0.1  # below this zoom (the minimap) a lot not yet shaped is drawn as its area
TAG_ROOM = 320.0  # a tag may run past a narrow piece's edge up to this width before it is cut


def _tag_font() -> QFont:
    font = QFont()
    font.setPixelSize(TAG_FONT_PX)
    font.setBold(True)
    return font


def _tag_rect(at: QPointF, text: str, max_width: float) -> tuple[QRectF, str]:
    """Where a tag with its left end at `at` goes, and its text (cut only past max_width)."""
    metrics = QFontMetricsF(_tag_font())
    text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(40.0, max_width))
    return QRectF(at.x(), at.y() - 10, metrics.horizontalAdvance(text) + 12, 20), text


def _paint_tag(painter: QPainter, at: QPointF, text: str, ink: QColor, max_width: float) -> None:
    """A white label with a coloured border, its left end at `at`, centred on the line y."""
    font = _tag_font()
    rect, text = _tag_rect(at, text, max_width)
    painter.setPen(QPen(ink, 1.5))
    painter.setBrush(QColor("white"))
    painter.drawRoundedRect(rect, 5, 5)
    painter.setFont(font)
    painter.setPen(QColor("#1a1a1a"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class LotTagsItem(QGraphicsItem):
    """The 'L1 Name' tags of one lot, on the top edge of each separate piece of its region.
    A separate item so they stack above the arrows and their labels (the region is behind)."""

    def __init__(self, region: "LotRegionItem"):
        super().__init__()
        self.region = region
        self._tags: list[tuple[QRectF, str]] = []
        self._later = False  # placed when first painted or asked for (see place_later)
        self._bounds = QRectF(-2, -2, 4, 4)
        self.setZValue(Z_LOT_TAG)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks go to the canvas
        self.setToolTip(region.toolTip())

    @property
    def tags(self) -> list[tuple[QRectF, str]]:
        if self._later:
            self._later = False
            self._tags = self._placed()
        return self._tags

    def _placed(self) -> list[tuple[QRectF, str]]:
        tags = []
        for piece in self.region.pieces():
            # The full name whenever the piece leaves room for it, even a narrow one.
            room = max(piece.width() - 24, TAG_ROOM)
            tags.append(_tag_rect(QPointF(piece.left() + 12, piece.top()),
                                  self.region.label(), room))
        return tags

    def place(self) -> None:
        self.prepareGeometryChange()
        self._later = False
        self._tags = self._placed()
        rect = QRectF()
        for tag, _ in self._tags:
            rect = rect.united(tag)
        self._bounds = rect.adjusted(-2, -2, 2, 2)
        self.update()

    def place_later(self, area: QRectF) -> None:
        """Tags go on the top edges of pieces inside `area`; until then bound by all the
        places they could be (a tag may run TAG_ROOM past a piece's left end)."""
        self.prepareGeometryChange()
        self._later = True
        self._bounds = area.adjusted(-2, -12, TAG_ROOM + 26, 12)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, option, widget=None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        if self._later and lod < OVERVIEW_LOD:
            return  # unreadable specks in the minimap: not worth shaping the lot for
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = lot_ink(self.region.lot)
        for rect, text in self.tags:
            _paint_tag(painter, rect.topLeft() + QPointF(0, 10), text, ink, rect.width())


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
        """`region` as diagram.lot_region returns it: what paint_lot_fill takes; its outline
        (the region itself when it is a plain path) gives the item's shape."""
        self.prepareGeometryChange()
        self._later = None
        self._set(region)
        self._bounds = self._region.boundingRect().adjusted(-12, -14, 12, 12)
        self.tags.place()
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
        _paint_tag(painter, QPointF(self.box.left() + 12, self.box.bottom()), "No lot",
                   UNASSIGNED, self.box.width())


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
        for signal in (self.doc.lotsChanged, self.doc.modelReset, self.doc.componentAdded,
                       self.doc.componentRemoved, self.doc.componentChanged):
            signal.connect(self.schedule_rebuild)
        # Boxes move before the model does (during a drag): follow them from the scene.
        scene.changed.connect(self._scene_changed)
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
        bridge between members); `later`: when the region is first painted or asked for."""
        members = {m: self._boxes[m] for m in item.lot.components if m in self._boxes}
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

    def refresh(self, moved_ids: set[str] | None = None) -> None:
        """Reshape the regions that boxes moved since the last look affect: those in
        `moved_ids`, or any box at all (added and removed ones too) when it is None."""
        if moved_ids is None:
            self.scene.moved.clear()
            boxes = self._current_boxes()
            if boxes == self._boxes:
                return
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
            return
        moved = [r for cid in changed for r in (boxes.get(cid), self._boxes.get(cid)) if r]
        self._boxes = boxes
        for cid in changed:
            if cid in boxes:
                self._index.place(cid, boxes[cid])
            else:
                self._index.remove(cid)
        changed_set = set(changed)
        for item in self.regions.values():
            bounds = item.area()  # (a region still to be worked out stays so if untouched)
            if changed_set.intersection(item.lot.components) or \
                    any(bounds.intersects(r) for r in moved):
                self._reshape(item)
        for cid in changed_set.intersection(self.marks):
            if cid in boxes:
                self.marks[cid].set_box(boxes[cid])

    def _scene_changed(self, _rects) -> None:
        if not self._rebuild_timer.isActive() and self.scene.moved:
            moved, self.scene.moved = self.scene.moved, set()
            self.refresh(moved)

    def highlight(self, lot_id: str | None) -> None:
        self.highlighted_lot = lot_id
        for item_id, item in self.regions.items():
            item.set_highlighted(item_id == lot_id)
