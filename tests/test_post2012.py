"""Facts beyond the paper (data/post-2012): lineage to today, later elections, identifiers,
each with its web source; `--source paper` gives back the paper alone."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.errors import AmbiguousLabel, LabelNotFound
from kzgraph.graph.namespaces import (
    DERIVED_GRAPH,
    ID,
    ONTOLOGY_GRAPH,
    PAPER_GRAPH,
    POST_2012_GRAPH,
    derived_graph,
)
from kzgraph.graph.store import bundled_files
from kzgraph.graph.validate import validate

PARTY = ID + "party/"


@pytest.fixture(scope="module")
def paper_only() -> kzgraph.Graph:
    """A store loaded from the ontology and the paper's data files alone."""
    files = [(path, g) for path, g in bundled_files() if g in (ONTOLOGY_GRAPH, PAPER_GRAPH)]
    return kzgraph.load(files, bundled=False)


def iris(result, column: str) -> set[str]:
    return set(result.column(column))


# --- lineage through both graphs -------------------------------------------------------------


def test_amanat_lineage_reaches_the_1990s_parties_through_both_graphs(graph, runner):
    ancestors = {row["ancestor"]: row for row in graph.run("predecessors", party="Amanat")}
    # Nur Otan renamed Amanat (2022, post-2012), Otan into Nur Otan (2006, paper),
    # the People's Unity Party joined Otan (1999, paper)
    assert ancestors[PARTY + "nur-otan-2006"]["relation"] == "renamed to"
    assert ancestors[PARTY + "nur-otan-2006"]["date"] == "2022-03-01"
    assert PARTY + "otan-1999" in ancestors
    assert ancestors[PARTY + "party-of-kazakhstan-peoples-unity-1995"]["relation"] == "joined"
    # Adal joined Amanat (2022) <- Birlik (2013) <- Adilet + Rukhaniyat <- the Revival party of 1995
    assert ancestors[PARTY + "adal-2020"]["relation"] == "joined"
    assert {ancestors[PARTY + p]["date"] for p in ("adilet", "rukhaniyat-2004")} == {"2013-04-26"}
    assert ancestors[PARTY + "party-of-kazakhstan-revival-1995"]["relation"] == "founded on the basis of"

    result = runner.invoke(cli, ["run", "predecessors", "-p", "party=Amanat", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert PARTY + "party-of-kazakhstan-revival-1995" in result.output
    assert PARTY + "nur-otan-2006" in result.output


def test_the_paper_alone_ends_with_nur_otan(graph):
    paper = graph.restrict("paper")
    successors = iris(paper.run("successors", party="Otan"), "descendant")
    assert PARTY + "nur-otan-2006" in successors
    assert PARTY + "amanat-2022" not in successors
    assert PARTY + "amanat-2022" in iris(graph.run("successors", party="Otan"), "descendant")


def test_a_restricted_graph_counts_only_its_graphs(graph):
    restricted = graph.restrict("paper")
    files = [(path, g) for path, g in bundled_files() if g in (ONTOLOGY_GRAPH, PAPER_GRAPH)]
    assert len(restricted) == len(kzgraph.load(files, bundled=False).entail())  # the graph is entailed
    assert 1000 < len(restricted) < len(graph)


def test_derived_links_are_kept_per_source(graph):
    def holds(graph_iri: str, s: str, p: str, o: str) -> bool:
        quad = ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.NamedNode(graph_iri))
        return quad in graph.store

    kz = "https://w3id.org/kzgraph/ontology#"
    later = derived_graph(POST_2012_GRAPH)
    assert holds(later, PARTY + "nur-otan-2006", kz + "renamedTo", PARTY + "amanat-2022")
    assert not holds(DERIVED_GRAPH, PARTY + "nur-otan-2006", kz + "renamedTo", PARTY + "amanat-2022")
    assert holds(DERIVED_GRAPH, PARTY + "otan-1999", kz + "renamedTo", PARTY + "nur-otan-2006")
    # nothing the paper implies is derived again from the later graph
    assert not holds(later, PARTY + "otan-1999", kz + "renamedTo", PARTY + "nur-otan-2006")
    # the paper's Adilet ends in 2013 only because of the later graph
    ask = "ASK { party:adilet schema:dissolutionDate ?d }"
    assert graph.query(ask).value is True
    assert graph.restrict("paper").query(ask).value is False


# --- --source paper reproduces the paper-only answers ----------------------------------------


def _answers(graph: kzgraph.Graph, stored) -> object:
    params = {p.name: p.example for p in stored.params if p.example is not None}
    try:
        result = graph.run(stored, **params)
    except kzgraph.KzgraphError as error:
        return type(error).__name__
    return sorted(map(str, result.rows)) if hasattr(result, "rows") else result


def test_source_paper_reproduces_every_stored_query_on_the_paper_alone(graph, paper_only):
    restricted = graph.restrict("paper")
    differ = []
    for stored in graph.catalog:
        if stored.name in ("disputes", "identifiers"):
            continue  # about the later graph only; checked below
        if _answers(restricted, stored) != _answers(paper_only, stored):
            differ.append(stored.name)
    assert differ == []
    # and the full graph does answer differently where the later facts matter
    election_results = graph.catalog.get("election-results")
    assert len(graph.run(election_results, year=2012)) == 7
    assert len(restricted.run(election_results, year=2012)) == 3
    assert len(paper_only.run(election_results, year=2012)) == 3
    assert restricted.run("disputes").rows == []
    assert len(graph.run("disputes")) == 6


def test_cli_source_paper(runner, paper_only):
    from kzgraph.output import render

    expected = render(paper_only.run("successors", party="Otan"), "csv")
    result = runner.invoke(cli, ["run", "successors", "-p", "party=Otan", "--source", "paper", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == expected.splitlines()
    everything = runner.invoke(cli, ["run", "successors", "-p", "party=Otan", "-f", "csv"])
    assert PARTY + "amanat-2022" in everything.output and PARTY + "amanat-2022" not in result.output

    count = "SELECT (COUNT(*) AS ?n) WHERE { ?r a kz:ElectionResult }"
    paper_count = paper_only.query(count).column("n")[0]
    result = runner.invoke(cli, ["query", "--source", "paper", "--format", "csv", count])
    assert result.exit_code == 0 and result.output.split()[-1] == paper_count
    # GRAPH patterns see only the paper's graphs too
    named = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    result = runner.invoke(cli, ["query", "--source", "paper", "--format", "csv", named])
    assert POST_2012_GRAPH not in result.output and PAPER_GRAPH in result.output

    bad = runner.invoke(cli, ["run", "parties", "--source", "wikipedia"], prog_name="kzgraph")
    assert bad.exit_code == 2 and "'wikipedia' is not one of" in bad.output


def test_restrict_refuses_an_unknown_source(graph):
    with pytest.raises(kzgraph.ParameterError, match="Unknown source 'post'"):
        graph.restrict("post")


def test_origins_mark_the_later_facts(graph):
    origins = graph.origins()
    assert origins[ID + "event/renaming-nur-otan-amanat-2022"] == "post-2012"
    assert origins[PARTY + "amanat-2022"] == "post-2012"
    assert origins[PARTY + "nur-otan-2006"] == "paper"
    assert set(graph.restrict("paper").origins().values()) == {"paper"}


# --- every later fact has a source address ----------------------------------------------------


def test_every_post_2012_fact_has_a_web_source(graph):
    report = validate(graph)
    assert report.conforms, "\n".join(map(str, report.violations[:20]))
    facts = graph.query(
        f"""SELECT ?fact ?source ?accessed WHERE {{
              GRAPH <{POST_2012_GRAPH}> {{ ?fact a ?class }}
              FILTER (?class != kz:WebSource)
              OPTIONAL {{ ?fact prov:hadPrimarySource ?source . ?source kz:accessDate ?accessed }} }}"""
    )
    assert len(facts) > 80
    assert [r["fact"] for r in facts if r["accessed"] is None] == []
    assert all(r["source"].startswith(("http://", "https://")) for r in facts)
    assert not any(r["source"].startswith("https://w3id.org/") for r in facts)


def test_the_shacl_rule_catches_an_unsourced_later_fact(tmp_path, runner):
    bad = tmp_path / "later.ttl"
    bad.write_text(
        """@prefix kz: <https://w3id.org/kzgraph/ontology#> .
           @prefix party: <https://w3id.org/kzgraph/id/party/> .
           @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
           @prefix prov: <http://www.w3.org/ns/prov#> .
           party:invented-2024 a kz:PoliticalParty ; skos:prefLabel "Invented"@en ; kz:quote "x" ;
               prov:hadPrimarySource <https://w3id.org/kzgraph/id/source/zhankuliyeva-2012> .
           party:nur-otan-2006 skos:altLabel "Light"@en .
           <https://example.org/page> a kz:WebSource .""",
        encoding="utf-8",
    )
    report = validate(kzgraph.load([(bad, POST_2012_GRAPH)]))
    assert not report.conforms
    found = {(v.focus, v.path) for v in report.violations}
    assert ("party:invented-2024", "prov:hadPrimarySource") in found
    assert ("party:nur-otan-2006", "skos:altLabel") in found  # added without a sourced statement
    assert ("https://example.org/page", "kz:accessDate") in found
    # the same file as a user file is checked against the paper's shapes instead
    as_user = validate(kzgraph.load([bad]))
    assert not as_user.conforms
    assert ("party:invented-2024", "prov:hadPrimarySource") not in {
        (v.focus, v.path) for v in as_user.violations
    }


def test_validate_cli_passes_on_the_bundled_data(runner):
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output


# --- names shared by several organisations ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Birlik", {"birlik-bloc-2007": "founded 2007-04-01", "birlik-2013": "founded 2013-04-26"}),
        ("Adilet", {"adilet-2026": "founded 2026-05-07", "adilet": "dissolved 2013-04-26"}),
        (
            "Azat",
            {
                "azat-republican-party-1991": "founded 1991-09-05",
                "democratic-party-of-kazakhstan-azat-2005": "founded 2005-04-29",
            },
        ),
        (
            "auyl",
            {
                "social-democratic-party-auyl-2000": "founded 2000",
                "auyl-peoples-democratic-patriotic-party-2015": "founded 2015-09-05",
            },
        ),
    ],
)
def test_an_ambiguous_label_lists_the_candidates_with_dates(graph, name, expected):
    with pytest.raises(AmbiguousLabel) as info:
        graph.resolve_organisation(name)
    message = str(info.value)
    for slug, date in expected.items():
        assert f"<{PARTY}{slug}>" in message
        entry = message.split(f"<{PARTY}{slug}>")[1].split(";")[0]
        assert date in entry, (slug, entry)
    assert "electoral bloc" in message if name == "Birlik" else True


def test_ambiguous_label_on_the_cli_is_one_line(runner):
    result = runner.invoke(cli, ["run", "predecessors", "-p", "party=Birlik"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('Error: "Birlik" names several organisations')
    by_iri = runner.invoke(cli, ["run", "predecessors", "-p", "party=party:birlik-2013", "-f", "csv"])
    assert by_iri.exit_code == 0 and PARTY + "adilet," in by_iri.output


def test_later_names_are_unknown_to_the_paper(graph):
    with pytest.raises(LabelNotFound):
        graph.restrict("paper").resolve_organisation("Amanat")
    assert graph.resolve_organisation("Amanat").value == PARTY + "amanat-2022"


# --- disagreements kept, elections complete -------------------------------------------------


def test_disagreeing_sources_are_both_kept_and_neither_is_asserted(graph):
    readings = graph.query(
        """SELECT ?value ?source WHERE {
             ?s a kz:SourcedStatement ; rdf:subject ?fact ; rdf:predicate ?p ; rdf:object ?value ;
                prov:hadPrimarySource ?source }
           ORDER BY ?value"""
    )
    by_value = {r["value"]: r["source"] for r in readings}
    assert "eurasianet.org" in by_value["2015-08-03"] and "joinfo.com" in by_value["2015-08-07"]
    assert "astanatimes.com" in by_value["3431510"] and "inform.kz" in by_value["3341510"]
    dates = graph.query(
        "SELECT ?d WHERE { event:dissolution-communist-party-of-kazakhstan-2015 dct:date ?d }"
    )
    assert dates.column("d") == ["2015-08"]
    assert graph.query("ASK { result:majilis-2023-amanat kz:votes ?v }").value is False


def election(graph, year: int) -> dict:
    return next(
        iter(
            graph.query(
                f"""SELECT ?threshold ?list ?system (SUM(?seats) AS ?allocated) (SUM(?share) AS ?shares)
                   (COUNT(?r) AS ?results) WHERE {{
              election:majilis-{year} kz:electoralSystem ?system .
              # the election's own list seats, else those of the law it was held under (2012)
              OPTIONAL {{ election:majilis-{year} kz:listSeats ?own_list }}
              OPTIONAL {{ election:majilis-{year} kz:heldUnder/kz:setsListSeats ?law_list }}
              BIND (COALESCE(?own_list, ?law_list) AS ?list)
              OPTIONAL {{ election:majilis-{year} kz:threshold ?threshold }}
              ?r kz:election election:majilis-{year} ; kz:listSeats ?seats ; kz:voteShare ?share }}
            GROUP BY ?threshold ?list ?system"""
            )
        )
    )


@pytest.mark.parametrize(
    ("year", "threshold", "list_seats", "results"),
    [(2012, "7.0", "98", "7"), (2016, "7.0", "98", "6"), (2021, "7.0", "98", "5"), (2023, "5.0", "69", "7")],
)
def test_elections_are_complete_for_seat_allocation(graph, year, threshold, list_seats, results):
    row = election(graph, year)
    assert Decimal(row["threshold"]) == Decimal(threshold)
    assert row["list"] == list_seats and row["allocated"] == list_seats
    assert row["results"] == results
    # the shares of every list (2023: of all votes cast, "against all" included) add up
    against = graph.query(f"SELECT ?a WHERE {{ election:majilis-{year} kz:againstAllShare ?a }}").column("a")
    total = Decimal(row["shares"]) + sum(Decimal(a) for a in against)
    assert abs(total - 100) <= Decimal("0.05"), total
    assert row["system"].endswith("Mixed" if year == 2023 else "Proportional")


def test_identifier_links_say_when_a_record_spans_name_eras(graph):
    rows = list(graph.run("identifiers"))
    eras = {r["party"] for r in rows if r["record"] == "http://www.wikidata.org/entity/Q111077075"}
    assert eras == {PARTY + "otan-1999", PARTY + "nur-otan-2006", PARTY + "amanat-2022"}
    assert {r["match"] for r in rows if r["record"].endswith("Q111077075")} == {"close"}
    assert all(r["source"] for r in rows)
    # an exact match names one organisation only (skos:exactMatch is transitive)
    exact: dict[str, set[str]] = {}
    for r in rows:
        if r["match"] == "exact":
            exact.setdefault(r["record"], set()).add(r["party"])
    assert exact and all(len(parties) == 1 for parties in exact.values())
    # the Alash party of 1917 is not the paper's Alash of 1990
    assert graph.query("ASK { party:alash ?match <http://www.wikidata.org/entity/Q64780> }").value is False


# --- QuickStatements --------------------------------------------------------------------------


def test_quickstatements_export_adal_joining_amanat(runner):
    from kzgraph.publish.quickstatements import wikidata_time

    result = runner.invoke(cli, ["quickstatements"])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.splitlines()]
    source = '"https://www.inform.kz/en/president-nominates-majilis-speaker-koshanov-to-become-amanat-party-chairman_a3927100"'
    tail = ["P585", "+2022-04-26T00:00:00Z/11", "S854", source, "S813", "+2026-11-29T00:00:00Z/11"]
    assert ["Q111077075", "P1365", "Q27972277", *tail] in lines
    assert ["Q27972277", "P1366", "Q111077075", *tail] in lines
    # a renaming within one item (Nur Otan -> Amanat, both Q111077075) is not a Wikidata statement
    assert not any(line[0] == line[2] for line in lines)
    # every command cites a web page: the paper alone has none to cite
    assert all("S854" in line for line in lines)
    assert runner.invoke(cli, ["quickstatements", "--source", "paper"]).stdout == ""
    assert wikidata_time("2015-08") == "+2015-08-00T00:00:00Z/10"
    assert wikidata_time("2004") == "+2004-00-00T00:00:00Z/9"
    with pytest.raises(ValueError):
        wikidata_time("autumn 1991")


def test_quickstatements_of_a_loaded_file_need_no_entailments(runner, tmp_path):
    # the file's layer is derived for the stored queries only: the links come from its events
    path = tmp_path / "merger.ttl"
    path.write_text(
        "@prefix kz: <https://w3id.org/kzgraph/ontology#> . @prefix org: <http://www.w3.org/ns/org#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> . @prefix wd: <http://www.wikidata.org/entity/> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://example.org/a> a kz:PoliticalParty ; skos:exactMatch wd:Q901 .\n"
        "<https://example.org/b> a kz:PoliticalParty ; skos:exactMatch wd:Q902 .\n"
        '<https://example.org/web> a kz:WebSource ; kz:accessDate "2026-01-02"^^xsd:date .\n'
        "<https://example.org/m> a kz:Merger ; org:originalOrganization <https://example.org/a> ;\n"
        '  org:resultingOrganization <https://example.org/b> ; dct:date "2020"^^xsd:gYear ;\n'
        "  prov:hadPrimarySource <https://example.org/web> .\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["quickstatements", "--load", str(path)])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t")[:5] for line in result.output.splitlines()]
    assert ["Q902", "P1365", "Q901", "P585", "+2020-00-00T00:00:00Z/9"] in lines
    assert ["Q901", "P1366", "Q902", "P585", "+2020-00-00T00:00:00Z/9"] in lines
