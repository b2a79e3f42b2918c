"""Allocate an election's party-list seats under the rules in the graph (or counterfactual ones),
compare them with the seats reported, and write the allocation back as a PROV-described
named graph of its own.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import __version__
from ..errors import KzgraphError
from ..graph.namespaces import GRAPH, ID, KZ, PREFIXES
from ..graph.params import decimal_number
from .apportionment import METHOD_LABELS, METHODS, Allocation, ApportionmentError, allocate
from .indices import PartySystemIndices
from .model import Election, find_election

if TYPE_CHECKING:
    from ..graph.store import Graph

COMPUTED_GRAPH = GRAPH + "computed/"
COMPUTATION = ID + "computation/"
AGENT = ID + "agent/kzgraph"
METHOD_IRIS = {
    "hare": KZ + "HareLargestRemainder",
    "droop": KZ + "DroopLargestRemainder",
    "dhondt": KZ + "DHondt",
    "sainte-lague": KZ + "SainteLague",
}
SAVE_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
DEFAULT_SAVE_DIR = Path("computed")


class SaveError(KzgraphError):
    """A computed allocation could not be written."""


@dataclass(frozen=True)
class SeatRow:
    """One list: its vote share, whether it took part, the seats allocated and those reported."""

    result: str
    party: str
    label: str
    vote_share: Decimal
    eligible: bool
    allocated: int
    reported: int | None
    tied: bool

    @property
    def difference(self) -> int | None:
        return None if self.reported is None else self.allocated - self.reported


@dataclass(frozen=True)
class SeatComparison:
    """An election's list seats as a method allocates them, beside the seats the source reports."""

    election: Election
    method: str
    seats: int
    threshold: Decimal | None
    counterfactual: bool
    allocation: Allocation[str]
    rows: tuple[SeatRow, ...]
    notes: tuple[str, ...]

    @property
    def method_label(self) -> str:
        return METHOD_LABELS[self.method]

    @property
    def matches(self) -> bool:
        """True when every list's allocated seats equal the seats reported for it."""
        return all(row.difference == 0 for row in self.rows)

    @property
    def slug(self) -> str:
        """A name for this computation: year, method and any counterfactual rule."""
        election = self.election
        where = f"seats-{election.year}"
        if election.seats_won:  # several elections a year: the country and the IRI's last segment
            where = f"seats-{election.country}-{election.iri.rstrip('/').rsplit('/', 1)[-1]}"
        parts = [where, self.method]
        if self.threshold != self.election.threshold:
            parts.append(f"threshold-{plain_decimal(self.threshold or Decimal(0))}")
        if self.seats != self.election.list_seats:
            parts.append(f"{self.seats}-seats")
        return "-".join(parts)

    @property
    def graph_iri(self) -> str:
        return COMPUTED_GRAPH + self.slug

    def indices(self) -> PartySystemIndices:
        """Party-system indices of the allocated seats (parties over the threshold in force)."""
        return self.election.indices({row.result: row.allocated for row in self.rows})


# The thresholds stated before an election: set by a law, or stated for an earlier election.
THRESHOLDS_BEFORE = """
SELECT ?where ?date ?limit ?quote WHERE {
  ?election kz:isoDate ?election_date .
  { ?where kz:setsThreshold ?limit ; dct:date ?date }
  UNION
  { ?where a kz:Election ; kz:threshold ?limit ; kz:isoDate ?date .
    OPTIONAL { ?where kz:quote ?quote FILTER (REGEX(?quote, "[0-9]+ ?% [^.]*threshold", "i")) } }
  FILTER (STR(?date) < STR(?election_date))
}
ORDER BY DESC(STR(?date)) ?where ?quote
"""


def _whose(graph: Graph) -> str:
    from ..graph.store import SOURCES

    return "The paper" if graph.graphs == SOURCES["paper"] else "The data"


def _last_stated_threshold(graph: Graph, election: Election) -> str:
    """Where the graph last states a threshold before `election`: the latest law that sets one
    and the latest election it is stated for, with the words that state it."""
    rows = graph.query(THRESHOLDS_BEFORE, {"election": ox.NamedNode(election.iri)}).dicts()
    is_election = {r["where"]: _is_election(graph, r["where"]) for r in rows}
    laws = [r for r in rows if not is_election[r["where"]]]
    elections = [r for r in rows if is_election[r["where"]]]
    found = []
    for row in laws[:1] + elections[:1]:
        limit = f"{Decimal(row['limit']).normalize():f}%"
        where = _short(row["where"])
        if row["quote"]:
            sentence = next(s for s in row["quote"].split(". ") if "threshold" in s.lower()).rstrip(".")
            found.append(f'{limit} for {where} ("{sentence}")')
        else:
            found.append(f"{limit} by {where} of {row['date']}")
    return f"; it last states one in {' and '.join(found)}" if found else ""


def _is_election(graph: Graph, iri: str) -> bool:
    return bool(graph.query("ASK { ?where a kz:Election }", {"where": ox.NamedNode(iri)}))


def _short(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and "/" not in iri[len(base) :]:
            return f"{prefix}:{iri[len(base) :]}"
    return f"<{iri}>"


def compare_seats(
    graph: Graph,
    year: int | str | None,
    *,
    method: str = "hare",
    threshold: Decimal | int | str | None = None,
    seats: int | None = None,
    country: str | None = None,
    election: str | None = None,
) -> SeatComparison:
    """Allocate the list seats of the election held in `year` and compare them with those reported.

    The rules come from the graph (see `elections.Election`); `threshold` (per cent; 0 for
    none) and `seats` replace them for a counterfactual. `country` (a code) picks the election
    of that year in one country, `election` (an IRI or a ParlGov election id) one election.
    For an election of `seats-won` (ParlGov's) the seats to fill are its kz:seatsTotal, no
    threshold applies unless given, and the seats compared with are all the seats won.
    """
    if method not in METHODS:
        raise ApportionmentError(f"unknown method {method!r} (choose from: {', '.join(METHODS)})")
    election = find_election(graph, year, country=country, election=election)
    notes: list[str] = []
    applied: Decimal | None
    if threshold is not None:
        applied = Decimal(threshold) if isinstance(threshold, Decimal | int) else decimal_number(threshold)
        if applied is None:
            raise ApportionmentError(
                f"threshold {threshold!r} is not a number (per cent) written in the digits 0-9"
            )
        if not applied.is_finite() or not 0 <= applied <= 100:
            raise ApportionmentError(f"threshold {threshold}% is not between 0 and 100")
    else:
        applied = election.threshold
        if applied is None and election.seats_won:
            notes.append(
                "The data (ParlGov) states no threshold nor any other electoral rule for this election,"
                " so every party with a vote share takes part (use --threshold to apply one)."
            )
        elif applied is None:
            last = _last_stated_threshold(graph, election)
            notes.append(
                f"{_whose(graph)} states no threshold for this election{last},"
                " so every listed party takes part (use --threshold to apply one)."
            )
    to_fill = seats if seats is not None else election.list_seats
    if to_fill is None and election.seats_won:
        raise ApportionmentError(
            f"The data states no seats_total for {election.label} ({election.iri}); give one with --seats"
        )
    if to_fill is None:
        raise ApportionmentError(
            f"The data states no number of party-list seats for {election.label} ({election.iri});"
            " give one with --seats"
        )
    votes = {r.result: r.vote_share for r in election.results}
    allocation = allocate(votes, to_fill, method, threshold=applied, total=100)
    rows = tuple(
        SeatRow(
            result=r.result,
            party=r.party,
            label=r.label,
            vote_share=r.vote_share,
            eligible=r.result in allocation.eligible,
            allocated=allocation.seats[r.result],
            reported=r.reported_seats,
            tied=r.result in allocation.tied,
        )
        for r in election.results
    )
    notes.extend(_notes(election, applied, to_fill, rows, allocation))
    return SeatComparison(
        election=election,
        method=method,
        seats=to_fill,
        threshold=applied,
        counterfactual=applied != election.threshold or to_fill != election.list_seats,
        allocation=allocation,
        rows=rows,
        notes=tuple(notes),
    )


def _notes(
    election: Election,
    threshold: Decimal | None,
    seats: int,
    rows: tuple[SeatRow, ...],
    allocation: Allocation[str],
) -> list[str]:
    if election.seats_won:
        return _won_notes(election, threshold, seats, rows, allocation)
    notes = []
    listed = election.listed_vote_share
    if election.unlisted_vote_share:
        notes.append(
            f"The source names {len(rows)} list(s) with {plain_decimal(listed)}% of the vote; the others"
            f" ({plain_decimal(election.unlisted_vote_share)}%) are unknown, so the method works on the"
            " named lists' shares."
        )
    if (
        election.unlisted_vote_share
        and threshold is not None
        and election.threshold is not None
        and threshold < election.threshold
    ):
        notes.append(
            f"A threshold of {plain_decimal(threshold)}% cannot bring in lists the source does not"
            f" name: any list between {plain_decimal(threshold)}% and"
            f" {plain_decimal(election.threshold)}% is missing."
        )
    if election.list_seats is not None and seats != election.list_seats:
        notes.append(f"{seats} seats instead of the {election.list_seats} of the rules in force.")
    reported = election.reported_seats
    if election.list_seats is not None and reported and reported != election.list_seats:
        notes.append(f"The seats reported add up to {reported}, not to the {election.list_seats} list seats.")
    return notes + _outcome_notes(
        rows, allocation, "list given first; a real count would follow the law (often a draw)", "reported"
    )


def _won_notes(
    election: Election,
    threshold: Decimal | None,
    seats: int,
    rows: tuple[SeatRow, ...],
    allocation: Allocation[str],
) -> list[str]:
    """The notes of an election of `seats-won` (ParlGov's): seats won, not list seats."""
    notes = [
        "Reported are all the seats each party won (ParlGov's seats), not list seats: ParlGov does not"
        " tell list and constituency seats apart. The seats to fill are its seats_total."
    ]
    if election.unlisted_vote_share:
        notes.append(
            f"The data gives vote shares for {len(rows)} parties with"
            f" {plain_decimal(election.listed_vote_share)}% of the vote; the others"
            f" ({plain_decimal(election.unlisted_vote_share)}%) are unknown, so the method works on the"
            " known shares."
        )
    if election.without_share:
        names = ", ".join(f"{r.label} ({r.reported_seats or 0})" for r in election.without_share)
        notes.append(f"Left out, with seats won but no vote share: {names}.")
    if election.list_seats is not None and seats != election.list_seats:
        notes.append(f"{seats} seats instead of the {election.list_seats} of ParlGov's seats_total.")
    reported = election.reported_seats
    if election.list_seats is not None and reported != election.list_seats:
        notes.append(
            f"The seats won of the parties with a vote share add up to {reported}, not to the"
            f" {election.list_seats} of seats_total."
        )
    return notes + _outcome_notes(rows, allocation, "party given first", "won")


def _outcome_notes(
    rows: tuple[SeatRow, ...], allocation: Allocation[str], tie_rule: str, compared: str
) -> list[str]:
    """The notes on ties for the last seats and on seats that differ from those `compared`."""
    notes = []
    if allocation.tied:
        names = ", ".join(row.label for row in rows if row.tied)
        notes.append(
            f"The last seat(s) were tied between {names}: kzgraph gives them to more votes, then to the"
            f" {tie_rule}."
        )
    differing = [row.label for row in rows if row.difference not in (0, None)]
    if differing:
        notes.append(f"Allocated seats differ from those {compared} for: {', '.join(differing)}.")
    return notes


def plain_decimal(number: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 7.0 -> "7", 1E+2 -> "100"."""
    return format(number.normalize(), "f")


def allocation_quads(comparison: SeatComparison, generated_at: dt.datetime | None = None) -> list[ox.Quad]:
    """The computed allocation as RDF in its own named graph, with PROV links to method and inputs."""
    graph = ox.NamedNode(comparison.graph_iri)
    activity = ox.NamedNode(COMPUTATION + comparison.slug)
    election = comparison.election
    when = generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    triples: list[tuple[ox.NamedNode, str, ox.NamedNode | ox.Literal]] = []

    def add(subject: ox.NamedNode, predicate: str, obj: ox.NamedNode | ox.Literal) -> None:
        triples.append((subject, predicate, obj))

    add(graph, "prov:wasGeneratedBy", activity)
    add(activity, "rdf:type", _iri("kz:SeatApportionment"))
    add(
        activity,
        "rdfs:label",
        ox.Literal(
            f"{comparison.method_label}: {comparison.seats} list seats, {election.label}"
            + (" (counterfactual)" if comparison.counterfactual else ""),
            language="en",
        ),
    )
    add(activity, "kz:apportionmentMethod", ox.NamedNode(METHOD_IRIS[comparison.method]))
    add(activity, "kz:allocationFor", ox.NamedNode(election.iri))
    add(activity, "kz:seatsToFill", _typed(comparison.seats, "nonNegativeInteger"))
    if comparison.threshold is not None:
        add(activity, "kz:thresholdApplied", _typed(plain_decimal(comparison.threshold), "decimal"))
    if comparison.allocation.quota is not None:
        quota = Decimal(comparison.allocation.quota.numerator) / comparison.allocation.quota.denominator
        add(activity, "kz:quota", _typed(plain_decimal(round(quota, 12)), "decimal"))
    add(activity, "kz:counterfactual", _typed("true" if comparison.counterfactual else "false", "boolean"))
    used = [election.iri, *(r.result for r in comparison.rows)]
    if comparison.seats == election.list_seats:
        used.append(election.list_seats_from)
    if comparison.threshold is not None and comparison.threshold == election.threshold:
        used.append(election.threshold_from)
    for iri in dict.fromkeys(i for i in used if i):
        add(activity, "prov:used", ox.NamedNode(iri))
    add(activity, "prov:wasAssociatedWith", ox.NamedNode(AGENT))
    add(activity, "prov:endedAtTime", _typed(when.isoformat().replace("+00:00", "Z"), "dateTime"))
    for note in comparison.notes:
        add(activity, "rdfs:comment", ox.Literal(note, language="en"))
    agent = ox.NamedNode(AGENT)
    add(agent, "rdf:type", _iri("prov:SoftwareAgent"))
    add(agent, "rdfs:label", ox.Literal(f"kzgraph {__version__}", language="en"))
    for row in comparison.rows:
        node = ox.NamedNode(f"{COMPUTATION}{comparison.slug}/{row.result.rstrip('/').rsplit('/', 1)[-1]}")
        add(node, "rdf:type", _iri("kz:SeatAllocation"))
        add(node, "prov:wasGeneratedBy", activity)
        add(node, "prov:wasDerivedFrom", ox.NamedNode(row.result))
        add(node, "kz:allocationFor", ox.NamedNode(election.iri))
        add(node, "kz:party", ox.NamedNode(row.party))
        add(node, "kz:allocatedSeats", _typed(row.allocated, "nonNegativeInteger"))
        if row.difference is not None:
            add(node, "kz:seatDifference", _typed(row.difference, "integer"))
        add(node, "kz:decidedByTie", _typed("true" if row.tied else "false", "boolean"))
    return [ox.Quad(s, _iri(p), o, graph) for s, p, o in triples]


def _iri(curie: str) -> ox.NamedNode:
    prefix, _, local = curie.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(PREFIXES["xsd"] + datatype))


def default_save_path(comparison: SeatComparison, directory: Path = DEFAULT_SAVE_DIR) -> Path:
    return directory / f"{comparison.slug}.trig"


def save_path(comparison: SeatComparison, path: Path | str | None = None) -> Path:
    """Where `save_allocation` writes: `path` if it names a .trig or .nq file, <slug>.trig inside
    it if it is a directory (existing, ending in "/" or without a suffix), by default
    computed/<slug>.trig. SaveError for any other file name."""
    if path is None:
        return default_save_path(comparison)
    target = Path(path)
    if target.is_dir() or str(path).endswith(("/", os.sep)) or not target.suffix:
        return default_save_path(comparison, target)
    if target.suffix.lower() not in SAVE_FORMATS:
        raise SaveError(f"{target}: save as .trig or .nq (a dataset format keeps the named graph)")
    return target


def save_allocation(
    comparison: SeatComparison,
    path: Path | str | None = None,
    *,
    generated_at: dt.datetime | None = None,
) -> Path:
    """Write the allocation's named graph to `save_path(comparison, path)` (TriG or N-Quads),
    replacing an earlier file atomically. Returns the file written; `--load FILE` reads it back.
    """
    target = save_path(comparison, path)
    fmt = SAVE_FORMATS[target.suffix.lower()]
    quads = allocation_quads(comparison, generated_at)
    prefixes = _save_prefixes() if fmt is ox.RdfFormat.TRIG else None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                ox.serialize(quads, stream, format=fmt, prefixes=prefixes)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise SaveError(f"{target}: cannot write the allocation: {e.strerror or e}") from None
    return target


def add_to_store(saved: Path, comparison: SeatComparison, store_dir: Path | str) -> None:
    """Load a saved allocation into the on-disk store DIR (`kzgraph load --store`), replacing the
    earlier version of its named graph. Nothing may hold the store open meanwhile."""
    from ..graph.persistent import load

    load(store_dir, [saved], bundled=False, graph=comparison.graph_iri)


def _save_prefixes() -> dict[str, str]:
    keep = ("kz", "election", "result", "law", "party", "rdf", "rdfs", "xsd", "prov")
    return {p: PREFIXES[p] for p in keep} | {"computation": COMPUTATION}
