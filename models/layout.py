"""Automatic left-to-right layout: one column per stage, few crossings, deterministic.

Columns come from the catalogue's stages (referral routes left, exits right). Within a column,
components are ordered by the barycentre of their neighbours in the columns either side, swept
a few times left-to-right and back (the Sugiyama heuristic), with ties broken by file order so
the same model always gets the same picture.
"""

from __future__ import annotations

from .schema import ServiceModel

COLUMN_SPACING = 260.0
ROW_SPACING = 110.0
SWEEPS = 4


def layered_positions(model: ServiceModel) -> dict[str, tuple[float, float]]:
    """Position (x, y) of every component's centre."""
    columns: dict[int, list[str]] = {}
    order_in_file = {}
    for index, c in enumerate(model.components):
        columns.setdefault(c.kind_info.stage, []).append(c.id)
        order_in_file[c.id] = index
    neighbours: dict[str, list[str]] = {c.id: [] for c in model.components}
    for p in model.pathways:
        neighbours[p.source].append(p.target)
        neighbours[p.target].append(p.source)

    stages = sorted(columns)
    rank: dict[str, float] = {}
    for stage in stages:
        for row, node in enumerate(columns[stage]):
            rank[node] = row

    def reorder(stage: int, facing: set[str]) -> None:
        def barycentre(node: str) -> tuple[float, int]:
            near = [rank[n] for n in neighbours[node] if n in facing]
            return (sum(near) / len(near) if near else rank[node], order_in_file[node])
        columns[stage].sort(key=barycentre)
        for row, node in enumerate(columns[stage]):
            rank[node] = row

    for sweep in range(SWEEPS):
        sequence = stages[1:] if sweep % 2 == 0 else list(reversed(stages[:-1]))
        for stage in sequence:
            i = stages.index(stage)
            facing_stage = stages[i - 1] if sweep % 2 == 0 else stages[i + 1]
            reorder(stage, set(columns[facing_stage]))

    tallest = max((len(nodes) for nodes in columns.values()), default=0)
    positions = {}
    for stage in stages:
        nodes = columns[stage]
        offset = (tallest - len(nodes)) * ROW_SPACING / 2  # centre short columns
        for row, node in enumerate(nodes):
            positions[node] = (stage * COLUMN_SPACING, offset + row * ROW_SPACING)
    return positions


def needs_layout(model: ServiceModel) -> bool:
    return any(c.position is None for c in model.components)
