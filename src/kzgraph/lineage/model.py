"""Party lineage as a networkx graph: organisations, the links between them, and their time axis.

Nodes are political organisations (stored query `organisations`), edges the links between them
read forwards in time (`lineage-edges`): merged into, joined, renamed to, re-founded as, split
from, founded on the basis of, and membership of an electoral bloc. Every figure is computed
from the graph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property

import networkx as nx

from ..errors import KzgraphError

MEMBERSHIP = "memberOf"
# Links after which the earlier organisation lives on in the later one under another name.
CONTINUATIONS = ("renamedTo", "refoundedAs")
# Relations in the order a lineage is read: continuations first, bloc membership last.
RELATION_ORDER = (
    "renamedTo",
    "refoundedAs",
    "mergedInto",
    "joined",
    "foundedOnBasisOf",
    "splitFrom",
    MEMBERSHIP,
)
DISSOLVED = "dissolved or merged"
UNKNOWN = "unknown"
_ISO_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


class LineageError(KzgraphError):
    """A lineage request names something the graph does not hold, or the lineage is inconsistent."""


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def iso_year(iso: str | None) -> int | None:
    """The first year an ISO 8601 date or interval (`1999-01-19`, `1998/1999`, `1999/..`) names."""
    match = _ISO_DATE.match(iso or "")
    return int(match.group(1)) if match else None


def iso_position(iso: str | None) -> float | None:
    """A point on a time axis in fractional years: the middle of what the ISO date or interval spans."""
    if not iso:
        return None
    start, _, end = iso.partition("/")
    first = _span(start)
    if first is None:
        return None
    last = _span(end) if end and end != ".." else None
    return (first[0] + (last or first)[1]) / 2 if last or not end else first[0]


def _span(text: str) -> tuple[float, float] | None:
    """The fractional-year span of one ISO date at its precision (year, month or day)."""
    match = _ISO_DATE.match(text)
    if not match:
        return None
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    if month is None:
        return float(year), year + 1.0
    if day is None:
        return year + (int(month) - 1) / 12, year + int(month) / 12
    try:
        start = year + (date(year, int(month), int(day)).timetuple().tm_yday - 1) / 365.25
    except ValueError:
        return None
    return start, start + 1 / 365.25


@dataclass(frozen=True)
class Result:
    """One election result of an organisation."""

    election: str
    election_label: str
    date: str | None
    vote_share: str | None
    list_seats: int | None
    single_mandate_seats: int | None
    reference_number: str | None

    @property
    def seats(self) -> int:
        return (self.list_seats or 0) + (self.single_mandate_seats or 0)

    def describe(self) -> str:
        parts = [f"{self.vote_share}%"] if self.vote_share else []
        if self.list_seats is not None:
            parts.append(f"{self.list_seats} list seat{'s' * (self.list_seats != 1)}")
        if self.single_mandate_seats is not None:
            parts.append(f"{self.single_mandate_seats} single-mandate")
        ref = f" [{self.reference_number}]" if self.reference_number else ""
        return f"{self.election_label}: {', '.join(parts) or 'result not given'}{ref}"


@dataclass(frozen=True)
class Organisation:
    """A party, movement or association, electoral bloc or campaign headquarters."""

    iri: str
    kind: str
    label: str
    other_labels: tuple[str, ...] = ()
    founded: str | None = None
    ended: str | None = None
    has_end: bool = False
    stance: str | None = None
    stance_number: int | None = None
    results: tuple[Result, ...] = ()
    name: str = ""  # the label, with the founding year where organisations share a label

    @property
    def status(self) -> str:
        """The 2012 stance group, else "dissolved or merged" if an event ended it, else "unknown"."""
        if self.stance:
            return self.stance
        return DISSOLVED if self.has_end else UNKNOWN

    @property
    def most_seats(self) -> int:
        return max((r.seats for r in self.results), default=0)


@dataclass(frozen=True)
class Link:
    """A link from an earlier organisation (`source`) to a later one (`target`)."""

    source: str
    target: str
    relation: str
    relation_label: str
    backwards: bool = False
    event: str | None = None
    event_label: str | None = None
    date: str | None = None
    primary_source: str | None = None
    reference_number: str | None = None
    citation: str | None = None
    quote: str | None = None

    @property
    def is_lineage(self) -> bool:
        return self.relation != MEMBERSHIP

    def sentence(self, labels: dict[str, str]) -> str:
        """The link as the ontology reads it: "A merged into B", "B split from A"."""
        subject, obj = (self.target, self.source) if self.backwards else (self.source, self.target)
        return f"{labels[subject]} {self.relation_label} {labels[obj]}"


class Lineage:
    """Organisations and the links between them, as a networkx MultiDiGraph keyed by IRI."""

    def __init__(
        self, organisations: Iterable[Organisation], links: Iterable[Link], present_year: int | None = None
    ):
        self.organisations = _named({o.iri: o for o in organisations})
        self.links = [
            link for link in links if link.source in self.organisations and link.target in self.organisations
        ]
        self.present_year = present_year
        self.graph = nx.MultiDiGraph()
        for org in self.organisations.values():
            self.graph.add_node(org.iri, organisation=org)
        for link in self.links:
            self.graph.add_edge(link.source, link.target, key=(link.relation, link.event), link=link)

    # -- navigation ---------------------------------------------------------------------------

    def find(self, iri: str) -> Organisation:
        try:
            return self.organisations[iri]
        except KeyError:
            raise LineageError(f"{iri} is not a political organisation in this lineage") from None

    def labels(self) -> dict[str, str]:
        """Each organisation's name: its label, with its founding year where labels are shared."""
        return {iri: org.name for iri, org in self.organisations.items()}

    @cached_property
    def lineage_graph(self) -> nx.DiGraph:
        """Lineage links only (no bloc membership), one edge per pair of organisations."""
        graph = nx.DiGraph()
        graph.add_nodes_from(self.organisations)
        graph.add_edges_from((link.source, link.target) for link in self.links if link.is_lineage)
        return graph

    def ancestors(self, iri: str) -> set[str]:
        self.find(iri)
        return nx.ancestors(self.graph, iri)

    def descendants(self, iri: str) -> set[str]:
        self.find(iri)
        return nx.descendants(self.graph, iri)

    def links_between(self, source: str, target: str) -> list[Link]:
        data = self.graph.get_edge_data(source, target) or {}
        return sorted((d["link"] for d in data.values()), key=link_order)

    def around(self, iri: str) -> Lineage:
        """Only the organisation, its ancestors and its descendants."""
        keep = {iri} | self.ancestors(iri) | self.descendants(iri)
        return self._subset(keep)

    def between(self, start: int | None = None, end: int | None = None) -> Lineage:
        """Only organisations whose time on the axis (see `spans`) overlaps the years start..end."""
        if start is not None and end is not None and start > end:
            raise LineageError(f"the years are the wrong way round: from {start} to {end}")
        spans = self.spans()
        keep = {
            iri
            for iri, (first, last) in spans.items()
            if (end is None or first < end + 1) and (start is None or last >= start)
        }
        return self._subset(keep)

    def only(self, keep: set[str]) -> Lineage:
        """Only the organisations in `keep` (IRIs) and the links among them."""
        return self._subset(keep)

    def _subset(self, keep: set[str]) -> Lineage:
        return Lineage(
            (o for iri, o in self.organisations.items() if iri in keep),
            (link for link in self.links if link.source in keep and link.target in keep),
            self.present_year,
        )

    # -- time -----------------------------------------------------------------------------------

    @cached_property
    def positions(self) -> dict[str, tuple[float, bool]]:
        """Each organisation's place on a time axis in fractional years, and whether it is dated.

        A founding date places it. An undated organisation goes at the earliest dated link
        into it (it existed by then: "A merged into B" in 2009), else just after its latest
        predecessor, else just before its earliest successor, else at its first dated mention
        (an election result, the present-day grouping), else at the start of the axis.
        """
        placed: dict[str, tuple[float, bool]] = {}
        for iri, org in self.organisations.items():
            position = iso_position(org.founded)
            if position is not None:
                placed[iri] = (position, True)
        order = self._time_order()
        arrivals: dict[str, list[float]] = {}
        for link in self.links:
            position = iso_position(link.date)
            if position is not None:
                arrivals.setdefault(link.target, []).append(position)
        for iri in order:
            preds = [placed[p][0] for p in self.graph.predecessors(iri) if p in placed]
            if iri in placed:
                continue
            if iri in arrivals:
                placed[iri] = (min(arrivals[iri]), False)
            elif preds:
                placed[iri] = (max(preds) + 0.5, False)
        for iri in reversed(order):
            succs = [placed[s][0] for s in self.graph.successors(iri) if s in placed]
            if iri not in placed and succs:
                placed[iri] = (min(succs) - 0.5, False)
        start = self.first_year
        for iri, org in self.organisations.items():
            if iri not in placed:
                mentions = [p for p in (iso_position(r.date) for r in org.results) if p is not None]
                if org.stance and self.present_year:
                    mentions.append(self.present_year + 0.5)
                placed[iri] = (min(mentions) if mentions else float(start), False)
        return placed

    @cached_property
    def first_year(self) -> int:
        years = [iso_year(o.founded) for o in self.organisations.values()]
        years += [iso_year(link.date) for link in self.links]
        return min((y for y in years if y is not None), default=self.present_year or date.today().year)

    @cached_property
    def last_year(self) -> int:
        years = [iso_year(o.ended) for o in self.organisations.values()]
        years += [iso_year(o.founded) for o in self.organisations.values()]
        years += [iso_year(r.date) for o in self.organisations.values() for r in o.results]
        years += [self.present_year]
        return max((y for y in years if y is not None), default=self.first_year)

    def spans(self) -> dict[str, tuple[float, float]]:
        """Each organisation's time on the axis: from its position to its end (the position of
        the organisation it went into, or its end date), to the present year if the source's
        2012 grouping includes it, else to its last dated mention."""
        positions = self.positions
        spans = {}
        for iri, org in self.organisations.items():
            first = positions[iri][0]
            ends = [positions[s][0] for s in self.graph.successors(iri) if _ends(self.links_between(iri, s))]
            if org.ended and iso_position(org.ended) is not None:
                ends.append(iso_position(org.ended))
            if ends:
                last = min(ends)
            elif org.stance and self.present_year:
                last = float(self.present_year + 1)
            else:
                mentions = [iso_position(r.date) for r in org.results] + [first]
                last = max(m for m in mentions if m is not None)
            spans[iri] = (first, max(first, last))
        return spans

    def _time_order(self) -> list[str]:
        """Organisations with every predecessor before them; the members of a cycle (a splinter
        that rejoined its parent) in IRI order."""
        condensed = nx.condensation(self.graph)
        members = condensed.graph["mapping"]
        groups: dict[int, list[str]] = {}
        for iri, group in members.items():
            groups.setdefault(group, []).append(iri)
        return [iri for group in nx.topological_sort(condensed) for iri in sorted(groups[group])]

    def chain_graph(self) -> nx.DiGraph:
        """Lineage links without those that close a cycle: a link back to an organisation
        founded earlier (a splinter rejoining its parent) is left out, so chains are finite."""
        graph = self.lineage_graph.copy()
        if nx.is_directed_acyclic_graph(graph):
            return graph
        positions = self.positions
        for component in nx.strongly_connected_components(graph):
            if len(component) > 1:
                inner = [(a, b) for a, b in graph.subgraph(component).edges]
                graph.remove_edges_from((a, b) for a, b in inner if positions[b][0] <= positions[a][0])
                if not nx.is_directed_acyclic_graph(graph.subgraph(component)):
                    graph.remove_edges_from(inner)
        return graph


KIND_NAMES = {
    "party": "party",
    "movement": "movement or association",
    "bloc": "electoral bloc",
    "headquarters": "campaign headquarters",
}


def _other_names(label: str, names: Iterable[str]) -> tuple[str, ...]:
    """The other names, without those that differ from an earlier one only in case."""
    seen = {label.casefold()}
    kept = []
    for name in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            kept.append(name)
    return tuple(kept)


def _named(organisations: dict[str, Organisation]) -> dict[str, Organisation]:
    """Give organisations that share a label a name with their founding year (or IRI) in it."""
    shared = Counter(o.label.casefold() for o in organisations.values())
    named = {}
    for iri, org in organisations.items():
        if not org.name:
            name = org.label
            if shared[org.label.casefold()] > 1:
                name = f"{org.label} ({iso_year(org.founded) or local_name(iri)})"
            org = replace(org, name=name)
        named[iri] = org
    return named


def _ends(links: list[Link]) -> bool:
    """Whether these links leave the earlier organisation behind (it does not go on)."""
    return any(link.relation in ("mergedInto", "joined", *CONTINUATIONS) for link in links)


def link_order(link: Link) -> int:
    return RELATION_ORDER.index(link.relation) if link.relation in RELATION_ORDER else len(RELATION_ORDER)
