"""The service model schema (pydantic v2), version 2 of the file contract.

Field order here is the key order in saved files, so keep it stable. Optional facts a
commissioner may not have filled in yet are `None`, and the rules judge only what is set.
Cross-references (pathway ends, lot members, the active plan...) are checked by
`models.integrity`, which can name every broken key path at once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer,
                      StringConstraints, WithJsonSchema, field_validator, model_validator)

from . import catalogue

FORMAT = "service-model"
VERSION = 2
DEFAULT_PLAN_ID = "plan-1"


def _number_out(value: float) -> float | int:
    # Whole pounds and grid positions read better as 120000 than 120000.0. An int can arrive
    # through model_copy(update=...), which skips validation.
    return int(value) if float(value).is_integer() else value


def _real_date(value: str) -> str:
    # Kept as text in the file, but it must be a real calendar date: 2024-13-45 is refused.
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    return value


def _one_of(table: dict[str, Any], what: str):
    def check(value: str) -> str:
        if value not in table:
            raise ValueError(f"unknown {what} {value!r}")
        return value
    return check


# Numbers and flags are strict: "12" or true where a number belongs, or "yes" for a flag, is a
# mistake in the file to report, not something to guess at (a whole number is fine for a float).
Number = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=-1e12, le=1e12),
                   PlainSerializer(_number_out, return_type=int | float)]
Amount = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=1e12),
                   PlainSerializer(_number_out, return_type=int | float)]
Years = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=100),
                  PlainSerializer(_number_out, return_type=int | float)]
Percent = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=100),
                    PlainSerializer(_number_out, return_type=int | float)]
# An average stay: more than nothing, and at most fifty years.
Months = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, le=600),
                   PlainSerializer(_number_out, return_type=int | float)]
Flag = Annotated[bool, Field(strict=True)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Colour = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]
# A calendar date as ISO text (2024-04-01): kept as text in the file, refused when impossible.
IsoDate = Annotated[str, StringConstraints(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$"),
                    AfterValidator(_real_date)]
# A risk register score, 1 (very low) to 5 (very high), as council registers use.
Score = Annotated[int, Field(strict=True, ge=1, le=5)]


def _enum(table: dict[str, Any], what: str):
    return Annotated[str, AfterValidator(_one_of(table, what)),
                     WithJsonSchema({"type": "string", "enum": list(table)})]


KindId = _enum(catalogue.KINDS, "component kind")
CohortId = _enum(catalogue.COHORTS, "cohort")
CommissionerId = _enum(catalogue.COMMISSIONERS, "commissioner")
PricingModel = _enum(catalogue.PRICING_MODELS, "pricing model")
PaymentBasis = _enum(catalogue.PAYMENT_BASES, "payment basis")
ProcurementRoute = _enum(catalogue.PROCUREMENT_ROUTES, "procurement route")
Frequency = _enum(catalogue.KPI_FREQUENCIES, "monitoring frequency")
MilestoneStage = _enum(catalogue.MILESTONE_STAGES, "milestone stage")
Pattern = Annotated[str, AfterValidator(_one_of(dict.fromkeys(catalogue.LOT_PATTERNS),
                                                   "lot pattern")),
                    WithJsonSchema({"type": "string", "enum": list(catalogue.LOT_PATTERNS)})]


class Strict(BaseModel):
    # Unknown keys are refused rather than silently dropped: a typo in a partner's file
    # should be reported, not lost on the next save.
    model_config = ConfigDict(extra="forbid")


class Position(Strict):
    x: Number
    y: Number


_KIND_DEFAULTED = frozenset({"cohorts", "commissioner", "procured"})


class Component(Strict):
    id: Id
    kind: KindId
    name: Text
    cohorts: list[CohortId] = Field(default_factory=list)
    commissioner: CommissionerId = "local_authority"
    procured: Flag = False
    localities: list[Text] = Field(default_factory=list)
    # Demand, capacity and cost (version 2; see "Demand, capacity and cost" in docs/flow.md).
    # annual_referrals belongs to referral routes only: models.integrity refuses it elsewhere.
    annual_referrals: Amount | None = None
    capacity: Annotated[int, Field(strict=True, ge=0, le=10_000_000)] | None = None
    episode_months: Months | None = None
    completion_percent: Percent | None = None
    estimated_annual_cost: Amount | None = None
    upper_age: Annotated[int, Field(strict=True, ge=10, le=30)] | None = None
    # Incumbency: who runs it today, until when, and whether that contract can run on.
    current_provider: Text = ""
    current_contract_end: IsoDate | None = None
    current_contract_extendable: Flag | None = None
    position: Position | None = None
    notes: Text = ""

    @model_validator(mode="after")
    def _kind_defaults(self) -> Component:
        """Fill cohorts, commissioner and procured from the catalogue when a file leaves them out.

        An after-validator, not a before one: pydantic then never hands the raw dict to Python,
        which keeps loading 10,000 components fast (see docs/benchmarks.md)."""
        unset = _KIND_DEFAULTED.difference(self.model_fields_set)
        if unset:
            k = self.kind_info
            if "cohorts" in unset:
                self.cohorts = list(k.default_cohorts)
            if "commissioner" in unset:
                self.commissioner = k.default_commissioner
            if "procured" in unset:
                self.procured = k.is_service and self.commissioner == "local_authority"
        return self

    @property
    def kind_info(self) -> catalogue.Kind:
        return catalogue.KINDS[self.kind]


class Pathway(Strict):
    id: Annotated[str, StringConstraints(max_length=200)] = ""  # assigned on load when absent
    source: Id
    target: Id
    label: Text = ""
    share_percent: Percent | None = None


class FundingSource(Strict):
    id: Id
    name: Text
    annual_amount: Amount | None = None
    restricted_cohorts: list[CohortId] = Field(default_factory=list)
    recurrent: Flag = True  # False for one-year grants whose renewal is uncertain
    partner: Text = ""  # who puts the money in (the county, the City, the PCC...)
    # The lot plans this money belongs to; empty: every plan. A partner's contribution to a
    # joint option only lists that option, so the options appraisal shows each its own money.
    plans: list[Id] = Field(default_factory=list)
    notes: Text = ""


class Kpi(Strict):
    name: Text
    target: Text = ""
    frequency: Frequency | None = None


class PsrCriteria(Strict):
    """Weights of the Provider Selection Regime's five key criteria (PSR 2023, regulation 5)."""
    quality_innovation: Percent | None = None
    value: Percent | None = None
    integration_collaboration: Percent | None = None
    access_inequalities_choice: Percent | None = None
    social_value: Percent | None = None


class Contract(Strict):
    initial_term_years: Years | None = None
    extensions_years: list[Years] = Field(default_factory=list)
    break_clause_years: Years | None = None
    quality_weight: Number | None = None
    price_weight: Number | None = None
    social_value_weight: Number | None = None
    pricing_model: PricingModel | None = None
    payment_basis: PaymentBasis | None = None
    annual_value: Number | None = None
    procurement_route: ProcurementRoute | None = None
    start_date: IsoDate | None = None
    psr_criteria: PsrCriteria | None = None
    kpis: list[Kpi] = Field(default_factory=list)

    def is_blank(self) -> bool:
        return self == Contract()


class FundingAllocation(Strict):
    source: Id
    annual_amount: Amount


class Lot(Strict):
    id: Id
    name: Text
    code: Annotated[str, StringConstraints(max_length=8)] = ""  # short code, e.g. L1
    colour: Colour | None = None
    pattern: Pattern | None = None
    components: list[Id] = Field(default_factory=list)
    contract: Contract = Field(default_factory=Contract)
    funding: list[FundingAllocation] = Field(default_factory=list)
    notes: Text = ""


class Engagement(Strict):
    """One conversation with the market: the log Luton's retender turned on."""
    date: IsoDate | None = None
    who: Text = ""
    said: Text = ""
    changed: Text = ""


class Risk(Strict):
    risk: Text
    likelihood: Score | None = None
    impact: Score | None = None
    owner: Text = ""
    mitigation: Text = ""


class Milestone(Strict):
    stage: MilestoneStage = "other"
    date: IsoDate
    label: Text = ""


class LotPlan(Strict):
    id: Id
    name: Text
    notes: Text = ""
    # The do-nothing option: the current contracts run on (extended) instead of a new procurement.
    extends_current: Flag = False
    max_lots_per_bidder: Annotated[int, Field(strict=True, ge=1, le=1000)] | None = None
    mobilisation_months: Months | None = None  # between award and start, what the plan needs
    engagement: list[Engagement] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    timeline: list[Milestone] = Field(default_factory=list)
    # Localities this option covers beyond the model's own, e.g. a joint service with a
    # neighbouring council.
    localities: list[Text] = Field(default_factory=list)
    # The plan this one was copied from (Duplicate, or Merge in a copy): the options appraisal
    # compares a copy with its original. A plan id that no longer exists is simply ignored.
    based_on: Id | None = None
    lots: list[Lot] = Field(default_factory=list)

    def lot(self, lot_id: str) -> Lot | None:
        return next((lot for lot in self.lots if lot.id == lot_id), None)


class Revision(Strict):
    number: Annotated[int, Field(strict=True, ge=1, le=10_000_000)]
    author: Text = ""
    time: datetime
    summary: Text = ""


class ServiceModel(Strict):
    # A file must say what it is (fileio refuses one without format and version), though a
    # model built in code gets both by default; the published schema says what files need.
    model_config = ConfigDict(extra="forbid",
                              json_schema_extra={"required": ["format", "version"]})

    format: Literal["service-model"] = FORMAT
    version: Literal[2] = VERSION
    title: Text = "Untitled service model"
    authority: Text = ""
    author: Text = ""
    notes: Text = ""
    localities: list[Text] = Field(default_factory=list)
    required_kinds: list[KindId] = Field(default_factory=lambda: list(catalogue.CORE_SERVICES))
    components: list[Component] = Field(default_factory=list)
    pathways: list[Pathway] = Field(default_factory=list)
    funding_sources: list[FundingSource] = Field(default_factory=list)
    lot_plans: list[LotPlan] = Field(default_factory=list)
    active_plan: Id = DEFAULT_PLAN_ID
    revisions: list[Revision] = Field(default_factory=list)

    @field_validator("version", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        # Literal[2] alone would take true or 2.0 for 2; a file must say 2.
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("should be a whole number")
        return value

    @model_validator(mode="after")
    def _fill_defaults(self) -> ServiceModel:
        if not self.lot_plans:
            # A file may leave lot plans out; it then gets one empty plan to start from.
            plan_id = self.active_plan if "active_plan" in self.model_fields_set else DEFAULT_PLAN_ID
            self.lot_plans.append(LotPlan(id=plan_id, name="Lot plan 1"))
            self.active_plan = plan_id
        # Only touch what is missing: setting a field on a pydantic model is slow, and a
        # national model has hundreds of lots and thousands of pathways (docs/benchmarks.md).
        for plan in self.lot_plans:
            for index, lot in enumerate(plan.lots):
                if not (lot.code and lot.colour and lot.pattern):
                    colour, pattern, code = catalogue.default_lot_style(index)
                    lot.code = lot.code or code
                    lot.colour = lot.colour or colour
                    lot.pattern = lot.pattern or pattern
        if all(p.id for p in self.pathways):
            return self
        taken = {p.id for p in self.pathways if p.id}
        for pathway in self.pathways:
            if not pathway.id:
                # Cut to leave room for unique_id's "-2": the id must itself be a valid id.
                base = f"{pathway.source}->{pathway.target}"[:190]
                pathway.id = unique_id(base, taken)
                taken.add(pathway.id)
        return self

    # Lookups used everywhere; linear, so hot paths build their own index.
    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    def pathway(self, pathway_id: str) -> Pathway | None:
        return next((p for p in self.pathways if p.id == pathway_id), None)

    def plan(self, plan_id: str | None = None) -> LotPlan | None:
        wanted = self.active_plan if plan_id is None else plan_id
        return next((p for p in self.lot_plans if p.id == wanted), None)

    def all_localities(self) -> list[str]:
        """The model's localities, then those any lot plan adds, without repeats."""
        return list(dict.fromkeys([*self.localities,
                                   *(loc for plan in self.lot_plans for loc in plan.localities)]))

    @property
    def revision(self) -> int:
        return self.revisions[-1].number if self.revisions else 0


def unique_id(base: str, taken: set[str] | dict) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken yet."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
