"""The document controller: one open model, its file, its undo stack and its findings.

Views (canvas, docks, tables) read `document.model` and listen to the fine-grained signals;
they change the model only through the edit methods here, each of which validates its input
and pushes one undo command. The commands (commands.py) replay their steps through
`document.changes`, the only code that writes to the model: each change there also emits the
signal that says what changed and keeps the id index (`document.component(id)`) in step, so a
new command cannot forget to tell the views (as orange-canvas-core's Scheme does for its
nodes and links).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from models import edits, read_model, with_revision, write_model
from models.checks import Finding, pathway_graph, run_checks, severity_counts
from models.layout import layered_positions, needs_layout
from models.schema import Component, LotPlan, Pathway, ServiceModel
from models.lots import set_funding
from models.templates import EXAMPLE, load_template

from . import commands

if TYPE_CHECKING:
    from models.flow import FlowResult

CHECK_DELAY_MS = 150  # re-check after edits pause, so typing and dragging stay smooth


class Document(QObject):
    componentAdded = Signal(str)
    componentRemoved = Signal(str)
    componentChanged = Signal(str)  # any field, position included
    pathwayAdded = Signal(str)
    pathwayRemoved = Signal(str)
    pathwayChanged = Signal(str)
    lotsChanged = Signal()  # lot plans, membership, contracts, the active plan
    modelChanged = Signal()  # model-level fields: title, localities, funding sources...
    modelReset = Signal()  # a different model was loaded: rebuild every view
    findingsChanged = Signal()
    pathChanged = Signal()
    modifiedChanged = Signal(bool)
    # Components and pathways an undo brought back, so the window can select what reappeared.
    restored = Signal(list, list)

    def __init__(self, model: ServiceModel | None = None, path: Path | None = None,
                 parent: QObject | None = None, check: bool = True):
        """`check=False` leaves the first check to `first_check()`: the window runs it after
        it first paints, so starting the app does not wait for networkx and the checks."""
        super().__init__(parent)
        self.model = model if model is not None else load_template(EXAMPLE)
        self.path = Path(path) if path else None
        self.changes = ModelChanges(self)
        self._index_ids()
        self.findings: list[Finding] = []
        # The demand and capacity figures the checks worked out (models.flow, without lot and
        # cohort totals), shared with the Demand and capacity panel; None until a check ran.
        self.flow: FlowResult | None = None
        self.checked = False  # whether a check has run on the model loaded (edits: 150 ms late)
        self._first_check_waits = not check
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.undo_stack.indexChanged.connect(self.schedule_checks)
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.run_checks)
        self._place_unplaced()
        if check:
            self.run_checks()

    def first_check(self) -> None:
        """Run the check that `check=False` held back (once; later calls do nothing)."""
        if self._first_check_waits:
            self.run_checks()

    def _clean_changed(self, clean: bool) -> None:
        self.modifiedChanged.emit(not clean)

    # --- state ---------------------------------------------------------------------------
    def _index_ids(self) -> None:
        self._components = {c.id: c for c in self.model.components}
        self._pathways = {p.id: p for p in self.model.pathways}

    def component(self, component_id: str) -> Component | None:
        """The component with this id, without scanning the model (the one id index)."""
        return self._components.get(component_id)

    def pathway(self, pathway_id: str) -> Pathway | None:
        return self._pathways.get(pathway_id)

    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def display_name(self) -> str:
        return self.path.name if self.path else f"{self.model.title} (not saved)"

    def counts(self) -> dict[str, int]:
        return severity_counts(self.findings)

    def schedule_checks(self) -> None:
        self._check_timer.start()

    def flush_checks(self) -> bool:
        """Run now a check that edits are waiting for (the 150 ms pause), so `findings` and
        `flow` are of the model as it is; True when one ran (findingsChanged was emitted)."""
        if self._check_timer.isActive():
            self.run_checks()
            return True
        return False

    def run_checks(self) -> None:
        """The coverage checks and the flow figures, on one pathway graph and one flow run."""
        from models.flow import run_flow  # networkx: imported by the first check

        self._check_timer.stop()
        self._first_check_waits = False
        # A run makes some 100,000 short-lived objects at national size, freed by reference
        # counting; the garbage collector scanning them meanwhile added a third to its time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            graph = pathway_graph(self.model)
            self.flow = run_flow(self.model, graph=graph, totals=False)
            self.findings = run_checks(self.model, graph=graph, flow=self.flow)
        finally:
            if collecting:
                gc.enable()
        self.checked = True
        self.findingsChanged.emit()

    # --- edits: each pushes exactly one undo command ----------------------------------------
    def add_component(self, kind_id: str, x: float, y: float, name: str | None = None) -> str:
        component = edits.new_component(self.model, kind_id, x, y, name)
        self.undo_stack.push(commands.AddComponent(self, component))
        return component.id

    def remove_items(self, component_ids: list[str], pathway_ids: list[str] = ()) -> None:
        if component_ids or pathway_ids:
            self.undo_stack.push(commands.RemoveItems(self, list(component_ids), list(pathway_ids)))

    def update_component(self, component_id: str, changes: dict[str, Any],
                         merge: bool = False, text: str = "") -> None:
        """Raises pydantic's ValidationError for a bad value, before anything changes: an
        exception inside QUndoStack.push cannot reach the caller and would leave a half-done
        command on the stack (so do update_pathway and update_model)."""
        changes = edits.checked_changes(self.component(component_id), changes)
        if self._changes_anything(self.component(component_id), changes):
            self.undo_stack.push(commands.UpdateComponent(self, component_id, changes, merge,
                                                          text))

    @staticmethod
    def _changes_anything(target, changes: dict[str, Any]) -> bool:
        return any(getattr(target, key) != value for key, value in changes.items())

    def move_components(self, positions: dict[str, tuple[float, float]], text: str = "") -> None:
        moved = {cid: xy for cid, xy in positions.items()
                 if (p := self.component(cid).position) is None or (p.x, p.y) != tuple(xy)}
        if moved:
            self.undo_stack.push(commands.MoveComponents(self, moved, text))

    def add_pathway(self, source: str, target: str, label: str = "") -> tuple[str | None, str | None]:
        """(new pathway id, None), or (None, the reason it was refused)."""
        refusal = edits.connection_refusal(self.model, source, target)
        if refusal:
            return None, refusal
        pathway = edits.new_pathway(self.model, source, target, label)
        self.undo_stack.push(commands.AddPathway(self, pathway))
        return pathway.id, None

    def update_pathway(self, pathway_id: str, changes: dict[str, Any], merge: bool = False) -> None:
        changes = edits.checked_changes(self.pathway(pathway_id), changes)
        if self._changes_anything(self.pathway(pathway_id), changes):
            self.undo_stack.push(commands.UpdatePathway(self, pathway_id, changes, merge))

    def update_model(self, changes: dict[str, Any], text: str = "Edit model properties",
                     merge: bool = False) -> None:
        changes = edits.checked_changes(self.model, changes)
        if self._changes_anything(self.model, changes):
            self.undo_stack.push(commands.UpdateModel(self, changes, text, merge))

    def end_typing(self) -> None:
        """Let the next edit start an undo step of its own, however soon it comes (typing
        merges into the last step for a couple of seconds): an F2 rename is one step."""
        commands.seal(self.undo_stack)

    def remove_funding_source(self, source_id: str) -> None:
        """The source and its allocations in every plan go, as one undo step."""
        source = next(s for s in self.model.funding_sources if s.id == source_id)
        plans = [plan for plan in self.model.lot_plans]
        for i, plan in enumerate(plans):
            for lot in plan.lots:
                if any(a.source == source_id for a in lot.funding):
                    plans[i] = plan = set_funding(plan, lot.id, [
                        a for a in lot.funding if a.source != source_id])
        sources = [s for s in self.model.funding_sources if s.id != source_id]
        self.undo_stack.push(commands.RemoveFundingSource(self, source.name, sources, plans))

    def replace_plan(self, plan: LotPlan, text: str) -> None:
        if plan != self.model.plan(plan.id):
            self.undo_stack.push(commands.ReplacePlan(self, plan, text))

    def update_plan(self, plan_id: str, changes: dict[str, Any], text: str) -> None:
        """Change fields of one lot plan (its engagement log, risks, timeline...) as one undo
        step. The new plan is validated first, so a bad value raises pydantic's
        ValidationError (a ValueError) before anything changes."""
        plan = self.model.plan(plan_id)
        data = {**plan.model_dump(), **changes}
        self.replace_plan(LotPlan.model_validate(data), text)

    def set_plans(self, plans: list[LotPlan], active: str, text: str) -> None:
        self.undo_stack.push(commands.SetPlans(self, plans, active, text))

    def set_active_plan(self, plan_id: str) -> None:
        if plan_id != self.model.active_plan:
            name = self.model.plan(plan_id).name
            self.set_plans(self.model.lot_plans, plan_id, f"Choose lot plan {name}")

    def apply_layout(self) -> None:
        self.move_components(layered_positions(self.model), "Automatic layout")

    # --- files ---------------------------------------------------------------------------
    def _place_unplaced(self) -> None:
        # Files may leave positions out; place them before anything is drawn (not an edit).
        if needs_layout(self.model):
            edits.move_components(self.model, {
                cid: xy for cid, xy in layered_positions(self.model).items()
                if self.component(cid).position is None}, self.component)

    def set_model(self, model: ServiceModel, path: Path | None) -> None:
        self.model, self.path = model, Path(path) if path else None
        self._index_ids()
        self._place_unplaced()
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.modelReset.emit()
        self.pathChanged.emit()
        self.modifiedChanged.emit(False)
        if self._first_check_waits:  # the window has not painted yet: first_check() runs it
            self.findings, self.flow, self.checked = [], None, False
        else:
            self.run_checks()

    def open(self, path: str | Path) -> None:
        """Load a file; on ModelFileError the open model is left exactly as it was."""
        self.set_model(read_model(path), Path(path))

    def save(self, path: str | Path | None = None, author: str = "", summary: str = "",
             unchanged=None, after: int = 0, waiting=None) -> None:
        """Write the model with one more revision entry; raises SaveError (then nothing changed).
        `unchanged` and `waiting` as for models.fileio.write_model; `after` as for
        with_revision."""
        target = Path(path) if path else self.path
        saved = with_revision(self.model, author or self.model.author, summary, after=after)
        write_model(target, saved, unchanged=unchanged, waiting=waiting)
        self.model.revisions = saved.revisions
        if target != self.path:
            self.path = target
            self.pathChanged.emit()
        self.undo_stack.setClean()
        self.modelChanged.emit()

    def revert(self) -> None:
        if self.path:
            self.open(self.path)


class ModelChanges:
    """The only code that writes to `document.model`: each change applies one plain step of
    models/edits.py, keeps the document's id index in step and emits the signal that says what
    changed. Undo commands replay their steps through here; nothing else calls it."""

    def __init__(self, doc: Document):
        self.doc = doc

    def add_component(self, component: Component, index: int | None = None) -> None:
        edits.add_component(self.doc.model, component, index)
        self.doc._components[component.id] = component
        self.doc.componentAdded.emit(component.id)

    def remove_component(self, component_id: str) -> edits.RemovedComponent:
        removed = edits.remove_component(self.doc.model, component_id)
        for _, pathway in removed.pathways:
            self.doc._pathways.pop(pathway.id, None)
            self.doc.pathwayRemoved.emit(pathway.id)
        self.doc._components.pop(component_id, None)
        self.doc.componentRemoved.emit(component_id)
        if removed.memberships:
            self.doc.lotsChanged.emit()
        return removed

    def restore_component(self, removed: edits.RemovedComponent) -> None:
        edits.restore_component(self.doc.model, removed)
        self.doc._components[removed.component.id] = removed.component
        self.doc.componentAdded.emit(removed.component.id)
        for _, pathway in removed.pathways:
            self.doc._pathways[pathway.id] = pathway
            self.doc.pathwayAdded.emit(pathway.id)
        if removed.memberships:
            self.doc.lotsChanged.emit()

    def add_pathway(self, pathway: Pathway, index: int | None = None) -> None:
        edits.add_pathway(self.doc.model, pathway, index)
        self.doc._pathways[pathway.id] = pathway
        self.doc.pathwayAdded.emit(pathway.id)

    def remove_pathway(self, pathway_id: str) -> tuple[int, Pathway]:
        removed = edits.remove_pathway(self.doc.model, pathway_id)
        self.doc._pathways.pop(pathway_id, None)
        self.doc.pathwayRemoved.emit(pathway_id)
        return removed

    def update_component(self, component_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        old = edits.set_fields(self.doc.component(component_id), changes)
        self.doc.componentChanged.emit(component_id)
        return old

    def update_pathway(self, pathway_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        old = edits.set_fields(self.doc.pathway(pathway_id), changes)
        self.doc.pathwayChanged.emit(pathway_id)
        return old

    def update_model(self, changes: dict[str, Any]) -> dict[str, Any]:
        old = edits.set_fields(self.doc.model, changes)
        self.doc.modelChanged.emit()
        return old

    def move_components(self, positions: dict[str, tuple[float, float] | None]
                        ) -> dict[str, tuple[float, float] | None]:
        old = edits.move_components(self.doc.model, positions, self.doc.component)
        for component_id in positions:
            self.doc.componentChanged.emit(component_id)
        return old

    def replace_plan(self, plan: LotPlan) -> LotPlan:
        old = edits.replace_plan(self.doc.model, plan.id, plan)
        self.doc.lotsChanged.emit()
        return old

    def set_plans(self, plans: list[LotPlan], active: str) -> None:
        edits.set_plans(self.doc.model, plans, active)
        self.doc.lotsChanged.emit()
