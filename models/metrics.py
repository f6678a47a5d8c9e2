"""What each lot plan means, in numbers: the options appraisal (no Qt).

`plan_metrics` measures one plan; `appraisal_table` lays every plan of the model side by side,
one column per plan, for the appraisal view, the clipboard (`appraisal_tsv`, `appraisal_html`)
and the printed pack. Lot-level judgements (disconnected, underfunded, unassigned) come from
the same rules as the findings, so the appraisal never disagrees with the checks dock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from .checks import run_checks, severity_counts
from .schema import ServiceModel


@dataclass
class LotFigures:
    id: str
    code: str
    name: str
    components: int
    annual_value: float | None
    estimated_cost: float
    findings: int  # findings that name this lot


@dataclass
class PlanMetrics:
    plan_id: str
    plan_name: str
    lots: list[LotFigures] = field(default_factory=list)
    handoffs: int = 0  # pathways whose ends sit in two different lots
    disconnected_lots: list[str] = field(default_factory=list)  # lot names
    unassigned: list[str] = field(default_factory=list)  # component names
    underfunded_lots: list[str] = field(default_factory=list)
    funding_total: float | None = None  # None when no source has an amount
    findings: dict[str, int] = field(default_factory=dict)  # severity -> count

    @property
    def lot_count(self) -> int:
        return len(self.lots)

    @property
    def lots_total(self) -> float | None:
        values = [lot.annual_value for lot in self.lots if lot.annual_value is not None]
        return sum(values) if values else None

    @property
    def smallest(self) -> LotFigures | None:
        valued = [lot for lot in self.lots if lot.annual_value is not None]
        return min(valued, key=lambda lot: lot.annual_value) if valued else None

    @property
    def balance(self) -> float | None:
        """Funding minus the lots' annual values; negative is a shortfall."""
        if self.funding_total is None or self.lots_total is None:
            return None
        return self.funding_total - self.lots_total


def money(value: float | None) -> str:
    if value is None:
        return "not set"
    return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"


def cross_lot_handoffs(model: ServiceModel, plan_id: str | None = None) -> int:
    plan = model.plan(plan_id)
    home = {member: lot.id for lot in plan.lots for member in lot.components}
    return sum(1 for p in model.pathways
               if p.source in home and p.target in home and home[p.source] != home[p.target])


def plan_metrics(model: ServiceModel, plan_id: str | None = None) -> PlanMetrics:
    plan = model.plan(plan_id)
    if plan is None:
        raise KeyError(f"no lot plan has id {plan_id!r}")
    findings = run_checks(model, plan.id)
    by_id = {c.id: c for c in model.components}
    lot_names = {lot.id: lot.name for lot in plan.lots}
    amounts = [f.annual_amount for f in model.funding_sources if f.annual_amount is not None]
    metrics = PlanMetrics(plan.id, plan.name, handoffs=cross_lot_handoffs(model, plan.id),
                          funding_total=sum(amounts) if amounts else None,
                          findings=severity_counts(findings))
    for lot in plan.lots:
        members = [m for m in dict.fromkeys(lot.components) if m in by_id]
        metrics.lots.append(LotFigures(
            lot.id, lot.code, lot.name, len(members), lot.contract.annual_value,
            sum(by_id[m].estimated_annual_cost or 0 for m in members),
            sum(1 for f in findings if f.lot == lot.id)))
    for f in findings:
        if f.rule == "lot-disconnected":
            metrics.disconnected_lots.append(lot_names[f.lot])
        elif f.rule == "lot-underfunded":
            metrics.underfunded_lots.append(lot_names[f.lot])
        elif f.rule == "unassigned-component":
            metrics.unassigned.extend(by_id[c].name for c in f.components)
    return metrics


def _count_and_names(names: list[str]) -> str:
    return f"{len(names)} ({', '.join(names)})" if names else "0"


def appraisal_table(model: ServiceModel) -> tuple[list[str], list[tuple[str, list[str]]], set[int]]:
    """(plan names as column headers, rows of (row label, one formatted cell per plan),
        indexes of rows whose cells differ between plans)"""
    plans = [plan_metrics(model, plan.id) for plan in model.lot_plans]
    widest = max((m.lot_count for m in plans), default=0)

    def lot_cell(m: PlanMetrics, index: int) -> str:
        if index >= m.lot_count:
            return ""
        lot = m.lots[index]
        return f"{lot.code} {lot.name}: {money(lot.annual_value)}"

    def smallest(m: PlanMetrics) -> str:
        lot = m.smallest
        return f"{money(lot.annual_value)} ({lot.name})" if lot else "not set"

    def balance(m: PlanMetrics) -> str:
        if m.balance is None:
            return "not known"
        return money(m.balance) + (" short" if m.balance < 0 else "")

    rows: list[tuple[str, list[str]]] = [("Number of lots", [str(m.lot_count) for m in plans])]
    rows += [(f"Lot {i + 1} annual value", [lot_cell(m, i) for m in plans])
             for i in range(widest)]
    rows += [
        ("Smallest lot value", [smallest(m) for m in plans]),
        ("Total lot value", [money(m.lots_total) for m in plans]),
        ("Cross-lot handoffs (pathways)", [str(m.handoffs) for m in plans]),
        ("Disconnected lots", [_count_and_names(m.disconnected_lots) for m in plans]),
        ("Unassigned procured services", [_count_and_names(m.unassigned) for m in plans]),
        ("Underfunded lots", [_count_and_names(m.underfunded_lots) for m in plans]),
        ("Funding available a year", [money(m.funding_total) for m in plans]),
        ("Funding balance", [balance(m) for m in plans]),
        ("Findings: errors", [str(m.findings["error"]) for m in plans]),
        ("Findings: warnings", [str(m.findings["warning"]) for m in plans]),
        ("Findings: notes", [str(m.findings["info"]) for m in plans]),
    ]
    differing = {i for i, (_, cells) in enumerate(rows) if len(set(cells)) > 1}
    return [m.plan_name for m in plans], rows, differing


def _tsv_cell(text: str) -> str:
    # Tabs and line breaks would split a cell when pasted into a spreadsheet.
    return " ".join(text.replace("\t", " ").split())


def appraisal_tsv(model: ServiceModel) -> str:
    """Tab-separated, header row first: pastes into Excel and Word as a table."""
    headers, rows, _ = appraisal_table(model)
    lines = ["\t".join(_tsv_cell(c) for c in ["", *headers])]
    lines += ["\t".join(_tsv_cell(c) for c in [label, *cells]) for label, cells in rows]
    return "\n".join(lines) + "\n"


DIFFERENCE_COLOUR = "#fff2b3"  # a pale yellow that prints as a light grey


def appraisal_html(model: ServiceModel) -> str:
    """The appraisal as an HTML table (rich clipboard); rows that differ are shaded."""
    headers, rows, differing = appraisal_table(model)
    cell = 'style="border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top"'
    out = ['<table width="100%" style="border-collapse:collapse;font-family:sans-serif">',
           "<tr>" + f"<th {cell}></th>" + "".join(f"<th {cell}>{escape(h)}</th>" for h in headers)
           + "</tr>"]
    for i, (label, cells) in enumerate(rows):
        shade = f' bgcolor="{DIFFERENCE_COLOUR}"' if i in differing else ""
        out.append(f"<tr{shade}><th {cell}>{escape(label)}</th>"
                   + "".join(f"<td {cell}>{escape(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)
