"""The lot pack's shortcuts for large models: a page finds its pathways and boxes by grid cell
and the whole-model work is kept, and these give what walking the whole model gave."""

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from designer.printing.diagram import (layout_diagram, lot_of, name_fits, neighbourhood,  # noqa: E402
                                       pathway_routes)
from models.lots import unassigned_services  # noqa: E402
from designer.printing.layout import Table  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return generate(300)


@pytest.fixture(scope="module")
def diagram(model):
    return layout_diagram(model)


def test_pathways_near_a_crop_are_those_a_walk_of_every_pathway_finds(qapp, model, diagram):
    routes = pathway_routes(diagram)
    for lot in model.plan().lots:
        _, crop = neighbourhood(diagram, lot)
        for rect in (crop, crop.adjusted(0, 0, -crop.width() / 2, 0), diagram.extent):
            walked = [p for p in model.pathways if p.id in routes and
                      routes[p.id].boundingRect().adjusted(-1, -1, 1, 1).intersects(rect)]
            assert diagram.pathways_near(rect) == walked
    assert diagram.pathways_near(QRectF(-1e6, -1e6, 10, 10)) == []


def test_pathways_touching_a_lot_are_in_model_order_and_each_once(qapp, model, diagram):
    for lot in model.plan().lots:
        members = set(lot.components)
        walked = [p for p in model.pathways if p.source in members or p.target in members]
        assert diagram.pathways_touching(lot.components) == walked


def test_plan_facts_are_kept_and_follow_a_change_of_lots(qapp, model):
    diagram = layout_diagram(model)
    plan = model.plan().model_copy(deep=True)
    fits = name_fits(diagram, plan)
    assert name_fits(diagram, plan) is fits  # worked out once, not for every page
    facts = diagram.plan_facts(plan)
    assert facts.home == lot_of(plan)
    assert facts.unassigned == set(unassigned_services(model, plan))

    moved = plan.lots[0].components.pop()  # now in no lot: facts worked out afresh
    facts = diagram.plan_facts(plan)
    assert moved not in facts.home and facts.home == lot_of(plan)
    assert facts.unassigned == set(unassigned_services(model, plan))


def test_a_split_table_measures_as_a_fresh_one(qapp):
    rows = [[f"row {i} " + "words " * (i % 7 * 6), str(i)] for i in range(40)]
    table = Table(["Text", "Number"], rows, [4, 1])
    width = 3000.0
    head, rest = table.split(width, table.height(width) / 3)
    for part in (head, rest):
        fresh = Table(part.header, part.rows, part.widths)
        assert part.height(width) == fresh.height(width)
    assert head.height(width) + rest.height(width) > table.height(width)  # the header twice
    assert len(head.rows) + len(rest.rows) == len(rows)
