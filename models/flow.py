"""Demand, capacity and cost: how many people a year move through the model (docs/flow.md).

A steady-state, annual-average model on the pathway graph (networkx): people come in by the
referral routes (`annual_referrals`), everyone who arrives at a component leaves it within the
year, and its leavers split over its pathways by `share_percent` (the unshared remainder evenly
over the pathways without a share; when every pathway has a share and they add to less than
100, the rest leave without a planned exit). Exits absorb. Loops (recovery back to treatment)
are solved exactly: components are taken strongly connected component by component in
topological order, and each loop is one small linear solve. A loop nobody can leave is a
finding (`flow-loop`) and its arrivals are unknown (None), never a hang or a division by zero.

The checks run this on every check run (150 ms after edits pause) on the graph they built, so
it reads each pathway and component once into plain dicts and lists; the lot and cohort totals,
which no rule needs, are added only when asked for (models/flow_totals.py). The maximum flow is
in models/max_flow.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from . import catalogue as cat
from .check_context import ERROR, INFO, WARNING, Finding, pathway_graph
from .flow_totals import (Totals, _per, _utilisation, add_totals,  # noqa: F401 (Totals: callers)
                          group_cost_per_completion)
from .max_flow import MaximumFlow, maximum_flow  # noqa: F401 (imported from here by callers)
from .schema import Component, Pathway, ServiceModel
from .wording import and_list

if TYPE_CHECKING:
    import networkx as nx

_EPS = 1e-9  # shares that add to 100.000000001 add to 100
_NOBODY = 1e-9  # a fraction of leavers below this (a share under 1e-7 %) takes nobody
_ABSORB = (float("inf"), 0.0)  # an exit's split: nobody takes a pathway out of it
_ROUTES = frozenset(k.id for k in cat.KINDS.values() if k.is_route)
_EXITS = frozenset(k.id for k in cat.KINDS.values() if k.is_exit)
_SERVICES = frozenset(cat.KINDS) - _ROUTES - _EXITS


def _over(arrivals: float | None, capacity: int | None) -> bool:
    return arrivals is not None and capacity is not None and arrivals > capacity + _EPS


@dataclass(slots=True)
class ComponentFlow:
    id: str
    name: str
    arrivals: float | None  # people a year; None when a referral count upstream is missing
    capacity: int | None
    caseload: float | None  # people in the service at any one time (Little's law)
    completions: float | None
    unplanned_exits: float | None  # leavers who take no pathway
    cost: float | None

    @property
    def utilisation_percent(self) -> float | None:
        return _utilisation(self.arrivals, self.capacity)

    @property
    def over_capacity(self) -> bool:
        return _over(self.arrivals, self.capacity)

    @property
    def cost_per_person(self) -> float | None:
        return _per(self.cost, self.arrivals)

    @property
    def cost_per_completion(self) -> float | None:
        return _per(self.cost, self.completions)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "arrivals": self.arrivals,
                "capacity": self.capacity,
                "utilisation_percent": self.utilisation_percent, "caseload": self.caseload,
                "completions": self.completions, "unplanned_exits": self.unplanned_exits,
                "cost_per_person": self.cost_per_person,
                "cost_per_completion": self.cost_per_completion}


class FlowResult:
    """The figures of one flow run. The findings and totals are worked out by run_flow; the
    row of each component, the people on each pathway and the treatment starts are made when
    first read, from the components and pathways the run saw: a check run reads only the
    findings, and the window reads the rest only while it shows them (straight after a run)."""

    def __init__(self, components: list[Component], pathways: list[Pathway],
                 arrivals: dict[str, float | None], split: dict[str, tuple[float, float]],
                 dropout: dict[str, float], findings: list[Finding],
                 referrals: float | None, scale: float = 1.0, plan_id: str | None = None):
        self._components, self._pathways = components, pathways
        self.arrivals, self._split, self._dropout = arrivals, split, dropout
        self.findings = findings
        self.referrals = referrals  # people a year coming in by all routes
        self.scale = scale  # the referrals were multiplied by this (sensitivity)
        self.plan_id = plan_id
        self.lots: list[Totals] = []
        self.cohorts: list[Totals] = []
        self.has_totals = False  # whether `lots` and `cohorts` were worked out (add_totals)

    @cached_property
    def components(self) -> dict[str, ComponentFlow]:
        """Each component's figures, in file order."""
        rows: dict[str, ComponentFlow] = {}
        for c in self._components:
            a = self.arrivals[c.id]
            known = a is not None
            rows[c.id] = ComponentFlow(
                c.id, c.name, a, c.capacity,
                a * c.episode_months / 12.0 if known and c.episode_months is not None else None,
                a * c.completion_percent / 100.0 if known and c.completion_percent is not None
                else None, a * self._dropout[c.id] if known else None,
                c.estimated_annual_cost)
        return rows

    @cached_property
    def pathways(self) -> dict[str, float | None]:
        """People a year on each pathway, by pathway id."""
        people: dict[str, float | None] = {}
        for p in self._pathways:
            f = _fraction(p.share_percent, self._split[p.source])
            a = self.arrivals[p.source]
            # A pathway nobody takes carries nobody, even out of a component of unknown arrivals.
            people[p.id] = 0.0 if f == 0.0 else None if a is None else a * f
        return people

    @cached_property
    def treatment_starts(self) -> float | None:
        """People a year who arrive at structured treatment from outside it (a move between
        two treatment services is a transfer, not a start)."""
        treatment = {c.id for c in self._components if c.kind in cat.STRUCTURED_TREATMENT}
        if not treatment:
            return None
        total = 0.0
        for p in self._pathways:
            if p.target in treatment and p.source not in treatment:
                n = self.pathways[p.id]
                if n is None:
                    return None
                total += n
        return total

    @property
    def known(self) -> bool:
        """Whether any figure could be worked out (some route has annual referrals)."""
        return self.referrals is not None or any(
            f.arrivals for f in self.components.values())

    @property
    def bottlenecks(self) -> list[str]:
        """Services whose arrivals exceed capacity, most over first (no capacity at all first)."""
        over = [f for f in self.components.values() if f.over_capacity]
        over.sort(key=lambda f: -(f.utilisation_percent or float("inf")))
        return [f.id for f in over]

    def most_loaded(self) -> ComponentFlow | None:
        loaded = [f for f in self.components.values() if f.utilisation_percent is not None]
        return max(loaded, key=lambda f: f.utilisation_percent, default=None)

    def services(self, model: ServiceModel) -> list[ComponentFlow]:
        return [self.components[c.id] for c in model.components if c.kind_info.is_service]

    @property
    def completions(self) -> float | None:
        return _sum(f.completions for f in self.components.values())

    @property
    def cost(self) -> float | None:
        return _sum(f.cost for f in self.components.values())

    @property
    def cost_per_completion(self) -> float | None:
        return group_cost_per_completion(self.components.values())


def _sum(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass
class _Inputs:
    """What a run reads from the model: one pass over the pathways, one over the components."""
    split: dict[str, tuple[float, float]]  # per source: (divide, each), see _fraction
    dropout: dict[str, float]  # per component, the share who leave without a pathway
    into: dict[str, list[tuple[str, float | None]]]  # per target, (source, share) of pathways
    referrals: dict[str, float | None]  # per referral route, people a year (scaled)
    capped: list[Component]  # the components with a capacity
    some_untaken: set[str]  # sources with a pathway nobody takes (a share under _NOBODY)


def _fraction(share: float | None, split: tuple[float, float]) -> float:
    """Of its source's leavers, the share who take a pathway: its share over the source's
    divide (100, or the shares' total when they add to more), or when it has no share, what
    each pathway without one gets; nobody below _NOBODY."""
    divide, each = split
    f = each if share is None else share / divide
    return f if f >= _NOBODY else 0.0


def _read(model: ServiceModel, scale: float, findings: list[Finding]) -> _Inputs:
    """The splits: the leavers of a component take its pathways by their shares, the pathways
    without a share what the shares leave, evenly. Exits absorb: nothing leaves them. Shares
    adding to more than 100 are scaled down to 100 and reported.

    This runs on every check run, and at national size its cost is reading the model's
    objects, so it reads each pathway and each component once: a pathway's fraction is worked
    out from its source's split where it is used (_fraction)."""
    into: dict[str, list[tuple[str, float | None]]] = {}
    shared: dict[str, float] = {}  # per source: the shares given, and how many are not
    unshared: dict[str, int] = {}
    lowest: dict[str, float] = {}  # per source, its smallest share
    for p in model.pathways:
        source, share = p.source, p.share_percent
        into.setdefault(p.target, []).append((source, share))
        if share is None:
            unshared[source] = unshared.get(source, 0) + 1
        else:
            shared[source] = shared.get(source, 0.0) + share
            if share < lowest.get(source, 101.0):
                lowest[source] = share
    read = _Inputs({}, {}, into, {}, [], set())
    split, dropout, referrals = read.split, read.dropout, read.referrals
    for c in model.components:
        cid, kind = c.id, c.kind
        if kind in _ROUTES:
            referrals[cid] = None if c.annual_referrals is None else c.annual_referrals * scale
        if c.capacity is not None:
            read.capped.append(c)
        if kind in _EXITS:
            split[cid], dropout[cid] = _ABSORB, 0.0
            continue
        given, blank = shared.get(cid), unshared.get(cid, 0)
        if given is None:  # no shares: the pathways take everyone evenly (or there are none)
            if blank:
                split[cid], dropout[cid] = (100.0, 1.0 / blank), 0.0
            else:
                dropout[cid] = 1.0  # no onward pathway: everyone leaves unplanned
        elif given > 100 + _EPS:
            findings.append(Finding(
                "shares-over-100", ERROR,
                f"The pathway shares out of {c.name} add to {given:,.4g}%: more than "
                "everyone who leaves it. The figures scale them down to 100%.", (cid,),
                fix="Correct the shares so they add to 100 or less; leave a share empty "
                    "to give it what the others leave."))
            split[cid], dropout[cid] = (given, 0.0), 0.0
        else:
            rest = (100.0 - given) / 100.0 if given < 100.0 else 0.0
            split[cid] = (100.0, rest / blank if blank else 0.0)
            dropout[cid] = 0.0 if blank or rest < _NOBODY else rest
        divide, each = split.get(cid, _ABSORB)
        if (blank and each < _NOBODY) or lowest.get(cid, 101.0) / divide < _NOBODY:
            read.some_untaken.add(cid)
    return read


def _taken_into(v: str, read: _Inputs) -> list[tuple[str, float]]:
    """(source, fraction) of the pathways into v that people take."""
    split = read.split
    taken = [(u, _fraction(share, split[u])) for u, share in read.into.get(v, ())]
    return [t for t in taken if t[1]]


def run_flow(model: ServiceModel, plan_id: str | None = None, scale: float = 1.0,
             graph: nx.DiGraph | None = None, totals: bool = True) -> FlowResult:
    """The flow figures of the model; lot totals on one lot plan (the active one by default).

    `scale` multiplies every referral count (the "referrals up or down by N%" question) without
    touching the model. `graph` is the pathway graph when the caller already has one (the
    checks build it once per run). `totals=False` leaves out the lot and cohort totals, which
    the findings do not need (`add_totals` adds them later)."""
    graph = pathway_graph(model) if graph is None else graph
    findings: list[Finding] = []
    read = _read(model, scale, findings)
    referrals = read.referrals
    arrivals = _solve(graph, read, model, findings)

    for c in read.capped:
        a = arrivals[c.id]
        if a is not None and a > c.capacity + _EPS:
            use = f"{100.0 * a / c.capacity:,.0f}% of it" if c.capacity else "and has no places"
            findings.append(Finding(
                "capacity-below-demand", WARNING,
                f"{c.name} can take on {c.capacity:,} people a year but about "
                f"{a:,.0f} arrive ({use}).", (c.id,),
                fix="Raise its capacity, or send some people by other pathways."))
    known_routes = [r for r, n in referrals.items() if n is not None]
    unknown = [r for r, n in referrals.items() if n is None and graph._succ[r]]
    if known_routes and unknown:
        names = {c.id: c.name for c in model.components if c.id in referrals}
        findings.append(Finding(
            "demand-unknown", INFO,
            f"The figures are partial: {and_list([names[r] for r in unknown])} "
            f"{'has' if len(unknown) == 1 else 'have'} no annual referrals, so the people a "
            "year at the services they lead to are not known.", tuple(unknown),
            fix="Enter the people a year who come in by each referral route."))
    findings.sort(key=lambda f: (f.severity != ERROR, f.severity != WARNING))

    result = FlowResult(list(model.components), list(model.pathways), arrivals, read.split,
                        read.dropout, findings,
                        sum(referrals[r] for r in known_routes) if known_routes else None,
                        scale, plan_id)
    if totals:
        add_totals(result, model, plan_id)
    return result


def _solve(graph: nx.DiGraph, read: _Inputs, model: ServiceModel,
           findings: list[Finding]) -> dict[str, float | None]:
    """Arrivals at every component: inflow = referrals + what flows in along pathways.

    Strongly connected components are solved in topological order of the condensation: a
    single component is a sum, a loop is (I - M) x = b for its members. Members that cannot
    reach a way out of their loop (along pathways people take) trap whoever enters; their
    arrivals are None and the loop is a `flow-loop` finding.

    networkx's search emits a component after every component it leads to, so the reversed
    list is already in order: the sums below find every source already worked out. Should a
    networkx version ever emit them otherwise, a source is missing (KeyError) and the
    condensation is sorted instead (building it costs three times the search, so not always)."""
    import networkx as nx

    ordered = list(nx.strongly_connected_components(graph))
    ordered.reverse()
    try:
        return _solve_in_order(ordered, read, graph, model, findings)
    except KeyError:
        condensed = nx.condensation(graph, ordered)
        ordered = [condensed.nodes[i]["members"] for i in nx.topological_sort(condensed)]
        return _solve_in_order(ordered, read, graph, model, findings)


def _solve_in_order(ordered: list[set[str]], read: _Inputs, graph: nx.DiGraph,
                    model: ServiceModel,
                    findings: list[Finding]) -> dict[str, float | None]:
    arrivals: dict[str, float | None] = {}
    into, referrals, split = read.into, read.referrals, read.split
    loop_findings: list[Finding] = []  # kept only once the order has held to the end
    for nodes in ordered:
        if len(nodes) == 1:  # most components: a sum of what flows in
            for v in nodes:
                total = referrals.get(v, 0.0)
                for u, share in into.get(v, ()):
                    divide, each = split[u]  # _fraction, inline: this is the hot loop
                    f = each if share is None else share / divide
                    if f < _NOBODY:
                        continue
                    a = arrivals[u]
                    if a is None or total is None:
                        total = None
                    else:
                        total += a * f
                arrivals[v] = total
            continue
        taken = {v: _taken_into(v, read) for v in nodes}
        inflow: dict[str, float | None] = {}
        for v in nodes:
            total = referrals.get(v, 0.0)
            for u, f in taken[v]:
                if u not in nodes:
                    a = arrivals[u]
                    total = None if a is None or total is None else total + a * f
            inflow[v] = total
        arrivals.update(_solve_loop(nodes, inflow, taken, read, graph, model,
                                    loop_findings))
    findings.extend(loop_findings)
    return arrivals


def _solve_loop(nodes: set[str], inflow: dict, taken: dict[str, list[tuple[str, float]]],
                read: _Inputs, graph: nx.DiGraph, model: ServiceModel,
                findings: list) -> dict[str, float | None]:
    """Arrivals at the members of one loop; `taken` gives, per member, the (source, fraction)
    of the pathways into it that people take."""
    # Members with a way out: a drop-out, or a pathway people take out of the loop. Usually
    # that is every member, and nothing is trapped.
    succ, dropout, unsure = graph._succ, read.dropout, read.some_untaken
    free = {u for u in nodes if dropout[u] > 0 or any(
        t not in nodes and (u not in unsure or _takes(u, t, read)) for t in succ[u])}
    result: dict[str, float | None] = {}
    if len(free) < len(nodes):
        todo = list(free)  # members that lead to one with a way out are free too
        while todo:
            for u, _ in taken[todo.pop()]:
                if u in nodes and u not in free:
                    free.add(u)
                    todo.append(u)
        result = _trapped([v for v in nodes if v not in free], inflow, taken, model, findings)
    free_nodes = [v for v in nodes if v in free]
    if not free_nodes:
        return result
    if any(inflow[v] is None for v in free_nodes):
        result.update(dict.fromkeys(free_nodes))
        return result
    # (I - M) x = b: arrivals at each member are what comes in from outside plus the members'
    # leavers who take a pathway to it. Built as lists: numpy's per-element assignment costs
    # more than the solve.
    index = {v: i for i, v in enumerate(free_nodes)}
    matrix = [[0.0] * len(free_nodes) for _ in free_nodes]
    for i, v in enumerate(free_nodes):
        row = matrix[i]
        row[i] = 1.0
        for u, f in taken[v]:
            j = index.get(u)
            if j is not None:
                row[j] -= f
    import numpy as np  # only loops need it

    solved = np.linalg.solve(matrix, [inflow[v] for v in free_nodes]).tolist()
    result.update((v, max(0.0, x)) for v, x in zip(free_nodes, solved))
    return result


def _takes(source: str, target: str, read: _Inputs) -> bool:
    """Whether people take a pathway from source to target (the graph has an edge for it),
    for a source with a pathway nobody takes (read.some_untaken; for others, always)."""
    split = read.split[source]
    return any(u == source and _fraction(share, split)
               for u, share in read.into.get(target, ()))


def _trapped(trapped: list[str], inflow: dict, taken: dict, model: ServiceModel,
             findings: list) -> dict[str, float | None]:
    """Loop members from which no pathway people take leads out: unknown arrivals and a
    `flow-loop` finding when anyone enters them, else nobody is there."""
    # Nothing flows from trapped members back to free ones (they would not be trapped).
    trapped_set = set(trapped)
    entered = any(inflow[v] != 0.0 for v in trapped) or any(
        u not in trapped_set for v in trapped for u, _ in taken[v])
    if entered:
        ordered = [c for c in model.components if c.id in trapped_set]  # file order
        findings.append(Finding(
            "flow-loop", ERROR,
            f"People who reach {and_list([c.name for c in ordered])} can never leave: "
            "every pathway they take leads back into the loop, so the numbers in it would "
            "grow without end.", tuple(c.id for c in ordered),
            fix="Add a pathway out of the loop (to an exit or recovery), or give its "
                "pathways shares that leave some people a way out."))
    return dict.fromkeys(trapped, None if entered else 0.0)
