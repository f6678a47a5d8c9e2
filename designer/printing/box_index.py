"""Boxes by grid cell, so "which boxes touch this rectangle" looks at a few cells instead of
every box: the canvas's lot regions and the printed diagram ask it for every lot, bridge,
pathway and label, which on a national model (10,000 boxes) was the bulk of their time.

The work is bounded by the number of boxes, never by the area: a file may place a box at
x = 1e12, and a route or lot reaching it spans billions of cells. A box wider than a few cells
goes in a short list every query checks; a query wider than the cells in use walks those."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF

CELL = 400.0  # scene units: about two boxes wide, so a query touches a handful of cells
MAX_CELLS_PER_BOX = 64  # larger boxes are kept in `_wide` instead of in cells


class BoxIndex:
    def __init__(self, boxes: dict[str, QRectF], cell: float = CELL):
        self.boxes: dict[str, QRectF] = {}
        self.cell = cell
        self._cells: dict[tuple[int, int], list[str]] = {}
        self._wide: set[str] = set()
        for key, box in boxes.items():
            self.place(key, box)

    def _span(self, rect: QRectF) -> tuple[int, int, int, int]:
        c = self.cell
        return (math.floor(rect.left() / c), math.floor(rect.right() / c),
                math.floor(rect.top() / c), math.floor(rect.bottom() / c))

    @staticmethod
    def _count(span: tuple[int, int, int, int]) -> int:
        i0, i1, j0, j1 = span
        return (i1 - i0 + 1) * (j1 - j0 + 1)

    def _cells_of(self, rect: QRectF):
        """The cells in use under `rect`: those it covers, or, when it covers more cells than
        are in use, the cells in use that fall inside it."""
        span = i0, i1, j0, j1 = self._span(rect)
        if self._count(span) > len(self._cells):
            yield from [cell for cell in self._cells
                        if i0 <= cell[0] <= i1 and j0 <= cell[1] <= j1]
            return
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                yield i, j

    def _keys_near(self, rect: QRectF):
        yield from self._wide
        for cell in self._cells_of(rect):
            yield from self._cells.get(cell, ())

    def place(self, key: str, box: QRectF) -> None:
        """Add `key`'s box, or move it there."""
        self.remove(key)
        self.boxes[key] = box
        span = i0, i1, j0, j1 = self._span(box)
        if self._count(span) > MAX_CELLS_PER_BOX:
            self._wide.add(key)
            return
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                self._cells.setdefault((i, j), []).append(key)

    def remove(self, key: str) -> None:
        old = self.boxes.pop(key, None)
        if old is None:
            return
        if key in self._wide:
            self._wide.discard(key)
            return
        i0, i1, j0, j1 = self._span(old)
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                keys = self._cells[(i, j)]
                keys.remove(key)
                if not keys:
                    del self._cells[(i, j)]

    def near(self, rect: QRectF) -> dict[str, QRectF]:
        """The boxes that intersect `rect` (QRectF.intersects: a shared area, not a touch)."""
        found: dict[str, QRectF] = {}
        for key in self._keys_near(rect):
            if key not in found and self.boxes[key].intersects(rect):
                found[key] = self.boxes[key]
        return found

    def any_in(self, rect: QRectF, besides=()) -> bool:
        """Does any box other than those in `besides` intersect `rect`?"""
        return any(key not in besides and self.boxes[key].intersects(rect)
                   for key in self._keys_near(rect))
