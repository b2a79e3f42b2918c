"""Party-list elections as the graph states them: rules in force, listed results, counts of lists.

Everything is read with the stored queries `election-rules` and `seat-allocation`; nothing
here knows a figure of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..errors import KzgraphError
from .indices import PartySystemIndices, party_system_indices

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
    """Every election with party-list results, oldest first."""
    return [_election(graph, rules) for rules in graph.run("election-rules").dicts()]


def party_list_election(graph: Graph, year: int | str) -> Election:
    """The election with party-list results held in `year`; ElectionNotFound names the years there are."""
    all_rules = graph.run("election-rules").dicts()
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
