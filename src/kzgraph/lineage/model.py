"""Party lineage as a networkx graph built from SPARQL over the knowledge graph: trees and figures.

Nodes are political organisations (stored query `organisations`), edges the links between them
read forwards in time (`lineage-edges`): merged into, joined, renamed to, re-founded as, split
from, founded on the basis of, and membership of an electoral bloc. Every figure is computed
from the graph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

import networkx as nx

from ..errors import KzgraphError

if TYPE_CHECKING:
    from ..graph.store import Graph

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


@dataclass(frozen=True)
class Chain:
    organisations: tuple[str, ...]
    links: tuple[Link, ...]


@dataclass
class Stats:
    """Consolidation figures, each computed from the lineage graph."""

    organisations: Counter
    links: Counter
    years: list[tuple[int, int, int, int, int]]
    undated_parties: list[str]
    largest_merger: tuple[Link, list[str]] | None
    largest_absorption: tuple[str, list[Link]] | None
    longest_chain: Chain
    present_year: int | None
    surviving_roots: list[tuple[str, list[str]]]
    roots: int
    components: list[list[str]] = field(default_factory=list)


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

    @classmethod
    def from_graph(cls, graph: Graph) -> Lineage:
        """Organisations, links and election results of `graph`, from the stored queries."""
        results: dict[str, list[Result]] = {}
        for row in graph.run("organisation-results"):
            results.setdefault(row["organisation"], []).append(
                Result(
                    election=row["election"],
                    election_label=row["election_label"],
                    date=row["date"],
                    vote_share=row["vote_share"],
                    list_seats=_int(row["list_seats"]),
                    single_mandate_seats=_int(row["single_mandate_seats"]),
                    reference_number=row["reference_number"],
                )
            )
        organisations = []
        present = None
        for row in graph.run("organisations"):
            organisations.append(
                Organisation(
                    iri=row["organisation"],
                    kind=row["kind"],
                    label=row["label"],
                    other_labels=_other_names(row["label"], (row["other_labels"] or "").split(" | ")),
                    founded=row["founded"],
                    ended=row["ended"],
                    has_end=row["end_event"] is not None,
                    stance=row["stance"],
                    stance_number=_int(row["stance_number"]),
                    results=tuple(results.get(row["organisation"], ())),
                )
            )
            present = (
                max(filter(None, (present, iso_year(row["stance_year"])))) if row["stance_year"] else present
            )
        links = [
            Link(
                source=row["source"],
                target=row["target"],
                relation=local_name(row["relation"]),
                relation_label=row["relation_label"],
                backwards=row["backwards"] == "true",
                event=row["event"],
                event_label=row["event_label"],
                date=row["date"],
                primary_source=row["primary_source"] or None,
                reference_number=row["reference_number"] or None,
                citation=row["citation"] or None,
                quote=row["quote"] or None,
            )
            for row in graph.run("lineage-edges")
        ]
        return cls(organisations, links, present)

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
        return sorted((d["link"] for d in data.values()), key=_link_order)

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

    # -- analysis -------------------------------------------------------------------------------

    def tree(self, iri: str) -> str:
        """The organisation's ancestors and descendants as an indented text tree.

        Each line gives the link to the organisation on the line above (↑), as the ontology
        reads it: "merged into ↑" (this one merged into that), "↑ split from it".
        """
        org = self.find(iri)
        labels = self.labels()
        facts = [KIND_NAMES.get(org.kind, org.kind)]
        facts.append(f"founded {org.founded}" if org.founded else "founding not dated")
        if org.has_end:
            facts.append(f"ended {org.ended}" if org.ended else "ended (not dated)")
        if org.stance:
            facts.append(f"{self.present_year or ''} stance group: {org.stance}".strip())
        lines = [f"{org.name}  ({'; '.join(facts)})"]
        if org.other_labels:
            lines.append(f"  also called: {'; '.join(org.other_labels)}")
        for result in org.results:
            lines.append(f"  {result.describe()}")
        lines += ["", "(↑ in a link stands for the organisation on the line above)"]
        for title, upwards, found in (
            ("Ancestors", True, self.ancestors(iri)),
            ("Descendants", False, self.descendants(iri)),
        ):
            lines += ["", f"{title} ({len(found)}):" + ("" if found else " none recorded")]
            lines += self._branches(iri, labels, upwards)
        return "\n".join(lines) + "\n"

    def _branches(self, root: str, labels: dict[str, str], upwards: bool) -> list[str]:
        lines: list[str] = []
        seen = {root}

        def walk(iri: str, indent: str) -> None:
            neighbours = set(self.graph.predecessors(iri) if upwards else self.graph.successors(iri))
            groups = [
                (o, self.links_between(o, iri) if upwards else self.links_between(iri, o)) for o in neighbours
            ]
            groups.sort(key=lambda g: (_link_order(g[1][0]), g[1][0].date or "", labels[g[0]]))
            for n, (other, links) in enumerate(groups):
                last = n == len(groups) - 1
                how = "; ".join(
                    f"{_phrase(link, upwards)}, {link.date or 'date not stated'}" for link in links
                )
                repeat = " (shown above)" if other in seen else ""
                lines.append(f"{indent}{'└── ' if last else '├── '}{labels[other]}  [{how}]{repeat}")
                if not repeat:
                    seen.add(other)
                    walk(other, indent + ("    " if last else "│   "))

        walk(root, "  ")
        return lines

    def stats(self) -> Stats:
        """Consolidation figures of this lineage."""
        orgs = self.organisations
        parties = [o for o in orgs.values() if o.kind == "party"]
        years, undated = self._parties_per_year(parties)
        mergers: dict[str, list[Link]] = {}
        absorbed: dict[str, list[Link]] = {}
        for link in self.links:
            if link.relation == "mergedInto" and link.event:
                mergers.setdefault(link.event, []).append(link)
            if link.relation in ("mergedInto", "joined"):
                absorbed.setdefault(link.target, []).append(link)
        largest_merger = None
        if mergers:
            _, links = max(mergers.items(), key=lambda item: (len(item[1]), item[0]))
            largest_merger = (links[0], sorted(orgs[link.source].name for link in links))
        largest_absorption = None
        if absorbed:
            target, links = max(
                absorbed.items(), key=lambda item: (len({x.source for x in item[1]}), item[0])
            )
            largest_absorption = (target, sorted(links, key=lambda x: (x.date or "", orgs[x.source].name)))
        lineage = self.lineage_graph
        path = nx.dag_longest_path(self.chain_graph())
        chain = Chain(tuple(path), tuple(self.links_between(a, b)[0] for a, b in pairwise(path)))
        roots = [iri for iri in lineage if lineage.in_degree(iri) == 0]
        alive = {iri for iri, o in orgs.items() if self._present(o)}
        surviving = []
        for root in roots:
            heirs = sorted(orgs[x].name for x in ({root} | nx.descendants(lineage, root)) & alive)
            if heirs:
                surviving.append((orgs[root].name, heirs))
        components = sorted(
            (
                sorted(orgs[x].name for x in component)
                for component in nx.weakly_connected_components(self.graph)
            ),
            key=lambda c: (-len(c), c),
        )
        return Stats(
            organisations=Counter(o.kind for o in orgs.values()),
            links=Counter(link.relation_label for link in self.links),
            years=years,
            undated_parties=undated,
            largest_merger=largest_merger,
            largest_absorption=largest_absorption,
            longest_chain=chain,
            present_year=self.present_year,
            surviving_roots=sorted(surviving),
            roots=len(roots),
            components=components,
        )

    def _present(self, org: Organisation) -> bool:
        """In the source's present-day (2012) grouping, or in an election of that year."""
        if org.stance:
            return True
        return self.present_year is not None and any(
            iso_year(r.date) == self.present_year for r in org.results
        )

    def _parties_per_year(
        self, parties: list[Organisation]
    ) -> tuple[list[tuple[int, int, int, int, int]], list[str]]:
        """Per year: parties founded, ended, attested and on record; and the parties with no date.

        Attested: a dated fact shows the party at or before the year and another at or after it
        (a lower bound). On record: founded (or first dated) in or before the year and not
        ended before it (an upper bound: the source rarely says when a party disappeared).
        """
        rows = []
        evidence: dict[str, tuple[int, int, int | None]] = {}
        undated = []
        for org in parties:
            dated = [iso_year(org.founded), iso_year(org.ended)]
            dated += [iso_year(r.date) for r in org.results]
            dated += [iso_year(link.date) for link in self.links if org.iri in (link.source, link.target)]
            if org.stance and self.present_year:
                dated.append(self.present_year)
            years = [y for y in dated if y is not None]
            if not years:
                undated.append(org.name)
                continue
            # an end recorded without a date: the last dated fact is the latest it is known to exist
            end = iso_year(org.ended) if org.ended else (max(years) if org.has_end else None)
            evidence[org.iri] = (min(years), max(years), end)
        if not evidence:
            return rows, sorted(undated)
        first = min(lo for lo, _, _ in evidence.values())
        last = max([hi for _, hi, _ in evidence.values()] + [self.present_year or first])
        founded = Counter(iso_year(o.founded) for o in parties if o.founded)
        ended = Counter(iso_year(o.ended) for o in parties if o.ended)
        for year in range(first, last + 1):
            attested = sum(1 for lo, hi, _ in evidence.values() if lo <= year <= hi)
            on_record = sum(
                1 for lo, _, end in evidence.values() if lo <= year and (end is None or end >= year)
            )
            rows.append((year, founded[year], ended[year], attested, on_record))
        return rows, sorted(undated)


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


def _phrase(link: Link, upwards: bool) -> str:
    """The link seen from a tree line: "merged into ↑", "↑ split from it" (↑: the line above)."""
    # Going up (ancestors) the line holds the link's source; going down, its target.
    line_is_subject = link.backwards != upwards
    return f"{link.relation_label} ↑" if line_is_subject else f"↑ {link.relation_label} it"


def _link_order(link: Link) -> int:
    return RELATION_ORDER.index(link.relation) if link.relation in RELATION_ORDER else len(RELATION_ORDER)


def _int(value: str | None) -> int | None:
    return None if value in (None, "") else int(value)


def format_stats(stats: Stats, labels: dict[str, str]) -> str:
    """The figures as a plain-text report."""
    out = [
        "Organisations: "
        + ", ".join(f"{n} {KIND_NAMES.get(k, k)}" for k, n in stats.organisations.most_common())
    ]
    out.append("Links: " + ", ".join(f"{n} {label}" for label, n in stats.links.most_common()))
    out += ["", "Parties per year (from the founding, end and other dates in the data)"]
    out.append("  attested: a dated fact shows the party existing at or before the year and at or after it")
    out.append("  on record: founded by then and not recorded as ended before the year")
    out.append(f"  {'year':<6}{'founded':>9}{'ended':>7}{'attested':>10}{'on record':>11}")
    out += [f"  {y:<6}{f:>9}{e:>7}{a:>10}{r:>11}" for y, f, e, a, r in stats.years]
    if stats.undated_parties:
        out.append(f"  no date at all, not counted: {'; '.join(stats.undated_parties)}")
    out.append("")
    if stats.largest_merger:
        link, names = stats.largest_merger
        when = link.date or "date not stated"
        out.append(
            f"Largest merger: {len(names)} organisations into {labels[link.target]}, {when}"
            f" ({'; '.join(names)})"
        )
    if stats.largest_absorption:
        target, links = stats.largest_absorption
        out.append(
            f"Most absorbed by one organisation (merged into or joined it): {labels[target]}, {len(links)}"
        )
        out += [f"  {labels[x.source]}  [{x.relation_label}, {x.date or 'date not stated'}]" for x in links]
    chain = stats.longest_chain
    out.append(f"Longest lineage chain: {len(chain.links)} links")
    if chain.organisations:
        out.append(f"  {labels[chain.organisations[0]]}")
        out += [
            f"  -> {labels[x.target]}  [{x.relation_label}, {x.date or 'date not stated'}]"
            for x in chain.links
        ]
    year = stats.present_year or "the latest year"
    out.append(
        f"Roots (no predecessor): {stats.roots}; of them surviving to {year}: {len(stats.surviving_roots)}"
    )
    out += [f"  {root} -> {', '.join(heirs)}" for root, heirs in stats.surviving_roots]
    sizes = Counter(len(c) for c in stats.components)
    by_size = ", ".join(
        f"{n} of {size}" if n > 1 else str(size) for size, n in sorted(sizes.items(), reverse=True)
    )
    out.append(
        f"Connected components (lineage links and bloc memberships): {len(stats.components)}"
        f" (sizes: {by_size})"
    )
    out += [f"  {len(c)}: {'; '.join(c)}" for c in stats.components if len(c) > 1]
    return "\n".join(out) + "\n"


def stats_json(stats: Stats, labels: dict[str, str]) -> dict:
    """The figures as JSON-ready data."""

    def link_json(link: Link) -> dict:
        return {
            "source": link.source,
            "target": link.target,
            "relation": link.relation_label,
            "date": link.date,
        }

    return {
        "organisations": dict(stats.organisations),
        "links": dict(stats.links),
        "parties_per_year": [
            {"year": y, "founded": f, "ended": e, "attested": a, "on_record": r}
            for y, f, e, a, r in stats.years
        ],
        "undated_parties": stats.undated_parties,
        "largest_merger": None
        if not stats.largest_merger
        else {
            "into": stats.largest_merger[0].target,
            "event": stats.largest_merger[0].event,
            "date": stats.largest_merger[0].date,
            "organisations": stats.largest_merger[1],
        },
        "largest_absorption": None
        if not stats.largest_absorption
        else {
            "into": stats.largest_absorption[0],
            "links": [link_json(x) for x in stats.largest_absorption[1]],
        },
        "longest_chain": {
            "organisations": [labels[x] for x in stats.longest_chain.organisations],
            "links": [link_json(x) for x in stats.longest_chain.links],
        },
        "present_year": stats.present_year,
        "roots": stats.roots,
        "surviving_roots": [{"root": r, "survivors": h} for r, h in stats.surviving_roots],
        "components": stats.components,
    }


__all__ = ["Lineage", "LineageError", "Link", "Organisation", "Result", "Stats", "format_stats", "stats_json"]
