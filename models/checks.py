"""Coverage checks: every rule of ../shared/domain.md, each a small function.

A rule takes a `CheckContext` (the model, its pathway graph, one networkx DiGraph built once per
run and shared by every rule and by the flow figures, and the lot plan being judged) and yields
`Finding`s. Messages name components, never ids. Facts a commissioner has not filled in yet (no
contract weights, no values, no localities) are not judged. Reachability is multi-source search
over the graph's own adjacency (`G.succ`, `G.pred`): never one search per component, and the
questions share two searches, one forward and one backward, each question a bit that travels
with the others (`reach_bits`), so a run stays within a small multiple of a single search even
at national size (see docs/benchmarks.md).
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from . import catalogue as cat
from . import procurement as proc
from .lots import needs_a_lot
from .funding import funding_position
from .schema import Component, Lot, LotPlan, ServiceModel
from .wording import money, plural

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
_ROUTE_KINDS = frozenset(k.id for k in cat.KINDS.values() if k.is_route)
_SERVICE_KINDS = frozenset(k.id for k in cat.KINDS.values() if k.is_service)


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
            if kind in _ROUTE_KINDS:
                self.routes.append(c)
            elif kind in _SERVICE_KINDS:
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
        listed = [self.name(i) for i in ids]
        return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]

    def of_kinds(self, kinds: Iterable[str]) -> list[str]:
        """Ids of the components of these kinds, in file order."""
        ids = [i for kind in set(kinds) for i in self.by_kind.get(kind, ())]
        ids.sort(key=self.order.__getitem__)
        return ids

    def isolated(self, node: str) -> bool:
        return not self.succ[node] and not self.pred[node]


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cohort_list(cohorts: Iterable[str]) -> str:
    return _and_list([cat.COHORTS[c].lower() for c in cohorts])


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]  # str.capitalize() would lower-case the lot's name


def _people_in(cohorts: list[str]) -> str:
    # "Alcohol only referred through..." does not read; "people in the alcohol only cohort" does.
    return f"people in the {_cohort_list(cohorts)} cohort{'s' if len(cohorts) > 1 else ''}"


def _lot(lot: Lot) -> str:
    """'lot Treatment', but 'Lot 2' rather than 'lot Lot 2' for lots named by number."""
    return lot.name if lot.name.lower().startswith("lot") else f"lot {lot.name}"


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


# --- graph rules ---------------------------------------------------------------------------

def core_service_missing(ctx: CheckContext) -> Iterator[Finding]:
    for kind_id in ctx.model.required_kinds:
        if kind_id not in ctx.by_kind:
            name = cat.KINDS[kind_id].name
            yield Finding("core-service-missing", ERROR,
                          f"The model has no {name.lower()} service, which it requires.",
                          fix=f"Add {_a(name.lower())} component, or stop requiring it in the "
                              "model properties if it is commissioned elsewhere.")


def _cohort_gaps(ctx: CheckContext, starts: list[Component], question: int
                 ) -> dict[str, list[str]]:
    """For each start, the cohorts it carries that cannot reach a target serving them (the
    targets of `question`: _TREATMENT or _RECOVERY), moving only through components that
    serve that cohort."""
    reaches, shift = ctx.backward, _SHIFT * question
    missing = [(i, c.id, ctx.serves[c.id] & ~(reaches.get(c.id, 0) >> shift))
               for i, c in enumerate(starts)]
    missing = [m for m in missing if m[2]]
    # Cohort by cohort, then in the order given: lowest missing cohort first, then position.
    missing.sort(key=lambda m: ((m[2] & -m[2]).bit_length(), m[0]))
    return {cid: [cohort for cohort, bit in COHORT_BIT.items() if bits & bit]
            for _, cid, bits in missing}


_TREATMENT, _RECOVERY = 0, 1  # the two cohort questions of CheckContext.backward
_RECOVERY_KINDS = frozenset(k.id for k in cat.kinds_in_stage(cat.RECOVERY_STAGE))


def _target_bits() -> dict[str, int]:
    """The bits of CheckContext.backward a component of each kind may start with: per cohort,
    the cohort's bit on its treatment kinds and its recovery bit on recovery kinds (_backward
    keeps them where the component serves the cohort), and ADULT, COMMUNITY and CJ on theirs."""
    bits = dict.fromkeys(cat.KINDS, 0)
    for cohort, bit in COHORT_BIT.items():
        for kind in cat.treatment_kinds_for(cohort):
            bits[kind] |= bit << _SHIFT * _TREATMENT
        for kind in _RECOVERY_KINDS:
            bits[kind] |= bit << _SHIFT * _RECOVERY
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


def cohort_no_treatment(ctx: CheckContext) -> Iterator[Finding]:
    routes = [r for r in ctx.routes if not ctx.isolated(r.id)]
    for route_id, cohorts in _cohort_gaps(ctx, routes, _TREATMENT).items():
        # Families and carers are not treated themselves: their gap is one in family support,
        # which a commissioner may meet elsewhere, so a warning rather than an error.
        treated = [c for c in cohorts if c not in cat.COHORT_TREATMENT]
        if treated:
            yield Finding("cohort-no-treatment", ERROR,
                          f"{_cap(_people_in(treated))} referred through "
                          f"{ctx.name(route_id)} cannot reach a treatment service that serves "
                          "them.", (route_id,),
                          fix="Add a pathway to a treatment service for them, or add the cohort "
                              "to the services on the way.")
        supported = [c for c in cohorts if c in cat.COHORT_TREATMENT]
        if supported:
            yield Finding("cohort-no-treatment", WARNING,
                          f"{_cap(_people_in(supported))} referred through "
                          f"{ctx.name(route_id)} cannot reach family support.", (route_id,),
                          fix="Add a pathway to a family support service, or record in the notes "
                              "where families and carers are supported instead.")


def cohort_no_recovery(ctx: CheckContext) -> Iterator[Finding]:
    treatment = [ctx.by_id[i] for i in ctx.of_kinds(cat.STRUCTURED_TREATMENT)]
    for service_id, cohorts in _cohort_gaps(ctx, treatment, _RECOVERY).items():
        yield Finding("cohort-no-recovery", WARNING,
                      f"{ctx.name(service_id)} has no onward route to recovery support for "
                      f"{_people_in(cohorts)}.", (service_id,),
                      fix="Add a pathway to a recovery service that serves them.")


def yp_no_transition(ctx: CheckContext) -> Iterator[Finding]:
    for c in (ctx.by_id[i] for i in ctx.of_kinds(["young_peoples_treatment"])):
        if (c.upper_age or 0) >= 25:
            continue
        if not ctx.backward.get(c.id, 0) & ADULT:
            yield Finding("yp-no-transition", WARNING,
                          f"{c.name} has no route for young people moving on to adult treatment.",
                          (c.id,), fix="Add a transition pathway to adult treatment, or set the "
                                       "service's upper age to 25 if it keeps them until then.")


def _routes_missing(ctx: CheckContext, route_kinds, target: int) -> Iterator[str]:
    """The routes of `route_kinds` with no path to the targets of bit `target` of
    CheckContext.backward, in file order."""
    backward = ctx.backward
    for route_id in ctx.of_kinds(kind for kind in route_kinds if kind in _ROUTE_KINDS):
        if not backward.get(route_id, 0) & target:
            yield route_id


def prison_no_continuity(ctx: CheckContext) -> Iterator[Finding]:
    for route_id in _routes_missing(ctx, {"prison_release"}, COMMUNITY):
        yield Finding("prison-no-continuity", ERROR,
                      f"People leaving prison through {ctx.name(route_id)} cannot reach community "
                      "treatment, so their prescribing and care would stop at the gate.",
                      (route_id,), fix="Add a pathway to adult, criminal justice or shared care "
                                       "treatment.")


def cj_route_no_cj_service(ctx: CheckContext) -> Iterator[Finding]:
    for route_id in _routes_missing(ctx, cat.CJ_ROUTES, CJ):
        yield Finding("cj-route-no-cj-service", WARNING,
                      f"{ctx.name(route_id)} cannot reach a criminal justice treatment service.",
                      (route_id,), fix="Add a pathway to the criminal justice treatment service.")


def tier4_no_access(ctx: CheckContext) -> Iterator[Finding]:
    for node in ctx.of_kinds(cat.TIER4):
        if not ctx.route_reaches(node, FROM_COMMUNITY):
            yield Finding("tier4-no-access", ERROR,
                          f"{ctx.name(node)} cannot be reached from community treatment.", (node,),
                          fix="Add a pathway from adult or criminal justice treatment.")


def tier4_no_aftercare(ctx: CheckContext) -> Iterator[Finding]:
    onward = {i for kind in cat.TIER4_AFTERCARE for i in ctx.by_kind.get(kind, ())}
    for node in ctx.of_kinds(cat.TIER4):
        if not onward.isdisjoint(n for n in ctx.succ[node] if n != node):
            continue  # the usual case, aftercare next: no search
        def aftercare(n: str, node: str = node) -> bool:
            return n != node and n in onward
        if not leads_to(ctx.succ[node], ctx.succ, aftercare):
            yield Finding("tier4-no-aftercare", WARNING,
                          f"{ctx.name(node)} has no onward route to rehab, community treatment or "
                          "recovery after discharge.", (node,),
                          fix="Add a pathway to community treatment or recovery support.")


def recovery_not_open(ctx: CheckContext) -> Iterator[Finding]:
    recovery = ctx.of_kinds(["recovery_service"])
    if recovery and ctx.routes and not any(ctx.route_reaches(i, OPEN) for i in recovery):
        yield Finding("recovery-not-open", WARNING,
                      f"{ctx.names(recovery)} can only be reached through structured treatment; "
                      "recovery support should be open to anyone.", tuple(recovery),
                      fix="Add a pathway from a referral route or the access hub to recovery.")


def harm_reduction_gated(ctx: CheckContext) -> Iterator[Finding]:
    harm = ctx.of_kinds(["harm_reduction"])
    if not harm:
        return
    for node in harm:
        if ctx.route_reaches(node) and not ctx.route_reaches(node, OPEN):
            yield Finding("harm-reduction-gated", WARNING,
                          f"{ctx.name(node)} can only be reached through structured treatment.",
                          (node,), fix="Add a pathway from a referral route or the access hub.")


def unreachable_component(ctx: CheckContext) -> Iterator[Finding]:
    forward, succ, pred = ctx.forward, ctx.succ, ctx.pred
    for i in ctx.order:  # ids in file order: a component is read only when no route reaches it
        if not forward.get(i, 0) & ROUTE and (succ[i] or pred[i]):
            c = ctx.by_id[i]
            if c.kind in _SERVICE_KINDS:
                yield Finding("unreachable-component", WARNING,
                              f"No referral route reaches {c.name}.", (i,),
                              fix="Add a pathway into it from a referral route or another "
                                  "service.")


def dead_end(ctx: CheckContext) -> Iterator[Finding]:
    pred = ctx.pred
    for i in ctx.sinks:
        c = ctx.by_id[i]
        if pred[i] and c.kind in _SERVICE_KINDS and c.kind not in _RECOVERY_KINDS:
            yield Finding("dead-end", WARNING, f"{c.name} has no onward pathway.", (i,),
                          fix="Add a pathway to recovery, another service or an exit.")


def isolated_component(ctx: CheckContext) -> Iterator[Finding]:
    pred = ctx.pred
    for i in ctx.sinks:
        if not pred[i]:
            yield Finding("isolated-component", WARNING,
                          f"{ctx.by_id[i].name} has no pathways at all.", (i,),
                          fix="Connect it, or delete it if it is not part of the model.")


# --- lot rules (judged on one lot plan, once it has lots) -----------------------------------

def unassigned_component(ctx: CheckContext) -> Iterator[Finding]:
    # Services in no lot, by id (the context's index), in file order: only they are read.
    home = ctx.home
    loose = [i for kind in _SERVICE_KINDS for i in ctx.by_kind.get(kind, ()) if i not in home]
    loose.sort(key=ctx.order.__getitem__)
    for c in (ctx.by_id[i] for i in loose):
        if needs_a_lot(c):
            yield Finding("unassigned-component", ERROR,
                          f"{c.name} is procured by the council but is in no lot of "
                          f"{ctx.plan.name}.", (c.id,),
                          fix="Assign it to a lot, or mark it as not procured (kept in-house).")


def component_in_several_lots(ctx: CheckContext) -> Iterator[Finding]:
    if sum(len(lot.components) for lot in ctx.plan.lots) == len(ctx.home):
        return  # no lot lists a component another lists, nor lists one twice
    for member, lots in ctx.lots_of.items():
        if len(lots) > 1 and member in ctx.by_id:
            yield Finding("component-in-several-lots", ERROR,
                          f"{ctx.name(member)} is in more than one lot: "
                          f"{_and_list([lot.name for lot in lots])}.", (member,), lots[0].id,
                          fix="Keep it in one lot and remove it from the others.")


def lot_code_duplicate(ctx: CheckContext) -> Iterator[Finding]:
    """Two lots print the same code, or one lot's code is another's id: "L2" on paper or
    after `export --lot` could mean either (codes are read in any case)."""
    lots = ctx.plan.lots
    with_code: dict[str, list[int]] = {}  # lot positions by code and by id: one pass, not n^2
    with_id: dict[str, list[int]] = {}
    for i, lot in enumerate(lots):
        with_code.setdefault(lot.code.strip().lower(), []).append(i)
        with_id.setdefault(lot.id.strip().lower(), []).append(i)
    for i, lot in enumerate(lots):
        code = lot.code.strip().lower()
        if not code:
            continue
        for other in (lots[j] for j in with_code[code] if j > i):
            yield Finding("lot-code-duplicate", ERROR,
                          f"{_cap(_lot(lot))} and {_lot(other)} both print the code "
                          f"{lot.code.strip()}.", (), other.id,
                          fix="Give each lot its own code in the lot's properties.")
        for other in (lots[j] for j in with_id.get(code, ()) if j != i):
            yield Finding("lot-code-duplicate", ERROR,
                          f"{_cap(_lot(lot))} prints the code {lot.code.strip()}, which is "
                          f"the id of {_lot(other)}.", (), lot.id,
                          fix="Give the lot a code that is no other lot's id or code.")


def lot_empty(ctx: CheckContext) -> Iterator[Finding]:
    for lot in ctx.plan.lots:
        if not lot.components:
            yield Finding("lot-empty", WARNING, f"{_cap(_lot(lot))} has no components.", (), lot.id,
                          fix="Assign components to it, or delete the lot.")


def _pieces(ctx: CheckContext, members: Iterable[str]) -> int:
    """How many weakly connected pieces the pathways between `members` make: a search over
    the graph's adjacency both ways, stepping only onto members (a subgraph view per lot and
    networkx's count on it cost ten times as much over a national model's 455 lots). It takes
    a whole frontier a step with set operations, which loop in C rather than per neighbour."""
    succ, pred = ctx.succ, ctx.pred
    unseen = set(members)
    pieces = 0
    while unseen:
        pieces += 1
        frontier = {unseen.pop()}
        while frontier:
            around: set[str] = set()
            for node in frontier:
                around.update(succ[node], pred[node])
            frontier = around & unseen
            unseen -= frontier
    return pieces


def lot_disconnected(ctx: CheckContext) -> Iterator[Finding]:
    known = ctx.by_id.keys()
    for lot in ctx.plan.lots:
        unseen = known & lot.components  # a set, made in C: the listed components that exist
        if len(unseen) < 2:
            continue
        pieces = _pieces(ctx, unseen)
        if pieces > 1:
            members = [m for m in dict.fromkeys(lot.components) if m in ctx.by_id]
            yield Finding("lot-disconnected", WARNING,
                          f"{_cap(_lot(lot))} falls into {pieces} unconnected pieces, so one "
                          "provider would run unrelated fragments.", tuple(members), lot.id,
                          fix="Move the stray components to the lot they connect with, or add "
                              "the pathways that join them.")


def cross_lot_handoff(ctx: CheckContext) -> Iterator[Finding]:
    lots, home = ctx.plan.lots, ctx.home
    crossings: dict[tuple[int, int], list[str]] = {}
    for p in ctx.model.pathways:
        a = home.get(p.source)
        if a is None:
            continue
        b = home.get(p.target)
        if b is not None and a != b:
            pair = (a, b) if a < b else (b, a)
            crossings.setdefault(pair, []).extend((p.source, p.target))
    for (first, second), ends in crossings.items():
        count = len(ends) // 2
        yield Finding("cross-lot-handoff", INFO,
                      f"{count} pathway{'s' if count > 1 else ''} cross{'' if count > 1 else 'es'} "
                      f"between {_lot(lots[first])} and {_lot(lots[second])}; each "
                      "is a contract interface to manage.", tuple(dict.fromkeys(ends)),
                      lots[first].id,
                      fix="Write the handoff into both contracts, or merge the lots.")


def nhs_component_in_lot(ctx: CheckContext) -> Iterator[Finding]:
    by_id = ctx.by_id
    for lot in ctx.plan.lots:
        for member in lot.components:
            c = by_id.get(member)
            if c is not None and c.commissioner == "nhs":
                yield Finding("nhs-component-in-lot", WARNING,
                              f"{c.name} is NHS-commissioned but sits in {_lot(lot)}, "
                              "a council lot.",
                              (c.id,), lot.id,
                              fix="Put the council's part in writing with the NHS: a section 75 "
                                  "funding or partnership agreement, or co-commissioning with the "
                                  "ICB; otherwise take it out of the lot and show it as a "
                                  "partner service the lot works with.")


def contract_problems(lot: Lot) -> list[str]:
    """What is wrong with a lot's contract terms, in words; shared with the contract editor."""
    terms = lot.contract
    problems = []
    weights = [terms.quality_weight, terms.price_weight, terms.social_value_weight]
    if any(w is not None for w in weights):
        total = sum(w or 0 for w in weights)
        if abs(total - 100) > 1e-6:
            problems.append(f"the evaluation weights add to {total:g}, not 100")
    if terms.break_clause_years is not None and terms.initial_term_years is not None \
            and terms.break_clause_years >= terms.initial_term_years:
        problems.append(f"the break clause ({terms.break_clause_years:g} years) is not before the "
                        f"end of the initial term ({terms.initial_term_years:g} years)")
    for label, value in (("annual value", terms.annual_value), ("quality weight", weights[0]),
                         ("price weight", weights[1]), ("social value weight", weights[2])):
        if value is not None and value < 0:
            problems.append(f"the {label} is negative")
    return problems


def contract_invalid(ctx: CheckContext) -> Iterator[Finding]:
    for lot in ctx.plan.lots:
        problems = contract_problems(lot)
        if problems:
            yield Finding("contract-invalid", ERROR,
                          f"The contract terms of {_lot(lot)} are not valid: "
                          f"{'; '.join(problems)}.",
                          (), lot.id, fix="Correct the terms in the lot's contract editor.")


def lot_underfunded(ctx: CheckContext) -> Iterator[Finding]:
    # Figures from models/funding.py, which the appraisal, pack and Funding window read too.
    position = ctx.funding
    for lot, figures in zip(ctx.plan.lots, position.lots):
        if figures.shortfall > 0:
            below_cost = figures.below_cost
            consequence = ("providers may not bid" if below_cost else
                           f"{money(figures.unallocated)} a year has no funding behind it")
            yield Finding("lot-underfunded", WARNING,
                          f"{_cap(_lot(lot))} {' and '.join(figures.problems())}; "
                          f"{consequence}.",
                          tuple(dict.fromkeys(lot.components)), lot.id,
                          fix="Check the components' estimated costs against current spend "
                              "and market engagement, then raise the lot's value or reduce its "
                              "scope." if below_cost else
                          "Allocate funding to the lot (Lots > Funding), or lower its value.")


def funding_shortfall(ctx: CheckContext) -> Iterator[Finding]:
    position = ctx.funding
    if position.balance is not None and position.balance < 0:
        provide = (f"the funding sources provide {money(position.funding_total)}"
                   if position.funding_total is not None
                   else "no funding source has an annual amount")
        yield Finding("funding-shortfall", WARNING,
                      f"The lots of {ctx.plan.name} cost {money(position.lots_total)} a year but "
                      f"{provide}.",
                      fix="Add funding, or reduce lot values.")


def _payable(ctx: CheckContext, cohort: str) -> set[str]:
    """The components money restricted to `cohort` may pay for: those of the cohort's own
    kinds (cat.COHORT_SERVICES) that serve it or, when the model has none, any serving it."""
    bit = COHORT_BIT.get(cohort, 0)
    dedicated = {i for kind in cat.COHORT_SERVICES.get(cohort, ())
                 for i in ctx.by_kind.get(kind, ()) if ctx.serves[i] & bit}
    return dedicated or {i for i, serves in ctx.serves.items() if serves & bit}


def restricted_funding_mismatch(ctx: CheckContext) -> Iterator[Finding]:
    sources = {f.id: f for f in ctx.model.funding_sources if f.restricted_cohorts}
    payable: dict[str, set[str]] = {}  # by cohort, made when a lot first needs it
    for lot in ctx.plan.lots:
        given: dict[str, float] = {}
        for allocation in lot.funding:
            source_id = allocation.source
            if source_id in sources:
                given[source_id] = given.get(source_id, 0) + allocation.annual_amount
        # What each set of restricted cohorts pays for in this lot, and what that costs (None
        # when a cost is not estimated): a lot often has several sources for one cohort.
        paid_for: dict[tuple[str, ...], tuple[list[str], float | None]] = {}
        for source_id, amount in given.items():
            source = sources[source_id]
            if amount <= 0:
                continue
            cohorts = tuple(source.restricted_cohorts)
            if cohorts not in paid_for:
                for cohort in cohorts:
                    if cohort not in payable:
                        payable[cohort] = _payable(ctx, cohort)
                members = dict.fromkeys(lot.components)
                paid = list(dict.fromkeys([m for cohort in cohorts for m in members
                                           if m in payable[cohort]]))
                costs = [ctx.by_id[m].estimated_annual_cost for m in paid]
                paid_for[cohorts] = paid, None if None in costs else sum(costs)
            paid, cost = paid_for[cohorts]
            if not paid:
                yield Finding("restricted-funding-mismatch", WARNING,
                              f"{source.name} is restricted to {_cohort_list(cohorts)} but is "
                              f"allocated to {_lot(lot)}, which has no service for them.", (),
                              lot.id,
                              fix="Allocate it to the lot that holds the service for that "
                                  "cohort.")
            elif cost is not None and amount > cost + 0.5:
                yield Finding("restricted-funding-mismatch", WARNING,
                              f"{_cap(_lot(lot))} gets {money(amount)} a year of {source.name}, "
                              f"restricted to {_cohort_list(cohorts)}, but {ctx.names(paid)} "
                              f"{'is' if len(paid) == 1 else 'are'} estimated to cost "
                              f"{money(cost)}; the rest would pay for other work.",
                              tuple(paid), lot.id,
                              fix="Reduce the allocation to what the services for that cohort "
                                  "cost, or agree with the funder what else it may pay for.")


def funding_overallocated(ctx: CheckContext) -> Iterator[Finding]:
    given: dict[str, float] = {}  # a plain dict: a Counter's missing key costs a Python call
    for lot in ctx.plan.lots:
        for allocation in lot.funding:
            given[allocation.source] = given.get(allocation.source, 0) + allocation.annual_amount
    for source in ctx.model.funding_sources:
        amount, allocated = source.annual_amount, given.get(source.id, 0)
        if amount is not None and allocated > amount + 0.5:
            yield Finding("funding-overallocated", WARNING,
                          f"{source.name} provides {money(amount)} a year but "
                          f"{money(allocated)} is allocated to lots of {ctx.plan.name}.",
                          fix="Reduce the allocations to what the source provides.")


def locality_gap(ctx: CheckContext) -> Iterator[Finding]:
    # Outreach and shared care (GP surgeries, pharmacies) give community treatment a presence.
    present = set().union(*(ctx.by_id[i].localities for kind in cat.PRESENCE_KINDS
                            for i in ctx.by_kind.get(kind, ())))
    plan_localities = ctx.plan.localities if ctx.plan else []
    localities = list(dict.fromkeys([*ctx.model.localities, *plan_localities]))
    for kind_id in ctx.model.required_kinds:
        if kind_id in cat.TIER4:  # detox and rehab are regional or out of area by design
            continue
        of_kind = tuple(ctx.of_kinds([kind_id]))
        based = set().union(*(ctx.by_id[i].localities for i in of_kind))
        if not based:  # nobody has recorded bases for this service yet
            continue
        if kind_id in cat.COMMUNITY_TREATMENT:
            based |= present
        if based.issuperset(localities):
            continue
        name = cat.KINDS[kind_id].name.lower()
        for locality in localities:
            if locality not in based:
                yield Finding("locality-gap", WARNING,
                              f"{locality} has no physical base, satellite or outreach for "
                              f"{name}.", of_kind,
                              fix=f"Add {locality} to the localities of {_a(name)} component "
                                  "where it has a base or satellite there, or plan outreach "
                                  "there.")


def non_recurrent_funding(ctx: CheckContext) -> Iterator[Finding]:
    sources = {f.id: f for f in ctx.model.funding_sources}
    for lot in ctx.plan.lots:
        term = lot.contract.initial_term_years
        if term is None or term <= 1:
            continue
        given: Counter[str] = Counter()
        for allocation in lot.funding:
            source = sources.get(allocation.source)
            if source is not None and not source.recurrent and allocation.annual_amount > 0:
                given[source.name] += allocation.annual_amount
        if given:
            yield Finding("non-recurrent-funding", WARNING,
                          f"{_cap(_lot(lot))} is a {term:g}-year contract but relies on "
                          f"{money(sum(given.values()))} a year of one-year money "
                          f"({_and_list(list(given))}) whose renewal is uncertain.", (), lot.id,
                          fix="Price the contract on recurrent money and add grant-funded work "
                              "through a variation mechanism, as Luton did for any extra "
                              "government funding after 2025.")


def harm_reduction_missing(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.services and not ctx.by_kind.get("harm_reduction"):
        yield Finding("harm-reduction-missing", WARNING,
                      "The model has no harm reduction (needle and syringe programme, "
                      "naloxone): the service that keeps people alive until they are ready for "
                      "treatment.",
                      fix="Add a harm reduction component; if it is bought separately, such as "
                          "pharmacy needle exchange, add it and mark it as not procured.")


# --- procurement (models.procurement, docs/file-format.md "Procurement") ---------------------

def route_not_in_force(ctx: CheckContext) -> Iterator[Finding]:
    for lot in ctx.plan.lots:
        problem = proc.route_problem(ctx.plan, lot.contract)
        if problem:
            yield Finding("route-not-in-force", ERROR,
                          f"The procurement route of {_lot(lot)} did not exist then: {problem}.",
                          (), lot.id, fix="Choose the route the law allowed on that date (PCR "
                          "2015 light-touch before 2024, the PSR from 1 January 2024), or "
                          "correct the dates.")


def criteria_not_100(ctx: CheckContext) -> Iterator[Finding]:
    for lot in ctx.plan.lots:
        total = proc.criteria_total(lot.contract)
        if total is not None and abs(total - 100) > 1e-6:
            yield Finding("criteria-not-100", ERROR,
                          f"The PSR key criteria weights of {_lot(lot)} add to {total:g}, "
                          "not 100.", (), lot.id,
                          fix="Correct the weights in Lots > Procurement, PSR key criteria.")


def psr_criteria_missing(ctx: CheckContext) -> Iterator[Finding]:
    for lot in ctx.plan.lots:
        if proc.uses_psr_criteria(lot.contract) and proc.criteria_total(lot.contract) is None:
            route = cat.PROCUREMENT_ROUTES[lot.contract.procurement_route]
            yield Finding("psr-criteria-missing", WARNING,
                          f"{_cap(_lot(lot))} is procured by {route}, which must be judged on "
                          "the PSR's five key criteria, but no weights are recorded.", (), lot.id,
                          fix="Record the weights of the five key criteria in Lots > "
                              "Procurement, PSR key criteria.")


def timeline_out_of_order(ctx: CheckContext) -> Iterator[Finding]:
    problems = proc.timeline_out_of_order(ctx.plan)
    if problems:
        yield Finding("timeline-out-of-order", WARNING,
                      f"The timeline of {ctx.plan.name} is out of order: "
                      f"{'; '.join(problems)}.", fix="Correct the milestone dates or stages.")


def mobilisation_too_short(ctx: CheckContext) -> Iterator[Finding]:
    problem = proc.mobilisation_problem(ctx.plan)
    if problem:
        yield Finding("mobilisation-too-short", WARNING,
                      f"In {ctx.plan.name}, {problem}.",
                      fix="Bring the award forward, move the start, or plan for an extension "
                          "of the current contract.")


def standstill_too_short(ctx: CheckContext) -> Iterator[Finding]:
    problem = proc.standstill_problem(ctx.plan)
    if problem:
        yield Finding("standstill-too-short", WARNING, f"In {ctx.plan.name}, {problem}.",
                      fix="Leave 8 working days between the award decision and the contract.")


def extension_not_available(ctx: CheckContext) -> Iterator[Finding]:
    for component_id, why in proc.extension_problems(ctx.model, ctx.plan):
        yield Finding("extension-not-available", WARNING,
                      f"{ctx.plan.name} extends the current contracts, but {why}.",
                      (component_id,), fix="Compare this option only if an extension can be "
                      "agreed lawfully, or procure the service.")


def service_gap(ctx: CheckContext) -> Iterator[Finding]:
    for component_id, why in proc.service_gaps(ctx.model, ctx.plan, ctx.by_id):
        yield Finding("service-gap", WARNING,
                      f"{why}, and it is not recorded as extendable: people would be left "
                      "without the service.", (component_id,),
                      fix="Bring the start forward, or agree an extension with the current "
                          "provider.")


def _flow_findings(ctx: CheckContext, rule_id: str) -> list[Finding]:
    return [f for f in ctx.flow.findings if f.rule == rule_id]


RULES: tuple[Rule, ...] = (
    Rule("core-service-missing", ERROR, "A required service is missing", core_service_missing),
    Rule("cohort-no-treatment", ERROR, "A cohort cannot reach treatment", cohort_no_treatment),
    Rule("cohort-no-recovery", WARNING, "A cohort cannot reach recovery", cohort_no_recovery),
    Rule("yp-no-transition", WARNING, "No transition from young people's to adult treatment",
         yp_no_transition),
    Rule("prison-no-continuity", ERROR, "No continuity of care after prison", prison_no_continuity),
    Rule("cj-route-no-cj-service", WARNING, "Criminal justice route misses the CJ service",
         cj_route_no_cj_service),
    Rule("tier4-no-access", ERROR, "Detox or rehab cannot be reached", tier4_no_access),
    Rule("tier4-no-aftercare", WARNING, "No aftercare after detox or rehab", tier4_no_aftercare),
    Rule("recovery-not-open", WARNING, "Recovery support is not open access", recovery_not_open),
    Rule("harm-reduction-gated", WARNING, "Harm reduction is gated by treatment",
         harm_reduction_gated),
    Rule("harm-reduction-missing", WARNING, "No harm reduction in the model",
         harm_reduction_missing),
    Rule("unreachable-component", WARNING, "A service no referral reaches", unreachable_component),
    Rule("dead-end", WARNING, "A service with no onward pathway", dead_end),
    Rule("isolated-component", WARNING, "A component with no pathways", isolated_component),
    # Demand and capacity (models.flow, docs/flow.md): one flow run shared by the four rules.
    Rule("shares-over-100", ERROR, "Pathway shares add to more than 100",
         lambda ctx: _flow_findings(ctx, "shares-over-100")),
    Rule("flow-loop", ERROR, "A loop nobody can leave",
         lambda ctx: _flow_findings(ctx, "flow-loop")),
    Rule("capacity-below-demand", WARNING, "More people arrive than a service can take on",
         lambda ctx: _flow_findings(ctx, "capacity-below-demand")),
    Rule("demand-unknown", INFO, "Referral numbers missing, figures partial",
         lambda ctx: _flow_findings(ctx, "demand-unknown")),
    Rule("unassigned-component", ERROR, "A procured service is in no lot", unassigned_component,
         True),
    Rule("component-in-several-lots", ERROR, "A component is in several lots",
         component_in_several_lots, True),
    Rule("lot-code-duplicate", ERROR, "Two lots answer to one code", lot_code_duplicate,
         True),
    Rule("lot-empty", WARNING, "An empty lot", lot_empty, True),
    Rule("lot-disconnected", WARNING, "A lot in unconnected pieces", lot_disconnected, True),
    Rule("cross-lot-handoff", INFO, "Pathways between lots", cross_lot_handoff, True),
    Rule("nhs-component-in-lot", WARNING, "An NHS service in a council lot", nhs_component_in_lot,
         True),
    Rule("contract-invalid", ERROR, "Invalid contract terms", contract_invalid, True),
    Rule("lot-underfunded", WARNING, "A lot worth less than it costs", lot_underfunded, True),
    Rule("funding-shortfall", WARNING, "Lots cost more than the funding", funding_shortfall, True),
    Rule("restricted-funding-mismatch", WARNING, "Restricted money in the wrong lot",
         restricted_funding_mismatch, True),
    Rule("funding-overallocated", WARNING, "A funding source allocated beyond its amount",
         funding_overallocated, True),
    Rule("locality-gap", WARNING, "A locality without a physical base", locality_gap),
    Rule("non-recurrent-funding", WARNING, "A long contract relying on one-year money",
         non_recurrent_funding, True),
    Rule("route-not-in-force", ERROR, "A procurement route not in force on the date",
         route_not_in_force, True),
    Rule("criteria-not-100", ERROR, "PSR key criteria weights do not add to 100",
         criteria_not_100, True),
    Rule("psr-criteria-missing", WARNING, "A PSR process without key criteria weights",
         psr_criteria_missing, True),
    Rule("timeline-out-of-order", WARNING, "Timeline milestones out of order",
         timeline_out_of_order, True),
    Rule("mobilisation-too-short", WARNING, "Too little time to mobilise",
         mobilisation_too_short, True),
    Rule("standstill-too-short", WARNING, "Shorter than the PSR standstill",
         standstill_too_short, True),
    Rule("extension-not-available", WARNING, "An extension the contract does not allow",
         extension_not_available, True),
    Rule("service-gap", WARNING, "A current contract ends before the new service starts",
         service_gap, True),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
_SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def run_checks(model: ServiceModel, plan_id: str | None = None,
               graph: nx.DiGraph | None = None, flow: FlowResult | None = None
               ) -> list[Finding]:
    """All findings for the model and one lot plan (the active one by default), errors first.

    Lot rules wait until the plan has at least one lot: an undivided model is a model whose
    lots are not designed yet, not one whose every service is unassigned. `graph`, when
    given, is the pathway graph (`pathway_graph`) the caller already holds, and `flow` the
    flow figures (`models.flow.run_flow`) worked out on it, which the window also shows; by
    default both are made here, once, and every rule shares them."""
    graph = pathway_graph(model) if graph is None else graph
    # The graph's own adjacency dicts, which G.succ and G.pred view: networkx's algorithms read
    # them so too, and a view object per lookup would cost a third of a run at national size.
    ctx = CheckContext(model, graph._succ, graph._pred, model.plan(plan_id), graph)
    if flow is not None:
        ctx.flow = flow  # the cached property's slot: the rules read it, nobody recomputes it
    findings: list[Finding] = []
    for rule in RULES:
        if rule.lot_rule and (ctx.plan is None or not ctx.plan.lots):
            continue
        findings.extend(rule.check(ctx))
    findings.sort(key=lambda f: _SEVERITY_ORDER[f.severity])  # stable: rule order within
    return findings


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}


def counts_text(counts: dict[str, int], separator: str = ", ") -> str:
    """'0 errors, 2 warnings, 1 note': the counts as the window and the command line say them."""
    return separator.join(plural(counts[severity], word) for severity, word
                          in ((ERROR, "error"), (WARNING, "warning"), (INFO, "note")))
