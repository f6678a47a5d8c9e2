"""The overview diagram at a fixed scale across several sheets (A1, A2, B1...) to tape
together: each sheet's page shows its part of the diagram, the page covers what spills past it
and draws the trim line (page_frame.py), and the key of shortened names goes under it."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter

from models.pagination import Rect, paginate

from .diagram import paint_diagram
from .layout import GAP, PT, Graphic, Page
from .pack_diagram import DiagramBlocks

NORMAL_SCALE = 5.0  # page units per scene unit at 100%: component names print at about 8.5 pt


def _sheet(diagrams: DiagramBlocks, source: QRectF) -> Graphic:
    """Part of the diagram at a fixed scale; the page covers what spills past it."""
    def paint(painter: QPainter, rect: QRectF) -> None:
        paint_diagram(painter, diagrams.diagram, diagrams.plan, rect, source)
    return Graphic(diagrams.content.height() - diagrams.key_height(), paint,
                   covers_outside=True)


def sheets(diagrams: DiagramBlocks, scale_percent: float | None,
           overlap_mm: float) -> list[Page]:
    """The diagram's sheets at `scale_percent`; none without a scale, or when one would do."""
    if scale_percent is None:
        return []
    extent = diagrams.diagram.extent
    area, key_h = diagrams.content, diagrams.key_height()
    boxes = [Rect(b.x(), b.y(), b.width(), b.height()) for b in diagrams.diagram.boxes.values()]
    overlap = overlap_mm * 72 / 25.4 * PT
    tiles = paginate(Rect(extent.x(), extent.y(), extent.width(), extent.height()),
                     area.width(), area.height() - key_h,
                     NORMAL_SCALE * scale_percent / 100, overlap, boxes)
    if len(tiles) <= 1:
        return []  # the overview already shows it at a larger scale
    rows = max(t.row for t in tiles) + 1
    columns = max(t.column for t in tiles) + 1
    pages = []
    for t in tiles:
        source = QRectF(t.source.x, t.source.y, t.source.width, t.source.height)
        page = Page(f"Diagram sheet {t.label} of {rows} × {columns} "
                    f"({scale_percent:g}%, overlap {overlap_mm:g} mm)")
        sheet = _sheet(diagrams, source)
        page.placed.append((sheet, QRectF(area.left(), area.top(), area.width(),
                                          sheet.height(0))))
        key = diagrams.names_key()
        if key is not None and key_h:  # under the frame, clear of its cover
            page.placed.append((key, QRectF(area.left(), area.bottom() - key_h + GAP,
                                            area.width(), key_h - GAP)))
        page.sheet = t.label
        pages.append(page)
    return pages
