"""`kzgraph seats` and `kzgraph indices` on ParlGov's elections, through the CLI: the committed
fixture (Italy and Germany) and, where cheap, the full tables. The expected figures are read
from the ParlGov tables, never from the code under test."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from kzgraph.cli import cli
from kzgraph.importers.parlgov import TABLES
from kzgraph.resources import ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "parlgov"
FULL = ROOT.parent / "shared" / "datasets" / "parlgov"
PG = "https://w3id.org/kzgraph/id/parlgov/"
GERMANY_2005 = "118"  # ParlGov's id of Germany's 2005 Bundestag election


def table(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / TABLES[name], encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def imported(folder: Path, tmp_path_factory) -> Path:
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("parlgov") / "parlgov.ttl"
    result = CliRunner().invoke(cli, ["import", "parlgov", str(folder), "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def fixture_ttl(tmp_path_factory) -> Path:
    return imported(FIXTURE, tmp_path_factory)


@pytest.fixture(scope="module")
def full_ttl(tmp_path_factory) -> Path:
    if not FULL.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the ParlGov tables are not at {FULL}")
        pytest.skip(f"the ParlGov tables are not at {FULL} (CI fails here)")
    return imported(FULL, tmp_path_factory)


def election_row(folder: Path, election: str) -> dict[str, str]:
    return next(row for row in table(folder, "elections") if row["id"] == election)


def spd_result(folder: Path, election: str) -> dict[str, str]:
    """The SPD's result row (its party record's short name is "SPD")."""
    spd = {row["id"] for row in table(folder, "parties") if row["name_short"] == "SPD"}
    return next(r for r in table(folder, "results") if r["election"] == election and r["party"] in spd)


def seats_json(runner, *args: str) -> dict:
    result = runner.invoke(cli, ["seats", *args, "-f", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def check_germany_2005(document: dict, folder: Path) -> None:
    election = election_row(folder, GERMANY_2005)
    spd = spd_result(folder, GERMANY_2005)
    assert document["election"] == PG + "election/" + GERMANY_2005
    assert document["seats"] == int(election["seats_total"])
    assert sum(row["allocated"] for row in document["rows"]) == int(election["seats_total"])
    spd_row = next(row for row in document["rows"] if row["party"] == PG + "party/" + spd["party"])
    assert spd_row["reported"] == int(spd["seats"])
    assert spd_row["vote_share"] == float(spd["vote_share"])
    assert document["threshold"] is None and document["rules"]["threshold"] is None
    assert not document["counterfactual"]
    assert any("states no threshold" in note for note in document["notes"])
    assert any("not list seats" in note for note in document["notes"])


def test_seats_of_a_parlgov_election_by_country_and_year(runner, fixture_ttl):
    year = election_row(FIXTURE, GERMANY_2005)["date"][:4]
    document = seats_json(runner, "--country", "DEU", "--year", year, "--load", str(fixture_ttl))
    check_germany_2005(document, FIXTURE)
    # every result of the election with a vote share is compared (an alliance counted as its members)
    results = table(FIXTURE, "results")
    with_members = {r["alliance"] for r in results if r["alliance"] and r["vote_share"]}
    expected = {
        PG + "result/" + r["id"]
        for r in results
        if r["election"] == GERMANY_2005 and r["vote_share"] and r["id"] not in with_members
    }
    assert {row["result"] for row in document["rows"]} == expected


def test_seats_by_election_id_or_iri_are_the_same(runner, fixture_ttl):
    by_id = seats_json(runner, "--election", GERMANY_2005, "--load", str(fixture_ttl))
    by_iri = seats_json(runner, "--election", PG + "election/" + GERMANY_2005, "--load", str(fixture_ttl))
    check_germany_2005(by_id, FIXTURE)
    assert by_id["rows"] == by_iri["rows"]


def test_counterfactual_threshold_and_seats_on_a_parlgov_election(runner, fixture_ttl):
    load = ["--load", str(fixture_ttl)]
    document = seats_json(runner, "--election", GERMANY_2005, "--threshold", "5", "--method", "dhondt", *load)
    assert document["counterfactual"] and document["threshold"] == 5
    below = [r for r in table(FIXTURE, "results") if r["election"] == GERMANY_2005 and r["vote_share"]]
    below = {PG + "party/" + r["party"] for r in below if float(r["vote_share"]) < 5}
    assert below  # the fixture has a party under 5% in 2005
    for row in document["rows"]:
        assert row["eligible"] == (row["party"] not in below)
        if row["party"] in below:
            assert row["allocated"] == 0
    smaller = seats_json(runner, "--election", GERMANY_2005, "--seats", "100", *load)
    assert smaller["counterfactual"] and sum(row["allocated"] for row in smaller["rows"]) == 100


def test_a_year_of_several_elections_lists_them_with_their_country(runner, fixture_ttl):
    elections = table(FIXTURE, "elections")
    years = {}
    for row in elections:
        years.setdefault(row["date"][:4], set()).add(row["country"])
    year = next(y for y, countries in sorted(years.items()) if len(countries) > 1)
    result = runner.invoke(cli, ["seats", "--year", year, "--load", str(fixture_ttl)])
    assert result.exit_code == 1
    assert "Several elections" in result.output and "--country" in result.output
    for row in elections:
        if row["date"][:4] == year:
            assert PG + "election/" + row["id"] in result.output
    unknown = runner.invoke(cli, ["seats", "--country", "XXX", "--year", year, "--load", str(fixture_ttl)])
    assert unknown.exit_code == 1 and "XXX" in unknown.output
    neither = runner.invoke(cli, ["seats", "--load", str(fixture_ttl)])
    assert neither.exit_code == 2 and "--election" in neither.output


def test_kazakhstan_seats_are_unchanged_beside_parlgov(runner, fixture_ttl):
    alone = seats_json(runner, "--year", "2004")
    beside = seats_json(runner, "--year", "2004", "--country", "KAZ", "--load", str(fixture_ttl))
    assert beside["rows"] == alone["rows"] and beside["notes"] == alone["notes"]
    assert beside["seats"] == alone["seats"] and beside["election"] == alone["election"]


def test_indices_list_every_parlgov_election_or_a_countrys(runner, fixture_ttl):
    results = table(FIXTURE, "results")
    with_seats = {r["election"] for r in results if r["seats"]}
    country = {row["id"]: row["country"] for row in table(FIXTURE, "elections")}
    germany = next(row["country"] for row in table(FIXTURE, "elections") if row["id"] == GERMANY_2005)

    def listed(*args: str) -> set[str]:
        result = runner.invoke(cli, ["indices", "-f", "csv", "--load", str(fixture_ttl), *args])
        assert result.exit_code == 0, result.output
        return {row["election"] for row in csv.DictReader(result.stdout.splitlines())}

    everything = listed()
    parlgov = {iri for iri in everything if iri.startswith(PG)}
    assert parlgov == {PG + "election/" + e for e in with_seats}
    assert everything - parlgov  # Kazakhstan's elections too
    deu = listed("--country", "DEU")
    assert deu == {PG + "election/" + e for e in with_seats if country[e] == germany}
    kaz = listed("--country", "KAZ")
    assert kaz == everything - parlgov
    alone = runner.invoke(cli, ["indices", "-f", "csv"])
    assert {row["election"] for row in csv.DictReader(alone.stdout.splitlines())} == kaz


def test_indices_text_table_names_each_parlgov_election(runner, fixture_ttl):
    result = runner.invoke(cli, ["indices", "--country", "DEU", "--load", str(fixture_ttl)])
    assert result.exit_code == 0, result.output
    date = election_row(FIXTURE, GERMANY_2005)["date"]
    assert f"Germany parliamentary election, {date}" in result.stdout
    assert result.stdout.splitlines()[0].split()[:2] == ["country", "election"]


def test_full_tables_germany_2005(runner, full_ttl):
    document = seats_json(runner, "--election", GERMANY_2005, "--load", str(full_ttl))
    check_germany_2005(document, FULL)
    year = election_row(FULL, GERMANY_2005)["date"][:4]
    by_year = seats_json(runner, "--country", "DEU", "--year", year, "--load", str(full_ttl))
    assert by_year["rows"] == document["rows"]
    result = runner.invoke(cli, ["indices", "--country", "DEU", "-f", "csv", "--load", str(full_ttl)])
    assert result.exit_code == 0, result.output
    listed = {row["election"] for row in csv.DictReader(result.stdout.splitlines())}
    assert PG + "election/" + GERMANY_2005 in listed
    germany = election_row(FULL, GERMANY_2005)["country"]
    with_seats = {r["election"] for r in table(FULL, "results") if r["seats"]}
    expected = {
        e["id"] for e in table(FULL, "elections") if e["country"] == germany and e["id"] in with_seats
    }
    assert listed == {PG + "election/" + e for e in expected}
