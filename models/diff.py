"""Compare two versions of a model: what a colleague or partner changed, in plain words.

`diff_models(old, new)` matches components, funding sources, lot plans and lots by id, and
pathways by their two ends (a valid model has one pathway per pair; a pathway whose id stayed
but whose ends moved is reported as reconnected). Every change is kept field by field with the
raw values (for scripts and the canvas) and display text (for people: component names, pounds,
years). Positions are reported apart as "moved": they count as a difference but say nothing
about the service. The revision log is history, not content, and is not compared.

Ids in `added` and `changed` entries are ids in the new model; ids in `removed` entries are
ids in the old model (the canvas draws those as ghosts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timezone
from typing import Any, Iterable

from . import catalogue as cat
from .checks import Finding, run_checks
from .control_chars import escape_controls
from .procurement import PSR_CRITERIA
from .schema import ServiceModel
from .wording import and_list

# How each field is called in a sentence; anything not listed reads as its key with spaces.
LABELS = {
    "estimated_annual_cost": "estimated annual cost", "upper_age": "upper age",
    "restricted_cohorts": "restricted to", "annual_amount": "annual amount",
    "initial_term_years": "initial term", "extensions_years": "extensions",
    "break_clause_years": "break clause", "quality_weight": "quality weight",
    "price_weight": "price weight", "social_value_weight": "social value weight",
    "pricing_model": "pricing model", "payment_basis": "payment basis",
    "annual_value": "annual value", "procurement_route": "procurement route",
    "start_date": "start date", "required_kinds": "required services",
    "active_plan": "active lot plan", "share_percent": "share of people",
    "source": "from", "target": "to", "procured": "procured",
    "psr_criteria": "PSR key criteria", "engagement": "market engagement log",
    "risks": "risk register", "current_contract_end": "current contract end",
    "current_contract_extendable": "current contract can be extended",
    "extends_current": "extends the current contracts", "plans": "lot plans",
    "mobilisation_months": "mobilisation (months)", "max_lots_per_bidder": "most lots per bidder",
}
_MONEY = {"estimated_annual_cost", "annual_amount", "annual_value"}
_YEARS = {"initial_term_years", "break_clause_years"}
_PERCENT = {"quality_weight", "price_weight", "social_value_weight", "share_percent"}
_CHOICES = {"kind": {k: v.name for k, v in cat.KINDS.items()},
            "required_kinds": {k: v.name for k, v in cat.KINDS.items()},
            "cohorts": cat.COHORTS, "restricted_cohorts": cat.COHORTS,
            "commissioner": cat.COMMISSIONERS, "pricing_model": cat.PRICING_MODELS,
            "payment_basis": cat.PAYMENT_BASES, "procurement_route": cat.PROCUREMENT_ROUTES,
            "frequency": cat.KPI_FREQUENCIES}
MAX_TEXT = 80  # long notes are cut in the text report; the JSON keeps them whole
MAX_MOVED_NAMES = 12


@dataclass(frozen=True)
class Change:
    field: str  # key path inside the item: "name", "contract.initial_term_years", "kpis[Deaths]"
    old: Any  # JSON values as in the file; None when absent
    new: Any
    label: str = ""  # what a reader calls the field
    old_text: str = ""
    new_text: str = ""
    text: str = ""  # the whole sentence, when "old -> new" is not the clearest way to say it

    def to_json(self) -> dict:
        return {"field": self.field, "old": self.old, "new": self.new}

    def sentence(self) -> str:
        said = self.text or f"{self.label}: {self.old_text} -> {self.new_text}"
        return said[:1].upper() + said[1:]


@dataclass(frozen=True)
class Item:
    id: str
    name: str

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class ChangedItem:
    id: str
    name: str
    changes: tuple[Change, ...]

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "changes": [c.to_json() for c in self.changes]}


@dataclass(frozen=True)
class Move:
    id: str
    name: str
    old: tuple[float, float] | None  # None: placed by the automatic layout
    new: tuple[float, float] | None

    def to_json(self) -> dict:
        point = lambda p: None if p is None else {"x": p[0], "y": p[1]}  # noqa: E731
        return {"id": self.id, "name": self.name, "old": point(self.old), "new": point(self.new)}


@dataclass
class Section:
    """Added, removed and changed items of one kind."""
    added: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    changed: list[ChangedItem] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def to_json(self) -> dict:
        return {"added": [i.to_json() for i in self.added],
                "removed": [i.to_json() for i in self.removed],
                "changed": [i.to_json() for i in self.changed]}


@dataclass
class LotDiff:
    id: str
    name: str
    changes: list[Change] = field(default_factory=list)  # lot fields, contract.*, kpis, funding
    joined: list[Item] = field(default_factory=list)  # components that came into the lot
    left: list[Item] = field(default_factory=list)  # components that left it

    def __bool__(self) -> bool:
        return bool(self.changes or self.joined or self.left)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "changes": [c.to_json() for c in self.changes],
                "joined": [i.to_json() for i in self.joined],
                "left": [i.to_json() for i in self.left]}


@dataclass
class PlanDiff:
    id: str
    name: str
    changes: list[Change] = field(default_factory=list)  # name, notes, localities
    lots_added: list[Item] = field(default_factory=list)
    lots_removed: list[Item] = field(default_factory=list)
    lots_changed: list[LotDiff] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes or self.lots_added or self.lots_removed or self.lots_changed)

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "changes": [c.to_json() for c in self.changes],
                "lots": {"added": [i.to_json() for i in self.lots_added],
                         "removed": [i.to_json() for i in self.lots_removed],
                         "changed": [d.to_json() for d in self.lots_changed]}}


@dataclass
class ModelDiff:
    old_title: str
    new_title: str
    old_revision: int
    new_revision: int
    model: list[Change] = field(default_factory=list)  # title, authority, notes, localities...
    components: Section = field(default_factory=Section)
    moved: list[Move] = field(default_factory=list)
    pathways: Section = field(default_factory=Section)
    funding_sources: Section = field(default_factory=Section)
    plans_added: list[Item] = field(default_factory=list)
    plans_removed: list[Item] = field(default_factory=list)
    plans_changed: list[PlanDiff] = field(default_factory=list)
    findings_appeared: list[Finding] = field(default_factory=list)  # on each side's active plan
    findings_gone: list[Finding] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.model or self.components or self.moved or self.pathways
                    or self.funding_sources or self.plans_added or self.plans_removed
                    or self.plans_changed or self.findings_appeared or self.findings_gone)

    def to_json(self) -> dict:
        return {
            "same": self.is_empty,
            "old": {"title": self.old_title, "revision": self.old_revision},
            "new": {"title": self.new_title, "revision": self.new_revision},
            "model": [c.to_json() for c in self.model],
            "components": {**self.components.to_json(),
                           "moved": [m.to_json() for m in self.moved]},
            "pathways": self.pathways.to_json(),
            "funding_sources": self.funding_sources.to_json(),
            "lot_plans": {"added": [i.to_json() for i in self.plans_added],
                          "removed": [i.to_json() for i in self.plans_removed],
                          "changed": [p.to_json() for p in self.plans_changed]},
            "findings": {"appeared": [f.to_json() for f in self.findings_appeared],
                         "gone": [f.to_json() for f in self.findings_gone]},
        }

    def to_text(self) -> str:
        """The comparison as lines a commissioner can read, print or paste into an email."""
        if self.old_title == self.new_title:
            head = f'Changes to "{self.new_title}" from revision {self.old_revision} to ' \
                   f'revision {self.new_revision}'
        else:
            head = f'Changes from "{self.old_title}" (revision {self.old_revision}) to ' \
                   f'"{self.new_title}" (revision {self.new_revision})'
        lines = [head]
        if self.is_empty:
            return _joined([*lines, "No differences: both files hold the same model."])

        def block(title: str, body: list[str]) -> None:
            if body:
                lines.extend(["", title, *body])

        block("Model", [f"  {c.sentence()}" for c in self.model])
        _section_lines(block, "Components", self.components)
        if self.moved:
            names = [m.name for m in self.moved]
            more = len(names) - MAX_MOVED_NAMES
            shown = ", ".join(names[:MAX_MOVED_NAMES]) + (f" and {more} more" if more > 0 else "")
            block("Components moved on the canvas", [f"  ~ {shown}"])
        _section_lines(block, "Pathways", self.pathways)
        _section_lines(block, "Funding sources", self.funding_sources)
        block("Lot plans added", [f"  + {i.name}" for i in self.plans_added])
        block("Lot plans removed", [f"  - {i.name}" for i in self.plans_removed])
        for plan in self.plans_changed:
            body = [f"  {c.sentence()}" for c in plan.changes]
            body += [f"  + lot {i.name} added" for i in plan.lots_added]
            body += [f"  - lot {i.name} removed" for i in plan.lots_removed]
            for lot in plan.lots_changed:
                body.append(f"  Lot {lot.name}:")
                if lot.joined:
                    body.append(f"    Now includes {and_list([i.name for i in lot.joined])}")
                if lot.left:
                    body.append(f"    No longer includes {and_list([i.name for i in lot.left])}")
                body += [f"    {c.sentence()}" for c in lot.changes]
            block(f"Lot plan {plan.name}", body)
        # No +/- on findings: one that appears is bad news, not an addition (as in the window).
        block("Findings that appeared",
              [f"  {f.severity.capitalize()}: {f.message}" for f in self.findings_appeared])
        block("Findings that went",
              [f"  {f.severity.capitalize()}: {f.message}" for f in self.findings_gone])
        return _joined(lines)


def _joined(lines: list[str]) -> str:
    """One line per entry: a line break or a control character in a name is escaped."""
    return "".join(escape_controls(line, keep_newlines=False) + "\n" for line in lines)


def _section_lines(block, title: str, section: Section) -> None:
    block(f"{title} added", [f"  + {i.name}" for i in section.added])
    block(f"{title} removed", [f"  - {i.name}" for i in section.removed])
    body = []
    for item in section.changed:
        body.append(f"  * {item.name}:")
        body += [f"      {c.sentence()}" for c in item.changes]
    block(f"{title} changed", body)


# --- value display ---------------------------------------------------------------------------

def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT - 3] + "..."
    return f'"{text}"'


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def show(key: str, value: Any, names: dict[str, str] | None = None) -> str:
    """Display text for one field value; `names` turns ids into names (components, plans)."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in _CHOICES:
        table = _CHOICES[key]
        if isinstance(value, list):
            return ", ".join(table.get(v, v) for v in value) or "none"
        return table.get(value, value)
    if key == "extensions_years":
        return " + ".join(_number(v) for v in value) + " years" if value else "none"
    if isinstance(value, list):
        return ", ".join(show(key, v) if isinstance(v, dict) else str(v)
                         for v in value) or "none"
    if key == "psr_criteria":
        return ", ".join(f"{PSR_CRITERIA[k]} {_number(v)}%" for k, v in value.items()
                         if k in PSR_CRITERIA) or "none"
    if isinstance(value, dict) and not {"risk", "who", "label"}.isdisjoint(value):
        # A risk, a conversation with the market or a milestone: what it is called, and when.
        name = value.get("risk") or value.get("label") or value.get("who") or ""
        return " ".join(filter(None, [value.get("date", ""), _quote(name)]))
    if isinstance(value, dict):  # a KPI
        parts = [value.get("target") or "", show("frequency", value.get("frequency"))]
        return ", ".join(p for p in parts if p and p != "not set") or "no target"
    if key in _MONEY:
        return f"£{_number(value)}"
    if key in _YEARS:
        return f"{_number(value)} year{'' if value == 1 else 's'}"
    if key in _PERCENT:
        return f"{_number(value)}%"
    if isinstance(value, (int, float)):
        return _number(value)
    if names is not None and key in ("source", "target", "active_plan"):
        return names.get(value, value)
    return _quote(value) if value else "blank"


def _change(path: str, key: str, old: Any, new: Any, names=None, label: str = "") -> Change:
    label = label or LABELS.get(key, key.replace("_", " "))
    text = ""
    if isinstance(old, list) and isinstance(new, list) and key != "extensions_years":
        # Long lists read better as what came and went than as two full lists.
        came = [v for v in new if v not in old]
        went = [v for v in old if v not in new]
        parts = ([f"added {show(key, came, names)}"] if came else []) + \
                ([f"removed {show(key, went, names)}"] if went else [])
        text = f"{label}: {'; '.join(parts) or 'reordered'}"
    return Change(path, old, new, label, show(key, old, names), show(key, new, names), text)


def _field_changes(old: dict, new: dict, skip: Iterable[str] = (), prefix: str = "",
                   names=None) -> list[Change]:
    """Changes between two dumped items, in schema key order."""
    skipped = set(skip)
    changes = []
    for key in dict.fromkeys([*new, *old]):
        if key in skipped or old.get(key) == new.get(key):
            continue
        label = LABELS.get(key, key.replace("_", " "))
        changes.append(_change(prefix + key, key, old.get(key), new.get(key), names,
                               f"{prefix.rstrip('.')} {label}".strip() if prefix else label))
    return changes


def _dump(item) -> dict:
    return item.model_dump(mode="json", exclude_none=True)


def _by_id(items) -> dict[str, Any]:
    return {item.id: item for item in items}


# --- the comparison ------------------------------------------------------------------------

def is_later_version(other: ServiceModel, base: ServiceModel) -> bool:
    """Whether `other` is a later version of the model than `base`, from their revision logs:
    other's log carries on from base's (it was saved on from a copy of it), or, when the logs
    part ways, other was saved last. False when nothing says so (no revisions, same log)."""
    def key(r):
        return r.number, _utc(r.time)
    mine, theirs = [key(r) for r in base.revisions], [key(r) for r in other.revisions]
    if theirs[:len(mine)] == mine:
        return len(theirs) > len(mine)
    if mine[:len(theirs)] == theirs:
        return False
    return bool(theirs) and (not mine or theirs[-1][1] > mine[-1][1])


def _utc(moment):
    """Times in files may lack a zone: read them as UTC, so any two compare."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def diff_models(old: ServiceModel, new: ServiceModel, findings: bool = True) -> ModelDiff:
    """What changed from `old` to `new`. `findings=False` skips re-running the checks."""
    names = {c.id: c.name or cat.KINDS[c.kind].name for c in old.components}
    names.update({c.id: c.name or cat.KINDS[c.kind].name for c in new.components})
    plan_names = {p.id: p.name for p in [*old.lot_plans, *new.lot_plans]}
    diff = ModelDiff(old.title, new.title, old.revision, new.revision)

    meta_keys = ("title", "authority", "author", "notes", "localities", "required_kinds",
                 "active_plan")
    other_keys = [k for k in _dump(new) if k not in meta_keys]
    diff.model = _field_changes(_dump(old), _dump(new), skip=other_keys, names=plan_names)
    _diff_components(old, new, names, diff)
    diff.pathways = _diff_pathways(old, new, names)
    diff.funding_sources = _diff_plain(old.funding_sources, new.funding_sources)

    old_plans, new_plans = _by_id(old.lot_plans), _by_id(new.lot_plans)
    diff.plans_added = [Item(p.id, p.name) for p in new.lot_plans if p.id not in old_plans]
    diff.plans_removed = [Item(p.id, p.name) for p in old.lot_plans if p.id not in new_plans]
    sources = {f.id: f.name for f in [*old.funding_sources, *new.funding_sources]}
    for plan in new.lot_plans:
        if plan.id in old_plans:
            plan_diff = _diff_plan(old_plans[plan.id], plan, names, sources)
            if plan_diff:
                diff.plans_changed.append(plan_diff)

    if findings:
        key = lambda f: (f.rule, f.severity, f.message, f.lot)  # noqa: E731
        before, after = run_checks(old), run_checks(new)
        before_keys, after_keys = {key(f) for f in before}, {key(f) for f in after}
        diff.findings_appeared = [f for f in after if key(f) not in before_keys]
        diff.findings_gone = [f for f in before if key(f) not in after_keys]
    return diff


def _diff_components(old: ServiceModel, new: ServiceModel, names: dict, diff: ModelDiff) -> None:
    before = _by_id(old.components)
    after = _by_id(new.components)
    diff.components.added = [Item(c.id, names[c.id]) for c in new.components if c.id not in before]
    diff.components.removed = [Item(c.id, names[c.id]) for c in old.components if c.id not in after]
    for c in new.components:
        if c.id not in before:
            continue
        was = before[c.id]
        changes = _field_changes(_dump(was), _dump(c), skip=("id", "position"))
        if changes:
            diff.components.changed.append(ChangedItem(c.id, names[c.id], tuple(changes)))
        point = lambda p: None if p is None else (p.x, p.y)  # noqa: E731
        if point(was.position) != point(c.position):
            diff.moved.append(Move(c.id, names[c.id], point(was.position), point(c.position)))


def _diff_pathways(old: ServiceModel, new: ServiceModel, names: dict) -> Section:
    title = lambda p: f"{names.get(p.source, p.source)} to {names.get(p.target, p.target)}"  # noqa
    pair = lambda p: (p.source, p.target)  # noqa: E731
    before = {pair(p): p for p in old.pathways}
    after = {pair(p): p for p in new.pathways}
    section = Section()
    gone = [p for p in old.pathways if pair(p) not in after]
    came = [p for p in new.pathways if pair(p) not in before]
    # A pathway that kept its id but changed an end was reconnected, not replaced.
    gone_by_id = {p.id: p for p in gone}
    reconnected = {p.id for p in came if p.id in gone_by_id}
    for p in new.pathways:
        if pair(p) in before:
            was = before[pair(p)]
        elif p.id in reconnected:
            was = gone_by_id[p.id]
        else:
            section.added.append(Item(p.id, title(p)))
            continue
        changes = _field_changes(_dump(was), _dump(p), skip=("id",), names=names)
        if changes:
            section.changed.append(ChangedItem(p.id, title(p), tuple(changes)))
    section.removed = [Item(p.id, title(p)) for p in gone if p.id not in reconnected]
    return section


def _diff_plain(old_items, new_items) -> Section:
    """Items matched by id and compared field by field (funding sources)."""
    before = _by_id(old_items)
    after = _by_id(new_items)
    section = Section(added=[Item(i.id, i.name) for i in new_items if i.id not in before],
                      removed=[Item(i.id, i.name) for i in old_items if i.id not in after])
    for item in new_items:
        if item.id in before:
            changes = _field_changes(_dump(before[item.id]), _dump(item), skip=("id",))
            if changes:
                section.changed.append(ChangedItem(item.id, item.name, tuple(changes)))
    return section


def _diff_plan(old, new, names: dict, sources: dict) -> PlanDiff:
    diff = PlanDiff(new.id, new.name,
                    _field_changes(_dump(old), _dump(new), skip=("id", "lots")))
    before, after = _by_id(old.lots), _by_id(new.lots)
    diff.lots_added = [Item(lot.id, lot.name) for lot in new.lots if lot.id not in before]
    diff.lots_removed = [Item(lot.id, lot.name) for lot in old.lots if lot.id not in after]
    for lot in new.lots:
        if lot.id in before:
            lot_diff = _diff_lot(before[lot.id], lot, names, sources)
            if lot_diff:
                diff.lots_changed.append(lot_diff)
    return diff


def _keyed_kpis(kpis: list[dict]) -> dict[str, dict]:
    # KPIs have no id: match them by name (and by order when a name repeats).
    keyed: dict[str, dict] = {}
    for kpi in kpis:
        key = kpi["name"]
        n = 2
        while key in keyed:
            key, n = f"{kpi['name']} ({n})", n + 1
        keyed[key] = {k: v for k, v in kpi.items() if k != "name"}
    return keyed


def _diff_lot(old, new, names: dict, sources: dict) -> LotDiff:
    was, now = _dump(old), _dump(new)
    diff = LotDiff(new.id, new.name,
                   _field_changes(was, now, skip=("id", "components", "contract", "funding")))
    members_before, members_after = set(old.components), set(new.components)
    diff.joined = [Item(c, names.get(c, c)) for c in dict.fromkeys(new.components)
                   if c not in members_before]
    diff.left = [Item(c, names.get(c, c)) for c in dict.fromkeys(old.components)
                 if c not in members_after]

    contract_was, contract_now = was.get("contract", {}), now.get("contract", {})
    diff.changes += _field_changes(contract_was, contract_now, skip=("kpis",), prefix="contract.")
    kpis_was = _keyed_kpis(contract_was.get("kpis", []))
    kpis_now = _keyed_kpis(contract_now.get("kpis", []))
    for name in dict.fromkeys([*kpis_now, *kpis_was]):
        a, b = kpis_was.get(name), kpis_now.get(name)
        if a != b:
            label = f"KPI {_quote(name)}"
            old_text = show("kpi", a) if a is not None else "none"
            new_text = show("kpi", b) if b is not None else "none"
            text = (f"{label} added ({new_text})" if a is None else
                    f"{label} removed" if b is None else "")
            diff.changes.append(Change(f"contract.kpis[{name}]", a, b, label, old_text,
                                       new_text, text))
    money_was = {f["source"]: f["annual_amount"] for f in was.get("funding", [])}
    money_now = {f["source"]: f["annual_amount"] for f in now.get("funding", [])}
    for source in dict.fromkeys([*money_now, *money_was]):
        a, b = money_was.get(source), money_now.get(source)
        if a != b:
            diff.changes.append(_change(f"funding[{source}]", "annual_amount", a, b,
                                        label=f"funding from {sources.get(source, source)}"))
    return diff
