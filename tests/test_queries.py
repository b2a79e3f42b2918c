"""Every contract query returns the paper's facts (expected values are the paper's own words)."""

from __future__ import annotations

import json

import pytest

import kzgraph
from kzgraph.cli import cli


@pytest.fixture(scope="module")
def paper(graph) -> kzgraph.Graph:
    """The paper's graphs only: its facts, without those added from later sources."""
    return graph.restrict("paper")


def rows_by(result, key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in result:
        grouped.setdefault(row[key], []).append(row)
    return grouped


def label(graph, name: str) -> str:
    """The preferred label of the organisation `name` resolves to."""
    iri = graph.resolve_organisation(name)
    return graph.query("SELECT ?l ?o WHERE { ?o skos:prefLabel ?l }", {"o": iri}).column("l")[0]


def test_parties_have_founding_dates_as_the_paper_gives_them(paper):
    parties = {row["party"]: row for row in paper.run("parties")}
    founded = {
        label(paper, name): date
        for name, date in [
            ("Otan", "1999-01-19"),
            ("Socialist Party of Kazakhstan", "1991-09-07"),
            ("Party of Democratic Progress of Kazakhstan", "1993-11"),
            ("Social Democratic Party of Kazakhstan", "1990-04/1990-05"),
            ("People's Congress of Kazakhstan", "1991-09/1991-11"),  # autumn 1991
            ("Nur Otan", "2006"),
            ("Party of Kazakhstan Patriots", "2000"),
        ]
    }
    got = {row["label"]: row["founded"] for row in parties.values()}
    for name, date in founded.items():
        assert got[name] == date, name
    assert len(parties) >= 35


def test_predecessors_of_nur_otan(paper, runner):
    result = paper.run("predecessors", party="Nur Otan")
    by_label = rows_by(result, "label")
    otan = {(r["relation"], r["date"]) for r in by_label[label(paper, "Otan")]}
    # the paper's 2006 merger after which Otan was "renamed": both readings are kept
    assert otan == {("merged into", "2006"), ("renamed to", "2006")}
    for party in ["Asar", "Civil Party of Kazakhstan", "Agrarian Party of Kazakhstan"]:
        assert {(r["relation"], r["date"]) for r in by_label[label(paper, party)]} == {
            ("merged into", "2006")
        }
    joined_1999 = [
        "Kazakhstan People's Unity Party",
        "Liberal Movement of Kazakhstan",
        "Movement for 2030 Kazakhstan",
        "People's Cooperative Party",
        "Republican Political Labor Party",
    ]
    for party in joined_1999:
        assert {(r["relation"], r["date"]) for r in by_label[label(paper, party)]} == {("joined", "1999/..")}
    headquarters = by_label[
        label(paper, "Campaign Headquarters in support of presidential candidate N.A. Nazarbaev")
    ]
    assert {(r["relation"], r["date"]) for r in headquarters} == {("founded on the basis of", "1999-01-19")}
    # transitive: PKPU was formed on the basis of the association UPUK (1995)
    assert label(paper, "UPUK") in by_label
    cli_out = runner.invoke(cli, ["run", "predecessors", "--param", "party=nur otan", "--format", "json"])
    assert cli_out.exit_code == 0
    assert len(json.loads(cli_out.output)["results"]["bindings"]) == len(result)


def test_successors_of_upuk_reach_nur_otan(paper):
    labels = set(paper.run("successors", party="UPUK").column("label"))
    assert {label(paper, "PKPU"), label(paper, "Otan"), label(paper, "Nur Otan")} <= labels


def test_mergers_of_2006(paper):
    merger = [r for r in paper.run("mergers") if r["date"] == "2006"]
    assert {r["resulting_label"] for r in merger} == {label(paper, "Nur Otan")}
    assert {r["original_label"] for r in merger} == {
        label(paper, n) for n in ["Otan", "Asar", "Civil Party of Kazakhstan", "Agrarian Party of Kazakhstan"]
    }


def test_renames(paper):
    renames = {(r["from_label"], r["to_label"]): r["date"] for r in paper.run("renames")}
    assert renames[(label(paper, "Otan"), label(paper, "Nur Otan"))] == "2006"
    assert (label(paper, "Russian Party of Kazakhstan"), label(paper, "Compatriot")) in renames
    adilet = [k for k in renames if k[1] == label(paper, "Democratic Party Adilet")]
    assert len(adilet) == 1 and renames[adilet[0]] is None  # "later on renamed": no date given


def test_splits(paper):
    splits = {(r["label"], r["parent_label"]): r["date"] for r in paper.run("splits")}
    key = (
        label(paper, "Communist People's Party of Kazakhstan"),
        label(paper, "Communist Party of Kazakhstan"),
    )
    assert key in splits and splits[key].startswith("2004")


def test_elections(paper):
    elections = {r["date"][:4]: r for r in paper.run("elections") if r["body"] and "Majilis" in r["body"]}
    assert elections["1995"]["seats_total"] == "67"
    assert elections["1999"]["seats_total"] == "77" and float(elections["1999"]["threshold"]) == 7
    assert elections["2007"]["seats_total"] == "107" and float(elections["2007"]["threshold"]) == 7
    supreme_soviet = [r for r in paper.run("elections") if r["date"] == "1994-03-07"]
    assert any(r["seats_total"] == "177" for r in supreme_soviet)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (
            "1999",
            {
                "Otan": ("30.89", "4"),
                "Communist Party of Kazakhstan": ("17.75", "2"),
                "Agrarian Party of Kazakhstan": ("12.63", "2"),
                "Civil Party of Kazakhstan": ("11.23", "2"),
            },
        ),
        (
            "2004",
            {
                "Otan": ("60.61", "7"),
                "Ak Zhol": ("12.04", "1"),
                "Asar": ("11.38", "1"),
                "AIST Block": ("7.07", "1"),
            },
        ),
        ("2007", {"Nur Otan": ("88.41", "98")}),
        (
            "2012",
            {
                "Nur Otan": ("80.99", "83"),
                "Ak Zhol": ("7.47", "8"),
                "Communist People's Party of Kazakhstan": ("7.19", "7"),
            },
        ),
    ],
)
def test_election_results(paper, runner, year, expected):
    rows = paper.run("election-results", year=year)
    got = {r["label"]: (r["vote_share"], r["seats"]) for r in rows}
    assert got == {label(paper, name): shares for name, shares in expected.items()}
    args = ["run", "election-results", "-p", f"year={year}", "--format", "csv", "--source", "paper"]
    csv_out = runner.invoke(cli, args)
    assert csv_out.exit_code == 0 and len(csv_out.output.strip().splitlines()) == len(expected) + 1


def test_laws(paper):
    laws = {r["date"]: r for r in paper.run("laws")}
    assert laws["2002-07-15"]["identifier"] == "N 344-2"
    assert laws["2007-05-21"]["identifier"] == "№ 254-III"
    assert {"1990-03-14", "1991-06-27", "1995-08-30", "1998-10-07"} <= set(laws)


def test_stages(paper):
    stages = [(r["number"], r["start_year"], r["end_year"]) for r in paper.run("stages")]
    assert stages == [
        ("1", "1990", "1993"),
        ("2", "1994", "1997"),
        ("3", "1998", "2006"),
        ("4", "2002", "2006"),
        ("5", "2007", "2011"),
        ("6", "2011", None),
    ]


def test_stance_groups(paper):
    groups: dict[str, set[str]] = {}
    for row in paper.run("stance-groups"):
        groups.setdefault(row["group"], set()).add(row["label"])
    assert sum(len(parties) for parties in groups.values()) == 9
    by_size = sorted(groups.values(), key=len)
    assert {label(paper, "Nur Otan")} in by_size
    assert {label(paper, n) for n in ["NSDP", "Communist Party of Kazakhstan"]} in by_size
    assert {label(paper, n) for n in ["Ak Zhol", "CPPK"]} in by_size
    assert {
        label(paper, n)
        for n in [
            "Democratic Party Adilet",
            "Kazakhstan Social Democratic Party Auyl",
            "Party of Kazakhstan Patriots",
            "Rukhaniyat",
        ]
    } in by_size


def test_sources_of_otan(paper):
    rows = paper.run("sources", party="Otan")
    citations = " ".join(rows.column("citation"))
    for author in ["Dyachenko", "Burkhanov", "CIK oglasil"]:  # references [8], [10], [13]
        assert author in citations
    assert all(r["reference"] for r in rows)
    everything = paper.run("sources")
    assert len(everything) > len(rows)


@pytest.mark.parametrize("hostile", ['"} ; DROP ALL', "> UNION { ?s ?p ?o }", 'Otan" } UNION { ?x ?y ?z'])
def test_parameter_injection_is_an_error_and_changes_nothing(graph, hostile):
    before = len(graph)
    with pytest.raises(kzgraph.ParameterError):
        graph.run("predecessors", party=hostile)
    with pytest.raises(kzgraph.ParameterError):
        graph.run("election-results", year=hostile)
    assert len(graph) == before


def test_unknown_label_lists_close_matches(paper, runner):
    with pytest.raises(kzgraph.ParameterError, match=r"Close matches: .*Nur Otan"):
        paper.run("predecessors", party="Nur Otn")
    result = runner.invoke(cli, ["run", "predecessors", "-p", "party=Nur Otn"])
    assert result.exit_code == 1 and "No organisation is labelled" in result.output


def test_party_by_iri_or_prefixed_name(paper):
    iri = paper.resolve_organisation("Nur Otan").value
    by_label = paper.run("predecessors", party="Nur Otan").rows
    assert paper.run("predecessors", party=iri).rows == by_label
    prefixed = "party:" + iri.rsplit("/", 1)[1]
    assert paper.run("predecessors", party=prefixed).rows == by_label


def test_blocs_of_2004(paper):
    members: dict[str, set[str]] = {}
    for row in paper.run("blocs"):
        members.setdefault(row["bloc"], set()).add(row["member_label"])
    aist = str(paper.resolve_organisation("AIST Block").value)
    assert members[aist] == {label(paper, "Agrarian Party of Kazakhstan"), label(paper, "Civil Party")}
    opposition = str(paper.resolve_organisation("DCK").value)
    assert opposition not in members  # DCK is a member, not a bloc
    assert any(label(paper, "DCK") in m and label(paper, "CPPK") not in m for m in members.values())


def test_figures(paper):
    figures = {(r["measure"], r["date"]): (r["value"], r["qualifier"]) for r in paper.run("figures")}
    assert figures[("officially registered political parties", "2002-09-01")] == ("19", "exactly")
    assert figures[("political parties dissolved", "2003")][0] == "12"
    assert figures[("party members", "1999-05")] == ("150000", "more than")
    assert figures[("primary party organisations", "1999-05")] == ("6600", "about")
    assert figures[("registered candidates", "1999-09-23")][0] == "563"


def test_notes_keep_the_papers_ambiguities(paper):
    notes = paper.run("notes")
    otan_founding = " ".join(r["note"] for r in notes if r["subject"].endswith("founding-otan-1999"))
    assert "January 19, 1999" in otan_founding and "March 1" in otan_founding
    missing = [r["note"] for r in notes if "Fig. 1" in r["note"]]
    assert missing, "the gap left by Fig. 1 is recorded"


def test_kazakhstans_predominant_run_is_every_majority_election_in_a_row(graph):
    # election-indices says which party-list elections one list won with more than half the
    # seats (of the seats the election or the law in force states); Otan, Nur Otan and Amanat
    # are one line of renamings, so the run is the longest stretch of such elections in a row
    indices = sorted(
        (row["date"], float(row["largest_seat_share"]))
        for row in graph.run("election-indices").dicts()
        if row["system"] == "KAZ"
    )
    won = [date for date, share in indices if share > 50]
    first = next(i for i, (date, _) in enumerate(indices) if date == won[0])
    assert [date for date, _ in indices[first : first + len(won)]] == won  # in a row
    run = graph.run("predominant-party-systems").dicts()
    assert [row["date"] for row in run] == won and len(won) >= 3
    assert all(2 * int(row["seats"]) > int(row["seats_total"]) for row in run)
