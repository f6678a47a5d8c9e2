"""Issue 16, the rules made cheaper at national size: the cases their shortcuts must still get
right (a component listed twice, in two lots, two sources for one cohort, gaps in file order,
aftercare two steps away) and the funding figures the same with or without the checks' index."""

from __future__ import annotations

from models.checks import run_checks
from models.funding import funding_position
from models.procurement import service_gaps
from test_checks import ADULT, ADULT_PATHS, CJ_MONEY, build, comp, fired


def test_a_component_listed_twice_in_one_lot_is_in_several_lots():
    model = build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult", "recovery", "adult"]})
    (finding,) = fired(model, "component-in-several-lots")
    assert finding.components == ("c-adult",) and finding.lot == "lot-1"
    assert fired(build(ADULT, ADULT_PATHS, lots={"lot-1": ["adult", "recovery"]}),
                 "component-in-several-lots") == []


def test_a_component_in_two_lots_hands_off_from_the_last_lot_listing_it():
    model = build(["detox:inpatient_detox", *ADULT], ["adult>detox", *ADULT_PATHS],
                  lots={"lot-1": ["adult", "recovery"], "lot-2": ["detox", "adult"]})
    (finding,) = fired(model, "cross-lot-handoff")
    # adult counts in lot 2: adult>detox stays inside it; adult>recovery crosses to lot 1.
    assert finding.message.startswith("1 pathway crosses between Lot 1 and Lot 2")
    assert finding.components == ("c-adult", "c-recovery") and finding.lot == "lot-1"


def test_handoffs_follow_the_order_of_the_pathways():
    model = build(["detox:inpatient_detox", *ADULT],
                  ["detox>recovery", "self>adult", "adult>detox", "adult>recovery"],
                  lots={"lot-1": ["adult"], "lot-2": ["detox"], "lot-3": ["recovery", "self"]})
    found = fired(model, "cross-lot-handoff")
    assert [f.message.split(";")[0] for f in found] == [
        "1 pathway crosses between Lot 2 and Lot 3",
        "2 pathways cross between Lot 1 and Lot 3",
        "1 pathway crosses between Lot 1 and Lot 2"]
    assert found[1].components == ("c-self", "c-adult", "c-recovery")
    assert [f.lot for f in found] == ["lot-2", "lot-1", "lot-1"]


def _incumbents(ends: dict[str, str], **extra) -> dict:
    return {name: comp(f"{name}:{kind}", current_contract_end=ends[name], **extra)
            for name, kind in (("adult", "adult_treatment"), ("recovery", "recovery_service"))}


def test_service_gaps_in_file_order_whatever_order_the_lots_list_them():
    made = _incumbents({"adult": "2024-01-31", "recovery": "2024-02-29"})
    model = build(["self:self_referral", made["adult"], made["recovery"]], ADULT_PATHS,
                  lots={"lot-1": {"components": ["recovery", "adult"],
                                  "contract": {"start_date": "2024-04-01"}}})
    found = fired(model, "service-gap")
    assert [f.components for f in found] == [("c-adult",), ("c-recovery",)]
    assert "ends on 31 January 2024 but the new service starts on 1 April 2024" \
        in found[0].message


def test_a_contract_ending_the_day_before_the_start_leaves_no_gap():
    made = _incumbents({"adult": "2024-03-31", "recovery": "2024-03-30"})
    model = build(["self:self_referral", made["adult"], made["recovery"]], ADULT_PATHS,
                  lots={"lot-1": {"components": ["adult", "recovery"],
                                  "contract": {"start_date": "2024-04-01"}}})
    assert [f.components for f in fired(model, "service-gap")] == [("c-recovery",)]


def test_an_extendable_contract_leaves_no_gap_and_the_last_date_is_no_crash():
    made = _incumbents({"adult": "2020-01-01", "recovery": "9999-12-31"})
    made["adult"]["current_contract_extendable"] = True
    model = build(["self:self_referral", made["adult"], made["recovery"]], ADULT_PATHS,
                  lots={"lot-1": {"components": ["adult", "recovery"],
                                  "contract": {"start_date": "2024-04-01"}}})
    assert fired(model, "service-gap") == []


def test_a_service_in_no_lot_of_the_plan_leaves_no_gap_in_it():
    made = _incumbents({"adult": "2020-01-01", "recovery": "2020-01-01"})
    model = build(["self:self_referral", made["adult"], made["recovery"]], ADULT_PATHS,
                  lots={"lot-1": {"components": ["recovery"],
                                  "contract": {"start_date": "2024-04-01"}}})
    expected = [("c-recovery", "Recovery's current contract ends on 1 January 2020 but the new "
                               "service starts on 1 April 2024")]
    assert service_gaps(model, model.plan()) == expected
    index = {c.id: c for c in model.components}
    assert service_gaps(model, model.plan(), index) == expected


def test_two_sources_for_one_cohort_in_a_lot_are_each_judged():
    adult = comp("adult:adult_treatment", cohorts=["adults", "criminal_justice"])
    cj = comp("cj:criminal_justice_treatment", estimated_annual_cost=50_000)
    money = [*CJ_MONEY, {"id": "moj", "name": "MoJ grant", "annual_amount": 80_000,
                         "restricted_cohorts": ["criminal_justice"]}]
    model = build(["self:self_referral", adult, "recovery:recovery_service", cj],
                  ["self>cj", "cj>adult", *ADULT_PATHS], funding=money,
                  lots={"lot-1": {"components": ["adult", "recovery", "cj"],
                                  "funding": [{"source": "pcc", "annual_amount": 100_000},
                                              {"source": "moj", "annual_amount": 60_000},
                                              {"source": "moj", "annual_amount": 20_000}]}})
    found = fired(model, "restricted-funding-mismatch")
    assert ["£100,000 a year of PCC" in found[0].message,
            "£80,000 a year of MoJ grant" in found[1].message] == [True, True]
    assert [f.components for f in found] == [("c-cj",), ("c-cj",)]


def test_without_a_service_of_the_cohorts_own_kind_any_member_serving_it_may_be_paid():
    adult = comp("adult:adult_treatment", cohorts=["adults", "criminal_justice"],
                 estimated_annual_cost=40_000)
    model = build(["self:self_referral", adult, ADULT[2]], ADULT_PATHS, funding=CJ_MONEY,
                  lots={"lot-1": {"components": ["recovery", "adult"],
                                  "funding": [{"source": "pcc", "annual_amount": 100_000}]}})
    (finding,) = fired(model, "restricted-funding-mismatch")
    assert finding.components == ("c-adult",) and "£40,000" in finding.message


def test_aftercare_two_steps_on_counts_and_none_at_all_does_not():
    two_steps = build([*ADULT, "detox:inpatient_detox", "hub:access_hub"],
                      [*ADULT_PATHS, "adult>detox", "detox>hub", "hub>recovery"])
    assert fired(two_steps, "tier4-no-aftercare") == []
    nowhere = build([*ADULT, "detox:inpatient_detox", "hub:access_hub"],
                    [*ADULT_PATHS, "adult>detox", "detox>hub"])
    assert [f.components for f in fired(nowhere, "tier4-no-aftercare")] == [("c-detox",)]


def test_ends_of_the_line_each_found_once_in_file_order():
    model = build([*ADULT, "hub:access_hub", "lone:harm_reduction", "out:exit",
                   "alone:adult_treatment"],
                  [*ADULT_PATHS, "self>hub", "adult>out"])
    assert [f.components for f in fired(model, "dead-end")] == [("c-hub",)]  # recovery: fine
    assert [f.components for f in fired(model, "isolated-component")] == [("c-lone",),
                                                                          ("c-alone",)]
    assert fired(model, "unreachable-component") == []  # isolated, said once


def test_unassigned_services_in_file_order():
    model = build(["self:self_referral", "hub:access_hub", *ADULT[1:]],
                  ["self>hub", "hub>adult", "adult>recovery"], lots={"lot-1": ["adult"]})
    assert [f.components for f in fired(model, "unassigned-component")] == [("c-hub",),
                                                                            ("c-recovery",)]


def test_funding_position_is_the_same_with_the_checks_index():
    adult = comp("adult:adult_treatment", estimated_annual_cost=1_250_000.5)
    model = build(["self:self_referral", adult, "recovery:recovery_service"], ADULT_PATHS,
                  funding=[{"id": "phg", "name": "Public health grant",
                            "annual_amount": 1_000_000}],
                  lots={"lot-1": {"components": ["adult", "adult", "recovery"],
                                  "contract": {"annual_value": 1_000_000},
                                  "funding": [{"source": "phg", "annual_amount": 900_000}]}})
    index = {c.id: c for c in model.components}
    assert funding_position(model, "plan", index) == funding_position(model, "plan")
    (lot,) = funding_position(model, "plan", index).lots
    assert lot.cost == 1_250_000.5 and lot.allocated == 900_000
    assert [f.rule for f in run_checks(model) if f.rule == "lot-underfunded"] == \
        ["lot-underfunded"]
