"""Comparing two versions of a model: models.diff and `python main.py diff`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import (Component, FundingSource, Kpi, Pathway, Position, parse_model, serialise,
                    write_model)
from models.diff import diff_models
from models.fileio import with_revision
from models.templates import load_template

ROOT = Path(__file__).resolve().parent.parent


def edited(model, edit):
    """A copy of `model` changed by `edit(copy)`, validated like a saved and reopened file."""
    copy = model.model_copy(deep=True)
    edit(copy)
    return parse_model(serialise(copy))


@pytest.fixture(scope="module")
def luton():
    return load_template("luton")


def test_same_model_is_empty_even_with_a_longer_revision_log(luton):
    later = with_revision(luton, author="A. Colleague", summary="no real change")
    diff = diff_models(luton, later)
    assert diff.is_empty
    assert diff.to_json()["same"] is True
    assert "No differences" in diff.to_text()


def test_components_added_removed_and_changed_field_by_field(luton):
    gone = luton.components[3]

    def edit(m):
        m.components[1].name = "GP and primary care"
        m.components[1].estimated_annual_cost = 12345.0
        m.components[1].cohorts.append("families")
        m.components.remove(m.component(gone.id))
        m.pathways = [p for p in m.pathways if gone.id not in (p.source, p.target)]
        for plan in m.lot_plans:
            for lot in plan.lots:
                lot.components = [c for c in lot.components if c != gone.id]
        m.components.append(Component(id="fam2", kind="family_support", name="Kinship carers"))

    diff = diff_models(luton, edited(luton, edit))
    assert [(i.id, i.name) for i in diff.components.added] == [("fam2", "Kinship carers")]
    assert [(i.id, i.name) for i in diff.components.removed] == [(gone.id, gone.name)]
    [changed] = diff.components.changed
    assert changed.id == luton.components[1].id
    fields = {c.field: (c.old, c.new) for c in changed.changes}
    assert fields["name"] == (luton.components[1].name, "GP and primary care")
    assert fields["estimated_annual_cost"] == (None, 12345)
    assert fields["cohorts"][1][-1] == "families"
    text = diff.to_text()
    assert "+ Kinship carers" in text and f"- {gone.name}" in text
    assert "Estimated annual cost: not set -> £12,345" in text
    assert "Cohorts: added Families and carers" in text
    assert "fam2" not in text  # names, never ids


def test_moves_are_reported_apart_and_count_as_a_difference(luton):
    def edit(m):
        m.components[0].position = Position(x=999.0, y=5.0)

    diff = diff_models(luton, edited(luton, edit))
    assert not diff.is_empty
    assert not diff.components.changed
    [move] = diff.moved
    assert move.id == luton.components[0].id and move.new == (999.0, 5.0)
    assert "moved on the canvas" in diff.to_text()


def test_pathways_match_by_their_ends_when_ids_differ(luton):
    def edit(m):
        for p in m.pathways:
            p.id = "renumbered-" + p.id

    assert diff_models(luton, edited(luton, edit)).is_empty


def test_pathways_added_removed_changed_and_reconnected(luton):
    first, second, third = luton.pathways[:3]
    pairs = {(p.source, p.target) for p in luton.pathways}
    new_target = next(c.id for c in luton.components
                      if c.id not in (second.source, second.target)
                      and (second.source, c.id) not in pairs)

    def edit(m):
        m.pathway(first.id).label = "warm handover"
        m.pathway(second.id).target = new_target  # same id, other end: reconnected
        m.pathways.remove(m.pathway(third.id))
        m.pathways.append(Pathway(source=third.target, target=third.source))

    diff = diff_models(luton, edited(luton, edit))
    changed = {i.id: {c.field: (c.old, c.new) for c in i.changes} for i in diff.pathways.changed}
    assert changed[first.id] == {"label": ("", "warm handover")}
    assert changed[second.id] == {"target": (second.target, new_target)}
    assert [i.id for i in diff.pathways.removed] == [third.id]
    assert len(diff.pathways.added) == 1
    name = luton.component(new_target).name
    assert f"To: {luton.component(second.target).name} -> {name}" in diff.to_text()


def test_metadata_funding_and_lot_plans(luton):
    plan = luton.plan()
    lot, other = plan.lots[0], plan.lots[1]
    member = lot.components[0]

    def edit(m):
        m.title = "Luton 2026"
        m.localities.append("Stopsley")
        m.funding_sources[0].annual_amount = 100.0
        m.funding_sources.append(FundingSource(id="pcc", name="PCC contribution",
                                               restricted_cohorts=["criminal_justice"]))
        p = m.plan()
        p.lots[0].components.remove(member)
        p.lots[1].components.append(member)
        p.lots[0].contract.initial_term_years = 3.0
        p.lots[0].contract.kpis[0].target = "2,000 in treatment"
        p.lots[0].contract.kpis.append(Kpi(name="Naloxone kits", frequency="quarterly"))
        p.lots[0].funding[0].annual_amount = 10.0
        m.lot_plans = [q for q in m.lot_plans if q.id == m.active_plan]

    new = edited(luton, edit)
    diff = diff_models(luton, new)
    assert {c.field for c in diff.model} == {"title", "localities"}
    assert [c.field for c in diff.funding_sources.changed[0].changes] == ["annual_amount"]
    assert [i.name for i in diff.funding_sources.added] == ["PCC contribution"]
    assert [i.id for i in diff.plans_removed] == [p.id for p in luton.lot_plans
                                                  if p.id != luton.active_plan]
    [plan_diff] = diff.plans_changed
    lots = {d.id: d for d in plan_diff.lots_changed}
    assert [i.id for i in lots[lot.id].left] == [member]
    assert [i.id for i in lots[other.id].joined] == [member]
    fields = {c.field: (c.old, c.new) for c in lots[lot.id].changes}
    assert fields["contract.initial_term_years"] == (lot.contract.initial_term_years, 3)
    assert fields["contract.kpis[Naloxone kits]"] == (None, {"target": "",
                                                             "frequency": "quarterly"})
    assert fields[f"contract.kpis[{lot.contract.kpis[0].name}]"][1]["target"] == \
        "2,000 in treatment"
    assert fields[f"funding[{lot.funding[0].source}]"][1] == 10
    text = diff.to_text()
    assert f"No longer includes {luton.component(member).name}" in text
    assert "Contract initial term: not set -> 3 years" in text  # the seed gives no term
    assert 'KPI "Naloxone kits" added (Quarterly)' in text
    # A lower funding source amount makes the funding checks speak up.
    assert any(f.rule == "funding-shortfall" for f in diff.findings_appeared)
    json.dumps(diff.to_json())  # plain JSON all the way down


def test_findings_that_went(luton):
    broken = edited(luton, lambda m: m.pathways.clear())
    diff = diff_models(broken, luton)
    gone = {f.rule for f in diff.findings_gone}
    assert {"isolated-component", "prison-no-continuity"} <= gone
    assert "isolated-component" not in {f.rule for f in diff.findings_appeared}
    assert "Findings that went" in diff.to_text()


def cli(*args):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "diff", *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def test_cli_exit_codes_and_json(luton, tmp_path):
    a, b, c = tmp_path / "a.svcmodel", tmp_path / "b.svcmodel", tmp_path / "c.svcmodel"
    write_model(a, luton)
    write_model(b, with_revision(luton))
    write_model(c, edited(luton, lambda m: setattr(m, "title", "Changed")))

    same = cli(a, b)
    assert same.returncode == 0 and "No differences" in same.stdout

    differ = cli(a, c, "--json")
    assert differ.returncode == 1, differ.stderr
    data = json.loads(differ.stdout)
    assert data["same"] is False and data["model"][0]["new"] == "Changed"

    (tmp_path / "bad.svcmodel").write_text("{not json")
    unreadable = cli(a, tmp_path / "bad.svcmodel")
    assert unreadable.returncode == 2 and unreadable.stdout == ""
    assert len(unreadable.stderr.strip().splitlines()) == 1
    assert "bad.svcmodel" in unreadable.stderr and "Traceback" not in unreadable.stderr
    assert cli(a, tmp_path / "missing.svcmodel").returncode == 2


# Each edit is a real change a commissioner could make; whatever mix of them is applied, the
# comparison notices, and comparing the other way round swaps added and removed.
EDITS = {
    "rename": lambda m, i: setattr(m.components[i % len(m.components)], "name", f"Renamed {i}"),
    "move": lambda m, i: setattr(m.components[i % len(m.components)], "position",
                                 Position(x=float(i), y=-1.0)),
    "drop pathway": lambda m, i: m.pathways.pop(i % len(m.pathways)),
    "add component": lambda m, i: m.components.append(
        Component(id=f"extra-{i}", kind="harm_reduction", name=f"Extra {i}")),
    "lot value": lambda m, i: setattr(m.plan().lots[i % len(m.plan().lots)].contract,
                                      "annual_value", 1000.0 + i),
    "title": lambda m, i: setattr(m, "title", f"Title {i}"),
}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 50)), min_size=1,
                max_size=4, unique_by=lambda e: e[0]))
def test_any_edit_is_noticed_and_the_reverse_comparison_mirrors_it(luton, edits):
    changed = edited(luton, lambda m: [EDITS[name](m, i) for name, i in edits])
    forward, backward = diff_models(luton, changed), diff_models(changed, luton)
    assert not forward.is_empty and not backward.is_empty
    assert [i.id for i in forward.components.added] == [i.id for i in backward.components.removed]
    assert [i.id for i in forward.pathways.removed] == [i.id for i in backward.pathways.added]
    assert len(forward.moved) == len(backward.moved)
    assert {f.message for f in forward.findings_appeared} == \
        {f.message for f in backward.findings_gone}
    assert forward.to_text().count("\n") > 2
