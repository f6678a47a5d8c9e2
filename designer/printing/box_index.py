"""Boxes by grid cell, so "which boxes touch this rectangle" looks at a few cells instead of
every box: the canvas's lot regions and the printed diagram ask it for every lot, bridge,
pathway and label, which on a national model (10,000 boxes) was the bulk of their time."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF

CELL = 400.0  # scene units: about two boxes wide, so a query touches a handful of cells


class BoxIndex:
    def __init__(self, boxes: dict[str, QRectF], cell: float = CELL):
        self.boxes: dict[str, QRectF] = {}
        self.cell = cell
        self._cells: dict[tuple[int, int], list[str]] = {}
        for key, box in boxes.items():
            self.place(key, box)

    def _cells_of(self, rect: QRectF):
        c = self.cell
        for i in range(math.floor(rect.left() / c), math.floor(rect.right() / c) + 1):
            for j in range(math.floor(rect.top() / c), math.floor(rect.bottom() / c) + 1):
                yield i, j

    def place(self, key: str, box: QRectF) -> None:
        """Add `key`'s box, or move it there."""
        self.remove(key)
        self.boxes[key] = box
        for cell in self._cells_of(box):
            self._cells.setdefault(cell, []).append(key)

    def remove(self, key: str) -> None:
        old = self.boxes.pop(key, None)
        if old is not None:
            for cell in self._cells_of(old):
                self._cells[cell].remove(key)

    def near(self, rect: QRectF) -> dict[str, QRectF]:
        """The boxes that intersect `rect` (QRectF.intersects: a shared area, not a touch)."""
        found: dict[str, QRectF] = {}
        for cell in self._cells_of(rect):
            for key in self._cells.get(cell, ()):
                if key not in found and self.boxes[key].intersects(rect):
                    found[key] = self.boxes[key]
        return found

    def any_in(self, rect: QRectF, besides=()) -> bool:
        """Does any box other than those in `besides` intersect `rect`?"""
        for cell in self._cells_of(rect):
            for key in self._cells.get(cell, ()):
                if key not in besides and self.boxes[key].intersects(rect):
                    return True
        return False
