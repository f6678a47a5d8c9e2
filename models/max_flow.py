"""The most people a year the system could carry with today's capacities (docs/flow.md, step 6).

On demand only (printing, the `flow` command, the appraisal): not part of every edit.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from .schema import ServiceModel


@dataclass
class MaximumFlow:
    people: float | None  # None: unlimited, some route reaches a way out past no capacity
    limiting: list[str]  # the services whose capacities make the minimum cut
    uncapped: list[str]  # services without a capacity, taken as unlimited


def maximum_flow(model: ServiceModel) -> MaximumFlow:
    """The most people a year the system could carry with today's capacities, people routed
    as freely as the pathways allow (shares aside), and the services that limit it.

    A node-split graph (each service an in-node and an out-node joined by an edge of its
    capacity) from a super-source feeding every referral route to a super-sink fed by every
    exit and every component people leave without a pathway; networkx's minimum cut gives
    the value and the saturated services."""
    flow = nx.DiGraph()
    source, sink = ("source",), ("sink",)
    has_out = {p.source for p in model.pathways}
    uncapped = []
    for c in model.components:
        kind = c.kind_info
        if kind.is_service and c.capacity is not None:
            flow.add_edge((c.id, "in"), (c.id, "out"), capacity=c.capacity)
        else:
            flow.add_edge((c.id, "in"), (c.id, "out"))  # no capacity attribute: unlimited
            if kind.is_service:
                uncapped.append(c.id)
        if kind.is_route:
            flow.add_edge(source, (c.id, "in"))
        if kind.is_exit or c.id not in has_out:
            flow.add_edge((c.id, "out"), sink)
    flow.add_edges_from(((p.source, "out"), (p.target, "in")) for p in model.pathways)
    if source not in flow or sink not in flow:
        return MaximumFlow(0.0, [], uncapped)
    try:
        value, (reached, _) = nx.minimum_cut(flow, source, sink)
    except nx.NetworkXUnbounded:
        return MaximumFlow(None, [], uncapped)
    limiting = [c.id for c in model.components
                if (c.id, "in") in reached and (c.id, "out") not in reached]
    return MaximumFlow(float(value), limiting, uncapped)
