"""What every page of the lot pack carries, and where: the paper's size, the frame inside its
margins and the content area between the header and the title block; and the painting of a
page in full (its blocks, the header, the title block with "Page N of M").

Kept apart from the pack's content so that every page, whatever its section, is framed alike.
"""

from __future__ import annotations

from copy import copy
from datetime import date

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QPageLayout, QPainter, QPen

from models.procurement import long_date
from models.schema import LotPlan, ServiceModel

from .diagram import INK
from .layout import GAP, MUTED, PT, Graphic, Page, style

HEADER_H = 24 * PT
TITLE_BLOCK_H = 50 * PT


class PageFrame:
    """The paper of one pack (its layout in page units) and the painter of its pages."""

    def __init__(self, layout: QPageLayout, margins_mm: float, model: ServiceModel,
                 plan: LotPlan, printed_on: date):
        self.model = model
        self.plan = plan
        self.printed_on = printed_on
        size = layout.fullRect(QPageLayout.Point)
        self._set(QSizeF(size.width() * PT, size.height() * PT), margins_mm)
        self.turned: PageFrame | None = None  # the frame of a turned page, on portrait paper
        if self.page_size.width() < self.page_size.height():
            self.turned = copy(self)
            self.turned._set(self.page_size.transposed(), margins_mm)

    def _set(self, page_size: QSizeF, margins_mm: float) -> None:
        self.page_size = page_size
        m = margins_mm * 72 / 25.4 * PT
        self.frame = QRectF(m, m, self.page_size.width() - 2 * m,
                            self.page_size.height() - 2 * m)
        self.content = QRectF(self.frame.left(), self.frame.top() + HEADER_H + GAP,
                              self.frame.width(),
                              self.frame.height() - HEADER_H - TITLE_BLOCK_H - 2 * GAP)

    def paint(self, painter: QPainter, device_width: float, page: Page, index: int,
              count: int) -> None:
        """Paint `page` (page `index` of `count`) with the painter at the paper's top-left
        corner, on a device `device_width` pixels across the full paper. A turned page is a
        landscape page, header and title block with it, drawn with its top along the paper's
        left edge (where a bound portrait pack puts it), so the reader turns the sheet
        clockwise to read it as a whole."""
        painter.save()
        s = device_width / self.page_size.width()
        painter.scale(s, s)
        if page.turned and self.turned is not None:
            painter.fillRect(QRectF(0, 0, self.page_size.width(), self.page_size.height()),
                             QColor("white"))
            painter.translate(0, self.page_size.height())
            painter.rotate(-90)
            self.turned._paint_page(painter, page, index, count)
        else:
            self._paint_page(painter, page, index, count)
        painter.restore()

    def _paint_page(self, painter: QPainter, page: Page, index: int, count: int) -> None:
        painter.fillRect(QRectF(0, 0, self.page_size.width(), self.page_size.height()),
                         QColor("white"))
        for block, rect in page.placed:  # diagrams first: what spills is covered below
            if isinstance(block, Graphic) and block.covers_outside:
                block.paint(painter, rect)
                self._cover_outside(painter, rect)
        for block, rect in page.placed:
            if not (isinstance(block, Graphic) and block.covers_outside):
                block.paint(painter, rect)
        self._paint_header(painter, page)
        self._paint_title_block(painter, index, count)

    def _cover_outside(self, painter: QPainter, keep: QRectF) -> None:
        full = QRectF(0, 0, self.page_size.width(), self.page_size.height())
        white = QColor("white")
        painter.fillRect(QRectF(0, 0, full.width(), keep.top()), white)
        painter.fillRect(QRectF(0, keep.bottom(), full.width(), full.height() - keep.bottom()),
                         white)
        painter.fillRect(QRectF(0, keep.top(), keep.left(), keep.height()), white)
        painter.fillRect(QRectF(keep.right(), keep.top(), full.width() - keep.right(),
                                keep.height()), white)
        painter.setPen(QPen(QColor("#bbbbbb"), 0.5 * PT, Qt.DashLine))
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(keep)  # trim line for taping sheets together

    def _paint_header(self, painter: QPainter, page: Page) -> None:
        f = self.frame
        heading, small = style(14, bold=True), style(8)
        painter.setPen(INK)
        right_text = "Lot pack"
        right_w = small.width(right_text) + 4 * PT
        text, room = " ".join(page.heading.split()), f.width() - right_w - 30 * PT
        plan = " ".join(self.plan.name.split())
        if plan and heading.width(text) > room:
            # Too long (sections sharing a page, in portrait): without the plan's name, which
            # the title block prints, rather than an ellipsis hiding the sections after it.
            text = text.replace(f": {plan}", "")
        heading.draw(painter, QRectF(f.left(), f.top(), f.width() - right_w, HEADER_H),
                     heading.elide(text, room), Qt.AlignLeft | Qt.AlignVCenter)
        painter.setPen(MUTED)
        small.draw(painter, QRectF(f.right() - right_w, f.top(), right_w, HEADER_H), right_text,
                   Qt.AlignRight | Qt.AlignVCenter)
        if page.sheet:
            big = style(20, bold=True)
            painter.setPen(INK)
            big.draw(painter, QRectF(f.right() - 80 * PT - right_w, f.top(), 70 * PT, HEADER_H),
                     page.sheet, Qt.AlignRight | Qt.AlignVCenter)
        painter.setPen(QPen(INK, 1.2 * PT))
        painter.drawLine(f.left(), f.top() + HEADER_H, f.right(), f.top() + HEADER_H)

    def _paint_title_block(self, painter: QPainter, index: int, count: int) -> None:
        """Model title, authority, plan, revision, author, date and page number, boxed."""
        f = self.frame
        box = QRectF(f.left(), f.bottom() - TITLE_BLOCK_H, f.width(), TITLE_BLOCK_H)
        m = self.model
        revision = f"Revision {m.revision}" if m.revision else "Unsaved draft"
        cells = [
            (4.2, "Service model", [(m.title, style(9.5, bold=True)),
                                     (m.authority or "Authority not recorded", style(8.5))]),
            (2.6, "Lot plan", [(self.plan.name, style(9, bold=True)), (revision, style(8.5))]),
            (2.2, "Author", [(m.author or "not recorded", style(8.5)),
                             (long_date(self.printed_on), style(8.5))]),
            (1.5, "", [(f"Page {index + 1} of {count}", style(9.5, bold=True))]),
        ]
        total = sum(c[0] for c in cells)
        label = style(6.5)
        x = box.left()
        painter.setBrush(Qt.NoBrush)
        for weight, caption, lines in cells:
            w = box.width() * weight / total
            cell = QRectF(x, box.top(), w, box.height())
            painter.setPen(QPen(INK, 0.8 * PT))
            painter.drawRect(cell)
            inner = cell.adjusted(4 * PT, 3 * PT, -4 * PT, -3 * PT)
            y = inner.top()
            if caption:
                painter.setPen(MUTED)
                label.draw(painter, QRectF(inner.left(), y, inner.width(), label.line_height),
                           caption.upper())
                y += label.line_height
            painter.setPen(INK)
            room = inner.bottom() - y
            used = sum(s.line_height for _, s in lines)
            if not caption:
                y += (room - used) / 2  # the page number sits in the middle of its cell
            for text, s in lines:
                # a long title gets two lines when the cell has room for them
                wrapped = s.wrap(text, inner.width(),
                                 max_lines=2 if used + s.line_height <= room else 1)
                s.draw_lines(painter, QRectF(inner.left(), y, inner.width(), 0), wrapped)
                y += len(wrapped) * s.line_height
                used += (len(wrapped) - 1) * s.line_height
            x += w
