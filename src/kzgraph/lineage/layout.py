"""A layered time layout for a lineage: x is time, lanes on y keep each lineage together.

Each organisation sits at its place on the time axis (`Lineage.positions`). Lanes are filled
component by component: from each organisation that nothing came out of, back through its
predecessors, a renamed or re-founded predecessor takes its successor's lane and the others the
nearest free lanes beside it, so that mergers read left to right into their result.
Organisations with no links share the lanes below.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count

import networkx as nx

from .model import CONTINUATIONS, Lineage, link_order

SUCCESSOR_ROOM = 70.0  # px left free before a successor, so that a renamed party can share its lane


@dataclass(frozen=True)
class Layout:
    """Positions in pixels, and the scale that turns years into x."""

    positions: dict[str, tuple[float, float]]
    first_year: int
    year_width: float
    lanes: int
    lane_height: float  # on average

    def x(self, year: float) -> float:
        return (year - self.first_year) * self.year_width


class _Lanes:
    """Occupied x-intervals per lane."""

    def __init__(self, padding: float):
        self.padding = padding
        self.used: dict[int, list[tuple[float, float]]] = {}

    def free(self, lane: int, span: tuple[float, float]) -> bool:
        lo, hi = span
        return all(hi + self.padding <= a or lo >= b + self.padding for a, b in self.used.get(lane, ()))

    def take(self, lane: int, span: tuple[float, float]) -> int:
        self.used.setdefault(lane, []).append(span)
        return lane

    def nearest(self, preferred: int, span: tuple[float, float], same_first: bool) -> int:
        for lane in _around(preferred, same_first):
            if self.free(lane, span):
                return self.take(lane, span)
        raise AssertionError("unreachable: there is always a free lane")


def _around(lane: int, same_first: bool) -> Iterator[int]:
    if same_first:
        yield lane
    for step in count(1):
        yield lane + step
        yield lane - step


def time_layout(
    lineage: Lineage,
    *,
    label_widths: dict[str, float] | None = None,
    sizes: dict[str, float] | None = None,
    year_width: float = 44.0,
    label_height: float = 18.0,
    first_year: int | None = None,
) -> Layout:
    """Pixel positions of every organisation of `lineage` (deterministic).

    `label_widths` gives the width of each organisation's label in pixels (default 120): two
    organisations share a lane only where their labels, and the band of an organisation that
    lives on to the present year, do not overlap. `sizes` gives node radii (default 8): each
    lane is as far below the one above as their largest nodes and a label need.
    """
    first = lineage.first_year if first_year is None else first_year
    widths = label_widths or {}
    spans = lineage.spans()
    x = {iri: (year - first) * year_width for iri, (year, _) in lineage.positions.items()}

    def occupied(iri: str) -> tuple[float, float]:
        # the label, and the way to where the organisation ends (its band, if it lives on to
        # the present, or the link to its successor), short of the successor's label
        half = widths.get(iri, 120.0) / 2
        end = (spans[iri][1] - first) * year_width
        if not lineage.organisations[iri].stance:
            end -= SUCCESSOR_ROOM
        return x[iri] - half, max(x[iri] + half, end)

    graph = lineage.graph
    components = list(nx.weakly_connected_components(graph))
    components.sort(key=lambda c: (len(c) == 1, -len(c), min(x[i] for i in c), min(c)))
    lanes = _Lanes(padding=14.0)
    lane_of: dict[str, int] = {}
    for component in components:
        local = _component_lanes(lineage, component, occupied, x)
        low = min(local.values())
        base = next(
            b
            for b in count()
            if all(lanes.free(b + lane - low, _wide(occupied(i))) for i, lane in local.items())
        )
        for iri, lane in local.items():
            lane_of[iri] = lanes.take(base + lane - low, _wide(occupied(iri)))
    total = max(lane_of.values(), default=-1) + 1
    radius = [8.0] * total
    for iri, lane in lane_of.items():
        radius[lane] = max(radius[lane], (sizes or {}).get(iri, 8.0))
    lane_y = [0.0]
    for lane in range(1, total):
        lane_y.append(lane_y[-1] + radius[lane - 1] + label_height + radius[lane] + 6)
    positions = {iri: (round(x[iri], 1), round(lane_y[lane], 1)) for iri, lane in lane_of.items()}
    return Layout(positions, first, year_width, total, (lane_y[-1] / max(total - 1, 1)) if total else 0.0)


def _wide(span: tuple[float, float], margin: float = 30.0) -> tuple[float, float]:
    """A span with room around it, so that separate lineages on one lane do not seem to touch."""
    return span[0] - margin, span[1] + margin


def _component_lanes(lineage: Lineage, component: set[str], occupied, x) -> dict[str, int]:
    """Lanes of one connected group, relative to each other, filled back from its last organisations."""
    graph = lineage.graph
    lanes = _Lanes(padding=14.0)
    placed: dict[str, int] = {}
    sinks = sorted(
        (i for i in component if graph.out_degree(i) == 0),
        key=lambda i: (-len(nx.ancestors(graph, i)), x[i], i),
    )
    for sink in sinks:
        if sink in placed:
            continue
        near = [placed[p] for p in graph.predecessors(sink) if p in placed]
        start = near[0] if near else (max(placed.values()) + 1 if placed else 0)
        placed[sink] = lanes.nearest(start, occupied(sink), same_first=not near)
        _place_predecessors(lineage, sink, placed, lanes, occupied, x)
    for iri in sorted(component - placed.keys(), key=lambda i: (x[i], i)):  # a cycle with no way out
        if iri not in placed:
            placed[iri] = lanes.nearest(max(placed.values(), default=-1) + 1, occupied(iri), same_first=True)
            _place_predecessors(lineage, iri, placed, lanes, occupied, x)
    return placed


def _place_predecessors(lineage: Lineage, root: str, placed, lanes: _Lanes, occupied, x) -> None:
    """Depth first from `root` back through its predecessors, continuations on the same lane."""
    stack = [root]
    while stack:
        iri = stack.pop()
        preds = [p for p in set(lineage.graph.predecessors(iri)) if p not in placed]
        preds.sort(key=lambda p: (link_order(lineage.links_between(p, iri)[0]), x[p], p))
        for pred in preds:
            if pred in placed:
                continue
            continues = any(link.relation in CONTINUATIONS for link in lineage.links_between(pred, iri))
            placed[pred] = lanes.nearest(placed[iri], occupied(pred), same_first=continues)
            for succ in lineage.graph.successors(pred):
                if succ not in placed and succ != iri:
                    near = placed[pred]
                    placed[succ] = lanes.nearest(near, occupied(succ), same_first=False)
                    stack.append(succ)
        stack.extend(reversed(preds))
