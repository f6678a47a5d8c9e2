"""Where a new box goes (no Qt): in its stage's column, in the first free row, where the user
can see it, without moving any other box.

The columns are those of the automatic layout (models/layout.py): referral routes on the left,
exits on the right. A model laid out by hand keeps its own columns: a stage's column is where
its boxes already are, and a stage with none yet is placed in line with the others.
"""

from __future__ import annotations

from statistics import median
from typing import Callable

from .catalogue import KINDS
from .layout import COLUMN_SPACING, ROW_SPACING
from .schema import ServiceModel

BOX = (190.0, 66.0)  # a box's width and height on the canvas (designer/canvas/items.py)
MARGIN = 20.0  # clear space kept around a new box
MAX_ROWS = 500

Rect = tuple[float, float, float, float]  # left, top, right, bottom


def column_x(model: ServiceModel, stage: int) -> float:
    """The centre x of a stage's column in this model."""
    placed = [c for c in model.components if c.position is not None]
    same = [c.position.x for c in placed if c.kind_info.stage == stage]
    if same:
        return median(same)
    by_stage: dict[int, list[float]] = {}
    for c in placed:
        by_stage.setdefault(c.kind_info.stage, []).append(c.position.x)
    if not by_stage:
        return stage * COLUMN_SPACING
    # In line with the nearest stage that has boxes, a column's width per stage away.
    nearest = min(by_stage, key=lambda s: (abs(s - stage), s))
    return median(by_stage[nearest]) + (stage - nearest) * COLUMN_SPACING


def new_box_position(model: ServiceModel, kind_id: str, visible: Rect | None = None,
                     clear: Callable[[float, float], bool] | None = None,
                     box=BOX) -> tuple[float, float]:
    """The centre of a new box of `kind_id`: its stage's column, the first free row from the
    top of the model down, preferring rows inside `visible` (the part of the canvas on screen).
    `clear` may refuse more spots (the canvas keeps new boxes out of lot regions)."""
    x = column_x(model, KINDS[kind_id].stage)
    ys = [c.position.y for c in model.components if c.position is not None]
    top = min(ys) if ys else 0.0
    if visible is not None:
        # Start from the first row on screen, in step with the model's own rows.
        first_shown = visible[1] + box[1] / 2 + MARGIN
        if first_shown > top:
            top += -(-(first_shown - top) // ROW_SPACING) * ROW_SPACING

    # Only boxes that reach into the column can be in the way: found once, not per row.
    width, height = box[0] + MARGIN, box[1] + MARGIN
    in_column = [c.position.y for c in model.components
                 if c.position is not None and abs(c.position.x - x) < width]

    def free(y: float) -> bool:
        return all(abs(other - y) >= height for other in in_column) and (
            clear is None or clear(x, y))

    # Rows on screen come first; when they are full, the next ones below (the canvas scrolls).
    rows = (top + n * ROW_SPACING for n in range(MAX_ROWS))
    return x, next((y for y in rows if free(y)), top + MAX_ROWS * ROW_SPACING)
