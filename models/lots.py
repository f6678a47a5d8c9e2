"""Lot and lot-plan operations (no Qt).

Every function returns a NEW plan, or a new list of plans, and never changes its argument: the
designer hands the result to `Document.replace_plan` / `set_plans`, which keep before and after
snapshots for undo. Ids come from `schema.unique_id`, so they stay unique within the plan.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from . import catalogue
from .schema import Component, Contract, FundingAllocation, Lot, LotPlan, ServiceModel, unique_id


NAME_LIMIT = 10_000  # the schema's limit on text fields


def _name(text: str, fallback: str) -> str:
    """A name as typed, trimmed; the fallback when blank. Too long is refused in words
    (plain attribute assignment would skip the schema and write a file nobody could open)."""
    text = " ".join(text.split())
    if len(text) > NAME_LIMIT:
        raise ValueError(f"a name can be at most {NAME_LIMIT:,} characters; this one has "
                         f"{len(text):,}")
    return text or fallback


def _copy(plan: LotPlan) -> LotPlan:
    return plan.model_copy(deep=True)


def unknown_plan(model: ServiceModel, plan_id: str) -> str:
    """Why a plan id was refused, with the ids that would work (they show nowhere else)."""
    known = "; ".join(f"{p.id} ({p.name})" for p in model.lot_plans) or "none"
    return f"no lot plan has id {plan_id!r}; the plans are: {known}"


def _code_key(text: str) -> str:
    return text.strip().lower()  # "L1", " l1 ": codes are read off paper, in any case


def lots_named(plan: LotPlan, key: str) -> list[Lot]:
    """The lots `key` could mean: by id, or by code as printed ("L1", any case). More than
    one when codes collide (the lot-code-duplicate finding)."""
    wanted = _code_key(key)
    return [lot for lot in plan.lots
            if lot.id == key or _code_key(lot.id) == wanted
            or (lot.code.strip() and _code_key(lot.code) == wanted)]


def lot_id_for(plan: LotPlan, key: str) -> str | None:
    """The id of the lot `key` names: its id, or its code as printed ("L1", any case);
    None when no lot, or more than one, answers to it."""
    found = lots_named(plan, key)
    return found[0].id if len(found) == 1 else None


def lot_words(lot: Lot) -> str:
    """'lot "Treatment" (id lot-2, code L1)': which lot a command matched."""
    return f"lot {lot.name!r} (id {lot.id}, code {lot.code or 'none'})"


def unknown_lot(plan: LotPlan, lot_id: str) -> str:
    known = "; ".join(f"{lot.id} ({lot.code} {lot.name})" for lot in plan.lots) or "none"
    return f"lot plan {plan.name!r} has no lot with id {lot_id!r}; its lots are: {known}"


def _lot(plan: LotPlan, lot_id: str) -> Lot:
    lot = plan.lot(lot_id)
    if lot is None:
        raise KeyError(unknown_lot(plan, lot_id))
    return lot


def slug(text: str) -> str:
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in text).split()
    return "-".join(words)[:40] or "lot"


def _next_style(plan: LotPlan) -> tuple[str, str, str]:
    """The first default colour/pattern/code no lot of the plan uses yet."""
    codes = {lot.code for lot in plan.lots}
    for index in range(len(plan.lots) + len(catalogue.LOT_COLOURS) + 1):
        style = catalogue.default_lot_style(index)
        if style[2] not in codes:
            return style
    return catalogue.default_lot_style(len(plan.lots))


def _default_codes(plan: LotPlan) -> bool:
    return all(lot.code == f"L{i + 1}" for i, lot in enumerate(plan.lots))


def _renumbered(before: LotPlan, after: LotPlan) -> LotPlan:
    """Keep codes L1, L2, L3... in order after lots are removed or inserted, when the plan
    used that sequence before (codes a commissioner chose are left alone)."""
    if _default_codes(before):
        for i, lot in enumerate(after.lots):
            lot.code = f"L{i + 1}"
    return after


def add_lot(plan: LotPlan, name: str = "", components: Iterable[str] = ()) -> tuple[LotPlan, str]:
    """(new plan, the new lot's id). Members given are moved out of any other lot."""
    new = _copy(plan)
    colour, pattern, code = _next_style(new)
    name = _name(name, f"Lot {code[1:]}")
    lot_id = unique_id(slug(name), {lot.id for lot in new.lots})
    new.lots.append(Lot(id=lot_id, name=name, code=code, colour=colour, pattern=pattern))
    return (assign(new, lot_id, components) if components else new), lot_id


def remove_lot(plan: LotPlan, lot_id: str) -> LotPlan:
    new = _copy(plan)
    new.lots.remove(_lot(new, lot_id))
    return _renumbered(plan, new)


def rename_lot(plan: LotPlan, lot_id: str, name: str) -> LotPlan:
    new = _copy(plan)
    lot = _lot(new, lot_id)
    lot.name = _name(name, lot.name)
    return new


def assign(plan: LotPlan, lot_id: str, component_ids: Iterable[str]) -> LotPlan:
    """Put components in a lot, moving them out of any other lot of the plan."""
    moving = list(dict.fromkeys(component_ids))
    new = _copy(plan)
    target = _lot(new, lot_id)
    for lot in new.lots:
        if lot is not target:
            lot.components = [m for m in lot.components if m not in moving]
    target.components += [m for m in moving if m not in target.components]
    return new


def unassign(plan: LotPlan, component_ids: Iterable[str]) -> LotPlan:
    """Take components out of every lot of the plan."""
    leaving = set(component_ids)
    new = _copy(plan)
    for lot in new.lots:
        lot.components = [m for m in lot.components if m not in leaving]
    return new


def lot_of(plan: LotPlan, component_id: str) -> Lot | None:
    return next((lot for lot in plan.lots if component_id in lot.components), None)


def needs_a_lot(component: Component) -> bool:
    """A procured, council-commissioned service: every lot plan must put it in a lot (the
    unassigned-component rule). NHS- and PCC-commissioned services and in-house ones need not."""
    return (component.procured and component.commissioner == "local_authority"
            and component.kind_info.is_service)


def unassigned_services(model: ServiceModel, plan: LotPlan | None) -> list[str]:
    """Ids of services that need a lot and are in none; none while the plan has no lots yet
    (a plan not designed yet is not one whose every service is unassigned)."""
    if plan is None or not plan.lots:
        return []
    placed = {m for lot in plan.lots for m in lot.components}
    return [c.id for c in model.components if c.id not in placed and needs_a_lot(c)]


def _sum_funding(*allocations: list[FundingAllocation]) -> list[FundingAllocation]:
    totals: Counter[str] = Counter()
    for allocation in (a for group in allocations for a in group):
        totals[allocation.source] += allocation.annual_amount
    return [FundingAllocation(source=s, annual_amount=v) for s, v in totals.items()]


def merge_lots(plan: LotPlan, keep_id: str, other_id: str, name: str | None = None) -> LotPlan:
    """One lot from two: members of both, funding summed per source, annual values added,
    the kept lot's other contract terms and colour; codes L1, L2... close up."""
    if keep_id == other_id:
        raise ValueError("a lot cannot be merged with itself")
    new = _copy(plan)
    keep, other = _lot(new, keep_id), _lot(new, other_id)
    keep.components = list(dict.fromkeys([*keep.components, *other.components]))
    keep.funding = _sum_funding(keep.funding, other.funding)
    values = [v for v in (keep.contract.annual_value, other.contract.annual_value) if v is not None]
    keep.contract.annual_value = sum(values) if values else None
    keep.name = _name(name or "", keep.name)
    if other.notes:
        keep.notes = "\n".join(n for n in (keep.notes, other.notes) if n)
    new.lots.remove(other)
    return _renumbered(plan, new)


def split_lot(plan: LotPlan, lot_id: str, component_ids: Iterable[str], new_name: str
              ) -> tuple[LotPlan, str]:
    """(new plan, new lot id): the given members of a lot leave it for a new lot that copies
    its contract terms (without value or funding, which the commissioner divides)."""
    source = _lot(plan, lot_id)
    moving = [m for m in dict.fromkeys(component_ids) if m in source.components]
    if not moving:
        raise ValueError(f"choose components of lot {source.name!r} to split off")
    new, new_id = add_lot(plan, new_name or f"{source.name} (split)", moving)
    lot = _lot(new, new_id)
    lot.contract = source.contract.model_copy(deep=True, update={"annual_value": None})
    # Place the new lot right after the one it came from, so codes read in order.
    new.lots.remove(lot)
    new.lots.insert(next(i for i, x in enumerate(new.lots) if x.id == lot_id) + 1, lot)
    return _renumbered(plan, new), new_id


def set_contract(plan: LotPlan, lot_id: str, contract: Contract) -> LotPlan:
    new = _copy(plan)
    # Validated afresh, KPIs included: a contract built with model_copy(update=...) or
    # model_construct skipped validation, and the file must stay readable.
    _lot(new, lot_id).contract = Contract.model_validate(contract.model_dump())
    return new


def set_funding(plan: LotPlan, lot_id: str, allocations: Iterable[FundingAllocation]) -> LotPlan:
    """One line per source (repeated sources are added together)."""
    new = _copy(plan)
    _lot(new, lot_id).funding = _sum_funding(list(allocations))
    return new


def update_lot(plan: LotPlan, lot_id: str, **changes) -> LotPlan:
    """Set lot fields (name, code, colour, pattern, notes), validated through the schema."""
    new = _copy(plan)
    index = next(i for i, lot in enumerate(new.lots) if lot.id == _lot(new, lot_id).id)
    new.lots[index] = Lot.model_validate({**new.lots[index].model_dump(), **changes})
    return new


# --- the list of plans ------------------------------------------------------------------------

def _plan_id(name: str, plans: list[LotPlan]) -> str:
    return unique_id(slug(name) if slug(name) != "lot" else "plan", {p.id for p in plans})


def add_plan(plans: list[LotPlan], name: str = "") -> tuple[list[LotPlan], str]:
    """(new list, new plan id): an empty plan at the end."""
    name = _name(name, f"Lot plan {len(plans) + 1}")
    plan = LotPlan(id=_plan_id(name, plans), name=name)
    return [p.model_copy(deep=True) for p in plans] + [plan], plan.id


def duplicate_plan(plans: list[LotPlan], plan_id: str, name: str = "") -> tuple[list[LotPlan], str]:
    """(new list, copy's id): a copy right after the original with a fresh plan id. Lot ids
    are only unique within a plan, so the copy keeps them: the same lot reads the same in both."""
    index = next(i for i, p in enumerate(plans) if p.id == plan_id)
    original = plans[index]
    copy = original.model_copy(deep=True)
    copy.name = _name(name, f"{original.name} (copy)"[:NAME_LIMIT])
    copy.id = _plan_id(copy.name, plans)
    copy.based_on = original.id
    new = [p.model_copy(deep=True) for p in plans]
    new.insert(index + 1, copy)
    return new, copy.id


def merge_in_copy(plans: list[LotPlan], plan_id: str, keep_id: str, other_id: str,
                  name: str | None = None, copy_name: str | None = None
                  ) -> tuple[list[LotPlan], str]:
    """(new list, copy's id): a copy of the plan with two lots merged, the original kept for
    the options appraisal. The copy's notes say what it is: the original's notes are about
    the original (a copy of "The first tender: no bids..." would mislead in the tender pack)."""
    original = next(p for p in plans if p.id == plan_id)
    keep, other = original.lot(keep_id), original.lot(other_id)
    if keep is None or other is None:
        raise ValueError(unknown_lot(original, keep_id if keep is None else other_id))
    plans, copy_id = duplicate_plan(
        plans, plan_id, copy_name or merged_copy_name(original.name, keep.name, other.name))
    index = next(i for i, p in enumerate(plans) if p.id == copy_id)
    merged = merge_lots(plans[index], keep_id, other_id, name)
    merged.notes = (f"A copy of the lot plan {original.name} with its lots {keep.name} and "
                    f"{other.name} merged into one.")
    plans[index] = merged
    return plans, copy_id


# Words that say little in a plan name: "Clinical treatment" reads as "Clinical".
_GENERIC_WORDS = {"treatment", "service", "services", "support", "provision", "lot"}
COPY_NAME_LIMIT = 60  # fits the lot plan box and two lines of an appraisal column title


def merged_copy_name(plan_name: str, keep_name: str, other_name: str) -> str:
    """A short name for the copy of a plan in which two lots are merged, saying where it
    came from: 'From Three lots: Clinical + Care and engagement merged'; 'From <plan>, merged'
    when that is long.
    The plan's bracketed note ('(first tender)') belongs to the original, so it is dropped."""
    base = " ".join(plan_name.split())
    if base.endswith(")") and " (" in base:
        base = base[:base.rindex(" (")]

    def short(name: str) -> str:
        words = name.split()
        kept = [w for w in words if w.lower() not in _GENERIC_WORDS]
        return " ".join(kept if kept and len(kept) < len(words) else words)

    name = f"From {base}: {short(keep_name)} + {short(other_name)} merged"
    if len(name) <= COPY_NAME_LIMIT:
        return name
    room = COPY_NAME_LIMIT - len("From , merged")
    base = base if len(base) <= room else base[:room - 1] + "\u2026"
    return f"From {base}, merged"


def rename_plan(plans: list[LotPlan], plan_id: str, name: str) -> list[LotPlan]:
    new = [p.model_copy(deep=True) for p in plans]
    plan = next(p for p in new if p.id == plan_id)
    plan.name = _name(name, plan.name)
    return new


def delete_plan(plans: list[LotPlan], plan_id: str, active: str) -> tuple[list[LotPlan], str]:
    """(new list, new active id). The last plan is never deleted; when the active plan goes,
    the next plan (or the previous, at the end) becomes active."""
    if len(plans) <= 1:
        raise ValueError("a model keeps at least one lot plan")
    index = next(i for i, p in enumerate(plans) if p.id == plan_id)
    new = [p.model_copy(deep=True) for i, p in enumerate(plans) if i != index]
    if active == plan_id:
        active = new[min(index, len(new) - 1)].id
    return new, active
