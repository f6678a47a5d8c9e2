"""Coverage checks: every rule of ../shared/domain.md, each a small function, and `run_checks`.

A rule takes a `CheckContext` (models/check_context.py: the model, its pathway graph, one
networkx DiGraph built once per run and shared by every rule and by the flow figures, and the
lot plan being judged) and yields `Finding`s. Messages name components, never ids. Facts a
commissioner has not filled in yet (no contract weights, no values, no localities) are not
judged. The graph rules are here; the lot, money and procurement rules in models/lot_rules.py.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Iterable, Iterator

from . import catalogue as cat
from . import lot_rules
from .check_context import (  # noqa: F401 (some only for modules that import them from here)
    ADULT, CJ, COHORT_BIT, COMMUNITY, ERROR, FROM_COMMUNITY, INFO, OPEN, RECOVERY,
    RECOVERY_KINDS, ROUTE, ROUTE_KINDS, SERVICE_KINDS, SEVERITIES, SEVERITY_WORDS, TREATMENT,
    WARNING, CheckContext, Finding, Rule, cohort_gaps, leads_to, pathway_graph, people_in,
    reach_bits)
from .lot_rules import contract_problems  # noqa: F401 (the contract editor imports it from here)
from .schema import ServiceModel
from .wording import capitalised, plural, with_article

if TYPE_CHECKING:
    import networkx as nx

    from .flow import FlowResult


# --- graph rules ---------------------------------------------------------------------------

def core_service_missing(ctx: CheckContext) -> Iterator[Finding]:
    for kind_id in ctx.model.required_kinds:
        if kind_id not in ctx.by_kind:
            name = cat.KINDS[kind_id].name
            yield Finding("core-service-missing", ERROR,
                          f"The model has no {name.lower()} service, which it requires.",
                          fix=f"Add {with_article(name.lower())} component, or stop requiring "
                              "it in the model properties if it is commissioned elsewhere.")
def cohort_no_treatment(ctx: CheckContext) -> Iterator[Finding]:
    routes = [r for r in ctx.routes if not ctx.isolated(r.id)]
    for route_id, cohorts in cohort_gaps(ctx, routes, TREATMENT).items():
        # Families and carers are not treated themselves: their gap is one in family support,
        # which a commissioner may meet elsewhere, so a warning rather than an error.
        treated = [c for c in cohorts if c not in cat.COHORT_TREATMENT]
        if treated:
            yield Finding("cohort-no-treatment", ERROR,
                          f"{capitalised(people_in(treated))} referred through "
                          f"{ctx.name(route_id)} cannot reach a treatment service that serves "
                          "them.", (route_id,),
                          fix="Add a pathway to a treatment service for them, or add the cohort "
                              "to the services on the way.")
        supported = [c for c in cohorts if c in cat.COHORT_TREATMENT]
        if supported:
            yield Finding("cohort-no-treatment", WARNING,
                          f"{capitalised(people_in(supported))} referred through "
                          f"{ctx.name(route_id)} cannot reach family support.", (route_id,),
                          fix="Add a pathway to a family support service, or record in the notes "
                              "where families and carers are supported instead.")


def cohort_no_recovery(ctx: CheckContext) -> Iterator[Finding]:
    treatment = [ctx.by_id[i] for i in ctx.of_kinds(cat.STRUCTURED_TREATMENT)]
    for service_id, cohorts in cohort_gaps(ctx, treatment, RECOVERY).items():
        yield Finding("cohort-no-recovery", WARNING,
                      f"{ctx.name(service_id)} has no onward route to recovery support for "
                      f"{people_in(cohorts)}.", (service_id,),
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
    for route_id in ctx.of_kinds(kind for kind in route_kinds if kind in ROUTE_KINDS):
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
            if c.kind in SERVICE_KINDS:
                yield Finding("unreachable-component", WARNING,
                              f"No referral route reaches {c.name}.", (i,),
                              fix="Add a pathway into it from a referral route or another "
                                  "service.")


def dead_end(ctx: CheckContext) -> Iterator[Finding]:
    pred = ctx.pred
    for i in ctx.sinks:
        c = ctx.by_id[i]
        if pred[i] and c.kind in SERVICE_KINDS and c.kind not in RECOVERY_KINDS:
            yield Finding("dead-end", WARNING, f"{c.name} has no onward pathway.", (i,),
                          fix="Add a pathway to recovery, another service or an exit.")


def isolated_component(ctx: CheckContext) -> Iterator[Finding]:
    pred = ctx.pred
    for i in ctx.sinks:
        if not pred[i]:
            yield Finding("isolated-component", WARNING,
                          f"{ctx.by_id[i].name} has no pathways at all.", (i,),
                          fix="Connect it, or delete it if it is not part of the model.")


def harm_reduction_missing(ctx: CheckContext) -> Iterator[Finding]:
    if ctx.services and not ctx.by_kind.get("harm_reduction"):
        yield Finding("harm-reduction-missing", WARNING,
                      "The model has no harm reduction (needle and syringe programme, "
                      "naloxone): the service that keeps people alive until they are ready for "
                      "treatment.",
                      fix="Add a harm reduction component; if it is bought separately, such as "
                          "pharmacy needle exchange, add it and mark it as not procured.")


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
    Rule("unassigned-component", ERROR, "A procured service is in no lot",
         lot_rules.unassigned_component,
         True),
    Rule("component-in-several-lots", ERROR, "A component is in several lots",
         lot_rules.component_in_several_lots, True),
    Rule("lot-code-duplicate", ERROR, "Two lots answer to one code", lot_rules.lot_code_duplicate,
         True),
    Rule("lot-empty", WARNING, "An empty lot", lot_rules.lot_empty, True),
    Rule("lot-disconnected", WARNING, "A lot in unconnected pieces",
         lot_rules.lot_disconnected, True),
    Rule("cross-lot-handoff", INFO, "Pathways between lots", lot_rules.cross_lot_handoff, True),
    Rule("nhs-component-in-lot", WARNING, "An NHS service in a council lot",
         lot_rules.nhs_component_in_lot,
         True),
    Rule("contract-invalid", ERROR, "Invalid contract terms", lot_rules.contract_invalid, True),
    Rule("lot-underfunded", WARNING, "A lot worth less than it costs",
         lot_rules.lot_underfunded, True),
    Rule("funding-shortfall", WARNING, "Lots cost more than the funding",
         lot_rules.funding_shortfall, True),
    Rule("restricted-funding-mismatch", WARNING, "Restricted money in the wrong lot",
         lot_rules.restricted_funding_mismatch, True),
    Rule("funding-overallocated", WARNING, "A funding source allocated beyond its amount",
         lot_rules.funding_overallocated, True),
    Rule("locality-gap", WARNING, "A locality without a physical base", lot_rules.locality_gap),
    Rule("non-recurrent-funding", WARNING, "A long contract relying on one-year money",
         lot_rules.non_recurrent_funding, True),
    Rule("route-not-in-force", ERROR, "A procurement route not in force on the date",
         lot_rules.route_not_in_force, True),
    Rule("criteria-not-100", ERROR, "PSR key criteria weights do not add to 100",
         lot_rules.criteria_not_100, True),
    Rule("psr-criteria-missing", WARNING, "A PSR process without key criteria weights",
         lot_rules.psr_criteria_missing, True),
    Rule("timeline-out-of-order", WARNING, "Timeline milestones out of order",
         lot_rules.timeline_out_of_order, True),
    Rule("mobilisation-too-short", WARNING, "Too little time to mobilise",
         lot_rules.mobilisation_too_short, True),
    Rule("standstill-too-short", WARNING, "Shorter than the PSR standstill",
         lot_rules.standstill_too_short, True),
    Rule("extension-not-available", WARNING, "An extension the contract does not allow",
         lot_rules.extension_not_available, True),
    Rule("service-gap", WARNING, "A current contract ends before the new service starts",
         lot_rules.service_gap, True),
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
