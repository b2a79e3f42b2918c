"""Serialise the graph as byte-stable linked data: Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML.

Output is canonical so that two exports of the same data are byte-identical and a diff shows
only what changed: blank nodes get RDFC-1.0 labels, statements are sorted, and the prefixes
are the fixed set in `LD_PREFIXES` that the statements use, in alphabetical order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from ..errors import KzgraphError
from ..graph.namespaces import BASE, ONTOLOGY_GRAPH, PREFIXES
from ..resources import ONTOLOGY_DIR

CONTEXT_FILE = ONTOLOGY_DIR / "context.jsonld"
# Formats that keep named graphs; the others merge every selected graph into one graph.
DATASET_FORMATS = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
FORMATS = {**GRAPH_FORMATS, **DATASET_FORMATS}
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
EXTENSIONS = {"ttl": ".ttl", "nt": ".nt", "nq": ".nq", "trig": ".trig", "jsonld": ".jsonld", "rdfxml": ".rdf"}
SELECTIONS = ("data", "ontology", "all")
RDF_TYPE = PREFIXES["rdf"] + "type"
# Vocabularies the ontology and the dataset description (describe.py) use beyond the query prefixes.
LD_PREFIXES = dict(
    sorted(
        {
            **PREFIXES,
            "dataset": BASE + "dataset#",
            "dbo": "http://dbpedia.org/ontology/",
            "wdt": "http://www.wikidata.org/prop/direct/",
            "void": "http://rdfs.org/ns/void#",
            "dcat": "http://www.w3.org/ns/dcat#",
            "sd": "http://www.w3.org/ns/sparql-service-description#",
        }.items()
    )
)


class ExportError(KzgraphError):
    """An export was asked for in a format or selection that does not exist."""


def select_quads(store: ox.Store, selection: str = "data") -> list[ox.Quad]:
    """The quads of `selection`: "ontology" (the ontology graph), "data" (every other graph,
    derived links included) or "all"."""
    if selection not in SELECTIONS:
        raise ExportError(f"Unknown graph selection {selection!r} (choose: {', '.join(SELECTIONS)})")
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    if selection == "ontology":
        return list(store.quads_for_pattern(None, None, None, ontology))
    if selection == "all":
        return list(store)
    return [q for q in store if q.graph_name != ontology]


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads with RDFC-1.0 blank node labels, sorted by graph, subject, predicate, object."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda q: (str(q.graph_name), *_triple_key(q)))


def canonical_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The canonical quads merged into one graph: graph names dropped, duplicates removed."""
    triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in canonical_quads(quads))
    return sorted(triples, key=_triple_key)


def _triple_key(statement: ox.Triple | ox.Quad) -> tuple[str, bool, str, str]:
    # rdf:type first in each subject's block, so Turtle starts each resource with its "a" line.
    return (
        str(statement.subject),
        statement.predicate.value != RDF_TYPE,
        str(statement.predicate),
        str(statement.object),
    )


def serialize(quads: Iterable[ox.Quad], fmt: str = "ttl") -> bytes:
    """Canonical `fmt` bytes for the quads (dataset formats keep graph names, the others merge)."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r} (choose: {', '.join(FORMATS)})")
    if fmt in DATASET_FORMATS:
        statements: list = canonical_quads(quads)
    else:
        statements = canonical_triples(quads)
    if fmt == "jsonld":
        return _jsonld(statements)
    if fmt in ("nt", "nq"):
        # Canonical N-Triples/N-Quads: one statement a line, lines in code point order.
        text = ox.serialize(statements, format=FORMATS[fmt]).decode("utf-8")
        return "".join(sorted(text.splitlines(keepends=True))).encode("utf-8")
    prefixes = used_prefixes(statements)
    text = ox.serialize(statements, format=FORMATS[fmt], prefixes=prefixes)
    if fmt in ("ttl", "trig"):
        # The serialiser writes the prefix lines in an order of its own: make it alphabetical.
        lines = text.split(b"\n")
        body = next(i for i, line in enumerate(lines) if not line.startswith(b"@prefix "))
        header = [f"@prefix {p}: <{iri}> .".encode() for p, iri in prefixes.items()]
        text = b"\n".join([*header, b"", *lines[body:]])
    return text


def export(store: ox.Store, fmt: str = "ttl", selection: str = "data") -> bytes:
    """The selected graphs of `store` as canonical `fmt` bytes (see `serialize`)."""
    return serialize(select_quads(store, selection), fmt)


def format_for_path(path: Path) -> str:
    """The export format a file name asks for, by its extension."""
    by_extension = {ext: fmt for fmt, ext in EXTENSIONS.items()} | {".owl": "rdfxml", ".xml": "rdfxml"}
    fmt = by_extension.get(path.suffix.lower())
    if fmt is None:
        raise ExportError(
            f"{path}: can't tell the format from the extension (use --format, or one of "
            f"{', '.join(sorted(by_extension))})"
        )
    return fmt


def used_prefixes(statements: Iterable[ox.Triple | ox.Quad]) -> dict[str, str]:
    """The `LD_PREFIXES` entries some IRI of the statements starts with, alphabetically."""
    namespaces = set()
    for statement in statements:
        terms = [statement.subject, statement.predicate, statement.object]
        if isinstance(statement, ox.Quad):
            terms.append(statement.graph_name)
        for term in terms:
            if isinstance(term, ox.NamedNode):
                namespaces.add(namespace_of(term.value))
            elif isinstance(term, ox.Literal):
                namespaces.add(namespace_of(term.datatype.value))
    return {p: iri for p, iri in LD_PREFIXES.items() if iri in namespaces}


def namespace_of(iri: str) -> str:
    """The IRI up to its last "/" or "#"."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def context_document() -> dict:
    """The JSON-LD context kzgraph publishes: every prefix in LD_PREFIXES.

    ontology/context.jsonld holds it; after a change of prefixes rewrite it with
    `python -c "import kzgraph.publish.export as e; e.write_context()"`.
    """
    return {"@context": dict(LD_PREFIXES)}


def write_context(path: Path = CONTEXT_FILE) -> None:
    path.write_text(json.dumps(context_document(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


@cache
def jsonld_context() -> dict:
    """The published JSON-LD context (ontology/context.jsonld), as a dict with an "@context" key."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


def _jsonld(triples: list[ox.Triple]) -> bytes:
    """Compact JSON-LD with the published context, nodes ordered by @id and values by their JSON text.

    rdflib does the compaction; its node order depends on hashing, so the result is re-sorted.
    """
    import rdflib

    graph = rdflib.Graph()
    for triple in triples:
        graph.add((_rdflib_term(triple.subject), _rdflib_term(triple.predicate), _rdflib_term(triple.object)))
    context = jsonld_context()["@context"]
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = document.get("@graph", [] if "@id" not in document else [document])
    nodes = [{k: v for k, v in node.items() if k != "@context"} for node in nodes]
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=_json_key)
    nodes.sort(key=lambda node: (str(node.get("@id", "")), _json_key(node)))
    text = json.dumps({"@context": context, "@graph": nodes}, ensure_ascii=False, indent=2, sort_keys=True)
    return (text + "\n").encode("utf-8")


def _rdflib_term(term):
    """The rdflib term for a pyoxigraph term; blank nodes keep their (canonical) labels."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise ExportError(f"JSON-LD export can't write the RDF-star term {term}")


def _json_key(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
