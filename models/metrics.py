"""What each lot plan means, in numbers: the options appraisal (no Qt).

`plan_metrics` measures one plan; `appraise` lays every plan of the model side by side, one
column per plan, each compared with a baseline plan: numbers carry their change against it
('6 (−3)'), cells that differ from it are marked, and `change_summary` says it in words.
`appraisal_table` (the printed pack), `appraisal_tsv` and `appraisal_html` (the clipboard) are
its flat forms; without a baseline they compare nothing. Lot-level judgements (disconnected, underfunded, unassigned) come from
the same rules as the findings, so the appraisal never disagrees with the checks dock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from . import catalogue
from . import procurement as proc
from .checks import run_checks, severity_counts
from .funding import FundingPosition, funding_position
from .schema import ServiceModel
from .wording import and_list, money, plural


@dataclass
class LotFigures:
    id: str
    code: str
    name: str
    components: int
    annual_value: float | None
    estimated_cost: float
    findings: int  # findings that name this lot
    shortfall: float = 0.0  # what it is underfunded by (models/funding.py, as the checks say)


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
    homes: dict[str, str] = field(default_factory=dict)  # component id -> its lot's name
    localities: list[str] = field(default_factory=list)  # those the plan adds to the model's
    position: FundingPosition | None = None  # every money figure comes from here
    # Procurement (models.procurement): what a committee weighs beside the lots.
    whole_life_value: float | None = None
    routes: str = ""
    partners: str = ""
    top_risks: str = ""

    @property
    def lot_count(self) -> int:
        return len(self.lots)

    @property
    def lots_total(self) -> float | None:
        values = [lot.annual_value for lot in self.lots if lot.annual_value is not None]
        return sum(values) if values else None

    @property
    def estimated_cost(self) -> float:
        return sum(lot.estimated_cost for lot in self.lots)

    @property
    def shortfall(self) -> float:
        """The underfunded lots' shortfalls added up: what their values would need to rise by."""
        return sum(lot.shortfall for lot in self.lots)

    def underfunded_details(self) -> list[str]:
        return [f"{lot.name}, {money(lot.shortfall)} short" for lot in self.lots
                if lot.shortfall > 0]

    @property
    def smallest(self) -> LotFigures | None:
        valued = [lot for lot in self.lots if lot.annual_value is not None]
        return min(valued, key=lambda lot: lot.annual_value) if valued else None

    @property
    def balance(self) -> float | None:
        """Funding minus the lots' annual values; negative is a shortfall."""
        return self.position.balance if self.position is not None else None


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
    position = funding_position(model, plan.id)
    routes = list(dict.fromkeys(catalogue.PROCUREMENT_ROUTES.get(lot.contract.procurement_route
                                                                 or "", "not set")
                                for lot in plan.lots))
    metrics = PlanMetrics(plan.id, plan.name, handoffs=cross_lot_handoffs(model, plan.id),
                          funding_total=position.funding_total,
                          underfunded_lots=[lot.name for lot in position.underfunded],
                          findings=severity_counts(findings), position=position,
                          homes={m: lot.name for lot in plan.lots for m in lot.components},
                          localities=list(plan.localities),
                          whole_life_value=proc.plan_whole_life_value(plan),
                          routes=("Extend the current contracts" if plan.extends_current
                                  else ", ".join(routes) or "no lots"),
                          partners=proc.shares_text(proc.partner_shares(model, plan))
                          or "none recorded",
                          top_risks="; ".join(
                              r.risk + (f" ({proc.risk_score(r)})" if proc.risk_score(r)
                                        else "") for r in proc.top_risks(plan)) or "none recorded")
    for lot, figures in zip(plan.lots, position.lots):
        members = [m for m in dict.fromkeys(lot.components) if m in by_id]
        metrics.lots.append(LotFigures(
            lot.id, lot.code, lot.name, len(members), figures.value, figures.cost,
            sum(1 for f in findings if f.lot == lot.id), figures.shortfall))
    for f in findings:
        if f.rule == "lot-disconnected":
            metrics.disconnected_lots.append(lot_names[f.lot])
        elif f.rule == "unassigned-component":
            metrics.unassigned.extend(by_id[c].name for c in f.components)
    return metrics


@dataclass
class Measure:
    """One row of the appraisal. Per plan: a main text and a detail (names, "" when none); where
    a change between plans can be stated, the number behind the main text."""
    label: str
    mains: list[str]
    details: list[str] | None = None
    values: list[float | None] | None = None  # None: a text row, no change is stated
    money: bool = False
    keys: list[str] | None = None  # a change is stated only between cells with the same key

    def cell(self, column: int, change: str = "", html: bool = False) -> str:
        """'6 (−3)', '1 (+1): Recovery'; as HTML, escaped, and a change that never wraps after
        its sign (a word joiner: Qt's rich text ignores white-space:nowrap on a span)."""
        main, detail = self.mains[column], self.details[column] if self.details else ""
        if html:
            main, detail, change = escape(main), escape(detail), escape(change)
        if change:
            change = f"({change[0]}\u2060{change[1:]})" if html else f"({change})"
            return f"{main} {change}" + (f": {detail}" if detail else "")
        return f"{main} ({detail})" if detail else main

    def change(self, column: int, baseline: int) -> str:
        """'\u22123', '+£1,600,000'; '' when equal, not a number or not comparable."""
        if self.values is None or column == baseline:
            return ""
        if self.keys is not None and self.keys[column] != self.keys[baseline]:
            return ""
        value, base = self.values[column], self.values[baseline]
        if value is None or base is None or value == base:
            return ""
        size = money(abs(value - base)) if self.money else f"{abs(value - base):,.0f}"
        return ("+" if value > base else "\u2212") + size


def _measures(plans: list[PlanMetrics]) -> list[Measure]:
    def lot_row(index: int) -> Measure:
        lots = [m.lots[index] if index < m.lot_count else None for m in plans]
        return Measure(f"Lot {index + 1} annual value",
                       [f"{lot.code} {lot.name}: {money(lot.annual_value)}" if lot
                        else f"(no lot {index + 1})"
                        for lot in lots],
                       values=[lot.annual_value if lot else None for lot in lots], money=True,
                       keys=[lot.id if lot else "" for lot in lots])

    def balance(m: PlanMetrics) -> str:
        if m.balance is None:
            return "not known"
        return money(m.balance) + (" short" if m.balance < 0 else "")

    def count(label: str, numbers: list[int]) -> Measure:
        return Measure(label, [str(n) for n in numbers], values=list(numbers))

    def named(label: str, names: list[list[str]]) -> Measure:
        return Measure(label, [str(len(n)) for n in names], [", ".join(n) for n in names],
                       values=[len(n) for n in names])

    def amount(label: str, values: list[float | None]) -> Measure:
        return Measure(label, [money(v) for v in values], values=values, money=True)

    smallest = [m.smallest for m in plans]
    widest = max((m.lot_count for m in plans), default=0)
    return [
        count("Number of lots", [m.lot_count for m in plans]),
        *(lot_row(i) for i in range(widest)),
        Measure("Smallest lot value", [money(lot.annual_value) if lot else "not set"
                                       for lot in smallest],
                [lot.name if lot else "" for lot in smallest],
                values=[lot.annual_value if lot else None for lot in smallest], money=True),
        amount("Total lot value", [m.lots_total for m in plans]),
        amount("Whole-life value (full terms with extensions)",
               [m.whole_life_value for m in plans]),
        Measure("Procurement route", [m.routes for m in plans]),
        amount("Estimated cost of the lots' services", [m.estimated_cost for m in plans]),
        count("Cross-lot handoffs (pathways)", [m.handoffs for m in plans]),
        named("Disconnected lots", [m.disconnected_lots for m in plans]),
        named("Unassigned procured services", [m.unassigned for m in plans]),
        Measure("Underfunded lots", [str(len(m.underfunded_lots)) for m in plans],
                [", ".join(m.underfunded_details()) for m in plans],
                values=[len(m.underfunded_lots) for m in plans]),
        amount("Underfunded by (a year)", [m.shortfall for m in plans]),
        Measure("Funding available a year",
                [money(m.funding_total) if m.funding_total is not None else "none recorded"
                 for m in plans], values=[m.funding_total for m in plans], money=True),
        Measure("Funding balance", [balance(m) for m in plans],
                values=[m.balance for m in plans], money=True),
        Measure("Partners' money a year", [m.partners for m in plans]),
        Measure("Top risks (likelihood x impact)", [m.top_risks for m in plans]),
        count("Findings: errors", [m.findings["error"] for m in plans]),
        count("Findings: warnings", [m.findings["warning"] for m in plans]),
        count("Findings: notes", [m.findings["info"] for m in plans]),
    ]


def change_summary(base: PlanMetrics, plan: PlanMetrics) -> str:
    """What a plan changes against the baseline, in a few words, the decisive measures first:
    '3 fewer cross-lot handoffs (9 → 6); 1 fewer lot; 1 lot underfunded still, by £350,000
    a year'."""
    parts = []

    def more_or_fewer(after: float, before: float, noun: str, detail: str = "") -> None:
        if after != before:
            word = "more" if after > before else "fewer"
            parts.append(f"{abs(after - before):,.0f} {word} {noun}"
                         + ("" if abs(after - before) == 1 else "s") + detail)

    def still(after: list[str], before: list[str], noun: str, state: str, by: str = "") -> None:
        if after:
            parts.append(f"{plural(len(after), noun)} {state}" + (" still" if before else "")
                         + (f", by {by}" if by else ""))
        elif before:
            parts.append(f"no {noun} {state} now")

    more_or_fewer(plan.handoffs, base.handoffs, "cross-lot handoff",
                  f" ({base.handoffs} \u2192 {plan.handoffs})")
    more_or_fewer(plan.lot_count, base.lot_count, "lot")
    parts.extend(regrouped(base, plan))
    added = [loc for loc in plan.localities if loc not in base.localities]
    if added:
        parts.append(f"also covers {and_list(added)}")
    still(plan.underfunded_lots, base.underfunded_lots, "lot", "underfunded",
          f"{money(plan.shortfall)} a year" if plan.shortfall else "")
    still(plan.disconnected_lots, base.disconnected_lots, "lot", "disconnected")
    still(plan.unassigned, base.unassigned, "procured service", "in no lot")
    if None not in (plan.lots_total, base.lots_total) and plan.lots_total != base.lots_total:
        word = "more" if plan.lots_total > base.lots_total else "less"
        parts.append(f"{money(abs(plan.lots_total - base.lots_total))} {word} a year in lots")
    elif plan.lots_total is not None and plan.lots_total == base.lots_total and parts:
        parts.append(f"the same {money(plan.lots_total)} a year in lots")
    more_or_fewer(plan.findings["error"], base.findings["error"], "error")
    more_or_fewer(plan.findings["warning"], base.findings["warning"], "warning")
    return "; ".join(parts) or "no change in lots, handoffs, value or findings"


def regrouped(base: PlanMetrics, plan: PlanMetrics) -> list[str]:
    """Lots merged or split against the baseline, by where their components went:
    'Treatment and Engagement merged into Treatment, with engagement'."""
    def grouping(a: PlanMetrics, b: PlanMetrics) -> dict[str, list[str]]:
        sources: dict[str, list[str]] = {}
        for member, lot in b.homes.items():
            if member in a.homes:
                sources.setdefault(lot, [])
                if a.homes[member] not in sources[lot]:
                    sources[lot].append(a.homes[member])
        return {lot: names for lot, names in sources.items() if len(names) > 1}
    return ([f"{and_list(names)} merged into {lot}" for lot, names in grouping(base, plan).items()]
            + [f"{lot} split into {and_list(names)}" for lot, names in grouping(plan, base).items()])


@dataclass
class Appraisal:
    """Every plan side by side, each compared with the baseline plan (None: no comparison)."""
    plans: list[PlanMetrics]
    measures: list[Measure]
    baseline: int | None = None

    @property
    def headers(self) -> list[str]:
        return [m.plan_name for m in self.plans]

    def text(self, row: int, column: int, html: bool = False) -> str:
        """The cell, with its change against the baseline where it is a number."""
        measure = self.measures[row]
        if self.baseline is None:
            return measure.cell(column, html=html)
        return measure.cell(column, measure.change(column, self.baseline), html)

    def differs(self, row: int, column: int) -> bool:
        """Differs from the baseline's cell; with no baseline, from any other plan's."""
        measure = self.measures[row]
        if self.baseline is None:
            return len({measure.cell(c) for c in range(len(self.plans))}) > 1
        return measure.cell(column) != measure.cell(self.baseline)

    def differing_rows(self) -> set[int]:
        return {row for row in range(len(self.measures))
                if any(self.differs(row, c) for c in range(len(self.plans)))}

    def summaries(self) -> list[tuple[str, str]]:
        """(plan name, what it changes against the baseline) for every other plan."""
        if self.baseline is None:
            return []
        base = self.plans[self.baseline]
        return [(m.plan_name, change_summary(base, m))
                for i, m in enumerate(self.plans) if i != self.baseline]


def default_baseline(model: ServiceModel, plan_id: str | None = None) -> str:
    """The plan a plan is compared with unless the commissioner picks one: the plan it was
    copied from, else the model's first plan (the earlier option, so a summary reads as what
    the later options change, not backwards)."""
    plan = model.plan(plan_id)
    ids = [p.id for p in model.lot_plans]
    if plan is not None and plan.based_on in ids:
        return plan.based_on
    return ids[0] if ids else ""


def appraise(model: ServiceModel, baseline: str | None = None) -> Appraisal:
    """The appraisal of every lot plan; `baseline` is the id of the plan the others are
    compared with (an id no plan has means no comparison)."""
    plans = [plan_metrics(model, plan.id) for plan in model.lot_plans]
    column = next((i for i, p in enumerate(model.lot_plans) if p.id == baseline), None)
    from .flow_table import appraisal_measures  # demand and capacity (models/flow.py)

    return Appraisal(plans, _measures(plans) + appraisal_measures(model, len(plans)), column)


def appraisal_table(model: ServiceModel, baseline: str | None = None
                    ) -> tuple[list[str], list[tuple[str, list[str]]], set[int]]:
    """(plan names as column headers, rows of (row label, one formatted cell per plan),
        indexes of rows whose cells differ between plans). With a baseline plan id, numeric
        cells of the other plans carry their change against it: '6 (\u22123)'."""
    table = appraise(model, baseline)
    rows = [(m.label, [table.text(r, c) for c in range(len(table.plans))])
            for r, m in enumerate(table.measures)]
    return table.headers, rows, table.differing_rows()


def _header(table: Appraisal, column: int) -> str:
    name = table.headers[column]
    return f"{name} (baseline)" if column == table.baseline else name


def _tsv_cell(text: str) -> str:
    # Tabs and line breaks would split a cell when pasted into a spreadsheet.
    return " ".join(text.replace("\t", " ").split())


def appraisal_tsv(model: ServiceModel, baseline: str | None = None) -> str:
    """Tab-separated, header row first: pastes into Excel and Word as a table."""
    table = appraise(model, baseline)
    columns = range(len(table.plans))
    lines = ["\t".join(_tsv_cell(c) for c in ["", *(_header(table, c) for c in columns)])]
    lines += ["\t".join(_tsv_cell(c) for c in [m.label, *(table.text(r, c) for c in columns)])
              for r, m in enumerate(table.measures)]
    return "\n".join(lines) + "\n"


DIFFERENCE_COLOUR = "#f7dc6f"  # a yellow that a greyscale copy still shows (about 15% grey)


def appraisal_html(model: ServiceModel, baseline: str | None = None) -> str:
    """The appraisal as an HTML table (rich clipboard, print). Cells that differ from the
    baseline plan's are shaded (with no baseline, rows that differ between plans)."""
    table = appraise(model, baseline)
    columns = range(len(table.plans))
    shade = f' bgcolor="{DIFFERENCE_COLOUR}"'
    cell = 'style="border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top"'
    out = ['<table width="100%" style="border-collapse:collapse;font-family:sans-serif">',
           "<tr>" + f"<th {cell}></th>"
           + "".join(f"<th {cell}>{escape(_header(table, c))}</th>" for c in columns) + "</tr>"]
    for r, measure in enumerate(table.measures):
        cells = "".join(f"<td {cell}{shade if table.differs(r, c) else ''}>"
                        f"{table.text(r, c, html=True)}</td>" for c in columns)
        out.append(f"<tr><th {cell}>{escape(measure.label)}</th>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)
