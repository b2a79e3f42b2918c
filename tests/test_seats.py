"""Seat allocations of the paper's elections under the rules in the graph, counterfactuals, the
stored queries that compute them in SPARQL, and computed allocations saved as PROV-described
named graphs - through the Python API and the CLI, on the real data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from serving import running_oxigraph

import kzgraph
from kzgraph.cli import cli
from kzgraph.elections.apportionment import METHODS, ApportionmentError, allocate
from kzgraph.elections.model import ElectionNotFound, party_list_election, party_list_elections
from kzgraph.elections.seats import SaveError, allocation_quads, compare_seats, save_allocation
from kzgraph.graph.namespaces import ID, ONTOLOGY_GRAPH, PAPER_GRAPH, PREFIXES
from kzgraph.graph.store import bundled_files

PARTY = ID + "party/"
KZ = PREFIXES["kz"]
# The paper's party-list seats (section III and IV): 1999 "RPP Otan (30.89% votes) - 4 deputies,
# Communist Party of Kazakhstan (17.75%), Agrarian ... (12.63%) and Civil Party (11.23%) - by 2";
# 2004 "7 seats out of 10 ... (1 seat) ... (1 seat) ... (1 seat)"; 2007 "Nur Otan took 98 seats";
# 2012 "83, 8 and 7 correspondingly".
PAPER_SEATS = {
    1999: {"otan-1999": 4, "communist-party-of-kazakhstan-1991": 2, "agrarian-party-of-kazakhstan": 2,
           "civil-party-of-kazakhstan": 2},
    2004: {"otan-1999": 7, "democratic-party-of-kazakhstan-ak-zhol": 1, "asar-2004": 1,
           "agrarian-industrial-coalition-of-working-class-2004": 1},
    2007: {"nur-otan-2006": 98},
    2012: {"nur-otan-2006": 83, "democratic-party-of-kazakhstan-ak-zhol": 8,
           "communist-peoples-party-of-kazakhstan-2004": 7},
}  # fmt: skip


@pytest.fixture(scope="module")
def paper() -> kzgraph.Graph:
    """The ontology and the paper's data files alone."""
    return kzgraph.load([f for f in bundled_files() if f[1] in (ONTOLOGY_GRAPH, PAPER_GRAPH)], bundled=False)


def allocated(comparison) -> dict[str, int]:
    return {row.party.removeprefix(PARTY): row.allocated for row in comparison.rows if row.allocated}


# --- the paper's elections ---------------------------------------------------------------------


@pytest.mark.parametrize("year", sorted(PAPER_SEATS))
def test_hare_reproduces_the_papers_list_seats(paper, graph, year):
    for source in (paper, graph):
        comparison = compare_seats(source, year)
        assert allocated(comparison) == PAPER_SEATS[year]
        assert comparison.matches, comparison.rows
        assert not comparison.counterfactual
        assert comparison.seats == sum(PAPER_SEATS[year].values())


def test_rules_come_from_the_graph(paper):
    law = "https://w3id.org/kzgraph/id/law/"
    # the paper states the list seats of 1999-2007 for each election, the 98 of 2012 in the 2007 law
    stated_by = {election.year: election.list_seats_from for election in party_list_elections(paper)}
    assert stated_by == {
        1999: ID + "election/majilis-1999",
        2004: ID + "election/majilis-2004",
        2007: ID + "election/majilis-2007",
        2012: law + "constitutional-amendments-2007",
    }
    e1999 = party_list_election(paper, 1999)
    assert (e1999.list_seats, e1999.threshold) == (10, Decimal("7.0"))
    assert e1999.threshold_from == law + "constitutional-amendments-1998"  # the 7% of the 1998 amendments
    e2012 = party_list_election(paper, 2012)
    # the paper states no threshold for 2012; the later sources do
    assert e2012.threshold is None and e2012.threshold_from is None
    assert len(e2012.results) == 3 and e2012.unlisted_vote_share == Decimal("4.35")
    comparison = compare_seats(paper, 2012)
    assert any("no threshold" in note for note in comparison.notes)
    assert any("the method works on the named lists' shares" in note for note in comparison.notes)


def test_only_the_lists_the_paper_names_are_used_and_it_says_so(paper):
    for year in (1999, 2004, 2007):
        notes = " ".join(compare_seats(paper, year).notes)
        assert "are unknown, so the method works on the named lists' shares" in notes


RULES_TTL = """\
@prefix kz: <https://w3id.org/kzgraph/ontology#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:election a kz:Election ; skos:prefLabel "Test election"@en ;
    dct:date "2030-05-01"^^xsd:date ; kz:datePrecision kz:Day ;
    kz:heldUnder ex:old-law , ex:new-law {own} .
ex:old-law a kz:Law ; dct:date "2020-01-01"^^xsd:date ; kz:datePrecision kz:Day ;
    kz:setsThreshold 5.0 ; kz:setsListSeats "20"^^xsd:nonNegativeInteger .
ex:new-law a kz:Law ; dct:date "2025-01-01"^^xsd:date ; kz:datePrecision kz:Day ; kz:setsThreshold 10.0 .
ex:a a kz:ElectionResult ; kz:election ex:election ; kz:party ex:A ; kz:voteShare 50.0 .
ex:b a kz:ElectionResult ; kz:election ex:election ; kz:party ex:B ; kz:voteShare 31.0 .
ex:c a kz:ElectionResult ; kz:election ex:election ; kz:party ex:C ; kz:voteShare 9.0 .
ex:A skos:prefLabel "A"@en . ex:B skos:prefLabel "B"@en . ex:C skos:prefLabel "C"@en .
"""


def rules_graph(tmp_path: Path, own: str = "") -> kzgraph.Graph:
    path = tmp_path / "rules.ttl"
    path.write_text(RULES_TTL.replace("{own}", own), encoding="utf-8")
    ontology = [f for f in bundled_files() if f[1] == ONTOLOGY_GRAPH]
    return kzgraph.load([*ontology, path], bundled=False)


def test_the_latest_law_sets_the_threshold_and_the_election_overrides_it(tmp_path):
    """Hand count. Latest law: 10% threshold, 20 seats (from the older law, the only one that
    sets seats): A 50 and B 31 take part, quota 81/20 = 4.05: 12.35 and 7.65 -> 12 + 7, the
    last seat to B (.65 > .35) -> 12/8/0. With the election's own 5% threshold C (9) takes
    part: quota 90/20 = 4.5: 11.11, 6.89, 2.0 -> 11 + 6 + 2, the last to B -> 11/7/2."""
    by_law = compare_seats(rules_graph(tmp_path), 2030)
    assert by_law.election.threshold_from == "https://example.org/new-law"
    assert by_law.election.list_seats_from == "https://example.org/old-law"
    assert [row.allocated for row in by_law.rows] == [12, 8, 0]
    own = compare_seats(rules_graph(tmp_path, "; kz:threshold 5.0"), 2030)
    assert own.election.threshold_from == "https://example.org/election"
    assert [row.allocated for row in own.rows] == [11, 7, 2]
    # the stored query computes the same in SPARQL
    rows = rules_graph(tmp_path).run("seat-allocation", year=2030).dicts()
    assert [int(r["hare_seats"]) for r in rows] == [12, 8, 0]
    assert [r["eligible"] for r in rows] == ["true", "true", "false"]


def test_two_elections_in_one_year_are_kept_apart(tmp_path):
    second = """
ex:by-election a kz:Election ; skos:prefLabel "By-election"@en ;
    dct:date "2030-11-01"^^xsd:date ; kz:datePrecision kz:Day ; kz:listSeats "3"^^xsd:nonNegativeInteger .
ex:z a kz:ElectionResult ; kz:election ex:by-election ; kz:party ex:A ; kz:voteShare 60.0 .
"""
    path = tmp_path / "two.ttl"
    path.write_text(RULES_TTL.replace("{own}", "") + second, encoding="utf-8")
    graph = kzgraph.load([*[f for f in bundled_files() if f[1] == ONTOLOGY_GRAPH], path], bundled=False)
    with pytest.raises(ElectionNotFound, match="Several elections with party-list results in 2030"):
        compare_seats(graph, 2030)
    results = {e.iri.rsplit("/", 1)[-1]: [r.result.rsplit("/", 1)[-1] for r in e.results]
               for e in party_list_elections(graph)}  # fmt: skip
    assert results == {"election": ["a", "b", "c"], "by-election": ["z"]}


# --- counterfactuals ---------------------------------------------------------------------------


def test_a_higher_threshold_removes_the_aist_bloc_in_2004(graph):
    """Hand count: at 10% Otan 60.61, Ak Zhol 12.04 and Asar 11.38 take part; quota 84.03 / 10 =
    8.403: 7.21, 1.43, 1.35 -> 7 + 1 + 1, the last seat to Ak Zhol (.43) -> 7/2/1/0."""
    comparison = compare_seats(graph, 2004, threshold=10)
    assert allocated(comparison) == {
        "otan-1999": 7,
        "democratic-party-of-kazakhstan-ak-zhol": 2,
        "asar-2004": 1,
    }
    assert comparison.counterfactual and not comparison.matches
    differing = {row.party.removeprefix(PARTY): row.difference for row in comparison.rows if row.difference}
    assert differing == {"democratic-party-of-kazakhstan-ak-zhol": 1,
                         "agrarian-industrial-coalition-of-working-class-2004": -1}  # fmt: skip
    assert comparison.slug == "seats-2004-hare-threshold-10"


def test_dhondt_in_1999_gives_otan_a_fifth_seat(graph):
    comparison = compare_seats(graph, 1999, method="dhondt")
    assert allocated(comparison) == {
        "otan-1999": 5, "communist-party-of-kazakhstan-1991": 2,
        "agrarian-party-of-kazakhstan": 2, "civil-party-of-kazakhstan": 1,
    }  # fmt: skip
    assert not comparison.counterfactual  # same rules, another method
    assert "differ from those reported" in comparison.notes[-1]


def test_a_lower_threshold_cannot_bring_in_unnamed_lists(paper):
    comparison = compare_seats(paper, 2004, threshold=5)
    assert comparison.matches  # every named list was over 7% anyway
    assert any("cannot bring in lists the source does not name" in note for note in comparison.notes)


def test_more_seats(graph):
    comparison = compare_seats(graph, 2004, seats=11)
    assert sum(row.allocated for row in comparison.rows) == 11
    assert comparison.slug == "seats-2004-hare-11-seats"
    assert any("11 seats instead of the 10" in note for note in comparison.notes)


def test_later_elections_are_reproduced_too(graph):
    """Not from the paper: data/post-2012 gives every list, and Hare with the recorded threshold
    reproduces the seats reported for 2016, 2021 and 2023 as well."""
    years = [e.year for e in party_list_elections(graph)]
    assert set(PAPER_SEATS) <= set(years)
    for year in years:
        assert compare_seats(graph, year).matches, year


# --- the stored queries agree with the Python code -------------------------------------------


@pytest.mark.parametrize("source", ["paper", "all"])
def test_seat_allocation_query_matches_python(paper, graph, source):
    g = paper if source == "paper" else graph
    for election in party_list_elections(g):
        rows = g.run("seat-allocation", year=election.year).dicts()
        sparql = {r["result"]: int(r["hare_seats"]) for r in rows}
        python = {row.result: row.allocated for row in compare_seats(g, election.year).rows}
        assert sparql == python, election.year


@pytest.mark.parametrize("source", ["paper", "all"])
def test_party_system_indices_query_matches_python(paper, graph, source):
    g = paper if source == "paper" else graph
    rows = {r["year"]: r for r in g.run("party-system-indices").dicts()}
    elections = party_list_elections(g)
    assert set(rows) == {str(e.year) for e in elections}
    for election in elections:
        row = rows[str(election.year)]
        # without a count or threshold for the unnamed lists, the open ends are the named lists' figures
        named = kzgraph.elections.indices.party_system_indices(
            {r.result: r.vote_share for r in election.results},
            {r.result: r.reported_seats or 0 for r in election.results},
            non_list_share=election.against_all_share or 0,
            share_tolerance=election.share_tolerance,
        )
        indices = election.indices()
        # the query rounds the indices to 9 decimal places
        assert float(row["enp_votes_listed"]) == pytest.approx(named.enp_votes.high, abs=1e-9)
        assert float(row["lsq_listed"]) == pytest.approx(named.gallagher.low, abs=1e-9)
        assert float(row["enp_seats"]) == pytest.approx(indices.enp_seats, abs=1e-9)
        assert float(row["largest_seat_share"]) == pytest.approx(indices.largest_seat_share, abs=1e-9)
        assert int(row["listed_lists"]) == len(election.results)
        over = row["over_threshold"]
        assert (None if over is None else int(over)) == indices.parties_over_threshold


def test_stored_queries_through_the_cli(runner):
    result = runner.invoke(cli, ["run", "seat-allocation", "-p", "year=2004", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "party,label,vote_share,eligible,quota_seats,hare_seats,actual_seats,difference,result,election"
    )
    assert [line.split(",")[5] for line in lines[1:]] == ["7", "1", "1", "1"]
    result = runner.invoke(cli, ["run", "seat-allocation"])
    assert result.exit_code == 1 and 'Missing parameter "year"' in result.output
    result = runner.invoke(cli, ["run", "party-system-indices", "--format", "json"])
    assert result.exit_code == 0, result.output
    years = [b["year"]["value"] for b in json.loads(result.output)["results"]["bindings"]]
    assert {"1999", "2004", "2007", "2012"} <= set(years)


# --- the CLI -----------------------------------------------------------------------------------


def test_cli_table_shows_allocated_beside_reported(runner):
    result = runner.invoke(cli, ["seats", "--year", "1999", "--method", "dhondt"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Method: D'Hondt (highest averages)" in out
    assert "Threshold: 7% (from <https://w3id.org/kzgraph/id/law/constitutional-amendments-1998>)" in out
    otan = next(line for line in out.splitlines() if line.startswith("party:otan-1999"))
    assert otan.split()[-5:] == ["true", "5", "4", "1", "differs"]
    assert "Allocated ≠ reported for 2 of 4 list(s)." in out
    assert "ENP by list seats" in out and "Gallagher LSq" in out


def test_cli_csv_and_json(runner):
    result = runner.invoke(cli, ["seats", "--year", "2012", "--format", "csv", "--source", "paper"])
    assert result.exit_code == 0, result.output
    rows = [line.split(",") for line in result.output.splitlines()]
    assert rows[0][:7] == ["party", "label", "vote_share", "eligible", "allocated", "reported", "difference"]
    assert [r[4] for r in rows[1:]] == ["83", "8", "7"]
    result = runner.invoke(cli, ["seats", "--year", "2007", "--format", "json"])
    document = json.loads(result.output)
    assert document["matches_reported"] is True
    assert document["rows"][0]["allocated"] == 98 == document["rows"][0]["reported"]
    assert document["rules"]["threshold_from"] == ID + "election/majilis-2007"
    assert document["indices"]["reported"]["enp_seats"] == 1.0
    assert document["computed_graph"] == "https://w3id.org/kzgraph/graph/computed/seats-2007-hare"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--year", "1998"],
            1,
            "Error: No election with party-list results in 1998. Years with results: 1999, 2004",
        ),
        (["--year", "20x4"], 2, "'20x4' is not a year (YYYY)"),
        (["--year", "2004", "--threshold", "seven"], 1, "Error: threshold 'seven' is not a number"),
        (["--year", "2004", "--threshold", "120"], 1, "Error: threshold 120% is not between 0 and 100"),
        (["--year", "2004", "--threshold", "99"], 1, "Error: cannot allocate 10 seat(s): no party reaches"),
        (["--year", "2004", "--method", "imperiali"], 2, "Invalid value for '--method'"),
        (["--year", "2004", "--chart", "out.txt"], 1, "Error: out.txt: a chart is written as .svg or .png"),
        (["--year", "2004", "--save", "out.ttl"], 1, "Error: out.ttl: save as .trig or .nq"),
    ],
)
def test_cli_errors(runner, args, code, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["seats", *args])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert not Path("out.txt").exists() and not Path("out.ttl").exists()


def test_api_errors(graph):
    with pytest.raises(ElectionNotFound, match="Years with results: 1999"):
        compare_seats(graph, 1995)
    with pytest.raises(ApportionmentError, match="unknown method"):
        compare_seats(graph, 2004, method="imperiali")


def test_indices_command(runner):
    result = runner.invoke(cli, ["indices", "--source", "paper"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    row_2012 = next(line for line in lines if line.startswith("2012"))
    assert "1.496\u20131.499" in row_2012 and "3.00\u20134.07" in row_2012 and "84.7" in row_2012
    assert "2012: Ranges: 4.35% of the vote went to lists the source does not name" in result.output
    assert "at most 5 of them (8 parties filed lists - 3 listed)" in result.output
    result = runner.invoke(cli, ["indices", "--format", "csv"])
    header, *rows = result.output.splitlines()
    assert header.startswith("year,election,lists_named,vote_named,over_threshold,enp_votes_low")
    by_year = {r.split(",")[0]: r.split(",") for r in rows}
    assert by_year["2012"][5] == by_year["2012"][6]  # every 2012 list is known in the full data
    result = runner.invoke(cli, ["indices", "--format", "json"])
    first = json.loads(result.output)[0]
    assert first["year"] == 1999 and first["max_unlisted_lists"] == 6
    assert first["enp_votes"]["low"] < first["enp_votes"]["high"]


# --- saved allocations -------------------------------------------------------------------------


def test_save_writes_a_named_graph_with_provenance(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["seats", "--save", "--year", "2004", "--threshold", "10", "-f", "csv"])
    assert result.exit_code == 0, result.output
    saved = Path("computed/seats-2004-hare-threshold-10.trig")
    assert saved.is_file()
    assert f"Saved <https://w3id.org/kzgraph/graph/computed/seats-2004-hare-threshold-10> to {saved}" in (
        result.output
    )
    graph = kzgraph.load([saved])
    computed = "https://w3id.org/kzgraph/graph/computed/seats-2004-hare-threshold-10"
    rows = graph.query(
        """SELECT ?party ?seats ?difference WHERE { GRAPH ?g {
             ?a a kz:SeatAllocation ; kz:party ?party ; kz:allocatedSeats ?seats ;
                kz:seatDifference ?difference ; prov:wasGeneratedBy ?run . } }""",
    ).dicts()
    assert {r["party"].removeprefix(PARTY): int(r["seats"]) for r in rows} == {
        "otan-1999": 7, "democratic-party-of-kazakhstan-ak-zhol": 2, "asar-2004": 1,
        "agrarian-industrial-coalition-of-working-class-2004": 0,
    }  # fmt: skip
    run = graph.query(
        f"""SELECT ?method ?threshold ?counterfactual (GROUP_CONCAT(STR(?used); separator=" ") AS ?inputs)
            WHERE {{ GRAPH <{computed}> {{
              <{computed}> prov:wasGeneratedBy ?run .
              ?run a kz:SeatApportionment ; kz:apportionmentMethod ?method ; kz:thresholdApplied ?threshold ;
                   kz:counterfactual ?counterfactual ; prov:used ?used ; prov:wasAssociatedWith ?agent ;
                   prov:endedAtTime ?when . }} }}
            GROUP BY ?method ?threshold ?counterfactual"""
    ).dicts()
    assert len(run) == 1
    assert run[0]["method"] == KZ + "HareLargestRemainder"
    assert Decimal(run[0]["threshold"]) == 10 and run[0]["counterfactual"] == "true"
    inputs = set(run[0]["inputs"].split())
    assert ID + "election/majilis-2004" in inputs and ID + "result/majilis-2004-aist" in inputs
    # the paper's figures are untouched and the computed ones are not election results
    reported = graph.run("election-results", year=2004).dicts()
    assert [int(r["seats"]) for r in reported] == [7, 1, 1, 1]
    assert not graph.query("ASK { ?a a kz:SeatAllocation ; a kz:ElectionResult }").value


def test_save_replaces_the_file_atomically(graph, tmp_path):
    comparison = compare_seats(graph, 2012, method="sainte-lague")
    first = save_allocation(comparison, tmp_path)
    assert first == tmp_path / "seats-2012-sainte-lague.trig"
    again = save_allocation(comparison, first)
    assert again == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seats-2012-sainte-lague.trig"]  # no temporary left
    quads = list(ox.parse(path=str(first)))
    assert {q.graph_name.value for q in quads} == {comparison.graph_iri}
    nquads = save_allocation(comparison, tmp_path / "x.nq")
    assert len(list(ox.parse(path=str(nquads)))) == len(allocation_quads(comparison)) == len(quads)
    with pytest.raises(SaveError, match=r"save as \.trig or \.nq"):
        save_allocation(comparison, tmp_path / "x.ttl")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(SaveError, match="cannot write the allocation"):
        save_allocation(comparison, blocker / "x.trig")


def test_save_into_an_on_disk_store(runner, tmp_path):
    store = tmp_path / "store"
    assert runner.invoke(cli, ["load", "--store", str(store)]).exit_code == 0
    computed = "https://w3id.org/kzgraph/graph/computed/seats-2004-dhondt"
    count = (
        f"SELECT (COUNT(*) AS ?quads) (COUNT(DISTINCT ?when) AS ?runs) WHERE {{ GRAPH <{computed}> "
        "{ ?s ?p ?o OPTIONAL { ?s prov:endedAtTime ?when } } }"
    )
    sizes = []
    for _ in range(2):  # saving again replaces the graph in the store
        args = ["seats", "--store", str(store), "--year", "2004", "--method", "dhondt", "-f", "csv"]
        result = runner.invoke(cli, [*args, "--save", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output
        assert f"Added <{computed}> to the store {store}" in result.output
        answer = runner.invoke(cli, ["query", "--store", str(store), "--format", "csv", count])
        sizes.append(answer.output.splitlines()[1])
    assert sizes[0] == sizes[1] and sizes[0].endswith(",1")
    assert int(sizes[0].split(",")[0]) == len(
        list(ox.parse(path=str(tmp_path / "out/seats-2004-dhondt.trig")))
    )


def test_saved_allocations_validate(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(cli, ["seats", "--year", "1999", "--save", "out/", "-f", "csv"]).exit_code == 0
    result = runner.invoke(cli, ["validate", "--load", "out/seats-1999-hare.trig"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("method", METHODS)
def test_every_method_through_the_api_matches_the_pure_function(graph, method):
    election = party_list_election(graph, 2004)
    expected = allocate(
        {r.result: r.vote_share for r in election.results}, 10, method, threshold=7, total=100
    ).seats
    assert {row.result: row.allocated for row in compare_seats(graph, 2004, method=method).rows} == expected


# --- on a remote SPARQL endpoint ---------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, graph) -> Iterator[str]:
    """A real `oxigraph serve` on a free loopback port holding the bundled data; stopped afterwards."""
    from kzgraph.graph.remote import push

    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-seats")) as url:
        push(graph, f"{url}/store")
        yield f"{url}/query"


@pytest.mark.parametrize("args", [["seats", "--year", "2004", "--method", "dhondt"], ["indices"]])
def test_the_same_answers_from_a_remote_endpoint(runner, endpoint, args):
    for fmt in ("json", "csv"):
        local = runner.invoke(cli, [*args, "--format", fmt])
        remote = runner.invoke(cli, [*args, "--format", fmt, "--endpoint", endpoint])
        assert local.exit_code == remote.exit_code == 0, remote.output
        assert remote.output == local.output
