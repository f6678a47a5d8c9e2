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


def crossings(arrows: list[dict]) -> int:
    """Pairs of arrows that cross or overlap anywhere."""
    items = sorted(((_bounds(a["points"]), a["points"]) for a in arrows if len(a["points"]) > 1),
                   key=lambda item: item[0][0])
    count = 0
    for i, (box, points) in enumerate(items):
        for other, other_points in items[i + 1:]:
            if other[0] > box[0] + box[2]:
                break
            if _touch(box, other) and polylines_meet(points, other_points):
                count += 1
    return count


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
    count = 0
    for label in labels:
        r = _label_rect(label)
        own = (label["source"], label["target"])
        if any((a["source"], a["target"]) != own and
               any(segment_in_rect(a["points"][i], a["points"][i + 1], r)
                   for i in range(len(a["points"]) - 1)) for a in arrows):
            count += 1
    return count


def measure(page: dict) -> dict:
    """Every measure of one page of the geometry export."""
    return {"crossings": crossings(page["arrows"]),
            "arrows_under_boxes": arrows_under_boxes(page["arrows"], page["boxes"]),
            "label_overlaps": label_overlaps(page["labels"], page["boxes"]),
            "labels_over_arrows": labels_over_arrows(page["labels"], page["arrows"]),
            "name_size_pt": page["name_size_pt"]}
