"""Demand, capacity and cost: how many people a year move through the model (docs/flow.md).

A steady-state, annual-average model on the pathway graph (networkx): people come in by the
referral routes (`annual_referrals`), everyone who arrives at a component leaves it within the
year, and its leavers split over its pathways by `share_percent` (the unshared remainder evenly
over the pathways without a share; when every pathway has a share and they add to less than
100, the rest leave without a planned exit). Exits absorb. Loops (recovery back to treatment)
are solved exactly: components are taken strongly connected component by component in
topological order, and each loop is one small linear solve. A loop nobody can leave is a
finding (`flow-loop`) and its arrivals are unknown (None), never a hang or a division by zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from . import catalogue as cat
from .checks import ERROR, INFO, WARNING, Finding, pathway_graph
from .schema import Component, ServiceModel

_EPS = 1e-9  # shares that add to 100.000000001 add to 100
_NOBODY = 1e-9  # a fraction of leavers below this (a share under 1e-7 %) takes nobody


def _utilisation(arrivals: float | None, capacity: int | None) -> float | None:
    """Arrivals as a percentage of capacity; None when either is unknown (or capacity 0)."""
    if arrivals is None or not capacity:
        return None
    return 100.0 * arrivals / capacity


@dataclass
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
        return (self.arrivals is not None and self.capacity is not None
                and self.arrivals > self.capacity + _EPS)

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

    @property
    def cost_per_completion(self) -> float | None:
        return _per(self.cost, self.completions)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "arrivals": self.arrivals,
                "entering": self.entering, "capacity": self.capacity,
                "utilisation_percent": self.utilisation_percent, "caseload": self.caseload,
                "completions": self.completions, "unplanned_exits": self.unplanned_exits,
                "cost": self.cost, "cost_per_completion": self.cost_per_completion}


@dataclass
class FlowResult:
    components: dict[str, ComponentFlow]  # in file order
    pathways: dict[str, float | None]  # people a year on each pathway, by pathway id
    findings: list[Finding]
    lots: list[Totals] = field(default_factory=list)
    cohorts: list[Totals] = field(default_factory=list)
    referrals: float | None = None  # people a year coming in by all routes
    treatment_starts: float | None = None  # arrivals at structured treatment from outside it
    plan_id: str | None = None

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
        return _per(self.cost, self.completions)


def _per(cost: float | None, count: float | None) -> float | None:
    return cost / count if cost is not None and count else None


def _sum(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _names(model_names: list[str]) -> str:
    return model_names[0] if len(model_names) == 1 else \
        ", ".join(model_names[:-1]) + " and " + model_names[-1]


def splits(model: ServiceModel, findings: list[Finding] | None = None,
           by_id: dict[str, Component] | None = None
           ) -> tuple[dict[str, float], dict[str, float]]:
    """The fraction of each component's leavers who take each pathway (by pathway id), and the
    fraction who leave without a pathway (drop-out), by component id. Exits absorb: nothing
    leaves them. Shares adding to more than 100 are scaled down to 100 and reported."""
    by_id = by_id or {c.id: c for c in model.components}
    out: dict[str, list] = defaultdict(list)
    for p in model.pathways:
        out[p.source].append(p)
    fraction: dict[str, float] = {}
    dropout: dict[str, float] = {}
    exits = {k.id for k in cat.KINDS.values() if k.is_exit}
    for c in model.components:
        paths = out.get(c.id, ())
        if c.kind in exits:
            dropout[c.id] = 0.0
            fraction.update((p.id, 0.0) for p in paths)
            continue
        if not paths:
            dropout[c.id] = 1.0
            continue
        shared = sum(p.share_percent for p in paths if p.share_percent is not None)
        unshared = sum(1 for p in paths if p.share_percent is None)
        if shared > 100 + _EPS:
            if findings is not None:
                findings.append(Finding(
                    "shares-over-100", ERROR,
                    f"The pathway shares out of {c.name} add to {shared:,.4g}%: more than "
                    "everyone who leaves it. The figures scale them down to 100%.", (c.id,),
                    fix="Correct the shares so they add to 100 or less; leave a share empty "
                        "to give it what the others leave."))
            for p in paths:
                f = (p.share_percent or 0.0) / shared
                fraction[p.id] = f if f >= _NOBODY else 0.0
            dropout[c.id] = 0.0
            continue
        rest = max(0.0, 100.0 - shared) / 100.0
        each = rest / unshared if unshared else 0.0
        for p in paths:
            f = each if p.share_percent is None else p.share_percent / 100.0
            fraction[p.id] = f if f >= _NOBODY else 0.0
        dropout[c.id] = 0.0 if unshared or rest < _NOBODY else rest
    return fraction, dropout


def run_flow(model: ServiceModel, plan_id: str | None = None, scale: float = 1.0,
             graph: nx.DiGraph | None = None, totals: bool = True) -> FlowResult:
    """The flow figures of the model; lot totals on one lot plan (the active one by default).

    `scale` multiplies every referral count (the "referrals up or down by N%" question) without
    touching the model. `graph` is the pathway graph when the caller already has one (the
    checks build it once per run). `totals=False` leaves out the lot and cohort totals, which
    the findings do not need."""
    graph = pathway_graph(model) if graph is None else graph
    by_id = {c.id: c for c in model.components}
    findings: list[Finding] = []
    fraction, dropout = splits(model, findings, by_id)
    edge_fraction = {(p.source, p.target): fraction.get(p.id, 0.0) for p in model.pathways}

    referrals: dict[str, float | None] = {}
    for c in model.components:
        if c.kind_info.is_route:
            referrals[c.id] = None if c.annual_referrals is None else c.annual_referrals * scale
    arrivals = _solve(graph, edge_fraction, dropout, referrals, by_id, findings)

    flows: dict[str, ComponentFlow] = {}
    for c in model.components:
        a = arrivals[c.id]
        known = a is not None
        flows[c.id] = ComponentFlow(
            c.id, c.name, a, c.capacity,
            a * c.episode_months / 12.0 if known and c.episode_months is not None else None,
            a * c.completion_percent / 100.0 if known and c.completion_percent is not None
            else None,
            a * dropout[c.id] if known else None,
            c.estimated_annual_cost)
        if flows[c.id].over_capacity:
            f = flows[c.id]
            use = f"{f.utilisation_percent:,.0f}% of it" if f.capacity else "and has no places"
            findings.append(Finding(
                "capacity-below-demand", WARNING,
                f"{c.name} can take on {f.capacity:,} people a year but about "
                f"{f.arrivals:,.0f} arrive ({use}).", (c.id,),
                fix="Raise its capacity, or send some people by other pathways."))
    people = {}
    for p in model.pathways:
        f = fraction.get(p.id, 0.0)
        a = arrivals[p.source]
        # A pathway nobody takes carries nobody, even out of a component of unknown arrivals.
        people[p.id] = 0.0 if f == 0.0 else None if a is None else a * f

    known_routes = [r for r, n in referrals.items() if n is not None]
    unknown = [r for r, n in referrals.items() if n is None and graph._succ[r]]
    if known_routes and unknown:
        findings.append(Finding(
            "demand-unknown", INFO,
            f"The figures are partial: {_names([by_id[r].name for r in unknown])} "
            f"{'has' if len(unknown) == 1 else 'have'} no annual referrals, so the people a "
            "year at the services they lead to are not known.", tuple(unknown),
            fix="Enter the people a year who come in by each referral route."))
    findings.sort(key=lambda f: (f.severity != ERROR, f.severity != WARNING))

    result = FlowResult(flows, people, findings, plan_id=plan_id)
    result.referrals = sum(referrals[r] for r in known_routes) if known_routes else None
    result.treatment_starts = _treatment_starts(model, people, referrals)
    if totals:
        _group_totals(model, result, plan_id, by_id, graph, referrals)
    return result


def _solve(graph: nx.DiGraph, edge_fraction: dict, dropout: dict[str, float],
           referrals: dict[str, float | None], by_id: dict[str, Component],
           findings: list[Finding]) -> dict[str, float | None]:
    """Arrivals at every component: inflow = referrals + what flows in along pathways.

    Strongly connected components are solved in topological order of the condensation: a
    single component is a sum, a loop is (I - M) x = b for its members. Members that cannot
    reach a way out of their loop (along pathways people take) trap whoever enters; their
    arrivals are None and the loop is a `flow-loop` finding."""
    arrivals: dict[str, float | None] = {}
    pred = graph._pred  # the graph's own adjacency dict (a view per lookup costs a third)
    ordered, members = _components_in_order(graph)
    for scc, nodes in enumerate(ordered):
        inside = nodes if len(nodes) > 1 else ()
        inflow: dict[str, float | None] = {}
        for v in nodes:
            total = referrals.get(v, 0.0)
            for u in pred[v]:
                if u in inside:
                    continue
                f = edge_fraction[(u, v)]
                if f == 0.0:
                    continue
                a = arrivals[u]
                total = None if a is None or total is None else total + a * f
            inflow[v] = total
        if not inside:
            (v,) = nodes
            arrivals[v] = inflow[v]
            continue
        arrivals.update(_solve_loop(graph, nodes, inflow, edge_fraction, dropout, members,
                                    scc, by_id, findings))
    return arrivals


def _components_in_order(graph: nx.DiGraph) -> tuple[list[set[str]], dict[str, int]]:
    """The strongly connected components in topological order, and each node's index.

    networkx's Tarjan search emits a component after every component it leads to, so the
    reversed list is already in order; that is checked (one pass over the edges) and the
    condensation sorted instead should a networkx version ever emit them otherwise. Building
    the condensation costs three times the search at national size."""
    ordered = list(nx.strongly_connected_components(graph))
    ordered.reverse()
    index = {v: i for i, nodes in enumerate(ordered) for v in nodes}
    if all(index[u] <= index[v] for u, v in graph.edges):
        return ordered, index
    condensed = nx.condensation(graph, ordered)
    ordered = [condensed.nodes[i]["members"] for i in nx.topological_sort(condensed)]
    return ordered, {v: i for i, nodes in enumerate(ordered) for v in nodes}


def _solve_loop(graph, nodes: set[str], inflow: dict, edge_fraction: dict, dropout: dict,
                members: dict, scc: int, by_id: dict, findings: list) -> dict[str, float | None]:
    # Members that can reach a way out: a drop-out, or a pathway people take out of the loop.
    leaks = [v for v in nodes if dropout[v] > 0 or any(
        members[w] != scc and edge_fraction[(v, w)] > 0 for w in graph._succ[v])]
    free = set(leaks)
    todo = list(leaks)
    while todo:
        v = todo.pop()
        for u in graph._pred[v]:
            if u in nodes and u not in free and edge_fraction[(u, v)] > 0:
                free.add(u)
                todo.append(u)
    trapped = [v for v in nodes if v not in free]
    result: dict[str, float | None] = {}
    if trapped:
        # Nothing flows from trapped members back to free ones (they would not be trapped).
        trapped_set = set(trapped)
        entered = any(inflow[v] != 0.0 for v in trapped) or any(
            edge_fraction[(u, v)] > 0 for v in trapped for u in graph._pred[v]
            if u not in trapped_set)
        for v in trapped:
            result[v] = None if entered else 0.0
        if entered:
            order = {v: i for i, v in enumerate(by_id)}
            ordered = sorted(trapped, key=order.__getitem__)
            findings.append(Finding(
                "flow-loop", ERROR,
                f"People who reach {_names([by_id[v].name for v in ordered])} can never leave: "
                "every pathway they take leads back into the loop, so the numbers in it would "
                "grow without end.", tuple(ordered),
                fix="Add a pathway out of the loop (to an exit or recovery), or give its "
                    "pathways shares that leave some people a way out."))
    free_nodes = [v for v in nodes if v in free]
    if not free_nodes:
        return result
    if any(inflow[v] is None for v in free_nodes):
        result.update(dict.fromkeys(free_nodes))
        return result
    import numpy as np  # only loops need it

    index = {v: i for i, v in enumerate(free_nodes)}
    matrix = np.eye(len(free_nodes))
    for v in free_nodes:
        for u in graph._pred[v]:
            if u in index:
                matrix[index[v], index[u]] -= edge_fraction[(u, v)]
    solved = np.linalg.solve(matrix, np.array([inflow[v] for v in free_nodes]))
    result.update((v, max(0.0, float(x))) for v, x in zip(free_nodes, solved))
    return result


def _treatment_starts(model: ServiceModel, people: dict, referrals: dict) -> float | None:
    """People a year who arrive at structured treatment from outside it (a move between two
    treatment services is a transfer, not a start)."""
    treatment = {c.id for c in model.components if c.kind in cat.STRUCTURED_TREATMENT}
    if not treatment:
        return None
    total = 0.0
    for p in model.pathways:
        if p.target in treatment and p.source not in treatment:
            n = people[p.id]
            if n is None:
                return None
            total += n
    return total


def _totals(group_id: str, name: str, members: list[str], result: FlowResult,
            entering: float | None) -> Totals:
    rows = [result.components[m] for m in members]
    unknown = any(r.arrivals is None for r in rows)
    capacities = [r.capacity for r in rows if r.capacity is not None]
    return Totals(group_id, name, members,
                  None if unknown else sum(r.arrivals for r in rows), entering,
                  sum(capacities) if capacities else None,
                  _sum(r.caseload for r in rows), _sum(r.completions for r in rows),
                  None if unknown else sum(r.unplanned_exits for r in rows),
                  _sum(r.cost for r in rows))


def _entering(members: list[str], pred, edge_people: dict, referrals: dict) -> float | None:
    """People a year who come into a group of components: referrals to its routes, and
    people on pathways into it from outside."""
    inside = set(members)
    total = 0.0
    for m in members:
        if m in referrals:
            if referrals[m] is None:
                return None
            total += referrals[m]
        for u in pred[m]:
            if u not in inside:
                n = edge_people[(u, m)]
                if n is None:
                    return None
                total += n
    return total


def _group_totals(model: ServiceModel, result: FlowResult, plan_id: str | None,
                  by_id: dict, graph: nx.DiGraph, referrals: dict) -> None:
    edge_people = {(p.source, p.target): result.pathways[p.id] for p in model.pathways}
    plan = model.plan(plan_id)
    if plan is not None:
        result.plan_id = plan.id
        for lot in plan.lots:
            members = [m for m in dict.fromkeys(lot.components) if m in by_id]
            result.lots.append(_totals(lot.id, lot.name, members, result,
                                       _entering(members, graph._pred, edge_people,
                                                 referrals)))
    services = [c for c in model.components if c.kind_info.is_service]
    for cohort, label in cat.COHORTS.items():
        members = [c.id for c in services if cohort in c.cohorts]
        if members:
            result.cohorts.append(_totals(cohort, label, members, result,
                                          _entering(members, graph._pred, edge_people,
                                                    referrals)))


# --- the most the system could carry --------------------------------------------------------

@dataclass
class MaximumFlow:
    people: float | None  # None: unlimited, some route reaches a way out past no capacity
    limiting: list[str]  # the services whose capacities make the minimum cut
    uncapped: list[str]  # services without a capacity, taken as unlimited


def maximum_flow(model: ServiceModel) -> MaximumFlow:
    """The most people a year the system could carry with today's capacities, people routed
    as freely as the pathways allow (shares aside), and the services that limit it.

    A node-split graph (each service an in-node and an out-node joined by an edge of its
    capacity) from a super-source feeding every referral route to a super-sink fed by every
    exit and every component people leave without a pathway; networkx's minimum cut gives
    the value and the saturated services. On demand only: it is not part of every edit."""
    flow = nx.DiGraph()
    source, sink = ("source",), ("sink",)
    has_out = {p.source for p in model.pathways}
    uncapped = []
    for c in model.components:
        kind = c.kind_info
        if kind.is_service and c.capacity is not None:
            flow.add_edge((c.id, "in"), (c.id, "out"), capacity=c.capacity)
        else:
            flow.add_edge((c.id, "in"), (c.id, "out"))  # no capacity attribute: unlimited
            if kind.is_service:
                uncapped.append(c.id)
        if kind.is_route:
            flow.add_edge(source, (c.id, "in"))
        if kind.is_exit or c.id not in has_out:
            flow.add_edge((c.id, "out"), sink)
    flow.add_edges_from(((p.source, "out"), (p.target, "in")) for p in model.pathways)
    if source not in flow or sink not in flow:
        return MaximumFlow(0.0, [], uncapped)
    try:
        value, (reached, _) = nx.minimum_cut(flow, source, sink)
    except nx.NetworkXUnbounded:
        return MaximumFlow(None, [], uncapped)
    limiting = [c.id for c in model.components
                if (c.id, "in") in reached and (c.id, "out") not in reached]
    return MaximumFlow(float(value), limiting, uncapped)
