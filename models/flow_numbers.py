"""Where the people-a-year numbers go on a flow diagram's arrows: the pathway label placer
(models/labels.py) with the boxes and what else is drawn there (pathway labels, capacity bars,
lot tags placed first) as things to keep clear of, each number clear of the others too. One
rule for the window's Flow view and the printed flow diagram.

An arrow too short for its number between two stacked boxes (the window's bar under the upper
box fills the gap) gets it beside the boxes instead, level with the arrow's middle, with the
point on the arrow it belongs to, for a leader line."""

from __future__ import annotations

from .labels import Box, Point, place_labels

PAD = 2.0
STEP = 6.0
FARTHEST = 320.0  # a number further aside than this reads as another arrow's: left where it was


def place_numbers(boxes: dict[str, Box], keep_clear: list[Box],
                  routes: dict[str, list[Point]], sizes: dict[str, list[tuple[float, float]]]
                  ) -> dict[str, tuple[Box, int, Point | None]]:
    """Per pathway id in `sizes`: its number's rectangle, which of its sizes it took (the
    number with its words first, then shorter settings where that finds no clear spot), and
    the point on its arrow for a leader line where it had to go aside (else None)."""
    obstacles: dict = dict(boxes)
    # tuple keys: they cannot clash with a component id from the file
    obstacles.update({("keep clear", i): rect for i, rect in enumerate(keep_clear)})
    placed = {pid: (rect, option, None)
              for pid, (rect, option) in place_labels(obstacles, routes, sizes).items()}
    solid = list(obstacles.values())
    for pid, (rect, option, _) in list(placed.items()):
        others = [r for other, (r, _, _) in placed.items() if other != pid]
        if not any(_overlap(rect, r) for r in solid + others):
            continue
        w, h = sizes[pid][-1]
        aside = _aside(routes[pid], w, h, solid + others)
        if aside is not None:
            placed[pid] = (aside[0], len(sizes[pid]) - 1, aside[1])
    return placed


def _overlap(a: Box, b: Box) -> bool:
    return a[0] - PAD < b[0] + b[2] and b[0] - PAD < a[0] + a[2] and \
        a[1] - PAD < b[1] + b[3] and b[1] - PAD < a[1] + a[3]


def _aside(points: list[Point], w: float, h: float, taken: list[Box]
           ) -> tuple[Box, Point] | None:
    """The nearest clear spot sideways from the middle of the arrow's longest stretch."""
    a, b = max(zip(points, points[1:]), key=lambda s: abs(s[0][0] - s[1][0])
               + abs(s[0][1] - s[1][1]))
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    vertical = abs(a[0] - b[0]) < abs(a[1] - b[1])
    reach = FARTHEST + w + h
    near = [r for r in taken if _overlap((mx - reach, my - reach, 2 * reach, 2 * reach), r)]
    d = STEP
    while d <= FARTHEST:
        if vertical:
            spots = [(mx + d, my - h / 2, w, h), (mx - d - w, my - h / 2, w, h)]
        else:
            spots = [(mx - w / 2, my - d - h, w, h), (mx - w / 2, my + d, w, h)]
        for spot in spots:
            if not any(_overlap(spot, r) for r in near):
                return spot, (mx, my)
        d += STEP
    return None
