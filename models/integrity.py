"""Cross-reference checks that a single field validator cannot see.

These make a file unreadable (not merely a finding): a pathway to a component that does not
exist has no meaning the app could show. Each problem names its key path and the bad value.
"""

from __future__ import annotations

from itertools import chain
from operator import eq

from .errors import Problem, short_repr
from .schema import ServiceModel


def _duplicates(items, path: str, what: str) -> list[Problem]:
    """Items with an id (and maybe a name) whose id was used before in the same list."""
    seen: set[str] = set()
    problems = []
    for index, item in enumerate(items):
        if item.id in seen:
            problems.append(Problem(f"{path}[{index}].id",
                                    f"duplicate {what} id {short_repr(item.id)}"
                                    + _named(what, getattr(item, "name", ""))))
        seen.add(item.id)
    return problems


def _named(what: str, name: str) -> str:
    return f", in the {what} named {short_repr(name.strip(), 50)}" if name.strip() else ""


def _unique(ids: list[str]) -> bool:
    return len(set(ids)) == len(ids)


def _consistent(model: ServiceModel) -> bool:
    """True when the model has none of the problems below. Set operations and C-level loops
    only, so the usual case (a file the app wrote) costs a fraction of naming each problem in
    detail: a national model is read in about three times what json.loads takes."""
    ids = [c.id for c in model.components]
    known, plans = set(ids), model.lot_plans
    localities = set(model.all_localities())
    sources = {f.id for f in model.funding_sources}
    ends = [(p.source, p.target) for p in model.pathways]
    starts, finishes = (list(side) for side in zip(*ends)) if ends else ([], [])
    return (_unique(ids) and _unique([p.id for p in model.pathways])
            and len(sources) == len(model.funding_sources) and _unique([p.id for p in plans])
            and localities.issuperset(chain.from_iterable(c.localities for c in model.components))
            and len(set(ends)) == len(ends) and not any(map(eq, starts, finishes))
            and known.issuperset(starts) and known.issuperset(finishes)
            and all(_unique([lot.id for lot in plan.lots]) for plan in plans)
            and all(known.issuperset(lot.components)
                    and all(a.source in sources for a in lot.funding)
                    for plan in plans for lot in plan.lots)
            and model.active_plan in {p.id for p in plans}
            and not any(c.annual_referrals is not None and not c.kind_info.is_route
                        for c in model.components))


def integrity_problems(model: ServiceModel) -> list[Problem]:
    if _consistent(model):
        return []
    problems: list[Problem] = []
    ids = {c.id for c in model.components}
    localities = set(model.all_localities())
    problems += _duplicates(model.components, "components", "component")
    problems += _duplicates(model.pathways, "pathways", "pathway")
    problems += _duplicates(model.funding_sources, "funding_sources", "funding source")
    problems += _duplicates(model.lot_plans, "lot_plans", "lot plan")

    for i, component in enumerate(model.components):
        if component.annual_referrals is not None and not component.kind_info.is_route:
            problems.append(Problem(f"components[{i}].annual_referrals",
                                    "only a referral route has annual referrals: people come "
                                    "into a service by the pathways that lead to it"
                                    + _named("component", component.name)))
        for j, locality in enumerate(component.localities):
            if locality not in localities:
                problems.append(Problem(f"components[{i}].localities[{j}]",
                                        f"locality {short_repr(locality)} is not one of the "
                                        "model's or its lot plans' localities"))

    pairs: dict[tuple[str, str], int] = {}
    for i, pathway in enumerate(model.pathways):
        for end in ("source", "target"):
            value = getattr(pathway, end)
            if value not in ids:
                problems.append(Problem(f"pathways[{i}].{end}",
                                        f"no component has id {short_repr(value)}"))
        if pathway.source == pathway.target:
            problems.append(Problem(f"pathways[{i}]",
                                    f"a pathway from {short_repr(pathway.source)} to itself"))
        pair = (pathway.source, pathway.target)
        if pair in pairs:
            problems.append(Problem(f"pathways[{i}]",
                                    f"same route as pathways[{pairs[pair]}] "
                                    f"({short_repr(pathway.source)} to {short_repr(pathway.target)})"))
        pairs.setdefault(pair, i)

    sources = {f.id for f in model.funding_sources}
    for p, plan in enumerate(model.lot_plans):
        problems += _duplicates(plan.lots, f"lot_plans[{p}].lots", "lot")
        for n, lot in enumerate(plan.lots):
            where = f"lot_plans[{p}].lots[{n}]"
            for m, member in enumerate(lot.components):
                if member not in ids:
                    problems.append(Problem(f"{where}.components[{m}]",
                                            f"no component has id {short_repr(member)}"
                                            + _named("lot", lot.name)))
            for m, allocation in enumerate(lot.funding):
                if allocation.source not in sources:
                    problems.append(Problem(f"{where}.funding[{m}].source",
                                            f"no funding source has id "
                                            f"{short_repr(allocation.source)}"
                                            + _named("lot", lot.name)))

    if model.active_plan not in {p.id for p in model.lot_plans}:
        problems.append(Problem("active_plan",
                                f"no lot plan has id {short_repr(model.active_plan)}"))
    return problems
