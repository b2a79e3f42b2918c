"""Consolidation figures computed from a lineage, as text and as JSON-ready data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

import networkx as nx

from .model import KIND_NAMES, Lineage, Link, Organisation, iso_year


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


def consolidation_stats(lineage: Lineage) -> Stats:
    """Consolidation figures of this lineage."""
    orgs = lineage.organisations
    parties = [o for o in orgs.values() if o.kind == "party"]
    years, undated = _parties_per_year(lineage, parties)
    mergers: dict[str, list[Link]] = {}
    absorbed: dict[str, list[Link]] = {}
    for link in lineage.links:
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
        target, links = max(absorbed.items(), key=lambda item: (len({x.source for x in item[1]}), item[0]))
        largest_absorption = (target, sorted(links, key=lambda x: (x.date or "", orgs[x.source].name)))
    links_only = lineage.lineage_graph
    path = nx.dag_longest_path(lineage.chain_graph())
    chain = Chain(tuple(path), tuple(lineage.links_between(a, b)[0] for a, b in pairwise(path)))
    roots = [iri for iri in links_only if links_only.in_degree(iri) == 0]
    alive = {iri for iri, o in orgs.items() if _present(lineage, o)}
    surviving = []
    for root in roots:
        heirs = sorted(orgs[x].name for x in ({root} | nx.descendants(links_only, root)) & alive)
        if heirs:
            surviving.append((orgs[root].name, heirs))
    components = sorted(
        (
            sorted(orgs[x].name for x in component)
            for component in nx.weakly_connected_components(lineage.graph)
        ),
        key=lambda c: (-len(c), c),
    )
    return Stats(
        organisations=Counter(o.kind for o in orgs.values()),
        links=Counter(link.relation_label for link in lineage.links),
        years=years,
        undated_parties=undated,
        largest_merger=largest_merger,
        largest_absorption=largest_absorption,
        longest_chain=chain,
        present_year=lineage.present_year,
        surviving_roots=sorted(surviving),
        roots=len(roots),
        components=components,
    )


def _present(lineage: Lineage, org: Organisation) -> bool:
    """In the source's present-day (2012) grouping, or in an election of that year."""
    if org.stance:
        return True
    return lineage.present_year is not None and any(
        iso_year(r.date) == lineage.present_year for r in org.results
    )


def _parties_per_year(
    lineage: Lineage, parties: list[Organisation]
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
        dated += [iso_year(link.date) for link in lineage.links if org.iri in (link.source, link.target)]
        if org.stance and lineage.present_year:
            dated.append(lineage.present_year)
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
    last = max([hi for _, hi, _ in evidence.values()] + [lineage.present_year or first])
    founded = Counter(iso_year(o.founded) for o in parties if o.founded)
    ended = Counter(iso_year(o.ended) for o in parties if o.ended)
    for year in range(first, last + 1):
        attested = sum(1 for lo, hi, _ in evidence.values() if lo <= year <= hi)
        on_record = sum(1 for lo, _, end in evidence.values() if lo <= year and (end is None or end >= year))
        rows.append((year, founded[year], ended[year], attested, on_record))
    return rows, sorted(undated)


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
