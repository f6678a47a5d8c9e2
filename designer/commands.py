"""Undo commands: each holds ids and before/after values (never canvas items), replays its
steps through `document.changes` (which emits what changed), and never pushes another.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from models.schema import Component, FundingSource, LotPlan, Pathway

if TYPE_CHECKING:
    from models.edits import RemovedComponent

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
        self.doc.changes.add_component(self.component)

    def undo(self):
        self.doc.changes.remove_component(self.component.id)


class RemoveItems(QUndoCommand):
    """Delete components (with their pathways and lot memberships) and pathways, as one step."""

    def __init__(self, doc: Document, component_ids: list[str], pathway_ids: list[str]):
        count = len(component_ids) + len(pathway_ids)
        super().__init__(f"Delete {count} item{'s' if count != 1 else ''}")
        self.doc = doc
        self.component_ids = list(dict.fromkeys(component_ids))
        going = set(self.component_ids)  # their pathways go with them
        self.pathway_ids = [p for p in dict.fromkeys(pathway_ids)
                            if (found := doc.pathway(p)) is not None
                            and not going & {found.source, found.target}]
        self.removed_pathways: list[tuple[int, Pathway]] = []
        self.removed_components: list[RemovedComponent] = []

    def redo(self):
        changes = self.doc.changes
        self.removed_pathways = [changes.remove_pathway(p) for p in self.pathway_ids]
        self.removed_components = [changes.remove_component(c) for c in self.component_ids]

    def undo(self):
        changes = self.doc.changes
        for removed in reversed(self.removed_components):
            changes.restore_component(removed)
        for index, pathway in reversed(self.removed_pathways):
            changes.add_pathway(pathway, index)
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
        """Set the fields through document.changes; return the old values."""
        raise NotImplementedError

    def redo(self):
        old = self.apply(self.new)
        self.old = self.old if self.old is not None else old

    def undo(self):
        self.apply(self.old)


def seal(stack: QUndoStack) -> None:
    """The last step takes no more merges: the next edit starts a step of its own."""
    top = stack.command(stack.index() - 1) if stack.index() else None
    if isinstance(top, _FieldEdit):
        top.when = float("-inf")


class UpdateComponent(_FieldEdit):
    MERGE_ID = MERGE_COMPONENT_EDIT

    def __init__(self, doc: Document, component_id: str, changes: dict[str, Any],
                 merge: bool = False, text: str = ""):
        super().__init__(doc, component_id, changes, merge,
                         text or f"Edit {doc.component(component_id).name}")

    def apply(self, changes):
        return self.doc.changes.update_component(self.target_id, changes)


class MoveComponents(QUndoCommand):
    """Move many components as one step (a drag, a nudge, an automatic layout)."""

    def __init__(self, doc: Document, positions: dict[str, tuple[float, float] | None],
                 text: str = ""):
        super().__init__(text or (f"Move {len(positions)} components" if len(positions) > 1
                                  else "Move component"))
        self.doc, self.new = doc, dict(positions)
        self.old: dict[str, tuple[float, float] | None] = {}

    def redo(self):
        self.old = self.doc.changes.move_components(self.new)

    def undo(self):
        self.doc.changes.move_components(self.old)


class AddPathway(QUndoCommand):
    def __init__(self, doc: Document, pathway: Pathway):
        super().__init__(f"Connect {doc.component(pathway.source).name} to "
                         f"{doc.component(pathway.target).name}")
        self.doc, self.pathway = doc, pathway

    def redo(self):
        self.doc.changes.add_pathway(self.pathway)

    def undo(self):
        self.doc.changes.remove_pathway(self.pathway.id)


class UpdatePathway(_FieldEdit):
    MERGE_ID = MERGE_PATHWAY_EDIT

    def __init__(self, doc: Document, pathway_id: str, changes: dict[str, Any],
                 merge: bool = False):
        super().__init__(doc, pathway_id, changes, merge, "Edit pathway")

    def apply(self, changes):
        return self.doc.changes.update_pathway(self.target_id, changes)


class UpdateModel(_FieldEdit):
    """Model-level fields: title, authority, localities, required kinds, funding sources."""

    MERGE_ID = MERGE_MODEL_EDIT

    def __init__(self, doc: Document, changes: dict[str, Any], text: str = "Edit model",
                 merge: bool = False):
        super().__init__(doc, None, changes, merge, text)

    def apply(self, changes):
        return self.doc.changes.update_model(changes)


class ReplacePlan(QUndoCommand):
    """Any lot edit (assign, merge, split, contract terms...) as a before/after plan snapshot."""

    def __init__(self, doc: Document, plan: LotPlan, text: str):
        super().__init__(text)
        self.doc, self.new = doc, plan.model_copy(deep=True)
        self.old = doc.model.plan(plan.id).model_copy(deep=True)

    def redo(self):
        self.doc.changes.replace_plan(self.new.model_copy(deep=True))

    def undo(self):
        self.doc.changes.replace_plan(self.old.model_copy(deep=True))


class SetPlans(QUndoCommand):
    """Add, delete, duplicate or rename lot plans, or switch the active plan."""

    def __init__(self, doc: Document, plans: list[LotPlan], active: str, text: str):
        super().__init__(text)
        self.doc = doc
        self.new = ([p.model_copy(deep=True) for p in plans], active)
        self.old = ([p.model_copy(deep=True) for p in doc.model.lot_plans], doc.model.active_plan)

    def _apply(self, state):
        plans, active = state
        self.doc.changes.set_plans([p.model_copy(deep=True) for p in plans], active)

    def redo(self):
        self._apply(self.new)

    def undo(self):
        self._apply(self.old)


class RemoveFundingSource(QUndoCommand):
    """A funding source and its allocations in every plan, as one step (never half done)."""

    def __init__(self, doc: Document, name: str, sources: list[FundingSource],
                 plans: list[LotPlan]):
        super().__init__(f"Remove funding source {name}")
        self.doc = doc
        self.plans = SetPlans(doc, plans, doc.model.active_plan, "")
        self.sources = UpdateModel(doc, {"funding_sources": sources})

    def redo(self):
        self.plans.redo()
        self.sources.redo()

    def undo(self):
        self.sources.undo()
        self.plans.undo()
