"""Where a lot's name tag goes: inside its own region, on a part of it that no box and no
pathway label covers, the highest such spot first and then the leftmost, one tag for each
separate piece of the region. Plain Python in scene units (x, y, width, height); the canvas and
the printed diagram both ask it, each with its own font's tag sizes.

A region is given as the rectangles it is made of (a lot region's parts: each member's padded
box, the bridges between them and any holes filled in), so "inside the region" is "covered by
those rectangles". A tag is pushed up and left until it meets a box, a label or the region's
edge, so the spots worth trying have their left side on a part's left side or just right of an
obstacle, and their top on a part's top or just below an obstacle.
"""

from __future__ import annotations

Box = tuple[float, float, float, float]
CLEAR = 3.0  # kept between a tag and a box or a label
INSIDE = 2.0  # kept between a tag and the region's edge (its outline is stroked)
EPSILON = 0.01
MOST_WORDS = 12  # a shortened name keeps at most this many words


def tag_texts(code: str, name: str) -> list[str]:
    """What a tag may say, longest first: the code and the whole name, the name shortened
    word by word (from its first MOST_WORDS words: a name from a file may be a book), the
    code alone (the first word for a lot with no code)."""
    code, words = " ".join(code.split()), name.split()
    texts = [" ".join([code, *words]).strip()]
    for n in range(min(len(words) - 1, MOST_WORDS), 0, -1):
        texts.append(" ".join([code, *words[:n]]).strip() + "\u2026")
    texts.append(code or (words[0] if words else ""))
    return [t for i, t in enumerate(texts) if t and t not in texts[:i]]


def _overlap(a: Box, b: Box) -> bool:
    """Do two rectangles share an area (touching is not overlapping)?"""
    return (a[0] < b[0] + b[2] - EPSILON and b[0] < a[0] + a[2] - EPSILON
            and a[1] < b[1] + b[3] - EPSILON and b[1] < a[1] + a[3] - EPSILON)


def _minus(r: Box, p: Box) -> list[Box]:
    """What is left of r outside p, as up to four rectangles."""
    if not _overlap(r, p):
        return [r]
    x0, y0, x1, y1 = r[0], r[1], r[0] + r[2], r[1] + r[3]
    px0, py0, px1, py1 = p[0], p[1], p[0] + p[2], p[1] + p[3]
    left = []
    if py0 > y0 + EPSILON:
        left.append((x0, y0, x1 - x0, py0 - y0))
    if py1 < y1 - EPSILON:
        left.append((x0, py1, x1 - x0, y1 - py1))
    top, bottom = max(y0, py0), min(y1, py1)
    if px0 > x0 + EPSILON:
        left.append((x0, top, px0 - x0, bottom - top))
    if px1 < x1 - EPSILON:
        left.append((px1, top, x1 - px1, bottom - top))
    return left


def covered(rect: Box, parts: list[Box]) -> bool:
    """Is `rect` wholly inside the union of `parts`?"""
    rest = [rect]
    for part in parts:
        rest = [piece for r in rest for piece in _minus(r, part)]
        if not rest:
            return True
    return False


def pieces(parts: list[Box]) -> list[list[Box]]:
    """The parts grouped into the region's separate pieces (parts that overlap or touch are
    one piece), the highest piece first."""
    root = list(range(len(parts)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i
    for i, a in enumerate(parts):
        for j in range(i + 1, len(parts)):
            b = parts[j]
            if a[0] <= b[0] + b[2] and b[0] <= a[0] + a[2] and \
                    a[1] <= b[1] + b[3] and b[1] <= a[1] + a[3]:
                root[find(i)] = find(j)
    groups: dict[int, list[Box]] = {}
    for i, part in enumerate(parts):
        groups.setdefault(find(i), []).append(part)
    return sorted(groups.values(), key=lambda g: (min(p[1] for p in g), min(p[0] for p in g)))


def _spot(parts: list[Box], obstacles: list[Box], size: tuple[float, float]) -> Box | None:
    """The highest, then leftmost, spot of `size` inside the parts clear of the obstacles."""
    w, h = size
    left = min(p[0] for p in parts)
    top = min(p[1] for p in parts)
    right = max(p[0] + p[2] for p in parts)
    bottom = max(p[1] + p[3] for p in parts)
    if w > right - left or h > bottom - top:
        return None
    near = [(o[0] - CLEAR, o[1] - CLEAR, o[2] + 2 * CLEAR, o[3] + 2 * CLEAR) for o in obstacles
            if _overlap(o, (left - CLEAR, top - CLEAR, right - left + 2 * CLEAR,
                            bottom - top + 2 * CLEAR))]
    xs = sorted({p[0] for p in parts} | {o[0] + o[2] for o in near})
    ys = sorted({p[1] for p in parts} | {o[1] + o[3] for o in near})
    for y in ys:
        if y + h > bottom + EPSILON:
            break
        band = (left, y, right - left, h)
        in_band = [o for o in near if _overlap(o, band)]
        parts_in_band = [p for p in parts if _overlap(p, band)]
        for x in xs:
            if x + w > right + EPSILON:
                break
            rect = (x, y, w, h)
            if not any(_overlap(rect, o) for o in in_band) and covered(rect, parts_in_band):
                return rect
    return None


def place_tags(parts: list[Box], obstacles: list[Box], sizes: list[tuple[float, float]],
               avoid: list[Box] = ()) -> list[tuple[Box, int]]:
    """One tag for each piece of the region made of `parts` that has room for one: (where,
    which of `sizes` fitted), trying the sizes in turn (the longest text first), each first
    clear of `avoid` too (arrows' segments: a tag may cover an arrow, better not). A piece
    with no free spot for even the last size gets none."""
    placed = []
    for piece in pieces(parts):
        for i, (w, h) in enumerate(sizes):
            room = (w + 2 * INSIDE, h + 2 * INSIDE)
            spot = (_spot(piece, [*obstacles, *avoid], room) if avoid else None) or \
                _spot(piece, obstacles, room)
            if spot is not None:
                placed.append(((spot[0] + INSIDE, spot[1] + INSIDE, w, h), i))
                break
    return placed


def segments(points: list[tuple[float, float]]) -> list[Box]:
    """A polyline's segments as (thin) rectangles, for place_tags's `avoid`."""
    return [(min(a[0], b[0]), min(a[1], b[1]), abs(a[0] - b[0]), abs(a[1] - b[1]))
            for a, b in zip(points, points[1:])]
