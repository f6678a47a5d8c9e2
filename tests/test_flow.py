"""Demand, capacity and cost: models.flow on small models whose figures can be worked by hand,
conservation on random models with loops (hypothesis), and the maximum flow."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.checks import run_checks
from models.flow import maximum_flow, run_flow
from models.schema import ServiceModel

ROUTE, SERVICE, EXIT = "self_referral", "adult_treatment", "exit"


def build(components: list[tuple], pathways: list[tuple], lots: list[tuple] = ()) -> ServiceModel:
    """components: (id, kind, {extra keys}); pathways: (source, target[, share])."""
    return ServiceModel.model_validate({
        "components": [{"id": cid, "kind": kind, "name": cid.title(), **extra}
                       for cid, kind, extra in components],
        "pathways": [{"source": p[0], "target": p[1],
                      **({"share_percent": p[2]} if len(p) > 2 and p[2] is not None else {})}
                     for p in pathways],
        "lot_plans": [{"id": "plan", "name": "Plan",
                       "lots": [{"id": lid, "name": lid.title(), "components": members}
                                for lid, members in lots]}],
        "active_plan": "plan"})


def chain() -> ServiceModel:
    return build(
        [("self", ROUTE, {"annual_referrals": 1000}),
         ("hub", "access_hub", {"capacity": 1200}),
         ("adult", SERVICE, {"capacity": 600, "episode_months": 9, "completion_percent": 40,
                             "estimated_annual_cost": 1_400_000}),
         ("recovery", "recovery_service", {}),
         ("done", EXIT, {})],
        [("self", "hub"), ("hub", "adult", 70), ("hub", "recovery"), ("adult", "done"),
         ("recovery", "done")],
        [("treatment", ["hub", "adult"]), ("after", ["recovery"])])


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


def test_a_chain_worked_by_hand():
    result = run_flow(chain())
    adult = result.components["adult"]
    assert result.components["hub"].arrivals == 1000
    assert adult.arrivals == pytest.approx(700)
    assert result.components["recovery"].arrivals == pytest.approx(300)  # the unshared rest
    assert adult.utilisation_percent == pytest.approx(700 / 600 * 100)
    assert adult.caseload == pytest.approx(700 * 9 / 12)  # Little's law
    assert adult.completions == pytest.approx(280)
    assert adult.cost_per_person == pytest.approx(2000)
    assert adult.cost_per_completion == pytest.approx(5000)
    assert result.components["done"].arrivals == pytest.approx(1000)
    assert result.pathways["hub->adult"] == pytest.approx(700)
    assert result.bottlenecks == ["adult"]
    assert result.referrals == 1000 and result.treatment_starts == pytest.approx(700)
    treatment = result.lots[0]
    assert treatment.arrivals == pytest.approx(1700) and treatment.entering == pytest.approx(1000)
    assert treatment.capacity == 1800
    assert [t.id for t in result.cohorts] and all(t.members for t in result.cohorts)


def test_a_lots_cost_per_completion_needs_its_completing_services_to_carry_the_cost():
    # Luton's recovery lot: only the small employment service records completions, so the
    # lot's whole cost over its 22 completions (£31,000 each) would mislead a board.
    def group(hub_cost: int, adult_cost: int):
        model = chain()
        model.component("hub").estimated_annual_cost = hub_cost
        model.component("adult").estimated_annual_cost = adult_cost
        return run_flow(model).lots[0]  # hub and adult; only adult records completions
    shown = group(400_000, 1_400_000)
    assert shown.cost_per_completion == pytest.approx(1_800_000 / 280)
    assert group(1_500_000, 1_400_000).cost_per_completion is None
    assert group(1_400_000, 1_400_000).cost_per_completion == pytest.approx(2_800_000 / 280)


def test_the_summary_tells_exits_from_completions():
    from models.flow_table import summary_lines
    from models.templates import load_template

    model = load_template("luton")
    lines = summary_lines(run_flow(model), model)
    exits = next(line for line in lines if line.startswith("Leaving by an exit a year: "))
    assert "Completed treatment 796" in exits and "completions count each service" in exits
    recovery = next(t for t in run_flow(model).lots if t.name.startswith("Recovery"))
    assert recovery.completions and recovery.cost_per_completion is None


def test_the_summary_says_when_its_totals_are_partial():
    from models.flow_table import summary_lines

    # The second route has no referrals: its service's arrivals are unknown, so the totals
    # cover only the first, and "no service over capacity" must not be said of the unknown.
    model = build([("self", ROUTE, {"annual_referrals": 100}), ("gp", "gp_referral", {}),
                   ("hub", "access_hub", {"capacity": 200}), ("adult", SERVICE, {"capacity": 5}),
                   ("done", EXIT, {})],
                  [("self", "hub"), ("gp", "adult"), ("hub", "done"), ("adult", "done")])
    lines = summary_lines(run_flow(model), model)
    assert lines[0].startswith("Partial figures: the people a year at 1 service are not known")
    assert "No service has more arrivals than its capacity." not in lines
    assert "No service whose arrivals are known has more than its capacity." in lines
    complete = chain()
    lines = summary_lines(run_flow(complete), complete)
    assert not any(line.startswith("Partial") for line in lines)


def test_referrals_scaled_for_sensitivity_leave_the_model_alone():
    model = chain()
    result = run_flow(model, scale=1.2)
    assert result.components["adult"].arrivals == pytest.approx(840)
    assert model.component("self").annual_referrals == 1000


def test_the_even_split_of_the_rest_and_drop_out_when_every_pathway_has_a_share():
    model = build([("self", ROUTE, {"annual_referrals": 900}), ("a", SERVICE, {}),
                   ("b", SERVICE, {}), ("c", SERVICE, {}), ("d", SERVICE, {})],
                  [("self", "a"), ("a", "b", 40), ("a", "c"), ("a", "d")])
    result = run_flow(model)
    assert result.components["c"].arrivals == pytest.approx(270)
    assert result.components["d"].arrivals == pytest.approx(270)
    assert result.components["a"].unplanned_exits == 0
    dropping = build([("self", ROUTE, {"annual_referrals": 900}), ("a", SERVICE, {}),
                      ("b", SERVICE, {})], [("self", "a"), ("a", "b", 60)])
    assert run_flow(dropping).components["a"].unplanned_exits == pytest.approx(360)


def test_a_loop_back_to_treatment_is_solved_exactly():
    # T = 1000 + 0.25 R and R = T: T = R = 1333.33...; everyone leaves by the exit.
    model = build([("self", ROUTE, {"annual_referrals": 1000}), ("adult", SERVICE, {}),
                   ("recovery", "recovery_service", {}), ("done", EXIT, {})],
                  [("self", "adult"), ("adult", "recovery"), ("recovery", "adult", 25),
                   ("recovery", "done", 75)])
    result = run_flow(model)
    assert result.components["adult"].arrivals == pytest.approx(4000 / 3, rel=1e-12)
    assert result.components["done"].arrivals == pytest.approx(1000, rel=1e-12)
    assert "flow-loop" not in rules(result.findings)


def loop_nobody_leaves() -> ServiceModel:
    return build([("self", ROUTE, {"annual_referrals": 100}), ("adult", SERVICE, {}),
                  ("recovery", "recovery_service", {}), ("other", SERVICE, {}),
                  ("done", EXIT, {})],
                 [("self", "adult"), ("adult", "recovery"), ("recovery", "adult"),
                  ("self", "other"), ("other", "done"), ("recovery", "other", 0)])


def test_a_loop_nobody_can_leave_is_a_finding_not_a_hang():
    result = run_flow(loop_nobody_leaves())
    [loop] = [f for f in result.findings if f.rule == "flow-loop"]
    assert loop.severity == "error" and loop.components == ("adult", "recovery")
    assert "Adult and Recovery" in loop.message
    assert result.components["adult"].arrivals is None
    assert result.components["other"].arrivals == pytest.approx(50)  # the rest still known
    assert result.pathways["recovery->other"] == 0


def test_a_second_pathway_people_take_beside_one_nobody_takes_is_a_way_out():
    # recovery -> other twice: share 0 (nobody) and no share (half the leavers).
    base = loop_nobody_leaves()
    model = build([(c.id, c.kind, {"annual_referrals": c.annual_referrals}
                    if c.annual_referrals is not None else {}) for c in base.components],
                  [(p.source, p.target, p.share_percent) for p in base.pathways]
                  + [("recovery", "other")])
    result = run_flow(model)
    assert "flow-loop" not in rules(result.findings)
    # adult = 50 + recovery / 2 and recovery = adult: 100 each; other = 50 + 50.
    assert result.components["adult"].arrivals == pytest.approx(100)
    assert result.components["other"].arrivals == pytest.approx(100)


def test_shares_over_100_fire_and_stay_quiet():
    over = build([("self", ROUTE, {"annual_referrals": 100}), ("hub", "access_hub", {}),
                  ("a", SERVICE, {}), ("b", SERVICE, {}), ("c", SERVICE, {})],
                 [("self", "hub"), ("hub", "a", 90), ("hub", "b", 80), ("hub", "c", 60)])
    with_shares = run_flow(over)
    [finding] = [f for f in with_shares.findings if f.rule == "shares-over-100"]
    assert finding.severity == "error" and "230%" in finding.message
    assert with_shares.components["a"].arrivals == pytest.approx(9000 / 230)  # scaled down
    fair = build([("self", ROUTE, {"annual_referrals": 100}), ("hub", "access_hub", {}),
                  ("a", SERVICE, {}), ("b", SERVICE, {})],
                 [("self", "hub"), ("hub", "a", 66.7), ("hub", "b", 33.3)])
    assert "shares-over-100" not in rules(run_flow(fair).findings)


def test_capacity_below_demand_fires_and_stays_quiet():
    [finding] = [f for f in run_flow(chain()).findings if f.rule == "capacity-below-demand"]
    assert finding.severity == "warning" and finding.components == ("adult",)
    assert "600 people a year" in finding.message and "700" in finding.message
    assert "capacity-below-demand" not in rules(run_flow(chain(), scale=0.5).findings)


def test_demand_unknown_fires_only_when_the_figures_are_partial():
    partial = build([("self", ROUTE, {"annual_referrals": 100}), ("gp", "gp_referral", {}),
                     ("adult", SERVICE, {})], [("self", "adult"), ("gp", "adult")])
    result = run_flow(partial)
    [finding] = [f for f in result.findings if f.rule == "demand-unknown"]
    assert finding.severity == "info" and finding.components == ("gp",)
    assert result.components["adult"].arrivals is None
    assert "demand-unknown" not in rules(run_flow(chain()).findings)
    nothing_yet = build([("gp", "gp_referral", {}), ("adult", SERVICE, {})], [("gp", "adult")])
    assert run_flow(nothing_yet).findings == [] and not run_flow(nothing_yet).known


def test_maximum_flow_and_the_limiting_services():
    best = maximum_flow(chain())
    # Adult treatment (600) and the hub (1,200) are capped; recovery is not, so the hub limits.
    assert best.people is None or best.people == 1200
    capped = build([("self", ROUTE, {}), ("hub", "access_hub", {"capacity": 1200}),
                    ("adult", SERVICE, {"capacity": 600}),
                    ("recovery", "recovery_service", {"capacity": 400}), ("done", EXIT, {})],
                   [("self", "hub"), ("hub", "adult"), ("hub", "recovery"),
                    ("adult", "done"), ("recovery", "done")])
    best = maximum_flow(capped)
    assert best.people == 1000 and best.limiting == ["adult", "recovery"]
    uncapped = build([("self", ROUTE, {}), ("adult", SERVICE, {}), ("done", EXIT, {})],
                     [("self", "adult"), ("adult", "done")])
    assert maximum_flow(uncapped).people is None
    assert maximum_flow(uncapped).uncapped == ["adult"]


# --- conservation on random models with loops ---------------------------------------------

KINDS = [ROUTE, "gp_referral", "access_hub", SERVICE, "recovery_service", "inpatient_detox",
         EXIT]


@st.composite
def flow_models(draw) -> ServiceModel:
    n = draw(st.integers(2, 9))
    components = []
    for i in range(n):
        kind = draw(st.sampled_from(KINDS))
        extra = {}
        if kind in (ROUTE, "gp_referral"):
            extra["annual_referrals"] = draw(st.integers(0, 5000) | st.floats(0, 5000))
        elif kind != EXIT:
            extra = {"capacity": draw(st.integers(0, 3000)),
                     "episode_months": draw(st.floats(0.5, 24)),
                     "completion_percent": draw(st.floats(0, 100))}
        components.append((f"c{i}", kind, extra))
    pairs = [(f"c{a}", f"c{b}") for a in range(n) for b in range(n) if a != b]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3 * n))
    pathways = [(a, b, draw(st.none() | st.floats(0, 100) | st.sampled_from([0, 50, 100])))
                for a, b in chosen]
    return build(components, pathways)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flow_models())
def test_people_are_conserved_on_random_models_with_loops(model):
    result = run_flow(model)
    out: dict[str, float] = {c.id: 0.0 for c in model.components}
    for p in model.pathways:
        people = result.pathways[p.id]
        if people is not None:
            assert people >= 0
            out[p.source] += people
    for c in model.components:
        flow = result.components[c.id]
        if flow.arrivals is None:
            continue
        assert flow.arrivals >= 0 and math.isfinite(flow.arrivals)
        if c.kind_info.is_exit:
            assert out[c.id] == 0  # exits absorb
            continue
        # Everyone who arrives leaves: by pathways, or without a planned exit.
        assert flow.arrivals == pytest.approx(out[c.id] + flow.unplanned_exits,
                                              rel=1e-6, abs=1e-6)
        inflow = (c.annual_referrals or 0) + sum(
            result.pathways[p.id] for p in model.pathways if p.target == c.id)
        assert flow.arrivals == pytest.approx(inflow, rel=1e-6, abs=1e-6)
    traps = [f for f in result.findings if f.rule == "flow-loop"]
    if not traps and all(f.arrivals is not None for f in result.components.values()):
        # Whoever comes in leaves the system once: by an exit or without a planned one.
        leaving = sum(f.arrivals for c, f in zip(model.components, result.components.values())
                      if c.kind_info.is_exit) + sum(f.unplanned_exits
                                                    for f in result.components.values())
        assert leaving == pytest.approx(result.referrals or 0, rel=1e-6, abs=1e-6)
def test_flow_findings_appear_in_the_checks():
    assert "flow-loop" in rules(run_checks(loop_nobody_leaves()))
    assert "capacity-below-demand" in rules(run_checks(chain()))


