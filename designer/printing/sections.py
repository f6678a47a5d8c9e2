"""The lot pack's own section content, as blocks for `flow`: the overview's legends and
summary, each lot's tables (terms, checks, KPIs, funding, pathways to other lots), the coverage
checks and the options appraisal. Text, tables and swatches only: the diagram's blocks come
from pack_diagram.py, and LotPack (pack.py) puts both onto pages."""

from __future__ import annotations

from datetime import date
from typing import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from models import catalogue
from models.checks import (ERROR, INFO, RULES_BY_ID, SEVERITY_WORDS, WARNING, Finding,
                           counts_text, severity_counts)
from models.flow import FlowResult
from models.funding import FundingPosition
from models.lots import unassigned_services
from models.procurement import long_date
from models.schema import Lot, LotPlan, ServiceModel
from models.wording import money, plural

from . import flow_page, procurement_page
from .diagram import BOX_H, BOX_W, INK, UNASSIGNED, Diagram, component_shape
from .lot_areas import Region, paint_lot_fill
from .layout import PT, Block, Grid, Heading, KeyRow, Paragraph, Table, style




def years(value: float) -> str:
    number = f"{value:g}"
    return f"{number} year" if value == 1 else f"{number} years"


class PackSections:
    """The sections of one plan's pack, from the facts LotPack works out once."""

    def __init__(self, model: ServiceModel, plan: LotPlan, diagram: Diagram,
                 findings: list[Finding], flow: FlowResult, position: FundingPosition):
        self.model = model
        self.plan = plan
        self.diagram = diagram
        self.findings = findings
        self.flow = flow
        self.position = position  # every money figure printed

    def full_legend(self) -> list[Block]:
        legend: list[Block] = []
        if self.plan.lots:
            legend += [Heading("Lots"), self._lot_legend()]
        else:
            legend.append(Paragraph("This lot plan has no lots yet.", italic=True))
        return legend + [Heading("Component kinds"), self._kind_legend(),
                         Heading("Summary"), self._summary()]

    def compact_legend(self) -> list[Block]:
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

    def summary_figures(self) -> tuple[str, str, str]:
        """The lots' annual value, the funding a year (and what it is short by) and the
        coverage check counts."""
        counts = severity_counts(self.findings)
        checks = f"{counts_text(counts)} (see Coverage checks)" if any(
            counts.values()) else "No findings"
        position = self.position
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
                       *self.summary_figures()]],
                     [1.5, 1.1, 0.8, 1.7, 1.7, 3.2])

    def _summary_sentence(self) -> str:
        value, funding, checks = self.summary_figures()
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

    def lot_tables(self, lot: Lot) -> list[Block]:
        """A lot page's tables: its terms, checks, KPIs, funding, crossings, flow and notes."""
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
            figures = next(f for f in self.position.lots if f.id == lot.id)
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
        return blocks

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

    def coverage(self) -> list[Block]:
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
        return blocks

    def appraisal(self, points: float = 8.5, pad: float = Table.PAD) -> list[Block]:
        """The options appraisal as the window shows it: each plan against a baseline (the
        plan this one was copied from, else the first), changes in brackets, the cells that
        differ shaded, and what each plan changes in a sentence. The table's text at `points`
        and `pad` inside its cells (less of both to keep it on one page)."""
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
                            points, bold_columns=(0,), cell_fills=shaded, pad=pad))
        return blocks
