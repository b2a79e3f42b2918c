"""`kzgraph lineage` and `kzgraph stats`: trees and consolidation figures, checked against SPARQL."""

from __future__ import annotations

import json
from functools import cache
from itertools import pairwise

import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.lineage.model import Lineage, iso_position, iso_year
from kzgraph.lineage.read import read_lineage
from kzgraph.lineage.stats import consolidation_stats
from kzgraph.lineage.tree import text_tree

# Links as the derivation rules materialise them (not the events the lineage module reads),
# read forwards in time: (earlier, later).
DIRECT_LINKS = """
SELECT DISTINCT ?earlier ?later WHERE {
  { ?earlier kz:mergedInto|kz:joined|kz:renamedTo|kz:refoundedAs ?later }
  UNION { ?later kz:splitFrom|kz:foundedOnBasisOf ?earlier }
}"""
ORGANISATIONS = """
SELECT DISTINCT ?o WHERE {
  VALUES ?class { kz:PoliticalParty kz:PoliticalMovement kz:ElectoralBloc kz:CampaignHeadquarters }
  ?o a ?class
}"""


@pytest.fixture(scope="module")
def lineage(graph) -> Lineage:
    return read_lineage(graph)


@pytest.fixture(scope="module")
def nur_otan_tree(graph) -> str:
    result = kzgraph_cli(["lineage", "Nur Otan"])
    assert result.exit_code == 0, result.output
    return result.output


def kzgraph_cli(args):
    from click.testing import CliRunner

    return CliRunner().invoke(cli, args, catch_exceptions=False)


def lines_with(text: str, *needles: str) -> list[str]:
    return [line for line in text.splitlines() if all(n in line for n in needles)]


def test_nur_otan_tree_names_every_merger_and_accession_into_otan_and_nur_otan_with_its_date(
    graph, nur_otan_tree
):
    otan = graph.resolve_organisation("Otan").value
    nur_otan = graph.resolve_organisation("Nur Otan").value
    rows = [r for r in graph.run("mergers") if r["resulting"] in (otan, nur_otan)]
    assert len(rows) >= 10  # 7 accessions to Otan "starting from 1999", 4 parties merged in 2006
    for row in rows:
        assert lines_with(nur_otan_tree, row["original_label"], row["date"]), (row, nur_otan_tree)


@pytest.mark.parametrize(
    ("party", "date"),
    [
        # The paper: "merging of Otan RPP, Republic Party Asar, Civil Party of Kazakhstan and
        # Agrarian Party of Kazakhstan in 2006"; "Starting from 1999 this party was joined by the
        # Kazakhstan People's Unity Party, Democratic Party of Kaazakhstan, ...".
        ("Asar", "2006"),
        ("Civil Party", "2006"),
        ("Agrarian Party of Kazakhstan", "2006"),
        ("Kazakhstan People's Unity Party", "1999"),
        ("Republican Political Labor Party", "1999"),
        ("People's Cooperative Party", "1999"),
    ],
)
def test_nur_otan_tree_has_the_papers_predecessors(graph, lineage, nur_otan_tree, party, date):
    name = lineage.organisations[graph.resolve_organisation(party).value].name
    assert lines_with(nur_otan_tree, name, date), nur_otan_tree


def test_tree_counts_match_sparql_ancestors_and_descendants(graph, nur_otan_tree):
    up = graph.query(
        "SELECT DISTINCT ?a ?party WHERE { ?a (kz:predecessorOf|^org:hasMember)+ ?party }",
        {"party": graph.resolve_organisation("Nur Otan")},
    )
    down = graph.query(
        "SELECT DISTINCT ?d ?party WHERE { ?party (kz:predecessorOf|^org:hasMember)+ ?d }",
        {"party": graph.resolve_organisation("Nur Otan")},
    )
    assert f"Ancestors ({len(up)})" in nur_otan_tree
    assert f"Descendants ({len(down)})" in nur_otan_tree


def test_tree_reads_a_split_from_the_later_party(graph, lineage):
    out = kzgraph_cli(["lineage", "CPPK"]).output
    parent = lineage.organisations[
        graph.resolve_organisation("party:communist-party-of-kazakhstan-1991").value
    ]
    assert lines_with(out, parent.name, "↑ split from it", "2004")


def test_lineage_of_an_unknown_party_is_a_one_line_error():
    result = kzgraph_cli(["lineage", "Party of Nobody"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: No organisation is labelled")


def test_lineage_reads_loaded_files(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix kz: <https://w3id.org/kzgraph/ontology#> .\n"
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix party: <https://w3id.org/kzgraph/id/party/> .\n"
        '<https://example.org/p/heir> a kz:PoliticalParty ; skos:prefLabel "Heir Party"@en .\n'
        "<https://example.org/e/1> a kz:Renaming ; org:originalOrganization party:alga-2006 ;\n"
        '  org:resultingOrganization <https://example.org/p/heir> ; dct:date "2010"^^xsd:gYear .\n',
        encoding="utf-8",
    )
    out = kzgraph_cli(["lineage", "--load", str(extra), "Heir Party"]).output
    assert lines_with(out, "Alga People's Party", "renamed to ↑", "2010")


# -- stats ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def figures(graph) -> dict:
    result = kzgraph_cli(["stats", "--format", "json"])
    assert result.exit_code == 0
    return json.loads(result.output)


@cache
def successors(graph) -> dict[str, set[str]]:
    links: dict[str, set[str]] = {}
    for row in graph.query(DIRECT_LINKS):
        links.setdefault(row["earlier"], set()).add(row["later"])
    return links


def test_largest_merger_is_the_merger_event_with_most_original_organisations(graph, figures):
    rows = graph.query(
        "SELECT ?event ?into (COUNT(DISTINCT ?o) AS ?n) WHERE { ?event a kz:Merger ;"
        " org:originalOrganization ?o ; org:resultingOrganization ?into }"
        " GROUP BY ?event ?into ORDER BY DESC(?n)"
    ).dicts()
    assert figures["largest_merger"]["event"] == rows[0]["event"]
    assert figures["largest_merger"]["into"] == rows[0]["into"]
    assert len(figures["largest_merger"]["organisations"]) == int(rows[0]["n"])


def test_longest_chain_is_linked_and_no_chain_is_longer(graph, figures):
    links = successors(graph)

    @cache
    def longest_from(node: str) -> int:
        return max((1 + longest_from(n) for n in links.get(node, ())), default=0)

    chain = figures["longest_chain"]["links"]
    assert len(chain) == max(longest_from(n) for n in links)
    for link in chain:
        assert link["target"] in links[link["source"]]
    for first, second in pairwise(chain):
        assert first["target"] == second["source"]


def test_parties_founded_per_year_agree_with_the_parties_query(graph, figures):
    founded: dict[int, int] = {}
    for row in graph.run("parties"):
        if row["founded"]:
            year = iso_year(row["founded"])
            founded[year] = founded.get(year, 0) + 1
    table = {row["year"]: row for row in figures["parties_per_year"]}
    assert {y: r["founded"] for y, r in table.items() if r["founded"]} == founded
    for row in figures["parties_per_year"]:
        assert 0 <= row["attested"] <= row["on_record"]


def test_roots_surviving_to_2012_agree_with_sparql(graph, figures):
    rows = graph.query(
        """SELECT DISTINCT ?root WHERE {
             VALUES ?class { kz:PoliticalParty kz:PoliticalMovement kz:ElectoralBloc kz:CampaignHeadquarters }
             ?root a ?class .
             FILTER NOT EXISTS { ?earlier kz:predecessorOf ?root }
             ?root kz:predecessorOf* ?heir .
             ?group a kz:StanceGroup ; kz:includesParty ?heir }"""
    )
    assert figures["present_year"] == 2012
    assert len(figures["surviving_roots"]) == len(rows) > 0
    nur_otan_roots = [
        r for r in figures["surviving_roots"] if "People's Democratic Party Nur Otan" in r["survivors"]
    ]
    assert len(nur_otan_roots) >= 10


def test_connected_components_agree_with_a_union_find_over_sparql_links(graph, figures):
    parent = {row["o"]: row["o"] for row in graph.query(ORGANISATIONS)}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs = [(r["earlier"], r["later"]) for r in graph.query(DIRECT_LINKS)]
    pairs += [
        (r["m"], r["b"])
        for r in graph.query("SELECT ?m ?b WHERE { ?b a kz:ElectoralBloc ; org:hasMember ?m }")
    ]
    for a, b in pairs:
        parent[root(a)] = root(b)
    sizes = sorted((sum(1 for x in parent if root(x) == r) for r in {root(x) for x in parent}), reverse=True)
    assert [len(c) for c in figures["components"]] == sizes


def test_stats_text_report(graph):
    result = kzgraph_cli(["stats"])
    assert result.exit_code == 0
    assert "Largest merger: 4 organisations into People's Democratic Party Nur Otan, 2006" in result.output
    assert "Parties per year" in result.output


def test_paper_only_stats_end_in_2012(graph):
    figures = json.loads(kzgraph_cli(["stats", "--format", "json", "--source", "paper"]).output)
    assert max(row["year"] for row in figures["parties_per_year"]) == 2012


# -- time helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso", "position"),
    [
        ("2006", 2006.5),
        ("1993-11", 1993 + 10.5 / 12),
        ("1998/1999", 1999.0),
        ("1990-04/1990-05", 1990 + 4 / 12),
        ("1999/..", 1999.0),
        (None, None),
        ("sometime", None),
    ],
)
def test_iso_position(iso, position):
    if position is None:
        assert iso_position(iso) is None
    else:
        assert iso_position(iso) == pytest.approx(position)


def test_positions_place_undated_organisations_after_their_predecessor(lineage, graph):
    russian = graph.resolve_organisation("Russian Party of Kazakhstan").value
    compatriot = graph.resolve_organisation("Compatriot").value
    (russian_year, russian_dated), (compatriot_year, compatriot_dated) = (
        lineage.positions[russian],
        lineage.positions[compatriot],
    )
    assert russian_dated and not compatriot_dated
    assert compatriot_year > russian_year


def test_library_load_builds_the_lineage_from_stored_queries():
    lineage = read_lineage(kzgraph.load().restrict("paper"))
    assert lineage.present_year == 2012
    assert all(link.source in lineage.organisations for link in lineage.links)


def test_a_splinter_that_rejoins_its_parent_is_a_cycle_the_lineage_survives(tmp_path):
    cycle = tmp_path / "cycle.ttl"
    cycle.write_text(
        "@prefix kz: <https://w3id.org/kzgraph/ontology#> .\n"
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix ex: <https://example.org/> .\n"
        'ex:parent a kz:PoliticalParty ; skos:prefLabel "Parent Party"@en .\n'
        'ex:splinter a kz:PoliticalParty ; skos:prefLabel "Splinter Party"@en .\n'
        'ex:f a kz:Founding ; org:resultingOrganization ex:parent ; dct:date "1992"^^xsd:gYear .\n'
        "ex:s a kz:Split ; org:originalOrganization ex:parent ; org:resultingOrganization ex:splinter ;\n"
        '  dct:date "2001"^^xsd:gYear .\n'
        "ex:j a kz:Accession ; org:originalOrganization ex:splinter ; org:resultingOrganization ex:parent ;\n"
        '  dct:date "2005"^^xsd:gYear .\n',
        encoding="utf-8",
    )
    graph = kzgraph.load([cycle])
    lineage = read_lineage(graph)
    chain = consolidation_stats(lineage.around("https://example.org/splinter")).longest_chain
    assert len(chain.links) == 1  # the link back to the earlier party closes the cycle: left out
    assert chain.links[0].relation == "splitFrom"
    tree = text_tree(lineage, "https://example.org/splinter")
    assert lines_with(tree, "Parent Party", "↑ split from it", "2001")  # the splinter split from it
    assert lines_with(tree, "Parent Party", "↑ joined it", "2005")  # ... and joined it again
    result = kzgraph_cli(["viz", "--load", str(cycle), "-o", str(tmp_path / "cycle.html")])
    assert result.exit_code == 0, result.output
