"""Random edit sequences through the Document: undoing all of them returns the original model
exactly, and redoing all of them returns the final one; after every step the canvas scene
observing the Document draws exactly the model (no window: a Document, its stack and a scene)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from PySide6.QtWidgets import QApplication

from designer.canvas import ModelScene
from designer.document import Document
from models.catalogue import COHORTS, KINDS
from models.schema import ServiceModel

APP = QApplication.instance() or QApplication([])

START = {
    "title": "Stateful",
    "components": [
        {"id": "self", "kind": "self_referral", "name": "Self", "position": {"x": 0, "y": 0}},
        {"id": "adult", "kind": "adult_treatment", "name": "Adult", "position": {"x": 260, "y": 0}},
        {"id": "rec", "kind": "recovery_service", "name": "Recovery",
         "position": {"x": 520, "y": 0}},
    ],
    "pathways": [{"source": "self", "target": "adult"}, {"source": "adult", "target": "rec"}],
    "lot_plans": [{"id": "p1", "name": "One lot", "lots": [
        {"id": "l1", "name": "Treatment", "components": ["adult"]},
        {"id": "l2", "name": "Recovery", "components": ["rec"]}]},
        {"id": "p2", "name": "Alternative", "lots": [
            {"id": "l1", "name": "Everything", "components": ["adult", "rec"]}]}],
    "active_plan": "p1",
    "funding_sources": [{"id": "grant", "name": "Public health grant", "annual_amount": 1000}],
}

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


class EditSequence(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.doc = Document(ServiceModel.model_validate(START))
        self.scene = ModelScene(self.doc)
        self.original = self.doc.model.model_copy(deep=True)

    def ids(self) -> list[str]:
        return [c.id for c in self.doc.model.components]

    @rule(kind=st.sampled_from(sorted(KINDS)), x=st.integers(-500, 500),
          y=st.integers(-500, 500), name=st.none() | names)
    def add_component(self, kind, x, y, name):
        self.doc.add_component(kind, x, y, name)

    @precondition(lambda self: self.doc.model.components)
    @rule(data=st.data())
    def remove(self, data):
        components = data.draw(st.lists(st.sampled_from(self.ids()), max_size=3))
        pathway_ids = [p.id for p in self.doc.model.pathways]
        pathways = data.draw(st.lists(st.sampled_from(pathway_ids), max_size=2)
                             if pathway_ids else st.just([]))
        self.doc.remove_items(components, pathways)

    @precondition(lambda self: self.doc.model.components)
    @rule(data=st.data())
    def connect(self, data):
        source = data.draw(st.sampled_from(self.ids()))
        target = data.draw(st.sampled_from(self.ids()))
        pathway_id, refusal = self.doc.add_pathway(source, target)
        assert (pathway_id is None) == (refusal is not None)

    @precondition(lambda self: self.doc.model.components)
    @rule(data=st.data(), name=names, merge=st.booleans())
    def rename(self, data, name, merge):
        self.doc.update_component(data.draw(st.sampled_from(self.ids())), {"name": name},
                                  merge=merge)

    @precondition(lambda self: self.doc.model.components)
    @rule(data=st.data(), cohorts=st.lists(st.sampled_from(sorted(COHORTS)), unique=True))
    def set_cohorts(self, data, cohorts):
        self.doc.update_component(data.draw(st.sampled_from(self.ids())), {"cohorts": cohorts})

    @precondition(lambda self: self.doc.model.pathways)
    @rule(data=st.data(), label=names)
    def label_pathway(self, data, label):
        pathway = data.draw(st.sampled_from([p.id for p in self.doc.model.pathways]))
        self.doc.update_pathway(pathway, {"label": label}, merge=True)

    @precondition(lambda self: self.doc.model.components)
    @rule(data=st.data(), dx=st.integers(-100, 100), dy=st.integers(-100, 100))
    def move(self, data, dx, dy):
        chosen = data.draw(st.lists(st.sampled_from(self.ids()), min_size=1, unique=True))
        positions = {}
        for cid in chosen:
            p = self.doc.model.component(cid).position
            positions[cid] = (p.x + dx, p.y + dy)
        self.doc.move_components(positions)

    @rule()
    def layout(self):
        self.doc.apply_layout()

    @rule(title=names)
    def retitle(self, title):
        self.doc.update_model({"title": title}, merge=True)

    @precondition(lambda self: self.doc.model.components)
    @rule(data=st.data())
    def assign_to_lot(self, data):
        plan = self.doc.model.plan().model_copy(deep=True)
        lot = data.draw(st.sampled_from(plan.lots))
        component = data.draw(st.sampled_from(self.ids()))
        for other in plan.lots:
            if component in other.components:
                other.components.remove(component)
        lot.components.append(component)
        self.doc.replace_plan(plan, f"Move to {lot.name}")

    @rule(plan=st.sampled_from(["p1", "p2"]))
    def switch_plan(self, plan):
        self.doc.set_active_plan(plan)

    @rule(amount=st.none() | st.integers(0, 10_000_000), add=st.booleans())
    def edit_funding(self, amount, add):
        sources = [s.model_dump() for s in self.doc.model.funding_sources]
        if add or not sources:
            sources.append({"id": f"source-{len(sources)}", "name": "Grant",
                            "annual_amount": amount})
        else:
            sources[-1]["annual_amount"] = amount
        self.doc.update_model({"funding_sources": sources}, "Edit funding")

    @rule()
    def undo_one(self):
        self.doc.undo_stack.undo()

    @rule()
    def redo_one(self):
        self.doc.undo_stack.redo()

    @invariant()
    def every_view_reference_is_valid(self):
        ids = set(self.ids())
        assert all(p.source in ids and p.target in ids for p in self.doc.model.pathways)

    @invariant()
    def the_scene_draws_the_model(self):
        model = self.doc.model
        assert set(self.scene.components) == set(self.ids())
        for c in model.components:
            item = self.scene.components[c.id]
            assert item.name == c.name and item.kind_id == c.kind
            if c.position is not None:
                assert (item.pos().x(), item.pos().y()) == (c.position.x, c.position.y)
        assert {pid: (item.source.component_id, item.target.component_id)
                for pid, item in self.scene.pathways.items()} == {
            p.id: (p.source, p.target) for p in model.pathways}
        drawn = {item for item in self.scene.items()
                 if hasattr(item, "component_id") or hasattr(item, "pathway_id")}
        assert drawn == set(self.scene.components.values()) | set(self.scene.pathways.values())

    def teardown(self):
        stack = self.doc.undo_stack
        stack.setIndex(stack.count())  # anything undone by undo_one is part of the final model
        final = self.doc.model.model_copy(deep=True)
        stack.setIndex(0)
        assert self.doc.model == self.original
        stack.setIndex(stack.count())
        assert self.doc.model == final
        self.scene.deleteLater()
        self.doc.deleteLater()


EditSequence.TestCase.settings = settings(
    max_examples=200, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_undo_redo_round_trips = EditSequence.TestCase
