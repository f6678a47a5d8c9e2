"""Every coverage rule, made to fire on a tiny model and kept quiet on its corrected twin.

Models are written in a shorthand: components as "name:kind" (id "c-name", display name
"Name"), pathways as "a>b". Ids carry a "c-" prefix so a test can tell when a message shows an
id where a commissioner should see a name.
"""

from __future__ import annotations

import pytest

from models.checks import RULES, RULES_BY_ID, SEVERITIES, run_checks
from models.schema import ServiceModel


def comp(spec: str, **extra) -> dict:
    short, kind = spec.split(":")
    return {"id": f"c-{short}", "kind": kind, "name": short.replace("_", " ").capitalize(),
            **extra}


def build(components, pathways=(), lots=None, funding=(), required=(), localities=(),
          plan_localities=()) -> ServiceModel:
    """A model from the shorthand. `lots`: {lot id: [short names]} or {lot id: dict of lot keys
    with "components" in short names}; None leaves the plan without lots."""
    comps = [c if isinstance(c, dict) else comp(c) for c in components]
    plan_lots = []
    for lot_id, spec in (lots or {}).items():
        lot = dict(spec) if isinstance(spec, dict) else {"components": spec}
        lot["components"] = [f"c-{m}" for m in lot.get("components", [])]
        plan_lots.append({"id": lot_id, "name": lot_id.replace("-", " ").title(), **lot})
    return ServiceModel.model_validate({
        "format": "service-model", "version": 2, "title": "Rule test",
        "localities": list(localities), "required_kinds": list(required),
        "components": comps,
        "pathways": [_pathway(p) for p in pathways],
        "funding_sources": list(funding),
        "lot_plans": [{"id": "plan", "name": "Plan", "localities": list(plan_localities),
                       "lots": plan_lots}],
        "active_plan": "plan",
    })


def _pathway(spec: str) -> dict:
    """"a>b", or "a>b@60" for a pathway that 60% of a's leavers take."""
    ends, _, share = spec.partition("@")
    a, b = ends.split(">")
    return {"source": f"c-{a}", "target": f"c-{b}",
            **({"share_percent": float(share)} if share else {})}


def fired(model: ServiceModel, rule: str):
    return [f for f in run_checks(model) if f.rule == rule]


# Shared shapes: a complete adult route, used as the quiet background of most cases.
ADULT = ["self:self_referral", comp("adult:adult_treatment", cohorts=["adults"]),
         comp("recovery:recovery_service", cohorts=["adults"])]
ADULT_PATHS = ["self>adult", "adult>recovery", "self>recovery"]


def contract_lot(**terms) -> dict:
    return {"components": ["adult", "recovery"], "contract": terms}


GRANT_FUNDING = [{"id": "phg", "name": "Public health grant", "annual_amount": 1_000_000},
                 {"id": "datrig", "name": "Improvement grant", "annual_amount": 300_000,
                  "recurrent": False}]


def GRANT_LOT(**terms) -> dict:
    return {"components": ["adult", "recovery"], "contract": terms,
            "funding": [{"source": "phg", "annual_amount": 1_000_000},
                        {"source": "datrig", "annual_amount": 300_000}]}


# rule id -> (model where it fires, model where it stays quiet)
CASES: dict[str, tuple] = {
    "core-service-missing": (
        lambda: build(ADULT, ADULT_PATHS, required=["adult_treatment", "inpatient_detox"]),
        lambda: build(ADULT, ADULT_PATHS, required=["adult_treatment", "recovery_service"])),
    "cohort-no-treatment": (
        # Alcohol-only clients are sent through a hub that does not serve them.
        lambda: build([comp("self:self_referral", cohorts=["alcohol"]),
                       comp("hub:access_hub", cohorts=["adults"]),
                       comp("adult:adult_treatment", cohorts=["adults", "alcohol"])],
                      ["self>hub", "hub>adult"]),
        lambda: build([comp("self:self_referral", cohorts=["alcohol"]),
                       comp("hub:access_hub", cohorts=["adults", "alcohol"]),
                       comp("adult:adult_treatment", cohorts=["adults", "alcohol"])],
                      ["self>hub", "hub>adult"])),
    "cohort-no-recovery": (
        lambda: build([comp("self:self_referral", cohorts=["adults"]),
                       comp("adult:adult_treatment", cohorts=["adults"]),
                       comp("recovery:recovery_service", cohorts=["families"])],
                      ["self>adult", "adult>recovery"]),
        lambda: build(ADULT, ADULT_PATHS)),
    "yp-no-transition": (
        lambda: build(["yref:young_people_referral", "yp:young_peoples_treatment",
                       "rec:recovery_service", *ADULT], ["yref>yp", "yp>rec", *ADULT_PATHS]),
        lambda: build(["yref:young_people_referral", "yp:young_peoples_treatment",
                       "rec:recovery_service", *ADULT],
                      ["yref>yp", "yp>rec", "yp>adult", *ADULT_PATHS])),
    "prison-no-continuity": (
        lambda: build(["prison:prison_release", "rehab:residential_rehab", *ADULT],
                      ["prison>rehab", "adult>rehab", "rehab>recovery", *ADULT_PATHS]),
        lambda: build(["prison:prison_release", "rehab:residential_rehab", *ADULT],
                      ["prison>adult", "adult>rehab", "rehab>recovery", *ADULT_PATHS])),
    "cj-route-no-cj-service": (
        lambda: build(["custody:custody_court_referral", "cj:criminal_justice_treatment",
                       *ADULT], ["custody>adult", "self>cj", "cj>recovery", *ADULT_PATHS]),
        lambda: build(["custody:custody_court_referral", "cj:criminal_justice_treatment",
                       *ADULT], ["custody>cj", "cj>adult", *ADULT_PATHS])),
    "tier4-no-access": (
        lambda: build(["detox:inpatient_detox", *ADULT], ["self>detox", "detox>recovery",
                                                          *ADULT_PATHS]),
        lambda: build(["detox:inpatient_detox", *ADULT], ["adult>detox", "detox>recovery",
                                                          *ADULT_PATHS])),
    "tier4-no-aftercare": (
        lambda: build(["detox:inpatient_detox", "out:exit", *ADULT],
                      ["adult>detox", "detox>out", *ADULT_PATHS]),
        lambda: build(["detox:inpatient_detox", "out:exit", *ADULT],
                      ["adult>detox", "detox>out", "detox>recovery", *ADULT_PATHS])),
    "recovery-not-open": (
        lambda: build(ADULT, ["self>adult", "adult>recovery"]),
        lambda: build(ADULT, ADULT_PATHS)),
    "harm-reduction-gated": (
        lambda: build(["harm:harm_reduction", "hub:access_hub", *ADULT],
                      ["self>hub", "hub>adult", "adult>harm", "harm>recovery", *ADULT_PATHS]),
        lambda: build(["harm:harm_reduction", "hub:access_hub", *ADULT],
                      ["self>hub", "hub>adult", "hub>harm", "harm>recovery", *ADULT_PATHS])),
    "unreachable-component": (
        lambda: build(["rehab:residential_rehab", *ADULT], ["rehab>adult", *ADULT_PATHS]),
        lambda: build(["rehab:residential_rehab", *ADULT], ["adult>rehab", "rehab>recovery",
                                                            *ADULT_PATHS])),
    "dead-end": (
        lambda: build(["shared:shared_care", *ADULT], ["adult>shared", *ADULT_PATHS]),
        lambda: build(["shared:shared_care", *ADULT], ["adult>shared", "shared>recovery",
                                                       *ADULT_PATHS])),
    "isolated-component": (
        lambda: build(["family:family_support", *ADULT], ADULT_PATHS),
        lambda: build(["family:family_support", *ADULT], ["self>family", *ADULT_PATHS])),
    # Demand and capacity rules (models.flow).
    "shares-over-100": (
        lambda: build(ADULT, ["self>adult", "adult>recovery@80", "self>recovery",
                              "adult>self@40"]),
        lambda: build(ADULT, ["self>adult", "adult>recovery@80", "self>recovery",
                              "adult>self@20"])),
    "flow-loop": (
        # Recovery sends everyone back to treatment and treatment everyone on to recovery.
        lambda: build([comp("self:self_referral", annual_referrals=100), *ADULT[1:]],
                      ["self>adult", "adult>recovery", "recovery>adult"]),
        lambda: build([comp("self:self_referral", annual_referrals=100), *ADULT[1:],
                       "done:exit"],
                      ["self>adult", "adult>recovery", "recovery>adult@20",
                       "recovery>done@80"])),
    "capacity-below-demand": (
        lambda: build([comp("self:self_referral", annual_referrals=1000),
                       comp("adult:adult_treatment", cohorts=["adults"], capacity=400),
                       ADULT[2]], ADULT_PATHS),
        lambda: build([comp("self:self_referral", annual_referrals=1000),
                       comp("adult:adult_treatment", cohorts=["adults"], capacity=500),
                       ADULT[2]], ADULT_PATHS)),
    "demand-unknown": (
        lambda: build([comp("self:self_referral", annual_referrals=1000), "gp:gp_referral",
                       *ADULT[1:]], ["gp>adult", *ADULT_PATHS]),
        lambda: build([comp("self:self_referral", annual_referrals=1000),
                       comp("gp:gp_referral", annual_referrals=300), *ADULT[1:]],
                      ["gp>adult", *ADULT_PATHS])),
    # Lot rules.
    "unassigned-component": (
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult"]}),
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult", "recovery"]})),
    "component-in-several-lots": (
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult", "recovery"],
                                                "lot-2": ["recovery"]}),
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult"], "lot-2": ["recovery"]})),
    "lot-code-duplicate": (
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": {"components": ["adult"], "code": "L1"},
                                                "lot-2": {"components": ["recovery"],
                                                          "code": "l1"}}),
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": {"components": ["adult"], "code": "L1"},
                                                "lot-2": {"components": ["recovery"],
                                                          "code": "L2"}})),
    "lot-empty": (
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult", "recovery"], "lot-2": []}),
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult", "recovery"]})),
    "lot-disconnected": (
        lambda: build(["detox:inpatient_detox", *ADULT],
                      ["adult>detox", "detox>recovery", *ADULT_PATHS],
                      lots={"lot-1": ["adult", "recovery"], "lot-2": ["detox", "self"]}),
        lambda: build(["detox:inpatient_detox", *ADULT],
                      ["adult>detox", "detox>recovery", *ADULT_PATHS],
                      lots={"lot-1": ["adult", "recovery", "detox"]})),
    "cross-lot-handoff": (
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult"], "lot-2": ["recovery"]}),
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult", "recovery"]})),
    "nhs-component-in-lot": (
        lambda: build(["act:alcohol_care_team", *ADULT], ["self>act", "act>adult", *ADULT_PATHS],
                      lots={"lot-1": ["adult", "recovery", "act"]}),
        lambda: build(["act:alcohol_care_team", *ADULT], ["self>act", "act>adult", *ADULT_PATHS],
                      lots={"lot-1": ["adult", "recovery"]})),
    "contract-invalid": (
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": contract_lot(quality_weight=70,
                                                                      price_weight=20)}),
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": contract_lot(quality_weight=70,
                                                                      price_weight=30)})),
    "lot-underfunded": (
        lambda: build([*ADULT[:1], comp("adult:adult_treatment", estimated_annual_cost=2_000_000),
                       *ADULT[2:]], ADULT_PATHS,
                      lots={"lot-1": contract_lot(annual_value=1_500_000)}),
        lambda: build([*ADULT[:1], comp("adult:adult_treatment", estimated_annual_cost=2_000_000),
                       *ADULT[2:]], ADULT_PATHS,
                      lots={"lot-1": contract_lot(annual_value=2_000_000)})),
    "funding-shortfall": (
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": contract_lot(annual_value=1_500_000)},
                      funding=[{"id": "phg", "name": "Public health grant",
                                "annual_amount": 1_000_000}]),
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": contract_lot(annual_value=1_000_000)},
                      funding=[{"id": "phg", "name": "Public health grant",
                                "annual_amount": 1_000_000}])),
    "restricted-funding-mismatch": (
        lambda: build(["cj:criminal_justice_treatment", *ADULT],
                      ["self>cj", "cj>adult", *ADULT_PATHS],
                      lots={"lot-1": {"components": ["adult", "recovery"],
                                      "funding": [{"source": "pcc", "annual_amount": 100_000}]},
                            "lot-2": ["cj"]},
                      funding=[{"id": "pcc", "name": "PCC contribution",
                                "annual_amount": 100_000,
                                "restricted_cohorts": ["criminal_justice"]}]),
        lambda: build(["cj:criminal_justice_treatment", *ADULT],
                      ["self>cj", "cj>adult", *ADULT_PATHS],
                      lots={"lot-1": ["adult", "recovery"],
                            "lot-2": {"components": ["cj"],
                                      "funding": [{"source": "pcc", "annual_amount": 100_000}]}},
                      funding=[{"id": "pcc", "name": "PCC contribution",
                                "annual_amount": 100_000,
                                "restricted_cohorts": ["criminal_justice"]}])),
    "funding-overallocated": (
        lambda: build(ADULT, ADULT_PATHS,
                      lots={"lot-1": {"components": ["adult", "recovery"],
                                      "funding": [{"source": "phg", "annual_amount": 1_200_000}]}},
                      funding=[{"id": "phg", "name": "Public health grant",
                                "annual_amount": 1_000_000}]),
        lambda: build(ADULT, ADULT_PATHS,
                      lots={"lot-1": {"components": ["adult", "recovery"],
                                      "funding": [{"source": "phg", "annual_amount": 1_000_000}]}},
                      funding=[{"id": "phg", "name": "Public health grant",
                                "annual_amount": 1_000_000}])),
    "harm-reduction-missing": (
        lambda: build(ADULT, ADULT_PATHS),
        # Pharmacy needle exchange bought separately: in the model, not procured in these lots.
        lambda: build([comp("nsp:harm_reduction", procured=False), *ADULT],
                      ["self>nsp", "nsp>adult", *ADULT_PATHS])),
    "non-recurrent-funding": (
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": GRANT_LOT(initial_term_years=5)},
                      funding=GRANT_FUNDING),
        lambda: build(ADULT, ADULT_PATHS, lots={"lot-1": GRANT_LOT(initial_term_years=1)},
                      funding=GRANT_FUNDING)),
    "locality-gap": (
        lambda: build([*ADULT[:1], comp("adult:adult_treatment", localities=["Blaby"]),
                       *ADULT[2:]], ADULT_PATHS, required=["adult_treatment"],
                      localities=["Blaby", "Melton"]),
        lambda: build([*ADULT[:1], comp("adult:adult_treatment", localities=["Blaby", "Melton"]),
                       *ADULT[2:]], ADULT_PATHS, required=["adult_treatment"],
                      localities=["Blaby", "Melton"])),
}


# The procurement rules' cases live beside their other tests.
from test_procurement import CASES as PROCUREMENT_CASES  # noqa: E402

CASES.update(PROCUREMENT_CASES)


def test_every_rule_has_a_case():
    assert set(CASES) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_fires(rule):
    findings = fired(CASES[rule][0](), rule)
    assert findings, f"{rule} did not fire"
    for f in findings:
        assert f.severity == RULES_BY_ID[rule].severity


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_stays_quiet(rule):
    assert fired(CASES[rule][1](), rule) == []


@pytest.mark.parametrize("rule", sorted(CASES))
def test_findings_speak_a_commissioners_language(rule):
    model = CASES[rule][0]()
    ids = {c.id for c in model.components}
    lot_ids = {lot.id for lot in model.plan().lots}
    for f in fired(model, rule):
        assert "c-" not in f.message, f"an id leaked into: {f.message}"
        assert f.message[0].isupper() or f.message[0].isdigit() and f.message.endswith(".")
        assert "\n" not in f.message and f.fix
        assert set(f.components) <= ids
        assert f.lot is None or f.lot in lot_ids
        assert f.severity in SEVERITIES


# --- details that the fire/quiet pairs do not pin ------------------------------------------

def test_every_finding_about_a_component_names_it():
    model = CASES["dead-end"][0]()
    (finding,) = fired(model, "dead-end")
    assert finding.components == ("c-shared",)
    assert "Shared" in finding.message


def test_families_reach_treatment_through_family_support():
    # Families are not treated themselves: their treatment is family support.
    route = comp("self:self_referral", cohorts=["families"])
    assert fired(build([route, comp("family:family_support")], ["self>family"]),
                 "cohort-no-treatment") == []
    assert fired(build([route, comp("adult:adult_treatment", cohorts=["adults", "families"])],
                       ["self>adult"]), "cohort-no-treatment")


def test_isolated_route_is_reported_once_not_as_every_gap():
    model = build(["self:self_referral", *ADULT[1:]], ["adult>recovery"])
    rules = {f.rule for f in run_checks(model) if "c-self" in f.components}
    assert rules == {"isolated-component"}


def test_young_people_kept_to_25_need_no_transition():
    model = build(["yref:young_people_referral",
                   comp("yp:young_peoples_treatment", upper_age=25), "rec:recovery_service"],
                  ["yref>yp", "yp>rec"])
    assert fired(model, "yp-no-transition") == []


def test_recovery_stage_services_may_be_the_end_of_the_road():
    model = build(ADULT, ADULT_PATHS)
    assert fired(model, "dead-end") == []


def test_tier4_onward_route_through_an_exit_does_not_count_as_aftercare():
    (finding,) = fired(CASES["tier4-no-aftercare"][0](), "tier4-no-aftercare")
    assert finding.components == ("c-detox",)


def test_rehab_after_detox_is_aftercare():
    model = build(["detox:inpatient_detox", "rehab:residential_rehab", *ADULT],
                  ["adult>detox", "detox>rehab", "rehab>recovery", "adult>rehab", *ADULT_PATHS])
    assert fired(model, "tier4-no-aftercare") == []


def test_harm_reduction_nobody_reaches_is_unreachable_not_gated():
    model = build(["harm:harm_reduction", *ADULT], ["harm>recovery", *ADULT_PATHS])
    assert fired(model, "harm-reduction-gated") == []
    assert fired(model, "unreachable-component")


@pytest.mark.parametrize("terms, words", [
    ({"quality_weight": 70, "price_weight": 20}, "add to 90, not 100"),
    ({"quality_weight": 60, "price_weight": 30, "social_value_weight": 20}, "add to 110"),
    ({"initial_term_years": 3, "break_clause_years": 3}, "break clause (3 years)"),
    ({"initial_term_years": 3, "break_clause_years": 5}, "not before the end"),
    ({"annual_value": -100}, "annual value is negative"),
])
def test_contract_invalid_says_what_is_wrong(terms, words):
    model = build(ADULT, ADULT_PATHS, lots={"lot-1": contract_lot(**terms)})
    (finding,) = fired(model, "contract-invalid")
    assert words in finding.message and finding.lot == "lot-1"


@pytest.mark.parametrize("terms", [
    {},  # nothing filled in yet
    {"quality_weight": 100},  # 100% quality against a fixed price
    {"quality_weight": 70, "price_weight": 30, "initial_term_years": 3,
     "extensions_years": [1, 1], "break_clause_years": 2, "annual_value": 0},
    {"quality_weight": 60, "price_weight": 30, "social_value_weight": 10},
])
def test_contract_terms_that_are_valid_or_not_yet_set(terms):
    model = build(ADULT, ADULT_PATHS, lots={"lot-1": contract_lot(**terms)})
    assert fired(model, "contract-invalid") == []


def test_money_rules_judge_only_what_is_filled_in():
    # Costs and values not set: no lot-underfunded, no funding-shortfall.
    model = build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult", "recovery"]},
                  funding=[{"id": "phg", "name": "Public health grant"}])
    rules = {f.rule for f in run_checks(model)}
    assert not rules & {"lot-underfunded", "funding-shortfall", "funding-overallocated"}


def test_lot_underfunded_counts_a_component_once():
    model = build([*ADULT[:1], comp("adult:adult_treatment", estimated_annual_cost=1_000_000),
                   *ADULT[2:]], ADULT_PATHS,
                  lots={"lot-1": {"components": ["adult", "adult", "recovery"],
                                  "contract": {"annual_value": 1_000_000}}})
    assert fired(model, "lot-underfunded") == []


def test_cross_lot_handoff_counts_pathways_per_pair_of_lots():
    model = build(["detox:inpatient_detox", *ADULT],
                  ["adult>detox", "detox>recovery", *ADULT_PATHS],
                  lots={"lot-1": ["adult"], "lot-2": ["detox", "recovery"]})
    (finding,) = fired(model, "cross-lot-handoff")
    assert finding.message.startswith("2 pathways cross between Lot 1 and Lot 2")
    assert set(finding.components) == {"c-adult", "c-detox", "c-recovery"}


def test_unassigned_skips_services_kept_in_house_or_commissioned_by_others():
    model = build([*ADULT[:2], comp("recovery:recovery_service", procured=False),
                   comp("emp:employment_support")],  # IPS: commissioned by "other"
                  [*ADULT_PATHS, "recovery>emp"], lots={"lot-1": ["adult"]})
    assert fired(model, "unassigned-component") == []


def test_lot_rules_wait_until_the_plan_has_lots():
    model = build(ADULT, ADULT_PATHS)
    assert not any(RULES_BY_ID[f.rule].lot_rule for f in run_checks(model))


def test_locality_gap_counts_a_lot_plans_extra_localities():
    model = build([*ADULT[:1], comp("adult:adult_treatment", localities=["Blaby"]), *ADULT[2:]],
                  ADULT_PATHS, required=["adult_treatment"], localities=["Blaby"],
                  plan_localities=["Rutland"])
    (finding,) = fired(model, "locality-gap")
    assert finding.message.startswith("Rutland has no physical base, satellite or outreach for "
                                    "adult treatment")


def test_locality_gap_waits_until_bases_are_recorded():
    model = build(ADULT, ADULT_PATHS, required=["adult_treatment"], localities=["Blaby"])
    assert fired(model, "locality-gap") == []


def test_findings_are_ordered_errors_first():
    model = build(["prison:prison_release", "detox:inpatient_detox", *ADULT],
                  ["prison>detox", "detox>recovery", "self>adult", "adult>detox"],
                  lots={"lot-1": ["adult"], "lot-2": ["detox"]})
    order = [SEVERITIES.index(f.severity) for f in run_checks(model)]
    assert order == sorted(order) and 0 in order and 2 in order


def test_checks_judge_the_plan_asked_for():
    model = build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult"], "lot-2": ["recovery"]})
    model.lot_plans.append(model.lot_plans[0].model_copy(update={"id": "other", "lots": []}))
    assert any(f.rule == "cross-lot-handoff" for f in run_checks(model))
    assert not any(f.rule == "cross-lot-handoff" for f in run_checks(model, "other"))


# --- rules as a commissioner judges them (issue 20) -----------------------------------------

def test_families_not_reaching_family_support_is_a_warning_not_an_error():
    route = comp("self:self_referral", cohorts=["families", "alcohol"])
    model = build([route, comp("adult:adult_treatment", cohorts=["adults", "families"])],
                  ["self>adult"])
    findings = fired(model, "cohort-no-treatment")
    assert {(f.severity, "family support" in f.message) for f in findings} == {
        ("error", False), ("warning", True)}
    assert [f.message for f in findings if f.severity == "error"] == [
        "People in the alcohol only cohort referred through Self cannot reach a treatment "
        "service that serves them."]


def test_harm_reduction_missing_waits_for_a_service():
    model = build(["self:self_referral"], [])
    assert fired(model, "harm-reduction-missing") == []


def test_locality_gap_leaves_out_tier4():
    model = build([*ADULT, comp("detox:inpatient_detox", localities=["Blaby"])],
                  [*ADULT_PATHS, "adult>detox", "detox>recovery"],
                  required=["inpatient_detox"], localities=["Blaby", "Melton"])
    assert fired(model, "locality-gap") == []


@pytest.mark.parametrize("kind", ["engagement_outreach", "shared_care"])
def test_outreach_and_pharmacies_count_as_presence_for_community_treatment(kind):
    model = build([*ADULT[:1], comp("adult:adult_treatment", localities=["Blaby"]), *ADULT[2:],
                   comp(f"there:{kind}", localities=["Melton"])],
                  [*ADULT_PATHS, "adult>there", "there>recovery"],
                  required=["adult_treatment"], localities=["Blaby", "Melton"])
    assert fired(model, "locality-gap") == []


def test_nhs_component_in_lot_suggests_a_written_agreement():
    (finding,) = fired(CASES["nhs-component-in-lot"][0](), "nhs-component-in-lot")
    assert "section 75" in finding.fix and "ICB" in finding.fix


def test_lot_underfunded_says_it_uses_the_commissioners_estimates():
    (finding,) = fired(CASES["lot-underfunded"][0](), "lot-underfunded")
    assert "the model's own estimates" in finding.message


CJ_MONEY = [{"id": "pcc", "name": "PCC contribution", "annual_amount": 100_000,
             "restricted_cohorts": ["criminal_justice"]}]


def cj_model(lots, cj_cost=None):
    adult = comp("adult:adult_treatment", cohorts=["adults", "criminal_justice"])
    cj = comp("cj:criminal_justice_treatment", estimated_annual_cost=cj_cost)
    return build(["self:self_referral", adult, "recovery:recovery_service", cj],
                 ["self>cj", "cj>adult", *ADULT_PATHS], lots=lots, funding=CJ_MONEY)


def test_restricted_money_pays_for_the_cohorts_own_service_not_adult_treatment():
    # Adult treatment serves criminal justice clients too, but PCC money pays for the
    # criminal justice service, which is in the other lot.
    model = cj_model({"lot-1": {"components": ["adult", "recovery"],
                                "funding": [{"source": "pcc", "annual_amount": 100_000}]},
                      "lot-2": ["cj"]})
    (finding,) = fired(model, "restricted-funding-mismatch")
    assert finding.lot == "lot-1" and "has no service for them" in finding.message


def test_restricted_money_beyond_what_the_cohorts_services_cost():
    model = cj_model({"lot-1": {"components": ["adult", "recovery", "cj"],
                                "funding": [{"source": "pcc", "annual_amount": 100_000}]}},
                     cj_cost=60_000)
    (finding,) = fired(model, "restricted-funding-mismatch")
    assert finding.components == ("c-cj",) and "£60,000" in finding.message
    model = cj_model({"lot-1": {"components": ["adult", "recovery", "cj"],
                                "funding": [{"source": "pcc", "annual_amount": 100_000}]}},
                     cj_cost=150_000)
    assert fired(model, "restricted-funding-mismatch") == []


def test_non_recurrent_funding_waits_for_a_term_and_ignores_recurrent_money():
    model = build(ADULT, ADULT_PATHS, lots={"lot-1": GRANT_LOT()}, funding=GRANT_FUNDING)
    assert fired(model, "non-recurrent-funding") == []
    recurrent = [dict(f, recurrent=True) for f in GRANT_FUNDING]
    model = build(ADULT, ADULT_PATHS, lots={"lot-1": GRANT_LOT(initial_term_years=5)},
                  funding=recurrent)
    assert fired(model, "non-recurrent-funding") == []
    (finding,) = fired(CASES["non-recurrent-funding"][0](), "non-recurrent-funding")
    assert "5-year contract" in finding.message and "£300,000" in finding.message


def test_non_opiate_is_a_cohort():
    model = build([comp("self:self_referral", cohorts=["non_opiate"]),
                   comp("adult:adult_treatment", cohorts=["adults"])], ["self>adult"])
    (finding,) = fired(model, "cohort-no-treatment")
    assert "non-opiate drug users" in finding.message
