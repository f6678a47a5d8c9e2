"""How readable a drawn diagram is, measured on its geometry (as `main.py export --geometry`
writes it): pairs of crossing arrows, arrows passing under a box that is not their end, and
labels over boxes, other labels or other arrows. Used by the tests and bench/bench_diagram.py,
and by nothing that draws. Plain Python; any units."""

from __future__ import annotations

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # x, y, width, height
INSET = 0.5  # a line along a box's edge is not under it


def _orient(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on(a: Point, b: Point, c: Point) -> bool:
    return min(a[0], b[0]) - 1e-9 <= c[0] <= max(a[0], b[0]) + 1e-9 and \
        min(a[1], b[1]) - 1e-9 <= c[1] <= max(a[1], b[1]) + 1e-9


def segments_meet(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    d1, d2 = _orient(q1, q2, p1), _orient(q1, q2, p2)
    d3, d4 = _orient(p1, p2, q1), _orient(p1, p2, q2)
    if ((d1 > 0) != (d2 > 0)) and d1 != 0 and d2 != 0 and \
            ((d3 > 0) != (d4 > 0)) and d3 != 0 and d4 != 0:
        return True
    return (d1 == 0 and _on(q1, q2, p1)) or (d2 == 0 and _on(q1, q2, p2)) or \
        (d3 == 0 and _on(p1, p2, q1)) or (d4 == 0 and _on(p1, p2, q2))


def segment_in_rect(a: Point, b: Point, rect: Rect) -> bool:
    """Does the segment pass through the rectangle's inside (Liang-Barsky clipping)?"""
    x, y, w, h = rect
    x0, y0, x1, y1 = x + INSET, y + INSET, x + w - INSET, y + h - INSET
    if x1 <= x0 or y1 <= y0:
        return False
    dx, dy = b[0] - a[0], b[1] - a[1]
    low, high = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q <= 0:
                return False
        else:
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low >= high:
                return False
    return True


def _bounds(points: list[Point]) -> Rect:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def _touch(a: Rect, b: Rect, pad: float = 0.0) -> bool:
    return a[0] - pad <= b[0] + b[2] and b[0] - pad <= a[0] + a[2] and \
        a[1] - pad <= b[1] + b[3] and b[1] - pad <= a[1] + a[3]


def polylines_meet(p: list[Point], q: list[Point]) -> bool:
    return any(segments_meet(p[i], p[i + 1], q[j], q[j + 1])
               for i in range(len(p) - 1) for j in range(len(q) - 1)
               if _touch(_bounds([p[i], p[i + 1]]), _bounds([q[j], q[j + 1]])))


CELL = 40.0  # grid cell for finding segments near each other


def _cells(r: Rect):
    for i in range(int(r[0] // CELL), int((r[0] + r[2]) // CELL) + 1):
        for j in range(int(r[1] // CELL), int((r[1] + r[3]) // CELL) + 1):
            yield i, j


def _segment_grid(arrows: list[dict]) -> tuple[list, dict]:
    segments, grid = [], {}
    for n, a in enumerate(arrows):
        p = a["points"]
        for i in range(len(p) - 1):
            segments.append((n, p[i], p[i + 1]))
            for cell in _cells(_bounds([p[i], p[i + 1]])):
                grid.setdefault(cell, []).append(len(segments) - 1)
    return segments, grid


def crossings(arrows: list[dict]) -> int:
    """Pairs of arrows that cross or overlap anywhere (segments found through a grid)."""
    segments, grid = _segment_grid(arrows)
    pairs = set()
    for found in grid.values():
        for x in range(len(found)):
            n, a, b = segments[found[x]]
            for y in range(x + 1, len(found)):
                m, c, d = segments[found[y]]
                if m != n and (min(n, m), max(n, m)) not in pairs and \
                        segments_meet(a, b, c, d):
                    pairs.add((min(n, m), max(n, m)))
    return len(pairs)


def arrows_under_boxes(arrows: list[dict], boxes: list[dict]) -> int:
    """Arrows passing under a box that is neither their source nor their target."""
    rects = {b["id"]: (b["x"], b["y"], b["width"], b["height"]) for b in boxes}
    count = 0
    for a in arrows:
        p = a["points"]
        span = _bounds(p)
        if any(bid not in (a["source"], a["target"]) and _touch(span, r) and
               any(segment_in_rect(p[i], p[i + 1], r) for i in range(len(p) - 1))
               for bid, r in rects.items()):
            count += 1
    return count


def _label_rect(label: dict) -> Rect:
    return label["x"], label["y"], label["width"], label["height"]


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and \
        b[1] < a[1] + a[3]


def label_overlaps(labels: list[dict], boxes: list[dict]) -> int:
    """Labels over a box or over another label."""
    rects = [(b["x"], b["y"], b["width"], b["height"]) for b in boxes]
    count = 0
    for i, label in enumerate(labels):
        r = _label_rect(label)
        if any(_overlap(r, b) for b in rects) or \
                any(_overlap(r, _label_rect(o)) for j, o in enumerate(labels) if j != i):
            count += 1
    return count


def labels_over_arrows(labels: list[dict], arrows: list[dict]) -> int:
    """Labels covering part of an arrow other than their own."""
    segments, grid = _segment_grid(arrows)
    count = 0
    for label in labels:
        r = _label_rect(label)
        own = (label["source"], label["target"])
        near = {i for cell in _cells(r) for i in grid.get(cell, ())}
        if any((arrows[segments[i][0]]["source"], arrows[segments[i][0]]["target"]) != own
               and segment_in_rect(segments[i][1], segments[i][2], r) for i in near):
            count += 1
    return count


def measure(page: dict) -> dict:
    """Every measure of one page of the geometry export."""
    return {"crossings": crossings(page["arrows"]),
            "arrows_under_boxes": arrows_under_boxes(page["arrows"], page["boxes"]),
            "label_overlaps": label_overlaps(page["labels"], page["boxes"]),
            "labels_over_arrows": labels_over_arrows(page["labels"], page["arrows"]),
            "name_size_pt": page["name_size_pt"]}
