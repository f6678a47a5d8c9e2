"""The lot pack: overview, one page per lot, coverage and options pages, on any paged device.

`LotPack(model, options)` lays out every page once (so each knows "Page N of M"), and
`paint_page(painter, device_width, index)` draws one page in full-page coordinates. PDF
(QPdfWriter), printing and print preview (QPrinter) go through `paint_pages`; SVG and PNG write
one file per page through the same `paint_page`, so every output shows the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (QColor, QImage, QPageLayout, QPageSize, QPagedPaintDevice, QPainter,
                           QPainterPath, QPen)

from models import catalogue
from models.checks import (ERROR, INFO, RULES_BY_ID, SEVERITY_WORDS, WARNING, counts_text,
                           run_checks, severity_counts)
from models.flow import maximum_flow, run_flow
from models.funding import funding_position
from models.pagination import Rect, paginate
from models.schema import Lot, LotPlan, ServiceModel
from models.lots import unassigned_services
from models.wording import plural

from .diagram import (BOX_H, BOX_W, INK, NAME_SIZES, UNASSIGNED, Diagram, component_shape,
                      layout_diagram, Region, name_fits, neighbourhood, paint_diagram,
                      paint_lot_fill, shown_area)
from . import flow_page, procurement_page
from .layout import (GAP, MUTED, PT, Block, Graphic, Grid, Heading, KeyRow, Page, Paragraph,
                     Table, flow, style)

PAPERS = {"A4": QPageSize.A4, "A3": QPageSize.A3}
NORMAL_SCALE = 5.0  # page units per scene unit at 100%: component names print at about 8.5 pt
PNG_DPI = 150
HEADER_H = 24 * PT
TITLE_BLOCK_H = 50 * PT
READABLE_PT = 7.0  # the overview shrinks its diagram for the legends only down to this
KEY_SHARE = 0.3  # a key of shortened names longer than this share of a page runs on instead
LOT_NAME_PT = 8.0  # names on a lot page's diagram print this large where the page allows
LOT_NAME_MIN_PT = 7.5  # ... or down to this, when that keeps the lot on one page
LOT_NAME_MAX_PT = 10.0  # ... and up to this, when the tables leave room for it
WHOLE_MODEL = 0.9  # a lot's neighbourhood this much of the model both ways: show it all
LOT_CAPTION = ("The diagram shows this lot and the components one pathway to or from it "
               "(in grey when outside the lot); the overview shows the whole model. A pathway "
               "cut at the edge leads to a component not shown here.")


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


def money(value: float | None) -> str:
    return "not set" if value is None else f"£{value:,.0f}"


def years(value: float) -> str:
    number = f"{value:g}"
    return f"{number} year" if value == 1 else f"{number} years"


def long_date(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


class LotPack:
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
        self._short: list[tuple[int, str]] | None = None  # _shortened()
        self._whole_key_h: float | None = None  # _key_height() of the whole model's key
        self.layout = self.options.page_layout()
        size = self.layout.fullRect(QPageLayout.Point)
        self.page_size = QSizeF(size.width() * PT, size.height() * PT)
        m = self.options.margins_mm * 72 / 25.4 * PT
        self.frame = QRectF(m, m, self.page_size.width() - 2 * m,
                            self.page_size.height() - 2 * m)
        self.content = QRectF(self.frame.left(), self.frame.top() + HEADER_H + GAP,
                              self.frame.width(),
                              self.frame.height() - HEADER_H - TITLE_BLOCK_H - 2 * GAP)
        self.pages: list[Page] = self._build()

    # --- page content ---------------------------------------------------------------------

    def _build(self) -> list[Page]:
        pages: list[Page] = []
        if self.options.lot_id is None:
            pages += self._overview()
            pages += self._sheets()
            background = procurement_page.background_blocks(self.model, self.plan)
            if background:
                pages += flow("Background", background, self.content)
        for lot in self.plan.lots:
            if self.options.lot_id in (None, lot.id):
                pages += self._lot_pages(lot)
        if self.options.lot_id is None:
            for heading, blocks in procurement_page.pages(self.model, self.plan):
                pages += flow(heading, blocks, self.content)
            pages += self._coverage()
            if self.flow.known:
                pages += flow("Demand and capacity", flow_page.demand_blocks(
                    self.model, self.flow, maximum_flow(self.model)), self.content)
            if len(self.model.lot_plans) > 1:
                pages = self._join_if_room(pages, self._options_page())
        return pages

    def _join_if_room(self, pages: list[Page], section: list[Page]) -> list[Page]:
        """A one-page section goes under the page before when all of it fits there: a short
        table alone on a page wastes paper and reads as if the rest were missing. Used for the
        plan-wide sections only, so no lot's page carries another's content."""
        if not pages or len(section) != 1:
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
        last.heading = f"{last.heading}; {alone.heading}"
        return pages

    def _shortened(self) -> list[tuple[int, str]]:
        """(key number, component id) of every name the diagram cuts short; worked out once,
        since every lot page asks (and the whole model's names take a while)."""
        if self._short is None:
            fits = name_fits(self.diagram, self.plan)
            self._short = list(enumerate(
                (cid for cid, fit in fits.items() if not fit.complete), 1))
        return self._short

    def _names_key(self, only: set[str] | None = None) -> Paragraph | None:
        """The full names the diagram had to cut short, printed under it on the same page
        (with `only`, those of these components: the ones a lot page's crop shows)."""
        short = [(n, cid) for n, cid in self._shortened() if only is None or cid in only]
        if not short:
            return None
        return Paragraph("Names shortened on the diagram: " + "; ".join(
            f"[{n}] {self.diagram.names[cid]}" for n, cid in short) + ".", 8)

    def _key_height(self, only: set[str] | None = None) -> float:
        """The room the key of shortened names takes under each diagram; 0 when there is no
        key, or when it is too long to share a page and runs on after the diagram instead."""
        if only is None and self._whole_key_h is not None:
            return self._whole_key_h  # asked for again and again while laying out lot pages
        key = self._names_key(only)
        height = 0.0 if key is None else key.height(self.content.width()) + GAP
        height = height if height <= KEY_SHARE * self.content.height() else 0.0
        if only is None:
            self._whole_key_h = height
        return height

    def _caption_height(self) -> float:
        return Paragraph(LOT_CAPTION, 8, italic=True).height(self.content.width()) + GAP / 2

    def _diagram(self, height: float, focus: str | None = None, source: QRectF | None = None,
                 only: set[str] | None = None) -> list[Block]:
        """The diagram `height` high, with the key of shortened names under it: the whole
        of it, or (with `source`) the crop of a lot's page, which draws only the components
        `only` (those wholly inside) and says under it what it shows."""
        key = self._names_key(only)
        key_h = self._key_height(only)
        caption = Paragraph(LOT_CAPTION, 8, italic=True, colour=MUTED) if source else None
        caption_h = self._caption_height() if source else 0.0

        def paint(painter: QPainter, rect: QRectF) -> None:
            area = QRectF(rect.left(), rect.top(), rect.width(), height)
            paint_diagram(painter, self.diagram, self.plan, area, source, focus,
                          whole_boxes=source is not None)
            y = area.bottom()
            if caption is not None:
                caption.paint(painter, QRectF(rect.left(), y + GAP / 2, rect.width(),
                                              caption_h - GAP / 2))
                y += caption_h
            if key is not None and key_h:
                key.paint(painter, QRectF(rect.left(), y + GAP, rect.width(), key_h - GAP))
        graphic = Graphic(height + caption_h + key_h, paint, scene=source)
        return [graphic] if key is None or key_h else [graphic, key]

    def _lot_diagram(self, lot: Lot, blocks: list[Block]) -> list[Block]:
        """A lot page's diagram, over the tables `blocks`: the lot's neighbourhood (its
        members and the components one pathway away), with names of about 8 pt where the
        page allows, on no more pages than the lot took when its diagram was the whole model
        at a third to half of the page. The neighbours too far away for that are left out
        (their pathways run off the edge; the table of pathways to and from other lots names
        those in another lot, and the overview shows them all). Only when the lot's own
        components cannot print at 7.5 pt there does the lot take more pages."""
        width = self.content.width()
        extent = self.diagram.extent
        # Room for the key of every shortened name: no less than the crop's own key needs.
        room = self.content.height() - self._key_height()
        caption_h = self._caption_height()
        tables_h = sum(b.height(width) + GAP for b in blocks)

        def pages(diagram_h: float) -> int:  # the lot's pages, the diagram (and its caption)
            key_h = self._key_height()  # this high and its key (of every shortened name) under it
            return len(flow("", [Graphic(diagram_h + key_h, lambda painter, rect: None),
                                 *blocks], self.content))
        left = room - tables_h
        share = min(left, room / 2) if left >= room / 3 else room * 0.6  # a first guess
        most = pages(min(share, width * extent.height() / extent.width()))
        low, high = 0.0, room
        if pages(high) <= most:
            low = high
        for _ in range(16):  # the tallest diagram (with its caption) on that many pages
            middle = (low + high) / 2
            low, high = (middle, high) if pages(middle) <= most else (low, middle)
        fits = name_fits(self.diagram, self.plan)
        near, _ = neighbourhood(self.diagram, lot)
        smallest = min((fits[cid].style.size for cid in near), default=NAME_SIZES[0])

        def legible_within(diagram_h: float) -> Callable[[QRectF], bool]:
            def legible(area: QRectF) -> bool:
                scale = min(width / area.width(), diagram_h / area.height())
                return scale * smallest / PT >= LOT_NAME_MIN_PT - 0.01
            return legible
        budget = low - caption_h
        near, source = neighbourhood(self.diagram, lot, legible_within(budget))
        if source is not None and not legible_within(budget)(source):
            # Too big even alone: a page of its own, and the tables run on.
            budget = room - caption_h
            near, source = neighbourhood(self.diagram, lot, legible_within(budget))
        cropped = source is not None and not (
            source.width() >= WHOLE_MODEL * extent.width() and
            source.height() >= WHOLE_MODEL * extent.height())
        source = source.intersected(extent) if cropped else extent
        if not cropped:
            budget += caption_h
        height = room - (caption_h if cropped else 0.0)

        def height_for(points: float) -> float:  # the diagram's height for names this large
            return source.height() * points * PT / smallest
        full = min(budget, width * source.height() / source.width())  # as wide as the page
        wanted = min(full, height_for(LOT_NAME_PT))
        diagram_h = min(full, max(wanted, min(height / 2, height_for(LOT_NAME_MAX_PT))))
        if not cropped:
            return self._diagram(diagram_h, focus=lot.id)
        # Fill the frame: grow the crop to its shape, kept inside the model where it can be.
        area = shown_area(QRectF(0, 0, width, diagram_h), source)
        dx = dy = 0.0
        if area.width() < extent.width():
            dx = max(extent.left() - area.left(), 0.0) + min(extent.right() - area.right(), 0.0)
        if area.height() < extent.height():
            dy = max(extent.top() - area.top(), 0.0) + min(extent.bottom() - area.bottom(), 0.0)
        area.translate(dx, dy)
        shows = {cid for cid, box in self.diagram.index().near(area).items()
                 if area.contains(box)}
        return self._diagram(diagram_h, focus=lot.id, source=area, only=shows)

    def _sheet(self, source: QRectF) -> Graphic:
        """Part of the diagram at a fixed scale; the page covers what spills past it."""
        def paint(painter: QPainter, rect: QRectF) -> None:
            paint_diagram(painter, self.diagram, self.plan, rect, source)
        return Graphic(self.content.height() - self._key_height(), paint, covers_outside=True)

    def _name_points(self, diagram_h: float) -> float:
        """The smallest name size, in points, with the overview diagram `diagram_h` high."""
        extent = self.diagram.extent
        scale = min(self.content.width() / extent.width(), diagram_h / extent.height())
        sizes = [fit.style.size for fit in name_fits(self.diagram, self.plan).values()]
        return scale * min(sizes, default=NAME_SIZES[0]) / PT

    def _overview(self) -> list[Page]:
        full = self._full_legend()
        width, height = self.content.width(), self.content.height()
        room = height - self._key_height()
        extent = self.diagram.extent
        alone = min(room, width * extent.height() / extent.width())  # fitted to the page
        # The diagram takes what the legends leave, and no more than it needs at the full
        # width. The full legends go on page 1 if the diagram keeps its size there, or 55% of
        # the page with its names still readable; else the compact legend does; else the
        # diagram gets the page and the full legends follow on the next.
        readable = min(READABLE_PT, self._name_points(alone)) - 0.01
        for legend in (full, self._compact_legend()):
            left = room - sum(b.height(width) + GAP for b in legend) - PT  # rounding slack
            if left >= alone or (left >= 0.55 * height and
                                 self._name_points(left) >= readable):
                return flow(f"Overview: {self.plan.name}",
                            [*self._diagram(min(left, alone)), *legend], self.content)
        return flow(f"Overview: {self.plan.name}", [*self._diagram(alone), *full], self.content)

    def _full_legend(self) -> list[Block]:
        legend: list[Block] = []
        if self.plan.lots:
            legend += [Heading("Lots"), self._lot_legend()]
        else:
            legend.append(Paragraph("This lot plan has no lots yet.", italic=True))
        return legend + [Heading("Component kinds"), self._kind_legend(),
                         Heading("Summary"), self._summary()]

    def _compact_legend(self) -> list[Block]:
        """The legends in a few lines: lots without their members (each lot's page lists
        them), kinds in small cells, the summary as a sentence."""
        legend: list[Block] = []
        if self.plan.lots:
            legend.append(KeyRow([(self._lot_swatch(lot), f"{lot.code} {lot.name}".strip() + ": "
                                   + (f"{money(lot.contract.annual_value)} a year"
                                      if lot.contract.annual_value is not None
                                      else "value not set")) for lot in self.plan.lots]))
        else:
            legend.append(Paragraph("This lot plan has no lots yet.", 8.5, italic=True))
        unassigned = unassigned_services(self.model, self.plan)
        if unassigned:
            legend.append(Paragraph(
                "Dashed red outline: in no lot, though procured by the council: "
                + ", ".join(self.diagram.names[m] for m in unassigned) + ".", 8.5,
                colour=UNASSIGNED))
        legend.append(self._kind_legend(points=7.5, cell_height=12 * PT))
        legend.append(Paragraph(self._summary_sentence(), 8.5))
        return legend

    def _sheets(self) -> list[Page]:
        """The overview diagram at a readable scale across several sheets (A1, A2, B1...)."""
        if self.options.scale_percent is None:
            return []
        extent = self.diagram.extent
        content = [Rect(b.x(), b.y(), b.width(), b.height()) for b in self.diagram.boxes.values()]
        overlap = self.options.overlap_mm * 72 / 25.4 * PT
        tiles = paginate(Rect(extent.x(), extent.y(), extent.width(), extent.height()),
                         self.content.width(), self.content.height() - self._key_height(),
                         NORMAL_SCALE * self.options.scale_percent / 100, overlap, content)
        if len(tiles) <= 1:
            return []  # the overview already shows it at a larger scale
        rows = max(t.row for t in tiles) + 1
        columns = max(t.column for t in tiles) + 1
        pages = []
        for t in tiles:
            source = QRectF(t.source.x, t.source.y, t.source.width, t.source.height)
            o = self.options
            page = Page(f"Diagram sheet {t.label} of {rows} × {columns} "
                        f"({o.scale_percent:g}%, overlap {o.overlap_mm:g} mm)")
            sheet = self._sheet(source)
            page.placed.append((sheet, QRectF(self.content.left(), self.content.top(),
                                              self.content.width(), sheet.height(0))))
            key = self._names_key()
            if key is not None and self._key_height():  # under the frame, clear of its cover
                page.placed.append((key, QRectF(self.content.left(),
                                                self.content.bottom() - self._key_height() + GAP,
                                                self.content.width(), self._key_height() - GAP)))
            page.sheet = t.label
            pages.append(page)
        return pages

    def _summary_figures(self) -> tuple[str, str, str]:
        """The lots' annual value, the funding a year (and what it is short by) and the
        coverage check counts."""
        counts = severity_counts(self.findings)
        checks = f"{counts_text(counts)} (see Coverage checks)" if any(
            counts.values()) else "No findings"
        position = self.money
        funding = money(position.funding_total) if position.funding_total is not None \
            else "not recorded"
        if position.balance is not None and position.balance < 0:
            funding += f" ({money(-position.balance)} short)"
        return money(position.lots_total), funding, checks

    def _summary(self) -> Table:
        m = self.model
        return Table(["Components", "Pathways", "Lots", "Lots' annual value", "Funding a year",
                      "Coverage checks"],
                     [[str(len(m.components)), str(len(m.pathways)), str(len(self.plan.lots)),
                       *self._summary_figures()]],
                     [1.5, 1.1, 0.8, 1.7, 1.7, 3.2])

    def _summary_sentence(self) -> str:
        value, funding, checks = self._summary_figures()
        return (f"Summary: {plural(len(self.model.components), 'component')}, "
                f"{plural(len(self.model.pathways), 'pathway')}, "
                f"{plural(len(self.plan.lots), 'lot')}; lots' annual value {value}; "
                f"funding a year {funding}; coverage checks: {checks[0].lower()}{checks[1:]}.")

    def _lot_legend(self) -> Table:
        names = self.diagram.names
        rows = []
        for lot in self.plan.lots:
            members = [names[m] for m in lot.components if m in names]
            rows.append([self._lot_swatch(lot), lot.code, lot.name,
                         ", ".join(members) or "no components",
                         money(lot.contract.annual_value)])
        unassigned = unassigned_services(self.model, self.plan)
        if unassigned:
            rows.append([self._unassigned_swatch, "", "Not in any lot",
                         ", ".join(names[m] for m in unassigned) + " (procured by the council)",
                         ""])
        return Table(["", "Code", "Lot", "Components", "Annual value"], rows,
                     [0.9, 0.8, 2.2, 6.0, 1.3], min_row_height=22 * PT)

    @staticmethod
    def _unassigned_swatch(painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(QPen(UNASSIGNED, 1.2 * PT, Qt.DashLine))
        painter.setBrush(Qt.NoBrush)
        painter.drawRoundedRect(rect.adjusted(PT, PT, -PT, -PT), 3 * PT, 3 * PT)
        painter.restore()

    def _lot_swatch(self, lot: Lot) -> Callable[[QPainter, QRectF], None]:
        def paint(painter: QPainter, rect: QRectF) -> None:
            path = QPainterPath()
            path.addRoundedRect(rect, 3 * PT, 3 * PT)
            painter.save()
            painter.setRenderHint(QPainter.Antialiasing)
            parts = [rect.adjusted(PT, PT, -PT, -PT)]
            paint_lot_fill(painter, Region(path, parts), lot, spacing=3.2 * PT, line=0.5 * PT)
            painter.restore()
        return paint

    def _kind_legend(self, points: float = 8, cell_height: float = 15 * PT) -> Grid:
        used = list(dict.fromkeys(c.kind for c in self.model.components))
        used.sort(key=lambda k: (catalogue.KINDS[k].stage, k))
        body = style(points)

        def cell(kind: catalogue.Kind) -> Callable[[QPainter, QRectF], None]:
            def paint(painter: QPainter, rect: QRectF) -> None:
                h = rect.height() - 4 * PT
                box = QRectF(rect.left(), rect.top() + 2 * PT, h * BOX_W / BOX_H * 0.6, h)
                painter.save()
                painter.setRenderHint(QPainter.Antialiasing)
                painter.setBrush(QColor(kind.colour))
                painter.setPen(QPen(INK, 0.6 * PT))
                painter.drawPath(component_shape(kind, box))
                painter.setPen(INK)
                text = QRectF(box.right() + 4 * PT, rect.top(), rect.right() - box.right() - 6 * PT,
                              rect.height())
                body.draw(painter, text, body.elide(kind.name, text.width()),
                          Qt.AlignLeft | Qt.AlignVCenter)
                painter.restore()
            return paint
        # Cells as wide as the longest kind name needs (at most the usual 150 pt).
        swatch = (cell_height - 4 * PT) * BOX_W / BOX_H * 0.6
        widest = max((body.width(catalogue.KINDS[k].name) for k in used), default=0.0)
        return Grid([cell(catalogue.KINDS[k]) for k in used],
                    min(150 * PT, swatch + widest + 14 * PT), cell_height)

    def _lot_pages(self, lot: Lot) -> list[Page]:
        names = self.diagram.names
        c = lot.contract
        term = "not set"
        if c.initial_term_years is not None:
            term = years(c.initial_term_years)
            if c.extensions_years:
                total = c.initial_term_years + sum(c.extensions_years)
                term += " + " + " + ".join(f"{e:g}" for e in c.extensions_years) + \
                    f" (up to {years(total)})"
        weights = [f"{label} {w:g}%" for label, w in (("Quality", c.quality_weight),
                                                        ("Price", c.price_weight),
                                                        ("Social value", c.social_value_weight))
                   if w is not None]
        start = "not set"
        if c.start_date:
            try:
                start = long_date(date.fromisoformat(c.start_date))
            except ValueError:  # the schema refuses these; print what the file says anyway
                start = c.start_date
        terms = [
            ("Initial term and extensions", term),
            ("Break clause", f"after {years(c.break_clause_years)}"
             if c.break_clause_years is not None else "none recorded"),
            ("Evaluation weights", ", ".join(weights) or "not set"),
            ("Pricing model", catalogue.PRICING_MODELS.get(c.pricing_model or "", "not set")),
            ("Payment basis", catalogue.PAYMENT_BASES.get(c.payment_basis or "", "not set")),
            ("Annual value", money(c.annual_value)),
            ("Procurement route",
             catalogue.PROCUREMENT_ROUTES.get(c.procurement_route or "", "not set")),
            ("Start date", start),
            *procurement_page.lot_term_rows(lot),
        ]
        cost = [self.diagram.component(m).estimated_annual_cost for m in lot.components
                if self.diagram.component(m) is not None]  # by id, not a search of the model
        known = [x for x in cost if x is not None]
        if known:
            terms.append(("Estimated cost of its components", money(sum(known))))
        half = (len(terms) + 1) // 2
        left, right = terms[:half], terms[half:] + [("", "")] * (2 * half - len(terms))
        terms_table = Table([], [[a, b, c_, d] for (a, b), (c_, d) in zip(left, right)],
                            [1.6, 2.4, 1.6, 2.4], bold_columns=(0, 2))

        blocks: list[Block] = [
            Paragraph("Components: " + (", ".join(names[m] for m in lot.components
                                                  if m in names) or "none"), 9),
            Heading("Contract terms"), terms_table,
            *procurement_page.criteria_blocks(lot),
        ]
        # What the checks say of this lot, under its terms: a reader of this page alone (a
        # tender annex) must not take invalid weights or a short-funded lot as settled.
        # Notes left out: the one a lot gets (pathways crossing to other lots) is the table below.
        own = [f for f in self.findings if f.lot == lot.id and f.severity != INFO]
        if own:
            blocks.append(Heading("Checks on this lot"))
            blocks += [Paragraph(f"{SEVERITY_WORDS[f.severity]}: {f.message}", 9,
                                 bold=f.severity == ERROR) for f in own]
        blocks.append(Heading("Key performance indicators"))
        if c.kpis:
            blocks.append(Table(["KPI", "Target", "Monitoring"],
                                [[k.name, k.target or "not set",
                                  catalogue.KPI_FREQUENCIES.get(k.frequency or "", "not set")]
                                 for k in c.kpis], [5, 3, 1.4]))
        else:
            blocks.append(Paragraph("No KPIs recorded for this lot.", italic=True))
        blocks.append(Heading("Funding"))
        if lot.funding:
            sources = {f.id: f for f in self.model.funding_sources}
            rows = []
            for a in lot.funding:
                source = sources.get(a.source)
                note = ""
                if source is not None:
                    restricted = [catalogue.COHORTS[x] for x in source.restricted_cohorts]
                    note = "; ".join(filter(None, [
                        "restricted to " + ", ".join(restricted).lower() if restricted else "",
                        "" if source.recurrent else "one-year, renewal uncertain"]))
                rows.append([source.name if source else a.source, money(a.annual_amount), note])
            rows.append(["Total", money(sum(a.annual_amount for a in lot.funding)), ""])
            total_row = len(rows) - 1
            figures = next(f for f in self.money.lots if f.id == lot.id)
            if figures.unallocated:
                rows.append(["Not covered of the lot's annual value",
                             money(figures.unallocated), ""])
            blocks.append(Table(["Source", "Annual amount", "Conditions"], rows, [4, 1.6, 3.4],
                                row_fills={total_row: QColor("#f2f2f2")}))
        else:
            blocks.append(Paragraph("No funding allocated to this lot.", italic=True))
        blocks.append(Heading("Pathways to and from other lots"))
        crossings = self._crossings(lot)
        if crossings:
            header, widths = ["Direction", "From", "To", "Other lot"], [2.4, 3, 3, 2.6]
            if any(row[-1] for row in crossings):
                header, widths = header + ["Pathway label"], widths + [2]
            else:
                crossings = [row[:-1] for row in crossings]
            blocks.append(Table(header, crossings, widths))
        else:
            blocks.append(Paragraph("No pathway crosses between this lot and another lot.",
                                    italic=True))
        blocks += flow_page.lot_blocks(self.model, lot, self.flow)
        if lot.notes.strip():
            blocks += [Heading("Notes"), Paragraph(lot.notes)]
        blocks[0:0] = self._lot_diagram(lot, blocks)
        return flow(f"Lot {lot.code}: {lot.name}", blocks, self.content)

    def _crossings(self, lot: Lot) -> list[list[str]]:
        """Rows (direction, from, to, other lot, label) of the pathways between this lot and
        another: people coming in first, then people going out."""
        home = self.diagram.plan_facts(self.plan).home
        names = self.diagram.names
        incoming, outgoing = [], []
        for p in self.diagram.pathways_touching(lot.components):  # not all of the model's
            a, b = home.get(p.source), home.get(p.target)
            if a is None or b is None or a.id == b.id or lot.id not in (a.id, b.id):
                continue
            out = a.id == lot.id
            other = b if out else a
            (outgoing if out else incoming).append([
                "Out: handed on from this lot" if out else "In: received into this lot",
                names.get(p.source, p.source), names.get(p.target, p.target),
                f"{other.code} {other.name}", " ".join(p.label.split())])
        return incoming + outgoing

    def _coverage(self) -> list[Page]:
        findings = self.findings
        blocks: list[Block] = []
        if not findings:
            blocks.append(Paragraph("No findings: every coverage check passed for this lot plan.",
                                    11, bold=True))
        else:
            counts = {s: sum(f.severity == s for f in findings) for s in (ERROR, WARNING, INFO)}
            blocks.append(Paragraph(f"{plural(counts[ERROR], 'error')}, "
                                    f"{plural(counts[WARNING], 'warning')} and "
                                    f"{plural(counts[INFO], 'note')} for {self.plan.name}.", 10))
            for severity, title in ((ERROR, "Errors"), (WARNING, "Warnings"), (INFO, "Notes")):
                group = [f for f in findings if f.severity == severity]
                if not group:
                    continue
                blocks.append(Heading(f"{title} ({len(group)})"))
                blocks.append(Table(["Check", "Finding", "Suggested fix"],
                                    [[RULES_BY_ID[f.rule].title if f.rule in RULES_BY_ID
                                      else f.rule, f.message, f.fix] for f in group],
                                    [2, 4.5, 3.5]))
        return flow(f"Coverage checks: {self.plan.name}", blocks, self.content)

    def _options_page(self) -> list[Page]:
        """The options appraisal as the window shows it: each plan against a baseline (the
        plan this one was copied from, else the first), changes in brackets, the cells that
        differ shaded, and what each plan changes in a sentence."""
        from models.metrics import DIFFERENCE_COLOUR, appraise, default_baseline

        table = appraise(self.model, default_baseline(self.model, self.plan.id))
        columns = range(len(table.plans))
        headers = [name + (" (baseline)" if c == table.baseline else "")
                   + (" (this pack)" if plan.id == self.plan.id else "")
                   for c, (name, plan) in enumerate(zip(table.headers, self.model.lot_plans))]
        rows = [[m.label, *(table.text(r, c) for c in columns)]
                for r, m in enumerate(table.measures)]
        fill = QColor(DIFFERENCE_COLOUR)
        shaded = {(r, c + 1): fill for r in range(len(rows)) for c in columns
                  if c != table.baseline and table.differs(r, c)}
        blocks: list[Block] = [
            Paragraph(f"The model holds {len(self.model.lot_plans)} lot plans, each compared "
                      f"with {table.headers[table.baseline]}: shaded cells differ from it, and "
                      "a number in brackets is the change against it.", 10)]
        blocks += [Paragraph(f"{name}: {text}.", 9) for name, text in table.summaries()]
        blocks.append(Table(["Measure", *headers], rows, [2.2] + [3.0] * len(headers),
                            bold_columns=(0,), cell_fills=shaded))
        return flow("Options appraisal", blocks, self.content)

    # --- painting -------------------------------------------------------------------------

    def page_count(self) -> int:
        return len(self.pages)

    def paint_page(self, painter: QPainter, device_width: float, index: int) -> None:
        """Paint page `index` with the painter at the paper's top-left corner, on a device
        `device_width` pixels across the full paper."""
        painter.save()
        s = device_width / self.page_size.width()
        painter.scale(s, s)
        page = self.pages[index]
        painter.fillRect(QRectF(0, 0, self.page_size.width(), self.page_size.height()),
                         QColor("white"))
        for block, rect in page.placed:  # diagrams first: what spills is covered below
            if isinstance(block, Graphic) and block.covers_outside:
                block.paint(painter, rect)
                self._cover_outside(painter, rect)
        for block, rect in page.placed:
            if not (isinstance(block, Graphic) and block.covers_outside):
                block.paint(painter, rect)
        self._paint_header(painter, page)
        self._paint_title_block(painter, index)
        painter.restore()

    def _cover_outside(self, painter: QPainter, keep: QRectF) -> None:
        full = QRectF(0, 0, self.page_size.width(), self.page_size.height())
        white = QColor("white")
        painter.fillRect(QRectF(0, 0, full.width(), keep.top()), white)
        painter.fillRect(QRectF(0, keep.bottom(), full.width(), full.height() - keep.bottom()),
                         white)
        painter.fillRect(QRectF(0, keep.top(), keep.left(), keep.height()), white)
        painter.fillRect(QRectF(keep.right(), keep.top(), full.width() - keep.right(),
                                keep.height()), white)
        painter.setPen(QPen(QColor("#bbbbbb"), 0.5 * PT, Qt.DashLine))
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(keep)  # trim line for taping sheets together

    def _paint_header(self, painter: QPainter, page: Page) -> None:
        f = self.frame
        heading, small = style(14, bold=True), style(8)
        painter.setPen(INK)
        right_text = "Lot pack"
        right_w = small.width(right_text) + 4 * PT
        heading.draw(painter, QRectF(f.left(), f.top(), f.width() - right_w, HEADER_H),
                     heading.elide(" ".join(page.heading.split()), f.width() - right_w - 30 * PT),
                     Qt.AlignLeft | Qt.AlignVCenter)
        painter.setPen(MUTED)
        small.draw(painter, QRectF(f.right() - right_w, f.top(), right_w, HEADER_H), right_text,
                   Qt.AlignRight | Qt.AlignVCenter)
        if page.sheet:
            big = style(20, bold=True)
            painter.setPen(INK)
            big.draw(painter, QRectF(f.right() - 80 * PT - right_w, f.top(), 70 * PT, HEADER_H),
                     page.sheet, Qt.AlignRight | Qt.AlignVCenter)
        painter.setPen(QPen(INK, 1.2 * PT))
        painter.drawLine(f.left(), f.top() + HEADER_H, f.right(), f.top() + HEADER_H)

    def _paint_title_block(self, painter: QPainter, index: int) -> None:
        """Model title, authority, plan, revision, author, date and page number, boxed."""
        f = self.frame
        box = QRectF(f.left(), f.bottom() - TITLE_BLOCK_H, f.width(), TITLE_BLOCK_H)
        m = self.model
        revision = f"Revision {m.revision}" if m.revision else "Unsaved draft"
        cells = [
            (4.2, "Service model", [(m.title, style(9.5, bold=True)),
                                     (m.authority or "Authority not recorded", style(8.5))]),
            (2.6, "Lot plan", [(self.plan.name, style(9, bold=True)), (revision, style(8.5))]),
            (2.2, "Author", [(m.author or "not recorded", style(8.5)),
                             (long_date(self.options.printed_on), style(8.5))]),
            (1.5, "", [(f"Page {index + 1} of {self.page_count()}", style(9.5, bold=True))]),
        ]
        total = sum(c[0] for c in cells)
        label = style(6.5)
        x = box.left()
        painter.setBrush(Qt.NoBrush)
        for weight, caption, lines in cells:
            w = box.width() * weight / total
            cell = QRectF(x, box.top(), w, box.height())
            painter.setPen(QPen(INK, 0.8 * PT))
            painter.drawRect(cell)
            inner = cell.adjusted(4 * PT, 3 * PT, -4 * PT, -3 * PT)
            y = inner.top()
            if caption:
                painter.setPen(MUTED)
                label.draw(painter, QRectF(inner.left(), y, inner.width(), label.line_height),
                           caption.upper())
                y += label.line_height
            painter.setPen(INK)
            room = inner.bottom() - y
            used = sum(s.line_height for _, s in lines)
            if not caption:
                y += (room - used) / 2  # the page number sits in the middle of its cell
            for text, s in lines:
                # a long title gets two lines when the cell has room for them
                wrapped = s.wrap(text, inner.width(),
                                 max_lines=2 if used + s.line_height <= room else 1)
                s.draw_lines(painter, QRectF(inner.left(), y, inner.width(), 0), wrapped)
                y += len(wrapped) * s.line_height
                used += (len(wrapped) - 1) * s.line_height
            x += w


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
