from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

import kzgraph
from kzgraph.cli import cli
from kzgraph.graph.namespaces import ONTOLOGY_GRAPH, PREFIXES
from kzgraph.publish.describe import DATASET, EXAMPLE_CLASSES, describe
from kzgraph.publish.docs import ontology_html
from kzgraph.publish.export import (
    CONTEXT_FILE,
    DATASET_FORMATS,
    FORMATS,
    LD_PREFIXES,
    RDF_TYPE,
    SELECTIONS,
    context_document,
    export,
    namespace_of,
    select_quads,
    serialize,
)

RDFLIB_FORMATS = {
    "ttl": "turtle",
    "nt": "nt",
    "jsonld": "json-ld",
    "rdfxml": "xml",
    "nq": "nquads",
    "trig": "trig",
}
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
DCT = rdflib.Namespace(PREFIXES["dct"])
KZ = rdflib.Namespace(PREFIXES["kz"])

BNODE_TTL = """\
@prefix kz: <https://w3id.org/kzgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://example.org/p> a kz:PoliticalParty ; skos:prefLabel "Blank Party"@en ;
    kz:note [ skos:prefLabel "first" ; kz:next [ skos:prefLabel "second" ] ] ,
            [ skos:prefLabel "third" ] .
"""


def reference(store: ox.Store, selection: str) -> rdflib.Dataset:
    """The selected quads as an rdflib Dataset, built without kzgraph.publish.export."""
    dataset = rdflib.Dataset()
    dataset.parse(
        data=ox.serialize(select_quads(store, selection), format=ox.RdfFormat.N_QUADS), format="nquads"
    )
    return dataset


def merged(dataset: rdflib.Dataset) -> rdflib.Graph:
    graph = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def named_graphs(dataset: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    graphs: dict[str, rdflib.Graph] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graphs.setdefault(str(g.identifier if hasattr(g, "identifier") else g), rdflib.Graph()).add((s, p, o))
    return graphs


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_parses_back_with_rdflib_to_an_isomorphic_graph(graph, fmt, selection):
    data = export(graph.store, fmt, selection)
    expected = reference(graph.store, selection)
    if fmt in DATASET_FORMATS:
        back = rdflib.Dataset()
        back.parse(data=data, format=RDFLIB_FORMATS[fmt])
        want, got = named_graphs(expected), named_graphs(back)
        assert sorted(got) == sorted(want)
        for name in want:
            assert isomorphic(got[name], want[name]), name
    else:
        back = rdflib.Graph().parse(data=data, format=RDFLIB_FORMATS[fmt])
        assert len(back) == len(merged(expected)) > 0
        assert isomorphic(back, merged(expected))


def test_selections_split_the_ontology_from_the_data(graph):
    ontology = select_quads(graph.store, "ontology")
    data = select_quads(graph.store, "data")
    assert ontology and data
    assert {q.graph_name.value for q in ontology} == {ONTOLOGY_GRAPH}
    assert ONTOLOGY_GRAPH not in {q.graph_name.value for q in data if isinstance(q.graph_name, ox.NamedNode)}
    assert len(ontology) + len(data) == len(select_quads(graph.store, "all")) == len(graph.store)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_is_byte_stable_across_loads_even_with_blank_nodes(tmp_path, fmt):
    source = tmp_path / "blank.ttl"
    source.write_text(BNODE_TTL, encoding="utf-8")
    first = export(kzgraph.load([source]).store, fmt, "data")
    second = export(kzgraph.load([source]).store, fmt, "data")
    assert first == second
    # The parser gives fresh blank node ids on every load; the export must not depend on them.
    assert b"c14n" in first or (fmt == "jsonld" and b"_:c14n" in first)


def test_turtle_has_alphabetical_prefixes_for_the_namespaces_it_uses_and_sorted_subjects(graph):
    text = export(graph.store, "ttl", "all").decode("utf-8")
    declared = re.findall(r"^@prefix (\w+): <([^>]+)> \.$", text, flags=re.M)
    names = [name for name, _ in declared]
    assert names == sorted(names)
    assert all(LD_PREFIXES[name] == iri for name, iri in declared)
    assert {"kz", "party", "skos", "prov"} <= set(names)
    subjects = [
        line.split(" ")[0]
        for line in text.splitlines()
        if line and not line[0].isspace() and not line.startswith("@")
    ]
    assert len(subjects) == len(set(subjects)), "each subject is written once"


def test_nt_and_nq_are_sorted_lines(graph):
    for fmt in ("nt", "nq"):
        lines = export(graph.store, fmt, "all").decode("utf-8").splitlines()
        assert lines == sorted(lines) and len(lines) > 100


def test_jsonld_uses_the_published_context_file(graph):
    document = json.loads(export(graph.store, "jsonld", "data"))
    published = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert document["@context"] == published["@context"]
    ids = [node["@id"] for node in document["@graph"]]
    assert ids == sorted(ids)
    assert "party:nur-otan-2006" in ids or any(i.startswith("party:") for i in ids)


def test_published_context_is_up_to_date_and_covers_every_namespace_the_data_uses(graph):
    published = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    assert published == context_document(), (
        "ontology/context.jsonld is out of date: "
        'python -c "import kzgraph.publish.export as e; e.write_context()"'
    )
    namespaces = set(published["@context"].values())
    assert all(published["@context"][prefix] == iri for prefix, iri in PREFIXES.items())
    used = {namespace_of(q.predicate.value) for q in graph.store}
    used |= {
        namespace_of(q.object.value)
        for q in graph.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None)
    }
    missing = sorted(ns for ns in used if ns not in namespaces)
    assert missing == [], "vocabularies without a prefix in the context"


def test_serialize_rejects_an_unknown_format(graph):
    with pytest.raises(kzgraph.KzgraphError, match="Unknown export format 'yaml'"):
        serialize(select_quads(graph.store, "ontology"), "yaml")


def test_cli_export_to_stdout_and_to_a_file_by_extension(runner, tmp_path, graph):
    result = runner.invoke(cli, ["export", "--graph", "ontology"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == export(graph.store, "ttl", "ontology")
    out = tmp_path / "all.trig"
    result = runner.invoke(cli, ["export", "--graph", "all", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == export(graph.store, "trig", "all")
    assert f"Wrote {out}" in result.stderr


def test_cli_export_explains_an_unknown_extension(runner, tmp_path):
    result = runner.invoke(cli, ["export", "-o", str(tmp_path / "graph.yaml")])
    assert result.exit_code == 1
    assert "can't tell the format from the extension" in result.stderr
    assert ".ttl" in result.stderr


def test_cli_export_includes_loaded_files(runner, tiny_ttl):
    result = runner.invoke(cli, ["export", "--format", "nt", "--load", str(tiny_ttl)])
    assert result.exit_code == 0, result.output
    assert '<https://example.org/p> <http://www.w3.org/2004/02/skos/core#prefLabel> "Tiny Party"@en .' in (
        result.stdout
    )


# -- dataset description ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def description(graph) -> rdflib.Graph:
    return rdflib.Graph().parse(
        data=serialize(describe(graph.store, "http://127.0.0.1:9999"), "ttl"), format="turtle"
    )


def count(graph: kzgraph.Graph, sparql: str) -> int:
    return int(graph.query(sparql).rows[0][0].value)


def test_description_counts_are_the_graphs_own(graph, description):
    dataset = rdflib.URIRef(DATASET)
    triples = count(graph, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    assert description.value(dataset, VOID.triples).toPython() == triples
    assert description.value(dataset, VOID.distinctSubjects).toPython() == count(
        graph, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
    )
    assert description.value(dataset, VOID.classes).toPython() == count(
        graph, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"
    )
    parties = count(graph, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a kz:PoliticalParty }")
    partition = next(description.subjects(VOID["class"], KZ.PoliticalParty))
    assert description.value(partition, VOID.entities).toPython() == parties > 10
    property_triples = sum(
        description.value(p, VOID.triples).toPython()
        for p in description.objects(dataset, VOID.propertyPartition)
    )
    assert property_triples == triples
    per_graph = {
        str(description.value(named, SD.name)): description.value(
            description.value(named, SD.graph), VOID.triples
        )
        for named in description.objects(dataset, SD.namedGraph)
    }
    assert per_graph == {
        g.value: rdflib.Literal(sum(1 for _ in graph.store.quads_for_pattern(None, None, None, g)))
        for g in graph.store.named_graphs()
    }


def test_description_takes_licence_source_and_examples_from_the_graph(graph, description):
    dataset = rdflib.URIRef(DATASET)
    licences = {
        row[0].value for row in graph.query("SELECT ?l WHERE { ?o a owl:Ontology ; dct:license ?l }").rows
    }
    assert {str(o) for o in description.objects(dataset, DCT.license)} == licences != set()
    works = {row[0].value for row in graph.query("SELECT ?w WHERE { ?w a kz:SourceWork }").rows}
    assert {str(o) for o in description.objects(dataset, DCT.source)} == works != set()
    examples = set(description.objects(dataset, VOID.exampleResource))
    assert len(examples) == len(EXAMPLE_CLASSES)
    for cls in EXAMPLE_CLASSES:
        assert any(graph.query(f"ASK {{ <{e}> a kz:{cls} }}").value for e in examples), cls
    assert (dataset, rdflib.RDF.type, DCAT.Dataset) in description


def test_description_with_a_base_url_names_the_endpoint_and_the_dumps(description):
    dataset = rdflib.URIRef(DATASET)
    assert description.value(dataset, VOID.sparqlEndpoint) == rdflib.URIRef("http://127.0.0.1:9999/sparql")
    dumps = {str(d) for d in description.objects(dataset, VOID.dataDump)}
    assert "http://127.0.0.1:9999/download/kzgraph.ttl" in dumps and len(dumps) == len(FORMATS)
    service = rdflib.URIRef("http://127.0.0.1:9999/sparql#service")
    assert (service, rdflib.RDF.type, SD.Service) in description
    assert description.value(service, DCAT.servesDataset) == dataset


def test_description_without_a_base_url_names_no_endpoint(graph):
    triples = describe(graph.store)
    assert not any(q.predicate.value.endswith("sparqlEndpoint") for q in triples)


def test_cli_describe_is_byte_stable_jsonld(runner):
    first = runner.invoke(cli, ["describe", "--format", "jsonld"])
    second = runner.invoke(cli, ["describe", "--format", "jsonld"])
    assert first.exit_code == 0, first.output
    assert first.stdout_bytes == second.stdout_bytes
    back = rdflib.Graph().parse(data=first.stdout_bytes, format="json-ld")
    assert (rdflib.URIRef(DATASET), rdflib.RDF.type, VOID.Dataset) in back


# -- ontology documentation ------------------------------------------------------------------


def test_docs_page_documents_every_class_and_property_offline(graph):
    html = ontology_html(graph.store)
    terms = graph.query(
        """SELECT ?t ?label WHERE {
             GRAPH <https://w3id.org/kzgraph/graph/ontology> {
               VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty }
               ?t a ?kind ; rdfs:label ?label FILTER STRSTARTS(STR(?t), STR(kz:)) } }"""
    ).rows
    assert len(terms) > 30
    for term, label in terms:
        assert term.value in html, term.value
        assert label.value in html, label.value
    assert not re.search(r"<(script|link|img)\b[^>]*(src|href)=\"https?:", html), (
        "loads something from the web"
    )


def test_cli_docs_writes_index_html(runner, tmp_path: Path):
    result = runner.invoke(cli, ["docs", "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    page = tmp_path / "site" / "index.html"
    assert "kzgraph: ontology of Kazakhstan" in page.read_text(encoding="utf-8")  # its dct:title
