"""The lot pack's demand and capacity content (models.flow): a page of its own after the
coverage checks, and each lot's rows on its lot page. Text and tables only; the figures and
their wording come from models.flow_table, as in the window and the command line."""

from __future__ import annotations

from PySide6.QtGui import QColor

from models.flow import FlowResult
from models.flow_table import COLUMN_NOTES, COLUMNS, cells, component_rows, summary_lines
from models.schema import Lot, ServiceModel

from .layout import Block, Heading, Paragraph, Table

WIDTHS = [3.2, 1.3, 1.2, 1.4, 1.2, 1.3, 1.5, 1.3]
OVER = QColor("#e6e6e6")  # a light grey behind rows over capacity; the word OVER says it too


def _table(first: str, rows: list) -> Table:
    body = [cells(r) for r in rows]
    fills = {i: OVER for i, r in enumerate(rows) if "OVER" in cells(r)[3]}
    return Table([first, *(c.title for c in COLUMNS[1:])], body, WIDTHS, row_fills=fills)


def demand_blocks(model: ServiceModel, result: FlowResult, maximum) -> list[Block]:
    blocks: list[Block] = [Paragraph(line, 10) for line in summary_lines(result, model, maximum)]
    blocks.append(_table("Component", component_rows(model, result)))
    if result.lots:
        blocks += [Heading("Each lot"), _table("Lot", result.lots)]
    if result.cohorts:
        blocks += [Heading("Each cohort (the services serving it)"),
                   _table("Cohort", result.cohorts)]
    notes = "; ".join(f"{title}: {text}" for title, text in COLUMN_NOTES.items())
    blocks.append(Paragraph(f"{notes}. Steady-state annual averages: queues and variation "
                            "through the year are not modelled. '-': not entered.", 8,
                            italic=True))
    return blocks


def lot_blocks(model: ServiceModel, lot: Lot, result: FlowResult) -> list[Block]:
    """The lot's own rows, for its lot page."""
    if not result.known:
        return []
    members = set(lot.components)
    rows = [r for r in component_rows(model, result) if r.id in members]
    total = next((t for t in result.lots if t.id == lot.id), None)
    blocks: list[Block] = [Heading("Demand and capacity")]
    if total is not None and total.entering is not None:
        blocks.append(Paragraph(f"About {total.entering:,.0f} people a year come into this "
                                "lot's services.", 9))
    blocks.append(_table("Component", rows + ([total] if total is not None else [])))
    return blocks
