"""The checks' shared machinery: the pathway graph (filled straight into networkx's dicts) is
the graph add_nodes_from/add_edges_from make, the one-pass searches (reach_bits) find what a
search per question finds, and CheckContext's indices say what the components say."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402
from models import catalogue as cat  # noqa: E402
from models.checks import (COHORT_BIT, CheckContext, pathway_graph, reach_bits,  # noqa: E402
                           run_checks)
from models.fileio import read_model, serialise  # noqa: E402
from models.flow import run_flow  # noqa: E402
from models.schema import ServiceModel  # noqa: E402

TEMPLATES = sorted((ROOT / "resources" / "templates").glob("*.svcmodel"))


def networkx_way(model: ServiceModel) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from([c.id for c in model.components])
    graph.add_edges_from([(p.source, p.target) for p in model.pathways])
    return graph


def assert_same_graph(graph: nx.DiGraph, expected: nx.DiGraph) -> None:
    assert type(graph) is nx.DiGraph
    assert nx.utils.graphs_equal(graph, expected)
    # Order too: networkx's searches, and so the flow's order of loops, follow it.
    assert list(graph) == list(expected)
    assert list(graph.edges) == list(expected.edges)
    for node in expected:
        assert list(graph.pred[node]) == list(expected.pred[node])
        assert graph.nodes[node] == {}
    # As networkx keeps them: one attribute dict per edge, the same seen from either end, and
    # one per node.
    data = [graph.succ[u][v] for u, v in graph.edges]
    assert all(graph.succ[u][v] is graph.pred[v][u] for u, v in graph.edges)
    assert len({id(d) for d in data}) == len(data)
    assert len({id(graph.nodes[n]) for n in graph}) == len(graph)
    assert graph._adj is graph._succ


def odd_model(unknown_ends: bool = True) -> ServiceModel:
    """What a file may not hold (models.integrity) but a model built in code may: two pathways
    with the same ends, a pathway to itself and, unless told not to, ends that are no
    component."""
    ends = [("self", "adult"), ("adult", "recovery"), ("self", "adult"), ("recovery", "recovery"),
            ("recovery", "adult")]
    if unknown_ends:
        ends += [("adult", "nowhere"), ("elsewhere", "done")]
    return ServiceModel.model_validate({
        "components": [{"id": i, "kind": kind, "name": i.title()} for i, kind in
                       (("self", "self_referral"), ("adult", "adult_treatment"),
                        ("recovery", "recovery_service"), ("done", "exit"))],
        "pathways": [{"source": s, "target": t} for s, t in ends]})


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> ServiceModel:
    # Read back from a file, as the app has it: a pathway's ends are then strings of their own.
    path = tmp_path_factory.mktemp("graph") / "g.svcmodel"
    path.write_bytes(serialise(generate(400)))
    return read_model(path)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_graph_is_the_networkx_graph_on_the_templates(template):
    model = read_model(template)
    assert_same_graph(pathway_graph(model), networkx_way(model))


def test_graph_is_the_networkx_graph_on_a_generated_model(generated):
    graph = pathway_graph(generated)
    assert_same_graph(graph, networkx_way(generated))
    # Every mention of a node is the component's own id string (dict lookups by identity).
    own = {c.id: c.id for c in generated.components}
    assert all(v is own[v] and u is own[u] for u, v in graph.edges)


def test_graph_with_parallel_pathways_self_loops_and_unknown_ends():
    model = odd_model()
    graph = pathway_graph(model)
    assert_same_graph(graph, networkx_way(model))
    # An unknown end is a node of its own after the components, as networkx adds it.
    assert list(graph) == ["self", "adult", "recovery", "done", "nowhere", "elsewhere"]
    assert graph.number_of_edges() == 6 and graph.has_edge("recovery", "recovery")


def test_graph_with_parallel_pathways_and_a_self_loop_between_components():
    model = odd_model(unknown_ends=False)
    graph = pathway_graph(model)
    assert_same_graph(graph, networkx_way(model))
    assert list(graph) == ["self", "adult", "recovery", "done"]
    assert graph.number_of_edges() == 4 and list(graph.pred["adult"]) == ["self", "recovery"]


@pytest.mark.parametrize("which", ["generated", "odd", "odd between components", "luton"])
def test_networkx_algorithms_and_edits_work_on_the_graph(which, generated):
    model = {"generated": generated, "odd": odd_model(), "odd between components": odd_model(False),
             "luton": read_model(ROOT / "resources/templates/luton.svcmodel")}[which]
    graph, expected = pathway_graph(model), networkx_way(model)
    first = next(iter(expected))
    assert list(nx.strongly_connected_components(graph)) == \
        list(nx.strongly_connected_components(expected))
    assert nx.utils.graphs_equal(nx.condensation(graph), nx.condensation(expected))
    assert nx.descendants(graph, first) == nx.descendants(expected, first)
    assert nx.ancestors(graph, first) == nx.ancestors(expected, first)
    assert list(nx.bfs_layers(graph, [first])) == list(nx.bfs_layers(expected, [first]))
    assert dict(graph.in_degree) == dict(expected.in_degree)
    assert graph.reverse().edges == expected.reverse().edges
    # Its views follow edits, as on any graph networkx made.
    graph.add_edge(first, "new")
    graph.remove_node(first)
    expected.add_edge(first, "new")
    expected.remove_node(first)
    assert_same_graph(graph, expected)
    assert "new" in graph.nodes and first not in graph.adj


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_flow_and_checks_on_either_graph_agree(template):
    model = read_model(template)
    for plan in model.lot_plans:
        assert run_checks(model, plan.id, graph=pathway_graph(model)) == \
            run_checks(model, plan.id, graph=networkx_way(model))
    ours, theirs = run_flow(model, graph=pathway_graph(model)), run_flow(model,
                                                                         graph=networkx_way(model))
    assert (ours.arrivals, ours.pathways, ours.findings) == \
        (theirs.arrivals, theirs.pathways, theirs.findings)


def per_bit(start, graph: nx.DiGraph, allowed) -> dict[str, int]:
    """reach_bits the slow way: one networkx search per bit, on the edges that bit may take."""
    reached: dict[str, int] = {}
    for bit in {1 << i for bits in start.values() for i in range(bits.bit_length())}:
        may = nx.subgraph_view(graph, filter_edge=lambda u, v, bit=bit:
                               allowed is None or bool(allowed.get(v, -1) & bit))
        for source in (n for n, bits in start.items() if bits & bit):
            for node in nx.descendants(may, source) | {source}:
                reached[node] = reached.get(node, 0) | bit
    return reached


@pytest.mark.parametrize("seed", range(12))
def test_reach_bits_finds_what_a_search_per_bit_finds_in_any_start_order(seed):
    rng = random.Random(seed)
    nodes = [f"n{i}" for i in range(rng.randint(1, 40))]
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((rng.choice(nodes), rng.choice(nodes))
                         for _ in range(rng.randint(0, 80)))  # loops and self-loops too
    start = {n: rng.randint(1, 15) for n in rng.sample(nodes, rng.randint(1, len(nodes)))}
    allowed = None if seed % 3 == 0 else {n: rng.randint(0, 15) for n in nodes if rng.random() < .7}
    expected = per_bit(start, graph, allowed)
    assert reach_bits(start, graph._succ, allowed) == expected
    shuffled = list(start.items())
    rng.shuffle(shuffled)
    assert reach_bits(dict(shuffled), graph._succ, allowed) == expected
    assert reach_bits(start, graph._pred, allowed) == per_bit(start, graph.reverse(), allowed)


def test_context_indices_say_what_the_components_say(generated):
    graph = pathway_graph(generated)
    ctx = CheckContext(generated, graph._succ, graph._pred, generated.plan(), graph)
    components = generated.components
    assert ctx.by_id == {c.id: c for c in components}
    assert list(ctx.order) == [c.id for c in components]
    assert list(ctx.order.values()) == list(range(len(components)))
    assert ctx.by_kind == {kind: [c.id for c in components if c.kind == kind]
                           for kind in dict.fromkeys(c.kind for c in components)}
    assert ctx.routes == [c for c in components if c.kind_info.is_route]
    assert ctx.services == [c for c in components if c.kind_info.is_service]
    assert ctx.serves == {c.id: sum(COHORT_BIT[x] for x in set(c.cohorts)) for c in components}
    assert ctx.of_kinds(["exit", "self_referral"]) == \
        [c.id for c in components if c.kind in ("exit", "self_referral")]
    routes = {c.id for c in components if c.kind in cat.CJ_ROUTES}
    assert routes and all(ctx.route_reaches(r) for r in routes)
