"""What every coverage rule reads (models/checks.py, models/lot_rules.py): the findings they
yield, the pathway graph (one networkx DiGraph per check run, shared by every rule and by the
flow figures), the `CheckContext` of one run with its indexes, and the two searches the graph
rules share.

Reachability is multi-source search over the graph's own adjacency (`G.succ`, `G.pred`): never
one search per component, and the questions share two searches, one forward and one backward,
each question a bit that travels with the others (`reach_bits`), so a run stays within a small
multiple of a single search even at national size (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable

from . import catalogue as cat
from .funding import funding_position
from .schema import Component, Lot, LotPlan, ServiceModel
from .wording import and_list, capitalised

if TYPE_CHECKING:  # networkx takes 0.4 s to import: imported when the first check runs
    import networkx as nx

    from .flow import FlowResult

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_WORDS = {ERROR: "Error", WARNING: "Warning", INFO: "Note"}  # as the window says
SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message: str
    components: tuple[str, ...] = ()
    lot: str | None = None
    fix: str = ""

    def to_json(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "message": self.message,
                "components": list(self.components), "lot": self.lot, "fix": self.fix}


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    check: Callable[["CheckContext"], Iterable[Finding]]
    lot_rule: bool = False


def pathway_graph(model: ServiceModel) -> nx.DiGraph:
    """The components (nodes, in file order) and pathways (edges) as one networkx DiGraph.

    Filled straight into networkx's own dicts, as add_nodes_from/add_edges_from would fill
    them (an attribute dict per node, one per edge shared by its two ends' adjacency), at half
    their cost: they test each node and edge one call at a time (docs/benchmarks.md). Assigning
    `_node`, `_succ` (which is `_adj` too) and `_pred` resets the graph's cached views."""
    import networkx as nx

    ids = [c.id for c in model.components]
    # Every mention of a node is its component's own id string: a pathway's ends are equal
    # strings read separately from the file, and a dict finds an identical key without
    # comparing characters, which every search on the graph does for each step.
    own = {i: i for i in ids}
    succ: dict[str, dict] = {i: {} for i in ids}
    pred: dict[str, dict] = {i: {} for i in ids}
    try:
        for p in model.pathways:
            source, target = own[p.source], own[p.target]
            succ[source][target] = pred[target][source] = {}
    except KeyError:
        # A pathway end that is no component: a file refuses it (models.integrity), a model
        # built in code may not. networkx's own way adds the node, as it always did.
        graph = nx.DiGraph()
        graph.add_nodes_from(ids)
        graph.add_edges_from([(p.source, p.target) for p in model.pathways])
        return graph
    graph = nx.DiGraph()
    graph._node = {i: {} for i in ids}
    graph._succ = succ
    graph._pred = pred
    return graph


Adjacency = dict[str, list[str]]


def reach_bits(start: dict[str, int], adjacency, allowed: dict[str, int] | None = None
               ) -> dict[str, int]:
    """Several multi-source searches at once, one per bit: `start` gives each starting node
    the bits of the searches it starts from; a bit steps only onto nodes whose `allowed` bits
    include it (any node `allowed` leaves out, or every node when it is None). Returns the bits
    that reached each node reached. A node is revisited only when it gains a bit, so a few
    searches together cost about one; the starts are searched in `start`'s order, and when
    those that lead to other starts come first, bits reach a start before it is searched
    and most nodes are visited once (the result is the same in any order)."""
    reached = dict(start)
    queued = set(reached)
    todo = deque(start)  # first in, first out: bits gathered on the way travel together
    while todo:
        node = todo.popleft()
        queued.discard(node)
        bits = reached[node]
        for nxt in adjacency[node]:
            have = reached.get(nxt, 0)
            gained = bits & ~have if allowed is None else bits & allowed.get(nxt, -1) & ~have
            if gained:
                reached[nxt] = have | gained
                if nxt not in queued:
                    queued.add(nxt)
                    todo.append(nxt)
    return reached


def leads_to(starts: Iterable[str], adjacency, wanted: Callable[[str], bool]) -> bool:
    """Whether a path from `starts` (included) meets a node `wanted` accepts; stops there."""
    seen = set(starts)
    if any(wanted(n) for n in seen):
        return True
    todo = list(seen)
    while todo:
        for nxt in adjacency[todo.pop()]:
            if nxt not in seen:
                if wanted(nxt):
                    return True
                seen.add(nxt)
                todo.append(nxt)
    return False


COHORT_BIT = {cohort: 1 << i for i, cohort in enumerate(cat.COHORTS)}
ROUTE, OPEN, FROM_COMMUNITY = 1, 2, 4  # the bits of CheckContext.forward
_SHIFT = len(COHORT_BIT)  # CheckContext.backward: cohorts to treatment, then to recovery,
ADULT, COMMUNITY, CJ = (1 << 2 * _SHIFT + i for i in range(3))  # then these
ROUTE_KINDS = frozenset(k.id for k in cat.KINDS.values() if k.is_route)
SERVICE_KINDS = frozenset(k.id for k in cat.KINDS.values() if k.is_service)


class _CohortBits(dict):
    """Cohort lists to their bits, each distinct list worked out once: most components share
    a few lists."""

    def __missing__(self, cohorts: tuple[str, ...]) -> int:
        bits = self[cohorts] = sum(COHORT_BIT.get(x, 0) for x in set(cohorts))
        return bits


@dataclass
class CheckContext:
    model: ServiceModel
    succ: Adjacency  # the graph's G.succ and G.pred: node -> its neighbours
    pred: Adjacency
    plan: LotPlan | None
    graph: nx.DiGraph | None = None
    by_id: dict[str, Component] = field(init=False)
    routes: list[Component] = field(init=False)
    services: list[Component] = field(init=False)
    order: dict[str, int] = field(init=False)  # file order, which findings follow
    by_kind: dict[str, list[str]] = field(init=False)
    serves: dict[str, int] = field(init=False)  # the cohorts a component serves, as bits

    def __post_init__(self) -> None:
        # Every index the rules use, made in one pass over the components (at national size
        # the pass costs most in fetching each component from memory, so once, not six times).
        self.by_id, self.order, self.by_kind, self.serves = {}, {}, {}, {}
        self.routes, self.services = [], []
        bits_of = _CohortBits()
        for index, c in enumerate(self.model.components):
            cid, kind = c.id, c.kind
            self.by_id[cid] = c
            self.order[cid] = index
            self.by_kind.setdefault(kind, []).append(cid)
            if kind in ROUTE_KINDS:
                self.routes.append(c)
            elif kind in SERVICE_KINDS:
                self.services.append(c)
            self.serves[cid] = bits_of[tuple(c.cohorts)]

    @cached_property
    def forward(self) -> dict[str, int]:
        """One forward search for three questions (reach_bits): what referral routes reach
        (bit ROUTE), what they reach without passing through structured treatment (OPEN) and
        what community treatment reaches (FROM_COMMUNITY)."""
        # Routes first: community treatment is mostly reached from them before it is searched
        # itself, and then passes on all three bits at once (see reach_bits).
        start = {r.id: ROUTE | OPEN for r in self.routes}
        for kind in cat.COMMUNITY_TREATMENT:
            for i in self.by_kind.get(kind, ()):
                start[i] = start.get(i, 0) | FROM_COMMUNITY
        closed = {i: ROUTE | FROM_COMMUNITY
                  for kind in cat.STRUCTURED_TREATMENT for i in self.by_kind.get(kind, ())}
        return reach_bits(start, self.succ, closed)

    def route_reaches(self, node: str, bit: int = ROUTE) -> bool:
        """Whether a referral route reaches `node` (bit OPEN: without passing through
        structured treatment; FROM_COMMUNITY: whether community treatment reaches it)."""
        return bool(self.forward.get(node, 0) & bit)

    @cached_property
    def backward(self) -> dict[str, int]:
        """One backward search for every question about what a component leads to: per
        cohort C, a path to a treatment service for C (bit of C) or to recovery support (bit
        of C shifted by _SHIFT) through components serving C; and a path to adult treatment
        (ADULT), community treatment (COMMUNITY) or criminal justice treatment (CJ)."""
        return _backward(self)

    @cached_property
    def flow(self) -> FlowResult:
        """The demand and capacity figures (models.flow), on this run's graph, when the caller
        did not hand them in (`run_checks(flow=...)`)."""
        from .flow import run_flow

        return run_flow(self.model, graph=self.graph, totals=False)

    @cached_property
    def lots_of(self) -> dict[str, list[Lot]]:
        """The lots of the plan each component is in."""
        lots_of: dict[str, list[Lot]] = {}
        for lot in self.plan.lots:
            for member in lot.components:
                lots_of.setdefault(member, []).append(lot)
        return lots_of

    @cached_property
    def home(self) -> dict[str, int]:
        """Each component in a lot of the plan -> that lot's place in the plan (the last lot
        listing it; lots sharing an id count as one): cheaper to make and compare than
        `lots_of`."""
        position = {lot.id: i for i, lot in enumerate(self.plan.lots)}
        return {member: position[lot.id] for lot in self.plan.lots for member in lot.components}

    @cached_property
    def sinks(self) -> list[str]:
        """The components with no onward pathway, in file order (few: exits and dead ends)."""
        succ = self.succ
        return [i for i in self.order if not succ[i]]

    @cached_property
    def funding(self):
        """The plan's funding position (models.funding), shared by the two funding rules."""
        return funding_position(self.model, self.plan.id, self.by_id)

    def name(self, component_id: str) -> str:
        return self.by_id[component_id].name or cat.KINDS[self.by_id[component_id].kind].name

    def names(self, ids: Iterable[str]) -> str:
        return and_list([self.name(i) for i in ids])

    def of_kinds(self, kinds: Iterable[str]) -> list[str]:
        """Ids of the components of these kinds, in file order."""
        ids = [i for kind in set(kinds) for i in self.by_kind.get(kind, ())]
        ids.sort(key=self.order.__getitem__)
        return ids

    def isolated(self, node: str) -> bool:
        return not self.succ[node] and not self.pred[node]


def cohort_list(cohorts: Iterable[str]) -> str:
    return and_list([cat.COHORTS[c].lower() for c in cohorts])


def people_in(cohorts: list[str]) -> str:
    # "Alcohol only referred through..." does not read; "people in the alcohol only cohort" does.
    return f"people in the {cohort_list(cohorts)} cohort{'s' if len(cohorts) > 1 else ''}"


def lot_words(lot: Lot) -> str:
    """'lot Treatment', but 'Lot 2' rather than 'lot Lot 2' for lots named by number."""
    return lot.name if lot.name.lower().startswith("lot") else f"lot {lot.name}"


def lot_first(lot: Lot) -> str:
    """lot_words to start a sentence: 'Lot Treatment'."""
    return capitalised(lot_words(lot))


TREATMENT, RECOVERY = 0, 1  # the two cohort questions of CheckContext.backward


def cohort_gaps(ctx: CheckContext, starts: list[Component], question: int
                ) -> dict[str, list[str]]:
    """For each start, the cohorts it carries that cannot reach a target serving them (the
    targets of `question`: TREATMENT or RECOVERY), moving only through components that
    serve that cohort."""
    reaches, shift = ctx.backward, _SHIFT * question
    missing = [(i, c.id, ctx.serves[c.id] & ~(reaches.get(c.id, 0) >> shift))
               for i, c in enumerate(starts)]
    missing = [m for m in missing if m[2]]
    # Cohort by cohort, then in the order given: lowest missing cohort first, then position.
    missing.sort(key=lambda m: ((m[2] & -m[2]).bit_length(), m[0]))
    return {cid: [cohort for cohort, bit in COHORT_BIT.items() if bits & bit]
            for _, cid, bits in missing}


RECOVERY_KINDS = frozenset(k.id for k in cat.kinds_in_stage(cat.RECOVERY_STAGE))


def _target_bits() -> dict[str, int]:
    """The bits of CheckContext.backward a component of each kind may start with: per cohort,
    the cohort's bit on its treatment kinds and its recovery bit on recovery kinds (_backward
    keeps them where the component serves the cohort), and ADULT, COMMUNITY and CJ on theirs."""
    bits = dict.fromkeys(cat.KINDS, 0)
    for cohort, bit in COHORT_BIT.items():
        for kind in cat.treatment_kinds_for(cohort):
            bits[kind] |= bit << _SHIFT * TREATMENT
        for kind in RECOVERY_KINDS:
            bits[kind] |= bit << _SHIFT * RECOVERY
    bits["adult_treatment"] |= ADULT
    for kind in cat.COMMUNITY_TREATMENT:
        bits[kind] |= COMMUNITY
    bits["criminal_justice_treatment"] |= CJ
    return bits


_TARGET_BITS = _target_bits()
# The backward search starts at the latest stages: it reaches earlier targets from there before
# they are searched themselves, so they pass on every bit at once (see reach_bits).
_TARGET_KINDS = sorted((kind for kind, bits in _TARGET_BITS.items() if bits),
                       key=lambda kind: -cat.KINDS[kind].stage)


def _backward(ctx: CheckContext) -> dict[str, int]:
    """CheckContext.backward: a cohort's bits step only onto components serving the cohort;
    ADULT, COMMUNITY and CJ onto any."""
    anyone = ADULT | COMMUNITY | CJ
    serves = {n: bits | bits << _SHIFT | anyone for n, bits in ctx.serves.items()}
    start: dict[str, int] = {}
    for kind in _TARGET_KINDS:
        for target in ctx.by_kind.get(kind, ()):
            bits = _TARGET_BITS[kind] & serves[target]
            if bits:
                start[target] = bits
    return reach_bits(start, ctx.pred, serves)
