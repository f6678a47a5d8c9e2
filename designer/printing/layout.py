"""Page building blocks for the lot pack: text, tables, diagrams, and the flow onto pages.

All sizes are in page units of a tenth of a point (`PT` units make one point). A block knows
its height for a width, paints itself into a rectangle, and a table can split between pages
(its header repeats). `flow` places blocks onto pages of a fixed content area.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from .text import Style

PT = 10.0  # page units per point
GAP = 8 * PT  # space between blocks
GRID = QColor("#9a9a9a")
HEADER_FILL = QColor("#e6e6e6")
MUTED = QColor("#555555")


def style(points: float, bold: bool = False, italic: bool = False) -> Style:
    return Style(points * PT, bold, italic)


class Block:
    keep_with_next = False

    def height(self, width: float) -> float:
        raise NotImplementedError

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        raise NotImplementedError

    def split(self, width: float, available: float) -> tuple[Block, Block] | None:
        """A first part that fits `available` and the rest, or None if it cannot split."""
        return None


class Paragraph(Block):
    def __init__(self, text: str, points: float = 9, bold: bool = False, italic: bool = False,
                 colour: QColor | str = "#1a1a1a", keep_with_next: bool = False):
        self.text, self.style, self.colour = text, style(points, bold, italic), QColor(colour)
        self.keep_with_next = keep_with_next
        self._heights: dict[tuple[str, float], float] = {}

    def height(self, width: float) -> float:
        # Kept: a lot page is flowed a dozen times over while its diagram's height is sought.
        key = (self.text, width)
        if key not in self._heights:
            self._heights[key] = self.style.height(self.text, width)
        return self._heights[key]

    def split(self, width: float, available: float) -> tuple[Paragraph, Paragraph] | None:
        lines = self.style.wrap(self.text, width)
        fits = int(available // self.style.line_height)
        if fits < 1 or fits >= len(lines) or self.keep_with_next:
            return None
        head, rest = Paragraph(""), Paragraph("")
        for part, text in ((head, lines[:fits]), (rest, lines[fits:])):
            part.text, part.style, part.colour = "\n".join(text), self.style, self.colour
        return head, rest

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        painter.setPen(self.colour)
        self.style.draw_lines(painter, rect, self.style.wrap(self.text, rect.width()))


def Heading(text: str) -> Paragraph:  # noqa: N802 - reads as a block type
    return Paragraph(text, 11, bold=True, keep_with_next=True)


Cell = str | Callable[[QPainter, QRectF], None]


MIN_ROWS_TOGETHER = 2  # rows a split table keeps on each page


class Table(Block):
    """A grid with a shaded header row; cells are text or painter callables (swatches)."""

    PAD = 3 * PT

    def __init__(self, header: list[str], rows: list[list[Cell]], widths: list[float],
                 points: float = 8.5, row_fills: dict[int, QColor] | None = None,
                 bold_columns: tuple[int, ...] = (), min_row_height: float = 0.0,
                 cell_fills: dict[tuple[int, int], QColor] | None = None,
                 pad: float = PAD, right_columns: tuple[int, ...] = ()):
        self.header, self.rows, self.widths = header, rows, widths
        self.right_columns = right_columns  # figures, aligned on their last digit
        self.pad = pad  # inside each cell: less in a long table kept to one page
        self.points = points
        self.body, self.bold = style(points), style(points, bold=True)
        self.row_fills = row_fills or {}
        self.cell_fills = cell_fills or {}  # (row, column): over the row's fill
        self.bold_columns = bold_columns
        self.min_row_height = min_row_height
        self._measured: dict[float, tuple[float, list[float]]] = {}

    def _columns(self, width: float) -> list[float]:
        """The widths' shares of `width`, each column widened to its header's longest word
        where the others can spare it: in portrait 'Likelihood' printed as 'Likelih...'."""
        total = sum(self.widths)
        columns = [width * w / total for w in self.widths]
        need = [max((self.bold.width(word) for word in title.split()), default=0.0)
                + 2 * self.pad + PT if isinstance(title, str) else 0.0 for title in self.header]
        short = sum(max(0.0, n - c) for n, c in zip(need, columns))
        spare = [max(0.0, c - n) for c, n in zip(columns, need)]
        if short <= 0 or sum(spare) < short:
            return columns
        return [n if n > c else c - short * s / sum(spare)
                for c, n, s in zip(columns, need, spare)]

    def _cell_style(self, column: int) -> Style:
        return self.bold if column in self.bold_columns else self.body

    def _row_height(self, cells: list[Cell], columns: list[float], header: bool = False) -> float:
        lines = 1
        for i, (cell, w) in enumerate(zip(cells, columns)):
            if isinstance(cell, str):
                s = self.bold if header else self._cell_style(i)
                lines = max(lines, len(s.wrap(cell, w - 2 * self.pad)))
        text_h = lines * self.body.line_height + 2 * self.pad
        return max(text_h, 0 if header else self.min_row_height)

    def _heights(self, width: float) -> tuple[float, list[float]]:
        """(header row height, each row's height) at this width: wrapping every cell is the
        slow part, and a lot page is flowed a dozen times over while its diagram's height is
        sought, so each width is measured once."""
        if width not in self._measured:
            columns = self._columns(width)
            self._measured[width] = (
                self._row_height(self.header, columns, True) if self.header else 0,
                [self._row_height(r, columns) for r in self.rows])
        return self._measured[width]

    def height(self, width: float) -> float:
        h, rows = self._heights(width)
        return h + sum(rows)

    def split(self, width: float, available: float) -> tuple[Table, Table] | None:
        header_h, heights = self._heights(width)
        used, fits = header_h, 0
        for h in heights:
            used += h
            if used > available:
                break
            fits += 1
        # Never a lone row (a total, the last KPI) at the foot or the head of a page.
        fits = min(fits, len(self.rows) - MIN_ROWS_TOGETHER)
        if fits < MIN_ROWS_TOGETHER:
            return None

        def part(rows, offset):
            table = Table(self.header, rows, self.widths, self.points,
                          {i - offset: c for i, c in self.row_fills.items()},
                          self.bold_columns, self.min_row_height,
                          {(r - offset, c): f for (r, c), f in self.cell_fills.items()},
                          self.pad, self.right_columns)
            # its rows are already measured (a long table is split page after page)
            table._measured[width] = (header_h, heights[offset:offset + len(rows)])
            return table
        return part(self.rows[:fits], 0), part(self.rows[fits:], fits)

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        columns = self._columns(rect.width())
        y = rect.top()
        header_h, heights = self._heights(rect.width())
        rows = ([(self.header, None, HEADER_FILL, header_h)] if self.header else []) + \
            [(r, n, self.row_fills.get(n), heights[n]) for n, r in enumerate(self.rows)]
        for cells, row, row_fill, h in rows:
            is_header = row is None
            x = rect.left()
            for i, (cell, w) in enumerate(zip(cells, columns)):
                box = QRectF(x, y, w, h)
                fill = row_fill if is_header else self.cell_fills.get((row, i), row_fill)
                painter.setPen(QPen(GRID, 0.6 * PT))
                painter.setBrush(fill if fill is not None else Qt.NoBrush)
                painter.drawRect(box)
                inner = box.adjusted(self.pad, self.pad, -self.pad, -self.pad)
                if isinstance(cell, str):
                    s = self.bold if is_header else self._cell_style(i)
                    painter.setPen(QColor("#1a1a1a"))
                    align = Qt.AlignRight if i in self.right_columns else Qt.AlignLeft
                    s.draw_lines(painter, inner, s.wrap(cell, inner.width()), align)
                else:
                    cell(painter, inner)
                x += w
            y += h


class Graphic(Block):
    """A fixed-height picture, such as the diagram, painted by a callable."""

    def __init__(self, height: float, paint: Callable[[QPainter, QRectF], None],
                 covers_outside: bool = False, scene: QRectF | None = None):
        self._height, self._paint = height, paint
        self.covers_outside = covers_outside  # painted first; the page covers what spills
        self.scene = scene  # the part of the diagram it shows, when it is a crop

    def height(self, width: float) -> float:
        return self._height

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        self._paint(painter, rect)


class Grid(Block):
    """Equal cells flowing left to right (a legend), each painted by a callable."""

    def __init__(self, cells: list[Callable[[QPainter, QRectF], None]], cell_width: float,
                 cell_height: float):
        self.cells, self.cell_width, self.cell_height = cells, cell_width, cell_height

    def _per_row(self, width: float) -> int:
        return max(1, int(width // self.cell_width))

    def height(self, width: float) -> float:
        rows = -(-len(self.cells) // self._per_row(width))
        return rows * self.cell_height

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        per_row = self._per_row(rect.width())
        w = rect.width() / per_row
        for i, cell in enumerate(self.cells):
            row, column = divmod(i, per_row)
            cell(painter, QRectF(rect.left() + column * w, rect.top() + row * self.cell_height,
                                 w, self.cell_height))


class KeyRow(Block):
    """Legend entries, each a swatch and its text, side by side and wrapping onto more rows."""

    SWATCH_W, ROW_H, SPACING = 22 * PT, 14 * PT, 14 * PT

    def __init__(self, entries: list[tuple[Callable[[QPainter, QRectF], None], str]],
                 points: float = 8.5):
        self.entries, self.style = entries, style(points)

    def _placed(self, width: float) -> list[tuple[int, float, float, str]]:
        """(row, x, text width, text) per entry; a text wider than the row is elided."""
        placed, row, x = [], 0, 0.0
        for _, text in self.entries:
            room = width - self.SWATCH_W - 4 * PT
            text_w = min(self.style.width(text), room)
            if x > 0 and x + self.SWATCH_W + 4 * PT + text_w > width:
                row, x = row + 1, 0.0
            placed.append((row, x, text_w, self.style.elide(text, room)))
            x += self.SWATCH_W + 4 * PT + text_w + self.SPACING
        return placed

    def height(self, width: float) -> float:
        placed = self._placed(width)
        return (placed[-1][0] + 1) * self.ROW_H if placed else 0.0

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        for (swatch, _), (row, x, text_w, text) in zip(self.entries, self._placed(rect.width())):
            top = rect.top() + row * self.ROW_H
            swatch(painter, QRectF(rect.left() + x, top + 2 * PT, self.SWATCH_W,
                                   self.ROW_H - 4 * PT))
            painter.setPen(QColor("#1a1a1a"))
            self.style.draw(painter, QRectF(rect.left() + x + self.SWATCH_W + 4 * PT, top,
                                            text_w + PT, self.ROW_H), text,
                            Qt.AlignLeft | Qt.AlignVCenter)


@dataclass
class Page:
    heading: str
    placed: list[tuple[Block, QRectF]] = field(default_factory=list)
    sheet: str = ""  # grid label of a diagram sheet, printed large in the corner
    sections: list[str] = field(default_factory=list)  # the titles of the sections begun here
    turned: bool = False  # a landscape page drawn a quarter turn round on portrait paper


def flow(heading: str, blocks: list[Block], content: QRectF) -> list[Page]:
    """Place blocks top to bottom, starting a new page (heading "... (continued)") when the
    next one does not fit; tables split between rows, headings stay with what follows."""
    pages = [Page(heading, sections=[heading])]
    y = content.top()
    queue = list(blocks)
    width = content.width()
    while queue:
        block = queue.pop(0)
        h = block.height(width)
        if block.keep_with_next and queue:
            following = queue[0]
            first = following.split(width, content.bottom() - y - h - GAP)
            need = h + GAP + (first[0].height(width) if first else following.height(width))
        else:
            need = h
        fresh = y == content.top()
        if y + need > content.bottom() and not fresh:
            piece = block.split(width, content.bottom() - y)
            if piece is not None and not block.keep_with_next:
                head, rest = piece
                pages[-1].placed.append((head, QRectF(content.left(), y, width,
                                                      head.height(width))))
                queue.insert(0, rest)
            else:
                queue.insert(0, block)
            pages.append(Page(f"{heading} (continued)"))
            y = content.top()
            continue
        if y + h > content.bottom() and fresh:
            piece = block.split(width, content.bottom() - y)
            if piece is not None:
                block, rest = piece
                queue.insert(0, rest)
                h = block.height(width)
        pages[-1].placed.append((block, QRectF(content.left(), y, width, h)))
        y += h + GAP
    return pages
