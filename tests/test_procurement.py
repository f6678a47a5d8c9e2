"""Procurement rules (models.procurement): routes by regime and date, PSR key criteria, whole-life
value, partners' money per plan, the timeline and standstill, incumbency. Each rule fires on a
small model and stays quiet once the fault is put right; impossible dates are refused at load
with their key path."""

from __future__ import annotations

import json
from datetime import date

import pytest

from models import procurement as proc
from models.checks import run_checks
from models.errors import ModelFileError
from models.fileio import parse_model


def model(plan: dict | None = None, lot: dict | None = None, **top) -> dict:
    contract = {"procurement_route": "competitive_process", "start_date": "2025-04-01",
                "initial_term_years": 3, "extensions_years": [1, 1], "annual_value": 1000000}
    contract.update((lot or {}).pop("contract", {}) if lot else {})
    the_lot = {"id": "l1", "name": "Treatment", "components": ["adult"], "contract": contract,
               **(lot or {})}
    the_plan = {"id": "p", "name": "Option A", "lots": [the_lot], **(plan or {})}
    return {"format": "service-model", "version": 2, "authority": "Luton Borough Council",
            "components": [{"id": "self", "kind": "self_referral", "name": "Self"},
                           {"id": "adult", "kind": "adult_treatment", "name": "Adult treatment"}],
            "pathways": [{"source": "self", "target": "adult"}],
            "lot_plans": [the_plan], "active_plan": "p", **top}


def load(raw: dict):
    return parse_model(json.dumps(raw).encode())


def rules(raw: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in run_checks(load(raw)):
        out.setdefault(f.rule, []).append(f.message)
    return out


PSR5 = {"quality_innovation": 40, "value": 20, "integration_collaboration": 15,
        "access_inequalities_choice": 15, "social_value": 10}


def test_psr_route_before_2024_fires_and_pcr_then_is_quiet():
    early = {"contract": {"start_date": "2022-04-01", "psr_criteria": PSR5}}
    assert "route-not-in-force" in rules(model(lot=early))
    pcr = {"contract": {"start_date": "2022-04-01", "procurement_route": "pcr_2015_light_touch"}}
    assert "route-not-in-force" not in rules(model(lot=pcr))


def test_route_judged_on_the_first_procurement_milestone():
    # Luton's first tender: advertised under the PCR in 2023 for a contract starting in 2024.
    lot = {"contract": {"start_date": "2024-04-01", "procurement_route": "pcr_2015_light_touch"}}
    assert "route-not-in-force" in rules(model(lot=json.loads(json.dumps(lot))))
    plan = {"timeline": [{"stage": "notice", "date": "2023-09-01"}]}
    assert "route-not-in-force" not in rules(model(plan=plan, lot=lot))


def test_procurement_act_only_from_24_february_2025():
    def fired(start):
        return "route-not-in-force" in rules(model(lot={"contract": {
            "procurement_route": "pa23_open", "start_date": start}}))
    assert fired("2025-02-23") and not fired("2025-02-24")


def test_routes_without_a_date_of_their_own_are_quiet():
    for route in ("framework_call_off", "dps_spot_purchase", "grant_agreement", "section_75"):
        lot = {"contract": {"procurement_route": route, "start_date": "2010-01-01"}}
        assert "route-not-in-force" not in rules(model(lot=lot))


def test_psr_criteria_must_add_to_100_and_be_there():
    bad = dict(PSR5, social_value=5)
    found = rules(model(lot={"contract": {"psr_criteria": bad}}))
    assert "add to 95, not 100" in found["criteria-not-100"][0]
    assert "criteria-not-100" not in rules(model(lot={"contract": {"psr_criteria": PSR5}}))
    assert "psr-criteria-missing" in rules(model())
    assert "psr-criteria-missing" not in rules(model(lot={"contract": {"psr_criteria": PSR5}}))
    # Direct award A goes to the existing provider: no criteria to weigh.
    direct = {"contract": {"procurement_route": "direct_award_a"}}
    assert "psr-criteria-missing" not in rules(model(lot=direct))


def test_whole_life_value_takes_every_extension():
    m = load(model())
    lot = m.plan().lots[0]
    assert proc.whole_life_value(lot) == 5_000_000
    assert proc.plan_whole_life_value(m.plan()) == 5_000_000
    no_term = load(model(lot={"contract": {"initial_term_years": None}}))
    assert proc.whole_life_value(no_term.plan().lots[0]) is None


def test_timeline_out_of_order_fires_and_in_order_is_quiet():
    backwards = {"timeline": [{"stage": "award", "date": "2024-10-01"},
                              {"stage": "bids_due", "date": "2024-11-01"}]}
    found = rules(model(plan=backwards))
    assert "Bids due (1 November 2024) comes before" not in found["timeline-out-of-order"][0]
    assert "Award decision (1 October 2024)" in found["timeline-out-of-order"][0]
    forwards = {"timeline": [{"stage": "bids_due", "date": "2024-09-01"},
                             {"stage": "award", "date": "2024-10-01"},
                             {"stage": "other", "date": "2020-01-01", "label": "Anything"}]}
    assert "timeline-out-of-order" not in rules(model(plan=forwards))


def test_mobilisation_too_short_fires_and_enough_is_quiet():
    def plan(award):
        return {"mobilisation_months": 3,
                "timeline": [{"stage": "award", "date": award},
                             {"stage": "start", "date": "2025-04-01"}]}
    assert "needs 3 months" in rules(model(plan=plan("2025-02-01")))["mobilisation-too-short"][0]
    assert "mobilisation-too-short" not in rules(model(plan=plan("2024-12-01")))


def test_psr_standstill_is_8_working_days():
    assert proc.add_working_days(date(2024, 12, 6), 8) == date(2024, 12, 18)  # a Friday

    def plan(start):
        return {"timeline": [{"stage": "award", "date": "2024-12-06"},
                             {"stage": "start", "date": start}]}
    assert "standstill-too-short" in rules(model(plan=plan("2024-12-17")))
    assert "standstill-too-short" not in rules(model(plan=plan("2024-12-18")))
    # The pack's timeline shows the worked-out end when the plan does not give it.
    rows = proc.timeline_rows(load(model(plan=plan("2025-04-01"))).plan())
    assert (date(2024, 12, 18), "PSR standstill ends (earliest contract date)") in \
        [(d, name) for d, name, _ in rows]
    # Not for a PCR tender.
    pcr = {"contract": {"procurement_route": "pcr_2015_light_touch", "start_date": "2023-04-01"}}
    assert "standstill-too-short" not in rules(model(plan=plan("2024-12-17"), lot=pcr))


def test_partner_money_belongs_to_the_plans_it_names():
    raw = model(funding_sources=[
        {"id": "phg", "name": "Public health grant", "annual_amount": 600000},
        {"id": "city", "name": "City contribution", "annual_amount": 300000,
         "partner": "Leicester City Council", "plans": ["joint"]},
        {"id": "pcc", "name": "PCC", "annual_amount": 100000, "partner": "PCC",
         "plans": ["joint", "gone"]}])
    raw["lot_plans"].append({"id": "joint", "name": "Joint", "lots": [
        {"id": "j", "name": "Joint", "components": ["adult"],
         "contract": {"annual_value": 1000000}}]})
    m = load(raw)
    alone, joint = m.lot_plans
    assert [f.id for f in proc.plan_sources(m, alone)] == ["phg"]
    assert proc.partner_shares(m, joint) == [("Luton Borough Council", 600000, 60.0),
                                              ("Leicester City Council", 300000, 30.0),
                                              ("PCC", 100000, 10.0)]
    # The county alone cannot count the City's money: worth 1m, funded 600k.
    assert "funding-shortfall" in rules(raw)
    raw["active_plan"] = "joint"
    assert "funding-shortfall" not in rules(raw)


def test_do_nothing_plan_needs_an_extendable_contract():
    raw = model(plan={"extends_current": True})
    raw["components"][1].update(current_provider="CGL", current_contract_end="2025-03-31",
                                current_contract_extendable=False)
    assert "CGL cannot be extended" in rules(raw)["extension-not-available"][0]
    raw["components"][1]["current_contract_extendable"] = True
    assert "extension-not-available" not in rules(raw)


def test_service_gap_when_the_current_contract_ends_early():
    raw = model()
    raw["components"][1].update(current_contract_end="2024-12-31")
    assert "service-gap" in rules(raw)
    raw["components"][1].update(current_contract_end="2025-03-31")
    assert "service-gap" not in rules(raw)


def test_top_risks_by_score():
    plan = {"risks": [{"risk": "TUPE", "likelihood": 2, "impact": 2},
                      {"risk": "No bids", "likelihood": 4, "impact": 5},
                      {"risk": "Unscored"}]}
    assert [r.risk for r in proc.top_risks(load(model(plan=plan)).plan(), 2)] == \
        ["No bids", "TUPE"]


@pytest.mark.parametrize("where, edit", [
    ("lot_plans[0].timeline[0].date",
     lambda r: r["lot_plans"][0].update(timeline=[{"stage": "award", "date": "2024-02-30"}])),
    ("lot_plans[0].engagement[0].date",
     lambda r: r["lot_plans"][0].update(engagement=[{"date": "2024-13-01", "who": "CGL"}])),
    ("components[1].current_contract_end",
     lambda r: r["components"][1].update(current_contract_end="2025-04-31")),
    ("lot_plans[0].risks[0].likelihood",
     lambda r: r["lot_plans"][0].update(risks=[{"risk": "No bids", "likelihood": 6}])),
])
def test_impossible_values_refused_with_their_key_path(where, edit):
    raw = model()
    edit(raw)
    with pytest.raises(ModelFileError) as caught:
        load(raw)
    assert where in str(caught.value)


def test_files_without_procurement_keys_load_as_before():
    m = load(model())
    assert m.plan().timeline == [] and m.plan().risks == [] and not m.plan().extends_current
    assert m.funding_sources == [] and m.components[1].current_provider == ""


def _case(fire: dict, quiet: dict):
    return (lambda: load(fire), lambda: load(quiet))


def _incumbent(raw: dict, **facts) -> dict:
    raw["components"][1].update(facts)
    return raw


_AWARD_START = [{"stage": "award", "date": "2024-12-06"}, {"stage": "start", "date": "2025-04-01"}]
# One firing and one quiet model per procurement rule, run by tests/test_checks.py with the rest.
CASES = {
    "route-not-in-force": _case(
        model(lot={"contract": {"start_date": "2023-04-01", "psr_criteria": PSR5}}),
        model(lot={"contract": {"psr_criteria": PSR5}})),
    "criteria-not-100": _case(model(lot={"contract": {"psr_criteria": dict(PSR5, value=30)}}),
                              model(lot={"contract": {"psr_criteria": PSR5}})),
    "psr-criteria-missing": _case(model(), model(lot={"contract": {"psr_criteria": PSR5}})),
    "timeline-out-of-order": _case(
        model(plan={"timeline": _AWARD_START[::-1] + [{"stage": "award", "date": "2025-05-01"}]}),
        model(plan={"timeline": _AWARD_START})),
    "mobilisation-too-short": _case(model(plan={"timeline": _AWARD_START,
                                                "mobilisation_months": 6}),
                                    model(plan={"timeline": _AWARD_START,
                                                "mobilisation_months": 3})),
    "standstill-too-short": _case(
        model(plan={"timeline": [{"stage": "award", "date": "2024-12-06"},
                                 {"stage": "standstill", "date": "2024-12-10"}]}),
        model(plan={"timeline": [{"stage": "award", "date": "2024-12-06"},
                                 {"stage": "standstill", "date": "2024-12-18"}]})),
    "extension-not-available": _case(
        _incumbent(model(plan={"extends_current": True}), current_contract_extendable=False),
        _incumbent(model(plan={"extends_current": True}), current_contract_extendable=True)),
    "service-gap": _case(_incumbent(model(), current_contract_end="2024-06-30"),
                         _incumbent(model(), current_contract_end="2025-03-31")),
}


def test_diff_names_procurement_records():
    from models.diff import diff_models
    from models.templates import load_template

    a, b = load_template("luton"), load_template("luton")
    b.plan("two-lots").timeline[2].date = "2024-07-08"
    b.plan("two-lots").lots[0].contract.psr_criteria.value = 25
    (plan,) = diff_models(a, b).plans_changed
    assert 'added 2024-07-08 "Notice published (illustrative)"' in plan.changes[0].text
    (lot,) = plan.lots_changed
    assert "Value 25%" in lot.changes[0].new_text and "Value 20%" in lot.changes[0].old_text
