"""The lot pack's demand and capacity content (models.flow): its own pages after the coverage
checks (the flow diagram, the summary and the tables), and each lot's rows on its lot page.
The figures and their wording come from models.flow_table, as in the window and the command
line; the diagram from flow_diagram.py."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

from models.flow import FlowResult
from models.flow_table import (COHORT_ROWS, COLUMN_NOTES, COLUMNS, LOT_ROWS, cells, component_rows,
                               summary_lines)
from models.schema import Lot, ServiceModel

from .flow_diagram import FlowDrawing, flow_graphic, flow_key
from .layout import GAP, PT, Block, Heading, Paragraph, Table
from .pack_diagram import DiagramBlocks

READABLE_PT = 7.0  # names on the flow diagram print at least this large where a page allows

WIDTHS = [3.2, 1.3, 1.2, 1.4, 1.2, 1.3, 1.5, 1.3]
OVER = QColor("#e6e6e6")  # a light grey behind rows over capacity; the word OVER says it too


def _table(first: str, rows: list) -> Table:
    body = [cells(r) for r in rows]
    fills = {i: OVER for i, r in enumerate(rows) if "OVER" in cells(r)[3]}
    return Table([first, *(c.title for c in COLUMNS[1:])], body, WIDTHS, row_fills=fills,
                 right_columns=tuple(i for i, c in enumerate(COLUMNS) if c.numeric))


def demand_blocks(model: ServiceModel, result: FlowResult, maximum, diagrams: DiagramBlocks,
                  content: QRectF, turned: QRectF | None = None
                  ) -> tuple[list[Block], list[Block] | None]:
    """The summary, the flow diagram and the tables for pages of `content`; and, apart, the
    diagram with its keys and the summary for a turned page (`turned`: the content of a
    landscape page on portrait paper) when the portrait page would print the diagram's names
    under 7 pt and the turned one prints them larger (else None). The diagram follows the
    summary on its page when its names print at 7 pt or more there (or it keeps the size the
    page's width gives it); else it takes the page alone, as large as the page allows."""
    summary = [Together([Paragraph(line, 10) for line in summary_lines(result, model, maximum)])]
    drawing = FlowDrawing(diagrams.diagram, diagrams.plan, result)
    tables = [_table("Component", component_rows(model, result))]
    if result.lots:
        tables += [Heading(LOT_ROWS),
                   _table("Lot", result.lots)]
    if result.cohorts:
        tables += [Heading(COHORT_ROWS),
                   _table("Cohort", result.cohorts)]
    notes = "; ".join(f"{title}: {text}" for title, text in COLUMN_NOTES.items())
    tables.append(Paragraph(f"{notes}. Steady-state annual averages: queues and variation "
                            "through the year are not modelled. '-': not entered.", 8,
                            italic=True))
    if turned is not None and _turn(drawing, content, turned):
        figure = _with_diagram(drawing, diagrams, turned, summary)
        if figure[0] is not summary[0]:  # the diagram alone: the summary heads the tables
            return summary + tables, figure[:-len(summary)]
        return tables, figure
    return _with_diagram(drawing, diagrams, content, summary) + tables, None


def _turn(drawing: FlowDrawing, content: QRectF, turned: QRectF) -> bool:
    """Whether the diagram, as wide as it may be, prints its names larger on the turned page,
    and under 7 pt upright (Luton's at 5.1 pt on portrait A4, 7.2 pt turned)."""
    def largest(page: QRectF) -> float:
        return drawing.name_points(page.height(), page.width())
    upright = largest(content)
    return upright < READABLE_PT and largest(turned) > upright


class Together(Block):
    """Paragraphs kept on one page, and with the start of what follows (the summary over its
    table): one sentence of it alone at the foot of a page reads as if the rest were lost."""
    keep_with_next = True

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks

    def height(self, width: float) -> float:
        return sum(b.height(width) for b in self.blocks) + GAP * (len(self.blocks) - 1)

    def paint(self, painter: QPainter, rect: QRectF) -> None:
        y = rect.top()
        for block in self.blocks:
            h = block.height(rect.width())
            block.paint(painter, QRectF(rect.left(), y, rect.width(), h))
            y += h + GAP


def _with_diagram(drawing: FlowDrawing, diagrams: DiagramBlocks, content: QRectF,
                  summary: list[Block]) -> list[Block]:
    """The summary and the flow diagram (with the key of shortened names and its own key),
    the diagram first when it needs the page to itself (see demand_blocks)."""
    width = content.width()
    names = diagrams.names_key()
    under = [b for b in (names, flow_key()) if b is not None]
    under_h = sum(b.height(width) + GAP for b in under) + PT  # rounding slack
    natural = width * drawing.source.height() / drawing.source.width()  # as wide as the page
    left = content.height() - sum(b.height(width) + GAP for b in summary) - under_h - GAP
    if left >= natural or (left > 0 and drawing.name_points(left, width) >= READABLE_PT):
        return summary + [flow_graphic(drawing, min(left, natural)), *under]
    alone = min(natural, content.height() - under_h)
    return [flow_graphic(drawing, alone), *under, *summary]


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
    if total is not None:
        # Named as the total it is: under the lot's own name it read as one more service, and
        # its people a year (a person in two services counted in each) as the lot's people.
        total = replace(total, name=f"All of lot {lot.code} (a person in two of its services "
                                    "counts in each)")
    blocks.append(_table("Component", rows + ([total] if total is not None else [])))
    return blocks
