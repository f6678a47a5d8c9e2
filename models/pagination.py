"""Cutting a diagram into printed sheets: fit to one page, or tile at a readable scale.

Plain geometry, no Qt. The diagram is measured in scene units, the printable area in page
units (any unit: the printing code uses tenths of a point); `scale` is page units per scene
unit. Tiles overlap by `overlap` page units so sheets can be trimmed and taped together, and
carry grid labels A1, A2 ... (letter = row, number = column) printed on each sheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def intersects(self, other: Rect) -> bool:
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)


@dataclass(frozen=True)
class Tile:
    label: str  # grid label such as "B2"
    row: int
    column: int
    source: Rect  # the part of the diagram on this sheet, in scene units
    scale: float  # page units per scene unit, the same on every sheet


def row_letters(row: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: spreadsheet-style so huge grids still get labels."""
    letters = ""
    row += 1
    while row:
        row, rest = divmod(row - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def fit_scale(extent: Rect, page_width: float, page_height: float,
              max_scale: float | None = None) -> float:
    """The largest scale at which the whole extent fits the page (capped by `max_scale`, so a
    two-box model does not print with boxes the size of a hand)."""
    if extent.width <= 0 and extent.height <= 0:
        return max_scale or 1.0
    candidates = [page_width / extent.width if extent.width > 0 else math.inf,
                  page_height / extent.height if extent.height > 0 else math.inf]
    if max_scale is not None:
        candidates.append(max_scale)
    return min(candidates)


def _starts(start: float, length: float, window: float, step: float) -> list[float]:
    if length <= window:
        return [start]
    count = math.ceil((length - window) / step) + 1
    return [start + i * step for i in range(count)]


def paginate(extent: Rect, page_width: float, page_height: float, scale: float | None = None,
             overlap: float = 0.0, content: Iterable[Rect] | None = None,
             max_scale: float | None = None) -> list[Tile]:
    """Sheets covering `extent`, row by row.

    `scale=None` fits the whole diagram on one sheet. Otherwise every sheet is printed at
    exactly `scale` (never shrunk) and shows at most one page of the diagram (never spills);
    neighbouring sheets share `overlap` page units. With `content` given, sheets that hold
    none of it are dropped, so no blank sheet is printed."""
    if page_width <= 0 or page_height <= 0:
        raise ValueError("the printable area must have a positive size")
    if scale is None:
        scale = fit_scale(extent, page_width, page_height, max_scale)
        window_w, window_h = page_width / scale, page_height / scale
        # Centred: the spare room is shared equally around the diagram.
        return [Tile("A1", 0, 0, Rect(extent.x - (window_w - extent.width) / 2,
                                      extent.y - (window_h - extent.height) / 2,
                                      window_w, window_h), scale)]
    if scale <= 0:
        raise ValueError("the scale must be positive")
    if not 0 <= overlap < min(page_width, page_height) / 2:
        raise ValueError("the overlap must be under half the printable width and height")
    window_w, window_h = page_width / scale, page_height / scale
    step_w, step_h = (page_width - overlap) / scale, (page_height - overlap) / scale
    boxes = list(content) if content is not None else None
    tiles = []
    for row, y in enumerate(_starts(extent.y, extent.height, window_h, step_h)):
        for column, x in enumerate(_starts(extent.x, extent.width, window_w, step_w)):
            source = Rect(x, y, window_w, window_h)
            if boxes is not None and not any(source.intersects(b) for b in boxes):
                continue
            tiles.append(Tile(f"{row_letters(row)}{column + 1}", row, column, source, scale))
    return tiles
