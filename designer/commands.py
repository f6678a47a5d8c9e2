"""Undo commands: thin wrappers around models.edits that tell the document what changed.

Commands hold ids and before/after values, never canvas items, and never push other commands.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from models import edits
from models.schema import Component, LotPlan, Pathway

if TYPE_CHECKING:
    from .document import Document

MERGE_COMPONENT_EDIT = 1
MERGE_PATHWAY_EDIT = 2
MERGE_MODEL_EDIT = 3
MERGE_SECONDS = 2.0  # a pause longer than this starts a new undo step


class AddComponent(QUndoCommand):
    def __init__(self, doc: Document, component: Component):
        super().__init__(f"Add {component.name}")
        self.doc, self.component = doc, component

    def redo(self):
        edits.add_component(self.doc.model, self.component)
        self.doc.componentAdded.emit(self.component.id)

    def undo(self):
        edits.remove_component(self.doc.model, self.component.id)
        self.doc.componentRemoved.emit(self.component.id)


class RemoveItems(QUndoCommand):
    """Delete components (with their pathways and lot memberships) and pathways, as one step."""

    def __init__(self, doc: Document, component_ids: list[str], pathway_ids: list[str]):
        count = len(component_ids) + len(pathway_ids)
        super().__init__(f"Delete {count} item{'s' if count != 1 else ''}")
        self.doc = doc
        self.component_ids = list(dict.fromkeys(component_ids))
        self.pathway_ids = [p for p in dict.fromkeys(pathway_ids)
                            if not any(doc.model.pathway(p) and c in (doc.model.pathway(p).source,
                                                                      doc.model.pathway(p).target)
                                       for c in self.component_ids)]
        self.removed_pathways: list[tuple[int, Pathway]] = []
        self.removed_components: list[edits.RemovedComponent] = []
        self.touches_lots = False

    def redo(self):
        model = self.doc.model
        self.removed_pathways = [edits.remove_pathway(model, p) for p in self.pathway_ids]
        for pathway_id in self.pathway_ids:
            self.doc.pathwayRemoved.emit(pathway_id)
        self.removed_components = [edits.remove_component(model, c) for c in self.component_ids]
        for removed in self.removed_components:
            for _, pathway in removed.pathways:
                self.doc.pathwayRemoved.emit(pathway.id)
            self.doc.componentRemoved.emit(removed.component.id)
        self.touches_lots = any(r.memberships for r in self.removed_components)
        if self.touches_lots:
            self.doc.lotsChanged.emit()

    def undo(self):
        model = self.doc.model
        for removed in reversed(self.removed_components):
            edits.restore_component(model, removed)
            self.doc.componentAdded.emit(removed.component.id)
            for _, pathway in removed.pathways:
                self.doc.pathwayAdded.emit(pathway.id)
        for index, pathway in reversed(self.removed_pathways):
            edits.add_pathway(model, pathway, index)
            self.doc.pathwayAdded.emit(pathway.id)
        if self.touches_lots:
            self.doc.lotsChanged.emit()
        self.doc.restored.emit([r.component.id for r in self.removed_components],
                               [pathway.id for _, pathway in self.removed_pathways])


class _FieldEdit(QUndoCommand):
    """Set some fields of one thing. Typing in a field pushes one of these per keystroke; they
    merge into one undo step while they come close together and touch the same fields."""

    MERGE_ID = -1

    def __init__(self, doc: Document, target_id: str | None, changes: dict[str, Any],
                 merge: bool, text: str):
        super().__init__(text)
        self.doc, self.target_id, self.new, self.merge = doc, target_id, changes, merge
        self.old: dict[str, Any] | None = None
        self.when = time.monotonic()

    def id(self) -> int:
        return self.MERGE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (type(other) is type(self) and other.target_id == self.target_id
                and set(other.new) == set(self.new) and other.when - self.when < MERGE_SECONDS):
            return False
        self.new, self.when = other.new, other.when
        return True

    def apply(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Set the fields, tell the views, return the old values."""
        raise NotImplementedError

    def redo(self):
        old = self.apply(self.new)
        self.old = self.old if self.old is not None else old

    def undo(self):
        self.apply(self.old)


class UpdateComponent(_FieldEdit):
    MERGE_ID = MERGE_COMPONENT_EDIT

    def __init__(self, doc: Document, component_id: str, changes: dict[str, Any],
                 merge: bool = False, text: str = ""):
        super().__init__(doc, component_id, changes, merge,
                         text or f"Edit {doc.model.component(component_id).name}")

    def apply(self, changes):
        old = edits.update_component(self.doc.model, self.target_id, changes)
        self.doc.componentChanged.emit(self.target_id)
        return old


class MoveComponents(QUndoCommand):
    """Move many components as one step (a drag, a nudge, an automatic layout)."""

    def __init__(self, doc: Document, positions: dict[str, tuple[float, float] | None],
                 text: str = ""):
        super().__init__(text or (f"Move {len(positions)} components" if len(positions) > 1
                                  else "Move component"))
        self.doc, self.new = doc, dict(positions)
        self.old: dict[str, tuple[float, float] | None] = {}

    def _apply(self, positions):
        old = edits.move_components(self.doc.model, positions)
        for component_id in positions:
            self.doc.componentChanged.emit(component_id)
        return old

    def redo(self):
        self.old = self._apply(self.new)

    def undo(self):
        self._apply(self.old)


class AddPathway(QUndoCommand):
    def __init__(self, doc: Document, pathway: Pathway):
        model = doc.model
        super().__init__(f"Connect {model.component(pathway.source).name} to "
                         f"{model.component(pathway.target).name}")
        self.doc, self.pathway = doc, pathway

    def redo(self):
        edits.add_pathway(self.doc.model, self.pathway)
        self.doc.pathwayAdded.emit(self.pathway.id)

    def undo(self):
        edits.remove_pathway(self.doc.model, self.pathway.id)
        self.doc.pathwayRemoved.emit(self.pathway.id)


class UpdatePathway(_FieldEdit):
    MERGE_ID = MERGE_PATHWAY_EDIT

    def __init__(self, doc: Document, pathway_id: str, changes: dict[str, Any],
                 merge: bool = False):
        super().__init__(doc, pathway_id, changes, merge, "Edit pathway")

    def apply(self, changes):
        old = edits.update_pathway(self.doc.model, self.target_id, changes)
        self.doc.pathwayChanged.emit(self.target_id)
        return old


class UpdateModel(_FieldEdit):
    """Model-level fields: title, authority, localities, required kinds, funding sources."""

    MERGE_ID = MERGE_MODEL_EDIT

    def __init__(self, doc: Document, changes: dict[str, Any], text: str = "Edit model",
                 merge: bool = False):
        super().__init__(doc, None, changes, merge, text)

    def apply(self, changes):
        old = edits.update_model(self.doc.model, changes)
        self.doc.modelChanged.emit()
        return old


class ReplacePlan(QUndoCommand):
    """Any lot edit (assign, merge, split, contract terms...) as a before/after plan snapshot."""

    def __init__(self, doc: Document, plan: LotPlan, text: str):
        super().__init__(text)
        self.doc, self.new = doc, plan.model_copy(deep=True)
        self.old = doc.model.plan(plan.id).model_copy(deep=True)

    def redo(self):
        edits.replace_plan(self.doc.model, self.new.id, self.new.model_copy(deep=True))
        self.doc.lotsChanged.emit()

    def undo(self):
        edits.replace_plan(self.doc.model, self.old.id, self.old.model_copy(deep=True))
        self.doc.lotsChanged.emit()


class SetPlans(QUndoCommand):
    """Add, delete, duplicate or rename lot plans, or switch the active plan."""

    def __init__(self, doc: Document, plans: list[LotPlan], active: str, text: str):
        super().__init__(text)
        self.doc = doc
        self.new = ([p.model_copy(deep=True) for p in plans], active)
        self.old = ([p.model_copy(deep=True) for p in doc.model.lot_plans], doc.model.active_plan)

    def _apply(self, state):
        plans, active = state
        edits.set_plans(self.doc.model, [p.model_copy(deep=True) for p in plans], active)
        self.doc.lotsChanged.emit()

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)
