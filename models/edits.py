"""Edit operations on a ServiceModel: the plain-Python steps that undo commands replay.

Each operation changes the model in place and returns what is needed to reverse it exactly
(an index, the old values, a removed item with its lot memberships). The designer's undo
commands store those values and ids, never canvas items. Operations assume the ids they are
given exist; callers check first (see `connection_refusal`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from . import catalogue
from .schema import Component, LotPlan, Pathway, Position, ServiceModel, unique_id


def new_component(model: ServiceModel, kind_id: str, x: float = 0, y: float = 0,
                  name: str | None = None) -> Component:
    """A component of `kind_id` with the catalogue's defaults and a fresh id (not yet added)."""
    kind = catalogue.KINDS[kind_id]
    taken = {c.id for c in model.components}
    return Component.model_validate({
        "id": unique_id(kind_id.replace("_", "-"), taken), "kind": kind_id,
        "name": name or kind.name, "position": {"x": x, "y": y}})


def add_component(model: ServiceModel, component: Component, index: int | None = None) -> None:
    model.components.insert(len(model.components) if index is None else index, component)


@dataclass
class RemovedComponent:
    """Everything a removal took away, so undo can put it back where it was."""
    component: Component
    index: int
    pathways: list[tuple[int, Pathway]] = field(default_factory=list)
    memberships: list[tuple[str, str, int]] = field(default_factory=list)  # plan, lot, position


def remove_component(model: ServiceModel, component_id: str) -> RemovedComponent:
    index = next(i for i, c in enumerate(model.components) if c.id == component_id)
    removed = RemovedComponent(model.components.pop(index), index)
    kept = []
    for i, p in enumerate(model.pathways):
        if component_id in (p.source, p.target):
            removed.pathways.append((i, p))
        else:
            kept.append(p)
    model.pathways[:] = kept
    for plan in model.lot_plans:
        for lot in plan.lots:
            while component_id in lot.components:
                position = lot.components.index(component_id)
                lot.components.pop(position)
                removed.memberships.append((plan.id, lot.id, position))
    return removed


def restore_component(model: ServiceModel, removed: RemovedComponent) -> None:
    model.components.insert(removed.index, removed.component)
    for index, pathway in removed.pathways:  # ascending indexes restore the original order
        model.pathways.insert(index, pathway)
    for plan_id, lot_id, position in reversed(removed.memberships):
        lot = model.plan(plan_id).lot(lot_id)
        lot.components.insert(position, removed.component.id)


def move_components(model: ServiceModel, positions: dict[str, tuple[float, float] | None],
                    find: Callable[[str], Component] | None = None
                    ) -> dict[str, tuple[float, float] | None]:
    """Place components at new centres; return the old positions (None where unplaced).
    `find` looks a component up by id (the Document's index); else one pass makes a map."""
    old = {}
    if find is None:
        find = {c.id: c for c in model.components}.__getitem__
    for component_id, xy in positions.items():
        component = find(component_id)
        p = component.position
        old[component_id] = (p.x, p.y) if p else None
        component.position = Position(x=xy[0], y=xy[1]) if xy is not None else None
    return old


def connection_refusal(model: ServiceModel, source: str, target: str) -> str | None:
    """Why a pathway from source to target cannot be added, in words; None when it can."""
    if source == target:
        return "A component cannot have a pathway to itself."
    if model.component(source) is None or model.component(target) is None:
        return "Both ends of a pathway must be components of the model."
    if any(p.source == source and p.target == target for p in model.pathways):
        return (f"There is already a pathway from {model.component(source).name} to "
                f"{model.component(target).name}.")
    return None


def new_pathway(model: ServiceModel, source: str, target: str, label: str = "") -> Pathway:
    taken = {p.id for p in model.pathways}
    return Pathway(id=unique_id(f"{source}->{target}", taken), source=source, target=target,
                   label=label)


def add_pathway(model: ServiceModel, pathway: Pathway, index: int | None = None) -> None:
    model.pathways.insert(len(model.pathways) if index is None else index, pathway)


def remove_pathway(model: ServiceModel, pathway_id: str) -> tuple[int, Pathway]:
    index = next(i for i, p in enumerate(model.pathways) if p.id == pathway_id)
    return index, model.pathways.pop(index)


MODEL_FIELDS = ("title", "authority", "author", "notes", "localities", "required_kinds",
                "funding_sources")


def checked_changes(target: Component | Pathway | ServiceModel, changes: dict[str, Any]
                    ) -> dict[str, Any]:
    """The one place edits are validated: the changes as the schema types them (a funding
    source given as a dict becomes a FundingSource), or pydantic's ValidationError (KeyError
    for a field that is not model-level) before anything is changed. A component or pathway
    is validated whole, so its own cross-field rules hold; the model field by field against a
    shallow copy, so a title edit does not validate every component."""
    if isinstance(target, ServiceModel):
        unknown = set(changes) - set(MODEL_FIELDS)
        if unknown:
            raise KeyError(f"not a model-level field: {', '.join(sorted(unknown))}")
        updated = target.model_copy()
        for key, value in changes.items():
            ServiceModel.__pydantic_validator__.validate_assignment(updated, key, value)
    else:
        updated = type(target).model_validate({**target.model_dump(), **changes})
    return {key: getattr(updated, key) for key in changes}


def set_fields(target: Component | Pathway | ServiceModel, changes: dict[str, Any]
               ) -> dict[str, Any]:
    """Set fields already checked by `checked_changes`; return their old values."""
    old = {key: getattr(target, key) for key in changes}
    for key, value in changes.items():
        setattr(target, key, value)
    return old


def replace_plan(model: ServiceModel, plan_id: str, plan: LotPlan) -> LotPlan:
    """Swap in a new version of one lot plan (lot edits build it with models.lots); return the old."""
    index = next(i for i, p in enumerate(model.lot_plans) if p.id == plan_id)
    old = model.lot_plans[index]
    model.lot_plans[index] = plan
    return old


def set_plans(model: ServiceModel, plans: list[LotPlan], active: str) -> tuple[list[LotPlan], str]:
    """Replace the list of lot plans and the active plan (add, delete, reorder plans)."""
    old = (model.lot_plans, model.active_plan)
    model.lot_plans = plans
    model.active_plan = active
    return old
