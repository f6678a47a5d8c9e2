"""Procurement as councils run it: routes by regime and date, award criteria, whole-life value,
partners' money per plan, the timeline and the risk register (docs/file-format.md, "Procurement").

Plain functions over the schema, shared by the checks, the pack, the workbook and the window, so
each rule and each figure is worked out in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from . import catalogue
from .schema import Component, Contract, FundingSource, Lot, LotPlan, Risk, ServiceModel
from .wording import money


@dataclass(frozen=True)
class Regime:
    name: str
    start: date | None = None  # the first day a procurement may use it
    end: date | None = None  # the last day (None: still in force)


PCR_2015 = Regime("the Public Contracts Regulations 2015", date(2015, 2, 26), date(2023, 12, 31))
PSR = Regime("the Provider Selection Regime (2023 Regulations)", date(2024, 1, 1))
PA_2023 = Regime("the Procurement Act 2023", date(2025, 2, 24))
ANY_TIME = Regime("")  # frameworks, spot purchase, grants and section 75 have no date of their own

ROUTE_REGIMES: dict[str, Regime] = {
    "direct_award_a": PSR, "direct_award_b": PSR, "direct_award_c": PSR,
    "most_suitable_provider": PSR, "competitive_process": PSR,
    "pcr_2015_light_touch": PCR_2015,
    "pa23_open": PA_2023, "pa23_competitive_flexible": PA_2023, "pa23_direct_award": PA_2023,
    "framework_call_off": ANY_TIME, "dps_spot_purchase": ANY_TIME,
    "grant_agreement": ANY_TIME, "section_75": ANY_TIME,
}
# PSR processes that must weigh the five key criteria and observe the standstill; direct awards
# A and B go to the existing or only provider without either.
PSR_CRITERIA_ROUTES = frozenset({"direct_award_c", "most_suitable_provider",
                                 "competitive_process"})
PSR_STANDSTILL_WORKING_DAYS = 8

PSR_CRITERIA: dict[str, str] = {
    "quality_innovation": "Quality and innovation",
    "value": "Value",
    "integration_collaboration": "Integration, collaboration and service sustainability",
    "access_inequalities_choice": "Improving access, reducing health inequalities and "
                                  "facilitating choice",
    "social_value": "Social value",
}

STAGE_ORDER = {stage: i for i, stage in enumerate(catalogue.MILESTONE_STAGES)}
# Milestones that mark a procurement under way: the route must be in force on the first of them.
PROCUREMENT_STAGES = ("notice", "bids_due", "evaluation", "award")


def iso(text: str | None) -> date | None:
    """A date from the file's ISO text; the schema has already refused impossible ones."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def long_date(d: date | None) -> str:
    return "not set" if d is None else f"{d.day} {d:%B %Y}"


# --- routes --------------------------------------------------------------------------------

def procurement_date(plan: LotPlan, contract: Contract) -> tuple[date | None, str]:
    """The day a route must be in force, and what that day is: the first notice, bid or award
    date of the plan's timeline when it has one (a tender begun under the PCR in 2023 may start
    its contract in 2024), else the contract's start date."""
    started = [d for m in plan.timeline if m.stage in PROCUREMENT_STAGES
               if (d := iso(m.date)) is not None]
    if started:
        return min(started), "the procurement begins"
    return iso(contract.start_date), "the contract starts"


def route_problem(plan: LotPlan, contract: Contract) -> str:
    """Why the lot's route did not exist on its date, in words, or ''."""
    route = contract.procurement_route
    regime = ROUTE_REGIMES.get(route or "")
    when, what = procurement_date(plan, contract)
    if regime is None or when is None:
        return ""
    label = catalogue.PROCUREMENT_ROUTES[route]
    if regime.start and when < regime.start:
        return (f"{label} is under {regime.name}, in force from {long_date(regime.start)}, "
                f"but {what} on {long_date(when)}")
    if regime.end and when > regime.end:
        return (f"{label} is under {regime.name}, which health care services could use only "
                f"until {long_date(regime.end)}, but {what} on {long_date(when)}")
    return ""


def uses_psr_criteria(contract: Contract) -> bool:
    return contract.procurement_route in PSR_CRITERIA_ROUTES


def criteria_total(contract: Contract) -> float | None:
    """The PSR key criteria weights added up, or None when none is set."""
    c = contract.psr_criteria
    weights = [getattr(c, key) for key in PSR_CRITERIA] if c is not None else []
    if not any(w is not None for w in weights):
        return None
    return sum(w or 0 for w in weights)


def criteria_rows(contract: Contract) -> list[tuple[str, float | None]]:
    c = contract.psr_criteria
    return [(label, getattr(c, key) if c else None) for key, label in PSR_CRITERIA.items()]


# --- value ---------------------------------------------------------------------------------

def full_term_years(contract: Contract) -> float | None:
    if contract.initial_term_years is None:
        return None
    return contract.initial_term_years + sum(contract.extensions_years)


def whole_life_value(lot: Lot) -> float | None:
    """The annual value over the full term with every extension taken: the figure a notice
    states and a procurement threshold is judged on."""
    term = full_term_years(lot.contract)
    value = lot.contract.annual_value
    return None if term is None or value is None else term * value


def plan_whole_life_value(plan: LotPlan) -> float | None:
    values = [whole_life_value(lot) for lot in plan.lots]
    known = [v for v in values if v is not None]
    return sum(known) if known else None


# --- partners' money -----------------------------------------------------------------------

def plan_sources(model: ServiceModel, plan: LotPlan | None) -> list[FundingSource]:
    """The funding sources that belong to a plan: those for every plan, and those that name it.
    A plan id that no longer exists is ignored, so a source naming only deleted plans is in none."""
    if plan is None:
        return [f for f in model.funding_sources if not f.plans]
    return [f for f in model.funding_sources if not f.plans or plan.id in f.plans]


def partner_shares(model: ServiceModel,
                   plan: LotPlan | None) -> list[tuple[str, float | None, float | None]]:
    """(partner, annual amount, percent of the plan's known money) for each partner putting
    money into the plan, largest first, then those whose amount is not known (None); sources
    without a partner count under the model's authority."""
    totals: dict[str, float | None] = {}
    for source in plan_sources(model, plan):
        who = source.partner.strip() or model.authority.strip() or "Not recorded"
        if source.annual_amount is None:
            totals.setdefault(who, None)
        else:
            totals[who] = (totals.get(who) or 0.0) + source.annual_amount
    whole = sum(v for v in totals.values() if v is not None)
    rows = [(who, amount, 100 * amount / whole if amount is not None and whole else None)
            for who, amount in totals.items()]
    return sorted(rows, key=lambda row: -(row[1] if row[1] is not None else -1))


def shares_text(rows: list[tuple[str, float | None, float | None]]) -> str:
    """'Leicestershire County Council £5,220,000 (97%); Leicester City Council not set'."""
    return "; ".join(f"{who} {money(amount)} ({share:.0f}%)" if amount is not None
                     else f"{who}: amount not set" for who, amount, share in rows)


# --- risks and timeline --------------------------------------------------------------------

def risk_score(risk: Risk) -> int | None:
    if risk.likelihood is None or risk.impact is None:
        return None
    return risk.likelihood * risk.impact


def top_risks(plan: LotPlan, count: int = 3) -> list[Risk]:
    """The highest-scoring risks (likelihood x impact), unscored ones last, file order within."""
    return sorted(plan.risks, key=lambda r: -(risk_score(r) or 0))[:count]


def add_working_days(start: date, days: int) -> date:
    """`days` working days after `start`, Monday to Friday (bank holidays are not known to the
    model: a standstill over Christmas or Easter needs a day or two more)."""
    d = start
    while days > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def first(plan: LotPlan, stage: str) -> date | None:
    dates = [d for m in plan.timeline if m.stage == stage if (d := iso(m.date)) is not None]
    return min(dates) if dates else None


def timeline_out_of_order(plan: LotPlan) -> list[str]:
    """Pairs of milestones whose dates run against the order the stages must happen in."""
    staged = [(STAGE_ORDER[m.stage], iso(m.date), m) for m in plan.timeline
              if m.stage != "other" and iso(m.date) is not None]
    problems = []
    for rank, when, m in staged:
        for other_rank, other_when, other in staged:
            if other_rank > rank and other_when < when:
                problems.append(f"{milestone_name(other)} ({long_date(other_when)}) comes before "
                                f"{milestone_name(m)} ({long_date(when)})")
    return problems


def milestone_name(m) -> str:
    return m.label.strip() or catalogue.MILESTONE_STAGES[m.stage]


def months_between(a: date, b: date) -> float:
    return (b - a).days / (365.25 / 12)


def mobilisation_problem(plan: LotPlan) -> str:
    """Whether the timeline leaves the mobilisation the plan says it needs: from the award
    (or the end of standstill, when later) to the service start."""
    need, start = plan.mobilisation_months, first(plan, "start")
    ready = [d for d in (first(plan, "award"), first(plan, "standstill")) if d is not None]
    if need is None or start is None or not ready:
        return ""
    have = months_between(max(ready), start)
    if have + 1e-9 >= need:
        return ""
    return (f"the timeline leaves {max(have, 0):.1f} months from award to the start on "
            f"{long_date(start)}, but the plan needs {need:g} months to mobilise")


def plan_uses_psr_standstill(plan: LotPlan) -> bool:
    return any(uses_psr_criteria(lot.contract) for lot in plan.lots)


def standstill_end(plan: LotPlan) -> date | None:
    """The earliest day the PSR standstill allows the contract to be entered into, when a lot
    uses a PSR process with standstill and the timeline has an award date."""
    award = first(plan, "award")
    if award is None or not plan_uses_psr_standstill(plan):
        return None
    return add_working_days(award, PSR_STANDSTILL_WORKING_DAYS)


def standstill_problem(plan: LotPlan) -> str:
    """A PSR plan whose timeline ends standstill, or starts the service, under 8 working days
    after the award decision."""
    end = standstill_end(plan)
    if end is None:
        return ""
    for stage in ("standstill", "mobilisation", "start"):
        when = first(plan, stage)
        if when is not None and when < end:
            return (f"the {catalogue.MILESTONE_STAGES[stage].lower()} date "
                    f"({long_date(when)}) is before the PSR standstill of "
                    f"{PSR_STANDSTILL_WORKING_DAYS} working days after the award ends "
                    f"({long_date(end)})")
    return ""


def timeline_rows(plan: LotPlan) -> list[tuple[date, str, str]]:
    """(date, milestone, note) in date order, with the PSR standstill's end added where the
    plan needs one and the timeline does not give it."""
    rows = [(iso(m.date), milestone_name(m),
             catalogue.MILESTONE_STAGES[m.stage] if m.label.strip() and m.stage != "other"
             else "") for m in plan.timeline]
    end = standstill_end(plan)
    if end is not None and first(plan, "standstill") is None:
        rows.append((end, "PSR standstill ends (earliest contract date)",
                     f"{PSR_STANDSTILL_WORKING_DAYS} working days after the award; worked out"))
    return sorted((r for r in rows if r[0] is not None), key=lambda r: r[0])


# --- incumbency ----------------------------------------------------------------------------

def plan_start(plan: LotPlan) -> date | None:
    starts = [d for lot in plan.lots if (d := iso(lot.contract.start_date)) is not None]
    return first(plan, "start") or (min(starts) if starts else None)


def extension_problems(model: ServiceModel, plan: LotPlan) -> list[tuple[str, str]]:
    """(component id, why) for each service of a do-nothing plan whose current contract cannot
    run on: recorded as not extendable."""
    if not plan.extends_current:
        return []
    return [(c.id, f"{c.name}'s current contract"
                   + (f" with {c.current_provider}" if c.current_provider else "")
                   + " cannot be extended")
            for c in model.components if c.current_contract_extendable is False]


def service_gaps(model: ServiceModel, plan: LotPlan,
                 components: Mapping[str, Component] | None = None) -> list[tuple[str, str]]:
    """(component id, why) for services whose current contract ends before the plan's new
    service starts and cannot be extended to bridge the gap, in file order. `components`: the
    model's components by id, when the caller holds them already (the checks do), so that only
    the plan's members are read."""
    start = plan_start(plan)
    if start is None or plan.extends_current:
        return []
    if components is None:
        components = {c.id: c for c in model.components}
    # End date -> that date when it leaves a gap before the start, else None: worked out once
    # per date, as a national model's services share a few.
    gap_after: dict[str, date | None] = {}
    late: set[str] = set()
    for member in {m for lot in plan.lots for m in lot.components}:
        c = components.get(member)
        if c is None or c.current_contract_end is None or c.current_contract_extendable is True:
            continue
        text = c.current_contract_end
        if text not in gap_after:
            end = iso(text)
            gap_after[text] = end if end is not None and (start - end).days > 1 else None
        if gap_after[text] is not None:  # more than a day between the end and the start
            late.add(member)
    if not late:
        return []
    starts = long_date(start)
    return [(c.id, f"{c.name}'s current contract ends on "
                   f"{long_date(gap_after[c.current_contract_end])} but the new service starts "
                   f"on {starts}")
            for c in model.components if c.id in late]  # file order, as the findings go
