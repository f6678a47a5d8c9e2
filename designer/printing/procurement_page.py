"""The lot pack's procurement content (models.procurement): the background notes, a page on the
plan's procurement (routes, whole-life value, partners' money, incumbency), the market engagement
log, the risk register and the timeline, and the PSR key criteria on each lot page. Text and
tables only, in black on white with grey fills, so they read the same on a greyscale printer."""

from __future__ import annotations

from PySide6.QtGui import QColor

from models import catalogue
from models import procurement as proc
from models.schema import Lot, LotPlan, ServiceModel
from models.wording import money

from .layout import Block, Heading, Paragraph, Table

TOTAL = QColor("#f2f2f2")
HIGH = QColor("#d9d9d9")  # risks scoring 15 or more; the score printed beside says it too
HIGH_SCORE = 15




def _text_blocks(text: str) -> list[Block]:
    return [Paragraph(line.strip(), 9.5) for line in text.splitlines() if line.strip()]


def background_blocks(model: ServiceModel, plan: LotPlan) -> list[Block]:
    """The model's and the plan's notes: where a template's story (and what is illustrative)
    is told, so it reaches paper."""
    blocks: list[Block] = []
    if model.notes.strip():
        blocks += [Heading("About this model"), *_text_blocks(model.notes)]
    if plan.notes.strip():
        blocks += [Heading(f"About this lot plan: {plan.name}"), *_text_blocks(plan.notes)]
    return blocks


def lot_term_rows(lot: Lot) -> list[tuple[str, str]]:
    """Extra rows for a lot page's contract terms."""
    term = proc.full_term_years(lot.contract)
    value = proc.whole_life_value(lot)
    return [("Whole-life value", money(value) + (f" over {term:g} years" if value else ""))]


def criteria_blocks(lot: Lot) -> list[Block]:
    """The PSR key criteria and their weights, when set or when the route needs them."""
    c = lot.contract
    total = proc.criteria_total(c)
    if total is None and not proc.uses_psr_criteria(c):
        return []
    rows = [[label, "not set" if w is None else f"{w:g}%"] for label, w in proc.criteria_rows(c)]
    rows.append(["Total", "not set" if total is None else f"{total:g}%"])
    return [Heading("Award criteria: the PSR's five key criteria"),
            Table(["Key criterion", "Weight"], rows, [6, 1.4],
                  row_fills={len(rows) - 1: TOTAL})]


def plan_blocks(model: ServiceModel, plan: LotPlan) -> list[Block]:
    """Routes and regimes, whole-life value, lot rules, partners' money and incumbency."""
    blocks: list[Block] = []
    if plan.extends_current:
        blocks.append(Paragraph("This option extends the current contracts instead of "
                                "procuring (the do-nothing option).", 10, bold=True))
    rows = []
    for lot in plan.lots:
        c = lot.contract
        regime = proc.ROUTE_REGIMES.get(c.procurement_route or "")
        route = catalogue.PROCUREMENT_ROUTES.get(c.procurement_route or "", "not set")
        when, what = proc.procurement_date(plan, c)
        rows.append([f"{lot.code} {lot.name}", route,
                     regime.name[0].upper() + regime.name[1:] if regime and regime.name
                     else "-", f"{proc.long_date(when)} ({what})" if when else "not set",
                     money(c.annual_value), money(proc.whole_life_value(lot))])
    rows.append(["All lots", "", "", "", money(_sum([lot.contract.annual_value
                                                     for lot in plan.lots])),
                 money(proc.plan_whole_life_value(plan))])
    blocks += [Heading("Routes and value"),
               Table(["Lot", "Route", "Regime", "Judged on", "Annual value", "Whole-life value"],
                     rows, [2.6, 2.4, 2.4, 2.2, 1.4, 1.5], row_fills={len(rows) - 1: TOTAL})]
    rules = [f"A bidder may win at most {plan.max_lots_per_bidder} of the "
             f"{len(plan.lots)} lots." if plan.max_lots_per_bidder else
             "No limit on the number of lots one bidder may win.",
             f"Mobilisation needed: {plan.mobilisation_months:g} months."
             if plan.mobilisation_months is not None else "Mobilisation needed: not set."]
    blocks += [Paragraph(" ".join(rules), 9),
               Paragraph("Whole-life value: the annual value over the initial term and every "
                         "extension.", 8, italic=True)]
    shares = proc.partner_shares(model, plan)
    blocks.append(Heading("Partners' money in this option"))
    if shares:
        sources = proc.plan_sources(model, plan)
        rows = [[who, money(amount), "-" if share is None else f"{share:.0f}%",
                 ", ".join(s.name for s in sources
                           if (s.partner.strip() or model.authority.strip() or "Not recorded")
                           == who)]
                for who, amount, share in shares]
        blocks.append(Table(["Partner", "A year", "Share", "Sources"], rows, [3, 1.4, 0.8, 5]))
    else:
        blocks.append(Paragraph("No funding sources recorded.", italic=True))
    current = [c for c in model.components
               if c.current_provider or c.current_contract_end
               or c.current_contract_extendable is not None]
    if current:
        blocks.append(Heading("Current contracts"))
        blocks.append(Table(
            ["Service", "Current provider", "Contract ends", "Can be extended"],
            [[c.name, c.current_provider or "not recorded",
              proc.long_date(proc.iso(c.current_contract_end)),
              {True: "Yes", False: "No"}.get(c.current_contract_extendable, "not recorded")]
             for c in current], [3, 3, 2, 1.6]))
    return blocks


def _sum(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def engagement_blocks(plan: LotPlan) -> list[Block]:
    if not plan.engagement:
        return [Paragraph("No market engagement recorded for this lot plan.", italic=True)]
    return [Table(["Date", "Who", "What they said", "What changed as a result"],
                  [[proc.long_date(proc.iso(e.date)) if e.date else "not recorded",
                    e.who, e.said, e.changed] for e in plan.engagement], [1.4, 2.4, 4, 3.6])]


def risk_blocks(plan: LotPlan) -> list[Block]:
    if not plan.risks:
        return [Paragraph("No risks recorded for this lot plan.", italic=True)]
    ranked = proc.top_risks(plan, len(plan.risks))
    rows, fills = [], {}
    for i, r in enumerate(ranked):
        score = proc.risk_score(r)
        rows.append([r.risk, "-" if r.likelihood is None else str(r.likelihood),
                     "-" if r.impact is None else str(r.impact),
                     "-" if score is None else str(score), r.owner, r.mitigation])
        if score is not None and score >= HIGH_SCORE:
            fills[i] = HIGH
    return [Table(["Risk", "Likelihood", "Impact", "Score", "Owner", "Mitigation"], rows,
                  [4, 1, 0.9, 0.8, 2, 4], row_fills=fills),
            Paragraph("Likelihood and impact from 1 (very low) to 5 (very high); score = "
                      f"likelihood x impact, highest first; shaded: {HIGH_SCORE} or more.", 8,
                      italic=True)]


def timeline_blocks(plan: LotPlan) -> list[Block]:
    rows = proc.timeline_rows(plan)
    if not rows:
        return [Paragraph("No timeline recorded for this lot plan.", italic=True)]
    blocks: list[Block] = [Table(["Date", "Milestone", "Stage"],
                                 [[proc.long_date(d), name, note] for d, name, note in rows],
                                 [1.6, 6, 2.4])]
    for problem in (*proc.timeline_out_of_order(plan), proc.mobilisation_problem(plan),
                    proc.standstill_problem(plan)):
        if problem:
            blocks.append(Paragraph(f"Warning: {problem}.", 9, bold=True))
    if proc.plan_uses_psr_standstill(plan):
        blocks.append(Paragraph(
            f"The PSR standstill: {proc.PSR_STANDSTILL_WORKING_DAYS} working days after the "
            "award decision before the contract is entered into (bank holidays not counted "
            "here: add them).", 8, italic=True))
    return blocks


def _worth_a_page(model: ServiceModel, plan: LotPlan) -> bool:
    """Whether the plan records anything for the procurement page: a file holding only the
    pinned keys prints as it always did."""
    return bool(plan.lots) and bool(
        any(lot.contract.procurement_route or lot.contract.annual_value is not None
            for lot in plan.lots)
        or model.funding_sources or plan.engagement or plan.risks or plan.timeline
        or plan.extends_current or plan.max_lots_per_bidder or plan.mobilisation_months
        or any(c.current_provider or c.current_contract_end for c in model.components))


def pages(model: ServiceModel, plan: LotPlan) -> list[tuple[str, list[Block]]]:
    """(heading, blocks) of the plan's procurement pages, in the order a committee reads."""
    # A log, register or timeline left empty gets no page: absence is said on the
    # procurement page instead, so a model without them prints as it did.
    missing = [what for what, items in (("market engagement", plan.engagement),
                                        ("risks", plan.risks), ("timeline", plan.timeline))
               if not items]
    summary = plan_blocks(model, plan)
    if missing:
        summary.append(Paragraph(f"Not recorded for this lot plan: {', '.join(missing)}.", 9,
                                 italic=True))
    out = [(f"Procurement: {plan.name}", summary)] if _worth_a_page(model, plan) else []
    if plan.engagement:
        out.append((f"Market engagement log: {plan.name}", engagement_blocks(plan)))
    if plan.risks:
        out.append((f"Risk register: {plan.name}", risk_blocks(plan)))
    if plan.timeline:
        out.append((f"Timeline: {plan.name}", timeline_blocks(plan)))
    return out
