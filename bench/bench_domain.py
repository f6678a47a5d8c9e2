"""Domain benchmarks (no Qt): load, save, the coverage check and the automatic layout."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from models.checks import pathway_graph, run_checks
from models.flow import maximum_flow, run_flow
from models.fileio import parse_model, read_model, serialise, write_model
from models.layout import layered_positions
from models.schema import ServiceModel

from .timing import Result, paired

CHECK_LIMITS = {1000: 0.020, 10000: 0.300}  # seconds, from issues 7 and 16
FLOW_LIMITS = {1000: 0.030, 10000: 0.400}
MAX_FLOW_LIMITS = {1000: 1.0}
LAYOUT_LIMITS = {1000: 1.0}


@dataclass
class Case:
    """One benchmark model: its size, the file on disk, its bytes and the loaded model."""
    size: int
    path: Path
    data: bytes
    model: ServiceModel
    folder: Path


def plain_bfs(model: ServiceModel) -> set[str]:
    """The baseline for the checks: build a plain adjacency and search once from every route."""
    succ: dict[str, list[str]] = {c.id: [] for c in model.components}
    for p in model.pathways:
        succ[p.source].append(p.target)
    seen = {c.id for c in model.components if c.kind_info.is_route}
    todo = list(seen)
    while todo:
        for nxt in succ[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def networkx_bfs(model: ServiceModel) -> set[str]:
    """The baseline for the graph work: build the networkx pathway graph and search it once
    from every referral route (networkx's multi-source BFS, bfs_layers)."""
    import networkx as nx

    graph = pathway_graph(model)
    routes = [c.id for c in model.components if c.kind_info.is_route]
    return set().union(*nx.bfs_layers(graph, routes)) if routes else set()


def bench_load(case: Case, repeats: int) -> list[Result]:
    # Cheap and the noisiest ratio on a shared machine: a few more pairs.
    s, b, r = paired(lambda: read_model(case.path), lambda: json.loads(case.path.read_bytes()),
                     repeats + 4)
    return [Result(case.size, "load (read_model)", s, "json.loads", b, r, "<= 3x",
                   r <= 3)]


def bench_save(case: Case, repeats: int) -> list[Result]:
    raw = json.loads(case.data)
    target = case.folder / "saved.svcmodel"
    baseline = lambda: json.dumps(raw, indent=2, ensure_ascii=False)  # noqa: E731
    s, b, r = paired(lambda: write_model(target, case.model, keep_backup=False), baseline,
                     repeats)
    results = [Result(case.size, "save (write_model)", s, "json.dumps", b, r, "<= 3x", r <= 3,
                      note="serialise + read-back check + fsync'd atomic write")]
    s2, b2, r2 = paired(lambda: serialise(case.model), baseline, repeats)
    results.append(Result(case.size, "  of which serialise", s2, "json.dumps", b2, r2))
    s3, b3, r3 = paired(lambda: parse_model(case.data), baseline, repeats)
    results.append(Result(case.size, "  of which read-back check", s3, "json.dumps", b3, r3,
                          note="parse_model of the bytes written: never save what cannot "
                               "be read back"))
    return results


def bench_checks(case: Case, repeats: int) -> list[Result]:
    s, b, r = paired(lambda: run_checks(case.model), lambda: plain_bfs(case.model), repeats)
    limit = CHECK_LIMITS.get(case.size)
    target = "<= 15x" + (f" and <= {limit * 1e3:.0f} ms" if limit else "")
    met = r <= 15 and (limit is None or s <= limit)
    results = [Result(case.size, "coverage check (run_checks)", s, "one plain BFS", b, r,
                      target, met, note=f"{len(run_checks(case.model))} findings, flow rules "
                                        "included")]
    s, b, r = paired(lambda: run_checks(case.model), lambda: networkx_bfs(case.model), repeats)
    results.append(Result(case.size, "  the same, against networkx", s, "one networkx BFS", b, r,
                          f"<= {limit * 1e3:.0f} ms" if limit else "",
                          (s <= limit) if limit else None,
                          note="the baseline builds the graph and runs bfs_layers from "
                               "every route"))
    return results


def bench_flow(case: Case, repeats: int) -> list[Result]:
    s, b, r = paired(lambda: run_flow(case.model), lambda: networkx_bfs(case.model), repeats)
    limit = FLOW_LIMITS.get(case.size)
    result = run_flow(case.model)
    loops = sum(1 for p in case.model.pathways if p.label == "Relapse")
    results = [Result(case.size, "flow (run_flow)", s, "one networkx BFS", b, r,
                      f"<= {limit * 1e3:.0f} ms" if limit else "",
                      (s <= limit) if limit else None,
                      note=f"{loops} loops solved, {len(result.bottlenecks)} services over "
                           "capacity; builds its own graph")]
    graph = pathway_graph(case.model)
    s, b, r = paired(lambda: run_flow(case.model, graph=graph, totals=False).findings,
                     lambda: networkx_bfs(case.model), repeats)
    results.append(Result(case.size, "  the part a check run needs", s, "one networkx BFS", b, r,
                          note="on the checks' graph, no lot or cohort totals, rows not read"))
    limit = MAX_FLOW_LIMITS.get(case.size)
    if case.size <= 10_000:  # on demand, so measured where the issue sets a target and below
        s, b, r = paired(lambda: maximum_flow(case.model), lambda: networkx_bfs(case.model),
                         max(1, repeats // 3))
        results.append(Result(case.size, "maximum flow (on demand)", s, "one networkx BFS", b, r,
                              f"<= {limit:g} s" if limit else "",
                              (s <= limit) if limit else None,
                              note="node-split graph, networkx minimum_cut"))
    return results


def bench_layout(case: Case, repeats: int) -> list[Result]:
    s, b, r = paired(lambda: layered_positions(case.model), lambda: plain_bfs(case.model),
                     repeats)
    limit = LAYOUT_LIMITS.get(case.size)
    return [Result(case.size, "automatic layout", s, "one plain BFS", b, r,
                   f"<= {limit:g} s" if limit else "", (s <= limit) if limit else None)]


def load_case(size: int, path: Path, folder: Path) -> Case:
    data = path.read_bytes()
    return Case(size, path, data, read_model(path), folder)
