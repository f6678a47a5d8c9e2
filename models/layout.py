"""Automatic left-to-right layout: one column per stage, few crossings, lots kept whole.

The layered method of Sugiyama, Tagawa and Toda (1981), with clusters as in Forster's
"Applying crossing reduction strategies to layered compound graphs" (GD 2002):

1. Columns come from the catalogue's stages (referral routes left, exits right). A pathway
   that spans several columns gets a placeholder in each column between, so it has a slot to
   pass through (the router, models/routing.py, finds the room there).
2. Within a column, components are ordered by the barycentre of their neighbours in the
   column either side, swept left-to-right and back, keeping the order with fewest crossings.
   Clusters are sorted as one: each council's components stay together (multi-council
   models), and within it each lot's members of the active plan, so a lot is one region.
3. Heights: each component moves towards the mean height of its neighbours, keeping its order
   and spacing (isotonic regression, pool-adjacent-violators), so arrows run level; on the canvas grid.
Ties are broken by file order so the same model always gets the same picture.
"""

from __future__ import annotations

import random

from .schema import ServiceModel

COLUMN_SPACING = 300.0
ROW_SPACING = 110.0
GRID = 20.0  # the canvas snaps boxes to this grid: positions land on it
SLOT_SPACING = 24.0  # a placeholder of a long pathway (room for its track)
SWEEPS = 8
SMOOTHING = 4  # passes of the height adjustment
BESIDE_WEIGHTS = (3, 2, 4)  # crossings a pathway within a column makes per box it passes
TRANSPOSE_LIMIT = 3000
RESTARTS = 72  # starting orders tried on a small model
RESTART_BUDGET = 1600  # components laid out in all, over every block's restarts
PROPAGATION = 6  # passes spreading councils to components with no locality
MIN_COUNCIL = 5  # components; smaller groups are laid out together as one more block
RESTART_LIMIT = 120  # components; larger models take the first  # larger models skip the (quadratic) swapping of neighbours


def _councils(model: ServiceModel) -> dict[str, int]:
    """Components sharing a locality belong to one council; those with none go with the
    council of their first neighbour that has one (or a council of their own)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for c in model.components:
        for loc in c.localities[1:]:
            parent[find("loc:" + loc)] = find("loc:" + c.localities[0])
    group: dict[str, str] = {c.id: find("loc:" + c.localities[0]) for c in model.components
                             if c.localities}
    for _ in range(PROPAGATION):  # referral routes and exits: through their neighbours
        before = len(group)
        for p in model.pathways:
            for a, b in ((p.source, p.target), (p.target, p.source)):
                if a not in group and b in group:
                    group[a] = group[b]
        if len(group) == before:
            break
    numbers: dict[str, int] = {}
    return {c.id: numbers.setdefault(group.get(c.id), len(numbers))
            for c in model.components}


def _crossings(upper: list, lower_rank: dict, down: dict) -> int:
    """Crossings between a column and the next (a Fenwick tree over the edge ends)."""
    ends = [lower_rank[t] for node in upper for t in sorted(down[node], key=lower_rank.get)]
    size = len(lower_rank) + 1
    tree = [0] * (size + 1)
    count = 0
    for seen, end in enumerate(ends):
        i, below = end + 1, 0
        while i > 0:
            below += tree[i]
            i -= i & -i
        count += seen - below
        i = end + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return count


def layered_positions(model: ServiceModel) -> dict[str, tuple[float, float]]:
    """Position (x, y) of every component's centre. On a multi-council model each council
    is laid out on its own and the councils placed side by side in a grid (columns still
    line up), so each council reads as one block."""
    council = _councils(model)
    plan = model.plan()
    lot_of = {m: lot.id for lot in (plan.lots if plan else []) for m in lot.components}
    groups: dict[int, list] = {}
    for c in model.components:
        groups.setdefault(council[c.id], []).append(c)
    small = [c for g in groups.values() if len(g) < MIN_COUNCIL for c in g]
    blocks = [g for g in groups.values() if len(g) >= MIN_COUNCIL]
    if small:
        blocks.append(small)
    # restarts share one budget, so a national model is laid out about as fast as before
    tries = max(1, min(RESTARTS, RESTART_BUDGET // max(1, len(model.components))))
    if len(blocks) - bool(small) <= 1:  # one council (and a few strays): one layout
        return _best_layered(model.components, model.pathways, lot_of, council, tries)
    # Each block's own pathways (both ends in it), sorted out in one pass: filtering every
    # pathway for every block was most of a national model's layout (455 blocks x 18,000).
    block_of = {c.id: i for i, members in enumerate(blocks) for c in members}
    inside: list[list] = [[] for _ in blocks]
    for p in model.pathways:
        i = block_of.get(p.source)
        if i is not None and block_of.get(p.target) == i:
            inside[i].append(p)
    return _grid([_best_layered(members, pathways, lot_of, council, tries)
                  for members, pathways in zip(blocks, inside)])


def _grid(blocks: list[dict]) -> dict[str, tuple[float, float]]:
    """Blocks of positions in rows, about half as wide again as high (a landscape page);
    block widths are whole columns, so each stage's columns line up down the page."""
    stages = max(round(x / COLUMN_SPACING) for b in blocks for x, _ in b.values()) + 2
    width = stages * COLUMN_SPACING
    heights = [max(y for _, y in b.values()) + 2 * ROW_SPACING for b in blocks]
    mean = sum(heights) / len(heights)
    n = len(blocks)
    across = min(range(1, n + 1), key=lambda k: abs(k * width / (-(-n // k) * mean) - 1.5))
    positions, top = {}, 0.0
    for row in range(0, n, across):
        for i, block in enumerate(blocks[row:row + across]):
            for cid, (x, y) in block.items():
                positions[cid] = (x + i * width, y + top)
        top += max(heights[row:row + across])
    return positions


def _best_layered(components: list, pathways: list, lot_of: dict, council: dict,
                  tries: int) -> dict[str, tuple[float, float]]:
    """A block of ordinary size is laid out from several starting orders (the first is
    file order; the others are seeded, so the picture is still the same every time), and
    the one whose routed arrows cross least (models/routing.py, as drawn) is kept."""
    best = _layered(components, pathways, lot_of, council, 0)
    if tries <= 1 or len(components) > RESTART_LIMIT:
        return best
    from .diagram_measures import crossings
    from .geometry import BOX_H, BOX_W
    from .routing import route_pathways

    ends = [(p.id, p.source, p.target) for p in pathways]

    def score(positions) -> int:
        boxes = {cid: (x - BOX_W / 2, y - BOX_H / 2, BOX_W, BOX_H)
                 for cid, (x, y) in positions.items()}
        return crossings([{"points": points} for points in route_pathways(boxes, ends).values()])
    best_score = score(best)
    for seed in range(1, tries):
        if best_score == 0:
            break
        trial = _layered(components, pathways, lot_of, council, seed)
        found = score(trial)
        if found < best_score:
            best, best_score = trial, found
    return best


def _layered(components: list, pathways: list, lot_of: dict, council: dict,
             seed: int) -> dict[str, tuple[float, float]]:
    shuffle = random.Random(seed)
    drawn: dict = {}

    def draw(key) -> float:  # one random place per cluster, so clusters start shuffled too
        return drawn.setdefault(key, shuffle.random())
    # restarts also vary how much a pathway within a column counts against its detour
    beside_weight = BESIDE_WEIGHTS[seed % len(BESIDE_WEIGHTS)]
    stage = {c.id: c.kind_info.stage for c in components}
    file_order = {c.id: i for i, c in enumerate(components)}
    # cluster keys: (council, lot) per node; placeholders take their pathway's if shared
    cluster: dict = {cid: (council[cid], lot_of.get(cid, cid)) for cid in stage}
    columns: dict[int, list] = {}
    for c in components:
        columns.setdefault(stage[c.id], []).append(c.id)
    down: dict = {cid: [] for cid in stage}  # towards higher stages
    up: dict = {cid: [] for cid in stage}
    beside: dict = {cid: [] for cid in stage}  # pathways within a column
    for p in pathways:
        if p.source in stage and p.target in stage and p.source != p.target and \
                stage[p.source] == stage[p.target]:
            beside[p.source].append(p.target)
            beside[p.target].append(p.source)
        if p.source not in stage or p.target not in stage or stage[p.source] == stage[p.target]:
            continue
        a, b = sorted((p.source, p.target), key=stage.get)
        chain = [a]
        for s in range(stage[a] + 1, stage[b]):
            slot = ("slot", p.id, s)
            same = cluster[a] if cluster[a] == cluster[b] else (council[a], f"~{p.id}/{s}")
            cluster[slot], file_order[slot] = same, file_order[a] + 0.5
            columns[s].append(slot) if s in columns else columns.setdefault(s, [slot])
            down[slot], up[slot], beside[slot] = [], [], []
            chain.append(slot)
        chain.append(b)
        for x, y in zip(chain, chain[1:]):
            down[x].append(y)
            up[y].append(x)
    stages = sorted(columns)
    for s in stages:
        columns[s].sort(key=lambda n: (cluster[n], file_order[n]) if not seed else
                        (cluster[n][0], draw(cluster[n]), shuffle.random()))
    rank = {n: i for s in stages for i, n in enumerate(columns[s])}

    def reorder(s: int, facing: dict) -> None:
        bary = {}
        for n in columns[s]:
            near = [rank[m] for m in facing[n]]
            bary[n] = sum(near) / len(near) if near else rank[n]

        def mean(key_of) -> dict:
            total: dict = {}
            for n in columns[s]:
                k = key_of(n)
                t = total.setdefault(k, [0.0, 0])
                t[0] += bary[n]
                t[1] += 1
            return {k: t[0] / t[1] for k, t in total.items()}
        by_council = mean(lambda n: cluster[n][0])
        by_lot = mean(lambda n: cluster[n])
        columns[s].sort(key=lambda n: (by_council[cluster[n][0]], cluster[n][0],
                                       by_lot[cluster[n]], str(cluster[n][1]), bary[n],
                                       file_order[n]))
        for i, n in enumerate(columns[s]):
            rank[n] = i

    def total_crossings() -> int:
        around = sum(abs(rank[u] - rank[w]) - 1 for u in stage for w in beside[u]) // 2
        return beside_weight * around + sum(
            _crossings(columns[a], {n: i for i, n in enumerate(columns[b])}, down)
            for a, b in zip(stages, stages[1:]))
    def pair_crossings(u, v, facing: dict) -> int:
        """Crossings between u's and v's edges to a facing column with u above v."""
        return sum(1 for a in facing[u] for b in facing[v] if rank[a] > rank[b])

    def transpose(s: int) -> None:
        """Swap neighbours within a cluster (or two lone nodes) while that removes
        crossings on both sides: the 'transpose' step of Gansner et al. (1993)."""
        col = columns[s]
        sizes: dict = {}
        for n in col:
            sizes[cluster[n]] = sizes.get(cluster[n], 0) + 1
        improved = True
        while improved:
            improved = False
            for i in range(len(col) - 1):
                u, v = col[i], col[i + 1]
                if cluster[u] != cluster[v] and (sizes[cluster[u]] > 1 or sizes[cluster[v]] > 1):
                    continue
                now = pair_crossings(u, v, up) + pair_crossings(u, v, down)
                swapped = pair_crossings(v, u, up) + pair_crossings(v, u, down)
                # a pathway within the column goes round every box between its ends
                longer = sum(1 for w in beside[u] if w != v and rank[w] < i) + \
                    sum(1 for w in beside[v] if w != u and rank[w] > i + 1)
                shorter = sum(1 for w in beside[u] if w != v and rank[w] > i + 1) + \
                    sum(1 for w in beside[v] if w != u and rank[w] < i)
                swapped += beside_weight * (longer - shorter)
                if swapped < now:
                    col[i], col[i + 1] = v, u
                    rank[u], rank[v] = i + 1, i
                    improved = True

    best = (total_crossings(), {s: list(columns[s]) for s in stages})
    for sweep in range(SWEEPS):
        if sweep % 2 == 0:
            for s in stages[1:]:
                reorder(s, up)
        else:
            for s in reversed(stages[:-1]):
                reorder(s, down)
        if len(rank) <= TRANSPOSE_LIMIT:
            for s in stages:
                transpose(s)
        found = total_crossings()
        if found < best[0]:
            best = (found, {s: list(columns[s]) for s in stages})
    columns = best[1]

    y = _heights(columns, stages, up, down)
    return {n: (stage[n] * COLUMN_SPACING, y[n]) for s in stages for n in columns[s]
            if not isinstance(n, tuple)}


def _gap(a, b) -> float:
    return SLOT_SPACING if isinstance(a, tuple) or isinstance(b, tuple) else ROW_SPACING


def _heights(columns: dict, stages: list, up: dict, down: dict) -> dict:
    """Stacked columns (centred), then each node pulled towards its neighbours' mean height
    while keeping its column's order and spacing; rounded to the canvas grid."""
    y = {}
    tallest = max((sum(_gap(a, b) for a, b in zip(col, col[1:])) for col in columns.values()),
                  default=0.0)
    for s in stages:
        col = columns[s]
        height = sum(_gap(a, b) for a, b in zip(col, col[1:]))
        at = (tallest - height) / 2
        for i, n in enumerate(col):
            if i:
                at += _gap(col[i - 1], n)
            y[n] = at
    for sweep in range(SMOOTHING):
        order = stages if sweep % 2 == 0 else list(reversed(stages))
        for s in order:
            col = columns[s]
            wanted = []
            for n in col:
                near = [y[m] for m in (*up[n], *down[n])]
                wanted.append(sum(near) / len(near) if near else y[n])
            offsets = [0.0]
            for a, b in zip(col, col[1:]):
                offsets.append(offsets[-1] + _gap(a, b))
            fitted = _isotonic([w - o for w, o in zip(wanted, offsets)])
            for n, value, offset in zip(col, fitted, offsets):
                y[n] = value + offset
    top = min(y.values(), default=0.0)
    return {n: round((v - top) / GRID) * GRID for n, v in y.items()}


def _isotonic(values: list[float]) -> list[float]:
    """The non-decreasing sequence nearest to `values` (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, count]
    for v in values:
        blocks.append([v, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, c2 = blocks.pop()
            m1, c1 = blocks.pop()
            blocks.append([(m1 * c1 + m2 * c2) / (c1 + c2), c1 + c2])
    out = []
    for mean, count in blocks:
        out += [mean] * count
    return out


def needs_layout(model: ServiceModel) -> bool:
    return any(c.position is None for c in model.components)
