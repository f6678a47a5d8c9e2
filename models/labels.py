"""Where each pathway's label goes: beside or on its own arrow, over no box, no other label
and (where any spot allows) no other arrow. Plain Python, scene units; the canvas and the
printed diagram both ask it (label sizes come from their own fonts).

A greedy point-feature placement over candidate spots along the route (as in Christensen,
Marks and Shieber, "An empirical study of algorithms for point-feature label placement",
1995, with the candidates on the arrow's segments rather than round a point): spots on a
segment's middle first, then nearer its ends; each labelled arrow in turn takes the free spot
that covers fewest other arrows.
"""

from __future__ import annotations

import math

Box = tuple[float, float, float, float]
Point = tuple[float, float]
CELL = 120.0
STEP = 6.0  # between spots along a segment
MOST_SPOTS = 16  # per segment
END_ROOM = 16.0  # keep clear of the arrowhead and the start
BOX_PAD = 2.0
LABEL_PAD = 2.0


class _Grid:
    """Items by grid cell. Work is bounded by the number of items, not the area: an item
    wider or taller than WIDE cells (a box placed a million units away, an arrow to it) goes
    in a list every query checks, and a query that wide checks every item."""

    WIDE = 64

    def __init__(self):
        self.cells: dict[tuple[int, int], list] = {}
        self.wide: list = []
        self.every: list = []

    @staticmethod
    def _span(r: Box) -> tuple[int, int, int, int]:
        return (math.floor(r[0] / CELL), math.floor((r[0] + r[2]) / CELL),
                math.floor(r[1] / CELL), math.floor((r[1] + r[3]) / CELL))

    def _is_wide(self, r: Box) -> bool:
        i0, i1, j0, j1 = self._span(r)
        return i1 - i0 > self.WIDE or j1 - j0 > self.WIDE

    def _cells(self, r: Box):
        i0, i1, j0, j1 = self._span(r)
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                yield i, j

    def add(self, r: Box, item) -> None:
        self.every.append(item)
        if self._is_wide(r):
            self.wide.append(item)
            return
        for cell in self._cells(r):
            self.cells.setdefault(cell, []).append(item)

    def near(self, r: Box) -> set:
        if self._is_wide(r):
            return set(self.every)
        found = set(self.wide)
        for cell in self._cells(r):
            found.update(self.cells.get(cell, ()))
        return found


def _overlap(a: Box, b: Box, pad: float = 0.0) -> bool:
    return a[0] - pad < b[0] + b[2] and b[0] - pad < a[0] + a[2] and \
        a[1] - pad < b[1] + b[3] and b[1] - pad < a[1] + a[3]


def _segment_box(a: Point, b: Point) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), abs(a[0] - b[0]), abs(a[1] - b[1])


def _candidates(points: list[Point], w: float, h: float, end_room: float = END_ROOM):
    """(rect, preference) spots along the route, on it or touching it; lower preference is
    better: near the middle of the arrow, on a horizontal stretch."""
    lengths = [math.dist(a, b) for a, b in zip(points, points[1:])]
    total = sum(lengths) or 1.0
    along = 0.0
    for (a, b), length in zip(zip(points, points[1:]), lengths):
        start = end_room if along == 0 else 0.0
        stop = length - (end_room if along + length >= total - 1e-6 else 0.0)
        horizontal = abs(a[1] - b[1]) < 1e-6
        if stop - start > 2:
            count = min(MOST_SPOTS, max(1, int((stop - start) / STEP)))
            # the middle first (a label that only just fits between two columns fits there)
            for d in [(start + stop) / 2] + [start + (stop - start) * k / max(count, 1)
                                             for k in range(count + 1)]:
                x, y = a[0] + (b[0] - a[0]) * d / length, a[1] + (b[1] - a[1]) * d / length
                middle = abs((along + d) / total - 0.5)
                if horizontal:
                    spots = [(x - w / 2, y - h / 2, 0.0)]
                    for left in (x - w / 2, x - 2, x - w + 2):
                        spots += [(left, y - h - 1, 0.2), (left, y + 1, 0.2)]
                else:
                    spots = [(x - w / 2, y - h / 2, 0.4), (x - w - 2, y - h / 2, 0.3),
                             (x + 2, y - h / 2, 0.3)]
                for sx, sy, beside in spots:
                    yield (sx, sy, w, h), middle + beside


def place_labels(boxes: dict[str, Box], routes: dict[str, list[Point]],
                 sizes: dict[str, list[tuple[float, float]]],
                 box_pad: float = BOX_PAD) -> dict[str, tuple[Box, int]]:
    """A rectangle per labelled pathway id, and which of its sizes it took (`sizes`: the
    label's width and height set on one line, then narrower settings such as two lines,
    tried in turn when the wider one finds no spot clear of boxes and labels)."""
    box_grid, arrow_grid, label_grid = _Grid(), _Grid(), _Grid()
    for bid, r in boxes.items():
        box_grid.add(r, bid)
    segments = []
    for pid, points in routes.items():
        for a, b in zip(points, points[1:]):
            segments.append((pid, a, b))
            arrow_grid.add(_segment_box(a, b), len(segments) - 1)
    placed: dict[str, tuple[Box, int]] = {}
    for pid, options in sizes.items():
        points = routes.get(pid)
        if not points or len(points) < 2:
            continue
        best = None
        for option, (w, h) in enumerate(options):
            spots = list(_candidates(points, w, h)) + _between_boxes(points, w, h, boxes,
                                                                      box_grid, box_pad)
            if not spots:  # a short arrow: beside it, arrowhead or not
                spots = list(_candidates(points, w, h, end_room=0.0))
            spots.sort(key=lambda spot: spot[1])  # best first: stop at the first clear one
            for rect, preference in spots:
                bad_boxes = sum(1 for bid in box_grid.near(rect)
                                if _overlap(rect, boxes[bid], box_pad))
                bad_labels = sum(1 for other in label_grid.near(rect)
                                 if _overlap(rect, placed[other][0], LABEL_PAD))
                arrows = {segments[i][0] for i in arrow_grid.near(rect)
                          if segments[i][0] != pid and _crosses(rect, segments[i][1],
                                                                segments[i][2])}
                cost = (bad_boxes + bad_labels, len(arrows), option, preference)
                if best is None or cost < best[0]:
                    best = (cost, rect, option)
                if cost[:2] == (0, 0):
                    break
            if best is not None and best[0][0] == 0:
                break  # clear of boxes and labels: no need to try it narrower
        if best is not None:
            placed[pid] = (best[1], best[2])
            label_grid.add(best[1], pid)
    return placed


def _between_boxes(points: list[Point], w: float, h: float, boxes: dict[str, Box],
                   grid: _Grid, pad: float) -> list[tuple[Box, float]]:
    """On each horizontal stretch, a spot centred in the free space between the boxes left
    and right of it: a label that only just fits between two columns."""
    found = []
    for a, b in zip(points, points[1:]):
        if abs(a[1] - b[1]) > 1e-6:
            continue
        y, x0, x1 = a[1], min(a[0], b[0]), max(a[0], b[0])
        band = (x0 - w, y - h / 2, x1 - x0 + 2 * w, h)
        near = [boxes[bid] for bid in grid.near(band) if _overlap(band, boxes[bid])]
        mid = (x0 + x1) / 2
        left = max((r[0] + r[2] for r in near if r[0] + r[2] <= mid), default=x0 - w)
        right = min((r[0] for r in near if r[0] >= mid), default=x1 + w)
        centre = (left + right) / 2
        if right - left >= w + 2 * pad + 0.5 and x0 <= centre <= x1:
            found.append(((centre - w / 2, y - h / 2, w, h), 0.1))
    return found


def _crosses(rect: Box, a: Point, b: Point) -> bool:
    """Does the (horizontal or vertical) segment touch the rectangle?"""
    return _overlap(rect, _segment_box(a, b), 1.0)
