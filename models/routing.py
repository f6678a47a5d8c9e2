"""Orthogonal arrows that travel between boxes, never under them: one router for the canvas
and the printed diagram (plain Python, no Qt; points in scene units, boxes as (x, y, w, h)).

The method is the channel routing of layered drawings (Sugiyama, Tagawa and Toda 1981;
Sander, "Layout of directed hypergraphs with orthogonal hyperedges", GD 2003, as ELK layered's
OrthogonalRoutingGenerator does it), applied to whatever columns the boxes form:

1. Boxes whose x ranges overlap form a column; between columns run vertical channels (gaps),
   and inside a column the free y intervals between boxes are horizontal corridors.
2. An arrow leaves its source's side facing its target, crosses each column between them
   through a corridor (chosen by dynamic programming: little vertical travel, few bends, and
   away from corridors already busy), and enters its target's facing side.
3. In each corridor the arrows get their own tracks, ordered by where they come from and go.
4. In each gap the vertical segments are ordered so as to cross least (each inserted where it
   crosses fewest, as in ELK's crossing-minimising segment ordering), then packed into tracks:
   segments whose spans overlap never share one, so bundles stay apart.
5. Every arrow end gets its own port on its box's side, ordered by where the arrow goes next:
   no two arrows share an end point and none cross at a box.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # x, y, width, height
Point = tuple[float, float]

GAP_MARGIN = 13.0  # a gap's outer tracks keep this far from the boxes (room for arrowheads)
OUTER_STEP = 9.0  # track spacing beside the outermost columns and rows, where room is endless
CORRIDOR_MARGIN = 7.0  # a corridor's tracks keep this far from the boxes above and below
MIN_CORRIDOR = 16.0  # a narrower space between two boxes is not a corridor
BEND = 40.0  # cost of a bend, in units of vertical travel
BUSY = 30.0  # cost of each arrow already in a corridor
PORT_SPAN = (0.18, 0.82)  # the part of a box's side that ports spread over
EXACT_ORDER_LIMIT = 80  # larger gaps order their segments by a sort instead of by insertion
CANDIDATES = 3
CROSS = 40.0  # cost of each arrow a vertical would cross (second pass)
CROSSED = 10  # an arrow down a corridor counts as this many arrows already in it
BOX_SPAN = 1e4  # (bottom of a corridor is the next box's top)  # corridors tried per column above and below the straight line


@dataclass
class _Column:
    left: float
    right: float
    boxes: list[str] = field(default_factory=list)
    corridors: list[list[float]] = field(default_factory=list)  # [top, bottom], by top
    tops: list[float] = field(default_factory=list)


@dataclass
class _Edge:
    pid: str
    source: str
    target: str
    kind: str  # "forward", "backward", "loop" (same column, round a gap), "down", "up"
    gaps: list[int] = field(default_factory=list)  # gap k is right of column k
    corridors: list[tuple[int, int]] = field(default_factory=list)  # (column, corridor index)
    ys: list[float] = field(default_factory=list)  # corridor track y, one per corridor
    start: Point = (0.0, 0.0)
    end: Point = (0.0, 0.0)


def _columns(boxes: dict[str, Box]) -> tuple[list[_Column], dict[str, int]]:
    columns: list[_Column] = []
    for bid in sorted(boxes, key=lambda b: (boxes[b][0], b)):
        x, _, w, _ = boxes[bid]
        if columns and x < columns[-1].right - 0.5:
            columns[-1].right = max(columns[-1].right, x + w)
        else:
            columns.append(_Column(x, x + w))
        columns[-1].boxes.append(bid)
    where = {}
    for k, column in enumerate(columns):
        spans = sorted((boxes[b][1], boxes[b][1] + boxes[b][3]) for b in column.boxes)
        column.corridors = [[-1e9, spans[0][0]]]
        bottom = spans[0][1]
        for y0, y1 in spans[1:]:
            if y0 - bottom >= MIN_CORRIDOR:
                column.corridors.append([bottom, y0])
            bottom = max(bottom, y1)
        column.corridors.append([bottom, 1e9])
        column.tops = [c[0] for c in column.corridors]
        for b in column.boxes:
            where[b] = k
    return columns, where


def _track_y(corridor: list[float], rank: int, count: int) -> float:
    top, bottom = corridor
    if top <= -1e8:
        return bottom - CORRIDOR_MARGIN - OUTER_STEP * (count - 1 - rank)
    if bottom >= 1e8:
        return top + CORRIDOR_MARGIN + OUTER_STEP * rank
    return top + (bottom - top) * (rank + 1) / (count + 1)


def _nominal(corridor: list[float], want: float) -> float:
    top, bottom = corridor
    low, high = top + CORRIDOR_MARGIN, bottom - CORRIDOR_MARGIN
    return min(max(want, low), high)


class _Density:
    """Per gap, the vertical spans and horizontal ends of the arrows already routed: how
    many arrows a new vertical from ya to yb in that gap would cross, roughly."""

    def __init__(self):
        self.lows: dict[int, list[float]] = {}
        self.highs: dict[int, list[float]] = {}
        self.joins: dict[int, list[float]] = {}

    def _lists(self, edge: _Edge, y0: float, y1: float):
        levels = [y0, *edge.ys, y1]
        for step, gap in enumerate(edge.gaps):
            a, b = levels[step], levels[step + 1]
            yield self.lows.setdefault(gap, []), min(a, b)
            yield self.highs.setdefault(gap, []), max(a, b)
            yield self.joins.setdefault(gap, []), a
            yield self.joins.setdefault(gap, []), b

    def add(self, edge: _Edge, y0: float, y1: float) -> None:
        for values, y in self._lists(edge, y0, y1):
            bisect.insort(values, y)

    def remove(self, edge: _Edge, y0: float, y1: float) -> None:
        for values, y in self._lists(edge, y0, y1):
            del values[bisect.bisect_left(values, y)]

    def crossings(self, gap: int, ya: float, yb: float) -> int:
        lows, highs = self.lows.get(gap, ()), self.highs.get(gap, ())
        joins = self.joins.get(gap, ())

        def covering(y: float) -> int:
            return bisect.bisect_left(lows, y) - bisect.bisect_right(highs, y)
        low, high = min(ya, yb), max(ya, yb)
        between = bisect.bisect_left(joins, high) - bisect.bisect_right(joins, low) \
            if high - low > 1 else 0
        return covering(ya) + covering(yb) + between


def _choose_corridors(edge: _Edge, columns: list[_Column], y0: float, y1: float,
                      load: dict[tuple[int, int], int], density: _Density | None = None) -> None:
    """Dynamic programming over the columns the arrow crosses: which corridor in each (with
    `density`, also counting the arrows each vertical would cross)."""
    steps = [k for k in _crossed(edge)]
    if not steps:
        return

    def crossing(i: int, ya: float, yb: float) -> float:
        return CROSS * density.crossings(edge.gaps[i], ya, yb) if density else 0.0
    layers = []
    n = len(steps)
    for i, k in enumerate(steps):
        want = y0 + (y1 - y0) * (i + 1) / (n + 1)
        column = columns[k]
        spot = bisect.bisect_right(column.tops, want)
        options = range(max(0, spot - CANDIDATES), min(len(column.corridors), spot + CANDIDATES))
        layers.append([(k, c, _nominal(column.corridors[c], want)) for c in options])
    # cost[j] = (total, back pointer) for the option j of the current layer
    previous = [(abs(y - y0) + (BEND if abs(y - y0) > 1 else 0) + BUSY * load.get((k, c), 0)
                 + crossing(0, y0, y), -1) for k, c, y in layers[0]]
    pointers = [previous]
    for i in range(1, n):
        current = []
        for k, c, y in layers[i]:
            best = min(((cost + abs(y - layers[i - 1][j][2])
                         + (BEND if abs(y - layers[i - 1][j][2]) > 1 else 0)
                         + crossing(i, layers[i - 1][j][2], y), j)
                        for j, (cost, _) in enumerate(pointers[-1])))
            current.append((best[0] + BUSY * load.get((k, c), 0), best[1]))
        pointers.append(current)
    last = min(range(len(pointers[-1])),
               key=lambda j: pointers[-1][j][0] + abs(layers[-1][j][2] - y1)
               + crossing(n, layers[-1][j][2], y1))
    chosen = []
    for i in range(n - 1, -1, -1):
        chosen.append(layers[i][last])
        last = pointers[i][last][1]
    chosen.reverse()
    edge.corridors = [(k, c) for k, c, _ in chosen]
    edge.ys = [y for _, _, y in chosen]
    for key in edge.corridors:
        load[key] = load.get(key, 0) + 1


def _crossed(edge: _Edge) -> list[int]:
    """The columns an arrow crosses through corridors, in travel order."""
    if edge.kind == "forward":
        return [g + 1 for g in edge.gaps[:-1]]
    if edge.kind == "backward":
        return [g for g in edge.gaps[:-1]]
    return []


def _classify(edge: _Edge, boxes: dict[str, Box], where: dict[str, int],
              columns: list[_Column]) -> None:
    cs, ct = where[edge.source], where[edge.target]
    if cs < ct:
        edge.kind, edge.gaps = "forward", list(range(cs, ct))
    elif cs > ct:
        edge.kind, edge.gaps = "backward", list(range(cs - 1, ct - 1, -1))
    else:
        sx, sy, sw, sh = boxes[edge.source]
        tx, ty, tw, th = boxes[edge.target]
        low, high = (sy + sh, ty) if sy < ty else (ty + th, sy)
        left, right = max(sx, tx), min(sx + sw, tx + tw)
        blocked = high - low < 12 or right - left < 24 or any(
            b not in (edge.source, edge.target) and boxes[b][1] < high and
            boxes[b][1] + boxes[b][3] > low for b in columns[cs].boxes)
        if blocked:
            edge.kind, edge.gaps = "loop", [cs]  # the side is chosen by _loop_sides
        else:
            edge.kind = "down" if sy < ty else "up"


def _loop_sides(edges: list[_Edge], boxes: dict[str, Box], where: dict[str, int],
                columns: list[_Column]) -> None:
    """A pathway round the boxes of its own column goes down the side where those boxes
    have fewer arrow ends (each one it passes is a crossing)."""
    ends: dict[tuple[str, str], int] = {}
    for edge in edges:
        if edge.kind != "loop":
            s_side, t_side = _sides(edge)
            ends[(edge.source, s_side)] = ends.get((edge.source, s_side), 0) + 1
            ends[(edge.target, t_side)] = ends.get((edge.target, t_side), 0) + 1
    for edge in edges:
        if edge.kind != "loop":
            continue
        k = where[edge.source]
        y0 = boxes[edge.source][1] + boxes[edge.source][3] / 2
        y1 = boxes[edge.target][1] + boxes[edge.target][3] / 2
        low, high = min(y0, y1), max(y0, y1)
        between = [b for b in columns[k].boxes if low < boxes[b][1] + boxes[b][3] / 2 < high]
        left = sum(ends.get((b, "left"), 0) for b in between)
        right = sum(ends.get((b, "right"), 0) for b in between)
        if left < right:
            edge.kind, edge.gaps = "loop-left", [k - 1]


def _sides(edge: _Edge) -> tuple[str, str]:
    return {"forward": ("right", "left"), "backward": ("left", "right"),
            "loop": ("right", "right"), "loop-left": ("left", "left"),
            "down": ("bottom", "top"), "up": ("top", "bottom")}[edge.kind]


def route_pathways(boxes: dict[str, Box],
                   pathways: list[tuple[str, str, str]]) -> dict[str, list[Point]]:
    """An orthogonal polyline per pathway id (source, target ids), from the source box's
    side to the target box's side. Pathways to themselves or to unknown boxes get none."""
    if not boxes:
        return {}
    columns, where = _columns(boxes)
    edges = [_Edge(pid, s, t, "") for pid, s, t in pathways
             if s != t and s in boxes and t in boxes]
    for edge in edges:
        _classify(edge, boxes, where, columns)
    _loop_sides(edges, boxes, where, columns)

    def centre_y(b: str) -> float:
        return boxes[b][1] + boxes[b][3] / 2
    load: dict[tuple[int, int], int] = {}
    # An arrow straight down (or up) between two boxes of a column crosses every track in
    # the corridor it passes: long arrows go round those corridors where they can.
    for edge in edges:
        if edge.kind in ("down", "up"):
            k = where[edge.source]
            upper, lower = sorted((boxes[edge.source], boxes[edge.target]), key=lambda r: r[1])
            for c, (top, bottom) in enumerate(columns[k].corridors):
                if top >= upper[1] + upper[3] - 1 and bottom <= lower[1] + 1:
                    load[(k, c)] = load.get((k, c), 0) + CROSSED
    # Short arrows first: they have the fewest choices; long ones then go round the busy.
    order = sorted(edges, key=lambda e: (len(e.gaps), e.pid))
    for edge in order:
        _choose_corridors(edge, columns, centre_y(edge.source), centre_y(edge.target), load)
    # Second pass, as in rip-up and reroute: each long arrow chooses again, now counting the
    # arrows its verticals would cross where the others went.
    density = _Density()
    for edge in edges:
        density.add(edge, centre_y(edge.source), centre_y(edge.target))
    for edge in order:
        if len(edge.gaps) < 2:
            continue
        y0, y1 = centre_y(edge.source), centre_y(edge.target)
        density.remove(edge, y0, y1)
        for key in edge.corridors:
            load[key] -= 1
        _choose_corridors(edge, columns, y0, y1, load, density)
        density.add(edge, y0, y1)
    _assign_corridor_tracks(edges, columns, boxes)
    _assign_ports(edges, boxes)
    xs = _assign_gap_tracks(edges, columns)
    return {edge.pid: _polyline(n, edge, xs) for n, edge in enumerate(edges)}


def _assign_corridor_tracks(edges: list[_Edge], columns: list[_Column],
                            boxes: dict[str, Box]) -> None:
    users: dict[tuple[int, int], list[tuple[float, int, int]]] = {}
    for n, edge in enumerate(edges):
        ys = edge.ys
        before = [boxes[edge.source][1] + boxes[edge.source][3] / 2, *ys]
        after = [*ys[1:], boxes[edge.target][1] + boxes[edge.target][3] / 2]
        for i, key in enumerate(edge.corridors):
            users.setdefault(key, []).append((before[i] + after[i], n, i))
    for (k, c), found in users.items():
        found.sort()
        corridor = columns[k].corridors[c]
        for rank, (_, n, i) in enumerate(found):
            edges[n].ys[i] = _track_y(corridor, rank, len(found))


def _first_turn(edge: _Edge, boxes: dict[str, Box], at_source: bool) -> float:
    """Where an arrow heads after leaving this end: the coordinate along the box's side that
    orders the ports on it."""
    vertical = edge.kind in ("down", "up")
    other = edge.target if at_source else edge.source
    ox, oy, ow, oh = boxes[other]
    if vertical:
        return ox + ow / 2
    if edge.ys:
        return edge.ys[0] if at_source else edge.ys[-1]
    return oy + oh / 2


def _assign_ports(edges: list[_Edge], boxes: dict[str, Box]) -> None:
    sides: dict[tuple[str, str], list[tuple[float, float, int, bool]]] = {}
    for n, edge in enumerate(edges):
        s_side, t_side = _sides(edge)
        # loops: the arrow's two ends on one side, source above target when going down
        sides.setdefault((edge.source, s_side), []).append(
            (_first_turn(edge, boxes, True), 0.0, n, True))
        sides.setdefault((edge.target, t_side), []).append(
            (_first_turn(edge, boxes, False), 1.0, n, False))
    for (bid, side), ends in sides.items():
        x, y, w, h = boxes[bid]
        ends.sort()
        count = len(ends)
        for i, (_, _, n, at_source) in enumerate(ends):
            f = 0.5 if count == 1 else PORT_SPAN[0] + (PORT_SPAN[1] - PORT_SPAN[0]) * i / (count - 1)
            point = {"left": (x, y + h * f), "right": (x + w, y + h * f),
                     "top": (x + w * f, y), "bottom": (x + w * f, y + h)}[side]
            if at_source:
                edges[n].start = point
            else:
                edges[n].end = point


@dataclass
class _Segment:
    n: int  # edge index
    step: int  # which of the edge's gaps
    low: float
    high: float
    joins: tuple[tuple[float, str], ...]  # (y, side of the gap the horizontal comes from)


def _gap_segments(edges: list[_Edge]) -> dict[int, list[_Segment]]:
    found: dict[int, list[_Segment]] = {}
    for n, edge in enumerate(edges):
        if edge.kind in ("down", "up"):
            continue
        levels = [edge.start[1], *edge.ys, edge.end[1]]
        for step, gap in enumerate(edge.gaps):
            a, b = levels[step], levels[step + 1]
            if edge.kind == "forward":
                joins = ((a, "L"), (b, "R"))
            elif edge.kind == "backward":
                joins = ((a, "R"), (b, "L"))
            elif edge.kind == "loop":
                joins = ((a, "L"), (b, "L"))
            else:
                joins = ((a, "R"), (b, "R"))
            found.setdefault(gap, []).append(_Segment(n, step, min(a, b), max(a, b), joins))
    return found


def _cost(a: _Segment, b: _Segment) -> int:
    """Crossings when `a` runs left of `b`: a's horizontals to the right pass b's vertical,
    b's horizontals to the left pass a's."""
    return (sum(1 for y, side in a.joins if side == "R" and b.low < y < b.high)
            + sum(1 for y, side in b.joins if side == "L" and a.low < y < a.high))


def _order(segments: list[_Segment]) -> list[_Segment]:
    def key(s: _Segment):
        (ya, sa), (yb, _) = s.joins
        down = yb > ya if sa == "L" else ya > yb
        return (0, -s.high) if down else (1, s.low)
    start = sorted(segments, key=key)
    if len(start) > EXACT_ORDER_LIMIT:
        return start
    order: list[_Segment] = []
    for s in start:
        # crossings with s at position p: those before it pay cost(q, s), after it cost(s, q)
        after = [_cost(s, q) for q in order]
        before = [_cost(q, s) for q in order]
        total = sum(after)
        best, best_at = total, 0
        for p in range(len(order)):
            total += before[p] - after[p]
            if total < best:
                best, best_at = total, p + 1
        order.insert(best_at, s)
    return order


def _assign_gap_tracks(edges: list[_Edge], columns: list[_Column]) -> dict[tuple[int, int], float]:
    xs: dict[tuple[int, int], float] = {}
    for gap, segments in _gap_segments(edges).items():
        straight = [s for s in segments if s.high - s.low < 0.5 and
                    {side for _, side in s.joins} == {"L", "R"}]
        for s in straight:
            xs[(s.n, s.step)] = None  # no vertical: the arrow runs straight across
        placed: list[tuple[_Segment, int]] = []
        for s in _order([s for s in segments if s not in straight]):
            track = 1 + max((t for q, t in placed if q.low - 4 < s.high and s.low < q.high + 4
                             and (q.n != s.n)), default=-1)
            placed.append((s, track))
        count = 1 + max((t for _, t in placed), default=-1)
        left = columns[gap].right if gap >= 0 else columns[0].left - OUTER_STEP * (count + 1)
        right = columns[gap + 1].left if gap + 1 < len(columns) else \
            columns[-1].right + OUTER_STEP * (count + 1)
        margin = min(GAP_MARGIN, (right - left) / 3)
        for s, track in placed:
            xs[(s.n, s.step)] = left + margin + (right - left - 2 * margin) * (track + 1) / (count + 1)
    return xs


def _polyline(n: int, edge: _Edge, xs: dict[tuple[int, int], float | None]) -> list[Point]:
    points = [edge.start]
    if edge.kind in ("down", "up"):
        (x0, y0), (x1, y1) = edge.start, edge.end
        if abs(x0 - x1) > 0.5:
            middle = (y0 + y1) / 2
            points += [(x0, middle), (x1, middle)]
        points.append(edge.end)
        return points
    levels = [edge.start[1], *edge.ys, edge.end[1]]
    for step in range(len(edge.gaps)):
        x = xs.get((n, step))
        if x is not None:
            points += [(x, levels[step]), (x, levels[step + 1])]
    points.append(edge.end)
    return _simplified(points)


def _simplified(points: list[Point]) -> list[Point]:
    out = [points[0]]
    for p in points[1:]:
        if abs(p[0] - out[-1][0]) < 1e-6 and abs(p[1] - out[-1][1]) < 1e-6:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < 1e-6 and abs(b[0] - p[0]) < 1e-6) or \
                    (abs(a[1] - b[1]) < 1e-6 and abs(b[1] - p[1]) < 1e-6):
                out[-1] = p
                continue
        out.append(p)
    return out
