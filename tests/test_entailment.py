"""Entailments (ontology/rules/entailment) are left out of a load and materialised where the data
is published or queried ad hoc: export, `kzgraph query`, the on-disk store, push and serve read
super-classes, inverse links and rdfs:label of a user's file as of the bundled data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kzgraph
from kzgraph.cli import cli
from kzgraph.graph import persistent

ORGANISATIONS = "SELECT ?o WHERE { ?o a org:Organization }"
TINY = "https://example.org/p"


@pytest.fixture
def lineage_ttl(tmp_path: Path) -> Path:
    path = tmp_path / "lineage.ttl"
    path.write_text(
        "@prefix kz: <https://w3id.org/kzgraph/ontology#> .\n"
        "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://example.org/a> a kz:PoliticalParty ; skos:prefLabel "A"@en .\n'
        '<https://example.org/b> a kz:PoliticalParty ; skos:prefLabel "B"@en .\n'
        "<https://example.org/m> a kz:Merger ; org:originalOrganization <https://example.org/a> ;\n"
        "  org:resultingOrganization <https://example.org/b> .\n",
        encoding="utf-8",
    )
    return path


def organisations(graph: kzgraph.Graph) -> set[str]:
    return {row[0].value for row in graph.query(ORGANISATIONS).rows}


def test_a_load_derives_only_what_the_stored_queries_read_until_entail(lineage_ttl):
    graph = kzgraph.load([lineage_ttl])
    assert "https://example.org/a" not in organisations(graph)
    assert graph.query("ASK { <https://example.org/b> kz:successorOf <https://example.org/a> }").value
    assert [row[0].value for row in graph.run("predecessors", party="B").rows] == ["https://example.org/a"]
    graph.entail()
    assert {"https://example.org/a", "https://example.org/b"} <= organisations(graph)
    for ask in (
        "<https://example.org/a> kz:mergedInto <https://example.org/b>",
        "<https://example.org/a> kz:predecessorOf <https://example.org/b>",
        "<https://example.org/b> prov:wasDerivedFrom <https://example.org/a>",
        "<https://example.org/a> org:changedBy <https://example.org/m>",
        '<https://example.org/a> rdfs:label "A"@en',
    ):
        assert graph.query(f"ASK {{ {ask} }}").value, ask
    size = len(graph.store)
    assert graph.entail() is graph and len(graph.store) == size  # once


def test_adhoc_query_on_the_cli_sees_the_entailments(runner, tiny_ttl):
    result = runner.invoke(
        cli, ["query", "--load", str(tiny_ttl), "-f", "-", "--format", "json"], input=ORGANISATIONS
    )
    assert result.exit_code == 0, result.output
    values = {b["o"]["value"] for b in json.loads(result.output)["results"]["bindings"]}
    assert TINY in values and len(values) > 40


def test_export_carries_the_entailments_of_a_loaded_file(runner, tiny_ttl):
    result = runner.invoke(cli, ["export", "--load", str(tiny_ttl), "--format", "nt"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    assert f"<{TINY}> {rdf_type} <http://www.w3.org/ns/org#Organization> ." in lines
    assert f'<{TINY}> <http://www.w3.org/2000/01/rdf-schema#label> "Tiny Party"@en .' in lines


def test_an_on_disk_store_holds_the_entailments(tmp_path, lineage_ttl):
    directory = tmp_path / "kz.db"
    report = persistent.load(directory, [lineage_ttl])
    assert report.derived > 1000  # the bundled data's too
    graph = persistent.open_store(directory)
    assert graph.unentailed == []
    assert {"https://example.org/a", "https://example.org/b"} <= organisations(graph)
    assert graph.query("ASK { <https://example.org/a> kz:mergedInto <https://example.org/b> }").value
