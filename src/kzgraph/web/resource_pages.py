"""What a resource page shows: a resource's statements, the statements that point at it, and
labels for everything they mention, read from the store (no SPARQL, no user input in queries).

Pages are built in the query workers (querypool.PageJob), under the time limit, and list at
most `page_size` statements and `page_size` links to the resource each (`?page=N` for more).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..graph.namespaces import BASE, DERIVED_PREFIX, GRAPH, PREFIXES
from .safety import safe_href

LABELS = (PREFIXES["skos"] + "prefLabel", PREFIXES["rdfs"] + "label", PREFIXES["dct"] + "title")
RDF_TYPE = PREFIXES["rdf"] + "type"


@dataclass
class Value:
    """A term as a page shows it: text, an optional link, and what kind of term it is."""

    text: str
    href: str | None = None
    kind: str = "iri"  # iri | literal | bnode
    note: str = ""  # language tag or datatype of a literal
    derived: bool = False  # stated only in a derived graph (by the rules, not by a source)


@dataclass
class Row:
    predicate: Value
    values: list[Value] = field(default_factory=list)


@dataclass
class ResourceView:
    iri: str
    title: str
    types: list[Value]
    rows: list[Row]
    incoming: list[tuple[Value, Value]]
    page: int = 0  # which page of the statements and links (from 0)
    pages: int = 1  # how many pages there are
    statements: int = 0  # the resource's statements (besides rdf:type), on every page together
    links: int = 0  # statements that point at the resource, on every page together


def local_path(iri: str) -> str | None:
    """The path this server answers `iri` at (/id/..., /ontology#..., /dataset), or None."""
    if not iri.startswith(BASE):
        return None
    rest = iri[len(BASE) :]
    if rest.startswith(("id/", "ontology", "dataset")):
        return "/" + rest
    return None


def resource_quads(store: ox.Store, iri: str, limit: int | None = None) -> list[ox.Quad]:
    """The quads with `iri` as subject or object (its description and the links to it), at most `limit`."""
    node = ox.NamedNode(iri)
    quads = itertools.chain(
        store.quads_for_pattern(node, None, None, None), store.quads_for_pattern(None, None, node, None)
    )
    return list(itertools.islice(quads, limit))


def english_labels(store: ox.Store, iris: Iterable[str]) -> dict[str, str]:
    """The English (or untagged) label of each IRI that has one, the least if it has several:
    what a stored query's page shows for the IRIs in its result."""
    found = {}
    for iri in iris:
        node = ox.NamedNode(iri)
        texts = [
            quad.object.value
            for predicate in LABELS
            for quad in store.quads_for_pattern(node, ox.NamedNode(predicate), None, None)
            if isinstance(quad.object, ox.Literal) and quad.object.language in (None, "en")
        ]
        if texts:
            found[iri] = min(texts)
    return found


def view(store: ox.Store, iri: str, page: int = 0, page_size: int = 500) -> ResourceView | None:
    """Page `page` of the view of `iri`, or None if the store says nothing about it."""
    node = ox.NamedNode(iri)
    outgoing = _statements(store.quads_for_pattern(node, None, None, None))
    incoming = _statements(store.quads_for_pattern(None, None, node, None))
    if not outgoing and not incoming:
        return None
    labels = _Labels(store)
    types = [labels.value(obj, derived) for (_, p, obj), derived in outgoing if p.value == RDF_TYPE]
    described = [item for item in outgoing if item[0][1].value != RDF_TYPE]
    start = page * page_size
    rows: dict[str, Row] = {}
    for (_, predicate, obj), derived in described[start : start + page_size]:
        row = rows.setdefault(predicate.value, Row(labels.value(predicate)))
        row.values.append(labels.value(obj, derived))
    links = [
        (labels.value(subject, derived), labels.value(predicate))
        for (subject, predicate, _), derived in incoming[start : start + page_size]
    ]
    title = labels.label(node) or iri
    ordered = sorted(rows.values(), key=lambda r: (r.predicate.text.lower(), r.predicate.href or ""))
    pages = max(1, -(-max(len(described), len(incoming)) // page_size))
    return ResourceView(
        iri, title, types[:page_size], ordered, links, page, pages, len(described), len(incoming)
    )


def _statements(quads) -> list[tuple[tuple, bool]]:
    """Distinct (subject, predicate, object) in a stable order, each with whether it is stated
    only in derived graphs."""
    graphs_of: dict[tuple, set[str]] = {}
    for quad in quads:
        graph_name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        graphs_of.setdefault((quad.subject, quad.predicate, quad.object), set()).add(graph_name)
    ordered = sorted(graphs_of.items(), key=lambda kv: tuple(map(str, kv[0])))
    return [(key, all(g.startswith(DERIVED_PREFIX) for g in graphs)) for key, graphs in ordered]


class _Labels:
    def __init__(self, store: ox.Store):
        self.store = store
        self.cache: dict[str, str | None] = {}

    def label(self, node: ox.NamedNode) -> str | None:
        if node.value not in self.cache:
            found = None
            for predicate in LABELS:
                literals = [
                    q.object
                    for q in self.store.quads_for_pattern(node, ox.NamedNode(predicate), None, None)
                    if isinstance(q.object, ox.Literal)
                ]
                english = [lit for lit in literals if lit.language in ("en", None, "")]
                if english or literals:
                    found = sorted((english or literals), key=lambda lit: lit.value)[0].value
                    break
            self.cache[node.value] = found
        return self.cache[node.value]

    def value(self, term, derived: bool = False) -> Value:
        if isinstance(term, ox.NamedNode):
            label = self.label(term) if term.value.startswith(BASE) else None
            text = label or compact(term.value)
            return Value(text, local_path(term.value) or safe_href(term.value), "iri", derived=derived)
        if isinstance(term, ox.BlankNode):
            return Value(f"_:{term.value}", None, "bnode", derived=derived)
        if isinstance(term, ox.Literal):
            note = term.language or (
                "" if term.datatype.value == PREFIXES["xsd"] + "string" else compact(term.datatype.value)
            )
            return Value(term.value, None, "literal", note, derived)
        return Value(str(term), None, "literal", derived=derived)


def compact(iri: str) -> str:
    """`prefix:local` for an IRI in a known namespace (the longest match), else the IRI."""
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(PREFIXES[best])):
            best = prefix
    if best is None or iri.startswith(GRAPH):
        return iri
    return f"{best}:{iri[len(PREFIXES[best]) :]}"
