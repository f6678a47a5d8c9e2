"""The lot pack: overview, one page per lot, coverage and options pages, on any paged device.

`LotPack(model, options)` lays out every page once (so each knows "Page N of M"), and
`paint_page(painter, device_width, index)` draws one page in full-page coordinates. PDF
(QPdfWriter), printing and print preview (QPrinter) go through `paint_pages`; SVG and PNG write
one file per page through the same `paint_page`, so every output shows the same pages.

LotPack only orders and flows the pages; their parts live apart: the sections' text and tables
in sections.py (with flow_page.py and procurement_page.py), the diagram's blocks in
pack_diagram.py (the flow diagram's in flow_diagram.py), the taped sheets at a scale in sheets.py, and what frames every page (header,
title block, page number) in page_frame.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPagedPaintDevice, QPainter

from models.checks import run_checks
from models.flow import maximum_flow, run_flow
from models.funding import funding_position
from models.schema import Lot, LotPlan, ServiceModel

from . import flow_page, procurement_page
from .diagram import Diagram, layout_diagram
from .layout import GAP, PT, Heading, Page, flow
from .pack_diagram import DiagramBlocks
from .page_frame import PageFrame
from .sections import PackSections
from .sheets import sheets

PAPERS = {"A4": QPageSize.A4, "A3": QPageSize.A3}
PNG_DPI = 150
# The appraisal table's text and cell padding (points), roomiest first.
APPRAISAL_STEPS = ((8.5, 3.0), (8.0, 2.0), (7.5, 2.0), (7.0, 2.0))
READABLE_PT = 7.0  # the overview shrinks its diagram for the legends only down to this


@dataclass
class PackOptions:
    plan_id: str | None = None  # the active plan when None
    paper: str = "A4"
    landscape: bool = True  # the diagram runs left to right
    margins_mm: float = 12.0
    scale_percent: float | None = None  # None: the overview diagram fits one page
    overlap_mm: float = 10.0
    lot_id: str | None = None  # only this lot's pages (export of the current lot)
    printed_on: date = field(default_factory=date.today)

    def page_layout(self) -> QPageLayout:
        m = self.margins_mm
        return QPageLayout(QPageSize(PAPERS[self.paper]),
                           QPageLayout.Landscape if self.landscape else QPageLayout.Portrait,
                           QMarginsF(m, m, m, m), QPageLayout.Millimeter)


def options_from_layout(layout: QPageLayout, **kwargs) -> PackOptions:
    """Pack options matching a page setup (paper, orientation, margins)."""
    paper = "A3" if layout.pageSize().id() == QPageSize.A3 else "A4"
    margins = layout.margins(QPageLayout.Millimeter)
    return PackOptions(paper=paper, landscape=layout.orientation() == QPageLayout.Landscape,
                       margins_mm=max(margins.left(), margins.top(), margins.right(),
                                      margins.bottom(), 5.0), **kwargs)


class LotPack:
    """The pages of one plan's pack: works out the facts once, has the sections and the
    diagram's blocks made from them, and puts them onto pages in the pack's order."""

    def __init__(self, model: ServiceModel, options: PackOptions | None = None):
        self.model = model
        self.options = options or PackOptions()
        plan = model.plan(self.options.plan_id)
        if plan is None:
            raise ValueError(f"no lot plan has id {self.options.plan_id!r}")
        if self.options.lot_id is not None and plan.lot(self.options.lot_id) is None:
            raise ValueError(f"lot plan {plan.name!r} has no lot with id {self.options.lot_id!r}")
        self.plan: LotPlan = plan
        self.diagram: Diagram = layout_diagram(model)
        self.findings = run_checks(model, plan.id)  # the coverage page and each lot's own
        self.flow = run_flow(model, plan.id)  # the demand and capacity page and lot rows
        self.money = funding_position(model, plan.id)  # every money figure printed
        self.layout = self.options.page_layout()
        self.paper = PageFrame(self.layout, self.options.margins_mm, model, plan,
                               self.options.printed_on)
        self.page_size: QSizeF = self.paper.page_size
        self.content: QRectF = self.paper.content  # where each section's blocks go
        self.diagrams = DiagramBlocks(self.diagram, plan, self.content)
        self.sections = PackSections(model, plan, self.diagram, self.findings, self.flow,
                                     self.money)
        self.pages: list[Page] = self._build()

    # --- the pages, in order ---------------------------------------------------------------

    def _build(self) -> list[Page]:
        pages: list[Page] = []
        if self.options.lot_id is None:
            pages += self._overview()
            pages += sheets(self.diagrams, self.options.scale_percent,
                            self.options.overlap_mm)
            background = procurement_page.background_blocks(self.model, self.plan)
            if background:
                pages += flow("Background", background, self.content)
        for lot in self.plan.lots:
            if self.options.lot_id in (None, lot.id):
                pages += self._lot_pages(lot)
        if self.options.lot_id is None:
            # The plan-wide sections after the lots: a short one shares the page before.
            first = len(pages)
            for heading, blocks in procurement_page.pages(self.model, self.plan):
                pages = self._join_if_room(pages, flow(heading, blocks, self.content), first)
            pages = self._join_if_room(pages, flow(f"Coverage checks: {self.plan.name}",
                                                   self.sections.coverage(), self.content),
                                       first)
            if self.flow.known:
                pages += self._demand_pages()
            if len(self.model.lot_plans) > 1:
                pages = self._join_if_room(pages, self._appraisal(), first)
        return pages

    def _demand_pages(self) -> list[Page]:
        """The demand and capacity pages; in portrait, the flow diagram on a turned page of
        its own where that prints its names larger (wide, like the overview it draws on)."""
        heading = "Demand and capacity"
        turned = self.paper.turned
        blocks, figure = flow_page.demand_blocks(
            self.model, self.flow, maximum_flow(self.model), self.diagrams, self.content,
            turned.content if turned is not None else None)
        if figure is None:
            return flow(heading, blocks, self.content)
        first = flow(heading, figure, turned.content)
        for page in first:
            page.turned = True
        rest = flow(heading, blocks, self.content)
        rest[0].heading, rest[0].sections = f"{heading} (continued)", []
        return first + rest

    def _appraisal(self) -> list[Page]:
        """The options appraisal, its table's text made smaller, down to 7 pt, and its cells
        tighter where that keeps it on one page: in landscape its last 4-5 rows went alone onto
        a near-empty page."""
        for points, pad in APPRAISAL_STEPS:
            pages = flow("Options appraisal", self.sections.appraisal(points, pad * PT),
                         self.content)
            if len(pages) == 1:
                return pages
        return flow("Options appraisal", self.sections.appraisal(), self.content)

    def _lot_pages(self, lot: Lot) -> list[Page]:
        """The lot's diagram over its tables, on as many pages as they take."""
        tables = self.sections.lot_tables(lot)
        return flow(f"Lot {lot.code}: {lot.name}", [*self.diagrams.for_lot(lot, tables), *tables],
                    self.content)

    def _join_if_room(self, pages: list[Page], section: list[Page], first: int) -> list[Page]:
        """A one-page section goes under the page before when all of it fits there: a short
        table alone on a page wastes paper and reads as if the rest were missing. Only onto
        the pages from `first` on (the plan-wide sections'), so no lot's page carries
        another's content. The header names each section; the plan's name once."""
        if len(pages) <= first or len(section) != 1 or pages[-1].turned:
            return pages + section
        last, (alone,) = pages[-1], section
        used = max((rect.bottom() for _, rect in last.placed), default=self.content.top())
        room = QRectF(self.content.left(), used + 2 * GAP, self.content.width(),
                      self.content.bottom() - used - 2 * GAP)
        joined = flow(alone.heading, [Heading(alone.heading), *(b for b, _ in alone.placed)],
                      room)
        if room.height() <= 0 or len(joined) != 1:
            return pages + section
        last.placed += joined[0].placed
        last.sections += alone.sections
        suffix = f": {self.plan.name}"
        last.heading = f"{last.heading}; {alone.heading.removesuffix(suffix)}"
        return pages

    def _overview(self) -> list[Page]:
        """The overview; in portrait, on a turned page (as the flow diagram) where the upright
        page would print its names under 7 pt and the turned one prints them larger (Luton's
        at 5.1 pt on portrait A4)."""
        upright = self.diagrams
        turned = self.paper.turned
        if turned is not None:
            sideways = DiagramBlocks(self.diagram, self.plan, turned.content)
            upright_pt = self._fitted_names(upright)
            if upright_pt < READABLE_PT and self._fitted_names(sideways) > upright_pt:
                pages = self._overview_on(sideways)
                for page in pages:
                    page.turned = True
                return pages
        return self._overview_on(upright)

    def _fitted_names(self, diagrams: DiagramBlocks) -> float:
        """The overview's name size with its diagram as large as the page allows."""
        content, extent = diagrams.content, self.diagram.extent
        room = content.height() - diagrams.key_height()
        return diagrams.name_points(min(room, content.width() * extent.height() / extent.width()))

    def _overview_on(self, diagrams: DiagramBlocks) -> list[Page]:
        full = self.sections.full_legend()
        content = diagrams.content
        width, height = content.width(), content.height()
        room = height - diagrams.key_height()
        extent = self.diagram.extent
        alone = min(room, width * extent.height() / extent.width())  # fitted to the page
        # The diagram takes what the legends leave, and no more than it needs at the full
        # width. The full legends go on page 1 if the diagram keeps its size there, or 55% of
        # the page with its names still readable; else the compact legend does; else the
        # diagram gets the page and the full legends follow on the next.
        readable = min(READABLE_PT, diagrams.name_points(alone)) - 0.01
        for legend in (full, self.sections.compact_legend()):
            left = room - sum(b.height(width) + GAP for b in legend) - PT  # rounding slack
            if left >= alone or (left >= 0.55 * height and
                                 diagrams.name_points(left) >= readable):
                return flow(f"Overview: {self.plan.name}",
                            [*diagrams.blocks(min(left, alone)), *legend], content)
        return flow(f"Overview: {self.plan.name}", [*diagrams.blocks(alone), *full], content)

    # --- painting -------------------------------------------------------------------------

    def page_count(self) -> int:
        return len(self.pages)

    def paint_page(self, painter: QPainter, device_width: float, index: int) -> None:
        """Paint page `index` with the painter at the paper's top-left corner, on a device
        `device_width` pixels across the full paper."""
        self.paper.paint(painter, device_width, self.pages[index], index, self.page_count())


# --- output devices ---------------------------------------------------------------------------

class CannotBegin(OSError):
    """QPainter.begin refused the device: a PDF file that cannot be written, or a printer
    whose driver was cancelled before it started (Microsoft Print to PDF's Save As box)."""


def paint_pages(pack: LotPack, device: QPagedPaintDevice,
                progress: Callable[[int, int], bool] | None = None) -> bool:
    """Every page onto a paged device (QPdfWriter, QPrinter) already set to the pack's layout
    in full-page mode. `progress(done, total)` may return False to stop. True when complete."""
    painter = QPainter()
    if not painter.begin(device):
        raise CannotBegin("cannot start painting on the output (is the file writable?)")
    try:
        for index in range(pack.page_count()):
            if progress is not None and progress(index, pack.page_count()) is False:
                return False
            if index:
                device.newPage()
            pack.paint_page(painter, device.width(), index)
    finally:
        painter.end()
    return True


def write_pdf(pack: LotPack, path: str | Path, progress=None) -> bool:
    from PySide6.QtGui import QPdfWriter

    writer = QPdfWriter(str(path))
    writer.setResolution(1200)
    writer.setTitle(f"{pack.model.title}: lot pack ({pack.plan.name})")
    writer.setCreator("Service Model Designer")
    layout = QPageLayout(pack.layout)
    layout.setMode(QPageLayout.FullPageMode)
    writer.setPageLayout(layout)
    return paint_pages(pack, writer, progress)


def page_file_names(pack: LotPack, folder: str | Path, suffix: str) -> list[Path]:
    digits = len(str(pack.page_count()))
    return [Path(folder) / f"page-{i + 1:0{digits}d}.{suffix}" for i in range(pack.page_count())]


def write_svgs(pack: LotPack, folder: str | Path, progress=None) -> list[Path]:
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtSvg import QSvgGenerator

    written = []
    size = QSize(round(pack.page_size.width()), round(pack.page_size.height()))
    for index, path in enumerate(page_file_names(pack, folder, "svg")):
        if progress is not None and progress(index, pack.page_count()) is False:
            break
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setResolution(round(72 * PT))  # so width/height come out in real millimetres
        generator.setTitle(f"{pack.model.title}: page {index + 1} of {pack.page_count()}")
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(f"cannot write {path}")
        pack.paint_page(painter, size.width(), index)
        painter.end()
        written.append(path)
    return written


def render_page(pack: LotPack, index: int, dpi: int = PNG_DPI) -> QImage:
    width = round(pack.page_size.width() / PT / 72 * dpi)
    height = round(pack.page_size.height() / PT / 72 * dpi)
    image = QImage(width, height, QImage.Format_RGB32)
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    pack.paint_page(painter, width, index)
    painter.end()
    return image


def write_pngs(pack: LotPack, folder: str | Path, dpi: int = PNG_DPI,
               progress=None) -> list[Path]:
    written = []
    for index, path in enumerate(page_file_names(pack, folder, "png")):
        if progress is not None and progress(index, pack.page_count()) is False:
            break
        if not render_page(pack, index, dpi).save(str(path), "PNG"):
            raise OSError(f"cannot write {path}")
        written.append(path)
    return written
