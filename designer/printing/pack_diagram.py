"""The model's diagram as blocks of a lot pack page: the whole of it, or a lot's page's crop
of it (the lot and its neighbours, names about 8 pt), each with the key of the names the
diagram cut short under it and, for a crop, a caption saying what it shows.

One object per pack, since the shortened names take a while to work out and every page asks.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from models.schema import Lot, LotPlan

from .diagram import NAME_SIZES, Diagram, name_fits, neighbourhood, paint_diagram, shown_area
from .layout import GAP, MUTED, PT, Block, Graphic, Paragraph, flow

KEY_SHARE = 0.3  # a key of shortened names longer than this share of a page runs on instead
LOT_NAME_PT = 8.0  # names on a lot page's diagram print this large where the page allows
LOT_NAME_MIN_PT = 7.5  # ... or down to this, when that keeps the lot on one page
LOT_NAME_MAX_PT = 10.0  # ... and up to this, when the tables leave room for it
WHOLE_MODEL = 0.9  # a lot's neighbourhood this much of the model both ways: show it all
LOT_CAPTION = ("The diagram shows this lot and the components one pathway to or from it "
               "(in grey when outside the lot); the overview shows the whole model. A pathway "
               "cut at the edge leads to a component not shown here.")


class DiagramBlocks:
    """Diagram blocks for pages whose content area is `content`."""

    def __init__(self, diagram: Diagram, plan: LotPlan, content: QRectF):
        self.diagram = diagram
        self.plan = plan
        self.content = content
        self._short: list[tuple[int, str]] | None = None  # shortened()
        self._whole_key_h: float | None = None  # key_height() of the whole model's key

    def shortened(self) -> list[tuple[int, str]]:
        """(key number, component id) of every name the diagram cuts short; worked out once,
        since every lot page asks (and the whole model's names take a while)."""
        if self._short is None:
            fits = name_fits(self.diagram, self.plan)
            self._short = list(enumerate(
                (cid for cid, fit in fits.items() if not fit.complete), 1))
        return self._short

    def names_key(self, only: set[str] | None = None) -> Paragraph | None:
        """The full names the diagram had to cut short, printed under it on the same page
        (with `only`, those of these components: the ones a lot page's crop shows)."""
        short = [(n, cid) for n, cid in self.shortened() if only is None or cid in only]
        if not short:
            return None
        return Paragraph("Names shortened on the diagram: " + "; ".join(
            f"[{n}] {self.diagram.names[cid]}" for n, cid in short) + ".", 8)

    def key_height(self, only: set[str] | None = None) -> float:
        """The room the key of shortened names takes under each diagram; 0 when there is no
        key, or when it is too long to share a page and runs on after the diagram instead."""
        if only is None and self._whole_key_h is not None:
            return self._whole_key_h  # asked for again and again while laying out lot pages
        key = self.names_key(only)
        height = 0.0 if key is None else key.height(self.content.width()) + GAP
        height = height if height <= KEY_SHARE * self.content.height() else 0.0
        if only is None:
            self._whole_key_h = height
        return height

    def caption_height(self) -> float:
        return Paragraph(LOT_CAPTION, 8, italic=True).height(self.content.width()) + GAP / 2

    def blocks(self, height: float, focus: str | None = None, source: QRectF | None = None,
               only: set[str] | None = None) -> list[Block]:
        """The diagram `height` high, with the key of shortened names under it: the whole
        of it, or (with `source`) the crop of a lot's page, which draws only the components
        `only` (those wholly inside) and says under it what it shows."""
        key = self.names_key(only)
        key_h = self.key_height(only)
        caption = Paragraph(LOT_CAPTION, 8, italic=True, colour=MUTED) if source else None
        caption_h = self.caption_height() if source else 0.0

        def paint(painter: QPainter, rect: QRectF) -> None:
            area = QRectF(rect.left(), rect.top(), rect.width(), height)
            paint_diagram(painter, self.diagram, self.plan, area, source, focus,
                          whole_boxes=source is not None)
            y = area.bottom()
            if caption is not None:
                caption.paint(painter, QRectF(rect.left(), y + GAP / 2, rect.width(),
                                              caption_h - GAP / 2))
                y += caption_h
            if key is not None and key_h:
                key.paint(painter, QRectF(rect.left(), y + GAP, rect.width(), key_h - GAP))
        graphic = Graphic(height + caption_h + key_h, paint, scene=source)
        return [graphic] if key is None or key_h else [graphic, key]

    def for_lot(self, lot: Lot, tables: list[Block]) -> list[Block]:
        """A lot page's diagram, over the tables `tables`: the lot's neighbourhood (its
        members and the components one pathway away), with names of about 8 pt where the
        page allows, on no more pages than the lot took when its diagram was the whole model
        at a third to half of the page. The neighbours too far away for that are left out
        (their pathways run off the edge; the table of pathways to and from other lots names
        those in another lot, and the overview shows them all). Only when the lot's own
        components cannot print at 7.5 pt there does the lot take more pages."""
        width = self.content.width()
        extent = self.diagram.extent
        # Room for the key of every shortened name: no less than the crop's own key needs.
        room = self.content.height() - self.key_height()
        caption_h = self.caption_height()
        tables_h = sum(b.height(width) + GAP for b in tables)

        def pages(diagram_h: float) -> int:  # the lot's pages, the diagram (and its caption)
            key_h = self.key_height()  # this high and its key (of every shortened name) under it
            return len(flow("", [Graphic(diagram_h + key_h, lambda painter, rect: None),
                                 *tables], self.content))
        left = room - tables_h
        share = min(left, room / 2) if left >= room / 3 else room * 0.6  # a first guess
        most = pages(min(share, width * extent.height() / extent.width()))
        low, high = 0.0, room
        if pages(high) <= most:
            low = high
        for _ in range(16):  # the tallest diagram (with its caption) on that many pages
            middle = (low + high) / 2
            low, high = (middle, high) if pages(middle) <= most else (low, middle)
        fits = name_fits(self.diagram, self.plan)
        near, _ = neighbourhood(self.diagram, lot)
        smallest = min((fits[cid].style.size for cid in near), default=NAME_SIZES[0])

        def legible_within(diagram_h: float) -> Callable[[QRectF], bool]:
            def legible(area: QRectF) -> bool:
                scale = min(width / area.width(), diagram_h / area.height())
                return scale * smallest / PT >= LOT_NAME_MIN_PT - 0.01
            return legible
        budget = low - caption_h
        near, source = neighbourhood(self.diagram, lot, legible_within(budget))
        if source is not None and not legible_within(budget)(source):
            # Too big even alone: a page of its own, and the tables run on.
            budget = room - caption_h
            near, source = neighbourhood(self.diagram, lot, legible_within(budget))
        cropped = source is not None and not (
            source.width() >= WHOLE_MODEL * extent.width() and
            source.height() >= WHOLE_MODEL * extent.height())
        source = source.intersected(extent) if cropped else extent
        if not cropped:
            budget += caption_h
        height = room - (caption_h if cropped else 0.0)

        def height_for(points: float) -> float:  # the diagram's height for names this large
            return source.height() * points * PT / smallest
        full = min(budget, width * source.height() / source.width())  # as wide as the page
        wanted = min(full, height_for(LOT_NAME_PT))
        diagram_h = min(full, max(wanted, min(height / 2, height_for(LOT_NAME_MAX_PT))))
        if not cropped:
            return self.blocks(diagram_h, focus=lot.id)
        # Fill the frame: grow the crop to its shape, kept inside the model where it can be.
        area = shown_area(QRectF(0, 0, width, diagram_h), source)
        dx = dy = 0.0
        if area.width() < extent.width():
            dx = max(extent.left() - area.left(), 0.0) + min(extent.right() - area.right(), 0.0)
        if area.height() < extent.height():
            dy = max(extent.top() - area.top(), 0.0) + min(extent.bottom() - area.bottom(), 0.0)
        area.translate(dx, dy)
        shows = {cid for cid, box in self.diagram.index().near(area).items()
                 if area.contains(box)}
        return self.blocks(diagram_h, focus=lot.id, source=area, only=shows)

    def name_points(self, diagram_h: float) -> float:
        """The smallest name size, in points, with the overview diagram `diagram_h` high."""
        extent = self.diagram.extent
        scale = min(self.content.width() / extent.width(), diagram_h / extent.height())
        sizes = [fit.style.size for fit in name_fits(self.diagram, self.plan).values()]
        return scale * min(sizes, default=NAME_SIZES[0]) / PT
