"""A VoID, DCAT and SPARQL Service Description of the dataset, computed from the graph itself.

Counts, partitions, vocabularies and example resources are queried from the store; the title
and version come from the package metadata, the licence from the ontology header, the source
from the data's kz:SourceWork nodes. Nothing here is typed in twice.
"""

from __future__ import annotations

import hashlib
import re
from importlib import metadata

import pyoxigraph as ox

from ..graph.namespaces import BASE, GRAPH, ID, PREFIXES
from .export import EXTENSIONS, LD_PREFIXES, MEDIA_TYPES, namespace_of

DATASET = BASE + "dataset"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
DCT, RDF, RDFS = PREFIXES["dct"], PREFIXES["rdf"], PREFIXES["rdfs"]
KZ, XSD, PROV = PREFIXES["kz"], PREFIXES["xsd"], PREFIXES["prov"]
# The kinds of resource a visitor should look at first; the example of each is its richest instance.
EXAMPLE_CLASSES = ("PoliticalParty", "Merger", "Election", "Law", "Stage")
# The downloads a server offers, as W3C format IRIs (https://www.w3.org/ns/formats/).
DUMP_FORMATS = {
    "ttl": "Turtle",
    "nt": "N-Triples",
    "nq": "N-Quads",
    "trig": "TriG",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")


def describe(store: ox.Store, base_url: str | None = None, endpoint: bool = True) -> list[ox.Quad]:
    """The description as quads in the default graph.

    With `base_url` (where a `kzgraph serve` answers), it also names the downloadable dumps and,
    unless `endpoint` is false (a static site, `kzgraph site`), the SPARQL endpoint and service.
    """
    out = _Triples()
    dataset = ox.NamedNode(DATASET)
    out.add(dataset, RDF + "type", ox.NamedNode(VOID + "Dataset"), ox.NamedNode(DCAT + "Dataset"))
    out.add(dataset, RDF + "type", ox.NamedNode(SD + "Dataset"))
    info = metadata.metadata("kzgraph")
    out.add(dataset, DCT + "title", ox.Literal(info["Name"], language="en"))
    out.add(dataset, DCT + "description", ox.Literal(info["Summary"], language="en"))
    out.add(dataset, DCAT + "version", ox.Literal(info["Version"]))
    for row in _select(store, "SELECT DISTINCT ?licence WHERE { ?o a owl:Ontology ; dct:license ?licence }"):
        out.add(dataset, DCT + "license", row["licence"])
    for row in _select(store, "SELECT DISTINCT ?work WHERE { ?work a/rdfs:subClassOf* kz:SourceWork }"):
        out.add(dataset, DCT + "source", row["work"])
        out.add(dataset, PROV + "wasDerivedFrom", row["work"])
    out.add(dataset, VOID + "uriSpace", ox.Literal(ID))
    _statistics(store, out, dataset)
    _partitions(store, out, dataset)
    _graphs(store, out, dataset)
    out.add(dataset, VOID + "exampleResource", *_examples(store))
    if base_url:
        if endpoint:
            _service(out, dataset, base_url.rstrip("/"))
        _dumps(out, dataset, base_url.rstrip("/"))
    return [ox.Quad(s, p, o) for s, p, o in out.triples]


class _Triples:
    def __init__(self) -> None:
        self.triples: list[tuple] = []

    def add(self, subject, predicate: str, *objects) -> None:
        for obj in objects:
            self.triples.append((subject, ox.NamedNode(predicate), obj))

    def count(self, subject, predicate: str, value: int) -> None:
        self.add(subject, predicate, ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer")))


def _select(store: ox.Store, sparql: str) -> list[ox.QuerySolution]:
    return list(store.query(sparql, use_default_graph_as_union=True, prefixes=PREFIXES))


def _number(solution: ox.QuerySolution, name: str) -> int:
    return int(solution[name].value)


def _statistics(store: ox.Store, out: _Triples, dataset: ox.NamedNode) -> None:
    # Triples are counted once however many named graphs hold them: the union default graph.
    (row,) = _select(
        store,
        """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
                  (COUNT(DISTINCT ?p) AS ?properties)
           WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }""",
    )
    (entities,) = _select(
        store, f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{ID}") }}'
    )
    (classes,) = _select(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")
    out.count(dataset, VOID + "triples", _number(row, "triples"))
    out.count(dataset, VOID + "entities", _number(entities, "n"))
    out.count(dataset, VOID + "distinctSubjects", _number(row, "subjects"))
    out.count(dataset, VOID + "distinctObjects", _number(row, "objects"))
    out.count(dataset, VOID + "properties", _number(row, "properties"))
    out.count(dataset, VOID + "classes", _number(classes, "n"))


def _partitions(store: ox.Store, out: _Triples, dataset: ox.NamedNode) -> None:
    vocabularies = set()
    for row in _select(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"):
        partition = _part("class", row["c"])
        out.add(dataset, VOID + "classPartition", partition)
        out.add(partition, VOID + "class", row["c"])
        out.count(partition, VOID + "entities", _number(row, "n"))
        if isinstance(row["c"], ox.NamedNode):
            vocabularies.add(namespace_of(row["c"].value))
    for row in _select(
        store,
        """SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
           WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p""",
    ):
        partition = _part("property", row["p"])
        out.add(dataset, VOID + "propertyPartition", partition)
        out.add(partition, VOID + "property", row["p"])
        out.count(partition, VOID + "triples", _number(row, "n"))
        out.count(partition, VOID + "distinctSubjects", _number(row, "subjects"))
        out.count(partition, VOID + "distinctObjects", _number(row, "objects"))
        vocabularies.add(namespace_of(row["p"].value))
    for namespace in sorted(vocabularies - {ID}):
        out.add(dataset, VOID + "vocabulary", ox.NamedNode(namespace))


def _graphs(store: ox.Store, out: _Triples, dataset: ox.NamedNode) -> None:
    union = ox.NamedNode(DATASET + "#default-graph")
    out.add(dataset, SD + "defaultGraph", union)
    out.add(union, RDF + "type", ox.NamedNode(SD + "Graph"))
    out.add(union, RDFS + "comment", ox.Literal("The union of all named graphs.", language="en"))
    for name in sorted(store.named_graphs(), key=str):
        named, graph = _part("named-graph", name), _part("graph", name)
        out.add(dataset, SD + "namedGraph", named)
        out.add(named, RDF + "type", ox.NamedNode(SD + "NamedGraph"))
        out.add(named, SD + "name", name)
        out.add(named, SD + "graph", graph)
        out.add(graph, RDF + "type", ox.NamedNode(SD + "Graph"))
        out.count(graph, VOID + "triples", sum(1 for _ in store.quads_for_pattern(None, None, None, name)))


def _part(kind: str, term: ox.NamedNode) -> ox.NamedNode:
    """A stable IRI for a partition or graph node of the description: DATASET#kind-prefix-local."""
    for prefix, namespace in LD_PREFIXES.items():
        local = term.value.removeprefix(namespace)
        if local != term.value and re.fullmatch(r"[\w.-]+", local):
            return ox.NamedNode(f"{DATASET}#{kind}-{prefix}-{local}")
    if term.value.startswith(GRAPH):
        return ox.NamedNode(f"{DATASET}#{kind}-{term.value.removeprefix(GRAPH).replace('/', '-')}")
    return ox.NamedNode(f"{DATASET}#{kind}-{hashlib.sha1(term.value.encode()).hexdigest()[:12]}")


def _examples(store: ox.Store) -> list[ox.NamedNode]:
    """For each of EXAMPLE_CLASSES, its instance with the most statements (ties: the first IRI)."""
    rows = _select(
        store,
        f"""SELECT ?class ?s (COUNT(*) AS ?n) WHERE {{
              VALUES ?class {{ {" ".join(f"kz:{c}" for c in EXAMPLE_CLASSES)} }}
              ?s a ?class ; ?p ?o
            }} GROUP BY ?class ?s""",
    )
    best: dict[str, tuple[int, str, ox.NamedNode]] = {}
    for row in rows:
        candidate = (-_number(row, "n"), row["s"].value, row["s"])
        best[row["class"].value] = min(best.get(row["class"].value, candidate), candidate)
    return [best[KZ + c][2] for c in EXAMPLE_CLASSES if KZ + c in best]


def _service(out: _Triples, dataset: ox.NamedNode, base_url: str) -> None:
    endpoint = ox.NamedNode(base_url + "/sparql")
    service = ox.NamedNode(base_url + "/sparql#service")
    out.add(dataset, VOID + "sparqlEndpoint", endpoint)
    out.add(service, RDF + "type", ox.NamedNode(SD + "Service"), ox.NamedNode(DCAT + "DataService"))
    out.add(service, SD + "endpoint", endpoint)
    out.add(service, DCAT + "endpointURL", endpoint)
    out.add(service, DCAT + "servesDataset", dataset)
    out.add(service, SD + "defaultDataset", dataset)
    out.add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    out.add(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    out.add(service, DCT + "conformsTo", ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/"))
    for name in (*RESULT_FORMATS, "Turtle", "N-Triples", "JSON-LD"):
        out.add(service, SD + "resultFormat", ox.NamedNode(FORMATS_NS + name))
    sparql_distribution = ox.NamedNode(base_url + "/sparql#distribution")
    out.add(dataset, DCAT + "distribution", sparql_distribution)
    out.add(sparql_distribution, RDF + "type", ox.NamedNode(DCAT + "Distribution"))
    out.add(sparql_distribution, DCAT + "accessURL", endpoint)
    out.add(sparql_distribution, DCAT + "accessService", service)


def _dumps(out: _Triples, dataset: ox.NamedNode, base_url: str) -> None:
    for fmt, name in DUMP_FORMATS.items():
        dump = ox.NamedNode(f"{base_url}/download/kzgraph{EXTENSIONS[fmt]}")
        out.add(dataset, VOID + "dataDump", dump)
        out.add(dataset, VOID + "feature", ox.NamedNode(FORMATS_NS + name))
        out.add(dataset, DCAT + "distribution", dump)
        out.add(dump, RDF + "type", ox.NamedNode(DCAT + "Distribution"))
        out.add(dump, DCAT + "downloadURL", dump)
        out.add(
            dump,
            DCAT + "mediaType",
            ox.NamedNode("https://www.iana.org/assignments/media-types/" + MEDIA_TYPES[fmt]),
        )
        out.add(dump, DCT + "format", ox.NamedNode(FORMATS_NS + name))
