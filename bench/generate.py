"""Realistic synthetic service models of N components, for the benchmarks (issue 7).

A regional or national model is many county models side by side. Each council gets a copy of
the Leicestershire template (referral routes, services, exits, cohorts, its own seven
localities and five funding sources), with seeded variation in names, costs, capacities and a
few missing pathways, so the checks have real findings to report. Neighbouring councils on
the grid are cross-linked (shared rehab, prison leavers placed next door...). Three lot plans
cut the region: one lot per council (active), one lot per region of eight councils, and
treatment and recovery lots per region. The same N, seed and template always give the same bytes.

    python bench/generate.py N OUT [--seed S]
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.fileio import SaveError, write_model  # noqa: E402
from models.schema import ServiceModel  # noqa: E402
from models.templates import template_path  # noqa: E402

TEMPLATE = "leicestershire"
COUNCILS_PER_REGION = 8
COUNCIL_WIDTH, COUNCIL_HEIGHT = 1800.0, 900.0  # grid cell of one council on the canvas (the
# template is 1,712 wide since its columns went 300 apart: issue 17)
DISTRICTS = ("North", "South", "East", "West", "Central", "Rural", "Town")
STEMS = ("Ash", "Brack", "Cal", "Dun", "Elm", "Fair", "Glen", "Hart", "Ivy", "Kings", "Lang",
         "Mar", "Nor", "Oak", "Pen", "Red", "Stan", "Thorn", "Wal", "York")
ENDINGS = ("ford", "ley", "ton", "bury", "field", "ham", "wick", "shire")
# Pathways that cross a council boundary: a shared rehab, prison leavers released next door...
CROSS_LINKS = (("adult", "rehab"), ("adult", "detox"), ("prison", "adult"), ("prison", "cj"),
               ("hospital", "act"), ("cj", "recovery"), ("yp", "recovery"))
TREATMENT_LOT = ("access", "outreach", "harm", "adult", "yp", "cj", "shared", "detox", "rehab")
# Pathways a council may have left out: they give the checks something real to find.
OPTIONAL_PATHWAYS = ("access->recovery", "yp->adult", "detox->recovery", "cj->recovery",
                     "outreach->harm")


def council_name(index: int) -> str:
    stem, ending = STEMS[index % len(STEMS)], ENDINGS[(index // len(STEMS)) % len(ENDINGS)]
    rounds = index // (len(STEMS) * len(ENDINGS))
    return f"{stem}{ending}" + (f" {rounds + 1}" if rounds else "")


def _template() -> dict:
    return json.loads(template_path(TEMPLATE).read_text(encoding="utf-8"))


def generate_dict(n: int, seed: int = 1) -> dict:
    """The model as plain JSON data (what the file holds)."""
    if n < 1:
        raise ValueError("a model needs at least one component")
    rng = random.Random(seed)
    # Demand and capacity figures come from their own stream, so adding them left every other
    # generated fact (and the benchmarks' history) as it was.
    flow_rng = random.Random(seed + 10_000)
    base = _template()
    per_council = len(base["components"])
    councils = math.ceil(n / per_council)
    columns = max(1, math.ceil(math.sqrt(councils)))
    county_lot = base["lot_plans"][0]["lots"][0]

    components, pathways, localities, funding = [], [], [], []
    council_lots, members_of = [], []
    for k in range(councils):
        name, prefix = council_name(k), f"c{k:04d}-"
        origin_x, origin_y = (k % columns) * COUNCIL_WIDTH, (k // columns) * COUNCIL_HEIGHT
        keep = min(per_council, n - k * per_council)
        kept_ids = {c["id"] for c in base["components"][:keep]}
        places = dict(zip(base["localities"], (f"{name} {d}" for d in DISTRICTS)))
        localities += places.values()
        for c in base["components"][:keep]:
            c = copy.deepcopy(c)
            c["id"] = prefix + c["id"]
            c["name"] = f"{c['name']} - {name}"
            c["localities"] = [places[loc] for loc in c["localities"]]
            c["position"] = {"x": origin_x + c["position"]["x"], "y": origin_y + c["position"]["y"]}
            if "estimated_annual_cost" in c:
                c["estimated_annual_cost"] = round(c["estimated_annual_cost"]
                                                   * rng.uniform(0.7, 1.4), -3)
            if "capacity" in c:
                c["capacity"] = int(c["capacity"] * rng.uniform(0.5, 2.0))
            _flow_figures(c, flow_rng)
            components.append(c)
        for p in base["pathways"]:
            if p["source"] not in kept_ids or p["target"] not in kept_ids:
                continue
            if p["id"] in OPTIONAL_PATHWAYS and rng.random() < 0.1:
                continue
            pathways.append({**p, "id": prefix + p["id"], "source": prefix + p["source"],
                             "target": prefix + p["target"]})
        if {"recovery", "adult"} <= kept_ids:
            # Relapse back to treatment: every council has a loop for the flow to solve.
            pathways.append({"id": f"{prefix}recovery->adult", "source": f"{prefix}recovery",
                             "target": f"{prefix}adult", "label": "Relapse",
                             "share_percent": 15})
        for f in base["funding_sources"]:
            funding.append({**f, "id": prefix + f["id"], "name": f"{f['name']} - {name}"})
        members = [prefix + m for m in county_lot["components"] if m in kept_ids]
        members_of.append(members)
        if members:
            contract = copy.deepcopy(county_lot["contract"])
            contract["annual_value"] = round(contract["annual_value"] * rng.uniform(0.8, 1.2), -3)
            council_lots.append({
                "id": f"lot-{prefix}county", "name": f"{name} treatment and recovery",
                "components": members, "contract": contract,
                "funding": [{**a, "source": prefix + a["source"]} for a in county_lot["funding"]]})

    # Cross-links between grid neighbours (right and below), one or two each.
    ids = {c["id"] for c in components}
    pairs = {(p["source"], p["target"]) for p in pathways}
    for k in range(councils):
        for neighbour in (k + 1 if (k + 1) % columns else None, k + columns):
            if neighbour is None or neighbour >= councils:
                continue
            for source, target in rng.sample(CROSS_LINKS, rng.randint(1, 2)):
                if rng.random() < 0.5:
                    source, target = f"c{k:04d}-{source}", f"c{neighbour:04d}-{target}"
                else:
                    source, target = f"c{neighbour:04d}-{source}", f"c{k:04d}-{target}"
                if source in ids and target in ids and (source, target) not in pairs:
                    pairs.add((source, target))
                    pathways.append({"id": f"{source}->{target}", "source": source,
                                     "target": target, "label": "Cross-boundary"})

    regional, split = [], []
    for r in range(0, councils, COUNCILS_PER_REGION):
        group = range(r, min(r + COUNCILS_PER_REGION, councils))
        label = f"Region {r // COUNCILS_PER_REGION + 1} ({council_name(group[0])} to " \
                f"{council_name(group[-1])})"
        everyone = [m for k in group for m in members_of[k]]
        treatment = [m for m in everyone if m.split("-", 1)[1] in TREATMENT_LOT]
        recovery = [m for m in everyone if m not in set(treatment)]
        terms = {"initial_term_years": 7, "extensions_years": [2, 2], "quality_weight": 70,
                 "price_weight": 20, "social_value_weight": 10, "pricing_model": "block",
                 "payment_basis": "outcome", "procurement_route": "competitive_process"}
        if everyone:
            regional.append({"id": f"region-{r}", "name": label, "components": everyone,
                             "contract": terms})
        for part, who in (("treatment", treatment), ("recovery", recovery)):
            if who:
                split.append({"id": f"region-{r}-{part}", "name": f"{label} {part}",
                              "components": who, "contract": terms})

    return {
        "format": "service-model", "version": 2,
        "title": f"Synthetic regional model: {councils} councils, {n} components",
        "authority": "Synthetic benchmark region",
        "author": "bench/generate.py",
        "notes": f"Generated with seed {seed} from the {TEMPLATE} template; figures are "
                 "illustrative.",
        "localities": localities,
        "required_kinds": base["required_kinds"],
        "components": components,
        "pathways": pathways,
        "funding_sources": funding,
        "lot_plans": [
            {"id": "councils", "name": "One service per council", "lots": council_lots},
            {"id": "regions", "name": "One service per region", "lots": regional},
            {"id": "regions-split", "name": "Treatment and recovery lots per region",
             "lots": split},
        ],
        "active_plan": "councils",
    }


def _flow_figures(c: dict, rng: random.Random) -> None:
    """Referrals on routes; capacity, average stay and completion rate on services."""
    stage = 0 if c["kind"].endswith("_referral") or c["kind"] == "prison_release" else \
        5 if c["kind"] == "exit" else 1
    if stage == 0:
        c["annual_referrals"] = rng.randrange(50, 800)
    elif stage == 1:
        c.setdefault("capacity", rng.randrange(100, 1500))
        c["episode_months"] = rng.choice((3, 6, 9, 12))
        c["completion_percent"] = rng.randrange(30, 70)


def generate(n: int, seed: int = 1) -> ServiceModel:
    return ServiceModel.model_validate(generate_dict(n, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic model of N components.")
    parser.add_argument("n", type=int, help="number of components")
    parser.add_argument("out", help="the .svcmodel file to write")
    parser.add_argument("--seed", type=int, default=1)
    opts = parser.parse_args(argv)
    if opts.n < 1:
        parser.error("N must be at least 1")
    try:
        data = write_model(opts.out, generate(opts.n, opts.seed), keep_backup=False)
    except SaveError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {opts.out}: {opts.n} components, {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
