"""Seat apportionment with exact arithmetic: largest remainder (Hare, Droop) and highest averages
(D'Hondt, Sainte-Laguë), with a legal threshold.

Votes may be counts or shares (per cent); every number is turned into a `Fraction` first
(a float is read as its shortest decimal form, "7.07" stays 707/100), so no rounding ever
decides a seat.

Ties. Where the method itself cannot separate parties for the last seat(s) (equal remainders,
equal quotients), the party with more votes wins, and if the votes are equal too, the party
given first. Real electoral laws break such ties by lot or by their own rule, so an
`Allocation` names the parties whose seats the tie rule decided in `tied`.

The Droop quota is used in its exact form, votes / (seats + 1) (also called the
Hagenbach-Bischoff quota): with vote shares in per cent the integer form
floor(votes / (seats + 1)) + 1 would be meaningless. When every party's votes are an exact
multiple of that quota it awards one seat too many; the party ranked last by the tie rule
then gives one back.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Rational
from typing import Generic, TypeVar

from ..errors import KzgraphError

K = TypeVar("K", bound=Hashable)
Number = int | Fraction | Decimal | float | str

QUOTAS: dict[str, Callable[[Fraction, int], Fraction]] = {
    "hare": lambda votes, seats: votes / seats,
    "droop": lambda votes, seats: votes / (seats + 1),
}
DIVISORS: dict[str, Callable[[int], int]] = {
    "dhondt": lambda n: n + 1,
    "sainte-lague": lambda n: 2 * n + 1,
}
METHODS = ("hare", "droop", "dhondt", "sainte-lague")
METHOD_LABELS = {
    "hare": "largest remainder, Hare quota",
    "droop": "largest remainder, Droop quota",
    "dhondt": "D'Hondt (highest averages)",
    "sainte-lague": "Sainte-Laguë (highest averages)",
}


class ApportionmentError(KzgraphError):
    """Seats cannot be apportioned from the given votes (bad numbers, nobody eligible, unknown method)."""


@dataclass(frozen=True)
class Allocation(Generic[K]):
    """The outcome of one apportionment.

    `seats` has every party given (0 for parties below the threshold); `eligible` lists the
    parties that took part, in the order given; `quota` is set for largest-remainder methods;
    `tied` names the parties whose last seat(s) the tie rule decided (empty when none).
    """

    method: str
    total_seats: int
    seats: dict[K, int]
    eligible: tuple[K, ...]
    quota: Fraction | None = None
    tied: tuple[K, ...] = ()


def exact(value: Number) -> Fraction:
    """`value` as an exact fraction; ApportionmentError for anything that is not a finite number."""
    if isinstance(value, bool):
        raise ApportionmentError(f"{value!r} is not a number of votes")
    try:
        if isinstance(value, Rational):
            return Fraction(value)
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError
            return Fraction(value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError
            return Fraction(repr(value))
        if isinstance(value, str) and value.isascii():  # Decimal() also reads other scripts' digits
            return exact(Decimal(value.strip()))
    except (ArithmeticError, ValueError):
        pass
    raise ApportionmentError(f"{value!r} is not a finite number")


def _exact_votes(votes: Mapping[K, Number]) -> dict[K, Fraction]:
    exact_votes = {party: exact(v) for party, v in votes.items()}
    negative = [party for party, v in exact_votes.items() if v < 0]
    if negative:
        raise ApportionmentError(f"negative votes for {', '.join(map(str, negative))}")
    return exact_votes


def eligible_parties(
    votes: Mapping[K, Number], threshold: Number | None = None, *, total: Number | None = None
) -> tuple[K, ...]:
    """The parties whose votes reach `threshold` per cent of `total`, in the order given.

    `total` is the vote the threshold refers to (all votes cast, or 100 when `votes` are
    shares in per cent); by default the sum of `votes`. A party exactly at the threshold
    passes ("not less than 7%").
    """
    exact_votes = _exact_votes(votes)
    if threshold is None:
        return tuple(exact_votes)
    limit = exact(threshold)
    if not 0 <= limit <= 100:
        raise ApportionmentError(f"threshold {threshold}% is not between 0 and 100")
    base = exact(total) if total is not None else sum(exact_votes.values(), Fraction(0))
    if base < 0:
        raise ApportionmentError(f"total vote {total} is negative")
    return tuple(party for party, v in exact_votes.items() if v * 100 >= limit * base)


def allocate(
    votes: Mapping[K, Number],
    seats: int,
    method: str = "hare",
    *,
    threshold: Number | None = None,
    total: Number | None = None,
) -> Allocation[K]:
    """Apportion `seats` among the parties of `votes` that reach `threshold` (per cent of `total`).

    :param votes: votes or vote shares per party, in the order ties are broken in
    :param seats: number of seats to fill
    :param method: one of METHODS ("hare", "droop", "dhondt", "sainte-lague")
    :param threshold: legal threshold in per cent, or None for none
    :param total: the vote the threshold is a share of (default: the sum of `votes`)
    """
    if method not in METHODS:
        raise ApportionmentError(f"unknown method {method!r} (choose from: {', '.join(METHODS)})")
    exact_votes = _exact_votes(votes)
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
        raise ApportionmentError(f"seats must be a whole number ≥ 0, got {seats!r}")
    eligible = eligible_parties(exact_votes, threshold, total=total)
    pool = {party: exact_votes[party] for party in eligible}
    if seats and not any(pool.values()):
        what = "no party reaches the threshold" if exact_votes and not eligible else "no votes"
        raise ApportionmentError(f"cannot allocate {seats} seat(s): {what}")
    if method in QUOTAS:
        won, quota, tied = _largest_remainder(pool, seats, method)
    else:
        won, tied = _highest_averages(pool, seats, DIVISORS[method])
        quota = None
    return Allocation(
        method=method,
        total_seats=seats,
        seats={party: won.get(party, 0) for party in exact_votes},
        eligible=eligible,
        quota=quota,
        tied=tied,
    )


def _largest_remainder(
    votes: dict[K, Fraction], seats: int, quota_name: str
) -> tuple[dict[K, int], Fraction | None, tuple[K, ...]]:
    if seats == 0:
        return dict.fromkeys(votes, 0), None, ()
    quota = QUOTAS[quota_name](sum(votes.values(), Fraction(0)), seats)
    won = {party: math.floor(v / quota) for party, v in votes.items()}
    remainder = {party: v / quota - won[party] for party, v in votes.items()}
    order = list(votes)
    # Best claim to an extra seat first: larger remainder, then more votes, then given first.
    ranked = sorted(order, key=lambda p: (-remainder[p], -votes[p], order.index(p)))
    left = seats - sum(won.values())
    if left >= 0:
        for party in ranked[:left]:
            won[party] += 1
        boundary = ranked[left - 1 : left + 1] if 0 < left < len(ranked) else []
    else:
        # Only the exact Droop quota gets here, and only when every remainder is zero.
        holders = [p for p in reversed(ranked) if won[p] > 0]
        for party in holders[:-left]:
            won[party] -= 1
        boundary = holders[-left - 1 : -left + 1]
    tied = ()
    if len(boundary) == 2 and remainder[boundary[0]] == remainder[boundary[1]]:
        tied = tuple(p for p in order if remainder[p] == remainder[boundary[0]])
    return won, quota, tied


def _highest_averages(
    votes: dict[K, Fraction], seats: int, divisor: Callable[[int], int]
) -> tuple[dict[K, int], tuple[K, ...]]:
    order = list(votes)
    won = dict.fromkeys(order, 0)

    def claim(party: K) -> tuple[Fraction, Fraction, int]:
        return (votes[party] / divisor(won[party]), votes[party], -order.index(party))

    for _ in range(seats):
        won[max(order, key=claim)] += 1
    if seats == 0:
        return won, ()
    # A tie decided the outcome if the smallest quotient that won a seat equals the best one that did not.
    last = min(votes[p] / divisor(won[p] - 1) for p in order if won[p])
    losers = [p for p in order if votes[p] / divisor(won[p]) == last]
    if not losers:
        return won, ()
    winners = [p for p in order if won[p] and votes[p] / divisor(won[p] - 1) == last]
    return won, tuple(p for p in order if p in winners or p in losers)
