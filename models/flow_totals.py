"""Lot and cohort totals of the flow figures (docs/flow.md, step 5): added to a FlowResult
only when they are shown or printed, since no check needs them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import catalogue as cat
from .schema import ServiceModel

if TYPE_CHECKING:
    from .flow import ComponentFlow, FlowResult

_ROUTES = frozenset(k.id for k in cat.KINDS.values() if k.is_route)
_SERVICES = frozenset(k.id for k in cat.KINDS.values() if k.is_service)
_COHORT_BIT = {cohort: 1 << i for i, cohort in enumerate(cat.COHORTS)}


def _utilisation(arrivals: float | None, capacity: int | None) -> float | None:
    """Arrivals as a percentage of capacity; None when either is unknown (or capacity 0)."""
    if arrivals is None or not capacity:
        return None
    return 100.0 * arrivals / capacity


def _per(cost: float | None, count: float | None) -> float | None:
    return cost / count if cost is not None and count else None


def group_cost_per_completion(rows) -> float | None:
    """A group's cost per successful completion: its cost / its completions, shown only where
    the services that record a completion rate carry at least half of the group's cost. A
    recovery lot whose one small employment service records completions would otherwise show
    the whole lot's cost spread over that service's few completions (Luton: £31,000 each)."""
    cost = completions = completing_cost = 0.0
    for r in rows:
        if r.cost is not None:
            cost += r.cost
            if r.completions is not None:
                completing_cost += r.cost
        if r.completions is not None:
            completions += r.completions
    if not completions or not cost or completing_cost < cost / 2:
        return None
    return cost / completions


@dataclass
class Totals:
    """A group of components: a lot, the services of a cohort, or the whole system."""
    id: str
    name: str
    members: list[str]
    arrivals: float | None  # at its members: a person moving between two of them counts twice
    entering: float | None  # people a year who come into the group from outside it
    capacity: int | None
    caseload: float | None
    completions: float | None
    unplanned_exits: float | None
    cost: float | None

    @property
    def utilisation_percent(self) -> float | None:
        return _utilisation(self.arrivals, self.capacity)

    completion_rows: list = field(default_factory=list, repr=False)  # its members' figures

    @property
    def cost_per_completion(self) -> float | None:
        return group_cost_per_completion(self.completion_rows)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "arrivals": self.arrivals,
                "entering": self.entering, "capacity": self.capacity,
                "utilisation_percent": self.utilisation_percent, "caseload": self.caseload,
                "completions": self.completions, "unplanned_exits": self.unplanned_exits,
                "cost": self.cost, "cost_per_completion": self.cost_per_completion}


def _totals(group_id: str, name: str, members: list[str], rows: dict[str, ComponentFlow],
            entering: float | None) -> Totals:
    """A group's figures: sums of its members' (a figure none of them has is None; arrivals
    and unplanned exits are None as soon as one member's are unknown)."""
    arrivals: float | None = 0.0
    exits: float | None = 0.0
    capacity = caseload = completions = cost = None
    for m in members:
        r = rows[m]
        if r.arrivals is None:
            arrivals = exits = None
        elif arrivals is not None:
            arrivals += r.arrivals
            exits += r.unplanned_exits
        if r.capacity is not None:
            capacity = (capacity or 0) + r.capacity
        if r.caseload is not None:
            caseload = (caseload or 0.0) + r.caseload
        if r.completions is not None:
            completions = (completions or 0.0) + r.completions
        if r.cost is not None:
            cost = (cost or 0.0) + r.cost
    return Totals(group_id, name, members, arrivals, entering, capacity, caseload, completions,
                  exits, cost, [rows[m] for m in members])


def _entering(members: list[str], coming_in: dict, referrals: dict) -> float | None:
    """People a year who come into a group of components: referrals to its routes, and
    people on pathways into it from outside."""
    inside = set(members)
    total = 0.0
    for m in members:
        if m in referrals:
            if referrals[m] is None:
                return None
            total += referrals[m]
        for u, n in coming_in.get(m, ()):
            if u not in inside:
                if n is None:
                    return None
                total += n
    return total


def add_totals(result: FlowResult, model: ServiceModel, plan_id: str | None = None) -> FlowResult:
    """Fill `result.lots` (one lot plan, the active one by default) and `result.cohorts`, on
    the model the result was worked out for; the result is returned. (The window adds them to
    the check run's figures when they are shown: a pathway drawn since counts as unknown.)"""
    rows, people = result.components, result.pathways
    result.lots, result.cohorts = [], []
    plan = model.plan(plan_id)
    if plan is not None:
        result.plan_id = plan.id
        coming_in: dict[str, list[tuple[str, float | None]]] = {}
        for p in model.pathways:
            coming_in.setdefault(p.target, []).append((p.source, people.get(p.id)))
        referrals = {c.id: None if c.annual_referrals is None
                     else c.annual_referrals * result.scale
                     for c in model.components if c.kind in _ROUTES}
        for lot in plan.lots:
            members = [m for m in dict.fromkeys(lot.components) if m in rows]
            result.lots.append(_totals(lot.id, lot.name, members, rows,
                                       _entering(members, coming_in, referrals)))
    # A cohort's group is the services serving it (no routes, so no referrals): people enter
    # it by a pathway from a component that does not serve the cohort. One pass over the
    # pathways with the cohorts as bits, rather than a pass over each cohort's services.
    members: dict[str, list[str]] = {cohort: [] for cohort in cat.COHORTS}
    serves: dict[str, int] = {}
    for c in model.components:
        if c.kind in _SERVICES and c.id in rows:
            bits = 0
            for cohort in dict.fromkeys(c.cohorts):
                members[cohort].append(c.id)
                bits |= _COHORT_BIT[cohort]
            serves[c.id] = bits
    entering: dict[str, float | None] = dict.fromkeys(cat.COHORTS, 0.0)
    for p in model.pathways:
        new = serves.get(p.target, 0) & ~serves.get(p.source, 0)
        if new:
            n = people.get(p.id)
            for cohort, bit in _COHORT_BIT.items():
                if new & bit and entering[cohort] is not None:
                    entering[cohort] = None if n is None else entering[cohort] + n
    for cohort, label in cat.COHORTS.items():
        if members[cohort]:
            result.cohorts.append(_totals(cohort, label, members[cohort], rows,
                                          entering[cohort]))
    result.has_totals = True
    return result
