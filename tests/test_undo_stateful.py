"""Random edit sequences through the Document: undoing all of them returns the original model
exactly, and redoing all of them returns the final one. No window: a Document and its stack."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from PySide6.QtWidgets import QApplication

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
        {"id": "l2", "name": "Recovery", "components": ["rec"]}]}],
    "active_plan": "p1",
}

names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)


class EditSequence(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.doc = Document(ServiceModel.model_validate(START))
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

    @rule()
    def undo_one(self):
        self.doc.undo_stack.undo()

    @invariant()
    def every_view_reference_is_valid(self):
        ids = set(self.ids())
        assert all(p.source in ids and p.target in ids for p in self.doc.model.pathways)

    def teardown(self):
        stack = self.doc.undo_stack
        stack.setIndex(stack.count())  # anything undone by undo_one is part of the final model
        final = self.doc.model.model_copy(deep=True)
        stack.setIndex(0)
        assert self.doc.model == self.original
        stack.setIndex(stack.count())
        assert self.doc.model == final
        self.doc.deleteLater()


EditSequence.TestCase.settings = settings(
    max_examples=300, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_undo_redo_round_trips = EditSequence.TestCase
