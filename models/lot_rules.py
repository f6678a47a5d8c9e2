"""The coverage rules judged on one lot plan, once it has lots: lots, money and procurement
(../shared/domain.md; each rule's reasoning in docs/file-format.md). Registered, with the graph
rules, in models/checks.py's RULES.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Iterator

from . import catalogue as cat
from . import procurement as proc
from .check_context import (COHORT_BIT, ERROR, INFO, SERVICE_KINDS, WARNING, CheckContext,
                            Finding, cohort_list, lot_first, lot_words)
from .lots import needs_a_lot
from .schema import Lot
from .wording import and_list, money, with_article

# --- lot rules (judged on one lot plan, once it has lots) -----------------------------------

def unassigned_component(ctx: CheckContext) -> Iterator[Finding]:
    # Services in no lot, by id (the context's index), in file order: only they are read.
    home = ctx.home
    loose = [i for kind in SERVICE_KINDS for i in ctx.by_kind.get(kind, ()) if i not in home]
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
                          f"{and_list([lot.name for lot in lots])}.", (member,), lots[0].id,
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
                          f"{lot_first(lot)} and {lot_words(other)} both print the code "
                          f"{lot.code.strip()}.", (), other.id,
                          fix="Give each lot its own code in the lot's properties.")
        for other in (lots[j] for j in with_id.get(code, ()) if j != i):
            yield Finding("lot-code-duplicate", ERROR,
                          f"{lot_first(lot)} prints the code {lot.code.strip()}, which is "
                          f"the id of {lot_words(other)}.", (), lot.id,
                          fix="Give the lot a code that is no other lot's id or code.")


def lot_empty(ctx: CheckContext) -> Iterator[Finding]:
    for lot in ctx.plan.lots:
        if not lot.components:
            yield Finding("lot-empty", WARNING, f"{lot_first(lot)} has no components.", (),
                          lot.id, fix="Assign components to it, or delete the lot.")


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
                          f"{lot_first(lot)} falls into {pieces} unconnected pieces, so one "
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
                      f"between {lot_words(lots[first])} and {lot_words(lots[second])}; each "
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
                              f"{c.name} is NHS-commissioned but sits in {lot_words(lot)}, "
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
                          f"The contract terms of {lot_words(lot)} are not valid: "
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
                          f"{lot_first(lot)} {' and '.join(figures.problems())}; "
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
                              f"{source.name} is restricted to {cohort_list(cohorts)} but is "
                              f"allocated to {lot_words(lot)}, which has no service for them.", (),
                              lot.id,
                              fix="Allocate it to the lot that holds the service for that "
                                  "cohort.")
            elif cost is not None and amount > cost + 0.5:
                yield Finding("restricted-funding-mismatch", WARNING,
                              f"{lot_first(lot)} gets {money(amount)} a year of "
                              f"{source.name}, "
                              f"restricted to {cohort_list(cohorts)}, but {ctx.names(paid)} "
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
                              fix=f"Add {locality} to the localities of "
                                  f"{with_article(name)} component where it has a base or "
                                  "satellite there, or plan outreach there.")


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
                          f"{lot_first(lot)} is a {term:g}-year contract but relies on "
                          f"{money(sum(given.values()))} a year of one-year money "
                          f"({and_list(list(given))}) whose renewal is uncertain.", (), lot.id,
                          fix="Price the contract on recurrent money and add grant-funded work "
                              "through a variation mechanism, as Luton did for any extra "
                              "government funding after 2025.")


# --- procurement (models.procurement, docs/file-format.md "Procurement") ---------------------

def route_not_in_force(ctx: CheckContext) -> Iterator[Finding]:
    for lot in ctx.plan.lots:
        problem = proc.route_problem(ctx.plan, lot.contract)
        if problem:
            yield Finding("route-not-in-force", ERROR,
                          f"The procurement route of {lot_words(lot)} did not exist then: "
                          f"{problem}.",
                          (), lot.id, fix="Choose the route the law allowed on that date (PCR "
                          "2015 light-touch before 2024, the PSR from 1 January 2024), or "
                          "correct the dates.")


def criteria_not_100(ctx: CheckContext) -> Iterator[Finding]:
    for lot in ctx.plan.lots:
        total = proc.criteria_total(lot.contract)
        if total is not None and abs(total - 100) > 1e-6:
            yield Finding("criteria-not-100", ERROR,
                          f"The PSR key criteria weights of {lot_words(lot)} add to {total:g}, "
                          "not 100.", (), lot.id,
                          fix="Correct the weights in Lots > Procurement, PSR key criteria.")


def psr_criteria_missing(ctx: CheckContext) -> Iterator[Finding]:
    for lot in ctx.plan.lots:
        if proc.uses_psr_criteria(lot.contract) and proc.criteria_total(lot.contract) is None:
            route = cat.PROCUREMENT_ROUTES[lot.contract.procurement_route]
            yield Finding("psr-criteria-missing", WARNING,
                          f"{lot_first(lot)} is procured by {route}, which must be judged "
                          "on the PSR's five key criteria, but no weights are recorded.", (),
                          lot.id,
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
