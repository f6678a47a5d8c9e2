"""The lot schedule for tender documents: an Excel workbook (openpyxl) and CSV (no Qt).

Workbook: a Summary sheet (one row per lot), one sheet per lot with its components, contract
terms, KPIs and funding, a Demand and capacity sheet (models.flow), and the procurement sheets
(models.procurement_export: routes and partners' money, engagement log, risks, timeline). Amounts are real numbers formatted as pounds, so a commissioner can
total and chart them; headers are bold and frozen. CSV: one row per lot member, with the lot's
terms repeated, for scripts and mail merges.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import catalogue as cat
from .checks import SEVERITY_WORDS, run_checks
from .funding import funding_position
from .lots import unknown_plan
from .procurement import whole_life_value
from .schema import Lot, LotPlan, ServiceModel

POUNDS = "£#,##0"
YEARS = "0.##"
PERCENT = "0.##"  # weights are stored as 0..100, so a plain number with a % header
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")


class ExportError(Exception):
    """A schedule that cannot be written, in words (the path and why)."""


def _plan(model: ServiceModel, plan_id: str | None) -> LotPlan:
    plan = model.plan(plan_id)
    if plan is None:
        raise ExportError(unknown_plan(model, plan_id))
    return plan


def _label(table: dict[str, str], key: str | None) -> str:
    return table.get(key, key) if key else ""


def _extensions(lot: Lot) -> str:
    return " + ".join(f"{y:g}" for y in lot.contract.extensions_years)


def _term_rows(lot: Lot) -> list[tuple[str, object, str | None]]:
    """(label, value, number format) for every contract term, blank where not set."""
    c = lot.contract
    return [
        ("Initial term (years)", c.initial_term_years, YEARS),
        ("Extensions (years)", _extensions(lot), None),
        ("Break clause (years)", c.break_clause_years, YEARS),
        ("Start date", c.start_date or "", None),
        ("Quality weight (%)", c.quality_weight, PERCENT),
        ("Price weight (%)", c.price_weight, PERCENT),
        ("Social value weight (%)", c.social_value_weight, PERCENT),
        ("Pricing model", _label(cat.PRICING_MODELS, c.pricing_model), None),
        ("Payment basis", _label(cat.PAYMENT_BASES, c.payment_basis), None),
        ("Annual value", c.annual_value, POUNDS),
        ("Procurement route", _label(cat.PROCUREMENT_ROUTES, c.procurement_route), None),
        ("Whole-life value", whole_life_value(lot), POUNDS),
    ]


def _sheet_title(lot: Lot, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique regardless of case.
    base = re.sub(r"[\[\]:*?/\\]", " ", f"{lot.code} {lot.name}".strip())[:31].strip() or "Lot"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _header(ws, row: int, labels: list[str]) -> None:
    for col, label in enumerate(labels, 1):
        cell = ws.cell(row, col, label)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _put(ws, row: int, col: int, value, number_format: str | None = None):
    cell = ws.cell(row, col, value if value is not None else "")
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a name from a file is text, never a formula
    if number_format and isinstance(value, (int, float)):
        cell.number_format = number_format
    cell.alignment = Alignment(wrap_text=isinstance(value, str), vertical="top")
    return cell


def _widths(ws, widths: list[int]) -> None:
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _print_setup(ws, landscape: bool) -> None:
    """Printed for tender packs: A4, one page wide, the header rows on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:2"


SUMMARY_HEADERS = ["Code", "Lot", "Components", "Annual value", "Estimated cost of components",
                   "Funding allocated", "Underfunded by", "Initial term (years)",
                   "Extensions (years)", "Break clause (years)", "Quality (%)", "Price (%)", "Social value (%)",
                   "Pricing model", "Payment basis", "Procurement route", "Findings"]


def workbook(model: ServiceModel, plan_id: str | None = None) -> Workbook:
    plan = _plan(model, plan_id)
    by_id = {c.id: c for c in model.components}
    sources = {f.id: f for f in model.funding_sources}
    findings = run_checks(model, plan.id)
    position = funding_position(model, plan.id)  # the money figures every view shows
    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    summary["A1"] = f"{model.title}: lot schedule, {plan.name}"
    summary["A1"].font = TITLE
    _header(summary, 2, SUMMARY_HEADERS)
    summary.freeze_panes = "A3"
    row = 3
    for lot, figures in zip(plan.lots, position.lots):
        members = [by_id[m] for m in dict.fromkeys(lot.components) if m in by_id]
        c = lot.contract
        values = [
            (lot.code, None), (lot.name, None), (len(members), "0"), (c.annual_value, POUNDS),
            (figures.cost, POUNDS), (figures.allocated, POUNDS), (figures.shortfall, POUNDS),
            (c.initial_term_years, YEARS), (_extensions(lot), None),
            (c.break_clause_years, YEARS), (c.quality_weight, PERCENT),
            (c.price_weight, PERCENT), (c.social_value_weight, PERCENT),
            (_label(cat.PRICING_MODELS, c.pricing_model), None),
            (_label(cat.PAYMENT_BASES, c.payment_basis), None),
            (_label(cat.PROCUREMENT_ROUTES, c.procurement_route), None),
            (sum(1 for f in findings if f.lot == lot.id), "0")]
        for col, (value, fmt) in enumerate(values, 1):
            _put(summary, row, col, value, fmt)
        row += 1
    if plan.lots:
        _put(summary, row, 2, "Total").font = BOLD
        for col in (4, 5, 6, 7):
            column = [summary.cell(r, col).value for r in range(3, row)]
            _put(summary, row, col, sum(v for v in column if isinstance(v, (int, float))),
                 POUNDS).font = BOLD
    row += 2
    for label, amount in (("Funding available a year", position.funding_total),
                          ("Funding balance (negative is short)", position.balance)):
        _put(summary, row, 2, label).font = BOLD
        _put(summary, row, 4, amount if amount is not None else "not recorded",
             POUNDS if amount is not None else None)
        row += 1
    if plan.notes:
        _put(summary, row + 1, 1, "Notes").font = BOLD
        _put(summary, row + 1, 2, plan.notes)
    _widths(summary, [7, 34, 11, 14, 16, 14, 14, 10, 11, 10, 9, 9, 9, 16, 14, 26, 9])
    _print_setup(summary, landscape=True)

    from . import procurement_export

    taken = {"summary", FLOW_SHEET.lower(), *(t.lower() for t in procurement_export.SHEETS)}
    for lot in plan.lots:
        _lot_sheet(wb.create_sheet(_sheet_title(lot, taken)), model, plan, lot, by_id, sources,
                   [f for f in findings if f.lot == lot.id])
    _flow_sheet(wb.create_sheet(FLOW_SHEET), model, plan)
    procurement_export.add_sheets(wb, model, plan)
    return wb


FLOW_SHEET = "Demand and capacity"


def _flow_sheet(ws, model: ServiceModel, plan: LotPlan) -> None:
    """People a year per component, lot and cohort (models.flow), as numbers to total."""
    from .flow import run_flow
    from .flow_table import COLUMNS, component_rows, summary_lines

    result = run_flow(model, plan.id)
    ws["A1"] = f"{model.title}: demand and capacity, {plan.name}"
    ws["A1"].font = TITLE
    _header(ws, 2, [c.title for c in COLUMNS] + ["Lot or cohort"])
    ws.freeze_panes = "A3"
    row = 3
    lot_of = {m: lot.name for lot in plan.lots for m in lot.components}
    groups = [(r, lot_of.get(r.id, "")) for r in component_rows(model, result)]
    groups += [(t, "lot") for t in result.lots] + [(t, "cohort") for t in result.cohorts]
    for item, where in groups:
        _put(ws, row, 1, item.name)
        for col, column in enumerate(COLUMNS[1:], 2):
            value = column.value(item)
            fmt = POUNDS if "Cost" in column.title else "0" if "Use" not in column.title \
                else '0"%"'
            _put(ws, row, col, None if value is None else round(value, 1), fmt)
        _put(ws, row, len(COLUMNS) + 1, where)
        row += 1
    for line in ["", *summary_lines(result, model),
                 "Figures are steady-state annual averages (docs/flow.md); an empty cell is "
                 "an input not entered."]:
        _put(ws, row, 1, line)
        row += 1
    _widths(ws, [34, 12, 11, 12, 11, 12, 14, 12, 30])
    _print_setup(ws, landscape=True)


COMPONENT_HEADERS = ["Component", "Kind", "Cohorts", "Commissioner", "Localities",
                     "Capacity (a year)", "Estimated annual cost"]


def _lot_sheet(ws, model, plan, lot, by_id, sources, own_findings) -> None:
    ws["A1"] = f"{lot.code} {lot.name} ({plan.name})"
    ws["A1"].font = TITLE
    _header(ws, 2, COMPONENT_HEADERS)
    ws.freeze_panes = "A3"
    row = 3
    for member in dict.fromkeys(lot.components):
        c = by_id.get(member)
        if c is None:
            continue
        for col, (value, fmt) in enumerate([
                (c.name, None), (cat.KINDS[c.kind].name, None),
                (", ".join(cat.COHORTS[x] for x in c.cohorts), None),
                (cat.COMMISSIONERS[c.commissioner], None), (", ".join(c.localities), None),
                (c.capacity, "#,##0"), (c.estimated_annual_cost, POUNDS)], 1):
            _put(ws, row, col, value, fmt)
        row += 1

    row += 1
    _put(ws, row, 1, "Contract terms").font = TITLE
    row += 1
    for label, value, fmt in _term_rows(lot):
        _put(ws, row, 1, label).font = BOLD
        _put(ws, row, 2, value, fmt)
        row += 1

    if own_findings:  # under the terms: a tender annex must not pass invalid terms as settled
        row += 1
        _put(ws, row, 1, "Checks on this lot").font = TITLE
        row += 1
        for finding in own_findings:
            _put(ws, row, 1, SEVERITY_WORDS[finding.severity]).font = BOLD
            _put(ws, row, 2, finding.message)
            row += 1

    row += 1
    _put(ws, row, 1, "Key performance indicators").font = TITLE
    _header(ws, row + 1, ["Indicator", "Target", "Monitoring"])
    row += 2
    for kpi in lot.contract.kpis:
        _put(ws, row, 1, kpi.name)
        _put(ws, row, 2, kpi.target)
        _put(ws, row, 3, _label(cat.KPI_FREQUENCIES, kpi.frequency))
        row += 1

    row += 1
    _put(ws, row, 1, "Funding").font = TITLE
    _header(ws, row + 1, ["Source", "Allocated a year", "Restricted to", "Recurrent"])
    row += 2
    for allocation in lot.funding:
        source = sources.get(allocation.source)
        _put(ws, row, 1, source.name if source else allocation.source)
        _put(ws, row, 2, allocation.annual_amount, POUNDS)
        _put(ws, row, 3, ", ".join(cat.COHORTS[x] for x in source.restricted_cohorts)
             if source else "")
        _put(ws, row, 4, ("Yes" if source.recurrent else "No, one year at a time")
             if source else "")
        row += 1
    if lot.funding:
        _put(ws, row, 1, "Total").font = BOLD
        _put(ws, row, 2, sum(a.annual_amount for a in lot.funding), POUNDS).font = BOLD
    if lot.notes:
        _put(ws, row + 2, 1, "Notes").font = BOLD
        _put(ws, row + 2, 2, lot.notes)
    _widths(ws, [40, 30, 34, 22, 24, 12, 16])
    _print_setup(ws, landscape=True)


CSV_HEADERS = ["Plan", "Lot code", "Lot", "Component id", "Component", "Kind", "Cohorts",
               "Commissioner", "Estimated annual cost", "Lot annual value",
               "Initial term (years)", "Extensions (years)", "Break clause (years)",
               "Quality weight", "Price weight", "Social value weight", "Pricing model",
               "Payment basis", "Procurement route", "KPIs", "Funding"]


def _plain(value) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # spreadsheets would run a name from a file as a formula
    return "" if value is None else value


def csv_text(model: ServiceModel, plan_id: str | None = None) -> str:
    plan = _plan(model, plan_id)
    by_id = {c.id: c for c in model.components}
    sources = {f.id: f.name for f in model.funding_sources}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for lot in plan.lots:
        c = lot.contract
        terms = [c.annual_value, c.initial_term_years, _extensions(lot), c.break_clause_years,
                 c.quality_weight, c.price_weight, c.social_value_weight,
                 _label(cat.PRICING_MODELS, c.pricing_model),
                 _label(cat.PAYMENT_BASES, c.payment_basis),
                 _label(cat.PROCUREMENT_ROUTES, c.procurement_route),
                 "; ".join(k.name + (f" ({k.target})" if k.target else "") for k in c.kpis),
                 "; ".join(f"{sources.get(a.source, a.source)}: {_plain(a.annual_amount)}"
                           for a in lot.funding)]
        members = [by_id[m] for m in dict.fromkeys(lot.components) if m in by_id] or [None]
        for m in members:  # an empty lot still gets its row
            component = ([m.id, m.name, cat.KINDS[m.kind].name,
                          ", ".join(cat.COHORTS[x] for x in m.cohorts),
                          cat.COMMISSIONERS[m.commissioner], m.estimated_annual_cost]
                         if m else ["", "", "", "", "", None])
            writer.writerow([_plain(v) for v in [plan.name, lot.code, lot.name, *component,
                                                  *terms]])
    return out.getvalue()


def _write(path: str | Path, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except PermissionError:
        raise ExportError(f"cannot write {path}: permission denied (is it open in Excel?)")
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}")


def write_xlsx(model: ServiceModel, path: str | Path, plan_id: str | None = None) -> None:
    buffer = io.BytesIO()  # build fully first, so a failure never leaves half a file
    workbook(model, plan_id).save(buffer)
    _write(path, buffer.getvalue())


def write_csv(model: ServiceModel, path: str | Path, plan_id: str | None = None) -> None:
    # A byte order mark makes Excel read the pound signs and accents as UTF-8.
    _write(path, csv_text(model, plan_id).encode("utf-8-sig"))


def export_schedule(opts) -> list[str]:
    """For `main.py export`: write what opts.xlsx / opts.csv ask for; return the paths written.
    Raises ModelFileError (unreadable model) or ExportError."""
    from .fileio import read_model

    model = read_model(opts.file)
    plan_id = getattr(opts, "plan", None)
    _plan(model, plan_id)
    written = []
    if getattr(opts, "xlsx", None):
        write_xlsx(model, opts.xlsx, plan_id)
        written.append(opts.xlsx)
    if getattr(opts, "csv", None):
        write_csv(model, opts.csv, plan_id)
        written.append(opts.csv)
    return written
