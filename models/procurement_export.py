"""The lot schedule's procurement sheets (models.lot_export): the plan's routes and partners'
money, its market engagement log, risk register and timeline, as the pack prints them."""

from __future__ import annotations

from . import catalogue as cat
from . import procurement as proc
from .lot_export import POUNDS, TITLE
from .lot_export import _header as header
from .lot_export import _print_setup as print_setup
from .lot_export import _put as put
from .lot_export import _widths as widths
from .schema import LotPlan, ServiceModel

SHEETS = ("Procurement", "Engagement log", "Risk register", "Timeline")


def add_sheets(wb, model: ServiceModel, plan: LotPlan) -> None:
    def sheet(title: str, heading: str, labels: list[str], rows: list[list], sizes: list[int],
              formats: dict[int, str] | None = None):
        ws = wb.create_sheet(title)
        ws["A1"] = f"{heading}: {plan.name}"
        ws["A1"].font = TITLE
        header(ws, 2, labels)
        ws.freeze_panes = "A3"
        for r, values in enumerate(rows, 3):
            for c, value in enumerate(values, 1):
                put(ws, r, c, value, (formats or {}).get(c))
        widths(ws, sizes)
        print_setup(ws, landscape=True)
        return ws

    lots = [[f"{lot.code} {lot.name}",
             cat.PROCUREMENT_ROUTES.get(lot.contract.procurement_route or "", ""),
             lot.contract.annual_value, proc.full_term_years(lot.contract),
             proc.whole_life_value(lot), *[w for _, w in proc.criteria_rows(lot.contract)]]
            for lot in plan.lots]
    ws = sheet("Procurement", "Routes, whole-life value and PSR key criteria",
               ["Lot", "Route", "Annual value", "Full term (years)", "Whole-life value",
                *(f"{label} (%)" for label in proc.PSR_CRITERIA.values())],
               lots, [30, 30, 14, 10, 16, 14, 10, 16, 18, 10], {3: POUNDS, 5: POUNDS})
    row = len(lots) + 4
    header(ws, row, ["Partner", "Annual amount", "Share (%)"])
    for who, amount, share in proc.partner_shares(model, plan):
        row += 1
        put(ws, row, 1, who)
        put(ws, row, 2, amount, POUNDS)
        put(ws, row, 3, None if share is None else round(share, 1))
    facts = [("Extends the current contracts (do nothing)", "yes" if plan.extends_current
              else "no"),
             ("Most lots one bidder may win", plan.max_lots_per_bidder),
             ("Mobilisation needed (months)", plan.mobilisation_months)]
    row += 1
    for label, value in facts:
        row += 1
        put(ws, row, 1, label)
        put(ws, row, 2, value)
    sheet("Engagement log", "Market engagement log", ["Date", "Who", "What they said",
                                                      "What changed as a result"],
          [[e.date or "", e.who, e.said, e.changed] for e in plan.engagement], [12, 30, 50, 50])
    sheet("Risk register", "Risk register",
          ["Risk", "Likelihood (1-5)", "Impact (1-5)", "Score", "Owner", "Mitigation"],
          [[r.risk, r.likelihood, r.impact, proc.risk_score(r), r.owner, r.mitigation]
           for r in proc.top_risks(plan, len(plan.risks))], [50, 11, 10, 8, 26, 50])
    sheet("Timeline", "Timeline", ["Date", "Milestone", "Stage"],
          [[d.isoformat(), name, note] for d, name, note in proc.timeline_rows(plan)],
          [12, 60, 34])
