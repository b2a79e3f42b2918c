"""Party-list elections as the graph states them: rules in force, listed results, counts of lists.

Everything is read with the stored queries `election-rules` and `seat-allocation` (Kazakhstan's
party-list elections) and `seats-won` (elections whose results state the seats won, ParlGov's);
nothing here knows a figure of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import KzgraphError
from ..graph.namespaces import ID
from ..graph.store import KAZAKHSTAN
from .indices import PartySystemIndices, party_system_indices

PARLGOV_ELECTION = ID + "parlgov/election/"  # + ParlGov's election id (importers/parlgov.py)

if TYPE_CHECKING:
    from ..graph.store import Graph


class ElectionNotFound(KzgraphError):
    """No party-list election was held in the requested year, or several were."""


@dataclass(frozen=True)
class ListResult:
    """One list's result as the source reports it."""

    result: str
    party: str
    label: str
    vote_share: Decimal
    reported_seats: int | None


@dataclass(frozen=True)
class Election:
    """A party-list election with the rules in force and its listed results.

    `list_seats_from` and `threshold_from` are the IRIs of the resources that state each rule
    (the election itself or the law it was held under). `max_unlisted_lists` bounds how many
    lists the source leaves unnamed, from the counts it gives; `unlisted_basis` says how.
    """

    iri: str
    year: int
    label: str
    list_seats: int | None
    list_seats_from: str | None
    threshold: Decimal | None
    threshold_from: str | None
    results: tuple[ListResult, ...]
    max_unlisted_lists: int | None
    unlisted_basis: str
    against_all_share: Decimal | None = None
    # Elections read from `seats-won` (ParlGov's): the country's code, the date, "won" (the
    # results' seats are all the seats won, not list seats; list_seats is the seats to fill)
    # and the results with seats but no vote share, which no method can allocate.
    country: str | None = None
    date: str | None = None
    seats_kind: str = "list"
    without_share: tuple[ListResult, ...] = ()

    @property
    def seats_won(self) -> bool:
        """True for an election whose results are the seats won (ParlGov's), not list seats."""
        return self.seats_kind == "won"

    @property
    def listed_vote_share(self) -> Decimal:
        return sum((r.vote_share for r in self.results), Decimal(0))

    @property
    def unlisted_vote_share(self) -> Decimal:
        """Per cent of the vote for lists the source does not name (0 if the shares add up to 100,
        give or take rounding)."""
        rest = 100 - self.listed_vote_share - (self.against_all_share or 0)
        return rest if rest > self.share_tolerance else Decimal(0)

    @property
    def share_tolerance(self) -> Decimal:
        """How far over 100% the printed shares may add up by rounding (half a unit of each last digit)."""
        shares = [r.vote_share for r in self.results]
        if self.against_all_share is not None:
            shares.append(self.against_all_share)
        return sum((Decimal(5).scaleb(s.as_tuple().exponent - 1) for s in shares), Decimal(0))

    @property
    def reported_seats(self) -> int:
        return sum(r.reported_seats or 0 for r in self.results)

    def indices(self, seats: dict[str, int] | None = None) -> PartySystemIndices:
        """Party-system indices of the reported seats, or of `seats` (result IRI -> seats), with
        the unnamed lists bounded by the threshold in force and the counts the source gives."""
        if seats is None:
            seats = {r.result: r.reported_seats or 0 for r in self.results}
        return party_system_indices(
            {r.result: r.vote_share for r in self.results},
            seats,
            threshold=self.threshold,
            max_unlisted_lists=self.max_unlisted_lists,
            non_list_share=self.against_all_share or 0,
            share_tolerance=self.share_tolerance,
        )


def party_list_elections(graph: Graph) -> list[Election]:
    """Every election with party-list results, oldest first (not those read from `seats-won`)."""
    won = _seats_won_rows(graph)
    return [
        _election(graph, rules)
        for rules in graph.run("election-rules").dicts()
        if rules["election"] not in won
    ]


def seats_won_elections(graph: Graph, country: str | None = None) -> list[Election]:
    """Every election whose results state the seats won (ParlGov's), or those of `country`
    (a code; KAZ: those that state no country), by country and date."""
    code = None if country is None else country.strip().upper()
    return [
        _won_election(rows)
        for rows in _seats_won_rows(graph).values()
        if code is None or rows[0]["system"] == code
    ]


def all_elections(graph: Graph, country: str | None = None) -> list[Election]:
    """Kazakhstan's party-list elections, then every election with seats won (ParlGov's), or
    only those of `country` (KAZ: the bundled data's)."""
    code = None if country is None else country.strip().upper()
    kazakh = party_list_elections(graph) if code in (None, KAZAKHSTAN) else []
    return kazakh + seats_won_elections(graph, code)


def find_election(
    graph: Graph, year: int | str | None = None, *, country: str | None = None, election: str | None = None
) -> Election:
    """The election to allocate: `election` (an IRI, or a ParlGov election id), else the one
    held in `year` (in `country`, a code; KAZ: the bundled data's). ElectionNotFound lists the
    candidates where there are none or several."""
    won = _seats_won_rows(graph)
    if election is not None:
        iri = _election_iri(election)
        if iri in won:
            return _won_election(won[iri])
        for rules in graph.run("election-rules").dicts():
            if rules["election"] == iri:
                return _election(graph, rules)
        raise ElectionNotFound(
            f"No election {election!r} with vote shares in the graph (see: kzgraph run elections)"
        )
    if year is None:
        raise ElectionNotFound("Give the election's year (--year) or the election itself (--election)")
    code = None if country is None else country.strip().upper()
    text = str(year).strip()
    if not won or code == KAZAKHSTAN:
        return party_list_election(graph, year, exclude=set(won))
    others = [
        rows for rows in won.values() if rows[0]["date"][:4] == text and code in (None, rows[0]["system"])
    ]
    kazakh = []
    if code is None:
        kazakh = [
            r for r in graph.run("election-rules").dicts() if r["year"] == text and r["election"] not in won
        ]
    if len(others) + len(kazakh) == 1:
        return _won_election(others[0]) if others else _election(graph, kazakh[0])
    where = "" if code is None else f" of {code}"
    if not others and not kazakh:
        years = sorted({rows[0]["date"][:4] for rows in won.values() if code in (None, rows[0]["system"])})
        listing = ", ".join(years) if years else "none"
        raise ElectionNotFound(
            f"No election{where} with vote shares in {text}. Years with results{where}: {listing}"
        )
    candidates = [f"{r['election']} (KAZ, {r['label']})" for r in kazakh]
    candidates += [f"{rows[0]['election']} ({rows[0]['system']}, {rows[0]['label']})" for rows in others]
    hint = "give --country CODE or --election IRI" if code is None else "give --election IRI"
    raise ElectionNotFound(
        f"Several elections{where} with vote shares in {text} ({hint}): " + "; ".join(candidates)
    )


def _election_iri(value: str) -> str:
    from ..graph.params import expand_iri

    text = value.strip()
    if text.isascii() and text.isdigit():
        return PARLGOV_ELECTION + text
    iri = expand_iri(text)
    if iri is None:
        raise ElectionNotFound(f"{value!r} is neither an election's IRI nor a ParlGov election id (a number)")
    return iri


def _seats_won_rows(graph: Graph) -> dict[str, list[dict[str, str | None]]]:
    """The rows of `seats-won`, per election whose results state seats won, in the query's order."""
    by_election: dict[str, list[dict[str, str | None]]] = {}
    for row in graph.run("seats-won").dicts():
        by_election.setdefault(row["election"] or "", []).append(row)
    return {e: rows for e, rows in by_election.items() if any(r["seats_won"] is not None for r in rows)}


def _won_election(rows: list[dict[str, str | None]]) -> Election:
    """An election of `seats-won`: the seats to fill are its seats_total; no threshold is stated."""
    first = rows[0]

    def result(row: dict[str, str | None]) -> ListResult:
        return ListResult(
            result=row["result"] or "",
            party=row["party"] or "",
            label=row["party_label"] or row["party"] or "",
            vote_share=Decimal(row["vote_share"] or "0"),
            reported_seats=None if row["seats_won"] is None else int(row["seats_won"]),
        )

    shared = sorted(
        (result(r) for r in rows if r["vote_share"] is not None), key=lambda r: (-r.vote_share, r.result)
    )
    return Election(
        iri=first["election"] or "",
        year=int((first["date"] or "0")[:4]),
        label=first["label"] or first["election"] or "",
        list_seats=None if first["seats_total"] is None else int(first["seats_total"]),
        list_seats_from=None if first["seats_total"] is None else first["election"],
        threshold=None,
        threshold_from=None,
        results=tuple(shared),
        max_unlisted_lists=None,
        unlisted_basis="the data gives no count of lists or parties",
        country=first["system"],
        date=first["date"],
        seats_kind="won",
        without_share=tuple(result(r) for r in rows if r["vote_share"] is None),
    )


def party_list_election(graph: Graph, year: int | str, *, exclude: set[str] | None = None) -> Election:
    """The election with party-list results held in `year`; ElectionNotFound names the years there
    are. `exclude`: IRIs of elections not to consider (those read from `seats-won`)."""
    all_rules = [r for r in graph.run("election-rules").dicts() if r["election"] not in (exclude or ())]
    matching = [rules for rules in all_rules if rules["year"] == str(year).strip()]
    if len(matching) == 1:
        return _election(graph, matching[0])
    years = ", ".join(dict.fromkeys(rules["year"] or "?" for rules in all_rules))
    if not matching:
        raise ElectionNotFound(
            f"No election with party-list results in {year}. Years with results: {years}"
            " (see: kzgraph run election-rules)"
        )
    listing = ", ".join(rules["election"] or "?" for rules in matching)
    raise ElectionNotFound(f"Several elections with party-list results in {year}: {listing}")


def _election(graph: Graph, rules: dict[str, str | None]) -> Election:
    rows = graph.run("seat-allocation", year=rules["year"]).dicts()
    results = tuple(
        ListResult(
            result=row["result"] or "",
            party=row["party"] or "",
            label=row["label"] or row["party"] or "",
            vote_share=Decimal(row["vote_share"] or "0"),
            reported_seats=None if row["actual_seats"] is None else int(row["actual_seats"]),
        )
        for row in rows
        if row["election"] == rules["election"]
    )
    # Ties in the methods go to the list given first: order by share, then IRI, as the SPARQL does.
    results = tuple(sorted(results, key=lambda r: (-r.vote_share, r.result)))
    threshold = None if rules["threshold"] is None else Decimal(rules["threshold"])
    max_lists, basis = _unlisted_lists(rules, results, threshold)
    return Election(
        iri=rules["election"] or "",
        year=int(rules["year"] or 0),
        label=rules["label"] or rules["election"] or "",
        list_seats=None if rules["list_seats"] is None else int(rules["list_seats"]),
        list_seats_from=rules["list_seats_from"],
        threshold=threshold,
        threshold_from=rules["threshold_from"],
        results=results,
        max_unlisted_lists=max_lists,
        unlisted_basis=basis,
        against_all_share=None if rules["against_all_share"] is None else Decimal(rules["against_all_share"]),
    )


def _unlisted_lists(
    rules: dict[str, str | None], results: tuple[ListResult, ...], threshold: Decimal | None
) -> tuple[int | None, str]:
    """The fewest lists the counts in the source leave room for beyond the listed ones, and why."""
    listed_lists = int(rules["listed_lists"] or 0)
    listed_parties = int(rules["listed_parties"] or 0)
    candidates: list[tuple[int, str]] = []

    def count(column: str) -> int | None:
        return None if rules[column] is None else int(Decimal(rules[column] or "0"))

    if (lists := count("party_lists")) is not None:
        candidates.append((lists - listed_lists, f"{lists} party lists registered - {listed_lists} listed"))
    if (filed := count("lists_filed")) is not None:
        candidates.append((filed - listed_lists, f"{filed} parties filed lists - {listed_lists} listed"))
    if (contesting := count("contesting_parties")) is not None:
        candidates.append(
            (
                contesting - listed_parties,
                f"{contesting} parties contested - {listed_parties} behind the listed lists",
            )
        )
    if (below := count("parties_below_threshold")) is not None and threshold is not None:
        listed_below = sum(1 for r in results if r.vote_share < threshold)
        candidates.append(
            (below - listed_below, f"{below} parties below the threshold - {listed_below} listed")
        )
    if not candidates:
        return None, "the source gives no count of lists or parties"
    fewest = min(candidates)
    return max(fewest[0], 0), fewest[1]
