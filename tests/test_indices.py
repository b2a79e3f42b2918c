"""Party-system indices: hand-computed values for 2012, a published Gallagher example, the bounds
for lists the source does not name, and their properties."""

from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kzgraph.elections.indices import (
    IndicesError,
    effective_number,
    gallagher,
    party_system_indices,
    unlisted_square_range,
)

PAPER_2012 = {"nur-otan": "80.99", "ak-zhol": "7.47", "cppk": "7.19"}
SEATS_2012 = {"nur-otan": 83, "ak-zhol": 8, "cppk": 7}


def test_2012_as_the_paper_reports_it():
    """Majilis 2012 from the paper alone: shares 80.99, 7.47, 7.19 (95.65% named), list seats
    83, 8, 7 of 98, no threshold stated, 8 parties filed lists so at most 5 lists are unnamed.
    By hand:
    - ENP by seats = 98^2 / (83^2 + 8^2 + 7^2) = 9604 / (6889 + 64 + 49) = 9604 / 7002 = 1.37161.
    - Sum of squared vote shares = 6559.3801 + 55.8009 + 51.6961 = 6666.8771 (points^2).
      The 4.35 points left are spread over at most 5 lists: at least 4.35^2 / 5 = 3.7845 and
      at most 4.35^2 = 18.9225 (one list; without a threshold nothing caps it).
      ENP by votes from 10000 / (6666.8771 + 18.9225) = 1.495707
      to 10000 / (6666.8771 + 3.7845) = 1.499101.
    - Seat shares 8300/98 = 84.693878, 800/98 = 8.163265, 700/98 = 7.142857; differences
      -3.703878, -0.693265, +0.047143; squares 13.718709 + 0.480617 + 0.002222 = 14.201548.
      Gallagher from sqrt((14.201548 + 3.7845) / 2) = 2.998837
      to sqrt((14.201548 + 18.9225) / 2) = 4.069647;
      the named lists alone give sqrt(14.201548 / 2) = 2.664728.
    - Largest party: 83 of 98 = 84.6939%."""
    indices = party_system_indices(PAPER_2012, SEATS_2012, max_unlisted_lists=5)
    assert indices.enp_seats == pytest.approx(9604 / 7002, abs=1e-12)
    assert indices.enp_votes.low == pytest.approx(10000 / (6666.8771 + 18.9225), abs=1e-12)
    assert indices.enp_votes.high == pytest.approx(10000 / (6666.8771 + 3.7845), abs=1e-12)
    assert indices.gallagher.low == pytest.approx(2.998837, abs=1e-6)
    assert indices.gallagher.high == pytest.approx(4.069647, abs=1e-6)
    assert indices.largest_seat_share == pytest.approx(8300 / 98, abs=1e-12)
    assert indices.parties_over_threshold is None
    assert indices.listed_vote_share == pytest.approx(95.65)
    assert indices.unlisted_vote_share == pytest.approx(4.35)
    assert not indices.enp_votes.exact and not indices.gallagher.exact
    named_only = party_system_indices(PAPER_2012, SEATS_2012)
    assert named_only.gallagher.low == pytest.approx(2.664728, abs=1e-6)
    assert named_only.enp_votes.high == pytest.approx(10000 / 6666.8771, abs=1e-12)


def test_2012_with_every_list():
    """The four lists under 7% from the later sources (1.68, 1.19, 0.83, 0.66) complete 2012: the
    shares add up to 100.01 (rounding), so the indices are exact. By hand: squares of the four
    are 2.8224 + 1.4161 + 0.6889 + 0.4356 = 5.3630; ENP by votes = 10000 / (6666.8771 + 5.3630)
    = 10000 / 6672.2401 = 1.498747; Gallagher = sqrt((14.201548 + 5.3630) / 2) = 3.127663;
    3 lists reach 7%."""
    shares = PAPER_2012 | {"osdp": "1.68", "auyl": "1.19", "patriots": "0.83", "adilet": "0.66"}
    indices = party_system_indices(shares, SEATS_2012, threshold=7, share_tolerance="0.035")
    assert indices.enp_votes.exact and indices.gallagher.exact
    assert indices.enp_votes.low == pytest.approx(10000 / 6672.2401, abs=1e-12)
    assert indices.gallagher.low == pytest.approx(3.127663, abs=1e-6)
    assert indices.parties_over_threshold == 3
    assert indices.unlisted_vote_share == 0
    total = sum(Decimal(share) for share in shares.values())
    with pytest.raises(IndicesError, match=re.escape(f"add up to {total:g}%, more than 100%")):
        party_system_indices(shares, SEATS_2012)  # no rounding allowance


def test_gallagher_on_new_zealand_2005():
    """The worked example of the Gallagher index at thefullwiki.org/Gallagher_Index (copied from
    Wikipedia): New Zealand 2005, party vote (%) against seat shares of the 121 seats. Its
    column of squared differences (0.0484, 0.3249, 0.0049, 0.1156, 1.3924, 0.0361, 0.0196,
    0.1156, 0.3844, 0.0625, 0.0144, 0.0049, 0.0025, 0.0025, 0.0016, 0.0016, 0.0009, 0.0004,
    0.0004) adds up to 2.5336, not to the 2.4711 printed under it, so the index is
    sqrt(2.5336 / 2) = 1.13 rather than the page's 1.11. From the page's rounded seat shares
    (Direct Democracy's difference is 0.03, not the 0.04 printed) the sum is 2.5329 -> 1.1254;
    from the seats themselves (Labour 50, National 48, NZ First 7, Greens 6, Maori 4,
    United Future 3, ACT 2, Progressive 1) it is 2.5439 -> 1.1278."""
    votes = {
        "Labour": "41.10", "National": "39.10", "NZ First": "5.72", "Greens": "5.30", "Maori": "2.12",
        "United Future": "2.67", "ACT": "1.51", "Progressive": "1.16", "Destiny": "0.62",
        "Legalise Cannabis": "0.25", "Christian Heritage": "0.12", "Alliance": "0.07",
        "Family Rights": "0.05", "Democrats": "0.05", "Libertarianz": "0.04", "Direct Democracy": "0.03",
        "99MP": "0.03", "OneNZ": "0.02", "Republicans": "0.02",
    }  # fmt: skip
    printed_seat_shares = {
        "Labour": "41.32", "National": "39.67", "NZ First": "5.79", "Greens": "4.96", "Maori": "3.30",
        "United Future": "2.48", "ACT": "1.65", "Progressive": "0.82",
    }  # fmt: skip
    assert gallagher(votes, printed_seat_shares) == pytest.approx(math.sqrt(2.5329 / 2), abs=1e-9)
    seats = {"Labour": 50, "National": 48, "NZ First": 7, "Greens": 6, "Maori": 4, "United Future": 3,
             "ACT": 2, "Progressive": 1}  # fmt: skip
    from_seats = party_system_indices(votes, seats, share_tolerance="0.1").gallagher
    assert from_seats.exact and from_seats.low == pytest.approx(1.1278, abs=5e-5)


def test_gallagher_on_proportions():
    """The example of politicsR's lsq() (votes 0.2, 0.2, 0.6; seats 0.18, 0.17, 0.65), by hand:
    differences 0.02, 0.03, -0.05; squares 0.0004 + 0.0009 + 0.0025 = 0.0038; sqrt(0.0019) = 0.043589."""
    assert gallagher({1: "0.2", 2: "0.2", 3: "0.6"}, {1: "0.18", 2: "0.17", 3: "0.65"}) == pytest.approx(
        math.sqrt(0.0019), abs=1e-12
    )


def test_effective_number_by_hand():
    # two equal parties: 1 / (0.5^2 + 0.5^2) = 2; shares 60/30/10: 1 / (0.36 + 0.09 + 0.01) = 1/0.46
    assert effective_number([1, 1]) == 2
    assert effective_number({"a": 60, "b": 30, "c": 10}) == pytest.approx(1 / 0.46)
    assert effective_number([50], total=100) == 4  # one party with half the votes, the rest unmeasured
    with pytest.raises(IndicesError):
        effective_number([0, 0])


def test_unlisted_square_range_by_hand():
    # 27.5 points in lists under 7%: at most 3 lists at 7 and one at 6.5 -> 3 * 49 + 42.25 = 189.25;
    # at most 6 lists -> at least 27.5^2 / 6 = 126.04...; with no count, the infimum 0
    assert unlisted_square_range("27.5", 7, 6) == (pytest.approx(27.5**2 / 6), pytest.approx(189.25))
    assert unlisted_square_range("27.5", 7, None)[0] == 0
    assert unlisted_square_range("4.35", None, 5) == (pytest.approx(4.35**2 / 5), pytest.approx(4.35**2))
    assert unlisted_square_range(0, 7, 3) == (0, 0)
    with pytest.raises(IndicesError, match="more than 3 list"):
        unlisted_square_range(30, 7, 3)  # three lists under 7% hold at most 21 points


def test_seat_indices_are_none_without_seats():
    indices = party_system_indices({"a": 60, "b": 40}, {})
    assert indices.enp_seats is None and indices.gallagher is None and indices.largest_seat_share is None
    assert indices.enp_votes.low == pytest.approx(1 / 0.52)


def test_votes_against_all_are_left_out():
    """Shares of all votes with 4% against all: 48 / 48 of the 96% for lists are halves."""
    indices = party_system_indices({"a": 48, "b": 48}, {"a": 1, "b": 1}, non_list_share=4)
    assert indices.enp_votes.low == pytest.approx(2) and indices.enp_votes.exact
    assert indices.gallagher.low == pytest.approx(0)


shares = st.lists(st.integers(min_value=1, max_value=5_000), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    named=shares,
    rest=st.integers(min_value=0, max_value=4_000),
    seats=st.integers(min_value=1, max_value=50),
)
def test_bounds_contain_every_completion(named, rest, seats):
    """For any way of splitting the unnamed vote among lists below the threshold, the indices fall
    within the bounds (here: the unnamed rest split into equal lists under the threshold)."""
    total = sum(named) + rest
    percent = [100 * v / total for v in named]
    threshold = 100 * max(1, rest) / total + 1  # above every unnamed list's share
    votes = {i: f"{p:.6f}" for i, p in enumerate(percent)}
    assume(abs(sum(float(v) for v in votes.values()) + 100 * rest / total - 100) < 1e-4)
    won = {i: n for i, n in enumerate(_spread(seats, len(named)))}
    bounds = party_system_indices(votes, won, threshold=threshold, share_tolerance="0.0001")
    rest_percent = 100 - sum(float(v) for v in votes.values())
    for pieces in (1, 2, 3):
        complete = dict(votes)
        if rest_percent > 1e-6:
            for k in range(pieces):
                complete[f"unnamed-{k}"] = f"{rest_percent / pieces:.12f}"
        exact = party_system_indices(complete, won, share_tolerance="0.0001")
        assert bounds.enp_votes.low - 1e-6 <= exact.enp_votes.low <= bounds.enp_votes.high + 1e-6
        assert bounds.gallagher.low - 1e-6 <= exact.gallagher.low <= bounds.gallagher.high + 1e-6


@settings(max_examples=150, deadline=None)
@given(named=shares, seats=st.integers(min_value=1, max_value=200))
def test_index_ranges(named, seats):
    """ENP lies between 1 and the number of parties; Gallagher between 0 and 100."""
    total = sum(named)
    votes = {i: v * 100 / total for i, v in enumerate(named)}
    won = dict(enumerate(_spread(seats, len(named))))
    indices = party_system_indices({i: f"{v:.9f}" for i, v in votes.items()}, won, share_tolerance="1e-6")
    assert 1 - 1e-9 <= indices.enp_votes.low <= len(named) + 1e-9
    assert 1 - 1e-9 <= indices.enp_seats <= len([n for n in won.values() if n]) + 1e-9
    assert 0 <= indices.gallagher.low <= 100
    assert math.isclose(indices.largest_seat_share, 100 * max(won.values()) / seats)


def _spread(seats: int, parties: int) -> list[int]:
    return [seats // parties + (1 if i < seats % parties else 0) for i in range(parties)]
