"""Seat comparisons and party-system indices as tables (for `output.render`) and JSON documents."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pyoxigraph as ox

from ..graph.namespaces import PREFIXES
from ..graph.results import SelectResult
from .indices import Bounds, IndicesError, PartySystemIndices
from .model import Election
from .seats import SeatComparison, plain_decimal

XSD = PREFIXES["xsd"]
NONE = "\u2013"  # en dash: no value
SEAT_COLUMNS = ["party", "label", "vote_share", "eligible", "allocated", "reported", "difference", "flag"]
INDEX_COLUMNS = [
    "year",
    "election",
    "lists_named",
    "vote_named",
    "over_threshold",
    "enp_votes_low",
    "enp_votes_high",
    "enp_seats",
    "largest_seat_share",
    "lsq_low",
    "lsq_high",
    "unnamed_lists_max",
]


def seat_table(comparison: SeatComparison) -> SelectResult:
    """One row per list: vote share, eligibility, seats allocated and reported, difference, a flag."""
    rows = []
    for row in comparison.rows:
        flag = "differs" if row.difference not in (0, None) else ""
        if row.tied:
            flag = ", ".join(f for f in (flag, "tie") if f)
        rows.append(
            (
                ox.NamedNode(row.party),
                ox.Literal(row.label),
                _number(row.vote_share),
                _boolean(row.eligible),
                _integer(row.allocated),
                None if row.reported is None else _integer(row.reported),
                None if row.difference is None else _integer(row.difference),
                ox.Literal(flag) if flag else None,
            )
        )
    return SelectResult(list(SEAT_COLUMNS), rows)


def seat_heading(comparison: SeatComparison) -> str:
    """The election, the rules applied (and where they come from) and the method, as text lines."""
    election = comparison.election
    threshold = "none" if comparison.threshold is None else f"{plain_decimal(comparison.threshold)}%"
    seats = "Seats (seats_total; compared with all seats won)" if election.seats_won else "List seats"
    lines = [
        f"{election.label} <{election.iri}>",
        f"Method: {comparison.method_label}"
        + (f" (quota {float(comparison.allocation.quota):.4g})" if comparison.allocation.quota else ""),
        f"{seats}: {comparison.seats}"
        f" ({_origin(comparison.seats, election.list_seats, election.list_seats_from)})",
        f"Threshold: {threshold}"
        f" ({_origin(comparison.threshold, election.threshold, election.threshold_from)})",
    ]
    return "\n".join(lines)


def seat_verdict(comparison: SeatComparison) -> str:
    reported = [row for row in comparison.rows if row.reported is not None]
    if not reported:
        return "The source reports no seats to compare with."
    if comparison.election.seats_won:
        if comparison.matches:
            return "Allocated = won for every party."
        differing = sum(1 for row in reported if row.difference)
        return f"Allocated ≠ won for {differing} of {len(reported)} parties."
    if comparison.matches:
        return "Allocated = reported for every list."
    differing = sum(1 for row in reported if row.difference)
    return f"Allocated ≠ reported for {differing} of {len(reported)} list(s)."


def indices_lines(comparison: SeatComparison) -> list[str]:
    """The indices of the reported and the allocated seats side by side, as aligned text lines."""
    try:
        reported = comparison.election.indices()
        allocated = comparison.indices()
    except IndicesError as e:  # ParlGov's shares of three elections add up to over 100%
        return [f"Indices not computed: {e}."]
    seats = "seats" if comparison.election.seats_won else "list seats"
    pairs = [
        ("ENP by votes", _bounds(reported.enp_votes), _bounds(allocated.enp_votes)),
        (f"ENP by {seats}", _float(reported.enp_seats), _float(allocated.enp_seats)),
        (
            f"Largest party, % of {seats}",
            _float(reported.largest_seat_share, 1),
            _float(allocated.largest_seat_share, 1),
        ),
        ("Gallagher LSq", _bounds(reported.gallagher), _bounds(allocated.gallagher)),
        ("Parties over the threshold", _count(reported.parties_over_threshold), _count(_over(comparison))),
    ]
    width = max(len(p[0]) for p in pairs)
    lines = [f"{'index'.ljust(width)}  {'reported':>12}  {'allocated':>12}"]
    lines += [f"{name.ljust(width)}  {a:>12}  {b:>12}" for name, a, b in pairs]
    lines.append(bounds_note(comparison.election, reported))
    return lines


def bounds_note(election: Election, indices: PartySystemIndices) -> str:
    """How complete the vote shares are and how the unnamed lists bound the indices of one election."""
    against = (
        f" {plain_decimal(election.against_all_share)}% voted against all and are left out."
        if election.against_all_share
        else ""
    )
    if indices.unlisted_vote_share <= 0:
        return "Every list's share is known: the indices are exact." + against
    count = (
        f"at most {election.max_unlisted_lists} of them ({election.unlisted_basis})"
        if election.max_unlisted_lists is not None
        else "their number unknown"
    )
    limit = (
        "below the threshold" if election.threshold is not None else "of any size (no threshold in the data)"
    )
    return (
        f"Ranges: {indices.unlisted_vote_share:.2f}% of the vote went to lists the source does not name,"
        f" each {limit}, {count}." + against
    )


def seat_document(comparison: SeatComparison) -> dict:
    """The comparison as a JSON-ready document: election, rules, rows, indices, notes."""
    election = comparison.election
    return {
        "election": election.iri,
        "label": election.label,
        "year": election.year,
        "method": comparison.method,
        "method_label": comparison.method_label,
        "seats": comparison.seats,
        "threshold": None if comparison.threshold is None else float(comparison.threshold),
        "counterfactual": comparison.counterfactual,
        "rules": {
            "list_seats": election.list_seats,
            "list_seats_from": election.list_seats_from,
            "threshold": None if election.threshold is None else float(election.threshold),
            "threshold_from": election.threshold_from,
        },
        "quota": None if comparison.allocation.quota is None else float(comparison.allocation.quota),
        "matches_reported": comparison.matches,
        "rows": [
            {
                "result": row.result,
                "party": row.party,
                "label": row.label,
                "vote_share": float(row.vote_share),
                "eligible": row.eligible,
                "allocated": row.allocated,
                "reported": row.reported,
                "difference": row.difference,
                "tied": row.tied,
            }
            for row in comparison.rows
        ],
        "indices": _comparison_indices(comparison),
        "notes": list(comparison.notes),
        "computed_graph": comparison.graph_iri,
    } | (_won_document(election) if election.seats_won else {})


def _won_document(election: Election) -> dict:
    """What a seats-won (ParlGov) election adds to a JSON document: where and when, and that the
    reported seats are all the seats won."""
    return {"country": election.country, "date": election.date, "reported_seats": "seats won (all seats)"}


def _comparison_indices(comparison: SeatComparison) -> dict:
    try:
        return {
            "reported": indices_document(comparison.election.indices()),
            "allocated": indices_document(comparison.indices()),
        }
    except IndicesError as e:
        return {"error": str(e)}


def election_indices(election: Election) -> tuple[PartySystemIndices | None, str | None]:
    """The election's indices, or None and why they cannot be computed (ParlGov gives vote
    shares adding up to over 100% for a few elections)."""
    try:
        return election.indices(), None
    except IndicesError as e:
        return None, str(e)


def indices_document(indices: PartySystemIndices) -> dict:
    return {
        "enp_votes": _bounds_document(indices.enp_votes),
        "enp_seats": indices.enp_seats,
        "largest_seat_share": indices.largest_seat_share,
        "gallagher": None if indices.gallagher is None else _bounds_document(indices.gallagher),
        "parties_over_threshold": indices.parties_over_threshold,
        "listed_vote_share": indices.listed_vote_share,
        "unlisted_vote_share": indices.unlisted_vote_share,
        "max_unlisted_lists": indices.max_unlisted_lists,
    }


def indices_table(elections: Sequence[Election]) -> SelectResult:
    """One row per election: the indices of the reported seats, bounds as low/high columns."""
    rows = []
    for election in elections:
        indices, _ = election_indices(election)
        if indices is None:
            row = (
                ox.Literal(str(election.year), datatype=ox.NamedNode(XSD + "gYear")),
                ox.NamedNode(election.iri),
            )
            rows.append(
                (*row, _integer(len(election.results)), _number(election.listed_vote_share), *[None] * 8)
            )
            continue
        lsq = indices.gallagher
        rows.append(
            (
                ox.Literal(str(election.year), datatype=ox.NamedNode(XSD + "gYear")),
                ox.NamedNode(election.iri),
                _integer(len(election.results)),
                _number(election.listed_vote_share),
                None if indices.parties_over_threshold is None else _integer(indices.parties_over_threshold),
                _double(indices.enp_votes.low),
                _double(indices.enp_votes.high),
                None if indices.enp_seats is None else _double(indices.enp_seats),
                None if indices.largest_seat_share is None else _double(indices.largest_seat_share),
                None if lsq is None else _double(lsq.low),
                None if lsq is None else _double(lsq.high),
                None if election.max_unlisted_lists is None else _integer(election.max_unlisted_lists),
            )
        )
    return SelectResult(list(INDEX_COLUMNS), rows)


def indices_text_table(elections: Sequence[Election]) -> SelectResult:
    """The indices for reading: bounds as "low-high", figures rounded to two places. With elections
    of `seats-won` (ParlGov's) among them, each row also names its country and election."""
    mixed = any(e.seats_won for e in elections)
    rows = []
    for election in elections:
        indices, _ = election_indices(election)
        where = (election.country or "KAZ", election.label) if mixed else ()
        if indices is None:
            named = f"{len(election.results)} ({plain_decimal(election.listed_vote_share)}%)"
            rows.append(tuple(ox.Literal(v) for v in (*where, str(election.year), named, *[NONE] * 5)))
            continue
        rows.append(
            tuple(
                ox.Literal(value)
                for value in (
                    *where,
                    str(election.year),
                    f"{len(election.results)} ({plain_decimal(election.listed_vote_share)}%)",
                    _count(indices.parties_over_threshold),
                    _bounds(indices.enp_votes),
                    _float(indices.enp_seats),
                    _float(indices.largest_seat_share, 1),
                    _bounds(indices.gallagher),
                )
            )
        )
    columns = ["year", "lists named (vote)", "over threshold", "ENP votes", "ENP seats", "largest %", "LSq"]
    if mixed:
        columns = ["country", "election", *columns]
    return SelectResult(columns, rows)


def _over(comparison: SeatComparison) -> int | None:
    if comparison.threshold is None:
        return None
    return sum(1 for row in comparison.rows if row.vote_share >= comparison.threshold)


def _origin(applied: object, in_force: object, source: str | None) -> str:
    if applied != in_force:
        if isinstance(in_force, Decimal):
            in_force = f"{plain_decimal(in_force)}%"
        return "counterfactual; in force: " + ("none stated" if in_force is None else str(in_force))
    if source is None:
        return "none stated for this election: see the note below"
    return f"from <{source}>"


def _bounds(bounds: Bounds | None) -> str:
    return NONE if bounds is None else bounds.format()


def _bounds_document(bounds: Bounds) -> dict:
    return {"low": bounds.low, "high": bounds.high, "exact": bounds.exact}


def _float(value: float | None, digits: int = 2) -> str:
    return NONE if value is None else f"{value:.{digits}f}"


def _count(value: int | None) -> str:
    return NONE if value is None else str(value)


def _number(value: Decimal) -> ox.Literal:
    return ox.Literal(plain_decimal(value), datatype=ox.NamedNode(XSD + "decimal"))


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _double(value: float) -> ox.Literal:
    return ox.Literal(repr(float(value)), datatype=ox.NamedNode(XSD + "double"))


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
