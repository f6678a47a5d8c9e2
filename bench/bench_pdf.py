"""PDF export of the lot pack (what `main.py export FILE --pdf OUT` writes), against a bare
QPdfWriter writing the same number of pages with a plain drawing of the model on the first
(one rectangle per component, one line per pathway) and a line of text on every page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QPageSize, QPainter, QPdfWriter, QPen

from models.geometry import BOX_H, BOX_W  # the app's own boxes
from models.schema import ServiceModel

from .timing import Result, once, paired



def pdf_missing() -> str | None:
    try:
        from designer.printing.pack import LotPack, write_pdf  # noqa: F401
    except ImportError as e:
        return f"printing not available ({e})"
    return None


def export_pack(model: ServiceModel, target: Path) -> int:
    from designer.printing.pack import LotPack, write_pdf

    pack = LotPack(model)
    write_pdf(pack, target)
    return pack.page_count()


def bare_pdf(model: ServiceModel, target: Path, pages: int) -> None:
    writer = QPdfWriter(str(target))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setResolution(300)
    painter = QPainter(writer)
    page = QRectF(0, 0, writer.width(), writer.height())
    xs = [c.position.x for c in model.components]
    ys = [c.position.y for c in model.components]
    extent = QRectF(min(xs) - BOX_W, min(ys) - BOX_H, max(xs) - min(xs) + 2 * BOX_W,
                    max(ys) - min(ys) + 2 * BOX_H)
    scale = min(page.width() / extent.width(), page.height() / extent.height())
    where = {c.id: (c.position.x, c.position.y) for c in model.components}
    for index in range(pages):
        if index:
            writer.newPage()
        painter.drawText(QRectF(0, 0, page.width(), 100), f"Page {index + 1} of {pages}")
        if index == 0:
            painter.save()
            painter.scale(scale, scale)
            painter.translate(-extent.left(), -extent.top())
            painter.setPen(QPen(QColor("#4a4a4a"), 0))
            painter.setBrush(QColor("#b9d7f0"))
            for x, y in where.values():
                painter.drawRect(QRectF(x - BOX_W / 2, y - BOX_H / 2, BOX_W, BOX_H))
            for p in model.pathways:
                painter.drawLine(QLineF(*where[p.source], *where[p.target]))
            painter.restore()
    painter.end()


def bench_pdf(size: int, model: ServiceModel, folder: Path, repeats: int,
              slow_after: float) -> tuple[list[Result], float]:
    """The results, and the seconds of the first export (measured once if over `slow_after`)."""
    ours, bare = folder / "pack.pdf", folder / "bare.pdf"
    pages = 0

    def export() -> None:
        nonlocal pages
        pages = export_pack(model, ours)

    first = once(export)  # also warms fonts and icons
    if first > slow_after:
        s, b = first, once(lambda: bare_pdf(model, bare, pages))
        r = s / b
    else:
        s, b, r = paired(export, lambda: bare_pdf(model, bare, pages), repeats)
    return [Result(size, "PDF export of the lot pack", s, "bare QPdfWriter", b, r,
                   note=f"{pages} pages, {ours.stat().st_size / 1048576:.1f} MB")], first
