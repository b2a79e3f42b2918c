"""Party-system indices: effective number of parties (Laakso-Taagepera), Gallagher's least-squares
index, the largest party's seat share, and parties over the threshold.

Vote shares are in per cent of all votes. Votes for no list ("against all") are left out:
shares are taken of the votes for lists. Where the shares given add up to less than 100 the
rest went to lists that are not named; each of them got fewer votes than the threshold and
no seat. Their exact shares are unknown, so the indices that depend on them come as a
`Bounds` pair: the rest spread as thinly as the number of lists allows (or infinitely thinly
if it is unknown), and concentrated in as few lists as the threshold allows. Printed shares
are rounded, so a sum a little over 100 (within `share_tolerance`) counts as 100.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeVar

from ..errors import KzgraphError
from .apportionment import Number, exact

K = TypeVar("K", bound=Hashable)
HUNDRED = Fraction(100)


class IndicesError(KzgraphError):
    """Indices cannot be computed from the given shares and seats."""


@dataclass(frozen=True)
class Bounds:
    """The range an index lies in; low == high when it is known exactly."""

    low: float
    high: float

    @property
    def exact(self) -> bool:
        return math.isclose(self.low, self.high, rel_tol=0, abs_tol=1e-12)

    def format(self, digits: int = 2) -> str:
        """The range as low-high (en dash), or one figure if exact; more digits where rounding hides it."""
        low, high = f"{self.low:.{digits}f}", f"{self.high:.{digits}f}"
        while low == high and not self.exact and digits < 6:
            digits += 1
            low, high = f"{self.low:.{digits}f}", f"{self.high:.{digits}f}"
        return low if low == high else f"{low}\u2013{high}"


@dataclass(frozen=True)
class PartySystemIndices:
    """Indices of one election. Seat shares are of the seats distributed among the parties given."""

    enp_votes: Bounds
    enp_seats: float | None
    gallagher: Bounds | None
    largest_seat_share: float | None
    parties_over_threshold: int | None
    listed_vote_share: float
    unlisted_vote_share: float
    max_unlisted_lists: int | None


def effective_number(sizes: Mapping[K, Number] | list[Number], total: Number | None = None) -> Fraction:
    """Laakso-Taagepera effective number: 1 / sum of squared shares, shares = size / total.

    `total` defaults to the sum of `sizes`; give it (e.g. 100 for per cent) when the sizes
    do not cover everything.
    """
    values = [exact(v) for v in (sizes.values() if isinstance(sizes, Mapping) else sizes)]
    whole = exact(total) if total is not None else sum(values, Fraction(0))
    squares = sum(((v / whole) ** 2 for v in values), Fraction(0)) if whole else Fraction(0)
    if not squares:
        raise IndicesError("effective number of parties: no votes or seats to measure")
    return 1 / squares


def gallagher(vote_shares: Mapping[K, Number], seat_shares: Mapping[K, Number]) -> float:
    """Gallagher's least-squares index: sqrt(1/2 * sum (v - s)^2), shares in per cent."""
    parties = list(dict.fromkeys([*vote_shares, *seat_shares]))
    squares = sum(
        ((exact(vote_shares.get(p, 0)) - exact(seat_shares.get(p, 0))) ** 2 for p in parties),
        Fraction(0),
    )
    return math.sqrt(squares / 2)


def unlisted_square_range(
    share: Number, threshold: Number | None, max_lists: int | None
) -> tuple[Fraction, Fraction]:
    """Smallest and largest possible sum of squared shares (per cent squared) of lists that
    together got `share` per cent, each below `threshold` per cent, at most `max_lists` of them.

    The smallest: `share` split equally among `max_lists` lists (0 in the limit if their
    number is unknown). The largest: as many lists at the threshold as fit, and the rest in
    one more list (one list with everything if there is no threshold).
    """
    rest = exact(share)
    if rest < 0:
        raise IndicesError(f"the shares given add up to {float(100 - rest):g}%, more than 100%")
    if rest == 0:
        return Fraction(0), Fraction(0)
    limit = exact(threshold) if threshold is not None else None
    if max_lists is not None and (max_lists <= 0 or (limit is not None and max_lists * limit < rest)):
        raise IndicesError(
            f"{float(rest):g}% of the vote is unaccounted for, more than {max_lists} list(s)"
            + (f" below the {float(limit):g}% threshold" if limit is not None else "")
            + " can hold"
        )
    smallest = rest**2 / max_lists if max_lists is not None else Fraction(0)
    if limit is None or limit <= 0 or limit >= rest:
        return smallest, rest**2
    full = math.floor(rest / limit)
    return smallest, full * limit**2 + (rest - full * limit) ** 2


def party_system_indices(
    vote_shares: Mapping[K, Number],
    seats: Mapping[K, int],
    *,
    threshold: Number | None = None,
    max_unlisted_lists: int | None = None,
    non_list_share: Number = 0,
    share_tolerance: Number = 0,
) -> PartySystemIndices:
    """Indices of one election from the vote shares (per cent) and seats of the parties given.

    :param vote_shares: per cent of all votes, for the lists known
    :param seats: seats per party (parties missing here have none)
    :param threshold: legal threshold in per cent of all votes, if known (bounds the unknown
        lists' shares, and counts the parties over it)
    :param max_unlisted_lists: at most how many lists are missing from `vote_shares`, if known
    :param non_list_share: per cent of all votes that went to no list ("against all")
    :param share_tolerance: how far over 100 the shares may add up through rounding
    """
    printed = {p: exact(v) for p, v in vote_shares.items()}
    over = None
    if threshold is not None:
        over = sum(1 for v in printed.values() if v >= exact(threshold))
    # Shares of the votes for lists: "against all" and the like are not a party.
    base = HUNDRED - exact(non_list_share)
    if base <= 0:
        raise IndicesError(f"no votes for lists: {float(exact(non_list_share)):g}% went to no list")
    votes = {p: HUNDRED * v / base for p, v in printed.items()}
    rest = HUNDRED - sum(printed.values(), Fraction(0)) - exact(non_list_share)
    if abs(rest) <= exact(share_tolerance):
        rest = Fraction(0)
    limit = None if threshold is None else HUNDRED * exact(threshold) / base
    fewest, most = unlisted_square_range(HUNDRED * rest / base, limit, max_unlisted_lists)
    vote_squares = sum((v**2 for v in votes.values()), Fraction(0))
    if not vote_squares + most:
        raise IndicesError("effective number of parties: no votes to measure")
    enp_votes = Bounds(
        float(HUNDRED**2 / (vote_squares + most)),
        float(HUNDRED**2 / (vote_squares + fewest)) if vote_squares + fewest else math.inf,
    )
    won = {p: seats.get(p, 0) for p in dict.fromkeys([*votes, *seats])}
    seat_total = sum(won.values())
    enp_seats = lsq = largest = None
    if seat_total:
        seat_shares = {p: HUNDRED * n / seat_total for p, n in won.items()}
        enp_seats = float(effective_number(won))
        largest = float(max(seat_shares.values()))
        listed_lsq = sum(((votes.get(p, 0) - seat_shares[p]) ** 2 for p in won), Fraction(0))
        lsq = Bounds(math.sqrt((listed_lsq + fewest) / 2), math.sqrt((listed_lsq + most) / 2))
    return PartySystemIndices(
        enp_votes=enp_votes,
        enp_seats=enp_seats,
        gallagher=lsq,
        largest_seat_share=largest,
        parties_over_threshold=over,
        listed_vote_share=float(sum(printed.values(), Fraction(0))),
        unlisted_vote_share=float(rest),
        max_unlisted_lists=max_unlisted_lists,
    )
