"""Money, worked out once: what each lot of a plan is worth, what its services are estimated to
cost, what is allocated to it from the funding sources, and what the sources provide (no Qt).

Every money statement reads `funding_position`: the checks (lot-underfunded, funding-shortfall),
the Funding window, the options appraisal, the printed pack and the Excel schedule, so no two
of them can disagree, and nothing says the money is there unless it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .procurement import plan_sources
from .schema import Component, ServiceModel
from .wording import money


@dataclass(frozen=True)
class LotMoney:
    id: str
    code: str
    name: str
    value: float | None  # the contract's annual value; None when not set
    cost: float  # the estimated annual cost of its services (0 when none is estimated)
    allocated: float  # from the funding sources, a year
    judge_allocations: bool  # the plan records funding: a value with less behind it is short

    @property
    def below_cost(self) -> float:
        """How much less the lot is worth than its services cost (providers may not bid)."""
        if self.value is None or self.value < 0:
            return 0.0
        return max(0.0, self.cost - self.value)

    @property
    def unallocated(self) -> float:
        """How much of the lot's value no funding source pays for."""
        if self.value is None or self.value < 0 or not self.judge_allocations:
            return 0.0
        return max(0.0, self.value - self.allocated)

    @property
    def shortfall(self) -> float:
        """What the lot is underfunded by: its price gap and its funding gap together."""
        return self.below_cost + self.unallocated

    def problems(self) -> list[str]:
        """What is short, in words, for a sentence about this lot."""
        said = []
        below_cost, unallocated = self.below_cost, self.unallocated
        if below_cost:
            said.append(f"is worth {money(self.value)} a year but the model's own estimates put "
                        f"the cost of its components at {money(self.cost)}")
        if unallocated:
            said.append(f"has {money(self.allocated)} a year allocated from the funding sources "
                        f"against its value of {money(self.value)}" if self.allocated else
                        f"has no funding allocated against its value of {money(self.value)}")
        return said


@dataclass(frozen=True)
class FundingPosition:
    plan_name: str
    lots: tuple[LotMoney, ...]
    funding_total: float | None  # what the sources provide a year; None when none has an amount

    @property
    def lots_total(self) -> float | None:
        values = [lot.value for lot in self.lots if lot.value is not None]
        return sum(values) if values else None

    @property
    def balance(self) -> float | None:
        """Funding minus the lots' values; negative is short. No funding recorded is none at
        all, not unknown: lots worth money with nothing behind them are that much short."""
        if self.lots_total is None:
            return None
        return (self.funding_total or 0.0) - self.lots_total

    @property
    def underfunded(self) -> list[LotMoney]:
        return [lot for lot in self.lots if lot.shortfall > 0]

    @property
    def shortfall(self) -> float:
        return sum(lot.shortfall for lot in self.lots)

    def unknowns(self) -> list[str]:
        """What is not filled in, so that no one can yet say the lots are paid for."""
        said = []
        if self.funding_total is None:
            said.append("No funding source has an annual amount yet.")
        unvalued = [lot.name for lot in self.lots if lot.value is None]
        if unvalued:
            said.append(f"No annual value is set for {', '.join(unvalued)}.")
        if not self.lots:
            said.append(f"{self.plan_name} has no lots yet.")
        return said

    @property
    def covered(self) -> bool:
        """The funding covers every lot's value and each value covers its services' cost, with
        every figure filled in: the only case in which anything may say so."""
        return (not self.unknowns() and not self.underfunded
                and self.balance is not None and self.balance >= 0)


def funding_position(model: ServiceModel, plan_id: str | None = None,
                     components: Mapping[str, Component] | None = None) -> FundingPosition:
    """The plan's money. `components`: the model's components by id, when the caller holds
    them already (the checks do), which spares a pass over every component of a large model."""
    plan = model.plan(plan_id)
    if plan is None:
        raise KeyError(f"no lot plan has id {plan_id!r}")
    if components is None:
        components = {c.id: c for c in model.components}
    # Only the plan's own money: a partner's share of a joint option does not pay for another.
    amounts = [f.annual_amount for f in plan_sources(model, plan) if f.annual_amount is not None]
    judge = bool(amounts) or any(lot.funding for lot in plan.lots)
    lots = tuple(LotMoney(lot.id, lot.code, lot.name, lot.contract.annual_value,
                          sum([components[m].estimated_annual_cost or 0
                               for m in dict.fromkeys(lot.components) if m in components]),
                          sum([a.annual_amount for a in lot.funding]), judge)
                 for lot in plan.lots)
    return FundingPosition(plan.name, lots, sum(amounts) if amounts else None)
