"""The Document owns every change: it validates before pushing, emits what changed from inside
each change, and keeps one id index in step through edits, undo and redo."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from designer.document import Document
from models.templates import load_template


@pytest.fixture
def doc(qapp):
    document = Document(load_template("luton"))
    yield document
    document.deleteLater()


def test_every_change_says_what_changed_and_keeps_the_index(doc, qtbot):
    seen = []
    for name in ("componentAdded", "componentRemoved", "componentChanged", "pathwayAdded",
                 "pathwayRemoved", "lotsChanged"):
        getattr(doc, name).connect(lambda *args, name=name: seen.append((name, *args)))
    new = doc.add_component("inpatient_detox", 0, 0, "Detox beds")
    assert seen == [("componentAdded", new)] and doc.component(new).name == "Detox beds"
    member = doc.model.plan().lots[0].components[0]
    pathways = [p.id for p in doc.model.pathways if member in (p.source, p.target)]
    seen.clear()
    doc.remove_items([member])
    assert [s for s in seen if s[0] == "pathwayRemoved"] == [("pathwayRemoved", p)
                                                             for p in pathways]
    assert ("componentRemoved", member) in seen and ("lotsChanged",) in seen
    assert doc.component(member) is None and all(doc.pathway(p) is None for p in pathways)
    doc.undo_stack.undo()
    assert doc.component(member) is not None and all(doc.pathway(p) for p in pathways)
    assert member in doc.model.plan().lots[0].components
    doc.undo_stack.undo()
    assert doc.component(new) is None


def test_a_bad_value_is_refused_before_anything_is_pushed(doc):
    steps = doc.undo_stack.count()
    with pytest.raises(ValidationError):
        doc.update_model({"title": 5})
    with pytest.raises(ValidationError):
        doc.update_component(doc.model.components[0].id, {"cohorts": ["martians"]})
    with pytest.raises(KeyError):
        doc.update_model({"components": []})
    assert doc.undo_stack.count() == steps


def test_model_changes_are_stored_as_the_schema_types_them(doc):
    doc.update_model({"funding_sources": [{"id": "extra", "name": "Extra grant",
                                           "annual_amount": 1000}]})
    assert doc.model.funding_sources[0].annual_amount == 1000
    assert type(doc.model.funding_sources[0]).__name__ == "FundingSource"


def test_removing_a_funding_source_takes_its_allocations_in_one_step(doc):
    funded = [(plan.id, lot.id) for plan in doc.model.lot_plans for lot in plan.lots
              if lot.funding]
    source = doc.model.plan(funded[0][0]).lot(funded[0][1]).funding[0].source
    before = doc.model.model_copy(deep=True)
    steps = doc.undo_stack.count()
    doc.remove_funding_source(source)
    assert doc.undo_stack.count() == steps + 1
    assert all(a.source != source for plan in doc.model.lot_plans for lot in plan.lots
               for a in lot.funding)
    assert source not in {s.id for s in doc.model.funding_sources}
    doc.undo_stack.undo()
    assert doc.model == before


def test_end_typing_makes_the_next_edit_a_step_of_its_own(doc):
    steps = doc.undo_stack.count()
    doc.update_model({"title": "A"}, merge=True)
    doc.update_model({"title": "AB"}, merge=True)
    assert doc.undo_stack.count() == steps + 1  # typed quickly: one step
    doc.end_typing()
    doc.update_model({"title": "ABC"}, merge=True)
    assert doc.undo_stack.count() == steps + 2


def test_a_scene_rebuild_leaves_the_overlays_their_items(luton_window, qtbot):
    """The scene redraws only its own boxes and arrows: the lot regions' items are never
    deleted under them (they used to be, and ten validity guards papered over it)."""
    regions = luton_window.lots.regions
    items = list(regions.regions.values())
    assert items
    luton_window.scene.rebuild()
    assert all(item.scene() is luton_window.scene for item in items)
    luton_window.doc.set_model(load_template("leicestershire"), None)
    qtbot.waitUntil(lambda: set(regions.regions) == {
        lot.id for lot in luton_window.doc.model.plan().lots})
    assert all(item.scene() is None for item in items
               if item not in regions.regions.values())
    assert all(item.scene() is luton_window.scene for item in regions.regions.values())
