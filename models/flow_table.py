"""The demand and capacity figures as words and tables: one place for the columns and the way
each figure is written, shared by `python main.py flow`, the window's panel, the lot pack and
the spreadsheet export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .schema import ServiceModel
from .wording import money, two_lines

if TYPE_CHECKING:  # models.flow imports networkx (0.3 s): the window imports this at start
    from .flow import ComponentFlow, FlowResult, MaximumFlow, Totals

MISSING = "-"  # an input not entered (or a figure that depends on one)


def people(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.0f}"


def percent(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.0f}%"


def pounds(value: float | None) -> str:
    return money(value, MISSING)


def use(row: ComponentFlow | Totals) -> str:
    """Utilisation with its state in words, so it reads without colour: '137% OVER'."""
    u = row.utilisation_percent
    if u is None:
        if getattr(row, "over_capacity", False):
            return "no places"
        return MISSING
    return f"{u:,.0f}% OVER" if u > 100 + 1e-9 else f"{u:,.0f}%"


def band_width(count: float | None, busiest: float, thinnest: float, thickest: float) -> float:
    """How wide a pathway is drawn in a flow view (the window's and the printed one): the
    busiest pathway `thickest`, the others in proportion to their people a year above a
    `thinnest` that still shows; 0 (not drawn) when nobody or an unknown number takes it."""
    if not count or not busiest:
        return 0.0
    return thinnest + (thickest - thinnest) * min(count, busiest) / busiest


def capacity_text(arrivals: float | None, capacity: int | None) -> tuple[str, str]:
    """A service's arrivals against its capacity: (short, for the bar under or in its box,
    e.g. '1,341 / 1,200: OVER 112%'; in full, as a sentence). Over capacity always says OVER,
    so the bar reads without colour."""
    if arrivals is None:
        return "arrivals not known", "arrivals not known"
    if capacity is None:
        return (f"{people(arrivals)}, no capacity set",
                f"{people(arrivals)} people a year arrive; no capacity is set")
    if capacity == 0:
        return (f"{people(arrivals)}: OVER, no places",
                f"{people(arrivals)} people a year arrive, and it has no places")
    share = 100 * arrivals / capacity
    over = arrivals > capacity
    return (f"{people(arrivals)} / {people(capacity)}: {'OVER ' if over else ''}{share:,.0f}%",
            f"{people(arrivals)} people a year arrive; it can take on {people(capacity)} "
            f"({share:,.0f}% of its capacity{', over capacity' if over else ''})")


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[ComponentFlow | Totals], str]
    value: Callable[[ComponentFlow | Totals], float | None]  # for sorting; None sorts first
    numeric: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("Component", lambda r: r.name, lambda r: None, numeric=False),
    Column("People a year", lambda r: people(r.arrivals), lambda r: r.arrivals),
    Column("Capacity", lambda r: people(r.capacity), lambda r: r.capacity),
    Column("Use of capacity", use, lambda r: r.utilisation_percent),
    Column("Caseload", lambda r: people(r.caseload), lambda r: r.caseload),
    Column("Completions", lambda r: people(r.completions), lambda r: r.completions),
    Column("Cost per completion", lambda r: pounds(r.cost_per_completion),
           lambda r: r.cost_per_completion),
    Column("Unplanned exits", lambda r: people(r.unplanned_exits), lambda r: r.unplanned_exits),
)
# What a lot's or a cohort's row adds up, said wherever the rows are shown: a cohort's row is
# not its people (young people's 110 referrals can read as 896 at the services serving them).
LOT_ROWS = "Each lot (a person in two of its services counts in each)"
COHORT_ROWS = ("Each cohort: the services serving it added up (not the cohort's own people: "
               "a person in two of them counts in each)")

COLUMN_NOTES = {
    "People a year": "people who arrive in a year (for a referral route: who come in by it)",
    "Capacity": "people a year the service can take on",
    "Use of capacity": "people a year against capacity; OVER when more arrive than it can take",
    "Caseload": "people in the service at any one time (people a year x average stay / 12)",
    "Completions": "people a year who complete successfully",
    "Cost per completion": "estimated annual cost / successful completions (for a lot or "
                           "cohort: shown where its services that record a completion rate "
                           "carry at least half its cost)",
    "Unplanned exits": "people a year who leave by no pathway (drop-out)",
}


def component_rows(model: ServiceModel, result: FlowResult) -> list[ComponentFlow]:
    """Referral routes and services in file order; exits last (they only receive)."""
    rows = [result.components[c.id] for c in model.components if not c.kind_info.is_exit]
    return rows + [result.components[c.id] for c in model.components if c.kind_info.is_exit]


def cells(row: ComponentFlow | Totals) -> list[str]:
    return [column.text(row) for column in COLUMNS]


def summary_lines(result: FlowResult, model: ServiceModel,
                  best: MaximumFlow | None = None) -> list[str]:
    """The figures a board asks for first, one sentence each."""
    if not result.known:
        return ["No referral route has annual referrals yet, so there are no flow figures: "
                "enter the people a year who come in by each route."]
    names = {c.id: c.name for c in model.components}
    lines = []
    if result.scale != 1:
        # A "what if" on demand only: a board must not read its cost per completion as what
        # the bigger service would cost, nor completions above capacity as real.
        lines.append(f"{scenario_words(result)}. Costs stay as they are, and people above a "
                     "service's capacity are counted as if it took them.")
    # Arrivals unknown somewhere (a route without referrals, a loop nobody leaves): the totals
    # below add only what is known, and a board must not read them as the whole.
    unknown = [f for f in result.services(model) if f.arrivals is None]
    if unknown:
        lines.append("Partial figures: the people a year at "
                     f"{len(unknown)} service{'s' if len(unknown) != 1 else ''} are not known, "
                     "so the totals below count only the rest (see the findings).")
    lines += [f"People coming in a year: {people(result.referrals)}; starting treatment: "
             f"{people(result.treatment_starts)}; successful completions: "
             f"{people(result.completions)}; cost per completion: "
             f"{pounds(result.cost_per_completion)}."]
    exits = [result.components[c.id] for c in model.components if c.kind_info.is_exit]
    if exits:
        # Not the completions above, which count each service a person completes: a board
        # comparing "Completed treatment 796" with "completions 782" needs to be told why.
        lines.append("Leaving by an exit a year: "
                     + "; ".join(f"{row.name} {people(row.arrivals)}" for row in exits)
                     + " (people leaving the system; completions count each service a "
                       "person completes).")
    loaded = result.most_loaded()
    if loaded is not None:
        lines.append(f"Most loaded service: {loaded.name}, at {percent(loaded.utilisation_percent)}"
                     f" of its capacity{' (over capacity)' if loaded.over_capacity else ''}.")
    over = result.bottlenecks
    if over:
        lines.append(f"Over capacity ({len(over)}, most over first): "
                     + "; ".join(f"{names[i]} {use(result.components[i])}" for i in over) + ".")
    else:
        lines.append("No service whose arrivals are known has more than its capacity."
                     if unknown else "No service has more arrivals than its capacity.")
    if best is not None:
        lines.append(maximum_sentence(best, names))
    return lines


def scenario_words(result: FlowResult) -> str:
    """'With referrals up by 20% (the model is not changed)', or '' for the model's own."""
    if result.scale == 1:
        return ""
    change = round(abs(result.scale - 1) * 100)
    return (f"With referrals {'up' if result.scale > 1 else 'down'} by {change}% "
            "(the model is not changed)")


def maximum_sentence(best: MaximumFlow, names: dict[str, str]) -> str:
    if best.people is None:
        return ("The most people a year the system could carry is not limited: some referral "
                "routes reach an exit through services without a capacity.")
    limit = ", ".join(names[i] for i in best.limiting) or "no service"
    extra = (f" ({len(best.uncapped)} services without a capacity are taken as unlimited)"
             if best.uncapped else "")
    return (f"The most people a year the system could carry with today's capacities: "
            f"{people(best.people)}, limited by {limit}{extra}.")


def text_table(headers: list[str], rows: list[list[str]], numeric: list[bool]) -> list[str]:
    """Plain text columns: names left, figures right. The figures' headings take two lines
    ("Cost per" over "completion"), so the table fits a 120-column Windows console."""
    split = [[h] if not num else two_lines(h).split("\n") for h, num in zip(headers, numeric)]
    tops = [parts[0] if len(parts) == 2 else "" for parts in split]
    bottoms = [parts[-1] for parts in split]
    widths = [max(len(top), len(bottom), *(len(r[i]) for r in rows))
              for i, (top, bottom) in enumerate(zip(tops, bottoms))]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric)).rstrip()
    heading = [line(tops)] if any(tops) else []
    return [*heading, line(bottoms), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def report_lines(model: ServiceModel, result: FlowResult,
                 best: MaximumFlow | None = None) -> list[str]:
    """The whole readable report `python main.py flow` prints."""
    plan = model.plan(result.plan_id)
    out = [f"{model.title} - demand and capacity"
           + (f" (lot plan: {plan.name})" if plan else ""), ""]
    out += summary_lines(result, model, best)
    headers = [c.title for c in COLUMNS]
    numeric = [c.numeric for c in COLUMNS]
    out += ["", *text_table(headers, [cells(r) for r in component_rows(model, result)], numeric)]
    for heading, title, groups in ((LOT_ROWS, "Lot", result.lots),
                                   (COHORT_ROWS, "Cohort", result.cohorts)):
        if groups:
            rows = [cells(g) for g in groups]
            out += ["", heading + ":", *text_table([title, *headers[1:]], rows, numeric)]
    out += ["", f"{MISSING} : not entered, or depends on a figure not entered."]
    return out


def appraisal_measures(model: ServiceModel, plans: int) -> list:
    """Rows for the options appraisal (models.metrics): the flow does not depend on the lot
    plan, so each plan's cell is the same; left out until some route has referrals."""
    from .flow import maximum_flow, run_flow
    from .metrics import Measure

    result = run_flow(model, totals=False)
    if not result.known:
        return []
    names = {c.id: c.name for c in model.components}
    loaded, over, best = result.most_loaded(), result.bottlenecks, maximum_flow(model)
    rows = [
        ("People starting treatment a year", people(result.treatment_starts), ""),
        ("Most loaded service", percent(loaded.utilisation_percent) if loaded else MISSING,
         loaded.name if loaded else ""),
        ("Services over capacity", str(len(over)), ", ".join(names[i] for i in over)),
        ("Cost per successful completion", pounds(result.cost_per_completion), ""),
        ("Most people a year the system could carry",
         "not limited" if best.people is None else people(best.people),
         ", ".join(names[i] for i in best.limiting)),
    ]
    return [Measure(label, [main] * plans, [detail] * plans) for label, main, detail in rows]
